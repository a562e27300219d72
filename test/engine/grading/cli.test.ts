import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { command } from '../../../src/cli/commands/grade';

async function runGrade(args: string[]): Promise<{ code: number; out: string[] }> {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  const errSpy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await command.run(args);
    return { code, out: chunks.join('').split('\n').filter(Boolean) };
  } finally {
    spy.mockRestore();
    errSpy.mockRestore();
  }
}

describe('./stepwise grade', () => {
  it('prints one verdict per line, in order, and survives malformed lines', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'grade-')), 'in.jsonl');
    fs.writeFileSync(
      file,
      [
        JSON.stringify({ gold: '\\frac12', pred: 'so it is \\boxed{0.5}' }),
        'not json',
        JSON.stringify({ gold: '2', pred: 'The answer is 3.' }),
        JSON.stringify({ gold: 5, pred: '5.0' }),
        JSON.stringify({ gold: 'x' }),
        '',
        JSON.stringify({ gold: '(1,2)', pred: '(1, 2)' }),
      ].join('\n') + '\n',
    );
    const { code, out } = await runGrade([file, '--no-symbolic']);
    expect(code).toBe(0);
    const parsed = out.map((l) => JSON.parse(l));
    expect(parsed.map((p) => p.equal)).toEqual([true, false, false, true, false, false, true]);
    expect(parsed[1].error).toBeDefined();
    expect(parsed[4].error).toMatch(/pred/);
    expect(parsed[0].error).toBeUndefined();
  });
  it('has usage and rejects a missing file argument', async () => {
    expect(command.name).toBe('grade');
    await expect(command.run([])).rejects.toThrow(/FILE/);
  });
});
