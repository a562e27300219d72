/**
 * A hostile job must never cost the next user an answer. Every hostile program
 * (hostile-cases.ts) runs on a 1-worker pool, each followed by an ordinary sanity job on the SAME
 * worker: the sanity answer must be right, and the worker must never have died in between.
 */
import { createExecutorPool } from '../../../src/engine/exec';
import { KEYRING_READ, KEYRING_READ_OK, KEYRING_STORE, KEYRING_STORE_OK, SANITY, SANITY_OK, cases, noSecret } from './hostile-cases';

jest.setTimeout(120_000);

describe('every hostile program, then a sanity job on the same worker', () => {
  const solo = createExecutorPool({ workers: 1, timeoutMs: 8000 });
  afterAll(() => solo.close());

  test.each(cases)('$name', async (c) => {
    const obs = await solo.run(c.code, c.timeoutMs ? { timeoutMs: c.timeoutMs } : {});
    c.check(obs);
    noSecret(obs);
    const next = await solo.run(SANITY, { timeoutMs: 20000 });
    expect(next).toMatchObject({ ok: true, output: SANITY_OK });
    expect(solo.stats.workerDeaths).toBe(0);
  });

  test('all of them were served by one worker that never died', () => {
    expect(solo.stats).toMatchObject({ workerDeaths: 0, stuckKills: 0 });
    expect(solo.stats.workerStarts).toBe(1 + solo.stats.workerRetirements);
  });
});

describe('cross-job persistence through the kernel keyrings (1 worker: same slot, same uid)', () => {
  test('job A cannot store a key and job B finds none', async () => {
    const p = createExecutorPool({ workers: 1 });
    try {
      const a = await p.run(KEYRING_STORE);
      expect(a).toMatchObject({ ok: true, output: KEYRING_STORE_OK }); // add_key: EPERM
      const b = await p.run(KEYRING_READ);
      expect(b).toMatchObject({ ok: true, output: KEYRING_READ_OK }); // keyctl: EPERM, /proc/keys: nothing
      expect(p.stats.workerStarts).toBe(1); // the same worker ran both
    } finally {
      await p.close();
    }
  });
});

describe('a worker that cannot clean up in time retires instead of failing the next job', () => {
  test('the job already queued behind it is answered by the replacement', async () => {
    // A tiny budget makes 30,000 leftover files "too many to delete": the worker must retire.
    const p = createExecutorPool({ workers: 1, cleanupBudgetMs: 20, maxFiles: 50_000 });
    try {
      const hostile = p.run(
        "import os\nfor d in range(30):\n    os.mkdir('/tmp/d%d' % d)\n    for i in range(1000):\n        open('/tmp/d%d/f%d' % (d, i), 'w').close()\nprint('left')",
        { timeoutMs: 20000 },
      );
      // Queued now, so it is sent to the worker right after the hostile job's result, before
      // the worker finds out that it cannot clean up.
      const next = p.run(SANITY, { timeoutMs: 20000 });
      expect(await hostile).toMatchObject({ ok: true, output: 'left' });
      expect(await next).toMatchObject({ ok: true, output: SANITY_OK });
      expect(p.stats.workerRetirements).toBeGreaterThanOrEqual(1);
      expect(p.lastRetirement).toMatch(/^cleanup incomplete: \/tmp: more left behind than 0.02 s of cleanup/);
      expect(p.stats.workerDeaths).toBe(0);
    } finally {
      await p.close();
    }
  });
});
