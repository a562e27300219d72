/**
 * Scale-out against a real Redis: two front-end instances (SolveService + RemoteQueue, in this
 * process) and two solver workers (separate processes, scripted engine), as in production.
 *  - limits hold across instances (pending per user, questions per minute, concurrent submits);
 *  - a job survives the death of its worker (kill -9 mid-job: another worker finishes it);
 *  - a batch of questions: nothing lost, nothing answered twice; a front-end restart resumes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { loadConfig, type JobRecord, type JobSink, type SolveRequest } from '../../src/bots/core/index';
import { createCore, type BotCore } from '../../src/bots/compose';
import { connectScale, type Scale } from '../../src/bots/scale/index';
import { fakeImages, tmpDb } from '../bots/harness';
import { QUESTION } from '../engine/toy-problem';
import { redisBinary, startRedis, type TestRedis } from './redis';

const HAVE_REDIS = !!redisBinary();
if (!HAVE_REDIS) {
  // eslint-disable-next-line no-console
  console.warn('SKIPPED test/ops/scale.test.ts: redis-server is not installed (scripts/install-system-deps.sh installs it; CI does).');
}
const d = HAVE_REDIS ? describe : describe.skip;
jest.setTimeout(40_000);

interface ChildWorker {
  name: string;
  proc: ChildProcess;
  events: Record<string, unknown>[];
  ready: Promise<void>;
}

function startWorker(url: string, name: string, delayMs = 60): ChildWorker {
  const proc = spawn(process.execPath, [path.join(__dirname, 'worker-child.js')], {
    env: { ...process.env, REDIS_URL: url, NAME: name, DELAY_MS: String(delayMs), LOCK_MS: '1200', STALLED_MS: '500' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Record<string, unknown>[] = [];
  let buf = '';
  let err = '';
  proc.stderr!.on('data', (c) => (err += c));
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (c) => {
      buf += c;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        try {
          const ev = JSON.parse(line);
          events.push(ev);
          if (ev.ev === 'ready') resolve();
        } catch {
          /* not ours */
        }
      }
    });
    proc.once('exit', (code) => reject(new Error(`worker ${name} exited (${code}): ${err.slice(-1000)}`)));
  });
  ready.catch(() => undefined);
  return { name, proc, events, ready };
}

const stopWorker = (w: ChildWorker, sig: NodeJS.Signals = 'SIGTERM') =>
  new Promise<void>((resolve) => {
    if (w.proc.exitCode !== null || w.proc.signalCode !== null) return resolve();
    w.proc.once('exit', () => resolve());
    w.proc.kill(sig);
  });

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface FrontEnd {
  core: BotCore;
  scale: Scale;
  dbPath: string;
}

const noEngine = async () => {
  throw new Error('front-ends do not solve in these tests');
};

async function frontEnd(url: string, vars: Record<string, string> = {}, dbPath = tmpDb()): Promise<FrontEnd> {
  const config = loadConfig({ STEPWISE_DB: dbPath, REDIS_URL: url, STEPWISE_BUDGET: '4', STEPWISE_STRATEGY: 'mcts', ...vars });
  const scale = await connectScale(config, { pollMs: 500, leaseMs: 10_000 });
  const core = createCore(config, {
    engine: noEngine,
    images: fakeImages,
    progressIntervalMs: 20,
    searchOverrides: { candidates: 4 },
    log: () => undefined,
    scale: scale.options,
  });
  return { core, scale, dbPath };
}

async function closeFront(f: FrontEnd) {
  await f.core.close();
  await f.scale.close();
}

/** Records what a platform would post: every done / failed call per job. */
class Recorder {
  done = new Map<string, { count: number; answer: string | null; by: string }>();
  failed = new Map<string, string>();
  progress = new Map<string, number>();
  sink(by: string): JobSink {
    return {
      progress: (job) => void this.progress.set(job.id, (this.progress.get(job.id) ?? 0) + 1),
      done: (job: JobRecord, r) => {
        const prev = this.done.get(job.id);
        this.done.set(job.id, { count: (prev?.count ?? 0) + 1, answer: r.answer, by });
      },
      failed: (job, m) => void this.failed.set(job.id, m),
    };
  }
}

