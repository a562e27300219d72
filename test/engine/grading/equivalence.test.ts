import { answersEqual, gradeAnswer, normalizeAnswer } from '../../../src/engine/grading';

const eq = (a: string, b: string) => answersEqual(a, b) && answersEqual(b, a);
const ne = (a: string, b: string) => !answersEqual(a, b) && !answersEqual(b, a);

describe('answersEqual: equal pairs', () => {
  const cases: [string, string, string][] = [
    ['integers', '42', '42'],
    ['integer vs float', '5', '5.0'],
    ['leading dot', '.5', '0.5'],
    ['fraction vs decimal', '\\frac{1}{2}', '0.5'],
    ['dfrac/tfrac', '\\dfrac{3}{4}', '\\tfrac34'],
    ['slash fraction', '\\frac{3}{4}', '3/4'],
    ['unreduced fraction', '\\frac{4}{23}', '8/46'],
    ['negative fraction forms', '-\\frac{1}{2}', '\\frac{-1}{2}'],
    ['mixed number', '2\\frac{1}{2}', '2.5'],
    ['radical braces', '2\\sqrt{3}', '2\\sqrt3'],
    ['radical simplification', '\\sqrt{8}', '2\\sqrt{2}'],
    ['rationalized denominator', '\\frac{1}{\\sqrt{2}}', '\\frac{\\sqrt{2}}{2}'],
    ['cube root', '\\sqrt[3]{8}', '2'],
    ['pi', '2\\pi', '\\pi \\cdot 2'],
    ['pi decimal', '\\pi', '3.14159'],
    ['pi fraction', '\\frac{\\pi}{3}', '\\frac13\\pi'],
    ['percent', '25\\%', '25'],
    ['percent as fraction', '25\\%', '0.25'],
    ['thousands commas', '1,000,000', '1000000'],
    ['thousands {,}', '12{,}345', '12345'],
    ['units text', '10 \\text{ cm}', '10'],
    ['units squared', '16\\text{ cm}^2', '16'],
    ['unit words', '5 dollars', '5'],
    ['dollar sign', '\\$5.50', '5.5'],
    ['degrees', '30^\\circ', '30'],
    ['degrees braces', '45^{\\circ}', '45'],
    ['tuple spacing', '(1, 2)', '(1,2)'],
    ['tuple values', '(\\frac12, 3)', '(0.5, 3)'],
    ['interval', '[2, 5)', '[2,5)'],
    ['interval infinity', '(-\\infty, 3]', '(-\\infty,3]'],
    ['union order', '(-\\infty,1)\\cup(2,\\infty)', '(2,\\infty)\\cup(-\\infty,1)'],
    ['set order', '\\{1, 2, 3\\}', '\\{3, 1, 2\\}'],
    ['matrix kinds', '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}'],
    ['column vector vs tuple', '\\begin{pmatrix} 1 \\\\ -2 \\end{pmatrix}', '(1,-2)'],
    ['equation vs value', 'x = 3', '3'],
    ['equation sides swapped', 'y = 2x + 1', '2x + 1 = y'],
    ['scaled plane', 'x + y + z = 1', '2x + 2y + 2z = 2'],
    ['polynomial', 'x^2+2x+1', '(x+1)^2'],
    ['implicit multiplication', '2xy', '2 \\cdot x \\cdot y'],
    ['trig', '\\sin^2 x + \\cos^2 x', '1'],
    ['left/right', '\\left(x-2\\right)\\left(x+2\\right)', 'x^2-4'],
    ['multiple choice paren', '(B)', 'B'],
    ['multiple choice text', '\\text{(C)}', 'C'],
    ['multiple choice bold', '\\textbf{(D)}', '(D)'],
    ['text answer case', '\\text{Even}', 'even'],
    ['comma list', '1, 2, 3', '1,2,3'],
    ['boxed wrapper', '\\boxed{7}', '7'],
    ['approx tail', '\\frac{\\sqrt{3}}{3} \\approx 0.577', '\\frac{\\sqrt3}{3}'],
    ['chained equality', 'z = 3+3 = 2', 'z = 1 + 1 = 2'],
    ['sqrt of fraction', '\\sqrt{\\frac{1}{4}}', '\\frac12'],
    ['exponent', '2^{10}', '1024'],
    ['binomial', '\\binom{5}{2}', '10'],
    ['complex', '3+4i', '4i+3'],
    ['greek', '2\\theta', '\\theta+\\theta'],
    ['subscripts', 'a_1 + a_2', 'a_2 + a_1'],
    ['inequality flip', 'x \\le 3', '3 \\ge x'],
    ['double-escaped latex', '\\\\frac{1}{2}', '\\frac12'],
    ['fbox', '\\fbox{12}', '12'],
  ];
  it.each(cases)('%s: %s == %s', (_n, a, b) => {
    expect(eq(a, b)).toBe(true);
  });
});

