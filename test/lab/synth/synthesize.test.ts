import { synthesize } from '../../../src/lab/synth/synthesize';
import { QUESTION, toyDeps } from '../../engine/toy-problem';

const prompt = (q: string, partial: string) =>
  `<|user|>:\n${q}\n\n<|assistant|>: Let's think step by step and solve the problem with code.${partial}`;

describe('MCTS data synthesis', () => {
  test('terminal-guided synthesis over problems with known answers yields SFT records and PPM pairs', async () => {
    const { scorer: _none, ...deps } = toyDeps();
    const sft: { id: string; response: string }[] = [];
    const pairs: { id: string; pos: string; neg: string }[] = [];
    const progress: number[] = [];
    const problems = [
      { id: 'a', question: QUESTION, answer: '29' },
      { id: 'b', question: QUESTION + ' ', answer: '8' }, // same tree, the other answer is "correct"
      { id: 'c', question: QUESTION + '  ', answer: '1000' }, // unsolvable: no SFT record
    ];
    const summary = await synthesize(
      problems,
      deps,
      {
        mode: 'terminal-guided',
        rollouts: 10,
        candidates: 12,
        maxDepth: 8,
        seed: 1,
        concurrency: 2,
        temperature: 1,
        prompt,
        onProgress: (d) => progress.push(d),
      },
      { sft: (r) => sft.push(r), pair: (r) => pairs.push(r) },
    );
    expect(summary).toMatchObject({ problems: 3, solved: 2, failed: 0 });
    expect(progress.sort()).toEqual([1, 2, 3]);
    expect(sft.filter((r) => r.id === 'a').every((r) => r.response.includes('\\boxed{29}'))).toBe(true);
    expect(sft.filter((r) => r.id === 'b').every((r) => r.response.includes('\\boxed{8}'))).toBe(true);
    expect(sft.some((r) => r.id === 'c')).toBe(false);
    const finalA = pairs.filter((p) => p.id === 'a' && p.pos.includes('<answer>'));
    expect(finalA.length).toBeGreaterThan(0);
    expect(finalA.every((p) => p.pos.includes('\\boxed{29}'))).toBe(true);
  });

  test('PPM-augmented synthesis needs a scorer and uses it on new steps', async () => {
    const deps = toyDeps();
    const summary = await synthesize(
      [{ id: 'a', question: QUESTION, answer: '29' }],
      deps,
      { mode: 'ppm-augmented', rollouts: 6, candidates: 12, maxDepth: 8, seed: 2, concurrency: 1, temperature: 1, prompt },
      { sft: () => {}, pair: () => {} },
    );
    expect(summary.solved).toBe(1);
    expect(deps.scorer.calls).toBeGreaterThan(0);
  });
});
