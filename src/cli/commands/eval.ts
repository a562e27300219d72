import fs from 'node:fs';
import path from 'node:path';
import { CliError, intFlag, parseFlags, positiveFlag, type CliCommand } from '../command';
import { ensureModels } from '../fetch-progress';
import { createEngine, STRATEGY_NAMES, type SearchConfig, type StrategyName } from '../../engine';
import { evaluateStrategies, pairAccuracy, reportFromRecords, toContextPair, type EvalRecord, type StrategyReport } from '../../lab/eval/evaluate';
import { loadProblemSet, PROBLEM_SETS } from '../../lab/eval/problem-sets';
import { createSympyChecker } from '../../engine/grading';
import { DEFAULT_SCORER_DIR, manifestAbstention } from '../../engine/models';
import { judge, type AbstentionRule } from '../../engine/search/verdict';
import { ProgressLine } from '../progress';

const usage = `Usage: ./stepwise eval --set NAME [options]
       ./stepwise eval --report FILE[,FILE...] [--rule DIR] [--json]

Accuracy per search strategy on a problem set, at one stated sample budget, plus the PPM's
pairwise accuracy on held-out preference pairs. Coverage is the share of problems whose right
answer the strategy found anywhere (any trajectory, any MCTS tree terminal): the most a perfect
answer selection could reach with the same samples.

Options:
  --set NAME          ${PROBLEM_SETS.join(' | ')} | FILE.jsonl (lines {problem|question, answer})
  --data-dir DIR      where the benchmarks are (DIR/benchmarks/*.jsonl; default $STEPWISE_DATA_DIR,
                      else ../shared/data); get them with ./stepwise data fetch
  --strategies LIST   comma-separated, default greedy,vote,best-of-n,beam,mcts
  --budget N          trajectories per strategy (default 8): vote/best-of-n sample N, MCTS runs
                      N rollouts, beam keeps width 2 with N/2 candidates; greedy samples 1
  --candidates N      MCTS candidates per expansion (default 4)
  --as-bot            search as the bots do: the policy's own settings (its manifest "search":
                      rollouts, candidates, early stop, time budget) instead of --budget,
                      --candidates and --temperature
  --runs R            MCTS as R independent runs of N/R rollouts each, answered by the top-K
                      PPM-ranked vote over their best answers (spec §4; default 1)
  --limit N           evaluate the first N problems
  --by FIELD          also accuracy and coverage per value of a problem field: family or
                      novelty (SynthMath), level or type (MATH500), any field of a JSONL file
  --pairs FILE        held-out PPM pairs (JSONL {question, prefix, pos, neg} or rStar's
                      {prompt, pos, neg}; default
                      models/stepwise-synth-ppm/heldout-pairs.jsonl when present)
  --policy DIR, --scorer DIR   models (default: the shipped ones)
  --temperature T     sampling temperature for every sampling strategy (default 1.0)
  --redraws N         greedy: draw a step that fails its check again, up to N times, at the
                      sampling temperature (default 2; 0: pure greedy)
  --seed N            (default 1)
  --dump FILE         write one JSONL line per problem and strategy: {id, strategy, correct,
                      answered, sure, voteShare, score, tokenProb, solutionLogprob, questionLoss,
                      seconds, answer, alternatives (graded)} (input of ./stepwise calibrate and of --report)
  --report FILES      print the table from earlier --dump files instead of running anything
                      (one table per file)
  --rule DIR          with --report: judge "sure" again with the abstention rule in DIR's
                      manifest (e.g. one just calibrated) instead of the rule the run had
  --json              print one object {"accuracy": {...}, "ppm_pair_accuracy": ..., "n": ...}
`;

