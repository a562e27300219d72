/**
 * Sandbox executor benchmark: one small sympy step through the warm bwrap pool vs a fresh
 * /usr/bin/python3 process per run, measured side by side (interleaved) in one run.
 *
 * The spawn baseline runs unsandboxed (empty environment, `python3 -I`): it only ever runs the
 * fixed benchmark program below, never model code, and leaving bwrap out makes the baseline a
 * lower bound for "fresh process per step" (a fresh bwrap would add its own start-up cost).
 */
import { spawn } from 'node:child_process';
import { createExecutorPool } from '../src/engine/exec';

export const BENCH_PROGRAM = "from sympy import *\nx = symbols('x')\nprint(solve(x**2 - 4, x))";
const EXPECTED = '[-2, 2]';

export interface ExecBench {
  exec_pool_median_ms: number;
  exec_pool_p95_ms: number;
  exec_spawn_median_ms: number;
  exec_spawn_p95_ms: number;
  exec_speedup: number;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i];
}

const round = (x: number) => Math.round(x * 10) / 10;

function spawnOnce(python: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const p = spawn(python, ['-I', '-c', BENCH_PROGRAM], { env: {}, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.once('error', reject);
    p.once('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0 || out.trim() !== EXPECTED) reject(new Error(`spawn baseline failed (code ${code}): ${err.slice(-300)}`));
      else resolve(ms);
    });
  });
}

export async function benchExec(opts: { runs: number; python?: string }): Promise<ExecBench> {
  const runs = Math.max(1, Math.floor(opts.runs));
  const python = opts.python ?? '/usr/bin/python3';
  const pool = createExecutorPool({ workers: 2 });
  try {
    // Warm-up (not measured): start the workers and the interpreter's file cache.
    await Promise.all([pool.run('None'), pool.run('None')]);
    await pool.run(BENCH_PROGRAM);
    await spawnOnce(python);
    const poolMs: number[] = [];
    const spawnMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const obs = await pool.run(BENCH_PROGRAM, { timeoutMs: 30_000 });
      poolMs.push(performance.now() - t0);
      if (!obs.ok || obs.output !== EXPECTED) throw new Error(`pool run failed: ${obs.error ?? obs.output}`);
      spawnMs.push(await spawnOnce(python));
    }
    const poolMed = quantile(poolMs, 0.5);
    const spawnMed = quantile(spawnMs, 0.5);
    return {
      exec_pool_median_ms: round(poolMed),
      exec_pool_p95_ms: round(quantile(poolMs, 0.95)),
      exec_spawn_median_ms: round(spawnMed),
      exec_spawn_p95_ms: round(quantile(spawnMs, 0.95)),
      exec_speedup: Math.round((spawnMed / poolMed) * 10) / 10,
    };
  } finally {
    await pool.close();
  }
}
