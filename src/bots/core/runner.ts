/**
 * The runner: when a queued job gets to run and where its search runs. Jobs wait in two queues:
 * one Bottleneck limiter per user (one job of a user at a time, so users are served in turn)
 * feeding one global limiter (the concurrency limit). The embedded runner (LocalRunner) searches
 * in this process under the solve time limit; the scale-out mode (src/bots/scale) has its own
 * runner that hands searches to solver workers. The service is chosen at start-up.
 */
import Bottleneck from 'bottleneck';
import type { SearchConfig, SearchProgress, SearchResult } from '../../engine/index';
import type { EngineLoader } from './engine-loader';
import type { JobRecord } from './store';

export interface SearchHooks {
  onProgress: (p: SearchProgress) => void;
  signal: AbortSignal;
}

export interface JobRunner {
  /** Runs `task` (of job `jobId`) when the user's turn and a free slot come; rejects once stopped. */
  schedule<T>(userKey: string, task: () => Promise<T>, jobId?: string): Promise<T>;
  /** Scale-out: whether a job of the user holds its turn in another instance (waiting for it is not stuck). */
  busyElsewhere?(userKey: string): Promise<boolean>;
  /** How many jobs a job queued now waits behind (`local`: jobs this process has queued or running). */
  ahead(local: number): Promise<number>;
  /** Runs the job's search; null means another instance has delivered it already. */
  search(job: JobRecord, config: Partial<SearchConfig>, hooks: SearchHooks): Promise<SearchResult | null>;
  /** Drops the jobs still waiting for a slot. */
  stop(): Promise<void>;
  /** Lets go of the queues (after stop, once no job runs). */
  close(): Promise<void>;
}

/** The two queues: per-user turns in front of a concurrency limit (`null`: no limit here). */
export class TurnQueues {
  private readonly global: Bottleneck;
  private readonly perUser: Bottleneck.Group;

  constructor(
    readonly maxConcurrent: number | null,
    perUser: Bottleneck.ConstructorOptions = {},
  ) {
    this.global = new Bottleneck({ maxConcurrent });
    this.perUser = new Bottleneck.Group({ maxConcurrent: 1, ...perUser });
  }

  schedule<T>(userKey: string, task: () => Promise<T>): Promise<T> {
    return this.perUser.key(userKey).schedule(() => this.global.schedule(task));
  }

  /** Whether every slot is taken (or waited for). */
  full(): boolean {
    const c = this.global.counts();
    return this.maxConcurrent !== null && c.QUEUED + c.RUNNING + c.EXECUTING >= this.maxConcurrent;
  }

  async stop(): Promise<void> {
    await this.global.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }

  /** Forgets the per-user limiters. */
  async close(): Promise<void> {
    for (const k of this.perUser.keys()) await this.perUser.deleteKey(k);
  }
}

/** Embedded: searches in this process, at most `concurrency` at once, each under `timeoutS`. */
export class LocalRunner implements JobRunner {
  private readonly queues: TurnQueues;

  constructor(private readonly o: { concurrency: number; timeoutS: number; engines: EngineLoader }) {
    this.queues = new TurnQueues(o.concurrency);
  }

  schedule<T>(userKey: string, task: () => Promise<T>): Promise<T> {
    return this.queues.schedule(userKey, task);
  }

  async ahead(local: number): Promise<number> {
    return this.queues.full() ? local : 0;
  }

  async search(job: JobRecord, config: Partial<SearchConfig>, hooks: SearchHooks): Promise<SearchResult> {
    const ac = new AbortController();
    const abort = () => ac.abort();
    if (hooks.signal.aborted) abort();
    hooks.signal.addEventListener('abort', abort, { once: true });
    const timer = setTimeout(abort, this.o.timeoutS * 1000); // the time limit counts from the job's start
    try {
      const engine = await this.o.engines.get();
      return await engine.solve(job.question, config, { onProgress: hooks.onProgress, signal: ac.signal });
    } finally {
      clearTimeout(timer);
      hooks.signal.removeEventListener('abort', abort);
    }
  }

  stop(): Promise<void> {
    return this.queues.stop();
  }

  close(): Promise<void> {
    return this.queues.close();
  }
}
