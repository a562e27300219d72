/**
 * LaTeX → readable plain text with Unicode (`\frac{1}{2}\sqrt{x^2+1}` → `½√(x²+1)`), for
 * platforms that show text better than images (message text, previews, alt text).
 *
 * Strict mode gives up (null) on anything that would not read well as text (environments,
 * limits on ∑/∫, accents, unknown commands): such math keeps its typeset image. Loose mode
 * always answers, dropping what it cannot show, and never leaves a backslash command behind
 * (used for alt text). Pure; no KaTeX.
 */
import type { TextBlock } from './types';

class Unreadable extends Error {}

const SYMBOLS: Record<string, string> = {
  cdot: '·',
  times: '×',
  div: '÷',
  pm: '±',
  mp: '∓',
  ast: '*',
  star: '⋆',
  bullet: '•',
  circ: '∘',
  infty: '∞',
  partial: '∂',
  nabla: '∇',
  prime: '′',
  angle: '∠',
  measuredangle: '∡',
  triangle: '△',
  square: '□',
  degree: '°',
  emptyset: '∅',
  varnothing: '∅',
  cdots: '⋯',
  ldots: '…',
  dots: '…',
  dotsc: '…',
  dotsb: '⋯',
  vdots: '⋮',
  forall: '∀',
  exists: '∃',
  neg: '¬',
  lnot: '¬',
  land: '∧',
  lor: '∨',
  wedge: '∧',
  vee: '∨',
  cup: '∪',
  cap: '∩',
  setminus: '∖',
  lfloor: '⌊',
  rfloor: '⌋',
  lceil: '⌈',
  rceil: '⌉',
  langle: '⟨',
  rangle: '⟩',
  vert: '|',
  Vert: '‖',
  lvert: '|',
  rvert: '|',
  lVert: '‖',
  rVert: '‖',
  '|': '‖',
  '{': '{',
  '}': '}',
  '%': '%',
  $: '$',
  '&': '&',
  '#': '#',
  _: '_',
  lbrace: '{',
  rbrace: '}',
  lbrack: '[',
  rbrack: ']',
  backslash: '∖',
  sum: '∑',
  prod: '∏',
  int: '∫',
  oint: '∮',
  iint: '∬',
  sqcup: '⊔',
  oplus: '⊕',
  otimes: '⊗',
  hbar: 'ℏ',
  ell: 'ℓ',
  Re: 'ℜ',
  Im: 'ℑ',
  aleph: 'ℵ',
  checkmark: '✓',
  dagger: '†',
  alpha: 'α',
  beta: 'β',
  gamma: 'γ',
  delta: 'δ',
  epsilon: 'ϵ',
  varepsilon: 'ε',
  zeta: 'ζ',
  eta: 'η',
  theta: 'θ',
  vartheta: 'ϑ',
  iota: 'ι',
  kappa: 'κ',
  lambda: 'λ',
  mu: 'μ',
  nu: 'ν',
  xi: 'ξ',
  pi: 'π',
  varpi: 'ϖ',
  rho: 'ρ',
  varrho: 'ϱ',
  sigma: 'σ',
  varsigma: 'ς',
  tau: 'τ',
  upsilon: 'υ',
  phi: 'ϕ',
  varphi: 'φ',
  chi: 'χ',
  psi: 'ψ',
  omega: 'ω',
  Gamma: 'Γ',
  Delta: 'Δ',
  Theta: 'Θ',
  Lambda: 'Λ',
  Xi: 'Ξ',
  Pi: 'Π',
  Sigma: 'Σ',
  Upsilon: 'Υ',
  Phi: 'Φ',
  Psi: 'Ψ',
  Omega: 'Ω',
};

