/**
 * Accuracy of search strategies on a problem set, and PPM pairwise accuracy on held-out pairs.
 */
import { gradeAnswer, type SymbolicChecker } from '../../engine/grading';
import type { StepScorer } from '../../engine/models/types';
import type { SearchConfig, SearchResult, StrategyName, TreeJSON } from '../../engine/search/types';
import type { CalibrationPoint } from '../../engine/search/verdict';

export interface EvalProblem {
  id: string;
  question: string;
  answer: string;
  /** Other fields of the problem's record (family, novelty, level, type, …), for `groupBy`. */
  fields?: Record<string, unknown>;
}

/** Accuracy and coverage of one group of problems (e.g. one family or difficulty level). */
export interface GroupReport {
  n: number;
  correct: number;
  accuracy: number;
  coverage: number;
}

export type Solve = (question: string, config: Partial<SearchConfig> & { strategy: StrategyName }) => Promise<SearchResult>;

export interface StrategyReport {
  accuracy: number;
  correct: number;
  n: number;
  /**
   * Share of problems where the right answer was among the answers the strategy found (any
   * trajectory, any terminal of an MCTS tree): the most any answer selection could reach.
   */
  coverage: number;
  /** Mean sampled steps per problem (the sample budget actually spent). */
  mean_samples: number;
  mean_seconds: number;
  /** Median wall time per problem (what a user waits, typically). */
  median_seconds: number;
  errors: number;
  /**
   * Accuracy had the answer with the most finished solutions been shown instead (ties: the higher
   * scorer value): the strategy's own pick against a plain vote over the same search.
   */
  majority_accuracy: number;
  /**
   * Share of problems answered without a "not sure" warning (the engine's verdict), and the
   * accuracy on those (selective accuracy); null when the results carry no verdict (and the
   * selective accuracy null when none was answered).
   */
  answered: number | null;
  selective_accuracy: number | null;
  /** Per value of the `groupBy` field, when one was given. */
  groups?: Record<string, GroupReport>;
  /** Problems without an answer, by why the shown trajectory ended (endingKind), most first. */
  no_answer: Record<string, number>;
}

/** One problem's outcome with its abstention signals (for `./stepwise calibrate`). */
export interface EvalRecord extends CalibrationPoint {
  id: string;
  strategy: StrategyName;
  /** The verdict the engine gave with the policy's current rule. */
  sure: boolean | null;
  /** Wall time of the search (for medians per question). */
  seconds?: number;
  /** The answer shown (null when none was found). */
  answer?: string | null;
  /**
   * Every distinct answer found, winner first, graded: lets answer-selection rules (highest value,
   * most votes) be compared offline on the same searches.
   */
  alternatives?: Array<{ answer: string; votes: number; bestScore: number | null; correct: boolean }>;
  /** Whether the right answer was anywhere in the search (see StrategyReport.coverage). */
  covered?: boolean;
  /** Sampled steps spent. */
  samples?: number;
  /** Without an answer: why the shown trajectory ended (its last step's invalid reason). */
  ended?: string;
  /**
   * The shown trajectory's steps as the policy's log-probability and token count, [sum, tokens]
   * each (when its backend reports them): to compare other ways of reading its certainty offline.
   */
  stepLogprobs?: Array<[number, number]>;
}

/** The answer a plain vote over the alternatives picks: most votes, then the higher scorer value. */
export function majorityPick<T extends { votes: number; bestScore: number | null }>(alternatives: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const a of alternatives)
    if (!best || a.votes > best.votes || (a.votes === best.votes && (a.bestScore ?? -Infinity) > (best.bestScore ?? -Infinity))) best = a;
  return best;
}

/** One problem's outcome for a report: its record (null when its solve failed) and its group (when grouping). */
interface Outcome {
  record: EvalRecord | null;
  group?: string;
}

