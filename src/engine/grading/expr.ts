/**
 * A small LaTeX-ish expression parser with three back ends: exact rational evaluation,
 * floating-point evaluation at variable assignments, and rendering to a sympy expression string.
 */

export type Node =
  | { t: 'num'; v: string; dec: boolean }
  | { t: 'var'; name: string }
  | { t: 'const'; name: 'pi' | 'e' | 'inf' }
  | { t: 'bin'; op: '+' | '-' | '*' | '/' | '^'; l: Node; r: Node }
  | { t: 'neg'; a: Node }
  | { t: 'fn'; name: string; args: Node[] }
  | { t: 'fact'; a: Node };

const FUNCS = new Set([
  'sin',
  'cos',
  'tan',
  'sec',
  'csc',
  'cot',
  'arcsin',
  'arccos',
  'arctan',
  'sinh',
  'cosh',
  'tanh',
  'log',
  'ln',
  'exp',
  'sqrt',
  'abs',
  'floor',
  'ceil',
]);
const GREEK = new Set([
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'varepsilon',
  'zeta',
  'eta',
  'theta',
  'vartheta',
  'iota',
  'kappa',
  'lambda',
  'mu',
  'nu',
  'xi',
  'rho',
  'sigma',
  'tau',
  'upsilon',
  'phi',
  'varphi',
  'chi',
  'psi',
  'omega',
  'Gamma',
  'Delta',
  'Theta',
  'Lambda',
  'Xi',
  'Sigma',
  'Phi',
  'Psi',
  'Omega',
]);

type Tok =
  | { k: 'num'; v: string }
  | { k: 'id'; v: string }
  | { k: 'fn'; v: string }
  | { k: 'const'; v: 'pi' | 'e' | 'inf' }
  | { k: 'op'; v: string }
  | { k: 'cmd'; v: string };

export class ParseError extends Error {}

