/**
 * The engine as the rest of the product sees it: load models and the sandbox once, then solve
 * questions. Bots and the CLI use only this module (and the types it re-exports).
 */
import { EngineError } from './errors';
import { createExecutorPool } from './exec';
import type { Executor } from './exec/types';
import { answersEqual } from './grading';
import { DEFAULT_POLICY_DIR, DEFAULT_SCORER_DIR, loadPolicy, loadScorer, MicroBatchPolicy, MicroBatchScorer } from './models';
import { scoreEachStep, type Policy, type StepScorer } from './models/types';
import { checkQuestion, QuestionError, search, stripUndefined } from './search';
import type { SearchConfig, SearchHooks, SearchResult, StrategyName } from './search/types';
import { DEFAULT_ABSTENTION, judge } from './search/verdict';
import { solutionLogprob, tokenProbability } from './search/world';
import { writtenSteps } from './steps/format';

export interface EngineOptions {
  /** Policy model directory (manifest.json inside); defaults to the shipped model. */
  policyDir?: string;
  /** Step scorer (PPM/PRM) directory; defaults to the shipped PPM. `null` runs without a scorer. */
  scorerDir?: string | null;
  /** Sandbox workers. */
  workers?: number;
  /**
   * Coalesce model calls of concurrent searches into shared batches (default true). One search
   * alone pays at most the short wait window.
   */
  microBatch?: boolean;
}

export interface Engine {
  solve(question: string, config?: Partial<SearchConfig> & { strategy?: StrategyName }, hooks?: SearchHooks): Promise<SearchResult>;
  /**
   * Scores written work (a person's solution in words and LaTeX, already split into steps): one
   * score in [-1, 1] per step, each step judged in the context of the steps before it. Throws an
   * EngineError: `scorer_unavailable` without a step scorer, `scorer_code_only` when the loaded
   * scorer judges only code steps (its scores of steps in words would be noise).
   */
  scoreSteps(question: string, steps: readonly string[], signal?: AbortSignal): Promise<number[]>;
  /**
   * Whether the question fits the loaded policy's context with room to write the steps (counted
   * with its tokenizer against its manifest's `limits`); when it does not, a message for the user
   * that says how much to cut. solve() refuses such a question with that message
   * (`question_too_long`) before searching.
   */
  fits(question: string): { ok: true } | { ok: false; message: string };
  readonly policy: Policy;
  readonly scorer?: StepScorer;
  readonly executor: Executor;
  close(): Promise<void>;
}

/**
 * Room a question's prompt must leave in the context for the steps: two steps of the manifest's
 * `limits.maxStepTokens`, at most half the context.
 */
export function stepRoom(contextTokens: number, stepTokens: number): number {
  return Math.min(2 * stepTokens, Math.floor(contextTokens / 2));
}

/** The token check behind Engine.fits (exported for the tests). */
export function promptFit(policy: Policy, question: string): { ok: true } | { ok: false; message: string } {
  if (!policy.promptTokens) return { ok: true };
  const q = question.trim();
  const t = policy.promptTokens(q);
  const max = t.contextTokens - stepRoom(t.contextTokens, t.stepTokens);
  if (t.tokens <= max) return { ok: true };
  const over = t.tokens - max;
  // characters per token of this question, to say how much to cut in characters
  const cut = Math.min(q.length, Math.ceil((over * q.length) / t.questionTokens / 10) * 10);
  const pct = Math.min(100, Math.ceil((100 * cut) / Math.max(1, q.length)));
  return {
    ok: false,
    message:
      `This question is too long for the model loaded here: its prompt is ${t.tokens} tokens and the model reads at most ${max} ` +
      `(it needs the rest of its ${t.contextTokens}-token context to write the steps). ` +
      `Please cut about ${cut} characters (${pct}% of it), keeping the problem itself, and ask again.`,
  };
}

