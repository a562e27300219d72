import path from 'node:path';

/** The repository root, whether running from src/ (jest, ts) or dist/ (built CLI). */
export const REPO_ROOT = path.resolve(__dirname, '..');

/** A path inside the repository. */
export const repoPath = (...parts: string[]): string => path.join(REPO_ROOT, ...parts);
