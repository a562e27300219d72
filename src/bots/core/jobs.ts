/**
 * The solve job service: the one place where chat platforms meet the engine. It follows a job
 * through its life and leaves each concern to one service:
 *  - admission (./admission.ts): the question, strategy and budget, the pending and rate limits;
 *  - the answer cache (./answer-cache.ts): a question asked before is answered at once;
 *  - the runner (./runner.ts): the per-user and global queues and where the search runs (this
 *    process by default, solver workers in the scale-out mode, src/bots/scale, chosen at start-up);
 *  - progress throttling (./progress.ts) and the lazily loaded engine (./engine-loader.ts);
 *  - persistence (./store.ts): jobs and answers, so unfinished jobs are resumed after a restart.
 * submit(request, sink) takes the job's callbacks with the request, so none can be missed.
 */
import { randomUUID } from 'node:crypto';
import {
  budgetConfig,
  engineErrorCode,
  QuestionError,
  type Engine,
  type EngineErrorCode,
  type SearchConfig,
  type SearchProgress,
  type SearchResult,
  type StrategyName,
} from '../../engine/index';
import { Admission, type PendingCounter, type RateLimiter, type Validated } from './admission';
import { AnswerCache } from './answer-cache';
import type { LimitsConfig } from './config';
import { EngineLoader, type EngineProvider } from './engine-loader';
import { ProgressThrottle } from './progress';
import { LocalRunner, type JobRunner } from './runner';
import { type BotStore, type JobRecord, type PlatformName } from './store';

export interface SolveRequest {
  platform: PlatformName;
  userId: string;
  channelId: string;
  question: string;
  strategy?: string;
  budget?: number;
  /** Platform reply reference persisted with the job (where to post; used to resume). */
  reply?: Record<string, unknown>;
  /** Search afresh even when the answer cache has this question (its new answer replaces the cached one). */
  fresh?: boolean;
}

/** What a platform does as a job advances. Errors thrown here are logged, never fail the job. */
export interface JobSink {
  /** The job waits behind `ahead` others (called once, when it is queued behind something). */
  queued?(job: JobRecord, ahead: number): Promise<void> | void;
  /** Throttled progress. */
  progress?(job: JobRecord, p: SearchProgress): Promise<void> | void;
  done(job: JobRecord, result: SearchResult, info: { cached: boolean }): Promise<void> | void;
  failed(job: JobRecord, message: string): Promise<void> | void;
}

export type SubmitOutcome =
  | { ok: true; job: JobRecord; cached: boolean; ahead: number; finished: Promise<void> }
  | { ok: false; reason: 'invalid' | 'rate-limited' | 'busy'; message: string };

/** Observers for metrics and structured logs (src/ops). */
export interface ServiceEvents {
  submitted?(job: JobRecord | null, outcome: { ok: boolean; reason?: string; cached?: boolean; platform?: PlatformName }): void;
  started?(job: JobRecord): void;
  finished?(job: JobRecord, outcome: 'done' | 'cancelled' | 'failed' | 'persisted' | 'elsewhere', ms: number, error?: unknown): void;
  sinkFailed?(job: JobRecord, what: string, err: unknown): void;
}

/** The services a deployment may replace (scale-out: src/bots/scale), chosen once at start-up. */
export interface ServiceParts {
  runner?: JobRunner;
  pending?: PendingCounter;
  rate?: RateLimiter;
  events?: ServiceEvents;
  /** Scale-out: claims a platform event id for the whole cluster (true the first time). */
  claimEvent?: (key: string) => Promise<boolean>;
}

export interface SolveServiceOptions extends ServiceParts {
  engine: EngineProvider;
  store: BotStore;
  limits: LimitsConfig;
  defaultStrategy: StrategyName;
  defaultBudget: number;
  maxBudget: number;
  /** Least time between two progress reports of one job (platform edit rate). */
  progressIntervalMs?: number;
  /** Extra search settings for every job (tests use small searches). */
  searchOverrides?: Partial<SearchConfig>;
  log?: (msg: string) => void;
}

/** Maps a budget onto the strategy's size parameter (each strategy in the engine maps its own). */
export { budgetConfig };

const MODELS_MISSING =
  'The solver models are not installed on this server yet, so I cannot solve questions right now. (Admin: train or copy the default models into models/, see docs/bots.md.)';

