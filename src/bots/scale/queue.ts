/**
 * The solve queue of the scale-out mode, on BullMQ (Redis): front-end instances add jobs and
 * follow them (RemoteQueue, the SolveService's RemoteSolver); `./stepwise worker` processes run
 * the searches (SolverWorker). A worker that dies mid-job stops renewing its lock; another
 * worker's stalled-job check puts the job back in the queue and it is solved again.
 * Exactly-once delivery: the front-end that posts an answer first claims it in Redis
 * (`SET stepwise:delivered:<id> NX`), so two front-ends that both resumed a job cannot both post.
 */
import { createHash } from 'node:crypto';
import { Job, Queue, QueueEvents, Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SearchConfig, SearchProgress, SearchResult } from '../../engine/index';
import type { EngineProvider } from '../core/engine-loader';
import { friendlyError } from '../core/jobs';
import { storableResult, type JobRecord } from '../core/store';
import { budgetConfig } from '../core/jobs';
import type { RemoteSolver } from './runner';
import { PREFIX, redisClient } from './redis';

export const QUEUE_NAME = 'solve';

/** What a front-end puts in the queue. */
export interface SolveJobData {
  question: string;
  config: Partial<SearchConfig>;
  /** Most seconds the search may run once a worker starts it. */
  timeoutS: number;
  /** Key of the shared answer cache (question, strategy, budget). */
  cacheKey: string;
  platform: string;
  submittedAt: number;
}

/** What a worker returns. */
export interface SolveJobResult {
  result: SearchResult;
  cached: boolean;
  worker: string;
}

/** A failure with a message fit for the chat user (friendlyError passes it through). */
export class RemoteSolveError extends Error {
  constructor(readonly friendly: string) {
    super(friendly);
    this.name = 'RemoteSolveError';
  }
}

const FRIENDLY = 'friendly:';
const answerKey = (cacheKey: string) => `${PREFIX}:answer:${createHash('sha256').update(cacheKey).digest('hex').slice(0, 40)}`;

export interface RemoteQueueOptions {
  url: string;
  /** This process, for delivery claims. */
  instance: string;
  /** Front-end's solve time limit (seconds), enforced by the worker. */
  timeoutS: number;
  /** Cache key for a job (question, strategy, budget). */
  cacheKey: (job: JobRecord) => string;
  /** How long finished jobs stay in Redis for front-ends that restart (default 24 h). */
  keepS?: number;
  /** Safety poll for missed events (default 3 s). */
  pollMs?: number;
}

interface Waiter {
  resolve: (r: SearchResult | null) => void;
  reject: (e: unknown) => void;
  onProgress: (p: SearchProgress) => void;
  settled: boolean;
}

/** The front-end side: adds jobs and waits for their progress and results (QueueEvents). */
export class RemoteQueue implements RemoteSolver {
  readonly queue: Queue;
  readonly events: QueueEvents;
  private readonly client: Redis;
  private readonly eventsClient: Redis;
  private readonly waiters = new Map<string, Waiter>();
  private readonly poller: NodeJS.Timeout;

