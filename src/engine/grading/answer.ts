/**
 * Answer structure (number/expression, equation, list, tuple/interval, set, matrix, union,
 * multiple choice, text) and the cheap equivalence check over it.
 */
import { cleanAnswer, matchBrace } from './latex';
import { evalExact, evalNum, hasDecimal, hasInfinity, parseExpr, ratToLatex, ratToNumber, variables, type Node } from './expr';

export type Ans =
  | { kind: 'expr'; src: string; node: Node }
  | { kind: 'eq'; src: string; lhs: Ans; rhs: Ans; op: string }
  | { kind: 'list'; items: Ans[]; unordered?: boolean }
  | { kind: 'tuple'; open: string; close: string; items: Ans[] }
  | { kind: 'set'; items: Ans[] }
  | { kind: 'union'; items: Ans[] }
  | { kind: 'matrix'; rows: Ans[][] }
  | { kind: 'ratio'; items: Ans[] }
  | { kind: 'choice'; letter: string }
  | { kind: 'text'; src: string };

export interface Parsed {
  ans: Ans;
  percent: boolean;
}

const OPEN = '([{';
const CLOSE = ')]}';

/** Splits at top-level occurrences of `sep` (regex matched at each top-level position). */
function splitTop(s: string, sep: RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let last = 0;
  /** A separator starting at i ends a part: returns the index of its last character, else -1. */
  const splitAt = (i: number): number => {
    const m = sep.exec(s.slice(i));
    if (!m || m.index !== 0 || m[0].length === 0) return -1;
    parts.push(s.slice(last, i));
    last = i + m[0].length;
    return last - 1;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      if (s[i + 1] === '{' || s[i + 1] === '[' || s[i + 1] === '(') depth++;
      else if (s[i + 1] === '}' || s[i + 1] === ']' || s[i + 1] === ')') depth--;
      else if (depth === 0) {
        const end = splitAt(i);
        if (end >= 0) {
          i = end;
          continue;
        }
      }
      i++;
      continue;
    }
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c)) depth--;
    else if (depth === 0) {
      const end = splitAt(i);
      if (end >= 0) i = end;
    }
  }
  parts.push(s.slice(last));
  return parts;
}

/** True when the bracket opened at 0 closes at the last character (any bracket type). */
function wrapsWhole(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      if (i === 0) return false;
      i++;
      continue;
    }
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c)) {
      depth--;
      if (depth === 0) return i === s.length - 1;
    }
  }
  return false;
}

const REL = /^(?:<=|>=|!=|=|<|>|\\(?:leq?|geq?|neq?|lt|gt)(?![a-zA-Z]))/;
const REL_NAME: Record<string, string> = {
  '\\le': '<=',
  '\\leq': '<=',
  '\\ge': '>=',
  '\\geq': '>=',
  '\\ne': '!=',
  '\\neq': '!=',
  '\\lt': '<',
  '\\gt': '>',
};

function parseRows(body: string): Ans[][] {
  return body
    .split(/\\\\/)
    .map((r) => r.trim())
    .filter((r) => r.length > 0)
    .map((r) => r.split('&').map((c) => parseStruct(c.trim())));
}

