/**
 * /healthz, /metrics, structured logs and graceful drain on the serve HTTP port (embedded mode,
 * scripted engine), the ops-only server, and the parts of the Docker entrypoint that can run here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { engineFrom } from '../../src/engine/index';
import { MicroBatchPolicy } from '../../src/engine/models/batching';
import { loadConfig } from '../../src/bots/core/config';
import { serve, type Running } from '../../src/bots/serve';
import { createLogger } from '../../src/ops/log';
import { OpsMetrics } from '../../src/ops/metrics';
import { startOpsServer } from '../../src/ops/http';
import { serveConfig } from '../../src/cli/commands/serve';
import { command as workerCommand } from '../../src/cli/commands/worker';
import { CliError } from '../../src/cli/command';
import { ScriptedScorer, ToyExecutor } from '../helpers/scripted';
import { toyScore, QUESTION } from '../engine/toy-problem';
import { fakeImages, SlowPolicy, tmpDb } from '../bots/harness';

const root = path.resolve(__dirname, '..', '..');

describe('health and metrics on the local page port (embedded mode)', () => {
  let running: Running;
  let url: string;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const config = loadConfig({ PORT: '0', STEPWISE_DB: tmpDb(), STEPWISE_BUDGET: '4' });
    const logger = createLogger({ format: 'json', dest: { write: (s: string) => lines.push(JSON.parse(s)) } });
    running = await serve(config, {
      logger,
      core: {
        engine: async () => engineFrom(new MicroBatchPolicy(new SlowPolicy(5)), new ScriptedScorer(toyScore), new ToyExecutor()),
        images: fakeImages,
        progressIntervalMs: 20,
        searchOverrides: { candidates: 4 },
      },
    });
    url = running.local!.url;
  });
  afterAll(async () => {
    await running?.close();
  });

  const get = async (p: string) => {
    const r = await fetch(url + p);
    return { status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text() };
  };

  test('a solve shows up in /metrics and in the structured log with its request id; /healthz is ok', async () => {
    const r = await fetch(`${url}/api/solve`, { method: 'POST', body: JSON.stringify({ question: QUESTION }) });
    expect(r.status).toBe(202);
    const { id } = (await r.json()) as { id: string };
    for (let i = 0; i < 400; i++) {
      const j = (await (await fetch(`${url}/api/jobs/${id}`)).json()) as { status: string };
      if (j.status === 'done') break;
      await new Promise((res) => setTimeout(res, 25));
    }
    const h = await get('/healthz');
    expect(h.status).toBe(200);
    expect(JSON.parse(h.text)).toMatchObject({ status: 'ok', checks: { engine: 'ready', queue: { waiting: 0, running: 0 } } });

    const m = await get('/metrics');
    expect(m.status).toBe(200);
    expect(m.type).toMatch(/text\/plain/);
    /** The value of a sample with these labels (any label order). */
    const sample = (name: string, labels: Record<string, string> = {}): number | undefined => {
      for (const line of m.text.split('\n')) {
        const mm = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
        if (!mm || mm[1] !== name) continue;
        const have = Object.fromEntries([...(mm[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
        if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(mm[3]);
      }
      return undefined;
    };
    expect(sample('stepwise_questions_total', { platform: 'local', outcome: 'queued' })).toBe(1);
    expect(sample('stepwise_solves_total', { outcome: 'done' })).toBe(1);
    expect(sample('stepwise_solve_duration_seconds_count', { outcome: 'done' })).toBe(1);
    expect(sample('stepwise_render_duration_seconds_count')).toBe(1);
    expect(sample('stepwise_queue_depth', { scope: 'local' })).toBe(0);
    expect(sample('stepwise_solves_in_flight', { scope: 'local' })).toBe(0);
    expect(sample('stepwise_model_batch_rows_count', { model: 'policy' })).toBeGreaterThan(0);
    expect(sample('process_resident_memory_bytes')).toBeGreaterThan(0);
    for (const s of [
      'stepwise_platform_api_errors_total',
      'stepwise_platform_rate_limited_total',
      'stepwise_sandbox_failures_total',
      'stepwise_jobs_stalled_total',
    ])
      expect(m.text).toContain(`# TYPE ${s} counter`);

    const mine = lines.filter((l) => l.req === id);
    expect(mine.map((l) => l.msg)).toEqual(expect.arrayContaining(['question received', 'solve started', 'solve finished']));
    expect(mine.find((l) => l.msg === 'solve finished')).toMatchObject({
      level: 30,
      component: 'solve',
      outcome: 'done',
      platform: 'local',
    });
  });

  test('drain: /healthz turns 503 and new questions are refused while running ones finish', async () => {
    const r1 = await fetch(`${url}/api/solve`, { method: 'POST', body: JSON.stringify({ question: `${QUESTION} (drain)` }) });
    expect(r1.status).toBe(202);
    const { id } = (await r1.json()) as { id: string };
    const drained = running.drain(10_000);
    const h = await get('/healthz');
    expect(h.status).toBe(503);
    expect(JSON.parse(h.text).status).toBe('draining');
    const r2 = await fetch(`${url}/api/solve`, { method: 'POST', body: JSON.stringify({ question: `${QUESTION} (late)` }) });
    expect(r2.status).toBe(503); // the server is unavailable for now, not the user over a limit
    expect(((await r2.json()) as { error: string }).error).toMatch(/shutting down/);
    await drained; // the running one finished within the drain window
    expect(running.core.service.getJob(id)?.status).toBe('done');
  });
});

