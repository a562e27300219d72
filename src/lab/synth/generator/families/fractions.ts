import { Builder } from '../builder';
import { type Ex, frac, num, op, value } from '../expr';
import { COLORS, GOODS, SHOPS, THINGS } from '../lexicon';
import { slot } from '../phrasing';
import type { Family } from './types';

const HAS = slot(
  'frac.has',
  [
    '{name} has {n} {items}.',
    'There are {n} {items} in a box that {name} has.',
    '{name} {collects|keeps|owns} {n} {items}.',
    '{name} starts with {n} {items}.',
  ],
  ['In a box, {name} has {n} {items}.'],
  ['{name} has a box with {n} {items}.', 'There are {n} {items} that {name} {keeps|owns}.', '{name} starts with a box of {n} {items}.'],
);
const GIVE = slot(
  'frac.give',
  [
    '{Pron} gives {a}/{b} of them to {name2}.',
    '{Pron} gives {a}/{b} of the {items} to {name2}.',
    '{name2} gets {a}/{b} of them from {obj}.',
  ],
  ['Of them, {pron} gives {a}/{b} to {name2}.'],
  ['{Pron} gives {name2} {a}/{b} of them.', '{Pron} gives {name2} {a}/{b} of the {items}.', '{a}/{b} of them are given to {name2}.'],
);
const PCT_REST = slot(
  'frac.pctrest',
  [
    'Then {pron} {sells|gives away} {pc}% of the rest.',
    '{Pron} then {sells|gives away} {pc}% of the {items} that are left.',
    'After that, {pc}% of the rest are {sold|given away}.',
  ],
  ['Of the rest, {pron} then {sells|gives away} {pc}%.'],
  [
    'After that, {pron} {sells|gives away} {pc}% of the rest.',
    'Then {pc}% of the {items} that are left are {sold|given away}.',
    '{Pron} {sells|gives away} {pc}% of the {items} {pron} has left.',
  ],
);
const ASK_LEFT = slot(
  'frac.ask.left',
  ['How many {items} are left?', 'How many {items} does {name} have left?', 'How many {items} does {pron} keep?'],
  ['In the end, how many {items} are left?'],
  ['How many {items} does {name} keep?', 'How many {items} does {pron} have left now?'],
);
const PRICE = slot(
  'frac.price',
  ['A {item} costs {c} dollars.', 'The price of a {item} is {c} dollars.', 'One {item} costs {c} dollars at the {shop}.'],
  ['At the {shop}, {c} dollars is the price of a {item}.'],
  ['A {item} at the {shop} costs {c} dollars.', 'The {shop} sells a {item} for {c} dollars.'],
);
const SALE = slot(
  'frac.sale',
  ['It is on sale for {pc}% off.', 'The {shop} gives {pc}% off.', 'There is a {pc}% discount.'],
  ['It is {pc}% off at the {shop}.'],
  ['The {shop} gives a {pc}% discount.', 'There is a discount of {pc}%.'],
);
const BUY_N = slot(
  'frac.buyn',
  ['{name} buys {n} of them at the sale price.', '{name} {buys|gets} {n} {items} on sale.', 'At this price {name} buys {n} {items}.'],
  ['On sale, {name} gets {n} {items}.'],
  ['{name} buys {n} {items} at the sale price.', '{name} buys {n} of them at this price.'],
);
const ASK_PRICE = slot(
  'frac.ask.price',
  ['How much does it cost now?', 'What is the sale price in dollars?', 'How many dollars does it cost on sale?'],
  ['On sale, how many dollars does it cost?'],
  ['What is the price now in dollars?', 'How many dollars is the sale price?'],
);
const ASK_SPEND = slot(
  'frac.ask.spend',
  ['How much does {name} spend?', 'How many dollars does {name} pay?', 'What is the total cost in dollars?'],
  ['In total, how many dollars does {name} pay?'],
  ['How many dollars does {name} spend?', 'How much does {name} pay?'],
);
const SOME_COLOR = slot(
  'frac.color',
  ['{k} of them are {color}.', 'Of these, {k} are {color}.', '{k} of the {items} are {color}.'],
  ['{color} ones make up {k} of them.'],
  ['Of the {items}, {k} are {color}.', 'There are {k} {color} {items}.'],
);
const MORE_COLOR = slot(
  'frac.morecolor',
  ['{Pron} gets {m} more {color} {items}.', 'Then {pron} buys {m} more {color} {items}.', '{name2} gives {obj} {m} more {color} {items}.'],
  ['{m} more {color} {items} are added.'],
  ['After that, {pron} gets {m} more {color} {items}.', '{name2} gives {m} more {color} {items} to {obj}.'],
);
const ASK_FRAC = slot(
  'frac.ask.frac',
  [
    'What fraction of the {items} are {color}?',
    'What fraction of {pos} {items} are {color} now?',
    'Now what fraction of them are {color}?',
  ],
  ['Now, {color} ones are what fraction of the {items}?'],
  ['What fraction of the {items} are {color} now?', 'What fraction of them are {color} now?'],
);

