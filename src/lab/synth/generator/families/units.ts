import { Builder } from '../builder';
import { frac, num, op } from '../expr';
import { ACTIVITIES } from '../lexicon';
import { slot } from '../phrasing';
import type { Family } from './types';

const ROPE = slot(
  'unit.rope',
  [
    '{name} has a rope that is {m} meters long.',
    '{name} has a {m} meter rope.',
    'A rope is {m} meters long, and {name} has it.',
    '{name} buys a rope {m} meters long.',
  ],
  ['The rope that {name} has is {m} meters long.'],
  ['{name} has a rope, and it is {m} meters long.', '{name} has a rope of {m} meters.', '{name} buys a {m} meter rope.'],
);
const CUT = slot(
  'unit.cut',
  ['{Pron} cuts off {c} centimeters.', '{Pron} cuts {c} centimeters off the rope.', '{Pron} uses {c} centimeters of it.'],
  ['{c} centimeters of the rope are cut off.'],
  ['{Pron} cuts {c} centimeters from {the rope|it}.', 'Then {pron} cuts off {c} centimeters.', '{Pron} uses {c} centimeters of the rope.'],
);
const PIECES = slot(
  'unit.pieces',
  [
    '{Pron} cuts {the rope|it} into pieces of {p} centimeters each.',
    '{Pron} cuts the rest into pieces that are {p} centimeters long.',
    'Each piece {pron} cuts is {p} centimeters long.',
  ],
  ['{Pron} then cuts pieces of {p} centimeters each from it.'],
  [
    '{Pron} cuts {the rope|it} into pieces, and each piece is {p} centimeters long.',
    '{Pron} cuts {the rope|it} into pieces that are {p} centimeters long each.',
  ],
);
const ASK_LEFT_CM = slot(
  'unit.ask.leftcm',
  ['How many centimeters of rope are left?', 'How many centimeters are left?', 'How long is the rope now in centimeters?'],
  ['In centimeters, how much rope is left?'],
  ['How many centimeters long is the rope now?', 'How many centimeters of the rope are left?'],
);
const ASK_PIECES = slot(
  'unit.ask.pieces',
  ['How many full pieces does {pron} get?', 'How many pieces can {pron} cut?', 'How many full pieces are there?'],
  ['What is the number of full pieces?'],
  ['How many full pieces can {pron} cut?', 'How many full pieces does {pron} cut from the rope?'],
);
const PRACTICE = slot(
  'unit.practice',
  [
    '{name} practices {act} for {h} hours and {mm} minutes every day.',
    'Every day {name} practices {act} for {h} hours and {mm} minutes.',
    'Each day, {name} spends {h} hours and {mm} minutes on {act}.',
  ],
  ['{name} spends {h} hours and {mm} minutes on {act} every day.'],
  ['{name} practices {act} every day for {h} hours and {mm} minutes.', '{name} practices {act} for {h} hours and {mm} minutes each day.'],
);
const DAYS_N = slot(
  'unit.days',
  ['{Pron} does this for {d} days.', '{Pron} practices for {d} days.', 'This goes on for {d} days.'],
  ['For {d} days {pron} does this.'],
  ['{Pron} does this every day for {d} days.', 'This goes on for {d} days in total.'],
);
const ASK_MIN = slot(
  'unit.ask.minutes',
  [
    'How many minutes does {pron} practice in total?',
    'How many minutes is that {in total|altogether}?',
    'What is the total time in minutes?',
  ],
  ['In minutes, how long does {pron} practice in total?'],
  ['How many minutes does {pron} spend {in total|altogether}?', 'What is the total time in minutes that {pron} practices?'],
);
const MONEY = slot(
  'unit.money',
  [
    '{name} has {dol} dollars and {ct} cents.',
    'In {pos} wallet {name} has {dol} dollars and {ct} cents.',
    '{name} has {dol} dollars and {ct} cents to spend.',
  ],
  ['{dol} dollars and {ct} cents are in the wallet of {name}.'],
  ['{name} has {dol} dollars and {ct} cents in {pos} wallet.', '{name} has {dol} dollars and {ct} cents to spend in {pos} wallet.'],
);
const SPEND = slot(
  'unit.spend',
  ['{Pron} spends {s} cents on a {thing}.', '{Pron} buys a {thing} for {s} cents.', 'A {thing} costs {s} cents, and {pron} buys it.'],
  ['For {s} cents, {pron} buys a {thing}.'],
  [
    '{Pron} spends {s} cents and buys a {thing}.',
    'Then {pron} buys a {thing} that costs {s} cents.',
    '{Pron} buys a {thing}, and it costs {s} cents.',
  ],
);
const ASK_CENTS = slot(
  'unit.ask.cents',
  ['How many cents does {pron} have left?', 'How many cents are left?', 'How much money is left in cents?'],
  ['In cents, how much money does {pron} have left?'],
  ['How many cents does {pron} have now?', 'How many cents are left in {pos} wallet?'],
);
const FLOUR = slot(
  'unit.flour',
  [
    '{name} has {n} bags of flour, and each bag weighs {kg} kilograms.',
    'There are {n} bags of flour. Each bag weighs {kg} kilograms.',
    '{name} buys {n} bags of flour that weigh {kg} kilograms each.',
  ],
  ['Each of the {n} bags of flour that {name} has weighs {kg} kilograms.'],
  ['{name} has {n} bags of flour that weigh {kg} kilograms each.', '{name} buys {n} bags of flour, and each bag weighs {kg} kilograms.'],
);
const USE_G = slot(
  'unit.useg',
  ['{Pron} uses {g} grams of flour.', '{Pron} uses {g} grams to make bread.', 'Then {g} grams of flour are used.'],
  ['For bread, {pron} uses {g} grams of it.'],
  ['{Pron} uses {g} grams of the flour.', 'Then {pron} uses {g} grams of flour to make bread.'],
);
const ASK_GRAMS = slot(
  'unit.ask.grams',
  ['How many grams of flour are left?', 'How many grams are left?', 'How much flour is left in grams?'],
  ['In grams, how much flour is left?'],
  ['How many grams of flour does {pron} have left?', 'How many grams of flour are there now?'],
);
// the question of a version 2 composition (built from the words above)
const ASK_REST = slot('unit.ask.rest', [
  'How many centimeters of rope are left after {pron} cuts the full pieces?',
  'How many centimeters are left after the full pieces are cut?',
]);

