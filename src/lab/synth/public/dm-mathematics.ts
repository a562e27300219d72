/**
 * DeepMind mathematics_dataset samples (question + answer only, no solution). Only modules whose
 * answer follows mechanically from the question text are converted:
 *   algebra__linear_1d, algebra__linear_2d   "Solve ... for j."  -> sympy solve
 *   arithmetic__add_or_sub, add_sub_multiple, mul, div, mixed, mul_div_multiple
 *                                            "What is 3 - -5?", "Divide 10 by 4.", ... -> exact arithmetic
 *   numbers__gcd, numbers__lcm (incl. "common denominator of a/b and c/d"), numbers__div_remainder,
 *   numbers__is_prime (prime / composite), numbers__is_factor (factor / divide / multiple / even)
 * Everything else (the *_composed modules, bases, surds, roots, rounding, place value, comparison,
 * sorting, measurement, time, prime factors) is skipped.
 */
import { cleanNumber, type Conversion, type PublicProblem, type Step } from './format';
import { exactInline } from './mathqa';
import { pyExpr, systemSteps } from './sympy-steps';

export interface DmRecord {
  module: string;
  level: number;
  question: string;
  answer: string;
}

export const DM_MODULES = [
  'algebra__linear_1d',
  'algebra__linear_2d',
  'arithmetic__add_or_sub',
  'arithmetic__add_sub_multiple',
  'arithmetic__mul',
  'arithmetic__div',
  'arithmetic__mixed',
  'arithmetic__mul_div_multiple',
  'numbers__gcd',
  'numbers__lcm',
  'numbers__div_remainder',
  'numbers__is_prime',
  'numbers__is_factor',
];

export function dmProblem(r: DmRecord, index: number): PublicProblem {
  return { id: `dm-${r.module}-${r.level}-${index}`, source: 'dm_mathematics', question: r.question.trim(), answer: r.answer.trim() };
}

