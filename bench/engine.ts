/**
 * Engine overhead: MCTS with an instant in-memory policy, scorer and executor (nodes/s), and the
 * share of a solve's wall time that is engine overhead when every model call takes 10 ms.
 * These stand-ins measure the engine only; they are never used to answer questions.
 */
import type { Executor, Observation } from '../src/engine/exec/types';
import type { Policy, Sample, SampleRequest, ScoreItem, StepScorer } from '../src/engine/models/types';
import { search } from '../src/engine/search';
import { seededRandom } from '../src/engine/util/random';

/** Time actually spent inside simulated model calls (timers overshoot, so count what they took). */
let modelMs = 0;
const sleep = async (ms: number) => {
  const t = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  modelMs += performance.now() - t;
};

class InstantPolicy implements Policy {
  readonly name = 'instant';
  readonly stop = ['<end_of_step>', '<end_of_code>', '<end_of_answer>'];
  constructor(private readonly delayMs = 0) {}
  async sample(requests: SampleRequest[]): Promise<Sample[][]> {
    if (this.delayMs) await sleep(this.delayMs);
    return requests.map((r) => {
      const rand = seededRandom(r.params.seed ?? 0);
      const depth = (r.partial.match(/<end_of_step>/g) ?? []).length;
      return Array.from({ length: r.n }, () => {
        const v = Math.floor(rand() * 1000);
        if (r.partial.includes('<output>'))
          return { text: `\n<answer>The answer is \\boxed{${v % 7}}.<end_of_answer>`, finish: 'stop', stop: '<end_of_answer>' };
        if (depth >= 4)
          return { text: `\n# Now print the final answer\nprint(x${depth - 1})\n<end_of_code>`, finish: 'stop', stop: '<end_of_code>' };
        return {
          text: `${depth === 0 ? '<code>' : ''}\n# Step ${depth + 1}: compute\nx${depth} = ${v}\n<end_of_step>`,
          finish: 'stop',
          stop: '<end_of_step>',
        };
      });
    });
  }
}

class InstantScorer implements StepScorer {
  readonly name = 'instant';
  constructor(private readonly delayMs = 0) {}
  async score(items: ScoreItem[]): Promise<number[]> {
    if (this.delayMs) await sleep(this.delayMs);
    return items.map((i) => Math.tanh((i.steps.join('').length % 97) / 50 - 1));
  }
}

class InstantExecutor implements Executor {
  async run(): Promise<Observation> {
    return { ok: true, output: '1', timedOut: false };
  }
  async close(): Promise<void> {}
}

/** A question the engine accepts (checkQuestion refuses text with no math in it); the instant
 * models ignore it. */
export const BENCH_QUESTION = 'A bench has 3 rows of 4 seats. How many seats are there?';

export interface EngineBench {
  mcts_nodes_per_s: number;
  mcts_rollouts_per_s: number;
  model_calls_per_solve: number;
  overhead_pct_at_10ms: number;
}

export async function benchEngine(opts: { rollouts?: number; candidates?: number; repeats?: number } = {}): Promise<EngineBench> {
  const config = { strategy: 'mcts' as const, rollouts: opts.rollouts ?? 64, candidates: opts.candidates ?? 8, maxDepth: 16 };
  const same = (a: string, b: string) => a === b;
  const run = (delay: number, seed: number) =>
    search(
      BENCH_QUESTION,
      { policy: new InstantPolicy(delay), scorer: new InstantScorer(delay), executor: new InstantExecutor(), sameAnswer: same },
      { ...config, seed },
    );
  await run(0, 0); // warm-up (JIT)
  let nodes = 0;
  let rollouts = 0;
  let ms = 0;
  const repeats = opts.repeats ?? 5;
  for (let i = 1; i <= repeats; i++) {
    const t = performance.now();
    const r = await run(0, i);
    ms += performance.now() - t;
    nodes += r.stats.nodes;
    rollouts += r.stats.rollouts;
  }
  // Side by side: the same search with 10 ms per model call; overhead = wall time beyond the calls.
  modelMs = 0;
  const t = performance.now();
  const slow = await run(10, 1);
  const wall = performance.now() - t;
  const calls = slow.stats.policyCalls + slow.stats.scorerCalls;
  const overhead = Math.max(0, wall - modelMs);
  return {
    mcts_nodes_per_s: Math.round(nodes / (ms / 1000)),
    mcts_rollouts_per_s: Math.round(rollouts / (ms / 1000)),
    model_calls_per_solve: calls,
    overhead_pct_at_10ms: Number(((overhead / wall) * 100).toFixed(2)),
  };
}
