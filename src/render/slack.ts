/**
 * Thread + images → Slack payloads: one mrkdwn Block Kit post per part of the thread (the first one
 * is the thread parent, then one per step, then the closing one). Typeset math goes in the same
 * post as `image` blocks referring to PNGs the bot uploads (unshared) just before posting it, so
 * each step reads label + explanation, code, output, working, top to bottom, in one message.
 * Limits: section text 3,000 characters, 50 blocks (one kept free for the bot's buttons), about
 * 4,000 characters of text per message, image alt_text 2,000.
 */
import { looksLikeLatex } from './latex';
import {
  CODE_LIMITS,
  OUTPUT_LIMITS,
  answerLabel,
  blockAsText,
  cutLines,
  cutText,
  fenceSafe,
  metaLines,
  splitMessage,
  spoilerParts,
  unsureLine,
} from './text';
import { alternativesLine } from './thread';
import type { BlockImage, ImageSet, PlatformOptions, SlackBlock, SlackFile, SlackMessage, TextBlock, Thread, ThreadStep } from './types';

export const SLACK_LIMITS = {
  section: 3_000,
  blocks: 50,
  messageChars: 3_900,
  fallbackText: 3_000,
  buttonValue: 2_000,
  altText: 2_000,
  imageTitle: 2_000,
};

/** What the builder writes as `slack_file.id` until the bot has uploaded the file. */
export const SLACK_FILE_REF = 'stepwise-file:';
export const slackFileRef = (filename: string) => `${SLACK_FILE_REF}${filename}`;

/**
 * Slack's three control characters; mrkdwn has no other escape. With them escaped no `<url|text>`
 * link, `<!channel>` or `<@user>` can be formed from user or model text, in prose or in code.
 */
export function escapeSlack(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): SlackBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

/** Sections for a long mrkdwn text, each ≤ 3,000 characters, fences intact. */
function sections(text: string): SlackBlock[] {
  return splitMessage(text, SLACK_LIMITS.section).map(section);
}

function answerInline(answer: string | null): string {
  if (answer === null) return 'none found';
  const a = answer.replace(/\s+/g, ' ').slice(0, 300);
  return looksLikeLatex(a) ? `\`${escapeSlack(a.replace(/`/g, "'"))}\`` : escapeSlack(a);
}

function fenced(text: string, limits: { lines: number; chars: number }): string {
  return `\`\`\`\n${escapeSlack(fenceSafe(cutLines(text, limits.lines, limits.chars)))}\n\`\`\``;
}

/** A block of the message, with the file an image block shows. */
interface Item {
  block: SlackBlock;
  file?: SlackFile;
}

const items = (blocks: SlackBlock[]): Item[] => blocks.map((block) => ({ block }));

function blockText(b: TextBlock, maxChars?: number): string {
  let text = blockAsText(b, escapeSlack, maxChars, escapeSlack);
  if (b.mode === 'refused') text += `\n_⚠ Not typeset: ${escapeSlack(b.refusals.join('; ')).slice(0, 400)}_`;
  return text;
}

/** The image block showing a typeset block, and the file behind it (uploaded by the bot first). */
function image(b: TextBlock, img: BlockImage, title: string): Item {
  const alt = (img.alt || b.source).replace(/\s+/g, ' ').trim().slice(0, SLACK_LIMITS.altText) || title;
  return {
    block: { type: 'image', slack_file: { id: slackFileRef(img.name) }, alt_text: alt },
    file: { filename: img.name, data: img.png, title, altText: alt.slice(0, 1_000), fallback: blockText(b, SLACK_LIMITS.section - 100) },
  };
}

/** Text label + typeset image, or label + the block as text when there is no image. */
function labelled(label: string, b: TextBlock, images: ImageSet, title: string): Item[] {
  const img = b.mode === 'image' ? images.images.get(b.id) : undefined;
  if (img) return [{ block: section(label) }, image(b, img, title)];
  return items(sections(`${label}\n${blockText(b)}`));
}

