/**
 * Mechanical conversion of the public training sets (src/lab/synth/public): each converter on
 * small hand-written records (exact step text, and the program reproduces the answer in the real
 * sandbox), dropping of non-reproducing records, and a kept share over the first 50 problems of
 * each real source (skipped when ../shared/data/train is absent).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createExecutorPool } from '../../../src/engine/exec';
import { answersEqual } from '../../../src/engine/grading';
import {
  convertDm,
  convertDolphin,
  convertGsm8k,
  convertMathQa,
  convertMwp,
  convertPublic,
  dolphinAnswer,
  gsm8kProblem,
  idShare,
  programOf,
  solutionOf,
  type Conversion,
  type PublicRecord,
  type SourceStats,
  type Trajectory,
  type WithheldRecord,
} from '../../../src/lab/synth/public';
import { dataDir } from '../../../src/paths';

jest.setTimeout(240_000);
const pool = createExecutorPool({ workers: 1 });
afterAll(() => pool.close());

function traj(c: Conversion): Trajectory {
  if (!c.ok) throw new Error(`not converted: ${c.reason}`);
  return c.trajectory;
}
/** Runs the program in the sandbox; returns the full solution text. */
async function reproduce(t: Trajectory, gold: string): Promise<string> {
  const obs = await pool.run(programOf(t));
  expect(obs.ok).toBe(true);
  expect(answersEqual(gold, obs.output)).toBe(true);
  return solutionOf(t, obs.output);
}

describe('GSM8K', () => {
  const rec = {
    question: 'A baker makes 4 trays of 12 rolls. He sells 30 rolls and gives half of the rest to a friend. How many rolls does he keep?',
    answer:
      'The baker makes 4 * 12 = <<4*12=48>>48 rolls.\nAfter selling, 48 - 30 = <<48-30=18>>18 rolls are left.\nHe gives away 18 / 2 = <<18/2=9>>9 so he keeps 9.\n#### 9',
  };
  test('one step per line with notes; named variables; earlier results by name', async () => {
    const t = traj(convertGsm8k(rec));
    const sol = await reproduce(t, '9');
    expect(sol).toBe(
      '<code>\n# Step 1: The baker makes 4 * 12 = 48 rolls.\nrolls = 4 * 12\n<end_of_step>\n' +
        '# Step 2: After selling, 48 - 30 = 18 rolls are left.\nrolls_2 = rolls - 30\n<end_of_step>\n' +
        '# Step 3: He gives away 18 / 2 = 9 so he keeps 9.\ns3 = rolls_2 / 2\n<end_of_step>\n' +
        '# Now print the final answer\nprint(round(s3))\n<end_of_code>\n<output>9<end_of_output>\n' +
        '<answer>The answer is \\boxed{9}.<end_of_answer>',
    );
    expect(gsm8kProblem(rec, 3)).toEqual({ id: 'gsm8k-3', source: 'gsm8k', question: rec.question, answer: '9' });
  });
  test('a literal that is also given in the question stays a literal; prose without notes joins the next step', () => {
    const t = traj(
      convertGsm8k({
        question: 'Ann has 5 pens and buys 5 more boxes of 2 pens.',
        answer: 'First the boxes.\nThe boxes hold 5 * 2 = <<5*2=10>>10 pens.\nShe has 10 + 5 = <<10+5=15>>15 pens.\n#### 15',
      }),
    );
    expect(t.steps).toEqual([
      { comment: 'First the boxes. The boxes hold 5 * 2 = 10 pens.', code: 'pens = 5 * 2' },
      { comment: 'She has 10 + 5 = 15 pens.', code: 'pens_2 = pens + 5' },
    ]);
    expect(t.print).toBe('pens_2');
  });
  test('no calculator notes: not converted', () => {
    expect(convertGsm8k({ question: 'q', answer: 'It is 3.\n#### 3' })).toEqual({ ok: false, reason: 'no calculator notes' });
  });
});

