import { Builder } from '../builder';
import { frac, op, q, raw } from '../expr';
import { GAMES } from '../lexicon';
import { slot } from '../phrasing';
import type { Family } from './types';

const SCORES3 = slot(
  'avg.scores3',
  [
    '{name} scores {a}, {b} and {c} points in three {games}.',
    'In three {games}, {name} scores {a}, {b} and {c} points.',
    '{name} gets {a} points in the first {game}, {b} in the second and {c} in the third.',
  ],
  ['The points {name} scores in three {games} are {a}, {b} and {c}.'],
  [
    '{name} gets {a}, {b} and {c} points in three {games}.',
    'In the first three {games}, {name} scores {a}, {b} and {c} points.',
    '{name} scores {a} points in the first {game}, {b} in the second and {c} in the third.',
  ],
);
const FOURTH = slot(
  'avg.fourth',
  [
    'In the fourth {game} {pron} scores {d} points.',
    'Then {pron} scores {d} points in a fourth {game}.',
    '{Pron} gets {d} points in the fourth {game}.',
  ],
  ['{d} points are scored by {obj} in the fourth {game}.'],
  [
    '{Pron} scores {d} points in the fourth {game}.',
    'In the fourth {game}, {pron} gets {d} points.',
    'Then {pron} gets {d} points in the fourth {game}.',
  ],
);
const MEAN4 = slot(
  'avg.mean4',
  [
    'The average of four {games} of {name} is {m} points.',
    '{name} has an average of {m} points over four {games}.',
    'Over four {games}, {name} scores {m} points on average.',
  ],
  ['On average, {name} scores {m} points in four {games}.'],
  [
    'The average score of {name} over four {games} is {m} points.',
    '{name} has an average score of {m} points over four {games}.',
    'In four {games}, the average score of {name} is {m} points.',
  ],
);
const THREE_OF = slot(
  'avg.threeof',
  [
    'Three of the {games} give {a}, {b} and {c} points.',
    'In three of them {pron} scores {a}, {b} and {c} points.',
    'The first three {games} give {a}, {b} and {c} points.',
  ],
  ['{a}, {b} and {c} points are scored in three of them.'],
  ['{Pron} scores {a}, {b} and {c} points in the first three {games}.', 'In three of the {games}, {pron} gets {a}, {b} and {c} points.'],
);
const ASK_AVG = slot(
  'avg.ask.avg',
  ['What is the average score?', 'What is the average number of points per {game}?', 'How many points does {name} score on average?'],
  ['On average, how many points does {name} score per {game}?'],
  [
    'What is the average score per {game}?',
    'What is the average number of points {name} scores?',
    'How many points does {pron} score on average?',
  ],
);
const ASK_FOURTH = slot(
  'avg.ask.fourth',
  [
    'How many points does {pron} score in the fourth {game}?',
    'What is the score of the fourth {game}?',
    'How many points are scored in the last {game}?',
  ],
  ['In the fourth {game}, how many points does {pron} score?'],
  [
    'How many points does {name} score in the fourth {game}?',
    'What is the score of {name} in the last {game}?',
    'How many points does {pron} score in the last {game}?',
  ],
);
const ASK_TOTAL = slot(
  'avg.ask.total',
  ['How many points does {name} score in total?', 'What is the total number of points?', 'How many points is that {in total|altogether}?'],
  ['In total, how many points does {name} score?'],
  [
    'How many points does {pron} score {in total|altogether}?',
    'What is the total score of {name}?',
    'What is the total number of points {name} scores?',
  ],
);
/** Version 2 slots, in the words above: the mean of the first three games, questions about them. */
const MEAN3 = slot('avg.mean3', [
  'The average of the first three {games} of {name} is {m} points.',
  '{name} has an average of {m} points over the first three {games}.',
  'Over the first three {games}, {name} scores {m} points on average.',
]);
const ASK_AVG3 = slot('avg.ask.avg3', [
  'What is the average score of the first three {games}?',
  'How many points does {name} score on average in the first three {games}?',
  'What is the average number of points per {game} in the first three {games}?',
]);
const ASK_TOTAL3 = slot('avg.ask.total3', [
  'How many points does {name} score in the first three {games}?',
  'What is the total number of points in the first three {games}?',
  'How many points does {pron} score in the first three {games} {in total|altogether}?',
]);

