import { Builder } from '../builder';
import { op } from '../expr';
import { ACTIVITIES } from '../lexicon';
import { slot } from '../phrasing';
import type { Family } from './types';

const ROPE = slot('unit.rope', [
  '{name} has a rope that is {m} meters long.',
  '{name} has a {m} meter rope.',
  'A rope is {m} meters long, and {name} has it.',
  '{name} buys a rope {m} meters long.',
], ['The rope that {name} has is {m} meters long.']);
const CUT = slot('unit.cut', ['{Pron} cuts off {c} centimeters.', '{Pron} cuts {c} centimeters off the rope.', '{Pron} uses {c} centimeters of it.'], [
  '{c} centimeters of the rope are cut off.',
]);
const PIECES = slot('unit.pieces', [
  '{Pron} cuts {the rope|it} into pieces of {p} centimeters each.',
  '{Pron} cuts the rest into pieces that are {p} centimeters long.',
  'Each piece {pron} cuts is {p} centimeters long.',
], ['{Pron} then cuts pieces of {p} centimeters each from it.']);
const ASK_LEFT_CM = slot('unit.ask.leftcm', ['How many centimeters of rope are left?', 'How many centimeters are left?', 'How long is the rope now in centimeters?'], [
  'In centimeters, how much rope is left?',
]);
const ASK_PIECES = slot('unit.ask.pieces', ['How many full pieces does {pron} get?', 'How many pieces can {pron} cut?', 'How many full pieces are there?'], [
  'What is the number of full pieces?',
]);
const PRACTICE = slot('unit.practice', [
  '{name} practices {act} for {h} hours and {mm} minutes every day.',
  'Every day {name} practices {act} for {h} hours and {mm} minutes.',
  'Each day, {name} spends {h} hours and {mm} minutes on {act}.',
], ['{name} spends {h} hours and {mm} minutes on {act} every day.']);
const DAYS_N = slot('unit.days', ['{Pron} does this for {d} days.', '{Pron} practices for {d} days.', 'This goes on for {d} days.'], ['For {d} days {pron} does this.']);
const ASK_MIN = slot('unit.ask.minutes', ['How many minutes does {pron} practice in total?', 'How many minutes is that {in total|altogether}?', 'What is the total time in minutes?'], [
  'In minutes, how long does {pron} practice in total?',
]);
const MONEY = slot('unit.money', ['{name} has {dol} dollars and {ct} cents.', 'In {pos} wallet {name} has {dol} dollars and {ct} cents.', '{name} has {dol} dollars and {ct} cents to spend.'], [
  '{dol} dollars and {ct} cents are in the wallet of {name}.',
]);
const SPEND = slot('unit.spend', ['{Pron} spends {s} cents on a {thing}.', '{Pron} buys a {thing} for {s} cents.', 'A {thing} costs {s} cents, and {pron} buys it.'], [
  'For {s} cents, {pron} buys a {thing}.',
]);
const ASK_CENTS = slot('unit.ask.cents', ['How many cents does {pron} have left?', 'How many cents are left?', 'How much money is left in cents?'], [
  'In cents, how much money does {pron} have left?',
]);
const FLOUR = slot('unit.flour', [
  '{name} has {n} bags of flour, and each bag weighs {kg} kilograms.',
  'There are {n} bags of flour. Each bag weighs {kg} kilograms.',
  '{name} buys {n} bags of flour that weigh {kg} kilograms each.',
], ['Each of the {n} bags of flour that {name} has weighs {kg} kilograms.']);
const USE_G = slot('unit.useg', ['{Pron} uses {g} grams of flour.', '{Pron} uses {g} grams to make bread.', 'Then {g} grams of flour are used.'], [
  'For bread, {pron} uses {g} grams of it.',
]);
const ASK_GRAMS = slot('unit.ask.grams', ['How many grams of flour are left?', 'How many grams are left?', 'How much flour is left in grams?'], [
  'In grams, how much flour is left?',
]);

