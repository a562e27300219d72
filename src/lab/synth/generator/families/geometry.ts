import { Builder } from '../builder';
import { type Ex, op } from '../expr';
import { PLACES } from '../lexicon';
import { slot } from '../phrasing';
import type { Family } from './types';

const RECT = slot('geo.rect', [
  'A {place} is {l} meters long and {w} meters wide.',
  'A rectangular {place} is {l} meters long and {w} meters wide.',
  'The {place} of {name} is a rectangle {l} meters long and {w} meters wide.',
  '{name} has a {place} that is {l} meters by {w} meters.',
], ['A {place} is {w} meters wide and {l} meters long.'], [
  '{name} has a rectangular {place}, {l} meters long and {w} meters wide.',
  'The {place} is a rectangle of {l} meters by {w} meters.',
  '{name} has a {place} {l} meters long and {w} meters wide.',
]);
const RECT2 = slot('geo.rect2', ['A second {place} is {l} meters long and {w} meters wide.', 'Another {place} is {l} meters by {w} meters.', 'There is also a {place} that is {l} meters long and {w} meters wide.'], [
  'The other {place} is {w} meters wide and {l} meters long.',
], ['The second {place} is {l} meters by {w} meters.', 'Another rectangular {place} is {l} meters long and {w} meters wide.', 'There is also a rectangular {place}, {l} meters by {w} meters.']);
const SQUARE_CUT = slot('geo.squarecut', [
  'A square pond with sides of {s} meters is in the middle of it.',
  'In one corner there is a square pond, {s} meters on each side.',
  'A square of {s} meters by {s} meters is used for a pond.',
], ['There is a square pond in it with sides of {s} meters.'], [
  'In the middle of it there is a square pond, {s} meters on each side.',
  'A square pond, {s} meters on each side, is in one corner.',
  'The pond is a square with sides of {s} meters.',
]);
const GRASS = slot('geo.grass', ['Grass costs {c} dollars per square meter.', 'Each square meter of grass costs {c} dollars.', 'It costs {c} dollars to cover one square meter.'], [
  'One square meter of grass costs {c} dollars.',
], ['The grass costs {c} dollars per square meter.', 'It costs {c} dollars to cover each square meter with grass.', 'Grass is {c} dollars for each square meter.']);
const FENCE = slot('geo.fence', ['A fence costs {c} dollars per meter.', 'Each meter of fence costs {c} dollars.', 'Fence costs {c} dollars for each meter.'], [
  'One meter of fence costs {c} dollars.',
], ['The fence costs {c} dollars per meter.', 'It costs {c} dollars for each meter of fence.', 'Fence is {c} dollars per meter.']);
const ASK_GRASS = slot('geo.ask.grass', ['How much does it cost to cover the {place} with grass?', 'How many dollars does the grass cost?', 'What is the cost of the grass in dollars?'], [
  'For the grass, how many dollars are needed?',
], ['How many dollars does it cost to cover the {place} with grass?', 'How much does the grass cost?']);
const ASK_FENCE = slot('geo.ask.fence', ['How much does it cost to put a fence around the {place}?', 'How many dollars does the fence cost?', 'What is the cost of the fence in dollars?'], [
  'For the fence, how many dollars are needed?',
], ['How many dollars does it cost to put a fence around the {place}?', 'How much does the fence cost?']);
const ASK_AREA = slot('geo.ask.area', ['What is the total area in square meters?', 'How many square meters is that {in total|altogether}?', 'What is their total area?'], [
  'In square meters, what is the total area?',
], ['What is their total area in square meters?', 'How many square meters is their total area?']);
const ASK_AREA_LEFT = slot('geo.ask.arealeft', ['How many square meters of the {place} are not the pond?', 'What area is left without the pond?', 'How many square meters are left for grass?'], [
  'What is the area of the {place} that is not the pond?',
], ['How many square meters are left without the pond?', 'Without the pond, how many square meters are left?']);

// Version 2 questions, built from the words above.
const ASK_PERIMS = slot('geo.ask.perims', [
  'What is the total perimeter of the {place} and the {place2} in meters?',
  'How many meters is the perimeter of the {place} and the {place2} {in total|altogether}?',
  'What is their total perimeter in meters?',
]);
const ASK_FENCES = slot('geo.ask.fences', [
  'How much does it cost to put a fence around the {place} and the {place2}?',
  'How many dollars does a fence around the {place} and the {place2} cost?',
  'What is the cost in dollars of a fence around the {place} and the {place2}?',
]);
const ASK_BOTH = slot('geo.ask.both', [
  'How much does it cost to cover the {place} with grass and put a fence around it?',
  'What is the total cost of the grass and the fence in dollars?',
  'How many dollars does it cost for the grass and the fence {in total|altogether}?',
]);
const ASK_POND_FENCE = slot('geo.ask.pondfence', [
  'How much does it cost to put a fence around the pond?',
  'How many dollars does a fence around the pond cost?',
  'What is the cost of a fence around the pond in dollars?',
]);