const N = String.raw`(-?\d+(?:\.\d+)?)`;
const INT = String.raw`(-?\d+)`;
const LEAD = /^(?:what is|what's|calculate|evaluate|work out|compute|determine|find|give)\s+(?:the value of\s+)?/i;

function one(comment: string, code: string, print = 'answer'): Conversion {
  return { ok: true, trajectory: { steps: [{ comment, code }], print } };
}

/** Two-operand phrasings -> an infix expression over the operands (as written). */
function phrased(body: string): { expr: string; comment: string } | null {
  const rules: Array<[RegExp, (a: string, b: string) => string, string]> = [
    [new RegExp(`^(?:the )?product of ${N} and ${N}$`, 'i'), (a, b) => `${a}*${b}`, 'Multiply the two numbers.'],
    [new RegExp(`^multiply ${N} (?:and|by) ${N}$`, 'i'), (a, b) => `${a}*${b}`, 'Multiply the two numbers.'],
    [new RegExp(`^${N} times ${N}$`, 'i'), (a, b) => `${a}*${b}`, 'Multiply the two numbers.'],
    [new RegExp(`^divide ${N} by ${N}$`, 'i'), (a, b) => `${a}/${b}`, 'Divide the first number by the second.'],
    [new RegExp(`^${N} divided by ${N}$`, 'i'), (a, b) => `${a}/${b}`, 'Divide the first number by the second.'],
    [
      new RegExp(`^(?:add|(?:the )?sum of|(?:the )?total of|put together|add together) ${N} and ${N}$`, 'i'),
      (a, b) => `${a}+${b}`,
      'Add the two numbers.',
    ],
    [new RegExp(`^${N} plus ${N}$`, 'i'), (a, b) => `${a}+${b}`, 'Add the two numbers.'],
    [new RegExp(`^${N} minus ${N}$`, 'i'), (a, b) => `${a}-(${b})`, 'Subtract the second number from the first.'],
    [
      new RegExp(`^(?:the )?difference between ${N} and ${N}$`, 'i'),
      (a, b) => `${a}-(${b})`,
      'The difference is the first number minus the second.',
    ],
    [
      new RegExp(`^(?:subtract|take away|take) ${N} from ${N}$`, 'i'),
      (a, b) => `${b}-(${a})`,
      'Subtract the first number from the second.',
    ],
    [new RegExp(`^${N} less than ${N}$`, 'i'), (a, b) => `${b}-(${a})`, 'Subtract the first number from the second.'],
    [new RegExp(`^${N} take away ${N}$`, 'i'), (a, b) => `${a}-(${b})`, 'Subtract the second number from the first.'],
  ];
  for (const [re, f, comment] of rules) {
    const m = re.exec(body);
    if (m) return { expr: f(m[1], m[2]), comment };
  }
  return null;
}

function arithmetic(q: string, answer: string): Conversion {
  const body = q
    .trim()
    .replace(LEAD, '')
    .replace(/[.?]\s*$/, '')
    .trim();
  const p = phrased(body);
  const src = p ? p.expr : body;
  if (!/^[\d.+\-*/() ]+$/.test(src)) return { ok: false, reason: 'question phrasing not recognised' };
  const e = exactInline(src);
  if (!e) return { ok: false, reason: 'expression does not parse' };
  const code = `${e.usesRational ? 'from sympy import Rational\n' : ''}answer = ${e.code}`;
  // A decimal gold answer prints as a decimal; otherwise exactly (integers, fractions).
  return one(p ? p.comment : 'Evaluate the expression exactly.', code, answer.includes('.') ? 'float(answer)' : 'answer');
}

function linear(q: string): Conversion {
  const m = /^Solve (.+) for ([a-z])\.?$/.exec(q.trim());
  if (!m) return { ok: false, reason: 'question phrasing not recognised' };
  const equations = [];
  const names = new Set<string>();
  for (const part of m[1].split(',')) {
    const sides = part.split('=');
    if (sides.length !== 2) return { ok: false, reason: 'not an equation' };
    const l = pyExpr(sides[0]);
    const r = pyExpr(sides[1]);
    if (!l || !r) return { ok: false, reason: 'equation does not parse' };
    [...l.names, ...r.names].forEach((n) => names.add(n));
    equations.push({ lhs: l.code, rhs: r.code, src: `${l.code} = ${r.code}` });
  }
  if (!names.has(m[2])) return { ok: false, reason: 'variable not in the equations' };
  const { steps, print } = systemSteps({ symbols: [...names].sort(), equations, targets: [`sol[${m[2]}]`] });
  return { ok: true, trajectory: { steps, print } };
}

function numbers(module: string, q: string): Conversion {
  const s = q.trim();
  let m: RegExpExecArray | null;
  if (module === 'numbers__gcd' && (m = new RegExp(`(?:greatest|highest) common (?:divisor|factor) of ${INT} and ${INT}`, 'i').exec(s)))
    return one('The greatest common divisor of the two numbers.', `from math import gcd\nanswer = gcd(${m[1]}, ${m[2]})`);
  if (module === 'numbers__lcm') {
    if ((m = new RegExp(`(?:lowest|least|smallest) common multiple of ${INT} and ${INT}`, 'i').exec(s)))
      return one('The least common multiple of the two numbers.', `from math import lcm\nanswer = lcm(${m[1]}, ${m[2]})`);
    if ((m = /common denominator of (-?\d+)\/(\d+) and (-?\d+)\/(\d+)/i.exec(s))) {
      const steps: Step[] = [
        {
          comment: 'Write both fractions in lowest terms.',
          code: `from sympy import Rational\nfrom math import lcm\na = Rational(${m[1]}, ${m[2]})\nb = Rational(${m[3]}, ${m[4]})`,
        },
        { comment: 'The common denominator is the least common multiple of the denominators.', code: 'answer = lcm(a.q, b.q)' },
      ];
      return { ok: true, trajectory: { steps, print: 'answer' } };
    }
  }
  if (module === 'numbers__div_remainder' && (m = new RegExp(`remainder when ${INT} is divided by ${INT}`, 'i').exec(s)))
    return one('The remainder of the division.', `answer = ${m[1]} % ${m[2]}`);
  if (module === 'numbers__is_prime' && (m = new RegExp(`^Is ${INT} (?:a )?(prime|composite)(?: number)?\\?$`, 'i').exec(s))) {
    const code = m[2].toLowerCase() === 'prime' ? `answer = isprime(${m[1]})` : `answer = ${m[1]} > 1 and not isprime(${m[1]})`;
    return one(`Check whether ${m[1]} is ${m[2].toLowerCase()}.`, `from sympy import isprime\n${code}`);
  }
  if (module === 'numbers__is_factor') {
    if (
      (m = new RegExp(`^Is ${INT} a factor of ${INT}\\?$`, 'i').exec(s)) ||
      (m = new RegExp(`^Does ${INT} divide ${INT}\\?$`, 'i').exec(s))
    )
      return one(`${m[1]} is a factor when it divides ${m[2]} with no remainder.`, `answer = ${m[2]} % ${m[1]} == 0`);
    if ((m = new RegExp(`^Is ${INT} a multiple of ${INT}\\?$`, 'i').exec(s)))
      return one(`${m[1]} is a multiple when ${m[2]} divides it with no remainder.`, `answer = ${m[1]} % ${m[2]} == 0`);
    if ((m = new RegExp(`^Is ${INT} even\\?$`, 'i').exec(s))) return one(`${m[1]} is even when 2 divides it.`, `answer = ${m[1]} % 2 == 0`);
  }
  return { ok: false, reason: 'question phrasing not recognised' };
}

export function convertDm(r: DmRecord): Conversion {
  if (!DM_MODULES.includes(r.module)) return { ok: false, reason: `module ${r.module} skipped` };
  if (r.module.startsWith('algebra__')) return linear(r.question);
  if (r.module.startsWith('arithmetic__')) return arithmetic(r.question, cleanNumber(r.answer));
  return numbers(r.module, r.question);
}
