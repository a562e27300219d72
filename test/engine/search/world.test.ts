import { resolveConfig } from '../../../src/engine/search';
import { dedupeCandidates, depthLimitStep, solutionLogprob, StepWorld, tokenProbability } from '../../../src/engine/search/world';
import type { Policy, Sample } from '../../../src/engine/models/types';
import { ToyExecutor } from '../../helpers/scripted';

/** A policy returning fixed samples, to check how the step world classifies them. */
function fixed(samples: Sample[]): Policy {
  return { name: 'fixed', stop: [], sample: async (reqs) => reqs.map(() => samples) };
}

const world = (samples: Sample[]) =>
  new StepWorld(
    'q',
    { policy: fixed(samples), executor: new ToyExecutor(), sameAnswer: (a, b) => a === b },
    resolveConfig({ strategy: 'greedy' }),
  );

describe('the step world', () => {
  test('classifies, executes and explains each candidate', async () => {
    const [steps] = await world([
      { text: '<code>\nx = 2 * 3\n<end_of_step>', finish: 'stop' },
      { text: '<code>\nx = 1 / 0\n<end_of_step>', finish: 'stop' },
      { text: '<code>\nx = 2 *', finish: 'length' },
      { text: '\n<answer>The answer is 6.<end_of_answer>', finish: 'stop' },
    ]).expand([[]], 4, 1, { dedupe: false });
    expect(steps[0]).toMatchObject({ kind: 'code', valid: true, terminal: false });
    expect(steps[1]).toMatchObject({ valid: false, terminal: true });
    expect(steps[1].invalidReason).toMatch(/ZeroDivisionError/);
    expect(steps[2]).toMatchObject({ kind: 'partial', valid: false, invalidReason: 'the step did not finish within the token limit' });
    expect(steps[3]).toMatchObject({ kind: 'answer', valid: false, invalidReason: 'the answer has no \\boxed{} value' });
  });

  test('splices the real output into a <end_of_code> step', async () => {
    const w = world([{ text: '\nprint(x + 1)\n<end_of_code>', finish: 'stop' }]);
    const [before] = await world([{ text: '<code>\nx = 41\n<end_of_step>', finish: 'stop' }]).expand([[]], 1);
    const [[end]] = await w.expand([[before[0]]], 1);
    expect(end.text).toBe('\nprint(x + 1)\n<end_of_code>\n<output>42<end_of_output>');
    expect(end.observation?.output).toBe('42');
  });

  test('de-duplicates siblings and keeps only the first candidate that ends the answer', () => {
    const a = '\n<answer>\\boxed{1}<end_of_answer>';
    const b = '\n<answer>\\boxed{2}<end_of_answer>';
    expect(dedupeCandidates(['x', 'x ', a, 'y', b, a])).toEqual(['x', a, 'y']);
  });
});

