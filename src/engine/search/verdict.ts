/**
 * Knowing when the models do not know. After a search, five signals say how far to trust its
 * answer: how many of the finished solutions agree (vote share), the scorer's value of the winning
 * trajectory, how sure the policy was of the solution as it wrote it (its mean probability per
 * token, and the probability of the whole solution: a model that hesitates over its own steps is
 * often wrong; the signals a single greedy solution has), and how unfamiliar the question is to the policy (its own mean loss per token on
 * the question text: a question unlike anything it was trained on reads as surprising). An abstention
 * rule — thresholds calibrated per model on held-out problems (`./stepwise calibrate`) and kept in
 * the policy's manifest — turns them into a verdict: sure, or not sure with the reasons.
 *
 * The bot never presents a not-sure answer as an answer: it shows it as a guess and says so.
 */

/** What the verdict is computed from (null: the signal is not available for this search). */
export interface VerdictSignals {
  /** Share of finished solutions that agree with the winner, in [0, 1]; null with fewer than two finished. */
  voteShare: number | null;
  /** Scorer value of the winning trajectory, in [-1, 1]. */
  score: number | null;
  /**
   * The policy's geometric-mean probability per token of the winning trajectory's steps, in (0, 1]
   * (search/world.ts tokenProbability); null when the backend does not report log-probabilities.
   * Absent in dumps written before it existed.
   */
  tokenProb?: number | null;
  /**
   * The natural-log probability of the whole solution the policy wrote (the sum over its tokens,
   * <= 0): the chance that sampling would write it again, which is what agreement among sampled
   * solutions measures, for a lone solution. Null/absent as tokenProb.
   */
  solutionLogprob?: number | null;
  /** Policy's mean negative log-likelihood per token of the question (nats; higher = less familiar). */
  questionLoss: number | null;
}

/** Thresholds below (or, for the loss, above) which the answer is "not sure". Absent: not checked. */
export interface AbstentionRule {
  minVoteShare?: number;
  minScore?: number;
  /**
   * Thresholds on the policy's certainty. With either (and no minVoteShare), a lone finished
   * solution can be sure: the rule was calibrated on them.
   */
  minTokenProb?: number;
  minSolutionLogprob?: number;
  maxQuestionLoss?: number;
  /**
   * The strategy the thresholds were calibrated on (written by `./stepwise calibrate`): another
   * strategy's answers are never sure under them. Absent: any strategy (older rules).
   */
  strategy?: string;
  /**
   * No threshold made the model right often enough on held-out problems (with the confidence
   * calibration asks for): none of its answers is presented as sure.
   */
  neverSure?: boolean;
  /** How the thresholds were chosen (written by `./stepwise calibrate`; shown in model cards). */
  calibration?: {
    data: string;
    n: number;
    target: number;
    answered: number;
    selectiveAccuracy?: number;
    confidence?: number;
    lowerBound?: number;
  };
}

export type UnsureReason =
  | 'no-answer'
  | 'low-agreement'
  | 'single-attempt'
  | 'low-score'
  | 'unscored'
  | 'hesitant'
  | 'unmeasured'
  | 'unfamiliar-question'
  | 'unproven-model'
  | 'uncalibrated-search';

export interface Verdict {
  /** true: the answer may be presented as an answer; false: only as a guess, with the reasons. */
  sure: boolean;
  reasons: UnsureReason[];
  signals: VerdictSignals;
}

/**
 * Used when a policy's manifest has no calibrated rule (e.g. a real model just plugged in): an
 * answer most finished solutions do not agree on is not presented as sure.
 */
export const DEFAULT_ABSTENTION: AbstentionRule = { minVoteShare: 0.5 };

/** The reader-facing sentence for each reason. */
export const UNSURE_REASON_TEXT: Record<UnsureReason, string> = {
  'no-answer': 'no solution finished with a checked answer',
  'low-agreement': 'the solutions it tried disagree',
  'single-attempt': 'it finished only one solution, so there was nothing to compare it with',
  'low-score': 'its step checker rates the solution low',
  unscored: 'no step checker scored the solution',
  hesitant: 'the model was unsure of its own steps as it wrote them',
  unmeasured: "the model's server does not say how sure the model was of its steps",
  'unfamiliar-question': 'the question is unlike what it was trained on',
  'unproven-model': 'this model is not yet right often enough on test problems to vouch for any answer',
  'uncalibrated-search': 'how often this model is right was measured for another kind of search than the one that ran',
};

