/**
 * Peer-compatibility tests read third-party data that is not in the repository: benchmark sets,
 * graders' test cases and rStar's format examples from `dataDir()` (STEPWISE_DATA_DIR, else
 * ../shared/data) and the tiny random Qwen2 fixture from `fixturesDir()` (STEPWISE_FIXTURES_DIR,
 * else ../shared/fixtures). They run when those files are there (they are, in CI) and are skipped
 * with a printed reason otherwise. Everything else uses data the tests make themselves.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dataDir, fixturesDir } from '../../src/paths';

/** A file in the data directory (e.g. sharedData('benchmarks', 'math500.jsonl')). */
export const sharedData = (...parts: string[]): string => path.join(dataDir(), ...parts);

/** A file or folder in the fixtures directory (e.g. sharedFixture('tiny-random-qwen2')). */
export const sharedFixture = (...parts: string[]): string => path.join(fixturesDir(), ...parts);

/** The files of `needs` that are absent. */
export const missing = (needs: string[]): string[] => needs.filter((f) => !fs.existsSync(f));

/** Whether every file in `needs` exists. */
export const haveShared = (needs: string[]): boolean => missing(needs).length === 0;

const printed = new Set<string>();

/** Why a block is skipped, printed once per block. */
export function skipReason(name: string, needs: string[]): string | null {
  const absent = missing(needs);
  if (!absent.length) return null;
  const reason =
    `skipped "${name}": needs third-party data that is not in the repository (${absent.join(', ')}). ` +
    'Set STEPWISE_DATA_DIR / STEPWISE_FIXTURES_DIR or check out ../shared next to the repository; ' +
    'benchmarks can be fetched with ./stepwise data fetch.';
  if (!printed.has(name)) {
    printed.add(name);
    // eslint-disable-next-line no-console
    console.warn(reason);
  }
  return reason;
}

/** `describe` when every file in `needs` exists, else one skipped test that names the reason. */
export function describeIfShared(name: string, needs: string[], fn: () => void): void {
  const reason = skipReason(name, needs);
  if (reason === null) describe(name, fn);
  else describe(name, () => test.skip(reason, () => undefined));
}

/** Reads a JSONL file into objects. */
export function readJsonl<T = Record<string, unknown>>(file: string): T[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}
