/**
 * The step world: turns policy samples into verified steps. Every strategy expands and scores
 * through it, so sampling, de-duplication, execution and the step format live in one place.
 */
import { EngineError } from '../errors';
import type { Executor, Observation } from '../exec/types';
import type { Policy, StepScorer } from '../models/types';
import { buildProgram, extractBoxed, spliceOutput, stepKind, STEP_STOPS, withParts } from '../steps/format';
import type { SameAnswer } from './answers';
import type { SearchConfig, SearchStats, Step } from './types';

export interface WorldDeps {
  policy: Policy;
  /** Needed by best-of-n, beam and MCTS (test time and PPM-augmented synthesis). */
  scorer?: StepScorer;
  executor: Executor;
  /** Cheap answer equivalence for votes. */
  sameAnswer: SameAnswer;
}

const EXEC_CACHE_LIMIT = 2000;

export class StepWorld {
  readonly stats: SearchStats = {
    rollouts: 0,
    policyCalls: 0,
    samples: 0,
    executions: 0,
    executionCacheHits: 0,
    scorerCalls: 0,
    scoredItems: 0,
    nodes: 0,
    elapsedMs: 0,
  };
  private readonly execCache = new Map<string, Promise<Observation>>();
  private seedCounter = 0;

  constructor(
    readonly question: string,
    readonly deps: WorldDeps,
    readonly config: SearchConfig,
    readonly signal?: AbortSignal,
  ) {}

  get hasScorer(): boolean {
    return this.deps.scorer !== undefined;
  }

  /**
   * Samples `n` next steps after each path, in one policy call, then de-duplicates, executes and
   * classifies them. `temperature` overrides the config (greedy uses 0).
   */
  async expand(
    paths: readonly Step[][],
    n: number,
    temperature = this.config.temperature,
    { dedupe = true }: { dedupe?: boolean } = {},
  ): Promise<Step[][]> {
    this.throwIfAborted();
    if (paths.length === 0) return [];
    const requests = paths.map((path) => ({
      question: this.question,
      partial: path.map((s) => s.text).join(''),
      n,
      params: {
        temperature,
        topP: this.config.topP,
        topK: this.config.topK_sampling,
        maxTokens: this.config.maxStepTokens,
        seed: this.config.seed * 100003 + this.seedCounter++,
        stop: [...STEP_STOPS],
      },
    }));
    this.stats.policyCalls++;
    const samples = await this.deps.policy.sample(requests, this.signal);
    this.stats.samples += samples.reduce((a, s) => a + s.length, 0);
    return Promise.all(
      paths.map((path, i) => {
        // A sample cut by the token limit never finished its step, whatever it looks like.
        const cut = new Set(samples[i].filter((s) => s.finish === 'length').map((s) => s.text));
        const raw = samples[i].map((s) => s.text);
        const texts = dedupe ? dedupeCandidates(raw) : raw;
        return Promise.all(
          texts.map((t, k) => {
            // the sample behind the text (after de-duplication, the first one with it)
            const smp = dedupe ? samples[i].find((s) => s.text === t)! : samples[i][k];
            return this.makeStep(path, t, cut.has(t), smp.logprob?.tokens ? smp.logprob : undefined);
          }),
        );
      }),
    );
  }

  /** Scores the given paths with the step scorer (value of the last step of each). */
  async score(paths: readonly Step[][]): Promise<number[]> {
    if (paths.length === 0) return [];
    const scorer = this.deps.scorer;
    if (!scorer)
      throw new EngineError('scorer_unavailable', `strategy "${this.config.strategy}" needs a step scorer (PPM or PRM) and none is loaded`);
    this.throwIfAborted();
    this.stats.scorerCalls++;
    this.stats.scoredItems += paths.length;
    return scorer.score(
      paths.map((p) => ({ question: this.question, steps: p.map((s) => s.text) })),
      this.signal,
    );
  }

  throwIfAborted(): void {
    if (this.signal?.aborted) throw new SearchCancelled();
  }

  /** Runs a program through the executor, once per distinct program within this search. */
  private execute(program: string): Promise<Observation> {
    const hit = this.execCache.get(program);
    if (hit) {
      this.stats.executionCacheHits++;
      return hit;
    }
    this.stats.executions++;
    const run = this.deps.executor.run(program, { signal: this.signal });
    if (this.execCache.size >= EXEC_CACHE_LIMIT) this.execCache.delete(this.execCache.keys().next().value as string);
    this.execCache.set(program, run);
    return run;
  }

  private async makeStep(path: readonly Step[], text: string, unfinished: boolean, logprob?: Step['logprob']): Promise<Step> {
    const step = withParts(await this.classify(path, text, unfinished));
    return logprob ? { ...step, logprob } : step;
  }

