import { Builder } from '../builder';
import { type Ex, op } from '../expr';
import { DAYS, PRODUCTS } from '../lexicon';
import { slot } from '../phrasing';
import type { Family } from './types';

const RATE = slot(
  'rate.make',
  [
    '{name} makes {r} {products} {per|every|each} hour.',
    'Every hour, {name} makes {r} {products}.',
    '{name} can make {r} {products} in one hour.',
    'In one hour {name} makes {r} {products}.',
    '{name} works at a rate of {r} {products} per hour.',
  ],
  ['{r} {products} are made by {name} every hour.', 'Each hour {name} can make {r} {products}.'],
  [
    '{name} makes {products} at a rate of {r} per hour.',
    '{name} makes {r} {products} in one hour.',
    '{name} can make {r} {products} {per|every|each} hour.',
  ],
);
const RATE2 = slot(
  'rate.make2',
  [
    '{name2} makes {r} {products} {per|every|each} hour.',
    '{name2} can make {r} {products} in one hour.',
    'Every hour, {name2} makes {r} {products}.',
  ],
  ['{r} {products} are made by {name2} every hour.'],
  [
    '{name2} makes {r} {products} in one hour.',
    '{name2} works at a rate of {r} {products} per hour.',
    '{name2} can make {r} {products} {per|every|each} hour.',
  ],
);
const HOURS = slot(
  'rate.hours',
  [
    '{Pron} works {h} hours a day for {d} days.',
    '{Pron} works for {d} days, {h} hours each day.',
    'Each day {pron} works {h} hours, and {pron} works {d} days.',
    '{Pron} works {h} hours every day for {d} days.',
  ],
  ['For {d} days, {pron} works {h} hours a day.'],
  [
    '{Pron} works {d} days, and each day {pron} works {h} hours.',
    'On each of {d} days, {pron} works {h} hours.',
    '{Pron} works {d} days for {h} hours each day.',
  ],
);
const TWO_DAYS = slot(
  'rate.twodays',
  [
    '{Pron} works {h1} hours on {day1} and {h2} hours on {day2}.',
    'On {day1} {pron} works {h1} hours, and on {day2} {pron} works {h2} hours.',
    '{Pron} works for {h1} hours on {day1} and for {h2} hours on {day2}.',
  ],
  ['{Pron} works {h2} hours on {day2} and {h1} hours on {day1}.'],
  [
    'On {day1} {pron} works for {h1} hours, and on {day2} for {h2} hours.',
    '{Pron} works {h1} hours on {day1}, and then {h2} hours on {day2}.',
    'On {day1} {pron} works {h1} hours. On {day2} {pron} works {h2} hours.',
  ],
);
const TOGETHER = slot(
  'rate.together',
  ['They work together for {h} hours.', 'Together they work for {h} hours.', 'They both work {h} hours.'],
  ['For {h} hours they work together.'],
  ['They work {h} hours together.', 'They both work together for {h} hours.'],
);
const ONE_SPAN = slot(
  'rate.span',
  ['{Pron} works for {h} hours.', '{Pron} works {h} hours.', 'The work takes {h} hours.'],
  ['For {h} hours, {pron} works.'],
  ['{Pron} works {h} hours in total.', 'The work takes {h} hours in total.'],
);
const GOAL = slot(
  'rate.goal',
  ['{Pron} needs {T} {products} in total.', 'The order is for {T} {products}.', '{name} has to make {T} {products} in total.'],
  ['In total {T} {products} are needed.'],
  [
    '{name} needs to make {T} {products} in total.',
    '{T} {products} are needed for the order.',
    '{Pron} has to make {T} {products} for the order.',
  ],
);
const ASK_TOTAL = slot(
  'rate.ask.total',
  [
    'How many {products} does {name} make in total?',
    'How many {products} are made {in total|altogether}?',
    'How many {products} does {pron} make?',
  ],
  ['In total, how many {products} are made?'],
  ['How many {products} does {pron} make {in total|altogether}?', 'How many {products} can {name} make {in total|altogether}?'],
);
const ASK_BOTH = slot(
  'rate.ask.both',
  ['How many {products} do they make {in total|altogether}?', 'How many {products} are made {in total|altogether}?'],
  ['Together, how many {products} do they make?'],
  ['How many {products} do they both make {in total|altogether}?', 'How many {products} can they make {in total|altogether}?'],
);
const ASK_MORE = slot(
  'rate.ask.more',
  [
    'How many more {products} {are needed|does {name} still need}?',
    'How many more {products} must be made?',
    'How many {products} are still needed?',
  ],
  ['How many more {products} does the order need?'],
  [
    'How many more {products} must {name} make?',
    'How many {products} does {name} still need to make?',
    'How many more {products} does {pron} need to make?',
  ],
);
const DRIVE = slot(
  'rate.drive',
  [
    '{name} drives at {s} km per hour for {h} hours.',
    '{name} drives for {h} hours at {s} km per hour.',
    'For {h} hours, {name} drives at a speed of {s} km per hour.',
  ],
  ['At a speed of {s} km per hour, {name} drives for {h} hours.'],
  ['{name} drives {h} hours at a speed of {s} km per hour.', 'The speed of {name} is {s} km per hour, and {pron} drives for {h} hours.'],
);
const WALK = slot(
  'rate.walk',
  ['Then {pron} walks {w} km.', 'After that {pron} walks {w} km.', '{Pron} then walks {w} more km.'],
  ['{w} km more are walked after that.'],
  ['After that, {pron} walks {w} more km.', '{Pron} walks {w} km after that.'],
);
const ASK_DIST = slot(
  'rate.ask.dist',
  ['How many km does {name} travel in total?', 'How far does {pron} go {in total|altogether}?', 'What is the total distance in km?'],
  ['In total, how many km does {pron} travel?'],
  ['How far does {name} travel {in total|altogether}?', 'How many km is the total distance?'],
);

