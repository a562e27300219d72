/**
 * Text helpers shared by the platform builders: cutting long code with a clear marker,
 * keeping fences intact, splitting a message at line boundaries without breaking a code fence.
 */
import { agreementText, certaintyText } from '../engine/search/verdict';
import { plainSegments } from './latex';
import type { TextBlock, Thread, ThreadStep } from './types';

const plural = (n: number, w: string) => `${n.toLocaleString('en-US')} ${w}${n === 1 ? '' : 's'}`;

/** Makes text safe inside a ``` fence (a ``` in it would close the fence). */
export function fenceSafe(s: string): string {
  return s.replace(/```/g, '`\u200b``');
}

/**
 * Keeps at most maxLines lines and maxChars characters, ending with a marker line such as
 * `… (38 more lines)` so a reader knows something was cut.
 */
export function cutLines(text: string, maxLines: number, maxChars: number): string {
  const lines = text.split('\n');
  let kept: string[] = [];
  let chars = 0;
  for (const l of lines) {
    if (kept.length >= maxLines || chars + l.length + 1 > maxChars) break;
    kept.push(l);
    chars += l.length + 1;
  }
  if (kept.length === 0 && lines.length > 0) {
    // One enormous first line: cut it inside.
    const l = lines[0].slice(0, Math.max(0, maxChars - 40));
    kept = [l];
    const rest = lines.length - 1;
    return `${l}… (${plural(lines[0].length - l.length, 'more character')}${rest ? `, ${plural(rest, 'more line')}` : ''})`;
  }
  const more = lines.length - kept.length;
  return more > 0 ? `${kept.join('\n')}\n… (${plural(more, 'more line')})` : kept.join('\n');
}

/** Cuts prose to maxChars at a whitespace boundary, with a marker. */
export function cutText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = text.lastIndexOf(' ', maxChars - 40);
  if (end < maxChars / 2) end = maxChars - 40;
  return `${text.slice(0, end)} … (${plural(text.length - end, 'more character')})`;
}

const FENCE = /^\s*```/;

/**
 * Splits content into chunks of at most `max` characters at line boundaries (then spaces).
 * A chunk that ends inside a ``` fence is closed, and the next chunk reopens it with the same
 * opener line, so a code fence is never broken.
 */
export function splitMessage(content: string, max: number): string[] {
  if (content.length <= max) return [content];
  const chunks: string[] = [];
  let cur: string[] = [];
  let curLen = 0;
  let opener: string | null = null; // the fence line we are inside of
  const flush = () => {
    let text = cur.join('\n');
    if (opener) text += '\n```';
    chunks.push(text);
    cur = opener ? [opener] : [];
    curLen = opener ? opener.length : 0;
  };
  const piece = Math.max(20, max - 40);
  for (const raw of content.split('\n')) {
    const pieces: string[] = [];
    let rest = raw;
    while (rest.length > piece) {
      let cut = rest.lastIndexOf(' ', piece);
      if (cut < piece / 2) cut = piece;
      pieces.push(rest.slice(0, cut));
      rest = rest.slice(cut).replace(/^ /, '');
    }
    pieces.push(rest);
    for (const line of pieces) {
      const isFence = FENCE.test(line);
      const inFenceAfter = isFence ? !opener : !!opener;
      const need = curLen + (cur.length ? 1 : 0) + line.length + (inFenceAfter ? 4 : 0);
      const hasContent = cur.length > (opener ? 1 : 0);
      if (need > max && hasContent) flush();
      cur.push(line);
      curLen += (cur.length > 1 ? 1 : 0) + line.length;
      if (isFence) opener = opener ? null : line.trim();
    }
  }
  opener = null;
  flush();
  return chunks.filter((c) => c.trim() !== '' && !/^```[\w-]*\n```$/.test(c));
}

export type Escaper = (s: string) => string;

/**
 * A block as text: prose escaped for the platform, trivial math as text, other math as its LaTeX
 * source in inline code or a ```latex block. Used for text blocks, refusals and image fallbacks.
 * `escapeCode` escapes inside code too (Slack reads `<…|…>` links and `&` entities even there;
 * Discord code is literal).
 */
