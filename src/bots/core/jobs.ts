/**
 * The solve job service: the one place where chat platforms meet the engine.
 *
 * submit(request, sink) validates the question, applies the per-user rate limit and the per-user and
 * per-channel pending limits, answers from the cache when it can, else queues a job: one Bottleneck
 * limiter per user (one job of a user at a time, so users are served in turn) feeding one global
 * limiter (the concurrency limit). Progress reaches the sink throttled to `progressIntervalMs`.
 * Jobs and answers are persisted in a BotStore, so unfinished jobs can be resumed after a restart.
 */
import { randomUUID } from 'node:crypto';
import Bottleneck from 'bottleneck';
import {
  budgetConfig,
  checkQuestion,
  engineErrorCode,
  QuestionError,
  STRATEGY_NAMES,
  type Engine,
  type EngineErrorCode,
  type SearchConfig,
  type SearchProgress,
  type SearchResult,
  type StrategyName,
} from '../../engine/index';
import { normaliseQuestion } from './commands';
import type { LimitsConfig } from './config';
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

/** Lazily provides the engine; may reject (models not installed, sandbox missing). */
export type EngineProvider = () => Promise<Engine>;

/**
 * Questions waiting or running per user and per channel. The default counts in this process; the
 * scale-out mode (src/bots/scale) counts in Redis so the limits hold across instances.
 */
export interface PendingCounter {
  /** Counts `id` against both keys unless a limit is reached (`force` skips the check). */
  acquire(id: string, userKey: string, chanKey: string, limits: { user: number; channel: number }, force?: boolean): Promise<'ok' | 'user' | 'channel'>;
  release(id: string): Promise<void>;
  close?(): Promise<void>;
}

/** Scale-out: the search runs on a solver worker (BullMQ); null means another instance delivered it. */
export interface RemoteSolver {
  solve(job: JobRecord, config: Partial<SearchConfig>, hooks: { onProgress: (p: SearchProgress) => void; signal: AbortSignal }): Promise<SearchResult | null>;
  /** Jobs waiting for a worker (for "Queued behind N"). */
  waiting(): Promise<number>;
}

/** Observers for metrics and structured logs (src/ops). */
export interface ServiceEvents {
  submitted?(job: JobRecord | null, outcome: { ok: boolean; reason?: string; cached?: boolean }): void;
  started?(job: JobRecord): void;
  finished?(job: JobRecord, outcome: 'done' | 'cancelled' | 'failed' | 'persisted' | 'elsewhere', ms: number, error?: unknown): void;
  sinkFailed?(job: JobRecord, what: string, err: unknown): void;
}

class LocalPending implements PendingCounter {
  private readonly held = new Map<string, [string, string]>();
  private readonly counts = new Map<string, number>();
  async acquire(id: string, userKey: string, chanKey: string, limits: { user: number; channel: number }, force = false) {
    const u = `u:${userKey}`, c = `c:${chanKey}`;
    if (!force && (this.counts.get(u) ?? 0) >= limits.user) return 'user' as const;
    if (!force && (this.counts.get(c) ?? 0) >= limits.channel) return 'channel' as const;
    if (this.held.has(id)) return 'ok' as const;
    this.held.set(id, [u, c]);
    for (const k of [u, c]) this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    return 'ok' as const;
  }
  async release(id: string) {
    const keys = this.held.get(id);
    if (!keys) return;
    this.held.delete(id);
    for (const k of keys) {
      const n = (this.counts.get(k) ?? 0) - 1;
      if (n <= 0) this.counts.delete(k);
      else this.counts.set(k, n);
    }
  }
}

export interface SolveServiceOptions {
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
  /** Scale-out (REDIS_URL): remote solving, Bottleneck clustering and shared pending counters. */
  remote?: RemoteSolver;
  bottleneck?: { datastore: 'ioredis'; connection: Bottleneck.IORedisConnection; id: string };
  pending?: PendingCounter;
  events?: ServiceEvents;
}

/** Maps a budget onto the strategy's size parameter (each strategy in the engine maps its own). */
export { budgetConfig };

/** The message for a budget out of range (the same on every platform and in the local page). */
export const budgetMessage = (maxBudget: number) => `The budget must be a whole number from 1 to ${maxBudget}.`;

export const cacheKey = (question: string, strategy: string, budget: number) => `${strategy}|${budget}|${normaliseQuestion(question)}`;

const MODELS_MISSING =
  'The solver models are not installed on this server yet, so I cannot solve questions right now. (Admin: train or copy the default models into models/, see docs/bots.md.)';