/** Version 3: plain conversions, as people ask them in chat. */
const CONVERT = slot(
  'unit.v3.convert',
  [
    'Convert {a} {from} to {to}.',
    'How many {to} are in {a} {from}?',
    'How many {to} is {a} {from}?',
    'What is {a} {from} in {to}?',
    'Express {a} {from} in {to}.',
    'Change {a} {from} into {to}.',
    'How many {to} are there in {a} {from}?',
  ],
  ['Write {a} {from} as {to}.', 'If you have {a} {from}, how many {to} is that?'],
);
const MIXED = slot(
  'unit.v3.mixed',
  [
    'How many {small} are in {a} {big} and {c} {small}?',
    'Convert {a} {big} and {c} {small} to {small}.',
    'What is {a} {big} {c} {small} in {small}?',
    'Express {a} {big} and {c} {small} in {small}.',
    'How many {small} is {a} {big} and {c} {small}?',
    'Change {a} {big} and {c} {small} into {small}.',
  ],
  ['Written in {small}, what is {a} {big} and {c} {small}?'],
);
const TWO_STEP = slot('unit.v3.twostep', [
  'How many {to} are in {a} {from}?',
  'Convert {a} {from} to {to}.',
  'What is {a} {from} in {to}?',
  'How many {to} is {a} {from}?',
  'Express {a} {from} in {to}.',
  'Change {a} {from} into {to}.',
]);

const one = (unit: string) =>
  (({ feet: 'foot', inches: 'inch', hours: 'hour', days: 'day' }) as Record<string, string>)[unit] ?? unit.replace(/s$/, '');

