/**
 * `./stepwise bench engine` runs end to end with a tiny budget: the benchmark's own question is
 * accepted by the engine and every figure it prints is a real, positive number.
 */
import { benchEngine, BENCH_QUESTION } from '../../bench/engine';
import { checkQuestion } from '../../src/engine/search';

test('the benchmark question passes the engine question check', () => {
  expect(() => checkQuestion(BENCH_QUESTION)).not.toThrow();
});

test('bench engine runs with a tiny budget and reports positive figures', async () => {
  const r = await benchEngine({ rollouts: 4, candidates: 2, repeats: 1 });
  for (const k of ['mcts_nodes_per_s', 'mcts_rollouts_per_s', 'model_calls_per_solve'] as const) {
    expect(Number.isFinite(r[k])).toBe(true);
    expect(r[k]).toBeGreaterThan(0);
  }
  expect(r.overhead_pct_at_10ms).toBeGreaterThanOrEqual(0);
  expect(r.overhead_pct_at_10ms).toBeLessThan(100);
}, 60_000);
