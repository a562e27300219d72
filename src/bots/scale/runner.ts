/**
 * The scale-out services that replace the embedded ones at start-up (REDIS_URL set): a runner
 * whose per-user turns are shared by every instance (Bottleneck clustering on Redis) and whose
 * searches run on solver workers (the BullMQ queue), and a questions-per-minute limit shared the
 * same way. The pending counters are RedisPending (./redis.ts).
 */
import type Bottleneck from 'bottleneck';
import type { SearchConfig, SearchProgress, SearchResult } from '../../engine/index';
import { rateGroup, type RateLimiter } from '../core/admission';
import type { JobRunner, SearchHooks } from '../core/runner';
import { TurnQueues } from '../core/runner';
import type { JobRecord } from '../core/store';

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

/** Bottleneck clustering: limiters kept in Redis under `id`, shared by every instance. */
export interface Cluster {
  datastore: 'ioredis';
  connection: Bottleneck.IORedisConnection;
  id: string;
}

const shared = (c: Cluster, id: string): Bottleneck.ConstructorOptions => ({
  datastore: c.datastore,
  connection: c.connection,
  id: `${c.id}:${id}`,
  timeout: 15 * 60_000,
});

/** Per-user turns shared in Redis; no concurrency limit here (the workers' is the limit). */
export class RemoteRunner implements JobRunner {
  private readonly queues: TurnQueues;

  constructor(
    private readonly solver: RemoteSolver,
    cluster: Cluster,
  ) {
    this.queues = new TurnQueues(null, shared(cluster, 'user'));
  }

  schedule<T>(userKey: string, task: () => Promise<T>): Promise<T> {
    return this.queues.schedule(userKey, task);
  }

  ahead(): Promise<number> {
    return this.solver.waiting().catch(() => 0);
  }

  /** The worker applies the search time limit (from when it starts the search). */
  search(job: JobRecord, config: Partial<SearchConfig>, hooks: SearchHooks): Promise<SearchResult | null> {
    return this.solver.solve(job, config, hooks);
  }

  stop(): Promise<void> {
    return this.queues.stop();
  }

  /** The shared limiters stay in Redis for the other instances; the connection owner closes it. */
  close(): Promise<void> {
    return this.queues.close(true);
  }
}

/** Questions per minute counted in Redis: taken first (atomic there), so two instances cannot both take the last one. */
export class ClusterRate implements RateLimiter {
  private readonly group: Bottleneck.Group;
  constructor(perMinute: number, cluster: Cluster) {
    this.group = rateGroup(perMinute, shared(cluster, 'rate'));
  }
  async take(userKey: string): Promise<boolean> {
    const rate = this.group.key(userKey);
    const left = ((await rate.incrementReservoir(-1)) ?? 0) + 1;
    if (left > 0) return true;
    await rate.incrementReservoir(1);
    return false;
  }
  async close(): Promise<void> {
    for (const l of this.group.limiters()) await Promise.resolve(l.limiter.disconnect(false)).catch(() => undefined);
  }
}
