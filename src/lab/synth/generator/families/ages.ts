import { Builder } from '../builder';
import { type Ex, op } from '../expr';
import { slot } from '../phrasing';
import type { Family } from './types';

const BASE = slot(
  'age.base',
  ['{name} is {a} years old.', '{name} is {a}.', 'The age of {name} is {a} years.', '{name} is {a} years old {now|today}.'],
  ['{a} years is the age of {name}.'],
  ['Now, {name} is {a} years old.', 'The age of {name} is {a} {now|today}.', '{name} is {a} years of age.'],
);
const OLDER = slot(
  'age.older',
  ['{name2} is {d} years older than {name}.', '{name2} is {d} years older than {pron}.', '{name} is {d} years younger than {name2}.'],
  ['{name2} is older than {name} by {d} years.'],
  [
    '{name2} is {d} years older than {name} {now|today}.',
    'Now, {name} is {d} years younger than {name2}.',
    '{name2} is {d} years older than {obj}.',
  ],
);
const YOUNGER = slot(
  'age.younger',
  ['{name2} is {d} years younger than {name}.', '{name} is {d} years older than {name2}.', '{name2} is {d} years younger than {obj}.'],
  ['{name2} is younger than {name} by {d} years.'],
  [
    '{name2} is {d} years younger than {name} {now|today}.',
    'Now, {name} is {d} years older than {name2}.',
    '{name2} is {d} years younger than {pron} is.',
  ],
);
const TIMES = slot(
  'age.times',
  [
    '{name3} is {k} times as old as {name2}.',
    'The age of {name3} is {k} times the age of {name2}.',
    '{name3} is {k} times older than {name2}.',
  ],
  ['{k} times the age of {name2} is the age of {name3}.'],
  [
    '{name3} is {k} times the age of {name2}.',
    'Now, {name3} is {k} times as old as {name2}.',
    '{name3} is {k} times as old as {name2} is {now|today}.',
  ],
);
const THIRD_OLDER = slot(
  'age.third',
  ['{name3} is {d} years older than {name}.', '{name} is {d} years younger than {name3}.'],
  ['{name3} is older than {name} by {d} years.'],
  ['{name3} is {d} years older than {name} {now|today}.', 'Now, {name} is {d} years younger than {name3}.'],
);
const ASK_FUTURE = slot(
  'age.ask.future',
  ['How old will {who} be in {y} years?', 'In {y} years, how old will {who} be?', 'What will the age of {who} be in {y} years?'],
  ['{y} years from now, how old will {who} be?'],
  [
    'How many years old will {who} be in {y} years?',
    'What will be the age of {who} in {y} years?',
    'In {y} years, how many years old will {who} be?',
  ],
);
const ASK_NOW = slot(
  'age.ask.now',
  ['How old is {who}?', 'What is the age of {who}?', 'How many years old is {who}?'],
  ['What age is {who}?'],
  ['How old is {who} {now|today}?', 'What is the age of {who} {now|today}?', 'Now, how old is {who}?'],
);
const ASK_SUM = slot(
  'age.ask.sum',
  ['What is the sum of their ages?', 'What is their total age?', 'How old are they {in total|together}?'],
  ['Together, how old are they?'],
  ['What is the total of their ages?', 'What is the sum of the ages?', 'How many years old are they {in total|together}?'],
);

/**
 * Version 2 compositions of the pieces above. p2 is d years older or younger than p, or k times as
 * old as p; then, with `next`, p3 is k times as old as p2 ('times'), e years older than p2
 * ('older') or e years older than p ('third'). The question asks for the age of the last person
 * now or in y years, or for the sum of all the ages.
 */
