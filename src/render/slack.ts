/**
 * Thread + images → Slack payloads: mrkdwn Block Kit posts (the first one is the thread parent)
 * and file uploads into the thread (files.uploadV2). Limits: section text 3,000 characters,
 * 50 blocks and about 4,000 characters of text per message.
 */
import { looksLikeLatex } from './latex';
import { CODE_LIMITS, OUTPUT_LIMITS, blockAsText, cutLines, cutText, fenceSafe, metaLines, splitMessage } from './text';
import { alternativesLine } from './thread';
import type { BlockImage, ImageSet, PlatformOptions, SlackBlock, SlackFile, SlackMessage, TextBlock, Thread, ThreadStep } from './types';

export const SLACK_LIMITS = { section: 3_000, blocks: 50, messageChars: 3_900, fallbackText: 3_000, buttonValue: 2_000 };

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

function slackFile(img: BlockImage, title: string): SlackFile {
  return { filename: img.name, data: img.png, title, altText: img.alt.slice(0, 1_000) };
}

function blockText(b: TextBlock): string {
  let text = blockAsText(b, escapeSlack, undefined, escapeSlack);
  if (b.mode === 'refused') text += `\n_⚠ Not typeset: ${escapeSlack(b.refusals.join('; ')).slice(0, 400)}_`;
  return text;
}

/** Posts holding the blocks, split so each has ≤ 50 blocks and ≤ ~4,000 characters. */
function posts(fallback: string, blocks: SlackBlock[]): SlackMessage[] {
  const out: SlackMessage[] = [];
  let cur: SlackBlock[] = [];
  let chars = 0;
  const size = (b: SlackBlock) => JSON.stringify(b).length;
  for (const b of blocks) {
    if (cur.length && (cur.length >= SLACK_LIMITS.blocks || chars + size(b) > SLACK_LIMITS.messageChars)) {
      out.push({ platform: 'slack', type: 'post', text: cutText(fallback, SLACK_LIMITS.fallbackText), blocks: cur });
      cur = [];
      chars = 0;
    }
    cur.push(b);
    chars += size(b);
  }
  if (cur.length) out.push({ platform: 'slack', type: 'post', text: cutText(fallback, SLACK_LIMITS.fallbackText), blocks: cur });
  return out;
}

function header(t: Thread, images: ImageSet, spoiler: boolean): SlackMessage[] {
  const blocks: SlackBlock[] = [];
  const qImg = t.question.mode === 'image' ? images.images.get(t.question.id) : undefined;
  blocks.push(...sections(`*Question*${qImg ? ' (typeset in the thread)' : ''}\n${blockText(t.question)}`));
  const ans = spoiler ? '_hidden (practice mode): use *Reveal answer* at the end of the thread_' : answerInline(t.answer);
  blocks.push(section(`*Answer:* ${ans}${t.cancelled ? ' (search stopped early; best answer so far)' : ''}`));
  const meta = metaLines(t).join('  ·  ');
  if (meta) blocks.push(context(escapeSlack(meta)));
  if (t.notice) blocks.push(context(`ⓘ ${escapeSlack(t.notice)}`));
  if (t.fallback) blocks.push(context(`Math is shown as LaTeX source (${escapeSlack(t.fallback).slice(0, 200)})`));
  const fallback = `Question: ${t.question.source.slice(0, 1_000)}\nAnswer: ${spoiler ? '(hidden)' : t.answer ?? 'none found'}`;
  const out = posts(escapeSlack(fallback), blocks);
  const files: SlackFile[] = [];
  if (qImg) files.push(slackFile(qImg, 'Question'));
  const aImg = !spoiler && t.answerBlock?.mode === 'image' ? images.images.get(t.answerBlock.id) : undefined;
  if (aImg) files.push(slackFile(aImg, 'Answer'));
  if (files.length) out.push({ platform: 'slack', type: 'upload', initialComment: qImg ? 'Question, typeset' : 'Answer, typeset', files });
  return out;
}

function step(s: ThreadStep, images: ImageSet): SlackMessage[] {
  const out: SlackMessage[] = [];
  const blocks: SlackBlock[] = [];
  const img = s.explanation?.mode === 'image' ? images.images.get(s.explanation.id) : undefined;
  const work = s.work ?? null;
  const workImg = work?.mode === 'image' ? images.images.get(work.id) : undefined;
  const workFile = workImg ? [slackFile(workImg, `${s.label}, worked out`)] : [];
  // With a typeset explanation, the step opens with one upload: explanation and working together.
  if (img) out.push({ platform: 'slack', type: 'upload', initialComment: `*${s.label}*`, files: [slackFile(img, s.label), ...workFile] });
  else blocks.push(...sections(`*${s.label}*${s.explanation ? `\n${blockText(s.explanation)}` : ''}`));
  if (s.code) blocks.push(section(fenced(s.code, CODE_LIMITS)));
  if (s.output) blocks.push(section(`${s.output.ok ? 'Output' : 'Error'}:\n${fenced(s.output.text, OUTPUT_LIMITS)}`));
  if (work && !workImg) blocks.push(...sections(blockText(work)));
  if (s.invalid) blocks.push(context(`⚠ This step failed: ${escapeSlack(s.invalid).slice(0, 300)}`));
  if (blocks.length) out.push(...posts(escapeSlack(`${s.label}: ${s.explanation?.source.slice(0, 500) ?? ''}`), blocks));
  // Otherwise the working follows the step's text as an upload of its own.
  if (!img && workFile.length) out.push({ platform: 'slack', type: 'upload', initialComment: `*${s.label}*, worked out`, files: workFile });
  return out;
}

function final(t: Thread, images: ImageSet, spoiler: boolean): SlackMessage[] {
  const out: SlackMessage[] = [];
  const blocks: SlackBlock[] = [];
  const img = !spoiler && t.final?.mode === 'image' ? images.images.get(t.final.id) : undefined;
  if (spoiler) {
    blocks.push(section('*Final answer:* hidden (practice mode)'));
    blocks.push({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Reveal answer' },
          action_id: 'stepwise_reveal_answer',
          value: (t.answer ?? 'none found').slice(0, SLACK_LIMITS.buttonValue),
        },
      ],
    });
  } else {
    blocks.push(section(`*Final answer:* ${answerInline(t.answer)}`));
    if (t.final && !img) blocks.push(...sections(blockText(t.final)));
  }
  const alt = alternativesLine(t.alternatives, (a) => answerInline(a));
  if (alt) blocks.push(context(alt));
  if (img) out.push({ platform: 'slack', type: 'upload', initialComment: '*Final answer*', files: [slackFile(img, 'Final answer')] });
  out.push(...posts(escapeSlack(`Final answer: ${spoiler ? '(hidden)' : t.answer ?? 'none found'}`), blocks));
  return out;
}

/** All Slack messages of a thread, in posting order (the first post is the thread parent). Pure. */
export function slackMessages(t: Thread, images: ImageSet, opts: PlatformOptions = {}): SlackMessage[] {
  const spoiler = opts.spoiler ?? false;
  return [...header(t, images, spoiler), ...t.steps.flatMap((s) => step(s, images)), ...final(t, images, spoiler)];
}
