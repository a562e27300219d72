/** Issue 16.5: a step's computation as math, from its Python code and what the program printed. */
import { assignmentTex, printedValueTex, programWorking, pythonExprTex } from '../../src/render/code-math';
import { discordMessages } from '../../src/render/discord';
import { checkTex } from '../../src/render/latex';
import { slackFileRef, slackMessages } from '../../src/render/slack';
import { buildThread } from '../../src/render/thread';
import type { SearchResult, Step } from '../../src/engine/search/types';
import { withParts } from '../../src/engine/steps/format';
import { threadBlocks } from '../../src/render';
import { fakeImages, noImages, triangleResult } from './helpers';

describe('Python assignment → LaTeX', () => {
  test.each([
    ['total = 3 * 12 - 7', '29', '\\text{total} = 3 \\times 12 - 7 = 29'],
    ['total = 3 * 12 - 7', undefined, '\\text{total} = 3 \\times 12 - 7'],
    ['left = apples - 7', '29', '\\text{left} = \\text{apples} - 7 = 29'],
    ['x = (a + b) / 2', undefined, 'x = \\frac{a + b}{2}'],
    ['share = total // 4', undefined, '\\text{share} = \\left\\lfloor \\frac{\\text{total}}{4} \\right\\rfloor'],
    ['r = n % 7', '3', 'r = n \\bmod 7 = 3'],
    ['area = pi * r**2', undefined, '\\text{area} = \\pi \\times r^{2}'],
    ['y = (x + 1)**2', undefined, 'y = \\left(x + 1\\right)^{2}'],
    ['d = math.sqrt(b**2 - 4*a*c)', undefined, 'd = \\sqrt{b^{2} - 4 \\times a \\times c}'],
    ['p = Rational(3, 4) * 8', '6', 'p = \\frac{3}{4} \\times 8 = 6'],
    ['g = math.gcd(12, 18)', '6', 'g = \\gcd\\left(12, 18\\right) = 6'],
    ['n = comb(5, 2) + factorial(3)', '16', 'n = \\binom{5}{2} + 3! = 16'],
    ['m = abs(x1 - x2)', undefined, 'm = \\left|x_{1} - x_{2}\\right|'],
    ['z = -a - -b', undefined, 'z = -a - \\left(-b\\right)'],
    ['k = sp.log(8, 2)', '3', 'k = \\log_{2}\\left(8\\right) = 3'],
    ['theta = 2 * alpha', undefined, '\\theta = 2 \\times \\alpha'],
    ['speed = distance / time  # km per hour', '60.0', '\\text{speed} = \\frac{\\text{distance}}{\\text{time}} = 60.0'],
    [
      'XM = math.sqrt((2 * XY**2 + 2 * XZ**2 - YZ**2) / 4)',
      '8.94427190999916',
      '\\text{XM} = \\sqrt{\\frac{2 \\times \\text{XY}^{2} + 2 \\times \\text{XZ}^{2} - \\text{YZ}^{2}}{4}} \\approx 8.94427190999916',
    ],
    ['s = sqrt(80)', '4*sqrt(5)', 's = \\sqrt{80} = 4 \\times \\sqrt{5}'],
    ['q = Fraction(7, 2)', '7/2', 'q = \\frac{7}{2}'],
    ['big = 1.5e6 * rate', undefined, '\\text{big} = 1.5 \\times 10^{6} \\times \\text{rate}'],
  ])('%s (printed %s)', (line, printed, want) => {
    const got = assignmentTex(line, printed);
    expect(got).toBe(want);
    expect(checkTex(got!, true).ok).toBe(true);
  });

  test.each([
    'name = "Tom"',
    'xs = [1, 2, 3]',
    'y = xs[0] + 1',
    'ok = a == b',
    'f = lambda t: t + 1',
    'y = x if x > 0 else -x',
    'total += 5',
    'a, b = 1, 2',
    'r = eq.subs(x, 2)',
    'r = solve(eq, x, dict=True)',
    'v = (1, 2)',
    '    inner = a * b',
    'x = 12',
    'y = x',
    'z = -3',
    'w = ((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))) + 1',
    'print(x)',
    'import math',
  ])('no formula for %j', (line) => {
    expect(assignmentTex(line, '1')).toBeNull();
  });

  test('a printed value is only used when it parses as a number or expression', () => {
    expect(printedValueTex('29')).toBe('29');
    expect(printedValueTex('sqrt(2)/2')).toBe('\\frac{\\sqrt{2}}{2}');
    expect(printedValueTex('[2, 3]')).toBeNull();
    expect(printedValueTex('The answer is 5')).toBeNull();
    expect(printedValueTex('1\n2')).toBeNull();
    expect(assignmentTex('s = a + b', 'True')).toBe('s = a + b');
    expect(pythonExprTex('2 ** -1')).toBe('2^{-1}');
  });
});