function chain(
  b: Builder,
  { rel, next, ask }: { rel: 'older' | 'younger' | 'times'; next?: 'times' | 'older' | 'third'; ask: 'now' | 'future' | 'sum' },
) {
  const [p, p2] = [b.person(), b.person()];
  const p3 = next ? b.person() : undefined;
  // ages stay sensible: a product of ages starts from a small age
  let a: number;
  let d = 0;
  if (rel === 'older') {
    a = next === 'times' ? b.rng.int(2, 15) : b.rng.int(3, 40);
    d = next === 'times' ? b.rng.int(2, 10) : b.rng.int(2, 30);
  } else if (rel === 'younger') {
    a = next === 'times' ? b.rng.int(10, 40) : b.rng.int(10, 50);
    d = b.rng.int(next === 'times' ? Math.max(2, a - 25) : 2, a - 2);
  } else {
    a = b.rng.int(2, 20);
  }
  const [k, e, y] = [b.rng.int(2, 4), b.rng.int(2, 20), b.rng.int(2, 20)];
  b.say(BASE, { ...Builder.pvars(p), a });
  if (rel === 'times') b.say(TIMES, { ...Builder.pvars(p, '2'), ...Builder.pvars(p2, '3'), k });
  else b.say(rel === 'older' ? OLDER : YOUNGER, { ...Builder.pvars(p), ...Builder.pvars(p2, '2'), d });
  if (next === 'times') b.say(TIMES, { ...Builder.pvars(p2, '2'), ...Builder.pvars(p3!, '3'), k });
  else if (next === 'older') b.say(THIRD_OLDER, { ...Builder.pvars(p2), ...Builder.pvars(p3!, '3'), d: e });
  else if (next === 'third') b.say(THIRD_OLDER, { ...Builder.pvars(p), ...Builder.pvars(p3!, '3'), d: e });
  const last = p3 ?? p2;
  if (ask === 'future') b.ask(ASK_FUTURE, { who: last.name, y });
  else if (ask === 'now') b.ask(ASK_NOW, { who: last.name });
  else b.ask(ASK_SUM, {});
  const age2 =
    rel === 'times'
      ? b.step(`${p2.name} is ${k} times as old as ${p.name}, who is ${a}.`, 'age2', op(k, '*', a))
      : b.step(`${p2.name} is ${d} years ${rel} than ${p.name}, who is ${a}.`, 'age2', op(a, rel === 'older' ? '+' : '-', d));
  let age3: Ex | undefined;
  if (next === 'times') age3 = b.step(`${p3!.name} is ${k} times as old as ${p2.name}.`, 'age3', op(k, '*', age2));
  else if (next === 'older') age3 = b.step(`${p3!.name} is ${e} years older than ${p2.name}.`, 'age3', op(age2, '+', e));
  else if (next === 'third') age3 = b.step(`${p3!.name} is ${e} years older than ${p.name}.`, 'age3', op(a, '+', e));
  if (ask === 'future') return b.step(`In ${y} years ${last.name} will be ${y} years older.`, 'future', op(age3 ?? age2, '+', y));
  if (ask === 'sum') {
    if (age3) return b.step(`Add the three ages.`, 'total', op(op(a, '+', age2), '+', age3));
    return b.step(`Add the ages of ${p.name} and ${p2.name}.`, 'total', op(a, '+', age2));
  }
  if (!age3) throw new Error('ages: a question for the age now needs two steps');
  return age3;
}

