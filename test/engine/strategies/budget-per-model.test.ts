/**
 * A search sized for the model and the machine (issue 24.5): the policy's manifest names its own
 * search settings, MCTS stops once enough distinct finished solutions agree (never on one vote),
 * and a soft time budget ends the search with what it found.
 */
import { engineFrom } from '../../../src/engine/index';
import { search } from '../../../src/engine/search';
import { ScriptedPolicy } from '../../helpers/scripted';
import { QUESTION, toyDeps, toyScript } from '../toy-problem';

/** A policy whose first steps, written in many ways, all lead to the right answer. */
function agreeingScript() {
  let k = 0;
  return (partial: string) =>
    partial === ''
      ? Array.from({ length: 4 }, () => ({ text: `<code>\n# Step 1: the apples (way ${k++})\napples = 3 * 12\n<end_of_step>`, weight: 1 }))
      : toyScript(partial).slice(0, 1);
}

describe('MCTS early stop on agreement', () => {
  test('stops once three distinct finished solutions agree, instead of running every rollout', async () => {
    const deps = toyDeps();
    const policy = new ScriptedPolicy(agreeingScript());
    const all = await search(QUESTION, { ...deps, policy }, { strategy: 'mcts', rollouts: 24, candidates: 4, seed: 2 });
    const early = await search(
      QUESTION,
      { ...deps, policy: new ScriptedPolicy(agreeingScript()) },
      { strategy: 'mcts', rollouts: 24, candidates: 4, seed: 2, earlyStopAgree: 3 },
    );
    expect(early.answer).toBe('29');
    expect(early.alternatives[0]).toMatchObject({ answer: '29' });
    expect(early.alternatives[0]!.votes).toBeGreaterThanOrEqual(3);
    expect(early.stats.rollouts).toBeLessThan(all.stats.rollouts);
  });

  test('one finished solution is not agreement: a setting of 1 searches as long as without it', async () => {
    const deps = toyDeps();
    const config = { strategy: 'mcts' as const, rollouts: 24, candidates: 4, seed: 2 };
    const all = await search(QUESTION, { ...deps, policy: new ScriptedPolicy(agreeingScript()) }, config);
    const one = await search(QUESTION, { ...deps, policy: new ScriptedPolicy(agreeingScript()) }, { ...config, earlyStopAgree: 1 });
    expect(one.stats.rollouts).toBe(all.stats.rollouts);
  });

  test('a tree whose solutions disagree is searched as long as without the setting', async () => {
    const config = { strategy: 'mcts' as const, rollouts: 12, candidates: 3, seed: 5 };
    const without = await search(QUESTION, toyDeps(), config);
    const withStop = await search(QUESTION, toyDeps(), { ...config, earlyStopAgree: 3 });
    // the toy tree ends in 29 and in 8: no answer has 3 in 4 of the finished solutions
    expect(new Set(without.alternatives.map((a) => a.answer)).size).toBeGreaterThan(1);
    expect(withStop.stats.rollouts).toBe(without.stats.rollouts);
    expect(withStop.answer).toBe(without.answer);
  });
});

describe('MCTS time budget', () => {
  test('no new rollout starts after the budget once an answer was found', async () => {
    const deps = toyDeps();
    const slow = new ScriptedPolicy(agreeingScript());
    const sample = slow.sample.bind(slow);
    slow.sample = async (reqs, signal) => {
      await new Promise((r) => setTimeout(r, 20));
      return sample(reqs, signal);
    };
    const started = Date.now();
    const r = await search(
      QUESTION,
      { ...deps, policy: slow },
      { strategy: 'mcts', rollouts: 200, candidates: 2, seed: 1, timeBudgetMs: 150 },
    );
    expect(r.answer).toBe('29');
    expect(r.stats.rollouts).toBeLessThan(200);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe("the policy's own search settings", () => {
  test('the engine searches with the manifest settings unless the caller sets them', async () => {
    const deps = toyDeps();
    const policy = Object.assign(new ScriptedPolicy(toyScript), { searchDefaults: { rollouts: 3, candidates: 2, budget: 3 } });
    const engine = engineFrom(policy, deps.scorer, deps.executor);
    const r = await engine.solve(QUESTION, { strategy: 'mcts' });
    expect(r.config).toMatchObject({ rollouts: 3, candidates: 2 });
    expect(r.stats.rollouts).toBeLessThanOrEqual(3);
    const asked = await engine.solve(QUESTION, { strategy: 'mcts', rollouts: 5, candidates: undefined });
    expect(asked.config).toMatchObject({ rollouts: 5, candidates: 2 });
  });

  test("a question asked without a strategy runs the policy's own; one asked with a strategy runs that", async () => {
    const deps = toyDeps();
    const policy = Object.assign(new ScriptedPolicy(toyScript), { searchDefaults: { strategy: 'greedy' as const, rollouts: 3 } });
    const engine = engineFrom(policy, deps.scorer, deps.executor);
    const plain = await engine.solve(QUESTION);
    expect(plain.strategy).toBe('greedy');
    expect(plain.stats.rollouts).toBe(0);
    expect((await engine.solve(QUESTION, { strategy: 'mcts' })).strategy).toBe('mcts');
    expect((await engineFrom(new ScriptedPolicy(toyScript), deps.scorer, deps.executor).solve(QUESTION)).strategy).toBe('mcts');
  });
});

describe('progress within a rollout', () => {
  test('MCTS reports the steps checked after every expansion, before the first rollout ends', async () => {
    const seen: { done: number; steps?: number }[] = [];
    await search(
      QUESTION,
      toyDeps(),
      { strategy: 'mcts', rollouts: 2, candidates: 2, seed: 1 },
      { onProgress: (p) => seen.push({ done: p.done, steps: p.steps }) },
    );
    const early = seen.filter((p) => p.done === 0);
    expect(early.length).toBeGreaterThan(0);
    expect(early[0]!.steps).toBeGreaterThan(0);
    // the count only grows
    expect(seen.map((p) => p.steps)).toEqual([...seen.map((p) => p.steps)].sort((a, b) => a! - b!));
  });
});