describe('answersEqual: pairs that must differ', () => {
  const cases: [string, string, string][] = [
    ['open vs closed interval', '(1, 2)', '[1, 2]'],
    ['half-open intervals', '[1, 2)', '(1, 2]'],
    ['reciprocal', '\\frac{1}{2}', '2'],
    ['tuple order', '(1,2)', '(2,1)'],
    ['close numbers', '3', '3.5'],
    ['tolerance is not loose', '5', '5.001'],
    ['big integers exact', '1000000', '1000001'],
    ['different variables', 'x = 3', 'y = 3'],
    ['an equation is not its right-hand side', 'f(x) = 2x+1', '2x+1'],
    ['different polynomials', 'x^2+2x+1', 'x^3+2x+1'],
    ['list order', '4, 10, -2', '10, 4, -2'],
    ['list length', '\\sqrt{67},-\\sqrt{85}', '\\sqrt{67}'],
    ['set size', '\\{1,2\\}', '\\{1,2,3\\}'],
    ['choice letters', '(A)', '(B)'],
    ['choice vs expression', 'E', '\\mathrm{E}*2'],
    ['text words', 'odd', '\\text{oddd}'],
    ['units do not hide numbers', '100', '10 \\text{ units}'],
    ['planes', 'x + y - z + 2 = 0', '5x - 7y + 11z + 4 = 0'],
    ['matrix entries', '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{pmatrix}1&2\\\\4&3\\end{pmatrix}'],
    ['matrix shape', '\\begin{pmatrix}1&2\\end{pmatrix}', '\\begin{pmatrix}1\\\\2\\end{pmatrix}'],
    ['pi rounding too coarse', '2\\pi', '6.28'],
    ['sign', '-3', '3'],
    ['inequality direction', 'x < 3', 'x > 3'],
    ['strict vs non-strict', 'x < 3', 'x \\le 3'],
    ['sqrt vs square', '\\sqrt{2}', '2'],
    ['empty', '', '0'],
  ];
  it.each(cases)('%s: %s != %s', (_n, a, b) => {
    expect(ne(a, b)).toBe(true);
  });
});

describe('normalizeAnswer', () => {
  it('maps equal exact numbers to one key', () => {
    const keys = ['\\frac{1}{2}', '\\dfrac12', '1/2', '0.5', '\\boxed{\\tfrac{1}{2}}', '$\\frac 1 2$'].map(normalizeAnswer);
    expect(new Set(keys).size).toBe(1);
  });
  it('strips units, currency, percent, spacing', () => {
    expect(normalizeAnswer('10 \\text{ cm}')).toBe('10');
    expect(normalizeAnswer('\\$1,000')).toBe('1000');
    expect(normalizeAnswer('50\\%')).toBe('50');
    expect(normalizeAnswer('  \\left( 1 , 2 \\right)  ')).toBe('(1,2)');
  });
  it('keeps distinct answers distinct', () => {
    expect(normalizeAnswer('(1,2)')).not.toBe(normalizeAnswer('[1,2]'));
    expect(normalizeAnswer('x=3')).not.toBe(normalizeAnswer('y=3'));
    expect(normalizeAnswer('\\frac{1}{2}')).not.toBe(normalizeAnswer('2'));
  });
  it('sorts sets', () => {
    expect(normalizeAnswer('\\{3,1,2\\}')).toBe(normalizeAnswer('\\{1,2,3\\}'));
  });
});

describe('gradeAnswer', () => {
  it('extracts the prediction from a whole response', async () => {
    await expect(gradeAnswer('\\frac{1}{2}', 'So the probability is $\\boxed{\\dfrac{1}{2}}$.')).resolves.toBe(true);
    await expect(gradeAnswer('2', 'So the probability is $\\boxed{\\dfrac{1}{2}}$.')).resolves.toBe(false);
  });
  it('uses the symbolic checker only when cheap checks fail', async () => {
    const calls: [string, string][] = [];
    const symbolic = async (a: string, b: string) => {
      calls.push([a, b]);
      return true;
    };
    await expect(gradeAnswer('3', 'The answer is 3.', { symbolic })).resolves.toBe(true);
    expect(calls).toHaveLength(0);
    await expect(gradeAnswer('i^2', '\\boxed{-1}', { symbolic })).resolves.toBe(true);
    expect(calls).toEqual([['i^2', '-1']]);
  });
  it('treats an undecided or failing symbolic check as not equal', async () => {
    await expect(gradeAnswer('1', '2', { symbolic: async () => null })).resolves.toBe(false);
    await expect(
      gradeAnswer('1', '2', {
        symbolic: async () => {
          throw new Error('boom');
        },
      }),
    ).resolves.toBe(false);
  });
  it('returns false when nothing can be extracted', async () => {
    await expect(gradeAnswer('3', '')).resolves.toBe(false);
  });
});

describe('identity testing is not fooled by positive-only sampling', () => {
  it.each([
    ['|x|', 'x'],
    ['\\sqrt{x^2}', 'x'],
    ['x^2', 'x|x|'],
  ])('%s != %s', (a, b) => {
    expect(answersEqual(a, b)).toBe(false);
  });
  it('accepts identities that hold on the positive domain', () => {
    expect(answersEqual('2\\ln x', '\\ln(x^2)')).toBe(true);
  });
});

describe('robustness', () => {
  it('does not mistake overflow for equality', () => {
    expect(answersEqual('10^{1000}', '10^{1000}+1')).toBe(false);
    expect(answersEqual('10^{1000}', '10^{ 1000 }')).toBe(true);
    expect(answersEqual('2^{100000}', '2^{100000}+1')).toBe(false);
    expect(answersEqual('\\infty', '\\infty')).toBe(true);
  });
  it('survives hostile input quickly', () => {
    const t0 = Date.now();
    expect(answersEqual('('.repeat(20000) + '1' + ')'.repeat(20000), '1')).toBe(false);
    expect(answersEqual('{'.repeat(5000), '1')).toBe(false);
    expect(answersEqual('\\frac'.repeat(3000), '1')).toBe(false);
    expect(normalizeAnswer('\\sqrt'.repeat(3000))).toEqual(expect.any(String));
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
