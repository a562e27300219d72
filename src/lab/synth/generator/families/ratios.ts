import { Builder } from '../builder';
import { type Ex, frac, op } from '../expr';
import { GROUPS, MEMBERS } from '../lexicon';
import { slot } from '../phrasing';
import type { Family } from './types';

const RATIO = slot(
  'ratio.ratio',
  [
    'The ratio of {A} to {B} in the {group} is {p} to {q}.',
    'In the {group}, the ratio of {A} to {B} is {p}:{q}.',
    'In a {group}, there are {p} {A} for every {q} {B}.',
    'For every {p} {A} in the {group} there are {q} {B}.',
  ],
  ['In the {group}, {A} and {B} are in the ratio {p} to {q}.'],
  [
    'The ratio of {A} to {B} is {p}:{q} in the {group}.',
    'The {group} has {p} {A} for every {q} {B}.',
    'There are {p} {A} for every {q} {B} in the {group}.',
  ],
);
const COUNT_A = slot(
  'ratio.counta',
  ['There are {n} {A}.', 'The {group} has {n} {A}.', 'There are {n} {A} in the {group}.'],
  ['{n} {A} are in the {group}.'],
  ['In the {group}, there are {n} {A}.', 'The number of {A} is {n}.'],
);
const ASK_B = slot(
  'ratio.ask.b',
  ['How many {B} are there?', 'How many {B} are in the {group}?', 'Find the number of {B}.'],
  ['What is the number of {B} in the {group}?'],
  ['How many {B} are there in the {group}?', 'Find how many {B} are in the {group}.'],
);
const ASK_ALL = slot(
  'ratio.ask.all',
  [
    'How many {A} and {B} are there {in total|altogether}?',
    'How many are in the {group} {in total|altogether}?',
    'What is the total number of {A} and {B}?',
  ],
  ['In total, how many {A} and {B} are in the {group}?'],
  ['What is the total number of {A} and {B} in the {group}?', 'Find the total number of {A} and {B} in the {group}.'],
);
const ASK_DIFF = slot(
  'ratio.ask.diff',
  ['How many more {B} than {A} are there?', 'How many more {B} are there than {A}?'],
  ['The {B} are how many more than the {A}?'],
  ['How many more {B} than {A} are in the {group}?', 'Find how many more {B} than {A} there are.'],
);
const SHARE = slot(
  'ratio.share',
  [
    '{name} and {name2} share {T} dollars in the ratio {p} to {q}.',
    '{name} and {name2} split {T} dollars in the ratio {p}:{q}.',
    '{T} dollars are shared by {name} and {name2} in the ratio {p} to {q}.',
  ],
  ['In the ratio {p} to {q}, {name} and {name2} share {T} dollars.'],
  ['{name} and {name2} share {T} dollars in the ratio {p}:{q}.', '{T} dollars are split by {name} and {name2} in the ratio {p}:{q}.'],
);
const ASK_SHARE = slot(
  'ratio.ask.share',
  ['How many dollars does {name2} get?', 'How much money does {name2} get?', 'What is the share of {name2} in dollars?'],
  ['In dollars, how much does {name2} get?'],
  ['How many dollars is the share of {name2}?', 'How much money is the share of {name2}?'],
);

// Version 2 pieces, built from the words above: a total count, a share known from one person,
// and how many more one person gets.
const COUNT_ALL = slot('ratio.countall', [
  'There are {n} {A} and {B} in the {group}.',
  'The {group} has {n} {A} and {B} {in total|altogether}.',
  'There are {n} {A} and {B} {in total|altogether}.',
]);
const SHARE_RATIO = slot('ratio.shareratio', [
  '{name} and {name2} share money in the ratio {p} to {q}.',
  '{name} and {name2} split money in the ratio {p}:{q}.',
  'Money is shared by {name} and {name2} in the ratio {p} to {q}.',
]);
const GETS = slot('ratio.gets', [
  '{name} gets {X} dollars.',
  'The share of {name} is {X} dollars.',
  '{name} gets {X} dollars of the money.',
]);
const ASK_SHARED = slot('ratio.ask.shared', [
  'How many dollars are shared {in total|altogether}?',
  'How much money is shared {in total|altogether}?',
  'How many dollars are shared by {name} and {name2}?',
]);
const ASK_SHARE_MORE = slot('ratio.ask.sharemore', [
  'How many more dollars does {name2} get than {name}?',
  'How much more money does {name2} get than {name}?',
]);

