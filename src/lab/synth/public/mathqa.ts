/**
 * MathQA (MWP-BERT's filtered copy): one infix expression per problem, `x=(((25*3)-(17+12))-...)`,
 * numbers and `+ - * /` only. The expression is split into steps at its sub-expressions that have
 * two or more operators (each becomes `s<k> = ...`, children first); smaller pieces stay inline,
 * and the whole expression is the last step (`answer = ...`). When the expression divides, every
 * division is exact (`Rational(a, b)`), so a fractional answer prints as a fraction, not as
 * 19.999999999999996.
 */
import { cleanNumber, type Conversion, type PublicProblem, type Step } from './format';

export interface MathQaRecord {
  original_text: string;
  equation: string;
  ans: string;
}

export function mathqaProblem(r: MathQaRecord, id: string): PublicProblem {
  return { id: `mathqa-${id}`, source: 'mathqa', question: r.original_text.trim(), answer: cleanNumber(String(r.ans)) };
}

type Node = { num: string } | { op: string; l: Node; r: Node } | { neg: Node };

function parse(src: string): Node | null {
  const toks = src.replace(/\s+/g, '').match(/\d+\.?\d*|\.\d+|[-+*/()]/g) ?? [];
  if (toks.join('') !== src.replace(/\s+/g, '')) return null;
  let i = 0;
  const atom = (): Node | null => {
    const t = toks[i++];
    if (t === undefined) return null;
    if (t === '(') {
      const e = sum();
      if (toks[i++] !== ')') return null;
      return e;
    }
    if (t === '-') {
      const a = atom();
      return a && { neg: a };
    }
    return /^[\d.]/.test(t) ? { num: cleanNumber(t) } : null;
  };
  const product = (): Node | null => {
    let l = atom();
    while (l && (toks[i] === '*' || toks[i] === '/')) {
      const op = toks[i++];
      const r = atom();
      l = r && { op, l, r };
    }
    return l;
  };
  const sum = (): Node | null => {
    let l = product();
    while (l && (toks[i] === '+' || toks[i] === '-')) {
      const op = toks[i++];
      const r = product();
      l = r && { op, l, r };
    }
    return l;
  };
  const e = sum();
  return e && i === toks.length ? e : null;
}

const ops = (n: Node): number => ('num' in n ? 0 : 'neg' in n ? ops(n.neg) : 1 + ops(n.l) + ops(n.r));
const hasDiv = (n: Node): boolean => ('num' in n ? false : 'neg' in n ? hasDiv(n.neg) : n.op === '/' || hasDiv(n.l) || hasDiv(n.r));
const PREC: Record<string, number> = { '+': 1, '-': 1, '*': 2, '/': 2 };

export function convertMathQa(r: MathQaRecord): Conversion {
  const m = /^\s*x\s*=\s*(.+)$/.exec(r.equation);
  if (!m) return { ok: false, reason: 'equation is not x=...' };
  const tree = parse(m[1]);
  if (!tree) return { ok: false, reason: 'expression does not parse' };
  const exact = hasDiv(tree);
  const steps: Step[] = [];
  let k = 0;
  /** Python text of a node and its precedence (3 = atom). */
  const text = (n: Node, top: boolean): [string, number] => {
    if ('num' in n) return [exact && n.num.includes('.') ? `Rational('${n.num}')` : n.num, 3];
    if ('neg' in n) {
      const [t, p] = text(n.neg, false);
      return [`-${p < 3 ? `(${t})` : t}`, 2];
    }
    if (!top && ops(n) >= 2) {
      const [t] = text(n, true);
      const name = `s${++k}`;
      steps.push({ comment: `Compute ${pretty(n)}.`, code: `${name} = ${t}` });
      return [name, 3];
    }
    const [lt, lp] = text(n.l, false);
    const [rt, rp] = text(n.r, false);
    if (exact && n.op === '/') return [`Rational(${lt}, ${rt})`, 3];
    const p = PREC[n.op];
    const L = lp < p ? `(${lt})` : lt;
    const R = rp < p || (rp === p && (n.op === '-' || n.op === '/')) ? `(${rt})` : rt;
    return [`${L} ${n.op} ${R}`, p];
  };
  const [final] = text(tree, true);
  steps.push({ comment: steps.length ? 'Combine the results into the answer.' : `Compute ${pretty(tree)}.`, code: `answer = ${final}` });
  if (exact) steps[0].code = `from sympy import Rational\n${steps[0].code}`;
  return { ok: true, trajectory: { steps, print: 'answer' } };
}

/**
 * One arithmetic expression (numbers, `+ - * /`, parentheses) as exact Python: decimals as
 * `Rational('0.4')`, every division `Rational(a, b)`. Null when it does not parse.
 */
export function exactInline(src: string): { code: string; usesRational: boolean } | null {
  const tree = parse(src);
  if (!tree) return null;
  const go = (n: Node): [string, number] => {
    if ('num' in n) return [n.num.includes('.') ? `Rational('${n.num}')` : n.num, 3];
    if ('neg' in n) {
      const [t, p] = go(n.neg);
      return [`-${p < 3 ? `(${t})` : t}`, 2];
    }
    const [lt, lp] = go(n.l);
    const [rt, rp] = go(n.r);
    if (n.op === '/') return [`Rational(${lt}, ${rt})`, 3];
    const p = PREC[n.op];
    const L = lp < p ? `(${lt})` : lt;
    const R = rp < p || (rp === p && n.op === '-') ? `(${rt})` : rt;
    return [`${L} ${n.op} ${R}`, p];
  };
  const code = go(tree)[0];
  return { code, usesRational: code.includes('Rational(') };
}

/** The sub-expression as plain math for a comment. */
function pretty(n: Node): string {
  const go = (x: Node): [string, number] => {
    if ('num' in x) return [x.num, 3];
    if ('neg' in x) {
      const [t, p] = go(x.neg);
      return [`-${p < 3 ? `(${t})` : t}`, 2];
    }
    const [lt, lp] = go(x.l);
    const [rt, rp] = go(x.r);
    const p = PREC[x.op];
    const L = lp < p ? `(${lt})` : lt;
    const R = rp < p || (rp === p && (x.op === '-' || x.op === '/')) ? `(${rt})` : rt;
    return [`${L} ${x.op} ${R}`, p];
  };
  return go(n)[0];
}