/** Relations, arrows and binary operators: shown with a space either side. */
const RELATIONS: Record<string, string> = {
  cdot: '·',
  times: '×',
  div: '÷',
  pm: '±',
  mp: '∓',
  cup: '∪',
  cap: '∩',
  setminus: '∖',
  oplus: '⊕',
  otimes: '⊗',
  le: '≤',
  leq: '≤',
  leqslant: '≤',
  ge: '≥',
  geq: '≥',
  geqslant: '≥',
  ne: '≠',
  neq: '≠',
  approx: '≈',
  equiv: '≡',
  sim: '∼',
  simeq: '≃',
  cong: '≅',
  propto: '∝',
  ll: '≪',
  gg: '≫',
  to: '→',
  rightarrow: '→',
  longrightarrow: '⟶',
  leftarrow: '←',
  gets: '←',
  Rightarrow: '⇒',
  implies: '⇒',
  Longrightarrow: '⟹',
  Leftarrow: '⇐',
  iff: '⇔',
  Leftrightarrow: '⇔',
  leftrightarrow: '↔',
  mapsto: '↦',
  in: '∈',
  notin: '∉',
  ni: '∋',
  subset: '⊂',
  subseteq: '⊆',
  supset: '⊃',
  supseteq: '⊇',
  perp: '⊥',
  parallel: '∥',
  mid: '|',
  nmid: '∤',
  colon: ':',
  coloneqq: '≔',
  models: '⊨',
  vdash: '⊢',
};

const FUNCTIONS = new Set([
  'sin',
  'cos',
  'tan',
  'cot',
  'sec',
  'csc',
  'arcsin',
  'arccos',
  'arctan',
  'sinh',
  'cosh',
  'tanh',
  'log',
  'ln',
  'lg',
  'exp',
  'max',
  'min',
  'sup',
  'inf',
  'gcd',
  'lcm',
  'det',
  'deg',
  'dim',
  'ker',
  'arg',
  'Pr',
  'lim',
  'limsup',
  'liminf',
]);

const SPACES: Record<string, string> = {
  ',': ' ',
  ';': ' ',
  ':': ' ',
  '>': ' ',
  ' ': ' ',
  quad: ' ',
  qquad: ' ',
  enspace: ' ',
  thinspace: ' ',
  '!': '',
  negthinspace: '',
};
/** Commands that change only the look: dropped. */
const IGNORED = new Set([
  'left',
  'right',
  'big',
  'Big',
  'bigg',
  'Bigg',
  'bigl',
  'bigr',
  'Bigl',
  'Bigr',
  'biggl',
  'biggr',
  'Biggl',
  'Biggr',
  'middle',
  'displaystyle',
  'textstyle',
  'scriptstyle',
  'limits',
  'nolimits',
  'nonumber',
  'notag',
]);
/** Commands whose one argument is shown as it is. */
const WRAPPERS = new Set([
  'text',
  'textrm',
  'textnormal',
  'textbf',
  'textit',
  'textsf',
  'texttt',
  'mathrm',
  'mathbf',
  'mathit',
  'mathsf',
  'mathtt',
  'mathnormal',
  'operatorname',
  'mbox',
  'hbox',
  'boxed',
  'fbox',
  'framebox',
  'emph',
  'bm',
  'boldsymbol',
  'mathup',
  'underline',
  'color',
  'textcolor',
  'phantom',
]);
const DOUBLE_STRUCK: Record<string, string> = { R: 'ℝ', N: 'ℕ', Z: 'ℤ', Q: 'ℚ', C: 'ℂ', P: 'ℙ' };

