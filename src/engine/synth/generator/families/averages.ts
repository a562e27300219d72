import { Builder } from '../builder';
import { frac, op } from '../expr';
import { GAMES } from '../lexicon';
import { slot } from '../phrasing';
import type { Family } from './types';

const SCORES3 = slot('avg.scores3', [
  '{name} scores {a}, {b} and {c} points in three {games}.',
  'In three {games}, {name} scores {a}, {b} and {c} points.',
  '{name} gets {a} points in the first {game}, {b} in the second and {c} in the third.',
], ['The points {name} scores in three {games} are {a}, {b} and {c}.']);
const FOURTH = slot('avg.fourth', ['In the fourth {game} {pron} scores {d} points.', 'Then {pron} scores {d} points in a fourth {game}.', '{Pron} gets {d} points in the fourth {game}.'], [
  '{d} points are scored by {obj} in the fourth {game}.',
]);
const MEAN4 = slot('avg.mean4', ['The average of four {games} of {name} is {m} points.', '{name} has an average of {m} points over four {games}.', 'Over four {games}, {name} scores {m} points on average.'], [
  'On average, {name} scores {m} points in four {games}.',
]);
const THREE_OF = slot('avg.threeof', ['Three of the {games} give {a}, {b} and {c} points.', 'In three of them {pron} scores {a}, {b} and {c} points.', 'The first three {games} give {a}, {b} and {c} points.'], [
  '{a}, {b} and {c} points are scored in three of them.',
]);
const ASK_AVG = slot('avg.ask.avg', ['What is the average score?', 'What is the average number of points per {game}?', 'How many points does {name} score on average?'], [
  'On average, how many points does {name} score per {game}?',
]);
const ASK_FOURTH = slot('avg.ask.fourth', ['How many points does {pron} score in the fourth {game}?', 'What is the score of the fourth {game}?', 'How many points are scored in the last {game}?'], [
  'In the fourth {game}, how many points does {pron} score?',
]);
const ASK_TOTAL = slot('avg.ask.total', ['How many points does {name} score in total?', 'What is the total number of points?', 'How many points is that {in total|altogether}?'], [
  'In total, how many points does {name} score?',
]);

function g(b: Builder) {
  const game = b.rng.pick(GAMES);
  return { game, games: `${game}es`.replace(/([^h])es$/, '$1s') };
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
  ],
};