export function blockAsText(block: TextBlock, escape: Escaper, maxChars = 6_000, escapeCode: Escaper = (x) => x): string {
  const out: string[] = [];
  for (const p of plainSegments(block)) {
    if (p.kind === 'text') out.push(escape(p.text));
    else if (p.display || p.text.includes('\n') || p.text.length > 120)
      out.push(`\n\`\`\`latex\n${escapeCode(fenceSafe(p.text))}\n\`\`\`\n`);
    else out.push(`\`${escapeCode(p.text.replace(/`/g, "'"))}\``);
  }
  let text = out
    .join('')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (text.length > maxChars) text = closeFences(cutText(text, maxChars));
  return text;
}

/** Closes an unterminated ``` fence (after cutting). */
function closeFences(text: string): string {
  const n = text.split('\n').filter((l) => FENCE.test(l)).length;
  return n % 2 === 1 ? `${text}\n\`\`\`` : text;
}

/**
 * "PPM score 0.83 · 4 of 5 finished solutions agree · model certainty 96% per token" (a lone one:
 * "1 of 1 finished solutions") or null: agreement as counts, never a bare percentage. When fewer than half of three or more
 * finished solutions agree with the winner, it says so in words: the numbers alone are easy to misread.
 */
export function confidenceLine(t: Thread): string | null {
  const parts: string[] = [];
  const c = t.confidence;
  if (c.score !== null) parts.push(`PPM score ${c.score.toFixed(2)}`);
  const agreement = c.votes !== null && c.totalVotes !== null ? agreementText(c.votes, c.totalVotes) : null;
  if (agreement) parts.push(agreement);
  const certainty = certaintyText(c.tokenProb);
  if (certainty) parts.push(certainty);
  if (!t.unsure && c.voteShare !== null && c.voteShare < 0.5 && (c.totalVotes ?? 0) >= 3) parts.push('low agreement: check this answer');
  return parts.length ? parts.join(' · ') : null;
}

/**
 * Whether text gives the answer away (practice mode hides it): it contains the answer as a whole
 * token (`204` in "= 204", not in "2045" or "1.204").
 */
export function mentionsAnswer(text: string | null | undefined, answer: string | null): boolean {
  const a = answer?.trim();
  if (!a || !text) return false;
  const escaped = a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^0-9A-Za-z.])${escaped}(?![0-9A-Za-z]|\\.[0-9])`).test(text);
}

/** What of a step practice mode hides: the explanation when it names the answer; output and working when they show it (always in the last step). */
export function spoilerParts(step: ThreadStep, answer: string | null, isLast: boolean): { explanation: boolean; output: boolean } {
  return {
    explanation: mentionsAnswer(step.explanation?.source, answer),
    output: isLast || mentionsAnswer(step.output?.text, answer) || mentionsAnswer(step.work?.source, answer),
  };
}

/** Where a reader who got a "not sure" answer is pointed to (stronger models plug in there). */
export const MODELS_DOC = 'docs/models.md';

/**
 * What the answer is called in the header and at the end of the thread: an answer the models are
 * not sure of is only ever a "best guess".
 */
export function answerLabel(t: Thread): string {
  return t.unsure ? 'Best guess' : 'Answer';
}

/**
 * The plain warning shown with a not-sure answer, or null when the models are sure (or there is no
 * answer at all, which the header already says).
 */
export function unsureLine(t: Thread): string | null {
  if (!t.unsure || t.answer === null) return null;
  const why = t.unsure.reasons.length ? ` (${t.unsure.reasons.join('; ')})` : '';
  return `Not sure: the model is not confident in this answer${why}. It is shown as a best guess, not a checked answer: check it before relying on it. Stronger models plug in as ${MODELS_DOC} explains.`;
}

/** The header's small print: "Confidence: …" and "Search: …", each when there is something to say. */
export function metaLines(t: Thread): string[] {
  const conf = confidenceLine(t);
  const search = searchLine(t);
  return [conf && `Confidence: ${conf}`, search && `Search: ${search}`].filter((x): x is string => Boolean(x));
}

/** "mcts · 16 rollouts · 212 nodes · 12.4 s" or null. */
export function searchLine(t: Thread): string | null {
  if (!t.strategy) return null;
  return [t.strategy, t.search].filter(Boolean).join(' · ');
}

export const CODE_LIMITS = { lines: 40, chars: 1_400 };
export const OUTPUT_LIMITS = { lines: 15, chars: 600 };