/** `strategy`: the search that produced the answer (checked against the rule's `strategy`). */
export function judge(
  answer: string | null,
  signals: VerdictSignals,
  rule: AbstentionRule = DEFAULT_ABSTENTION,
  strategy?: string,
): Verdict {
  const reasons: UnsureReason[] = [];
  if (answer === null) reasons.push('no-answer');
  else if (rule.neverSure) reasons.push('unproven-model');
  else if (rule.strategy !== undefined && strategy !== undefined && rule.strategy !== strategy) reasons.push('uncalibrated-search');
  else {
    // A lone finished solution has nothing that agrees with it: it is sure only under a rule that
    // vouches by the policy's own certainty instead of agreement (one calibrated on lone
    // solutions). The signals the rule checks are what it was calibrated on: one that is missing
    // (no scorer, a backend without log-probabilities) leaves nothing to vouch for the answer. The
    // question's familiarity is a side signal: when it cannot be computed it is not held against it.
    if (signals.voteShare === null) {
      if (rule.minVoteShare !== undefined || (rule.minTokenProb === undefined && rule.minSolutionLogprob === undefined))
        reasons.push('single-attempt');
    } else if (rule.minVoteShare !== undefined && signals.voteShare < rule.minVoteShare) reasons.push('low-agreement');
    if (rule.minScore !== undefined) {
      if (signals.score === null) reasons.push('unscored');
      else if (signals.score < rule.minScore) reasons.push('low-score');
    }
    const certainty = [
      [rule.minTokenProb, signals.tokenProb],
      [rule.minSolutionLogprob, signals.solutionLogprob],
    ] as const;
    for (const [min, value] of certainty) {
      if (min === undefined) continue;
      const reason = value === null || value === undefined ? 'unmeasured' : value < min ? 'hesitant' : null;
      if (reason && !reasons.includes(reason)) reasons.push(reason);
    }
    if (rule.maxQuestionLoss !== undefined && signals.questionLoss !== null && signals.questionLoss > rule.maxQuestionLoss)
      reasons.push('unfamiliar-question');
  }
  return { sure: reasons.length === 0, reasons, signals };
}

/**
 * How far the finished solutions agree, as counts: "3 of 4 finished solutions agree", or for a
 * lone one "1 of 1 finished solutions" (nothing to agree with). Null when none finished.
 */
export function agreementText(agreeing: number, finished: number): string | null {
  if (finished <= 0) return null;
  if (finished === 1) return '1 of 1 finished solutions';
  return `${agreeing} of ${finished} finished solutions agree`;
}

/** The policy's certainty in words ("model certainty 96% per token"), or null when not reported. */
export function certaintyText(tokenProb: number | null | undefined): string | null {
  return typeof tokenProb === 'number' ? `model certainty ${Math.floor(tokenProb * 100)}% per token` : null;
}

/** The winner's support and the number of finished solutions, from a result's answer tally. */
export function agreementCounts(
  answer: string | null,
  alternatives: readonly { answer: string; votes: number }[],
): { agreeing: number; finished: number } {
  const finished = alternatives.reduce((n, a) => n + a.votes, 0);
  const win = answer === null ? undefined : alternatives.find((a) => a.answer === answer);
  return { agreeing: win?.votes ?? 0, finished };
}

/** One held-out problem's signals and whether the search's answer was right. */
export interface CalibrationPoint extends VerdictSignals {
  answered: boolean;
  correct: boolean;
}

export interface CalibrationResult {
  rule: AbstentionRule;
  /** Share of problems the rule lets through as sure. */
  answered: number;
  /** Accuracy on those. */
  selectiveAccuracy: number;
  /** Accuracy on all problems (the rule changes nothing here; for the report). */
  accuracy: number;
  n: number;
  /** Problems let through as sure, and how many of them were right (the counts behind the rates). */
  kept: number;
  right: number;
  /** With a confidence: the Wilson lower bound of the selective accuracy (0 when nothing is kept). */
  lowerBound?: number;
}

/** Answered share and selective accuracy of a rule on points. */
export function selective(points: readonly CalibrationPoint[], rule: AbstentionRule): Omit<CalibrationResult, 'rule'> {
  let kept = 0;
  let right = 0;
  let correct = 0;
  for (const p of points) {
    if (p.correct) correct++;
    if (judge(p.answered ? 'x' : null, p, rule).sure) {
      kept++;
      if (p.correct) right++;
    }
  }
  const n = points.length;
  return { n, kept, right, answered: n ? kept / n : 0, selectiveAccuracy: kept ? right / kept : 1, accuracy: n ? correct / n : 0 };
}

