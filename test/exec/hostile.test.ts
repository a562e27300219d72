/**
 * Hostile programs against the bwrap worker pool. Every case must end as a clean, reported step
 * failure (or a harmless result), and the pool must serve a normal job correctly afterwards.
 * Cases run concurrently through one 2-worker pool; cross-job cases use a 1-worker pool so the
 * next job is guaranteed to land in the same worker.
 */
import net from 'node:net';
import { createExecutorPool, type Observation } from '../../src/engine/exec';

// A fake secret in our own environment: it must never be visible inside the sandbox.
const SECRET = 'fake-discord-token-7f3a9c1e55d2';
process.env.DISCORD_TOKEN = SECRET;
process.env.SLACK_BOT_TOKEN = SECRET;

const SHORT = 1500; // wall limit for cases that are meant to run out of time
const pool = createExecutorPool({ workers: 2, timeoutMs: 8000 });
const solo = createExecutorPool({ workers: 1, timeoutMs: 8000 });

afterAll(async () => {
  // No hostile case managed to kill or wedge a worker.
  expect(pool.stats.workerDeaths).toBe(0);
  expect(solo.stats.workerDeaths).toBe(0);
  await Promise.all([pool.close(), solo.close()]);
});

/** A normal job that also checks the sandbox invariants: nothing left over, nothing patched. */
const SANITY = `
import os, math, sympy
x = sympy.symbols('x')
procs = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
others = [p for p in procs if p not in (1, os.getpid())]
left = os.listdir('/tmp') + os.listdir('/dev/shm')
print(math.sqrt(16), sympy.solve(x**2 - 4, x), int('3') + 1, others, left, len(open('/proc/sysvipc/shm').read().splitlines()) - 1)
`;
const SANITY_OK = '4.0 [-2, 2] 4 [] [] 0';

async function sane(ex = pool): Promise<void> {
  const obs = await ex.run(SANITY, { timeoutMs: 20000 });
  expect(obs).toMatchObject({ ok: true, output: SANITY_OK });
}

function noSecret(obs: Observation): void {
  expect(JSON.stringify(obs)).not.toContain(SECRET);
}

type Check = (o: Observation) => void;
const timedOut: Check = (o) => {
  expect(o.ok).toBe(false);
  expect(o.timedOut).toBe(true);
  expect(o.error).toMatch(/^TimeoutError: /);
};
const failsWith =
  (re: RegExp): Check =>
  (o) => {
    expect(o.ok).toBe(false);
    expect(o.timedOut).toBe(false);
    expect(o.error).toMatch(re);
    expect(o.output).toBe(o.error);
  };
const outputIs =
  (s: string | RegExp): Check =>
  (o) => {
    expect(o.ok).toBe(true);
    if (typeof s === 'string') expect(o.output).toBe(s);
    else expect(o.output).toMatch(s);
  };

interface Case {
  name: string;
  code: string;
  check: Check;
  timeoutMs?: number;
}

