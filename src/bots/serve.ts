/**
 * Starts the product: whichever chat platforms have credentials, and the local web page when none
 * do (or when asked). One bots core (engine, queue, store) is shared by all of them.
 * One HTTP server on PORT serves Slack's POST /slack/events (HTTP mode), /healthz and /metrics
 * (src/ops), and the local page when it runs (SLACK_PORT, when set to another port, adds a Slack
 * listener of its own); structured logs; graceful drain on shutdown.
 * Scale-out (REDIS_URL, src/bots/scale): shared limits and the solve queue in Redis; searches run
 * in `./stepwise worker` processes.
 */
import type http from 'node:http';
import path from 'node:path';
import type { ShardingManager } from 'discord.js';
import { fetchConfiguredModels } from './core/fetch-models';
import type { Engine } from '../engine/index';
import type { DiscordBot } from './platforms/discord/bot';
import type { SlackBot } from './platforms/slack/bot';
import { type BotConfig } from './core/index';
import { createCore, type BotCore, type CoreOverrides } from './compose';
import { startLocal, type LocalServer } from './platforms/local/server';
import { createLogger, lineLog, type Logger } from '../ops/log';
import { instrumentImages, OpsMetrics, serviceEvents } from '../ops/metrics';
import { opsHandler, startOpsServer, type HealthReport, type OpsServer } from '../ops/http';
import { installProcessPolicy, type ProcessPolicy } from '../ops/process';
import type { Scale } from './scale/index';
import { shardClientOptions, shardId, shardMode } from './scale/shards';

export interface Running {
  core: BotCore;
  local?: LocalServer;
  discord?: DiscordBot;
  slack?: SlackBot;
  /** Shard processes (REDIS_URL with DISCORD_SHARDS). */
  shards?: ShardingManager;
  /** The PORT server when no local page runs: /healthz, /metrics and Slack's /slack/events. */
  ops?: OpsServer;
  metrics: OpsMetrics;
  logger: Logger;
  scale?: Scale;
  health(): Promise<HealthReport>;
  /** Stops taking new questions and waits up to `ms` (default STEPWISE_DRAIN_S) for running ones. */
  drain(ms?: number): Promise<void>;
  /** Stops everything; unfinished jobs stay stored (SQLite / Redis) and resume at the next start. */
  close(): Promise<void>;
}

export interface ServeOptions {
  local?: boolean;
  /** Plain line logger (tests); default: pino through `logger`. */
  log?: (m: string) => void;
  logger?: Logger;
  core?: CoreOverrides;
  /** Start the PORT server when no local page runs (default true; always when Slack's HTTP mode needs it). */
  ops?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Scale-out tuning (tests). */
  scale?: { pollMs?: number; leaseMs?: number; turnLeaseMs?: number };
  /**
   * Keep serving through errors nothing caught (logged, counted in /metrics) instead of dying with
   * every job in flight (src/ops/process.ts). `./stepwise serve` sets it; in-process tests do not.
   */
  processPolicy?: boolean;
}

