/**
 * The abstention rule: which answers the bot may present as answers, and how its thresholds are
 * calibrated on held-out problems so that the answers it presents are right often enough.
 */
import {
  agreementCounts,
  agreementText,
  calibrate,
  judge,
  selective,
  wilsonLower,
  type CalibrationPoint,
} from '../../../src/engine/search/verdict';

describe('judge', () => {
  const rule = { minVoteShare: 0.5, minScore: 0.2, maxQuestionLoss: 6 };
  test('an answer every signal supports is sure', () => {
    expect(judge('12', { voteShare: 0.9, score: 0.7, questionLoss: 3 }, rule)).toMatchObject({ sure: true, reasons: [] });
  });
  test('each weak signal is its own reason', () => {
    expect(judge('12', { voteShare: 0.3, score: 0.7, questionLoss: 3 }, rule).reasons).toEqual(['low-agreement']);
    expect(judge('12', { voteShare: 0.9, score: 0.1, questionLoss: 3 }, rule).reasons).toEqual(['low-score']);
    expect(judge('12', { voteShare: 0.9, score: 0.7, questionLoss: 9 }, rule).reasons).toEqual(['unfamiliar-question']);
    expect(judge('12', { voteShare: 0.2, score: -0.5, questionLoss: 9 }, rule).sure).toBe(false);
  });
  test('no answer is never sure', () => {
    expect(judge(null, { voteShare: 1, score: 1, questionLoss: 0 }, rule).reasons).toEqual(['no-answer']);
  });
  test('one lone solution or an unscored one is not vouched for; an unknown familiarity is not held against it', () => {
    expect(judge('12', { voteShare: null, score: 0.7, questionLoss: 3 }, rule).reasons).toEqual(['single-attempt']);
    expect(judge('12', { voteShare: 0.9, score: null, questionLoss: 3 }, rule).reasons).toEqual(['unscored']);
    expect(judge('12', { voteShare: 0.9, score: 0.7, questionLoss: null }, rule).sure).toBe(true);
    expect(judge('12', { voteShare: 0.9, score: null, questionLoss: null }, {}).sure).toBe(true); // a rule with no thresholds
  });
  test('a model no rule could vouch for is never sure, with a reason a reader understands', () => {
    const v = judge('12', { voteShare: 1, score: 0.99, questionLoss: 1 }, { neverSure: true });
    expect(v).toMatchObject({ sure: false, reasons: ['unproven-model'] });
    expect(judge(null, { voteShare: null, score: null, questionLoss: null }, { neverSure: true }).reasons).toEqual(['no-answer']);
  });
  test('a lone finished solution is never sure, even under a rule with no thresholds', () => {
    expect(judge('12', { voteShare: null, score: 0.99, questionLoss: 1 }, {})).toMatchObject({ sure: false, reasons: ['single-attempt'] });
    expect(judge('12', { voteShare: null, score: 0.99, questionLoss: 1 })).toMatchObject({ sure: false, reasons: ['single-attempt'] });
  });
  test("a lone solution is sure only under a rule that vouches by the policy's own certainty, and only when it was certain", () => {
    const certain = { minTokenProb: 0.9 };
    expect(judge('12', { voteShare: null, score: null, tokenProb: 0.95, questionLoss: 2 }, certain)).toMatchObject({
      sure: true,
      reasons: [],
    });
    expect(judge('12', { voteShare: null, score: null, tokenProb: 0.8, questionLoss: 2 }, certain).reasons).toEqual(['hesitant']);
    // a backend that reports no log-probabilities leaves nothing to vouch with
    expect(judge('12', { voteShare: null, score: null, tokenProb: null, questionLoss: 2 }, certain).reasons).toEqual(['unmeasured']);
    expect(judge('12', { voteShare: null, score: null, questionLoss: 2 }, certain).reasons).toEqual(['unmeasured']);
    // a rule that asks for agreement still does not vouch for a lone solution, however certain
    expect(
      judge('12', { voteShare: null, score: null, tokenProb: 0.99, questionLoss: 2 }, { minVoteShare: 0.5, minTokenProb: 0.9 }).reasons,
    ).toEqual(['single-attempt']);
    // with agreement, certainty is one more check
    expect(
      judge('12', { voteShare: 0.8, score: null, tokenProb: 0.7, questionLoss: 2 }, { minVoteShare: 0.5, minTokenProb: 0.9 }).reasons,
    ).toEqual(['hesitant']);
  });
  test("the whole solution's probability vouches for a lone solution the same way; one 'hesitant' for either", () => {
    const rule = { minSolutionLogprob: -8 };
    expect(judge('12', { voteShare: null, score: null, tokenProb: 0.5, solutionLogprob: -3, questionLoss: 2 }, rule).sure).toBe(true);
    expect(judge('12', { voteShare: null, score: null, tokenProb: 0.99, solutionLogprob: -9, questionLoss: 2 }, rule).reasons).toEqual([
      'hesitant',
    ]);
    expect(judge('12', { voteShare: null, score: null, tokenProb: 0.9, questionLoss: 2 }, rule).reasons).toEqual(['unmeasured']);
    const both = { minTokenProb: 0.9, minSolutionLogprob: -8 };
    expect(judge('12', { voteShare: null, score: null, tokenProb: 0.8, solutionLogprob: -9, questionLoss: 2 }, both).reasons).toEqual([
      'hesitant',
    ]);
  });
  test('a rule calibrated on one search vouches for nothing another search found', () => {
    const rule = { minTokenProb: 0.9, strategy: 'greedy' };
    const signals = { voteShare: null, score: null, tokenProb: 0.99, questionLoss: 2 };
    expect(judge('12', signals, rule, 'greedy').sure).toBe(true);
    expect(judge('12', { ...signals, voteShare: 1 }, rule, 'mcts')).toMatchObject({ sure: false, reasons: ['uncalibrated-search'] });
    expect(judge(null, signals, rule, 'mcts').reasons).toEqual(['no-answer']);
    // older rules name no strategy: they hold for any
    expect(judge('12', { ...signals, voteShare: 1 }, { minVoteShare: 0.5 }, 'vote').sure).toBe(true);
  });
  test('without a calibrated rule, an answer most solutions disagree with is not sure', () => {
    expect(judge('12', { voteShare: 0.4, score: 0.9, questionLoss: 99 }).sure).toBe(false);
    expect(judge('12', { voteShare: 0.6, score: -0.9, questionLoss: 99 }).sure).toBe(true);
  });
});