  constructor(private readonly o: RemoteQueueOptions) {
    this.client = redisClient(o.url);
    this.eventsClient = redisClient(o.url);
    this.queue = new Queue(QUEUE_NAME, { connection: this.client, prefix: PREFIX });
    this.events = new QueueEvents(QUEUE_NAME, { connection: this.eventsClient, prefix: PREFIX });
    this.events.on('progress', ({ jobId, data }) => {
      const w = this.waiters.get(jobId);
      if (w && !w.settled && data && typeof data === 'object') w.onProgress(data as unknown as SearchProgress);
    });
    this.events.on('completed', ({ jobId, returnvalue }) => {
      if (this.waiters.has(jobId)) void this.settleCompleted(jobId, returnvalue as unknown as SolveJobResult | undefined);
    });
    this.events.on('failed', ({ jobId }) => {
      if (this.waiters.has(jobId)) void this.check(jobId);
    });
    this.events.on('error', () => undefined); // reconnects; the poll below covers the gap
    this.queue.on('error', () => undefined); // ioredis reconnects; callers see failed commands
    this.poller = setInterval(() => {
      for (const id of this.waiters.keys()) void this.check(id);
    }, o.pollMs ?? 3000);
    this.poller.unref();
  }

  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
  }

  private finish(jobId: string, fn: (w: Waiter) => void) {
    const w = this.waiters.get(jobId);
    if (!w || w.settled) return;
    w.settled = true;
    this.waiters.delete(jobId);
    fn(w);
  }

  private async settleCompleted(jobId: string, rv?: SolveJobResult): Promise<void> {
    try {
      let value = rv;
      if (!value?.result) value = (await Job.fromId<SolveJobData, SolveJobResult>(this.queue, jobId))?.returnvalue ?? undefined;
      if (!value?.result) throw new Error(`job ${jobId} completed without a result`);
      // exactly once: only the front-end that claims the answer posts it
      const claimed = await this.client.set(`${PREFIX}:delivered:${jobId}`, this.o.instance, 'EX', this.o.keepS ?? 86_400, 'NX');
      this.finish(jobId, (w) => w.resolve(claimed ? value!.result : null));
    } catch (err) {
      this.finish(jobId, (w) => w.reject(err));
    }
  }

  /** Looks at a job's state (after adding it, on 'failed' events and from the safety poll). */
  private async check(jobId: string): Promise<void> {
    try {
      const job = await Job.fromId<SolveJobData, SolveJobResult>(this.queue, jobId);
      if (!job) return;
      const state = await job.getState();
      if (state === 'completed') await this.settleCompleted(jobId, job.returnvalue ?? undefined);
      else if (state === 'failed') {
        const reason = job.failedReason ?? 'failed';
        this.finish(jobId, (w) =>
          w.reject(reason.startsWith(FRIENDLY) ? new RemoteSolveError(reason.slice(FRIENDLY.length)) : new Error(reason)),
        );
      }
    } catch {
      // Redis unreachable for now: the next poll tries again
    }
  }

  /** Adds the job (idempotent: a resumed job keeps its id) and waits for its answer. */
  solve(
    job: JobRecord,
    config: Partial<SearchConfig>,
    hooks: { onProgress: (p: SearchProgress) => void; signal: AbortSignal },
  ): Promise<SearchResult | null> {
    return new Promise<SearchResult | null>((resolve, reject) => {
      const onAbort = () => this.finish(job.id, (w) => w.reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
      hooks.signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(job.id, {
        resolve: (r) => (hooks.signal.removeEventListener('abort', onAbort), resolve(r)),
        reject: (e) => (hooks.signal.removeEventListener('abort', onAbort), reject(e)),
        onProgress: hooks.onProgress,
        settled: false,
      });
      const data: SolveJobData = {
        question: job.question,
        config: { ...config, ...budgetConfig(job.strategy, job.budget) },
        timeoutS: this.o.timeoutS,
        cacheKey: this.o.cacheKey(job),
        platform: job.platform,
        submittedAt: job.createdAt,
      };
      const keep = this.o.keepS ?? 86_400;
      this.queue
        .add('solve', data, { jobId: job.id, attempts: 1, removeOnComplete: { age: keep }, removeOnFail: { age: keep } })
        .then(() => this.check(job.id))
        .catch((err) => this.finish(job.id, (w) => w.reject(err)));
      if (hooks.signal.aborted) onAbort();
    });
  }

  async waiting(): Promise<number> {
    const c = await this.queue.getJobCounts('waiting', 'prioritized', 'delayed');
    return (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0);
  }

  /** Cluster-wide counts (metrics, health). */
  async counts(): Promise<{ waiting: number; active: number; completed: number; failed: number; workers: number }> {
    const [c, workers] = await Promise.all([
      this.queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'),
      this.queue.getWorkersCount(),
    ]);
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0),
      active: c.active ?? 0,
      completed: c.completed ?? 0,
      failed: c.failed ?? 0,
      workers,
    };
  }

  async close(): Promise<void> {
    clearInterval(this.poller);
    for (const id of [...this.waiters.keys()]) this.finish(id, (w) => w.reject(Object.assign(new Error('closed'), { name: 'AbortError' })));
    // the events connection sits in a blocking read: drop it rather than wait for the read to time out
    this.eventsClient.disconnect();
    await Promise.allSettled([this.events.close(), this.queue.close()]);
    await Promise.allSettled([this.client.quit()]);
  }
}

export interface SolverWorkerOptions {
  url: string;
  engine: EngineProvider;
  /** Searches this worker runs at once (default 1). */
  concurrency?: number;
  /** Lock of an active job; a worker silent this long is presumed dead (default 30 s). */
  lockMs?: number;
  /** How often workers look for jobs of dead workers (default 15 s). */
  stalledMs?: number;
  /** Least time between two progress updates sent to Redis (default 500 ms). */
  progressMs?: number;
  /** Seconds a finished answer stays in the shared cache (default 7 days; 0: no cache). */
  cacheS?: number;
  name?: string;
  events?: SolverWorkerEvents;
}