/** What a chat user is told for each engine error code; codes not here get the generic reply with the message. */
const FRIENDLY_BY_CODE: Partial<Record<EngineErrorCode, string>> = {
  model_unavailable: MODELS_MISSING,
  model_invalid: MODELS_MISSING,
  sandbox_unavailable:
    'The code sandbox is unavailable on this server, so I cannot check solution steps right now. (Admin: install bubblewrap, see docs/bots.md.)',
  scorer_unavailable: 'That strategy needs the step scorer model, which is not loaded here. Try strategy greedy or vote.',
};

/** Engine errors whose message is written for the user (a question or setting the engine refuses). */
const USER_MESSAGE_CODES: ReadonlySet<EngineErrorCode> = new Set([
  'question_empty',
  'question_too_long',
  'not_math',
  'unknown_strategy',
  'bad_config',
]);

/** A message fit for a chat user for an engine failure, chosen by the engine error's code. */
export function friendlyError(err: unknown): string {
  const msg = String((err as Error)?.message ?? err);
  if (typeof (err as { friendly?: unknown })?.friendly === 'string') return (err as { friendly: string }).friendly;
  const code = engineErrorCode(err);
  if (code && USER_MESSAGE_CODES.has(code)) return msg;
  const text = code && FRIENDLY_BY_CODE[code];
  if (text) return text;
  return `Something went wrong while solving this (${msg.slice(0, 200)}). Please try again later.`;
}

const userKeyOf = (job: JobRecord) => `${job.platform}:${job.userId}`;

interface Live {
  job: JobRecord;
  sink: JobSink;
  finished: Promise<void>;
  /** When it started waiting for its turn; null once its search has started. */
  waitingSince: number | null;
}

export class SolveService {
  private readonly live = new Map<string, Live>();
  private readonly admission: Admission;
  private readonly answers: AnswerCache;
  private readonly engines: EngineLoader;
  private readonly runner: JobRunner;
  /** Set by stopAccepting(): new questions are refused, queued and running ones go on. */
  draining = false;
  private readonly controllers = new Set<AbortController>();
  private closed = false;
  /** Observed: most searches running at once (for benchmarks and tests). */
  maxRunning = 0;
  running = 0;
  /** Order in which jobs started running (job ids). */
  readonly startOrder: string[] = [];

  constructor(private readonly opts: SolveServiceOptions) {
    this.admission = new Admission({ ...opts, pending: opts.pending, rate: opts.rate });
    this.answers = new AnswerCache(opts.store);
    this.engines = new EngineLoader(opts.engine);
    const l = opts.limits;
    this.runner = opts.runner ?? new LocalRunner({ concurrency: l.concurrency, timeoutS: l.solveTimeoutS, engines: this.engines });
  }

  /**
   * True the first time a platform event (Slack's event_id) is seen, false for a retry or replay:
   * kept in the store (survives restarts) and, scale-out, in Redis for every front-end.
   */
  async claimEvent(key: string): Promise<boolean> {
    if (!this.opts.store.claimEvent(key)) return false;
    return this.opts.claimEvent ? this.opts.claimEvent(key).catch(() => true) : true;
  }

  /** False while shutting down (draining or closed): new questions are refused. */
  get accepting(): boolean {
    return !this.closed && !this.draining;
  }

  get store(): BotStore {
    return this.opts.store;
  }

  private log(msg: string) {
    (this.opts.log ?? ((m) => process.stderr.write(`[bots] ${m}\n`)))(msg);
  }

  /** The engine, created on first use; a failed creation is retried after 30 s. */
  engine(): Promise<Engine> {
    return this.engines.get();
  }

  /** Checks a request; returns the clean question, strategy and budget, or a friendly message. */
  validate(req: Pick<SolveRequest, 'question' | 'strategy' | 'budget'>): Validated {
    return this.admission.validate(req);
  }

  /** Queues a solve with the callbacks of its job. Never throws for user mistakes: returns { ok: false, message }. */
  async submit(req: SolveRequest, sink: JobSink): Promise<SubmitOutcome> {
    const out = await this.submitInner(req, sink);
    this.opts.events?.submitted?.(
      out.ok ? out.job : null,
      out.ok ? { ok: true, cached: out.cached, platform: req.platform } : { ok: false, reason: out.reason, platform: req.platform },
    );
    return out;
  }

