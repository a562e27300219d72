/**
 * Hostile step programs shared by hostile.test.ts (concurrently, 2-worker pool) and
 * next-job.test.ts (one after another on a single worker, each followed by SANITY).
 * Every case must end as a clean, reported step failure (or a harmless result).
 */
import type { Observation } from '../../../src/engine/exec';

// A fake secret in our own environment: it must never be visible inside the sandbox.
export const SECRET = 'fake-discord-token-7f3a9c1e55d2';
process.env.DISCORD_TOKEN = SECRET;
process.env.SLACK_BOT_TOKEN = SECRET;

export const SHORT = 1500; // wall limit for cases that are meant to run out of time

/**
 * A normal job that also checks the sandbox invariants: nothing left over (processes, files in
 * /tmp and /dev/shm, SysV shm, keys in the kernel keyrings), nothing patched.
 */
export const SANITY = `
import os, math, sympy
x = sympy.symbols('x')
procs = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())
others = [p for p in procs if p not in (1, os.getpid())]
left = os.listdir('/tmp') + os.listdir('/dev/shm')
keys = [l.split()[8] for l in (open('/proc/keys') if os.path.exists('/proc/keys') else []) if l.split()[7] != 'keyring']
print(math.sqrt(16), sympy.solve(x**2 - 4, x), int('3') + 1, others, left, len(open('/proc/sysvipc/shm').read().splitlines()) - 1, keys)
`;
export const SANITY_OK = '4.0 [-2, 2] 4 [] [] 0 []';

export function noSecret(obs: Observation): void {
  expect(JSON.stringify(obs)).not.toContain(SECRET);
}

export type Check = (o: Observation) => void;
export const timedOut: Check = (o) => {
  expect(o.ok).toBe(false);
  expect(o.timedOut).toBe(true);
  expect(o.error).toMatch(/^TimeoutError: /);
};
export const failsWith =
  (re: RegExp): Check =>
  (o) => {
    expect(o.ok).toBe(false);
    expect(o.timedOut).toBe(false);
    expect(o.error).toMatch(re);
    expect(o.output).toBe(o.error);
  };
export const outputIs =
  (s: string | RegExp): Check =>
  (o) => {
    expect(o.ok).toBe(true);
    if (typeof s === 'string') expect(o.output).toBe(s);
    else expect(o.output).toMatch(s);
  };

export interface Case {
  name: string;
  code: string;
  check: Check;
  timeoutMs?: number;
}

