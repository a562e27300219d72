/**
 * Thread + images → Discord message payloads (plain data close to discord.js MessageCreateOptions).
 * The first message is the thread starter (question, answer, confidence); the rest go into the
 * thread. Limits: 2,000 characters and 10 attachments per message; fences are never broken.
 * Discord shows attachments under the text of their message, so every message is laid out text
 * first, images last; math that reads well as plain text is text (readable, searchable, in
 * previews), the rest is typeset. Every image has readable alt text.
 */
import type { BlockImage, DiscordFile, DiscordMessage, ImageSet, PlatformOptions, TextBlock, Thread, ThreadStep } from './types';
import { looksLikeLatex } from './latex';
import { alternativesLine } from './thread';
import { altText, blockAsPlain, blockPieces, joinPieces, texToPlain } from './plain-math';
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

export const DISCORD_LIMITS = { content: 2_000, files: 10, description: 1_024 };

/**
 * Escapes Discord markdown in prose (so `a*b*c` is not italic), masked links (`[x](javascript:…)`,
 * `[https://a](https://b)`: the brackets are escaped, so no link text can hide its target), `<…>`
 * mentions, channels and timestamps, and defuses mass mentions.
 */
export function escapeDiscord(s: string): string {
  return s
    .replace(/[\\*_~|`[\]<]/g, '\\$&')
    .replace(/^(\s*)(#{1,3}\s|>|-#\s)/gm, '$1\\$2')
    .replace(/@(everyone|here)/g, '@\u200b$1');
}

interface Part {
  content: string;
  files: DiscordFile[];
}

/** What Discord shows for a spoiler image: the alt text would give the answer away. */
export const SPOILER_DESCRIPTION = 'Spoiler: the answer, typeset';

function file(img: BlockImage, block: TextBlock, spoiler: boolean): DiscordFile {
  return {
    name: spoiler ? `SPOILER_${img.name}` : img.name,
    data: img.png,
    // Alt text is what a screen reader (and a failed image load) shows: readable text, not LaTeX.
    description: spoiler ? SPOILER_DESCRIPTION : altText(block, DISCORD_LIMITS.description) || 'Typeset math',
  };
}

/** Hides text behind spoiler bars; a fence must start its line, so the bars go on lines of their own. */
const hideText = (text: string) => (text.includes('```') ? `||\n${text}\n||` : `||${text}||`);

/**
 * A block as a message part. Prose whose math all reads well as plain text (`½√(x²+1)`) is text,
 * so it reads in order and shows in previews; other math is its typeset image (`preferText:
 * false` keeps the image whenever there is one, for the working). Without an image: readable text,
 * else LaTeX source.
 */
function block(b: TextBlock | null, images: ImageSet, spoiler: boolean, preferText = true): Part {
  if (!b) return { content: '', files: [] };
  const img = b.mode === 'image' ? images.images.get(b.id) : undefined;
  const plain = b.mode === 'image' && (preferText || !img) ? blockAsPlain(b) : null;
  let text: string;
  if (plain !== null) text = escapeDiscord(plain);
  else if (img) return { content: '', files: [file(img, b, spoiler)] };
  else text = blockAsText(b, escapeDiscord);
  if (b.mode === 'refused') text += `\n-# ⚠ Not typeset: ${escapeDiscord(b.refusals.join('; ')).slice(0, 400)}`;
  return { content: spoiler && text ? hideText(text) : text, files: [] };
}

function answerInline(answer: string | null, spoiler: boolean): string {
  if (answer === null) return 'none found';
  const a = answer.replace(/\s+/g, ' ').slice(0, 300);
  const plain = looksLikeLatex(a) ? texToPlain(a) : a;
  const shown = plain !== null ? escapeDiscord(plain) : `\`${a.replace(/`/g, "'")}\``;
  return spoiler ? `||${shown}||` : shown;
}

function fenced(lang: string, text: string, limits: { lines: number; chars: number }): string {
  return `\`\`\`${lang}\n${fenceSafe(cutLines(text, limits.lines, limits.chars))}\n\`\`\``;
}

const message = (content: string, files: DiscordFile[]): DiscordMessage => ({
  platform: 'discord',
  content,
  files,
  allowedMentions: { parse: [] },
});

/**
 * Splits parts into messages within the content and attachment limits, in order. Discord shows
 * attachments under a message's text, so the files go with the last chunk: after all the text.
 */
function pack(parts: Part[]): DiscordMessage[] {
  const content = parts
    .map((p) => p.content)
    .filter(Boolean)
    .join('\n');
  const files = parts.flatMap((p) => p.files);
  const chunks = content ? splitMessage(content, DISCORD_LIMITS.content) : [];
  const msgs = chunks.map((c) => message(c, []));
  if (msgs.length === 0) msgs.push(message('', []));
  msgs[msgs.length - 1].files = files.slice(0, DISCORD_LIMITS.files);
  for (let i = DISCORD_LIMITS.files; i < files.length; i += DISCORD_LIMITS.files)
    msgs.push(message('', files.slice(i, i + DISCORD_LIMITS.files)));
  return msgs;
}

/**
 * The question as text for the header (channel list and notification previews show only text):
 * readable math where it can be, a typeset image under the header where it cannot.
 */
function questionPart(q: TextBlock, images: ImageSet): Part {
  const img = q.mode === 'image' ? images.images.get(q.id) : undefined;
  const strict = q.mode === 'image' ? blockAsPlain(q) : null;
  if (strict !== null) return { content: escapeDiscord(strict), files: [] };
  if (!img) return block(q, images, false);
  // Math that needs typesetting: its readable approximation here, the exact image below.
  return { content: escapeDiscord(joinPieces(blockPieces(q, false) ?? [])), files: [file(img, q, false)] };
}

function header(t: Thread, images: ImageSet, spoiler: boolean): DiscordMessage[] {
  const q = questionPart(t.question, images);
  const unsure = unsureLine(t);
  // A guess is never bold: only an answer the models are sure of is shown like one.
  let answerLine = unsure ? `${answerLabel(t)}: ${answerInline(t.answer, spoiler)}` : `**Answer:** ${answerInline(t.answer, spoiler)}`;
  const answerText = t.answer !== null && looksLikeLatex(t.answer) ? texToPlain(t.answer.replace(/\s+/g, ' ').slice(0, 300)) : t.answer;
  const ans = t.answerBlock?.mode === 'image' && answerText === null ? images.images.get(t.answerBlock.id) : undefined;
  const files: DiscordFile[] = [...q.files, ...(ans && t.answerBlock ? [file(ans, t.answerBlock, spoiler)] : [])];
  if (t.cancelled) answerLine += ' (search stopped early; best answer so far)';
  const rest: string[] = [answerLine];
  if (unsure) rest.push(`> ⚠ ${escapeDiscord(unsure)}`);
  const meta = metaLines(t);
  if (meta.length) rest.push(meta.map((l) => `-# ${l}`).join('\n'));
  if (t.notice) rest.push(`-# ⓘ ${escapeDiscord(t.notice)}`);
  if (t.fallback) rest.push(`-# Math that needs typesetting is shown as LaTeX source (${escapeDiscord(t.fallback).slice(0, 200)})`);
  // The question is cut so that the whole header fits one message (the thread starter).
  const tail = rest.join('\n');
  const room = DISCORD_LIMITS.content - tail.length - '**Question**\n\n'.length;
  let question = q.content;
  if (question.length > room) question = closeFence(cutText(question, Math.max(200, room)));
  const parts: Part[] = question ? [{ content: `**Question**\n${question}`, files: [] }] : [];
  parts.push({ content: tail, files });
  return pack(parts);
}

/** Closes a ``` fence left open by a cut. */
function closeFence(text: string): string {
  return (text.match(/```/g) ?? []).length % 2 === 1 ? `${text}\n\`\`\`` : text;
}

/**
 * One step, read top to bottom: the label and explanation (text), the code and its output, then
 * the working as a typeset image (attachments show under the text, which is where it belongs).
 * An explanation that needs its image is a message of its own (label + image), so it still comes
 * before the code.
 */
function step(s: ThreadStep, images: ImageSet, hide: { explanation: boolean; output: boolean }): DiscordMessage[] {
  const parts: Part[] = [];
  const spoilerOutput = hide.output;
  const expl = block(s.explanation, images, hide.explanation);
  const inline = expl.content && !expl.content.includes('\n') && expl.content.length < 300;
  const head: Part[] = [{ content: `**${s.label}**${inline ? ` · ${expl.content}` : ''}`, files: expl.files }];
  if (expl.content && !inline) head.push({ content: expl.content, files: [] });
  if (s.code) parts.push({ content: fenced('python', s.code, CODE_LIMITS), files: [] });
  if (s.output) {
    const label = s.output.ok ? 'Output' : 'Error';
    const one = !s.output.text.includes('\n') && s.output.text.length <= 200;
    if (spoilerOutput)
      parts.push({
        content: one
          ? `${label}: ||\`${s.output.text.replace(/`/g, "'")}\`||`
          : `${label}:\n||\n${fenced('', s.output.text, OUTPUT_LIMITS)}\n||`,
        files: [],
      });
    else
      parts.push({
        content: one ? `${label}: \`${s.output.text.replace(/`/g, "'")}\`` : `${label}:\n${fenced('', s.output.text, OUTPUT_LIMITS)}`,
        files: [],
      });
  }
  // The working as formulas (an image; readable text or LaTeX source without one). It shows the
  // answer in the last step, so practice mode hides it there like the output.
  const work = block(s.work ?? null, images, spoilerOutput, false);
  if (work.content || work.files.length) parts.push(work);
  if (s.invalid) parts.push({ content: `⚠ This step failed: ${escapeDiscord(s.invalid).slice(0, 300)}`, files: [] });
  if (expl.files.length && parts.length) return [...pack(head), ...pack(parts)];
  return pack([...head, ...parts]);
}

function final(t: Thread, images: ImageSet, spoiler: boolean): DiscordMessage[] {
  const parts: Part[] = [
    {
      content: t.unsure
        ? `${answerLabel(t)} (not sure): ${answerInline(t.answer, spoiler)}`
        : `**Final answer:** ${answerInline(t.answer, spoiler)}`,
      files: [],
    },
  ];
  const prose = block(t.final, images, spoiler);
  if (prose.content || prose.files.length) parts.push(prose);
  const alt = alternativesLine(t.alternatives, (a) => answerInline(a, false));
  if (alt) parts.push({ content: `-# ${alt}`, files: [] });
  return pack(parts);
}

/** All messages of a thread, in posting order. Pure. */
export function discordMessages(t: Thread, images: ImageSet, opts: PlatformOptions = {}): DiscordMessage[] {
  const spoiler = opts.spoiler ?? false;
  const out = [...header(t, images, spoiler)];
  const shown = { explanation: false, output: false };
  t.steps.forEach((s, i) => out.push(...step(s, images, spoiler ? spoilerParts(s, t.answer, i === t.steps.length - 1) : shown)));
  out.push(...final(t, images, spoiler));
  return out;
}