/** Version 3: averages of plain lists, as people ask them in chat. */
const MEAN_LIST = slot(
  'avg.v3.mean',
  [
    'Find the average of {list}.',
    'What is the mean of {list}?',
    'Calculate the average of {list}.',
    'What is the average of {list}?',
    'Find the mean of the numbers {list}.',
    'What is the arithmetic mean of {list}?',
    'Average these numbers: {list}.',
  ],
  ['Give the mean of {list}.', 'The numbers are {list}. What is their average?'],
);
const MEDIAN_LIST = slot(
  'avg.v3.median',
  [
    'Find the median of {list}.',
    'What is the median of {list}?',
    'Calculate the median of {list}.',
    'What is the median of the numbers {list}?',
    'Find the middle value (median) of {list}.',
    'What is the median value of {list}?',
  ],
  ['Give the median of {list}.'],
);
const MISSING = slot(
  'avg.v3.missing',
  [
    'The average of {k} numbers is {m}. {Known} are {list}. What is the last number?',
    'The mean of {k} numbers is {m}. If {known} are {list}, what is the missing number?',
    '{k} numbers have an average of {m}. {Known} are {list}. Find the other number.',
    'The average of {k} numbers is {m}, and {known} are {list}. What is the remaining number?',
    'If the mean of {k} numbers is {m} and {known} are {list}, find the last one.',
    'The average of {k} test scores is {m}. {Known} are {list}. What is the last score?',
  ],
  ['{Known} of {k} numbers are {list}, and their mean is {m}. What is the last number?'],
);
const NEW_MEAN = slot('avg.v3.newmean', [
  'The average of {k} numbers is {m}. The number {x} is added. What is the new average?',
  '{k} numbers have a mean of {m}. If {x} is added to them, what is the new mean?',
  'The mean of {k} numbers is {m}. What is the mean after adding {x}?',
  'After adding {x} to {k} numbers whose average is {m}, what is the average?',
  'The average of {k} scores is {m}. A new score of {x} is added. Find the new average.',
  'If {k} numbers average {m} and one more number {x} joins them, what is the new average?',
]);