const textSize = (b: SlackBlock): number =>
  b.type === 'section'
    ? b.text.text.length
    : b.type === 'context'
      ? b.elements.reduce((n, e) => n + e.text.length, 0)
      : b.type === 'image'
        ? 0
        : JSON.stringify(b).length;

/**
 * Posts holding the items in order, split only where a limit forces it: ≤ 49 blocks (one is kept
 * for the bot's button row) and ≤ ~3,900 characters of text. An image's file goes with its block.
 */
function posts(fallback: string, list: Item[]): SlackMessage[] {
  const out: SlackMessage[] = [];
  let cur: Item[] = [];
  let chars = 0;
  const text = cutText(fallback, SLACK_LIMITS.fallbackText);
  const flush = () => {
    if (cur.length)
      out.push({
        platform: 'slack',
        type: 'post',
        text,
        blocks: cur.map((i) => i.block),
        files: cur.flatMap((i) => (i.file ? [i.file] : [])),
      });
    cur = [];
    chars = 0;
  };
  for (const it of list) {
    const size = textSize(it.block);
    if (cur.length && (cur.length >= SLACK_LIMITS.blocks - 1 || chars + size > SLACK_LIMITS.messageChars)) flush();
    cur.push(it);
    chars += size;
  }
  flush();
  return out;
}

function header(t: Thread, images: ImageSet, spoiler: boolean): SlackMessage[] {
  const list: Item[] = [...labelled('*Question*', t.question, images, 'Question')];
  const unsure = unsureLine(t);
  const label = unsure ? `${answerLabel(t)}:` : '*Answer:*';
  const stopped = t.cancelled ? ' (search stopped early; best answer so far)' : '';
  const aImg = !spoiler && t.answer !== null && t.answerBlock?.mode === 'image' ? images.images.get(t.answerBlock.id) : undefined;
  if (spoiler) list.push({ block: section(`${label} _hidden (practice mode): use *Reveal answer* at the end of the thread_${stopped}`) });
  else if (aImg && t.answerBlock) list.push({ block: section(`${label}${stopped}`) }, image(t.answerBlock, aImg, answerLabel(t)));
  else list.push({ block: section(`${label} ${answerInline(t.answer)}${stopped}`) });
  if (unsure) list.push({ block: section(`:warning: ${escapeSlack(unsure)}`) });
  const meta = metaLines(t).join('  ·  ');
  if (meta) list.push({ block: context(escapeSlack(meta)) });
  if (t.notice) list.push({ block: context(`ⓘ ${escapeSlack(t.notice)}`) });
  if (t.fallback) list.push({ block: context(`Math is shown as LaTeX source (${escapeSlack(t.fallback).slice(0, 200)})`) });
  const fallback = `Question: ${t.question.source.slice(0, 1_000)}\n${answerLabel(t)}${unsure ? ' (not sure)' : ''}: ${spoiler ? '(hidden)' : (t.answer ?? 'none found')}`;
  return posts(escapeSlack(fallback), list);
}

const HIDDEN = '_hidden in practice mode: it gives the answer away (use *Reveal answer* at the end)_';

function step(s: ThreadStep, images: ImageSet, hide: { explanation: boolean; output: boolean }): SlackMessage[] {
  const label = `*${s.label}*`;
  // Slack has no inline spoilers: what gives the answer away in practice mode is left out.
  const list: Item[] =
    s.explanation && !hide.explanation
      ? labelled(label, s.explanation, images, s.label)
      : items(sections(`${label}${s.explanation ? `\n${HIDDEN}` : ''}`));
  if (s.code) list.push({ block: section(fenced(s.code, CODE_LIMITS)) });
  if (s.output)
    list.push({ block: section(`${s.output.ok ? 'Output' : 'Error'}:\n${hide.output ? HIDDEN : fenced(s.output.text, OUTPUT_LIMITS)}`) });
  const work = hide.output ? null : (s.work ?? null);
  if (work) {
    const img = work.mode === 'image' ? images.images.get(work.id) : undefined;
    if (img) list.push(image(work, img, `${s.label}, worked out`));
    else list.push(...items(sections(blockText(work))));
  }
  if (s.invalid) list.push({ block: context(`⚠ This step failed: ${escapeSlack(s.invalid).slice(0, 300)}`) });
  const summary = hide.explanation ? '' : (s.explanation?.source.slice(0, 500) ?? '');
  return posts(escapeSlack(`${s.label}: ${summary}`), list);
}