  /** The step without its parts: kind, validity, answer, observation. */
  private async classify(path: readonly Step[], text: string, unfinished: boolean): Promise<Omit<Step, 'parts'>> {
    this.stats.nodes++;
    const kind = stepKind(text);
    if (unfinished || kind === 'partial') {
      return { text, kind: 'partial', valid: false, terminal: true, invalidReason: 'the step did not finish within the token limit' };
    }
    if (kind === 'answer') {
      const answer = extractBoxed(text);
      if (answer === null || answer === '') {
        return { text, kind, valid: false, terminal: true, invalidReason: 'the answer has no \\boxed{} value' };
      }
      const printed = this.config.answerMustMatchOutput ? printedNumber(path) : null;
      if (printed !== null && !this.deps.sameAnswer(printed, answer) && !roundsTo(printed, answer)) {
        return {
          text,
          kind,
          valid: false,
          terminal: true,
          answer,
          invalidReason: `the answer ${answer} is not what the program printed (${printed})`,
        };
      }
      return { text, kind, valid: true, terminal: true, answer };
    }
    const preamble = this.deps.policy.codePreamble;
    const program = buildProgram(
      path.map((s) => s.text),
      text,
    );
    const observation = await this.execute(preamble ? `${preamble.replace(/\n*$/, '\n')}${program}` : program);
    if (!observation.ok) {
      return {
        text,
        kind,
        valid: false,
        terminal: true,
        observation,
        invalidReason: observation.timedOut ? 'the code ran out of time' : `the code failed: ${observation.error ?? observation.output}`,
      };
    }
    return { text: kind === 'code_end' ? spliceOutput(text, observation.output) : text, kind, valid: true, terminal: false, observation };
  }
}

/**
 * The policy's geometric-mean probability per token over the steps it wrote (in (0, 1]): how sure
 * it was of the whole solution. Null when a step lacks the figures (its backend does not report
 * them) or nothing was written.
 */
export function tokenProbability(steps: readonly Step[]): number | null {
  const t = writtenLogprob(steps);
  return t ? Math.exp(t.sum / t.tokens) : null;
}

/**
 * The natural-log probability of the whole solution the policy wrote (the sum over its tokens):
 * null as for tokenProbability.
 */
export function solutionLogprob(steps: readonly Step[]): number | null {
  return writtenLogprob(steps)?.sum ?? null;
}

/** Log-probability and token count summed over the steps the policy wrote; null when one lacks them or none has tokens. */
function writtenLogprob(steps: readonly Step[]): { sum: number; tokens: number } | null {
  let sum = 0;
  let tokens = 0;
  for (const s of steps) {
    if (s.kind === 'partial' && s.text === '') continue; // the depth limit's marker, not a written step
    if (!s.logprob) return null;
    sum += s.logprob.sum;
    tokens += s.logprob.tokens;
  }
  return tokens ? { sum, tokens } : null;
}

/**
 * The number the program printed last, when its final output is a single number or fraction
 * (the value the answer step should report); null for any other output.
 */
export function printedNumber(path: readonly Step[]): string | null {
  const last = [...path].reverse().find((s) => s.kind === 'code_end');
  const out = last?.observation?.output.trim().split('\n').pop()?.trim() ?? '';
  return /^-?\d+(\.\d+)?(\/\d+)?$/.test(out) ? out : null;
}

/**
 * Whether `answer` is the printed decimal rounded to the answer's own decimal places (the program
 * printed 14.666666666666666, the answer says 14.67): the same value, stated as people state it.
 */
export function roundsTo(printed: string, answer: string): boolean {
  const a = answer.trim().match(/^-?\d+(?:\.(\d+))?$/);
  if (!a || !/^-?\d+\.\d+$/.test(printed)) return false;
  const places = a[1]?.length ?? 0;
  return Math.abs(Number(printed) - Number(answer)) <= 0.5 * 10 ** -places + 1e-9;
}

/**
 * Sibling de-duplication (spec §4): identical texts are kept once, and when any candidate ends
 * the answer only the first such candidate is kept.
 */
export function dedupeCandidates(texts: readonly string[]): string[] {
  const seen = new Set<string>();
  let answerKept = false;
  const out: string[] = [];
  for (const t of texts) {
    const key = t.trim();
    if (seen.has(key)) continue;
    seen.add(key);
    if (stepKind(t) === 'answer') {
      if (answerKept) continue;
      answerKept = true;
    }
    out.push(t);
  }
  return out;
}

export class SearchCancelled extends EngineError {
  constructor() {
    super('cancelled', 'search cancelled');
  }
}

/** A step that ends a path because the path reached the maximum depth. */
export function depthLimitStep(): Step {
  return { text: '', kind: 'partial', parts: { comment: '', code: '' }, valid: false, terminal: true, invalidReason: 'too many steps' };
}
