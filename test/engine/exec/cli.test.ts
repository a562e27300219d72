/** ./stepwise exec FILE.py [--json] [--timeout MS] */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { command } from '../../../src/cli/commands/exec';

async function runCli(code: string, flags: string[]): Promise<{ code: number; out: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-exec-'));
  const file = path.join(dir, 'prog.py');
  fs.writeFileSync(file, code);
  let out = '';
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  try {
    const rc = await command.run([file, ...flags]);
    return { code: rc, out };
  } finally {
    spy.mockRestore();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('prints the observation; exit 0 when ok', async () => {
  expect(await runCli('x = 21\nx * 2', [])).toEqual({ code: 0, out: '42\n' });
});

test('--json prints exactly one JSON line; exit 1 on error', async () => {
  const r = await runCli('1/0', ['--json']);
  expect(r.code).toBe(1);
  expect(r.out.endsWith('\n')).toBe(true);
  expect(r.out.trim().split('\n')).toHaveLength(1);
  expect(JSON.parse(r.out)).toEqual({
    ok: false,
    output: 'ZeroDivisionError: division by zero',
    error: 'ZeroDivisionError: division by zero',
    timed_out: false,
  });
});

test('--timeout', async () => {
  const r = await runCli('while True:\n    pass', ['--json', '--timeout', '700']);
  expect(r.code).toBe(1);
  expect(JSON.parse(r.out)).toMatchObject({ ok: false, timed_out: true });
});
