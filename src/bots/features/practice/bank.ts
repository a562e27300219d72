/**
 * The practice problem bank: AIME 2024, AIME 2025 and AMC 2023 (third-party: read from the data
 * directory's benchmarks/, the same files `./stepwise eval` uses; `./stepwise data fetch` gets them;
 * see data/SOURCES.md) and any club's own JSONL file in the same line format
 * `{id, problem, answer, solution?}`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { answersEqual } from '../../../engine/grading/index';
import { dataDir, repoPath } from '../../../paths';

export type AnswerFormat = 'aime' | 'free';

export interface PracticeProblem {
  /** Unique in its set, e.g. `aime2024-I-1`. */
  id: string;
  set: string;
  problem: string;
  answer: string;
  /** The official solution, when the data has one. */
  solution?: string;
  /** Where the problem and its solution come from (an URL), when known. */
  url?: string;
}

export interface ProblemSet {
  name: string;
  title: string;
  format: AnswerFormat;
  problems: PracticeProblem[];
}

const BUILT_IN: Record<string, { title: string; files: string[] }> = {
  aime: { title: 'AIME 2024 and 2025', files: ['aime2024.jsonl', 'aime2025.jsonl'] },
  aime2024: { title: 'AIME 2024', files: ['aime2024.jsonl'] },
  aime2025: { title: 'AIME 2025', files: ['aime2025.jsonl'] },
  amc23: { title: 'AMC 2023', files: ['amc23.jsonl'] },
};

export const DEFAULT_SET = 'aime';

/** Reads a problem file: JSONL lines `{id?, problem|question, answer, solution?, url?}`. */
export function readProblems(file: string, set: string): PracticeProblem[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: PracticeProblem[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`${file}:${i + 1}: not a JSON line`);
    }
    const problem = String(r.problem ?? r.question ?? '').trim();
    if (!problem || r.answer === undefined || String(r.answer).trim() === '') {
      throw new Error(`${file}:${i + 1}: each line needs "problem" (or "question") and "answer"`);
    }
    let id = String(r.id ?? `${set}-${i + 1}`);
    if (seen.has(id)) id = `${id}#${i + 1}`;
    seen.add(id);
    const solution = typeof r.solution === 'string' && r.solution.trim() ? r.solution : undefined;
    out.push({ id, set, problem, answer: String(r.answer).trim(), solution, url: typeof r.url === 'string' ? r.url : undefined });
  });
  if (out.length === 0) throw new Error(`${file}: no problems`);
  return out;
}

/** AIME format when every answer is an integer 0-999 or the set is named aime…. */
export function formatOf(name: string, problems: PracticeProblem[]): AnswerFormat {
  if (/^aime/i.test(name)) return 'aime';
  return problems.every((p) => /^\d{1,3}$/.test(p.answer) && Number(p.answer) <= 999) ? 'aime' : 'free';
}

export interface BankOptions {
  /** Extra JSONL files (a club's own sets); the set name is the file name without .jsonl. */
  files?: string[];
  /** Folder of the built-in sets (default `<data dir>/benchmarks`). */
  benchmarksDir?: string;
  /** The data directory (default `dataDir()`: STEPWISE_DATA_DIR or ../shared/data). */
  dataDir?: string;
  /** Folder scanned for club sets (default data/problems). */
  clubDir?: string;
}

export class ProblemBank {
  private readonly cache = new Map<string, ProblemSet>();
  private readonly files = new Map<string, string>();
  private readonly benchmarksDir: string;

  constructor(opts: BankOptions = {}) {
    this.benchmarksDir = opts.benchmarksDir ?? path.join(dataDir(opts.dataDir), 'benchmarks');
    const clubDir = opts.clubDir ?? repoPath('data', 'problems');
    if (fs.existsSync(clubDir)) {
      for (const f of fs.readdirSync(clubDir)) if (f.endsWith('.jsonl')) this.files.set(setNameOf(f), path.join(clubDir, f));
    }
    for (const f of opts.files ?? []) this.files.set(setNameOf(f), path.resolve(f));
  }

