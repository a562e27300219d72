/** Version 3: percent of / percent off / percent change, mostly as people type them in chat. */
import type { Builder } from '../builder';
import { frac, op } from '../expr';
import { GOODS } from '../lexicon';
import { slot } from '../phrasing';
import type { Family } from './types';

const OF = slot(
  'pct.of',
  [
    'What is {p}% of {n}?',
    'Find {p}% of {n}.',
    'Calculate {p}% of {n}.',
    'How much is {p} percent of {n}?',
    'What is {p} percent of {n}?',
    'Work out {p}% of {n}.',
    '{p}% of {n} is what?',
  ],
  ['Compute {p} percent of {n}.', 'What number is {p}% of {n}?'],
);
const PRICE = slot(
  'pct.price',
  ['A {item} costs ${n}.', 'The price of a {item} is ${n}.', 'A {item} is priced at ${n}.', 'A {item} sells for ${n}.'],
  ['The {item} has a price of ${n}.'],
);
const OFF = slot(
  'pct.off',
  ['It is {p}% off.', 'The store takes {p}% off.', 'There is a {p}% discount.', 'It is on sale for {p}% off.'],
  ['Today it has {p} percent off.'],
);
const ASK_SALE = slot(
  'pct.ask.sale',
  [
    'What is the sale price?',
    'How much does it cost after the discount?',
    'What is the price after the discount?',
    'How much do you pay for it?',
    'What does it cost now?',
    'What is the new price?',
  ],
  ['After the discount, what is the price?', 'How much is it on sale?'],
);
const SALE_BARE = slot(
  'pct.sale.bare',
  [
    'What is the sale price of a ${n} {item} at {p}% off?',
    'Find the price of a ${n} {item} after a {p}% discount.',
    'A ${n} {item} is {p}% off. What is the sale price?',
    'How much is a ${n} {item} after {p}% off?',
    'What do you pay for a ${n} {item} with a {p}% discount?',
    'Calculate the price of a ${n} {item} with {p}% off.',
  ],
  ['A {item} costs ${n} and is {p}% off. How much is it now?', 'What is ${n} minus {p}% off?'],
);
const SAVE_BARE = slot(
  'pct.save.bare',
  [
    'How much do you save on a ${n} {item} at {p}% off?',
    'A ${n} {item} is {p}% off. How much is the discount?',
    'What is the discount on a ${n} {item} at {p}% off?',
    'Find the amount saved when a ${n} {item} is {p}% off.',
    'How many dollars is {p}% off a ${n} {item}?',
    'Calculate the discount on a ${n} {item} at {p}% off.',
  ],
  ['A {item} costs ${n}. With {p}% off, how much money is saved?'],
);
const CHANGE = slot(
  'pct.change',
  [
    'What is the percent change from {a} to {c}?',
    'Find the percent change from {a} to {c}.',
    'A price goes from ${a} to ${c}. What is the percent change?',
    'By what percent does {a} change when it becomes {c}?',
    'Calculate the percentage change from {a} to {c}.',
    'A value changes from {a} to {c}. What is the percent change?',
  ],
  ['What percent change takes {a} to {c}?', 'If {a} becomes {c}, what is the percentage change?'],
);
const INCREASE = slot(
  'pct.increase',
  [
    'Increase {n} by {p}%.',
    'What is {n} increased by {p}%?',
    'What do you get when {n} goes up by {p}%?',
    'Find {n} plus {p}%.',
    'A price of ${n} rises by {p}%. What is the new price?',
    'Calculate {n} after a {p}% increase.',
  ],
  ['If {n} grows by {p} percent, what is the result?', 'What is the result of a {p}% increase on {n}?'],
);
const WHAT_PCT = slot(
  'pct.what',
  [
    'What percent of {n} is {m}?',
    '{m} is what percent of {n}?',
    'What percentage of {n} is {m}?',
    'Find what percent {m} is of {n}.',
    'Express {m} as a percent of {n}.',
    'What percent is {m} out of {n}?',
  ],
  ['{m} out of {n} is what percentage?', 'As a percent of {n}, what is {m}?'],
);
const REVERSE = slot(
  'pct.reverse',
  [
    '{p}% of a number is {m}. What is the number?',
    'If {p}% of a number is {m}, what is the number?',
    'Find the number whose {p}% is {m}.',
    '{m} is {p}% of what number?',
    'What number has {m} as {p}% of it?',
    '{p} percent of some number is {m}. Find the number.',
  ],
  ['The number that {m} is {p}% of is what?'],
);

