/**
 * Queue benchmark (`./stepwise bench queue`): throughput of the scale-out solve queue (BullMQ on
 * Redis) with 1, 2 and 4 solver worker processes against an instant model (the scripted policy
 * with no delay, greedy search: what remains is the queue, Redis and the front-end), and the
 * latency Redis mode adds to one question compared with the embedded in-process queue.
 * Needs redis-server (scripts/install-system-deps.sh); starts its own on a free loopback port
 * unless `redisUrl` is given (that Redis is flushed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadConfig, type JobSink } from '../src/bots/core/index';
import { createCore, type BotCore } from '../src/bots/compose';
import { connectScale, redisClient, type Scale } from '../src/bots/scale/index';
import { engineFrom } from '../src/engine/index';
import { repoPath } from '../src/paths';
import { fakeImages, tmpDb } from '../test/bots/harness';
import { ScriptedPolicy, ScriptedScorer, ToyExecutor } from '../test/helpers/scripted';
import { QUESTION, toyScore, toyScript } from '../test/engine/toy-problem';
import { startRedis, type TestRedis } from '../test/ops/redis';

export interface BenchQueueOptions {
  /** Jobs per throughput run (default 200). */
  jobs?: number;
  /** Sequential questions for the latency comparison (default 30). */
  samples?: number;
  redisUrl?: string;
  log?: (m: string) => void;
}

export interface BenchQueueResult {
  jobs_per_s_1_worker: number;
  jobs_per_s_2_workers: number;
  jobs_per_s_4_workers: number;
  /** Median submit → answer, Redis mode minus embedded mode (ms). */
  redis_added_latency_ms: number;
  embedded_latency_ms: number;
  redis_latency_ms: number;
  jobs: number;
}

const VARS = {
  STEPWISE_STRATEGY: 'greedy',
  STEPWISE_BUDGET: '1',
  STEPWISE_CONCURRENCY: '4',
  STEPWISE_USER_PENDING: '1000',
  STEPWISE_USER_PER_MINUTE: '10000',
  STEPWISE_CHANNEL_PENDING: '10000',
  STEPWISE_CACHE_SIZE: '0',
};

const instantEngine = async () => engineFrom(new ScriptedPolicy(toyScript), new ScriptedScorer(toyScore), new ToyExecutor());
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const sink: JobSink = { done: () => undefined, failed: () => undefined };

function worker(url: string, name: string): { proc: ChildProcess; ready: Promise<void> } {
  const proc = spawn(process.execPath, [repoPath('test', 'ops', 'worker-child.js')], {
    env: { ...process.env, REDIS_URL: url, NAME: name, DELAY_MS: '0', LOCK_MS: '30000', STALLED_MS: '15000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (c) => {
      buf += c;
      if (buf.includes('"ev":"ready"')) resolve();
      if (buf.length > 4096) buf = buf.slice(-256);
    });
    proc.once('exit', (code) => reject(new Error(`bench worker exited (${code})`)));
  });
  return { proc, ready };
}

async function sequential(core: BotCore, n: number, tag: string): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const out = await core.service.submit(
      { platform: 'local', userId: 'lat', channelId: 'c', question: `${QUESTION} (${tag} ${i})` },
      sink,
    );
    if (!out.ok) throw new Error(out.message);
    await out.finished;
    ms.push(performance.now() - t0);
  }
  return median(ms.slice(Math.min(3, n - 1))); // first ones warm up
}

export async function benchQueue(opts: BenchQueueOptions = {}): Promise<BenchQueueResult> {
  const log = opts.log ?? (() => undefined);
  const jobs = opts.jobs ?? 200;
  const samples = opts.samples ?? 30;
  let redis: TestRedis | undefined;
  const url = opts.redisUrl ?? (redis = await startRedis()).url;
  const flush = redisClient(url);
  const out: Partial<BenchQueueResult> = { jobs };
  try {
    // embedded: the in-process queue and the same instant engine
    const embedded = createCore(loadConfig({ ...VARS, STEPWISE_DB: tmpDb() }), {
      engine: instantEngine,
      images: fakeImages,
      log: () => undefined,
    });
    out.embedded_latency_ms = await sequential(embedded, samples, 'embedded');
    await embedded.close();
    log(`embedded: ${out.embedded_latency_ms.toFixed(2)} ms per question`);

    for (const n of [1, 2, 4] as const) {
      await flush.flushall();
      const ws = Array.from({ length: n }, (_, i) => worker(url, `bench-w${i}`));
      let scale: Scale | undefined;
      let core: BotCore | undefined;
      try {
        await Promise.all(ws.map((w) => w.ready));
        const config = loadConfig({ ...VARS, STEPWISE_DB: tmpDb(), REDIS_URL: url });
        scale = await connectScale(config, { pollMs: 1000 });
        core = createCore(config, { engine: instantEngine, images: fakeImages, log: () => undefined, scale: scale.options });
        if (n === 1) {
          out.redis_latency_ms = await sequential(core, samples, 'redis');
          log(`redis: ${out.redis_latency_ms.toFixed(2)} ms per question`);
        }
        const t0 = performance.now();
        const finished: Promise<void>[] = [];
        for (let i = 0; i < jobs; i++) {
          const o = await core.service.submit(
            { platform: 'local', userId: `u${i}`, channelId: `c${i % 16}`, question: `${QUESTION} (n${n} #${i})` },
            sink,
          );
          if (!o.ok) throw new Error(o.message);
          finished.push(o.finished);
        }
        await Promise.all(finished);
        const rate = jobs / ((performance.now() - t0) / 1000);
        (out as Record<string, number>)[`jobs_per_s_${n}_worker${n === 1 ? '' : 's'}`] = Math.round(rate * 10) / 10;
        log(`${n} worker(s): ${rate.toFixed(1)} jobs/s`);
      } finally {
        await core?.close().catch(() => undefined);
        await scale?.close().catch(() => undefined);
        for (const w of ws) w.proc.kill('SIGKILL');
      }
    }
    out.redis_added_latency_ms = Math.round(((out.redis_latency_ms ?? NaN) - (out.embedded_latency_ms ?? NaN)) * 100) / 100;
    out.embedded_latency_ms = Math.round(out.embedded_latency_ms! * 100) / 100;
    out.redis_latency_ms = Math.round(out.redis_latency_ms! * 100) / 100;
    return out as BenchQueueResult;
  } finally {
    flush.disconnect();
    await redis?.stop();
  }
}

if (require.main === module) {
  benchQueue({ log: (m) => process.stderr.write(`${m}\n`) }).then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
}
