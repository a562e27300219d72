/** Smoke test of the executor benchmark (a few runs; the real numbers come from ./stepwise bench engine). */
import { benchExec } from '../../../bench/exec';

test('benchExec reports pool vs spawn timings', async () => {
  const r = await benchExec({ runs: Number(process.env.EXEC_BENCH_RUNS ?? 3) });
  if (process.env.EXEC_BENCH_RUNS) console.log(JSON.stringify(r));
  for (const k of ['exec_pool_median_ms', 'exec_pool_p95_ms', 'exec_spawn_median_ms', 'exec_spawn_p95_ms', 'exec_speedup'] as const) {
    expect(Number.isFinite(r[k])).toBe(true);
    expect(r[k]).toBeGreaterThan(0);
  }
  expect(r.exec_pool_median_ms).toBeLessThan(r.exec_spawn_median_ms);
}, 120_000);