  /** Names of the sets one can start a session with (built-in ones only when their files are there). */
  names(): string[] {
    return [...new Set([...Object.keys(BUILT_IN).filter((k) => this.hasBuiltIn(k)), ...this.files.keys()])];
  }

  private hasBuiltIn(key: string): boolean {
    return !!BUILT_IN[key] && BUILT_IN[key].files.every((f) => fs.existsSync(path.join(this.benchmarksDir, f)));
  }

  /** How to add a set, for messages when none (or not the one asked for) is available. */
  howToAdd(): string {
    return (
      'To add one: an operator runs `./stepwise data fetch aime2024` (or aime2025, amc23, all) on the bot host, ' +
      `which downloads the public AIME/AMC files into the data directory (${this.benchmarksDir}; set STEPWISE_DATA_DIR to move it), ` +
      'or names a club\'s own JSONL file in STEPWISE_PRACTICE_FILES (lines {"id", "problem", "answer", "solution"?}).'
    );
  }

  /** A set by name (throws with the list of names when unknown or unreadable). */
  get(name: string = DEFAULT_SET): ProblemSet {
    const key = name.trim().toLowerCase();
    const hit = this.cache.get(key);
    if (hit) return hit;
    let set: ProblemSet;
    const file = this.files.get(key);
    if (file) {
      const problems = readProblems(file, key);
      set = { name: key, title: key, format: formatOf(key, problems), problems };
    } else if (BUILT_IN[key] && !this.hasBuiltIn(key)) {
      const others = this.names();
      throw new Error(
        `The ${BUILT_IN[key].title} set is not installed on this server (its files are not in ${this.benchmarksDir}). ${this.howToAdd()}` +
          (others.length ? ` Sets available now: ${others.join(', ')}.` : ''),
      );
    } else if (BUILT_IN[key]) {
      const b = BUILT_IN[key];
      const problems = b.files.flatMap((f) => readProblems(path.join(this.benchmarksDir, f), key));
      set = { name: key, title: b.title, format: formatOf(key, problems), problems };
    } else {
      const names = this.names();
      throw new Error(
        names.length
          ? `Unknown problem set "${name}". Choose one of: ${names.join(', ')}.`
          : `Unknown problem set "${name}", and no problem set is installed on this server. ${this.howToAdd()}`,
      );
    }
    this.cache.set(key, set);
    return set;
  }

  /** A problem by id in any set (e.g. `aime2024-I-1`), or null. */
  find(id: string): PracticeProblem | null {
    const want = id.trim().toLowerCase();
    if (!want || /\s/.test(want)) return null;
    for (const name of this.names()) {
      let set: ProblemSet;
      try {
        set = this.get(name);
      } catch {
        continue;
      }
      const p = set.problems.find((q) => q.id.toLowerCase() === want);
      if (p) return p;
    }
    return null;
  }
}

function setNameOf(file: string): string {
  return path
    .basename(file)
    .replace(/\.jsonl$/i, '')
    .toLowerCase();
}

/** Checks a member's answer; returns the normalised value or a clear message. */
export function validateAnswer(format: AnswerFormat, raw: string): { ok: true; value: string } | { ok: false; message: string } {
  const v = raw
    .trim()
    .replace(/^\\boxed\{(.*)\}$/, '$1')
    .replace(/^\$(.*)\$$/, '$1')
    .trim();
  if (format === 'aime') {
    if (/^\d{1,3}$/.test(v)) return { ok: true, value: String(Number(v)) };
    return {
      ok: false,
      message: `AIME answers are whole numbers from 0 to 999 (like 7, 042 or 204); "${raw.trim().slice(0, 40)}" is not one. This did not use an attempt.`,
    };
  }
  if (!v) return { ok: false, message: 'The answer is empty. This did not use an attempt.' };
  if (v.length > 100) return { ok: false, message: 'That answer is too long (at most 100 characters). This did not use an attempt.' };
  return { ok: true, value: v };
}

/** Whether a (validated) answer is correct. */
export function isCorrect(format: AnswerFormat, gold: string, value: string): boolean {
  if (format === 'aime') return Number(gold) === Number(value);
  return answersEqual(gold, value);
}
