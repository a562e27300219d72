/**
 * A step's computation as math: a simple Python assignment (`total = 3 * 12 - 7`) as LaTeX
 * (`\text{total} = 3 \times 12 - 7`), with the value the program printed for it when that is known
 * (`= 29`). Pure functions, no evaluation: a value is only ever one the program printed.
 *
 * Understood: numbers, names, `+ - * / // % **`, parentheses, calls (`sqrt`, `Rational`, `gcd`,
 * `abs`, `factorial`, `comb`, `floor`, `log`, `sin`, `min`, …; others as `\operatorname{f}(…)`),
 * module prefixes `math.`, `sympy.`/`sp.`, `np.`, `fractions.`, and the constants `pi`, `e`, `oo`.
 * Anything else (strings, lists, subscripts, comparisons, keyword arguments, methods, lambdas)
 * is not understood, and then there is no formula rather than a wrong one.
 */

type Node =
  | { k: 'num'; text: string }
  | { k: 'name'; id: string }
  | { k: 'const'; tex: string }
  | { k: 'paren'; e: Node }
  | { k: 'neg'; op: '-' | '+'; e: Node }
  | { k: 'bin'; op: '+' | '-' | '*' | '/' | '//' | '%' | '**'; l: Node; r: Node }
  | { k: 'call'; fn: string; args: Node[] };

type Tok = { t: 'num' | 'name' | 'op'; v: string };

const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'in',
  'is',
  'if',
  'else',
  'elif',
  'lambda',
  'for',
  'while',
  'return',
  'True',
  'False',
  'None',
  'def',
  'class',
  'import',
  'from',
  'as',
  'with',
  'yield',
  'await',
  'async',
  'del',
  'global',
  'nonlocal',
  'pass',
]);
const MODULES = new Set(['math', 'sympy', 'sp', 'np', 'numpy', 'fractions', 'cmath', 'statistics', 'mp', 'mpmath']);
const CONSTANTS: Record<string, string> = { pi: '\\pi', e: 'e', E: 'e', oo: '\\infty', inf: '\\infty', tau: '\\tau' };
const GREEK = new Set([
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'zeta',
  'eta',
  'theta',
  'iota',
  'kappa',
  'lambda_',
  'mu',
  'nu',
  'xi',
  'rho',
  'sigma',
  'tau',
  'phi',
  'chi',
  'psi',
  'omega',
  'Gamma',
  'Delta',
  'Theta',
  'Sigma',
  'Phi',
  'Psi',
  'Omega',
]);

/** Longest source we try (a longer line is not "a simple assignment"). */
const MAX_SOURCE = 300;
const MAX_DEPTH = 30;