const SUP: Record<string, string> = {
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
  '+': '⁺',
  '-': '⁻',
  '−': '⁻',
  '=': '⁼',
  '(': '⁽',
  ')': '⁾',
  a: 'ᵃ',
  b: 'ᵇ',
  c: 'ᶜ',
  d: 'ᵈ',
  e: 'ᵉ',
  f: 'ᶠ',
  g: 'ᵍ',
  h: 'ʰ',
  i: 'ⁱ',
  j: 'ʲ',
  k: 'ᵏ',
  l: 'ˡ',
  m: 'ᵐ',
  n: 'ⁿ',
  o: 'ᵒ',
  p: 'ᵖ',
  r: 'ʳ',
  s: 'ˢ',
  t: 'ᵗ',
  u: 'ᵘ',
  v: 'ᵛ',
  w: 'ʷ',
  x: 'ˣ',
  y: 'ʸ',
  z: 'ᶻ',
  T: 'ᵀ',
  '′': '′',
  '°': '°',
};
const SUB: Record<string, string> = {
  '0': '₀',
  '1': '₁',
  '2': '₂',
  '3': '₃',
  '4': '₄',
  '5': '₅',
  '6': '₆',
  '7': '₇',
  '8': '₈',
  '9': '₉',
  '+': '₊',
  '-': '₋',
  '−': '₋',
  '=': '₌',
  '(': '₍',
  ')': '₎',
  a: 'ₐ',
  e: 'ₑ',
  h: 'ₕ',
  i: 'ᵢ',
  j: 'ⱼ',
  k: 'ₖ',
  l: 'ₗ',
  m: 'ₘ',
  n: 'ₙ',
  o: 'ₒ',
  p: 'ₚ',
  r: 'ᵣ',
  s: 'ₛ',
  t: 'ₜ',
  u: 'ᵤ',
  v: 'ᵥ',
  x: 'ₓ',
};
const FRACTIONS: Record<string, string> = {
  '1/2': '½',
  '1/3': '⅓',
  '2/3': '⅔',
  '1/4': '¼',
  '3/4': '¾',
  '1/5': '⅕',
  '2/5': '⅖',
  '3/5': '⅗',
  '4/5': '⅘',
  '1/6': '⅙',
  '5/6': '⅚',
  '1/8': '⅛',
  '3/8': '⅜',
  '5/8': '⅝',
  '7/8': '⅞',
};

type Tok = { t: 'cmd'; v: string } | { t: 'ch'; v: string };

function tokenize(tex: string): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < tex.length;) {
    const c = tex[i];
    if (c === '\\') {
      const m = /^[A-Za-z]+/.exec(tex.slice(i + 1, i + 40));
      if (m) {
        out.push({ t: 'cmd', v: m[0] });
        i += 1 + m[0].length;
        while (tex[i] === ' ') i++; // a space after a command name is part of it
      } else {
        out.push({ t: 'cmd', v: tex[i + 1] ?? '' });
        i += 2;
      }
    } else if (c === '%') {
      const nl = tex.indexOf('\n', i);
      i = nl < 0 ? tex.length : nl + 1;
    } else {
      out.push({ t: 'ch', v: c });
      i++;
    }
  }
  return out;
}

const isAtomic = (s: string) =>
  /^[\p{L}\p{N}.′°²³¹⁰-⁹ⁿ]+$/u.test(s) || /^[√∛∜]?[\p{L}\p{N}.]+$/u.test(s) || (/^\(.*\)$/.test(s) && balanced(s.slice(1, -1)));
/** Already one unit: a vulgar fraction or a fully parenthesised group. */
const wrapped = (s: string) => /^[½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞]$/.test(s) || (/^\(.*\)$/.test(s) && balanced(s.slice(1, -1)));
const wrap = (s: string) => (isAtomic(s) ? s : `(${s})`);
/** A numerator like `n(n+1)` or `2x` reads fine before a slash: no operator or space outside brackets. */
const wrapNumerator = (s: string) => (isAtomic(s) || topLevelPlain(s) ? s : `(${s})`);

function topLevelPlain(s: string): boolean {
  let d = 0;
  for (const c of s) {
    if (c === '(' || c === '[') d++;
    else if (c === ')' || c === ']') d--;
    else if (d === 0 && /[\s+−\-=<>±∓·×÷/,]/.test(c)) return false;
  }
  return d === 0;
}

/** Accents as combining marks (`\bar{x}` → x̅); strict mode only over one letter (\overline: any letters). */
const ACCENTS: Record<string, string> = {
  bar: '\u0305',
  overline: '\u0305',
  hat: '\u0302',
  widehat: '\u0302',
  vec: '\u20d7',
  tilde: '\u0303',
  widetilde: '\u0303',
  dot: '\u0307',
  ddot: '\u0308',
  overrightarrow: '\u20d7',
};

