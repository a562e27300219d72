import { Builder } from '../builder';
import { op } from '../expr';
import { slot } from '../phrasing';
import type { Family } from './types';

const BASE = slot('age.base', ['{name} is {a} years old.', '{name} is {a}.', 'The age of {name} is {a} years.', '{name} is {a} years old {now|today}.'], [
  '{a} years is the age of {name}.',
]);
const OLDER = slot('age.older', [
  '{name2} is {d} years older than {name}.',
  '{name2} is {d} years older than {pron}.',
  '{name} is {d} years younger than {name2}.',
], ['{name2} is older than {name} by {d} years.']);
const YOUNGER = slot('age.younger', [
  '{name2} is {d} years younger than {name}.',
  '{name} is {d} years older than {name2}.',
  '{name2} is {d} years younger than {obj}.',
], ['{name2} is younger than {name} by {d} years.']);
const TIMES = slot('age.times', ['{name3} is {k} times as old as {name2}.', 'The age of {name3} is {k} times the age of {name2}.', '{name3} is {k} times older than {name2}.'], [
  '{k} times the age of {name2} is the age of {name3}.',
]);
const THIRD_OLDER = slot('age.third', ['{name3} is {d} years older than {name}.', '{name} is {d} years younger than {name3}.'], [
  '{name3} is older than {name} by {d} years.',
]);
const ASK_FUTURE = slot('age.ask.future', ['How old will {who} be in {y} years?', 'In {y} years, how old will {who} be?', 'What will the age of {who} be in {y} years?'], [
  '{y} years from now, how old will {who} be?',
]);
const ASK_NOW = slot('age.ask.now', ['How old is {who}?', 'What is the age of {who}?', 'How many years old is {who}?'], ['What age is {who}?']);
const ASK_SUM = slot('age.ask.sum', ['What is the sum of their ages?', 'What is their total age?', 'How old are they {in total|together}?'], [
  'Together, how old are they?',
]);

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
  ],
};
