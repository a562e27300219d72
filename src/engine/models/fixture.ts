/**
 * The tiny random Qwen2 test fixture as a model directory. Its weights and Qwen's tokenizer are
 * third-party files and are not in the repository: they are read from `fixturesDir()`
 * (`STEPWISE_FIXTURES_DIR`, else ../shared/fixtures). The manifests are the project's own and live
 * in test/fixtures/<name>/. `fixtureModelDir()` puts both together in a temporary folder (symlinks
 * to the fixture files, copies of the manifests), so `--model fixture:tiny-random-qwen2` works.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixturesDir, repoPath } from '../../paths';

export const FIXTURE_PREFIX = 'fixture:';
export const DEFAULT_FIXTURE = 'tiny-random-qwen2';

export class FixtureMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FixtureMissingError';
  }
}

/** Where the third-party files of a fixture are (it may not exist). */
export function fixtureSourceDir(name = DEFAULT_FIXTURE): string {
  return path.join(fixturesDir(), name);
}

/** The project's manifests for a fixture (test/fixtures/<name>/*.json). */
export function fixtureManifestDir(name = DEFAULT_FIXTURE): string {
  return repoPath('test', 'fixtures', name);
}

/** A model directory for the fixture: the fixture's files plus the project's manifests. */
export function fixtureModelDir(name = DEFAULT_FIXTURE): string {
  if (!/^[\w.-]+$/.test(name)) throw new FixtureMissingError(`bad fixture name "${name}"`);
  const src = fixtureSourceDir(name);
  const manifests = fixtureManifestDir(name);
  if (!fs.existsSync(path.join(src, 'config.json')) && !fs.existsSync(path.join(src, 'tokenizer.json'))) {
    throw new FixtureMissingError(
      `the ${name} test fixture is not at ${src}: it is third-party (random weights and Qwen's tokenizer) and not in the repository. ` +
        `Set STEPWISE_FIXTURES_DIR to the folder that holds ${name}/ (the default is ../shared/fixtures next to the checkout).`,
    );
  }
  if (!fs.existsSync(manifests)) throw new FixtureMissingError(`no manifests for fixture ${name} in ${manifests}`);
  const tag = crypto.createHash('sha256').update(`${src}\n${manifests}`).digest('hex').slice(0, 12);
  const out = path.join(os.tmpdir(), `stepwise-fixture-${process.getuid?.() ?? 'u'}-${tag}`, name);
  fs.mkdirSync(out, { recursive: true });
  for (const f of fs.readdirSync(src)) {
    const link = path.join(out, f);
    const target = path.join(src, f);
    let current: string | null = null;
    try {
      current = fs.readlinkSync(link);
    } catch {
      /* absent */
    }
    if (current === target) continue;
    fs.rmSync(link, { force: true });
    try {
      fs.symlinkSync(target, link);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err; // another process won the race
    }
  }
  for (const f of fs.readdirSync(manifests).filter((f) => f.endsWith('.json'))) {
    const dst = path.join(out, f);
    const text = fs.readFileSync(path.join(manifests, f), 'utf8');
    if (!fs.existsSync(dst) || fs.readFileSync(dst, 'utf8') !== text) {
      const tmp = `${dst}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, dst);
    }
  }
  return out;
}

/** `fixture:NAME` -> the assembled directory; anything else unchanged. */
export function resolveModelArg(dirOrFile: string): string {
  return dirOrFile.startsWith(FIXTURE_PREFIX) ? fixtureModelDir(dirOrFile.slice(FIXTURE_PREFIX.length) || DEFAULT_FIXTURE) : dirOrFile;
}
