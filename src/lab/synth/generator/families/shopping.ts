import { Builder } from '../builder';
import { type Ex, op } from '../expr';
import { GOODS, SHOPS } from '../lexicon';
import { slot } from '../phrasing';
import type { Family } from './types';

const BUY = slot(
  'shop.buy',
  [
    '{name} {buys|purchases|gets} {n} {items} for {p} dollars each.',
    '{name} {buys|purchases} {n} {items} that cost {p} dollars each.',
    'At the {shop}, {name} {buys|picks up} {n} {items}, and each one costs {p} dollars.',
    'Each {item} costs {p} dollars, and {name} {buys|purchases} {n} of them.',
    '{name} goes to the {shop} and {buys|gets} {n} {items} at {p} dollars {each|apiece}.',
    'One {item} costs {p} dollars. {name} {buys|gets} {n} {items}.',
  ],
  [
    '{name} {buys|gets} {n} {items} at the {shop}; one {item} costs {p} dollars.',
    'For {p} dollars each, {name} {buys|purchases} {n} {items}.',
  ],
  [
    '{name} {buys|gets} {n} {items} that cost {p} dollars {each|apiece}.',
    'At the {shop}, {name} {buys|purchases} {n} {items} for {p} dollars each.',
    'The {items} cost {p} dollars each, and {name} {buys|gets} {n} of them.',
  ],
);
const BUY2 = slot(
  'shop.buy2',
  [
    '{Pron} also {buys|gets} {n} {items} for {p} dollars each.',
    'Then {pron} {buys|picks up} {n} {items} at {p} dollars each.',
    '{Pron} also {buys|purchases} {n} {items} that cost {p} dollars each.',
    'Each {item} costs {p} dollars, and {pron} also {buys|gets} {n} of them.',
  ],
  ['{Pron} then {buys|gets} {n} {items}; one {item} costs {p} dollars.', 'For {p} dollars each, {pron} also {buys|gets} {n} {items}.'],
  [
    '{Pron} also {buys|picks up} {n} {items} at {p} dollars {each|apiece}.',
    'Then {pron} {buys|gets} {n} {items} that cost {p} dollars each.',
    'The {items} cost {p} dollars each, and {pron} also {buys|gets} {n} of them.',
  ],
);
const BUY3 = slot(
  'shop.buy3',
  [
    '{Pron} also {buys|gets} {n} {items} for {p} dollars each.',
    'Last, {pron} {buys|picks up} {n} {items} at {p} dollars each.',
    'And {pron} {buys|purchases} {n} {items} that cost {p} dollars each.',
  ],
  ['For {p} dollars each, {pron} also {buys|gets} {n} {items}.'],
  [
    'Last, {pron} {buys|gets} {n} {items} for {p} dollars {each|apiece}.',
    '{Pron} also {buys|picks up} {n} {items} that cost {p} dollars each.',
    'Then {pron} {buys|gets} {n} {items} at {p} dollars {each|apiece}.',
  ],
);
const PACKS = slot(
  'shop.packs',
  [
    '{name} {buys|gets} {k} packs of {items}. Each pack has {n} {items}, and each {item} costs {p} dollars.',
    '{name} {buys|purchases} {k} packs with {n} {items} in each pack. One {item} costs {p} dollars.',
    'There are {n} {items} in a pack, and each {item} costs {p} dollars. {name} {buys|gets} {k} packs.',
  ],
  ['Each {item} costs {p} dollars. {name} {buys|gets} {k} packs, and there are {n} {items} in each pack.'],
  [
    '{name} {buys|purchases} {k} packs of {items}, with {n} {items} in each pack. One {item} costs {p} dollars.',
    'At the {shop}, {name} {buys|gets} {k} packs of {items}. There are {n} {items} in each pack, and each one costs {p} dollars.',
  ],
);
const PAY = slot(
  'shop.pay',
  [
    '{Pron} pays with a {bill} dollar bill.',
    '{Pron} {gives|hands} the cashier {bill} dollars.',
    '{name} has {bill} dollars {to pay|with him|with her}.',
    '{Pron} pays with {bill} dollars.',
  ],
  ['{Pron} pays, and {pron} {gives|hands} the cashier a {bill} dollar bill.'],
  [
    '{name} pays with a {bill} dollar bill.',
    '{Pron} pays the cashier with {bill} dollars.',
    '{name} {gives|hands} {bill} dollars to the cashier.',
  ],
);
const DISC = slot(
  'shop.discount',
  [
    'The {shop} gives {obj} a discount of {d} dollars on the total.',
    '{Pron} uses a coupon for {d} dollars off the total.',
    '{Pron} gets {d} dollars off the total cost.',
  ],
  ['On the total, the {shop} gives {obj} {d} dollars off.'],
  ['{Pron} gets a discount of {d} dollars on the total.', '{Pron} uses a coupon and gets {d} dollars off the total cost.'],
);
const ASK_TOTAL = slot(
  'shop.ask.total',
  [
    'How much does {name} spend in total?',
    'How many dollars does {name} pay {in total|altogether}?',
    'What is the total cost in dollars?',
    'How much money does {name} spend?',
  ],
  ['In total, how many dollars does {name} spend?'],
  [
    'How much money does {pron} spend {in total|altogether}?',
    'What is the total cost for {name}?',
    'How much does {name} pay {in total|altogether}?',
  ],
);
const ASK_CHANGE = slot(
  'shop.ask.change',
  [
    'How much change does {name} get?',
    'How many dollars does {name} get back?',
    'How much money does {pron} get back?',
    'How much change does {pron} {get|receive}?',
  ],
  ['How many dollars of change does {name} get back?'],
  ['How much change does {name} {get back|receive}?', 'What is the change in dollars?', 'How many dollars does {pron} get back?'],
);

