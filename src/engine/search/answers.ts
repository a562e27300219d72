import type { AnswerSupport } from './types';

/** Decides whether two final answers are the same (the grader's cheap equivalence). */
export type SameAnswer = (a: string, b: string) => boolean;

export interface Candidate {
  answer: string;
  /** Scorer value, when known. */
  score: number | null;
}

/**
 * Groups answers by equivalence and counts their support, most votes first (ties: higher best
 * score, then first seen). The first answer seen in a group is its representative.
 */
export function tallyAnswers(candidates: readonly Candidate[], same: SameAnswer): AnswerSupport[] {
  const groups: { answer: string; votes: number; bestScore: number | null; first: number }[] = [];
  candidates.forEach((c, i) => {
    const g = groups.find((x) => same(x.answer, c.answer));
    if (g) {
      g.votes++;
      if (c.score !== null && (g.bestScore === null || c.score > g.bestScore)) g.bestScore = c.score;
    } else groups.push({ answer: c.answer, votes: 1, bestScore: c.score, first: i });
  });
  const total = candidates.length || 1;
  return groups
    .sort((a, b) => b.votes - a.votes || (b.bestScore ?? -Infinity) - (a.bestScore ?? -Infinity) || a.first - b.first)
    .map(({ answer, votes, bestScore }) => ({ answer, votes, share: votes / total, bestScore }));
}