// Version 2 pieces, built from the words above: a percent of all of them, a fraction of the
// rest, a fraction off the price.
const PCT = slot('frac.pct', [
  '{Pron} {sells|gives away} {pc}% of them.',
  '{Pron} {sells|gives away} {pc}% of {pos} {items}.',
  '{pc}% of the {items} are {sold|given away}.',
]);
const PCT_ALL = slot('frac.pctall', [
  'Then {pron} {sells|gives away} {pc}% of {pos} {items}.',
  'After that, {pc}% of all the {items} are {sold|given away}.',
  '{Pron} then {sells|gives away} {pc}% of all {pos} {items}.',
]);
const GIVE_REST = slot('frac.giverest', [
  'Then {pron} gives {a}/{b} of the rest to {name2}.',
  '{Pron} then gives {a}/{b} of the {items} that are left to {name2}.',
  'After that, {name2} gets {a}/{b} of the rest from {obj}.',
]);
const SALE_FRAC = slot('frac.salefrac', [
  'It is on sale for {a}/{b} off.',
  'The {shop} gives {a}/{b} off the price.',
  'There is a discount of {a}/{b} of the price.',
]);

/** Reduced proper fractions for version 2 (a, b). */
const PARTS: [number, number][] = [
  [1, 2],
  [1, 3],
  [2, 3],
  [1, 4],
  [3, 4],
  [1, 5],
  [2, 5],
  [3, 5],
  [4, 5],
];

type Op = 'give' | 'pct' | 'more' | 'giveRest' | 'pctRest';

/**
 * Version 2: a count of things changed by a chain of known pieces (give a fraction away, sell a
 * percent, get more) and the question how many are left. The held-out chain give, percent of the
 * rest, more is refused.
 */
function keepChain(b: Builder, ops: Op[]): Ex {
  if (ops.join(',') === 'give,pctRest,more') throw new Error('held-out structure');
  const [p, p2] = [b.person(), b.person()];
  const p3 = ops.filter((o) => o === 'give' || o === 'giveRest').length > 1 ? b.person() : p2;
  const t = b.rng.pick(THINGS);
  const color = b.rng.pick(COLORS);
  // draw until every count on the way is a whole number
  let draws: { o: Op; a: number; d: number }[] = [];
  let n = 0;
  for (let tries = 0; ; tries++) {
    if (tries > 500) throw new Error('keepChain: no whole numbers');
    draws = ops.map((o) => {
      if (o === 'give' || o === 'giveRest') {
        const [a, d] = b.rng.pick(PARTS);
        return { o, a, d };
      }
      if (o === 'more') return { o, a: b.rng.int(2, 20), d: 1 };
      return { o, a: b.rng.pick([10, 20, 25, 30, 40, 50, 60, 75]), d: 100 };
    });
    n = b.rng.int(2, 12) * b.rng.pick([5, 10, 12]);
    let cur = n;
    let ok = true;
    for (const x of draws) {
      if (x.o === 'more') cur += x.a;
      else if ((cur * x.a) % x.d) ok = false;
      else cur -= (cur * x.a) / x.d;
    }
    if (ok && n <= 150) break;
  }
  const pv = Builder.pvars(p);
  b.say(HAS, { ...pv, n, items: t.many });
  let cur: Ex = num(n);
  let removed = 0;
  let first = true;
  for (const x of draws) {
    const at = cur.code === String(n) ? `${n} ${t.many}` : `the ${value(cur)} ${t.many}`;
    if (x.o === 'more') {
      b.say(MORE_COLOR, { ...pv, ...Builder.pvars(p2, '2'), m: x.a, color, items: t.many });
      cur = b.step(`${p.name} gets ${x.a} more ${t.many}.`, 'now', op(cur, '+', x.a));
    } else {
      const rest = removed > 0;
      if (x.o === 'give' || x.o === 'giveRest') {
        const to = x.o === 'give' ? p2 : p3;
        b.say(x.o === 'give' ? GIVE : GIVE_REST, { ...pv, ...Builder.pvars(to, '2'), a: x.a, b: x.d, items: t.many });
        const g = b.step(
          `${p.name} gives ${x.a}/${x.d} of ${rest ? 'the rest' : at} to ${to.name}.`,
          'given',
          op(cur, '*', frac(x.a, x.d)),
        );
        cur = b.step(
          rest ? 'Subtract them from the rest.' : `Subtract the given ${t.many} from ${value(cur)}.`,
          removed ? 'final' : 'left',
          op(cur, '-', g),
        );
      } else {
        // a percent of all of them: the first sentence after HAS says "of them", later ones "of all"
        b.say(x.o === 'pctRest' ? PCT_REST : first ? PCT : PCT_ALL, { ...pv, pc: x.a, items: t.many });
        const s = b.step(`${x.a}% of ${rest ? 'the rest' : at} are sold or given away.`, 'sold', op(cur, '*', frac(x.a, 100)));
        cur = b.step(
          rest ? 'Subtract them from the rest.' : `Subtract them from ${value(cur)}.`,
          removed ? 'final' : 'left',
          op(cur, '-', s),
        );
      }
      removed++;
    }
    first = false;
  }
  b.ask(ASK_LEFT, { ...pv, items: t.many });
  return cur;
}