function pick(b: Builder) {
  const [A, B] = b.rng.pick(MEMBERS);
  return { A: A.many, B: B.many, group: b.rng.pick(GROUPS) };
}

/** Version 2: the ratio and the total number; asks for the {B} or how many more {B} than {A}. */
function fromTotal(b: Builder, diff: boolean): Ex {
  const g = pick(b);
  const p = b.rng.int(1, diff ? 7 : 9);
  const qq = diff ? b.rng.int(p + 1, 9) : b.rng.int(1, 9);
  const k = b.rng.int(2, 12);
  const n = (p + qq) * k;
  b.say(RATIO, { ...g, p, q: qq });
  b.say(COUNT_ALL, { ...g, n });
  b.ask(diff ? ASK_DIFF : ASK_B, g);
  const parts = b.step(`The ratio ${p} to ${qq} has ${p} + ${qq} parts.`, 'parts', op(p, '+', qq));
  const unit = b.step(`The ${n} ${g.A} and ${g.B} are all the parts.`, 'part', frac(n, parts));
  const o = b.step(`The ${g.B} are ${qq} parts.`, 'other', op(unit, '*', qq));
  if (!diff) return o;
  const a = b.step(`The ${g.A} are ${p} parts.`, 'first', op(unit, '*', p));
  return b.step(`Subtract the ${g.A} from the ${g.B}.`, 'more', op(o, '-', a));
}

/** Version 2: money shared in a ratio, the share of the first person known. */
function fromOneShare(b: Builder, total: boolean): Ex {
  const [x, y] = [b.person(), b.person()];
  const [p, qq, k] = [b.rng.int(1, 9), b.rng.int(1, 9), b.rng.int(2, 30)];
  const X = p * k;
  b.say(SHARE_RATIO, { ...Builder.pvars(x), ...Builder.pvars(y, '2'), p, q: qq });
  b.say(GETS, { ...Builder.pvars(x), X });
  b.ask(total ? ASK_SHARED : ASK_SHARE, { ...Builder.pvars(x), ...Builder.pvars(y, '2') });
  const unit = b.step(`${x.name} gets ${X} dollars, which is ${p} parts.`, 'part', frac(X, p));
  const o = b.step(`${y.name} gets ${qq} parts.`, 'share', op(unit, '*', qq));
  if (!total) return o;
  return b.step(`Add the shares of ${x.name} and ${y.name}.`, 'total', op(X, '+', o));
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
    // version 2: new compositions of the pieces above (never the held-out one)
    { id: 'total-find-other', since: 2, build: (b) => fromTotal(b, false) },
    { id: 'total-find-diff', since: 2, build: (b) => fromTotal(b, true) },
    { id: 'share-from-one', since: 2, build: (b) => fromOneShare(b, false) },
    { id: 'share-total-from-one', since: 2, build: (b) => fromOneShare(b, true) },
    {
      id: 'share-diff',
      since: 2,
      build(b) {
        const [x, y] = [b.person(), b.person()];
        const p = b.rng.int(1, 7);
        const qq = b.rng.int(p + 1, 9);
        const k = b.rng.int(2, 30);
        const T = (p + qq) * k;
        b.say(SHARE, { ...Builder.pvars(x), ...Builder.pvars(y, '2'), T, p, q: qq });
        b.ask(ASK_SHARE_MORE, { ...Builder.pvars(x), ...Builder.pvars(y, '2') });
        const parts = b.step(`The ratio ${p} to ${qq} has ${p} + ${qq} parts.`, 'parts', op(p, '+', qq));
        const unit = b.step(`Each part is ${T} dollars divided by the parts.`, 'part', frac(T, parts));
        return b.step(`${y.name} gets ${qq} - ${p} more parts than ${x.name}.`, 'more', op(unit, '*', op(qq, '-', p)));
      },
    },
  ],
};
