/** What `./stepwise solve` prints for a result: the engine's step parts, numbered once. */
import { formatResult } from '../../src/cli/commands/solve';
import { triangleResult } from '../render/helpers';

describe('./stepwise solve output', () => {
  const r = triangleResult();
  const text = formatResult(r);
  const lines = text.split('\n');

  test('each step is numbered once, with its comment, its code indented and its output', () => {
    const steps = lines.filter((l) => /^Step \d+/.test(l));
    expect(steps.length).toBe(r.trajectory.filter((s) => s.kind !== 'answer').length);
    for (const l of steps) expect(l).not.toMatch(/^Step \d+: Step \d+/i);
    expect(lines.some((l) => /^ {4}\S/.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}→ \S/.test(l))).toBe(true);
  });

  test('the answer step shows its prose and the final answer line follows', () => {
    expect(text).toMatch(/Answer step: .*\\boxed\{/);
    expect(text).toMatch(/Final answer: \S+/);
  });
});
