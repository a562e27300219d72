import { Builder } from '../builder';
import { frac, op } from '../expr';
import { GROUPS, MEMBERS } from '../lexicon';
import { slot } from '../phrasing';
import type { Family } from './types';

const RATIO = slot('ratio.ratio', [
  'The ratio of {A} to {B} in the {group} is {p} to {q}.',
  'In the {group}, the ratio of {A} to {B} is {p}:{q}.',
  'In a {group}, there are {p} {A} for every {q} {B}.',
  'For every {p} {A} in the {group} there are {q} {B}.',
], ['In the {group}, {A} and {B} are in the ratio {p} to {q}.']);
const COUNT_A = slot('ratio.counta', ['There are {n} {A}.', 'The {group} has {n} {A}.', 'There are {n} {A} in the {group}.'], ['{n} {A} are in the {group}.']);
const ASK_B = slot('ratio.ask.b', ['How many {B} are there?', 'How many {B} are in the {group}?', 'Find the number of {B}.'], ['What is the number of {B} in the {group}?']);
const ASK_ALL = slot('ratio.ask.all', ['How many {A} and {B} are there {in total|altogether}?', 'How many are in the {group} {in total|altogether}?', 'What is the total number of {A} and {B}?'], [
  'In total, how many {A} and {B} are in the {group}?',
]);
const ASK_DIFF = slot('ratio.ask.diff', ['How many more {B} than {A} are there?', 'How many more {B} are there than {A}?'], ['The {B} are how many more than the {A}?']);
const SHARE = slot('ratio.share', [
  '{name} and {name2} share {T} dollars in the ratio {p} to {q}.',
  '{name} and {name2} split {T} dollars in the ratio {p}:{q}.',
  '{T} dollars are shared by {name} and {name2} in the ratio {p} to {q}.',
], ['In the ratio {p} to {q}, {name} and {name2} share {T} dollars.']);
const ASK_SHARE = slot('ratio.ask.share', ['How many dollars does {name2} get?', 'How much money does {name2} get?', 'What is the share of {name2} in dollars?'], [
  'In dollars, how much does {name2} get?',
]);

function pick(b: Builder) {
  const [A, B] = b.rng.pick(MEMBERS);
  return { A: A.many, B: B.many, group: b.rng.pick(GROUPS) };
}

export const ratios: Family = {
  name: 'ratios',
  variants: [
    {
      id: 'find-other',
      build(b) {
        const g = pick(b);
        const [p, qq, k] = [b.rng.int(1, 9), b.rng.int(1, 9), b.rng.int(2, 12)];
        b.say(RATIO, { ...g, p, q: qq });
        b.say(COUNT_A, { ...g, n: p * k });
        b.ask(ASK_B, g);
        const unit = b.step(`There are ${p * k} ${g.A}, which is ${p} parts.`, 'part', frac(p * k, p));
        return b.step(`The ${g.B} are ${qq} parts.`, 'other', op(unit, '*', qq));
      },
    },
    {
      id: 'find-total',
      build(b) {
        const g = pick(b);
        const [p, qq, k] = [b.rng.int(1, 9), b.rng.int(1, 9), b.rng.int(2, 12)];
        b.say(RATIO, { ...g, p, q: qq });
        b.say(COUNT_A, { ...g, n: p * k });
        b.ask(ASK_ALL, g);
        const unit = b.step(`There are ${p * k} ${g.A}, which is ${p} parts.`, 'part', frac(p * k, p));
        const o = b.step(`The ${g.B} are ${qq} parts.`, 'other', op(unit, '*', qq));
        return b.step(`Add the ${g.A} and the ${g.B}.`, 'total', op(p * k, '+', o));
      },
    },
    {
      id: 'share',
      build(b) {
        const [x, y] = [b.person(), b.person()];
        const [p, qq, k] = [b.rng.int(1, 9), b.rng.int(1, 9), b.rng.int(2, 30)];
        const T = (p + qq) * k;
        b.say(SHARE, { ...Builder.pvars(x), ...Builder.pvars(y, '2'), T, p, q: qq });
        b.ask(ASK_SHARE, Builder.pvars(y, '2'));
        const parts = b.step(`The ratio ${p} to ${qq} has ${p} + ${qq} parts.`, 'parts', op(p, '+', qq));
        const unit = b.step(`Each part is ${T} dollars divided by the parts.`, 'part', frac(T, parts));
        return b.step(`${y.name} gets ${qq} parts.`, 'share', op(unit, '*', qq));
      },
    },
    {
      id: 'find-diff',
      ood: true,
      build(b) {
        const g = pick(b);
        const p = b.rng.int(1, 7);
        const qq = b.rng.int(p + 1, 9);
        const k = b.rng.int(2, 12);
        b.say(RATIO, { ...g, p, q: qq });
        b.say(COUNT_A, { ...g, n: p * k });
        b.ask(ASK_DIFF, g);
        const unit = b.step(`There are ${p * k} ${g.A}, which is ${p} parts.`, 'part', frac(p * k, p));
        const o = b.step(`The ${g.B} are ${qq} parts.`, 'other', op(unit, '*', qq));
        return b.step(`Subtract the ${g.A} from the ${g.B}.`, 'more', op(o, '-', p * k));
      },
    },
  ],
};
