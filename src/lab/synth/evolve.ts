/**
 * The self-evolution recipe (rStar-Math §3-5) as resumable stages:
 *
 *   data → tokenizer → round 1: SFT policy on gold solutions → terminal-guided MCTS synthesis →
 *   PPM on its pairs → round r ≥ 2: SFT policy on gold + MCTS trajectories of earlier rounds →
 *   PPM-augmented MCTS synthesis (previous PPM) → PPM on all pairs → … → ship.
 *
 * Each finished stage is recorded in OUT/state.json, so a rerun continues where it stopped. The
 * Python stages (training, export) run as child processes; synthesis runs in-process on the
 * engine's own MCTS, sandbox and ONNX runtime.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoPath } from '../../paths';
import { createExecutorPool } from '../../engine/exec';
import { readProblemFile } from '../eval/problem-sets';
import { fillTemplate, findManifest, loadPolicy, loadScorer } from '../../engine/models';
import { generateProblems, type Split } from './generator';
import { synthesize } from './synthesize';

export interface EvolveOptions {
  out: string;
  rounds: number;
  device: 'cpu' | 'cuda';
  python: string;
  trainCount: number;
  /** SynthMath generator version of the train and synthesis problems (default: the newest). */
  generatorVersion?: number;
  synthProblems: number;
  rollouts: number;
  candidates: number;
  policyMinutes: number[];
  ppmMinutes: number;
  /** Sampling temperature of MCTS synthesis (higher: more wrong siblings to learn from). */
  temperature: number;
  seed: number;
  /** Copy the last round's models into models/ when done. */
  ship: boolean;
  /** Start round 1 from this policy checkpoint (a dir with config.json + policy.pt) instead of training from scratch. */
  initPolicy?: string;
  /** Use this tokenizer.json (required with initPolicy: it must be the checkpoint's) instead of building one. */
  tokenizer?: string;
  /** Verified gold trajectories from other sources (e.g. `synth public` output), trained on next to SynthMath. */
  extraTrain?: string[];
  /**
   * Problems ({id, question, answer}) whose solutions the policy must find by MCTS synthesis
   * (e.g. `synth public --withhold-out`): interleaved with the SynthMath synthesis problems.
   */
  withheld?: string;
  /** Tokenizer vocabulary size when one is built (default 1024). */
  vocab?: number;
  /** Policy (and PPM backbone) size when trained from scratch. */
  modelSize?: ModelSize;
  log: (line: string) => void;
}

/** Policy shapes for training from scratch (`train_policy.py --size`, defined in training/model.py SIZES). */
export const MODEL_SIZES = ['small', 'medium'] as const;
export type ModelSize = (typeof MODEL_SIZES)[number];

/** Interleaves two problem lists (a, b, a, b, …, then the rest of the longer). */
export function interleave<T>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]!);
    if (i < b.length) out.push(b[i]!);
  }
  return out;
}

type State = Record<string, { done: string; info?: unknown }>;

