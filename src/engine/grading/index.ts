/**
 * Answer grading: extraction from model responses, canonical normalization, cheap equivalence
 * (exact rationals, tolerant decimals, identity testing at sample points, structures) and an
 * optional sympy fallback run in the sandbox.
 */
import { parseAnswer, parsedEqual, render } from './answer';
import { extractAnswer } from './extract';
import { findBoxed, lastBoxed } from './latex';
import type { SymbolicChecker } from './sympy';

export { extractAnswer } from './extract';
export { createSympyChecker, buildSympyProgram, type SymbolicChecker } from './sympy';

/** Canonical string for vote grouping and cache keys (equal strings imply equal answers). */
export function normalizeAnswer(ans: string): string {
  try {
    return render(parseAnswer(String(ans)).ans).trim();
  } catch {
    return String(ans).replace(/\s+/g, ' ').trim();
  }
}

/** Unwraps a `\boxed{}` when present; otherwise the answer as given. */
function asAnswer(s: string): string {
  const b = findBoxed(s).length ? lastBoxed(s) : null;
  return b ?? s;
}

/** Cheap, synchronous equivalence of two final answers (no sympy). */
export function answersEqual(gold: string, pred: string): boolean {
  const g = asAnswer(String(gold));
  const p = asAnswer(String(pred));
  if (g.trim() === p.trim()) return g.trim().length > 0;
  try {
    return parsedEqual(parseAnswer(g), parseAnswer(p));
  } catch {
    return false;
  }
}

export interface GradeOptions {
  symbolic?: SymbolicChecker;
}

/** Grades a prediction (a final answer or a whole response) against a gold answer. */
export async function gradeAnswer(gold: string, pred: string, opts: GradeOptions = {}): Promise<boolean> {
  const g = asAnswer(String(gold));
  let p: string | null;
  try {
    p = extractAnswer(String(pred));
  } catch {
    p = null;
  }
  if (p === null || !g.trim()) return false;
  if (answersEqual(g, p)) return true;
  if (opts.symbolic) {
    try {
      return (await opts.symbolic(g, p)) === true;
    } catch {
      return false;
    }
  }
  return false;
}
