import fs from 'node:fs';
import path from 'node:path';
import { CliError, intFlag, parseFlags, positiveFlag, type CliCommand } from '../command';
import { evolve, MODEL_SIZES, type ModelSize } from '../../lab/synth/evolve';
import { generatorVersionFlag } from './synth';
import { GENERATOR_VERSION } from '../../lab/synth/generator';

const usage = `Usage: ./stepwise evolve [--rounds N] [options]

Trains the default policy and PPM with the rStar-Math self-evolution recipe on SynthMath:
round 1 = SFT on gold solutions + terminal-guided MCTS synthesis + PPM on its pairs; round r ≥ 2 =
SFT on gold + earlier MCTS trajectories, PPM-augmented synthesis, PPM on all pairs. Stages are
resumable: rerun the same command to continue after an interruption (--restart starts over).
Progress and a log go to stderr and OUT/evolve.log.

Options:
  --rounds N            rounds (default 2)
  --out DIR             work directory (default training/runs/evolve)
  --device cpu|cuda     where PyTorch trains (default cpu; cuda needs a CUDA build of PyTorch,
                        pick its python with STEPWISE_PYTHON)
  --train-count N       SynthMath training problems (default 30000)
  --generator-version V SynthMath generator version of the train and synthesis problems
                        (default ${GENERATOR_VERSION}; 1 is the round-0 generator)
  --synth-problems N    problems searched per round (default 200)
  --rollouts N          MCTS rollouts per problem (default 8)
  --candidates N        candidates per expansion (default 6)
  --policy-minutes A,B  SFT minutes for round 1, later rounds (default 15,6)
  --ppm-minutes N       PPM minutes per round (default 4)
  --temperature T       sampling temperature of MCTS synthesis (default 1.0)
  --seed N              (default 1)
  --init-policy DIR     start from this policy checkpoint (config.json + policy.pt); with
                        --policy-minutes 0,... round 1 keeps it unchanged
  --tokenizer FILE      the checkpoint's tokenizer.json (required with --init-policy)
  --public FILE,...     verified gold trajectories to train on next to SynthMath (the output of
                        ./stepwise synth public; read from where it is, never copied)
  --withheld FILE       problems without gold solutions ({id, question, answer}, e.g. synth public
                        --withhold-out): half of each round's synthesis problems come from it, solved
                        only by MCTS (rStar's self-evolution on real problems)
  --vocab N             vocabulary of the tokenizer built on all training text (default 1024)
  --model-size S        small (3M parameters, rounds 0-2) or medium (~14M) when training from scratch
  --ship                copy the last round's models into models/stepwise-synth-{policy,ppm}
  --restart             forget finished stages
`;

export const command: CliCommand = {
  name: 'evolve',
  summary: 'train the default policy and PPM with the rStar-Math self-evolution recipe (resumable)',
  usage,
  async run(args) {
    const { values } = parseFlags('evolve', args, {
      rounds: { type: 'string' },
      out: { type: 'string' },
      device: { type: 'string' },
      'train-count': { type: 'string' },
      'generator-version': { type: 'string' },
      'synth-problems': { type: 'string' },
      rollouts: { type: 'string' },
      candidates: { type: 'string' },
      'policy-minutes': { type: 'string' },
      'ppm-minutes': { type: 'string' },
      temperature: { type: 'string' },
      seed: { type: 'string' },
      ship: { type: 'boolean' },
      'init-policy': { type: 'string' },
      tokenizer: { type: 'string' },
      public: { type: 'string' },
      withheld: { type: 'string' },
      vocab: { type: 'string' },
      'model-size': { type: 'string' },
      restart: { type: 'boolean' },
    });
    const device = (values.device ?? 'cpu') as 'cpu' | 'cuda';
    if (device !== 'cpu' && device !== 'cuda') throw new CliError('--device must be cpu or cuda', 2);
    const policyMinutes = (values['policy-minutes'] ?? '15,6').split(',').map(Number);
    if (policyMinutes.some((m) => !(m >= 0)) || (policyMinutes[0] === 0 && !values['init-policy'])) {
      throw new CliError('--policy-minutes takes numbers of minutes, e.g. 15,6 (0 for round 1 only with --init-policy)', 2);
    }
    if (values['init-policy'] && !values.tokenizer)
      throw new CliError("--init-policy needs --tokenizer (the checkpoint's tokenizer.json)", 2);
    const modelSize = (values['model-size'] ?? 'small') as ModelSize;
    if (!MODEL_SIZES.includes(modelSize)) throw new CliError(`--model-size must be ${MODEL_SIZES.join(' or ')}`, 2);
    const extraTrain = values.public ? values.public.split(',').map((f) => path.resolve(f)) : [];
    const withheld = values.withheld && path.resolve(values.withheld);
    for (const f of [...extraTrain, ...(withheld ? [withheld] : [])]) {
      if (!fs.existsSync(f)) throw new CliError(`${f} not found (make it with ./stepwise synth public --withhold 0.2)`, 2);
    }
    // every flag is checked before the work directory is touched
    const options = {
      rounds: intFlag('rounds', values.rounds, 2),
      device,
      trainCount: intFlag('train-count', values['train-count'], 30000),
      generatorVersion: generatorVersionFlag(values['generator-version']),
      synthProblems: intFlag('synth-problems', values['synth-problems'], 200),
      rollouts: intFlag('rollouts', values.rollouts, 8),
      candidates: intFlag('candidates', values.candidates, 6),
      policyMinutes,
      ppmMinutes: positiveFlag('ppm-minutes', values['ppm-minutes'], 4),
      temperature: positiveFlag('temperature', values.temperature, 1.0),
      seed: intFlag('seed', values.seed, 1, 0),
      ship: values.ship ?? false,
      initPolicy: values['init-policy'] && path.resolve(values['init-policy']),
      tokenizer: values.tokenizer && path.resolve(values.tokenizer),
      extraTrain,
      withheld,
      vocab: intFlag('vocab', values.vocab, 1024, 300),
      modelSize,
    };
    const python = process.env.STEPWISE_PYTHON ?? '/usr/bin/python3';
    if (!fs.existsSync(python))
      throw new CliError(`${python} not found: run scripts/install-system-deps.sh --training (or set STEPWISE_PYTHON)`);
    const out = path.resolve(values.out ?? 'training/runs/evolve');
    if (values.restart) fs.rmSync(path.join(out, 'state.json'), { force: true });
    fs.mkdirSync(out, { recursive: true });
    const logFile = fs.openSync(path.join(out, 'evolve.log'), 'a');
    try {
      await evolve({
        ...options,
        out,
        python,
        log: (line) => {
          const stamped = `${new Date().toISOString().slice(11, 19)} ${line}`;
          process.stderr.write(stamped + '\n');
          fs.writeSync(logFile, stamped + '\n');
        },
      });
      return 0;
    } catch (err) {
      throw new CliError(`${(err as Error).message}\nRerun the same command to resume from the last finished stage.`);
    } finally {
      fs.closeSync(logFile);
    }
  },
};
