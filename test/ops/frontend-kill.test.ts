/**
 * Stuck work after a crash, against a real redis-server and real processes: a front-end (serve(),
 * local page, Redis mode) is killed with kill -9 while its user's questions are queued and running
 * on a solver worker; restarted on the same SQLite file, it re-attaches, the user gets every
 * answer, a new question of that user is answered too, and /healthz stays ok. Also: /healthz
 * turns unhealthy while a user's work is stuck.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { JobRunner } from '../../src/bots/core/runner';
import { loadConfig } from '../../src/bots/core/config';
import { serve } from '../../src/bots/serve';
import { createLogger } from '../../src/ops/log';
import { fakeImages, tmpDb, toyEngine } from '../bots/harness';
import { startServeChild, type ServeChild } from '../helpers/serve-child';
import { QUESTION } from '../engine/toy-problem';
import { redisBinary, startRedis, type TestRedis } from './redis';

jest.setTimeout(120_000);
const d = redisBinary() ? describe : describe.skip;

async function until<T>(fn: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startWorker(url: string): { proc: ChildProcess; ready: Promise<void> } {
  const proc = spawn(process.execPath, [path.join(__dirname, 'worker-child.js')], {
    env: { ...process.env, REDIS_URL: url, NAME: 'w1', DELAY_MS: '150', LOCK_MS: '2000', STALLED_MS: '1000', CONCURRENCY: '2' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c) => ((out += c), /"ev":"ready"/.test(out) && resolve()));
    proc.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
  });
  ready.catch(() => undefined);
  return { proc, ready };
}

const ask = async (url: string, question: string) => {
  const r = await fetch(`${url}/api/solve`, { method: 'POST', body: JSON.stringify({ question }) });
  expect(r.status).toBe(202);
  return ((await r.json()) as { id: string }).id;
};
const job = async (url: string, id: string) => (await (await fetch(`${url}/api/jobs/${id}`)).json()) as { status: string; answer?: string };

d('kill -9 of a Redis-mode front-end: its users get their answers', () => {
  let redis: TestRedis;
  let worker: ReturnType<typeof startWorker>;
  let front: ServeChild | undefined;

  beforeAll(async () => {
    redis = await startRedis();
    worker = startWorker(redis.url);
    await worker.ready;
  });
  afterAll(async () => {
    await front?.kill();
    worker?.proc.kill('SIGKILL');
    await redis?.stop();
  });

  test('restarted on the same store it re-attaches; every answer arrives; the user can ask again', async () => {
    const db = tmpDb();
    const env = {
      REDIS_URL: redis.url,
      STEPWISE_DB: db,
      STEPWISE_BUDGET: '4',
      STEPWISE_USER_PENDING: '5',
      POLL_MS: '300',
      LEASE_MS: '3000',
    };
    front = await startServeChild(env);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await ask(front.url, `${QUESTION} (before the crash ${i})`));
    // the first is on the worker, the others wait for this user's turn
    await until(async () => ((await job(front!.url, ids[0])).status !== 'queued' ? true : undefined), 20_000, 'the first to run');
    expect((await job(front.url, ids[3])).status).toBe('queued');
    await front.kill('SIGKILL');

    front = await startServeChild(env);
    const url = front.url;
    for (const id of ids) {
      const j = await until(
        async () => {
          const s = await job(url, id);
          return s.status === 'done' ? s : undefined;
        },
        40_000,
        `job ${id} to be answered after the restart`,
      ).catch(async (e) => {
        throw new Error(`${(e as Error).message}: ${JSON.stringify(await job(url, id))}\n${front!.stderr().slice(-3000)}`);
      });
      expect(j.answer).toEqual(expect.any(String));
    }
    // the same user asks again and is answered
    const again = await ask(url, `${QUESTION} (after the crash)`);
    await until(async () => ((await job(url, again)).status === 'done' ? true : undefined), 20_000, 'a new question to be answered');
    const h = await fetch(`${url}/healthz`);
    expect(h.status).toBe(200);
    expect(((await h.json()) as { checks: { stuck: number } }).checks.stuck).toBe(0);
    // and it stops on SIGTERM (drain, then close) in seconds
    const t0 = Date.now();
    await front.kill('SIGTERM');
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});

describe('/healthz reports stuck work', () => {
  test('a question that waits for a turn nobody holds turns /healthz unhealthy', async () => {
    // a runner whose queue never hands the job on (what a limiter counting a dead process's jobs did)
    let release: (e: Error) => void = () => undefined;
    const wedged: JobRunner = {
      schedule: () => new Promise((_, reject) => (release = reject)),
      ahead: async () => 0,
      search: async () => null,
      stop: async () => release(new Error('stopped')),
      close: async () => undefined,
    };
    const config = loadConfig({ PORT: '0', STEPWISE_DB: tmpDb(), STEPWISE_BUDGET: '4', STEPWISE_STUCK_S: '1' });
    const running = await serve(config, {
      logger: createLogger({ format: 'json', dest: { write: () => undefined } }),
      core: { engine: async () => toyEngine(), images: fakeImages, scale: { runner: wedged } },
    });
    try {
      const url = running.local!.url;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      await ask(url, QUESTION);
      await new Promise((r) => setTimeout(r, 1300));
      const h = await fetch(`${url}/healthz`);
      expect(h.status).toBe(503);
      expect(await h.json()).toMatchObject({ status: 'unhealthy', checks: { stuck: 1 } });
    } finally {
      await running.close();
    }
  });
});