/** Points where familiar questions (low loss) with high agreement are right, the rest mostly wrong. */
function points(): CalibrationPoint[] {
  const out: CalibrationPoint[] = [];
  for (let i = 0; i < 200; i++) {
    const familiar = i % 2 === 0;
    const voteShare = ((i * 37) % 100) / 100;
    const correct = familiar ? voteShare >= 0.4 || i % 10 === 0 : i % 7 === 0;
    out.push({
      answered: true,
      correct,
      voteShare,
      score: ((i * 13) % 100) / 100 - 0.5,
      questionLoss: familiar ? 2 + (i % 5) * 0.1 : 8 + (i % 3),
    });
  }
  return out;
}

describe('calibrate', () => {
  test('finds a rule whose presented answers reach the target, answering as many as it can', () => {
    const pts = points();
    const before = selective(pts, {});
    expect(before.selectiveAccuracy).toBeLessThan(0.9);
    const r = calibrate(pts, 0.9);
    expect(r.selectiveAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.answered).toBeGreaterThan(0.25);
    expect(selective(pts, r.rule)).toMatchObject({ answered: r.answered, selectiveAccuracy: r.selectiveAccuracy });
    // Unfamiliar questions are the ones it learns to hold back.
    expect(r.rule.maxQuestionLoss).toBeDefined();
    expect(r.rule.maxQuestionLoss!).toBeLessThan(8);
  });

  test('a stricter target answers fewer; accuracy over all problems is unchanged', () => {
    const pts = points();
    const loose = calibrate(pts, 0.8);
    const strict = calibrate(pts, 0.99);
    expect(strict.answered).toBeLessThanOrEqual(loose.answered);
    expect(strict.accuracy).toBe(loose.accuracy);
  });

  test('when nothing reaches the target it still returns the most accurate rule that answers some', () => {
    // Signals that say nothing: every rule answers all or none, at the base rate.
    const pts = points().map((p, i) => ({ ...p, voteShare: 0.7, score: 0.1, questionLoss: 4, correct: i % 3 === 0 }));
    const r = calibrate(pts, 0.99);
    expect(r.answered).toBe(1);
    expect(r.selectiveAccuracy).toBeCloseTo(67 / 200, 5);
  });

  test('with a confidence, the target must hold for the lower bound: three right of three is no evidence of 90 %', () => {
    // 50 problems, 11 right; three right answers are the only ones all solutions agreed on
    const pts: CalibrationPoint[] = Array.from({ length: 50 }, (_, i) => ({
      answered: true,
      correct: i < 11,
      voteShare: i < 3 ? 1 : 0.4,
      score: 0.5,
      questionLoss: 2,
    }));
    expect(calibrate(pts, 0.9).rule).toMatchObject({ minVoteShare: 1 }); // observed 3/3 = 100 %
    const bounded = calibrate(pts, 0.9, { confidence: 0.95 });
    expect(bounded.rule).toEqual({ neverSure: true });
    expect(bounded.answered).toBe(0);
    // the same signal with 60 agreed answers of which 59 right is enough
    const many: CalibrationPoint[] = Array.from({ length: 200 }, (_, i) => ({
      answered: true,
      correct: i < 59 || (i >= 60 && i < 100),
      voteShare: i < 60 ? 1 : 0.4,
      score: 0.5,
      questionLoss: 2,
    }));
    const r = calibrate(many, 0.9, { confidence: 0.95 });
    expect(r.rule).toMatchObject({ minVoteShare: 1 });
    expect(r.answered).toBeCloseTo(0.3, 5);
    expect(() => calibrate(pts, 0.9, { confidence: 0.93 })).toThrow(/confidence must be one of/);
  });

  test('the Wilson lower bound: tight for many trials, wide for few', () => {
    expect(wilsonLower(3, 3, 1.96)).toBeCloseTo(0.4385, 3);
    expect(wilsonLower(59, 60, 1.96)).toBeGreaterThan(0.9);
    expect(wilsonLower(0, 0, 1.96)).toBe(0);
  });

  test('unanswered problems never count as presented answers', () => {
    const pts: CalibrationPoint[] = [
      { answered: false, correct: false, voteShare: null, score: null, questionLoss: 1 },
      { answered: true, correct: true, voteShare: 1, score: 0.9, questionLoss: 1 },
    ];
    expect(selective(pts, {})).toMatchObject({ answered: 0.5, selectiveAccuracy: 1 });
  });
});

