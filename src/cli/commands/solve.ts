import { CliError, intFlag, parseFlags, type CliCommand } from '../command';
import { createEngine, STRATEGY_NAMES, QuestionError, type SearchResult, type StrategyName } from '../../engine';
import { withParts } from '../../engine/steps/format';
import { agreementCounts, agreementText, certaintyText, UNSURE_REASON_TEXT } from '../../engine/search/verdict';
import { DEFAULT_STRATEGY, EXAMPLE_QUESTION } from '../../engine/search';
import { ProgressLine } from '../progress';
import { ensureModels } from '../fetch-progress';
import { DEFAULT_POLICY_DIR, manifestSearch } from '../../engine/models';

const usage = `Usage: ./stepwise solve "QUESTION" [options]

Solves a math question with code-verified steps and prints the winning trajectory.
Progress goes to stderr; the solution to stdout.

Options:
  --strategy NAME    ${STRATEGY_NAMES.join(' | ')} (default: the policy's, its manifest "search"; else mcts)
  --rollouts N       MCTS rollouts per run (default: the policy's, its manifest "search"; else 16)
  --candidates N     candidate steps per expansion (default: the policy's; else 8)
  --runs N           independent MCTS runs for the top-K vote (default 1)
  --samples N        samples for best-of-n and vote (default: the policy's; else 16)
  --beam-width N     beam width for beam search (default: the policy's; else 4)
  --redraws N        greedy: draw a step that fails its check again, up to N times (default 2; 0: pure greedy)
  --seed N           random seed (default 1)
  --policy DIR       policy model directory (default: models/qwen2.5-coder-1.5b-instruct, fetched on
                     first use; the smaller, faster one: models/qwen2.5-coder-0.5b-instruct; the
                     3M SynthMath test model: models/stepwise-synth-policy)
  --scorer DIR       step scorer (PPM/PRM) directory, for the strategies that need one (default:
                     models/qwen2.5-coder-0.5b-ppm-head, with its 0.5B backbone fetched on first
                     use; with the SynthMath policy: models/stepwise-synth-ppm)
  --json             print the whole SearchResult as JSON (trees left out unless --trees)
  --trees            include the MCTS trees (N/Q per node) in --json output
`;