export interface SolverWorkerEvents {
  started?(jobId: string, data: SolveJobData, attempt: number): void;
  finished?(jobId: string, outcome: 'done' | 'cancelled' | 'cached' | 'failed', ms: number, error?: unknown): void;
  stalled?(jobId: string): void;
}

/** A solver worker: takes jobs from the queue and runs the engine. */
export class SolverWorker {
  readonly worker: Worker<SolveJobData, SolveJobResult>;
  private readonly client: Redis;
  private readonly workerClient: Redis;
  private engineP: Promise<import('../../engine/index').Engine> | null = null;
  private engineFailedAt = 0;
  readonly name: string;
  running = 0;

  constructor(private readonly o: SolverWorkerOptions) {
    this.name = o.name ?? `worker-${process.pid}`;
    this.client = redisClient(o.url);
    this.workerClient = redisClient(o.url);
    this.worker = new Worker<SolveJobData, SolveJobResult>(QUEUE_NAME, (job) => this.process(job), {
      connection: this.workerClient,
      prefix: PREFIX,
      concurrency: o.concurrency ?? 1,
      lockDuration: o.lockMs ?? 30_000,
      stalledInterval: o.stalledMs ?? 15_000,
      maxStalledCount: 3,
      name: this.name,
      autorun: true,
    });
    this.worker.on('stalled', (jobId) => o.events?.stalled?.(jobId));
    this.worker.on('error', () => undefined); // connection errors: ioredis reconnects
  }

  /** The engine, created on first use; a failed creation is retried after 30 s. */
  engine() {
    if (this.engineP && !(this.engineFailedAt && Date.now() - this.engineFailedAt > 30_000)) return this.engineP;
    this.engineFailedAt = 0;
    this.engineP = this.o.engine().catch((err) => {
      this.engineFailedAt = Date.now();
      throw err;
    });
    return this.engineP;
  }

  async ready(): Promise<void> {
    await this.worker.waitUntilReady();
  }

  private async process(job: BullJob<SolveJobData, SolveJobResult>): Promise<SolveJobResult> {
    const t0 = Date.now();
    const d = job.data;
    const id = job.id ?? '?';
    this.running++;
    this.o.events?.started?.(id, d, job.attemptsStarted ?? 1);
    const key = answerKey(d.cacheKey);
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), d.timeoutS * 1000);
    let last = 0;
    let outcome: 'done' | 'cancelled' | 'cached' | 'failed' = 'failed';
    let error: unknown;
    try {
      const hit = this.o.cacheS === 0 ? null : await this.client.get(key);
      if (hit) {
        outcome = 'cached';
        return { result: JSON.parse(hit) as SearchResult, cached: true, worker: this.name };
      }
      const engine = await this.engine();
      const progressMs = this.o.progressMs ?? 500;
      const result = storableResult(
        await engine.solve(d.question, d.config, {
          signal: ac.signal,
          onProgress: (p) => {
            const now = Date.now();
            if (now - last < progressMs) return;
            last = now;
            job.updateProgress(p as unknown as object).catch(() => undefined);
          },
        }),
      );
      if (!result.cancelled && this.o.cacheS !== 0)
        await this.client.set(key, JSON.stringify(result), 'EX', this.o.cacheS ?? 7 * 86_400).catch(() => undefined);
      outcome = result.cancelled ? 'cancelled' : 'done';
      return { result, cached: false, worker: this.name };
    } catch (err) {
      error = err;
      throw new Error(FRIENDLY + friendlyError(err));
    } finally {
      clearTimeout(timer);
      this.running--;
      this.o.events?.finished?.(id, outcome, Date.now() - t0, error);
    }
  }

  /**
   * Stops taking jobs and waits up to `drainMs` for running ones; after that it leaves them: their
   * locks lapse and other workers pick them up.
   */
  async close(drainMs = 25_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const graceful = this.worker.close().then(() => true);
    const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), drainMs)));
    const ok = await Promise.race([graceful, late]);
    clearTimeout(timer);
    if (!ok) {
      // leave the running jobs: without lock renewals other workers take them over
      graceful.catch(() => undefined);
      this.workerClient.disconnect();
      this.client.disconnect();
    }
    if (this.engineP)
      await this.engineP.then(
        (e) => e.close(),
        () => undefined,
      );
    if (ok) await Promise.allSettled([this.client.quit(), this.workerClient.quit()]);
  }
}