// slots of the version 2 compositions (built from the words above)
const TOGETHER_DAYS = slot('rate.togetherdays', [
  'They work together {h} hours a day for {d} days.',
  'Together they work {h} hours each day for {d} days.',
  'They both work {h} hours a day, and they work {d} days.',
]);
const SPANS = slot('rate.spans', [
  '{name} works for {h1} hours and {name2} works for {h2} hours.',
  '{name} works {h1} hours, and {name2} works {h2} hours.',
  'The work takes {name} {h1} hours and {name2} {h2} hours.',
]);
const DRIVE2 = slot('rate.drive2', [
  'Then {pron} drives at {s} km per hour for {h} more hours.',
  'After that {pron} drives for {h} hours at {s} km per hour.',
  'Then {pron} drives {h} hours at a speed of {s} km per hour.',
]);
const DRIVE_DAYS = slot('rate.drivedays', [
  '{name} drives at {s} km per hour, {h} hours a day for {d} days.',
  '{name} drives {h} hours a day for {d} days at {s} km per hour.',
  'Each day {name} drives {h} hours at a speed of {s} km per hour, and {pron} drives {d} days.',
]);

function prod(b: Builder) {
  const p = b.rng.pick(PRODUCTS);
  return { products: p.many };
}

export const rates: Family = {
  name: 'rates',
  variants: [
    {
      id: 'rate-hours-days',
      build(b) {
        const p = b.person();
        const g = prod(b);
        const [r, h, d] = [b.rng.int(2, 30), b.rng.int(2, 10), b.rng.int(2, 7)];
        b.say(RATE, { ...Builder.pvars(p), ...g, r });
        b.say(HOURS, { ...Builder.pvars(p), h, d });
        b.ask(ASK_TOTAL, { ...Builder.pvars(p), ...g });
        const hours = b.step(`${p.name} works ${h} hours a day for ${d} days.`, 'hours', op(h, '*', d));
        return b.step(`${p.name} makes ${r} ${g.products} per hour.`, 'total', op(r, '*', hours));
      },
    },
    {
      id: 'rate-two-days',
      build(b) {
        const p = b.person();
        const g = prod(b);
        const [r, h1, h2] = [b.rng.int(2, 30), b.rng.int(1, 10), b.rng.int(1, 10)];
        const [day1, day2] = b.rng.shuffle(DAYS).slice(0, 2);
        b.say(RATE, { ...Builder.pvars(p), ...g, r });
        b.say(TWO_DAYS, { ...Builder.pvars(p), h1, h2, day1: day1!, day2: day2! });
        b.ask(ASK_TOTAL, { ...Builder.pvars(p), ...g });
        const m1 = b.step(`On ${day1} ${p.name} makes ${r} ${g.products} per hour for ${h1} hours.`, 'made1', op(r, '*', h1));
        const m2 = b.step(`On ${day2} ${p.name} makes ${r} ${g.products} per hour for ${h2} hours.`, 'made2', op(r, '*', h2));
        return b.step('Add the two days.', 'total', op(m1, '+', m2));
      },
    },
    {
      id: 'rate-goal',
      build(b) {
        const p = b.person();
        const g = prod(b);
        const [r, h] = [b.rng.int(2, 20), b.rng.int(2, 8)];
        const T = r * h + b.rng.int(1, 60);
        b.say(RATE, { ...Builder.pvars(p), ...g, r });
        b.say(ONE_SPAN, { ...Builder.pvars(p), h });
        b.say(GOAL, { ...Builder.pvars(p), ...g, T });
        b.ask(ASK_MORE, { ...Builder.pvars(p), ...g });
        const m = b.step(`${p.name} makes ${r} ${g.products} per hour for ${h} hours.`, 'made', op(r, '*', h));
        return b.step(`${T} ${g.products} are needed in total.`, 'more', op(T, '-', m));
      },
    },
    {
      id: 'two-workers-total',
      build(b) {
        const p = b.person();
        const p2 = b.person();
        const g = prod(b);
        const [r1, r2, h] = [b.rng.int(2, 20), b.rng.int(2, 20), b.rng.int(2, 9)];
        b.say(RATE, { ...Builder.pvars(p), ...g, r: r1 });
        b.say(RATE2, { ...Builder.pvars(p2, '2'), ...g, r: r2 });
        b.say(TOGETHER, { h });
        b.ask(ASK_BOTH, { ...g });
        const both = b.step(`Together ${p.name} and ${p2.name} make ${r1} + ${r2} ${g.products} per hour.`, 'rate', op(r1, '+', r2));
        return b.step(`They work for ${h} hours.`, 'total', op(both, '*', h));
      },
    },
    {
      id: 'drive-walk',
      build(b) {
        const p = b.person();
        const [s, h, w] = [b.rng.int(20, 90), b.rng.int(2, 6), b.rng.int(2, 15)];
        b.say(DRIVE, { ...Builder.pvars(p), s, h });
        b.say(WALK, { ...Builder.pvars(p), w });
        b.ask(ASK_DIST, Builder.pvars(p));
        const d = b.step(`${p.name} drives at ${s} km per hour for ${h} hours.`, 'drive', op(s, '*', h));
        return b.step(`Then ${p.name} walks ${w} km.`, 'distance', op(d, '+', w));
      },
    },
    {
      id: 'two-workers-goal',
      ood: true,
      build(b) {
        const p = b.person();
        const p2 = b.person();
        const g = prod(b);
        const [r1, r2, h] = [b.rng.int(2, 15), b.rng.int(2, 15), b.rng.int(2, 6)];
        const T = (r1 + r2) * h + b.rng.int(1, 60);
        b.say(RATE, { ...Builder.pvars(p), ...g, r: r1 });
        b.say(RATE2, { ...Builder.pvars(p2, '2'), ...g, r: r2 });
        b.say(TOGETHER, { h });
        b.say(GOAL, { ...Builder.pvars(p), ...g, T });
        b.ask(ASK_MORE, { ...Builder.pvars(p), ...g });
        const both = b.step(`Together ${p.name} and ${p2.name} make ${r1} + ${r2} ${g.products} per hour.`, 'rate', op(r1, '+', r2));
        const m = b.step(`They work for ${h} hours.`, 'total', op(both, '*', h));
        return b.step(`${T} ${g.products} are needed in total.`, 'more', op(T, '-', m));
      },
    },
    {
      id: 'hours-days-goal',
      ood: true,
      build(b) {
        const p = b.person();
        const g = prod(b);
        const [r, h, d] = [b.rng.int(2, 15), b.rng.int(2, 8), b.rng.int(2, 6)];
        const T = r * h * d + b.rng.int(1, 80);
        b.say(RATE, { ...Builder.pvars(p), ...g, r });
        b.say(HOURS, { ...Builder.pvars(p), h, d });
        b.say(GOAL, { ...Builder.pvars(p), ...g, T });
        b.ask(ASK_MORE, { ...Builder.pvars(p), ...g });
        const hours = b.step(`${p.name} works ${h} hours a day for ${d} days.`, 'hours', op(h, '*', d));
        const m = b.step(`${p.name} makes ${r} ${g.products} per hour.`, 'total', op(r, '*', hours));
        return b.step(`${T} ${g.products} are needed in total.`, 'more', op(T, '-', m));
      },
    },
    // version 2: new compositions of the pieces above
    {
      id: 'two-days-goal',
      since: 2,
      build(b) {
        const p = b.person();
        const g = prod(b);
        const [r, h1, h2] = [b.rng.int(2, 20), b.rng.int(2, 8), b.rng.int(2, 8)];
        const [day1, day2] = b.rng.shuffle(DAYS).slice(0, 2);
        const T = r * (h1 + h2) + b.rng.int(1, 60);
        b.say(RATE, { ...Builder.pvars(p), ...g, r });
        b.say(TWO_DAYS, { ...Builder.pvars(p), h1, h2, day1: day1!, day2: day2! });
        b.say(GOAL, { ...Builder.pvars(p), ...g, T });
        b.ask(ASK_MORE, { ...Builder.pvars(p), ...g });
        const m1 = b.step(`On ${day1} ${p.name} makes ${r} ${g.products} per hour for ${h1} hours.`, 'made1', op(r, '*', h1));
        const m2 = b.step(`On ${day2} ${p.name} makes ${r} ${g.products} per hour for ${h2} hours.`, 'made2', op(r, '*', h2));
        const m = b.step('Add the two days.', 'made', op(m1, '+', m2));
        return b.step(`${T} ${g.products} are needed in total.`, 'more', op(T, '-', m));
      },
    },
    {
      id: 'two-workers-hours-days',
      since: 2,
      build(b) {
        const p = b.person();
        const p2 = b.person();
        const g = prod(b);
        const [r1, r2, h, d] = [b.rng.int(2, 15), b.rng.int(2, 15), b.rng.int(2, 8), b.rng.int(2, 6)];
        b.say(RATE, { ...Builder.pvars(p), ...g, r: r1 });
        b.say(RATE2, { ...Builder.pvars(p2, '2'), ...g, r: r2 });
        b.say(TOGETHER_DAYS, { h, d });
        b.ask(ASK_BOTH, { ...g });
        const both = b.step(`Together ${p.name} and ${p2.name} make ${r1} + ${r2} ${g.products} per hour.`, 'rate', op(r1, '+', r2));
        const hours = b.step(`They work ${h} hours a day for ${d} days.`, 'hours', op(h, '*', d));
        return b.step('Multiply the rate by the hours.', 'total', op(both, '*', hours));
      },
    },
    {
      id: 'two-workers-own-hours',
      since: 2,
      build(b) {
        const p = b.person();
        const p2 = b.person();
        const g = prod(b);
        const [r1, r2, h1, h2] = [b.rng.int(2, 20), b.rng.int(2, 20), b.rng.int(2, 9), b.rng.int(2, 9)];
        b.say(RATE, { ...Builder.pvars(p), ...g, r: r1 });
        b.say(RATE2, { ...Builder.pvars(p2, '2'), ...g, r: r2 });
        b.say(SPANS, { name: p.name, name2: p2.name, h1, h2 });
        b.ask(ASK_BOTH, { ...g });
        const m1 = b.step(`${p.name} makes ${r1} ${g.products} per hour for ${h1} hours.`, 'made1', op(r1, '*', h1));
        const m2 = b.step(`${p2.name} makes ${r2} ${g.products} per hour for ${h2} hours.`, 'made2', op(r2, '*', h2));
        return b.step('Add what they make.', 'total', op(m1, '+', m2));
      },
    },
    { id: 'drive-twice-walk', since: 2, build: (b) => trip(b, { twice: true, days: false }) },
    { id: 'drive-days-walk', since: 2, build: (b) => trip(b, { twice: false, days: true }) },
  ],
};

