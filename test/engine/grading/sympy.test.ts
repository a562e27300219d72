import * as path from 'path';
import { buildSympyProgram, createSympyChecker, gradeAnswer } from '../../../src/engine/grading';
import type { Executor, Observation } from '../../../src/engine/exec/types';

describe('buildSympyProgram', () => {
  it('embeds the expressions as base64 JSON, never as raw text', () => {
    const prog = buildSympyProgram('\\frac{x^2-1}{x-1}', 'x+1')!;
    expect(prog).not.toBeNull();
    expect(prog).not.toContain('v_x');
    const b64 = /b64decode\("([A-Za-z0-9+/=]+)"\)/.exec(prog)![1];
    expect(JSON.parse(Buffer.from(b64, 'base64').toString('utf8'))).toEqual([['((((((v_x)**(2)))-(1)))/(((v_x)-(1))))', '((v_x)+(1))']]);
  });
  it('refuses what it cannot convert (words, code, mismatched shapes)', () => {
    expect(buildSympyProgram('__import__("os").system("id")', '1')).toBeNull();
    expect(buildSympyProgram('"); import os; print("', '1')).toBeNull();
    expect(buildSympyProgram('(1,2)', '3')).toBeNull();
    expect(buildSympyProgram('\\text{odd}', 'odd')).toBeNull();
  });
  it('never hands sympy one side of an equation as the answer (y = 2x+1 is not 2x+1); a named value is its value', () => {
    expect(buildSympyProgram('y = 2x + 1', '2x + 1')).toBeNull();
    expect(buildSympyProgram('f(x) = x^2', 'x \\cdot x')).toBeNull();
    expect(buildSympyProgram('x = \\sqrt{4}', '2')).not.toBeNull();
  });
  it('pairs up structures element by element', () => {
    const prog = buildSympyProgram('(i^2, \\sqrt{4})', '(-1, 2)')!;
    const b64 = /b64decode\("([A-Za-z0-9+/=]+)"\)/.exec(prog)![1];
    expect(JSON.parse(Buffer.from(b64, 'base64').toString('utf8'))).toHaveLength(2);
  });
});

describe('createSympyChecker with a fake executor', () => {
  const fake = (output: string, ok = true): Executor & { programs: string[] } => {
    const programs: string[] = [];
    return {
      programs,
      async run(program: string): Promise<Observation> {
        programs.push(program);
        return { ok, output, timedOut: false };
      },
      async close() {},
    };
  };
  it('maps the program output to a verdict and caches it', async () => {
    const ex = fake('[true]');
    const check = createSympyChecker(ex);
    await expect(check('i^2', '-1')).resolves.toBe(true);
    await expect(check('i^2', '-1')).resolves.toBe(true);
    expect(ex.programs).toHaveLength(1);
    await expect(createSympyChecker(fake('[true, false]'))('(1,2)', '(1,3)')).resolves.toBe(false);
    await expect(createSympyChecker(fake('[null]'))('x', 'y')).resolves.toBeNull();
    await expect(createSympyChecker(fake('Traceback', false))('x', 'y')).resolves.toBeNull();
    await expect(createSympyChecker(fake('garbage'))('x', 'y')).resolves.toBeNull();
  });
});

describe('createSympyChecker in the sandbox', () => {
  let executor: Executor | null = null;
  beforeAll(async () => {
    try {
      const mod = (await import(path.join(__dirname, '../../../src/engine/exec/index'))) as { createExecutorPool?: () => Executor };
      if (typeof mod.createExecutorPool === 'function') {
        const ex = mod.createExecutorPool();
        const probe = await ex.run('print(1)', { timeoutMs: 30_000 });
        if (probe.ok) executor = ex;
        else await ex.close();
      }
    } catch {
      executor = null;
    }
  }, 60_000);
  afterAll(async () => {
    await executor?.close();
  });

  it('decides what the cheap checks cannot', async () => {
    if (!executor) {
      console.log('sympy sandbox test skipped: no executor');
      return;
    }
    const symbolic = createSympyChecker(executor);
    await expect(symbolic('i^2', '-1')).resolves.toBe(true);
    await expect(symbolic('e^{i\\pi}', '-1')).resolves.toBe(true);
    await expect(symbolic('(1+i)^2', '2i')).resolves.toBe(true);
    await expect(symbolic('i^2', '1')).resolves.toBe(false);
    await expect(symbolic('\\sqrt{x^2}', 'x')).resolves.not.toBe(true);
    await expect(gradeAnswer('2i', 'So $\\boxed{(1+i)^2}$', { symbolic })).resolves.toBe(true);
    await expect(gradeAnswer('2', 'So $\\boxed{(1+i)^2}$', { symbolic })).resolves.toBe(false);
  }, 60_000);
});