/** A whole percent p and base n with p% of n a whole number. */
function whole(b: Builder, lo = 10, hi = 400): { p: number; n: number } {
  for (;;) {
    const p = b.rng.pick([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 60, 75, 80, 12, 8, 2]);
    const n = b.num(lo, hi);
    if ((p * n) % 100 === 0) return { p, n };
  }
}

function saleParts(b: Builder) {
  const { p, n } = whole(b, 8, 200);
  const rate = b.step(`${p}% is ${p}/100.`, 'rate', frac(p, 100));
  const off = b.step(`The discount is ${p}% of $${n}.`, 'discount', op(rate, '*', n));
  return { p, n, off };
}

export const percent: Family = {
  name: 'percent',
  variants: [
    {
      id: 'percent-of',
      since: 3,
      wideNumbers: true,
      build(b) {
        const { p, n } = whole(b);
        b.ask(OF, { p, n });
        const rate = b.step(`${p}% means ${p} out of 100.`, 'rate', frac(p, 100));
        return b.step(`Multiply ${n} by the rate.`, 'part', op(rate, '*', n));
      },
    },
    {
      id: 'sale-price-story',
      since: 3,
      wideNumbers: true,
      build(b) {
        const item = b.rng.pick(GOODS).one;
        const { p, n } = whole(b, 8, 200);
        b.say(PRICE, { item, n });
        b.say(OFF, { p });
        b.ask(ASK_SALE, {});
        const rate = b.step(`${p}% is ${p}/100.`, 'rate', frac(p, 100));
        const off = b.step(`The discount is ${p}% of $${n}.`, 'discount', op(rate, '*', n));
        return b.step('Subtract the discount from the price.', 'price', op(n, '-', off));
      },
    },
    {
      id: 'sale-price',
      since: 3,
      wideNumbers: true,
      build(b) {
        const item = b.rng.pick(GOODS).one;
        const { p, n, off } = saleParts(b);
        b.ask(SALE_BARE, { item, n, p });
        return b.step('Subtract the discount from the price.', 'price', op(n, '-', off));
      },
    },
    {
      id: 'discount-amount',
      since: 3,
      wideNumbers: true,
      build(b) {
        const item = b.rng.pick(GOODS).one;
        const { p, n } = whole(b, 8, 200);
        b.ask(SAVE_BARE, { item, n, p });
        const rate = b.step(`${p}% is ${p}/100.`, 'rate', frac(p, 100));
        return b.step(`The discount is ${p}% of $${n}.`, 'discount', op(rate, '*', n));
      },
    },
    {
      id: 'percent-change',
      since: 3,
      wideNumbers: true,
      build(b) {
        let a: number;
        let c: number;
        do {
          a = b.num(10, 200);
          c = b.num(5, 300);
        } while (a === c || ((c - a) * 100) % a !== 0);
        b.ask(CHANGE, { a, c });
        const change = b.step(`The change is ${c} - ${a}.`, 'change', op(c, '-', a));
        const ratio = b.step(`Divide the change by the starting value ${a}.`, 'ratio', frac(change, a));
        return b.step('Multiply by 100 to get a percent (negative means a decrease).', 'percent', op(ratio, '*', 100));
      },
    },
    {
      id: 'percent-increase',
      since: 3,
      wideNumbers: true,
      build(b) {
        const { p, n } = whole(b);
        b.ask(INCREASE, { p, n });
        const rate = b.step(`${p}% is ${p}/100.`, 'rate', frac(p, 100));
        const up = b.step(`The increase is ${p}% of ${n}.`, 'increase', op(rate, '*', n));
        return b.step('Add the increase to the starting value.', 'result', op(n, '+', up));
      },
    },
    {
      id: 'what-percent',
      since: 3,
      wideNumbers: true,
      build(b) {
        let n: number;
        let m: number;
        do {
          n = b.num(4, 200);
          m = b.rng.int(1, n);
        } while ((m * 100) % n !== 0);
        b.ask(WHAT_PCT, { n, m });
        const part = b.step(`The part is ${m} out of ${n}.`, 'part', frac(m, n));
        return b.step('Multiply by 100 to get a percent.', 'percent', op(part, '*', 100));
      },
    },
    {
      id: 'reverse-percent',
      since: 3,
      ood: true,
      build(b) {
        const { p, n } = whole(b);
        const m = (p * n) / 100;
        b.ask(REVERSE, { p, m });
        const rate = b.step(`${p}% is ${p}/100.`, 'rate', frac(p, 100));
        return b.step(`The number times the rate is ${m}, so divide ${m} by the rate.`, 'number', op(m, '*', frac(100, p)));
      },
    },
  ],
};
