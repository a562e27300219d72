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

/**
 * The answer read with decimal commas (`3,75` → `3.75`, `1.234,5` → `1234.5`), or null when it has
 * none. A lone comma followed by exactly three digits after a nonzero whole part (`1,234`) is a
 * thousands separator, and stays one; so is every comma inside brackets (`(1,2)` is a point).
 */
export function decimalCommaReading(s: string): string | null {
  // Inside brackets a comma separates coordinates or interval ends: `(1,2)` is a point.
  if (/[()[\]]|\\\{/.test(s)) return null;
  let changed = false;
  const out = s
    .replace(/(?<![\d.,])(\d{1,3}(?:\.\d{3})+),(\d+)(?![\d,])/g, (_m, whole: string, frac: string) => {
      changed = true;
      return `${whole.replace(/\./g, '')}.${frac}`;
    })
    .replace(/(?<![\d.,])(\d+),(\d+)(?![\d,.])/g, (m, whole: string, frac: string) => {
      if (frac.length === 3 && !/^0+$/.test(whole)) return m;
      changed = true;
      return `${whole}.${frac}`;
    });
  return changed ? out : null;
}

/** Cheap, synchronous equivalence of two final answers (no sympy). */
export function answersEqual(gold: string, pred: string): boolean {
  const g = asAnswer(String(gold));
  const p = asAnswer(String(pred));
  if (g.trim() === p.trim()) return g.trim().length > 0;
  try {
    if (parsedEqual(parseAnswer(g), parseAnswer(p))) return true;
    // Decimal commas: `3,75` is 3.75 in much of the world; the comma reading is tried besides the list one.
    const [gc, pc] = [decimalCommaReading(g), decimalCommaReading(p)];
    if (gc === null && pc === null) return false;
    return parsedEqual(parseAnswer(gc ?? g), parseAnswer(pc ?? p));
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
