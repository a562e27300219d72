import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { synthCommand } from '../../../src/cli/commands/synth';
import { type SynthProblem } from '../../../src/lab/synth/generator';
import { addedTemplates } from '../../helpers/synth';

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
  return chunks
    .join('')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as SynthProblem);
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
    const { command: evolve } = await import('../../../src/cli/commands/evolve');
    await expect(evolve.run(['--generator-version', '4', '--out', '/nonexistent/never-created'])).rejects.toThrow(
      /--generator-version must be 1\.\.3/,
    );
  });

  test('every bad flag is refused with its own message, without creating the work directory', async () => {
    const { command: evolve } = await import('../../../src/cli/commands/evolve');
    const out = path.join(os.tmpdir(), `stepwise-evolve-flags-${process.pid}`);
    const cases: Array<[string[], RegExp]> = [
      [['--rounds', 'two'], /--rounds must be an integer >= 1, got "two"/],
      [['--ppm-minutes', 'abc'], /--ppm-minutes must be a positive number, got "abc"/],
      [['--temperature', '0'], /--temperature must be a positive number, got "0"/],
      [['--seed', '1.5'], /--seed must be an integer >= 0/],
      [['--model-size', 'huge'], /--model-size must be small or medium/],
      [['--vocab', '12'], /--vocab must be an integer >= 300/],
      [['--public', '/nonexistent/public.jsonl'], /public\.jsonl not found \(make it with \.\/stepwise synth public/],
      [['--withheld', '/nonexistent/withheld.jsonl'], /withheld\.jsonl not found/],
    ];
    for (const [flags, message] of cases) {
      const run = evolve.run([...flags, '--out', out]);
      await expect(run).rejects.toThrow(message);
      await expect(run).rejects.not.toThrow(/Rerun the same command/);
      expect(fs.existsSync(out)).toBe(false);
    }
  });
});

describe('./stepwise evolve on real problems (--public, --withheld, --vocab, --model-size)', () => {
  test('withheld problems join the synthesis set without their solutions; the tokenizer is built on all gold text', async () => {
    const { command: evolve } = await import('../../../src/cli/commands/evolve');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-evolve-real-'));
    const pub = path.join(dir, 'public.jsonl');
    const held = path.join(dir, 'withheld.jsonl');
    fs.writeFileSync(
      pub,
      JSON.stringify({ id: 'p1', question: 'What is 2 + 3?', answer: '5', solution: '<code>\nprint(2 + 3)\n<end_of_code>' }) + '\n',
    );
    const real = ['Ken has 3 boxes of 4 pens. How many pens?', 'Sam reads 5 pages a day for 6 days. How many pages?'];
    fs.writeFileSync(
      held,
      real.map((q, i) => JSON.stringify({ id: `w${i}`, source: 'gsm8k', question: q, answer: String(12 + 18 * i) })).join('\n') + '\n',
    );
    // a python that records its arguments and fails: the run stops at the tokenizer stage
    const fakePy = path.join(dir, 'python');
    fs.writeFileSync(fakePy, `#!/bin/sh\necho "$@" >> ${dir}/calls.txt\nexit 3\n`, { mode: 0o755 });
    const old = process.env.STEPWISE_PYTHON;
    process.env.STEPWISE_PYTHON = fakePy;
    const out = path.join(dir, 'run');
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const run = evolve.run([
        '--out',
        out,
        '--train-count',
        '20',
        '--synth-problems',
        '3',
        '--rounds',
        '2',
        '--public',
        pub,
        '--withheld',
        held,
        '--vocab',
        '4096',
        '--model-size',
        'medium',
      ]);
      await expect(run).rejects.toThrow(/build_tokenizer\.py exited with code 3[^]*Rerun the same command/);
    } finally {
      stderr.mockRestore();
      process.env.STEPWISE_PYTHON = old;
      if (old === undefined) delete process.env.STEPWISE_PYTHON;
    }
    const synthesis = fs
      .readFileSync(path.join(out, 'data', 'synthesis.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(synthesis).toHaveLength(6);
    expect(synthesis.filter((p) => real.includes(p.question)).map((p) => p.answer)).toEqual(['12', '30']);
    expect(synthesis.every((p) => p.solution === undefined && p.answer)).toBe(true);
    const call = fs.readFileSync(path.join(dir, 'calls.txt'), 'utf8');
    expect(call).toMatch(/build_tokenizer\.py --data \S+train\.jsonl \S+public\.jsonl --vocab 4096/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
