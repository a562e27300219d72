/**
 * What one job can leave for the next through the kernel, beyond files: inodes (a million empty
 * files cost about 1 GB of host kernel memory until the cleanup; tmpfs bounds bytes, not files)
 * and the PID counter (a job that forks k processes shifts every later job's pid by k: a number
 * passed from one user's job to the next).
 */
import { createExecutorPool } from '../../../src/engine/exec';
import { SANITY, SANITY_OK } from './hostile-cases';

jest.setTimeout(120_000);

const forks = (k: number) =>
  `import os\nfor _ in range(${k}):\n    pid = os.fork()\n    if pid == 0:\n        os._exit(0)\n    os.waitpid(pid, 0)\nprint('forked ${k}')`;
const threads = (k: number) =>
  `import threading\nts = [threading.Thread(target=lambda: None) for _ in range(${k})]\nfor t in ts: t.start()\nfor t in ts: t.join()\nprint('threads ${k}')`;
const PID = 'import os\nprint(os.getpid())';

describe('sandbox: per-job bounds on inodes and the PID counter', () => {
  test('a job that creates too many files is stopped with a clear error; the next job is fine', async () => {
    const p = createExecutorPool({ workers: 1, maxFiles: 2000 });
    try {
      const obs = await p.run("import os\nfor i in range(200000):\n    open('/tmp/f%d' % i, 'w').close()\nprint('made them all')", {
        timeoutMs: 20_000,
      });
      expect(obs.ok).toBe(false);
      expect(obs.error).toMatch(/created more than 2000 files/);
      expect(await p.run(SANITY, { timeoutMs: 20_000 })).toMatchObject({ ok: true, output: SANITY_OK });
    } finally {
      await p.close();
    }
  });

  test('by default a job cannot hold more than 25,000 files at once', async () => {
    const p = createExecutorPool({ workers: 1 });
    try {
      const obs = await p.run("import os\nfor i in range(80000):\n    open('/tmp/f%d' % i, 'w').close()\nprint('made them all')", {
        timeoutMs: 30_000,
      });
      expect(obs.error).toMatch(/created more than 25000 files/);
    } finally {
      await p.close();
    }
  });

  test('the pid a job sees does not depend on how many processes or threads the job before it made', async () => {
    const p = createExecutorPool({ workers: 1 });
    try {
      const seen: string[] = [];
      for (const before of [forks(3), forks(40), threads(7), 'print(1)']) {
        expect((await p.run(before, { timeoutMs: 20_000 })).ok).toBe(true);
        const obs = await p.run(PID, { timeoutMs: 20_000 });
        expect(obs.ok).toBe(true);
        seen.push(obs.output.trim());
      }
      // after a job that made processes or threads, the next runs in a fresh PID namespace
      expect(new Set(seen.slice(0, 3)).size).toBe(1);
      expect(p.stats.workerDeaths).toBe(0);
    } finally {
      await p.close();
    }
  });
});
