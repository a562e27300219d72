import { Builder } from '../builder';
import { type Ex, frac, num, op } from '../expr';
import { PLACES } from '../lexicon';
import { slot } from '../phrasing';
import type { Family } from './types';

const RECT = slot(
  'geo.rect',
  [
    'A {place} is {l} meters long and {w} meters wide.',
    'A rectangular {place} is {l} meters long and {w} meters wide.',
    'The {place} of {name} is a rectangle {l} meters long and {w} meters wide.',
    '{name} has a {place} that is {l} meters by {w} meters.',
  ],
  ['A {place} is {w} meters wide and {l} meters long.'],
  [
    '{name} has a rectangular {place}, {l} meters long and {w} meters wide.',
    'The {place} is a rectangle of {l} meters by {w} meters.',
    '{name} has a {place} {l} meters long and {w} meters wide.',
  ],
);
const RECT2 = slot(
  'geo.rect2',
  [
    'A second {place} is {l} meters long and {w} meters wide.',
    'Another {place} is {l} meters by {w} meters.',
    'There is also a {place} that is {l} meters long and {w} meters wide.',
  ],
  ['The other {place} is {w} meters wide and {l} meters long.'],
  [
    'The second {place} is {l} meters by {w} meters.',
    'Another rectangular {place} is {l} meters long and {w} meters wide.',
    'There is also a rectangular {place}, {l} meters by {w} meters.',
  ],
);
const SQUARE_CUT = slot(
  'geo.squarecut',
  [
    'A square pond with sides of {s} meters is in the middle of it.',
    'In one corner there is a square pond, {s} meters on each side.',
    'A square of {s} meters by {s} meters is used for a pond.',
  ],
  ['There is a square pond in it with sides of {s} meters.'],
  [
    'In the middle of it there is a square pond, {s} meters on each side.',
    'A square pond, {s} meters on each side, is in one corner.',
    'The pond is a square with sides of {s} meters.',
  ],
);
const GRASS = slot(
  'geo.grass',
  [
    'Grass costs {c} dollars per square meter.',
    'Each square meter of grass costs {c} dollars.',
    'It costs {c} dollars to cover one square meter.',
  ],
  ['One square meter of grass costs {c} dollars.'],
  [
    'The grass costs {c} dollars per square meter.',
    'It costs {c} dollars to cover each square meter with grass.',
    'Grass is {c} dollars for each square meter.',
  ],
);
const FENCE = slot(
  'geo.fence',
  ['A fence costs {c} dollars per meter.', 'Each meter of fence costs {c} dollars.', 'Fence costs {c} dollars for each meter.'],
  ['One meter of fence costs {c} dollars.'],
  ['The fence costs {c} dollars per meter.', 'It costs {c} dollars for each meter of fence.', 'Fence is {c} dollars per meter.'],
);
const ASK_GRASS = slot(
  'geo.ask.grass',
  [
    'How much does it cost to cover the {place} with grass?',
    'How many dollars does the grass cost?',
    'What is the cost of the grass in dollars?',
  ],
  ['For the grass, how many dollars are needed?'],
  ['How many dollars does it cost to cover the {place} with grass?', 'How much does the grass cost?'],
);
const ASK_FENCE = slot(
  'geo.ask.fence',
  [
    'How much does it cost to put a fence around the {place}?',
    'How many dollars does the fence cost?',
    'What is the cost of the fence in dollars?',
  ],
  ['For the fence, how many dollars are needed?'],
  ['How many dollars does it cost to put a fence around the {place}?', 'How much does the fence cost?'],
);
const ASK_AREA = slot(
  'geo.ask.area',
  ['What is the total area in square meters?', 'How many square meters is that {in total|altogether}?', 'What is their total area?'],
  ['In square meters, what is the total area?'],
  ['What is their total area in square meters?', 'How many square meters is their total area?'],
);
const ASK_AREA_LEFT = slot(
  'geo.ask.arealeft',
  [
    'How many square meters of the {place} are not the pond?',
    'What area is left without the pond?',
    'How many square meters are left for grass?',
  ],
  ['What is the area of the {place} that is not the pond?'],
  ['How many square meters are left without the pond?', 'Without the pond, how many square meters are left?'],
);

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

