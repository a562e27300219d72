/** Version 3: simple probability and counting. */
import type { Builder } from '../builder';
import { frac, num, op, q, raw } from '../expr';
import { COLORS, PEOPLE } from '../lexicon';
import { slot } from '../phrasing';
import type { Family } from './types';

const BAG = slot(
  'prob.bag',
  [
    'A bag has {r} {c1} marbles and {k} {c2} marbles.',
    'There are {r} {c1} balls and {k} {c2} balls in a box.',
    'A jar holds {r} {c1} candies and {k} {c2} candies.',
    'In a bag there are {r} {c1} and {k} {c2} marbles.',
  ],
  ['A box contains {r} {c1} balls and {k} {c2} balls.'],
);
const ASK_BAG = slot(
  'prob.ask.bag',
  [
    'One is picked at random. What is the probability it is {c1}?',
    'If one is drawn at random, what is the probability that it is {c1}?',
    'What is the probability of drawing a {c1} one?',
    'What is the chance of picking {c1}?',
    'Picking one without looking, what is the probability of {c1}?',
    'Find the probability that a random pick is {c1}.',
  ],
  ['What are the chances that one picked at random is {c1}?', 'The probability of a {c1} one is what?'],
);
const DIE = slot(
  'prob.die',
  [
    'What is the probability of rolling a number greater than {k} on a six-sided die?',
    'A fair die is rolled. What is the probability of getting more than {k}?',
    'Find the probability of rolling higher than {k} with one die.',
    'If you roll a die, what is the chance of a number above {k}?',
    'What is the probability that a die shows a number bigger than {k}?',
    'One die is rolled. Find the probability of a result greater than {k}.',
  ],
  ['Rolling one fair die, how likely is a number greater than {k}?'],
);
const COINS = slot(
  'prob.coins',
  [
    'What is the probability of getting exactly {k} heads when flipping {n} coins?',
    '{N} fair coins are tossed. What is the probability of exactly {k} heads?',
    'If you flip {n} coins, what is the probability of exactly {k} heads?',
    'Find the probability of exactly {k} heads in {n} coin flips.',
    'A coin is flipped {n} times. What is the probability of getting {k} heads exactly?',
    'What is the chance of exactly {k} heads in {n} tosses of a fair coin?',
  ],
  ['Tossing a fair coin {n} times, how likely are exactly {k} heads?'],
);
const CHOOSE = slot(
  'prob.choose',
  [
    'How many ways can you choose {k} people from {n}?',
    'In how many ways can a team of {k} be chosen from {n} people?',
    'How many different groups of {k} can be made from {n} students?',
    'Calculate {n} choose {k}.',
    'How many ways are there to pick {k} of {n} books?',
    'Find the number of ways to choose {k} items out of {n}.',
  ],
  ['From {n} people, how many different teams of {k} are possible?', 'What is the number of {k}-person groups from {n} people?'],
);
const ARRANGE = slot(
  'prob.arrange',
  [
    'In how many ways can {n} books be arranged on a shelf?',
    'How many ways can {n} people stand in a line?',
    'How many different orders are there for {n} runners?',
    'In how many ways can {n} students sit in {n} chairs?',
    'How many ways can you arrange {n} different letters?',
    'Find the number of ways to line up {n} people.',
  ],
  ['{N} people stand in a row. How many orders are possible?'],
);
const PODIUM = slot(
  'prob.podium',
  [
    'In how many ways can {n} runners finish first, second and third?',
    'How many ways can {k} of {n} people be arranged in a row?',
    'How many ways can a president, a secretary and a treasurer be picked from {n} people?',
    'In how many ways can gold, silver and bronze go to {n} players?',
    'How many ordered lists of {k} can be made from {n} names?',
    'Find the number of ways to give first, second and third place to {n} teams.',
  ],
  ['With {n} teams, how many ways can the top three places be filled?'],
);
const OUTFITS = slot(
  'prob.outfits',
  [
    '{name} has {a} shirts and {c} pairs of pants. How many different outfits can {pron} make?',
    'A menu has {a} main dishes and {c} desserts. How many different meals of one main and one dessert are there?',
    'How many outfits can be made from {a} shirts and {c} hats?',
    'There are {a} roads from A to B and {c} roads from B to C. How many ways are there to go from A to C?',
    'A password is one of {a} letters followed by one of {c} digits. How many passwords are there?',
    'How many pairs can be made by picking one of {a} cards and one of {c} coins?',
  ],
  ['With {a} shirts and {c} pants, how many outfits are possible?'],
);
const TWO_DICE = slot('prob.twodice', [
  'Two dice are rolled. What is the probability that the sum is {s}?',
  'What is the probability of rolling a sum of {s} with two dice?',
  'If you roll two dice, what is the chance that they add up to {s}?',
  'Find the probability that two dice show a total of {s}.',
  'Two fair dice are thrown. What is the probability of a total of {s}?',
  'What is the probability that the sum of two dice is {s}?',
]);

