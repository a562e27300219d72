import { extractAnswer, gradeAnswer } from '../../../src/engine/grading';

describe('extractAnswer', () => {
  const cases: [string, string, string | null][] = [
    ['last boxed', 'First \\boxed{1}, then finally \\boxed{2}.', '2'],
    ['nested braces', 'Thus $\\boxed{\\frac{1}{\\sqrt{2}}}$.', '\\frac{1}{\\sqrt{2}}'],
    ['fbox', 'so \\fbox{12} it is', '12'],
    ['framebox, with its optional width and position', 'the answer is \\framebox[2cm][c]{204}, checked in 3 ways.', '204'],
    ['framebox', 'so \\framebox{7} it is, not 8', '7'],
    ['boxed with space form', 'hence \\boxed 7 done', '7'],
    ['adjacent boxed answers merge (in any order)', 'The roots are $\\boxed{2}$ and $\\boxed{3}$.', '2 \\text{ and } 3'],
    ['rStar answer node', '<answer>Tom has \\boxed{29} apples left.<end_of_answer>', '29'],
    ['unclosed boxed falls back', 'We get 5 and so \\boxed{6', '6'],
    ['Minerva phrase', 'Final Answer: The final answer is $(1,2)$. I hope it is correct.', '(1,2)'],
    ['answer colon', 'Some work here.\nAnswer: 12', '12'],
    ['answer is latex', 'Therefore the answer is $\\frac{3}{4}$.', '\\frac{3}{4}'],
    ['answer phrase with units', 'So the answer is 10 cm.', '10 cm'],
    ['answer phrase with words', 'Hence the answer is 220 dollars to pay within 12 months.', '220'],
    ['choice', 'Comparing the options, the answer is (B).', '(B)'],
    ['bare answer', '  $x = 5$ ', 'x = 5'],
    ['bare text answer', '\\text{odd}', '\\text{odd}'],
    ['last number in prose', 'We have 3 apples and get 5 more, so there are 8 in total.', '8'],
    ['equation chain in prose', 'Adding them gives 3 + 10 = 13 birds altogether on the fence.', '3 + 10 = 13'],
    ['fraction in prose', 'the ratio works out as 13/28 in the end', '13/28'],
    ['thousands in prose', 'The company earned 1,200 dollars in total last month', '1200'],
    ['last math span', 'Solving the system we find that $x = \\frac{1}{2}$ works for all of them', 'x = \\frac{1}{2}'],
    ['markdown bold', 'The total is therefore **858** candies overall here.', '858'],
    ['chinese answer phrase', '所以，每份应该是 (\\frac{2}{5}) 吨。 答案：每份应该是 (\\frac{2}{5}) 吨。', '\\frac{2}{5}'],
    ['french answer phrase', "Réponse: Janeth aura encore 220 $ à payer d'ici 12 mois.", '220'],
    ['nothing', 'I do not know what to say here at all.', null],
    ['empty', '   ', null],
  ];
  it.each(cases)('%s', (_n, input, want) => {
    expect(extractAnswer(input)).toBe(want);
  });
});

describe('gradeAnswer with whole responses', () => {
  it.each([
    ['\\frac{1}{2}', 'The probability is therefore $\\boxed{\\dfrac12}$.', true],
    ['(1,2)', 'Final Answer: The final answer is $(2,1)$. I hope it is correct.', false],
    ['\\text{(C)}', 'The correct option is \\boxed{C}', true],
    ['10', 'So the answer is 10 cm.', true],
    ['25\\%', 'The probability is 0.25, i.e. **25%**.', true],
    ['2, 3', 'The roots are $\\boxed{2}$ and $\\boxed{3}$.', true],
    ['2, 3', 'The roots are $\\boxed{2}$, hmm, I also think $\\boxed{3}$.', false],
  ] as const)('%s vs %s', async (gold, pred, want) => {
    await expect(gradeAnswer(gold, pred)).resolves.toBe(want);
  });
});