describe("the policy's certainty of its steps", () => {
  test("each step keeps its sample's log-probability and token count; the solution's is the mean per token", async () => {
    const [[code]] = await world([
      { text: '<code>\nx = 6 * 7\nprint(x)\n<end_of_code>', finish: 'stop', logprob: { sum: -0.4, tokens: 4 } },
    ]).expand([[]], 1);
    expect(code.logprob).toEqual({ sum: -0.4, tokens: 4 });
    const [[answer]] = await world([
      { text: '\n<answer>\\boxed{42}<end_of_answer>', finish: 'stop', logprob: { sum: -2, tokens: 2 } },
    ]).expand([[code]], 1);
    expect(answer.logprob).toEqual({ sum: -2, tokens: 2 });
    // geometric mean per token over the 6 tokens: exp(-2.4 / 6)
    expect(tokenProbability([code, answer])).toBeCloseTo(Math.exp(-0.4), 9);
    expect(solutionLogprob([code, answer])).toBeCloseTo(-2.4, 9);
    // the depth limit's marker is not a step the model wrote
    expect(tokenProbability([code, answer, depthLimitStep()])).toBeCloseTo(Math.exp(-0.4), 9);
  });

  test('a step from a backend without log-probabilities leaves the solution unmeasured', async () => {
    const [[plain]] = await world([{ text: '<code>\nx = 1\n<end_of_step>', finish: 'stop' }]).expand([[]], 1);
    expect(plain.logprob).toBeUndefined();
    const [[measured]] = await world([{ text: '<code>\ny = 2\n<end_of_step>', finish: 'stop', logprob: { sum: -0.1, tokens: 1 } }]).expand(
      [[]],
      1,
    );
    expect(tokenProbability([measured, plain])).toBeNull();
    expect(solutionLogprob([measured, plain])).toBeNull();
    expect(tokenProbability([])).toBeNull();
  });

  test('after de-duplication each step keeps the figures of its own sample', async () => {
    const [steps] = await world([
      { text: '<code>\na = 1\n<end_of_step>', finish: 'stop', logprob: { sum: -0.2, tokens: 2 } },
      { text: '<code>\na = 1\n<end_of_step>', finish: 'stop', logprob: { sum: -0.2, tokens: 2 } },
      { text: '<code>\nb = 2\n<end_of_step>', finish: 'stop', logprob: { sum: -3, tokens: 3 } },
    ]).expand([[]], 3);
    expect(steps.map((s) => s.logprob)).toEqual([
      { sum: -0.2, tokens: 2 },
      { sum: -3, tokens: 3 },
    ]);
  });
});

describe('answer verification against the program output', () => {
  const after = async (answerText: string, answerMustMatchOutput = true) => {
    const w = new StepWorld(
      'q',
      { policy: fixed([{ text: answerText, finish: 'stop' }]), executor: new ToyExecutor(), sameAnswer: (a, b) => Number(a) === Number(b) },
      resolveConfig({ strategy: 'greedy', answerMustMatchOutput }),
    );
    const [[code]] = await world([{ text: '<code>\nx = 6 * 7\nprint(x)\n<end_of_code>', finish: 'stop' }]).expand([[]], 1);
    const [[answer]] = await w.expand([[code]], 1);
    return answer;
  };

  test('an answer that restates the printed value is kept', async () => {
    expect(await after('\n<answer>So \\boxed{42}.<end_of_answer>')).toMatchObject({ valid: true, answer: '42' });
  });

  test('an answer that contradicts what the program printed is an invalid step', async () => {
    const a = await after('\n<answer>So \\boxed{336}.<end_of_answer>');
    expect(a).toMatchObject({ valid: false, terminal: true });
    expect(a.invalidReason).toBe('the answer 336 is not what the program printed (42)');
  });

  test('an answer that rounds the printed value to its own decimals is kept; a different number is not', async () => {
    const third = async (answer: string) => {
      const w = new StepWorld(
        'q',
        {
          policy: fixed([{ text: `\n<answer>So \\boxed{${answer}}.<end_of_answer>`, finish: 'stop' }]),
          executor: new ToyExecutor(),
          sameAnswer: (a, b) => Number(a) === Number(b),
        },
        resolveConfig({ strategy: 'greedy' }),
      );
      const [[code]] = await world([{ text: '<code>\nprint(44 / 3)\n<end_of_code>', finish: 'stop' }]).expand([[]], 1);
      expect(code.observation?.output).toBe('14.666666666666666');
      return (await w.expand([[code]], 1))[0][0];
    };
    expect(await third('14.67')).toMatchObject({ valid: true, answer: '14.67' });
    expect(await third('15')).toMatchObject({ valid: true, answer: '15' });
    expect(await third('14.6')).toMatchObject({
      valid: false,
      invalidReason: 'the answer 14.6 is not what the program printed (14.666666666666666)',
    });
    expect(await third('16')).toMatchObject({ valid: false });
  });

  test('the check can be switched off in the config', async () => {
    expect(await after('\n<answer>So \\boxed{336}.<end_of_answer>', false)).toMatchObject({ valid: true, answer: '336' });
  });
});
