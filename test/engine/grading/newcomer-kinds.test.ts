/**
 * Answer kinds where a student's (or a model's) right answer used to be marked wrong, or a wrong
 * one right (issue 25 item 2). Our own cases, one group per kind. Each case is [gold, prediction,
 * expected]; pairs of final answers are checked in both directions, whole responses in one (the
 * answer is extracted from the prediction).
 */
import { answersEqual, gradeAnswer } from '../../../src/engine/grading';

type Case = [string, string, boolean];

/** Whole responses that state the answer after "Answer" / "Final Answer:", without \boxed. */
const STATED: Record<string, Case[]> = {
  'answer stated without \\boxed, in each math delimiter': [
    ['12', 'Adding the two groups gives 5 + 7.\nFinal Answer: $12$', true],
    ['12', 'Adding the two groups gives 5 + 7.\nFinal Answer: $13$', false],
    ['\\frac{3}{4}', 'Three of the four parts are shaded.\n\nAnswer: $$\\frac{3}{4}$$', true],
    ['\\frac{3}{4}', 'Three of the four parts are shaded.\n\nAnswer: $$\\frac{4}{3}$$', false],
    ['2\\sqrt{3}', 'The side is the square root of 12, so the final answer is \\(2\\sqrt{3}\\).', true],
    ['x^2+1', 'Expanding and collecting terms, we find\n\nFinal Answer:\n\\[ x^2 + 1 \\]', true],
    ['x^2+1', 'Expanding and collecting terms, we find\n\nFinal Answer:\n\\[ x^2 - 1 \\]', false],
    ['-\\frac{1}{2}', 'We solve $2x + 1 = 0$.\n**Final Answer:** $x = -\\frac{1}{2}$', true],
    ['7', 'There are $3 + 4$ apples in all.\nANSWER: \\(7\\)', true],
    ['36', 'First $6^2 = 36$ and then $36 / 2 = 18$.\nAnswer: $18$', false],
  ],
  'a matrix inside a sentence': [
    [
      '\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}',
      'Multiplying out, the product is $\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}$.',
      true,
    ],
    [
      '\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}',
      'Multiplying out, the product is $\\begin{pmatrix} 1 & 2 \\\\ 3 & 5 \\end{pmatrix}$.',
      false,
    ],
    [
      '\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}',
      'So the projection is \\[\\mathbf{p} = \\begin{bmatrix} 2 \\\\ -1 \\end{bmatrix},\\] as claimed.',
      true,
    ],
    [
      '\\begin{pmatrix} 0 & 1 \\\\ 1 & 0 \\end{pmatrix}',
      'Thus $M = \\begin{pmatrix} 0 & 1 \\\\ 1 & 0 \\end{pmatrix}$ swaps the coordinates.',
      true,
    ],
    [
      '\\begin{pmatrix} 0 & 1 \\\\ 1 & 0 \\end{pmatrix}',
      'Thus $M = \\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}$ leaves them alone.',
      false,
    ],
  ],
  'a number broken by a newline inside $…$': [
    ['1234', 'The total is $1\n234$.', true],
    ['1234', 'Final Answer: $12\n34$', true],
    ['3.75', 'Each share is $3.\n75$ dollars.', true],
    ['1234', 'The total is $1\n235$.', false],
  ],
};

/** Pairs of final answers (symmetric). */
const PAIRS: Record<string, Case[]> = {
  'decimal commas and thousands separators': [
    ['3.75', '3,75', true],
    ['3.75', '3,7', false],
    ['0.5', '0,5', true],
    ['\\frac{1}{8}', '0,125', true],
    ['12.5\\%', '12,5 \\%', true],
    ['1234.5', '1.234,5', true],
    ['1000', '1,000', true],
    ['1234567', '1,234,567', true],
    ['1.234', '1,234', false], // three digits after a lone comma: thousands (1234)
    ['375', '3,75', false],
  ],
  'sets of tuples and several answers, in any order': [
    ['(1,2), (3,4)', '(3,4), (1,2)', true],
    ['(1,2), (3,4)', '(3,4), (2,1)', false],
    ['\\{(1,2), (3,4)\\}', '(3,4) and (1,2)', true],
    ['\\{(1,2), (3,4)\\}', '\\{(3,4)\\}', false],
    ['\\boxed{2} \\text{ and } \\boxed{-3}', '-3, 2', true],
    ['\\boxed{2}, \\boxed{-3}', '\\boxed{-3} \\text{ or } \\boxed{2}', true],
    ['2, -3', '-3 \\text{ or } 2', true],
    ['2, -3', '-3 \\text{ or } 3', false],
    ['x = 2 \\text{ or } x = -3', '-3, 2', true],
    ['(0, 1), (1, 0), (-1, 0)', '(-1,0), (0,1), (1,0)', true],
    ['(0, 1), (1, 0), (-1, 0)', '(-1,0), (0,1)', false],
  ],
  'labelled answers': [
    ['3.5', 'x \\approx 3.5', true],
    ['3.5', 'x \\approx 3.6', false],
    ['2:3', 'boys : girls = 2 : 3', true],
    ['2:3', '\\text{boys} : \\text{girls} = 3 : 2', false],
    ['\\frac{2}{3}', 'a:b = 2:3', true],
    ['(2, 5)', 'x = 2, y = 5', true],
    ['(2, 5)', 'x = 5, y = 2', false],
    ['x = 2, y = 5', 'y = 5, x = 2', true],
    ['7', 'n = 7', true],
  ],
  'an interval and the inequality that means it': [
    ['(-2, 5]', '-2 < x \\le 5', true],
    ['(-2, 5]', '-2 \\le x \\le 5', false],
    ['[3, \\infty)', 'x \\geq 3', true],
    ['[3, \\infty)', 'x > 3', false],
    ['(-\\infty, 4)', 'x < 4', true],
    ['(-\\infty, 4)', '4 > x', true],
    ['(-\\infty, 4)', 'x \\le 4', false],
    ['(0, 1)', '0 < t < 1', true],
  ],
  'units inside the box': [
    ['12', '\\boxed{12 \\text{ cm}}', true],
    ['12', '\\boxed{12\\,\\mathrm{cm}^2}', true],
    ['4.5', '\\boxed{4.5 \\text{ hours}}', true],
    ['12', '\\boxed{13 \\text{ cm}}', false],
    ['60', '\\boxed{60 \\text{ km/h}}', true],
    ['60', '\\boxed{60\\ \\mathrm{km}/\\mathrm{h}}', true],
    ['30', '\\boxed{\\$30}', true],
  ],
  'an equation is not one of its sides': [
    ['y = 2x + 1', '2x + 1', false],
    ['2x + 1', 'y = 2x + 1', false],
    ['f(x) = x^2 - 4', 'x^2 - 4', false],
    ['y = 2x + 1', 'y = 1 + 2x', true],
    ['y = 2x + 1', 'y', false],
    ['x = 4', '4', true], // a value named: the solution x = 4 is the answer 4
  ],
};

for (const [kind, cases] of Object.entries(STATED)) {
  describe(`gradeAnswer on whole responses: ${kind}`, () => {
    it.each(cases)('%s vs %j -> %s', async (gold, pred, want) => {
      expect(await gradeAnswer(gold, pred)).toBe(want);
    });
  });
}

for (const [kind, cases] of Object.entries(PAIRS)) {
  describe(`answersEqual: ${kind}`, () => {
    it.each(cases)('%s vs %s -> %s', (gold, pred, want) => {
      expect(answersEqual(gold, pred)).toBe(want);
      expect(answersEqual(pred, gold)).toBe(want);
    });
  });
}