/** Version 2: a price with a fraction off (the fraction piece of `give` on the sale pieces). */
function saleFraction(b: Builder, many: boolean): Ex {
  const g = b.rng.pick(GOODS);
  const shop = b.rng.pick(SHOPS);
  const [a, d] = b.rng.pick<[number, number]>([...PARTS, [1, 10], [3, 10]]);
  const c = d * b.rng.int(2, 15);
  b.say(PRICE, { item: g.one, c, shop });
  b.say(SALE_FRAC, { a, b: d, shop });
  const off = b.step(`The discount is ${a}/${d} of ${c} dollars.`, 'discount', op(c, '*', frac(a, d)));
  const pr = b.step('Subtract the discount from the price.', 'price', op(c, '-', off));
  if (!many) {
    b.ask(ASK_PRICE, {});
    return pr;
  }
  const p = b.person();
  const n = b.rng.int(2, 9);
  b.say(BUY_N, { ...Builder.pvars(p), n, items: g.many });
  b.ask(ASK_SPEND, Builder.pvars(p));
  return b.step(`${p.name} buys ${n} ${g.many} at the sale price.`, 'total', op(pr, '*', n));
}

export const fractions: Family = {
  name: 'fractions',
  variants: [
    {
      id: 'give-fraction-left',
      build(b) {
        const [p, p2] = [b.person(), b.person()];
        const t = b.rng.pick(THINGS);
        const bb = b.rng.pick([2, 3, 4, 5, 6, 8, 10]);
        const a = b.rng.int(1, bb - 1);
        const n = b.rng.chance(0.85) ? bb * b.rng.int(2, 12) : b.rng.int(5, 60);
        b.say(HAS, { ...Builder.pvars(p), n, items: t.many });
        b.say(GIVE, { ...Builder.pvars(p), ...Builder.pvars(p2, '2'), a, b: bb, items: t.many });
        b.ask(ASK_LEFT, { ...Builder.pvars(p), items: t.many });
        const g = b.step(`${p.name} gives ${a}/${bb} of ${n} ${t.many} to ${p2.name}.`, 'given', op(n, '*', frac(a, bb)));
        return b.step(`Subtract the given ${t.many} from ${n}.`, 'left', op(n, '-', g));
      },
    },
    {
      id: 'give-fraction-then-percent',
      build(b) {
        const [p, p2] = [b.person(), b.person()];
        const t = b.rng.pick(THINGS);
        const bb = b.rng.pick([2, 3, 4, 5]);
        const a = b.rng.int(1, bb - 1);
        const n = bb * 10 * b.rng.int(1, 6);
        const pc = b.rng.pick([10, 20, 25, 30, 40, 50, 60, 75]);
        b.say(HAS, { ...Builder.pvars(p), n, items: t.many });
        b.say(GIVE, { ...Builder.pvars(p), ...Builder.pvars(p2, '2'), a, b: bb, items: t.many });
        b.say(PCT_REST, { ...Builder.pvars(p), pc, items: t.many });
        b.ask(ASK_LEFT, { ...Builder.pvars(p), items: t.many });
        const g = b.step(`${p.name} gives ${a}/${bb} of ${n} ${t.many} to ${p2.name}.`, 'given', op(n, '*', frac(a, bb)));
        const l = b.step(`Subtract the given ${t.many} from ${n}.`, 'left', op(n, '-', g));
        const s = b.step(`${pc}% of the rest are sold or given away.`, 'sold', op(l, '*', frac(pc, 100)));
        return b.step('Subtract them from the rest.', 'final', op(l, '-', s));
      },
    },
    {
      id: 'sale-price',
      build(b) {
        const g = b.rng.pick(GOODS);
        const c = b.rng.int(2, 40) * b.rng.pick([1, 2, 4, 5, 10]);
        const pc = b.rng.pick([10, 20, 25, 30, 40, 50, 75]);
        b.say(PRICE, { item: g.one, c, shop: 'shop' });
        b.say(SALE, { pc, shop: 'shop' });
        b.ask(ASK_PRICE, {});
        const off = b.step(`The discount is ${pc}% of ${c} dollars.`, 'discount', op(c, '*', frac(pc, 100)));
        return b.step('Subtract the discount from the price.', 'price', op(c, '-', off));
      },
    },
    {
      id: 'sale-price-many',
      build(b) {
        const p = b.person();
        const g = b.rng.pick(GOODS);
        const c = b.rng.int(2, 40) * b.rng.pick([1, 2, 4, 5, 10]);
        const pc = b.rng.pick([10, 20, 25, 30, 40, 50, 75]);
        const n = b.rng.int(2, 9);
        b.say(PRICE, { item: g.one, c, shop: 'store' });
        b.say(SALE, { pc, shop: 'store' });
        b.say(BUY_N, { ...Builder.pvars(p), n, items: g.many });
        b.ask(ASK_SPEND, Builder.pvars(p));
        const off = b.step(`The discount is ${pc}% of ${c} dollars.`, 'discount', op(c, '*', frac(pc, 100)));
        const pr = b.step('Subtract the discount from the price.', 'price', op(c, '-', off));
        return b.step(`${p.name} buys ${n} ${g.many} at the sale price.`, 'total', op(pr, '*', n));
      },
    },
    {
      id: 'color-fraction',
      build(b) {
        const [p, p2] = [b.person(), b.person()];
        const t = b.rng.pick(THINGS);
        const color = b.rng.pick(COLORS);
        const n = b.rng.int(6, 40);
        const k = b.rng.int(1, n - 1);
        const m = b.rng.int(1, 20);
        b.say(HAS, { ...Builder.pvars(p), n, items: t.many });
        b.say(SOME_COLOR, { k, color, items: t.many });
        b.say(MORE_COLOR, { ...Builder.pvars(p), ...Builder.pvars(p2, '2'), m, color, items: t.many });
        b.ask(ASK_FRAC, { ...Builder.pvars(p), color, items: t.many });
        const c = b.step(`There are ${k} ${color} ${t.many} and ${m} more are added.`, 'colored', op(k, '+', m));
        const all = b.step(`There are ${n} ${t.many} and ${m} more are added.`, 'total', op(n, '+', m));
        return b.step(`Divide the ${color} ${t.many} by all the ${t.many}.`, 'fraction', frac(c, all));
      },
    },
    {
      id: 'give-fraction-then-percent-sold-count',
      ood: true,
      build(b) {
        const [p, p2] = [b.person(), b.person()];
        const t = b.rng.pick(THINGS);
        const bb = b.rng.pick([2, 3, 4, 5]);
        const a = b.rng.int(1, bb - 1);
        const n = bb * 10 * b.rng.int(1, 6);
        const pc = b.rng.pick([10, 20, 25, 30, 40, 50, 60, 75]);
        const m = b.rng.int(2, 30);
        b.say(HAS, { ...Builder.pvars(p), n, items: t.many });
        b.say(GIVE, { ...Builder.pvars(p), ...Builder.pvars(p2, '2'), a, b: bb, items: t.many });
        b.say(PCT_REST, { ...Builder.pvars(p), pc, items: t.many });
        b.say(MORE_COLOR, { ...Builder.pvars(p), ...Builder.pvars(p2, '2'), m, color: b.rng.pick(COLORS), items: t.many });
        b.ask(ASK_LEFT, { ...Builder.pvars(p), items: t.many });
        const g = b.step(`${p.name} gives ${a}/${bb} of ${n} ${t.many} to ${p2.name}.`, 'given', op(n, '*', frac(a, bb)));
        const l = b.step(`Subtract the given ${t.many} from ${n}.`, 'left', op(n, '-', g));
        const s = b.step(`${pc}% of the rest are sold or given away.`, 'sold', op(l, '*', frac(pc, 100)));
        const f = b.step('Subtract them from the rest.', 'final', op(l, '-', s));
        return b.step(`${m} more ${t.many} are added.`, 'now', op(f, '+', m));
      },
    },
    // version 2: new compositions of the pieces above (never the held-out chain)
    { id: 'give-then-more', since: 2, build: (b) => keepChain(b, ['give', 'more']) },
    { id: 'percent-left', since: 2, build: (b) => keepChain(b, ['pct']) },
    { id: 'more-then-percent', since: 2, build: (b) => keepChain(b, ['more', 'pct']) },
    { id: 'percent-then-give', since: 2, build: (b) => keepChain(b, ['pct', 'giveRest']) },
    { id: 'give-then-give', since: 2, build: (b) => keepChain(b, ['give', 'giveRest']) },
    { id: 'two-percents', since: 2, build: (b) => keepChain(b, ['pct', 'pctRest']) },
    { id: 'sale-fraction-price', since: 2, build: (b) => saleFraction(b, false) },
    { id: 'sale-fraction-many', since: 2, build: (b) => saleFraction(b, true) },
  ],
};