export const command: CliCommand = {
  name: 'solve',
  summary: 'solve a question with search (greedy, best-of-n, vote, beam, mcts) and print the steps',
  usage,
  async run(args) {
    const { values, positionals } = parseFlags('solve', args, {
      strategy: { type: 'string' },
      rollouts: { type: 'string' },
      candidates: { type: 'string' },
      runs: { type: 'string' },
      samples: { type: 'string' },
      'beam-width': { type: 'string' },
      redraws: { type: 'string' },
      seed: { type: 'string' },
      policy: { type: 'string' },
      scorer: { type: 'string' },
      json: { type: 'boolean' },
      trees: { type: 'boolean' },
    });
    const question = positionals.join(' ');
    if (!question.trim()) throw new CliError(`give the question in quotes, e.g. ./stepwise solve "${EXAMPLE_QUESTION}"`, 2);
    const strategy = (values.strategy ?? manifestSearch(values.policy ?? DEFAULT_POLICY_DIR)?.strategy ?? DEFAULT_STRATEGY) as StrategyName;
    if (!STRATEGY_NAMES.includes(strategy)) throw new CliError(`--strategy must be one of ${STRATEGY_NAMES.join(', ')}`, 2);
    const config = {
      strategy,
      // unset: the policy's own search settings (its manifest "search"), else the engine's defaults
      rollouts: values.rollouts === undefined ? undefined : intFlag('rollouts', values.rollouts, 16),
      candidates: values.candidates === undefined ? undefined : intFlag('candidates', values.candidates, 8),
      runs: intFlag('runs', values.runs, 1),
      samples: values.samples === undefined ? undefined : intFlag('samples', values.samples, 16),
      beamWidth: values['beam-width'] === undefined ? undefined : intFlag('beam-width', values['beam-width'], 4),
      redraws: values.redraws === undefined ? undefined : intFlag('redraws', values.redraws, 2, 0),
      seed: intFlag('seed', values.seed, 1, 0),
    };
    let engine;
    const scorerDir = strategy === 'greedy' || strategy === 'vote' ? (values.scorer ?? null) : values.scorer;
    await ensureModels({ policy: values.policy, scorer: scorerDir });
    try {
      engine = await createEngine({ policyDir: values.policy, scorerDir });
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    const progress = new ProgressLine(process.stderr);
    try {
      const result = await engine.solve(question, config, {
        onProgress: (p) =>
          progress.update(
            `${p.strategy}: ${p.unit} ${p.done}/${p.total}` +
              (p.steps ? ` · ${p.steps} steps checked` : '') +
              (p.bestAnswer !== null
                ? ` · best so far: ${p.bestAnswer}` + (p.bestScore !== null ? ` (score ${p.bestScore.toFixed(2)})` : '')
                : ''),
          ),
      });
      progress.done();
      if (values.json) {
        const { trees, ...rest } = result;
        process.stdout.write(JSON.stringify(values.trees ? result : rest) + '\n');
      } else process.stdout.write(formatResult(result));
      return result.answer === null ? 1 : 0;
    } catch (err) {
      progress.done();
      if (err instanceof QuestionError) throw new CliError(err.message, 2);
      throw new CliError(`the search failed: ${(err as Error).message}`);
    } finally {
      await engine.close();
    }
  },
};

/** Plain-text rendering of a result for the terminal. */
export function formatResult(r: SearchResult): string {
  const lines = [`Question: ${r.question}`, ''];
  r.trajectory.forEach((step, i) => {
    const { parts, ...s } = withParts(step);
    if (s.kind === 'answer') {
      lines.push(`Answer step: ${parts.prose ?? ''}`);
      return;
    }
    const comment = parts.comment.replace(/\n/g, ' / ');
    lines.push(`Step ${i + 1}${comment ? `: ${comment}` : ''}`);
    if (parts.code) lines.push(...parts.code.split('\n').map((l) => `    ${l}`));
    if (s.observation?.output) lines.push(`  → ${s.observation.output.replace(/\n/g, '\n    ')}`);
    if (!s.valid && s.invalidReason) lines.push(`  ✗ ${s.invalidReason}`);
  });
  lines.push('');
  if (r.answer === null) lines.push('No verified answer was found. Try more rollouts or another strategy.');
  else {
    const { agreeing, finished } = agreementCounts(r.answer, r.alternatives);
    const conf = [
      r.confidence.score !== null ? `score ${r.confidence.score.toFixed(2)}` : null,
      agreementText(agreeing, finished),
      certaintyText(r.verdict?.signals.tokenProb),
    ].filter(Boolean);
    const unsure = r.verdict && !r.verdict.sure ? r.verdict.reasons.map((x) => UNSURE_REASON_TEXT[x]) : null;
    if (unsure) {
      lines.push(`Best guess: ${r.answer}${conf.length ? `   (${conf.join(', ')})` : ''}`);
      lines.push(`Not sure: the model is not confident in this answer (${unsure.join('; ')}). Check it; stronger models: docs/models.md`);
    } else lines.push(`Final answer: ${r.answer}${conf.length ? `   (${conf.join(', ')})` : ''}`);
  }
  const others = r.alternatives.filter((a) => a.answer !== r.answer);
  if (others.length) lines.push(`Other answers considered: ${others.map((a) => `${a.answer} (${a.votes})`).join(', ')}`);
  const s = r.stats;
  lines.push(
    `Search: ${r.strategy}, ${s.rollouts ? `${s.rollouts} rollouts, ` : ''}${s.samples} sampled steps, ${s.executions} programs run, ${(s.elapsedMs / 1000).toFixed(1)} s${r.cancelled ? ' (cancelled)' : ''}`,
  );
  return lines.join('\n') + '\n';
}
