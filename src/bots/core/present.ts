/**
 * SearchResult → what the platforms post: the neutral Thread and its images (src/render), split
 * into the header (thread parent), one group of messages per step, and the closing message, so the
 * bots can reveal steps one at a time. Plus the step images service (KaTeX → PNG in Chromium).
 */
import { agreementCounts, type SearchResult } from '../../engine/index';
import { discordMessages } from '../../render/discord';
import { MathImageRenderer } from '../../render/images';
import { slackMessages } from '../../render/slack';
import { blockImage, threadBlocks } from '../../render/index';
import { buildThread } from '../../render/thread';
import type { DiscordMessage, ImageSet, SlackMessage, Thread } from '../../render/types';

/** What a step-reveal button or command asks for (button ids: src/bots/features/solve/mention-parser.ts). */
export type RevealAction = 'next' | 'all' | 'alternatives';

/** Makes the PNGs of a thread's typeset blocks. */
export interface ImageMaker {
  make(thread: Thread): Promise<ImageSet>;
  close(): Promise<void>;
}

/** No images: math is shown as LaTeX source (used when Chromium is unavailable). */
export const noImages: ImageMaker = {
  async make() {
    return { images: new Map(), failures: new Map() };
  },
  async close() {},
};

/** Images from headless Chromium (src/render/images.ts), launched on first use. */
export class ChromiumImageMaker implements ImageMaker {
  readonly renderer: MathImageRenderer;
  constructor(renderer?: MathImageRenderer) {
    this.renderer = renderer ?? new MathImageRenderer();
  }
  async make(thread: Thread): Promise<ImageSet> {
    const set: ImageSet = { images: new Map(), failures: new Map() };
    for (const b of threadBlocks(thread)) {
      if (b.mode !== 'image') continue;
      const out = await this.renderer.renderBlock(b);
      if (out.ok) set.images.set(b.id, blockImage(b, out.image));
      else set.failures.set(b.id, out.reason);
    }
    return set;
  }
  async close(): Promise<void> {
    await this.renderer.close();
  }
}

/** A thread split for step reveal: header → parent message; steps[i] → step i's messages; final. */
export interface Presentation<M> {
  thread: Thread;
  images: ImageSet;
  header: M[];
  steps: M[][];
  final: M[];
}

type Builder<M> = (t: Thread, images: ImageSet) => M[];

const keyOf = (m: unknown) => JSON.stringify(m, (k, v) => (k === 'data' || k === 'png' ? undefined : v));

/** Splits a pure builder's flat message list into header, per-step groups and final. */
export function splitThread<M>(t: Thread, images: ImageSet, build: Builder<M>): Presentation<M> {
  const empty = build({ ...t, steps: [] }, images);
  if (t.steps.length === 0) {
    // header and final cannot be told apart without a step: find the final by its marker
    const one = build(
      { ...t, steps: [{ number: 1, label: '\u0000', sourceSteps: [], explanation: null, code: null, output: null }] },
      images,
    );
    const h = commonPrefix(empty, one);
    return { thread: t, images, header: empty.slice(0, h), steps: [], final: empty.slice(h) };
  }
  const first = build({ ...t, steps: [t.steps[0]] }, images);
  const h = commonPrefix(empty, first);
  const f = empty.length - h;
  const steps = t.steps.map((s, i) => {
    const all = i === 0 ? first : build({ ...t, steps: [s] }, images);
    return all.slice(h, all.length - f);
  });
  return { thread: t, images, header: empty.slice(0, h), steps, final: empty.slice(h) };
}

function commonPrefix(a: unknown[], b: unknown[]): number {
  let i = 0;
  while (i < a.length && i < b.length && keyOf(a[i]) === keyOf(b[i])) i++;
  return i;
}

export async function presentDiscord(result: SearchResult, images: ImageMaker): Promise<Presentation<DiscordMessage>> {
  const thread = buildThread(result);
  const set = await images.make(thread);
  return splitThread(thread, set, (t, i) => discordMessages(t, i));
}

export async function presentSlack(result: SearchResult, images: ImageMaker): Promise<Presentation<SlackMessage>> {
  const thread = buildThread(result);
  const set = await images.make(thread);
  return splitThread(thread, set, (t, i) => slackMessages(t, i));
}

/**
 * What to post for a reveal action when `revealed` of the steps (+1 for the final message) are
 * shown: the groups to post and the new count. "alternatives" posts nothing here (see alternativesText).
 */
export function revealPlan<M>(p: Presentation<M>, revealed: number, action: RevealAction): { groups: M[][]; revealed: number } {
  const parts = [...p.steps, p.final];
  if (action === 'next') return revealed < parts.length ? { groups: [parts[revealed]], revealed: revealed + 1 } : { groups: [], revealed };
  if (action === 'all') return { groups: parts.slice(revealed), revealed: parts.length };
  return { groups: [], revealed };
}

/** Total reveal units of a presentation (steps + the final message). */
export const revealTotal = (p: Presentation<unknown>) => p.steps.length + 1;

/** "Other answers" in plain words (platform escapes applied by the caller when needed). */
export function alternativesText(result: SearchResult): string {
  const others = result.alternatives.filter((a) => a.answer !== result.answer);
  if (others.length === 0) {
    if (result.answer === null) return 'No answer was found, so there are no alternatives.';
    const { finished } = agreementCounts(result.answer, result.alternatives);
    return finished < 2
      ? 'No other answers came up, but only one solution finished, so there was nothing to compare it with.'
      : `No other answers came up: all ${finished} finished solutions agreed.`;
  }
  const lines = others.slice(0, 10).map((a) => {
    const score = a.bestScore === null ? '' : `, best step-scorer value ${a.bestScore.toFixed(2)}`;
    return `• ${a.answer.replace(/\s+/g, ' ').slice(0, 120)} (${a.votes} vote${a.votes === 1 ? '' : 's'}${score})`;
  });
  const more = others.length > 10 ? `\n…and ${others.length - 10} more` : '';
  return `Other answers considered (the chosen one: ${result.answer ?? 'none'}):\n${lines.join('\n')}${more}`;
}

/** One progress line, e.g. "Solving… rollout 6/16 · best answer so far: 29 (score 0.80)". */
export function progressText(p: {
  done: number;
  total: number;
  unit: string;
  bestAnswer: string | null;
  bestScore: number | null;
  steps?: number;
}): string {
  const best =
    p.bestAnswer === null
      ? ''
      : ` · best answer so far: ${p.bestAnswer.replace(/\s+/g, ' ').slice(0, 100)}${p.bestScore === null ? '' : ` (score ${p.bestScore.toFixed(2)})`}`;
  const bar = progressBar(p.done, p.total);
  const steps = p.steps ? ` · ${p.steps} step${p.steps === 1 ? '' : 's'} checked` : '';
  return `Solving… ${bar} ${p.unit} ${p.done}/${p.total}${steps}${best}`;
}

function progressBar(done: number, total: number, width = 10): string {
  const n = total > 0 ? Math.max(0, Math.min(width, Math.round((done / total) * width))) : 0;
  return `[${'#'.repeat(n)}${'-'.repeat(width - n)}]`;
}