/** Version 2: two rectangles and their perimeters; with `cost`, a fence around both. */
function twoFences(b: Builder, cost: boolean): Ex {
  const p = b.person();
  const [pl1, pl2] = b.rng.shuffle(PLACES).slice(0, 2);
  const [l1, w1, l2, w2, c] = [b.rng.int(3, 30), b.rng.int(2, 20), b.rng.int(3, 30), b.rng.int(2, 20), b.rng.int(2, 12)];
  b.say(RECT, { ...Builder.pvars(p), place: pl1!, l: l1, w: w1 });
  b.say(RECT2, { place: pl2!, l: l2, w: w2 });
  if (cost) b.say(FENCE, { c });
  b.ask(cost ? ASK_FENCES : ASK_PERIMS, { place: pl1!, place2: pl2! });
  const p1 = b.step(`The perimeter of the ${pl1} is 2 times (${l1} + ${w1}).`, 'perimeter1', op(2, '*', op(l1, '+', w1)));
  const p2 = b.step(`The perimeter of the ${pl2} is 2 times (${l2} + ${w2}).`, 'perimeter2', op(2, '*', op(l2, '+', w2)));
  const t = b.step('Add the two perimeters.', 'total', op(p1, '+', p2));
  if (!cost) return t;
  return b.step(`Each meter of fence costs ${c} dollars.`, 'cost', op(t, '*', c));
}

/** Version 2: a rectangle with a square pond; with `pond` the fence goes around the pond, else around the rectangle. */
function fenceWithPond(b: Builder, pond: boolean): Ex {
  const p = b.person();
  const place = b.rng.pick(PLACES);
  const [l, w, c] = [b.rng.int(6, 30), b.rng.int(5, 20), b.rng.int(2, 15)];
  const s = b.rng.int(1, Math.min(l, w) - 1);
  b.say(RECT, { ...Builder.pvars(p), place, l, w });
  b.say(SQUARE_CUT, { s });
  b.say(FENCE, { c });
  b.ask(pond ? ASK_POND_FENCE : ASK_FENCE, { place });
  const per = pond
    ? b.step(`The pond is a square, and the perimeter of the pond is 4 times ${s}.`, 'perimeter', op(4, '*', s))
    : b.step(`The perimeter of the ${place} is 2 times (${l} + ${w}).`, 'perimeter', op(2, '*', op(l, '+', w)));
  return b.step(`Each meter of fence costs ${c} dollars.`, 'cost', op(per, '*', c));
}