/** Builds an engine from already-loaded parts (tests, synthesis, custom deployments). */
export function engineFrom(policy: Policy, scorer: StepScorer | undefined, executor: Executor): Engine {
  return {
    policy,
    scorer,
    executor,
    fits: (question) => promptFit(policy, question),
    solve: async (question, config = {}, hooks = {}) => {
      const fit = promptFit(policy, checkQuestion(question));
      if (!fit.ok) throw new QuestionError('question_too_long', fit.message);
      // the question's familiarity costs one prefill: run it beside the search, never fail on it
      const loss = policy.questionLoss ? policy.questionLoss(question, hooks.signal).catch(() => null) : Promise.resolve(null);
      // the model's own search settings (manifest "search"), under whatever the caller set
      const { budget: _budget, ...modelDefaults } = policy.searchDefaults ?? {};
      const settings = { ...modelDefaults, ...stripUndefined(config) };
      const result = await search(question, { policy, scorer, executor, sameAnswer: answersEqual }, settings, hooks);
      const questionLoss = await loss;
      // Agreement needs at least two finished solutions. MCTS counts each distinct finished
      // solution once: rollouts that revisit one solution are still one solution, not a vote.
      const finished = result.alternatives.reduce((n, a) => n + a.votes, 0);
      const verdict = judge(
        result.answer,
        {
          voteShare: result.answer === null || finished < 2 ? null : result.confidence.voteShare,
          score: result.confidence.score,
          tokenProb: result.answer === null ? null : tokenProbability(result.trajectory),
          solutionLogprob: result.answer === null ? null : solutionLogprob(result.trajectory),
          questionLoss,
        },
        policy.abstention ?? DEFAULT_ABSTENTION,
        result.strategy,
      );
      return {
        ...result,
        verdict,
        models: { policy: policy.name, scorer: scorer?.name ?? null, ...(policy.notice && { notice: policy.notice }) },
      };
    },
    async scoreSteps(question, steps, signal) {
      const q = checkQuestion(question);
      if (!scorer) throw new EngineError('scorer_unavailable', 'scoring steps needs a step scorer (PPM or PRM); none is loaded');
      if (scorer.stepStyles && !scorer.stepStyles.includes('prose')) {
        throw new EngineError('scorer_code_only', `the step scorer ${scorer.name} judges only steps written as code, not steps in words`);
      }
      if (steps.length === 0) return [];
      const scores = await scoreEachStep(scorer, { question: q, steps: writtenSteps(steps) }, signal);
      return scores.map((x) => Math.max(-1, Math.min(1, x)));
    },
    async close() {
      await Promise.allSettled([policy.close?.(), scorer?.close?.(), executor.close()]);
    },
  };
}

/** A model file that is not there (a tokenizer, a weights file) means the model is not installed. */
function modelLoadError(err: unknown): unknown {
  if (err instanceof EngineError || (err as NodeJS.ErrnoException)?.code !== 'ENOENT') return err;
  return new EngineError('model_unavailable', (err as Error).message, { cause: err });
}

/**
 * Loads the models named in `opts` (default: the shipped ones) and starts the sandbox pool.
 * Throws an EngineError (`model_unavailable`, `model_invalid`, `model_load_failed`, ...) when a
 * model cannot be loaded.
 */
export async function createEngine(opts: EngineOptions = {}): Promise<Engine> {
  const batch = opts.microBatch !== false;
  const loaded = await loadPolicy(opts.policyDir ?? DEFAULT_POLICY_DIR).catch((err) => {
    throw modelLoadError(err);
  });
  const policy = batch ? new MicroBatchPolicy(loaded) : loaded;
  let scorer: StepScorer | undefined;
  try {
    if (opts.scorerDir !== null) {
      const s = await loadScorer(opts.scorerDir ?? DEFAULT_SCORER_DIR, { policy: loaded }).catch((err) => {
        throw modelLoadError(err);
      });
      scorer = batch ? new MicroBatchScorer(s) : s;
    }
    const executor = createExecutorPool(opts.workers ? { workers: opts.workers } : undefined);
    return engineFrom(policy, scorer, executor);
  } catch (err) {
    await Promise.allSettled([policy.close?.(), scorer?.close?.()]);
    throw err;
  }
}

export { search, checkQuestion, QuestionError, DEFAULT_CONFIG, DEFAULT_STRATEGY, STRATEGY_NAMES } from './search';
export { EngineError, engineErrorCode } from './errors';
export type { EngineErrorCode } from './errors';
export type { StepParts } from './steps/format';
export { budgetConfig } from './strategies';
export type { SearchConfig, SearchHooks, SearchProgress, SearchResult, Step, StrategyName } from './search/types';
export { judge, calibrate, agreementCounts, agreementText, DEFAULT_ABSTENTION, UNSURE_REASON_TEXT } from './search/verdict';
export type { AbstentionRule, Verdict, UnsureReason, CalibrationPoint } from './search/verdict';
