import fs from 'node:fs';
import path from 'node:path';
import { CliError, intFlag, numberFlag, parseFlags } from '../command';
import { dataDir } from '../../paths';

export const PUBLIC_USAGE = `Usage: ./stepwise synth public [--train-dir DIR] [--out FILE] [--withhold 0.2 --withhold-out FILE] [--limit N]

Converts the public training sets (GSM8K, ALG514, DRAW, Dolphin1878, MathQA, DeepMind mathematics;
../shared/data/train/SOURCES.md) mechanically into rStar code-augmented steps, runs every program in
the sandbox pool and keeps only those whose output equals the gold answer. Writes SynthMath-compatible
JSONL ({id, split: "train", source, question, answer, solution}) that training/train_policy.py reads.
The output is derived from third-party text: keep it out of the repository (data/public/ is ignored).

Options:
  --train-dir DIR     the staged public sets (default: <data dir>/train, i.e. ../shared/data/train)
  --out FILE          output JSONL (default data/public/train.jsonl)
  --withhold P        share of problems (0..1, deterministic by id hash) withheld unconverted: written
                      as {id, source, question, answer} to --withhold-out, for MCTS self-evolution
  --withhold-out FILE default data/public/withheld.jsonl
  --limit N           at most N problems per source (the first in file order)
  --sources LIST      comma-separated subset of gsm8k,alg514,draw,dolphin1878,mathqa,dm_mathematics
  --workers N         sandbox workers (default 1)`;

export async function runSynthPublic(args: string[]): Promise<number> {
  const { values } = parseFlags('synth public', args, {
    'train-dir': { type: 'string' },
    out: { type: 'string' },
    withhold: { type: 'string' },
    'withhold-out': { type: 'string' },
    limit: { type: 'string' },
    sources: { type: 'string' },
    workers: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(PUBLIC_USAGE + '\n');
    return 0;
  }
  const pub = await import('../../lab/synth/public');
  const trainDir = path.resolve(values['train-dir'] ?? path.join(dataDir(), 'train'));
  if (!fs.existsSync(trainDir)) throw new CliError(`synth public: no training data at ${trainDir} (pass --train-dir)`, 2);
  const withhold = numberFlag('withhold', values.withhold, 0, 0, 1);
  const limit = values.limit === undefined ? undefined : intFlag('limit', values.limit, 0, 1);
  const workers = intFlag('workers', values.workers, 1, 1);
  let sources: readonly (typeof pub.SOURCE_NAMES)[number][] = pub.SOURCE_NAMES;
  if (values.sources) {
    const want = values.sources.split(',').map((s) => s.trim());
    const bad = want.filter((s) => !(pub.SOURCE_NAMES as readonly string[]).includes(s));
    if (bad.length) throw new CliError(`--sources: unknown ${bad.join(', ')} (one of ${pub.SOURCE_NAMES.join(', ')})`, 2);
    sources = want as typeof sources;
  }
  const out = values.out ?? 'data/public/train.jsonl';
  const withheldOut = values['withhold-out'] ?? 'data/public/withheld.jsonl';
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const outFd = fs.openSync(out, 'w');
  let wFd: number | undefined;
  if (withhold > 0) {
    fs.mkdirSync(path.dirname(path.resolve(withheldOut)), { recursive: true });
    wFd = fs.openSync(withheldOut, 'w');
  }
  const { createExecutorPool } = await import('../../engine/exec');
  const executor = createExecutorPool({ workers });
  const t0 = Date.now();
  try {
    const stats = await pub.convertPublic({
      trainDir,
      executor,
      withhold,
      limit,
      sources,
      concurrency: workers * 2,
      onRecord: (r) => fs.writeSync(outFd, JSON.stringify(r) + '\n'),
      onWithheld: (r) => wFd !== undefined && fs.writeSync(wFd, JSON.stringify(r) + '\n'),
      onProgress: (s, done) =>
        process.stderr.write(
          `synth public: ${s.source}${done ? '' : ' (running)'}: read ${s.read}, converted ${s.converted}, verified ${s.verified}` +
            (done ? `, kept ${s.kept} (${(s.ms / 1000).toFixed(1)} s)` : '') +
            '\n',
        ),
    });
    process.stderr.write('\n' + pub.summaryTable(stats) + '\n\n');
    for (const s of stats) {
      const top = Object.entries(s.reasons)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6);
      if (top.length) process.stderr.write(`  ${s.source} not kept: ${top.map(([r, n]) => `${r} ${n}`).join('; ')}\n`);
    }
    const kept = stats.reduce((a, s) => a + s.kept, 0);
    const held = stats.reduce((a, s) => a + s.withheld, 0);
    process.stderr.write(
      `synth public: wrote ${kept} records to ${out}${wFd !== undefined ? `, ${held} withheld problems to ${withheldOut}` : ''} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    return 0;
  } finally {
    fs.closeSync(outFd);
    if (wFd !== undefined) fs.closeSync(wFd);
    await executor.close();
  }
}
