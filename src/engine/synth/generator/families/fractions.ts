import { Builder } from '../builder';
import { frac, op } from '../expr';
import { COLORS, GOODS, THINGS } from '../lexicon';
import { slot } from '../phrasing';
import type { Family } from './types';

const HAS = slot('frac.has', ['{name} has {n} {items}.', 'There are {n} {items} in a box that {name} has.', '{name} {collects|keeps|owns} {n} {items}.', '{name} starts with {n} {items}.'], [
  'In a box, {name} has {n} {items}.',
]);
const GIVE = slot('frac.give', [
  '{Pron} gives {a}/{b} of them to {name2}.',
  '{Pron} gives {a}/{b} of the {items} to {name2}.',
  '{name2} gets {a}/{b} of them from {obj}.',
], ['Of them, {pron} gives {a}/{b} to {name2}.']);
const PCT_REST = slot('frac.pctrest', [
  'Then {pron} {sells|gives away} {pc}% of the rest.',
  '{Pron} then {sells|gives away} {pc}% of the {items} that are left.',
  'After that, {pc}% of the rest are {sold|given away}.',
], ['Of the rest, {pron} then {sells|gives away} {pc}%.']);
const ASK_LEFT = slot('frac.ask.left', ['How many {items} are left?', 'How many {items} does {name} have left?', 'How many {items} does {pron} keep?'], [
  'In the end, how many {items} are left?',
]);
const PRICE = slot('frac.price', ['A {item} costs {c} dollars.', 'The price of a {item} is {c} dollars.', 'One {item} costs {c} dollars at the {shop}.'], [
  'At the {shop}, {c} dollars is the price of a {item}.',
]);
const SALE = slot('frac.sale', ['It is on sale for {pc}% off.', 'The {shop} gives {pc}% off.', 'There is a {pc}% discount.'], ['It is {pc}% off at the {shop}.']);
const BUY_N = slot('frac.buyn', ['{name} buys {n} of them at the sale price.', '{name} {buys|gets} {n} {items} on sale.', 'At this price {name} buys {n} {items}.'], [
  'On sale, {name} gets {n} {items}.',
]);
const ASK_PRICE = slot('frac.ask.price', ['How much does it cost now?', 'What is the sale price in dollars?', 'How many dollars does it cost on sale?'], [
  'On sale, how many dollars does it cost?',
]);
const ASK_SPEND = slot('frac.ask.spend', ['How much does {name} spend?', 'How many dollars does {name} pay?', 'What is the total cost in dollars?'], [
  'In total, how many dollars does {name} pay?',
]);
const SOME_COLOR = slot('frac.color', ['{k} of them are {color}.', 'Of these, {k} are {color}.', '{k} of the {items} are {color}.'], ['{color} ones make up {k} of them.']);
const MORE_COLOR = slot('frac.morecolor', ['{Pron} gets {m} more {color} {items}.', 'Then {pron} buys {m} more {color} {items}.', '{name2} gives {obj} {m} more {color} {items}.'], [
  '{m} more {color} {items} are added.',
]);
const ASK_FRAC = slot('frac.ask.frac', ['What fraction of the {items} are {color}?', 'What fraction of {pos} {items} are {color} now?', 'Now what fraction of them are {color}?'], [
  'Now, {color} ones are what fraction of the {items}?',
]);

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
  ],
};
