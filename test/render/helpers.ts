import fs from 'node:fs';
import path from 'node:path';
import { dataDir } from '../../src/paths';
import type { SearchResult, Step } from '../../src/engine/search/types';
import { splitSteps, stepKind, stepOutput, withParts } from '../../src/engine/steps/format';
import { DISCORD_LIMITS } from '../../src/render/discord';
import { SLACK_FILE_REF, SLACK_LIMITS, slackFileRef } from '../../src/render/slack';
import type { DiscordMessage, ImageSet, PlatformMessage, SlackMessage, Thread } from '../../src/render/types';
import { threadBlocks } from '../../src/render';

/** The rStar example (microsoft/rStar train/sft_data_examples.json style) as a trajectory text. */
export const TRIANGLE_SOLUTION = [
  '<code>',
  'import math',
  '',
  '# Step 1: Define the lengths of the sides of the triangle',
  'XY = 12',
  'XZ = 12',
  'YZ = 16',
  '<end_of_step>',
  '',
  '# Step 2: Calculate the length of the median $XM$ using the formula $XM = \\frac{1}{2}\\sqrt{2XY^2 + 2XZ^2 - YZ^2}$',
  'XM = math.sqrt((2 * XY**2 + 2 * XZ**2 - YZ**2) / 4)',
  '<end_of_step>',
  '',
  '# Now print the final answer',
  'print(XM)',
  '<end_of_code>',
  '<output>8.94427190999916<end_of_output>',
  '<answer>From the result, we can see that the length of the median $XM$ is $\\boxed{4\\sqrt{5}}$.',
  '<end_of_answer>',
].join('\n');

export const TRIANGLE_QUESTION =
  'We have a triangle $\\triangle XYZ$ such that $XY = XZ = 12$ and $YZ = 16.$ What is the length of the median $XM$?';

/** A deterministic SearchResult around the triangle trajectory. */
export function triangleResult(overrides: Partial<SearchResult> = {}): SearchResult {
  const texts = splitSteps(TRIANGLE_SOLUTION);
  const trajectory: Step[] = texts.map((text) => {
    const kind = stepKind(text);
    const out = stepOutput(text);
    return withParts({
      text,
      kind,
      valid: true,
      terminal: kind === 'answer',
      ...(kind === 'answer' ? { answer: '4\\sqrt{5}' } : {}),
      ...(out !== undefined ? { observation: { ok: true, output: out, timedOut: false } } : {}),
    });
  });
  return {
    question: TRIANGLE_QUESTION,
    strategy: 'mcts',
    answer: '4\\sqrt{5}',
    trajectory,
    confidence: { score: 0.8312, voteShare: 0.75 },
    alternatives: [
      { answer: '4\\sqrt{5}', votes: 3, share: 0.75, bestScore: 0.83 },
      { answer: '8', votes: 1, share: 0.25, bestScore: -0.2 },
    ],
    stats: {
      rollouts: 16,
      policyCalls: 40,
      samples: 160,
      executions: 80,
      executionCacheHits: 20,
      scorerCalls: 30,
      scoredItems: 160,
      nodes: 212,
      elapsedMs: 12_345,
    },
    cancelled: false,
    config: {
      strategy: 'mcts',
      candidates: 8,
      rollouts: 16,
      runs: 4,
      topK: 2,
      samples: 8,
      beamWidth: 4,
      maxDepth: 16,
      exploration: 2,
      backup: 'test',
      temperature: 0.7,
      topP: 0.95,
      maxStepTokens: 512,
      seed: 1,
      answerMustMatchOutput: true,
      earlyStopAgree: 0,
      timeBudgetMs: 0,
      redraws: 2,
    },
    ...overrides,
  };
}

/** Fake images for every image block (1-byte "PNGs"), so payload snapshots need no browser. */
export function fakeImages(t: Thread): ImageSet {
  const set: ImageSet = { images: new Map(), failures: new Map() };
  for (const b of threadBlocks(t))
    if (b.mode === 'image')
      set.images.set(b.id, {
        blockId: b.id,
        name: `${b.id}.png`,
        png: Buffer.from([b.id.length]),
        width: 100,
        height: 40,
        alt: b.source.slice(0, 1000),
      });
  return set;
}

export const noImages = (): ImageSet => ({ images: new Map(), failures: new Map() });

/** Payloads with Buffers replaced by sizes, for snapshots. */
export function snap(msgs: PlatformMessage[]): unknown {
  return JSON.parse(JSON.stringify(msgs, (k, v) => (v && v.type === 'Buffer' && Array.isArray(v.data) ? `<${v.data.length} bytes>` : v)));
}

