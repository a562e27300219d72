import { Builder } from '../builder';
import { op, type Ex } from '../expr';
import { THINGS } from '../lexicon';
import { slot } from '../phrasing';
import type { Family } from './types';

const HAS = slot(
  'rem.has',
  [
    '{name} has {n} {items}.',
    '{name} {collects|keeps} {n} {items}.',
    'There are {n} {items} in a bag that {name} has.',
    '{name} starts with {n} {items}.',
  ],
  ['In a bag, {name} has {n} {items}.'],
  ['{name} has a bag with {n} {items}.', '{name} has a bag of {n} {items}.'],
);
const MORE = slot(
  'rem.more',
  ['{Pron} {buys|gets|finds} {m} more.', 'Then {pron} {buys|gets|finds} {m} more {items}.', '{name2} gives {obj} {m} more {items}.'],
  ['{m} more {items} are added to the bag.'],
  ['{Pron} {buys|gets|finds} {m} more {items}.', 'Then {name2} gives {obj} {m} more.', '{Pron} then {gets|finds} {m} more {items}.'],
);
const LOSE = slot(
  'rem.lose',
  [
    '{Pron} {loses|eats|gives away} {g} of them.',
    'Then {pron} {loses|gives away} {g} {items}.',
    '{g} of the {items} are {lost|given away}.',
  ],
  ['Of all the {items}, {g} are {lost|given away}.'],
  ['{Pron} {loses|gives away} {g} {items}.', 'Then {g} of them are {lost|given away}.', '{Pron} {loses|gives away} {g} of the {items}.'],
);
const BOXES = slot(
  'rem.boxes',
  ['{Pron} puts them into boxes of {k}.', '{Pron} packs them into boxes with {k} {items} in each box.', 'Each box holds {k} {items}.'],
  ['{Pron} packs them into boxes, and each box holds {k}.'],
  ['{Pron} packs them into boxes of {k}.', '{Pron} puts {k} {items} in each box.', 'A full box holds {k} {items}.'],
);
const ASK_FULL = slot(
  'rem.ask.full',
  ['How many full boxes does {pron} get?', 'How many boxes are full?', 'How many full boxes can {pron} pack?'],
  ['What is the number of full boxes?'],
  ['How many full boxes are there?', 'How many full boxes does {pron} pack?'],
);
const ASK_LEFT = slot(
  'rem.ask.left',
  [
    'How many {items} are left over?',
    'How many {items} do not fit in a full box?',
    'How many {items} are left after packing the full boxes?',
  ],
  ['After packing the full boxes, what is the number of {items} left?'],
  ['How many {items} are not in a full box?', 'How many {items} does {pron} have left over?'],
);
const ASK_NEED = slot(
  'rem.ask.need',
  [
    'How many boxes does {pron} need for all of them?',
    'How many boxes are needed to pack all the {items}?',
    'What is the least number of boxes needed?',
  ],
  ['For all the {items}, how many boxes are needed?'],
  ['How many boxes are needed for all of them?', 'How many boxes does {pron} need to pack all the {items}?'],
);

function setup(b: Builder) {
  const [p, p2] = [b.person(), b.person()];
  const t = b.rng.pick(THINGS);
  return { v: { ...Builder.pvars(p), ...Builder.pvars(p2, '2'), items: t.many }, p, t };
}

/** How the boxes question ends: the slot that asks it and the last step from the count x. */
const ENDS = {
  full: {
    ask: ASK_FULL,
    step: (b: Builder, x: Ex, k: number) => b.step(`Each box holds ${k}, so divide and round down.`, 'boxes', op(x, '//', k)),
  },
  left: {
    ask: ASK_LEFT,
    step: (b: Builder, x: Ex, k: number) => b.step(`Each box holds ${k}; the remainder is left over.`, 'left', op(x, '%', k)),
  },
  need: {
    ask: ASK_NEED,
    step: (b: Builder, x: Ex, k: number) =>
      b.step(`Each box holds ${k}, so divide and round up.`, 'boxes', op(op(op(x, '+', k), '-', 1), '//', k)),
  },
};

/** n things, m more, boxes of k. */
function moreThenBoxes(b: Builder, end: keyof typeof ENDS): Ex {
  const { v, p, t } = setup(b);
  const [n, m, k] = [b.rng.int(5, 80), b.rng.int(2, 40), b.rng.int(3, 12)];
  b.say(HAS, { ...v, n });
  b.say(MORE, { ...v, m });
  b.say(BOXES, { ...v, k });
  b.ask(ENDS[end].ask, v);
  const tot = b.step(`${p.name} has ${n} ${t.many} and gets ${m} more.`, 'total', op(n, '+', m));
  return ENDS[end].step(b, tot, k);
}