function tokenize(s: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(?:\d+\.?\d*|\.\d+)/.exec(s.slice(i));
    if (num) {
      toks.push({ k: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    if (c === '\\') {
      const m = /^\\([a-zA-Z]+)/.exec(s.slice(i));
      if (m) {
        const name = m[1];
        i += m[0].length;
        if (name === 'pi') toks.push({ k: 'const', v: 'pi' });
        else if (name === 'infty' || name === 'infin') toks.push({ k: 'const', v: 'inf' });
        else if (name === 'cdot' || name === 'times' || name === 'ast') toks.push({ k: 'op', v: '*' });
        else if (name === 'div') toks.push({ k: 'op', v: '/' });
        else if (name === 'lfloor' || name === 'lceil') toks.push({ k: 'cmd', v: name });
        else if (name === 'rfloor' || name === 'rceil') toks.push({ k: 'op', v: ')' });
        else if (FUNCS.has(name) || name === 'frac' || name === 'binom')
          toks.push(name === 'frac' || name === 'binom' || name === 'sqrt' ? { k: 'cmd', v: name } : { k: 'fn', v: name });
        else if (GREEK.has(name)) toks.push({ k: 'id', v: name });
        else throw new ParseError(`unknown command \\${name}`);
        continue;
      }
      if (s[i + 1] === '{' || s[i + 1] === '}') {
        toks.push({ k: 'op', v: s[i + 1] === '{' ? '(' : ')' });
        i += 2;
        continue;
      }
      throw new ParseError('stray backslash');
    }
    if (/[a-zA-Z]/.test(c)) {
      const m = /^[a-zA-Z]+/.exec(s.slice(i))![0];
      // Known function names written without a backslash.
      const fn = [
        'arcsin',
        'arccos',
        'arctan',
        'sinh',
        'cosh',
        'tanh',
        'sqrt',
        'sin',
        'cos',
        'tan',
        'sec',
        'csc',
        'cot',
        'log',
        'ln',
        'exp',
        'pi',
      ].find((f) => m.startsWith(f));
      if (fn && (m.length === fn.length || fn.length >= 3)) {
        if (fn === 'pi') toks.push({ k: 'const', v: 'pi' });
        else if (fn === 'sqrt') toks.push({ k: 'cmd', v: 'sqrt' });
        else toks.push({ k: 'fn', v: fn });
        i += fn.length;
        continue;
      }
      if (m.length >= 3) throw new ParseError(`word "${m}"`);
      // Single letters (multi-letter runs are implicit products).
      toks.push(c === 'e' ? { k: 'const', v: 'e' } : { k: 'id', v: c });
      i++;
      continue;
    }
    if ('+-*/^()[]{}!|_'.includes(c)) {
      if (c === '*' && s[i + 1] === '*') {
        toks.push({ k: 'op', v: '^' });
        i += 2;
        continue;
      }
      toks.push({ k: 'op', v: c });
      i++;
      continue;
    }
    if (c === "'") throw new ParseError('prime');
    throw new ParseError(`unexpected "${c}"`);
  }
  return toks;
}

class Parser {
  private p = 0;
  constructor(private readonly toks: Tok[]) {}

  parse(): Node {
    const n = this.expr();
    if (this.p < this.toks.length) throw new ParseError('trailing tokens');
    return n;
  }

  private peek(): Tok | undefined {
    return this.toks[this.p];
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return !!t && t.k === 'op' && t.v === v;
  }
  private expect(v: string): void {
    if (!this.isOp(v)) throw new ParseError(`expected ${v}`);
    this.p++;
  }

  private expr(): Node {
    let l = this.term();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.toks[this.p++] as { v: '+' | '-' }).v;
      l = { t: 'bin', op, l, r: this.term() };
    }
    return l;
  }

  private startsPrimary(): boolean {
    const t = this.peek();
    if (!t) return false;
    if (t.k === 'op') return t.v === '(' || t.v === '{' || t.v === '[';
    return true;
  }

  private term(): Node {
    let l = this.unary();
    for (;;) {
      if (this.isOp('*') || this.isOp('/')) {
        const op = (this.toks[this.p++] as { v: '*' | '/' }).v;
        l = { t: 'bin', op, l, r: this.unary() };
      } else if (this.startsPrimary()) {
        const t = this.peek()!;
        if (t.k === 'num' && endsWithNumber(l)) throw new ParseError('two numbers in a row');
        l = { t: 'bin', op: '*', l, r: this.power() };
      } else return l;
    }
  }

  private unary(): Node {
    if (this.isOp('-')) {
      this.p++;
      return { t: 'neg', a: this.unary() };
    }
    if (this.isOp('+')) {
      this.p++;
      return this.unary();
    }
    return this.power();
  }

  private power(): Node {
    let base = this.postfix();
    if (this.isOp('^')) {
      this.p++;
      const ex = this.isOp('-') || this.isOp('+') ? this.unary() : this.power();
      base = { t: 'bin', op: '^', l: base, r: ex };
    }
    return base;
  }

  private postfix(): Node {
    let a = this.primary();
    while (this.isOp('!')) {
      this.p++;
      a = { t: 'fact', a };
    }
    return a;
  }

  private group(): Node {
    const t = this.peek();
    if (t && t.k === 'op' && t.v === '{') {
      this.p++;
      const n = this.expr();
      this.expect('}');
      return n;
    }
    // Single-token argument (`\frac12` is normalized before parsing, but be lenient).
    return this.postfix();
  }

  private primary(): Node {
    const t = this.toks[this.p++];
    if (!t) throw new ParseError('unexpected end');
    switch (t.k) {
      case 'num':
        return { t: 'num', v: t.v.startsWith('.') ? '0' + t.v : t.v.replace(/\.$/, ''), dec: t.v.includes('.') && !t.v.endsWith('.') };
      case 'const':
        return { t: 'const', name: t.v };
      case 'id': {
        let name = t.v;
        if (this.isOp('_')) {
          this.p++;
          const sub = this.toks[this.p];
          if (sub && (sub.k === 'num' || sub.k === 'id')) {
            this.p++;
            name += '_' + sub.v;
          } else if (sub && sub.k === 'op' && sub.v === '{') {
            this.p++;
            const parts: string[] = [];
            while (this.p < this.toks.length && !this.isOp('}')) {
              const x = this.toks[this.p++];
              if (x.k !== 'num' && x.k !== 'id') throw new ParseError('complex subscript');
              parts.push(x.v);
            }
            this.expect('}');
            name += '_' + parts.join('');
          } else throw new ParseError('bad subscript');
        }
        return { t: 'var', name };
      }
      case 'fn': {
        let name = t.v;
        let base: Node | null = null;
        if (name === 'log' && this.isOp('_')) {
          this.p++;
          base = this.group();
        }
        let power: Node | null = null;
        if (this.isOp('^')) {
          this.p++;
          power = this.group();
        }
        let arg: Node;
        if (this.isOp('(')) {
          this.p++;
          arg = this.expr();
          this.expect(')');
        } else arg = this.power();
        if (name === 'ln') name = 'log';
        let n: Node = base ? { t: 'fn', name: 'log', args: [arg, base] } : { t: 'fn', name, args: [arg] };
        if (power) {
          // sin^{-1} x is arcsin x; sin^2 x is (sin x)^2.
          if (power.t === 'neg' && power.a.t === 'num' && power.a.v === '1' && ['sin', 'cos', 'tan'].includes(name))
            n = { t: 'fn', name: 'arc' + name, args: [arg] };
          else n = { t: 'bin', op: '^', l: n, r: power };
        }
        return n;
      }
      case 'cmd': {
        if (t.v === 'frac') {
          const a = this.group();
          const b = this.group();
          return { t: 'bin', op: '/', l: a, r: b };
        }
        if (t.v === 'binom') {
          const a = this.group();
          const b = this.group();
          return { t: 'fn', name: 'binomial', args: [a, b] };
        }
        if (t.v === 'sqrt') {
          let idx: Node | null = null;
          if (this.isOp('[')) {
            this.p++;
            idx = this.expr();
            this.expect(']');
          }
          const a = this.isOp('(') ? this.primary() : this.group();
          return idx
            ? { t: 'bin', op: '^', l: a, r: { t: 'bin', op: '/', l: { t: 'num', v: '1', dec: false }, r: idx } }
            : { t: 'fn', name: 'sqrt', args: [a] };
        }
        if (t.v === 'lfloor' || t.v === 'lceil') {
          const a = this.expr();
          this.expect(')');
          return { t: 'fn', name: t.v === 'lfloor' ? 'floor' : 'ceil', args: [a] };
        }
        throw new ParseError('bad command');
      }
      case 'op': {
        if (t.v === '(' || t.v === '{' || t.v === '[') {
          const close = t.v === '(' ? ')' : t.v === '{' ? '}' : ']';
          const n = this.expr();
          this.expect(close);
          return n;
        }
        if (t.v === '|') {
          const n = this.expr();
          this.expect('|');
          return { t: 'fn', name: 'abs', args: [n] };
        }
        throw new ParseError(`unexpected ${t.v}`);
      }
    }
  }
}

