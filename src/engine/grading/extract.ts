/**
 * Final-answer extraction from a whole model response, in the order real graders use:
 * last `\boxed{}` / `\fbox{}` → "final answer is …" / "answer: …" phrases (several languages) →
 * a bare short answer → the last math span → the last number-like run.
 */
import { lastBoxed, matchBrace, stripMathDelims } from './latex';

const PHRASE = new RegExp(
  [
    String.raw`final\s+answer\s*(?:is|:|=)?`,
    String.raw`(?:the\s+)?answer\s*(?:is|:|=)`,
    String.raw`answer\s+should\s+be`,
    String.raw`r[ée]ponse\s*(?:finale\s*)?(?:est|:)`,
    String.raw`respuesta\s*(?:final\s*)?(?:es|:)`,
    String.raw`antwort\s*(?:ist|:)`,
    String.raw`resposta\s*(?:final\s*)?(?:é|:)`,
    '答案(?:是|为|：|:)',
    '最终答案(?:是|为|：|:)?',
    'ответ\\s*(?::|—|-)',
    'الإجابة\\s*(?:هي|:)',
    'उत्तर\\s*(?:है|:)',
  ].join('|'),
  'giu',
);

/** Words that mark a string as prose rather than a bare answer. */
function isProse(s: string): boolean {
  const t = s
    .replace(/\\(?:begin|end)\s*\{[a-zA-Z*]+\}(?:\{[^{}]*\})?/g, ' ')
    .replace(/\\(?:text|mbox|mathrm|textbf)\s*\{[^{}]*\}/g, ' x ')
    .replace(/\\[a-zA-Z]+/g, ' ');
  if (/[^\u0000-\u024F\u0370-\u03FF\u2000-\u22FF\s]/u.test(t)) return true; // CJK, Arabic, Devanagari, …
  const words = t.match(/[a-zA-Z\u00C0-\u024F]{2,}/g) ?? [];
  return words.length > 2 || (s.length > 120 && !/\\begin\s*\{/.test(s)) || /\n/.test(s.trim());
}

/**
 * Inline math (`$…$`, `\(…\)`) with a number broken across lines by a wrapped line (`$1\n234$`,
 * `$3.\n75$`) joined back into the number: it is one number, not two lines.
 */
function joinBrokenNumbers(text: string): string {
  const join = (m: string) => m.replace(/(\d\.?)[ \t]*\r?\n[ \t]*(?=\.?\d)/g, '$1');
  return text.replace(/(?<!\$)\$(?!\$)[^$]+\$|\\\([\s\S]+?\\\)/g, join);
}

/** Maximal runs of number/LaTeX/operator text (letters only inside LaTeX commands). */
function mathRuns(s: string): string[] {
  const runs: string[] = [];
  let i = 0;
  let cur = '';
  let hasNum = false;
  const flush = () => {
    const t = cur
      .trim()
      .replace(/[=,:;+\-*/]+$/, '')
      .replace(/^[=,:;+*/]+/, '')
      .trim();
    if (t && hasNum) runs.push(t);
    cur = '';
    hasNum = false;
  };
  while (i < s.length) {
    const c = s[i];
    if (c === '\\') {
      const m = /^\\([a-zA-Z]+)/.exec(s.slice(i));
      if (m && /^(?:d?t?frac|sqrt|pi|cdot|times|div|left|right|infty)$/.test(m[1])) {
        let j = i + m[0].length;
        // Take the brace groups of the command along.
        while (s[j] === '{' || (s[j] === '[' && m[1] === 'sqrt')) {
          const close = s[j] === '{' ? matchBrace(s, j) : s.indexOf(']', j);
          if (close < 0) break;
          j = close + 1;
        }
        cur += s.slice(i, j);
        hasNum = true;
        i = j;
        continue;
      }
      flush();
      i += m ? m[0].length : 2;
      continue;
    }
    if (/[0-9]/.test(c)) {
      hasNum = true;
      cur += c;
      i++;
      continue;
    }
    if (c === ',' || c === '.') {
      // Only inside numbers: 1,000 and 3.5.
      if (/[0-9]/.test(s[i - 1] ?? '') && /[0-9]/.test(s[i + 1] ?? '')) {
        cur += c;
        i++;
        continue;
      }
      flush();
      i++;
      continue;
    }
    if ('+-*/^=()[]{}% '.includes(c)) {
      cur += c;
      i++;
      continue;
    }
    flush();
    i++;
  }
  flush();
  return runs.map(tidyRun).filter((r) => /\d|\\(?:frac|sqrt|pi)/.test(r));
}

/** Balances brackets of a run by trimming unmatched ones at the ends; drops thousands commas. */
function tidyRun(r: string): string {
  let t = r.trim();
  for (let guard = 0; guard < 10; guard++) {
    const before = t;
    if (/^[([{]/.test(t) && !balanced(t)) t = t.slice(1).trim();
    if (/[)\]}]$/.test(t) && !balanced(t)) t = t.slice(0, -1).trim();
    t = t.replace(/^[=+*/]+|[=+\-*/^]+$/g, '').trim();
    if (t === before) break;
  }
  // "(2/5)" -> "2/5"
  if (/^\(.*\)$/.test(t) && balanced(t.slice(1, -1)) && !t.slice(1, -1).includes(',')) t = t.slice(1, -1).trim();
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(t)) t = t.replace(/,/g, '');
  return t;
}

