/**
 * Prometheus metrics (prom-client) for `serve` and `worker`: each process has its own registry,
 * served at GET /metrics. Gauges that mirror other components (queue, engine, sandbox pool) are
 * read when Prometheus scrapes. docs/operations.md explains every metric.
 */
import client from 'prom-client';
import type { Engine } from '../engine/index';
import type { BatchStats } from '../engine/models/batching';
import type { ImageMaker } from '../bots/core/present';
import type { ServiceEvents } from '../bots/core/jobs';
import type { JobRecord } from '../bots/core/store';
import type { Logger } from './log';

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/** What the metrics read at scrape time. */
export interface MetricSources {
  /** Jobs waiting (this process, or the whole cluster in scale-out mode) and running. */
  queue?: () =>
    | Promise<{ waiting: number; running: number; scope: 'local' | 'cluster'; workers?: number }>
    | { waiting: number; running: number; scope: 'local' | 'cluster'; workers?: number };
  /** The engine once loaded (model batches, sandbox pool). */
  engine?: () => Engine | undefined;
}

interface PoolLike {
  stats?: { jobs: number; workerStarts: number; workerDeaths: number; workerRetirements?: number; stuckKills: number };
  workers?: ({ ready: boolean; dead: boolean; job: unknown } | null)[];
  queue?: unknown[];
  unavailable?: unknown;
}

export class OpsMetrics {
  readonly registry = new client.Registry();
  readonly submitted: client.Counter<'platform' | 'outcome'>;
  readonly solves: client.Counter<'outcome'>;
  readonly solveSeconds: client.Histogram<'outcome'>;
  readonly renderSeconds: client.Histogram;
  readonly apiErrors: client.Counter<'platform' | 'what'>;
  readonly rateLimited: client.Counter<'platform'>;
  readonly stalled: client.Counter;
  readonly uncaught: client.Counter<'kind'>;
  private sources: MetricSources = {};
  private lastBatch = new Map<string, Map<number, number>>();
  private lastPool: { jobs: number; workerStarts: number; workerDeaths: number; workerRetirements?: number; stuckKills: number } = {
    jobs: 0,
    workerStarts: 0,
    workerDeaths: 0,
    workerRetirements: 0,
    stuckKills: 0,
  };

  constructor(role: 'frontend' | 'worker' = 'frontend') {
    const r = this.registry;
    r.setDefaultLabels({ role });
    client.collectDefaultMetrics({ register: r });
    const self = this;
    this.submitted = new client.Counter({
      name: 'stepwise_questions_total',
      help: 'Questions received, by outcome (queued, cached, invalid, rate-limited, busy)',
      labelNames: ['platform', 'outcome'],
      registers: [r],
    });
    this.solves = new client.Counter({
      name: 'stepwise_solves_total',
      help: 'Searches finished, by outcome (done, cancelled = time limit, failed, persisted = left for the next start, elsewhere, cached)',
      labelNames: ['outcome'],
      registers: [r],
    });
    this.solveSeconds = new client.Histogram({
      name: 'stepwise_solve_duration_seconds',
      help: 'Time from a job starting to its answer (front-end: includes waiting for a worker)',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [r],
    });
    this.renderSeconds = new client.Histogram({
      name: 'stepwise_render_duration_seconds',
      help: 'Typesetting one answer thread into images (KaTeX in Chromium)',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [r],
    });
    this.apiErrors = new client.Counter({
      name: 'stepwise_platform_api_errors_total',
      help: 'Failed calls to the Discord / Slack APIs (HTTP >= 400 other than 429, failed posts)',
      labelNames: ['platform', 'what'],
      registers: [r],
    });
    this.rateLimited = new client.Counter({
      name: 'stepwise_platform_rate_limited_total',
      help: 'Platform rate-limit hits (429 / rate-limited responses)',
      labelNames: ['platform'],
      registers: [r],
    });
    this.stalled = new client.Counter({
      name: 'stepwise_jobs_stalled_total',
      help: 'Jobs taken back from a worker that stopped renewing its lock (died)',
      registers: [r],
    });
    this.uncaught = new client.Counter({
      name: 'stepwise_uncaught_errors_total',
      help: 'Errors nothing caught (kind=exception or rejection): logged, counted, and the process kept serving',
      labelNames: ['kind'],
      registers: [r],
    });
    new client.Gauge({
      name: 'stepwise_queue_depth',
      help: 'Questions waiting for a search slot (scope=local: this process; cluster: the Redis queue)',
      labelNames: ['scope'],
      registers: [r],
      async collect() {
        const q = await self.queueSnapshot();
        if (q) this.set({ scope: q.scope }, q.waiting);
      },
    });
    new client.Gauge({
      name: 'stepwise_solves_in_flight',
      help: 'Searches running now (scope=local: this process; cluster: active jobs on all workers)',
      labelNames: ['scope'],
      registers: [r],
      async collect() {
        const q = await self.queueSnapshot();
        if (q) this.set({ scope: q.scope }, q.running);
      },
    });
    new client.Gauge({
      name: 'stepwise_workers',
      help: 'Solver workers connected to the Redis queue (scale-out mode)',
      registers: [r],
      async collect() {
        const q = await self.queueSnapshot();
        if (q?.workers !== undefined) this.set(q.workers);
      },
    });
    new client.Histogram({
      name: 'stepwise_model_batch_rows',
      help: 'Rows (samples / scored prefixes) per model call after micro-batching',
      labelNames: ['model'],
      buckets: BATCH_BUCKETS,
      registers: [r],
      collect() {
        for (const [model, s] of self.batchStats(self.sources.engine?.())) {
          // turn the engine's cumulative histogram into observations since the last scrape
          const prev = self.lastBatch.get(model) ?? new Map<number, number>();
          for (const [rows, count] of Object.entries(s.rowHistogram)) {
            const d = count - (prev.get(Number(rows)) ?? 0);
            for (let i = 0; i < d; i++) this.observe({ model }, Number(rows));
            prev.set(Number(rows), count);
          }
          self.lastBatch.set(model, prev);
        }
      },
    });
    new client.Gauge({
      name: 'stepwise_model_batch_queue_ms',
      help: 'Mean time a model call waited to be batched (ms)',
      labelNames: ['model'],
      registers: [r],
      collect() {
        for (const [model, s] of self.batchStats(self.sources.engine?.())) this.set({ model }, s.meanQueueMs);
      },
    });
    const sandboxFailures = new client.Counter({
      name: 'stepwise_sandbox_failures_total',
      help: 'Sandbox worker deaths, watchdog kills of stuck programs and workers retired after a job left too much to clean up',
      labelNames: ['kind'],
      registers: [r],
    });
    const sandboxJobs = new client.Counter({ name: 'stepwise_sandbox_runs_total', help: 'Programs run in the sandbox', registers: [r] });
    new client.Gauge({
      name: 'stepwise_sandbox_workers',
      help: 'Sandbox pool workers by state (busy, idle, starting); available=0 when the sandbox cannot start',
      labelNames: ['state'],
      registers: [r],
      collect() {
        const pool = self.sources.engine?.()?.executor as PoolLike | undefined;
        if (!pool?.stats) return;
        const ws = pool.workers ?? [];
        this.set({ state: 'busy' }, ws.filter((w) => w && !w.dead && w.job).length);
        this.set({ state: 'idle' }, ws.filter((w) => w && !w.dead && w.ready && !w.job).length);
        this.set({ state: 'starting' }, ws.filter((w) => w && !w.dead && !w.ready).length);
        this.set({ state: 'queued_programs' }, pool.queue?.length ?? 0);
        this.set({ state: 'available' }, pool.unavailable ? 0 : 1);
        const s = pool.stats;
        sandboxJobs.inc(Math.max(0, s.jobs - self.lastPool.jobs));
        sandboxFailures.inc({ kind: 'worker_death' }, Math.max(0, s.workerDeaths - self.lastPool.workerDeaths));
        sandboxFailures.inc({ kind: 'stuck_kill' }, Math.max(0, s.stuckKills - self.lastPool.stuckKills));
        sandboxFailures.inc(
          { kind: 'worker_retirement' },
          Math.max(0, (s.workerRetirements ?? 0) - (self.lastPool.workerRetirements ?? 0)),
        );
        self.lastPool = { ...s };
      },
    });
  }

