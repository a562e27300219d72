/**
 * Converts the public training sets and verifies every converted trajectory in the sandbox pool:
 * a record is kept only when the program runs and its output equals the gold answer under the
 * project's answersEqual. The `<output>` of the kept solution is that real output.
 * A deterministic share (by a hash of the id) is withheld unconverted, as {id, source, question,
 * answer}, for MCTS self-evolution.
 */
import { createHash } from 'node:crypto';
import type { Executor } from '../../../engine/exec/types';
import { answersEqual } from '../../../engine/grading';
import { programOf, solutionOf, SOURCE_NAMES, type PublicProblem, type SourceName, type Trajectory } from './format';
import { readSource } from './sources';

export interface PublicRecord {
  id: string;
  split: 'train';
  source: SourceName;
  question: string;
  answer: string;
  solution: string;
}

export interface WithheldRecord {
  id: string;
  source: SourceName;
  question: string;
  answer: string;
}

export interface SourceStats {
  source: SourceName;
  read: number;
  /** Same question text as an earlier problem (any source): skipped. */
  duplicate: number;
  /** No usable gold answer (e.g. Dolphin answers with alternatives). */
  noAnswer: number;
  withheld: number;
  /** Problems a converter was run on (read - duplicate - noAnswer - withheld). */
  attempted: number;
  converted: number;
  verified: number;
  kept: number;
  /** Why problems were not converted or not verified (reason -> count). */
  reasons: Record<string, number>;
  ms: number;
}

export interface ConvertOptions {
  trainDir: string;
  executor: Executor;
  /** Share of problems withheld unconverted (0..1, default 0). */
  withhold?: number;
  /** At most this many problems per source (the first in file order). */
  limit?: number;
  sources?: readonly SourceName[];
  /** Programs in flight at once (default 4). */
  concurrency?: number;
  timeoutMs?: number;
  onRecord?: (r: PublicRecord) => void;
  onWithheld?: (r: WithheldRecord) => void;
  onProgress?: (s: SourceStats, done: boolean) => void;
}

/** Deterministic share in [0, 1) from the id. */
export function idShare(id: string): number {
  return createHash('sha256').update(`withhold:${id}`).digest().readUInt32BE(0) / 2 ** 32;
}

const norm = (q: string): string =>
  q
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/** The verdict on one converted program's observation. */
export function verdict(problem: PublicProblem, obs: { ok: boolean; output: string }): string | null {
  if (!obs.ok) return `program error: ${obs.output.split(':')[0]}`;
  if (!obs.output.trim()) return 'no output';
  if (obs.output.includes('\n')) return 'output not one line';
  return answersEqual(problem.answer, obs.output.trim()) ? null : 'output differs from gold';
}

export async function convertPublic(opts: ConvertOptions): Promise<SourceStats[]> {
  const withhold = opts.withhold ?? 0;
  const seen = new Set<string>();
  const all: SourceStats[] = [];
  for (const source of opts.sources ?? SOURCE_NAMES) {
    const t0 = Date.now();
    const { items } = readSource(opts.trainDir, source, opts.limit);
    const st: SourceStats = {
      source,
      read: items.length,
      duplicate: 0,
      noAnswer: 0,
      withheld: 0,
      attempted: 0,
      converted: 0,
      verified: 0,
      kept: 0,
      reasons: {},
      ms: 0,
    };
    const why = (r: string) => (st.reasons[r] = (st.reasons[r] ?? 0) + 1);
    const todo: Array<{ problem: PublicProblem; trajectories: Trajectory[] }> = [];
    for (const { problem, convert } of items) {
      const key = norm(problem.question);
      if (seen.has(key)) {
        st.duplicate++;
        continue;
      }
      seen.add(key);
      if (!problem.answer) {
        st.noAnswer++;
        why('no usable gold answer');
        continue;
      }
      if (withhold > 0 && idShare(problem.id) < withhold) {
        st.withheld++;
        opts.onWithheld?.({ id: problem.id, source, question: problem.question, answer: problem.answer });
        continue;
      }
      st.attempted++;
      let c;
      try {
        c = convert();
      } catch (e) {
        c = { ok: false as const, reason: `converter error: ${(e as Error).message}` };
      }
      if (!c.ok) {
        why(c.reason);
        continue;
      }
      st.converted++;
      todo.push({ problem, trajectories: [c.trajectory, ...(c.alternatives ?? [])] });
    }
    // Verify in the pool, a few programs in flight; records come out in input order.
    const results: Array<PublicRecord | null> = new Array(todo.length).fill(null);
    let next = 0;
    let done = 0;
    const worker = async () => {
      for (let i = next++; i < todo.length; i = next++) {
        const { problem, trajectories } = todo[i];
        let bad: string | null = null;
        for (const trajectory of trajectories) {
          const obs = await opts.executor.run(programOf(trajectory), { timeoutMs: opts.timeoutMs ?? 10_000 });
          bad = verdict(problem, obs);
          if (!bad) {
            st.verified++;
            results[i] = {
              id: problem.id,
              split: 'train',
              source,
              question: problem.question,
              answer: problem.answer,
              solution: solutionOf(trajectory, obs.output.trim()),
            };
            break;
          }
          // Only a wrong order is worth another print order; an error or another value is final.
          if (bad !== 'output differs from gold') break;
        }
        if (bad) why(bad);
        if (++done % 500 === 0) opts.onProgress?.({ ...st, ms: Date.now() - t0 }, false);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
    for (const r of results) {
      if (!r) continue;
      st.kept++;
      opts.onRecord?.(r);
    }
    st.ms = Date.now() - t0;
    opts.onProgress?.(st, true);
    all.push(st);
  }
  return all;
}

/** The summary table (plain text, one row per source and a total). */
export function summaryTable(stats: SourceStats[]): string {
  const cols = ['source', 'read', 'dup', 'no-ans', 'withheld', 'converted', 'verified', 'kept', 'kept %', 'seconds'] as const;
  const rows = stats.map((s) =>
    [
      s.source,
      s.read,
      s.duplicate,
      s.noAnswer,
      s.withheld,
      s.converted,
      s.verified,
      s.kept,
      s.attempted ? ((100 * s.kept) / s.attempted).toFixed(1) : '-',
      (s.ms / 1000).toFixed(1),
    ].map(String),
  );
  const sum = (k: keyof SourceStats) => stats.reduce((a, s) => a + (s[k] as number), 0);
  const att = sum('attempted');
  rows.push(
    [
      'total',
      sum('read'),
      sum('duplicate'),
      sum('noAnswer'),
      sum('withheld'),
      sum('converted'),
      sum('verified'),
      sum('kept'),
      att ? ((100 * sum('kept')) / att).toFixed(1) : '-',
      (sum('ms') / 1000).toFixed(1),
    ].map(String),
  );
  const w = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (r: readonly string[]) => r.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ');
  return [line(cols), ...rows.map(line)].join('\n');
}
