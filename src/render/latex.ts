/**
 * Finding math in prose, validating it with KaTeX under safe options, and deciding how a block
 * of text is shown (plain text, one image, or refused). Pure functions; no browser.
 */
import katex from 'katex';
import { bracedAt } from '../engine/steps/format';
import type { BlockMode, Segment, TextBlock } from './types';

/** KaTeX options for untrusted input (platforms.md). */
export const KATEX_SAFE_OPTIONS = {
  trust: false,
  maxSize: 20,
  maxExpand: 200,
  strict: 'ignore',
  throwOnError: true,
} as const;

export const LIMITS = {
  /** One formula, in characters. */
  formulaChars: 2_000,
  /** All formulas of one block together. */
  blockMathChars: 6_000,
  /** A whole block (prose + math) that may become an image. */
  blockChars: 8_000,
  /** Brace / \left / \begin nesting depth. */
  nesting: 40,
  /** Largest explicit dimension (\rule, \kern, \hspace, \\[…]) in em. */
  dimensionEm: 20,
};

/** Environments that KaTeX typesets when they appear outside `$…$` (MATH solutions do this). */
const BARE_ENVS = [
  'align',
  'align*',
  'aligned',
  'equation',
  'equation*',
  'gather',
  'gather*',
  'eqnarray',
  'eqnarray*',
  'multline',
  'multline*',
];

/**
 * Splits text into prose, math and diagram segments.
 * Math: `$$…$$`, `\[…\]`, `$…$`, `\(…\)`, a bare `\boxed{…}`, and bare display environments.
 * `\$` is a literal dollar; an unclosed delimiter stays text. `[asy]…[/asy]` becomes a diagram.
 */
export function findMath(text: string): Segment[] {
  const segs: Segment[] = [];
  let buf = '';
  const flush = () => {
    if (buf) segs.push({ kind: 'text', text: buf });
    buf = '';
  };
  const math = (tex: string, display: boolean, source: string) => {
    flush();
    segs.push({ kind: 'math', tex, display, source });
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i, i + 16);
    if (text[i] === '\\' && text[i + 1] === '$') {
      buf += '$';
      i += 2;
      continue;
    }
    if (rest.startsWith('[asy]')) {
      const end = text.indexOf('[/asy]', i);
      const stop = end < 0 ? text.length : end + 6;
      flush();
      segs.push({ kind: 'diagram', source: text.slice(i, stop) });
      i = stop;
      continue;
    }
    if (rest.startsWith('$$')) {
      const end = text.indexOf('$$', i + 2);
      if (end > i + 2) {
        math(text.slice(i + 2, end), true, text.slice(i, end + 2));
        i = end + 2;
        continue;
      }
    } else if (text[i] === '$') {
      const end = closingDollar(text, i + 1);
      if (end > i + 1) {
        math(text.slice(i + 1, end), false, text.slice(i, end + 1));
        i = end + 1;
        continue;
      }
    } else if (rest.startsWith('\\[') || rest.startsWith('\\(')) {
      const close = rest.startsWith('\\[') ? '\\]' : '\\)';
      const end = text.indexOf(close, i + 2);
      if (end > i + 2) {
        math(text.slice(i + 2, end), close === '\\]', text.slice(i, end + 2));
        i = end + 2;
        continue;
      }
    } else if (/^\\(boxed|fbox|framebox)\s*[{[]/.test(text.slice(i, i + 40))) {
      const open = text.indexOf('{', i);
      const b = bracedAt(text, open);
      if (b) {
        const src = text.slice(i, b.end);
        math(src, false, src);
        i = b.end;
        continue;
      }
    } else if (rest.startsWith('\\begin{')) {
      const m = /^\\begin\{([a-zA-Z]+\*?)\}/.exec(text.slice(i, i + 40));
      if (m && BARE_ENVS.includes(m[1])) {
        const endTag = `\\end{${m[1]}}`;
        const end = text.indexOf(endTag, i);
        if (end > 0) {
          const src = text.slice(i, end + endTag.length);
          math(src, true, src);
          i = end + endTag.length;
          continue;
        }
      }
    }
    buf += text[i];
    i++;
  }
  flush();
  return segs;
}

/** Index of the `$` closing an inline formula that opened before `from`, or -1. */
function closingDollar(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    const ch = text[j];
    if (ch === '\\') {
      j++;
      continue;
    }
    if (ch === '$') return text[j + 1] === '$' && j === from ? -1 : j;
  }
  return -1;
}

