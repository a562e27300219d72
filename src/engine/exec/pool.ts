import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import type { Writable } from 'node:stream';
import { repoPath } from '../../paths';
import { EngineError } from '../errors';
import { seccompFilter } from './seccomp';
import type { ExecOptions, Executor, Observation } from './types';

/** Limits and wiring of the sandboxed worker pool. Every field has a safe default. */
export interface PoolOptions {
  /** Number of warm sandboxed workers (default 2). */
  workers?: number;
  /** Default wall-clock limit per run in ms (default 10,000). */
  timeoutMs?: number;
  /** CPU-time limit as a fraction of the wall limit, rounded up to whole seconds (default 0.9). */
  cpuFraction?: number;
  /** Memory a job may allocate on top of the warm worker's address space, in MB (default 512). */
  memoryMb?: number;
  /** RLIMIT_NPROC for a job: processes + threads of the sandbox uid (default 64). */
  maxProcesses?: number;
  /** RLIMIT_FSIZE for a job, in MB (default 10). */
  fileSizeMb?: number;
  /** Size of the sandbox's /tmp tmpfs, in MB (default 64); /dev/shm gets 16 MB. */
  tmpSizeMb?: number;
  /** Characters kept of an observation (head + tail, default 1,024). */
  maxOutputChars?: number;
  /** First host uid/gid for the workers when running as root (worker i runs as uidBase + i; default 61000). */
  uidBase?: number;
  /** Extra wall time the worker gets to report before the pool kills and replaces it (default 5,000 ms). */
  graceMs?: number;
  /** Time a worker may take to start and warm up sympy/numpy (default 60,000 ms). */
  startupTimeoutMs?: number;
  /** Most jobs waiting for a worker before run() rejects (default 10,000). */
  maxQueue?: number;
  /**
   * Time the worker may spend emptying /tmp and /dev/shm after a job (default 2,000 ms). A job
   * that left more than that to delete (or something that cannot be deleted) makes the worker
   * retire: the pool replaces it, whose fresh tmpfs is instant, and the next job waits for it.
   */
  cleanupBudgetMs?: number;
  /**
   * Most files, directories and links one job may have in /tmp and /dev/shm at once (default
   * 25,000): each costs host kernel memory until the cleanup, which tmpfs' size limit does not
   * bound. The worker checks every 25 ms and stops a job that goes over ("created too many files").
   */
  maxFiles?: number;
  /** Interpreter inside the sandbox (default Debian's /usr/bin/python3, which has sympy/numpy). */
  python?: string;
  bwrap?: string;
  setpriv?: string;
  /** Start the workers now instead of at the first run (default false). */
  eager?: boolean;
}

/** Thrown (as a rejection of run()) when no sandbox can be started. Code never runs unsandboxed. */
export class SandboxUnavailableError extends EngineError {
  constructor(reason: string) {
    super('sandbox_unavailable', `sandbox unavailable: ${reason}`);
    this.name = 'SandboxUnavailableError';
  }
}

interface Resolved {
  workers: number;
  timeoutMs: number;
  cpuFraction: number;
  memoryMb: number;
  maxProcesses: number;
  fileSizeMb: number;
  tmpSizeMb: number;
  maxOutputChars: number;
  uidBase: number;
  graceMs: number;
  startupTimeoutMs: number;
  maxQueue: number;
  cleanupBudgetMs: number;
  maxFiles: number;
  python: string;
  bwrap: string;
  setpriv: string;
}

function resolveOptions(o: PoolOptions = {}): Resolved {
  return {
    workers: Math.max(1, Math.floor(o.workers ?? 2)),
    timeoutMs: o.timeoutMs ?? 10_000,
    cpuFraction: o.cpuFraction ?? 0.9,
    memoryMb: o.memoryMb ?? 512,
    maxProcesses: o.maxProcesses ?? 64,
    fileSizeMb: o.fileSizeMb ?? 10,
    tmpSizeMb: o.tmpSizeMb ?? 64,
    maxOutputChars: o.maxOutputChars ?? 1024,
    uidBase: o.uidBase ?? 61000,
    graceMs: o.graceMs ?? 5_000,
    startupTimeoutMs: o.startupTimeoutMs ?? 60_000,
    maxQueue: o.maxQueue ?? 10_000,
    cleanupBudgetMs: o.cleanupBudgetMs ?? 2_000,
    maxFiles: o.maxFiles ?? 25_000,
    python: o.python ?? '/usr/bin/python3',
    bwrap: o.bwrap ?? '/usr/bin/bwrap',
    setpriv: o.setpriv ?? '/usr/bin/setpriv',
  };
}

