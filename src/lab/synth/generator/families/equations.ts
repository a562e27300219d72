/** Version 3: linear equations and 2x2 systems written as equations, solved with sympy. */
import type { Builder } from '../builder';
import { type Ex, q, raw } from '../expr';
import { slot } from '../phrasing';
import type { Family } from './types';

const SOLVE = slot(
  'eq.solve',
  [
    'Solve {eq}',
    'Solve {eq} for x.',
    'Find x if {eq}.',
    'What is x if {eq}?',
    'Solve for x: {eq}',
    'If {eq}, what is x?',
    'Find the value of x: {eq}.',
    'Solve the equation {eq}.',
  ],
  ['What value of x makes {eq} true?', 'Given {eq}, find x.'],
);
const WORDS = slot(
  'eq.words',
  [
    '{A} times a number {pm} {b} is {c}. What is the number?',
    'If you multiply a number by {a} and {then} {b}, you get {c}. Find the number.',
    '{A} times a number {pm} {b} equals {c}. Find the number.',
    'A number is multiplied by {a}, then {b} is {moved}. The result is {c}. What is the number?',
    'When {a} times a number is {pm2} {b}, the result is {c}. What is the number?',
    'What number, multiplied by {a} and then {pm3} {b}, gives {c}?',
  ],
  ['The result of {a} times a number {pm} {b} is {c}. Find that number.'],
);
const SYSTEM = slot(
  'eq.system',
  [
    'Solve the system {e1} and {e2}. What is {v}?',
    'Solve {e1}, {e2}. What is {v}?',
    'If {e1} and {e2}, what is {v}?',
    'Find {v} when {e1} and {e2}.',
    'Given {e1} and {e2}, find {v}.',
    'Solve for x and y: {e1}, {e2}. What is {v}?',
    'What is {v} if {e1} and {e2}?',
  ],
  ['The equations {e1} and {e2} hold. What is {v}?', 'With {e1} and {e2}, what does {v} equal?'],
);
const SYSTEM_SUM = slot(
  'eq.system.sum',
  [
    'If {e1} and {e2}, what is x + y?',
    'Solve {e1} and {e2}. What is x + y?',
    'Given {e1} and {e2}, find x + y.',
    'Find x + y when {e1} and {e2}.',
    'What is x + y if {e1} and {e2}?',
    'Solve the system {e1}, {e2} and give x + y.',
  ],
  ['With {e1} and {e2}, what does x + y equal?'],
);

const IMPORT = 'from sympy import symbols, Eq, solve';
const NUMS = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];

/** `a*x + b` as people write it (`3x - 4`) and as Python (`3*x - 4`); terms in order, zeros left out. */
function side(terms: Array<[number, string]>): { text: string; code: string } {
  const t: string[] = [];
  const c: string[] = [];
  for (const [k, name] of terms) {
    if (k === 0) continue;
    const mag = Math.abs(k);
    const tx = name ? `${mag === 1 ? '' : mag}${name}` : String(mag);
    const cx = name ? `${mag === 1 ? '' : `${mag}*`}${name}` : String(mag);
    if (!t.length) {
      t.push(k < 0 ? `-${tx}` : tx);
      c.push(k < 0 ? `-${cx}` : cx);
    } else {
      t.push(k < 0 ? `- ${tx}` : `+ ${tx}`);
      c.push(k < 0 ? `- ${cx}` : `+ ${cx}`);
    }
  }
  return t.length ? { text: t.join(' '), code: c.join(' ') } : { text: '0', code: '0' };
}

const nz = (b: Builder, lo: number, hi: number) => {
  for (;;) {
    const v = b.rng.int(-hi, hi);
    if (Math.abs(v) >= lo) return v;
  }
};

/** The sympy steps: the unknown, the equation, its solution. */
function solveSteps(b: Builder, lhs: { code: string }, rhs: { code: string }, value: [number, number], what = 'the equation'): Ex {
  b.step('Let x be the unknown.', 'x', raw("symbols('x')", q(0)), IMPORT);
  b.step(`Write ${what} with sympy.`, 'equation', raw(`Eq(${lhs.code}, ${rhs.code})`, q(0)));
  return b.step('Solve the equation for x.', 'solution', raw('solve(equation, x)[0]', q(value[0], value[1])));
}

/** a x + b = c with a whole or fractional solution. */
function oneSide(b: Builder, wholeOnly: boolean) {
  for (;;) {
    const a = nz(b, 2, b.num(2, 12));
    const x = b.rng.int(-12, 15);
    const bb = nz(b, 1, 20);
    const c = wholeOnly || b.rng.chance(0.7) ? a * x + bb : a * x + bb + b.rng.int(1, Math.abs(a) - 1);
    return { a, bb, c };
  }
}

