/**
 * The renderer's entry point: SearchResult → thread → images → platform payloads.
 *
 *   const images = new MathImageRenderer();           // one per process, close() on shutdown
 *   const msgs = await renderThread(result, { platform: 'discord', images, spoiler: false });
 */
import type { SearchResult } from '../engine/search/types';
import { discordMessages } from './discord';
import type { MathImageRenderer } from './images';
import { slackMessages } from './slack';
import { buildThread, type BuildThreadOptions } from './thread';
import type { BlockImage, DiscordMessage, ImageSet, Platform, PlatformMessage, SlackMessage, TextBlock, Thread } from './types';

export * from './types';
export { buildThread, threadFromSolutionText } from './thread';
export { MathImageRenderer } from './images';
export { discordMessages } from './discord';
export { slackMessages } from './slack';
export { checkTex, classifyBlock, findMath } from './latex';

export interface RenderOptions extends BuildThreadOptions {
  platform: Platform;
  /** null: no images (math as LaTeX source in code blocks). */
  images: MathImageRenderer | null;
  /** Practice mode: hide the answer. */
  spoiler?: boolean;
}

/** Every block of a thread that may become an image, in thread order. */
export function threadBlocks(t: Thread): TextBlock[] {
  return [t.question, t.answerBlock, ...t.steps.flatMap((s) => [s.explanation, s.work ?? null]), t.final].filter(
    (b): b is TextBlock => b !== null,
  );
}

/** The image of one rendered block, named after it (`<block id>.png`), its source as alt text. */
export function blockImage(b: TextBlock, image: { png: Buffer; width: number; height: number }): BlockImage {
  return {
    blockId: b.id,
    name: `${b.id}.png`,
    png: image.png,
    width: image.width,
    height: image.height,
    alt: b.source.replace(/\s+/g, ' ').trim().slice(0, 1_000),
  };
}

/**
 * Renders the image blocks of a thread. Returns the images and the thread with `fallback` set
 * when the renderer is missing or gave up (those blocks are then shown as LaTeX source).
 */
export async function renderImages(t: Thread, renderer: MathImageRenderer | null): Promise<{ thread: Thread; images: ImageSet }> {
  const images: ImageSet = { images: new Map(), failures: new Map() };
  const wanted = threadBlocks(t).filter((b) => b.mode === 'image');
  if (wanted.length === 0) return { thread: t, images };
  if (!renderer) {
    for (const b of wanted) images.failures.set(b.id, 'no image renderer');
    return { thread: { ...t, fallback: 'no image renderer configured' }, images };
  }
  const outcomes = await Promise.all(wanted.map((b) => renderer.renderBlock(b)));
  let fallback: string | undefined;
  wanted.forEach((b, i) => {
    const o = outcomes[i];
    if (o.ok) {
      images.images.set(b.id, blockImage(b, o.image));
    } else {
      images.failures.set(b.id, o.reason);
      fallback ??= o.reason;
    }
  });
  return { thread: fallback ? { ...t, fallback } : t, images };
}

export async function renderThreadModel(
  t: Thread,
  opts: Omit<RenderOptions, keyof BuildThreadOptions> & { platform: 'discord' },
): Promise<DiscordMessage[]>;
export async function renderThreadModel(
  t: Thread,
  opts: Omit<RenderOptions, keyof BuildThreadOptions> & { platform: 'slack' },
): Promise<SlackMessage[]>;
export async function renderThreadModel(t: Thread, opts: Omit<RenderOptions, keyof BuildThreadOptions>): Promise<PlatformMessage[]>;
export async function renderThreadModel(t: Thread, opts: Omit<RenderOptions, keyof BuildThreadOptions>): Promise<PlatformMessage[]> {
  const { thread, images } = await renderImages(t, opts.images);
  return opts.platform === 'discord'
    ? discordMessages(thread, images, { spoiler: opts.spoiler })
    : slackMessages(thread, images, { spoiler: opts.spoiler });
}

/** SearchResult → the messages to post, in order (the first one starts the thread). */
export async function renderThread(result: SearchResult, opts: RenderOptions & { platform: 'discord' }): Promise<DiscordMessage[]>;
export async function renderThread(result: SearchResult, opts: RenderOptions & { platform: 'slack' }): Promise<SlackMessage[]>;
export async function renderThread(result: SearchResult, opts: RenderOptions): Promise<PlatformMessage[]>;
export async function renderThread(result: SearchResult, opts: RenderOptions): Promise<PlatformMessage[]> {
  return renderThreadModel(buildThread(result, opts), opts);
}
