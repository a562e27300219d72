/** Version 3: evaluating arithmetic expressions and expressions at given values. */
import type { Builder } from '../builder';
import { type Q, q, qadd, qdiv, qmul, qsub, raw } from '../expr';
import { slot } from '../phrasing';
import type { Family } from './types';

const EVAL = slot(
  'expr.eval',
  [
    'What is {e}?',
    'Calculate {e}.',
    'Evaluate {e}.',
    'Compute {e}.',
    'What is the value of {e}?',
    'Work out {e}.',
    'Simplify {e}.',
    'Find the value of {e}.',
  ],
  ['What does {e} equal?', 'Give the value of {e}.'],
);
const AT = slot(
  'expr.at',
  [
    'Evaluate {e} when x = {v}.',
    'What is {e} for x = {v}?',
    'If x = {v}, what is {e}?',
    'Find the value of {e} when x is {v}.',
    'Calculate {e} at x = {v}.',
    'Substitute x = {v} into {e}.',
    'What is the value of {e} if x = {v}?',
  ],
  ['Let x = {v}. What does {e} equal?', 'With x = {v}, give the value of {e}.'],
);
const AT2 = slot(
  'expr.at2',
  [
    'If a = {a} and b = {b}, what is {e}?',
    'Evaluate {e} when a = {a} and b = {b}.',
    'What is {e} for a = {a} and b = {b}?',
    'Find {e} if a = {a} and b = {b}.',
    'Calculate {e} with a = {a} and b = {b}.',
    'Let a = {a} and b = {b}. What is {e}?',
  ],
  ['Given a = {a} and b = {b}, find the value of {e}.'],
);

interface E {
  text: string;
  code: string;
  v: Q;
  /** 1: sum, 2: product or quotient, 3: atom. */
  prec: number;
}
const atom = (n: number): E => ({ text: n < 0 ? `(${n})` : String(n), code: n < 0 ? `(${n})` : String(n), v: q(n), prec: 3 });
const wrap = (e: E, p: number): E => (e.prec < p ? { text: `(${e.text})`, code: `(${e.code})`, v: e.v, prec: 3 } : e);

function bin(a: E, o: '+' | '-' | '*' | '/', b: E): E {
  const p = o === '+' || o === '-' ? 1 : 2;
  const l = wrap(a, p);
  const r = wrap(b, o === '+' || o === '*' ? p : p + 1);
  const f = { '+': qadd, '-': qsub, '*': qmul, '/': qdiv }[o];
  // exact division in Python: the left side becomes a Fraction
  const code = o === '/' ? `Fraction(${l.code}) / ${r.code}` : `${l.code} ${o} ${r.code}`;
  return { text: `${l.text} ${o} ${r.text}`, code, v: f(l.v, r.v), prec: p };
}

/** A random arithmetic expression of 3-4 numbers (whole result unless `fracOk`). */
function arithmetic(b: Builder, times: string): E {
  for (;;) {
    const n = () => atom(b.num(1, 20));
    const ops = ['+', '-', '*', '/'] as const;
    let e = n();
    const terms = b.rng.int(2, 3);
    try {
      for (let i = 0; i < terms; i++) {
        const o = b.rng.pick(ops);
        const next = b.rng.chance(0.3) ? bin(n(), b.rng.pick(['+', '-'] as const), n()) : n();
        e = b.rng.chance(0.5) ? bin(e, o, next) : bin(next, o, e);
      }
    } catch {
      continue; // division by zero
    }
    if (e.v.d === 1 && Math.abs(e.v.n) < 10000) return { ...e, text: e.text.replace(/ \* /g, ` ${times} `) };
  }
}