const choose = (n: number, k: number) => {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
};
const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
const word = (n: number) => ['', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten'][n] ?? String(n);

export const probability: Family = {
  name: 'probability',
  variants: [
    {
      id: 'bag-draw',
      since: 3,
      wideNumbers: true,
      build(b: Builder) {
        const [c1, c2] = b.rng.shuffle(COLORS);
        const r = b.num(1, 15);
        const k = b.num(1, 15);
        b.say(BAG, { r, k, c1: c1!, c2: c2! });
        b.ask(ASK_BAG, { c1: c1! });
        const total = b.step(`There are ${r} + ${k} in all.`, 'total', op(r, '+', k));
        return b.step(`${r} of them are ${c1}: divide by the total.`, 'probability', frac(r, total));
      },
    },
    {
      id: 'die-greater',
      since: 3,
      build(b) {
        const k = b.rng.int(1, 5);
        b.ask(DIE, { k });
        const good = b.step(`The numbers greater than ${k} are ${k + 1} to 6.`, 'good', op(6, '-', k));
        return b.step('A die has 6 equally likely faces.', 'probability', frac(good, 6));
      },
    },
    {
      id: 'coin-heads',
      since: 3,
      build(b) {
        const n = b.rng.int(2, 8);
        const k = b.rng.int(0, n);
        b.ask(COINS, { n, k, N: word(n) });
        const ways = b.step(
          `Choose which ${k} of the ${n} flips are heads.`,
          'ways',
          raw(`comb(${n}, ${k})`, q(choose(n, k)), false),
          'from math import comb',
        );
        const all = b.step(`There are 2^${n} equally likely outcomes.`, 'outcomes', raw(`2 ** ${n}`, q(2 ** n), false));
        return b.step('Divide the favourable outcomes by all outcomes.', 'probability', frac(ways, all));
      },
    },
    {
      id: 'choose',
      since: 3,
      wideNumbers: true,
      build(b) {
        const n = b.num(4, 12);
        const k = b.rng.int(2, Math.min(5, n - 1));
        b.ask(CHOOSE, { n, k });
        const size = b.step(`There are ${n} to choose from.`, 'n', num(n));
        return b.step(
          `The order does not matter, so count combinations of ${k}.`,
          'ways',
          raw(`comb(${size.code}, ${k})`, q(choose(n, k)), false),
          'from math import comb',
        );
      },
    },
    {
      id: 'arrange-all',
      since: 3,
      build(b) {
        const n = b.rng.int(3, 8);
        b.ask(ARRANGE, { n, N: word(n) });
        const size = b.step(`There are ${n} to put in order.`, 'n', num(n));
        return b.step(
          `The number of orders is ${n} factorial.`,
          'ways',
          raw(`factorial(${size.code})`, q(fact(n)), false),
          'from math import factorial',
        );
      },
    },
    {
      id: 'podium',
      since: 3,
      wideNumbers: true,
      build(b) {
        const n = b.num(4, 12);
        b.ask(PODIUM, { n, k: 3 });
        const size = b.step(`There are ${n} to choose from.`, 'n', num(n));
        return b.step(
          'The order matters: count ordered choices of 3.',
          'ways',
          raw(`perm(${size.code}, 3)`, q(n * (n - 1) * (n - 2)), false),
          'from math import perm',
        );
      },
    },
    {
      id: 'outfits',
      since: 3,
      wideNumbers: true,
      build(b) {
        const p = b.rng.pick(PEOPLE);
        const a = b.num(2, 12);
        const c = b.num(2, 12);
        b.ask(OUTFITS, { a, c, name: p.name, pron: p.pron });
        const first = b.step(`There are ${a} choices for the first part.`, 'first', num(a));
        return b.step(`Each goes with any of the ${c} choices for the second part: multiply.`, 'ways', op(first, '*', c));
      },
    },
    {
      id: 'two-dice-sum',
      since: 3,
      ood: true,
      build(b) {
        const s = b.rng.int(2, 12);
        b.ask(TWO_DICE, { s });
        const good = b.step(
          `Count the pairs of faces that add up to ${s}.`,
          'good',
          raw(`sum(1 for a in range(1, 7) for c in range(1, 7) if a + c == ${s})`, q(6 - Math.abs(s - 7)), false),
        );
        return b.step('Two dice have 36 equally likely outcomes.', 'probability', frac(good, 36));
      },
    },
  ],
};