function goods(b: Builder) {
  const g = b.rng.pick(GOODS);
  return { items: g.many, item: g.one, shop: b.rng.pick(SHOPS) };
}

/**
 * Three goods bought; with `discount` a coupon comes off the total, with `pay` the question asks
 * for the change from a bill (else for the total). The random draws are the same in every case.
 */
function threeItems(b: Builder, { discount, pay }: { discount: boolean; pay: boolean }) {
  const p = b.person();
  const gs = [goods(b)];
  while (gs.length < 3) {
    const g = goods(b);
    if (!gs.some((x) => x.item === g.item)) gs.push(g);
  }
  const ns = gs.map(() => b.rng.int(2, 9));
  const ps = gs.map(() => b.rng.int(2, 15));
  const sum = ns.reduce((a, n, i) => a + n * ps[i]!, 0);
  const d = b.rng.int(1, Math.min(20, sum - 1));
  const bill = [50, 100, 200, 500, 1000].find((x) => x > sum)!;
  b.say(BUY, { ...Builder.pvars(p), ...gs[0]!, n: ns[0]!, p: ps[0]! });
  b.say(BUY2, { ...Builder.pvars(p), ...gs[1]!, n: ns[1]!, p: ps[1]! });
  b.say(BUY3, { ...Builder.pvars(p), ...gs[2]!, n: ns[2]!, p: ps[2]! });
  if (discount) b.say(DISC, { ...Builder.pvars(p), ...gs[0]!, d });
  if (pay) b.say(PAY, { ...Builder.pvars(p), bill });
  b.ask(pay ? ASK_CHANGE : ASK_TOTAL, Builder.pvars(p));
  const cs = gs.map((g, i) =>
    b.step(`${p.name} buys ${ns[i]} ${g.items} at ${ps[i]} dollars each.`, `cost${i + 1}`, op(ns[i]!, '*', ps[i]!)),
  );
  let t = b.step('Add the three costs.', 'total', op(op(cs[0]!, '+', cs[1]!), '+', cs[2]!));
  if (discount) t = b.step(`Take off the discount of ${d} dollars.`, 'final', op(t, '-', d));
  if (!pay) return t;
  return b.step(`${p.name} pays ${bill} dollars, so the change is ${bill} minus the total.`, 'change', op(bill, '-', t));
}

