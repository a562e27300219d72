/**
 * The scale-out services that replace the embedded ones at start-up (REDIS_URL set): a runner
 * whose per-user turns are shared by every instance and whose searches run on solver workers (the
 * BullMQ queue), and a questions-per-minute limit shared the same way. The pending counters are
 * RedisPending (./redis.ts).
 *
 * Shared state a dead front-end cannot hold: a user's turn is a lease in Redis (the job id, with
 * an expiry the holder renews), so a front-end killed with `kill -9` frees it within `leaseMs`,
 * and the same job resumed at the next start takes its own lease back at once. (Bottleneck's
 * clustered limiters kept counting a dead process's running jobs, and failed with
 * SETTINGS_KEY_NOT_FOUND once their keys expired.) The minute limit is a sliding window in one
 * sorted set per user, created and expired by the same script, so there is no state to lose.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SearchConfig, SearchProgress, SearchResult } from '../../engine/index';
import type { RateLimiter } from '../core/admission';
import type { JobRunner, SearchHooks } from '../core/runner';
import { TurnQueues } from '../core/runner';
import type { JobRecord } from '../core/store';
import { PREFIX } from './redis';

/** The search runs on a solver worker (BullMQ); null means another instance delivered it. */
export interface RemoteSolver {
  solve(
    job: JobRecord,
    config: Partial<SearchConfig>,
    hooks: { onProgress: (p: SearchProgress) => void; signal: AbortSignal },
  ): Promise<SearchResult | null>;
  /** Jobs waiting for a worker (for "Queued behind N"). */
  waiting(): Promise<number>;
}

// Takes the turn when it is free or already this job's (a job resumed after a restart).
const TAKE = `
local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
const DROP = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

class StoppedError extends Error {
  constructor() {
    super('the runner is stopping');
    this.name = 'StoppedError';
  }
}

/**
 * One turn per user across every instance: a Redis lease holding the job id. Waiters poll; the
 * holder renews every leaseMs / 3; a holder that died lets go when the lease runs out.
 */
export class RedisTurns {
  private readonly held = new Map<string, string>();
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly redis: Redis,
    private readonly leaseMs = 30_000,
    private readonly pollMs = 250,
  ) {
    this.timer = setInterval(() => void this.renew(), Math.max(200, Math.floor(leaseMs / 3)));
    this.timer.unref();
  }

  private key(userKey: string) {
    return `${PREFIX}:turn:${userKey}`;
  }

  /** Waits for the user's turn, runs `task`, lets the turn go. */
  async run<T>(userKey: string, jobId: string, task: () => Promise<T>): Promise<T> {
    const key = this.key(userKey);
    for (;;) {
      if (this.stopped) throw new StoppedError();
      const ok = await this.redis.eval(TAKE, 1, key, jobId, this.leaseMs).catch(() => 0);
      if (Number(ok) === 1) break;
      await new Promise((r) => setTimeout(r, this.pollMs));
    }
    this.held.set(key, jobId);
    try {
      return await task();
    } finally {
      this.held.delete(key);
      await this.redis.eval(DROP, 1, key, jobId).catch(() => undefined);
    }
  }

  /** The job holding the user's turn now (another instance's, or a dead one's until its lease ends). */
  async holder(userKey: string): Promise<string | null> {
    return this.redis.get(this.key(userKey));
  }

  private async renew(): Promise<void> {
    if (!this.held.size || this.redis.status !== 'ready') return;
    for (const [key, id] of this.held) await this.redis.eval(RENEW, 1, key, id, this.leaseMs).catch(() => undefined);
  }

  stop(): void {
    this.stopped = true;
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    // a job left for the next start takes its own turn back; others need not wait for the lease
    for (const [key, id] of this.held) await this.redis.eval(DROP, 1, key, id).catch(() => undefined);
    this.held.clear();
  }
}

/** Per-user turns shared in Redis; no concurrency limit here (the workers' is the limit). */
export class RemoteRunner implements JobRunner {
  /** In this process: one job per user goes for the shared turn at a time, in order. */
  private readonly queues = new TurnQueues(null);

  constructor(
    private readonly solver: RemoteSolver,
    private readonly turns: RedisTurns,
  ) {}

  schedule<T>(userKey: string, task: () => Promise<T>, jobId: string = randomUUID()): Promise<T> {
    return this.queues.schedule(userKey, () => this.turns.run(userKey, jobId, task));
  }

  ahead(): Promise<number> {
    return this.solver.waiting().catch(() => 0);
  }

  /** Whether a job of the user holds the shared turn elsewhere (so waiting for it is not stuck). */
  async busyElsewhere(userKey: string): Promise<boolean> {
    return (await this.turns.holder(userKey).catch(() => null)) !== null;
  }

  /** The worker applies the search time limit (from when it starts the search). */
  search(job: JobRecord, config: Partial<SearchConfig>, hooks: SearchHooks): Promise<SearchResult | null> {
    return this.solver.solve(job, config, hooks);
  }

  async stop(): Promise<void> {
    this.turns.stop();
    await this.queues.stop();
  }

  async close(): Promise<void> {
    await this.queues.close();
    await this.turns.close();
  }
}

// Drops entries older than the window, then takes one if fewer than the limit are left.
const TAKE_RATE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** Questions per user in the last minute, counted in Redis (atomic: two instances cannot both take the last one). */
export class RedisRate implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly perMinute: number,
    private readonly windowMs = 60_000,
  ) {}
  async take(userKey: string): Promise<boolean> {
    const r = await this.redis.eval(TAKE_RATE, 1, `${PREFIX}:rate:${userKey}`, Date.now(), this.windowMs, this.perMinute, randomUUID());
    return Number(r) === 1;
  }
  async close(): Promise<void> {}
}