export const ages: Family = {
  name: 'ages',
  variants: [
    {
      id: 'older-future',
      build(b) {
        const [p, p2] = [b.person(), b.person()];
        const [a, d, y] = [b.rng.int(3, 40), b.rng.int(1, 30), b.rng.int(2, 20)];
        b.say(BASE, { ...Builder.pvars(p), a });
        b.say(OLDER, { ...Builder.pvars(p), ...Builder.pvars(p2, '2'), d });
        b.ask(ASK_FUTURE, { who: p2.name, y });
        const age2 = b.step(`${p2.name} is ${d} years older than ${p.name}, who is ${a}.`, 'age2', op(a, '+', d));
        return b.step(`In ${y} years ${p2.name} will be ${y} years older.`, 'future', op(age2, '+', y));
      },
    },
    {
      id: 'younger-times',
      build(b) {
        const [p, p2, p3] = [b.person(), b.person(), b.person()];
        const a = b.rng.int(10, 50);
        const d = b.rng.int(1, a - 2);
        const k = b.rng.int(2, 4);
        b.say(BASE, { ...Builder.pvars(p), a });
        b.say(YOUNGER, { ...Builder.pvars(p), ...Builder.pvars(p2, '2'), d });
        b.say(TIMES, { ...Builder.pvars(p2, '2'), ...Builder.pvars(p3, '3'), k });
        b.ask(ASK_NOW, { who: p3.name });
        const age2 = b.step(`${p2.name} is ${d} years younger than ${p.name}, who is ${a}.`, 'age2', op(a, '-', d));
        return b.step(`${p3.name} is ${k} times as old as ${p2.name}.`, 'age3', op(k, '*', age2));
      },
    },
    {
      id: 'older-sum',
      build(b) {
        const [p, p2] = [b.person(), b.person()];
        const [a, d] = [b.rng.int(3, 40), b.rng.int(1, 30)];
        b.say(BASE, { ...Builder.pvars(p), a });
        b.say(OLDER, { ...Builder.pvars(p), ...Builder.pvars(p2, '2'), d });
        b.ask(ASK_SUM, {});
        const age2 = b.step(`${p2.name} is ${d} years older than ${p.name}, who is ${a}.`, 'age2', op(a, '+', d));
        return b.step(`Add the ages of ${p.name} and ${p2.name}.`, 'total', op(a, '+', age2));
      },
    },
    {
      id: 'older-times-future',
      build(b) {
        const [p, p2, p3] = [b.person(), b.person(), b.person()];
        const [a, d, k, y] = [b.rng.int(2, 20), b.rng.int(1, 15), b.rng.int(2, 4), b.rng.int(2, 15)];
        b.say(BASE, { ...Builder.pvars(p), a });
        b.say(OLDER, { ...Builder.pvars(p), ...Builder.pvars(p2, '2'), d });
        b.say(TIMES, { ...Builder.pvars(p2, '2'), ...Builder.pvars(p3, '3'), k });
        b.ask(ASK_FUTURE, { who: p3.name, y });
        const age2 = b.step(`${p2.name} is ${d} years older than ${p.name}, who is ${a}.`, 'age2', op(a, '+', d));
        const age3 = b.step(`${p3.name} is ${k} times as old as ${p2.name}.`, 'age3', op(k, '*', age2));
        return b.step(`In ${y} years ${p3.name} will be ${y} years older.`, 'future', op(age3, '+', y));
      },
    },
    {
      id: 'three-sum',
      build(b) {
        const [p, p2, p3] = [b.person(), b.person(), b.person()];
        const [a, d, e] = [b.rng.int(5, 40), b.rng.int(1, 20), b.rng.int(1, 20)];
        b.say(BASE, { ...Builder.pvars(p), a });
        b.say(OLDER, { ...Builder.pvars(p), ...Builder.pvars(p2, '2'), d });
        b.say(THIRD_OLDER, { ...Builder.pvars(p), ...Builder.pvars(p3, '3'), d: e });
        b.ask(ASK_SUM, {});
        const age2 = b.step(`${p2.name} is ${d} years older than ${p.name}, who is ${a}.`, 'age2', op(a, '+', d));
        const age3 = b.step(`${p3.name} is ${e} years older than ${p.name}.`, 'age3', op(a, '+', e));
        return b.step(`Add the three ages.`, 'total', op(op(a, '+', age2), '+', age3));
      },
    },
    {
      id: 'younger-times-sum',
      ood: true,
      build(b) {
        const [p, p2, p3] = [b.person(), b.person(), b.person()];
        const a = b.rng.int(10, 50);
        const d = b.rng.int(1, a - 2);
        const k = b.rng.int(2, 4);
        b.say(BASE, { ...Builder.pvars(p), a });
        b.say(YOUNGER, { ...Builder.pvars(p), ...Builder.pvars(p2, '2'), d });
        b.say(TIMES, { ...Builder.pvars(p2, '2'), ...Builder.pvars(p3, '3'), k });
        b.ask(ASK_SUM, {});
        const age2 = b.step(`${p2.name} is ${d} years younger than ${p.name}, who is ${a}.`, 'age2', op(a, '-', d));
        const age3 = b.step(`${p3.name} is ${k} times as old as ${p2.name}.`, 'age3', op(k, '*', age2));
        return b.step(`Add the three ages.`, 'total', op(op(a, '+', age2), '+', age3));
      },
    },
    {
      id: 'younger-future',
      ood: true,
      build(b) {
        const [p, p2] = [b.person(), b.person()];
        const a = b.rng.int(10, 50);
        const [d, y] = [b.rng.int(1, a - 2), b.rng.int(2, 20)];
        b.say(BASE, { ...Builder.pvars(p), a });
        b.say(YOUNGER, { ...Builder.pvars(p), ...Builder.pvars(p2, '2'), d });
        b.ask(ASK_FUTURE, { who: p2.name, y });
        const age2 = b.step(`${p2.name} is ${d} years younger than ${p.name}, who is ${a}.`, 'age2', op(a, '-', d));
        return b.step(`In ${y} years ${p2.name} will be ${y} years older.`, 'future', op(age2, '+', y));
      },
    },
    // version 2: new compositions of the same pieces (none of them a held-out structure)
    { id: 'younger-sum', since: 2, build: (b) => chain(b, { rel: 'younger', ask: 'sum' }) },
    { id: 'older-times-sum', since: 2, build: (b) => chain(b, { rel: 'older', next: 'times', ask: 'sum' }) },
    { id: 'younger-times-future', since: 2, build: (b) => chain(b, { rel: 'younger', next: 'times', ask: 'future' }) },
    { id: 'older-times', since: 2, build: (b) => chain(b, { rel: 'older', next: 'times', ask: 'now' }) },
    { id: 'times-future', since: 2, build: (b) => chain(b, { rel: 'times', ask: 'future' }) },
    { id: 'younger-third-sum', since: 2, build: (b) => chain(b, { rel: 'younger', next: 'third', ask: 'sum' }) },
    { id: 'older-older', since: 2, build: (b) => chain(b, { rel: 'older', next: 'older', ask: 'now' }) },
    { id: 'younger-older-future', since: 2, build: (b) => chain(b, { rel: 'younger', next: 'older', ask: 'future' }) },
  ],
};