describe('values come only from what the program printed', () => {
  test('print in a later step ties the value to the assignment before it', () => {
    const w = programWorking([
      { code: 'apples = 3 * 12', output: undefined, ok: true },
      { code: 'left = apples - 7\nprint(left)', output: '29', ok: true },
    ]);
    expect(w).toEqual([['\\text{apples} = 3 \\times 12'], ['\\text{left} = \\text{apples} - 7 = 29']]);
    const later = programWorking([
      { code: 'a = 2 * 3', output: undefined, ok: true },
      { code: 'b = a + 1\nprint(a)\nprint(b)', output: '6\n7', ok: true },
    ]);
    expect(later).toEqual([['a = 2 \\times 3 = 6'], ['b = a + 1 = 7']]);
  });

  test('no value when prints and printed lines do not match one to one, in a loop, after a rebinding, or on an error', () => {
    expect(programWorking([{ code: 'a = 2 * 3\nprint(a, a)\nprint(a)', output: '6 6', ok: true }])).toEqual([['a = 2 \\times 3']]);
    expect(programWorking([{ code: 'a = 2 * 3\nfor i in range(3):\n    a = a + i\nprint(a)', output: '9', ok: true }])).toEqual([
      ['a = 2 \\times 3'],
    ]);
    expect(
      programWorking([
        { code: 'a = 2 * 3', output: undefined, ok: true },
        { code: 'for i in range(3):\n    a = a + i', output: undefined, ok: true },
        { code: 'print(a)', output: '9', ok: true },
      ]),
    ).toEqual([['a = 2 \\times 3'], [], []]);
    expect(programWorking([{ code: 'a = 2 * 3\na += 1\nprint(a)', output: '7', ok: true }])).toEqual([['a = 2 \\times 3']]);
    expect(programWorking([{ code: 'a = 3 / 0\nprint(a)', output: 'ZeroDivisionError: division by zero', ok: false }])).toEqual([[]]);
  });
});

/** The toy word problem as the engine returns it: no LaTeX anywhere in the text. */
function wordProblem(): SearchResult {
  const trajectory: Step[] = (
    [
      { text: '<code>\n# Step 1: 3 boxes of 12 apples\napples = 3 * 12\n<end_of_step>', kind: 'code', valid: true, terminal: false },
      { text: '\n# Step 2: he gives 7 away\nleft = apples - 7\n<end_of_step>', kind: 'code', valid: true, terminal: false },
      {
        text: '\n# Now print the final answer\nprint(left)\n<end_of_code>',
        kind: 'code_end',
        valid: true,
        terminal: false,
        observation: { ok: true, output: '29', timedOut: false },
      },
      { text: '\n<answer>Tom has 29 apples left.<end_of_answer>', kind: 'answer', valid: true, terminal: true, answer: '29' },
    ] as Omit<Step, 'parts'>[]
  ).map(withParts);
  return triangleResult({
    question: 'Tom has 3 boxes of 12 apples and gives 7 away. How many apples are left?',
    answer: '29',
    trajectory,
    alternatives: [{ answer: '29', votes: 4, share: 1, bestScore: 0.8 }],
  });
}

