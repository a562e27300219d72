/**
 * Scale-out mode (REDIS_URL set): every front-end instance (`./stepwise serve`) shares the user
 * limits (Bottleneck clustering on Redis, pending counters in Redis) and hands searches to the
 * BullMQ queue that `./stepwise worker` processes take them from. Without REDIS_URL none of this
 * is loaded and the bots stay embedded (SQLite, in-process queue).
 */
import type { Redis } from 'ioredis';
import type { BotConfig } from '../core/config';
import { cacheKey } from '../core/answer-cache';
import type { ServiceEvents, ServiceParts } from '../core/jobs';
import { RemoteQueue } from './queue';
import { RedisRate, RedisTurns, RemoteRunner } from './runner';
import { instanceId, PREFIX, redisClient, redisReady, RedisPending } from './redis';

export { RemoteQueue, SolverWorker, RemoteSolveError, QUEUE_NAME } from './queue';
export type { SolveJobData, SolveJobResult, SolverWorkerOptions, SolverWorkerEvents } from './queue';
export { RedisRate, RedisTurns, RemoteRunner, type RemoteSolver } from './runner';
export { RedisPending, redisClient, redisReady, redactUrl, PREFIX } from './redis';

export interface Scale {
  instance: string;
  queue: RemoteQueue;
  redis: Redis;
  /** For createCore({ scale }). */
  options: ServiceParts;
  /** Redis reachable (for /healthz). */
  healthy(): boolean;
  close(): Promise<void>;
}

/** Connects a front-end instance to Redis (fails with a clear message when it is unreachable). */
export async function connectScale(
  config: BotConfig,
  o: { events?: ServiceEvents; instance?: string; leaseMs?: number; pollMs?: number; turnLeaseMs?: number } = {},
): Promise<Scale> {
  const url = config.redisUrl;
  if (!url) throw new Error('REDIS_URL is not set');
  const instance = o.instance ?? instanceId();
  const redis = redisClient(url);
  try {
    await redisReady(redis, url);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  const queue = new RemoteQueue({
    url,
    instance,
    timeoutS: config.limits.solveTimeoutS,
    cacheKey: (j) => cacheKey(j.question, j.strategy, j.budget),
    pollMs: o.pollMs,
  });
  await queue.ready();
  const pending = new RedisPending(redis, o.leaseMs);
  const turns = new RedisTurns(redis, o.turnLeaseMs ?? Math.min(30_000, o.leaseMs ?? 30_000));
  return {
    instance,
    queue,
    redis,
    options: {
      runner: new RemoteRunner(queue, turns),
      rate: new RedisRate(redis, config.limits.perUserPerMinute),
      // a Slack retry or replay may reach another front-end: claimed once for all of them
      claimEvent: async (key) => (await redis.set(`${PREFIX}:event:${key}`, instance, 'EX', 86_400, 'NX')) === 'OK',
      pending,
      events: o.events,
    },
    healthy: () => redis.status === 'ready',
    async close() {
      await pending.close();
      await queue.close();
      await redis.quit().catch(() => undefined);
    },
  };
}