/** n things, g of them gone, boxes of k. */
function loseThenBoxes(b: Builder, end: keyof typeof ENDS): Ex {
  const { v, p, t } = setup(b);
  const [n, k] = [b.rng.int(20, 99), b.rng.int(3, 12)];
  const g = b.rng.int(1, n - 5);
  b.say(HAS, { ...v, n });
  b.say(LOSE, { ...v, g });
  b.say(BOXES, { ...v, k });
  b.ask(ENDS[end].ask, v);
  const rest = b.step(`${p.name} has ${n} ${t.many} and ${g} are gone.`, 'rest', op(n, '-', g));
  return ENDS[end].step(b, rest, k);
}

export const remainders: Family = {
  name: 'remainders',
  variants: [
    { id: 'more-full-boxes', build: (b) => moreThenBoxes(b, 'full') },
    { id: 'more-left-over', build: (b) => moreThenBoxes(b, 'left') },
    { id: 'more-boxes-needed', build: (b) => moreThenBoxes(b, 'need') },
    { id: 'lose-full-boxes', build: (b) => loseThenBoxes(b, 'full') },
    {
      id: 'more-lose-left-over',
      ood: true,
      build(b) {
        const { v, p, t } = setup(b);
        const [n, m, k] = [b.rng.int(10, 80), b.rng.int(2, 40), b.rng.int(3, 12)];
        const g = b.rng.int(1, n - 2);
        b.say(HAS, { ...v, n });
        b.say(MORE, { ...v, m });
        b.say(LOSE, { ...v, g });
        b.say(BOXES, { ...v, k });
        b.ask(ASK_LEFT, v);
        const tot = b.step(`${p.name} has ${n} ${t.many} and gets ${m} more.`, 'total', op(n, '+', m));
        const rest = b.step(`${g} of them are gone.`, 'rest', op(tot, '-', g));
        return ENDS.left.step(b, rest, k);
      },
    },
    { id: 'lose-boxes-needed', ood: true, build: (b) => loseThenBoxes(b, 'need') },
    // version 2: new compositions of the pieces above (never more-lose-left, nor lose alone with need)
    { id: 'lose-left-over', since: 2, build: (b) => changesThenBoxes(b, ['lose'], 'left') },
    { id: 'more-lose-full-boxes', since: 2, build: (b) => changesThenBoxes(b, ['more', 'lose'], 'full') },
    { id: 'lose-more-boxes-needed', since: 2, build: (b) => changesThenBoxes(b, ['lose', 'more'], 'need') },
    { id: 'more-twice-left-over', since: 2, build: (b) => changesThenBoxes(b, ['more', 'more'], 'left') },
    { id: 'lose-twice-full-boxes', since: 2, build: (b) => changesThenBoxes(b, ['lose', 'lose'], 'full') },
    { id: 'more-twice-boxes-needed', since: 2, build: (b) => changesThenBoxes(b, ['more', 'more'], 'need') },
  ],
};

/**
 * n things, then each change in order (m more, or g of them gone), then boxes of k. The draws
 * keep at least one full box, and something left over when that is asked.
 */
function changesThenBoxes(b: Builder, changes: ('more' | 'lose')[], end: keyof typeof ENDS): Ex {
  const { v, p, t } = setup(b);
  const k = b.rng.int(3, 12);
  for (;;) {
    const n = b.rng.int(20, 99);
    const amounts = changes.map((c) => (c === 'more' ? b.rng.int(2, 40) : b.rng.int(1, 30)));
    let x = n;
    let ok = true;
    changes.forEach((c, i) => {
      x += c === 'more' ? amounts[i]! : -amounts[i]!;
      if (x < 5) ok = false;
    });
    if (!ok || x < k || (end === 'left' && x % k === 0)) continue;
    b.say(HAS, { ...v, n });
    changes.forEach((c, i) => (c === 'more' ? b.say(MORE, { ...v, m: amounts[i]! }) : b.say(LOSE, { ...v, g: amounts[i]! })));
    b.say(BOXES, { ...v, k });
    b.ask(ENDS[end].ask, v);
    const change = (c: 'more' | 'lose', from: Ex | number, a: number, first: boolean) =>
      c === 'more'
        ? b.step(first ? `${p.name} has ${n} ${t.many} and gets ${a} more.` : `${p.name} gets ${a} more.`, 'total', op(from, '+', a))
        : b.step(first ? `${p.name} has ${n} ${t.many} and ${a} are gone.` : `${a} of them are gone.`, 'rest', op(from, '-', a));
    let cur = change(changes[0]!, n, amounts[0]!, true);
    for (let i = 1; i < changes.length; i++) cur = change(changes[i]!, cur, amounts[i]!, false);
    return ENDS[end].step(b, cur, k);
  }
}
