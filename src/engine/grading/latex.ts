/**
 * String-level LaTeX helpers for answer grading: brace matching, `\boxed` extraction and the
 * cleaning pass that turns a MATH-style answer into a canonical LaTeX-ish string.
 */

/** Index of the `}` that closes the `{` at `open`, or -1. Skips escaped `\{` and `\}`. */
export function matchBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

export interface BoxedMatch {
  start: number;
  end: number; // exclusive
  content: string;
}

/**
 * Every `\boxed{…}` / `\fbox{…}` / `\framebox[w][pos]{…}` / `\boxed 5` in order, brace-matched.
 * Unclosed ones are skipped.
 */
export function findBoxed(s: string): BoxedMatch[] {
  const out: BoxedMatch[] = [];
  const re = /\\(?:boxed|fbox|framebox)(?![a-zA-Z])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    let i = m.index + m[0].length;
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
    // \framebox's optional [width][position] arguments come before its box
    if (m[0] === '\\framebox') while (s[i] === '[') i = s.indexOf(']', i) < 0 ? s.length : s.indexOf(']', i) + 1;
    if (s[i] === '{') {
      const close = matchBrace(s, i);
      if (close < 0) continue;
      out.push({ start: m.index, end: close + 1, content: s.slice(i + 1, close) });
      re.lastIndex = close + 1;
    } else if (i > m.index + m[0].length) {
      // `\boxed 5`: up to the next whitespace or `$`.
      const rest = /^[^\s$]+/.exec(s.slice(i));
      if (!rest) continue;
      out.push({ start: m.index, end: i + rest[0].length, content: rest[0] });
      re.lastIndex = i + rest[0].length;
    }
  }
  return out;
}

/**
 * The last boxed answer, merged with immediately preceding boxed answers joined only by
 * separators ("\boxed{2} and \boxed{3}" gives "2 \text{ and } 3"), as Math-Verify does. Several
 * boxed answers are joined with "and", so they compare in any order.
 */
export function lastBoxed(s: string): string | null {
  const all = findBoxed(s);
  if (all.length === 0) return null;
  const parts = [all[all.length - 1].content];
  for (let k = all.length - 2; k >= 0; k--) {
    const gap = s.slice(all[k].end, all[k + 1].start);
    if (!/^(?:\s|\$|,|;|\\quad|\\qquad|\\text\{\s*(?:and|or|,)\s*\}|\band\b|\bor\b|&|\\\\)*$/.test(gap)) break;
    parts.unshift(all[k].content);
  }
  return parts.map((p) => p.trim()).join(' \\text{ and } ');
}

/** Strips one layer of `$…$`, `$$…$$`, `\(…\)`, `\[…\]` around the whole string. */
export function stripMathDelims(s: string): string {
  let t = s.trim();
  for (;;) {
    const before = t;
    if (t.startsWith('$$') && t.endsWith('$$') && t.length >= 4) t = t.slice(2, -2).trim();
    else if (t.startsWith('$') && t.endsWith('$') && t.length >= 2 && !t.slice(1, -1).includes('$')) t = t.slice(1, -1).trim();
    else if (t.startsWith('\\(') && t.endsWith('\\)')) t = t.slice(2, -2).trim();
    else if (t.startsWith('\\[') && t.endsWith('\\]')) t = t.slice(2, -2).trim();
    if (t === before) return t;
  }
}

/** Commands that may appear double-escaped (`\\frac`) in JSON-mangled answers. */
const KNOWN_CMDS =
  'frac|dfrac|tfrac|cfrac|sqrt|pi|text|textbf|mathrm|mathbf|mbox|cdot|times|div|left|right|begin|end|boxed|fbox|infty|circ|le|leq|ge|geq|ne|neq|pm|mp|sin|cos|tan|log|ln|exp|cup|cap|in|approx|quad|qquad|binom|dbinom|tbinom|theta|alpha|beta|gamma|pi';