/** Commands that could reach outside the image (links, HTML attributes, external files). */
const FORBIDDEN = /\\(href|url|includegraphics|htmlClass|htmlId|htmlStyle|htmlData|html@[a-zA-Z]*)(?![a-zA-Z])/;
const DIM_COMMANDS = /\\(rule|kern|mkern|hskip|mskip|hspace\*?|vspace\*?|raisebox|mathrlap|mathllap)(?![a-zA-Z])|\\\\\s*\[/g;
const DIM = /(-?\d*\.?\d+)\s*(em|ex|pt|pc|mm|cm|in|bp|dd|cc|nd|nc|sp|mu|px)/g;
const EM_PER: Record<string, number> = {
  em: 1,
  ex: 0.431,
  pt: 0.1,
  pc: 1.2,
  mm: 0.2845,
  cm: 2.845,
  in: 7.227,
  bp: 0.1004,
  dd: 0.107,
  cc: 1.284,
  nd: 0.107,
  nc: 1.284,
  sp: 0.1 / 65536,
  mu: 1 / 18,
  px: 0.1,
};

/** Deepest `{`, `\left` or `\begin` nesting of a formula (escaped braces ignored). */
export function nestingDepth(tex: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < tex.length; i++) {
    const ch = tex[i];
    if (ch === '\\') {
      if (tex.startsWith('left', i + 1) || tex.startsWith('begin', i + 1)) (depth++, (max = Math.max(max, depth)));
      else if (tex.startsWith('right', i + 1) || tex.startsWith('end', i + 1)) depth--;
      i++;
      continue;
    }
    if (ch === '{') max = Math.max(max, ++depth);
    else if (ch === '}') depth--;
  }
  return max;
}

/**
 * LaTeX that MATH-style solutions use and KaTeX lacks, rewritten to what KaTeX has: eqnarray →
 * array{rcl}, `@{…}` column separators dropped, \mbox → \text, \cancelto{a}{b} → \cancel{b},
 * \cline → \hline, \multicolumn{n}{spec}{x} → {x}.
 */
export function compatTex(tex: string): string {
  let t = tex
    .replace(/\\mbox(?![a-zA-Z])/g, '\\text')
    // KaTeX has no \framebox: the same box, without its optional width and position
    .replace(/\\framebox\s*(?:\[[^\]]*\]\s*)*(?=\{)/g, '\\boxed')
    .replace(/\\cancelto\s*\{[^{}]*\}/g, '\\cancel')
    .replace(/\\cline\s*\{[^{}]*\}/g, '\\hline')
    .replace(/\\multicolumn\s*\{\d+\}\s*\{[^{}]*\}/g, '');
  t = t.replace(/\\begin\{eqnarray\*?\}/g, '\\begin{array}{rcl}').replace(/\\end\{eqnarray\*?\}/g, '\\end{array}');
  t = t.replace(
    /\\begin\{array\}\{((?:[^{}]|\{[^{}]*\})*)\}/g,
    (_m, spec: string) => `\\begin{array}{${spec.replace(/@\{[^{}]*\}/g, '')}}`,
  );
  return t;
}

export type TexCheck = { ok: true; html: string } | { ok: false; reason: string };

const clip = (s: string, n = 40) => (s.length > n ? `${s.slice(0, n)}…` : s);

/**
 * Validates one formula and returns its KaTeX HTML, or a refusal in words a user can read.
 * Never throws: every KaTeX error (ParseError, RangeError from deep nesting, anything else) is caught.
 */
export function checkTex(tex: string, display: boolean): TexCheck {
  const depth = nestingDepth(tex);
  if (depth > LIMITS.nesting) return { ok: false, reason: `formula nested too deeply (${depth} levels; the limit is ${LIMITS.nesting})` };
  if (tex.length > LIMITS.formulaChars)
    return {
      ok: false,
      reason: `formula too long (${tex.length.toLocaleString('en-US')} characters; the limit is ${LIMITS.formulaChars.toLocaleString('en-US')})`,
    };
  const bad = FORBIDDEN.exec(tex);
  if (bad) return { ok: false, reason: `\\${bad[1]} is not allowed (links, HTML and external files are disabled)` };
  for (const m of tex.matchAll(DIM_COMMANDS)) {
    const window = tex.slice(m.index!, m.index! + m[0].length + 60);
    for (const d of window.matchAll(DIM)) {
      const em = Math.abs(Number(d[1])) * (EM_PER[d[2]] ?? 1);
      if (em > LIMITS.dimensionEm) return { ok: false, reason: `size ${d[0]} is too large (the limit is ${LIMITS.dimensionEm}em)` };
    }
  }
  try {
    const html = katex.renderToString(compatTex(tex), { ...KATEX_SAFE_OPTIONS, displayMode: display, output: 'html', macros: {} });
    // Belt and braces: with trust off KaTeX makes no link or handler; if one ever appears, refuse.
    if (/<a[\s>]|<[a-z][^>]*\s(href|xlink:href|on[a-z]+)\s*=/i.test(html))
      return { ok: false, reason: 'links and HTML attributes are not allowed' };
    return { ok: true, html };
  } catch (err) {
    return { ok: false, reason: describeKatexError(err) };
  }
}

/** A KaTeX (or other) error as a short readable reason. */
export function describeKatexError(err: unknown): string {
  if (err instanceof RangeError) return 'formula nested too deeply to typeset';
  const msg = err instanceof Error ? err.message : String(err);
  if (/Too many expansions/i.test(msg)) return 'macro expansion limit reached (a recursive or runaway \\def)';
  const m = /^KaTeX parse error: (.*?)(?: at position \d+:.*)?$/s.exec(msg);
  return `LaTeX error: ${clip((m ? m[1] : msg).replace(/\s+/g, ' ').trim(), 120)}`;
}

