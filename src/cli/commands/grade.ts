import * as fs from 'fs';
import * as path from 'path';
import { CliError, parseFlags, type CliCommand } from '../command';
import { createSympyChecker, gradeAnswer, type SymbolicChecker } from '../../engine/grading';
import type { Executor } from '../../engine/exec/types';

const USAGE = `Usage: ./stepwise grade FILE.jsonl [--no-symbolic]

Grades answers. Each input line is {"gold": ..., "pred": ...}; pred may be a whole model
response (the answer is taken from the last \\boxed{}, an "answer is ..." phrase, or the last
number). Prints one line {"equal": true|false} per input line, in order; a malformed line prints
{"equal": false, "error": "..."} and grading continues. Use - to read standard input.

Cheap checks run first (normalization, exact/decimal numbers, structures, identities); when they
fail, a sympy check runs in the sandboxed Python pool. If the sandbox cannot start, a note goes
to stderr and only the cheap checks are used.

Options:
  --no-symbolic   skip the sympy fallback (cheap checks only)`;

/** Loads the sandboxed executor pool if it exists and starts; null (with a stderr note) otherwise. */
async function openExecutor(): Promise<Executor | null> {
  try {
    const mod = (await import(path.join(__dirname, '../../engine/exec/index'))) as {
      createExecutorPool?: () => Executor;
    };
    if (typeof mod.createExecutorPool !== 'function') throw new Error('no executor pool in this build');
    const ex = mod.createExecutorPool();
    const probe = await ex.run('print(1)', { timeoutMs: 30_000 });
    if (!probe.ok) {
      await ex.close().catch(() => undefined);
      throw new Error(probe.error ?? 'probe program failed');
    }
    return ex;
  } catch (err) {
    process.stderr.write(`grade: sandbox unavailable (${(err as Error).message}); using cheap checks only, no sympy fallback\n`);
    return null;
  }
}

function asText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return null;
}

export const command: CliCommand = {
  name: 'grade',
  summary: 'Grade {gold, pred} JSONL lines for answer equivalence',
  usage: USAGE,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parseFlags('grade', args, { 'no-symbolic': { type: 'boolean' } });
    if (positionals.length !== 1) throw new CliError('grade: expected one FILE.jsonl argument. Try ./stepwise grade --help', 2);
    const file = positionals[0];
    let text: string;
    try {
      text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new CliError(`grade: cannot read ${file}: ${(err as Error).message}`);
    }
    const lines = text.split('\n');
    if (lines.length && lines[lines.length - 1].trim() === '') lines.pop();

    let executor: Executor | null = null;
    let symbolic: SymbolicChecker | undefined;
    if (!values['no-symbolic'] && lines.length > 0) {
      executor = await openExecutor();
      if (executor) symbolic = createSympyChecker(executor);
    }
    try {
      for (const line of lines) {
        let out: { equal: boolean; error?: string };
        try {
          if (!line.trim()) throw new Error('empty line');
          const rec = JSON.parse(line) as unknown;
          if (!rec || typeof rec !== 'object' || Array.isArray(rec)) throw new Error('line is not a JSON object');
          const gold = asText((rec as Record<string, unknown>).gold);
          const pred = asText((rec as Record<string, unknown>).pred);
          if (gold === null) throw new Error('missing or non-string "gold"');
          if (pred === null) throw new Error('missing or non-string "pred"');
          out = { equal: await gradeAnswer(gold, pred, { symbolic }) };
        } catch (err) {
          out = { equal: false, error: (err as Error).message };
        }
        process.stdout.write(JSON.stringify(out) + '\n');
      }
    } finally {
      await executor?.close().catch(() => undefined);
    }
    return 0;
  },
};
