/**
 * Published benchmark formats -> our line format {id, problem, answer, solution?, level?, type?,
 * source, answer_raw?} (data/SOURCES.md). Pure functions of the downloaded bytes.
 */

export interface BenchmarkLine {
  id: string;
  problem: string;
  answer: string;
  solution?: string;
  level?: number;
  type?: string;
  source: string;
  answer_raw?: string;
}

/** Downloaded files by their catalogue name. */
export type Downloaded = Map<string, Buffer>;

function jsonl(buf: Buffer, what: string): Array<{ rec: Record<string, unknown>; line: string }> {
  return buf
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((line, i) => {
      try {
        return { rec: JSON.parse(line) as Record<string, unknown>, line };
      } catch {
        throw new Error(`${what}: line ${i + 1} is not JSON`);
      }
    });
}

function need(files: Downloaded, name: string): Buffer {
  const b = files.get(name);
  if (!b) throw new Error(`missing downloaded file ${name}`);
  return b;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));

/** MATH500 (prm800k math_splits/test.jsonl): {problem, solution, answer, subject, level, unique_id}. */
export function convertMath500(files: Downloaded, name: string, source: string): BenchmarkLine[] {
  return jsonl(need(files, name), name).map(({ rec }) => ({
    id: str(rec.unique_id),
    problem: str(rec.problem),
    answer: str(rec.answer),
    solution: str(rec.solution),
    level: Number(rec.level),
    type: str(rec.subject),
    source,
  }));
}

/** GSM8K test.jsonl: {question, answer: "reasoning\n#### 1,234"}; the answer is after ####, commas removed. */
export function convertGsm8k(files: Downloaded, name: string, source: string): BenchmarkLine[] {
  return jsonl(need(files, name), name).map(({ rec }, i) => {
    const full = str(rec.answer);
    const at = full.lastIndexOf('####');
    if (at < 0) throw new Error(`${name}: line ${i + 1} has no "####" answer`);
    const raw = full.slice(at + 4).trim();
    const answer = raw.replace(/,/g, '');
    return {
      id: `gsm8k-test-${i}`,
      problem: str(rec.question),
      answer,
      solution: full.slice(0, at).trim(),
      source,
      ...(answer !== raw ? { answer_raw: raw } : {}),
    };
  });
}

/** The literal text of a JSON field in a line (JSON.parse turns 27.0 into 27). */
function rawField(line: string, field: string, fallback: unknown): string {
  const m = new RegExp(`"${field}"\\s*:\\s*("(?:[^"\\\\]|\\\\.)*"|[^,}\\s]+)`).exec(line);
  if (!m) return str(fallback);
  return m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : m[1];
}

/** A number-valued answer as an integer string ("025" -> "25", 27.0 -> "27"); refuses non-integers. */
function integerAnswer(raw: string, where: string): string {
  const n = Number(raw.trim());
  if (!Number.isInteger(n)) throw new Error(`${where}: answer "${raw}" is not an integer`);
  return String(n);
}

/** Qwen2.5-Math evaluation/data/aime24/test.jsonl: {problem, solution, answer, url}; ids from the AoPS url. */
export function convertAime2024(files: Downloaded, name: string, source: string): BenchmarkLine[] {
  return jsonl(need(files, name), name).map(({ rec, line }, i) => {
    const raw = rawField(line, 'answer', rec.answer);
    const m = /AIME_(I{1,2})_Problems\/Problem_(\d+)/.exec(str(rec.url ?? ''));
    return {
      id: m ? `aime2024-${m[1]}-${Number(m[2])}` : `aime2024-${i}`,
      problem: str(rec.problem),
      answer: integerAnswer(raw, `${name} line ${i + 1}`),
      answer_raw: raw,
      ...(rec.solution !== undefined ? { solution: str(rec.solution) } : {}),
      source,
    };
  });
}

/** Qwen2.5-Math evaluation/data/amc23/test.jsonl: {problem, answer: 27.0, url}. */
export function convertAmc23(files: Downloaded, name: string, source: string): BenchmarkLine[] {
  return jsonl(need(files, name), name).map(({ rec, line }, i) => {
    const raw = rawField(line, 'answer', rec.answer);
    return { id: `amc23-${i}`, problem: str(rec.problem), answer: integerAnswer(raw, `${name} line ${i + 1}`), answer_raw: raw, source };
  });
}

/** matharena data/aime/aime_2025_{I,II}: problems/{n}.tex and answers.csv ("id,answer" rows). */
export function convertMatharenaAime(files: Downloaded, parts: string[], count: number, year: number, source: string): BenchmarkLine[] {
  const out: BenchmarkLine[] = [];
  for (const part of parts) {
    const dir = `aime_${year}_${part}`;
    const answers = new Map<string, string>();
    for (const row of need(files, `${dir}/answers.csv`).toString('utf8').split('\n')) {
      const [k, v] = row.split(',').map((x) => x?.trim());
      if (k && v !== undefined && /^\d+$/.test(k)) answers.set(String(Number(k)), v);
    }
    for (let n = 1; n <= count; n++) {
      const answer = answers.get(String(n));
      if (answer === undefined) throw new Error(`${dir}/answers.csv has no answer for problem ${n}`);
      out.push({
        id: `aime${year}-${part}-${n}`,
        problem: need(files, `${dir}/problems/${n}.tex`).toString('utf8').trim(),
        answer: integerAnswer(answer, `${dir}/answers.csv problem ${n}`),
        source,
      });
    }
  }
  return out;
}