function tokenize(src: string): Tok[] | null {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    const ws = /^\s+/.exec(rest);
    if (ws) {
      i += ws[0].length;
      continue;
    }
    const num = /^(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d+)?(?![\w.])/.exec(rest);
    if (num) {
      toks.push({ t: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_]\w*/.exec(rest);
    if (name) {
      if (KEYWORDS.has(name[0])) return null;
      toks.push({ t: 'name', v: name[0] });
      i += name[0].length;
      continue;
    }
    const op = /^(\*\*|\/\/|[-+*/%(),.])/.exec(rest);
    if (!op) return null; // strings, brackets, comparisons, `=`, `@`, `:` …
    toks.push({ t: 'op', v: op[0] });
    i += op[0].length;
  }
  return toks;
}

/** Parses a Python expression of the understood kind; null for anything else. */
export function parseExpression(src: string): Node | null {
  if (src.length > MAX_SOURCE) return null;
  const toks = tokenize(src);
  if (!toks || toks.length === 0) return null;
  let p = 0;
  let depth = 0;
  const peek = (v?: string) => (p < toks.length && (v === undefined || toks[p].v === v) ? toks[p] : null);
  const eat = (v: string) => {
    if (peek(v)?.t === 'op') {
      p++;
      return true;
    }
    return false;
  };
  const fail = (): never => {
    throw new Error('unparsed');
  };
  const sum = (): Node => {
    if (++depth > MAX_DEPTH) fail();
    let l = term();
    for (;;) {
      const op = peek('+') || peek('-');
      if (!op || op.t !== 'op') break;
      p++;
      l = { k: 'bin', op: op.v as '+' | '-', l, r: term() };
    }
    depth--;
    return l;
  };
  const term = (): Node => {
    let l = factor();
    for (;;) {
      const op = peek('*') || peek('/') || peek('//') || peek('%');
      if (!op || op.t !== 'op') break;
      p++;
      l = { k: 'bin', op: op.v as '*' | '/' | '//' | '%', l, r: factor() };
    }
    return l;
  };
  const factor = (): Node => {
    if (++depth > MAX_DEPTH) fail();
    const op = peek('-') || peek('+');
    let n: Node;
    if (op && op.t === 'op') {
      p++;
      n = { k: 'neg', op: op.v as '-' | '+', e: factor() };
    } else n = power();
    depth--;
    return n;
  };
  const power = (): Node => {
    const base = primary();
    if (eat('**')) return { k: 'bin', op: '**', l: base, r: factor() };
    return base;
  };
  const primary = (): Node => {
    const t = toks[p];
    if (!t) fail();
    if (t.t === 'num') {
      p++;
      return { k: 'num', text: t.v };
    }
    if (t.t === 'name') {
      p++;
      const parts = [t.v];
      while (eat('.')) {
        const n = toks[p];
        if (!n || n.t !== 'name') fail();
        parts.push(n.v);
        p++;
      }
      if (parts.length > 2 || (parts.length === 2 && !MODULES.has(parts[0]))) fail(); // methods, attributes
      const id = parts[parts.length - 1];
      if (eat('(')) {
        const args: Node[] = [];
        if (!eat(')')) {
          do args.push(sum());
          while (eat(','));
          if (!eat(')')) fail();
        }
        if (peek('(') || peek('.')) fail(); // f(x)(y), f(x).attr
        return { k: 'call', fn: id, args };
      }
      if (parts.length === 2) {
        if (id in CONSTANTS) return { k: 'const', tex: CONSTANTS[id] };
        fail();
      }
      if (id === 'pi' || id === 'oo') return { k: 'const', tex: CONSTANTS[id] };
      return { k: 'name', id };
    }
    if (eat('(')) {
      const e = sum();
      if (!eat(')')) fail(); // tuples, generators
      return { k: 'paren', e };
    }
    return fail();
  };
  try {
    const n = sum();
    return p === toks.length ? n : null;
  } catch {
    return null;
  }
}

const textName = (s: string) => `\\text{${s.replace(/_/g, '\\_')}}`;

/** A Python name as LaTeX: `x` → x, `x1`/`x_1` → x_{1}, `theta` → \theta, `total_cost` → \text{total\_cost}. */
export function nameTex(id: string): string {
  const m = /^([A-Za-z]|[a-zA-Z]+?)_?(\d+)$/.exec(id);
  if (m && (m[1].length === 1 || GREEK.has(m[1]))) return `${nameTex(m[1])}_{${m[2]}}`;
  if (id.length === 1) return id;
  if (GREEK.has(id)) return `\\${id.replace(/_$/, '')}`;
  return textName(id);
}

function numTex(text: string): string {
  const t = text.replace(/_/g, '');
  const m = /^([\d.]+)[eE]([+-]?\d+)$/.exec(t);
  if (m) return `${m[1]} \\times 10^{${Number(m[2])}}`;
  return t;
}

const unparen = (n: Node): Node => (n.k === 'paren' ? unparen(n.e) : n);
/** Nodes that read as one unit before `^`, `!` or after a unary minus. */
const isAtomic = (n: Node) => n.k === 'num' || n.k === 'name' || n.k === 'const' || n.k === 'paren';

const FUNCS: Record<string, string> = {
  sin: '\\sin',
  cos: '\\cos',
  tan: '\\tan',
  cot: '\\cot',
  sec: '\\sec',
  csc: '\\csc',
  asin: '\\arcsin',
  acos: '\\arccos',
  atan: '\\arctan',
  sinh: '\\sinh',
  cosh: '\\cosh',
  tanh: '\\tanh',
  gcd: '\\gcd',
  min: '\\min',
  max: '\\max',
  Min: '\\min',
  Max: '\\max',
  ln: '\\ln',
  exp_: '\\exp',
};

function callTex(fn: string, args: Node[]): string | null {
  const a = args.map((x) => tex(x));
  const bare = args.map((x) => tex(unparen(x)));
  const n = args.length;
  const list = () => bare.join(', ');
  switch (fn) {
    case 'sqrt':
      return n === 1 ? `\\sqrt{${bare[0]}}` : null;
    case 'isqrt':
      return n === 1 ? `\\left\\lfloor \\sqrt{${bare[0]}} \\right\\rfloor` : null;
    case 'cbrt':
      return n === 1 ? `\\sqrt[3]{${bare[0]}}` : null;
    case 'root':
      return n === 2 ? `\\sqrt[${bare[1]}]{${bare[0]}}` : null;
    case 'Rational':
    case 'Fraction':
      return n === 2 ? `\\frac{${bare[0]}}{${bare[1]}}` : n === 1 ? a[0] : null;
    case 'Integer':
    case 'Float':
    case 'float':
    case 'N':
    case 'nsimplify':
    case 'simplify':
      return n === 1 ? a[0] : null;
    case 'abs':
    case 'Abs':
    case 'fabs':
      return n === 1 ? `\\left|${bare[0]}\\right|` : null;
    case 'floor':
      return n === 1 ? `\\left\\lfloor ${bare[0]} \\right\\rfloor` : null;
    case 'ceil':
    case 'ceiling':
      return n === 1 ? `\\left\\lceil ${bare[0]} \\right\\rceil` : null;
    case 'factorial':
      return n === 1 ? `${isAtomic(args[0]) ? a[0] : `\\left(${bare[0]}\\right)`}!` : null;
    case 'comb':
    case 'binomial':
      return n === 2 ? `\\binom{${bare[0]}}{${bare[1]}}` : null;
    case 'pow':
    case 'Pow':
      return n === 2 ? `${isAtomic(args[0]) ? a[0] : `\\left(${bare[0]}\\right)`}^{${bare[1]}}` : null;
    case 'exp':
      return n === 1 ? `e^{${bare[0]}}` : null;
    case 'log':
      if (n === 1) return `\\ln\\left(${bare[0]}\\right)`;
      return n === 2 ? `\\log_{${bare[1]}}\\left(${bare[0]}\\right)` : null;
    case 'log10':
    case 'log2':
      return n === 1 ? `\\log_{${fn.slice(3)}}\\left(${bare[0]}\\right)` : null;
    case 'lcm':
      return n >= 1 ? `\\operatorname{lcm}\\left(${list()}\\right)` : null;
  }
  if (fn in FUNCS) return n >= 1 ? `${FUNCS[fn]}\\left(${list()}\\right)` : null;
  const name = fn.length === 1 ? fn : `\\operatorname{${fn.replace(/_/g, '\\_')}}`;
  return `${name}\\left(${list()}\\right)`;
}

class Unrenderable extends Error {}

function tex(n: Node): string {
  switch (n.k) {
    case 'num':
      return numTex(n.text);
    case 'name':
      return nameTex(n.id);
    case 'const':
      return n.tex;
    case 'paren':
      return `\\left(${tex(n.e)}\\right)`;
    case 'neg': {
      const inner = n.e.k === 'bin' && (n.e.op === '+' || n.e.op === '-') ? `\\left(${tex(n.e)}\\right)` : tex(n.e);
      return `${n.op === '-' ? '-' : '+'}${inner}`;
    }
    case 'call': {
      const c = callTex(n.fn, n.args);
      if (c === null) throw new Unrenderable(n.fn);
      return c;
    }
    case 'bin': {
      // An operand that reads wrongly without parentheses gets them: `a - (-b)`, `(a mod b) × c`.
      const side = (x: Node, right: boolean) => {
        const t = tex(x);
        if (x.k === 'neg' && (right || n.op === '**')) return `\\left(${t}\\right)`;
        if (x.k === 'bin' && x.op === '%') return `\\left(${t}\\right)`;
        return t;
      };
      switch (n.op) {
        case '+':
          return `${side(n.l, false)} + ${side(n.r, true)}`;
        case '-':
          return `${side(n.l, false)} - ${side(n.r, true)}`;
        case '*':
          return `${side(n.l, false)} \\times ${side(n.r, true)}`;
        case '%':
          return `${side(n.l, false)} \\bmod ${side(n.r, true)}`;
        case '/':
          return `\\frac{${tex(unparen(n.l))}}{${tex(unparen(n.r))}}`;
        case '//':
          return `\\left\\lfloor \\frac{${tex(unparen(n.l))}}{${tex(unparen(n.r))}} \\right\\rfloor`;
        case '**': {
          const base = n.l;
          const b =
            isAtomic(base) ||
            (base.k === 'call' && !/^(sqrt|isqrt|cbrt|root|Rational|Fraction|factorial|comb|binomial|pow|Pow|exp)$/.test(base.fn))
              ? tex(base)
              : `\\left(${tex(unparen(base))}\\right)`;
          return `${b}^{${tex(unparen(n.r))}}`;
        }
      }
    }
  }
  throw new Unrenderable('node');
}

/** A Python expression as LaTeX, or null when it is not one this module understands. */
export function pythonExprTex(src: string): string | null {
  const n = parseExpression(src.trim());
  if (!n) return null;
  try {
    return tex(n);
  } catch {
    return null;
  }
}

/**
 * What a program printed for a value, as LaTeX: `29`, `8.94427190999916`, sympy's `4*sqrt(5)` or
 * `7/2`; null for anything else (lists, text, several values).
 */
export function printedValueTex(printed: string): string | null {
  const s = printed.trim();
  if (!s || s.includes('\n')) return null;
  return pythonExprTex(s);
}

/** A float printed with many decimals is a rounded value: shown with ≈, not =. */
const isRounded = (printed: string) => /^-?\d*\.\d{7,}(e[+-]?\d+)?$/i.test(printed.trim());

export interface Assignment {
  target: string;
  expression: string;
}

/** `name = expression` (one target, plain `=`; trailing comment dropped), or null. */
export function parseAssignment(line: string): Assignment | null {
  let l = line.replace(/\s+$/, '');
  if (/^\s/.test(l)) return null; // inside a block: not run once, in order
  if (!/["']/.test(l)) l = l.replace(/\s*#.*$/, '');
  const m = /^([A-Za-z_]\w*)\s*=(?!=)\s*(.+)$/.exec(l);
  if (!m || KEYWORDS.has(m[1])) return null;
  return { target: m[1], expression: m[2] };
}

/**
 * The LaTeX of one assignment line, with its printed value when known: `total = 3 * 12 - 7` and
 * value `29` → `\text{total} = 3 \times 12 - 7 = 29`. Null when the line is not understood, or
 * records a given (`x = 12`, `y = x`: nothing is computed there).
 */
export function assignmentTex(line: string, printed?: string): string | null {
  const a = parseAssignment(line);
  if (!a) return null;
  const node = parseExpression(a.expression.trim());
  if (!node) return null;
  const plain = unparen(node);
  if (plain.k === 'num' || plain.k === 'name' || plain.k === 'const' || (plain.k === 'neg' && plain.e.k === 'num')) return null;
  let rhs: string;
  try {
    rhs = tex(node);
  } catch {
    return null;
  }
  let out = `${nameTex(a.target)} = ${rhs}`;
  const value = printed === undefined ? null : printedValueTex(printed);
  if (value !== null && value !== rhs) out += ` ${isRounded(printed!) ? '\\approx' : '='} ${value}`;
  return out;
}

/** One thread message's code and what it printed (only the new part of the program output). */
export interface CodeGroup {
  code: string;
  output: string | undefined;
  /** False when the code raised: nothing it printed is taken as a value. */
  ok: boolean;
}

const COMPOUND = /^(for|while|if|elif|else|def|class|with|try|except|finally|match|case|async)\b/;
/** Names a line (re)binds other than by `name = expr`: tuples, `+=`, loop variables, `with … as`. */
function reboundNames(line: string): string[] {
  const l = line.trim();
  const names: string[] = [];
  const lhs = /^([A-Za-z_][\w\s,()[\]*]*?)\s*(\*\*|\/\/|>>|<<|[-+*/%@&|^])?=(?!=)/.exec(l);
  if (lhs) names.push(...(lhs[1].match(/[A-Za-z_]\w*/g) ?? []));
  const loop = /^(?:async\s+)?for\s+(.+?)\s+in\b/.exec(l);
  if (loop) names.push(...(loop[1].match(/[A-Za-z_]\w*/g) ?? []));
  for (const m of l.matchAll(/\bas\s+([A-Za-z_]\w*)/g)) names.push(m[1]);
  for (const m of l.matchAll(/([A-Za-z_]\w*)\s*:=/g)) names.push(m[1]);
  const g = /^(?:global|nonlocal|del)\s+(.+)$/.exec(l);
  if (g) names.push(...(g[1].match(/[A-Za-z_]\w*/g) ?? []));
  return names;
}

/**
 * The working of each group as formulas: every assignment this module understands, in order,
 * with the value the program printed for its variable when that is certain, i.e. a top-level
 * `print(name)` in a group without loops or blocks whose printed lines match its prints one to
 * one, and no other binding of the name in between. At most `maxPerGroup` formulas a group.
 */
export function programWorking(groups: CodeGroup[], maxPerGroup = 8): string[][] {
  type Ref = { g: number; line: number };
  const last = new Map<string, Ref | null>();
  const values = new Map<string, string>(); // `${g}:${line}` → printed value
  const assigns: { ref: Ref; text: string }[][] = groups.map(() => []);
  groups.forEach((grp, g) => {
    const lines = grp.code.split('\n');
    const compound = lines.some((l) => (l.trim() && /^\s/.test(l)) || COMPOUND.test(l.trim()) || l.includes(';'));
    const prints = lines.filter((l) => /^print\(/.test(l));
    const outLines = grp.output === undefined || grp.output.trim() === '' ? [] : grp.output.replace(/\n+$/, '').split('\n');
    const mapPrints = !compound && grp.ok && prints.length === outLines.length;
    let k = 0;
    lines.forEach((line, i) => {
      if (/^print\(/.test(line)) {
        const m = /^print\(\s*([A-Za-z_]\w*)\s*\)\s*(#.*)?$/.exec(line);
        const ref = m ? last.get(m[1]) : undefined;
        if (mapPrints && ref && !values.has(`${ref.g}:${ref.line}`)) values.set(`${ref.g}:${ref.line}`, outLines[k]);
        k++;
        return;
      }
      const a = parseAssignment(line);
      if (a) {
        last.set(a.target, { g, line: i });
        assigns[g].push({ ref: { g, line: i }, text: line });
      } else for (const n of reboundNames(line)) last.set(n, null);
    });
    // A block may rebind names any number of times: nothing printed later is tied to them.
    if (compound) for (const line of lines) for (const n of reboundNames(line)) last.set(n, null);
  });
  return groups.map((grp, g) => {
    if (!grp.ok) return [];
    const out: string[] = [];
    for (const { ref, text } of assigns[g]) {
      if (out.length >= maxPerGroup) break;
      const f = assignmentTex(text, values.get(`${ref.g}:${ref.line}`));
      if (f !== null) out.push(f);
    }
    return out;
  });
}