/**
 * Version 2 compositions: with `packs`, first some packs of one good (PACKS), then `items` goods at
 * a price each (BUY2, BUY3 after packs; else BUY, BUY2); with `discount` a coupon comes off the
 * total, with `pay` the question asks for the change from a bill (else for the total).
 */
function basket(b: Builder, { packs, items, discount, pay }: { packs: boolean; items: number; discount: boolean; pay: boolean }) {
  const p = b.person();
  const gs = [goods(b)];
  while (gs.length < items + (packs ? 1 : 0)) {
    const g = goods(b);
    if (!gs.some((x) => x.item === g.item)) gs.push(g);
  }
  const pk = packs ? { g: gs.shift()!, k: b.rng.int(2, 6), n: b.rng.int(2, 10), p: b.rng.int(2, 9) } : undefined;
  const ns = gs.map(() => b.rng.int(2, 10));
  const ps = gs.map(() => b.rng.int(3, 20));
  const sum = (pk ? pk.k * pk.n * pk.p : 0) + ns.reduce((a, n, i) => a + n * ps[i]!, 0);
  const d = b.rng.int(2, Math.min(20, sum - 1));
  const bill = [20, 50, 100, 200, 500, 1000].find((x) => x > sum)!;
  if (pk) b.say(PACKS, { ...Builder.pvars(p), ...pk.g, k: pk.k, n: pk.n, p: pk.p });
  const buys = pk ? [BUY2, BUY3] : [BUY, BUY2];
  gs.forEach((g, i) => b.say(buys[i]!, { ...Builder.pvars(p), ...g, n: ns[i]!, p: ps[i]! }));
  if (discount) b.say(DISC, { ...Builder.pvars(p), ...(pk ? pk.g : gs[0]!), d });
  if (pay) b.say(PAY, { ...Builder.pvars(p), bill });
  b.ask(pay ? ASK_CHANGE : ASK_TOTAL, Builder.pvars(p));
  const one = gs.length + (pk ? 1 : 0) === 1;
  const cs: Ex[] = [];
  if (pk) {
    const c = b.step(`${p.name} buys ${pk.k} packs of ${pk.n} ${pk.g.items}.`, 'count', op(pk.k, '*', pk.n));
    cs.push(b.step(`Each of the ${pk.g.items} costs ${pk.p} dollars.`, one ? 'total' : 'cost1', op(c, '*', pk.p)));
  }
  gs.forEach((g, i) => {
    const name = one ? 'cost' : `cost${cs.length + 1}`;
    cs.push(b.step(`${p.name} buys ${ns[i]} ${g.items} at ${ps[i]} dollars each.`, name, op(ns[i]!, '*', ps[i]!)));
  });
  let t = one
    ? cs[0]!
    : b.step(
        `Add the ${cs.length === 2 ? 'two' : 'three'} costs.`,
        'total',
        cs.slice(1).reduce((a, c) => op(a, '+', c), cs[0]!),
      );
  if (discount) t = b.step(`Take off the discount of ${d} dollars.`, 'final', op(t, '-', d));
  if (!pay) return t;
  return b.step(`${p.name} pays ${bill} dollars, so the change is ${bill} minus the total.`, 'change', op(bill, '-', t));
}

