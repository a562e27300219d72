/**
 * Hostile programs (hostile-cases.ts) against the bwrap worker pool. Every case must end as a
 * clean, reported step failure (or a harmless result), and the pool must serve a normal job
 * correctly afterwards. Cases run concurrently through one 2-worker pool; cross-job cases use a 1-worker pool so the
 * next job is guaranteed to land in the same worker.
 */
import net from 'node:net';
import { createExecutorPool } from '../../../src/engine/exec';
import { SANITY, SANITY_OK, cases, failsWith, noSecret } from './hostile-cases';

const pool = createExecutorPool({ workers: 2, timeoutMs: 8000 });
const solo = createExecutorPool({ workers: 1, timeoutMs: 8000 });

afterAll(async () => {
  // No hostile case managed to kill or wedge a worker.
  expect(pool.stats.workerDeaths).toBe(0);
  expect(solo.stats.workerDeaths).toBe(0);
  await Promise.all([pool.close(), solo.close()]);
});

async function sane(ex = pool): Promise<void> {
  const obs = await ex.run(SANITY, { timeoutMs: 20000 });
  expect(obs).toMatchObject({ ok: true, output: SANITY_OK });
}

describe('hostile programs (2-worker pool)', () => {
  test.concurrent.each(cases)('$name', async (c) => {
    const obs = await pool.run(c.code, c.timeoutMs ? { timeoutMs: c.timeoutMs } : {});
    c.check(obs);
    noSecret(obs);
    await sane();
  });

  test.concurrent('connect to a server on the host loopback', async () => {
    const server = net.createServer((s) => s.end('HOST SERVICE\n'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const obs = await pool.run(`import socket\ns = socket.create_connection(('127.0.0.1', ${port}), timeout=2)\nprint(s.recv(100))`);
      failsWith(/^ConnectionRefusedError: /)(obs);
    } finally {
      server.close();
    }
    await sane();
  });
});

describe('cross-job isolation (1-worker pool: the next job runs in the same worker)', () => {
  test('monkey-patching math, builtins and sympy does not reach the next job', async () => {
    const a = await solo.run(
      "import math, builtins, sympy\nmath.sqrt = lambda x: 42\nsympy.solve = lambda *a, **k: [99]\nbuiltins.int = str\nbuiltins.print = lambda *a, **k: None\nimport sys\nsys.modules['numpy'] = None\n'patched'",
    );
    expect(a).toMatchObject({ ok: true, output: "'patched'" });
    await sane(solo);
    const b = await solo.run('import numpy\nprint(numpy.arange(3).sum())');
    expect(b).toMatchObject({ ok: true, output: '3' });
  });

  test('files left in /tmp and /dev/shm (even in a chmod 000 directory) are gone for the next job', async () => {
    const a = await solo.run(
      "import os\nos.makedirs('/tmp/d/e')\nopen('/tmp/d/e/secret', 'w').write('s')\nopen('/dev/shm/x', 'w').write('s')\nos.chmod('/tmp/d/e', 0)\nos.chmod('/tmp/d', 0)\nos.chmod('/tmp', 0o500)\nprint('ok')",
    );
    expect(a).toMatchObject({ ok: true, output: 'ok' });
    const b = await solo.run("import os\nopen('/tmp/new', 'w').write('1')\nprint(os.listdir('/tmp'), os.listdir('/dev/shm'))");
    expect(b).toMatchObject({ ok: true, output: "['new'] []" });
    await sane(solo);
  });

  test('a setsid daemon is killed before the next job', async () => {
    const a = await solo.run(
      "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        while True:\n            open('/tmp/daemon.log', 'a').write('x')\n            time.sleep(0.005)\n    os._exit(0)\ntime.sleep(0.1)\nprint('started')",
    );
    expect(a).toMatchObject({ ok: true, output: 'started' });
    const b = await solo.run("import os, time\ntime.sleep(0.3)\nprint(os.path.exists('/tmp/daemon.log'))");
    expect(b).toMatchObject({ ok: true, output: 'False' });
    await sane(solo);
  });

  test('SysV shared memory left behind is removed', async () => {
    const a = await solo.run(
      'import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nshmid = libc.shmget(0x1234, 4096, 0o1666)\nprint(shmid >= 0)',
    );
    expect(a).toMatchObject({ ok: true, output: 'True' });
    const b = await solo.run("print(len(open('/proc/sysvipc/shm').read().splitlines()) - 1)");
    expect(b).toMatchObject({ ok: true, output: '0' });
  });

  test('the worker survived everything: no worker was replaced', () => {
    expect(solo.stats.workerDeaths).toBe(0);
  });
});

describe('pool machinery', () => {
  test('watchdog replaces a worker that does not answer in time', async () => {
    const p = createExecutorPool({ workers: 1, graceMs: -400 });
    try {
      const obs = await p.run('import time\ntime.sleep(60)', { timeoutMs: 1000 });
      expect(obs).toMatchObject({ ok: false, timedOut: true });
      expect(p.stats.stuckKills).toBe(1);
      expect(await p.run('6 * 7')).toMatchObject({ ok: true, output: '42' });
      expect(p.stats.workerStarts).toBe(2);
    } finally {
      await p.close();
    }
  });

  test('never runs unsandboxed: a broken sandbox rejects with "sandbox unavailable"', async () => {
    const p = createExecutorPool({ workers: 1, bwrap: '/nonexistent/bwrap' });
    try {
      await expect(p.run('print(1)')).rejects.toThrow(/^sandbox unavailable: /);
      await expect(p.run('print(1)')).rejects.toThrow(/^sandbox unavailable: /);
    } finally {
      await p.close();
    }
  });

  test('abort signal rejects a queued job', async () => {
    const p = createExecutorPool({ workers: 1 });
    try {
      const first = p.run('import time\ntime.sleep(0.5)\n1');
      const ac = new AbortController();
      const second = p.run('2', { signal: ac.signal });
      ac.abort();
      await expect(second).rejects.toThrow();
      expect(await first).toMatchObject({ ok: true, output: '1' });
    } finally {
      await p.close();
    }
  });
});