export async function evolve(o: EvolveOptions): Promise<void> {
  fs.mkdirSync(o.out, { recursive: true });
  const statePath = path.join(o.out, 'state.json');
  const state: State = fs.existsSync(statePath) ? JSON.parse(fs.readFileSync(statePath, 'utf8')) : {};
  const started = Date.now();
  const stage = async (name: string, run: () => Promise<unknown>) => {
    if (state[name]) {
      o.log(`[evolve] ${name}: done earlier (${state[name].done}), skipping`);
      return;
    }
    const t = Date.now();
    o.log(`[evolve] ${name}: starting (${fmtMin(Date.now() - started)} into the pipeline)`);
    const info = await run();
    state[name] = { done: new Date().toISOString(), ...(info === undefined ? {} : { info }) };
    fs.writeFileSync(statePath, JSON.stringify(state, null, 2));
    o.log(`[evolve] ${name}: finished in ${fmtMin(Date.now() - t)}${info ? ` ${JSON.stringify(info)}` : ''}`);
  };
  const data = (f: string) => path.join(o.out, 'data', f);
  const tokenizer = o.tokenizer ?? path.join(o.out, 'tokenizer.json');
  const py = (script: string, args: string[]) => runPython(o, script, args);

  await stage('data', async () => {
    fs.mkdirSync(path.join(o.out, 'data'), { recursive: true });
    const splits: [Split, number, string][] = [
      ['train', o.trainCount, 'train.jsonl'],
      ['test-id', 400, 'test-id.jsonl'],
      ['test-ood', 400, 'test-ood.jsonl'],
      ['synthesis', o.synthProblems * o.rounds, 'synthesis.jsonl'],
    ];
    for (const [split, count, file] of splits) {
      let problems: object[] = generateProblems({ split, count, seed: o.seed, version: o.generatorVersion });
      if (split === 'synthesis' && o.withheld) {
        // up to half withheld real problems (solved only by MCTS), the rest SynthMath, interleaved
        const real = readProblemFile(o.withheld).map(({ id, question, answer }) => ({ id, question, answer }));
        const nReal = Math.min(real.length, Math.floor(count / 2));
        problems = interleave(problems.slice(0, count - nReal), real.slice(0, nReal));
      }
      fs.writeFileSync(data(file), problems.map((p) => JSON.stringify(p)).join('\n') + '\n');
    }
    return { train: o.trainCount, extraTrain: o.extraTrain ?? [], withheld: o.withheld ?? null };
  });
  const goldFiles = [data('train.jsonl'), ...(o.extraTrain ?? [])];
  if (!o.tokenizer) {
    await stage('tokenizer', () =>
      py('build_tokenizer.py', ['--data', ...goldFiles, '--vocab', String(o.vocab ?? 1024), '--out', tokenizer]),
    );
  }
  const shape = ['--size', o.modelSize ?? 'small'];

  const sftFiles: string[] = [];
  const pairFiles: string[] = [];
  for (let r = 1; r <= o.rounds; r++) {
    const dir = path.join(o.out, `round${r}`);
    const prev = path.join(o.out, `round${r - 1}`);
    fs.mkdirSync(dir, { recursive: true });
    const minutes = o.policyMinutes[Math.min(r - 1, o.policyMinutes.length - 1)];
    const init = r > 1 ? path.join(prev, 'policy') : o.initPolicy;
    await stage(`round${r}.policy`, async () => {
      if (minutes === 0 && init) {
        fs.cpSync(init, path.join(dir, 'policy'), { recursive: true }); // keep the given policy as it is
        return { copied: init };
      }
      return py('train_policy.py', [
        '--train',
        ...goldFiles,
        ...sftFiles,
        '--val',
        data('test-id.jsonl'),
        '--tokenizer',
        tokenizer,
        '--minutes',
        String(minutes),
        '--out',
        path.join(dir, 'policy'),
        ...(init ? ['--init', init] : shape),
      ]);
    });
    await stage(`round${r}.policy-export`, () =>
      py('export_onnx.py', [
        'policy',
        '--ckpt',
        path.join(dir, 'policy'),
        '--out',
        path.join(dir, 'policy-onnx'),
        '--tokenizer',
        tokenizer,
      ]),
    );
    const mode = r === 1 ? 'terminal-guided' : 'ppm-augmented';
    await stage(`round${r}.synthesis`, async () => {
      const all = readProblemFile(data('synthesis.jsonl'));
      const problems = all.slice((r - 1) * o.synthProblems, r * o.synthProblems);
      const policyDir = path.join(dir, 'policy-onnx');
      const manifest = findManifest(policyDir, 'policy');
      const policy = await loadPolicy(policyDir);
      const scorer = mode === 'ppm-augmented' ? await loadScorer(path.join(prev, 'ppm-onnx')) : undefined;
      const executor = createExecutorPool();
      const sft = fs.openSync(path.join(dir, 'sft.jsonl'), 'w');
      const pairs = fs.openSync(path.join(dir, 'pairs.jsonl'), 'w');
      try {
        let last = 0;
        const summary = await synthesize(
          problems,
          { policy, scorer, executor },
          {
            mode,
            rollouts: o.rollouts,
            candidates: o.candidates,
            maxDepth: 12,
            temperature: o.temperature,
            seed: o.seed * 1000 + r,
            concurrency: 4,
            prompt: (q, partial) => fillTemplate(manifest, q, partial),
            onProgress: (done, total, s) => {
              if (Date.now() - last < 5000 && done < total) return;
              last = Date.now();
              const eta = (s.elapsedMs / 1000 / done) * (total - done);
              o.log(
                `[evolve] round${r}.synthesis (${mode}): ${done}/${total} problems, ${s.solved} solved, ${s.sft} SFT, ${s.pairs} pairs, ETA ${eta.toFixed(0)} s`,
              );
            },
          },
          {
            sft: (rec) => fs.writeSync(sft, JSON.stringify(rec) + '\n'),
            pair: (rec) => fs.writeSync(pairs, JSON.stringify(rec) + '\n'),
          },
        );
        return summary;
      } finally {
        fs.closeSync(sft);
        fs.closeSync(pairs);
        await Promise.allSettled([policy.close?.(), scorer?.close?.(), executor.close()]);
      }
    });
    sftFiles.push(path.join(dir, 'sft.jsonl'));
    pairFiles.push(path.join(dir, 'pairs.jsonl'));
    const pairSources = pairFiles.filter((f) => fs.existsSync(f) && fs.statSync(f).size > 0);
    if (pairSources.length === 0) {
      throw new Error(
        `round ${r} synthesis produced no preference pairs: the policy solved none of its problems. ` +
          'Train the policy longer (--policy-minutes) or on more problems (--train-count), then rerun with --restart.',
      );
    }
    await stage(`round${r}.ppm`, () =>
      py('train_ppm.py', [
        '--pairs',
        ...pairSources,
        '--init',
        path.join(dir, 'policy'),
        '--tokenizer',
        tokenizer,
        '--minutes',
        String(o.ppmMinutes),
        '--out',
        path.join(dir, 'ppm'),
        '--heldout-out',
        path.join(dir, 'heldout-pairs.jsonl'),
      ]),
    );
    await stage(`round${r}.ppm-export`, async () => {
      await py('export_onnx.py', ['ppm', '--ckpt', path.join(dir, 'ppm'), '--out', path.join(dir, 'ppm-onnx'), '--tokenizer', tokenizer]);
      fs.copyFileSync(path.join(dir, 'heldout-pairs.jsonl'), path.join(dir, 'ppm-onnx', 'heldout-pairs.jsonl'));
    });
  }
  if (o.ship) {
    const last = path.join(o.out, `round${o.rounds}`);
    shipModel(path.join(last, 'policy-onnx'), repoPath('models', 'stepwise-synth-policy'));
    shipModel(path.join(last, 'ppm-onnx'), repoPath('models', 'stepwise-synth-ppm'));
    o.log(`[evolve] shipped round ${o.rounds} models to models/ (model cards are kept; update their figures)`);
  }
  o.log(`[evolve] all stages done in ${fmtMin(Date.now() - started)}; state in ${statePath}`);
}

