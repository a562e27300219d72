/** Set-up for the practice and /check tests: a core with a scripted engine and short practice minutes. */
import { createCore, loadConfig, type BotCore } from '../../src/bots/core/index';
import type { PracticeOptions } from '../../src/bots/practice/service';
import { engineFrom, type Engine } from '../../src/engine/index';
import { fakeImages, tmpDb } from '../bots/harness';
import { ScriptedPolicy, ScriptedScorer, ToyExecutor } from '../helpers/scripted';
import { RIGHT, toyScore, toyScript } from '../engine/toy-problem';

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
    practice: { minuteMs: MINUTE_MS, tickMs: 250, solutionWaitMs: 5000, ...o.practice },
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
