import fs from 'node:fs';
import path from 'node:path';
import { CliError, intFlag, numberFlag, parseFlags, type CliCommand } from '../command';
import { PUBLIC_USAGE, runSynthPublic } from './synth-public';
import { DISTRACTOR_RATE, GENERATOR_VERSION, generateProblems, SPLITS, type Split } from '../../lab/synth/generator';

/** Parses --generator-version (1..GENERATOR_VERSION; default the newest), for synth and evolve. */
export function generatorVersionFlag(value: string | undefined): number {
  const version = intFlag('generator-version', value, GENERATOR_VERSION, 1);
  if (version > GENERATOR_VERSION) throw new CliError(`--generator-version must be 1..${GENERATOR_VERSION}`, 2);
  return version;
}

const USAGE = `Usage: ./stepwise synth generate --split train|test-id|test-ood|synthesis --count N [--seed S] [--generator-version V] [--out FILE.jsonl]

Writes SynthMath problems as JSONL (one object per line: id, split, family, template, question,
answer, solution (not for synthesis), steps, frames, novelty). Without --out, writes to stdout.
The same split, count, seed and generator version always give the same problems.

Options:
  --split      train | test-id | test-ood | synthesis (default train)
  --count      number of problems (default 100)
  --seed       seed (default 1)
  --out        output file (directories are created)
  --distractor probability of a distractor sentence, 0..1 (default ${DISTRACTOR_RATE})
  --generator-version
               1 reproduces the round-0 training data; ${GENERATOR_VERSION} (default) adds new
               compositions of each family's pieces and more sentence frames. Only train and
               synthesis change: test-id and test-ood are always version 1.

${PUBLIC_USAGE}`;

export const synthCommand: CliCommand = {
  name: 'synth',
  summary: 'Generate SynthMath problems (train / test / synthesis splits) as JSONL; `synth public` converts the public training sets',
  usage: USAGE,
  async run(args) {
    if (args[0] === 'public') return runSynthPublic(args.slice(1));
    const { values, positionals } = parseFlags('synth', args, {
      split: { type: 'string', default: 'train' },
      count: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      distractor: { type: 'string' },
      'generator-version': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    const sub = positionals[0];
    if (sub !== 'generate') throw new CliError(`synth: unknown subcommand "${sub ?? ''}". ${USAGE}`, 2);
    const split = values.split as Split;
    if (!SPLITS.includes(split)) throw new CliError(`--split must be one of ${SPLITS.join(', ')}`, 2);
    const count = intFlag('count', values.count, 100);
    const seed = intFlag('seed', values.seed, 1, 0);
    const distractorRate = numberFlag('distractor', values.distractor, DISTRACTOR_RATE, 0, 1);
    const version = generatorVersionFlag(values['generator-version']);
    const t0 = Date.now();
    const problems = generateProblems({ split, count, seed, distractorRate, version });
    const text = problems.map((p) => JSON.stringify(p)).join('\n') + (problems.length ? '\n' : '');
    if (values.out) {
      fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
      fs.writeFileSync(values.out, text);
      process.stderr.write(`synth: wrote ${problems.length} ${split} problems to ${values.out} in ${Date.now() - t0} ms\n`);
    } else {
      process.stdout.write(text);
    }
    return 0;
  },
};

/** Registry name used by src/cli/commands/index.ts. */
export const command = synthCommand;