/** The rule's threshold on each signal (a minimum, or for the question's loss a maximum). */
const THRESHOLDS = [
  { signal: 'voteShare', key: 'minVoteShare' },
  { signal: 'score', key: 'minScore' },
  { signal: 'tokenProb', key: 'minTokenProb' },
  { signal: 'solutionLogprob', key: 'minSolutionLogprob' },
  { signal: 'questionLoss', key: 'maxQuestionLoss' },
] as const satisfies readonly { signal: keyof VerdictSignals; key: keyof AbstentionRule }[];

/** Candidate thresholds: the observed values (quantiles when there are many), and "not checked". */
function candidates(values: number[], most = 40): (number | undefined)[] {
  const v = [...new Set(values.filter((x) => Number.isFinite(x)))].sort((a, b) => a - b);
  const picked = v.length <= most ? v : Array.from({ length: most }, (_, i) => v[Math.round((i * (v.length - 1)) / (most - 1))]!);
  return [undefined, ...new Set(picked)];
}

/**
 * The rule that answers the most problems while keeping selective accuracy at or above `target`
 * on the calibration points (ties: the simpler rule, then the higher selective accuracy).
 *
 * With `confidence` (e.g. 0.95), "at or above" must hold for the Wilson lower bound of the
 * selective accuracy at that confidence, not just the observed rate: 3 right of 3 is not evidence
 * of 90 %. When no rule qualifies, the result is the rule that is never sure (`neverSure`).
 * Without it (the default), a rule meeting the observed rate wins, and when none does, the one
 * with the highest selective accuracy that still answers some.
 */
export function calibrate(points: readonly CalibrationPoint[], target: number, opts: { confidence?: number } = {}): CalibrationResult {
  const z = opts.confidence ? CONFIDENCE_Z[String(opts.confidence)] : 0;
  if (z === undefined) throw new RangeError(`confidence must be one of ${Object.keys(CONFIDENCE_Z).join(', ')}`);
  const meets = (r: Omit<CalibrationResult, 'rule'>) => (z ? wilsonLower(r.right, r.kept, z) >= target : r.selectiveAccuracy >= target);
  const bounded = (r: CalibrationResult): CalibrationResult => (z ? { ...r, lowerBound: wilsonLower(r.right, r.kept, z) } : r);
  // every signal some point has, with its candidate thresholds (at most ~64k rules in all)
  const present = THRESHOLDS.filter(({ signal }) => points.some((p) => p[signal] !== null && p[signal] !== undefined));
  const most = Math.max(8, Math.min(40, Math.floor(64000 ** (1 / Math.max(1, present.length)))));
  const grids = present.map(({ signal }) =>
    candidates(
      points.map((p) => p[signal] ?? NaN),
      most,
    ),
  );
  let best: CalibrationResult | null = null;
  let fallback: CalibrationResult | null = null;
  const size = (r: AbstentionRule) => THRESHOLDS.filter(({ key }) => r[key] !== undefined).length;
  const consider = (rule: AbstentionRule) => {
    const r = { rule, ...selective(points, rule) };
    if (r.answered === 0) return;
    if (meets(r)) {
      if (
        !best ||
        r.answered > best.answered ||
        (r.answered === best.answered &&
          (size(rule) < size(best.rule) || (size(rule) === size(best.rule) && r.selectiveAccuracy > best.selectiveAccuracy)))
      )
        best = r;
    } else if (
      !fallback ||
      r.selectiveAccuracy > fallback.selectiveAccuracy ||
      (r.selectiveAccuracy === fallback.selectiveAccuracy && r.answered > fallback.answered)
    )
      fallback = r;
  };
  // every combination: each present signal unchecked or at one of its candidate thresholds
  const walk = (i: number, rule: AbstentionRule): void => {
    if (i === present.length) return consider(rule);
    for (const t of grids[i]!) walk(i + 1, t === undefined ? rule : { ...rule, [present[i]!.key]: t });
  };
  walk(0, {});
  if (best) return bounded(best);
  const never: AbstentionRule = { neverSure: true };
  if (z || !fallback) return bounded({ rule: never, ...selective(points, never) });
  return fallback;
}

/** Wilson score interval's lower end for `right` of `n` at normal quantile `z` (0 when n is 0). */
export function wilsonLower(right: number, n: number, z: number): number {
  if (n === 0) return 0;
  const p = right / n;
  const z2 = z * z;
  return (p + z2 / (2 * n) - z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
}

/** Two-sided normal quantiles for the confidence levels calibration accepts. */
export const CONFIDENCE_Z: Readonly<Record<string, number>> = { '0.8': 1.2816, '0.9': 1.6449, '0.95': 1.96, '0.99': 2.5758 };