export const equations: Family = {
  name: 'equations',
  variants: [
    {
      id: 'linear',
      since: 3,
      wideNumbers: true,
      build(b) {
        const { a, bb, c } = oneSide(b, false);
        const lhs = side([
          [a, 'x'],
          [bb, ''],
        ]);
        const rhs = side([[c, '']]);
        b.ask(SOLVE, { eq: `${lhs.text} = ${rhs.text}` });
        return solveSteps(b, lhs, rhs, [c - bb, a]);
      },
    },
    {
      id: 'linear-both-sides',
      since: 3,
      wideNumbers: true,
      build(b) {
        let a: number;
        let c: number;
        do {
          a = nz(b, 1, b.num(2, 12));
          c = nz(b, 1, 12);
        } while (a === c);
        const x = b.rng.int(-10, 12);
        const bb = b.rng.int(-20, 20);
        const d = (a - c) * x + bb;
        const lhs = side([
          [a, 'x'],
          [bb, ''],
        ]);
        const rhs = side([
          [c, 'x'],
          [d, ''],
        ]);
        b.ask(SOLVE, { eq: `${lhs.text} = ${rhs.text}` });
        return solveSteps(b, lhs, rhs, [x, 1]);
      },
    },
    {
      id: 'linear-parentheses',
      since: 3,
      wideNumbers: true,
      build(b) {
        const a = b.rng.int(2, 9);
        const k = nz(b, 1, b.num(1, 12));
        const x = b.rng.int(-10, 15);
        const c = a * (x + k);
        const inner = side([
          [1, 'x'],
          [k, ''],
        ]);
        b.ask(SOLVE, { eq: `${a}(${inner.text}) = ${c}` });
        return solveSteps(b, { code: `${a}*(${inner.code})` }, { code: String(c) }, [x, 1]);
      },
    },
    {
      id: 'number-in-words',
      since: 3,
      build(b) {
        const a = b.rng.int(2, 12);
        const x = b.rng.int(1, 30);
        const bb = b.rng.int(1, 30);
        const plus = b.rng.chance(0.5) || a * x - bb <= 0;
        const c = plus ? a * x + bb : a * x - bb;
        const word = NUMS[a - 1]!;
        b.ask(WORDS, {
          a,
          A: word.charAt(0).toUpperCase() + word.slice(1),
          b: bb,
          c,
          pm: plus ? 'plus' : 'minus',
          then: plus ? 'add' : 'subtract',
          moved: plus ? 'added' : 'subtracted',
          pm2: plus ? 'increased by' : 'decreased by',
          pm3: plus ? 'increased by' : 'decreased by',
        });
        const lhs = side([
          [a, 'x'],
          [plus ? bb : -bb, ''],
        ]);
        return solveSteps(b, lhs, { code: String(c) }, [x, 1], `${a} times the number ${plus ? 'plus' : 'minus'} ${bb} = ${c}`);
      },
    },
    ...(['x', 'y'] as const).map((v) => ({
      id: `system-${v}`,
      since: 3,
      wideNumbers: true,
      build(b: Builder): Ex {
        const s = system(b);
        b.ask(SYSTEM, { e1: s.e1.text, e2: s.e2.text, v });
        const sol = systemSteps(b, s);
        return b.step(`Read ${v} from the solution.`, `${v}_value`, raw(`${sol.code}[${v}]`, q(v === 'x' ? s.x : s.y, 1)));
      },
    })),
    {
      id: 'system-sum',
      since: 3,
      ood: true,
      build(b) {
        const s = system(b);
        b.ask(SYSTEM_SUM, { e1: s.e1.text, e2: s.e2.text });
        const sol = systemSteps(b, s);
        return b.step('Add x and y from the solution.', 'total', raw(`${sol.code}[x] + ${sol.code}[y]`, q(s.x + s.y, 1)));
      },
    },
  ],
};

interface System {
  x: number;
  y: number;
  e1: { text: string; code: string; c: number };
  e2: { text: string; code: string; c: number };
}

function system(b: Builder): System {
  for (;;) {
    const [a1, b1, a2, b2] = [nz(b, 1, b.num(1, 6)), nz(b, 1, 6), nz(b, 1, 6), nz(b, 1, 6)];
    if (a1 * b2 - a2 * b1 === 0) continue;
    const x = b.rng.int(-6, 12);
    const y = b.rng.int(-6, 12);
    const l1 = side([
      [a1, 'x'],
      [b1, 'y'],
    ]);
    const l2 = side([
      [a2, 'x'],
      [b2, 'y'],
    ]);
    const c1 = a1 * x + b1 * y;
    const c2 = a2 * x + b2 * y;
    return { x, y, e1: { text: `${l1.text} = ${c1}`, code: l1.code, c: c1 }, e2: { text: `${l2.text} = ${c2}`, code: l2.code, c: c2 } };
  }
}

function systemSteps(b: Builder, s: System): Ex {
  b.step('Let x and y be the unknowns.', 'x, y', raw("symbols('x y')", q(0)), IMPORT);
  b.step('Write the first equation.', 'first', raw(`Eq(${s.e1.code}, ${s.e1.c})`, q(0)));
  b.step('Write the second equation.', 'second', raw(`Eq(${s.e2.code}, ${s.e2.c})`, q(0)));
  return b.step('Solve both equations together.', 'solution', raw('solve([first, second], [x, y])', q(0)));
}