export const cases: Case[] = [
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
    check: outputIs(
      "['bin', 'dev', 'etc', 'lib', 'lib64', 'proc', 'sbin', 'tmp', 'usr'] [False, False, False, False, False, False, False, False, False]",
    ),
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
    code: 'import os\nfor fd in range(3, 21):\n    try:\n        os.write(fd, b\'{"id": 1, "ok": true, "output": "FORGED", "error": null, "timed_out": false}\\n\')\n    except OSError:\n        pass\nraise ValueError(\'real failure\')',
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

/** System call numbers of the keyring calls (add_key, request_key, keyctl) for the job's arch. */
const KEYRING_NRS =
  "import ctypes, platform\nlibc = ctypes.CDLL(None, use_errno=True)\nlibc.syscall.restype = ctypes.c_long\nADD_KEY, REQUEST_KEY, KEYCTL = {'x86_64': (248, 249, 250), 'aarch64': (217, 218, 219)}[platform.machine()]\nL = ctypes.c_long\n";

/** Stores keys in the user (-4), user-session (-5) and session (-3) keyrings for a later job. */
export const KEYRING_STORE =
  KEYRING_NRS +
  "out = []\nfor ring, name in ((-4, b'stepwise_persist_user'), (-5, b'stepwise_persist_usersession'), (-3, b'stepwise_persist_session')):\n    r = libc.syscall(L(ADD_KEY), b'user', name, b'secret-from-job-A', L(17), L(ring))\n    out.append((r, ctypes.get_errno()))\nr = libc.syscall(L(REQUEST_KEY), b'user', b'stepwise_persist_user', None, L(0))\nout.append((r, ctypes.get_errno()))\nprint(out)";
/** Every add_key / request_key fails with EPERM (seccomp), so nothing is stored. */
export const KEYRING_STORE_OK = '[(-1, 1), (-1, 1), (-1, 1), (-1, 1)]';

/** Looks for the keys KEYRING_STORE tried to store: keyctl(KEYCTL_SEARCH / KEYCTL_READ) and /proc/keys. */
export const KEYRING_READ =
  KEYRING_NRS +
  "import os\nout = []\nfor ring, name in ((-4, b'stepwise_persist_user'), (-5, b'stepwise_persist_usersession')):\n    kid = libc.syscall(L(KEYCTL), L(10), L(ring), b'user', name, L(0))\n    err = ctypes.get_errno()\n    buf = ctypes.create_string_buffer(64)\n    if kid > 0:\n        libc.syscall(L(KEYCTL), L(11), L(kid), buf, L(64))\n    out.append((kid, err, buf.value.decode()))\nlisted = [l.split()[8] for l in open('/proc/keys')] if os.path.exists('/proc/keys') else []\nprint(out, [k for k in listed if 'stepwise' in k])";
/** keyctl fails with EPERM and /proc/keys lists none of them. */
export const KEYRING_READ_OK = "[(-1, 1, ''), (-1, 1, '')] []";

/**
 * Programs that leave the between-job cleanup something hard to delete. Each must leave the
 * worker serving: the next job sees an empty /tmp and /dev/shm and gets its answer.
 */
export const leftoverCases: Case[] = [
  {
    name: 'keyring: add_key / request_key into the user and session keyrings',
    code: KEYRING_STORE,
    check: outputIs(KEYRING_STORE_OK),
  },
  {
    name: 'keyring: keyctl and /proc/keys find nothing a job stored',
    code: KEYRING_READ,
    check: outputIs(KEYRING_READ_OK),
  },
  {
    name: 'deep directory tree (1,400 nested directories in /tmp)',
    code: "import os\nos.chdir('/tmp')\nfor i in range(1400):\n    os.mkdir('d')\n    os.chdir('d')\nopen('leaf', 'w').write('x')\nprint('deep', len(os.getcwd()))",
    check: outputIs('deep 2804'),
  },
  {
    name: 'paths beyond PATH_MAX (100 nested directories with 255-character names)',
    code: "import os\nos.chdir('/tmp')\nname = 'n' * 255\nfor i in range(100):\n    os.mkdir(name)\n    os.chdir(name)\n    open('f' * 255, 'w').write('x')\nprint('long', os.listdir('/tmp') == [name])",
    check: outputIs('long True'),
  },
  {
    name: 'many files (20,000 in /tmp, 2,000 in /dev/shm)',
    code: "import os\nfor d in range(20):\n    os.mkdir('/tmp/d%d' % d)\n    for i in range(500):\n        open('/tmp/d%d/f%d' % (d, i), 'w').close()\nfor i in range(10000):\n    open('/tmp/g%d' % i, 'w').close()\nfor i in range(2000):\n    open('/dev/shm/s%d' % i, 'w').close()\nprint(len(os.listdir('/tmp')), len(os.listdir('/dev/shm')))",
    check: outputIs('10020 2000'),
    timeoutMs: 20000,
  },
  {
    name: 'unreadable and unwritable modes (chmod 000 / 500 trees, /tmp and /dev/shm chmod 000)',
    code: "import os\np = '/tmp'\nfor i in range(30):\n    p = os.path.join(p, 'm%d' % i)\n    os.mkdir(p)\n    open(os.path.join(p, 'f'), 'w').write('x')\n    os.chmod(os.path.join(p, 'f'), 0)\ndirs = []\np = '/tmp'\nfor i in range(30):\n    p = os.path.join(p, 'm%d' % i)\n    dirs.append(p)\nfor i, d in enumerate(reversed(dirs)):\n    os.chmod(d, (0, 0o500, 0o100, 0o1000)[i % 4])\nos.mkdir('/dev/shm/x')\nopen('/dev/shm/x/y', 'w').close()\nos.chmod('/dev/shm/x', 0)\nos.chmod('/dev/shm', 0)\nos.chmod('/tmp', 0)\nprint('modes')",
    check: outputIs('modes'),
  },
  {
    name: 'symlink loops, links out of /tmp, fifos and sockets',
    code: "import os, socket\nos.symlink('a', '/tmp/b')\nos.symlink('b', '/tmp/a')\nos.symlink('.', '/tmp/self')\nos.symlink('/', '/tmp/root')\nos.mkdir('/tmp/d')\nos.symlink('..', '/tmp/d/up')\nos.symlink('/usr', '/tmp/d/usr')\nos.symlink('/tmp/d', '/dev/shm/tmpd')\nos.mkfifo('/tmp/fifo')\ns = socket.socket(socket.AF_UNIX)\ns.bind('/tmp/sock')\nprint('links', sorted(os.listdir('/tmp')))",
    check: outputIs("links ['a', 'b', 'd', 'fifo', 'root', 'self', 'sock']"),
  },
];

cases.push(...leftoverCases);
