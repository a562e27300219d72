/**
 * Shared pieces of the equation-system converters (ALG514, DRAW, Dolphin1878): source equation
 * text -> Python/sympy expression text, and the steps `symbols` -> `Eq` per equation -> `solve`.
 */
import { cleanNumber, exactLiteral, type Step } from './format';

const FUNCS = new Set(['sqrt', 'exp', 'log', 'sin', 'cos', 'tan', 'Abs']);
const TOKEN = /\s*(\d+\.?\d*|\.\d+|[A-Za-z_][A-Za-z_0-9]*|\*\*|[-+*/^()])/y;

export interface ExprOptions {
  /** Insert `*` where the source writes products by juxtaposition: `3(x+2)`, `2x`, `xy`, `)(`. */
  implicit?: boolean;
}

/** Source math text -> Python expression (exact literals, `^` -> `**`), or null when it does not tokenize. */
export function pyExpr(src: string, opts: ExprOptions = {}): { code: string; names: string[] } | null {
  const raw: string[] = [];
  TOKEN.lastIndex = 0;
  const s = src.trim();
  while (TOKEN.lastIndex < s.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(s);
    if (!m) return null;
    if (!m[1] && TOKEN.lastIndex === at) return null;
    raw.push(m[1]);
    if (/^\s*$/.test(s.slice(TOKEN.lastIndex))) break;
  }
  // Split juxtaposed single-letter names (Dolphin's `xy`) and implicit products.
  const toks: string[] = [];
  for (const t of raw) {
    if (opts.implicit && /^[A-Za-z]{2,}$/.test(t) && !FUNCS.has(t)) toks.push(...t.split(''));
    else if (opts.implicit && /^\d[\d.]*[A-Za-z]/.test(t)) return null;
    else toks.push(t === '^' ? '**' : t);
  }
  const isValue = (t: string) => /^[\d.]|^[A-Za-z_]/.test(t);
  const out: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const prev = out[out.length - 1];
    if (opts.implicit && prev !== undefined && (isValue(prev) || prev === ')') && (isValue(t) || t === '(') && !FUNCS.has(prev))
      out.push('*');
    if (/^[A-Za-z_]/.test(t) && !FUNCS.has(t) && !names.includes(t)) names.push(t);
    out.push(t);
  }
  let code = '';
  for (let i = 0; i < out.length; i++) {
    const t = out[i];
    const prev = out[i - 1];
    const isInt = (x: string | undefined) => x !== undefined && /^\d+$/.test(cleanNumber(x));
    if (isInt(t) && out[i + 1] === '/' && isInt(out[i + 2]) && prev !== '**' && prev !== '/') {
      // int / int would be a Python float: an exact fraction instead.
      code += `Rational(${cleanNumber(t)}, ${cleanNumber(out[i + 2])})`;
      i += 2;
    } else if (/^[\d.]/.test(t)) code += exactLiteral(cleanNumber(t));
    else if ((t === '+' || t === '-') && i > 0 && prev !== '(' && !/^[-+*/]|\*\*/.test(prev)) code += ` ${t} `;
    else code += t;
  }
  // Balanced parentheses, no dangling operator.
  let depth = 0;
  for (const t of out) {
    if (t === '(') depth++;
    if (t === ')' && --depth < 0) return null;
  }
  if (depth !== 0 || /[-+*/]\s*$/.test(code) || code === '') return null;
  return { code, names };
}

export interface SystemSpec {
  /** Unknowns to solve for, in order. */
  symbols: string[];
  equations: Array<{ lhs: string; rhs: string; src: string }>;
  /** Conditions (Python, e.g. `x > -22`) a solution must meet. */
  conditions?: Array<{ code: string; src: string }>;
  /** Python expressions printed as the answer (`sol[m]`, `(x + 1).subs(sol)`). */
  targets: string[];
  /** Print the targets as a Python set (`{3, 7}`: the answer is a set of numbers, any order). */
  asSet?: boolean;
}

/** Python expression text for a comment: exact literals shown as plain decimals (`Rational('0.5')` -> `0.5`). */
export function plain(code: string): string {
  return code.replace(/Rational\('([^']*)'\)/g, '$1');
}

const list = (xs: string[]): string => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/** symbols -> one Eq per equation -> solve (-> keep solutions meeting the conditions) -> print. */
export function systemSteps(spec: SystemSpec): { steps: Step[]; print: string } {
  const all = [...spec.equations.map((e) => `${e.lhs} ${e.rhs}`), ...(spec.conditions ?? []).map((c) => c.code)].join(' ');
  const imports = [
    'symbols',
    'Eq',
    'solve',
    ...(all.includes('Rational(') ? ['Rational'] : []),
    ...[...FUNCS].filter((f) => all.includes(`${f}(`)),
  ];
  const syms = spec.symbols;
  const steps: Step[] = [
    {
      comment: syms.length === 1 ? `Let ${syms[0]} be the unknown.` : `Let ${list(syms)} be the unknowns.`,
      code: `from sympy import ${imports.join(', ')}\n${syms.join(', ')} = symbols('${syms.join(' ')}')`,
    },
  ];
  spec.equations.forEach((e, i) => {
    steps.push({ comment: `The problem gives the equation ${e.src}.`, code: `eq${i + 1} = Eq(${e.lhs}, ${e.rhs})` });
  });
  const eqs = spec.equations.map((_, i) => `eq${i + 1}`);
  const target = syms.length === 1 ? syms[0] : `[${syms.join(', ')}]`;
  const solveCall = `solve([${eqs.join(', ')}], ${target}, dict=True)`;
  if (spec.conditions?.length) {
    const cond = spec.conditions.map((c) => `(${c.code}).subs(s)`).join(' and ');
    steps.push({
      comment: `Solve for ${list(syms)} and keep the solution with ${list(spec.conditions.map((c) => c.src))}.`,
      code: `sol = [s for s in ${solveCall} if ${cond}][0]`,
    });
  } else {
    steps.push({ comment: `Solve the ${eqs.length === 1 ? 'equation' : 'system'} for ${list(syms)}.`, code: `sol = ${solveCall}[0]` });
  }
  const print =
    spec.targets.length === 1 ? spec.targets[0] : spec.asSet ? `{${spec.targets.join(', ')}}` : `${spec.targets.join(', ')}, sep=', '`;
  return { steps, print };
}

/** Every order of the items (the identity first). */
export function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}
