import fs from 'node:fs';
import path from 'node:path';
import { CliError, intFlag, parseFlags, type CliCommand } from '../command';
import { ensureModels } from '../fetch-progress';
import { createExecutorPool } from '../../engine/exec';
import { loadProblemSet } from '../../lab/eval/problem-sets';
import {
  DEFAULT_POLICY_DIR,
  DEFAULT_SCORER_DIR,
  fillTemplate,
  findManifest,
  loadPolicy,
  loadScorer,
  MicroBatchPolicy,
} from '../../engine/models';
import type { StepScorer } from '../../engine/models/types';
import { synthesize } from '../../lab/synth/synthesize';
import { ProgressLine } from '../progress';

const usage = `Usage: ./stepwise synthesize --out DIR [options]

MCTS data synthesis over problems with known answers (rStar-Math §4-5). Writes
DIR/sft.jsonl (rstar_sft: {query, response}), DIR/pairs.jsonl (rstar_ppm: {prompt, pos, neg, ...})
and, with --trees, DIR/trees.jsonl (every search tree with N/Q per node).

Options:
  --set NAME         problem set with known answers (default synth-synthesis: the SynthMath
                     split with answers but no gold solutions), or any set/file ./stepwise eval takes
  --mode MODE        terminal-guided (rounds 1-2, no PPM) | ppm-augmented (rounds 3+; default terminal-guided)
  --rollouts N       rollouts per problem (default 8)
  --candidates N     candidates per expansion (default 8)
  --limit N          first N problems
  --offset N         skip the first N problems
  --concurrency N    problems searched at once (default 4)
  --policy DIR, --scorer DIR
  --temperature T    sampling temperature (default 1.0)
  --seed N
  --trees            also write the trees
`;

export const command: CliCommand = {
  name: 'synthesize',
  summary: 'MCTS data synthesis: SFT trajectories and PPM preference pairs from search trees',
  usage,
  async run(args) {
    const { values } = parseFlags('synthesize', args, {
      out: { type: 'string' },
      set: { type: 'string' },
      mode: { type: 'string' },
      rollouts: { type: 'string' },
      candidates: { type: 'string' },
      limit: { type: 'string' },
      offset: { type: 'string' },
      concurrency: { type: 'string' },
      policy: { type: 'string' },
      scorer: { type: 'string' },
      seed: { type: 'string' },
      temperature: { type: 'string' },
      trees: { type: 'boolean' },
    });
    if (!values.out) throw new CliError('--out DIR is required', 2);
    const mode = (values.mode ?? 'terminal-guided') as 'terminal-guided' | 'ppm-augmented';
    if (mode !== 'terminal-guided' && mode !== 'ppm-augmented') throw new CliError('--mode must be terminal-guided or ppm-augmented', 2);
    let problems = loadProblemSet(values.set ?? 'synth-synthesis');
    const offset = intFlag('offset', values.offset, 0, 0);
    problems = problems.slice(offset, values.limit ? offset + intFlag('limit', values.limit, 1) : undefined);
    const policyDir = values.policy ?? DEFAULT_POLICY_DIR;
    await ensureModels({ policy: policyDir, scorer: mode === 'ppm-augmented' ? values.scorer : null });
    const manifest = findManifest(policyDir, 'policy');
    // problems searched at once share batched model calls
    const policy = new MicroBatchPolicy(await loadPolicy(policyDir));
    let scorer: StepScorer | undefined;
    if (mode === 'ppm-augmented') scorer = await loadScorer(values.scorer ?? DEFAULT_SCORER_DIR);
    const executor = createExecutorPool();
    fs.mkdirSync(values.out, { recursive: true });
    const open = (name: string) => fs.openSync(path.join(values.out as string, name), 'w');
    const sftFd = open('sft.jsonl');
    const pairFd = open('pairs.jsonl');
    const treeFd = values.trees ? open('trees.jsonl') : null;
    const progress = new ProgressLine(process.stderr);
    try {
      const summary = await synthesize(
        problems,
        { policy, scorer, executor },
        {
          mode,
          rollouts: intFlag('rollouts', values.rollouts, 8),
          candidates: intFlag('candidates', values.candidates, 8),
          maxDepth: 16,
          temperature: values.temperature === undefined ? 1.0 : Number(values.temperature),
          seed: intFlag('seed', values.seed, 1, 0),
          concurrency: intFlag('concurrency', values.concurrency, 4),
          prompt: (q, partial) => fillTemplate(manifest, q, partial),
          onProgress: (done, total, s) => {
            const eta = (s.elapsedMs / 1000 / done) * (total - done);
            progress.update(
              `synthesize (${mode}): ${done}/${total} problems · ${s.solved} solved · ${s.sft} SFT · ${s.pairs} pairs · ETA ${eta.toFixed(0)} s`,
            );
          },
        },
        {
          tree:
            treeFd === null
              ? undefined
              : (p, trees) => fs.writeSync(treeFd, JSON.stringify({ id: p.id, question: p.question, answer: p.answer, trees }) + '\n'),
          sft: (r) => fs.writeSync(sftFd, JSON.stringify(r) + '\n'),
          pair: (r) => fs.writeSync(pairFd, JSON.stringify(r) + '\n'),
        },
      );
      progress.done();
      process.stdout.write(JSON.stringify(summary) + '\n');
      return 0;
    } finally {
      for (const fd of [sftFd, pairFd, treeFd]) if (fd !== null) fs.closeSync(fd);
      await Promise.allSettled([policy.close?.(), scorer?.close?.(), executor.close()]);
    }
  },
};
