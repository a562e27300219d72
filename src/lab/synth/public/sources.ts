/**
 * Reads the public training sets as staged in `<train-dir>/` (../shared/data/train/SOURCES.md)
 * and pairs each problem with its converter. Files that are missing are reported, not fatal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { convertDm, dmProblem, type DmRecord } from './dm-mathematics';
import { convertDolphin, dolphinProblem, type DolphinRecord } from './dolphin';
import type { Conversion, PublicProblem, SourceName } from './format';
import { convertGsm8k, gsm8kProblem, type Gsm8kRecord } from './gsm8k';
import { convertMathQa, mathqaProblem, type MathQaRecord } from './mathqa';
import { convertMwp, mwpProblem, type MwpRecord } from './mwp-equations';

export interface SourceItem {
  problem: PublicProblem;
  convert: () => Conversion;
}

export interface SourceRead {
  source: SourceName;
  items: SourceItem[];
  /** Files looked for and not found. */
  missing: string[];
}

const readJsonl = (file: string): unknown[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
const readJson = (file: string): unknown[] => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown[];

/** The files of a source, relative to the train dir. */
export const SOURCE_FILES: Record<SourceName, string[]> = {
  gsm8k: ['gsm8k/train.jsonl'],
  alg514: ['alg514/trainset.json', 'alg514/validset.json', 'alg514/testset.json'],
  draw: ['draw/trainset.json', 'draw/validset.json', 'draw/testset.json'],
  dolphin1878: ['dolphin1878/trainset.json', 'dolphin1878/validset.json', 'dolphin1878/testset.json'],
  mathqa: ['mathqa_filtered/MathQA_val.json', 'mathqa_filtered/MathQA_test.json'],
  dm_mathematics: ['dm_mathematics/sample_level0.jsonl', 'dm_mathematics/sample_level1.jsonl', 'dm_mathematics/sample_level2.jsonl'],
};

/** Reads one source (at most `limit` problems: the first ones in file order). */
export function readSource(trainDir: string, source: SourceName, limit = Infinity): SourceRead {
  const items: SourceItem[] = [];
  const missing: string[] = [];
  for (const rel of SOURCE_FILES[source]) {
    const file = path.join(trainDir, rel);
    if (!fs.existsSync(file)) {
      missing.push(rel);
      continue;
    }
    if (items.length >= limit) break;
    const rows = file.endsWith('.jsonl') ? readJsonl(file) : readJson(file);
    const tag = path.basename(rel).replace(/\.(jsonl|json)$/, '');
    rows.forEach((row, i) => {
      if (items.length >= limit) return;
      switch (source) {
        case 'gsm8k': {
          const r = row as Gsm8kRecord;
          items.push({ problem: gsm8kProblem(r, i), convert: () => convertGsm8k(r) });
          break;
        }
        case 'alg514':
        case 'draw': {
          const r = row as MwpRecord;
          items.push({ problem: mwpProblem(r, source), convert: () => convertMwp(r) });
          break;
        }
        case 'dolphin1878': {
          const r = row as DolphinRecord;
          items.push({ problem: dolphinProblem(r), convert: () => convertDolphin(r) });
          break;
        }
        case 'mathqa': {
          const r = row as MathQaRecord;
          items.push({ problem: mathqaProblem(r, `${tag.replace(/^MathQA_/, '')}-${i}`), convert: () => convertMathQa(r) });
          break;
        }
        case 'dm_mathematics': {
          const r = row as DmRecord;
          items.push({ problem: dmProblem(r, i), convert: () => convertDm(r) });
          break;
        }
      }
    });
  }
  return { source, items, missing };
}