describe('ALG514 / DRAW equation systems', () => {
  test('symbols, one Eq per equation, solve; every unknown printed', async () => {
    const t = traj(convertMwp({ id: 1, original_text: 'q', equation: '3.0*m+2.0*n=0.5*26.0 ; m+n=5.0', ans: [3.0, 2.0] }));
    expect(t.steps.map((s) => `# ${s.comment}\n${s.code}`)).toEqual([
      "# Let m and n be the unknowns.\nfrom sympy import symbols, Eq, solve, Rational\nm, n = symbols('m n')",
      "# The problem gives the equation 3*m + 2*n = 0.5*26.\neq1 = Eq(3*m + 2*n, Rational('0.5')*26)",
      '# The problem gives the equation m + n = 5.\neq2 = Eq(m + n, 5)',
      '# Solve the system for m and n.\nsol = solve([eq1, eq2], [m, n], dict=True)[0]',
    ]);
    expect(t.print).toBe("sol[m], sol[n], sep=', '");
    const sol = await reproduce(t, '3, 2');
    expect(sol).toContain('<output>3, 2<end_of_output>');
  });
  test('ans lists the unknowns in question order, not m, n: the other print order is an alternative', async () => {
    const c = convertMwp({ id: 2, original_text: 'q', equation: 'm+n=10.0 ; m-n=4.0', ans: [3.0, 7.0] });
    expect(c.ok && c.alternatives?.map((a) => a.print)).toEqual(["sol[n], sol[m], sep=', '"]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pubconv-'));
    fs.mkdirSync(path.join(dir, 'alg514'));
    fs.writeFileSync(
      path.join(dir, 'alg514', 'trainset.json'),
      JSON.stringify([
        {
          id: 2,
          original_text: 'Two numbers sum to 10 and differ by 4. Find the smaller and the larger.',
          equation: 'm+n=10.0 ; m-n=4.0',
          ans: [3.0, 7.0],
        },
      ]),
    );
    const kept: PublicRecord[] = [];
    const [st] = await convertPublic({ trainDir: dir, executor: pool, sources: ['alg514'], onRecord: (r) => kept.push(r) });
    expect(st).toMatchObject({ converted: 1, verified: 1, kept: 1 });
    expect(kept[0].answer).toBe('3, 7');
    expect(kept[0].solution).toContain("print(sol[n], sol[m], sep=', ')\n<end_of_code>\n<output>3, 7<end_of_output>");
    fs.rmSync(dir, { recursive: true });
  });
});

describe('Dolphin1878', () => {
  test('implicit multiplication, conditions, expressions asked for', async () => {
    const t = traj(
      convertDolphin({
        id: 'x',
        text: 'q',
        equations: ['unkn: x,x+2', 'equ: 3(x+2)+2x=26', 'equ: x>0'],
        ans: '4; 6',
      }),
    );
    expect(t.steps[1]).toEqual({ comment: 'The problem gives the equation 3*(x + 2) + 2*x = 26.', code: 'eq1 = Eq(3*(x + 2) + 2*x, 26)' });
    expect(t.steps[2]).toEqual({
      comment: 'Solve for x and keep the solution with x > 0.',
      code: 'sol = [s for s in solve([eq1], x, dict=True) if (x > 0).subs(s)][0]',
    });
    expect(t.print).toBe("sol[x], (x + 2).subs(sol), sep=', '");
    await reproduce(t, '4, 6');
  });
  test('juxtaposed names are a product; a set answer matches in any order', async () => {
    const t = traj(convertDolphin({ id: 'y', text: 'q', equations: ['unkn: x,y', 'equ: xy=12', 'equ: x-y=1', 'equ: y>0'], ans: '{3; 4}' }));
    expect(t.steps[1].code).toBe('eq1 = Eq(x*y, 12)');
    expect(dolphinAnswer('{3; 4}')).toBe('\\{3, 4\\}');
    await reproduce(t, '\\{4, 3\\}');
  });
  test('answers with alternatives are not converted', () => {
    expect(dolphinAnswer('1 or 2/3 | 1 or 0.667')).toBe('');
    expect(convertDolphin({ id: 'z', text: 'q', equations: ['unkn: x', 'equ: 3*x+2/x=5'], ans: '1 or 2/3' }).ok).toBe(false);
  });
});

describe('MathQA', () => {
  test('split at sub-expressions with two or more operators; exact division', async () => {
    const t = traj(convertMathQa({ original_text: 'q', equation: 'x=(((30*4)-(10+5))/((2*3)+1))', ans: '15.0' }));
    expect(t.steps).toEqual([
      { comment: 'Compute 30 * 4 - (10 + 5).', code: 'from sympy import Rational\ns1 = 30 * 4 - (10 + 5)' },
      { comment: 'Compute 2 * 3 + 1.', code: 's2 = 2 * 3 + 1' },
      { comment: 'Combine the results into the answer.', code: 'answer = Rational(s1, s2)' },
    ]);
    const sol = await reproduce(t, '15.0');
    expect(sol).toContain('<output>15<end_of_output>');
  });
  test('a fractional answer prints as a fraction', async () => {
    const t = traj(convertMathQa({ original_text: 'q', equation: 'x=(7/(2*4))', ans: '0.875' }));
    expect(t.steps).toEqual([{ comment: 'Compute 7 / (2 * 4).', code: 'from sympy import Rational\nanswer = Rational(7, 2 * 4)' }]);
    expect(await reproduce(t, '0.875')).toContain('<output>7/8<end_of_output>');
  });
});

describe('DeepMind mathematics', () => {
  const dm = (module: string, question: string, answer: string) => convertDm({ module, level: 0, question, answer });
  test('linear_1d and linear_2d through sympy solve', async () => {
    const t = traj(dm('algebra__linear_1d', 'Solve 4*q + 7 = 19 for q.', '3'));
    expect(t.steps.map((s) => s.code)).toEqual([
      "from sympy import symbols, Eq, solve\nq = symbols('q')",
      'eq1 = Eq(4*q + 7, 19)',
      'sol = solve([eq1], q, dict=True)[0]',
    ]);
    await reproduce(t, '3');
    await reproduce(traj(dm('algebra__linear_2d', 'Solve 2*a + b = 7, a - b = -1 for b.', '3')), '3');
  });
  test('arithmetic phrasings, exact', async () => {
    expect(traj(dm('arithmetic__add_or_sub', 'Subtract -2.5 from 7.', '9.5')).steps[0]).toEqual({
      comment: 'Subtract the first number from the second.',
      code: "from sympy import Rational\nanswer = 7 - -Rational('2.5')",
    });
    await reproduce(traj(dm('arithmetic__add_or_sub', 'Subtract -2.5 from 7.', '9.5')), '9.5');
    await reproduce(traj(dm('arithmetic__div', 'Divide 21 by -6.', '-7/2')), '-7/2');
    await reproduce(traj(dm('arithmetic__mixed', 'Evaluate (-4)/(-6)*9/(-2).', '-3')), '-3');
    await reproduce(traj(dm('arithmetic__mul', 'What is the product of 0.3 and -4?', '-1.2')), '-1.2');
  });
  test('gcd, lcm, common denominator, remainder, primality, factors', async () => {
    await reproduce(traj(dm('numbers__gcd', 'What is the highest common factor of 84 and 18?', '6')), '6');
    await reproduce(traj(dm('numbers__lcm', 'Calculate the lowest common multiple of 4 and 6.', '12')), '12');
    await reproduce(traj(dm('numbers__lcm', 'What is the common denominator of 5/6 and -7/4?', '12')), '12');
    await reproduce(traj(dm('numbers__div_remainder', 'What is the remainder when 50 is divided by 7?', '1')), '1');
    await reproduce(traj(dm('numbers__is_prime', 'Is 91 composite?', 'True')), 'True');
    await reproduce(traj(dm('numbers__is_factor', 'Does 7 divide 50?', 'False')), 'False');
  });
  test('other modules are skipped', () => {
    expect(dm('comparison__sort', 'Sort 3, 1, 2.', '1, 2, 3')).toEqual({ ok: false, reason: 'module comparison__sort skipped' });
  });
});

describe('verification through the pool', () => {
  test('a record whose program does not reproduce the gold answer is dropped', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pubconv-'));
    fs.mkdirSync(path.join(dir, 'gsm8k'));
    const rows = [
      { question: 'Tom has 3 bags of 4 apples. How many apples?', answer: 'He has 3 * 4 = <<3*4=12>>12 apples.\n#### 12' },
      // The note's result is not the stated answer: must not be kept.
      { question: 'Sue has 2 bags of 5 pears. How many pears?', answer: 'She has 2 * 5 = <<2*5=10>>10 pears.\n#### 11' },
      { question: 'Tom has 3 bags of 4 apples. How many apples?', answer: 'duplicate question\n#### 12' },
    ];
    fs.writeFileSync(path.join(dir, 'gsm8k', 'train.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const kept: PublicRecord[] = [];
    const [st] = await convertPublic({ trainDir: dir, executor: pool, sources: ['gsm8k'], onRecord: (r) => kept.push(r) });
    expect(st).toMatchObject({ read: 3, duplicate: 1, converted: 2, verified: 1, kept: 1, reasons: { 'output differs from gold': 1 } });
    expect(kept).toEqual([
      {
        id: 'gsm8k-0',
        split: 'train',
        source: 'gsm8k',
        question: rows[0].question,
        answer: '12',
        solution: expect.stringContaining(
          'apples = 3 * 4\n<end_of_step>\n# Now print the final answer\nprint(apples)\n<end_of_code>\n<output>12<end_of_output>',
        ),
      },
    ]);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('--withhold', () => {
  test('a deterministic share by id hash is withheld unconverted, as {id, source, question, answer}', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pubconv-'));
    fs.mkdirSync(path.join(dir, 'gsm8k'));
    const rows = Array.from({ length: 20 }, (_, i) => ({
      question: `Ann has ${i + 2} boxes of 3 pens. How many pens?`,
      answer: `She has ${i + 2} * 3 = <<${i + 2}*3=${(i + 2) * 3}>>${(i + 2) * 3} pens.\n#### ${(i + 2) * 3}`,
    }));
    fs.writeFileSync(path.join(dir, 'gsm8k', 'train.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const run = async () => {
      const kept: PublicRecord[] = [];
      const held: WithheldRecord[] = [];
      const [st] = await convertPublic({
        trainDir: dir,
        executor: pool,
        sources: ['gsm8k'],
        withhold: 0.5,
        onRecord: (r) => kept.push(r),
        onWithheld: (r) => held.push(r),
      });
      return { st, kept, held };
    };
    const a = await run();
    const expected = rows.map((_, i) => `gsm8k-${i}`).filter((id) => idShare(id) < 0.5);
    expect(expected.length).toBeGreaterThan(3);
    expect(expected.length).toBeLessThan(17);
    expect(a.held.map((r) => r.id)).toEqual(expected);
    expect(a.held[0]).toEqual({
      id: expected[0],
      source: 'gsm8k',
      question: rows[Number(expected[0].slice(6))].question,
      answer: String(3 * (Number(expected[0].slice(6)) + 2)),
    });
    expect(a.st).toMatchObject({ read: 20, withheld: expected.length, converted: 20 - expected.length, kept: 20 - expected.length });
    expect(a.kept.some((r) => expected.includes(r.id))).toBe(false);
    const b = await run();
    expect(b.held).toEqual(a.held);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('real public training sets (first 50 of each)', () => {
  const trainDir = path.join(dataDir(), 'train');
  const present = fs.existsSync(trainDir);
  if (!present) {
    test.skip(`skipped: no public training sets at ${trainDir}`, () => undefined);
    // eslint-disable-next-line no-console
    console.log(`public.test: skipping the real-data check: ${trainDir} is absent`);
    return;
  }
  test('kept share per source', async () => {
    const stats: SourceStats[] = [];
    const kept: PublicRecord[] = [];
    await convertPublic({
      trainDir,
      executor: pool,
      limit: 50,
      concurrency: 2,
      onRecord: (r) => kept.push(r),
      onProgress: (s, done) => done && stats.push(s),
    });
    const share = Object.fromEntries(stats.map((s) => [s.source, s.kept / s.attempted]));
    // eslint-disable-next-line no-console
    console.log(
      stats
        .map((s) => `${s.source}: attempted ${s.attempted}, converted ${s.converted}, kept ${s.kept}; ${JSON.stringify(s.reasons)}`)
        .join('\n'),
    );
    expect(share.gsm8k).toBeGreaterThanOrEqual(0.8);
    expect(share.alg514).toBeGreaterThanOrEqual(0.9);
    expect(share.draw).toBeGreaterThanOrEqual(0.8);
    expect(share.dolphin1878).toBeGreaterThanOrEqual(0.6);
    expect(share.mathqa).toBeGreaterThanOrEqual(0.9);
    expect(share.dm_mathematics).toBeGreaterThanOrEqual(0.8);
    for (const r of kept) {
      expect(r.solution).toMatch(
        /^<code>\n# Step 1: [^\n]+\n[\s\S]*<end_of_step>\n# Now print the final answer\nprint\([^\n]+\)\n<end_of_code>\n<output>[^\n]*<end_of_output>\n<answer>The answer is \\boxed\{[^\n]*\}\.<end_of_answer>$/,
      );
    }
  });
});