/** Reads one macro argument at `i`: a `{group}`, a `\command`, or a single character. */
function readArg(s: string, i: number): { text: string; next: number } | null {
  while (i < s.length && s[i] === ' ') i++;
  if (i >= s.length) return null;
  if (s[i] === '{') {
    const close = matchBrace(s, i);
    if (close < 0) return null;
    return { text: s.slice(i + 1, close), next: close + 1 };
  }
  if (s[i] === '\\') {
    const m = /^\\[a-zA-Z]+/.exec(s.slice(i));
    if (m) return { text: m[0], next: i + m[0].length };
    return { text: s.slice(i, i + 2), next: i + 2 };
  }
  if (s[i] === '}') return null;
  return { text: s[i], next: i + 1 };
}

/** Rewrites `\frac12`, `\frac 1 2`, `\frac1{72}`, `\sqrt3`, `\sqrt[3]8`, `\binom52` with braces. */
export function braceMacroArgs(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const m = /^\\(frac|binom|sqrt)(?![a-zA-Z])/.exec(s.slice(i));
    if (!m) {
      if (s[i] === '\\' && i + 1 < s.length) {
        out += s[i] + s[i + 1];
        i += 2;
        continue;
      }
      out += s[i++];
      continue;
    }
    const name = m[1];
    let j = i + m[0].length;
    let idx = '';
    if (name === 'sqrt') {
      let k = j;
      while (s[k] === ' ') k++;
      if (s[k] === '[') {
        const close = s.indexOf(']', k);
        if (close > 0) {
          idx = `[${braceMacroArgs(s.slice(k + 1, close)).trim()}]`;
          j = close + 1;
        }
      }
    }
    const nArgs = name === 'sqrt' ? 1 : 2;
    const args: string[] = [];
    let ok = true;
    for (let a = 0; a < nArgs; a++) {
      const r = readArg(s, j);
      if (!r) {
        ok = false;
        break;
      }
      args.push(braceMacroArgs(r.text).trim());
      j = r.next;
    }
    if (!ok) {
      out += m[0];
      i += m[0].length;
      continue;
    }
    out += `\\${name}${idx}` + args.map((a) => `{${a}}`).join('');
    i = j;
  }
  return out;
}

/** Replaces `\cmd{X}` by `X` (brace-matched) for the given wrapper commands. */
export function unwrapCommands(s: string, names: string[], pad = false): string {
  const re = new RegExp(`\\\\(?:${names.join('|')})\\s*\\{`, 'g');
  for (let guard = 0; guard < 50; guard++) {
    re.lastIndex = 0;
    const m = re.exec(s);
    if (!m) break;
    const open = m.index + m[0].length - 1;
    const close = matchBrace(s, open);
    if (close < 0) break;
    const inner = s.slice(open + 1, close);
    s = s.slice(0, m.index) + (pad ? ` ${inner} ` : inner) + s.slice(close + 1);
  }
  return s;
}

const TEXT_WRAPPERS = [
  'text',
  'textbf',
  'textit',
  'textrm',
  'texttt',
  'mbox',
  'mathrm',
  'mathbf',
  'mathit',
  'mathsf',
  'mathtt',
  'boldsymbol',
  'bm',
  'operatorname',
  'emph',
];

/** Function-ish words that must never be taken for units. */
const MATH_WORDS = new Set([
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
  'pi',
  'infty',
  'and',
  'or',
  'cup',
  'cap',
  'frac',
  'cdot',
  'times',
  'le',
  'leq',
  'ge',
  'geq',
  'ne',
  'neq',
  'lt',
  'gt',
  'in',
  'gcd',
  'lcm',
  'max',
  'min',
  'mod',
  'pmod',
  'cis',
  'det',
  'deg',
]);

