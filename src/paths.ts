import fs from 'node:fs';
import path from 'node:path';

/** The repository root (the nearest folder above this file with package.json), from src/ or dist/. */
function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, '..');
  }
}

export const REPO_ROOT = findRoot(__dirname);

/** A path inside the repository. */
export const repoPath = (...parts: string[]): string => path.join(REPO_ROOT, ...parts);

/**
 * Where third-party data lives (benchmark sets, public training sets, peers' test cases): it is
 * never committed. `--data-dir` (passed as `override`), else `STEPWISE_DATA_DIR`, else
 * `../shared/data` next to the checkout.
 */
export function dataDir(override?: string): string {
  const dir = override ?? process.env.STEPWISE_DATA_DIR;
  return dir ? path.resolve(dir) : path.resolve(REPO_ROOT, '..', 'shared', 'data');
}

/** Peers' model fixtures (the tiny random Qwen2 export): `STEPWISE_FIXTURES_DIR`, else `../shared/fixtures`. */
export function fixturesDir(): string {
  const dir = process.env.STEPWISE_FIXTURES_DIR;
  return dir ? path.resolve(dir) : path.resolve(REPO_ROOT, '..', 'shared', 'fixtures');
}