describe("calibrating lone solutions on the policy's certainty", () => {
  // greedy dumps: no agreement, no scorer; certain solutions (tokenProb >= 0.9) are right 49 in 50
  const greedy = (): CalibrationPoint[] =>
    Array.from({ length: 600 }, (_, i) => {
      const tokenProb = 0.5 + ((i * 41) % 100) / 200; // 0.5 .. 0.995
      return {
        answered: i % 11 !== 0,
        correct: tokenProb >= 0.9 ? i % 50 !== 7 : i % 3 === 0,
        voteShare: null,
        score: null,
        tokenProb,
        questionLoss: 2,
      };
    });
  test('finds the certainty threshold that makes the presented answers right often enough', () => {
    const pts = greedy();
    const r = calibrate(pts, 0.9, { confidence: 0.95 });
    expect(r.rule.neverSure).toBeUndefined();
    expect(r.rule.minTokenProb).toBeGreaterThanOrEqual(0.85);
    expect(r.rule.minVoteShare).toBeUndefined();
    expect(r.lowerBound).toBeGreaterThanOrEqual(0.9);
    // what it keeps is what judge lets through, and they are right as often as it says
    const kept = pts.filter((p) => judge(p.answered ? 'x' : null, p, r.rule).sure);
    expect(kept.length).toBe(r.kept);
    expect(kept.filter((p) => p.correct).length / kept.length).toBeCloseTo(r.selectiveAccuracy, 6);
    expect(r.answered).toBeGreaterThanOrEqual(0.1);
  });
  test('certainty that says nothing about correctness gives no rule: every answer stays a guess', () => {
    const pts = greedy().map((p, i) => ({ ...p, correct: i % 2 === 0 }));
    expect(calibrate(pts, 0.9, { confidence: 0.95 }).rule).toEqual({ neverSure: true });
  });
  test('a short, likely solution is told from a long one that is merely fluent: the total probability is calibrated too', () => {
    // every token equally likely (tokenProb says nothing); long solutions (low total) are wrong
    const pts = Array.from({ length: 400 }, (_, i) => {
      const tokens = 40 + (i % 10) * 30;
      return {
        answered: true,
        correct: tokens <= 130 ? i % 97 !== 0 : i % 3 === 0,
        voteShare: null,
        score: null,
        tokenProb: 0.95,
        solutionLogprob: tokens * Math.log(0.95),
        questionLoss: 2,
      };
    });
    const r = calibrate(pts, 0.9, { confidence: 0.95 });
    expect(r.rule.minSolutionLogprob).toBeCloseTo(130 * Math.log(0.95), 6);
    expect(r.rule.minTokenProb).toBeUndefined();
    expect(r.answered).toBeCloseTo(0.4, 6);
  });
  test('with all five signals present the search still finishes and meets the target', () => {
    const pts = points().map((p, i) => ({
      ...p,
      tokenProb: p.correct ? 0.9 + (i % 10) / 100 : 0.6 + (i % 30) / 100,
      solutionLogprob: -((i * 7) % 40),
    }));
    const r = calibrate(pts, 0.9);
    expect(r.selectiveAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.answered).toBeGreaterThan(0.2);
  });
});

describe('agreement in words', () => {
  test('is shown as counts of finished solutions, never as a percentage of one', () => {
    expect(agreementText(1, 1)).toBe('1 of 1 finished solutions');
    expect(agreementText(3, 4)).toBe('3 of 4 finished solutions agree');
    expect(agreementText(0, 0)).toBeNull();
  });
  test("counts the winner's support among all finished solutions", () => {
    const tally = [
      { answer: '12', votes: 3 },
      { answer: '15', votes: 2 },
    ];
    expect(agreementCounts('12', tally)).toEqual({ agreeing: 3, finished: 5 });
    expect(agreementCounts(null, tally)).toEqual({ agreeing: 0, finished: 5 });
  });
});
