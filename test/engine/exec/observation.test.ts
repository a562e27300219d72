/** The rStar observation format produced by the sandboxed pool (spec section 3). */
import { createExecutorPool, checkSandbox } from '../../../src/engine/exec';

const pool = createExecutorPool({ workers: 2 });
afterAll(() => pool.close());

const run = (code: string) => pool.run(code);

describe('observation format', () => {
  test('checkSandbox reports a working sandbox with sympy and numpy, under the seccomp filter', async () => {
    const r = await checkSandbox();
    expect(r).toMatchObject({ ok: true, details: { passwd: false, net: false, seccomp: '2', keyring: 'blocked' } });
    expect(r.details!.uid).not.toBe(0);
    expect(r.details!.sympy).toMatch(/^\d/);
  });

  test('value of the last expression when nothing is printed (repr)', async () => {
    expect(await run('x = 5\nx * 2')).toEqual({ ok: true, output: '10', timedOut: false, ms: expect.any(Number) });
    expect(await run("'a' + 'b'")).toMatchObject({ ok: true, output: "'ab'" });
    expect(await run('from fractions import Fraction\nFraction(1, 3) + Fraction(1, 6)')).toMatchObject({
      ok: true,
      output: 'Fraction(1, 2)',
    });
  });

  test('stdout wins over the last expression', async () => {
    expect(await run('print(1)\nprint(2)\n3')).toMatchObject({ ok: true, output: '1\n2' });
  });

  test('no output: empty observation, still ok', async () => {
    expect(await run('x = 1')).toMatchObject({ ok: true, output: '' });
    expect(await run('None')).toMatchObject({ ok: true, output: '' });
    expect(await run('')).toMatchObject({ ok: true, output: '' });
    expect(await run('# just a comment')).toMatchObject({ ok: true, output: '' });
  });

  test('output cut to 1,024 characters keeping head and tail', async () => {
    const o = await run("print('a' * 600 + 'b' * 600)");
    expect(o.ok).toBe(true);
    expect(o.output).toHaveLength(1024);
    expect(o.output).toBe('a'.repeat(510) + '...' + 'b'.repeat(511));
    const exact = await run("print('c' * 1024)");
    expect(exact.output).toBe('c'.repeat(1024));
  });

  test('long last-expression value is cut too', async () => {
    const o = await run('list(range(1000))');
    expect(o.output).toHaveLength(1024);
    expect(o.output.startsWith('[0, 1, 2')).toBe(true);
    expect(o.output.endsWith('998, 999]')).toBe(true);
  });

  test('exceptions become `ExcType: message`', async () => {
    const o = await run('print("before")\n1 / 0');
    expect(o).toEqual({
      ok: false,
      output: 'ZeroDivisionError: division by zero',
      error: 'ZeroDivisionError: division by zero',
      timedOut: false,
      ms: expect.any(Number),
    });
    expect(await run("raise ValueError('bad value')")).toMatchObject({ ok: false, error: 'ValueError: bad value' });
    expect(await run('undefined_name')).toMatchObject({ ok: false, error: "NameError: name 'undefined_name' is not defined" });
    expect(await run('assert 1 == 2')).toMatchObject({ ok: false, error: 'AssertionError' });
    expect(await run('import sys\nsys.exit(2)')).toMatchObject({ ok: false, error: 'SystemExit: 2' });
    expect(await run('import sys\nprint(7)\nsys.exit(0)')).toMatchObject({ ok: true, output: '7' });
  });

  test('syntax errors', async () => {
    expect(await run('def f(:\n    pass')).toMatchObject({ ok: false, error: 'SyntaxError: invalid syntax (<string>, line 1)' });
    expect(await run('x = 1\n  y = 2')).toMatchObject({ ok: false, error: 'IndentationError: unexpected indent (<string>, line 2)' });
  });

  test('a sympy step', async () => {
    const o = await run("from sympy import *\nx = symbols('x')\nprint(solve(x**2 - 4, x))");
    expect(o).toMatchObject({ ok: true, output: '[-2, 2]' });
    const v = await run("from sympy import *\nx = symbols('x')\nintegrate(x**2, (x, 0, 3)) + Rational(1, 2)");
    expect(v).toMatchObject({ ok: true, output: '19/2' });
  });

  test('rStar-style program: ancestor steps + candidate, re-run as a whole', async () => {
    const code = [
      '# Step 1: Tom has 3 boxes of 12 apples.',
      'apples = 3 * 12',
      '# Step 2: He gives 7 away.',
      'apples -= 7',
      '# Now print the final answer',
      'print(apples)',
    ].join('\n');
    expect(await run(code)).toMatchObject({ ok: true, output: '29' });
  });

  test('many jobs in parallel keep their own outputs', async () => {
    const obs = await Promise.all(Array.from({ length: 20 }, (_, i) => run(`print(${i} ** 2)`)));
    expect(obs.map((o) => o.output)).toEqual(Array.from({ length: 20 }, (_, i) => String(i ** 2)));
  });
});
