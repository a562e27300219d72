import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synthCommand } from '../../src/cli/commands/synth';
import { type SynthProblem } from '../../src/lab/synth/generator';
import { addedTemplates } from '../helpers/synth';

async function synth(args: string[]): Promise<SynthProblem[]> {
  const chunks: string[] = [];
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
    chunks.push(String(c));
    return true;
  });
  try {
    expect(await synthCommand.run(['generate', ...args])).toBe(0);
  } finally {
    out.mockRestore();
  }
  return chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as SynthProblem);
}

describe('./stepwise synth generate --generator-version', () => {
  const added = addedTemplates();

  test('the default (version 2) draws the new structures; version 1 never does', async () => {
    const v2 = await synth(['--split', 'train', '--count', '300', '--seed', '4']);
    const v1 = await synth(['--split', 'train', '--count', '300', '--seed', '4', '--generator-version', '1']);
    expect(v2.filter((p) => added.has(p.template)).length).toBeGreaterThan(100);
    expect(v1.filter((p) => added.has(p.template))).toEqual([]);
  });

  test('the OOD test split is the same in every version', async () => {
    const args = ['--split', 'test-ood', '--count', '50', '--seed', '1'];
    expect(await synth([...args, '--generator-version', '1'])).toEqual(await synth(args));
  });

  test('an unknown version is refused with the valid range', async () => {
    await expect(synthCommand.run(['generate', '--generator-version', '4'])).rejects.toThrow(/--generator-version must be 1\.\.3/);
    await expect(synthCommand.run(['generate', '--generator-version', '0'])).rejects.toThrow(/>= 1/);
  });
});

describe('./stepwise evolve --generator-version', () => {
  test('is parsed like synth generate: an unknown version is refused before any work starts', async () => {
    const { command: evolve } = await import('../../src/cli/commands/evolve');
    await expect(evolve.run(['--generator-version', '4', '--out', '/nonexistent/never-created'])).rejects.toThrow(/--generator-version must be 1\.\.3/);
  });

  test('every bad flag is refused with its own message, without creating the work directory', async () => {
    const { command: evolve } = await import('../../src/cli/commands/evolve');
    const out = path.join(os.tmpdir(), `stepwise-evolve-flags-${process.pid}`);
    const cases: Array<[string[], RegExp]> = [
      [['--rounds', 'two'], /--rounds must be an integer >= 1, got "two"/],
      [['--ppm-minutes', 'abc'], /--ppm-minutes must be a positive number, got "abc"/],
      [['--temperature', '0'], /--temperature must be a positive number, got "0"/],
      [['--seed', '1.5'], /--seed must be an integer >= 0/],
    ];
    for (const [flags, message] of cases) {
      const run = evolve.run([...flags, '--out', out]);
      await expect(run).rejects.toThrow(message);
      await expect(run).rejects.not.toThrow(/Rerun the same command/);
      expect(fs.existsSync(out)).toBe(false);
    }
  });
});