const cases: Case[] = [
  { name: 'infinite loop', code: 'while True:\n    pass', check: timedOut, timeoutMs: SHORT },
  { name: 'sleep forever', code: 'import time\ntime.sleep(10**6)', check: timedOut, timeoutMs: SHORT },
  {
    name: 'ignoring every catchable signal',
    code: 'import signal\nfor s in signal.valid_signals():\n    try: signal.signal(s, signal.SIG_IGN)\n    except (OSError, ValueError): pass\nwhile True:\n    pass',
    check: timedOut,
    timeoutMs: SHORT,
  },
  {
    name: 'CPU limit fires before a long wall limit (SIGXCPU ignored -> hard-limit SIGKILL)',
    code: 'import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\nwhile True:\n    pass',
    check: timedOut,
    timeoutMs: 2500,
  },
  { name: '10 GB bytes', code: 'b = bytearray(10 * 1024**3)\nlen(b)', check: failsWith(/^MemoryError/) },
  { name: '10 GB str', code: "s = 'x' * (10 * 1024**3)\nlen(s)", check: failsWith(/^MemoryError/) },
  {
    name: '10 GB numpy array',
    code: 'import numpy as np\na = np.ones(10 * 1024**3 // 8)\na.sum()',
    check: failsWith(/^MemoryError: Unable to allocate/),
  },
  {
    name: 'gradual allocation until the memory limit',
    code: 'chunks = []\nwhile True:\n    chunks.append(bytearray(10**7))',
    check: failsWith(/^MemoryError/),
  },
  {
    name: 'memory spread over many processes (each under RLIMIT_AS)',
    code: "import os, time\nfor i in range(8):\n    if os.fork() == 0:\n        b = b'x' * (400 << 20)\n        time.sleep(100)\ntime.sleep(100)\nprint('survived')",
    check: failsWith(/^MemoryError: the program's processes together exceeded 512 MB/),
    timeoutMs: 25000,
  },
  {
    name: 'fork bomb',
    code: 'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass',
    check: timedOut,
    timeoutMs: SHORT,
  },
  {
    name: 'fork bomb hits RLIMIT_NPROC',
    code: 'import os, time\nn = 0\ntry:\n    while True:\n        if os.fork() == 0:\n            time.sleep(100)\n        n += 1\nexcept OSError as e:\n    print(n, e.errno)',
    check: (o) => {
      expect(o.ok).toBe(true);
      const [n, errno] = o.output.split(' ').map(Number);
      expect(n).toBeLessThan(64);
      expect(errno).toBe(11); // EAGAIN
    },
  },
  {
    name: 'thread bomb',
    code: 'import threading, time\nts = []\nwhile True:\n    t = threading.Thread(target=time.sleep, args=(100,), daemon=True)\n    t.start()\n    ts.append(t)',
    check: failsWith(/^(RuntimeError: can't start new thread|MemoryError)/),
  },
  {
    name: 'leftover daemon via setsid + double fork',
    code: "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        while True:\n            open('/tmp/daemon.log', 'a').write('x')\n            time.sleep(0.01)\n    os._exit(0)\ntime.sleep(0.2)\nprint('parent done', os.path.exists('/tmp/daemon.log'))",
    check: outputIs('parent done True'),
  },
  {
    name: 'huge file',
    code: "f = open('/tmp/big', 'wb')\nwhile True:\n    f.write(b'x' * 1024 * 1024)\n    f.flush()",
    check: failsWith(/^OSError: \[Errno 27\] File too large/),
  },
  {
    name: 'filling /tmp',
    code: "for i in range(1000):\n    with open('/tmp/f%d' % i, 'wb') as f:\n        f.write(b'x' * (5 * 1024 * 1024))",
    check: failsWith(/^OSError: \[Errno 28\] No space left on device/),
  },
  {
    name: 'filling /dev/shm',
    code: "for i in range(1000):\n    with open('/dev/shm/f%d' % i, 'wb') as f:\n        f.write(b'x' * (5 * 1024 * 1024))",
    check: failsWith(/^OSError: \[Errno 28\] No space left on device/),
  },
  {
    name: 'writes outside /tmp',
    code: "import os\nres = []\nfor p in ['/x', '/usr/x', '/usr/lib/python3/dist-packages/sympy/x.py', '/etc/x', '/dev/x', '/proc/x', '/work/main/x', '/root/x', '/home/x', '/bin/x']:\n    try:\n        open(p, 'w').write('pwned')\n        res.append('WROTE ' + p)\n    except OSError as e:\n        res.append(type(e).__name__)\nprint(sorted(set(res)))",
    check: (o) => {
      expect(o.ok).toBe(true);
      expect(o.output).not.toContain('WROTE');
    },
  },
  {
    name: 'no host paths visible (root listing, /work, /root, /home, /sys)',
    code: "import os\nprint(sorted(os.listdir('/')), [os.path.exists(p) for p in ['/work', '/root', '/home', '/sys', '/etc/passwd', '/etc/shadow', '/etc/hostname', '/var', '/run']])",
    check: outputIs("['bin', 'dev', 'etc', 'lib', 'lib64', 'proc', 'sbin', 'tmp', 'usr'] [False, False, False, False, False, False, False, False, False]"),
  },
  {
    name: 'reading /work/main files',
    code: "print(open('/work/main/package.json').read())",
    check: failsWith(/^FileNotFoundError: /),
  },
  { name: 'reading /etc/passwd', code: "print(open('/etc/passwd').read())", check: failsWith(/^FileNotFoundError: /) },
  {
    name: 'internet connect',
    code: "import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=2)",
    check: failsWith(/^OSError: \[Errno 101\] Network is unreachable/),
  },
  {
    name: 'DNS',
    code: "import socket\nsocket.getaddrinfo('example.com', 443)",
    check: failsWith(/^gaierror: /),
  },
  {
    name: 'raw socket',
    code: 'import socket\nsocket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)',
    check: failsWith(/^PermissionError: /),
  },
  {
    name: 'packet socket',
    code: 'import socket\nsocket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)',
    check: failsWith(/^PermissionError: /),
  },
  {
    name: 'netlink sees only the private loopback',
    code: 'import socket\ns = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)\ns.close()\nprint(socket.if_nameindex())',
    check: outputIs("[(1, 'lo')]"),
  },
  {
    name: '/proc/*/environ holds no secrets',
    code: "import os, glob\nout = []\nfor p in glob.glob('/proc/*/environ'):\n    try:\n        out.append(open(p, 'rb').read().decode(errors='replace'))\n    except OSError as e:\n        out.append(type(e).__name__)\nprint(out)",
    check: (o) => {
      expect(o.ok).toBe(true);
      expect(o.output).not.toContain('DISCORD');
      expect(o.output).not.toContain('TOKEN=');
    },
  },
  {
    name: '/proc/1/environ (the worker) is not readable',
    code: "open('/proc/1/environ', 'rb').read()",
    check: failsWith(/^PermissionError: /),
  },
  {
    name: '/proc/<ppid>/mem',
    code: "import os\nf = open('/proc/%d/mem' % os.getppid(), 'rb')\nf.seek(0x400000)\nf.read(16)",
    check: failsWith(/^PermissionError: /),
  },
  {
    name: 'ptrace the worker',
    code: 'import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nprint(libc.ptrace(16, 1, 0, 0), ctypes.get_errno())',
    check: outputIs('-1 1'),
  },
  {
    name: 'os.environ secrets',
    code: 'import os\nprint(sorted(os.environ))',
    check: outputIs("['HOME', 'LANG', 'MKL_NUM_THREADS', 'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'PATH', 'PWD']"),
  },
  {
    name: 'killing the worker',
    code: "import os, signal\nfor pid in (os.getppid(), 1):\n    for s in (signal.SIGKILL, signal.SIGTERM, signal.SIGSTOP, signal.SIGINT):\n        try: os.kill(pid, s)\n        except OSError: pass\nprint('still here')",
    check: outputIs('still here'),
  },
  {
    name: 'kill(-1) from a job only kills the job',
    code: 'import os, signal\nos.kill(-1, signal.SIGKILL)',
    check: failsWith(/^ProcessLookupError: /), // nothing else to kill: the worker is the namespace init
  },
  {
    name: 'forging a result on inherited descriptors 3..20',
    code: "import os\nfor fd in range(3, 21):\n    try:\n        os.write(fd, b'{\"id\": 1, \"ok\": true, \"output\": \"FORGED\", \"error\": null, \"timed_out\": false}\\n')\n    except OSError:\n        pass\nraise ValueError('real failure')",
    check: (o) => {
      expect(o.ok).toBe(false);
      expect(o.output).not.toContain('FORGED');
    },
  },
  {
    name: 'only its own result pipe is inherited',
    code: "import os\nfds = os.listdir('/proc/self/fd')\nout = []\nfor fd in fds:\n    try:\n        out.append(os.readlink('/proc/self/fd/' + fd).split(':')[0])\n    except OSError:\n        pass\nprint(sorted(out))",
    check: outputIs("['/dev/null', '/dev/null', '/dev/null', 'pipe']"),
  },
  {
    name: '100 MB of stdout',
    code: "import sys\nchunk = 'y' * 999 + '\\n'\nfor i in range(100000):\n    sys.stdout.write(chunk)\nprint('END')",
    check: (o) => {
      expect(o.ok).toBe(true);
      expect(o.output.length).toBeLessThanOrEqual(1024);
      expect(o.output.startsWith('yyyy')).toBe(true);
      expect(o.output.endsWith('END')).toBe(true);
    },
    timeoutMs: 20000,
  },
  {
    name: '100 MB straight to fd 1',
    code: "import os\nbuf = b'z' * (1 << 20)\nfor i in range(100):\n    os.write(1, buf)\nprint('done')",
    check: outputIs('done'),
  },
  {
    name: 'huge exception message',
    code: "raise ValueError('z' * 10**7)",
    check: (o) => {
      expect(o.ok).toBe(false);
      expect(o.error!.length).toBeLessThanOrEqual(1024);
      expect(o.error).toMatch(/^ValueError: zzz.*\.\.\.z+$/);
    },
  },
  {
    name: 'unshare(CLONE_NEWUSER) via ctypes',
    code: 'import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nprint(libc.unshare(0x10000000), ctypes.get_errno())',
    check: (o) => {
      expect(o.ok).toBe(true);
      expect(o.output).toMatch(/^-1 (28|1)$/); // ENOSPC (userns disabled) or EPERM
    },
  },
  {
    name: 'mount via ctypes',
    code: "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\nprint(libc.mount(b'none', b'/tmp', b'tmpfs', 0, None), ctypes.get_errno())",
    check: outputIs('-1 1'),
  },
  {
    name: 'segfault',
    code: 'import ctypes\nctypes.string_at(0)',
    check: failsWith(/^RuntimeError: program killed by SIGSEGV/),
  },
  {
    name: 'unlimited recursion',
    code: 'import sys\nsys.setrecursionlimit(10**8)\ndef f(n):\n    return [n] + f(n + 1)\nf(0)',
    check: (o) => expect(o.ok).toBe(false),
    timeoutMs: SHORT,
  },
  {
    name: 'os._exit without a result',
    code: 'import os\nprint("bye")\nos._exit(3)',
    check: failsWith(/^RuntimeError: program exited without a result/),
  },
  {
    name: 'breaking sys.stdout',
    code: "import sys\nsys.stdout = None\nprint('x')",
    check: outputIs(''),
  },
];

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
