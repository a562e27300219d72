/**
 * The execution check for generated problems: every gold solution is run in the sandbox and must
 * print exactly the problem's answer (what its `<output>` block says).
 */
import type { Executor } from '../../../engine/exec/types';
import { buildProgram, splitSteps } from '../../../engine/steps/format';
import type { SynthProblem } from './index';

export interface VerifyFailure {
  id: string;
  template: string;
  answer: string;
  /** What the program printed, or its error. */
  got: string;
}

/** The Python program of an rStar solution (every code step, in order). */
export const solutionProgram = (solution: string): string => buildProgram(splitSteps(solution), '');

/** Runs every problem's gold solution (problems without one are skipped); returns those that do not reproduce their answer. */
export async function verifyProblems(problems: readonly SynthProblem[], executor: Executor, concurrency = 4): Promise<VerifyFailure[]> {
  const failures: VerifyFailure[] = [];
  const todo = problems.filter((p) => p.solution);
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const p = todo[next++]!;
      const obs = await executor.run(solutionProgram(p.solution!));
      const got = obs.ok ? obs.output.trim() : (obs.error ?? obs.output);
      if (!obs.ok || got !== p.answer) failures.push({ id: p.id, template: p.template, answer: p.answer, got });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return failures.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** Counts per family and per template (and per novelty for OOD splits), for `synth generate --stats`. */
export function problemStats(problems: readonly SynthProblem[]): string {
  const count = (key: (p: SynthProblem) => string[]) => {
    const m = new Map<string, number>();
    for (const p of problems) for (const k of key(p)) m.set(k, (m.get(k) ?? 0) + 1);
    return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  };
  const width = problems.reduce((w, p) => Math.max(w, p.template.length), 8) + 2; // no spread: 150k problems
  const lines = [`${problems.length} problems`];
  const families = count((p) => [p.family]);
  const templates = count((p) => [p.template]);
  lines.push('', `${'family'.padEnd(width)}problems`);
  for (const [k, n] of families) lines.push(`${k.padEnd(width)}${n}`);
  // phrasings: distinct sentence frames (not distractors) a template's problems were worded with
  const frames = new Map<string, Set<string>>();
  for (const p of problems) {
    const set = frames.get(p.template) ?? new Set<string>();
    for (const f of p.frames) if (!f.startsWith('distract.')) set.add(f);
    frames.set(p.template, set);
  }
  lines.push('', `${'template'.padEnd(width)}problems  phrasings`);
  for (const [k, n] of templates) lines.push(`${k.padEnd(width)}${String(n).padEnd(10)}${frames.get(k)!.size}`);
  const novelty = count((p) => p.novelty ?? []);
  if (novelty.length) {
    lines.push('', `${'novelty'.padEnd(width)}problems`);
    for (const [k, n] of novelty) lines.push(`${k.padEnd(width)}${n}`);
  }
  return lines.join('\n') + '\n';
}
