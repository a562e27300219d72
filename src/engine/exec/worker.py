# Stepwise sandbox worker. Runs as PID 1 of a bwrap sandbox (own user/pid/net/ipc/mount
# namespaces, unprivileged host uid, empty environment). It imports and warms up sympy/numpy
# once, then forks one child per job. The child sets rlimits, drops every descriptor except its
# private result pipe and runs the program; the parent enforces the wall-clock limit, kills every
# other process in the sandbox after the job (it is the namespace init, so orphans and setsid
# daemons are its children), removes leftover SysV IPC objects and empties /tmp and /dev/shm.
# It refuses to start unless bwrap installed the pool's seccomp filter (keyring system calls
# blocked), and retires itself (reports, then exits) when it cannot guarantee a clean next job.
#
# Protocol (JSON lines): stdin  {"id": n, "code": str, "timeout_ms": n}
#                        stdout {"ready": true, ...} once, then {"id", "ok", "output", "error",
#                        "timed_out", "ms"} per job, and {"retire": true, "reason": str} when the
#                        cleanup after a job failed: the worker then exits without reading
#                        another job (the pool gives any job it already sent to a new worker).
#                        Config comes as argv[1] (JSON).
import ast
import ctypes
import errno
import io
import json
import os
import resource
import select
import signal
import stat
import struct
import sys
import time

CONFIG = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
CPU_FRACTION = float(CONFIG.get('cpu_fraction', 0.9))
MEM_BYTES = int(CONFIG.get('mem_mb', 512)) * 1024 * 1024
NPROC = int(CONFIG.get('nproc', 64))
FSIZE = int(CONFIG.get('fsize_mb', 10)) * 1024 * 1024
NOFILE = int(CONFIG.get('nofile', 64))
MAX_OUTPUT = int(CONFIG.get('max_output', 1024))
RESULT_CAP = 256 * 1024
SCRATCH_DIRS = ('/tmp', '/dev/shm')
CLEANUP_BUDGET_S = max(0.0, float(CONFIG.get('cleanup_budget_ms', 2000)) / 1000.0)
MAX_FILES = int(CONFIG.get('max_files', 25000))

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
# add_key's number: the pool's seccomp filter (seccomp.ts) must make it fail with EPERM.
_ADD_KEY_NR = {'x86_64': 248, 'aarch64': 217}


def seccomp_problem():
    """None when the seccomp filter is active, else why not (the worker then refuses to serve)."""
    mode = '?'
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('Seccomp:'):
                    mode = line.split()[1]
    except OSError:
        pass
    nr = _ADD_KEY_NR.get(os.uname().machine)
    if nr is None:
        return 'no seccomp check for architecture %s' % os.uname().machine
    # add_key(NULL, ...) fails with EFAULT in the kernel; the filter answers EPERM before that.
    r = _libc.syscall(ctypes.c_long(nr), None, None, None, ctypes.c_size_t(0), ctypes.c_int(-4))
    err = ctypes.get_errno()
    if mode != '2' or r != -1 or err != errno.EPERM:
        return 'seccomp filter not active (Seccomp: %s, add_key -> %d, errno %d)' % (mode, r, err)
    return None


_problem = seccomp_problem()
if _problem:
    sys.stderr.write('stepwise worker: refusing to run: %s\n' % _problem)
    sys.stderr.flush()
    sys.exit(3)

_t0 = time.time()
# Warm-up: everything a step program typically imports, imported once before any fork.
import math, cmath, fractions, decimal, itertools, functools, collections, random, re  # noqa: E401,E402
import statistics, string, operator, heapq, bisect, copy, typing, numbers  # noqa: E401,E402
import contextlib, traceback  # noqa: E401,E402
import numpy  # noqa: E402
import sympy  # noqa: E402
from sympy import symbols as _symbols, solve as _solve, simplify as _simplify  # noqa: E402
from sympy import integrate as _integrate, Rational as _Rational, expand as _expand  # noqa: E402

def _warm():
    x, y = _symbols('x y')
    _solve(x ** 2 - 4, x)
    _solve([x + y - 3, x - y - 1], [x, y])
    _simplify((x ** 2 - 1) / (x - 1))
    _integrate(x ** 2, (x, 0, 1))
    _expand((x + 1) ** 3)
    str(_Rational(1, 3) + _Rational(1, 6))
    sympy.factorint(360)
    sympy.sqrt(8)
    numpy.linalg.solve(numpy.eye(2), numpy.ones(2))
    compile('from sympy import *\nfrom math import *\n', '<string>', 'exec')
    exec('from sympy import *', {})