const fences = (s: string) => s.split('\n').filter((l) => /^\s*```/.test(l)).length;

/** Every Discord limit the renderer promises; returns the problems found. */
export function discordProblems(msgs: DiscordMessage[]): string[] {
  const p: string[] = [];
  msgs.forEach((m, i) => {
    if (m.content.length > DISCORD_LIMITS.content) p.push(`#${i}: ${m.content.length} chars`);
    if (m.files.length > DISCORD_LIMITS.files) p.push(`#${i}: ${m.files.length} files`);
    if (!m.content.trim() && m.files.length === 0) p.push(`#${i}: empty`);
    if (fences(m.content) % 2 !== 0) p.push(`#${i}: unbalanced fence`);
    if ((m.content.match(/```/g) ?? []).length % 2 !== 0) p.push(`#${i}: odd number of \`\`\``);
    for (const f of m.files) if ((f.description ?? '').length > DISCORD_LIMITS.description) p.push(`#${i}: description too long`);
  });
  return p;
}

/** Every Slack limit the renderer promises (and what real Slack validates); returns the problems found. */
export function slackProblems(msgs: SlackMessage[]): string[] {
  const p: string[] = [];
  msgs.forEach((m, i) => {
    // the bot appends one button row to the last message of a reveal: one block is kept free
    if (m.blocks.length > SLACK_LIMITS.blocks - 1) p.push(`#${i}: ${m.blocks.length} blocks`);
    if (m.blocks.length === 0) p.push(`#${i}: no blocks`);
    if (m.text.length > 4_000) p.push(`#${i}: text ${m.text.length}`);
    let total = 0;
    const refs = m.blocks.flatMap((b) => (b.type === 'image' ? [b.slack_file.id] : []));
    const files = m.files.map((f) => slackFileRef(f.filename));
    if (JSON.stringify(refs) !== JSON.stringify(files)) p.push(`#${i}: image blocks ${refs.join(',')} vs files ${files.join(',')}`);
    for (const f of m.files) if (!f.fallback.trim() || f.fallback.length > SLACK_LIMITS.section) p.push(`#${i}: fallback of ${f.filename}`);
    for (const b of m.blocks) {
      if (b.type === 'section') {
        total += b.text.text.length;
        if (b.text.text.length > SLACK_LIMITS.section) p.push(`#${i}: section ${b.text.text.length}`);
        if (!b.text.text.trim()) p.push(`#${i}: empty section`);
        if (fences(b.text.text) % 2 !== 0 && (b.text.text.match(/```/g) ?? []).length % 2 !== 0) p.push(`#${i}: unbalanced fence`);
      }
      if (b.type === 'context') total += b.elements[0].text.length;
      if (b.type === 'image') {
        if (!b.alt_text.trim() || b.alt_text.length > SLACK_LIMITS.altText) p.push(`#${i}: alt_text ${b.alt_text.length}`);
        if ((b.title?.text.length ?? 0) > SLACK_LIMITS.imageTitle) p.push(`#${i}: image title`);
      }
    }
    if (total > 4_000) p.push(`#${i}: ${total} chars of text`);
  });
  return p;
}

/**
 * What a reader of the thread sees, message by message, in order: each mrkdwn text, and each
 * image as `[image <file name>]` (its alt text is for screen readers, not shown).
 */
export function slackSeen(msgs: SlackMessage[]): string[][] {
  return msgs.map((m) =>
    m.blocks.flatMap((b) => {
      if (b.type === 'section') return [b.text.text];
      if (b.type === 'context') return b.elements.map((e) => e.text);
      if (b.type === 'image') return [`[image ${b.slack_file.id.replace(SLACK_FILE_REF, '')}]`];
      if (b.type === 'actions') return b.elements.map((e) => `[button ${e.text.text}]`);
      return [];
    }),
  );
}

export interface Math500Item {
  id: string;
  problem: string;
  answer: string;
  solution: string;
}

/** MATH500 (third-party: read from the data directory, see test/helpers/shared-data.ts). */
export const MATH500_FILE = path.join(dataDir(), 'benchmarks', 'math500.jsonl');

export function loadMath500(): Math500Item[] {
  return fs
    .readFileSync(MATH500_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Math500Item);
}

export const CHROMIUM_AVAILABLE = fs.existsSync(process.env.STEPWISE_CHROMIUM ?? '/usr/bin/chromium');
