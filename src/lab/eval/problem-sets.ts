/**
 * Problem sets for evaluation: SynthMath splits (the project's own, data/synth) and the public
 * benchmarks, which are third-party and read from the data directory (`dataDir()`:
 * --data-dir, STEPWISE_DATA_DIR or ../shared/data; `./stepwise data fetch` downloads them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { dataDir, repoPath } from '../../paths';
import { generateProblems, type Split } from '../synth/generator';
import type { EvalProblem } from './evaluate';

export const BENCHMARKS: Record<string, string> = {
  math500: 'math500.jsonl',
  gsm8k: 'gsm8k_test.jsonl',
  aime2024: 'aime2024.jsonl',
  aime2025: 'aime2025.jsonl',
  amc23: 'amc23.jsonl',
};

const SYNTH: Record<string, Split> = {
  'synth-id': 'test-id',
  'synth-ood': 'test-ood',
  'synth-id-v3': 'test-id-v3',
  'synth-ood-v3': 'test-ood-v3',
  'synth-train': 'train',
  'synth-synthesis': 'synthesis',
};

/** The project's own evaluation-only sets (data/<dir>/<file>): never trained or calibrated on. */
const OWN: Record<string, string[]> = {
  everyday: ['everyday', 'chat-questions.jsonl'],
};

export const PROBLEM_SETS = [...Object.keys(SYNTH), ...Object.keys(OWN), ...Object.keys(BENCHMARKS)];

/** Reads JSONL lines {id?, problem|question, answer}. */
export function readProblemFile(file: string): EvalProblem[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const r = JSON.parse(l) as Record<string, unknown>;
      const question = String(r.question ?? r.problem ?? '');
      if (!question || r.answer === undefined) throw new Error(`${file}:${i + 1}: each line needs "problem" (or "question") and "answer"`);
      const { problem: _p, question: _q, answer: _a, solution: _s, ...fields } = r;
      return { id: String(r.id ?? i + 1), question, answer: String(r.answer), fields };
    });
}

/** Where a benchmark's file is looked for: `<data dir>/benchmarks/<file>`. */
export function benchmarkPath(name: string, dir?: string): string {
  return path.join(dataDir(dir), 'benchmarks', BENCHMARKS[name]!);
}

/** The message for a benchmark whose file is absent. */
export function missingBenchmarkMessage(name: string, file: string): string {
  return (
    `the ${name} benchmark is not in the data directory (${file} does not exist). Benchmarks are third-party data and are not in the repository: ` +
    `run ./stepwise data fetch ${name} (downloads it into the data directory), or point --data-dir / STEPWISE_DATA_DIR at a folder with benchmarks/${BENCHMARKS[name]} ` +
    `(the default is ../shared/data next to the checkout). See data/SOURCES.md.`
  );
}

/** A named set (synth-ood, math500, …) or a JSONL file path. `dir` overrides the data directory. */
export function loadProblemSet(name: string, count = 200, dir?: string): EvalProblem[] {
  if (name in SYNTH) {
    const file = repoPath('data', 'synth', `${SYNTH[name]}.jsonl`);
    if (fs.existsSync(file)) return readProblemFile(file);
    return generateProblems({ split: SYNTH[name], count, seed: 1 }).map((p) => ({
      id: p.id,
      question: p.question,
      answer: p.answer,
      fields: { family: p.family, template: p.template, novelty: p.novelty, steps: p.steps },
    }));
  }
  if (name in OWN) return readProblemFile(repoPath('data', ...OWN[name]!));
  if (name in BENCHMARKS) {
    const file = benchmarkPath(name, dir);
    if (!fs.existsSync(file)) throw new Error(missingBenchmarkMessage(name, file));
    return readProblemFile(file);
  }
  if (fs.existsSync(name)) return readProblemFile(name);
  throw new Error(`unknown problem set "${name}": use one of ${PROBLEM_SETS.join(', ')} or a JSONL file`);
}