/** Parses an already-cleaned answer string into a structure. */
export function parseStruct(s: string): Ans {
  s = s.trim();
  // Matrices.
  const mat = /^\\begin\{([pbvBV]?matrix|array|smallmatrix)\}(?:\{[^}]*\})?([\s\S]*)\\end\{\1\}$/.exec(s);
  if (mat) return { kind: 'matrix', rows: parseRows(mat[2]) };
  // `[\\begin{array}…\\end{array}]` (from `\\left[ … \\right]`) or `(\\begin{pmatrix}…)`: the matrix itself.
  if (/^[([]\s*\\begin\{/.test(s) && wrapsWhole(s)) {
    const inner = parseStruct(s.slice(1, -1));
    if (inner.kind === 'matrix') return inner;
  }
  // Multiple choice.
  const ch = /^\(?\s*([A-J])\s*\)?$/.exec(s);
  if (ch) return { kind: 'choice', letter: ch[1] };
  // Lists: top-level commas, semicolons, "and"/"or". Answers joined by "and"/"or" (or several
  // boxed answers) and lists of points are alternatives or solutions, in any order; a plain comma
  // list of values keeps its order (hendrycks' is_equiv: `4, 10, -2` is not `10, 4, -2`).
  const items = splitTop(s, /^(?:,|;|\s+(?:and|or)\s+|\\text\{\s*(?:and|or)\s*\})/).map((x) => x.trim());
  if (items.length > 1 && items.every((x) => x.length > 0)) {
    const parsed = items.map(parseStruct);
    const joinedByWords = splitTop(s, /^(?:\s+(?:and|or)\s+|\\text\{\s*(?:and|or)\s*\})/).length > 1;
    const points = parsed.every((x) => x.kind === 'tuple' && x.open === '(' && x.close === ')');
    return { kind: 'list', items: parsed, ...((joinedByWords || points) && { unordered: true }) };
  }
  // Ratios: `2 : 3`, `\text{boys} : \text{girls}`.
  const ratio = splitTop(s, /^:/).map((x) => x.trim());
  if (ratio.length > 1 && ratio.every((x) => x.length > 0) && !/[=<>]|\\(?:le|ge|ne|lt|gt)/.test(s))
    return { kind: 'ratio', items: ratio.map(parseStruct) };
  // Unions of intervals/sets.
  const un = splitTop(s, /^(?:\\cup(?![a-zA-Z])|\s*U\s*(?=[([{\\]))/).map((x) => x.trim());
  if (un.length > 1 && un.every((x) => x.length > 0)) return { kind: 'union', items: un.map(parseStruct) };
  // Sets.
  if (s.startsWith('\\{') && s.endsWith('\\}')) {
    const inner = s.slice(2, -2).trim();
    const parts = inner ? splitTop(inner, /^(?:,|;)/).map((x) => parseStruct(x.trim())) : [];
    return { kind: 'set', items: parts };
  }
  // Tuples, points, intervals.
  if ((s[0] === '(' || s[0] === '[') && (s.endsWith(')') || s.endsWith(']')) && wrapsWhole(s)) {
    const inner = s.slice(1, -1);
    const parts = splitTop(inner, /^,/).map((x) => x.trim());
    if (parts.length > 1) return { kind: 'tuple', open: s[0], close: s[s.length - 1], items: parts.map(parseStruct) };
    if (s[0] === '(' && s.endsWith(')')) return parseStruct(inner); // redundant parentheses
  }
  if (s.startsWith('{') && s.endsWith('}') && matchBrace(s, 0) === s.length - 1) {
    const inner = s.slice(1, -1);
    const parts = splitTop(inner, /^,/).map((x) => x.trim());
    if (parts.length > 1) return { kind: 'set', items: parts.map(parseStruct) };
    return parseStruct(inner);
  }
  // Equations and inequalities (chains keep the first and the last side).
  const sides: string[] = [];
  const ops: string[] = [];
  {
    let depth = 0;
    let last = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (OPEN.includes(c)) depth++;
      else if (CLOSE.includes(c)) depth--;
      if (depth !== 0) {
        if (c === '\\') i++;
        continue;
      }
      const m = REL.exec(s.slice(i));
      if (m) {
        sides.push(s.slice(last, i).trim());
        ops.push(REL_NAME[m[0]] ?? m[0]);
        i += m[0].length - 1;
        last = i + 1;
      } else if (c === '\\') {
        const cm = /^\\[a-zA-Z]+/.exec(s.slice(i));
        if (cm) i += cm[0].length - 1;
        else i++;
      }
    }
    sides.push(s.slice(last).trim());
  }
  if (sides.length > 1) {
    if (sides.some((x) => x.length === 0)) return { kind: 'text', src: s };
    if (ops.every((o) => o === '=')) {
      // `35 + 70 = 105` or `z = 3+3 = 2`: the last right-hand side is the answer.
      const hasLetters = (x: string) => /[a-zA-Z]/.test(x.replace(/\\(?:frac|sqrt|cdot|times|div|pi)/g, ''));
      // (`7 = 11a+c` stays an equation: a constant on the left of a formula is not a worked step.)
      if (!hasLetters(sides[0]) && !hasLetters(sides[sides.length - 1])) return parseStruct(sides[sides.length - 1]);
      return { kind: 'eq', src: s, op: '=', lhs: parseStruct(sides[0]), rhs: parseStruct(sides[sides.length - 1]) };
    }
    if (sides.length === 2) return { kind: 'eq', src: s, op: ops[0], lhs: parseStruct(sides[0]), rhs: parseStruct(sides[1]) };
    // `-2 < x \le 5` is the interval (-2, 5].
    if (sides.length === 3 && /^[a-zA-Z]$/.test(sides[1])) {
      const up = ops.every((o) => o === '<' || o === '<=');
      const down = ops.every((o) => o === '>' || o === '>=');
      if (up || down) {
        const [lo, hi] = up ? [sides[0], sides[2]] : [sides[2], sides[0]];
        const [loOp, hiOp] = up ? [ops[0], ops[1]] : [ops[1], ops[0]];
        return {
          kind: 'tuple',
          open: loOp.length === 2 ? '[' : '(',
          close: hiOp.length === 2 ? ']' : ')',
          items: [parseStruct(lo), parseStruct(hi)],
        };
      }
    }
    return { kind: 'text', src: s };
  }
  const node = parseExpr(s);
  if (node) return { kind: 'expr', src: s, node };
  return { kind: 'text', src: s };
}

/** `a \\pm b` (one `\\pm`, not inside a bracket or set) is the list `a+b, a-b`. */
function parsePlusMinus(s: string): Ans | null {
  const at = s.split(/\\pm(?![a-zA-Z])|±/);
  if (at.length !== 2 || s.startsWith('\\{') || (OPEN.includes(s[0]) && wrapsWhole(s)) || /\\mp(?![a-zA-Z])/.test(s)) return null;
  return { kind: 'list', unordered: true, items: [parseStruct(`${at[0]}+${at[1]}`), parseStruct(`${at[0]}-${at[1]}`)] };
}

const parseCache = new Map<string, Parsed>();

/** Cleans and parses one answer (no extraction beyond unwrapping a `\boxed{}`). */
export function parseAnswer(raw: string): Parsed {
  const hit = parseCache.get(raw);
  if (hit) return hit;
  let p: Parsed;
  try {
    const c = cleanAnswer(raw);
    // Answers are short; anything huge is compared as text instead of parsed.
    p = { ans: c.text.length > 1000 ? { kind: 'text', src: c.text } : (parsePlusMinus(c.text) ?? parseStruct(c.text)), percent: c.percent };
  } catch {
    p = { ans: { kind: 'text', src: raw.trim() }, percent: false };
  }
  if (parseCache.size > 5000) parseCache.clear();
  parseCache.set(raw, p);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Canonical rendering (for vote grouping and cache keys)

function renderExpr(src: string, node: Node): string {
  if (variables(node).size === 0) {
    const r = evalExact(node);
    if (r) return ratToLatex(r);
  }
  return src.replace(/\s+(?![a-zA-Z])|(?<![a-zA-Z])\s+/g, '');
}

export function render(a: Ans): string {
  switch (a.kind) {
    case 'expr':
      return renderExpr(a.src, a.node);
    case 'eq':
      return `${render(a.lhs)}${a.op}${render(a.rhs)}`;
    case 'list':
      return (a.unordered ? a.items.map(render).sort() : a.items.map(render)).join(',');
    case 'tuple':
      return `${a.open}${a.items.map(render).join(',')}${a.close}`;
    case 'set':
      return `\\{${a.items.map(render).sort().join(',')}\\}`;
    case 'union':
      return a.items.map(render).join('\\cup');
    case 'matrix':
      return `\\begin{pmatrix}${a.rows.map((r) => r.map(render).join('&')).join('\\\\')}\\end{pmatrix}`;
    case 'ratio':
      return a.items.map(render).join(':');
    case 'choice':
      return a.letter;
    case 'text':
      return textKey(a.src);
  }
}

function textKey(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return /[a-zA-Z]{2,}/.test(t) ? t.toLowerCase() : t.replace(/\s+/g, '');
}

// ---------------------------------------------------------------------------------------------
// Equivalence

/** Deterministic sample points for identity testing. */
const POINTS: number[][] = (() => {
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  // Five positive points, then three with mixed signs (catches |x| vs x, sqrt(x^2) vs x).
  return Array.from({ length: 8 }, (_r, k) => Array.from({ length: 16 }, () => (k >= 5 && rnd() < 0.6 ? -1 : 1) * (0.3 + 2.4 * rnd())));
})();
const POSITIVE_POINTS = 5;

function close(a: number, b: number, rel: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b), 1e-12) || Math.abs(a - b) < 1e-12;
}

function envFor(vars: string[], k: number): Record<string, number> {
  const env: Record<string, number> = {};
  vars.forEach((v, j) => (env[v] = POINTS[k][j % 16] + (j >= 16 ? 0.1 * j : 0)));
  return env;
}

/** Numeric / exact comparison of two scalar expressions. */
export function exprEqual(a: Node, b: Node): boolean {
  const vars = [...new Set([...variables(a), ...variables(b)])].sort();
  const decA = hasDecimal(a);
  const decB = hasDecimal(b);
  if (vars.length === 0) {
    const ra = evalExact(a);
    const rb = evalExact(b);
    if (ra && rb) {
      if (ra.n === rb.n && ra.d === rb.d) return true;
      if (decA !== decB) return close(ratToNumber(ra), ratToNumber(rb), 1e-4);
      return false;
    }
    const va = evalNum(a, {});
    const vb = evalNum(b, {});
    // Overflow is not infinity: only a written \infty may equal \infty.
    if (!Number.isFinite(va) || !Number.isFinite(vb)) return va === vb && hasInfinity(a) && hasInfinity(b);
    return close(va, vb, decA || decB ? 1e-4 : 1e-9);
  }
  let valid = 0;
  for (let k = 0; k < POINTS.length; k++) {
    const env = envFor(vars, k);
    const va = evalNum(a, env);
    const vb = evalNum(b, env);
    const aBad = !Number.isFinite(va);
    const bBad = !Number.isFinite(vb);
    if (aBad && bBad) continue;
    // Off the positive points a domain difference (ln x vs ...) is not a disagreement.
    if (aBad !== bBad) {
      if (k >= POSITIVE_POINTS) continue;
      return false;
    }
    if (!close(va, vb, decA || decB ? 1e-4 : 1e-7)) return false;
    valid++;
  }
  return valid >= 3;
}

/** `l1 - r1` is a nonzero constant multiple of `l2 - r2` (x+y=1 vs 2x+2y=2). */
function equationsProportional(l1: Node, r1: Node, l2: Node, r2: Node): boolean {
  return relationRatio(l1, r1, l2, r2) !== null;
}

/**
 * The constant c with `l1 - r1 = c (l2 - r2)` at every sample point, or null when there is none:
 * `x+y=1` vs `2x+2y=2` (c = 1/2), `x < 1` vs `-x > -1` (c = -1, so the relation flips).
 */
function relationRatio(l1: Node, r1: Node, l2: Node, r2: Node): number | null {
  const d1: Node = { t: 'bin', op: '-', l: l1, r: r1 };
  const d2: Node = { t: 'bin', op: '-', l: l2, r: r2 };
  const vars = [...new Set([...variables(d1), ...variables(d2)])].sort();
  if (vars.length === 0) return null;
  let ratio: number | null = null;
  let valid = 0;
  for (let k = 0; k < POINTS.length; k++) {
    const env = envFor(vars, k);
    const v1 = evalNum(d1, env);
    const v2 = evalNum(d2, env);
    if (!Number.isFinite(v1) || !Number.isFinite(v2)) continue;
    if (Math.abs(v2) < 1e-12 || Math.abs(v1) < 1e-12) {
      if (Math.abs(v2) < 1e-12 && Math.abs(v1) < 1e-12) continue;
      return null;
    }
    const r = v1 / v2;
    if (ratio === null) ratio = r;
    else if (!close(ratio, r, 1e-7)) return null;
    valid++;
  }
  return valid >= 3 ? ratio : null;
}

function simpleLhs(a: Ans): string | null {
  if (a.kind === 'expr' && a.node.t === 'var') return a.node.name;
  const src = a.kind === 'expr' || a.kind === 'text' ? a.src.replace(/\s+/g, '') : '';
  // f(x), g(t), f'(x)
  const m = /^([a-zA-Z]'*)\(([a-zA-Z](?:,[a-zA-Z])*)\)$/.exec(src);
  return m ? m[0] : null;
}

function multisetEqual(xs: Ans[], ys: Ans[]): boolean {
  if (xs.length !== ys.length) return false;
  const used = new Array<boolean>(ys.length).fill(false);
  const go = (i: number): boolean => {
    if (i === xs.length) return true;
    for (let j = 0; j < ys.length; j++) {
      if (!used[j] && structEqual(xs[i], ys[j])) {
        used[j] = true;
        if (go(i + 1)) return true;
        used[j] = false;
      }
    }
    return false;
  };
  return go(0);
}

/** Set equality: every member of each side equals some member of the other (duplicates collapse). */
function setEqual(xs: Ans[], ys: Ans[]): boolean {
  return xs.every((x) => ys.some((y) => structEqual(x, y))) && ys.every((y) => xs.some((x) => structEqual(x, y)));
}

/** A union of finite sets (`\\{1,3\\} \\cup \\{2\\}`) as one set; null when a part is an interval. */
function unionAsSet(u: Extract<Ans, { kind: 'union' }>): Ans[] | null {
  return u.items.every((x) => x.kind === 'set') ? u.items.flatMap((x) => (x as Extract<Ans, { kind: 'set' }>).items) : null;
}

function seqEqual(xs: Ans[], ys: Ans[]): boolean {
  return xs.length === ys.length && xs.every((x, i) => structEqual(x, ys[i]));
}

const FLIP: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '=': '=', '!=': '!=' };

export function structEqual(a: Ans, b: Ans): boolean {
  if (a.kind === 'eq' && b.kind !== 'eq') return eqVsValue(a, b);
  if (b.kind === 'eq' && a.kind !== 'eq') return eqVsValue(b, a);
  if (a.kind === 'list' && b.kind === 'list' && labelled(a) && labelled(b)) return sameLabels(labelled(a)!, labelled(b)!);
  if (a.kind === 'list' && b.kind === 'tuple') return labelledVsTuple(a, b);
  if (b.kind === 'list' && a.kind === 'tuple') return labelledVsTuple(b, a);
  if (a.kind === 'ratio' || b.kind === 'ratio') return ratioEqual(a, b);
  if (a.kind === 'choice' || b.kind === 'choice') {
    if (a.kind === 'choice' && b.kind === 'choice') return a.letter === b.letter;
    const other = a.kind === 'choice' ? b : a;
    const letter = a.kind === 'choice' ? a.letter : (b as { letter: string }).letter;
    return other.kind === 'expr' && other.node.t === 'var' && other.node.name === letter;
  }
  if (a.kind === 'matrix' && b.kind === 'tuple') return vectorVsTuple(a, b);
  if (b.kind === 'matrix' && a.kind === 'tuple') return vectorVsTuple(b, a);
  if (a.kind === 'set' && b.kind === 'list') return multisetEqual(a.items, b.items);
  if (b.kind === 'set' && a.kind === 'list') return multisetEqual(a.items, b.items);
  if (a.kind === 'tuple' && b.kind === 'set') return tupleVsSet(a, b);
  if (b.kind === 'tuple' && a.kind === 'set') return tupleVsSet(b, a);
  if (a.kind === 'union' && b.kind === 'set') return setEqual(unionAsSet(a) ?? [a], b.items);
  if (b.kind === 'union' && a.kind === 'set') return setEqual(unionAsSet(b) ?? [b], a.items);
  if (a.kind !== b.kind) {
    return render(a) === render(b);
  }
  switch (a.kind) {
    case 'expr':
      return exprEqual(a.node, (b as typeof a).node);
    case 'eq': {
      const e = b as typeof a;
      if (a.op !== '=' && a.op !== '!=' && e.op !== '=' && e.op !== '!=' && [a.lhs, a.rhs, e.lhs, e.rhs].every((x) => x.kind === 'expr')) {
        return inequalitiesEqual(a, e);
      }
      if (a.op === e.op || FLIP[a.op] === e.op) {
        const straight = a.op === e.op;
        const l1 = a.lhs,
          r1 = a.rhs;
        const [l2, r2] = straight ? [e.lhs, e.rhs] : [e.rhs, e.lhs];
        if (structEqual(l1, l2) && structEqual(r1, r2)) return true;
        if (a.op === '=' && straight && structEqual(l1, r2) && structEqual(r1, l2)) return true;
        if (a.op === '=' && l1.kind === 'expr' && r1.kind === 'expr' && e.lhs.kind === 'expr' && e.rhs.kind === 'expr') {
          return equationsProportional(l1.node, r1.node, e.lhs.node, e.rhs.node);
        }
      }
      return false;
    }
    case 'list': {
      // Comma lists keep their order (hendrycks' is_equiv: `4, 10, -2` is not `10, 4, -2`);
      // the two answers of a `\\pm` may come in either order.
      const l = b as typeof a;
      return a.unordered || l.unordered ? multisetEqual(a.items, l.items) : seqEqual(a.items, l.items);
    }
    case 'tuple': {
      const t = b as typeof a;
      return a.open === t.open && a.close === t.close && seqEqual(a.items, t.items);
    }
    case 'set':
      return setEqual(a.items, (b as typeof a).items);
    case 'union': {
      const u = b as typeof a;
      const [sa, sb] = [unionAsSet(a), unionAsSet(u)];
      if (sa && sb) return setEqual(sa, sb);
      return multisetEqual(a.items, u.items);
    }
    case 'matrix': {
      const m = b as typeof a;
      return a.rows.length === m.rows.length && a.rows.every((r, i) => seqEqual(r, m.rows[i]));
    }
    case 'text':
      return textKey(a.src) === textKey((b as typeof a).src);
  }
  return false;
}

/** `x >= 5` vs `5 <= x`, `x < 1` vs `-x > -1`: the same half-space, maybe scaled or flipped. */
function inequalitiesEqual(a: Extract<Ans, { kind: 'eq' }>, b: Extract<Ans, { kind: 'eq' }>): boolean {
  const node = (x: Ans) => (x as Extract<Ans, { kind: 'expr' }>).node;
  const straight = a.op === b.op && structEqual(a.lhs, b.lhs) && structEqual(a.rhs, b.rhs);
  const flipped = FLIP[a.op] === b.op && structEqual(a.lhs, b.rhs) && structEqual(a.rhs, b.lhs);
  if (straight || flipped) return true;
  const r = relationRatio(node(a.lhs), node(a.rhs), node(b.lhs), node(b.rhs));
  if (r === null) return false;
  return r > 0 ? a.op === b.op : FLIP[a.op] === b.op;
}

/** `(1,3)` vs `\\{1,3\\}`: Math-Verify accepts a point for a set written in the same order (not `(3,1)`). */
function tupleVsSet(t: Extract<Ans, { kind: 'tuple' }>, s: Extract<Ans, { kind: 'set' }>): boolean {
  return t.open === '(' && t.close === ')' && seqEqual(t.items, s.items);
}

function vectorVsTuple(m: Extract<Ans, { kind: 'matrix' }>, t: Extract<Ans, { kind: 'tuple' }>): boolean {
  if (t.open !== '(' || t.close !== ')') return false;
  const flat = m.rows.every((r) => r.length === 1) ? m.rows.map((r) => r[0]) : m.rows.length === 1 ? m.rows[0] : null;
  return !!flat && seqEqual(flat, t.items);
}

/** Whether an answer mentions a variable (`2x+1` does, `\frac{1}{2}` and `(1, \infty)` do not). */
function hasVariables(a: Ans): boolean {
  switch (a.kind) {
    case 'expr':
      return variables(a.node).size > 0;
    case 'eq':
      return true;
    case 'list':
    case 'tuple':
    case 'set':
    case 'union':
    case 'ratio':
      return a.items.some(hasVariables);
    case 'matrix':
      return a.rows.some((r) => r.some(hasVariables));
    case 'choice':
      return false;
    case 'text':
      return /[a-zA-Z]/.test(a.src.replace(/\\[a-zA-Z]+/g, ''));
  }
}

/** A ratio of names (`boys : girls`, `a:b`): a label, not a value. */
function ratioOfNames(a: Ans): boolean {
  return a.kind === 'ratio' && a.items.every((x) => hasVariables(x) || x.kind === 'text');
}

/**
 * `x = 3` against `3`: a value with its name (a bare variable, f(x), or a ratio of names, `a:b =
 * 2:3`). An equation whose other side still has variables is a relation, not a value: `y = 2x+1` is
 * not `2x+1`.
 */
function eqVsValue(e: Extract<Ans, { kind: 'eq' }>, v: Ans): boolean {
  if (e.op !== '=') return v.kind === 'tuple' || v.kind === 'union' ? inequalityVsInterval(e, v) : false;
  return namedValue(e) && structEqual(e.rhs, v);
}

/** `x = 3`, `f(2) = 7`, `a:b = 2:3`: an equation that names a value (and may stand for it). */
export function namedValue(e: Extract<Ans, { kind: 'eq' }>): boolean {
  return e.op === '=' && (simpleLhs(e.lhs) !== null || ratioOfNames(e.lhs)) && !hasVariables(e.rhs);
}

/** `x \ge 3` as the interval [3, ∞) (`3 < x` too); null when it is not one variable against a value. */
function inequalityInterval(e: Extract<Ans, { kind: 'eq' }>): Ans | null {
  const op = e.op;
  if (!['<', '<=', '>', '>='].includes(op)) return null;
  const varFirst = e.lhs.kind === 'expr' && e.lhs.node.t === 'var' && !hasVariables(e.rhs);
  const varLast = e.rhs.kind === 'expr' && e.rhs.node.t === 'var' && !hasVariables(e.lhs);
  if (!varFirst && !varLast) return null;
  const bound = varFirst ? e.rhs : e.lhs;
  const rel = varFirst ? op : FLIP[op]; // as "x rel bound"
  const inf = (sign: string): Ans => parseStruct(`${sign}\\infty`);
  return rel.startsWith('<')
    ? { kind: 'tuple', open: '(', close: rel === '<=' ? ']' : ')', items: [inf('-'), bound] }
    : { kind: 'tuple', open: rel === '>=' ? '[' : '(', close: ')', items: [bound, inf('')] };
}

function inequalityVsInterval(e: Extract<Ans, { kind: 'eq' }>, v: Ans): boolean {
  const iv = inequalityInterval(e);
  return iv !== null && structEqual(iv, v);
}

/** `x = 2, y = 5` as name → value pairs (distinct bare names, constant values); null otherwise. */
function labelled(l: Extract<Ans, { kind: 'list' }>): Map<string, Ans> | null {
  const out = new Map<string, Ans>();
  for (const it of l.items) {
    if (it.kind !== 'eq' || it.op !== '=' || it.lhs.kind !== 'expr' || it.lhs.node.t !== 'var' || hasVariables(it.rhs)) return null;
    if (out.has(it.lhs.node.name)) return null;
    out.set(it.lhs.node.name, it.rhs);
  }
  return out;
}

function sameLabels(a: Map<string, Ans>, b: Map<string, Ans>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.has(k) && structEqual(v, b.get(k)!));
}

/** `x = 2, y = 5` against the point `(2, 5)`: the values in the order written. */
function labelledVsTuple(l: Extract<Ans, { kind: 'list' }>, t: Extract<Ans, { kind: 'tuple' }>): boolean {
  const named = labelled(l);
  return !!named && t.open === '(' && t.close === ')' && seqEqual([...named.values()], t.items);
}

/** `2:3` vs `4:6` (proportional), vs `\frac{2}{3}` (its value), vs `a:b = 2:3` (handled as a labelled value). */
function ratioEqual(a: Ans, b: Ans): boolean {
  const value = (r: Extract<Ans, { kind: 'ratio' }>): Ans | null => {
    const [x, y] = r.items;
    return r.items.length === 2 && x.kind === 'expr' && y.kind === 'expr'
      ? { kind: 'expr', src: `${x.src}/${y.src}`, node: { t: 'bin', op: '/', l: x.node, r: y.node } }
      : null;
  };
  if (a.kind === 'ratio' && b.kind === 'ratio') {
    if (seqEqual(a.items, b.items)) return true;
    const [va, vb] = [value(a), value(b)];
    return !!va && !!vb && structEqual(va, vb);
  }
  const [r, other] = a.kind === 'ratio' ? [a, b] : [b as Extract<Ans, { kind: 'ratio' }>, a];
  const v = value(r);
  return other.kind === 'expr' && !!v && structEqual(v, other);
}

function scaled(a: Ans, factor: number): Ans {
  if (a.kind !== 'expr') return a;
  const node: Node = { t: 'bin', op: factor > 1 ? '*' : '/', l: a.node, r: { t: 'num', v: '100', dec: false } };
  return { kind: 'expr', src: a.src, node };
}

/** Cheap equivalence of two parsed answers, with percent variants (25% = 25 = 0.25). */
export function parsedEqual(a: Parsed, b: Parsed): boolean {
  if (structEqual(a.ans, b.ans)) return true;
  if (a.percent !== b.percent) {
    const [p, q] = a.percent ? [a.ans, b.ans] : [b.ans, a.ans];
    if (structEqual(scaled(p, 1 / 100), q)) return true;
  }
  return false;
}