/** Version 3: areas and volumes, as people ask them in chat ({u}: a unit of length). */
const RECT_AREA = slot(
  'geo.v3.rect',
  [
    'What is the area of a rectangle with length {l} {u} and width {w} {u}?',
    'Find the area of a {l} {u} by {w} {u} rectangle.',
    'A rectangle is {l} {u} long and {w} {u} wide. What is its area?',
    'Calculate the area of a rectangle {l} {u} by {w} {u}.',
    'What is the area of a {l} by {w} rectangle?',
    'How many square {u} is a rectangle {l} {u} long and {w} {u} wide?',
  ],
  ['A {w} {u} wide, {l} {u} long rectangle has what area?', 'Give the area of a rectangle of {l} {u} by {w} {u}.'],
);
const TRIANGLE = slot(
  'geo.v3.triangle',
  [
    'What is the area of a triangle with base {l} {u} and height {w} {u}?',
    'Find the area of a triangle with a base of {l} {u} and a height of {w} {u}.',
    'A triangle has base {l} and height {w}. What is its area?',
    'Calculate the area of a triangle whose base is {l} {u} and height is {w} {u}.',
    'What is the area of a triangle, base {l} {u}, height {w} {u}?',
    'How many square {u} is a triangle with base {l} {u} and height {w} {u}?',
  ],
  ['Give the area of a triangle of base {l} {u} and height {w} {u}.'],
);
const SQUARE = slot(
  'geo.v3.square',
  [
    'What is the area of a square with sides of {s} {u}?',
    'Find the area of a square with side {s} {u}.',
    'A square has sides of {s} {u}. What is its area?',
    'Calculate the area of a square whose side is {s} {u}.',
    'What is the area of a {s} by {s} square?',
    'How many square {u} is a square with {s} {u} sides?',
  ],
  ['Give the area of a square of side {s} {u}.'],
);
const PERIM = slot(
  'geo.v3.perimeter',
  [
    'What is the perimeter of a rectangle {l} {u} long and {w} {u} wide?',
    'Find the perimeter of a {l} {u} by {w} {u} rectangle.',
    'A rectangle is {l} {u} by {w} {u}. What is its perimeter?',
    'Calculate the perimeter of a rectangle with length {l} and width {w}.',
    'How long is the perimeter of a rectangle of {l} {u} by {w} {u}?',
    'What is the distance around a rectangle {l} {u} long and {w} {u} wide?',
  ],
  ['Give the perimeter of a rectangle of {l} {u} by {w} {u}.'],
);
const BOX = slot(
  'geo.v3.box',
  [
    'What is the volume of a box {l} {u} long, {w} {u} wide and {h} {u} high?',
    'Find the volume of a {l} by {w} by {h} box.',
    'A box is {l} {u} long, {w} {u} wide and {h} {u} tall. What is its volume?',
    'Calculate the volume of a rectangular prism with sides {l}, {w} and {h} {u}.',
    'How many cubic {u} is a box of {l} {u} by {w} {u} by {h} {u}?',
    'What is the volume of a cuboid with length {l} {u}, width {w} {u} and height {h} {u}?',
  ],
  ['Give the volume of a box of {l} {u} by {w} {u} by {h} {u}.'],
);
const CUBE = slot(
  'geo.v3.cube',
  [
    'What is the volume of a cube with edges of {s} {u}?',
    'Find the volume of a cube with side {s} {u}.',
    'A cube has sides of {s} {u}. What is its volume?',
    'Calculate the volume of a cube whose edge is {s} {u}.',
    'How many cubic {u} is a cube with {s} {u} edges?',
    'What is the volume of a {s} by {s} by {s} cube?',
  ],
  ['Give the volume of a cube of side {s} {u}.'],
);
const CIRCLE = slot(
  'geo.v3.circle',
  [
    'What is the area of a circle with radius {r} {u}? Use 22/7 for pi.',
    'Find the area of a circle of radius {r} {u}, taking pi as 22/7.',
    'Using pi = 22/7, what is the area of a circle with a radius of {r} {u}?',
    'A circle has radius {r} {u}. Taking pi as 22/7, what is its area?',
    'Calculate the area of a circle with radius {r}, using 22/7 for pi.',
    'With pi = 22/7, find the area of a circle whose radius is {r} {u}.',
  ],
  ['Take pi as 22/7. Give the area of a circle of radius {r} {u}.'],
);
const CYLINDER = slot('geo.v3.cylinder', [
  'What is the volume of a cylinder with radius {r} {u} and height {h} {u}? Use 22/7 for pi.',
  'Find the volume of a cylinder of radius {r} {u} and height {h} {u}, taking pi as 22/7.',
  'Using pi = 22/7, what is the volume of a cylinder with radius {r} {u} and height {h} {u}?',
  'A cylinder has radius {r} {u} and height {h} {u}. Taking pi as 22/7, what is its volume?',
  'Calculate the volume of a cylinder with radius {r} and height {h}, using 22/7 for pi.',
  'With pi = 22/7, find the volume of a cylinder whose radius is {r} {u} and height is {h} {u}.',
]);
const LENGTHS = ['cm', 'm', 'inches', 'feet', 'meters', 'centimeters'];

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
    // version 3: plain areas and volumes (the chat curriculum)
    {
      id: 'rectangle-area',
      since: 3,
      wideNumbers: true,
      build(b) {
        const [l, w, u] = [b.num(2, 30), b.num(1, 20), b.rng.pick(LENGTHS)];
        b.ask(RECT_AREA, { l, w, u });
        const len = b.step(`The length is ${l}.`, 'length', num(l));
        return b.step(`Area of a rectangle = length times width ${w}.`, 'area', op(len, '*', w));
      },
    },
    {
      id: 'triangle-area',
      since: 3,
      wideNumbers: true,
      build(b) {
        const [l, w, u] = [b.num(2, 30), b.num(1, 20), b.rng.pick(LENGTHS)];
        b.ask(TRIANGLE, { l, w, u });
        const bh = b.step(`Base times height is ${l} times ${w}.`, 'product', op(l, '*', w));
        return b.step('Area of a triangle = half of base times height.', 'area', op(frac(1, 2), '*', bh));
      },
    },
    {
      id: 'square-area',
      since: 3,
      wideNumbers: true,
      build(b) {
        const [s, u] = [b.num(2, 25), b.rng.pick(LENGTHS)];
        b.ask(SQUARE, { s, u });
        const side = b.step(`The side is ${s}.`, 'side', num(s));
        return b.step('Area of a square = side times side.', 'area', op(side, '*', side));
      },
    },
    {
      id: 'rectangle-perimeter',
      since: 3,
      wideNumbers: true,
      build(b) {
        const [l, w, u] = [b.num(2, 30), b.num(1, 20), b.rng.pick(LENGTHS)];
        b.ask(PERIM, { l, w, u });
        const half = b.step(`Length plus width is ${l} + ${w}.`, 'half', op(l, '+', w));
        return b.step('The perimeter goes around twice that.', 'perimeter', op(2, '*', half));
      },
    },
    {
      id: 'box-volume',
      since: 3,
      wideNumbers: true,
      build(b) {
        const [l, w, h, u] = [b.num(2, 20), b.num(1, 15), b.num(1, 12), b.rng.pick(LENGTHS)];
        b.ask(BOX, { l, w, h, u });
        const base = b.step(`The base area is ${l} times ${w}.`, 'base', op(l, '*', w));
        return b.step(`Volume = base area times height ${h}.`, 'volume', op(base, '*', h));
      },
    },
    {
      id: 'cube-volume',
      since: 3,
      wideNumbers: true,
      build(b) {
        const [s, u] = [b.num(2, 15), b.rng.pick(LENGTHS)];
        b.ask(CUBE, { s, u });
        const face = b.step(`One face has area ${s} times ${s}.`, 'face', op(s, '*', s));
        return b.step(`Volume = face area times the edge ${s}.`, 'volume', op(face, '*', s));
      },
    },
    {
      id: 'circle-area',
      since: 3,
      wideNumbers: true,
      build(b) {
        const [r, u] = [7 * b.num(1, 6), b.rng.pick(LENGTHS)];
        b.ask(CIRCLE, { r, u });
        const pi = b.step('Take pi as 22/7.', 'pi', frac(22, 7));
        const sq = b.step(`The radius squared is ${r} times ${r}.`, 'r2', op(r, '*', r));
        return b.step('Area of a circle = pi times radius squared.', 'area', op(pi, '*', sq));
      },
    },
    {
      id: 'cylinder-volume',
      since: 3,
      ood: true,
      build(b) {
        const [r, h, u] = [7 * b.rng.int(1, 4), b.rng.int(1, 20), b.rng.pick(LENGTHS)];
        b.ask(CYLINDER, { r, h, u });
        const pi = b.step('Take pi as 22/7.', 'pi', frac(22, 7));
        const base = b.step('The base is a circle: pi times radius squared.', 'base', op(pi, '*', op(r, '*', r)));
        return b.step(`Volume = base area times height ${h}.`, 'volume', op(base, '*', h));
      },
    },
  ],
};
