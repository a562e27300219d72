/**
 * SynthMath generator version 3 (the wider curriculum of chat-style questions) and the pin that
 * keeps version 2, the default the shipped models were trained on, byte-identical.
 */
import { createHash } from 'node:crypto';
import { createExecutorPool } from '../../../src/engine/exec';
import { generateProblems, type SynthProblem } from '../../../src/lab/synth/generator';
import { problemStats, verifyProblems } from '../../../src/lab/synth/generator/verify';

const digest = (ps: SynthProblem[]) =>
  createHash('sha256')
    .update(ps.map((p) => JSON.stringify(p)).join('\n'))
    .digest('hex');

describe('SynthMath version 2 stays byte-identical', () => {
  test('the default train and synthesis output for seed 1 (sha256 recorded before version 3 existed)', () => {
    const v2Train = '03475d81e6a3238cdf0526909ef5e587276162ce831d10eba2c3a7516ba4fb1c';
    const v2Synthesis = 'ed65b5c5b304dae80b5c233a8ff7426577ff7f2a2fe258cc7081a4fc14360ab8';
    expect(digest(generateProblems({ split: 'train', count: 300, seed: 1 }))).toBe(v2Train);
    expect(digest(generateProblems({ split: 'train', count: 300, seed: 1, version: 2 }))).toBe(v2Train);
    expect(digest(generateProblems({ split: 'synthesis', count: 300, seed: 1 }))).toBe(v2Synthesis);
  });
});

describe('SynthMath version 3: the questions people ask in chat', () => {
  const train = generateProblems({ split: 'train', count: 4200, seed: 5, version: 3 });
  const ood = generateProblems({ split: 'test-ood-v3', count: 300, seed: 5 });
  const questions = train.map((p) => p.question);

  test.each([
    ['percent of', /^What is \d+% of \d+\?$/],
    ['percent off / sale price', /% off/],
    ['percent change', /percent change/],
    ['a bare linear equation', /^Solve (for x: )?-?\d*x [+-] \d+ = -?\d+$/],
    ['a system of equations', /\by\b.*=.*\bx\b|\bx\b.*=.*\by\b/],
    ['gcd', /greatest common (divisor|factor)|\bGCD\b|\bgcd\b/i],
    ['lcm', /least common multiple|\bLCM\b|\blcm\b/i],
    ['primes', /prime/],
    ['probability', /probability/],
    ['counting', /how many ways/i],
    ['evaluating an expression', /^(What is|Calculate|Evaluate) .*[\d)] ?\?|for x = -?\d+/],
    ['an average', /average|mean/i],
    ['an area or a volume', /area|volume/i],
  ])('training covers %s', (_kind, pattern) => {
    expect(questions.filter((q) => pattern.test(q)).length).toBeGreaterThanOrEqual(3);
  });

  test('gold solutions of every version-3 family reproduce their answers in the sandbox', async () => {
    const pool = createExecutorPool({ workers: 1 });
    try {
      const sample = [...train.filter((_, i) => i % 29 === 0), ...ood.filter((_, i) => i % 10 === 0)];
      expect(new Set(sample.map((p) => p.family)).size).toBeGreaterThanOrEqual(14);
      expect(await verifyProblems(sample, pool)).toEqual([]);
    } finally {
      await pool.close();
    }
  }, 120_000);

  test('held-out structures and questions of test-ood-v3 never appear in version-3 training', () => {
    const trainTemplates = new Set(train.map((p) => p.template));
    const seen = new Set(questions);
    for (const p of ood) {
      expect(p.novelty?.length).toBeGreaterThan(0);
      if (p.novelty!.includes('structure')) expect(trainTemplates.has(p.template)).toBe(false);
      expect(seen.has(p.question)).toBe(false);
    }
    expect(ood.some((p) => p.novelty!.includes('structure'))).toBe(true);
  });

  test('problemStats handles a full-size training file (no argument spread over 150k problems)', () => {
    const many = Array.from({ length: 200_000 }, (_, i) => train[i % train.length]!);
    expect(problemStats(many).split('\n')[0]).toBe('200000 problems');
  });
});