  setSources(s: MetricSources): void {
    this.sources = { ...this.sources, ...s };
  }

  private async queueSnapshot() {
    try {
      return this.sources.queue ? await this.sources.queue() : undefined;
    } catch {
      return undefined;
    }
  }

  private batchStats(e: Engine | undefined): [string, BatchStats][] {
    const out: [string, BatchStats][] = [];
    for (const [name, m] of [
      ['policy', e?.policy],
      ['scorer', e?.scorer],
    ] as const) {
      const st = (m as { stats?: () => BatchStats } | undefined)?.stats;
      if (typeof st === 'function') out.push([name, st.call(m)]);
    }
    return out;
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** Metrics and structured logs for the solve service (request id = job id). */
export function serviceEvents(m: OpsMetrics, logger: Logger): ServiceEvents {
  const log = logger.child({ component: 'solve' });
  const tag = (j: JobRecord) => ({ req: j.id, platform: j.platform, strategy: j.strategy, budget: j.budget });
  return {
    submitted(job, o) {
      const outcome = o.ok ? (o.cached ? 'cached' : 'queued') : (o.reason ?? 'refused');
      const platform = job?.platform ?? o.platform ?? 'unknown';
      m.submitted.inc({ platform, outcome });
      if (job) log.info({ ...tag(job), outcome, chars: job.question.length }, 'question received');
      else log.info({ platform, outcome }, 'question refused');
      if (o.cached) m.solves.inc({ outcome: 'cached' });
    },
    started(job) {
      log.info({ ...tag(job), attempt: job.attempts + 1 }, 'solve started');
    },
    finished(job, outcome, ms, error) {
      m.solves.inc({ outcome });
      m.solveSeconds.observe({ outcome }, ms / 1000);
      const fields = { ...tag(job), outcome, ms, answer: job.result?.answer ?? undefined };
      if (outcome === 'failed') log.warn({ ...fields, err: (error as Error)?.message ?? String(error) }, 'solve failed');
      else log.info(fields, 'solve finished');
    },
    sinkFailed(job, what, err) {
      m.apiErrors.inc({ platform: job.platform, what });
      log.warn(
        { req: job.id, platform: job.platform, what, err: (err as Error)?.message ?? String(err) },
        'posting to the platform failed',
      );
    },
  };
}

/** Times every thread typesetting. */
export function instrumentImages(images: ImageMaker, m: OpsMetrics): ImageMaker {
  return {
    async make(t) {
      const end = m.renderSeconds.startTimer();
      try {
        return await images.make(t);
      } finally {
        end();
      }
    },
    close: () => images.close(),
  };
}
