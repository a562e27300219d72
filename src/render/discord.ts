/**
 * Thread + images → Discord message payloads (plain data close to discord.js MessageCreateOptions).
 * The first message is the thread starter (question, answer, confidence); the rest go into the
 * thread. Limits: 2,000 characters and 10 attachments per message; fences are never broken.
 */
import type { BlockImage, DiscordFile, DiscordMessage, ImageSet, PlatformOptions, TextBlock, Thread, ThreadStep } from './types';
import { looksLikeLatex } from './latex';
import { alternativesLine } from './thread';
import { CODE_LIMITS, OUTPUT_LIMITS, blockAsText, cutLines, fenceSafe, metaLines, splitMessage } from './text';

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

function file(img: BlockImage, spoiler: boolean): DiscordFile {
  return {
    name: spoiler ? `SPOILER_${img.name}` : img.name,
    data: img.png,
    // Alt text would give the answer away in practice mode.
    description: spoiler ? 'Spoiler: the answer, typeset' : img.alt.slice(0, DISCORD_LIMITS.description),
  };
}

/** A block as an attachment (when its image exists) or as text with LaTeX source. */
function block(b: TextBlock | null, images: ImageSet, spoiler: boolean): Part {
  if (!b) return { content: '', files: [] };
  const img = b.mode === 'image' ? images.images.get(b.id) : undefined;
  if (img) return { content: '', files: [file(img, spoiler)] };
  let text = blockAsText(b, escapeDiscord);
  if (b.mode === 'refused') text += `\n-# ⚠ Not typeset: ${escapeDiscord(b.refusals.join('; ')).slice(0, 400)}`;
  // A fence must start at the beginning of its line, so spoiler bars go on lines of their own.
  const hidden = text.includes('```') ? `||\n${text}\n||` : `||${text}||`;
  return { content: spoiler && text ? hidden : text, files: [] };
}

function answerInline(answer: string | null, spoiler: boolean): string {
  if (answer === null) return 'none found';
  const a = answer.replace(/\s+/g, ' ').slice(0, 300);
  const shown = looksLikeLatex(a) ? `\`${a.replace(/`/g, "'")}\`` : escapeDiscord(a);
  return spoiler ? `||${shown}||` : shown;
}

function fenced(lang: string, text: string, limits: { lines: number; chars: number }): string {
  return `\`\`\`${lang}\n${fenceSafe(cutLines(text, limits.lines, limits.chars))}\n\`\`\``;
}

/** Splits parts into messages within the content and attachment limits, in order. */
function pack(parts: Part[]): DiscordMessage[] {
  const msgs: DiscordMessage[] = [];
  const content = parts.map((p) => p.content).filter(Boolean).join('\n');
  const files = parts.flatMap((p) => p.files);
  const chunks = splitMessage(content, DISCORD_LIMITS.content);
  chunks.forEach((c, i) => {
    msgs.push({ platform: 'discord', content: c, files: i === 0 ? files.slice(0, DISCORD_LIMITS.files) : [], allowedMentions: { parse: [] } });
  });
  if (msgs.length === 0) msgs.push({ platform: 'discord', content: '', files: files.slice(0, DISCORD_LIMITS.files), allowedMentions: { parse: [] } });
  for (let i = DISCORD_LIMITS.files; i < files.length; i += DISCORD_LIMITS.files)
    msgs.push({ platform: 'discord', content: '', files: files.slice(i, i + DISCORD_LIMITS.files), allowedMentions: { parse: [] } });
  return msgs;
}

function header(t: Thread, images: ImageSet, spoiler: boolean): DiscordMessage[] {
  const q = block(t.question, images, false);
  const parts: Part[] = [{ content: '**Question**', files: [] }, q];
  if (q.files.length === 0 && !q.content) parts.pop();
  let answerLine = `**Answer:** ${answerInline(t.answer, spoiler)}`;
  const ans = t.answerBlock?.mode === 'image' ? images.images.get(t.answerBlock.id) : undefined;
  const files: DiscordFile[] = ans ? [file(ans, spoiler)] : [];
  if (t.cancelled) answerLine += ' (search stopped early; best answer so far)';
  parts.push({ content: answerLine, files });
  const meta = metaLines(t);
  if (meta.length) parts.push({ content: meta.map((l) => `-# ${l}`).join('\n'), files: [] });
  if (t.notice) parts.push({ content: `-# ⓘ ${escapeDiscord(t.notice)}`, files: [] });
  if (t.fallback) parts.push({ content: `-# Math is shown as LaTeX source (${escapeDiscord(t.fallback).slice(0, 200)})`, files: [] });
  return pack(parts);
}

function step(s: ThreadStep, images: ImageSet, spoilerOutput: boolean): DiscordMessage[] {
  const parts: Part[] = [];
  const expl = block(s.explanation, images, false);
  parts.push({ content: `**${s.label}**${expl.content && !expl.content.includes('\n') && expl.content.length < 300 ? ` · ${expl.content}` : ''}`, files: expl.files });
  if (expl.content && (expl.content.includes('\n') || expl.content.length >= 300)) parts.push({ content: expl.content, files: [] });
  if (s.code) parts.push({ content: fenced('python', s.code, CODE_LIMITS), files: [] });
  if (s.output) {
    const label = s.output.ok ? 'Output' : 'Error';
    const one = !s.output.text.includes('\n') && s.output.text.length <= 200;
    if (spoilerOutput)
      parts.push({ content: one ? `${label}: ||\`${s.output.text.replace(/`/g, "'")}\`||` : `${label}:\n||\n${fenced('', s.output.text, OUTPUT_LIMITS)}\n||`, files: [] });
    else parts.push({ content: one ? `${label}: \`${s.output.text.replace(/`/g, "'")}\`` : `${label}:\n${fenced('', s.output.text, OUTPUT_LIMITS)}`, files: [] });
  }
  // The working as formulas (an image; LaTeX source without one). It shows the answer in the
  // last step, so practice mode hides it there like the output.
  const work = block(s.work ?? null, images, spoilerOutput);
  if (work.content || work.files.length) parts.push(work);
  if (s.invalid) parts.push({ content: `⚠ This step failed: ${escapeDiscord(s.invalid).slice(0, 300)}`, files: [] });
  return pack(parts);
}

function final(t: Thread, images: ImageSet, spoiler: boolean): DiscordMessage[] {
  const parts: Part[] = [{ content: `**Final answer:** ${answerInline(t.answer, spoiler)}`, files: [] }];
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
  t.steps.forEach((s, i) => out.push(...step(s, images, spoiler && i === t.steps.length - 1)));
  out.push(...final(t, images, spoiler));
  return out;
}