/** A drive (h hours, or h hours a day for d days), maybe a second drive, then a walk. */
function trip(b: Builder, o: { twice: boolean; days: boolean }): Ex {
  const p = b.person();
  const [s, h] = [b.rng.int(20, 90), b.rng.int(2, 6)];
  let drive: Ex;
  if (o.days) {
    const d = b.rng.int(2, 5);
    b.say(DRIVE_DAYS, { ...Builder.pvars(p), s, h, d });
    const hours = b.step(`${p.name} drives ${h} hours a day for ${d} days.`, 'hours', op(h, '*', d));
    drive = b.step(`${p.name} drives at ${s} km per hour.`, 'drive', op(s, '*', hours));
  } else {
    b.say(DRIVE, { ...Builder.pvars(p), s, h });
    drive = b.step(`${p.name} drives at ${s} km per hour for ${h} hours.`, 'drive', op(s, '*', h));
  }
  let drive2: Ex | undefined;
  if (o.twice) {
    const [s2, h2] = [b.rng.int(20, 90), b.rng.int(2, 5)];
    b.say(DRIVE2, { ...Builder.pvars(p), s: s2, h: h2 });
    drive2 = b.step(`Then ${p.name} drives at ${s2} km per hour for ${h2} hours.`, 'drive', op(s2, '*', h2));
  }
  const w = b.rng.int(2, 15);
  b.say(WALK, { ...Builder.pvars(p), w });
  b.ask(ASK_DIST, Builder.pvars(p));
  const total = drive2 ? op(op(drive, '+', drive2), '+', w) : op(drive, '+', w);
  return b.step(drive2 ? `Add the two drives and the ${w} km walk.` : `Then ${p.name} walks ${w} km.`, 'distance', total);
}