/** [bigger unit, smaller unit, how many smaller in one bigger] */
const CONVERSIONS: Array<[string, string, number]> = [
  ['kilometers', 'meters', 1000],
  ['meters', 'centimeters', 100],
  ['centimeters', 'millimeters', 10],
  ['kilograms', 'grams', 1000],
  ['liters', 'milliliters', 1000],
  ['hours', 'minutes', 60],
  ['minutes', 'seconds', 60],
  ['days', 'hours', 24],
  ['weeks', 'days', 7],
  ['feet', 'inches', 12],
  ['yards', 'feet', 3],
  ['pounds', 'ounces', 16],
  ['dollars', 'cents', 100],
  ['years', 'months', 12],
];
/** [unit, middle, smallest, ratio big->middle, ratio middle->smallest] (held-out two-step chains) */
const CHAINS: Array<[string, string, string, number, number]> = [
  ['hours', 'minutes', 'seconds', 60, 60],
  ['days', 'hours', 'minutes', 24, 60],
  ['kilometers', 'meters', 'centimeters', 1000, 100],
  ['yards', 'feet', 'inches', 3, 12],
  ['weeks', 'days', 'hours', 7, 24],
];

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
        const c = b.step(
          `${p.name} has ${dol} dollars and ${ct} cents, and one dollar is 100 cents.`,
          'cents',
          op(op(dol, '*', 100), '+', ct),
        );
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
    // version 2: new compositions of the pieces above
    {
      id: 'rope-cut-twice',
      since: 2,
      build(b) {
        const p = b.person();
        const m = b.rng.int(2, 30);
        const c1 = b.rng.int(10, m * 50);
        const c2 = b.rng.int(10, m * 50 - 1);
        b.say(ROPE, { ...Builder.pvars(p), m });
        b.say(CUT, { ...Builder.pvars(p), c: c1 });
        b.say(CUT, { ...Builder.pvars(p), c: c2 });
        b.ask(ASK_LEFT_CM, Builder.pvars(p));
        const cm = b.step(`The rope is ${m} meters, and one meter is 100 centimeters.`, 'length_cm', op(m, '*', 100));
        const cut = b.step(`${p.name} cuts off ${c1} and then ${c2} centimeters.`, 'cut', op(c1, '+', c2));
        return b.step('Subtract what is cut off.', 'left', op(cm, '-', cut));
      },
    },
    {
      id: 'rope-pieces-left',
      since: 2,
      build(b) {
        const p = b.person();
        const m = b.rng.int(2, 20);
        let pc = 3;
        // a piece length that does not divide the rope, so something is left
        do pc = b.rng.pick([3, 6, 7, 8, 9, 12, 15, 30, 35, 40, 45, 60, 70, 80, 90]);
        while ((m * 100) % pc === 0);
        b.say(ROPE, { ...Builder.pvars(p), m });
        b.say(PIECES, { ...Builder.pvars(p), p: pc });
        b.ask(ASK_REST, Builder.pvars(p));
        const cm = b.step(`The rope is ${m} meters, and one meter is 100 centimeters.`, 'length_cm', op(m, '*', 100));
        return b.step(`Each piece is ${pc} centimeters; the remainder is left.`, 'left', op(cm, '%', pc));
      },
    },
    {
      id: 'practice-two-activities',
      since: 2,
      build(b) {
        const p = b.person();
        const [act1, act2] = b.rng.shuffle(ACTIVITIES).slice(0, 2);
        const [h1, mm1, h2, mm2, d] = [b.rng.int(2, 3), b.rng.int(5, 55), b.rng.int(2, 3), b.rng.int(5, 55), b.rng.int(2, 14)];
        b.say(PRACTICE, { ...Builder.pvars(p), h: h1, mm: mm1, act: act1! });
        b.say(PRACTICE, { ...Builder.pvars(p), h: h2, mm: mm2, act: act2! });
        b.say(DAYS_N, { ...Builder.pvars(p), d });
        b.ask(ASK_MIN, Builder.pvars(p));
        const t1 = b.step(
          `${p.name} practices ${act1} for ${h1} hours and ${mm1} minutes, and one hour is 60 minutes.`,
          'first',
          op(op(h1, '*', 60), '+', mm1),
        );
        const t2 = b.step(`${p.name} practices ${act2} for ${h2} hours and ${mm2} minutes.`, 'second', op(op(h2, '*', 60), '+', mm2));
        return b.step(`${p.name} practices both every day for ${d} days.`, 'total', op(op(t1, '+', t2), '*', d));
      },
    },
    {
      id: 'money-spend-twice',
      since: 2,
      build(b) {
        const p = b.person();
        const [dol, ct] = [b.rng.int(2, 20), b.rng.int(1, 99)];
        const [thing1, thing2] = b.rng.shuffle(['toy', 'book', 'cake', 'pen', 'ticket']).slice(0, 2);
        const s1 = b.rng.int(5, dol * 50);
        const s2 = b.rng.int(5, dol * 50);
        b.say(MONEY, { ...Builder.pvars(p), dol, ct });
        b.say(SPEND, { ...Builder.pvars(p), s: s1, thing: thing1! });
        b.say(SPEND, { ...Builder.pvars(p), s: s2, thing: thing2! });
        b.ask(ASK_CENTS, Builder.pvars(p));
        const c = b.step(
          `${p.name} has ${dol} dollars and ${ct} cents, and one dollar is 100 cents.`,
          'cents',
          op(op(dol, '*', 100), '+', ct),
        );
        const spent = b.step(`The ${thing1} costs ${s1} cents and the ${thing2} costs ${s2} cents.`, 'spent', op(s1, '+', s2));
        return b.step(`${p.name} spends ${s1} + ${s2} cents.`, 'left', op(c, '-', spent));
      },
    },
    {
      id: 'flour-use-twice',
      since: 2,
      build(b) {
        const p = b.person();
        const [n, kg] = [b.rng.int(2, 9), b.rng.int(2, 5)];
        const g1 = b.rng.int(100, n * kg * 500);
        const g2 = b.rng.int(100, n * kg * 500 - 1);
        b.say(FLOUR, { ...Builder.pvars(p), n, kg });
        b.say(USE_G, { ...Builder.pvars(p), g: g1 });
        b.say(USE_G, { ...Builder.pvars(p), g: g2 });
        b.ask(ASK_GRAMS, Builder.pvars(p));
        const gr = b.step(
          `There are ${n} bags of ${kg} kilograms, and one kilogram is 1000 grams.`,
          'grams',
          op(op(n, '*', kg), '*', 1000),
        );
        const left = b.step(`${p.name} uses ${g1} grams.`, 'left', op(gr, '-', g1));
        return b.step(`Then ${p.name} uses ${g2} grams.`, 'left', op(left, '-', g2));
      },
    },
    // version 3: plain conversions (the chat curriculum)
    {
      id: 'convert-down',
      since: 3,
      wideNumbers: true,
      build(b) {
        const [big, small, r] = b.rng.pick(CONVERSIONS);
        const a = b.num(2, 40);
        b.ask(CONVERT, { a, from: big, to: small });
        const per = b.step(`One ${one(big)} is ${r} ${small}.`, 'per', num(r));
        return b.step(`Multiply ${a} by ${r}.`, small, op(a, '*', per));
      },
    },
    {
      id: 'convert-up',
      since: 3,
      wideNumbers: true,
      build(b) {
        const [big, small, r] = b.rng.pick(CONVERSIONS);
        const a = b.rng.chance(0.7) ? r * b.num(1, 20) : b.num(1, 5 * r);
        b.ask(CONVERT, { a, from: small, to: big });
        const per = b.step(`One ${one(big)} is ${r} ${small}.`, 'per', num(r));
        return b.step(`Divide ${a} by ${r}.`, big, frac(a, per));
      },
    },
    {
      id: 'convert-mixed',
      since: 3,
      wideNumbers: true,
      build(b) {
        const [big, small, r] = b.rng.pick(CONVERSIONS);
        const a = b.num(1, 12);
        const c = b.rng.int(1, r - 1);
        b.ask(MIXED, { a, c, big, small });
        const first = b.step(`${a} ${big} is ${a} times ${r} ${small}.`, 'whole', op(a, '*', r));
        return b.step(`Add the other ${c} ${small}.`, 'total', op(first, '+', c));
      },
    },
    {
      id: 'convert-two-steps',
      since: 3,
      ood: true,
      build(b) {
        const [big, mid, small, r1, r2] = b.rng.pick(CHAINS);
        const a = b.rng.int(2, 12);
        b.ask(TWO_STEP, { a, from: big, to: small });
        const m = b.step(`${a} ${big} is ${a} times ${r1} ${mid}.`, mid, op(a, '*', r1));
        return b.step(`Each of those is ${r2} ${small}.`, small, op(m, '*', r2));
      },
    },
  ],
};