function endsWithNumber(n: Node): boolean {
  if (n.t === 'num') return true;
  if (n.t === 'bin' && n.op === '*') return endsWithNumber(n.r);
  return false;
}

const cache = new Map<string, Node | null>();

/** Parses a cleaned LaTeX-ish expression; null when it is not a single expression. */
export function parseExpr(s: string): Node | null {
  const hit = cache.get(s);
  if (hit !== undefined) return hit;
  let n: Node | null;
  try {
    let src = s;
    // Mixed number: `918\frac{1}{2}` is 918 + 1/2.
    const mixed = /^(-?)\s*(\d+)\s*\\frac\{(\d+)\}\{(\d+)\}$/.exec(src);
    if (mixed) src = `${mixed[1]}(${mixed[2]}+\\frac{${mixed[3]}}{${mixed[4]}})`;
    n = new Parser(tokenize(src)).parse();
  } catch {
    n = null;
  }
  if (cache.size > 5000) cache.clear();
  cache.set(s, n);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Exact rationals

export interface Rat {
  n: bigint;
  d: bigint;
}
function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
}
export function rat(n: bigint, d: bigint): Rat | null {
  if (d === 0n) return null;
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}
function parseDecimal(v: string): Rat {
  const [ip, fp = ''] = v.split('.');
  return rat(BigInt(ip + fp || '0'), 10n ** BigInt(fp.length))!;
}
const LIMIT = 10n ** 6000n;