const listText = (xs: number[]) => `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
const wordOf = (n: number) => ['', 'one', 'two', 'three', 'four', 'five', 'six'][n] ?? String(n);

function g(b: Builder) {
  const game = b.rng.pick(GAMES);
  return { game, games: `${game}es`.replace(/([^h])es$/, '$1s') };
}

/** A fourth score d (1-40) that makes `known + d` a multiple of 4 (a whole average over four). */
function fourthFor(b: Builder, known: number) {
  const ds = Array.from({ length: 40 }, (_, i) => i + 1).filter((d) => (known + d) % 4 === 0);
  return b.rng.pick(ds);
}

/**
 * Version 2: the average of four games is m and the fourth game gave d points; the question asks
 * for the total (`avg: false`) or the average (`avg: true`) of the first three games.
 */
function firstThreeFromMean4(b: Builder, avg: boolean) {
  const p = b.person();
  const w = g(b);
  const s = b.rng.int(3, 120);
  const d = fourthFor(b, s);
  const m = (s + d) / 4;
  b.say(MEAN4, { ...Builder.pvars(p), ...w, m });
  b.say(FOURTH, { ...Builder.pvars(p), ...w, d });
  b.ask(avg ? ASK_AVG3 : ASK_TOTAL3, { ...Builder.pvars(p), ...w });
  const t = b.step(`The average of four ${w.games} is ${m}, so the total is ${m} times 4.`, 'total', op(m, '*', 4));
  const three = b.step(`Subtract the ${d} points of the fourth ${w.game} from the total.`, 'three', op(t, '-', d));
  if (!avg) return three;
  return b.step(`Divide the points of the first three ${w.games} by 3.`, 'average', frac(three, 3));
}

export const averages: Family = {
  name: 'averages',
  variants: [
    {
      id: 'mean-of-three',
      build(b) {
        const p = b.person();
        const w = g(b);
        const [x, y, z] = [b.rng.int(1, 40), b.rng.int(1, 40), b.rng.int(1, 40)];
        b.say(SCORES3, { ...Builder.pvars(p), ...w, a: x, b: y, c: z });
        b.ask(ASK_AVG, { ...Builder.pvars(p), ...w });
        const t = b.step(`Add the points ${x}, ${y} and ${z}.`, 'total', op(op(x, '+', y), '+', z));
        return b.step(`Divide the total by 3 ${w.games}.`, 'average', frac(t, 3));
      },
    },
    {
      id: 'mean-of-four',
      build(b) {
        const p = b.person();
        const w = g(b);
        const [x, y, z, d] = [b.rng.int(1, 40), b.rng.int(1, 40), b.rng.int(1, 40), b.rng.int(1, 40)];
        b.say(SCORES3, { ...Builder.pvars(p), ...w, a: x, b: y, c: z });
        b.say(FOURTH, { ...Builder.pvars(p), ...w, d });
        b.ask(ASK_AVG, { ...Builder.pvars(p), ...w });
        const t = b.step(`Add the points ${x}, ${y}, ${z} and ${d}.`, 'total', op(op(op(x, '+', y), '+', z), '+', d));
        return b.step(`Divide the total by 4 ${w.games}.`, 'average', frac(t, 4));
      },
    },
    {
      id: 'find-fourth',
      build(b) {
        const p = b.person();
        const w = g(b);
        const [x, y, z] = [b.rng.int(1, 40), b.rng.int(1, 40), b.rng.int(1, 40)];
        const m = Math.ceil((x + y + z) / 4) + b.rng.int(1, 10);
        b.say(MEAN4, { ...Builder.pvars(p), ...w, m });
        b.say(THREE_OF, { ...Builder.pvars(p), ...w, a: x, b: y, c: z });
        b.ask(ASK_FOURTH, { ...Builder.pvars(p), ...w });
        const t = b.step(`The average of four ${w.games} is ${m}, so the total is ${m} times 4.`, 'total', op(m, '*', 4));
        const k = b.step(`Add the known points ${x}, ${y} and ${z}.`, 'known', op(op(x, '+', y), '+', z));
        return b.step('Subtract the known points from the total.', 'fourth', op(t, '-', k));
      },
    },
    {
      id: 'total-of-four',
      build(b) {
        const p = b.person();
        const w = g(b);
        const [x, y, z, d] = [b.rng.int(1, 40), b.rng.int(1, 40), b.rng.int(1, 40), b.rng.int(1, 40)];
        b.say(SCORES3, { ...Builder.pvars(p), ...w, a: x, b: y, c: z });
        b.say(FOURTH, { ...Builder.pvars(p), ...w, d });
        b.ask(ASK_TOTAL, { ...Builder.pvars(p), ...w });
        const t = b.step(`Add the points ${x}, ${y} and ${z}.`, 'total', op(op(x, '+', y), '+', z));
        return b.step(`Add the ${d} points of the fourth ${w.game}.`, 'all', op(t, '+', d));
      },
    },
    {
      id: 'find-fourth-then-mean-of-three',
      ood: true,
      build(b) {
        const p = b.person();
        const w = g(b);
        const [x, y, z] = [b.rng.int(1, 40), b.rng.int(1, 40), b.rng.int(1, 40)];
        const d = b.rng.int(1, 40);
        b.say(SCORES3, { ...Builder.pvars(p), ...w, a: x, b: y, c: z });
        b.say(FOURTH, { ...Builder.pvars(p), ...w, d });
        b.ask(ASK_AVG, { ...Builder.pvars(p), ...w });
        const t = b.step(`Add the points ${x}, ${y} and ${z}.`, 'total', op(op(x, '+', y), '+', z));
        const all = b.step(`Add the ${d} points of the fourth ${w.game}.`, 'all', op(t, '+', d));
        return b.step(`Divide the total by 4 ${w.games}.`, 'average', frac(all, 4));
      },
    },
    // version 2: new compositions of the same pieces (none of them a held-out structure)
    { id: 'total-of-first-three', since: 2, build: (b) => firstThreeFromMean4(b, false) },
    { id: 'mean-of-first-three', since: 2, build: (b) => firstThreeFromMean4(b, true) },
    {
      id: 'total-from-mean-of-three',
      since: 2,
      build(b) {
        const p = b.person();
        const w = g(b);
        const [m, d] = [b.rng.int(5, 35), b.rng.int(1, 40)];
        b.say(MEAN3, { ...Builder.pvars(p), ...w, m });
        b.say(FOURTH, { ...Builder.pvars(p), ...w, d });
        b.ask(ASK_TOTAL, { ...Builder.pvars(p), ...w });
        const t = b.step(`The average of the first three ${w.games} is ${m}, so the total is ${m} times 3.`, 'total', op(m, '*', 3));
        return b.step(`Add the ${d} points of the fourth ${w.game}.`, 'all', op(t, '+', d));
      },
    },
    {
      id: 'find-fourth-from-two-means',
      since: 2,
      build(b) {
        const p = b.person();
        const w = g(b);
        const m3 = b.rng.int(5, 35);
        const d = fourthFor(b, 3 * m3);
        const m = (3 * m3 + d) / 4;
        b.say(MEAN3, { ...Builder.pvars(p), ...w, m: m3 });
        b.say(MEAN4, { ...Builder.pvars(p), ...w, m });
        b.ask(ASK_FOURTH, { ...Builder.pvars(p), ...w });
        const t = b.step(`The average of four ${w.games} is ${m}, so the total is ${m} times 4.`, 'total', op(m, '*', 4));
        const k = b.step(
          `The average of the first three ${w.games} is ${m3}, so the known points are ${m3} times 3.`,
          'known',
          op(m3, '*', 3),
        );
        return b.step('Subtract the known points from the total.', 'fourth', op(t, '-', k));
      },
    },
    {
      id: 'scores-then-find-fourth',
      since: 2,
      build(b) {
        const p = b.person();
        const w = g(b);
        const [x, y, z] = [b.rng.int(1, 40), b.rng.int(1, 40), b.rng.int(1, 40)];
        const m = Math.ceil((x + y + z) / 4) + b.rng.int(1, 10);
        b.say(SCORES3, { ...Builder.pvars(p), ...w, a: x, b: y, c: z });
        b.say(MEAN4, { ...Builder.pvars(p), ...w, m });
        b.ask(ASK_FOURTH, { ...Builder.pvars(p), ...w });
        const k = b.step(`Add the known points ${x}, ${y} and ${z}.`, 'known', op(op(x, '+', y), '+', z));
        const t = b.step(`The average of four ${w.games} is ${m}, so the total is ${m} times 4.`, 'total', op(m, '*', 4));
        return b.step('Subtract the known points from the total.', 'fourth', op(t, '-', k));
      },
    },
    // version 3: plain lists (the chat curriculum)
    {
      id: 'mean-of-list',
      since: 3,
      wideNumbers: true,
      build(b) {
        const xs = Array.from({ length: b.rng.int(3, 6) }, () => b.num(1, 50));
        b.ask(MEAN_LIST, { list: listText(xs) });
        const l = b.step(`Put the ${xs.length} numbers in a list.`, 'numbers', raw(`[${xs.join(', ')}]`, q(0)));
        const t = b.step('Add them up.', 'total', raw(`sum(${l.code})`, q(xs.reduce((a, c) => a + c, 0)), false));
        return b.step(
          `Divide the total by how many numbers there are (${xs.length}).`,
          'average',
          frac(t, raw(`len(${l.code})`, q(xs.length), false)),
        );
      },
    },
    {
      id: 'median-of-list',
      since: 3,
      wideNumbers: true,
      build(b) {
        const xs = Array.from({ length: b.rng.int(3, 7) }, () => b.num(1, 60));
        b.ask(MEDIAN_LIST, { list: listText(xs) });
        const s = [...xs].sort((a, c) => a - c);
        const n = s.length;
        const med = n % 2 ? q(s[(n - 1) / 2]!) : q(s[n / 2 - 1]! + s[n / 2]!, 2);
        const l = b.step('Sort the numbers.', 'ordered', raw(`sorted([${xs.join(', ')}])`, q(0)));
        if (n % 2)
          return b.step(`There are ${n} numbers: the median is the middle one.`, 'median', raw(`${l.code}[${(n - 1) / 2}]`, med, false));
        return b.step(
          `There are ${n} numbers: the median is the mean of the two middle ones.`,
          'median',
          raw(`Fraction(${l.code}[${n / 2 - 1}] + ${l.code}[${n / 2}], 2)`, med),
        );
      },
    },
    {
      id: 'missing-number',
      since: 3,
      wideNumbers: true,
      build(b) {
        const k = b.rng.int(3, 6);
        const m = b.num(5, 60);
        let known: number[];
        do known = Array.from({ length: k - 1 }, () => b.rng.int(1, 2 * m));
        while (k * m - known.reduce((a, c) => a + c, 0) < 0);
        b.ask(MISSING, { k, m, list: listText(known), known: `the first ${wordOf(k - 1)}`, Known: `The first ${wordOf(k - 1)}` });
        const t = b.step(`The average of ${k} numbers is ${m}, so the total is ${m} times ${k}.`, 'total', op(m, '*', k));
        const s = b.step('Add the known numbers.', 'known', raw(`sum([${known.join(', ')}])`, q(known.reduce((a, c) => a + c, 0)), false));
        return b.step('The last number is the total minus the known numbers.', 'last', op(t, '-', s));
      },
    },
    {
      id: 'mean-after-adding',
      since: 3,
      ood: true,
      build(b) {
        const k = b.rng.int(3, 9);
        const m = b.rng.int(5, 60);
        const x = b.rng.int(1, 100);
        b.ask(NEW_MEAN, { k, m, x });
        const t = b.step(`The ${k} numbers add up to ${m} times ${k}.`, 'total', op(m, '*', k));
        const t2 = b.step(`Add the new number ${x}.`, 'new_total', op(t, '+', x));
        return b.step(`Now there are ${k + 1} numbers: divide by ${k + 1}.`, 'average', frac(t2, k + 1));
      },
    },
  ],
};
