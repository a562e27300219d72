/**
 * A solver worker for the tests, in its own process: the real SolverWorker (BullMQ) with the
 * scripted engine (never real models). Reports on stdout, one JSON line per event.
 *   env: REDIS_URL, DELAY_MS (per policy call), LOCK_MS, STALLED_MS, NAME
 */
import { engineFrom } from '../../src/engine/index';
import type { Policy, Sample, SampleRequest } from '../../src/engine/models/types';
import { SolverWorker } from '../../src/bots/scale/queue';
import { ScriptedPolicy, ScriptedScorer, ToyExecutor } from '../helpers/scripted';
import { toyScore, toyScript } from '../engine/toy-problem';

class SlowPolicy implements Policy {
  readonly name = 'slow-scripted';
  private readonly inner = new ScriptedPolicy(toyScript);
  readonly stop = this.inner.stop;
  readonly abstention = this.inner.abstention;
  constructor(private readonly delayMs: number) {}
  async sample(requests: SampleRequest[], signal?: AbortSignal): Promise<Sample[][]> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    return this.inner.sample(requests, signal);
  }
}

const say = (o: Record<string, unknown>) =>
  process.stdout.write(JSON.stringify({ name: process.env.NAME, pid: process.pid, t: Date.now(), ...o }) + '\n');
const delay = Number(process.env.DELAY_MS ?? 5);
const w = new SolverWorker({
  url: process.env.REDIS_URL!,
  name: process.env.NAME,
  concurrency: Number(process.env.CONCURRENCY ?? 1),
  lockMs: Number(process.env.LOCK_MS ?? 1000),
  stalledMs: Number(process.env.STALLED_MS ?? 500),
  progressMs: 50,
  cacheS: 0,
  engine: async () => engineFrom(new SlowPolicy(delay), new ScriptedScorer(toyScore), new ToyExecutor()),
  events: {
    started: (id, _d, attempt) => say({ ev: 'started', id, attempt }),
    finished: (id, outcome, ms) => say({ ev: 'finished', id, outcome, ms }),
    stalled: (id) => say({ ev: 'stalled', id }),
  },
});
w.ready().then(() => say({ ev: 'ready' }));
process.on('SIGTERM', () => {
  void w.close(10_000).then(() => process.exit(0));
});