/** Exact value when the expression is built from numbers with + - * / and integer powers. */
export function evalExact(n: Node): Rat | null {
  switch (n.t) {
    case 'num':
      return parseDecimal(n.v);
    case 'neg': {
      const a = evalExact(n.a);
      return a && { n: -a.n, d: a.d };
    }
    case 'bin': {
      const a = evalExact(n.l);
      const b = evalExact(n.r);
      if (!a || !b) return null;
      let r: Rat | null;
      switch (n.op) {
        case '+':
          r = rat(a.n * b.d + b.n * a.d, a.d * b.d);
          break;
        case '-':
          r = rat(a.n * b.d - b.n * a.d, a.d * b.d);
          break;
        case '*':
          r = rat(a.n * b.n, a.d * b.d);
          break;
        case '/':
          r = rat(a.n * b.d, a.d * b.n);
          break;
        case '^': {
          if (b.d !== 1n || b.n > 100000n || b.n < -100000n) return null;
          const bits = (a.n < 0n ? -a.n : a.n).toString(2).length + a.d.toString(2).length;
          if (bits * Number(b.n < 0n ? -b.n : b.n) > 20000) return null;
          const e = b.n < 0n ? -b.n : b.n;
          const pn = a.n ** e;
          const pd = a.d ** e;
          r = b.n < 0n ? rat(pd, pn) : rat(pn, pd);
          break;
        }
      }
      if (r && (r.n > LIMIT || r.n < -LIMIT || r.d > LIMIT)) return null;
      return r;
    }
    case 'fn': {
      if (n.name === 'sqrt') {
        const a = evalExact(n.args[0]);
        if (!a || a.n < 0n) return null;
        const rn = isqrt(a.n);
        const rd = isqrt(a.d);
        return rn * rn === a.n && rd * rd === a.d ? rat(rn, rd) : null;
      }
      return null;
    }
    default:
      return null;
  }
}
function isqrt(v: bigint): bigint {
  if (v < 2n) return v;
  let x = BigInt(Math.floor(Math.sqrt(Number(v))));
  while (x * x > v) x--;
  while ((x + 1n) * (x + 1n) <= v) x++;
  return x;
}
export function ratToNumber(r: Rat): number {
  return Number(r.n) / Number(r.d);
}
export function ratToLatex(r: Rat): string {
  if (r.d === 1n) return r.n.toString();
  const neg = r.n < 0n;
  return `${neg ? '-' : ''}\\frac{${(neg ? -r.n : r.n).toString()}}{${r.d.toString()}}`;
}

// ---------------------------------------------------------------------------------------------
// Floating point

function factorial(x: number): number {
  if (!Number.isInteger(x) || x < 0 || x > 170) return NaN;
  let r = 1;
  for (let k = 2; k <= x; k++) r *= k;
  return r;
}