_warm()
import gc  # noqa: E402
gc.collect()
gc.freeze()  # keep the warmed heap out of the children's GC passes (fewer copy-on-write faults)
WARM_MS = (time.time() - _t0) * 1000

PR_SET_DUMPABLE = 4
# Jobs run under the same uid: without this they could ptrace us or read /proc/1/mem.
_libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
# We are PID 1 of the sandbox: the kernel drops signals from jobs unless we install a handler,
# so ignore everything a job could send us (Python handles SIGINT by default). SIGCHLD stays
# default so that waitpid works.
_IGNORED_IN_WORKER = []
for _sig in signal.valid_signals():
    if _sig in (signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD):
        continue
    try:
        signal.signal(_sig, signal.SIG_IGN)
        _IGNORED_IN_WORKER.append(_sig)
    except (OSError, ValueError):
        pass


def truncate(s, limit=MAX_OUTPUT):
    if len(s) <= limit:
        return s
    mark = '...'
    head = (limit - len(mark)) // 2
    tail = limit - len(mark) - head
    return s[:head] + mark + s[-tail:]


class Capture(io.TextIOBase):
    """A stdout that keeps only the head and tail of what is written (constant memory)."""
    KEEP = 8192

    def __init__(self):
        self.head = []
        self.head_len = 0
        self.tail = ''
        self.total = 0

    def writable(self):
        return True

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError('write() argument must be str, not %s' % type(s).__name__)
        n = len(s)
        self.total += n
        if self.head_len < self.KEEP:
            part = s[:self.KEEP - self.head_len]
            self.head.append(part)
            self.head_len += len(part)
        if self.total > self.KEEP:
            self.tail = (self.tail + s[-self.KEEP:])[-self.KEEP:]
        return n

    def flush(self):
        pass

    def isatty(self):
        return False

    def text(self):
        head = ''.join(self.head)
        if self.total <= self.KEEP:
            return head
        return head + '\n...\n' + self.tail


def format_exc(e):
    name = type(e).__name__
    try:
        msg = str(e)
    except BaseException:
        msg = ''
    return '%s: %s' % (name, msg) if msg else name


def run_program(code):
    """The rStar observation: stdout, or repr of the last expression's value; errors as text."""
    cap = Capture()
    sys.stdout = cap
    sys.stderr = io.StringIO()
    try:
        tree = ast.parse(code, '<string>', 'exec')
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        env = {'__name__': '__main__', '__builtins__': __builtins__}
        exec(compile(tree, '<string>', 'exec'), env)
        value = eval(compile(last, '<string>', 'eval'), env) if last is not None else None
        out = cap.text()
        if out.strip() == '' and value is not None:
            out = repr(value)
        return {'ok': True, 'output': truncate(out.strip()), 'error': None}
    except SystemExit as e:
        if e.code in (None, 0):
            return {'ok': True, 'output': truncate(cap.text().strip()), 'error': None}
        err = truncate(format_exc(e))
        return {'ok': False, 'output': err, 'error': err}
    except BaseException as e:  # noqa: BLE001 - everything the program raises is its observation
        err = truncate(format_exc(e))
        return {'ok': False, 'output': err, 'error': err}


