/**
 * A tiny expression DSL that builds Python code and its exact value together, with Python's
 * semantics for int / fractions.Fraction arithmetic and printing (no floats ever).
 */
export interface Q {
  n: number;
  d: number;
}

const gcd = (a: number, b: number): number => {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a || 1;
};

export function q(n: number, d = 1): Q {
  if (d === 0) throw new Error('division by zero');
  if (d < 0) [n, d] = [-n, -d];
  const g = gcd(n, d);
  return { n: n / g, d: d / g };
}

export interface Ex {
  code: string;
  v: Q;
  /** true when Python's value is a Fraction, false for int. */
  frac: boolean;
  prec: number;
}

const ATOM = 100;
const PREC: Record<string, number> = { '+': 10, '-': 10, '*': 20, '//': 20, '%': 20 };

export const num = (n: number): Ex => {
  if (!Number.isInteger(n) || n < 0) throw new Error(`bad literal ${n}`);
  return { code: String(n), v: q(n), frac: false, prec: ATOM };
};

/** `Fraction(a, b)` with integer literals or int expressions. */
export const frac = (a: Ex | number, b: Ex | number): Ex => {
  const x = typeof a === 'number' ? num(a) : a;
  const y = typeof b === 'number' ? num(b) : b;
  return { code: `Fraction(${x.code}, ${y.code})`, v: div(x.v, y.v), frac: true, prec: ATOM };
};

const add = (a: Q, b: Q) => q(a.n * b.d + b.n * a.d, a.d * b.d);
const sub = (a: Q, b: Q) => q(a.n * b.d - b.n * a.d, a.d * b.d);
const mul = (a: Q, b: Q) => q(a.n * b.n, a.d * b.d);
const div = (a: Q, b: Q) => q(a.n * b.d, a.d * b.n);
const floorDiv = (a: Q, b: Q) => {
  const r = div(a, b);
  return q(Math.floor(r.n / r.d));
};

export function op(a: Ex | number, o: '+' | '-' | '*' | '//' | '%', b: Ex | number): Ex {
  const x = typeof a === 'number' ? num(a) : a;
  const y = typeof b === 'number' ? num(b) : b;
  const p = PREC[o]!;
  const left = x.prec < p ? `(${x.code})` : x.code;
  const rightNeedsParens = o === '+' || o === '*' ? y.prec < p : y.prec <= p;
  const right = rightNeedsParens ? `(${y.code})` : y.code;
  let v: Q;
  let isFrac = x.frac || y.frac;
  switch (o) {
    case '+':
      v = add(x.v, y.v);
      break;
    case '-':
      v = sub(x.v, y.v);
      break;
    case '*':
      v = mul(x.v, y.v);
      break;
    case '//':
      v = floorDiv(x.v, y.v);
      isFrac = false;
      break;
    case '%':
      v = sub(x.v, mul(y.v, floorDiv(x.v, y.v)));
      break;
  }
  if (!isFrac && v.d !== 1) throw new Error('int expression with a fractional value');
  return { code: `${left} ${o} ${right}`, v, frac: isFrac, prec: p };
}

/** A variable holding a value. */
export const ref = (name: string, e: Ex): Ex => ({ code: name, v: e.v, frac: e.frac, prec: ATOM });

/** What Python's print() shows for this value. */
export function pyStr(e: { v: Q; frac: boolean }): string {
  if (!e.frac) return String(e.v.n);
  return e.v.d === 1 ? String(e.v.n) : `${e.v.n}/${e.v.d}`;
}

export const isInt = (e: Ex): boolean => e.v.d === 1;
export const value = (e: Ex): number => e.v.n / e.v.d;

/** Python code whose value the caller computed (sympy / math calls, negative numbers). */
export const raw = (code: string, v: Q, isFrac = true, prec = ATOM): Ex => ({ code, v, frac: isFrac, prec });

/** Exact arithmetic on values, for callers that build code text themselves. */
export const qadd = add;
export const qsub = sub;
export const qmul = mul;
export const qdiv = div;