/** Replaces a shipped model's files (keeping its MODEL_CARD.md). */
function shipModel(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const f of fs.readdirSync(from)) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

function runPython(o: EvolveOptions, script: string, args: string[]): Promise<undefined> {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: process.env.OPENBLAS_NUM_THREADS ?? '2', PYTHONUNBUFFERED: '1' };
  const fullArgs = [repoPath('training', script), ...args, ...(deviceFlag(script) ? ['--device', o.device] : [])];
  o.log(`[evolve] $ ${o.python} ${fullArgs.map((a) => path.relative(process.cwd(), a) || a).join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(o.python, fullArgs, { cwd: repoPath(), env, stdio: ['ignore', 'pipe', 'pipe'] });
    const relay = (chunk: Buffer) =>
      chunk
        .toString()
        .split('\n')
        .filter((l) => l.trim())
        .forEach((l) => o.log(`  ${l}`));
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    child.on('error', (err) => reject(new Error(`could not start ${o.python}: ${err.message}`)));
    child.on('close', (code) => (code === 0 ? resolve(undefined) : reject(new Error(`training/${script} exited with code ${code}`))));
  });
}

const deviceFlag = (script: string) => script === 'train_policy.py' || script === 'train_ppm.py';
const fmtMin = (ms: number) => `${(ms / 60000).toFixed(1)} min`;
