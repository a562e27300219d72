/** Version 3: gcd / lcm / primes / divisibility, in the bare forms people type. */
import type { Builder } from '../builder';
import { num, op, q, raw } from '../expr';
import { slot } from '../phrasing';
import type { Family } from './types';

const GCD = slot(
  'nt.gcd',
  [
    'Find the gcd of {a} and {b}.',
    'What is the greatest common divisor of {a} and {b}?',
    'What is the GCD of {a} and {b}?',
    'Find the greatest common factor of {a} and {b}.',
    'What is the highest common factor of {a} and {b}?',
    'Calculate gcd({a}, {b}).',
    'What is the largest number that divides both {a} and {b}?',
  ],
  ['Give the greatest common divisor of {a} and {b}.', 'Of {a} and {b}, what is the gcd?'],
);
const LCM = slot(
  'nt.lcm',
  [
    'Find the lcm of {a} and {b}.',
    'What is the least common multiple of {a} and {b}?',
    'What is the LCM of {a} and {b}?',
    'Find the lowest common multiple of {a} and {b}.',
    'Calculate lcm({a}, {b}).',
    'What is the smallest number that is a multiple of both {a} and {b}?',
  ],
  ['Give the least common multiple of {a} and {b}.', 'Of {a} and {b}, what is the lcm?'],
);
const LCM3 = slot('nt.lcm3', [
  'Find the lcm of {a}, {b} and {c}.',
  'What is the least common multiple of {a}, {b} and {c}?',
  'What is the LCM of {a}, {b} and {c}?',
  'Calculate lcm({a}, {b}, {c}).',
  'Find the smallest number divisible by {a}, {b} and {c}.',
  'What is the lowest common multiple of {a}, {b} and {c}?',
]);
const COUNT_PRIMES = slot(
  'nt.countprimes',
  [
    'How many prime numbers are there between {lo} and {hi}?',
    'How many primes are between {lo} and {hi}?',
    'Count the prime numbers between {lo} and {hi}.',
    'How many numbers between {lo} and {hi} are prime?',
    'Find how many primes lie between {lo} and {hi}.',
    'What is the number of primes between {lo} and {hi}?',
  ],
  ['Between {lo} and {hi}, how many prime numbers are there?'],
);
const NEXT_PRIME = slot(
  'nt.nextprime',
  [
    'What is the smallest prime greater than {n}?',
    'Find the next prime after {n}.',
    'What is the first prime number after {n}?',
    'What is the next prime number after {n}?',
    'Find the smallest prime number bigger than {n}.',
    'Which prime comes right after {n}?',
  ],
  ['After {n}, what is the next prime?'],
);
const LARGEST_FACTOR = slot(
  'nt.bigfactor',
  [
    'What is the largest prime factor of {n}?',
    'Find the largest prime factor of {n}.',
    'What is the biggest prime that divides {n}?',
    'Find the greatest prime factor of {n}.',
    'Which is the largest prime factor of {n}?',
    'Calculate the largest prime factor of {n}.',
  ],
  ['Of the prime factors of {n}, which is largest?'],
);
const COUNT_DIV = slot(
  'nt.countdiv',
  [
    'How many numbers from 1 to {n} are divisible by {k}?',
    'How many multiples of {k} are there from 1 to {n}?',
    'How many whole numbers from 1 to {n} can be divided by {k}?',
    'Count the multiples of {k} between 1 and {n}.',
    'How many of the numbers 1 to {n} are multiples of {k}?',
    'Find how many numbers from 1 to {n} are divisible by {k}.',
  ],
  ['From 1 to {n}, how many numbers are divisible by {k}?', 'Between 1 and {n}, how many multiples of {k} are there?'],
);
const DIVISORS = slot(
  'nt.divisors',
  [
    'How many divisors does {n} have?',
    'How many factors does {n} have?',
    'Find the number of divisors of {n}.',
    'How many positive divisors does {n} have?',
    'Count the factors of {n}.',
    'What is the number of factors of {n}?',
  ],
  ['The number {n} has how many divisors?'],
);
const REMAINDER = slot(
  'nt.remainder',
  [
    'What is the remainder when {n} is divided by {k}?',
    'Find the remainder of {n} divided by {k}.',
    'What is {n} mod {k}?',
    'What is left over when {n} is divided by {k}?',
    'Calculate {n} modulo {k}.',
    'What remainder do you get dividing {n} by {k}?',
  ],
  ['When {n} is divided by {k}, what is the remainder?', 'Dividing {n} by {k} leaves what remainder?'],
);

function numbers(b: Builder, names: string[], values: number[]) {
  const code = names.map((n, i) => `${n} = ${values[i]}`).join('\n');
  const last = names.pop()!;
  // all but the last number go in the extra code of one step
  return b.step(
    `The numbers are ${values.join(', ')}.`,
    last,
    num(values[values.length - 1]!),
    code.split('\n').slice(0, -1).join('\n') || undefined,
  );
}

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
const isPrime = (n: number) => {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
};