export function evalNum(n: Node, env: Record<string, number>): number {
  switch (n.t) {
    case 'num':
      return Number(n.v);
    case 'var':
      return env[n.name] ?? NaN;
    case 'const':
      return n.name === 'pi' ? Math.PI : n.name === 'e' ? Math.E : Infinity;
    case 'neg':
      return -evalNum(n.a, env);
    case 'fact':
      return factorial(evalNum(n.a, env));
    case 'bin': {
      const a = evalNum(n.l, env);
      const b = evalNum(n.r, env);
      switch (n.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '^': {
          if (a < 0 && !Number.isInteger(b)) {
            // Odd roots of negatives: (-8)^(1/3) = -2.
            const inv = 1 / b;
            if (Math.abs(inv - Math.round(inv)) < 1e-12 && Math.round(inv) % 2 !== 0) return -Math.pow(-a, b);
            return NaN;
          }
          return Math.pow(a, b);
        }
      }
      return NaN;
    }
    case 'fn': {
      const v = n.args.map((a) => evalNum(a, env));
      const x = v[0];
      switch (n.name) {
        case 'sin':
          return Math.sin(x);
        case 'cos':
          return Math.cos(x);
        case 'tan':
          return Math.tan(x);
        case 'sec':
          return 1 / Math.cos(x);
        case 'csc':
          return 1 / Math.sin(x);
        case 'cot':
          return 1 / Math.tan(x);
        case 'arcsin':
          return Math.asin(x);
        case 'arccos':
          return Math.acos(x);
        case 'arctan':
          return Math.atan(x);
        case 'sinh':
          return Math.sinh(x);
        case 'cosh':
          return Math.cosh(x);
        case 'tanh':
          return Math.tanh(x);
        case 'log':
          return v.length > 1 ? Math.log(x) / Math.log(v[1]) : Math.log(x);
        case 'exp':
          return Math.exp(x);
        case 'sqrt':
          return x < 0 ? NaN : Math.sqrt(x);
        case 'abs':
          return Math.abs(x);
        case 'floor':
          return Math.floor(x);
        case 'ceil':
          return Math.ceil(x);
        case 'binomial': {
          const [a, b] = v;
          if (!Number.isInteger(a) || !Number.isInteger(b) || b < 0 || b > a) return Number.isInteger(b) && b >= 0 ? NaN : NaN;
          let r = 1;
          for (let k = 1; k <= b; k++) r = (r * (a - b + k)) / k;
          return Math.round(r);
        }
      }
      return NaN;
    }
  }
}

export function variables(n: Node, out = new Set<string>()): Set<string> {
  switch (n.t) {
    case 'var':
      out.add(n.name);
      break;
    case 'neg':
    case 'fact':
      variables(n.a, out);
      break;
    case 'bin':
      variables(n.l, out);
      variables(n.r, out);
      break;
    case 'fn':
      n.args.forEach((a) => variables(a, out));
      break;
  }
  return out;
}

export function hasDecimal(n: Node): boolean {
  switch (n.t) {
    case 'num':
      return n.dec;
    case 'neg':
    case 'fact':
      return hasDecimal(n.a);
    case 'bin':
      return hasDecimal(n.l) || hasDecimal(n.r);
    case 'fn':
      return n.args.some(hasDecimal);
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// sympy rendering

const SYMPY_FN: Record<string, string> = {
  sin: 'sin',
  cos: 'cos',
  tan: 'tan',
  sec: 'sec',
  csc: 'csc',
  cot: 'cot',
  arcsin: 'asin',
  arccos: 'acos',
  arctan: 'atan',
  sinh: 'sinh',
  cosh: 'cosh',
  tanh: 'tanh',
  log: 'log',
  exp: 'exp',
  sqrt: 'sqrt',
  abs: 'Abs',
  floor: 'floor',
  ceil: 'ceiling',
  binomial: 'binomial',
};

/**
 * A sympy expression string. Only names from a fixed list and `v_<letters/digits>` symbols are
 * emitted, so the string is safe to hand to `parse_expr` (inside the sandbox regardless).
 */
export function toSympy(n: Node): string {
  switch (n.t) {
    case 'num':
      return n.dec ? `Rational('${n.v}')` : n.v;
    case 'var':
      if (n.name === 'i') return 'I';
      return 'v_' + n.name.replace(/[^A-Za-z0-9]/g, '_');
    case 'const':
      return n.name === 'pi' ? 'pi' : n.name === 'e' ? 'E' : 'oo';
    case 'neg':
      return `(-(${toSympy(n.a)}))`;
    case 'fact':
      return `factorial(${toSympy(n.a)})`;
    case 'bin':
      return `((${toSympy(n.l)})${n.op === '^' ? '**' : n.op}(${toSympy(n.r)}))`;
    case 'fn': {
      const f = SYMPY_FN[n.name];
      if (!f) throw new ParseError(`no sympy function for ${n.name}`);
      return `${f}(${n.args.map(toSympy).join(', ')})`;
    }
  }
}

export function hasInfinity(n: Node): boolean {
  switch (n.t) {
    case 'const':
      return n.name === 'inf';
    case 'neg':
    case 'fact':
      return hasInfinity(n.a);
    case 'bin':
      return hasInfinity(n.l) || hasInfinity(n.r);
    case 'fn':
      return n.args.some(hasInfinity);
    default:
      return false;
  }
}