/**
 * The closing post. The answer itself is in the thread parent (once); here come the model's
 * closing words ("… so the median is 4√5"), a reminder when it is only a best guess, and the
 * other answers. In practice mode: the reveal button instead.
 */
function final(t: Thread, images: ImageSet, spoiler: boolean): SlackMessage[] {
  const list: Item[] = [];
  if (spoiler) {
    list.push({ block: section('*Final answer:* hidden (practice mode)') });
    list.push({
      block: {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Reveal answer' },
            action_id: 'stepwise_reveal_answer',
            value: (t.answer ?? 'none found').slice(0, SLACK_LIMITS.buttonValue),
          },
        ],
      },
    });
  } else {
    if (t.final) list.push(...labelled('*Conclusion*', t.final, images, 'Conclusion'));
    else
      list.push({
        block: section(
          `_End of the solution; the ${t.answer === null ? 'search found no answer' : `${answerLabel(t).toLowerCase()} is at the top of the thread`}._`,
        ),
      });
    if (t.unsure && t.answer !== null)
      list.push({
        block: context(`:warning: ${answerLabel(t)} (not sure): check it before relying on it; the reasons are at the top of the thread.`),
      });
  }
  const alt = alternativesLine(t.alternatives, (a) => answerInline(a));
  if (alt) list.push({ block: context(alt) });
  const fallback = spoiler ? 'Final answer: (hidden)' : t.final ? `Conclusion: ${t.final.source.slice(0, 1_000)}` : 'End of the solution';
  return posts(escapeSlack(fallback), list);
}

/** All Slack messages of a thread, in posting order (the first post is the thread parent). Pure. */
export function slackMessages(t: Thread, images: ImageSet, opts: PlatformOptions = {}): SlackMessage[] {
  const spoiler = opts.spoiler ?? false;
  const shown = { explanation: false, output: false };
  const steps = t.steps.flatMap((s, i) => step(s, images, spoiler ? spoilerParts(s, t.answer, i === t.steps.length - 1) : shown));
  return [...header(t, images, spoiler), ...steps, ...final(t, images, spoiler)];
}

/** The blocks with each image's file reference replaced by the uploaded file's id (by file name). */
export function resolveSlackFiles(blocks: SlackBlock[], ids: ReadonlyMap<string, string>): SlackBlock[] {
  return blocks.map((b) => {
    if (b.type !== 'image' || !b.slack_file.id.startsWith(SLACK_FILE_REF)) return b;
    const id = ids.get(b.slack_file.id.slice(SLACK_FILE_REF.length));
    if (!id) throw new Error(`no uploaded file for ${b.slack_file.id}`);
    return { ...b, slack_file: { id } };
  });
}

/** The blocks with every image replaced by its text (LaTeX source), for when Slack refuses the files. */
export function slackBlocksAsText(m: SlackMessage): SlackBlock[] {
  const byRef = new Map(m.files.map((f) => [slackFileRef(f.filename), f]));
  return m.blocks.map((b) => {
    if (b.type !== 'image') return b;
    const f = byRef.get(b.slack_file.id);
    return section(f?.fallback || escapeSlack(b.alt_text.slice(0, SLACK_LIMITS.section)));
  });
}