export const shopping: Family = {
  name: 'shopping',
  variants: [
    { id: 'three-items-change', build: (b) => threeItems(b, { discount: false, pay: true }) },
    { id: 'three-items-discount-change', build: (b) => threeItems(b, { discount: true, pay: true }) },
    { id: 'three-items-discount', ood: true, build: (b) => threeItems(b, { discount: true, pay: false }) },
    {
      id: 'two-items-total',
      build(b) {
        const p = b.person();
        const g1 = goods(b);
        let g2 = goods(b);
        while (g2.item === g1.item) g2 = goods(b);
        const [n1, p1, n2, p2] = [b.rng.int(2, 12), b.rng.int(2, 25), b.rng.int(2, 12), b.rng.int(2, 25)];
        b.say(BUY, { ...Builder.pvars(p), ...g1, n: n1, p: p1 });
        b.say(BUY2, { ...Builder.pvars(p), ...g2, n: n2, p: p2 });
        b.ask(ASK_TOTAL, Builder.pvars(p));
        const c1 = b.step(`${p.name} buys ${n1} ${g1.items} at ${p1} dollars each.`, 'cost1', op(n1, '*', p1));
        const c2 = b.step(`${p.name} buys ${n2} ${g2.items} at ${p2} dollars each.`, 'cost2', op(n2, '*', p2));
        return b.step('Add the two costs.', 'total', op(c1, '+', c2));
      },
    },
    {
      id: 'one-item-change',
      build(b) {
        const p = b.person();
        const g = goods(b);
        const [n, pr] = [b.rng.int(2, 12), b.rng.int(2, 20)];
        const bill = [20, 50, 100, 200, 500].find((x) => x > n * pr)!;
        b.say(BUY, { ...Builder.pvars(p), ...g, n, p: pr });
        b.say(PAY, { ...Builder.pvars(p), bill });
        b.ask(ASK_CHANGE, Builder.pvars(p));
        const c = b.step(`${p.name} buys ${n} ${g.items} at ${pr} dollars each.`, 'cost', op(n, '*', pr));
        return b.step(`${p.name} pays ${bill} dollars, so the change is ${bill} minus the cost.`, 'change', op(bill, '-', c));
      },
    },
    {
      id: 'packs-total',
      build(b) {
        const p = b.person();
        const g = goods(b);
        const [k, n, pr] = [b.rng.int(2, 9), b.rng.int(2, 12), b.rng.int(2, 9)];
        b.say(PACKS, { ...Builder.pvars(p), ...g, k, n, p: pr });
        b.ask(ASK_TOTAL, Builder.pvars(p));
        const c = b.step(`${p.name} buys ${k} packs of ${n} ${g.items}.`, 'count', op(k, '*', n));
        return b.step(`Each of the ${g.items} costs ${pr} dollars.`, 'total', op(c, '*', pr));
      },
    },
    {
      id: 'two-items-change',
      build(b) {
        const p = b.person();
        const g1 = goods(b);
        let g2 = goods(b);
        while (g2.item === g1.item) g2 = goods(b);
        const [n1, p1, n2, p2] = [b.rng.int(2, 10), b.rng.int(2, 20), b.rng.int(2, 10), b.rng.int(2, 20)];
        const bill = [50, 100, 200, 500, 1000].find((x) => x > n1 * p1 + n2 * p2)!;
        b.say(BUY, { ...Builder.pvars(p), ...g1, n: n1, p: p1 });
        b.say(BUY2, { ...Builder.pvars(p), ...g2, n: n2, p: p2 });
        b.say(PAY, { ...Builder.pvars(p), bill });
        b.ask(ASK_CHANGE, Builder.pvars(p));
        const c1 = b.step(`${p.name} buys ${n1} ${g1.items} at ${p1} dollars each.`, 'cost1', op(n1, '*', p1));
        const c2 = b.step(`${p.name} buys ${n2} ${g2.items} at ${p2} dollars each.`, 'cost2', op(n2, '*', p2));
        const t = b.step('Add the two costs.', 'total', op(c1, '+', c2));
        return b.step(`${p.name} pays ${bill} dollars, so the change is ${bill} minus the total.`, 'change', op(bill, '-', t));
      },
    },
    {
      id: 'two-items-discount',
      build(b) {
        const p = b.person();
        const g1 = goods(b);
        let g2 = goods(b);
        while (g2.item === g1.item) g2 = goods(b);
        const [n1, p1, n2, p2] = [b.rng.int(2, 10), b.rng.int(3, 20), b.rng.int(2, 10), b.rng.int(3, 20)];
        const d = b.rng.int(1, Math.min(30, n1 * p1 + n2 * p2 - 1));
        b.say(BUY, { ...Builder.pvars(p), ...g1, n: n1, p: p1 });
        b.say(BUY2, { ...Builder.pvars(p), ...g2, n: n2, p: p2 });
        b.say(DISC, { ...Builder.pvars(p), ...g1, d });
        b.ask(ASK_TOTAL, Builder.pvars(p));
        const c1 = b.step(`${p.name} buys ${n1} ${g1.items} at ${p1} dollars each.`, 'cost1', op(n1, '*', p1));
        const c2 = b.step(`${p.name} buys ${n2} ${g2.items} at ${p2} dollars each.`, 'cost2', op(n2, '*', p2));
        const t = b.step('Add the two costs.', 'total', op(c1, '+', c2));
        return b.step(`Take off the discount of ${d} dollars.`, 'final', op(t, '-', d));
      },
    },
    {
      id: 'packs-discount-change',
      ood: true,
      build(b) {
        const p = b.person();
        const g = goods(b);
        const [k, n, pr] = [b.rng.int(2, 6), b.rng.int(2, 10), b.rng.int(2, 9)];
        const d = b.rng.int(1, 20);
        const bill = [50, 100, 200, 500, 1000].find((x) => x > k * n * pr)!;
        b.say(PACKS, { ...Builder.pvars(p), ...g, k, n, p: pr });
        b.say(DISC, { ...Builder.pvars(p), ...g, d });
        b.say(PAY, { ...Builder.pvars(p), bill });
        b.ask(ASK_CHANGE, Builder.pvars(p));
        const c = b.step(`${p.name} buys ${k} packs of ${n} ${g.items}.`, 'count', op(k, '*', n));
        const t = b.step(`Each of the ${g.items} costs ${pr} dollars.`, 'total', op(c, '*', pr));
        const f = b.step(`Take off the discount of ${d} dollars.`, 'final', op(t, '-', d));
        return b.step(`${p.name} pays ${bill} dollars, so the change is ${bill} minus the total.`, 'change', op(bill, '-', f));
      },
    },
    {
      id: 'one-item-discount-change',
      ood: true,
      build(b) {
        const p = b.person();
        const g = goods(b);
        const [n, pr] = [b.rng.int(2, 12), b.rng.int(3, 20)];
        const d = b.rng.int(1, Math.min(20, n * pr - 1));
        const bill = [20, 50, 100, 200, 500].find((x) => x > n * pr)!;
        b.say(BUY, { ...Builder.pvars(p), ...g, n, p: pr });
        b.say(DISC, { ...Builder.pvars(p), ...g, d });
        b.say(PAY, { ...Builder.pvars(p), bill });
        b.ask(ASK_CHANGE, Builder.pvars(p));
        const c = b.step(`${p.name} buys ${n} ${g.items} at ${pr} dollars each.`, 'cost', op(n, '*', pr));
        const f = b.step(`Take off the discount of ${d} dollars.`, 'final', op(c, '-', d));
        return b.step(`${p.name} pays ${bill} dollars, so the change is ${bill} minus the total.`, 'change', op(bill, '-', f));
      },
    },
    // version 2: new compositions of the same pieces (none of them a held-out structure)
    { id: 'one-item-discount', since: 2, build: (b) => basket(b, { packs: false, items: 1, discount: true, pay: false }) },
    { id: 'two-items-discount-change', since: 2, build: (b) => basket(b, { packs: false, items: 2, discount: true, pay: true }) },
    { id: 'three-items-total', since: 2, build: (b) => threeItems(b, { discount: false, pay: false }) },
    { id: 'packs-change', since: 2, build: (b) => basket(b, { packs: true, items: 0, discount: false, pay: true }) },
    { id: 'packs-discount', since: 2, build: (b) => basket(b, { packs: true, items: 0, discount: true, pay: false }) },
    { id: 'packs-item-total', since: 2, build: (b) => basket(b, { packs: true, items: 1, discount: false, pay: false }) },
    { id: 'packs-item-change', since: 2, build: (b) => basket(b, { packs: true, items: 1, discount: false, pay: true }) },
  ],
};