  private async submitInner(req: SolveRequest, sink: JobSink): Promise<SubmitOutcome> {
    if (this.closed || this.draining)
      return { ok: false, reason: 'busy', message: 'The bot is shutting down; please ask again in a minute.' };
    const v = this.admission.validate(req);
    if (!v.ok) return { ok: false, reason: 'invalid', message: v.message };
    const tooLong = await this.tooLongForModel(v.question);
    if (tooLong) return { ok: false, reason: 'invalid', message: tooLong };
    const id = randomUUID();
    const admitted = await this.admission.admit(id, req.platform, req.userId, req.channelId);
    if (!admitted.ok) return admitted;

    const now = Date.now();
    const job: JobRecord = {
      id,
      platform: req.platform,
      userId: req.userId,
      channelId: req.channelId,
      question: v.question,
      strategy: v.strategy,
      budget: v.budget,
      status: 'queued',
      reply: req.reply ?? {},
      revealed: 0,
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    };
    const cached = req.fresh ? undefined : this.answers.get(job);
    if (cached) {
      job.status = 'done';
      job.result = cached;
      this.opts.store.insertJob(job);
      await this.admission.release(id);
      const finished = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
        this.callSink(() => sink.done(job, cached, { cached: true }), job, 'done'),
      );
      return { ok: true, job, cached: true, ahead: 0, finished };
    }
    this.opts.store.insertJob(job);
    const ahead = await this.runner.ahead(this.queuedCount());
    const finished = this.enqueue(job, sink, true);
    return { ok: true, job, cached: false, ahead, finished };
  }

  /**
   * The loaded model's verdict on the question's length in tokens (a message saying how much to
   * cut), when the engine is here and loaded (or loads within a second). Scale-out front-ends have
   * no engine: their workers refuse such a question with the same message before searching.
   */
  private async tooLongForModel(question: string): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const fit = await Promise.race([
      this.engines.get().then((e) => e.fits?.(question) ?? null),
      new Promise<null>((r) => (timer = setTimeout(() => r(null), 1000))),
    ]).catch(() => null);
    clearTimeout(timer);
    return fit && !fit.ok ? fit.message : null;
  }

  /** Jobs this process has queued or running. */
  queuedCount(): number {
    return this.live.size;
  }

  /** Unfinished jobs of a platform left by a previous process (call at start-up, then resume them). */
  unfinished(platform: PlatformName): JobRecord[] {
    return this.opts.store.unfinishedJobs().filter((j) => j.platform === platform && !this.live.has(j.id));
  }

  /** Queues a stored unfinished job again (after a restart). */
  resume(job: JobRecord, sink: JobSink): Promise<void> {
    if (this.live.has(job.id)) return this.live.get(job.id)!.finished;
    const fresh = this.opts.store.updateJob(job.id, { status: 'queued' }) ?? job;
    return this.enqueue(fresh, sink);
  }

  /** Marks a stored unfinished job failed (when it cannot be resumed) and returns it. */
  abandon(job: JobRecord, message: string): JobRecord | undefined {
    return this.opts.store.updateJob(job.id, { status: 'failed', error: message });
  }

  getJob(id: string): JobRecord | undefined {
    return this.opts.store.getJob(id);
  }

  updateReply(id: string, reply: Record<string, unknown>): void {
    const live = this.live.get(id);
    if (live) live.job.reply = reply;
    this.opts.store.updateJob(id, { reply });
  }

  setRevealed(id: string, revealed: number): void {
    this.opts.store.updateJob(id, { revealed });
  }

  /** Jobs of this process running now (embedded: searches; scale-out: handed to workers). */
  runningCount(): number {
    return this.running;
  }

  private enqueue(job: JobRecord, sink: JobSink, admitted = false): Promise<void> {
    const held = admitted ? Promise.resolve() : this.admission.hold(job.id, job.platform, job.userId, job.channelId);
    const entry: Live = { job, sink, finished: Promise.resolve(), waitingSince: Date.now() };
    const finished = held
      .then(() =>
        this.runner.schedule(
          userKeyOf(job),
          () => {
            entry.waitingSince = null;
            return this.run(job, sink);
          },
          job.id,
        ),
      )
      .catch(async (err) => {
        if (this.closed) return; // stopping: the job stays stored and resumes at the next start
        // the queue itself failed (Redis gone for good, a bug): the user is told, not left waiting
        this.log(`job ${job.id} scheduling failed: ${(err as Error)?.message ?? err}`);
        const message = friendlyError(err);
        this.opts.store.updateJob(job.id, { status: 'failed', error: message });
        job.status = 'failed';
        job.error = message;
        await this.callSink(() => sink.failed(job, message), job, 'failure');
      })
      .finally(async () => {
        this.live.delete(job.id);
        await this.admission.release(job.id).catch(() => undefined);
      });
    entry.finished = finished;
    this.live.set(job.id, entry);
    return finished;
  }

  /**
   * Jobs stuck waiting: waiting for their turn longer than `ms` while nothing of their user runs
   * (here or, scale-out, in another instance) and, embedded, a search slot is free. For /healthz:
   * users whose questions do not move.
   */
  async stuckJobs(ms: number, concurrency: number | null): Promise<JobRecord[]> {
    const now = Date.now();
    const live = [...this.live.values()];
    const runningUsers = new Set(live.filter((l) => l.waitingSince === null).map((l) => userKeyOf(l.job)));
    const slotFree = concurrency === null || this.running < concurrency;
    const out: JobRecord[] = [];
    for (const l of live) {
      if (l.waitingSince === null || now - l.waitingSince < ms || runningUsers.has(userKeyOf(l.job)) || !slotFree) continue;
      if (this.runner.busyElsewhere && (await this.runner.busyElsewhere(userKeyOf(l.job)).catch(() => false))) continue;
      out.push(l.job);
    }
    return out;
  }

  private async callSink(fn: () => Promise<void> | void, job: JobRecord, what: string): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.opts.events?.sinkFailed?.(job, what, err);
      this.log(`job ${job.id}: posting ${what} failed: ${(err as Error)?.stack ?? err}`);
    }
  }

  private async run(job: JobRecord, sink: JobSink): Promise<void> {
    if (this.closed) return;
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    this.startOrder.push(job.id);
    const ac = new AbortController();
    this.controllers.add(ac);
    const t0 = Date.now();
    let outcome: 'done' | 'cancelled' | 'failed' | 'persisted' | 'elsewhere' = 'failed';
    let error: unknown;
    this.opts.events?.started?.(job);
    const stored = this.opts.store.updateJob(job.id, { status: 'running', attempts: job.attempts + 1 });
    if (stored)
      Object.assign(job, { status: stored.status, attempts: stored.attempts, reply: this.live.get(job.id)?.job.reply ?? stored.reply });
    const progress = new ProgressThrottle(
      this.opts.progressIntervalMs ?? 1500,
      sink.progress ? (p) => this.callSink(() => sink.progress!(job, p), job, 'progress') : undefined,
    );
    try {
      const searchConfig = { ...this.opts.searchOverrides, ...budgetConfig(job.strategy, job.budget) };
      const result = await this.runner.search(job, searchConfig, { onProgress: progress.push, signal: ac.signal });
      await progress.stop();
      if (this.closed) {
        // Shutting down: the search was cancelled; leave the job for the next process to resume.
        this.opts.store.updateJob(job.id, { status: 'queued' });
        outcome = 'persisted';
        return;
      }
      if (result === null) {
        // scale-out: another instance (that resumed this job too) has already posted the answer
        this.opts.store.updateJob(job.id, { status: 'done' });
        outcome = 'elsewhere';
        return;
      }
      outcome = result.cancelled ? 'cancelled' : 'done';
      const done = this.opts.store.updateJob(job.id, { status: 'done', result }) ?? job;
      if (!result.cancelled) this.answers.put(job, result);
      job.status = 'done';
      job.result = result;
      await this.callSink(() => sink.done({ ...done, reply: job.reply }, result, { cached: false }), job, 'answer');
    } catch (err) {
      await progress.stop();
      if (this.closed) {
        this.opts.store.updateJob(job.id, { status: 'queued' }); // resumed by the next process
        outcome = 'persisted';
        return;
      }
      error = err;
      const message = friendlyError(err);
      this.log(`job ${job.id} failed: ${(err as Error)?.message ?? err}`);
      this.opts.store.updateJob(job.id, { status: 'failed', error: message });
      job.status = 'failed';
      job.error = message;
      await this.callSink(() => sink.failed(job, message), job, 'failure');
    } finally {
      this.controllers.delete(ac);
      this.running--;
      this.opts.events?.finished?.(job, outcome, Date.now() - t0, error);
    }
  }

  /** Resolves when every queued and running job has finished. */
  async idle(): Promise<void> {
    while (this.live.size) await Promise.allSettled([...this.live.values()].map((l) => l.finished));
  }

  /**
   * Stops taking jobs. With `drain` waits for running ones; without, cancels them and leaves them
   * (and queued ones) unfinished in the store, to be resumed by the next process.
   */
  async close(opts: { drain?: boolean } = {}): Promise<void> {
    if (opts.drain) await this.idle();
    this.closed = true;
    for (const ac of this.controllers) ac.abort();
    await this.runner.stop();
    await Promise.allSettled([...this.live.values()].map((l) => l.finished));
    await this.runner.close();
    await this.admission.close();
    await this.engines.close();
  }
}