export const units: Family = {
  name: 'units',
  variants: [
    {
      id: 'rope-cut',
      build(b) {
        const p = b.person();
        const m = b.rng.int(2, 30);
        const c = b.rng.int(10, m * 100 - 1);
        b.say(ROPE, { ...Builder.pvars(p), m });
        b.say(CUT, { ...Builder.pvars(p), c });
        b.ask(ASK_LEFT_CM, Builder.pvars(p));
        const cm = b.step(`The rope is ${m} meters, and one meter is 100 centimeters.`, 'length_cm', op(m, '*', 100));
        return b.step(`${p.name} cuts off ${c} centimeters.`, 'left', op(cm, '-', c));
      },
    },
    {
      id: 'rope-pieces',
      build(b) {
        const p = b.person();
        const m = b.rng.int(2, 20);
        const pc = b.rng.pick([3, 4, 6, 7, 8, 9, 12, 15, 20, 25, 30, 40, 50, 60, 70, 80]);
        b.say(ROPE, { ...Builder.pvars(p), m });
        b.say(PIECES, { ...Builder.pvars(p), p: pc });
        b.ask(ASK_PIECES, Builder.pvars(p));
        const cm = b.step(`The rope is ${m} meters, and one meter is 100 centimeters.`, 'length_cm', op(m, '*', 100));
        return b.step(`Each piece is ${pc} centimeters, so divide and round down.`, 'pieces', op(cm, '//', pc));
      },
    },
    {
      id: 'practice-days',
      build(b) {
        const p = b.person();
        const [h, mm, d] = [b.rng.int(1, 4), b.rng.int(5, 55), b.rng.int(2, 14)];
        b.say(PRACTICE, { ...Builder.pvars(p), h, mm, act: b.rng.pick(ACTIVITIES) });
        b.say(DAYS_N, { ...Builder.pvars(p), d });
        b.ask(ASK_MIN, Builder.pvars(p));
        const per = b.step(`Each day is ${h} hours and ${mm} minutes, and one hour is 60 minutes.`, 'per_day', op(op(h, '*', 60), '+', mm));
        return b.step(`${p.name} practices for ${d} days.`, 'total', op(per, '*', d));
      },
    },
    {
      id: 'money-cents',
      build(b) {
        const p = b.person();
        const [dol, ct] = [b.rng.int(1, 20), b.rng.int(1, 99)];
        const s = b.rng.int(5, dol * 100 + ct - 1);
        b.say(MONEY, { ...Builder.pvars(p), dol, ct });
        b.say(SPEND, { ...Builder.pvars(p), s, thing: b.rng.pick(['toy', 'book', 'cake', 'pen', 'ticket']) });
        b.ask(ASK_CENTS, Builder.pvars(p));
        const c = b.step(`${p.name} has ${dol} dollars and ${ct} cents, and one dollar is 100 cents.`, 'cents', op(op(dol, '*', 100), '+', ct));
        return b.step(`${p.name} spends ${s} cents.`, 'left', op(c, '-', s));
      },
    },
    {
      id: 'flour-grams',
      build(b) {
        const p = b.person();
        const [n, kg] = [b.rng.int(2, 9), b.rng.int(1, 5)];
        const g = b.rng.int(100, n * kg * 1000 - 1);
        b.say(FLOUR, { ...Builder.pvars(p), n, kg });
        b.say(USE_G, { ...Builder.pvars(p), g });
        b.ask(ASK_GRAMS, Builder.pvars(p));
        const t = b.step(`There are ${n} bags of ${kg} kilograms each.`, 'kilograms', op(n, '*', kg));
        const gr = b.step('One kilogram is 1000 grams.', 'grams', op(t, '*', 1000));
        return b.step(`${p.name} uses ${g} grams.`, 'left', op(gr, '-', g));
      },
    },
    {
      id: 'rope-cut-pieces',
      ood: true,
      build(b) {
        const p = b.person();
        const m = b.rng.int(2, 20);
        const c = b.rng.int(10, m * 50);
        const pc = b.rng.pick([3, 4, 6, 7, 8, 9, 12, 15, 20, 25, 30, 40, 50]);
        b.say(ROPE, { ...Builder.pvars(p), m });
        b.say(CUT, { ...Builder.pvars(p), c });
        b.say(PIECES, { ...Builder.pvars(p), p: pc });
        b.ask(ASK_PIECES, Builder.pvars(p));
        const cm = b.step(`The rope is ${m} meters, and one meter is 100 centimeters.`, 'length_cm', op(m, '*', 100));
        const left = b.step(`${p.name} cuts off ${c} centimeters.`, 'left', op(cm, '-', c));
        return b.step(`Each piece is ${pc} centimeters, so divide and round down.`, 'pieces', op(left, '//', pc));
      },
    },
  ],
};