export const geometry: Family = {
  name: 'geometry',
  variants: [
    {
      id: 'area-cost',
      build(b) {
        const p = b.person();
        const place = b.rng.pick(PLACES);
        const [l, w, c] = [b.rng.int(3, 30), b.rng.int(2, 20), b.rng.int(2, 15)];
        b.say(RECT, { ...Builder.pvars(p), place, l, w });
        b.say(GRASS, { c });
        b.ask(ASK_GRASS, { place });
        const a = b.step(`The area of the ${place} is ${l} times ${w}.`, 'area', op(l, '*', w));
        return b.step(`Each square meter costs ${c} dollars.`, 'cost', op(a, '*', c));
      },
    },
    {
      id: 'fence-cost',
      build(b) {
        const p = b.person();
        const place = b.rng.pick(PLACES);
        const [l, w, c] = [b.rng.int(3, 40), b.rng.int(2, 30), b.rng.int(2, 15)];
        b.say(RECT, { ...Builder.pvars(p), place, l, w });
        b.say(FENCE, { c });
        b.ask(ASK_FENCE, { place });
        const per = b.step(`The perimeter of the ${place} is 2 times (${l} + ${w}).`, 'perimeter', op(2, '*', op(l, '+', w)));
        return b.step(`Each meter of fence costs ${c} dollars.`, 'cost', op(per, '*', c));
      },
    },
    {
      id: 'two-areas',
      build(b) {
        const p = b.person();
        const [pl1, pl2] = b.rng.shuffle(PLACES).slice(0, 2);
        const [l1, w1, l2, w2] = [b.rng.int(3, 25), b.rng.int(2, 20), b.rng.int(3, 25), b.rng.int(2, 20)];
        b.say(RECT, { ...Builder.pvars(p), place: pl1!, l: l1, w: w1 });
        b.say(RECT2, { place: pl2!, l: l2, w: w2 });
        b.ask(ASK_AREA, {});
        const a1 = b.step(`The area of the ${pl1} is ${l1} times ${w1}.`, 'area1', op(l1, '*', w1));
        const a2 = b.step(`The area of the ${pl2} is ${l2} times ${w2}.`, 'area2', op(l2, '*', w2));
        return b.step('Add the two areas.', 'total', op(a1, '+', a2));
      },
    },
    {
      id: 'area-minus-square',
      build(b) {
        const p = b.person();
        const place = b.rng.pick(PLACES);
        const [l, w] = [b.rng.int(6, 30), b.rng.int(5, 20)];
        const s = b.rng.int(1, Math.min(l, w) - 1);
        b.say(RECT, { ...Builder.pvars(p), place, l, w });
        b.say(SQUARE_CUT, { s });
        b.ask(ASK_AREA_LEFT, { place });
        const a = b.step(`The area of the ${place} is ${l} times ${w}.`, 'area', op(l, '*', w));
        const sq = b.step(`The pond is a square with sides of ${s} meters.`, 'pond', op(s, '*', s));
        return b.step('Subtract the pond from the area.', 'left', op(a, '-', sq));
      },
    },
    {
      id: 'area-minus-square-cost',
      ood: true,
      build(b) {
        const p = b.person();
        const place = b.rng.pick(PLACES);
        const [l, w, c] = [b.rng.int(6, 25), b.rng.int(5, 20), b.rng.int(2, 12)];
        const s = b.rng.int(1, Math.min(l, w) - 1);
        b.say(RECT, { ...Builder.pvars(p), place, l, w });
        b.say(SQUARE_CUT, { s });
        b.say(GRASS, { c });
        b.ask(ASK_GRASS, { place });
        const a = b.step(`The area of the ${place} is ${l} times ${w}.`, 'area', op(l, '*', w));
        const sq = b.step(`The pond is a square with sides of ${s} meters.`, 'pond', op(s, '*', s));
        const left = b.step('Subtract the pond from the area.', 'left', op(a, '-', sq));
        return b.step(`Each square meter costs ${c} dollars.`, 'cost', op(left, '*', c));
      },
    },
    {
      id: 'two-areas-cost',
      ood: true,
      build(b) {
        const p = b.person();
        const [pl1, pl2] = b.rng.shuffle(PLACES).slice(0, 2);
        const [l1, w1, l2, w2, c] = [b.rng.int(3, 20), b.rng.int(2, 15), b.rng.int(3, 20), b.rng.int(2, 15), b.rng.int(2, 12)];
        b.say(RECT, { ...Builder.pvars(p), place: pl1!, l: l1, w: w1 });
        b.say(RECT2, { place: pl2!, l: l2, w: w2 });
        b.say(GRASS, { c });
        b.ask(ASK_GRASS, { place: pl1! });
        const a1 = b.step(`The area of the ${pl1} is ${l1} times ${w1}.`, 'area1', op(l1, '*', w1));
        const a2 = b.step(`The area of the ${pl2} is ${l2} times ${w2}.`, 'area2', op(l2, '*', w2));
        const t = b.step('Add the two areas.', 'total', op(a1, '+', a2));
        return b.step(`Each square meter costs ${c} dollars.`, 'cost', op(t, '*', c));
      },
    },
    // version 2: new compositions of the pieces above (never the held-out ones)
    { id: 'two-perimeters', since: 2, build: (b) => twoFences(b, false) },
    { id: 'two-fences-cost', since: 2, build: (b) => twoFences(b, true) },
    {
      id: 'area-and-fence-cost',
      since: 2,
      build(b) {
        const p = b.person();
        const place = b.rng.pick(PLACES);
        const [l, w, c, f] = [b.rng.int(3, 30), b.rng.int(2, 20), b.rng.int(2, 12), b.rng.int(2, 15)];
        b.say(RECT, { ...Builder.pvars(p), place, l, w });
        const order = b.rng.chance(0.5);
        if (order) b.say(GRASS, { c });
        b.say(FENCE, { c: f });
        if (!order) b.say(GRASS, { c });
        b.ask(ASK_BOTH, { place });
        const a = b.step(`The area of the ${place} is ${l} times ${w}.`, 'area', op(l, '*', w));
        const g = b.step(`Each square meter of grass costs ${c} dollars.`, 'grass', op(a, '*', c));
        const per = b.step(`The perimeter of the ${place} is 2 times (${l} + ${w}).`, 'perimeter', op(2, '*', op(l, '+', w)));
        const fc = b.step(`Each meter of fence costs ${f} dollars.`, 'fence', op(per, '*', f));
        return b.step('Add the cost of the grass and the cost of the fence.', 'total', op(g, '+', fc));
      },
    },
    { id: 'pond-fence-cost', since: 2, build: (b) => fenceWithPond(b, true) },
    { id: 'fence-cost-with-pond', since: 2, build: (b) => fenceWithPond(b, false) },
  ],
};