const req = (user: string, q = QUESTION, channel = 'c1'): SolveRequest => ({
  platform: 'local',
  userId: user,
  channelId: channel,
  question: q,
});

d('scale-out on Redis: two front-ends, two workers', () => {
  let redis: TestRedis;
  let A: FrontEnd;
  let B: FrontEnd;
  const workers: ChildWorker[] = [];
  const rec = new Recorder();

  const t0 = Date.now();
  const mark = (what: string) => process.env.DEBUG_OPS && console.log(what, Date.now() - t0);
  beforeAll(async () => {
    redis = await startRedis();
    workers.push(startWorker(redis.url, 'w1'), startWorker(redis.url, 'w2'));
    [A, B] = await Promise.all([
      frontEnd(redis.url, { STEPWISE_USER_PENDING: '2', STEPWISE_USER_PER_MINUTE: '3' }),
      frontEnd(redis.url, { STEPWISE_USER_PENDING: '2', STEPWISE_USER_PER_MINUTE: '3' }),
    ]);
    await Promise.all(workers.map((w) => w.ready));
    mark('ready');
  });

  afterAll(async () => {
    mark('afterAll');
    for (const f of [A, B]) if (f) await closeFront(f).catch(() => undefined);
    mark('fronts closed');
    await Promise.all(workers.map((w) => stopWorker(w, 'SIGKILL')));
    await redis?.stop();
    mark('done');
  });

  test('limits hold across instances: pending per user, questions per minute, simultaneous submits', async () => {
    // pending: 2 per user, whichever instance takes the question
    const a1 = await A.core.service.submit(req('u1', `${QUESTION} (a1)`), rec.sink('A'));
    const b1 = await B.core.service.submit(req('u1', `${QUESTION} (b1)`), rec.sink('B'));
    const a2 = await A.core.service.submit(req('u1', `${QUESTION} (a2)`), rec.sink('A'));
    expect([a1.ok, b1.ok, a2.ok]).toEqual([true, true, false]);
    if (!a2.ok) expect(a2.message).toMatch(/already have 2 questions waiting/);
    const b2 = await B.core.service.submit(req('u1', `${QUESTION} (b2)`), rec.sink('B'));
    expect(b2.ok).toBe(false);
    if (a1.ok && b1.ok) await Promise.all([a1.finished, b1.finished]);

    // per minute: 3 per user across both instances (one at a time, so pending is not the limit)
    const seq: boolean[] = [];
    for (const [i, f] of [A, B, A, B].entries()) {
      const out = await f.core.service.submit(req('u2', `${QUESTION} (m${i})`), rec.sink(f === A ? 'A' : 'B'));
      seq.push(out.ok);
      if (out.ok) await out.finished;
      else expect(out.message).toMatch(/asked 3 questions in the last minute/);
    }
    expect(seq).toEqual([true, true, true, false]);

    // simultaneous: 8 submits of one user at once through both instances → exactly 2 accepted
    const outs = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? A : B).core.service.submit(req('u3', `${QUESTION} (s${i})`), rec.sink('AB'))),
    );
    expect(outs.filter((o) => o.ok)).toHaveLength(2);
    await Promise.all(outs.map((o) => (o.ok ? o.finished : undefined)));
  });

  test('a Slack event retried or replayed to another front-end is claimed once for the cluster', async () => {
    const id = `slack:Ev${Date.now()}`;
    expect(await A.core.service.claimEvent(id)).toBe(true);
    expect(await B.core.service.claimEvent(id)).toBe(false);
    expect(await A.core.service.claimEvent(id)).toBe(false);
  });

  test('a job survives the death of its worker (kill -9 mid-job): another worker finishes it, answered once', async () => {
    const out = await A.core.service.submit(req('u4', `${QUESTION} (kill)`), rec.sink('A'));
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    const id = out.job.id;
    await until(() => workers.some((w) => w.events.some((e) => e.ev === 'started' && e.id === id)), 10_000, 'a worker to start the job');
    const victim = workers.find((w) => w.events.some((e) => e.ev === 'started' && e.id === id))!;
    const other = workers.find((w) => w !== victim)!;
    await new Promise((r) => setTimeout(r, 40)); // mid-search
    expect(victim.events.some((e) => e.ev === 'finished' && e.id === id)).toBe(false);
    await stopWorker(victim, 'SIGKILL');
    const killedAt = Date.now();
    await out.finished;
    if (process.env.DEBUG_OPS) console.log('killed', killedAt, JSON.stringify(other.events.filter((e) => e.id === id)), Date.now());
    expect(rec.done.get(id)).toMatchObject({ count: 1, answer: expect.any(String) });
    expect(rec.failed.has(id)).toBe(false);
    expect(other.events.some((e) => e.ev === 'finished' && e.id === id && e.outcome === 'done')).toBe(true);
    expect(A.core.service.getJob(id)?.status).toBe('done');
    // replace the dead worker for the next test
    workers.splice(workers.indexOf(victim), 1, startWorker(redis.url, `${victim.name}b`));
    await Promise.all(workers.map((w) => w.ready));
  });

  test('24 questions from 12 users through both front-ends: nothing lost, nothing answered twice', async () => {
    const ids: string[] = [];
    const finished: Promise<void>[] = [];
    for (let i = 0; i < 24; i++) {
      const f = i % 2 ? B : A;
      const out = await f.core.service.submit(req(`load${i % 12}`, `${QUESTION} (load ${i})`, `ch${i % 3}`), rec.sink(f === A ? 'A' : 'B'));
      expect(out.ok).toBe(true);
      if (out.ok) (ids.push(out.job.id), finished.push(out.finished));
    }
    await Promise.all(finished);
    for (const id of ids) expect(rec.done.get(id)).toMatchObject({ count: 1, answer: expect.any(String) });
    // each job ran to completion on exactly one worker
    const completions = workers.flatMap((w) =>
      w.events.filter((e) => e.ev === 'finished' && ids.includes(e.id as string)).map((e) => e.id),
    );
    expect(new Set(completions).size).toBe(24);
    expect(completions).toHaveLength(24);
    // both workers took part
    for (const w of workers) expect(w.events.filter((e) => e.ev === 'finished').length).toBeGreaterThan(0);
    const counts = await A.scale.queue.counts();
    expect(counts.waiting).toBe(0);
    expect(counts.workers).toBe(2);
  });

  test('a front-end that stops mid-job resumes it at its next start and posts the answer once', async () => {
    const C = await frontEnd(redis.url);
    const out = await C.core.service.submit(req('u5', `${QUESTION} (restart)`), rec.sink('C'));
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    await until(() => workers.some((w) => w.events.some((e) => e.ev === 'started' && e.id === out.job.id)), 10_000, 'the job to start');
    await closeFront(C); // the worker finishes meanwhile; the job stays unfinished in C's store
    await until(
      () => workers.some((w) => w.events.some((e) => e.ev === 'finished' && e.id === out.job.id)),
      10_000,
      'the worker to finish',
    );
    const C2 = await frontEnd(redis.url, {}, C.dbPath);
    try {
      const left = C2.core.service.unfinished('local');
      expect(left.map((j) => j.id)).toEqual([out.job.id]);
      await C2.core.service.resume(left[0], rec.sink('C2'));
      expect(rec.done.get(out.job.id)).toMatchObject({ count: 1, answer: expect.any(String), by: 'C2' });
      // a second instance resuming the same job (shared store) does not post it again
      const C3 = await frontEnd(redis.url);
      const dup = new Recorder();
      await C3.core.service.resume({ ...left[0], status: 'queued' }, dup.sink('C3')).catch(() => undefined);
      expect(dup.done.size).toBe(0);
      await closeFront(C3);
    } finally {
      await closeFront(C2);
    }
  });
});