/** Strips trailing unit words / `\text{…}` after a numeric answer: `10\text{ cm}^2`, `5 dollars`. */
export function stripUnits(s: string): string {
  for (let guard = 0; guard < 10; guard++) {
    const t = s.trimEnd();
    let cut = -1;
    // Trailing \text{…}-like group, optionally with ^2 / ^{3}.
    const tm = /\\(?:text|mbox|mathrm|textrm|textit)\s*\{([^{}]*)\}(?:\s*\^\s*(?:\{\s*\d\s*\}|\d))?$/.exec(t);
    if (tm && /[a-zA-Z]{1,}/.test(tm[1]) && !/^\s*\(?[A-J]\)?\s*$/.test(tm[1]) && !/^\s*(?:and|or)\s*$/.test(tm[1])) cut = tm.index;
    if (cut < 0) {
      const wm = /(?:^|\s)([a-zA-Z]{2,}(?:\s*\^\s*(?:\{\s*\d\s*\}|\d))?)$/.exec(t);
      if (wm && !MATH_WORDS.has(wm[1].replace(/\^.*/, '').trim().toLowerCase())) cut = t.length - wm[1].length;
    }
    if (cut <= 0) return t;
    const rest = t.slice(0, cut).trimEnd();
    // Only strip when a number-bearing math part remains ("10 cm", not "odd").
    if (!/\d/.test(rest) || /[+\-*/^=,(\[{]$/.test(rest)) return t;
    // The remaining part must not itself be prose.
    s = rest;
  }
  return s;
}

const UNIT_WORD = String.raw`(?:\\(?:text|mathrm|mbox|textrm)\s*\{\s*[a-zA-Z]+\s*\}|[a-zA-Z]+)`;
const COMPOUND_UNIT = new RegExp(String.raw`(\d)\s*${UNIT_WORD}(?:\s*/\s*${UNIT_WORD})+(?:\s*\^\s*(?:\{\s*\d\s*\}|\d))?$`);

/** Strips a trailing compound unit after a number: `60 km/h`, `60\ \mathrm{km}/\mathrm{h}`, `9.8 \text{m}/\text{s}^2`. */
export function stripCompoundUnit(s: string): string {
  const m = COMPOUND_UNIT.exec(s);
  if (!m) return s;
  const words = (m[0].slice(1).match(/[a-zA-Z]+/g) ?? []).filter((w) => !/^(?:text|mathrm|mbox|textrm)$/.test(w));
  if (words.some((w) => MATH_WORDS.has(w.toLowerCase()))) return s;
  return s.slice(0, m.index + 1);
}

/** Removes a leading currency sign and trailing `\%`, returning whether a percent sign was seen. */
export interface Cleaned {
  text: string;
  percent: boolean;
}

/**
 * The cleaning pass shared by normalization and parsing: delimiters, spacing macros, `\dfrac`,
 * `\left/\right`, `\text{}` units, degrees, currency, percent, thousands commas, `\approx` tails.
 */
export function cleanAnswer(input: string): Cleaned {
  let s = input.trim();
  // JSON-mangled double backslashes before known commands: `\\frac` -> `\frac`.
  s = s.replace(new RegExp(`\\\\\\\\(?=(?:${KNOWN_CMDS})(?![a-zA-Z]))`, 'g'), '\\');
  const boxed = lastBoxed(s);
  if (boxed !== null) s = boxed;
  s = stripMathDelims(s);
  s = s.replace(/\\displaystyle|\\textstyle/g, '');
  s = s.replace(/\\(?:left|right|bigl|bigr|Bigl|Bigr|biggl|biggr|big|Big|bigg|Bigg)(?![a-zA-Z])\s*(\\[{}|]|[()[\]|.])/g, (_m, d: string) =>
    d === '.' ? '' : d,
  );
  s = s.replace(/(?<!\\)\\[,;:! ]/g, ' ').replace(/~/g, ' ');
  s = s.replace(/\\q?quad(?![a-zA-Z])/g, ' ');
  s = s.replace(/\\[dtc]frac(?![a-zA-Z])/g, '\\frac').replace(/\\[dt]binom(?![a-zA-Z])/g, '\\binom');
  s = s.replace(/\\(?:mathbb|mathcal)\s*\{\s*R\s*\}/g, 'R');
  // `\approx`: keep what the answer claims exactly; after a bare name ("x \approx 3.5") the value is the answer.
  const ax = s.search(/\\approx|≈/);
  if (ax > 0) {
    const label = s.slice(0, ax).trim();
    s = /^(?:[a-zA-Z]'*|\\text\s*\{[a-zA-Z ]+\}|[a-zA-Z]\([a-zA-Z]\))$/.test(label)
      ? s.slice(ax).replace(/^(?:\\approx|≈)/, '')
      : s.slice(0, ax);
  }
  // Degrees, currency.
  s = s.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|°|\\degree(?![a-zA-Z])|\\circ(?![a-zA-Z])/g, '');
  s = s.replace(/\\\$|\$/g, '');
  // Percent.
  let percent = false;
  s = s.replace(/\s*(?:\\?%|\\text\s*\{\s*(?:percent|pct)\s*\}|(?<![a-zA-Z])(?:percent|pct)(?![a-zA-Z]))/g, () => {
    percent = true;
    return '';
  });
  s = s.replace(/\\\s*$/, '').trim(); // stray trailing backslash ("185\")
  s = s.replace(/[.,;。]+$/, '').trim();
  s = stripCompoundUnit(s);
  s = stripUnits(s);
  s = s.replace(/\\text\s*\{\s*(and|or)\s*\}/g, ' $1 ');
  s = unwrapCommands(s, TEXT_WRAPPERS);
  s = stripUnits(s);
  s = braceMacroArgs(s);
  // Thousands separators: `{,}`, `,\!`, and whole-number `1,234,567`.
  s = s.replace(/(\d)\{,\}(?=\d{3})/g, '$1');
  const plain = s.replace(/\s+/g, '');
  if (/^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(plain)) s = plain.replace(/,/g, '');
  // Thin-space or space thousands separators: `1 000 000`.
  if (/^[-+]?\d{1,3}(?: \d{3})+(?:\.\d+)?$/.test(s.trim())) s = s.replace(/ /g, '');
  // Unicode.
  s = s.replace(/π/g, '\\pi ').replace(/∞/g, '\\infty ').replace(/−/g, '-').replace(/×|·/g, '\\cdot ').replace(/÷/g, '/');
  s = s.replace(/≤/g, '\\le ').replace(/≥/g, '\\ge ').replace(/≠/g, '\\ne ').replace(/√/g, '\\sqrt');
  s = s.replace(/\s+/g, ' ').trim();
  s = normalizeSpecialForms(s);
  return { text: s, percent };
}

/**
 * Rewrites forms the graders accept as shorthands into the ones our parser reads: the empty set,
 * a leading `x \in`, `inf`/`infinity`, e-notation (`1.5e3`) and a base subscript on a bare numeral.
 */
export function normalizeSpecialForms(s: string): string {
  s = s.replace(/\\(?:emptyset|varnothing)(?![a-zA-Z])|∅/g, '\\{\\}');
  s = s.replace(/^[a-zA-Z]\s*(?:\\in(?![a-zA-Z])|∈)\s*/, '');
  s = s.replace(/(?<![a-zA-Z\\])(?:infinity|inf)(?![a-zA-Z])/g, '\\infty');
  s = s.replace(/(?<![a-zA-Z\d.])(\d+\.?\d*|\.\d+)[eE]([-+]?\d+)(?![a-zA-Z\d])/g, '$1\\times10^{$2}');
  const base = /^(\d+)_\{?\s*(\d+)\s*\}?$/.exec(s);
  if (base) s = base[1];
  return mixedNumber(s) ?? s;
}

/**
 * A mixed number `2\frac{1}{2}` or `4 4/9` (a proper fraction after a whole number) as a sum;
 * null when `s` is not one. `11 7/6` is not a mixed number and is left alone.
 */
export function mixedNumber(s: string): string | null {
  const m = /^([-+]?)\s*(\d+)\s*(?:\\frac\{(\d+)\}\{(\d+)\}| (\d+)\/(\d+))$/.exec(s);
  if (!m) return null;
  const [num, den] = m[3] !== undefined ? [m[3], m[4]] : [m[5], m[6]];
  if (!(Number(den) > 0 && Number(num) < Number(den))) return null;
  return `${m[1] === '-' ? '-' : ''}(${m[2]}+\\frac{${num}}{${den}})`;
}