function balanced(s: string): boolean {
  let d = 0;
  for (const c of s) {
    if (c === '(') d++;
    else if (c === ')' && --d < 0) return false;
  }
  return d === 0;
}

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly strict: boolean,
  ) {}

  private fail(): never {
    throw new Unreadable();
  }

  private peek(): Tok | undefined {
    return this.toks[this.i];
  }

  /** A group `{…}` or one token, as text. */
  private arg(): string {
    this.skipSpaces();
    const t = this.peek();
    if (!t) return '';
    if (t.t === 'ch' && t.v === '{') {
      this.i++;
      const s = this.seq('}');
      this.i++; // the }
      return s;
    }
    return this.atom() ?? '';
  }

  /** A `{…}` group's raw characters (for \text). */
  private rawArg(): string {
    this.skipSpaces();
    const t = this.peek();
    if (!t || t.t !== 'ch' || t.v !== '{') return this.arg();
    this.i++;
    let depth = 0;
    let s = '';
    for (; this.i < this.toks.length; this.i++) {
      const x = this.toks[this.i];
      if (x.t === 'ch' && x.v === '{') depth++;
      if (x.t === 'ch' && x.v === '}' && depth-- === 0) break;
      if (x.t === 'cmd') {
        if (x.v in SYMBOLS || x.v in RELATIONS) s += SYMBOLS[x.v] ?? RELATIONS[x.v];
        else if (x.v in SPACES) s += SPACES[x.v];
        else if (this.strict && /^[A-Za-z]/.test(x.v)) this.fail();
        else if (!/^[A-Za-z]/.test(x.v)) s += x.v;
      } else if (x.v !== '{' && x.v !== '}') s += x.v === '~' ? ' ' : x.v;
    }
    this.i++;
    return s;
  }

  private optArg(): string | null {
    const t = this.peek();
    if (!t || t.t !== 'ch' || t.v !== '[') return null;
    this.i++;
    const s = this.seq(']');
    this.i++;
    return s;
  }

  private skipSpaces() {
    while (this.peek()?.t === 'ch' && /\s/.test(this.peek()!.v)) this.i++;
  }

  /** Text of tokens up to (not including) the closing character, or the end. */
  seq(close?: string): string {
    const parts: { s: string; frac?: boolean }[] = [];
    while (this.i < this.toks.length) {
      const t = this.peek()!;
      if (close && t.t === 'ch' && t.v === close) break;
      if (t.t === 'ch' && t.v === '}') {
        if (close) this.fail();
        this.i++;
        continue;
      }
      if (t.t === 'ch' && (t.v === '^' || t.v === '_')) {
        this.i++;
        const base = parts.length ? parts[parts.length - 1].s : '';
        const script = this.script(t.v === '^', base);
        if (parts.length) parts[parts.length - 1].s = parts[parts.length - 1].s.trimEnd() + script;
        else parts.push({ s: script });
        continue;
      }
      const s = this.atom();
      if (s === null) continue;
      const frac = this.fracJustMade;
      this.fracJustMade = false;
      // A fraction written next to what follows reads as (a/b)x.
      const prev = parts[parts.length - 1];
      if (prev?.frac && /^[\p{L}\p{N}(√∛∜∑∏∫]/u.test(s) && !wrapped(prev.s)) prev.s = `(${prev.s})`;
      if (frac && prev && /[\p{L})]$/u.test(prev.s) && !wrapped(s)) parts.push({ s: `(${s})`, frac: false });
      else parts.push({ s, frac });
    }
    return parts.map((p) => p.s).join('');
  }

  private fracJustMade = false;

  private script(up: boolean, base: string): string {
    this.skipSpaces();
    const t = this.peek();
    if (up && t?.t === 'cmd' && (t.v === 'circ' || t.v === 'degree')) {
      this.i++;
      return '°';
    }
    if (up && t?.t === 'cmd' && t.v === 'prime') {
      this.i++;
      return '′';
    }
    const s = this.arg().replace(/\s+/g, '');
    const table = up ? SUP : SUB;
    const chars = [...s];
    if (s && chars.every((c) => c in table) && !/^[∑∏∫]/.test(base)) return chars.map((c) => table[c]).join('');
    if (this.strict) this.fail();
    const mark = up ? '^' : '_';
    return chars.length === 1 ? `${mark}${s}` : `${mark}(${s})`;
  }

  /** One unit: a character, a command with its arguments, or a group. Null when it makes nothing. */
  private atom(): string | null {
    const t = this.toks[this.i++];
    if (!t) return null;
    if (t.t === 'ch') {
      if (t.v === '{') {
        const s = this.seq('}');
        this.i++;
        return s;
      }
      if (/\s/.test(t.v)) return ' ';
      if (t.v === '~') return ' ';
      if (t.v === '-') return '−';
      if (t.v === "'") return '′';
      if (t.v === '&') {
        if (this.strict) this.fail();
        return ' ';
      }
      if (t.v === '=' || t.v === '<' || t.v === '>') return ` ${t.v} `;
      return t.v;
    }
    const c = t.v;
    if (c === '\\') {
      if (this.strict) this.fail();
      return '; ';
    }
    if (c in SPACES) return SPACES[c];
    if (IGNORED.has(c)) {
      // \left. and \right. are invisible delimiters
      if ((c === 'left' || c === 'right') && this.peek()?.t === 'ch' && this.peek()!.v === '.') this.i++;
      return null;
    }
    if (c in RELATIONS) return ` ${RELATIONS[c]} `;
    if (c in SYMBOLS) {
      // ∑, ∏, ∫ with limits do not read well as text
      if (this.strict && ['sum', 'prod', 'int', 'oint', 'iint'].includes(c) && this.peek()?.t === 'ch' && /[_^]/.test(this.peek()!.v))
        this.fail();
      return SYMBOLS[c];
    }
    if (FUNCTIONS.has(c)) {
      if (
        this.strict &&
        this.peek()?.t === 'ch' &&
        this.peek()!.v === '_' &&
        ['lim', 'max', 'min', 'sup', 'inf', 'limsup', 'liminf'].includes(c)
      )
        this.fail();
      return `${c} `;
    }
    if (c === 'bmod' || c === 'mod') return ' mod ';
    if (c === 'pmod') return ` (mod ${this.arg()})`;
    if (c === 'frac' || c === 'dfrac' || c === 'tfrac' || c === 'cfrac') {
      const a = this.arg().trim();
      const b = this.arg().trim();
      this.fracJustMade = true;
      return FRACTIONS[`${a}/${b}`] ?? `${wrapNumerator(a)}/${wrap(b)}`;
    }
    if (c === 'binom' || c === 'dbinom' || c === 'tbinom') {
      const n = this.arg().trim();
      const k = this.arg().trim();
      return `C(${n}, ${k})`;
    }
    if (c === 'sqrt') {
      const n = this.optArg()?.trim();
      const x = this.arg().trim();
      const sign = !n ? '√' : n === '3' ? '∛' : n === '4' ? '∜' : null;
      if (sign === null) {
        if (this.strict) this.fail();
        return `${wrap(x)}^(1/${n})`;
      }
      return `${sign}${isAtomic(x) && !/^\(/.test(x) ? x : `(${x})`}`;
    }
    if (
      c === 'text' ||
      c === 'textrm' ||
      c === 'textnormal' ||
      c === 'mbox' ||
      c === 'hbox' ||
      c === 'textbf' ||
      c === 'textit' ||
      c === 'texttt' ||
      c === 'emph'
    )
      return this.rawArg();
    if (c === 'framebox' || c === 'makebox') {
      this.optArg();
      this.optArg();
      return this.arg();
    }
    if (c === 'color') {
      this.arg();
      return null;
    }
    if (c === 'textcolor') {
      this.arg();
      return this.arg();
    }
    if (c === 'phantom') {
      this.arg();
      return null;
    }
    if (WRAPPERS.has(c)) return this.arg();
    if (c in ACCENTS) {
      const x = this.arg().trim();
      const letters = [...x];
      const ok = letters.length === 1 || (c === 'overline' && /^[\p{L}\p{N}]+$/u.test(x));
      if (!ok && this.strict) this.fail();
      return letters.map((ch) => (/[\p{L}\p{N}]/u.test(ch) ? ch + ACCENTS[c] : ch)).join('');
    }
    if (c === 'mathbb') {
      const x = this.arg().trim();
      if (x in DOUBLE_STRUCK) return DOUBLE_STRUCK[x];
      if (this.strict) this.fail();
      return x;
    }
    if (c === 'not') {
      const next = this.atom()?.trim();
      if (next === '=') return ' ≠ ';
      if (next === '∈') return ' ∉ ';
      if (this.strict) this.fail();
      return next ?? '';
    }
    if (c === 'begin' || c === 'end') {
      if (this.strict) this.fail();
      this.rawArg(); // the environment name
      return c === 'end' ? ' ' : '';
    }
    if (this.strict) this.fail();
    // Accents, \overline, \vec and unknown commands: their argument (or nothing), never the command.
    if (/^[A-Za-z]+$/.test(c)) {
      const next = this.peek();
      return next?.t === 'ch' && next.v === '{' ? this.arg() : '';
    }
    return c;
  }
}

