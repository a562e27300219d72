/** Shared set-up for the bots tests: a scripted engine, fake step images, a core on a temp SQLite file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { engineFrom, type Engine } from '../../src/engine/index';
import type { Policy, Sample, SampleRequest } from '../../src/engine/models/types';
import { loadConfig, type ImageMaker } from '../../src/bots/core/index';
import { createCore, type BotCore } from '../../src/bots/compose';
import { threadBlocks } from '../../src/render';
import type { ImageSet, Thread } from '../../src/render/types';
import { ScriptedPolicy, ScriptedScorer, ToyExecutor, type Script } from '../helpers/scripted';
import { toyScore, toyScript } from '../engine/toy-problem';

/** The toy question with some math in it, so the thread has typeset blocks (PNG attachments). */
export const MATH_QUESTION =
  'Tom has $3$ boxes of $12$ apples and gives $7$ away. How many apples are left, i.e. what is $\\frac{3 \\cdot 12 - 7}{1}$?';

/**
 * The toy script with its two wordings of step 2 equally likely, so a search finishes more than
 * one solution: a lone solution is never presented as sure, and these tests follow a sure answer
 * through the platforms (the not-sure path has tests of its own in test/render/unsure.test.ts).
 */
const botScript: Script = (partial) => (partial === '' ? toyScript(partial) : toyScript(partial).map((o) => ({ ...o, weight: 1 })));

/** A scripted policy that takes `delayMs` per call, so searches last long enough to report progress. */
export class SlowPolicy implements Policy {
  readonly name = 'slow-scripted';
  readonly stop: string[];
  readonly abstention: Policy['abstention'];
  private readonly inner = new ScriptedPolicy(botScript);
  constructor(private readonly delayMs: number) {
    this.stop = this.inner.stop;
    this.abstention = this.inner.abstention;
  }
  async sample(requests: SampleRequest[], signal?: AbortSignal): Promise<Sample[][]> {
    await new Promise((r) => setTimeout(r, this.delayMs));
    return this.inner.sample(requests, signal);
  }
}

export function toyEngine(delayMs = 5): Engine {
  return engineFrom(new SlowPolicy(delayMs), new ScriptedScorer(toyScore), new ToyExecutor());
}

/** Tiny real PNGs for every block that would be typeset (no Chromium in the fast tests). */
export function fakePng(w = 8, h = 4): Buffer {
  const png = new PNG({ width: w, height: h });
  png.data.fill(255);
  return PNG.sync.write(png);
}

export const fakeImages: ImageMaker = {
  async make(t: Thread): Promise<ImageSet> {
    const set: ImageSet = { images: new Map(), failures: new Map() };
    for (const b of threadBlocks(t)) {
      if (b.mode !== 'image') continue;
      set.images.set(b.id, { blockId: b.id, name: `${b.id}.png`, png: fakePng(), width: 8, height: 4, alt: b.source });
    }
    return set;
  },
  async close() {},
};

export function tmpDb(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-bots-'));
  return path.join(dir, 'bots.sqlite');
}

export function testCore(
  vars: Record<string, string> = {},
  o: { delayMs?: number; engine?: () => Promise<Engine>; progressIntervalMs?: number; dbPath?: string } = {},
): BotCore {
  const config = loadConfig({ STEPWISE_DB: o.dbPath ?? tmpDb(), STEPWISE_BUDGET: '4', STEPWISE_CONCURRENCY: '2', ...vars });
  return createCore(config, {
    engine: o.engine ?? (async () => toyEngine(o.delayMs ?? 5)),
    images: fakeImages,
    progressIntervalMs: o.progressIntervalMs ?? 20,
    searchOverrides: { candidates: 4 },
    log: () => undefined,
  });
}

export const isPng = (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
