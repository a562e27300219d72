/**
 * The engine as the rest of the product sees it: load models and the sandbox once, then solve
 * questions. Bots and the CLI use only this module (and the types it re-exports).
 */
import { createExecutorPool } from './exec';
import type { Executor } from './exec/types';
import { answersEqual } from './grading';
import { DEFAULT_POLICY_DIR, DEFAULT_SCORER_DIR, loadPolicy, loadScorer, MicroBatchPolicy, MicroBatchScorer } from './models';
import type { Policy, StepScorer } from './models/types';
import { search } from './search';
import type { SearchConfig, SearchHooks, SearchResult, StrategyName } from './search/types';
import { DEFAULT_ABSTENTION, judge } from './search/verdict';

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
  readonly policy: Policy;
  readonly scorer?: StepScorer;
  readonly executor: Executor;
  close(): Promise<void>;
}

/** Builds an engine from already-loaded parts (tests, synthesis, custom deployments). */
export function engineFrom(policy: Policy, scorer: StepScorer | undefined, executor: Executor): Engine {
  return {
    policy,
    scorer,
    executor,
    solve: async (question, config = {}, hooks = {}) => {
      // the question's familiarity costs one prefill: run it beside the search, never fail on it
      const loss = policy.questionLoss ? policy.questionLoss(question, hooks.signal).catch(() => null) : Promise.resolve(null);
      const result = await search(question, { policy, scorer, executor, sameAnswer: answersEqual }, config, hooks);
      const questionLoss = await loss;
      // Agreement needs at least two finished attempts. MCTS counts each distinct terminal once, so
      // rollouts that all converge on one solution are many attempts agreeing, not a lone one.
      const counted = result.alternatives.reduce((n, a) => n + a.votes, 0);
      const attempts = result.strategy === 'mcts' && counted > 0 ? Math.max(counted, result.stats.rollouts) : counted;
      const verdict = judge(
        result.answer,
        { voteShare: result.answer === null || attempts < 2 ? null : result.confidence.voteShare, score: result.confidence.score, questionLoss },
        policy.abstention ?? DEFAULT_ABSTENTION,
      );
      return { ...result, verdict, models: { policy: policy.name, scorer: scorer?.name ?? null, ...(policy.notice && { notice: policy.notice }) } };
    },
    async close() {
      await Promise.allSettled([policy.close?.(), scorer?.close?.(), executor.close()]);
    },
  };
}

/** Loads the models named in `opts` (default: the shipped ones) and starts the sandbox pool. */
export async function createEngine(opts: EngineOptions = {}): Promise<Engine> {
  const batch = opts.microBatch !== false;
  const loaded = await loadPolicy(opts.policyDir ?? DEFAULT_POLICY_DIR);
  const policy = batch ? new MicroBatchPolicy(loaded) : loaded;
  let scorer: StepScorer | undefined;
  try {
    if (opts.scorerDir !== null) {
      const s = await loadScorer(opts.scorerDir ?? DEFAULT_SCORER_DIR);
      scorer = batch ? new MicroBatchScorer(s) : s;
    }
    const executor = createExecutorPool(opts.workers ? { workers: opts.workers } : undefined);
    return engineFrom(policy, scorer, executor);
  } catch (err) {
    await Promise.allSettled([policy.close?.(), scorer?.close?.()]);
    throw err;
  }
}

export { search, checkQuestion, QuestionError, DEFAULT_CONFIG, STRATEGY_NAMES } from './search';
export { budgetConfig } from './strategies';
export type { SearchConfig, SearchHooks, SearchProgress, SearchResult, Step, StrategyName } from './search/types';
export { judge, calibrate, DEFAULT_ABSTENTION, UNSURE_REASON_TEXT } from './search/verdict';
export type { AbstentionRule, Verdict, UnsureReason, CalibrationPoint } from './search/verdict';