const tidy = (s: string) =>
  s
    .replace(/[ \t]+/g, ' ')
    .replace(/ ([,.;:!?)\]⌋⌉⟩])/g, '$1')
    .replace(/([([]) /g, '$1')
    .trim();

/**
 * A formula as readable text, or null (strict mode) when it would not read well without
 * typesetting. Loose mode always returns text without backslash commands.
 */
export function texToPlain(tex: string, strict = true): string | null {
  const src = tex.replace(/^\\(?:boxed|fbox)\s*(?=\{)/, '\\boxed');
  try {
    const out = tidy(new Parser(tokenize(src), strict).seq());
    if (/\\[A-Za-z]/.test(out)) return strict ? null : out.replace(/\\([A-Za-z]+)/g, '$1');
    return out;
  } catch (err) {
    if (err instanceof Unreadable) return null;
    if (strict) return null;
    return tex.replace(/\\([A-Za-z]+)/g, '$1').replace(/[{}]/g, '');
  }
}

export type PlainPiece = { kind: 'text'; text: string } | { kind: 'math'; text: string; display: boolean };

/**
 * A block as readable pieces (prose, and each formula as text), or null when some formula does
 * not read well as text (strict). Diagrams become "[diagram omitted]".
 */
export function blockPieces(block: TextBlock, strict = true): PlainPiece[] | null {
  const out: PlainPiece[] = [];
  for (const s of block.segments) {
    if (s.kind === 'text') out.push({ kind: 'text', text: s.text });
    else if (s.kind === 'diagram') out.push({ kind: 'text', text: '[diagram omitted]' });
    else {
      const text = texToPlain(s.tex, strict);
      if (text === null) return null;
      out.push({ kind: 'math', text, display: s.display });
    }
  }
  return out;
}

/** Joins pieces: a display formula on a line of its own; `escape` applies to every piece. */
export function joinPieces(pieces: PlainPiece[], escape: (s: string) => string = (x) => x): string {
  return pieces
    .map((p, i) => {
      if (p.kind !== 'math' || !p.display) return escape(p.text);
      const before = i > 0 && !/\n\s*$/.test(pieces[i - 1].text) ? '\n' : '';
      const after = i < pieces.length - 1 && !/^\s*\n/.test(pieces[i + 1].text) ? '\n' : '';
      return `${before}${escape(p.text)}${after}`;
    })
    .join('')
    .replace(/[ \t]*\n[ \t]*/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Readable text of a block with every formula as text; null when some formula needs typesetting. */
export function blockAsPlain(block: TextBlock, escape?: (s: string) => string): string | null {
  const pieces = blockPieces(block, true);
  return pieces ? joinPieces(pieces, escape) : null;
}

/** Alt text for a block's image: readable, never raw LaTeX, one line, at most `max` characters. */
export function altText(block: TextBlock, max = 1_000): string {
  // one line per formula or paragraph, read as a list ("a = 3 × 12; b = a − 7 = 29")
  const text = joinPieces(blockPieces(block, false) ?? [])
    .split(/\n+/)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('; ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
