/**
 * Scale-out mode (REDIS_URL set): every front-end instance (`./stepwise serve`) shares the user
 * limits (Bottleneck clustering on Redis, pending counters in Redis) and hands searches to the
 * BullMQ queue that `./stepwise worker` processes take them from. Without REDIS_URL none of this
 * is loaded and the bots stay embedded (SQLite, in-process queue).
 */
import type Bottleneck from 'bottleneck';
import type { Redis } from 'ioredis';
import type { BotConfig } from '../core/config';
import { cacheKey } from '../core/answer-cache';
import type { ServiceEvents, ServiceParts } from '../core/jobs';
import { RemoteQueue } from './queue';
import { ClusterRate, RemoteRunner, type Cluster } from './runner';
import { bottleneckConnection, instanceId, redisClient, redisReady, RedisPending } from './redis';

export { RemoteQueue, SolverWorker, RemoteSolveError, QUEUE_NAME } from './queue';
export type { SolveJobData, SolveJobResult, SolverWorkerOptions, SolverWorkerEvents } from './queue';
export { ClusterRate, RemoteRunner, type Cluster, type RemoteSolver } from './runner';
export { RedisPending, redisClient, redisReady, redactUrl, bottleneckConnection, PREFIX } from './redis';

export interface Scale {
  instance: string;
  queue: RemoteQueue;
  redis: Redis;
  connection: Bottleneck.IORedisConnection;
  /** For createCore({ scale }). */
  options: ServiceParts;
  /** Redis reachable (for /healthz). */
  healthy(): boolean;
  close(): Promise<void>;
}

/** Connects a front-end instance to Redis (fails with a clear message when it is unreachable). */
export async function connectScale(
  config: BotConfig,
  o: { events?: ServiceEvents; instance?: string; leaseMs?: number; pollMs?: number } = {},
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
  const connection = bottleneckConnection(url);
  await connection.ready;
  const queue = new RemoteQueue({
    url,
    instance,
    timeoutS: config.limits.solveTimeoutS,
    cacheKey: (j) => cacheKey(j.question, j.strategy, j.budget),
    pollMs: o.pollMs,
  });
  await queue.ready();
  const pending = new RedisPending(redis, o.leaseMs);
  const cluster: Cluster = { datastore: 'ioredis', connection, id: 'stepwise' };
  return {
    instance,
    queue,
    redis,
    connection,
    options: {
      runner: new RemoteRunner(queue, cluster),
      rate: new ClusterRate(config.limits.perUserPerMinute, cluster),
      pending,
      events: o.events,
    },
    healthy: () => redis.status === 'ready',
    async close() {
      await pending.close();
      await queue.close();
      await connection.disconnect(true).catch(() => undefined);
      await redis.quit().catch(() => undefined);
    },
  };
}