function strategyReport(outcomes: readonly Outcome[], grouped: boolean): StrategyReport {
  const all = newTally();
  const groups = new Map<string, Tally>();
  let samples = 0;
  let majority = 0;
  const seconds: number[] = [];
  const endings = new Map<string, number>();
  const judged = outcomes.filter((o) => o.record?.sure !== null && o.record?.sure !== undefined);
  const sure = judged.filter((o) => o.record!.sure);
  for (const o of outcomes) {
    const r = o.record;
    const won = !!r?.correct;
    const found = won || !!r?.covered || !!r?.alternatives?.some((a) => a.correct);
    count(all, won, found);
    if (grouped) {
      const key = o.group ?? '(none)';
      if (!groups.has(key)) groups.set(key, newTally());
      count(groups.get(key)!, won, found);
    }
    if (!r) continue;
    samples += r.samples ?? 0;
    if (r.seconds !== undefined) seconds.push(r.seconds);
    if (r.alternatives ? !!majorityPick(r.alternatives)?.correct : won) majority++;
    if (!r.answered) {
      const kind = endingKind(r.ended);
      endings.set(kind, (endings.get(kind) ?? 0) + 1);
    }
  }
  const n = outcomes.length;
  return {
    ...rates(all),
    mean_samples: n ? samples / n : 0,
    mean_seconds: seconds.length ? seconds.reduce((a, b) => a + b, 0) / seconds.length : 0,
    median_seconds: median(seconds),
    errors: outcomes.filter((o) => !o.record).length,
    majority_accuracy: n ? majority / n : 0,
    answered: judged.length ? sure.length / judged.length : null,
    // nothing answered: no accuracy to report (not a vacuous 100 %)
    selective_accuracy: sure.length ? sure.filter((o) => o.record!.correct).length / sure.length : null,
    no_answer: Object.fromEntries([...endings].sort((a, b) => b[1] - a[1])),
    ...(grouped && {
      groups: Object.fromEntries(
        [...groups].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })).map(([k, t]) => [k, rates(t)]),
      ),
    }),
  };
}

/**
 * Why a trajectory ended without an answer, as a kind to count: the step world's invalid reason
 * without its particulars ("the code failed: NameError: name 'x' …" → "the code failed: NameError").
 */
export function endingKind(reason: string | undefined): string {
  if (!reason) return 'not recorded';
  const failed = /^the code failed: (\w+)/.exec(reason);
  if (failed) return `the code failed: ${failed[1]}`;
  if (/^the answer .* is not what the program printed/.test(reason)) return 'the answer is not what the program printed';
  return reason;
}

