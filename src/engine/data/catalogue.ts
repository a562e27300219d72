/**
 * Where each benchmark set is published (data/SOURCES.md has the full provenance). `./stepwise
 * data fetch` downloads these files and converts them into `<data dir>/benchmarks/<file>`.
 */
import { convertAime2024, convertAmc23, convertGsm8k, convertMatharenaAime, convertMath500, type BenchmarkLine, type Downloaded } from './convert';

export interface RemoteFile {
  /** Name under the mirror (STEPWISE_DATA_MIRROR/<name>) and in the downloaded map. */
  name: string;
  url: string;
  /** sha256 of the published bytes, where they are known; otherwise the download is reported as not pinned. */
  sha256?: string;
}

export interface CatalogueEntry {
  set: string;
  /** Output file in <data dir>/benchmarks/. */
  file: string;
  repo: string;
  commit: string;
  licence: string;
  files: RemoteFile[];
  convert(files: Downloaded): BenchmarkLine[];
}

const raw = (repo: string, commit: string, path: string) => `https://raw.githubusercontent.com/${repo}/${commit}/${path}`;

const SIMPLERL = { repo: 'hkust-nlp/simpleRL-reason', commit: 'cf1c7858bfc145a27aa733e75d930d34f0d318a6' };
const GSM8K = { repo: 'openai/grade-school-math', commit: '3101c7d5072418e28b9008a6636bde82a006892c' };
const QWEN = { repo: 'QwenLM/Qwen2.5-Math', commit: 'a45202bd16f1ec06f433442dc1152d0074773465' };
const MATHARENA = { repo: 'eth-sri/matharena', commit: '96440b20d0b90bb504edb7ee43c0e1e46567569f' };

const src = (r: { repo: string; commit: string }, path: string) => `${r.repo}@${r.commit}:${path}`;

function matharenaFiles(year: number, parts: string[], count: number): RemoteFile[] {
  const files: RemoteFile[] = [];
  for (const part of parts) {
    const dir = `aime_${year}_${part}`;
    files.push({ name: `${dir}/answers.csv`, url: raw(MATHARENA.repo, MATHARENA.commit, `data/aime/${dir}/answers.csv`) });
    for (let n = 1; n <= count; n++) files.push({ name: `${dir}/problems/${n}.tex`, url: raw(MATHARENA.repo, MATHARENA.commit, `data/aime/${dir}/problems/${n}.tex`) });
  }
  return files;
}

const MATH500_PATH = 'examples/simplelr_math_eval/data/math500/test.jsonl';
const GSM8K_PATH = 'grade_school_math/data/test.jsonl';
const AIME24_PATH = 'evaluation/data/aime24/test.jsonl';
const AMC23_PATH = 'evaluation/data/amc23/test.jsonl';

export const CATALOGUE: CatalogueEntry[] = [
  {
    set: 'math500',
    file: 'math500.jsonl',
    ...SIMPLERL,
    licence: 'MIT (openai/prm800k (c) 2023 OpenAI; simpleRL-reason MIT; MATH dataset MIT)',
    // Equal to the Git LFS oid of openai/prm800k prm800k/math_splits/test.jsonl (SOURCES.md).
    files: [{ name: 'math500/test.jsonl', url: raw(SIMPLERL.repo, SIMPLERL.commit, MATH500_PATH), sha256: '35dc41080a3680858b27fa7e0533d2d547825316fc5dafe5d316f4ccc5a06132' }],
    convert: (f) => convertMath500(f, 'math500/test.jsonl', src(SIMPLERL, MATH500_PATH)),
  },
  {
    set: 'gsm8k',
    file: 'gsm8k_test.jsonl',
    ...GSM8K,
    licence: 'MIT (c) 2021 OpenAI',
    files: [{ name: 'gsm8k/test.jsonl', url: raw(GSM8K.repo, GSM8K.commit, GSM8K_PATH) }],
    convert: (f) => convertGsm8k(f, 'gsm8k/test.jsonl', src(GSM8K, GSM8K_PATH)),
  },
  {
    set: 'aime2024',
    file: 'aime2024.jsonl',
    ...QWEN,
    licence: 'MIT (evaluation/LICENSE, (c) 2024 Zhibin Gou); AIME problems (c) MAA',
    files: [{ name: 'aime24/test.jsonl', url: raw(QWEN.repo, QWEN.commit, AIME24_PATH) }],
    convert: (f) => convertAime2024(f, 'aime24/test.jsonl', src(QWEN, AIME24_PATH)),
  },
  {
    set: 'aime2025',
    file: 'aime2025.jsonl',
    ...MATHARENA,
    licence: 'MIT (c) 2024 SRI Lab, ETH Zurich; AIME problems (c) MAA',
    files: matharenaFiles(2025, ['I', 'II'], 15),
    convert: (f) => convertMatharenaAime(f, ['I', 'II'], 15, 2025, src(MATHARENA, 'data/aime/aime_2025_{I,II}')),
  },
  {
    set: 'amc23',
    file: 'amc23.jsonl',
    ...QWEN,
    licence: 'MIT (evaluation/LICENSE, (c) 2024 Zhibin Gou); AMC problems (c) MAA',
    files: [{ name: 'amc23/test.jsonl', url: raw(QWEN.repo, QWEN.commit, AMC23_PATH) }],
    convert: (f) => convertAmc23(f, 'amc23/test.jsonl', src(QWEN, AMC23_PATH)),
  },
];

export const SET_NAMES = CATALOGUE.map((e) => e.set);