export async function serve(config: BotConfig, opts: ServeOptions = {}): Promise<Running> {
  const env = opts.env ?? process.env;
  const logger = opts.logger ?? createLogger({}, env);
  const sub = (component: string) => (opts.log ? (m: string) => opts.log!(`[${component}] ${m}`) : lineLog(logger, component));
  const log = opts.log ?? lineLog(logger, 'serve');
  const metrics = new OpsMetrics('frontend');
  const policy: ProcessPolicy | undefined = opts.processPolicy ? installProcessPolicy({ logger, metrics }) : undefined;
  const events = serviceEvents(metrics, logger);
  const mode = shardMode(config, env);

  let scale: Scale | undefined;
  if (config.redisUrl) {
    const { connectScale, redactUrl } = await import('./scale/index');
    scale = await connectScale(config, { events, ...opts.scale });
    log(`scale-out mode: Redis ${redactUrl(config.redisUrl)}, instance ${scale.instance}; searches run in ./stepwise worker processes`);
  }
  const noEngine = async (): Promise<Engine> => {
    throw new Error('this front-end hands searches to solver workers (REDIS_URL); run ./stepwise worker');
  };
  const core = createCore(config, {
    log: sub('bots'),
    ...(scale ? { engine: noEngine } : {}),
    ...opts.core,
    scale: { ...scale?.options, events, ...opts.core?.scale },
  });
  core.images = instrumentImages(core.images, metrics);
  let engine: Engine | undefined;
  let engineState = scale ? 'on workers' : 'loading';
  let draining = false;

  const health = async (): Promise<HealthReport> => {
    const checks: Record<string, unknown> = { engine: engineState, uptime_s: Math.round(process.uptime()) };
    if (scale) {
      checks.redis = scale.healthy() ? 'ok' : 'down';
      checks.queue = await Promise.race([scale.queue.counts(), new Promise((r) => setTimeout(() => r('timeout'), 1000))]).catch((e) =>
        String(e),
      );
    } else
      checks.queue = {
        waiting: Math.max(0, core.service.queuedCount() - core.service.runningCount()),
        running: core.service.runningCount(),
      };
    if (running.discord) checks.discord = running.discord.client.isReady() ? 'ready' : 'connecting';
    if (running.shards) checks.discord = `${running.shards.shards.size} shard processes`;
    if (running.slack) checks.slack = 'started';
    const stuck = await core.service.stuckJobs(config.stuckS * 1000, scale ? null : config.limits.concurrency);
    checks.stuck = stuck.length;
    if (stuck.length) checks.stuck_jobs = stuck.slice(0, 10).map((j) => j.id);
    const status = draining ? 'draining' : (scale && !scale.healthy()) || stuck.length ? 'unhealthy' : 'ok';
    return { status, checks };
  };

  metrics.setSources({
    engine: () => engine,
    queue: scale
      ? async () => {
          const c = await scale!.queue.counts();
          return { waiting: c.waiting, running: c.active, scope: 'cluster' as const, workers: c.workers };
        }
      : () => ({
          waiting: Math.max(0, core.service.queuedCount() - core.service.runningCount()),
          running: core.service.runningCount(),
          scope: 'local' as const,
        }),
  });

  const running: Running = {
    core,
    metrics,
    logger,
    scale,
    health,
    async drain(ms = config.drainS * 1000) {
      if (draining) return;
      draining = true;
      core.service.draining = true;
      const n = core.service.queuedCount();
      if (n) log(`draining: no new questions; waiting up to ${Math.round(ms / 1000)} s for ${n} unfinished`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([core.service.idle(), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
      clearTimeout(timer);
      const left = core.service.queuedCount();
      if (left) log(`${left} question(s) still unfinished: stored, they resume at the next start`);
    },
    async close() {
      draining = true;
      core.service.draining = true;
      await Promise.allSettled([running.discord?.close(), running.slack?.close(), running.local?.close()]);
      if (running.shards) for (const s of running.shards.shards.values()) s.kill();
      await core.close();
      await scale?.close();
      await running.ops?.close();
      policy?.uninstall();
    },
  };
  // Fetch models that are not installed yet (first start: download + conversion, logged), then
  // load them in the background; a failure is reported to users per question.
  if (!scale) {
    if (!opts.core?.engine) {
      engineState = 'fetching models';
      await fetchConfiguredModels(config, log).catch((err) => log(`model fetch failed: ${(err as Error).message}`));
      engineState = 'loading';
    }
    core.service.engine().then(
      (e) => {
        engine = e;
        engineState = 'ready';
        log('engine ready');
      },
      (err) => {
        engineState = `unavailable: ${(err as Error).message}`;
        log(`engine unavailable: ${(err as Error).message} (questions will get a clear message until this is fixed)`);
      },
    );
  }
  try {
    if (config.discord && mode === 'manager') {
      const { startShardManager } = await import('./scale/shards');
      const file = path.resolve(__dirname, '..', 'cli', path.basename(__filename).endsWith('.ts') ? 'main.ts' : 'main.js');
      running.shards = await startShardManager(config, { file, log: sub('discord') });
    } else if (config.discord) {
      const { startDiscord } = await import('./platforms/discord/bot');
      running.discord = await startDiscord({
        config: config.discord,
        core,
        log: sub('discord'),
        clientOptions: shardClientOptions(config, env),
      });
      const rest = running.discord.client.rest;
      rest.on('rateLimited', () => metrics.rateLimited.inc({ platform: 'discord' }));
      rest.on('response', (_req, res) => {
        if (res.status >= 400 && res.status !== 429) metrics.apiErrors.inc({ platform: 'discord', what: `http_${res.status}` });
      });
    }
    if (config.slack && mode !== 'child') {
      const { startSlack } = await import('./platforms/slack/bot');
      const slackLogger = logger.child({ component: 'slack' });
      running.slack = await startSlack({
        config: config.slack,
        core,
        log: sub('slack'),
        boltLog: opts.log ? undefined : (level, msg) => slackLogger[level](msg),
      });
      (running.slack.app.client as unknown as NodeJS.EventEmitter).on('rate_limited', () => metrics.rateLimited.inc({ platform: 'slack' }));
      if (config.slack.appToken) log('[slack] connected (Socket Mode)');
      else if (config.slack.port !== undefined) log(`[slack] also listening on SLACK_PORT ${config.slack.port} (POST /slack/events)`);
    }
    const ops = { metrics, health };
    const slackHandle = running.slack?.handle;
    const opsRoutes = opsHandler(ops);
    const routes = slackHandle
      ? async (req: http.IncomingMessage, res: http.ServerResponse) => slackHandle(req, res) || opsRoutes(req, res)
      : opsRoutes;
    if (mode !== 'child' && (opts.local || (!config.discord && !config.slack))) {
      running.local = await startLocal(core, { host: config.host, port: config.port, log: sub('local'), routes });
      log(`Stepwise local mode: open ${running.local.url} in a browser`);
      if (slackHandle) log(`[slack] Slack events on ${running.local.url}/slack/events`);
    } else if (opts.ops !== false || slackHandle) {
      const port = mode === 'child' && config.port ? config.port + 1 + shardId(env) : config.port;
      running.ops = await startOpsServer(ops, { host: config.host, port, routes: slackHandle });
      log(
        `health and metrics on ${running.ops.url}/healthz and /metrics${slackHandle ? `; Slack events on ${running.ops.url}/slack/events` : ''}`,
      );
    }
  } catch (err) {
    await running.close();
    throw err;
  }
  return running;
}
