/**
 * Data synthesis grades MCTS answers against the problem's known (gold) answer. The search itself
 * knows nothing of gold answers: synthesis injects `knownAnswerValue` as the MCTS terminal value
 * and marks the finished trees with `gradeTrees` for the training-data extraction (pairs.ts).
 */
import { answersEqual } from '../../engine/grading';
import type { TerminalValue, TreeJSON } from '../../engine/search/types';

/** A search tree whose valid answers carry whether they match the known answer. */
export interface GradedTree extends TreeJSON {
  /** Whether this answer is correct (valid answer nodes only). */
  correct?: boolean;
  children: GradedTree[];
}

/** The MCTS terminal value of the synthesis back-ups: +1 for a correct answer, -1 for a wrong one. */
export function knownAnswerValue(gold: string): TerminalValue {
  return (path) => {
    const answer = path[path.length - 1]?.answer;
    return answer !== undefined && answersEqual(gold, answer) ? 1 : -1;
  };
}

/** Copies of `trees` with `correct` on every valid answer node (kept in the trees' JSON field order). */
export function gradeTrees(trees: readonly TreeJSON[], gold: string): GradedTree[] {
  const grade = (n: TreeJSON): GradedTree => {
    const { children, ...node } = n;
    const graded = n.valid && n.answer !== undefined ? { correct: answersEqual(gold, n.answer) } : {};
    return { ...node, ...graded, children: children.map(grade) };
  };
  return trees.map(grade);
}
