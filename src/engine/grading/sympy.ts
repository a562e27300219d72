/**
 * Symbolic fallback: answers are converted to sympy expression strings here, in TypeScript, and
 * only a fixed Python program runs in the sandbox. The expression strings travel as base64 JSON,
 * never spliced into the program text.
 */
import type { Executor } from '../exec/types';
import { namedValue, parseAnswer, type Ans } from './answer';
import { toSympy } from './expr';

/** Decides `a ≡ b` symbolically; null when it cannot tell. */
export type SymbolicChecker = (a: string, b: string) => Promise<boolean | null>;

/** The fixed checker program; `__PAYLOAD__` is replaced by a base64 string (charset A-Za-z0-9+/=). */
export const SYMPY_PROGRAM = `
import json, base64, random
from sympy import simplify, nsimplify, N, Rational, Abs
from sympy.parsing.sympy_parser import parse_expr
random.seed(0)
pairs = json.loads(base64.b64decode("__PAYLOAD__").decode("utf-8"))

def close(u, v):
    return abs(u - v) <= 1e-9 * max(1.0, abs(u), abs(v))

def check(sa, sb):
    try:
        a = parse_expr(sa)
        b = parse_expr(sb)
    except Exception:
        return None
    try:
        if a == b:
            return True
        d = simplify(a - b)
        if d == 0:
            return True
    except Exception:
        pass
    try:
        r = a.equals(b)
        if r is not None:
            return bool(r)
    except Exception:
        pass
    try:
        syms = sorted((a - b).free_symbols, key=str)
        good = 0
        for k in range(8):
            sign = -1 if (k >= 4 and random.random() < 0.6) else 1
            sub = {s: sign * Rational(random.randint(11, 97), 37) for s in syms}
            u = complex(N(a.subs(sub), 30))
            v = complex(N(b.subs(sub), 30))
            if k >= 4 and (abs(u.imag) > 1e-12) != (abs(v.imag) > 1e-12):
                continue
            if not close(u, v):
                return False
            good += 1
        return True if good >= 3 else None
    except Exception:
        return None

print(json.dumps([check(a, b) for a, b in pairs]))
`;

/** Aligns two parsed answers into pairs of sympy strings; null when the shapes do not line up. */
function pairUp(a: Ans, b: Ans, out: [string, string][]): boolean {
  // A named value (`x = 3`) stands for its value; any other equation (`y = 2x+1`) is not one of its sides.
  if (a.kind === 'eq' && b.kind !== 'eq') return namedValue(a) && pairUp(a.rhs, b, out);
  if (b.kind === 'eq' && a.kind !== 'eq') return namedValue(b) && pairUp(a, b.rhs, out);
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'expr':
      out.push([toSympy(a.node), toSympy((b as typeof a).node)]);
      return true;
    case 'eq': {
      const e = b as typeof a;
      if (a.op !== e.op) return false;
      return pairUp(a.lhs, e.lhs, out) && pairUp(a.rhs, e.rhs, out);
    }
    case 'list':
    case 'tuple': {
      const t = b as typeof a;
      if (a.kind === 'tuple' && (a.open !== (t as typeof a).open || a.close !== (t as typeof a).close)) return false;
      return a.items.length === t.items.length && a.items.every((x, i) => pairUp(x, t.items[i], out));
    }
    case 'matrix': {
      const m = b as typeof a;
      return (
        a.rows.length === m.rows.length &&
        a.rows.every((r, i) => r.length === m.rows[i].length && r.every((x, j) => pairUp(x, m.rows[i][j], out)))
      );
    }
    default:
      return false;
  }
}

/** Builds the program for two answers, or null when they cannot be compared symbolically. */
export function buildSympyProgram(a: string, b: string): string | null {
  const pa = parseAnswer(a);
  const pb = parseAnswer(b);
  const pairs: [string, string][] = [];
  try {
    if (!pairUp(pa.ans, pb.ans, pairs) || pairs.length === 0 || pairs.length > 64) return null;
  } catch {
    return null; // a node with no sympy rendering
  }
  const payload = Buffer.from(JSON.stringify(pairs), 'utf8').toString('base64');
  return SYMPY_PROGRAM.replace('__PAYLOAD__', payload);
}

/** A SymbolicChecker that runs sympy through the sandboxed executor. */
export function createSympyChecker(executor: Executor, opts: { timeoutMs?: number } = {}): SymbolicChecker {
  const cache = new Map<string, boolean | null>();
  return async (a: string, b: string) => {
    const key = JSON.stringify([a, b]);
    if (cache.has(key)) return cache.get(key)!;
    const program = buildSympyProgram(a, b);
    if (!program) return null;
    let verdict: boolean | null = null;
    try {
      const obs = await executor.run(program, { timeoutMs: opts.timeoutMs ?? 10_000 });
      if (obs.ok) {
        const line = obs.output.trim().split('\n').pop() ?? '';
        const res = JSON.parse(line) as (boolean | null)[];
        if (Array.isArray(res) && res.length > 0) {
          if (res.some((r) => r === false)) verdict = false;
          else if (res.every((r) => r === true)) verdict = true;
        }
      }
    } catch {
      verdict = null;
    }
    if (cache.size > 2000) cache.clear();
    cache.set(key, verdict);
    return verdict;
  };
}
