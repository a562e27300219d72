import { CliError, parseFlags, type CliCommand } from '../command';
import { ensureModels } from '../fetch-progress';

const usage = `Usage: ./stepwise bench <engine|models|lookup|render|bots|queue> [--json]

Runs a benchmark and prints its figures (ratios are measured side by side in one run).
  engine   MCTS nodes/s and engine overhead with instant models; sandbox pool vs fresh python3
  models   decode tokens/s, shared-prefill speed-up, scoring throughput, micro-batching gain
  lookup   greedy steps with and without prompt-lookup guesses (same text; calls, seconds)
  render   KaTeX → PNG per formula and per solution, Chromium launch time and memory
  bots     time to deferred reply / ack and to first progress edit; load test against fake servers
  queue    solve-queue throughput with 1, 2, 4 workers on Redis, and Redis mode's added latency
Options:
  --json   print one JSON object instead of a table
  --policy DIR, --scorer DIR   (models, lookup) the models to measure, e.g. fixture:tiny-random-qwen2
                               (default: the shipped models)
`;

type Figures = Record<string, unknown>;

/** Loads bench/<name>.ts (compiled to dist/bench) lazily, so one suite's dependencies never slow another. */
async function benchModule<T>(name: string): Promise<T> {
  const spec = `../../../bench/${name}`;
  return (await import(spec)) as T;
}

const suites: Record<string, (o: { policy?: string; scorer?: string }) => Promise<Figures>> = {
  async engine() {
    const { benchEngine } = await import('../../../bench/engine');
    const { benchExec } = await benchModule<typeof import('../../../bench/exec')>('exec');
    process.stderr.write('bench engine: MCTS with instant models...\n');
    const engine = await benchEngine();
    process.stderr.write('bench engine: sandbox pool vs fresh python3 per run...\n');
    const exec = await benchExec({ runs: 40 });
    return { ...engine, ...exec };
  },
  async models(o) {
    const { benchModels } = await benchModule<{ benchModels(o: object): Promise<Figures> }>('models');
    await ensureModels({ policy: o.policy, scorer: o.scorer });
    return benchModels({ policyDir: o.policy, scorerDir: o.scorer });
  },
  async lookup(o) {
    const { benchLookup } = await benchModule<{ benchLookup(o: object): Promise<Figures> }>('lookup');
    await ensureModels({ policy: o.policy, scorer: null });
    return benchLookup({ policyDir: o.policy });
  },
  async render() {
    const { benchRender } = await benchModule<{ benchRender(o: object): Promise<Figures> }>('render');
    return benchRender({});
  },
  async queue() {
    const { benchQueue } = await benchModule<{ benchQueue(o: object): Promise<Figures> }>('queue');
    return benchQueue({});
  },
  async bots() {
    const { benchBots } = await benchModule<{ benchBots(o: object): Promise<Figures> }>('bots');
    return benchBots({});
  },
};

export const command: CliCommand = {
  name: 'bench',
  summary: 'run a benchmark (engine | models | lookup | render | bots | queue) and print its figures',
  usage,
  async run(args) {
    const { values, positionals } = parseFlags('bench', args, {
      json: { type: 'boolean' },
      policy: { type: 'string' },
      scorer: { type: 'string' },
    });
    const name = positionals[0];
    const suite = name ? suites[name] : undefined;
    if (!suite) throw new CliError(`choose a benchmark: ${Object.keys(suites).join(', ')}`, 2);
    if ((values.policy || values.scorer) && name !== 'models' && name !== 'lookup')
      throw new CliError('--policy and --scorer apply to "bench models" and "bench lookup" only', 2);
    const figures = await suite({ policy: values.policy, scorer: values.scorer });
    if (values.json) process.stdout.write(JSON.stringify(figures) + '\n');
    else {
      const width = Math.max(...Object.keys(figures).map((k) => k.length));
      for (const [k, v] of Object.entries(figures))
        process.stdout.write(`${k.padEnd(width)}  ${typeof v === 'object' && v !== null ? JSON.stringify(v) : v}\n`);
    }
    return 0;
  },
};
