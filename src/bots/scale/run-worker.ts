/**
 * `./stepwise worker`: a solver worker process. Loads the engine (models from STEPWISE_POLICY_DIR /
 * STEPWISE_SCORER_DIR; a manifest with `backend: openai` / `vllm-pooling` points it at inference
 * servers, see docs/models.md), takes jobs from the Redis queue, and serves /healthz and /metrics.
 * SIGTERM: stops taking jobs, finishes running ones for up to STEPWISE_DRAIN_S, then leaves the
 * rest to other workers (their locks lapse).
 */
import { createEngine, type Engine } from '../../engine/index';
import type { BotConfig } from '../core/config';
import { fetchConfiguredModels } from '../core/fetch-models';
import type { EngineProvider } from '../core/engine-loader';
import { createLogger, type Logger } from '../../ops/log';
import { OpsMetrics } from '../../ops/metrics';
import { startOpsServer, type OpsServer } from '../../ops/http';
import { SolverWorker } from './queue';
import { redactUrl } from './redis';

export interface WorkerProcess {
  worker: SolverWorker;
  metrics: OpsMetrics;
  ops?: OpsServer;
  logger: Logger;
  close(drainMs?: number): Promise<void>;
}

export interface RunWorkerOptions {
  /** Searches at once in this worker (default: STEPWISE_CONCURRENCY). */
  concurrency?: number;
  /** /healthz + /metrics port (0: any free; null: none). */
  port?: number | null;
  engine?: EngineProvider;
  logger?: Logger;
  lockMs?: number;
  stalledMs?: number;
  progressMs?: number;
  name?: string;
}

export async function runWorker(config: BotConfig, o: RunWorkerOptions = {}): Promise<WorkerProcess> {
  if (!config.redisUrl) throw new Error('REDIS_URL is not set: solver workers take their jobs from Redis (see docs/operations.md)');
  const logger = o.logger ?? createLogger({ base: { role: 'worker' } });
  const log = logger.child({ component: 'worker' });
  const metrics = new OpsMetrics('worker');
  let engine: Engine | undefined;
  let engineState = 'loading';
  let running = 0;
  let closing = false;
  const provider: EngineProvider =
    o.engine ??
    (async () => {
      await fetchConfiguredModels(config, (m) => log.info(m));
      return createEngine({ policyDir: config.policyDir, scorerDir: config.scorerDir, workers: config.workers });
    });
  const worker = new SolverWorker({
    url: config.redisUrl,
    concurrency: o.concurrency ?? config.limits.concurrency,
    lockMs: o.lockMs,
    stalledMs: o.stalledMs,
    progressMs: o.progressMs,
    name: o.name,
    engine: () =>
      provider().then(
        (e) => ((engine = e), (engineState = 'ready'), e),
        (err) => {
          engineState = `unavailable: ${(err as Error).message}`;
          throw err;
        },
      ),
    events: {
      started(req, d, attempt) {
        running++;
        log.info({ req, attempt, strategy: d.config.strategy, waited_ms: Date.now() - d.submittedAt }, 'solve started');
      },
      finished(req, outcome, ms, error) {
        running--;
        metrics.solves.inc({ outcome });
        metrics.solveSeconds.observe({ outcome }, ms / 1000);
        if (outcome === 'failed') log.warn({ req, outcome, ms, err: (error as Error)?.message ?? String(error) }, 'solve failed');
        else log.info({ req, outcome, ms }, 'solve finished');
      },
      stalled(req) {
        metrics.stalled.inc();
        log.warn({ req }, 'job taken over from a worker that stopped (died or hung)');
      },
    },
  });
  metrics.setSources({ engine: () => engine, queue: () => ({ waiting: 0, running, scope: 'local' as const }) });
  await worker.ready();
  // load the models now, so the first question does not wait for them
  worker.engine().then(
    () => log.info('engine ready'),
    (err) => log.error({ err: (err as Error).message }, 'engine unavailable (jobs fail with a clear message until this is fixed)'),
  );
  log.info(
    { redis: redactUrl(config.redisUrl), name: worker.name, concurrency: o.concurrency ?? config.limits.concurrency },
    'solver worker started',
  );
  const health = () => ({
    status: closing ? ('draining' as const) : ('ok' as const),
    checks: { engine: engineState, running, redis: worker.worker.isRunning() ? 'ok' : 'stopped', uptime_s: Math.round(process.uptime()) },
  });
  const ops = o.port === null ? undefined : await startOpsServer({ metrics, health }, { host: config.host, port: o.port ?? config.port });
  if (ops) log.info(`health and metrics on ${ops.url}/healthz and /metrics`);
  return {
    worker,
    metrics,
    ops,
    logger,
    async close(drainMs = config.drainS * 1000) {
      closing = true;
      if (running) log.info({ running, drain_s: drainMs / 1000 }, 'stopping: finishing running searches');
      await worker.close(drainMs);
      await ops?.close();
    },
  };
}
