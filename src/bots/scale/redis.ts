/**
 * Redis plumbing for the scale-out mode (REDIS_URL): connections (ioredis) and the pending
 * counters shared by every front-end instance (the per-user turns and the minute limit: ./runner.ts).
 */
import { randomUUID } from 'node:crypto';
import IORedis, { type Redis, type RedisOptions } from 'ioredis';
import type { PendingCounter } from '../core/admission';

/** Key prefix of everything Stepwise keeps in Redis (BullMQ's keys are `stepwise:solve:*`). */
export const PREFIX = 'stepwise';

/**
 * A new ioredis client. `maxRetriesPerRequest: null` is what BullMQ needs for its blocking
 * connections; commands wait (and reconnect) while Redis restarts instead of failing.
 */
export function redisClient(url: string, extra: RedisOptions = {}): Redis {
  return new IORedis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...extra });
}

/** Waits until a client is connected (or fails after `timeoutMs` with a clear message). */
export async function redisReady(client: Redis, url: string, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`cannot reach Redis at ${redactUrl(url)} within ${timeoutMs} ms (is it running? is REDIS_URL right?)`));
    }, timeoutMs);
    const onReady = () => (cleanup(), resolve());
    const cleanup = () => {
      clearTimeout(timer);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}

/** The URL without its password, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'REDIS_URL';
  }
}

// Both keys: drop expired leases, check the limits, add the job to both sets with a lease.
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
if ARGV[6] ~= '1' and redis.call('ZSCORE', KEYS[1], ARGV[3]) == false then
  if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 1 end
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 2 end
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
return 0
`;

/**
 * Questions waiting or running per user and per channel, counted in Redis sorted sets (member: the
 * job id, score: when its lease ends). The holder renews its leases; a crashed instance's entries
 * expire after `leaseMs`, so a dead front-end cannot lock a user out for good.
 */
export class RedisPending implements PendingCounter {
  private readonly held = new Map<string, [string, string]>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly leaseMs = 90_000,
  ) {
    this.timer = setInterval(() => void this.renew(), Math.max(1000, Math.floor(leaseMs / 3)));
    this.timer.unref();
  }

  private keys(userKey: string, chanKey: string): [string, string] {
    return [`${PREFIX}:pending:user:${userKey}`, `${PREFIX}:pending:channel:${chanKey}`];
  }

  async acquire(id: string, userKey: string, chanKey: string, limits: { user: number; channel: number }, force = false) {
    const keys = this.keys(userKey, chanKey);
    const now = Date.now();
    const r = Number(
      await this.redis.eval(
        ACQUIRE,
        2,
        ...keys,
        now,
        now + this.leaseMs,
        id,
        limits.user,
        limits.channel,
        force ? '1' : '0',
        this.leaseMs * 2,
      ),
    );
    if (r === 1) return 'user' as const;
    if (r === 2) return 'channel' as const;
    this.held.set(id, keys);
    return 'ok' as const;
  }

  async release(id: string): Promise<void> {
    const keys = this.held.get(id);
    if (!keys) return;
    this.held.delete(id);
    await this.redis.multi().zrem(keys[0], id).zrem(keys[1], id).exec();
  }

  private async renew(): Promise<void> {
    if (!this.held.size || this.redis.status !== 'ready') return;
    const until = Date.now() + this.leaseMs;
    const m = this.redis.multi();
    for (const [id, [u, c]] of this.held) m.zadd(u, 'XX', until, id).zadd(c, 'XX', until, id);
    await m.exec().catch(() => undefined);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }
}

/** An id for this process in Redis (delivery claims, logs). */
export const instanceId = (): string => `${process.pid}-${randomUUID().slice(0, 8)}`;
