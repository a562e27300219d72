import fs from 'node:fs';
import path from 'node:path';
import { CliError, numberFlag, parseFlags, type CliCommand } from '../command';
import { calibrate, type AbstentionRule, type CalibrationPoint } from '../../engine';
import { selective } from '../../engine/search/verdict';
import { DEFAULT_POLICY_DIR } from '../../engine/models';

const usage = `Usage: ./stepwise calibrate --dumps FILE[,FILE...] [--strategy mcts] [--target 0.9] [--confidence 0.95] [--write DIR]

Chooses the abstention rule of a policy: the thresholds on vote share, scorer value, the policy's
own certainty (probability per token, and of the whole solution) and question unfamiliarity that
answer the most held-out problems while keeping the accuracy of the answered ones (selective
accuracy) at or above --target. Below them the bot says it is not sure and shows
its answer as a guess. Input: the per-problem lines of \`./stepwise eval --dump FILE\` on held-out
problems (never a benchmark you report on).

Options:
  --dumps LIST     eval dump files, comma-separated (all their lines are pooled)
  --strategy NAME  use the lines of this strategy (default mcts); the rule holds only for it
                   (another strategy's answers are never sure under it)
  --target X       selective accuracy to keep (default 0.9)
  --confidence C   the target must hold for the Wilson lower bound of the selective accuracy at
                   this confidence (0.8, 0.9, 0.95 or 0.99; default 0.95), not only for the
                   observed rate: 3 right of 3 is no evidence of 90 %. 0: the observed rate.
                   When no rule qualifies, the rule is "never sure" (every answer a best guess)
  --write DIR      store the rule as "abstention" in DIR/manifest.json (e.g. ${path.relative(process.cwd(), DEFAULT_POLICY_DIR) || DEFAULT_POLICY_DIR})
`;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function describeRule(r: AbstentionRule): string {
  if (r.neverSure) return 'never sure (no thresholds make it right often enough)';
  const parts = [
    r.minVoteShare !== undefined && `vote share >= ${r.minVoteShare.toFixed(3)}`,
    r.minScore !== undefined && `scorer value >= ${r.minScore.toFixed(3)}`,
    r.minTokenProb !== undefined && `the policy's probability per token >= ${r.minTokenProb.toFixed(3)}`,
    r.minSolutionLogprob !== undefined && `the policy's log-probability of the whole solution >= ${r.minSolutionLogprob.toFixed(2)}`,
    r.maxQuestionLoss !== undefined && `question unfamiliarity <= ${r.maxQuestionLoss.toFixed(3)}`,
  ].filter(Boolean);
  return parts.length ? parts.join(' and ') : 'every answer';
}

export const command: CliCommand = {
  name: 'calibrate',
  summary: 'choose a policy\'s "not sure" thresholds on held-out eval dumps',
  usage,
  async run(args) {
    const { values } = parseFlags('calibrate', args, {
      dumps: { type: 'string' },
      strategy: { type: 'string' },
      target: { type: 'string' },
      confidence: { type: 'string' },
      write: { type: 'string' },
    });
    if (!values.dumps) throw new CliError('--dumps is required (files written by ./stepwise eval --dump)', 2);
    const target = numberFlag('target', values.target, 0.9, 0, 1);
    const confidence = numberFlag('confidence', values.confidence, 0.95, 0, 1);
    const strategy = values.strategy ?? 'mcts';
    const files = values.dumps
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const points: CalibrationPoint[] = [];
    const bySet = new Map<string, CalibrationPoint[]>();
    for (const f of files) {
      if (!fs.existsSync(f)) throw new CliError(`${f}: no such file`, 2);
      for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const r = JSON.parse(line) as CalibrationPoint & { strategy: string; set?: string };
        if (r.strategy !== strategy) continue;
        points.push(r);
        const key = r.set ?? path.basename(f);
        if (!bySet.has(key)) bySet.set(key, []);
        bySet.get(key)!.push(r);
      }
    }
    if (points.length === 0) throw new CliError(`no ${strategy} lines in ${files.join(', ')}`, 2);
    let best;
    try {
      best = calibrate(points, target, { confidence });
    } catch (err) {
      if (err instanceof RangeError) throw new CliError(`--${err.message} (or 0: the observed rate)`, 2);
      throw err;
    }
    const { kept, lowerBound } = best;
    const data = [...bySet.keys()].join(', ');
    const rule: AbstentionRule = {
      ...best.rule,
      strategy,
      calibration: {
        data,
        n: best.n,
        target,
        answered: Number(best.answered.toFixed(4)),
        // nothing answered: no accuracy to state (not a vacuous 100 %)
        ...(kept > 0 && { selectiveAccuracy: Number(best.selectiveAccuracy.toFixed(4)) }),
        ...(confidence && { confidence }),
        ...(lowerBound !== undefined && kept > 0 && { lowerBound: Number(lowerBound.toFixed(4)) }),
      },
    };
    process.stdout.write(`${points.length} problems (${strategy}): accuracy ${pct(best.accuracy)}\n`);
    process.stdout.write(`rule: ${best.rule.neverSure ? '' : 'sure when '}${describeRule(best.rule)}\n`);
    if (best.rule.neverSure) {
      process.stdout.write(
        `no rule reaches ${pct(target)} right${confidence ? ` with ${pct(confidence)} confidence` : ''}: every answer will be shown as a best guess\n`,
      );
      const observed = calibrate(points, target);
      if (!observed.rule.neverSure)
        process.stdout.write(
          `  (the best rule on the observed rate alone, ${describeRule(observed.rule)}, answers ${pct(observed.answered)} at ${pct(observed.selectiveAccuracy)}: ${observed.kept} problems, too few to vouch for ${pct(target)})\n`,
        );
    } else
      process.stdout.write(
        `answered ${pct(best.answered)} (${kept} of ${best.n}), selective accuracy ${pct(best.selectiveAccuracy)}${lowerBound === undefined ? '' : `, at least ${pct(lowerBound)} with ${pct(confidence)} confidence`} (target ${pct(target)})\n`,
      );
    for (const [set, pts] of bySet) {
      const s = selective(pts, best.rule);
      process.stdout.write(
        `  ${set.padEnd(28)} n=${String(s.n).padStart(4)}  accuracy ${pct(s.accuracy).padStart(6)}  answered ${pct(s.answered).padStart(6)}  selective ${(s.answered ? pct(s.selectiveAccuracy) : '-').padStart(6)}\n`,
      );
    }
    if (!best.rule.neverSure && best.selectiveAccuracy < target)
      process.stdout.write(`no rule reaches the target: the one above has the highest selective accuracy\n`);
    if (values.write) {
      const file = path.join(values.write, 'manifest.json');
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      manifest.abstention = rule;
      fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
      process.stdout.write(`wrote the rule to ${file}\n`);
    }
    return 0;
  },
};