function balanced(s: string): boolean {
  let d = 0;
  for (const c of s) {
    if ('([{'.includes(c)) d++;
    else if (')]}'.includes(c)) d--;
    if (d < 0) return false;
  }
  return d === 0;
}

/** A math span that holds a formula, not words ("$? just about 1$" is not one). */
function looksMath(x: string): boolean {
  const t = x
    .replace(/\\(?:begin|end)\s*\{[a-zA-Z*]+\}(?:\{[^{}]*\})?/g, ' ') // a matrix environment's name is not a word
    .replace(/\\(?:text|mbox|mathrm|textbf|mathbf)\s*\{[^{}]*\}/g, ' ')
    .replace(/\\[a-zA-Z]+/g, ' ');
  return !/[a-zA-Z]{3,}|\?/.test(t) && !isProse(x) && /[0-9a-zA-Z\\]/.test(x);
}

/** `$…$` / `\(…\)` / `\[…\]` spans in order. */
function mathSpans(s: string): string[] {
  const out: string[] = [];
  const re = /\$\$([\s\S]+?)\$\$|\$([^$]+?)\$|\\\(([\s\S]+?)\\\)|\\\[([\s\S]+?)\\\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) out.push((m[1] ?? m[2] ?? m[3] ?? m[4]).trim());
  return out;
}

/** The answer inside the text that follows an answer phrase. */
function answerFromSegment(seg: string): string | null {
  let t = seg.replace(/\*\*/g, '').trim();
  // Up to the end of the sentence or line.
  const end = t.search(/\n|[。！？]|[.!?](?:\s|$)(?!\d)/);
  if (end >= 0) t = t.slice(0, end);
  t = t.trim();
  if (!t) return null;
  const spans = mathSpans(t);
  if (spans.length) {
    const m = spans.find(looksMath);
    if (m) return m;
  }
  if (!isProse(t))
    return (
      stripMathDelims(t)
        .replace(/^[:：]\s*/, '')
        .trim() || null
    );
  const runs = mathRuns(t);
  return runs[0] ?? null;
}

/** Extracts the final answer from a whole response (or returns a bare answer itself). */
export function extractAnswer(response: string): string | null {
  if (typeof response !== 'string') return null;
  const text = joinBrokenNumbers(response.trim());
  if (!text) return null;
  const boxed = lastBoxed(text);
  if (boxed !== null) return boxed.trim() || null;
  // Answer phrases: the last one that yields something.
  const phrases = [...text.matchAll(PHRASE)];
  for (let k = phrases.length - 1; k >= 0; k--) {
    const m = phrases[k];
    const got = answerFromSegment(text.slice(m.index! + m[0].length));
    if (got) return got;
  }
  if (!isProse(text)) return stripMathDelims(text);
  const prose = text.replace(/\*\*/g, '');
  const spans = mathSpans(prose).filter(looksMath);
  const runs = mathRuns(prose);
  // The later of the last math span and the last run wins.
  const lastSpan = spans.length ? spans[spans.length - 1] : null;
  const lastRun = runs.length ? runs[runs.length - 1] : null;
  if (lastSpan && lastRun) {
    const spanPos = prose.lastIndexOf(lastSpan);
    const runPos = prose.lastIndexOf(lastRun);
    return runPos > spanPos + lastSpan.length ? lastRun : lastSpan;
  }
  return lastSpan ?? lastRun;
}