export const command: CliCommand = {
  name: 'eval',
  summary: 'accuracy per strategy on SynthMath or a benchmark, plus PPM pair accuracy',
  usage,
  async run(args) {
    const { values } = parseFlags('eval', args, {
      set: { type: 'string' },
      'data-dir': { type: 'string' },
      strategies: { type: 'string' },
      budget: { type: 'string' },
      candidates: { type: 'string' },
      runs: { type: 'string' },
      limit: { type: 'string' },
      by: { type: 'string' },
      pairs: { type: 'string' },
      policy: { type: 'string' },
      scorer: { type: 'string' },
      seed: { type: 'string' },
      temperature: { type: 'string' },
      redraws: { type: 'string' },
      json: { type: 'boolean' },
      dump: { type: 'string' },
      'as-bot': { type: 'boolean' },
      report: { type: 'string' },
      rule: { type: 'string' },
    });
    if (values.rule !== undefined && values.report === undefined) throw new CliError('--rule goes with --report', 2);
    if (values.report !== undefined) return reportDumps(values.report, !!values.json, values.rule === undefined ? undefined : readRule(values.rule));
    if (!values.set) throw new CliError('--set is required (e.g. --set synth-ood)', 2);
    const strategies = (values.strategies ?? 'greedy,vote,best-of-n,beam,mcts').split(',').map((s) => s.trim()) as StrategyName[];
    for (const s of strategies) if (!STRATEGY_NAMES.includes(s)) throw new CliError(`unknown strategy "${s}"`, 2);
    const B = intFlag('budget', values.budget, 8);
    const seed = intFlag('seed', values.seed, 1, 0);
    const candidates = intFlag('candidates', values.candidates, 4);
    const runs = intFlag('runs', values.runs, 1);
    if (B % runs !== 0) throw new CliError(`--budget ${B} must be a multiple of --runs ${runs} (each run gets budget/runs rollouts)`, 2);
    const temperature = positiveFlag('temperature', values.temperature, 1.0);
    const redraws = values.redraws === undefined ? undefined : intFlag('redraws', values.redraws, 2, 0);
    let problems;
    try {
      problems = loadProblemSet(values.set, undefined, values['data-dir']);
    } catch (err) {
      throw new CliError((err as Error).message, 2);
    }
    if (values.limit) problems = problems.slice(0, intFlag('limit', values.limit, problems.length));
    const budget: Record<StrategyName, Partial<SearchConfig>> = values['as-bot']
      ? { greedy: { seed, redraws }, vote: { seed }, 'best-of-n': { seed }, beam: { seed }, mcts: { runs, seed } }
      : {
          greedy: { seed, temperature, redraws },
          vote: { samples: B, seed, temperature },
          'best-of-n': { samples: B, seed, temperature },
          beam: { beamWidth: 2, candidates: Math.max(2, Math.round(B / 2)), seed, temperature },
          mcts: { rollouts: B / runs, runs, candidates, seed, temperature },
        };
    await ensureModels({ policy: values.policy, scorer: values.scorer });
    const engine = await createEngine({ policyDir: values.policy, scorerDir: values.scorer }).catch((err: Error) => {
      throw new CliError(err.message);
    });
    const progress = new ProgressLine(process.stderr);
    const started = new Map<string, number>();
    const dump = values.dump ? fs.openSync(values.dump, 'w') : null;
    try {
      const reports = await evaluateStrategies(problems, engine.solve, strategies, budget, {
        symbolic: createSympyChecker(engine.executor),
        groupBy: values.by,
        onRecord: dump === null ? undefined : (r) => fs.writeSync(dump, JSON.stringify({ set: values.set, ...r }) + '\n'),
        onProgress: (p) => {
          if (!started.has(p.strategy)) started.set(p.strategy, Date.now() - 1);
          const eta = ((Date.now() - (started.get(p.strategy) as number)) / 1000 / p.done) * (p.total - p.done);
          progress.update(
            `eval ${values.set}: ${p.strategy} ${p.done}/${p.total} · ${((p.correct / p.done) * 100).toFixed(1)}% correct · ETA ${eta.toFixed(0)} s (this strategy)`,
          );
        },
      });
      progress.done();
      let ppm: number | null = null;
      const pairsFile = values.pairs ?? defaultPairsFile(values.scorer);
      if (pairsFile && engine.scorer) {
        const pairs = fs
          .readFileSync(pairsFile, 'utf8')
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => toContextPair(JSON.parse(l)));
        ppm = await pairAccuracy(engine.scorer, pairs);
      }
      const accuracy = Object.fromEntries(Object.entries(reports).map(([k, r]) => [k, Number(r.accuracy.toFixed(4))]));
      if (values.json) {
        process.stdout.write(
          JSON.stringify({ accuracy, ppm_pair_accuracy: ppm, n: problems.length, set: values.set, budget: B, details: reports }) + '\n',
        );
      } else {
        process.stdout.write(`set ${values.set}, ${problems.length} problems, budget ${B} trajectories per strategy\n`);
        printTable(reports);
        if (values.by) {
          const names = [...new Set(Object.values(reports).flatMap((r) => Object.keys(r.groups ?? {})))];
          const ks = Object.keys(reports);
          process.stdout.write(`\nby ${values.by}: accuracy (coverage) per strategy\n`);
          process.stdout.write(`${values.by.padEnd(24)}  ${'n'.padStart(4)}  ${ks.map((k) => k.padStart(15)).join('  ')}\n`);
          for (const g of names) {
            const n = Object.values(reports).find((r) => r.groups?.[g])?.groups?.[g]?.n ?? 0;
            const cells = ks.map((k) => {
              const x = reports[k]!.groups?.[g];
              return (x ? `${(x.accuracy * 100).toFixed(0)}% (${(x.coverage * 100).toFixed(0)}%)` : '-').padStart(15);
            });
            process.stdout.write(`${g.slice(0, 24).padEnd(24)}  ${String(n).padStart(4)}  ${cells.join('  ')}\n`);
          }
        }
        if (ppm !== null) process.stdout.write(`PPM pairwise accuracy on held-out pairs: ${(ppm * 100).toFixed(1)}%\n`);
      }
      return 0;
    } finally {
      if (dump !== null) fs.closeSync(dump);
      await engine.close();
    }
  },
};