def child_main(cfd, wfd, mem_limit):
    """A pre-forked job process: locks itself down, waits for the job, runs it, reports once."""
    os.setsid()
    # Only the job pipe (closed after reading) and the private result pipe survive; stdio is /dev/null.
    null = os.open('/dev/null', os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    lo, hi = sorted((cfd, wfd))
    os.closerange(3, lo)
    os.closerange(lo + 1, hi)
    os.closerange(hi + 1, 65536)
    os.chdir('/tmp')
    os.umask(0o077)
    for sig in _IGNORED_IN_WORKER:
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # Python's defaults
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # oversize writes raise OSError instead
    rl = resource
    rl.setrlimit(rl.RLIMIT_AS, (mem_limit, mem_limit))
    rl.setrlimit(rl.RLIMIT_NPROC, (NPROC, NPROC))
    rl.setrlimit(rl.RLIMIT_FSIZE, (FSIZE, FSIZE))
    rl.setrlimit(rl.RLIMIT_NOFILE, (NOFILE, NOFILE))
    rl.setrlimit(rl.RLIMIT_CORE, (0, 0))
    rl.setrlimit(rl.RLIMIT_MSGQUEUE, (0, 0))
    rl.setrlimit(rl.RLIMIT_MEMLOCK, (0, 0))
    chunks = []
    while True:
        data = os.read(cfd, 1 << 20)
        if not data:
            break
        chunks.append(data)
    os.close(cfd)
    if not chunks:
        os._exit(0)  # the worker is shutting down
    job = json.loads(b''.join(chunks))
    cpu_s = int(job['cpu_s'])
    rl.setrlimit(rl.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    me = os.getpid()
    result = run_program(job['code'])
    if os.getpid() != me:
        os._exit(0)  # a process the program forked: only the job's own process reports
    try:
        data = json.dumps(result).encode()
        view = memoryview(struct.pack('>I', len(data)) + data)
        while view:
            n = os.write(wfd, view)
            view = view[n:]
    except BaseException:
        pass
    os._exit(0)


def vm_size():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmSize:'):
                return int(line.split()[1]) * 1024
    return 0


def kill_all_others():
    """SIGKILL every process in the sandbox but us, then reap them all (we are their init)."""
    for _ in range(1000):
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            break
        except OSError:
            break
        reap(block=False)
    reap(block=True)


def reap(block):
    while True:
        try:
            pid, _ = os.waitpid(-1, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return
        except InterruptedError:
            continue
        if pid == 0:
            return


class CleanupIncomplete(Exception):
    """The scratch directories could not be emptied (in time): the worker must retire."""


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _rm_tree_contents(root, deadline):
    """Empties directory `root`. No recursion and no path names: only descriptor-relative calls
    on the one directory being worked on, so depth (1,000s of levels, paths beyond PATH_MAX),
    long names, chmod 000 modes and symlinks (never followed) cannot break it, and memory stays
    constant. Raises CleanupIncomplete when something cannot be removed or the deadline passes
    (millions of files): a fresh sandbox is then cheaper than deleting them."""
    fd = os.open(root, _DIR_FLAGS)
    depth = 0
    try:
        while True:
            if time.monotonic() > deadline:
                raise CleanupIncomplete('%s: more left behind than %g s of cleanup' % (root, CLEANUP_BUDGET_S))
            seen = 0
            child = None
            with os.scandir(fd) as it:
                for entry in it:
                    seen += 1
                    if time.monotonic() > deadline:
                        raise CleanupIncomplete('%s: more left behind than %g s of cleanup'
                                                % (root, CLEANUP_BUDGET_S))
                    name = entry.name
                    if not entry.is_dir(follow_symlinks=False):  # d_type, else fstatat(fd)
                        os.unlink(name, dir_fd=fd)  # files, symlinks (not followed), fifos, sockets
                        continue
                    try:
                        os.rmdir(name, dir_fd=fd)
                        continue
                    except OSError as e:
                        if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                            raise
                    child = name
                    break
            if child is not None:
                os.chmod(child, 0o700, dir_fd=fd)  # a chmod 000 directory must be opened
                nfd = os.open(child, _DIR_FLAGS, dir_fd=fd)
                depth += 1
            elif seen:
                nfd = os.open('.', _DIR_FLAGS, dir_fd=fd)  # rescan: empty before going up
            elif depth == 0:
                return
            else:
                nfd = os.open('..', _DIR_FLAGS, dir_fd=fd)  # empty: its parent removes it
                depth -= 1
            os.close(fd)
            fd = nfd
    except OSError as e:
        raise CleanupIncomplete('%s: %s' % (root, format_exc(e)))
    finally:
        os.close(fd)


def clean_scratch(deadline):
    for d in SCRATCH_DIRS:
        try:
            os.chmod(d, 0o1777)
        except OSError:
            pass
        _rm_tree_contents(d, deadline)


def clean_sysv_ipc():
    """Remove SysV shm/sem/msg objects a job left behind (they outlive processes)."""
    for path, fn, cmd in (('/proc/sysvipc/shm', 'shmctl', 0), ('/proc/sysvipc/sem', 'semctl', 0),
                          ('/proc/sysvipc/msg', 'msgctl', 0)):
        try:
            with open(path) as f:
                lines = f.read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) < 2:
                continue
            ident = int(parts[1])
            IPC_RMID = 0
            if fn == 'semctl':
                _libc.semctl(ident, 0, IPC_RMID)
            else:
                getattr(_libc, fn)(ident, IPC_RMID, None)


class Prefork:
    """The next job's process, forked ahead of time so fork cost is off the critical path."""

    def __init__(self):
        mem_limit = vm_size() + MEM_BYTES
        r, w = os.pipe()
        cr, cw = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.close(r)
                os.close(cw)
                child_main(cr, w, mem_limit)
            finally:
                os._exit(70)
        os.close(w)
        os.close(cr)
        self.pid = pid
        self.pidfd = os.pidfd_open(pid)
        self.code_w = cw
        self.result_r = r

    def close(self):
        for fd in (self.code_w, self.result_r, self.pidfd):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.code_w = self.result_r = self.pidfd = None


MEM_POLL_S = 0.025


def rss_anon(pid):
    try:
        with open('/proc/%s/status' % pid) as f:
            for line in f:
                if line.startswith('RssAnon:'):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def job_private_memory(base_anon):
    """Approximate private memory of all job processes (anonymous RSS beyond what fork shared)."""
    pids = [p for p in os.listdir('/proc') if p.isdigit() and p != '1']
    if len(pids) <= 1:
        return 0  # a single process is bounded by RLIMIT_AS
    return sum(max(0, rss_anon(p) - base_anon) for p in pids)


def scratch_inodes():
    """Inodes in use in the scratch tmpfs mounts (files, directories, links of the job)."""
    n = 0
    for d in SCRATCH_DIRS:
        try:
            st = os.statvfs(d)
            n += st.f_files - st.f_ffree
        except OSError:
            pass
    return n


def _fail(err, timed_out=False):
    return {'ok': False, 'output': err, 'error': err, 'timed_out': timed_out}


def run_job(job, pf):
    """Hands the job to the pre-forked process and waits for its framed result (or the limit)."""
    t0 = time.monotonic()
    code = job.get('code', '')
    if not isinstance(code, str):
        code = ''
    timeout = max(0.05, float(job.get('timeout_ms', 10000)) / 1000.0)
    cpu_s = max(1, int(timeout * CPU_FRACTION + 0.999))
    deadline = t0 + timeout
    try:
        data = json.dumps({'code': code, 'cpu_s': cpu_s}).encode()
        # The child reads while we write, so a large program cannot deadlock on the pipe buffer.
        view = memoryview(data)
        while view:
            n = os.write(pf.code_w, view[:65536])
            view = view[n:]
        os.close(pf.code_w)
        pf.code_w = None
    except OSError as e:
        return _fail('RuntimeError: sandbox child failed (%s)' % format_exc(e))
    buf = bytearray()
    need = None
    status = None
    rusage = None
    timed_out = False
    overflow = False
    r, pidfd = pf.result_r, pf.pidfd
    rlist = [r, pidfd]
    mem_exceeded = False
    files_exceeded = False
    base_anon = rss_anon('self')
    base_inodes = scratch_inodes()
    while True:
        now = time.monotonic()
        left = deadline - now
        if left <= 0:
            timed_out = True
            break
        # RLIMIT_AS bounds each process; the sum over a job's processes is polled here.
        if now - t0 > MEM_POLL_S and job_private_memory(base_anon) > MEM_BYTES:
            mem_exceeded = True
            break
        # tmpfs bounds bytes, not inodes (a million empty files is ~1 GB of kernel memory)
        if scratch_inodes() - base_inodes > MAX_FILES:
            files_exceeded = True
            break
        ready, _, _ = select.select(rlist, [], [], min(left, MEM_POLL_S))
        if r in ready:
            data = os.read(r, 65536)
            if not data:
                rlist.remove(r)
            else:
                buf += data
                if need is None and len(buf) >= 4:
                    need = 4 + struct.unpack('>I', bytes(buf[:4]))[0]
                    if need > RESULT_CAP:
                        overflow = True
                        break
                if need is not None and len(buf) >= need:
                    break  # complete: answer now, clean up after replying
                if len(buf) > RESULT_CAP:
                    overflow = True
                    break
        if pidfd in ready:
            _, status, rusage = os.wait4(pf.pid, 0)
            if r in rlist:
                os.set_blocking(r, False)
                while len(buf) <= RESULT_CAP:
                    try:
                        data = os.read(r, 65536)
                    except BlockingIOError:
                        break
                    if not data:
                        break
                    buf += data
            break
    ms = (time.monotonic() - t0) * 1000
    if timed_out:
        res = _fail('TimeoutError: execution exceeded %g s wall-clock limit' % timeout, True)
    elif files_exceeded:
        res = _fail('OSError: the program created more than %d files and directories '
                    '(the limit for one step)' % MAX_FILES)
    elif mem_exceeded:
        res = _fail('MemoryError: the program\'s processes together exceeded %d MB' % (MEM_BYTES >> 20))
    elif overflow:
        res = _fail('RuntimeError: result too large')
    else:
        parsed = None
        if len(buf) >= 4:
            n = struct.unpack('>I', bytes(buf[:4]))[0]
            if len(buf) >= 4 + n:
                try:
                    parsed = json.loads(bytes(buf[4:4 + n]).decode('utf-8', 'replace'))
                except ValueError:
                    parsed = None
        sig = os.WTERMSIG(status) if status is not None and os.WIFSIGNALED(status) else None
        cpu_used = (rusage.ru_utime + rusage.ru_stime) if rusage is not None else 0.0
        if isinstance(parsed, dict) and isinstance(parsed.get('output'), str):
            ok = parsed.get('ok') is True
            error = parsed.get('error')
            if not isinstance(error, str):
                error = None
            if not ok and error is None:
                error = 'RuntimeError: program failed'
            res = {'ok': ok, 'output': truncate(parsed['output']),
                   'error': truncate(error) if error else None, 'timed_out': False}
        elif sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu_used >= cpu_s - 0.05):
            res = _fail('TimeoutError: CPU time limit exceeded (%d s)' % cpu_s, True)
        elif sig is not None:
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = str(sig)
            err = 'RuntimeError: program killed by %s' % name
            if sig in (signal.SIGSEGV, signal.SIGBUS, signal.SIGKILL):
                err += ' (memory or resource limit?)'
            res = _fail(err)
        else:
            res = _fail('RuntimeError: program exited without a result')
    res['ms'] = round(ms, 3)
    return res


def cleanup(pf):
    """After every job: nothing of it survives into the next one. Returns None, or why the
    worker cannot promise that and must retire."""
    deadline = time.monotonic() + CLEANUP_BUDGET_S
    try:
        kill_all_others()
        pf.close()
        clean_sysv_ipc()
        clean_scratch(deadline)
    except CleanupIncomplete as e:
        return 'cleanup incomplete: %s' % e
    except BaseException as e:  # noqa: BLE001 - whatever happened, the next job must not see it
        return 'cleanup failed: %s' % format_exc(e)
    return None


def main():
    proto_in = sys.stdin.buffer
    proto_out = sys.stdout.buffer

    def send(obj):
        proto_out.write(json.dumps(obj).encode() + b'\n')
        proto_out.flush()

    pf = Prefork()
    send({'ready': True, 'warm_ms': round(WARM_MS, 1), 'pid': os.getpid(), 'uid': os.getuid(),
          'python': sys.version.split()[0], 'sympy': sympy.__version__, 'numpy': numpy.__version__})
    while True:
        line = proto_in.readline()
        if not line:
            break
        try:
            job = json.loads(line)
            if not isinstance(job, dict):
                raise ValueError('not an object')
        except ValueError:
            send({'id': None, 'fatal': 'bad request'})
            continue
        try:
            res = run_job(job, pf)
        except BaseException as e:  # keep serving; report the failure as the step's error
            res = _fail('RuntimeError: sandbox worker error: %s' % format_exc(e))
            res['ms'] = 0
        res['id'] = job.get('id')
        send(res)
        job_pid = pf.pid
        why = cleanup(pf)
        if why is None:
            try:
                pf = Prefork()
            except BaseException as e:  # noqa: BLE001
                why = 'cannot fork the next job: %s' % format_exc(e)
            else:
                # The next job's pid is the PID counter: unless this job's process was the only
                # one it made (no process, no thread), the counter carries a number from it, so
                # the next job gets a fresh sandbox (a fresh PID namespace) instead.
                if pf.pid != job_pid + 1:
                    why = 'the job started processes or threads (%d pids used): fresh PID namespace for the next' % (
                        pf.pid - job_pid - 1)
        if why is not None:
            # Do not read another job: the pool hands it to a fresh worker (fresh tmpfs too).
            send({'retire': True, 'reason': truncate(why, 500)})
            return
    cleanup(pf)


if __name__ == '__main__':
    main()
