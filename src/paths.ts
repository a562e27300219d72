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
