import fs from 'node:fs';
import path from 'node:path';
import { CliError, intFlag, numberFlag, parseFlags, type CliCommand } from '../command';
import { PUBLIC_USAGE, runSynthPublic } from './synth-public';
import { createExecutorPool } from '../../engine/exec';
import {
  DISTRACTOR_RATE,
  GENERATOR_VERSION,
  generateProblems,
  LATEST_GENERATOR_VERSION,
  SPLITS,
  type Split,
} from '../../lab/synth/generator';
import { problemStats, verifyProblems } from '../../lab/synth/generator/verify';

/** Parses --generator-version (1..LATEST_GENERATOR_VERSION; default GENERATOR_VERSION, 2), for synth and evolve. */
export function generatorVersionFlag(value: string | undefined): number {
  const version = intFlag('generator-version', value, GENERATOR_VERSION, 1);
  if (version > LATEST_GENERATOR_VERSION) throw new CliError(`--generator-version must be 1..${LATEST_GENERATOR_VERSION}`, 2);
  return version;
}

const USAGE = `Usage: ./stepwise synth generate --split SPLIT --count N [--seed S] [--generator-version V] [--out FILE.jsonl] [--stats] [--verify]

Writes SynthMath problems as JSONL (one object per line: id, split, family, template, question,
answer, solution (not for synthesis), steps, frames, novelty). Without --out, writes to stdout.
The same split, count, seed and generator version always give the same problems.

Options:
  --split      train | test-id | test-ood | synthesis (default train), or the version 3
               evaluation splits test-id-v3 | test-ood-v3 (held-out structures, phrasings and
               number ranges that never appear in version 3 train)
  --count      number of problems (default 100)
  --seed       seed (default 1)
  --out        output file (directories are created)
  --distractor probability of a distractor sentence, 0..1 (default ${DISTRACTOR_RATE})
  --generator-version
               1 reproduces the round-0 training data; ${GENERATOR_VERSION} (default) adds new
               compositions of each family's pieces and more sentence frames. Only train and
               synthesis change: test-id and test-ood are always version 1.
               3 (opt-in) adds the chat curriculum: percent of/off/change, linear equations and
               2x2 systems, gcd/lcm/primes/divisibility, unit conversion, averages, probability and
               counting, areas and volumes, evaluating expressions, many as bare questions
               ("Solve 3x - 4 = 11"). Version 2 output is unchanged.
  --stats      print problem counts per family, template and novelty (to stdout; the JSONL
               then goes only to --out)
  --verify     run every gold solution in the sandbox; exit 1 listing any that does not print
               its answer

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
      stats: { type: 'boolean' },
      verify: { type: 'boolean' },
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
    if (split.endsWith('-v3') && values['generator-version'] !== undefined && version !== 3)
      throw new CliError(`--split ${split} is generator version 3; drop --generator-version or pass 3`, 2);
    const problems = generateProblems({ split, count, seed, distractorRate, version });
    if (values.verify) {
      const pool = createExecutorPool();
      try {
        const failures = await verifyProblems(problems, pool);
        const checked = problems.filter((p) => p.solution).length;
        if (failures.length) {
          for (const f of failures.slice(0, 20))
            process.stderr.write(`synth: ${f.id} (${f.template}) printed "${f.got}", answer ${f.answer}\n`);
          throw new CliError(`synth: ${failures.length} of ${checked} gold solutions do not reproduce their answer`, 1);
        }
        process.stderr.write(`synth: all ${checked} gold solutions reproduce their answer in the sandbox\n`);
      } finally {
        await pool.close();
      }
    }
    const text = problems.map((p) => JSON.stringify(p)).join('\n') + (problems.length ? '\n' : '');
    if (values.out) {
      fs.mkdirSync(path.dirname(path.resolve(values.out)), { recursive: true });
      fs.writeFileSync(values.out, text);
      process.stderr.write(`synth: wrote ${problems.length} ${split} problems to ${values.out} in ${Date.now() - t0} ms\n`);
    } else if (!values.stats) {
      process.stdout.write(text);
    }
    if (values.stats) process.stdout.write(problemStats(problems));
    return 0;
  },
};

/** Registry name used by src/cli/commands/index.ts. */
export const command = synthCommand;
