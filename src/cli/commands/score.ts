import { CliError, parseFlags, type CliCommand } from '../command';
import { ensureModels } from '../fetch-progress';

const usage = `Usage: ./stepwise score --model DIR --text TEXT [--question Q] [--json]

Scores text with a step scorer (PPM or PRM; ONNX in-process or a vLLM pooling server); scores are
in [-1, 1], higher is better.
  With --question: --text is the solution so far. It is split into steps after each
  <end_of_step>, <end_of_output> and <end_of_answer>, and every step gets a score (a PRM in one
  pass; a PPM scores each prefix).
  Without --question (ONNX models only): --text is the exact text the model reads, and the score
  at its end is printed (a PRM: one score per step separator in the text).
Options:
  --model DIR     model directory or manifest file; default: the default PPM (models/qwen2.5-coder-0.5b-ppm-head)
                  (fixture:tiny-random-qwen2 works: the test fixture from
                  $STEPWISE_FIXTURES_DIR or ../shared/fixtures; its ppm.manifest.json is found)
  --text TEXT     text to score (required)
  --question Q    the question the solution answers
  --json          print one JSON object
`;

/** Splits solution text into step texts, keeping each step's closing marker. */
export function splitSteps(text: string): string[] {
  const parts = text.split(/(?<=<end_of_step>|<end_of_output>|<end_of_answer>)/);
  return parts.filter((p, i) => p.length && (i < parts.length - 1 || p.trim().length));
}

export const command: CliCommand = {
  name: 'score',
  summary: 'score solution steps with a PPM or PRM (ONNX or vLLM pooling server)',
  usage,
  async run(args) {
    const { values } = parseFlags('score', args, {
      model: { type: 'string' },
      text: { type: 'string' },
      question: { type: 'string' },
      json: { type: 'boolean' },
    });
    if (values.text === undefined) throw new CliError('score: --text TEXT is required. Try ./stepwise score --help', 2);
    const models = await import('../../engine/models');
    let scorer;
    await ensureModels({ policy: null, scorer: values.model });
    try {
      scorer = await models.loadScorer(values.model ?? models.DEFAULT_SCORER_DIR);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    try {
      let result: { steps?: string[]; scores: number[] };
      if (values.question !== undefined) {
        const steps = splitSteps(values.text);
        result = { steps, scores: await models.scoreEachStep(scorer, { question: values.question, steps }) };
      } else {
        if (!(scorer instanceof models.OnnxScorer))
          throw new CliError('score: give --question for a server-hosted scorer (it scores question + steps)', 2);
        result = { scores: (await scorer.scoreTexts([values.text]))[0]! };
      }
      if (values.json) process.stdout.write(JSON.stringify({ model: scorer.name, ...result }) + '\n');
      else if (result.steps)
        result.steps.forEach((s, i) =>
          process.stdout.write(
            `${result.scores[i]!.toFixed(6)}  step ${i + 1}: ${JSON.stringify(s.length > 70 ? s.slice(0, 67) + '...' : s)}\n`,
          ),
        );
      else process.stdout.write(result.scores.map((s) => s.toFixed(6)).join('\n') + '\n');
      return 0;
    } finally {
      await scorer.close?.();
    }
  },
};
