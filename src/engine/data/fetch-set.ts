/** Fetches one catalogue set: download every file, check pinned sha256s, convert, write atomically. */
import fs from 'node:fs';
import path from 'node:path';
import type { CatalogueEntry } from './catalogue';
import type { Downloaded } from './convert';
import { download, progress, sourceUrl } from './download';

export class ShaMismatchError extends Error {}

export interface FetchReport {
  set: string;
  out: string;
  lines: number;
  files: Array<{ name: string; url: string; sha256: string; pinned: boolean }>;
}

/** Writes `text` to `file` through a temporary file in the same folder and a rename. */
export function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

export async function fetchSet(entry: CatalogueEntry, benchmarksDir: string, log: (line: string) => void): Promise<FetchReport> {
  const got: Downloaded = new Map();
  const files: FetchReport['files'] = [];
  for (const f of entry.files) {
    const url = sourceUrl(f.url, f.name);
    const { bytes, sha256 } = await download(url, progress(`${entry.set}: ${f.name}`));
    if (f.sha256 && f.sha256 !== sha256) {
      throw new ShaMismatchError(`${entry.set}: ${f.name} has sha256 ${sha256}, expected ${f.sha256}; nothing written`);
    }
    got.set(f.name, bytes);
    files.push({ name: f.name, url: url.href, sha256, pinned: Boolean(f.sha256) });
  }
  const lines = entry.convert(got);
  const out = path.join(benchmarksDir, entry.file);
  writeAtomic(out, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  log(`${entry.set}: ${lines.length} problems -> ${out}`);
  log(`  source: ${entry.repo}@${entry.commit}`);
  log(`  licence: ${entry.licence}`);
  for (const f of files) log(`  sha256 ${f.sha256}  ${f.name} ${f.pinned ? '(pinned, verified)' : '(not pinned: compare with the published file)'}`);
  return { set: entry.set, out, lines: lines.length, files };
}