/** Formula simple enough to show as plain text (`$3$`, `$x = 5$`, `$(2, 3)$`). */
export function isSimpleMath(tex: string): boolean {
  return tex.length <= 40 && /^[A-Za-z0-9\s+\-=.,()<>:;!'/]*$/.test(tex);
}

/** Heuristic: does an answer string need typesetting (`\frac{1}{2}`, `x^2`), or is it plain? */
export function looksLikeLatex(s: string): boolean {
  return /[\\^_{}]/.test(s);
}

/**
 * Classifies a text block: plain text, one image, or refused (with reasons).
 * Formulas that are trivially plain (`$3$`) do not by themselves make an image.
 */
export function classifyBlock(id: string, source: string): TextBlock {
  const segments = findMath(source);
  const maths = segments.filter((s): s is Extract<Segment, { kind: 'math' }> => s.kind === 'math');
  const refusals: string[] = [];
  let mode: BlockMode = 'text';
  if (source.length > LIMITS.blockChars) {
    refusals.push(
      `text too long to typeset (${source.length.toLocaleString('en-US')} characters; the limit is ${LIMITS.blockChars.toLocaleString('en-US')})`,
    );
    mode = 'refused';
  } else if (maths.length > 0) {
    const total = maths.reduce((n, m) => n + m.tex.length, 0);
    if (total > LIMITS.blockMathChars) {
      refusals.push(
        `too much math in one message (${total.toLocaleString('en-US')} characters; the limit is ${LIMITS.blockMathChars.toLocaleString('en-US')})`,
      );
    } else {
      for (const m of maths) {
        const c = checkTex(m.tex, m.display);
        if (!c.ok) refusals.push(`${c.reason}: ${clip(m.source)}`);
      }
    }
    if (refusals.length > 0) mode = 'refused';
    else if (maths.some((m) => m.display || !isSimpleMath(m.tex))) mode = 'image';
  }
  return { id, source, segments, mode, refusals };
}

/** A block whose content is a single formula (used for answers). */
export function mathBlock(id: string, tex: string): TextBlock {
  return classifyBlock(id, looksLikeLatex(tex) ? `$${tex.replace(/\$/g, '\\$')}$` : tex);
}

/** Escapes text for HTML content and attribute values (every prose piece of a block goes through it). */
export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * The HTML of a block for the image renderer: escaped prose (newlines kept) with KaTeX HTML.
 * Returns null when some formula does not validate (the caller then falls back to source).
 */
export function blockHtml(block: TextBlock): string | null {
  const parts: string[] = [];
  const segs = block.segments;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s.kind === 'text') {
      // A display formula is a block of its own: drop the line breaks right around it.
      let t = s.text;
      if (isDisplay(segs[i - 1])) t = t.replace(/^\s+/, '');
      if (isDisplay(segs[i + 1])) t = t.replace(/\s+$/, '');
      parts.push(escapeHtml(t).replace(/\n/g, '<br>'));
    } else if (s.kind === 'diagram') parts.push('<span class="sw-note">[diagram omitted]</span>');
    else {
      const c = checkTex(s.tex, s.display);
      if (!c.ok) return null;
      parts.push(c.html);
    }
  }
  return parts.join('');
}

const isDisplay = (s: Segment | undefined) => s?.kind === 'math' && s.display;

/** Plain rendering of a block for platforms without math: simple math as text, the rest as source. */
export function plainSegments(block: TextBlock): ({ kind: 'text'; text: string } | { kind: 'code'; text: string; display: boolean })[] {
  const out: ({ kind: 'text'; text: string } | { kind: 'code'; text: string; display: boolean })[] = [];
  for (const s of block.segments) {
    if (s.kind === 'text') out.push({ kind: 'text', text: s.text });
    else if (s.kind === 'diagram') out.push({ kind: 'text', text: '[diagram omitted]' });
    else if (!s.display && isSimpleMath(s.tex)) out.push({ kind: 'text', text: s.tex });
    else out.push({ kind: 'code', text: s.tex.trim(), display: s.display });
  }
  return out;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/**
 * An answer that is a fraction of whole numbers, shown in lowest terms: `1574/4` → `787/2`,
 * `\frac{12}{4}` → `3`, `-\dfrac{6}{8}` → `-\frac{3}{4}`. Anything else is returned as it is.
 */
export function lowestTerms(answer: string): string {
  const plain = /^\s*(-?)\s*(\d{1,30})\s*\/\s*(\d{1,30})\s*$/.exec(answer);
  const tex = /^\s*(-?)\s*\\[dt]?frac\s*\{\s*(\d{1,30})\s*\}\s*\{\s*(\d{1,30})\s*\}\s*$/.exec(answer);
  const m = plain ?? tex;
  if (!m) return answer;
  let [n, d] = [BigInt(m[2]), BigInt(m[3])];
  if (d === 0n) return answer;
  const g = gcd(n, d);
  [n, d] = [n / g, d / g];
  const sign = m[1] && n !== 0n ? '-' : '';
  if (d === 1n) return `${sign}${n}`;
  return plain ? `${sign}${n}/${d}` : `${sign}\\frac{${n}}{${d}}`;
}