/** What a chat user is told for each engine error code; codes not here get the generic reply with the message. */
const FRIENDLY_BY_CODE: Partial<Record<EngineErrorCode, string>> = {
  model_unavailable: MODELS_MISSING,
  model_invalid: MODELS_MISSING,
  sandbox_unavailable: 'The code sandbox is unavailable on this server, so I cannot check solution steps right now. (Admin: install bubblewrap, see docs/bots.md.)',
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

interface Live {
  job: JobRecord;
  sink: JobSink;
  finished: Promise<void>;
}

export class SolveService {
  private readonly global: Bottleneck;
  private readonly perUser: Bottleneck.Group;
  private readonly userRate: Bottleneck.Group;
  private readonly live = new Map<string, Live>();
  private readonly pending: PendingCounter;
  /** Set by stopAccepting(): new questions are refused, queued and running ones go on. */
  draining = false;
  private engineP: Promise<Engine> | null = null;
  private engineFailedAt = 0;
  private readonly controllers = new Set<AbortController>();
  private closed = false;
  /** Observed: most searches running at once (for benchmarks and tests). */
  maxRunning = 0;
  running = 0;
  /** Order in which jobs started running (job ids). */
  readonly startOrder: string[] = [];

  constructor(private readonly opts: SolveServiceOptions) {
    const l = opts.limits;
    const b = opts.bottleneck;
    // scale-out: per-user limiters live in Redis (Bottleneck clustering), shared by every instance
    const shared = (id: string) => (b ? { datastore: b.datastore, connection: b.connection, id: `${b.id}:${id}`, timeout: 15 * 60_000 } : {});
    // scale-out: the global concurrency is the workers' (BullMQ); this process only hands jobs over
    this.global = new Bottleneck({ maxConcurrent: opts.remote ? null : l.concurrency });
    this.perUser = new Bottleneck.Group({ maxConcurrent: 1, ...shared('user') });
    this.pending = opts.pending ?? new LocalPending();
    this.userRate = new Bottleneck.Group({
      ...shared('rate'),
      reservoir: l.perUserPerMinute,
      reservoirRefreshAmount: l.perUserPerMinute,
      reservoirRefreshInterval: 60_000,
    });
  }

  get store(): BotStore {
    return this.opts.store;
  }

  private log(msg: string) {
    (this.opts.log ?? ((m) => process.stderr.write(`[bots] ${m}\n`)))(msg);
  }

  /** The engine, created on first use; a failed creation is retried after 30 s. */
  engine(): Promise<Engine> {
    if (this.engineP && !(this.engineFailedAt && Date.now() - this.engineFailedAt > 30_000)) return this.engineP;
    this.engineFailedAt = 0;
    this.engineP = this.opts.engine().catch((err) => {
      this.engineFailedAt = Date.now();
      throw err;
    });
    return this.engineP;
  }

  /** Checks a request; returns the clean question, strategy and budget, or a friendly message. */
  validate(req: Pick<SolveRequest, 'question' | 'strategy' | 'budget'>):
    | { ok: true; question: string; strategy: StrategyName; budget: number }
    | { ok: false; message: string } {
    let question: string;
    try {
      question = checkQuestion(req.question ?? '');
    } catch (err) {
      return { ok: false, message: err instanceof QuestionError ? err.message : String(err) };
    }
    const strategy = (req.strategy?.trim().toLowerCase() || this.opts.defaultStrategy) as StrategyName;
    if (!STRATEGY_NAMES.includes(strategy)) {
      return { ok: false, message: `Unknown strategy "${req.strategy}". Choose one of: ${STRATEGY_NAMES.join(', ')}.` };
    }
    const budget = req.budget ?? this.opts.defaultBudget;
    if (!Number.isInteger(budget) || budget < 1 || budget > this.opts.maxBudget) {
      return { ok: false, message: budgetMessage(this.opts.maxBudget) };
    }
    return { ok: true, question, strategy, budget };
  }

  /** Queues a solve. Never throws for user mistakes: returns { ok: false, message }. */
  async submit(req: SolveRequest, sink: JobSink): Promise<SubmitOutcome> {
    const out = await this.submitInner(req, sink);
    this.opts.events?.submitted?.(out.ok ? out.job : null, out.ok ? { ok: true, cached: out.cached } : { ok: false, reason: out.reason });
    return out;
  }

  private async submitInner(req: SolveRequest, sink: JobSink): Promise<SubmitOutcome> {
    if (this.closed || this.draining) return { ok: false, reason: 'busy', message: 'The bot is shutting down; please ask again in a minute.' };
    const v = this.validate(req);
    if (!v.ok) return { ok: false, reason: 'invalid', message: v.message };
    const l = this.opts.limits;
    const userKey = `${req.platform}:${req.userId}`;
    const chanKey = `${req.platform}:${req.channelId}`;
    const id = randomUUID();
    const slot = await this.pending.acquire(id, userKey, chanKey, { user: l.perUserPending, channel: l.perChannelPending });
    if (slot === 'user') {
      return {
        ok: false,
        reason: 'rate-limited',
        message: `You already have ${l.perUserPending} question${l.perUserPending === 1 ? '' : 's'} waiting. Please wait for ${l.perUserPending === 1 ? 'it' : 'them'} to finish before asking more.`,
      };
    }
    if (slot === 'channel') {
      return { ok: false, reason: 'busy', message: 'This channel has many questions waiting already. Please try again in a few minutes.' };
    }
    const rate = this.userRate.key(userKey);
    // scale-out: decrement first (atomic in Redis), then check, so two instances cannot both take the last one
    const left = this.opts.bottleneck ? ((await rate.incrementReservoir(-1)) ?? 0) + 1 : ((await rate.currentReservoir()) ?? 1);
    if (left <= 0) {
      if (this.opts.bottleneck) await rate.incrementReservoir(1);
      await this.pending.release(id);
      return {
        ok: false,
        reason: 'rate-limited',
        message: `You have asked ${l.perUserPerMinute} questions in the last minute, which is the limit. Please wait a minute and ask again.`,
      };
    }
    if (!this.opts.bottleneck) await rate.incrementReservoir(-1);

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
    const cached = req.fresh ? undefined : this.opts.store.getAnswer(cacheKey(job.question, job.strategy, job.budget));
    if (cached) {
      job.status = 'done';
      job.result = cached;
      this.opts.store.insertJob(job);
      await this.pending.release(id);
      const finished = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
        this.callSink(() => sink.done(job, cached, { cached: true }), job, 'done'),
      );
      return { ok: true, job, cached: true, ahead: 0, finished };
    }
    this.opts.store.insertJob(job);
    const ahead = this.opts.remote
      ? await this.opts.remote.waiting().catch(() => 0)
      : this.global.counts().QUEUED + this.global.counts().RUNNING + this.global.counts().EXECUTING >= l.concurrency
        ? this.queuedCount()
        : 0;
    const finished = this.enqueue(job, sink, true);
    return { ok: true, job, cached: false, ahead, finished };
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

  private enqueue(job: JobRecord, sink: JobSink, acquired = false): Promise<void> {
    const userKey = `${job.platform}:${job.userId}`;
    const chanKey = `${job.platform}:${job.channelId}`;
    const l = this.opts.limits;
    const held = acquired ? Promise.resolve() : this.pending.acquire(job.id, userKey, chanKey, { user: l.perUserPending, channel: l.perChannelPending }, true).then(() => undefined);
    const finished = held
      .then(() => this.perUser.key(userKey).schedule(() => this.global.schedule(() => this.run(job, sink))))
      .catch((err) => this.log(`job ${job.id} scheduling failed: ${(err as Error).message}`))
      .finally(async () => {
        this.live.delete(job.id);
        await this.pending.release(job.id).catch(() => undefined);
      });
    this.live.set(job.id, { job, sink, finished });
    return finished;
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
    // scale-out: the worker applies the search time limit (from when it starts the search)
    const timer = this.opts.remote ? undefined : setTimeout(() => ac.abort(), this.opts.limits.solveTimeoutS * 1000);
    const stored = this.opts.store.updateJob(job.id, { status: 'running', attempts: job.attempts + 1 });
    if (stored) Object.assign(job, { status: stored.status, attempts: stored.attempts, reply: this.live.get(job.id)?.job.reply ?? stored.reply });
    // Progress: at most one report per interval, the latest one wins; reports never overlap.
    const interval = this.opts.progressIntervalMs ?? 1500;
    let lastSent = 0;
    let pending: SearchProgress | null = null;
    let timerP: NodeJS.Timeout | null = null;
    let chain: Promise<void> = Promise.resolve();
    let stopped = false;
    const flush = () => {
      timerP = null;
      if (stopped || !pending || !sink.progress) return;
      const p = pending;
      pending = null;
      lastSent = Date.now();
      chain = chain.then(() => this.callSink(() => sink.progress!(job, p), job, 'progress'));
    };
    const onProgress = (p: SearchProgress) => {
      pending = p;
      if (timerP) return;
      const wait = Math.max(0, lastSent + interval - Date.now());
      timerP = setTimeout(flush, wait);
    };
    try {
      const searchConfig = { ...this.opts.searchOverrides, ...budgetConfig(job.strategy, job.budget) };
      const result = this.opts.remote
        ? await this.opts.remote.solve(job, searchConfig, { onProgress, signal: ac.signal })
        : await (await this.engine()).solve(job.question, searchConfig, { onProgress, signal: ac.signal });
      stopped = true;
      if (timerP) clearTimeout(timerP);
      await chain;
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
      if (!result.cancelled) this.opts.store.putAnswer(cacheKey(job.question, job.strategy, job.budget), result);
      job.status = 'done';
      job.result = result;
      await this.callSink(() => sink.done({ ...done, reply: job.reply }, result, { cached: false }), job, 'answer');
    } catch (err) {
      stopped = true;
      if (timerP) clearTimeout(timerP);
      await chain;
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
      clearTimeout(timer);
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
    await this.global.stop({ dropWaitingJobs: true }).catch(() => undefined);
    await Promise.allSettled([...this.live.values()].map((l) => l.finished));
    // (shared Redis limiters are left in place for the other instances; the connection owner closes it)
    if (!this.opts.bottleneck) for (const g of [this.perUser, this.userRate]) for (const k of g.keys()) await g.deleteKey(k);
    else for (const g of [this.perUser, this.userRate]) for (const l of g.limiters()) await Promise.resolve(l.limiter.disconnect(false)).catch(() => undefined);
    await this.pending.close?.();
    if (this.engineP) await this.engineP.then((e) => e.close(), () => undefined);
  }
}
