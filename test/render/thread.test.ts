import { confidenceLine } from '../../src/render/text';
import type { Step } from '../../src/engine/search/types';
import { withParts } from '../../src/engine/steps/format';
import { buildThread, threadFromSolutionText } from '../../src/render/thread';
import { discordMessages } from '../../src/render/discord';
import { slackMessages } from '../../src/render/slack';
import { TRIANGLE_QUESTION, TRIANGLE_SOLUTION, fakeImages, triangleResult } from './helpers';

describe('thread model', () => {
  test('snapshot of a search result thread', () => {
    expect(buildThread(triangleResult())).toMatchSnapshot();
  });

  test('bookkeeping steps merge forward, print-only steps merge back, nothing is dropped', () => {
    const t = buildThread(triangleResult());
    expect(t.steps.map((s) => s.label)).toEqual(['Steps 1–3']);
    const s = t.steps[0];
    expect(s.code).toBe('import math\nXY = 12\nXZ = 12\nYZ = 16\nXM = math.sqrt((2 * XY**2 + 2 * XZ**2 - YZ**2) / 4)\nprint(XM)');
    expect(s.explanation?.source).toBe(
      'Define the lengths of the sides of the triangle\nCalculate the length of the median $XM$ using the formula $XM = \\frac{1}{2}\\sqrt{2XY^2 + 2XZ^2 - YZ^2}$',
    );
    expect(s.output).toEqual({ text: '8.94427190999916', ok: true });
    expect(t.final?.source).toBe('From the result, we can see that the length of the median $XM$ is $\\boxed{4\\sqrt{5}}$.');
    const unmerged = buildThread(triangleResult(), { mergeBookkeeping: false });
    expect(unmerged.steps.map((x) => x.label)).toEqual(['Step 1', 'Step 2', 'Step 3']);
  });

  test('header: answer, confidence, strategy, search size, alternatives', () => {
    const t = buildThread(triangleResult());
    expect(t.answer).toBe('4\\sqrt{5}');
    expect(t.answerBlock?.mode).toBe('image');
    expect(t.confidence).toEqual({ score: 0.8312, voteShare: 0.75, votes: 3, totalVotes: 4 });
    expect(t.search).toBe('16 rollouts · 4 runs · 212 nodes · 12.3 s');
    expect(t.alternativesLine).toBe('Other answers considered: 8 (1 vote)');
    expect(confidenceLine(t)).toBe('PPM score 0.83 · 3 of 4 finished solutions agree');
  });

  test("a greedy answer vouched for by the model's certainty says how certain it was", () => {
    const t = buildThread(
      triangleResult({
        strategy: 'greedy',
        confidence: { score: null, voteShare: 1 },
        alternatives: [{ answer: '4\\sqrt{5}', votes: 1, share: 1, bestScore: null }],
        verdict: { sure: true, reasons: [], signals: { voteShare: null, score: null, tokenProb: 0.9671, questionLoss: 2.1 } },
      }),
    );
    expect(t.unsure).toBeNull();
    expect(confidenceLine(t)).toBe('1 of 1 finished solutions · model certainty 96% per token');
    // unreported (a server without log-probabilities): nothing is claimed
    const plain = buildThread(
      triangleResult({
        verdict: { sure: true, reasons: [], signals: { voteShare: 0.75, score: 0.83, tokenProb: null, questionLoss: null } },
      }),
    );
    expect(confidenceLine(plain)).toBe('PPM score 0.83 · 3 of 4 finished solutions agree');
  });

  test('fraction answers are shown in lowest terms, on every platform and in the alternatives', () => {
    const t = buildThread(
      triangleResult({
        answer: '1574/4',
        alternatives: [
          { answer: '1574/4', votes: 3, share: 0.75, bestScore: 0.83 },
          { answer: '\\frac{12}{4}', votes: 1, share: 0.25, bestScore: -0.2 },
        ],
      }),
    );
    expect(t.answer).toBe('787/2');
    expect(t.alternativesLine).toBe('Other answers considered: 3 (1 vote)');
    const discord = discordMessages(t, fakeImages(t))
      .map((m) => m.content)
      .join('\n');
    const slack = JSON.stringify(slackMessages(t, fakeImages(t)));
    for (const text of [discord, slack]) {
      expect(text).toContain('787/2');
      expect(text).not.toContain('1574/4');
    }
    // what is not a plain fraction stays as written
    expect(buildThread(triangleResult({ answer: '2/0' })).answer).toBe('2/0');
    expect(buildThread(triangleResult({ answer: '-\\dfrac{6}{8}' })).answer).toBe('-\\frac{3}{4}');
    expect(buildThread(triangleResult({ answer: '3/4 + x' })).answer).toBe('3/4 + x');
  });

  test('an answer few attempts agree on says so in words', () => {
    const split = triangleResult({
      confidence: { score: 0.83, voteShare: 0.2 },
      alternatives: [
        { answer: '4\\sqrt{5}', votes: 1, share: 0.2, bestScore: 0.83 },
        { answer: '8', votes: 1, share: 0.2, bestScore: -0.2 },
        { answer: '9', votes: 1, share: 0.2, bestScore: -0.3 },
        { answer: '10', votes: 1, share: 0.2, bestScore: -0.4 },
        { answer: '11', votes: 1, share: 0.2, bestScore: -0.5 },
      ],
    });
    expect(confidenceLine(buildThread(split))).toBe('PPM score 0.83 · 1 of 5 finished solutions agree · low agreement: check this answer');
    // two answers that split 1-1 are too few to call
    const two = triangleResult({
      confidence: { score: 0.5, voteShare: 0.5 },
      alternatives: [
        { answer: '4\\sqrt{5}', votes: 1, share: 0.5, bestScore: 0.5 },
        { answer: '8', votes: 1, share: 0.5, bestScore: 0 },
      ],
    });
    expect(confidenceLine(buildThread(two))).not.toMatch(/low agreement/);
  });

  test('no answer found, failed steps and cumulative output', () => {
    const r = triangleResult({ answer: null, alternatives: [] });
    r.trajectory = (
      [
        {
          text: '<code>\n# Step 1: print a\nprint(1)\n<end_of_step>',
          kind: 'code',
          valid: true,
          terminal: false,
          observation: { ok: true, output: '1', timedOut: false },
        },
        {
          text: '\n# Step 2: then b\nprint(2)\n<end_of_step>',
          kind: 'code',
          valid: true,
          terminal: false,
          observation: { ok: true, output: '1\n2', timedOut: false },
        },
        {
          text: '\n# Step 3: divide\nx = 1/0\n<end_of_step>',
          kind: 'code',
          valid: false,
          terminal: true,
          invalidReason: 'ZeroDivisionError: division by zero',
          observation: { ok: false, output: 'ZeroDivisionError: division by zero', timedOut: false },
        },
      ] as Omit<Step, 'parts'>[]
    ).map(withParts);
    const t = buildThread(r);
    expect(t.answer).toBeNull();
    expect(t.answerBlock).toBeNull();
    expect(t.steps.map((s) => s.output)).toEqual([
      { text: '1', ok: true },
      { text: '2', ok: true },
      { text: 'ZeroDivisionError: division by zero', ok: false },
    ]);
    expect(t.steps[2].invalid).toBe('ZeroDivisionError: division by zero');
    expect(t.alternativesLine).toBeNull();
  });

  test('threadFromSolutionText (render CLI) matches buildThread on the same steps', () => {
    const a = threadFromSolutionText(TRIANGLE_QUESTION, TRIANGLE_SOLUTION);
    const b = buildThread(triangleResult());
    expect(a.steps).toEqual(b.steps);
    expect(a.final).toEqual(b.final);
    expect(a.answer).toBe('4\\sqrt{5}');
    expect(a.strategy).toBeNull();
  });

  test('the thread shows the parts the engine parsed for each step, not its own reading of the text', () => {
    const r = triangleResult();
    // the engine's reading of the median step and of the answer differ from their raw text here
    const median = { comment: 'The median, as the engine parsed it', code: 'XM = 4 * math.sqrt(5)', output: '' };
    r.trajectory[1] = { ...r.trajectory[1], parts: median };
    const answer = r.trajectory.length - 1;
    r.trajectory[answer] = { ...r.trajectory[answer], parts: { comment: '', code: '', prose: 'Parsed prose: $\\boxed{4\\sqrt{5}}$.' } };
    const t = buildThread(r, { mergeBookkeeping: false });
    expect(t.steps[1].explanation?.source).toBe('The median, as the engine parsed it');
    expect(t.steps[1].code).toBe('XM = 4 * math.sqrt(5)');
    expect(t.final?.source).toBe('Parsed prose: $\\boxed{4\\sqrt{5}}$.');
  });

  test('a result stored before steps carried their parts (restart resume, answer cache) renders the same', () => {
    const stored = JSON.parse(JSON.stringify(triangleResult())) as ReturnType<typeof triangleResult>;
    for (const step of stored.trajectory) delete (step as Partial<Step>).parts;
    expect(buildThread(stored)).toEqual(buildThread(triangleResult()));
  });

  test('prose solutions become prose steps with the boxed paragraph as the final answer', () => {
    const t = threadFromSolutionText(
      'Q?',
      `First we note $x^2 = 4$.\n\n${'Then more. '.repeat(60)}\n\n[asy]\ndraw((0,0)--(1,1));\n\n[/asy]\n\nSo $x = \\boxed{2}$.`,
    );
    expect(t.answer).toBe('2');
    expect(t.final?.source).toBe('So $x = \\boxed{2}$.');
    expect(t.steps.every((s) => s.code === null)).toBe(true);
    expect(t.steps.map((s) => s.explanation?.segments.some((g) => g.kind === 'diagram'))).toContain(true);
  });
});
