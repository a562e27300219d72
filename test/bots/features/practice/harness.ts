/** Set-up for the practice and /check tests: a core with a scripted engine and short practice minutes. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../../src/bots/core/index';
import { createCore, type BotCore } from '../../../../src/bots/compose';
import type { PracticeOptions } from '../../../../src/bots/features/practice/service';
import { engineFrom, type Engine } from '../../../../src/engine/index';
import { fakeImages, tmpDb } from '../../harness';
import { ScriptedPolicy, ScriptedScorer, ToyExecutor } from '../../../helpers/scripted';
import { RIGHT, toyScore, toyScript } from '../../../engine/toy-problem';

/** The toy problem's scripted engine, with the right first step, so the bot's own answer is 29. */
export function rightEngine(): Engine {
  const policy = new ScriptedPolicy((partial) => (partial === '' ? [{ text: RIGHT, weight: 1 }] : toyScript(partial)));
  return engineFrom(policy, new ScriptedScorer(toyScore), new ToyExecutor());
}

/** One practice "minute" in the tests. */
export const MINUTE_MS = 1000;

export function practiceCore(o: { dbPath?: string; practice?: Partial<PracticeOptions>; vars?: Record<string, string> } = {}): BotCore {
  const config = loadConfig({ STEPWISE_DB: o.dbPath ?? tmpDb(), STEPWISE_BUDGET: '4', STEPWISE_CONCURRENCY: '2', ...o.vars });
  return createCore(config, {
    engine: async () => rightEngine(),
    images: fakeImages,
    progressIntervalMs: 20,
    searchOverrides: { candidates: 4 },
    log: () => undefined,
    practice: { minuteMs: MINUTE_MS, tickMs: 250, solutionWaitMs: 5000, dataDir: PRACTICE_DATA, ...o.practice },
  });
}

/** Discord subcommand option. */
export const sub = (name: string, options: { name: string; type: number; value: unknown }[] = []) => [{ type: 1, name, options }];
export const str = (name: string, value: string) => ({ name, type: 3, value });
export const int = (name: string, value: number) => ({ name, type: 4, value });

export const until = async (pred: () => boolean, ms = 10_000, what = 'condition', stepMs = 20): Promise<void> => {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
};

/**
 * A data directory the tests make, in the shape of the real one (benchmarks/aime2024.jsonl with
 * official solutions, aime2025.jsonl and amc23.jsonl without): problems written for the tests, so
 * the practice tests need no third-party data.
 */
export function practiceDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'practice-data-'));
  fs.mkdirSync(path.join(dir, 'benchmarks'));
  const lines = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const sum = (a: number, b: number) => ({ problem: `What is $${a} + ${b}$?`, answer: String(a + b) });
  fs.writeFileSync(
    path.join(dir, 'benchmarks', 'aime2024.jsonl'),
    lines([
      { id: 'own24-1', ...sum(200, 4), solution: 'Adding, $200 + 4 = \\boxed{204}$.', url: 'https://example.invalid/own24-1' },
      { id: 'own24-2', ...sum(70, 3), solution: 'Adding, $70 + 3 = \\boxed{73}$.' },
      { id: 'own24-3', ...sum(11, 11), solution: 'Adding, $11 + 11 = \\boxed{22}$.' },
    ]),
  );
  fs.writeFileSync(
    path.join(dir, 'benchmarks', 'aime2025.jsonl'),
    lines([
      { id: 'own25-1', ...sum(5, 8) },
      { id: 'own25-2', ...sum(40, 2) },
      { id: 'own25-3', ...sum(9, 9) },
    ]),
  );
  fs.writeFileSync(
    path.join(dir, 'benchmarks', 'amc23.jsonl'),
    lines([
      { id: 'ownamc-1', ...sum(3000, 159) },
      { id: 'ownamc-2', ...sum(1, 1) },
    ]),
  );
  return dir;
}

export const PRACTICE_DATA = practiceDataDir();
