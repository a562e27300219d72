/**
 * Dolphin1878 (MWPToolkit copy): `equations` is `["unkn: x,y", "equ: x-y=9", "equ: 5*y=3*x+7"]`;
 * the `unkn` entries are the quantities asked for (names or expressions such as `x+1`,
 * `2*k-1`), the `equ` entries equations (with juxtaposed products: `3(x+2)`, `2xy`) or
 * conditions (`x>-22`). `ans` is `26` (one value), `6; 7` (ordered), `{26; 17}` (a set of
 * numbers: any order), or alternatives with `or` / `|`.
 * Kept: one value, ordered lists and sets; alternatives (`or`: several solutions) are not converted.
 * A set is printed as a Python set (`{17, 26}`). An ordered list is printed in `unkn` order, with
 * the other orders as alternatives (some `ans` lists follow the question, not `unkn`).
 */
import { cleanNumber, type Conversion, type PublicProblem } from './format';
import { permutations, plain, pyExpr, systemSteps, type SystemSpec } from './sympy-steps';

export interface DolphinRecord {
  id: string;
  text: string;
  equations: string[];
  ans: string;
}

/** The gold answer in the form `ans` gives, or '' for forms that are not kept. */
export function dolphinAnswer(ans: string): string {
  const a = ans.split('|')[0].trim();
  if (/\bor\b/.test(a)) return '';
  const set = /^\{(.*)\}$/.exec(a);
  const items = (set ? set[1] : a)
    .split(/[;,]/)
    .map((x) => cleanNumber(x.trim()))
    .filter(Boolean);
  if (!items.length || items.some((x) => !/^-?[\d.]+(\/\d+)?$/.test(x))) return '';
  return set && items.length > 1 ? `\\{${items.join(', ')}\\}` : items.join(', ');
}

export function dolphinProblem(r: DolphinRecord): PublicProblem {
  return { id: `dolphin1878-${r.id}`, source: 'dolphin1878', question: r.text.trim(), answer: dolphinAnswer(r.ans) };
}

export function convertDolphin(r: DolphinRecord): Conversion {
  const gold = dolphinAnswer(r.ans);
  if (!gold) return { ok: false, reason: 'answer with alternatives (several solutions)' };
  const asSet = gold.startsWith('\\{');
  const count = gold.replace(/^\\\{|\\\}$/g, '').split(',').length;
  const unkn = r.equations.find((e) => /^\s*unkn\s*:/.test(e));
  if (!unkn) return { ok: false, reason: 'no unkn entry' };
  const asked = unkn
    .replace(/^\s*unkn\s*:/, '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const names = new Set<string>();
  const equations: SystemSpec['equations'] = [];
  const conditions: NonNullable<SystemSpec['conditions']> = [];
  for (const e of r.equations) {
    if (!/^\s*equ\s*:/.test(e)) continue;
    const body = e.replace(/^\s*equ\s*:/, '').trim();
    const rel = /(<=|>=|=|<|>)/.exec(body);
    if (!rel) return { ok: false, reason: 'equ without a relation' };
    const sides = body.split(/<=|>=|=|<|>/);
    if (sides.length !== 2) return { ok: false, reason: 'chained relation' };
    const l = pyExpr(sides[0], { implicit: true });
    const rr = pyExpr(sides[1], { implicit: true });
    if (!l || !rr) return { ok: false, reason: 'equation does not parse' };
    [...l.names, ...rr.names].forEach((n) => names.add(n));
    if (rel[1] === '=') equations.push({ lhs: l.code, rhs: rr.code, src: `${plain(l.code)} = ${plain(rr.code)}` });
    else conditions.push({ code: `${l.code} ${rel[1]} ${rr.code}`, src: plain(`${l.code} ${rel[1]} ${rr.code}`) });
  }
  if (!equations.length) return { ok: false, reason: 'no equations' };
  const targets: string[] = [];
  for (const a of asked) {
    const t = pyExpr(a, { implicit: true });
    if (!t) return { ok: false, reason: 'unkn does not parse' };
    if (t.names.some((n) => !names.has(n))) return { ok: false, reason: 'unkn names an unknown that no equation uses' };
    targets.push(/^[A-Za-z_]\w*$/.test(t.code) ? `sol[${t.code}]` : `(${t.code}).subs(sol)`);
  }
  if (targets.length !== count) return { ok: false, reason: 'ans does not give one value per unkn' };
  const symbols = [...names].sort();
  const orders = !asSet && targets.length <= 3 ? permutations(targets) : [targets];
  const [first, ...rest] = orders.map((t) => systemSteps({ symbols, equations, conditions, targets: t, asSet }));
  return { ok: true, trajectory: first, alternatives: rest };
}