/** `a x^2 + b x + c` or `a x + b` as text (`3x^2 - 2x + 1`) and code (`3*x**2 - 2*x + 1`). */
function poly(b: Builder): { text: string; code: string; coef: number[] } {
  const deg = b.rng.chance(0.5) ? 2 : 1;
  const coef = Array.from({ length: deg + 1 }, (_, i) => (i === 0 ? b.rng.int(1, 9) : b.rng.int(-12, 12)));
  if (deg === 2 && coef[1] === 0) coef[1] = 1;
  const t: string[] = [];
  const c: string[] = [];
  coef.forEach((k, i) => {
    const pow = deg - i;
    if (k === 0) return;
    const mag = Math.abs(k);
    const xt = pow === 2 ? 'x^2' : pow === 1 ? 'x' : '';
    const xc = pow === 2 ? 'x**2' : pow === 1 ? 'x' : '';
    const tt = xt ? `${mag === 1 ? '' : mag}${xt}` : String(mag);
    const cc = xc ? `${mag === 1 ? '' : `${mag}*`}${xc}` : String(mag);
    const sign = k < 0 ? '-' : '+';
    t.push(t.length ? `${sign} ${tt}` : k < 0 ? `-${tt}` : tt);
    c.push(c.length ? `${sign} ${cc}` : k < 0 ? `-${cc}` : cc);
  });
  return { text: t.join(' '), code: c.join(' '), coef };
}

const evalPoly = (coef: number[], x: number) => coef.reduce((acc, k) => acc * x + k, 0);

export const expressions: Family = {
  name: 'expressions',
  variants: [
    {
      id: 'arithmetic',
      since: 3,
      wideNumbers: true,
      build(b) {
        const e = arithmetic(b, b.rng.pick(['*', '×', '*']));
        b.ask(EVAL, { e: e.text });
        const needs = e.code.includes('Fraction(');
        const v = b.step(
          'Python follows the order of operations (brackets, then × and ÷, then + and -).',
          'value',
          raw(e.code, e.v, needs),
        );
        if (!needs) return v;
        return b.step('The division comes out even, so the value is a whole number.', 'result', raw(`int(${v.code})`, e.v, false));
      },
    },
    {
      id: 'polynomial-at',
      since: 3,
      wideNumbers: true,
      build(b) {
        const p = poly(b);
        const xs = b.num(-6, 9);
        b.ask(AT, { e: p.text, v: xs });
        b.step(`Set x to ${xs}.`, 'x', raw(String(xs), q(xs), false));
        return b.step(`Put x = ${xs} into ${p.text}.`, 'value', raw(p.code, q(evalPoly(p.coef, xs)), false));
      },
    },
    {
      id: 'two-variables',
      since: 3,
      build(b) {
        const [k1, k2] = [b.rng.int(1, 9), b.rng.int(1, 9)];
        const [a, c] = [b.rng.int(-5, 12), b.rng.int(-5, 12)];
        const minus = b.rng.chance(0.4);
        const form = b.rng.pick(['lin', 'prod'] as const);
        const text =
          form === 'lin'
            ? `${k1 === 1 ? '' : k1}a ${minus ? '-' : '+'} ${k2 === 1 ? '' : k2}b`
            : `${k1 === 1 ? '' : k1}ab ${minus ? '-' : '+'} ${k2}`;
        const code = form === 'lin' ? `${k1}*a ${minus ? '-' : '+'} ${k2}*b` : `${k1}*a*b ${minus ? '-' : '+'} ${k2}`;
        const v = form === 'lin' ? k1 * a + (minus ? -k2 : k2) * c : k1 * a * c + (minus ? -k2 : k2);
        b.ask(AT2, { a, b: c, e: text });
        b.step(`Set a to ${a}.`, 'a', raw(String(a), q(a), false));
        b.step(`Set b to ${c}.`, 'b', raw(String(c), q(c), false));
        return b.step(`Put the values into ${text}.`, 'value', raw(code, q(v), false));
      },
    },
    {
      id: 'square-of-sum',
      since: 3,
      ood: true,
      build(b) {
        const [x, y, z] = [b.rng.int(1, 12), b.rng.int(1, 12), b.rng.int(1, 50)];
        const text = `(${x} + ${y})^2 - ${z}`;
        b.ask(EVAL, { e: text });
        const s = b.step(`Brackets first: ${x} + ${y}.`, 'inside', raw(`${x} + ${y}`, q(x + y), false));
        const sq = b.step('Then the power.', 'square', raw(`${s.code} ** 2`, q((x + y) ** 2), false));
        return b.step(`Then subtract ${z}.`, 'value', raw(`${sq.code} - ${z}`, q((x + y) ** 2 - z), false));
      },
    },
  ],
};