describe('ops-only server (platforms without the local page)', () => {
  test('serves /healthz and /metrics, 404 elsewhere; 503 when unhealthy', async () => {
    const metrics = new OpsMetrics('frontend');
    let status: 'ok' | 'unhealthy' = 'ok';
    const ops = await startOpsServer(
      { metrics, health: () => ({ status, checks: { redis: status === 'ok' ? 'ok' : 'down' } }) },
      { port: 0 },
    );
    try {
      expect((await fetch(`${ops.url}/healthz`)).status).toBe(200);
      status = 'unhealthy';
      const h = await fetch(`${ops.url}/healthz`);
      expect(h.status).toBe(503);
      expect(await h.json()).toEqual({ status: 'unhealthy', checks: { redis: 'down' } });
      expect(await (await fetch(`${ops.url}/metrics`)).text()).toContain('stepwise_queue_depth');
      expect((await fetch(`${ops.url}/`)).status).toBe(404);
    } finally {
      await ops.close();
    }
  });
});

describe('container entrypoint and configuration', () => {
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const compose = fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');

  test('the Dockerfile CMD is a valid serve command line that binds 0.0.0.0 (default stays 127.0.0.1)', async () => {
    const cmd = /^CMD \[(.*)\]$/m.exec(dockerfile)?.[1];
    expect(cmd).toBeDefined();
    const argv = JSON.parse(`[${cmd}]`) as string[];
    expect(argv.slice(0, 2)).toEqual(['./stepwise', 'serve']);
    const env = { PORT: '8080', STEPWISE_DB: '/tmp/x.sqlite' };
    const { config } = await serveConfig(argv.slice(2), env);
    expect(config.host).toBe('0.0.0.0');
    expect(config.port).toBe(8080);
    expect((await serveConfig([], env)).config.host).toBe('127.0.0.1');
    expect((await serveConfig(['--host', '::', '--shards', 'auto'], { ...env, REDIS_URL: 'redis://redis:6379' })).config).toMatchObject({
      host: '::',
      shards: 'auto',
      redisUrl: 'redis://redis:6379',
    });
    await expect(serveConfig(['--port', 'x'], env)).rejects.toThrow(CliError);
    await expect(serveConfig([], { ...env, REDIS_URL: 'http://nope' })).rejects.toThrow(/REDIS_URL must be a redis:\/\//);
  });

  test('the health check probes /healthz on $PORT; the image runs as a non-root user', () => {
    expect(dockerfile).toMatch(/^HEALTHCHECK [^]*?CMD .*\/healthz/m);
    expect(dockerfile).toMatch(/^USER (?!root)\S+/m);
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=/m);
  });

  test('docker-compose.yml runs Redis, front-ends and workers with REDIS_URL', () => {
    expect(compose).toMatch(/^\s+redis:\s*$/m);
    expect(compose).toMatch(/image: redis:7/);
    expect(compose).toMatch(/command: \["\.\/stepwise", "worker"/);
    expect(compose).toMatch(/REDIS_URL: redis:\/\/redis:6379/);
    expect(compose).toMatch(/seccomp[=:]unconfined/);
  });

  test('./stepwise worker refuses to start without REDIS_URL, with a clear message', async () => {
    const saved = process.env.REDIS_URL;
    delete process.env.REDIS_URL;
    try {
      await expect(workerCommand.run(['--env', '/nonexistent.env'])).rejects.toThrow(/REDIS_URL is not set/);
    } finally {
      if (saved !== undefined) process.env.REDIS_URL = saved;
    }
  });
});
