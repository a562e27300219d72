/**
 * ALG514 and DRAW (MWPToolkit copies): `equation` is a `;`-separated system over the unknowns
 * `m, n, ...` (`"7.0*m+4.0*n=5100.0 ; m+n=900.0"`), `ans` the values of all unknowns in order.
 * The program solves the system with sympy and prints every unknown, comma-separated (`500, 400`),
 * which is the form `ans` gives (also when the question asks for only one of them). `ans` lists
 * the values in the order the question asks for them, which is not always m, n: the other print
 * orders are offered as alternatives and the runner keeps the first that reproduces `ans`.
 */
import { listAnswer, type Conversion, type PublicProblem, type SourceName } from './format';
import { permutations, plain, pyExpr, systemSteps, type SystemSpec } from './sympy-steps';

export interface MwpRecord {
  id: number | string;
  original_text: string;
  equation: string;
  ans: Array<number | string>;
}

export function mwpProblem(r: MwpRecord, source: Extract<SourceName, 'alg514' | 'draw'>): PublicProblem {
  return { id: `${source}-${r.id}`, source, question: r.original_text.trim(), answer: listAnswer(r.ans) };
}

export function convertMwp(r: MwpRecord): Conversion {
  const parts = r.equation
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!parts.length) return { ok: false, reason: 'no equations' };
  const equations: SystemSpec['equations'] = [];
  const names = new Set<string>();
  for (const p of parts) {
    const sides = p.split('=');
    if (sides.length !== 2) return { ok: false, reason: 'not an equation' };
    const l = pyExpr(sides[0]);
    const rr = pyExpr(sides[1]);
    if (!l || !rr) return { ok: false, reason: 'equation does not parse' };
    [...l.names, ...rr.names].forEach((n) => names.add(n));
    equations.push({ lhs: l.code, rhs: rr.code, src: `${plain(l.code)} = ${plain(rr.code)}` });
  }
  const symbols = [...names].sort();
  if (!symbols.length) return { ok: false, reason: 'no unknowns' };
  if (symbols.length !== r.ans.length) return { ok: false, reason: 'ans does not give every unknown' };
  const orders = symbols.length <= 3 ? permutations(symbols) : [symbols];
  const [first, ...rest] = orders.map((o) => systemSteps({ symbols, equations, targets: o.map((s) => `sol[${s}]`) }));
  return { ok: true, trajectory: first, alternatives: rest };
}
