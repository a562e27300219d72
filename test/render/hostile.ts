/**
 * Hostile LaTeX / HTML / markdown in a question and in model steps (issue 16.1), and checks that
 * find live markup in each output: HTML (PNG page, local page), Discord and Slack payloads.
 */
import type { SearchResult, Step } from '../../src/engine/search/types';
import { withParts } from '../../src/engine/steps/format';
import type { DiscordMessage, SlackMessage } from '../../src/render/types';
import { triangleResult } from './helpers';

/** A question full of attacks, with no forbidden command, so it becomes an image block. */
export const HOSTILE_QUESTION =
  'Evil <script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) <javascript:alert(4)|bank> <@123> & "q" \'s\' ' +
  'with $\\frac{1}{2}$ and $\\text{<img src=x onerror=alert(5)>}$ and $\\textbf{</span><script>alert(6)</script>}$?';

/** A question with \href / \url (refused: shown as text with the source in code). */
export const HREF_QUESTION =
  'Click $\\href{javascript:alert(7)}{here}$ or $\\url{javascript:alert(8)}$ <b onmouseover=alert(9)>now</b>, $x^2$ [a](javascript:alert(10))';

export const HOSTILE_OUTPUT = '<script>alert(11)</script> <javascript:alert(12)|x> [y](javascript:alert(13)) &amp;';

/** A search result whose steps, output, answer and alternatives are hostile. */
export function hostileResult(question = HOSTILE_QUESTION): SearchResult {
  const trajectory: Step[] = (
    [
      {
        text: '<code>\n# Step 1: <img src=x onerror=alert(20)> [x](javascript:alert(21)) see $\\href{javascript:alert(22)}{y}$\ns = "<script>alert(23)</script>"\n<end_of_step>',
        kind: 'code',
        valid: true,
        terminal: false,
      },
      {
        text: '\n# Step 2: <svg onload=alert(24)> and $\\sqrt{\\text{<img src=x onerror=alert(25)>}}$ [z](javascript:alert(26))\nprint(s)\n<end_of_code>',
        kind: 'code_end',
        valid: true,
        terminal: false,
        observation: { ok: true, output: HOSTILE_OUTPUT, timedOut: false },
      },
      {
        text: '\n<answer>So <img src=x onerror=alert(27)> [w](javascript:alert(28)) $\\boxed{\\text{<b>}}$<end_of_answer>',
        kind: 'answer',
        valid: true,
        terminal: true,
        answer: '[w](javascript:alert(28))<script>',
      },
    ] as Omit<Step, 'parts'>[]
  ).map(withParts);
  return triangleResult({
    question,
    answer: '[w](javascript:alert(28))<script>',
    trajectory,
    alternatives: [
      { answer: '[w](javascript:alert(28))<script>', votes: 2, share: 0.5, bestScore: 0.5 },
      { answer: '<img src=x onerror=alert(29)>', votes: 1, share: 0.25, bestScore: 0 },
      { answer: '\\href{javascript:alert(30)}{x}', votes: 1, share: 0.25, bestScore: 0 },
    ],
  });
}

const SAFE_TAGS = new Set([
  'span',
  'div',
  'p',
  'b',
  'i',
  'br',
  'pre',
  'code',
  'section',
  'h3',
  'h4',
  'img',
  'svg',
  'path',
  'line',
  'math',
  'semantics',
  'mrow',
  'mi',
  'mo',
  'mn',
  'mfrac',
  'msqrt',
  'mtext',
  'annotation',
  'msup',
  'mspace',
  'mstyle',
  'menclose',
]);

/**
 * Live markup in an HTML fragment: tags outside a small allow-list (script, a, iframe, …), event
 * handler attributes, links (href, javascript:), and images other than those `allowImg` accepts.
 */
export function liveMarkup(html: string, opts: { allowImg?: (src: string) => boolean; allowStyle?: boolean } = {}): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(/<\s*([a-zA-Z][\w-]*)((?:\s+[^\s=>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*\/?>/g)) {
    const tag = m[1].toLowerCase();
    const attrs = [...m[2].matchAll(/([^\s=>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g)].map((a) => ({
      name: a[1].toLowerCase(),
      value: a[2] ?? a[3] ?? a[4] ?? '',
    }));
    const where = `<${tag}${m[2].slice(0, 80)}>`;
    if (!SAFE_TAGS.has(tag)) found.push(`<${tag}>`);
    for (const { name, value } of attrs) {
      if (name.startsWith('on')) found.push(`event handler ${name} in ${where}`);
      if (['href', 'xlink:href', 'action', 'formaction', 'srcdoc', 'srcset'].includes(name)) found.push(`link ${name} in ${where}`);
      if (/^\s*(javascript|data|vbscript):/i.test(value) && name !== 'alt') found.push(`${value.slice(0, 20)} URL in ${where}`);
      if (name === 'style' && !opts.allowStyle) found.push(`style in ${where}`);
    }
    if (tag === 'img') {
      const src = attrs.find((a) => a.name === 'src')?.value ?? '';
      if (!opts.allowImg?.(src)) found.push(`image ${src}`);
    }
  }
  // markup the tag pattern could not read (an unquoted `<` that starts a tag) is live too
  for (const x of html.matchAll(/<(?![a-zA-Z/!]|\s*\/)/g)) found.push(`stray < at ${x.index}`);
  return found;
}

/** Discord text outside code (code spans and fences are literal on Discord). */
function discordProse(content: string): string {
  return content.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`\n]*`/g, ' ');
}

/** Markdown that would be live on Discord: a masked link, an unescaped `<…>` mention or link. */
export function discordLive(msgs: DiscordMessage[]): string[] {
  const found: string[] = [];
  for (const m of msgs) {
    const prose = discordProse(m.content);
    for (const x of prose.matchAll(/(^|[^\\])\[[^\]\n]*\]\(/g)) found.push(`masked link: ${x[0]}`);
    for (const x of prose.matchAll(/(^|[^\\])<[^\s>]*[:@#!][^>]*>/g)) found.push(`angle markup: ${x[0]}`);
    if (/javascript:/i.test(prose) && /(^|[^\\])\]\(\s*<?\s*javascript:/i.test(prose)) found.push('javascript: link');
    if (m.allowedMentions.parse.length !== 0) found.push('mentions allowed');
  }
  return found;
}

/** Every mrkdwn string in Slack payloads. */
export function slackTexts(msgs: SlackMessage[]): string[] {
  const out: string[] = [];
  for (const m of msgs) {
    out.push(m.text);
    for (const b of m.blocks) {
      if (b.type === 'section') out.push(b.text.text);
      if (b.type === 'context') out.push(...b.elements.map((e) => e.text));
    }
    out.push(...m.files.map((f) => f.fallback));
  }
  return out;
}

/** Slack control characters left unescaped (Slack parses them in code too). */
export function slackLive(msgs: SlackMessage[]): string[] {
  const found: string[] = [];
  for (const t of slackTexts(msgs)) {
    const rest = t.replace(/&(amp|lt|gt);/g, '');
    if (/[<>&]/.test(rest)) found.push(`unescaped ${/[<>&]/.exec(rest)![0]} in: ${t.slice(0, 120)}`);
  }
  return found;
}