function median(xs: readonly number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The report of `evaluateStrategies` rebuilt from the lines of `./stepwise eval --dump` (no model
 * runs): per strategy, in the order the lines came. Failed solves leave no line, so errors are 0;
 * coverage counts the graded alternatives (a dump older than the "covered" field may miss an
 * answer seen only deep in an MCTS tree).
 */
export function reportFromRecords(records: readonly EvalRecord[]): Record<string, StrategyReport> {
  const by = new Map<string, Outcome[]>();
  for (const r of records) {
    if (!by.has(r.strategy)) by.set(r.strategy, []);
    by.get(r.strategy)!.push({ record: r });
  }
  return Object.fromEntries([...by].map(([k, o]) => [k, strategyReport(o, false)]));
}

/** A problem's group for a field: arrays join with "+", a missing field is "(none)". */
export function groupOf(p: EvalProblem, field: string): string {
  const v = p.fields?.[field];
  if (v === undefined || v === null || v === '') return '(none)';
  return Array.isArray(v) ? v.map(String).join('+') : String(v);
}

export interface EvalProgress {
  strategy: StrategyName;
  done: number;
  total: number;
  correct: number;
}

/**
 * Runs every strategy on every problem (strategy by strategy) and grades the answers.
 * `budget` gives each strategy's config (same number of trajectories for a fair comparison).
 */
export async function evaluateStrategies(
  problems: readonly EvalProblem[],
  solve: Solve,
  strategies: readonly StrategyName[],
  budget: Record<StrategyName, Partial<SearchConfig>>,
  opts: { symbolic?: SymbolicChecker; onProgress?: (p: EvalProgress) => void; groupBy?: string; onRecord?: (r: EvalRecord) => void } = {},
): Promise<Record<string, StrategyReport>> {
  const reports: Record<string, StrategyReport> = {};
  for (const strategy of strategies) {
    const outcomes: Outcome[] = [];
    let correct = 0;
    for (const p of problems) {
      const group = opts.groupBy === undefined ? undefined : groupOf(p, opts.groupBy);
      try {
        const r = await solve(p.question, { ...budget[strategy], strategy });
        const right = (a: string) => gradeAnswer(p.answer, a, { symbolic: opts.symbolic });
        const won = r.answer !== null && (await right(r.answer));
        const alternatives = [];
        for (const a of r.alternatives)
          alternatives.push({ answer: a.answer, votes: a.votes, bestScore: a.bestScore, correct: await right(a.answer) });
        const covered = won || alternatives.some((a) => a.correct) || (await someAsync(foundAnswers(r), right));
        const record: EvalRecord = {
          id: p.id,
          strategy,
          correct: won,
          answered: r.answer !== null,
          // the verdict's own signals when there is one (a lone finished solution has no agreement:
          // null, not the 100 % it has with itself), else the search's
          ...(r.verdict
            ? r.verdict.signals
            : {
                voteShare: r.answer === null ? null : r.confidence.voteShare,
                score: r.confidence.score,
                tokenProb: null,
                solutionLogprob: null,
                questionLoss: null,
              }),
          sure: r.verdict?.sure ?? null,
          seconds: r.stats.elapsedMs / 1000,
          answer: r.answer,
          alternatives,
          covered,
          samples: r.stats.samples,
          ...(r.answer === null ? { ended: r.trajectory.at(-1)?.invalidReason ?? 'no step was sampled' } : {}),
          ...(r.trajectory.every((s) => s.logprob) && r.trajectory.length
            ? { stepLogprobs: r.trajectory.map((s): [number, number] => [Number(s.logprob!.sum.toFixed(4)), s.logprob!.tokens]) }
            : {}),
        };
        outcomes.push({ record, group });
        if (won) correct++;
        opts.onRecord?.(record);
      } catch (err) {
        outcomes.push({ record: null, group });
        process.stderr.write(`eval: ${strategy} on ${p.id} failed: ${(err as Error).message}\n`);
      }
      opts.onProgress?.({ strategy, done: outcomes.length, total: problems.length, correct });
    }
    reports[strategy] = strategyReport(outcomes, opts.groupBy !== undefined);
  }
  return reports;
}

interface Tally {
  n: number;
  correct: number;
  covered: number;
}
const newTally = (): Tally => ({ n: 0, correct: 0, covered: 0 });
function count(t: Tally, won: boolean, found: boolean): void {
  t.n++;
  if (won) t.correct++;
  if (found) t.covered++;
}
const rates = (t: Tally): GroupReport => ({
  n: t.n,
  correct: t.correct,
  accuracy: t.n ? t.correct / t.n : 0,
  coverage: t.n ? t.covered / t.n : 0,
});

/** Every distinct answer a search found: its alternatives and every terminal of its trees. */
export function foundAnswers(r: Pick<SearchResult, 'alternatives' | 'trees'>): string[] {
  const out = new Set(r.alternatives.map((a) => a.answer));
  const walk = (n: TreeJSON) => {
    if (n.terminal && n.valid && n.answer !== undefined) out.add(n.answer);
    n.children.forEach(walk);
  };
  r.trees?.forEach(walk);
  return [...out];
}

async function someAsync<T>(xs: readonly T[], pred: (x: T) => Promise<boolean>): Promise<boolean> {
  for (const x of xs) if (await pred(x)) return true;
  return false;
}

export interface PreferencePair {
  prompt: string;
  pos: string;
  neg: string;
  question?: string;
}

export interface ContextPair {
  question: string;
  /** The steps before the compared ones, concatenated. */
  prefix: string;
  pos: string;
  neg: string;
}

const RSTAR_USER = '<|user|>:\n';
const RSTAR_ASSISTANT = /^\n?<\|assistant\|>: Let's think step by step and solve the problem with code\./;

/**
 * A preference pair in context from either our synthesis records ({question, prefix, pos, neg})
 * or rStar-Math's released `rstar_ppm` records ({prompt: "<|user|>:\n{q}\n", pos/neg starting with
 * the assistant preamble, or prompt already holding the preamble and earlier steps}).
 */
export function toContextPair(rec: Record<string, unknown>): ContextPair {
  const pos = String(rec.pos ?? '');
  const neg = String(rec.neg ?? '');
  if (typeof rec.question === 'string') return { question: rec.question, prefix: String(rec.prefix ?? ''), pos, neg };
  const prompt = String(rec.prompt ?? '');
  if (!prompt.startsWith(RSTAR_USER)) throw new Error('a pair needs "question" or an rStar "prompt" starting with <|user|>:');
  const body = prompt.slice(RSTAR_USER.length);
  const m = /\n?<\|assistant\|>: Let's think step by step and solve the problem with code\./.exec(body);
  if (m) return { question: body.slice(0, m.index).replace(/\n+$/, ''), prefix: body.slice(m.index + m[0].length), pos, neg };
  return { question: body.replace(/\n+$/, ''), prefix: '', pos: pos.replace(RSTAR_ASSISTANT, ''), neg: neg.replace(RSTAR_ASSISTANT, '') };
}

/**
 * Share of held-out preference pairs where the scorer ranks pos above neg, each scored in its
 * context (question + the steps before it). Pairs are scored in batches.
 */
export async function pairAccuracy(scorer: StepScorer, pairs: readonly ContextPair[]): Promise<number> {
  if (pairs.length === 0) return 0;
  let right = 0;
  const chunk = 32;
  for (let i = 0; i < pairs.length; i += chunk) {
    const part = pairs.slice(i, i + chunk);
    const steps = (p: (typeof part)[number], step: string) => (p.prefix ? [p.prefix, step] : [step]);
    const items = part.flatMap((p) => [
      { question: p.question, steps: steps(p, p.pos) },
      { question: p.question, steps: steps(p, p.neg) },
    ]);
    const s = await scorer.score(items);
    part.forEach((_, j) => {
      if (s[2 * j] > s[2 * j + 1]) right++;
    });
  }
  return right / pairs.length;
}
