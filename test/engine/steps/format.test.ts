import fs from 'node:fs';
import path from 'node:path';
import {
  buildProgram,
  extractBoxed,
  joinSteps,
  spliceOutput,
  splitSteps,
  stepComment,
  stepKind,
  stepOutput,
  stepParts,
  answerText,
  writtenSteps,
} from '../../../src/engine/steps/format';

const SPEC_EXAMPLE =
  '<code>\n# Step 1: Tom has 3 boxes of 12 apples.\napples = 3 * 12\n<end_of_step>\n# Step 2: He gives 7 away.\nleft = apples - 7\n<end_of_step>\n# Now print the final answer\nprint(left)\n<end_of_code>\n<output>29<end_of_output>\n<answer>Tom has \\boxed{29} apples left.<end_of_answer>';

import { describeIfShared, haveShared, readJsonl, sharedData } from '../../helpers/shared-data';

// rStar's released examples (third-party, from the data directory; skipped when absent)
const RSTAR_EXAMPLES = sharedData('rstar_math_format_examples.jsonl');
const examples: any[] = haveShared([RSTAR_EXAMPLES]) ? readJsonl(RSTAR_EXAMPLES) : [];
void fs;
void path;

describeIfShared('rStar released records (peer compatibility)', [RSTAR_EXAMPLES], () => {
  test.each(examples.map((e) => [e.id, e]))('round-trips the released rStar record %s', (_id, e) => {
    const texts: string[] = e.kind === 'sft' ? [e.record.response] : [e.record.pos, e.record.neg];
    for (const t of texts) {
      const steps = splitSteps(t);
      expect(joinSteps(steps)).toBe(t);
      expect(steps.length).toBeGreaterThanOrEqual(e.kind === 'sft' ? 2 : 1);
    }
    if (e.kind === 'sft') {
      const steps = splitSteps(e.record.response);
      expect(stepKind(steps[steps.length - 1])).toBe('answer');
      expect(extractBoxed(e.record.response)).not.toBeNull();
    }
  });
});

describe('rStar step format', () => {
  test('splits the spec trajectory into its four steps and joins it back exactly', () => {
    const steps = splitSteps(SPEC_EXAMPLE);
    expect(steps.map(stepKind)).toEqual(['code', 'code', 'code_end', 'answer']);
    expect(steps[2]).toContain('<output>29<end_of_output>');
    expect(joinSteps(steps)).toBe(SPEC_EXAMPLE);
    expect(stepComment(steps[0])).toBe('Step 1: Tom has 3 boxes of 12 apples.');
    expect(stepOutput(steps[2])).toBe('29');
    expect(answerText(steps[3])).toBe('Tom has \\boxed{29} apples left.');
  });

  test('the program for a candidate is the code of its ancestors plus its own, markers removed', () => {
    const steps = splitSteps(SPEC_EXAMPLE);
    const program = buildProgram(steps.slice(0, 2), steps[2]);
    expect(program).not.toMatch(/<code>|<end_of_step>|<end_of_code>|<output>/);
    expect(program).toContain('apples = 3 * 12');
    expect(program).toContain('left = apples - 7');
    expect(program.trim().endsWith('print(left)')).toBe(true);
    // an answer step contributes no code
    expect(buildProgram(steps.slice(0, 3), steps[3])).toBe(buildProgram(steps.slice(0, 2), steps[2]));
  });

  test('splices interpreter output after <end_of_code> the way the model was trained', () => {
    expect(spliceOutput('\nprint(1)\n<end_of_code>', '1')).toBe('\nprint(1)\n<end_of_code>\n<output>1<end_of_output>');
  });

  test.each([
    ['The answer is \\boxed{29}.', '29'],
    ['\\boxed{\\frac{1}{2}}', '\\frac{1}{2}'],
    ['first \\boxed{1} then \\boxed{\\{1, 2\\}}', '\\{1, 2\\}'],
    ['\\boxed{\\text{Monday}}', 'Monday'],
    ['\\boxed{10\\text{ cm}}', '10 cm'],
    ['\\boxed 5', '5'],
    ['\\fbox{x=3}', 'x=3'],
    ['no answer here', null],
    ['\\boxed{unbalanced', null],
  ])('extracts the last boxed answer from %j', (text, expected) => {
    expect(extractBoxed(text)).toBe(expected);
  });

  test('classifies partial steps that never reached a stop string', () => {
    expect(stepKind('\n# Step 3: compute\nx = ')).toBe('partial');
  });
});

describe('step parts (the one step parser)', () => {
  test('each step of the spec trajectory: explanation without its label, code, output, answer prose', () => {
    expect(splitSteps(SPEC_EXAMPLE).map((t) => stepParts(t))).toEqual([
      { comment: 'Tom has 3 boxes of 12 apples.', code: 'apples = 3 * 12' },
      { comment: 'He gives 7 away.', code: 'left = apples - 7' },
      { comment: 'Now print the final answer', code: 'print(left)', output: '29' },
      { comment: '', code: '', prose: 'Tom has \\boxed{29} apples left.' },
    ]);
  });

  test('the observed output wins over a spliced block; an answer step may carry code of its own', () => {
    expect(stepParts('\nprint(x)\n<end_of_code>\n<output>4<end_of_output>', 'code_end', '4\n')).toMatchObject({ output: '4\n' });
    const both = '<code>\n# Step 3: add them\ny = 2 + 2\nprint(y)\n<answer>So it is \\boxed{4}.<end_of_answer>';
    expect(stepParts(both)).toEqual({ comment: 'add them', code: 'y = 2 + 2\nprint(y)', prose: 'So it is \\boxed{4}.' });
  });

  test('written work in the scorer format: comment steps, the last as the answer node', () => {
    const s = writtenSteps(['Step 1: $3 \\cdot 12 = 36$', 'so the answer is \\boxed{29}']);
    expect(s[0]).toBe('<code>\n# Step 1: $3 \\cdot 12 = 36$\n<end_of_step>');
    expect(s[1]).toBe('\n<answer>so the answer is \\boxed{29}<end_of_answer>');
    // a last step that states no answer stays a comment step
    expect(writtenSteps(['We add.', 'Then we divide.'])[1]).toBe('\n# Then we divide.\n<end_of_step>');
  });
});