/** The worker script; lives in src/ (dist/ has no .py files), read once. */
export const WORKER_SCRIPT = repoPath('src', 'engine', 'exec', 'worker.py');
let workerSource: string | undefined;
function loadWorkerSource(): string {
  workerSource ??= fs.readFileSync(WORKER_SCRIPT, 'utf8');
  return workerSource;
}

/** Read-only system paths the interpreter, sympy and numpy need. Nothing else of the host is visible. */
function systemBinds(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const p of ['/bin', '/lib', '/lib64', '/sbin', '/lib32', '/libx32']) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(p), p);
    else if (st.isDirectory()) args.push('--ro-bind', p, p);
  }
  for (const p of ['/etc/alternatives', '/etc/ld.so.cache']) {
    if (fs.existsSync(p)) args.push('--ro-bind', p, p);
  }
  return args;
}

/** Descriptor (in bwrap) from which bwrap reads the seccomp program; see spawnSandbox(). */
const SECCOMP_FD = 3;

/**
 * The full command line that starts one sandboxed process (`argv` runs inside the sandbox).
 * bwrap expects the seccomp filter (seccomp.ts) on descriptor 3: start it with spawnSandbox().
 */
export function sandboxCommand(o: Resolved, slot: number, argv: string[]): { file: string; args: string[] } {
  const bwrapArgs = [
    '--seccomp',
    String(SECCOMP_FD),
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--as-pid-1',
    '--hostname',
    'sandbox',
    ...systemBinds(),
    '--size',
    String(o.tmpSizeMb * 1024 * 1024),
    '--tmpfs',
    '/tmp',
    '--proc',
    '/proc',
    '--dev',
    '/dev',
    '--size',
    String(16 * 1024 * 1024),
    '--tmpfs',
    '/dev/shm',
    '--remount-ro',
    '/dev',
    '--remount-ro',
    '/',
    '--chdir',
    '/tmp',
    '--setenv',
    'PATH',
    '/usr/bin:/bin',
    '--setenv',
    'HOME',
    '/tmp',
    '--setenv',
    'LANG',
    'C.UTF-8',
    '--setenv',
    'OPENBLAS_NUM_THREADS',
    '1',
    '--setenv',
    'OMP_NUM_THREADS',
    '1',
    '--setenv',
    'MKL_NUM_THREADS',
    '1',
    ...argv,
  ];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) return { file: o.bwrap, args: bwrapArgs };
  // As root RLIMIT_NPROC is not enforced: drop to a dedicated unprivileged uid/gid first.
  const id = String(o.uidBase + slot);
  return {
    file: o.setpriv,
    args: [`--reuid=${id}`, `--regid=${id}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--', o.bwrap, ...bwrapArgs],
  };
}

/**
 * Spawns bwrap (via setpriv when root) with an empty environment, stdio pipes and the seccomp
 * program on descriptor 3. Throws when no filter exists for this architecture: never a sandbox
 * without it.
 */
function spawnSandbox(o: Resolved, slot: number, argv: string[]): ChildProcessWithoutNullStreams {
  let filter: Buffer;
  try {
    filter = seccompFilter();
  } catch (e) {
    throw new Error(`cannot build the seccomp filter: ${(e as Error).message}`);
  }
  const { file, args } = sandboxCommand(o, slot, argv);
  // Empty environment: nothing of ours (tokens, keys) reaches bwrap or the sandbox.
  const proc = spawn(file, args, { env: {}, stdio: ['pipe', 'pipe', 'pipe', 'pipe'], detached: true, cwd: '/' });
  const fd3 = proc.stdio[SECCOMP_FD] as Writable | null;
  if (fd3) {
    fd3.on('error', () => undefined); // bwrap failed to start: reported through 'error' / 'exit'
    fd3.end(filter); // bwrap reads to EOF, then closes it before running anything
  }
  return proc as ChildProcessWithoutNullStreams;
}

interface Job {
  id: number;
  code: string;
  timeoutMs: number;
  resolve: (o: Observation) => void;
  reject: (e: Error) => void;
  settled: boolean;
  cleanup?: () => void;
}

const MAX_LINE = 1024 * 1024;
const STDERR_KEEP = 4096;

class Worker {
  proc: ChildProcessWithoutNullStreams;
  ready = false;
  dead = false;
  /** The worker said it cannot guarantee a clean next job and is being replaced (not a failure). */
  retiring = false;
  job: Job | null = null;
  private buf = '';
  stderrTail = '';
  private watchdog: NodeJS.Timeout | null = null;
  private startTimer: NodeJS.Timeout | null;
  readonly exited: Promise<void>;

  constructor(
    readonly slot: number,
    o: Resolved,
    private readonly events: {
      onReady(w: Worker, msg: Record<string, unknown>): void;
      onResult(w: Worker, msg: Record<string, unknown>): void;
      onRetire(w: Worker, reason: string): void;
      onDeath(w: Worker, reason: string): void;
    },
  ) {
    const config = JSON.stringify({
      cpu_fraction: o.cpuFraction,
      mem_mb: o.memoryMb,
      nproc: o.maxProcesses,
      fsize_mb: o.fileSizeMb,
      max_output: o.maxOutputChars,
      cleanup_budget_ms: o.cleanupBudgetMs,
      max_files: o.maxFiles,
    });
    this.proc = spawnSandbox(o, slot, [o.python, '-I', '-B', '-c', loadWorkerSource(), config]);
    const file = this.proc.spawnfile;
    this.exited = new Promise((res) => this.proc.once('close', () => res()));
    this.proc.once('error', (e) => this.die(`cannot start ${file}: ${e.message}`));
    this.proc.once('exit', (code, sig) => this.die(`worker exited (${sig ?? `code ${code}`})`));
    this.proc.stdin.on('error', () => undefined);
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (d: string) => this.onData(d));
    this.proc.stderr.setEncoding('utf8');
    this.proc.stderr.on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-STDERR_KEEP);
    });
    this.startTimer = setTimeout(() => this.kill(`worker did not start within ${o.startupTimeoutMs} ms`), o.startupTimeoutMs);
  }

  private onData(d: string): void {
    this.buf += d;
    if (this.buf.length > MAX_LINE) {
      this.kill('protocol line too long');
      return;
    }
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        this.kill('bad protocol line');
        return;
      }
      if (msg.ready === true && !this.ready) {
        this.ready = true;
        if (this.startTimer) clearTimeout(this.startTimer);
        this.startTimer = null;
        this.events.onReady(this, msg);
      } else if (msg.retire === true) {
        // Sent after a job's result, before the worker reads another job: the job we may have
        // sent since has not started, so it is safe to hand it to another worker.
        this.events.onRetire(this, typeof msg.reason === 'string' ? msg.reason.slice(0, 500) : 'retired');
        return;
      } else {
        this.clearWatchdog();
        this.events.onResult(this, msg);
      }
    }
  }

  send(job: Job, graceMs: number, onStuck: () => void): void {
    this.job = job;
    this.watchdog = setTimeout(onStuck, job.timeoutMs + graceMs);
    this.proc.stdin.write(JSON.stringify({ id: job.id, code: job.code, timeout_ms: job.timeoutMs }) + '\n');
  }

  clearWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  kill(reason: string): void {
    if (!this.dead) {
      try {
        // The process group holds setpriv/bwrap; the sandbox itself dies with bwrap (--die-with-parent).
        if (this.proc.pid) process.kill(-this.proc.pid, 'SIGKILL');
      } catch {
        try {
          this.proc.kill('SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    this.die(reason);
  }

  private die(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    this.clearWatchdog();
    if (this.startTimer) clearTimeout(this.startTimer);
    this.startTimer = null;
    try {
      if (this.proc.pid) process.kill(-this.proc.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    const tail = this.stderrTail.trim().split('\n').slice(-3).join(' | ');
    this.events.onDeath(this, tail ? `${reason}: ${tail}` : reason);
  }
}

function failure(error: string, timedOut: boolean, ms?: number): Observation {
  return { ok: false, output: error, error, timedOut, ...(ms !== undefined ? { ms } : {}) };
}

/** A warm pool of bubblewrap-sandboxed Python workers (see docs/sandbox.md). */
export class ExecutorPool implements Executor {
  readonly options: Resolved;
  private workers: (Worker | null)[];
  private queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private started = false;
  private consecutiveStartFailures = 0;
  private unavailable: { reason: string; at: number } | null = null;
  /** Startup info reported by the last worker that became ready (versions, warm-up time). */
  info: Record<string, unknown> | null = null;
  /** Counters for monitoring and tests. */
  readonly stats = { jobs: 0, workerStarts: 0, workerDeaths: 0, workerRetirements: 0, stuckKills: 0 };
  /** Why the last worker retired (for logs and tests). */
  lastRetirement: string | null = null;

  constructor(options?: PoolOptions) {
    this.options = resolveOptions(options);
    this.workers = new Array<Worker | null>(this.options.workers).fill(null);
    if (options?.eager) this.start();
  }

  /** Starts the workers (run() does this lazily). Resolves when at least one is ready or the sandbox fails. */
  async warm(): Promise<void> {
    await this.run('None', { timeoutMs: 5000 });
  }

  private start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    for (let i = 0; i < this.workers.length && !this.unavailable; i++) this.spawnWorker(i);
  }

  private spawnWorker(slot: number): void {
    if (this.closed || this.unavailable) return;
    this.stats.workerStarts++;
    let w: Worker;
    try {
      w = new Worker(slot, this.options, {
        onReady: (wk, msg) => this.onReady(wk, msg),
        onResult: (wk, msg) => this.onResult(wk, msg),
        onRetire: (wk, reason) => this.onRetire(wk, reason),
        onDeath: (wk, reason) => this.onDeath(wk, reason),
      });
    } catch (e) {
      this.markUnavailable((e as Error).message);
      return;
    }
    this.workers[slot] = w;
  }

  private onReady(_w: Worker, msg: Record<string, unknown>): void {
    this.consecutiveStartFailures = 0;
    this.unavailable = null;
    this.info = msg;
    this.dispatch();
  }

  private onResult(w: Worker, msg: Record<string, unknown>): void {
    const job = w.job;
    w.job = null;
    if (job && !job.settled && msg.id === job.id) {
      const ok = msg.ok === true;
      const output = typeof msg.output === 'string' ? msg.output : '';
      const error = typeof msg.error === 'string' ? msg.error : undefined;
      const obs: Observation = { ok, output, timedOut: msg.timed_out === true };
      if (!ok) obs.error = error ?? (output || 'RuntimeError: program failed');
      if (typeof msg.ms === 'number') obs.ms = msg.ms;
      this.settle(job, obs);
    } else if (job && msg.id !== job.id) {
      // Out-of-sync protocol: never trust this worker again.
      if (!job.settled) this.settle(job, failure('RuntimeError: sandbox protocol error', false));
      w.kill('protocol out of sync');
      return;
    }
    this.dispatch();
  }

  private onRetire(w: Worker, reason: string): void {
    w.retiring = true;
    this.lastRetirement = reason;
    const job = w.job;
    w.job = null;
    w.clearWatchdog();
    if (job && !job.settled) this.queue.unshift(job); // never started: it runs on the replacement
    w.kill(`retired: ${reason}`);
    this.dispatch();
  }

  private onDeath(w: Worker, reason: string): void {
    if (w.retiring) this.stats.workerRetirements++;
    else this.stats.workerDeaths++;
    const slot = w.slot;
    if (this.workers[slot] === w) this.workers[slot] = null;
    const job = w.job;
    w.job = null;
    if (job && !job.settled) this.settle(job, failure(`RuntimeError: sandbox worker died (${reason})`, false));
    if (this.closed) return;
    if (!w.ready) {
      this.consecutiveStartFailures++;
      if (this.consecutiveStartFailures >= Math.max(2, this.workers.length)) {
        this.markUnavailable(reason);
        return;
      }
    }
    // Replace it (a short pause if it never came up, to avoid a tight crash loop).
    setTimeout(
      () => {
        if (!this.closed && this.workers[slot] === null && !this.unavailable) this.spawnWorker(slot);
      },
      w.ready ? 0 : 200,
    ).unref();
  }

  private markUnavailable(reason: string): void {
    this.unavailable = { reason, at: Date.now() };
    const err = new SandboxUnavailableError(reason);
    for (const job of this.queue.splice(0)) this.rejectJob(job, err);
    for (let i = 0; i < this.workers.length; i++) {
      const w = this.workers[i];
      if (w && !w.dead) w.kill('sandbox unavailable');
      this.workers[i] = null;
    }
    this.started = false;
  }

  private settle(job: Job, obs: Observation): void {
    if (job.settled) return;
    job.settled = true;
    job.cleanup?.();
    job.resolve(obs);
  }

  private rejectJob(job: Job, err: Error): void {
    if (job.settled) return;
    job.settled = true;
    job.cleanup?.();
    job.reject(err);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const w = this.workers.find((x): x is Worker => !!x && x.ready && !x.dead && x.job === null);
      if (!w) return;
      const job = this.queue.shift()!;
      if (job.settled) continue;
      w.send(job, this.options.graceMs, () => {
        // The worker did not answer in time: kill the whole sandbox and replace it.
        this.stats.stuckKills++;
        const err = `TimeoutError: execution exceeded ${job.timeoutMs / 1000} s wall-clock limit`;
        this.settle(job, failure(err, true, job.timeoutMs));
        w.kill('worker stuck');
      });
    }
  }

  run(program: string, opts: ExecOptions = {}): Promise<Observation> {
    if (this.closed) return Promise.reject(new Error('executor is closed'));
    if (this.unavailable) {
      // Retry a failed sandbox at most every 30 s; until then fail fast.
      if (Date.now() - this.unavailable.at < 30_000) {
        return Promise.reject(new SandboxUnavailableError(this.unavailable.reason));
      }
      this.unavailable = null;
      this.consecutiveStartFailures = 0;
    }
    if (this.queue.length >= this.options.maxQueue) return Promise.reject(new Error('executor queue is full'));
    if (typeof program !== 'string') return Promise.reject(new TypeError('program must be a string'));
    if (opts.signal?.aborted) return Promise.reject(abortError(opts.signal));
    const timeoutMs = Math.max(50, Math.floor(opts.timeoutMs ?? this.options.timeoutMs));
    this.stats.jobs++;
    return new Promise<Observation>((resolve, reject) => {
      const job: Job = { id: this.nextId++, code: program, timeoutMs, resolve, reject, settled: false };
      const signal = opts.signal;
      if (signal) {
        // Aborting drops the job; a running one still finishes (bounded by its timeout) in the worker.
        const onAbort = () => this.rejectJob(job, abortError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        job.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.start();
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new Error('executor is closed');
    for (const job of this.queue.splice(0)) this.rejectJob(job, err);
    const exits: Promise<void>[] = [];
    for (const w of this.workers) {
      if (!w) continue;
      exits.push(w.exited);
      if (w.job && !w.job.settled) this.rejectJob(w.job, err);
      w.kill('pool closed');
    }
    this.workers.fill(null);
    await Promise.all(exits);
  }
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const e = new Error('execution aborted');
  e.name = 'AbortError';
  return e;
}

export interface SandboxCheck {
  ok: boolean;
  /** Why the sandbox cannot start (when ok is false). */
  reason?: string;
  /** Host uid the sandbox runs as, python/sympy/numpy versions seen inside, seccomp mode and keyring status. */
  details?: Record<string, unknown>;
}

const PROBE = `
import ctypes, json, os, platform, socket
d = {'uid': os.getuid(), 'pid': os.getpid(), 'env': sorted(os.environ)}
d['seccomp'] = open('/proc/self/status').read().split('Seccomp:')[1].split()[0]
# add_key(NULL, ...): EFAULT when the call reaches the kernel, EPERM when the filter stops it.
libc = ctypes.CDLL(None, use_errno=True)
nr = {'x86_64': 248, 'aarch64': 217}.get(platform.machine())
r = libc.syscall(nr, None, None, None, 0, -4) if nr else 0
d['keyring'] = 'blocked' if r == -1 and ctypes.get_errno() == 1 else 'reachable'
try:
    import sympy, numpy
    d['sympy'] = sympy.__version__; d['numpy'] = numpy.__version__
except Exception as e:
    d['import_error'] = '%s: %s' % (type(e).__name__, e)
d['passwd'] = os.path.exists('/etc/passwd')
try:
    socket.create_connection(('1.1.1.1', 53), timeout=1); d['net'] = True
except OSError:
    d['net'] = False
print(json.dumps(d))
`;

/** Starts one throw-away sandbox and reports whether bwrap / user namespaces / sympy work here. */
export async function checkSandbox(options?: PoolOptions, timeoutMs = 20_000): Promise<SandboxCheck> {
  const o = resolveOptions(options);
  for (const f of [o.bwrap, o.python]) {
    if (!fs.existsSync(f)) return { ok: false, reason: `${f} not found` };
  }
  return new Promise<SandboxCheck>((resolve) => {
    let out = '';
    let err = '';
    let done = false;
    const finish = (r: SandboxCheck) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    let proc: ChildProcessWithoutNullStreams;
    try {
      proc = spawnSandbox(o, o.workers, [o.python, '-I', '-B', '-c', PROBE]);
    } catch (e) {
      resolve({ ok: false, reason: `cannot start the sandbox: ${(e as Error).message}` });
      return;
    }
    const timer = setTimeout(() => {
      try {
        if (proc.pid) process.kill(-proc.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      finish({ ok: false, reason: `sandbox probe timed out after ${timeoutMs} ms` });
    }, timeoutMs);
    proc.stdin.end();
    proc.stdout.on('data', (d: Buffer) => {
      if (out.length < 65536) out += d.toString();
    });
    proc.stderr.on('data', (d: Buffer) => {
      if (err.length < 65536) err += d.toString();
    });
    proc.once('error', (e) => finish({ ok: false, reason: `cannot start ${proc.spawnfile}: ${e.message}` }));
    proc.once('close', (code) => {
      if (code !== 0) {
        const why = err.trim().split('\n').slice(-2).join(' | ') || `exit code ${code}`;
        const hint = /namespace|Operation not permitted|setting up uid map|No permissions/i.test(why)
          ? ' (user namespaces unavailable? see docs/sandbox.md)'
          : '';
        finish({ ok: false, reason: `${why}${hint}` });
        return;
      }
      let details: Record<string, unknown>;
      try {
        details = JSON.parse(out.trim().split('\n').pop() ?? '') as Record<string, unknown>;
      } catch {
        finish({ ok: false, reason: `unexpected probe output: ${out.slice(0, 200)}` });
        return;
      }
      if (details.import_error)
        finish({ ok: false, reason: `sympy/numpy not importable in the sandbox: ${String(details.import_error)}`, details });
      else if (details.uid === 0) finish({ ok: false, reason: 'sandbox runs as uid 0', details });
      else if (details.net === true) finish({ ok: false, reason: 'sandbox has network access', details });
      else if (details.keyring !== 'blocked')
        finish({ ok: false, reason: 'seccomp filter not active in the sandbox (keyring system calls reachable)', details });
      else finish({ ok: true, details });
    });
  });
}