function defaultPairsFile(scorerDir?: string): string | null {
  const file = path.join(scorerDir ?? DEFAULT_SCORER_DIR, 'heldout-pairs.jsonl');
  return fs.existsSync(file) ? file : null;
}

const pct = (x: number | null, w: number) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`).padStart(w);

function printTable(reports: Record<string, StrategyReport>): void {
  process.stdout.write('strategy     accuracy  majority  coverage  answered  selective  mean sampled steps  median s  mean s\n');
  for (const [k, r] of Object.entries(reports)) {
    process.stdout.write(
      `${k.padEnd(11)}  ${pct(r.accuracy, 8)}  ${pct(r.majority_accuracy, 8)}  ${pct(r.coverage, 8)}  ${pct(r.answered, 8)}  ${pct(r.selective_accuracy, 9)}  ${(r.mean_samples ? r.mean_samples.toFixed(1) : '-').padStart(18)}  ${r.median_seconds.toFixed(1).padStart(8)}  ${r.mean_seconds.toFixed(1).padStart(6)}${r.errors ? `  (${r.errors} errors)` : ''}\n`,
    );
  }
  process.stdout.write(
    'majority: accuracy had the most-agreed answer been shown; answered: share given without a "not sure" warning; selective: accuracy on those\n',
  );
  for (const [k, r] of Object.entries(reports)) {
    const why = Object.entries(r.no_answer);
    if (why.length) process.stdout.write(`${k}: no answer on ${why.reduce((a, [, c]) => a + c, 0)} of ${r.n}: ${why.map(([w, c]) => `${w} (${c})`).join('; ')}\n`);
  }
}

/** The abstention rule in a policy directory's manifest (checked as the model loader checks it). */
function readRule(dir: string): AbstentionRule {
  let rule: AbstentionRule | undefined;
  try {
    rule = manifestAbstention(dir);
  } catch (err) {
    throw new CliError(`--rule: ${(err as Error).message}`, 2);
  }
  if (!rule) throw new CliError(`--rule: ${dir} has no "abstention" rule in its manifest (./stepwise calibrate --write writes one)`, 2);
  return rule;
}

/** `--report`: the table of each dump file, from its lines alone (with `rule`: "sure" judged again). */
function reportDumps(list: string, json: boolean, rule?: AbstentionRule): number {
  const files = list
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  if (!files.length) throw new CliError('--report needs one or more files written by --dump', 2);
  const out: Record<string, { n: number; details: Record<string, StrategyReport> }> = {};
  for (const f of files) {
    if (!fs.existsSync(f)) throw new CliError(`${f}: no such file`, 2);
    const records: EvalRecord[] = [];
    fs.readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        try {
          records.push(JSON.parse(line) as EvalRecord);
        } catch {
          throw new CliError(`${f}:${i + 1}: not a JSON line of ./stepwise eval --dump`, 2);
        }
      });
    if (!records.length) throw new CliError(`${f}: no lines`, 2);
    if (rule) for (const r of records) r.sure = judge(r.answered ? 'x' : null, r, rule, r.strategy).sure;
    const details = reportFromRecords(records);
    out[f] = { n: Math.max(...Object.values(details).map((r) => r.n)), details };
    if (!json) {
      process.stdout.write(`${f}: ${out[f].n} problems\n`);
      printTable(details);
    }
  }
  if (json) process.stdout.write(JSON.stringify(out) + '\n');
  return 0;
}
