import { search } from '../../../src/engine/search';
import { gradeTrees, knownAnswerValue, type GradedTree } from '../../../src/lab/synth/known-answer';
import { editDistanceAtLeast, pairRecords, sftRecords } from '../../../src/lab/synth/pairs';
import { QUESTION, toyDeps } from '../../engine/toy-problem';

const prompt = (q: string, partial: string) =>
  `<|user|>:\n${q}\n\n<|assistant|>: Let's think step by step and solve the problem with code.${partial}`;

async function toyTrees(): Promise<GradedTree[]> {
  const { scorer: _none, ...deps } = toyDeps();
  const r = await search(
    QUESTION,
    deps,
    { strategy: 'mcts', backup: 'terminal-guided', rollouts: 12, candidates: 12, seed: 1 },
    {
      terminalValue: knownAnswerValue('29'),
    },
  );
  return gradeTrees(r.trees ?? [], '29');
}

describe('training data from MCTS trees', () => {
  test('SFT keeps the top-2 distinct correct trajectories in rStar sft format', async () => {
    const sft = sftRecords(QUESTION, await toyTrees());
    expect(sft.length).toBeGreaterThanOrEqual(1);
    expect(sft.length).toBeLessThanOrEqual(2);
    for (const r of sft) {
      expect(r.query).toBe(QUESTION);
      expect(r.response).toContain('\\boxed{29}');
      expect(r.response.startsWith('<code>')).toBe(true);
    }
    if (sft.length === 2) expect(sft[0].mean_q).toBeGreaterThanOrEqual(sft[1].mean_q);
  });

  test('step pairs prefer the sibling that leads to the correct answer, with margin and edit distance', async () => {
    const pairs = pairRecords(QUESTION, await toyTrees(), prompt);
    const step = pairs.filter((p) => p.kind === 'step');
    expect(step.length).toBeGreaterThan(0);
    for (const p of step) {
      expect(p.q_pos - p.q_neg).toBeGreaterThanOrEqual(0.5);
      expect(editDistanceAtLeast(p.pos, p.neg, 20)).toBe(true);
      expect(p.prompt.startsWith('<|user|>:\n' + QUESTION)).toBe(true);
      expect(p.prompt.endsWith(p.prefix)).toBe(true);
    }
    const first = step.filter((p) => p.depth === 0);
    expect(first.every((p) => p.pos.includes('3 * 12') && !p.neg.includes('3 * 12'))).toBe(true);
    const finals = pairs.filter((p) => p.kind === 'final');
    expect(finals.length).toBeGreaterThan(0);
    for (const f of finals) {
      expect(f.pos).toContain('\\boxed{29}');
      expect(f.neg).not.toContain('\\boxed{29}');
    }
  });

  test('siblings closer than the margin make no pair', () => {
    const leaf = (id: number, text: string, Q: number, correct: boolean): GradedTree => ({
      id,
      text,
      kind: 'answer',
      valid: true,
      terminal: true,
      answer: correct ? '1' : '2',
      N: 1,
      Q,
      correct,
      children: [],
    });
    const root: GradedTree = {
      id: 0,
      text: '',
      kind: 'root',
      valid: true,
      terminal: false,
      N: 2,
      Q: 0,
      children: [
        leaf(1, '\n<answer>It is \\boxed{1} because of the first reason.<end_of_answer>', 0.2, true),
        leaf(2, '\n<answer>Totally different: \\boxed{2}!<end_of_answer>', -0.1, false),
      ],
    };
    expect(pairRecords('q', [root], prompt).filter((p) => p.kind === 'step')).toHaveLength(0);
    root.children[1].Q = -1;
    expect(pairRecords('q', [root], prompt).filter((p) => p.kind === 'step')).toHaveLength(1);
  });

  test('edit distance threshold', () => {
    expect(editDistanceAtLeast('abc', 'abd', 2)).toBe(false);
    expect(editDistanceAtLeast('kitten', 'sitting', 3)).toBe(true);
    expect(editDistanceAtLeast('kitten', 'sitting', 4)).toBe(false);
  });
});

const { sharedData, describeIfShared } = require('../../helpers/shared-data') as typeof import('../../helpers/shared-data');
const RSTAR_EXAMPLES = sharedData('rstar_math_format_examples.jsonl');

describeIfShared('held-out pairs in context (rStar examples from the data directory)', [RSTAR_EXAMPLES], () => {
  const { toContextPair } = require('../../../src/lab/eval/evaluate') as typeof import('../../../src/lab/eval/evaluate');
  test('reads rStar-Math rstar_ppm records and our own synthesis records alike', () => {
    const { readJsonl } = require('../../helpers/shared-data') as typeof import('../../helpers/shared-data');
    const records = readJsonl<any>(RSTAR_EXAMPLES).filter((e: { kind: string }) => e.kind === 'rm_pairwise');
    for (const e of records) {
      const p = toContextPair(e.record);
      const template = (q: string, partial: string) =>
        `<|user|>:\n${q}\n<|assistant|>: Let's think step by step and solve the problem with code.${partial}`;
      // the pair in context is the same text the PPM was trained on
      expect(template(p.question, p.prefix + p.pos).replace(/\n+<\|assistant/, '\n<|assistant')).toBe(
        (e.record.prompt + e.record.pos).replace(/\n+<\|assistant/, '\n<|assistant'),
      );
    }
    expect(toContextPair({ question: 'q', prefix: 'a', pos: 'b', neg: 'c' })).toEqual({ question: 'q', prefix: 'a', pos: 'b', neg: 'c' });
  });
});