/** Two numbers with a common factor bigger than 1. */
function pair(b: Builder) {
  const g = b.rng.pick([2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 15]);
  for (;;) {
    const x = g * b.num(1, 12);
    const y = g * b.num(1, 12);
    if (x !== y) return [x, y] as const;
  }
}

export const numbertheory: Family = {
  name: 'numbertheory',
  variants: [
    {
      id: 'gcd',
      since: 3,
      wideNumbers: true,
      build(b) {
        const [x, y] = pair(b);
        b.ask(GCD, { a: x, b: y });
        numbers(b, ['a', 'b'], [x, y]);
        return b.step(`Use math.gcd on ${x} and ${y}.`, 'g', raw('math.gcd(a, b)', q(gcd(x, y)), false), 'import math');
      },
    },
    {
      id: 'lcm',
      since: 3,
      wideNumbers: true,
      build(b) {
        const [x, y] = pair(b);
        b.ask(LCM, { a: x, b: y });
        numbers(b, ['a', 'b'], [x, y]);
        return b.step(`Use math.lcm on ${x} and ${y}.`, 'm', raw('math.lcm(a, b)', q((x * y) / gcd(x, y)), false), 'import math');
      },
    },
    {
      id: 'lcm-of-three',
      since: 3,
      ood: true,
      build(b) {
        const [x, y, z] = [b.rng.int(2, 15), b.rng.int(2, 15), b.rng.int(2, 15)];
        b.ask(LCM3, { a: x, b: y, c: z });
        numbers(b, ['a', 'b', 'c'], [x, y, z]);
        const l = (u: number, v: number) => (u * v) / gcd(u, v);
        return b.step('Use math.lcm on all three numbers.', 'm', raw('math.lcm(a, b, c)', q(l(l(x, y), z)), false), 'import math');
      },
    },
    {
      id: 'count-primes',
      since: 3,
      wideNumbers: true,
      build(b) {
        const lo = b.num(1, 60);
        const hi = lo + b.rng.int(10, 50);
        b.ask(COUNT_PRIMES, { lo, hi });
        let count = 0;
        for (let n = lo + 1; n < hi; n++) if (isPrime(n)) count++;
        const ps = b.step(
          `List the primes strictly between ${lo} and ${hi} with sympy.`,
          'primes',
          raw(`list(primerange(${lo + 1}, ${hi}))`, q(0)),
          'from sympy import primerange',
        );
        return b.step('Count them.', 'count', raw(`len(${ps.code})`, q(count), false));
      },
    },
    {
      id: 'next-prime',
      since: 3,
      wideNumbers: true,
      build(b) {
        const n = b.num(2, 200);
        b.ask(NEXT_PRIME, { n });
        let p = n + 1;
        while (!isPrime(p)) p++;
        const start = b.step(`Start from ${n}.`, 'n', num(n));
        return b.step(
          `sympy's nextprime gives the smallest prime greater than ${n}.`,
          'p',
          raw(`nextprime(${start.code})`, q(p), false),
          'from sympy import nextprime',
        );
      },
    },
    {
      id: 'largest-prime-factor',
      since: 3,
      wideNumbers: true,
      build(b) {
        const n = b.num(6, 300);
        b.ask(LARGEST_FACTOR, { n });
        let m = n;
        let big = 1;
        for (let d = 2; m > 1; d++) while (m % d === 0) [m, big] = [m / d, d];
        const fs = b.step(
          `Find the prime factors of ${n} with sympy.`,
          'factors',
          raw(`primefactors(${n})`, q(0)),
          'from sympy import primefactors',
        );
        return b.step('Take the largest one.', 'largest', raw(`max(${fs.code})`, q(big), false));
      },
    },
    {
      id: 'count-multiples',
      since: 3,
      wideNumbers: true,
      build(b) {
        const n = b.num(20, 500);
        const k = b.rng.int(2, 15);
        b.ask(COUNT_DIV, { n, k });
        const last = b.step(`The last number is ${n}.`, 'n', num(n));
        return b.step(`Every ${k}th number is a multiple of ${k}: divide ${n} by ${k} and drop the remainder.`, 'count', op(last, '//', k));
      },
    },
    {
      id: 'count-divisors',
      since: 3,
      wideNumbers: true,
      build(b) {
        const n = b.num(6, 200);
        b.ask(DIVISORS, { n });
        let c = 0;
        for (let d = 1; d <= n; d++) if (n % d === 0) c++;
        const ds = b.step(`List the divisors of ${n} with sympy.`, 'divs', raw(`divisors(${n})`, q(0)), 'from sympy import divisors');
        return b.step('Count them.', 'count', raw(`len(${ds.code})`, q(c), false));
      },
    },
    {
      id: 'remainder',
      since: 3,
      wideNumbers: true,
      build(b) {
        const n = b.num(20, 900);
        const k = b.rng.int(3, 19);
        b.ask(REMAINDER, { n, k });
        const x = b.step(`The number is ${n}.`, 'n', num(n));
        return b.step(`Take the remainder of ${n} divided by ${k}.`, 'r', op(x, '%', k));
      },
    },
  ],
};