describe('what a reader sees for a word problem', () => {
  const t = buildThread(wordProblem());
  const WORK = '$$\\text{apples} = 3 \\times 12$$\n$$\\text{left} = \\text{apples} - 7 = 29$$';

  test('no LaTeX in the text, yet the working is typeset: one image of formulas per step', () => {
    expect(t.question.mode).toBe('text');
    expect(t.steps.map((s) => [s.label, s.explanation?.mode, s.work?.mode, s.work?.source])).toEqual([
      ['Steps 1–3', 'text', 'image', WORK],
    ]);
    expect(
      threadBlocks(t)
        .filter((b) => b.mode === 'image')
        .map((b) => b.id),
    ).toEqual(['step-01-work']);
    // unmerged, the value printed in step 3 still belongs to the assignment in step 2
    const unmerged = buildThread(wordProblem(), { mergeBookkeeping: false });
    expect(unmerged.steps.map((s) => s.work?.source ?? null)).toEqual([
      '$$\\text{apples} = 3 \\times 12$$',
      '$$\\text{left} = \\text{apples} - 7 = 29$$',
      null,
    ]);
  });

  test('Discord: every step message carries its formula image', () => {
    const msgs = discordMessages(t, fakeImages(t));
    const steps = msgs.filter((m) => /^\*\*Steps? \d/.test(m.content));
    expect(steps.map((m) => m.files.map((f) => [f.name, f.description]))).toEqual([
      [['step-01-work.png', 'apples = 3 × 12; left = apples − 7 = 29']],
    ]);
    const unmerged = buildThread(wordProblem(), { mergeBookkeeping: false });
    const each = discordMessages(unmerged, fakeImages(unmerged)).filter((m) => /^\*\*Step \d/.test(m.content));
    expect(each.map((m) => m.files.map((f) => f.name))).toEqual([['step-01-work.png'], ['step-02-work.png'], []]);
    // practice mode: the last step's working shows the answer, so it is a spoiler
    const practice = discordMessages(t, fakeImages(t), { spoiler: true }).filter((m) => /^\*\*Steps? \d/.test(m.content));
    expect(practice.map((m) => m.files.map((f) => [f.name, f.description]))).toEqual([
      [['SPOILER_step-01-work.png', 'Spoiler: the answer, typeset']],
    ]);
    // without images: the formulas as readable text under the output
    const plain = discordMessages(t, noImages())
      .map((m) => m.content)
      .join('\n');
    expect(plain).toContain('Output: `29`\napples = 3 × 12\nleft = apples − 7 = 29');
  });

  test("Slack: the working is an image at the end of the step's own message", () => {
    const msgs = slackMessages(t, fakeImages(t));
    const withWork = msgs.filter((m) => m.files.some((f) => f.filename === 'step-01-work.png'));
    expect(withWork).toHaveLength(1);
    const m = withWork[0];
    expect(m.files.map((f) => [f.filename, f.title])).toEqual([['step-01-work.png', 'Steps 1–3, worked out']]);
    expect((m.blocks[0] as { text: { text: string } }).text.text).toMatch(/^\*Steps 1–3\*/);
    expect(m.blocks[m.blocks.length - 1]).toMatchObject({ type: 'image', slack_file: { id: slackFileRef('step-01-work.png') } });
  });

  test('a step whose code is not understood has no formula, and the rest still do', () => {
    const r = wordProblem();
    r.trajectory[0] = withParts({
      ...r.trajectory[0],
      parts: undefined,
      text: '<code>\n# Step 1: the boxes\nboxes = [12, 12, 12]\napples = sum(boxes)\n<end_of_step>',
    });
    const tt = buildThread(r);
    expect(tt.steps[0].work?.source).toBe('$$\\text{apples} = \\operatorname{sum}\\left(\\text{boxes}\\right)$$');
    r.trajectory[0] = withParts({
      ...r.trajectory[0],
      parts: undefined,
      text: '<code>\n# Step 1: the boxes\napples = len([12] * 3) * 12 if True else 0\n<end_of_step>',
    });
    const t2 = buildThread(r);
    expect(t2.steps[0].work).toBeNull();
    expect(t2.steps[1].work?.source).toBe('$$\\text{left} = \\text{apples} - 7 = 29$$');
  });

  test('the rStar triangle: the median formula with its printed value', () => {
    const tr = buildThread(triangleResult());
    expect(tr.steps[0].work?.source).toBe(
      '$$\\text{XM} = \\sqrt{\\frac{2 \\times \\text{XY}^{2} + 2 \\times \\text{XZ}^{2} - \\text{YZ}^{2}}{4}} \\approx 8.94427190999916$$',
    );
  });
});
