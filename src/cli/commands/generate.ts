import { CliError, intFlag, numberFlag, parseFlags, type CliCommand } from '../command';
import { ensureModels } from '../fetch-progress';

const usage = `Usage: ./stepwise generate --model DIR --prompt TEXT [options]

Samples continuations from a policy model (ONNX in-process or an OpenAI-compatible server) and
prints them with their token ids. --prompt is the question; it is put into the model's prompt
template (models/<name>/manifest.json) followed by --partial (the solution written so far).
Options:
  --model DIR         model directory (manifest.json) or manifest file; default: the default policy (models/qwen2.5-coder-1.5b-instruct)
                      (fixture:tiny-random-qwen2 works: a random-weight Qwen2 test model read from
                      $STEPWISE_FIXTURES_DIR or ../shared/fixtures)
  --prompt TEXT       the question (required)
  --partial TEXT      solution text so far (default empty)
  --n N               number of samples (default 1; they share one prefill)
  --max-tokens N      tokens per sample (default 64)
  --greedy            argmax decoding (temperature 0)
  --temperature T     default 0.7
  --top-p P           default 1
  --top-k K           default 0 (off)
  --seed N            sampling seed (default 0)
  --stop S            stop string (repeatable; default the manifest's step stops)
  --no-stop           no stop strings
  --json              print one JSON object
`;

export const command: CliCommand = {
  name: 'generate',
  summary: 'sample continuations from a policy model (ONNX or server) and print them with token ids',
  usage,
  async run(args) {
    const { values } = parseFlags('generate', args, {
      model: { type: 'string' },
      prompt: { type: 'string' },
      partial: { type: 'string' },
      n: { type: 'string' },
      'max-tokens': { type: 'string' },
      greedy: { type: 'boolean' },
      temperature: { type: 'string' },
      'top-p': { type: 'string' },
      'top-k': { type: 'string' },
      seed: { type: 'string' },
      stop: { type: 'string', multiple: true },
      'no-stop': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (values.prompt === undefined) throw new CliError('generate: --prompt TEXT is required. Try ./stepwise generate --help', 2);
    const n = intFlag('n', values.n, 1);
    const maxTokens = intFlag('max-tokens', values['max-tokens'], 64);
    const temperature = values.greedy ? 0 : numberFlag('temperature', values.temperature, 0.7, 0, 10);
    const topP = numberFlag('top-p', values['top-p'], 1, 0, 1);
    const topK = intFlag('top-k', values['top-k'], 0, 0);
    const seed = intFlag('seed', values.seed, 0, 0);
    const models = await import('../../engine/models');
    let policy;
    await ensureModels({ policy: values.model, scorer: null });
    try {
      policy = await models.loadPolicy(values.model ?? models.DEFAULT_POLICY_DIR);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    try {
      const stop = values['no-stop'] ? [] : values.stop?.length ? values.stop : undefined;
      const t0 = performance.now();
      const [samples] = await policy.sample([
        { question: values.prompt, partial: values.partial ?? '', n, params: { temperature, topP, topK, maxTokens, seed, stop } },
      ]);
      const ms = performance.now() - t0;
      const stats = policy instanceof models.OnnxPolicy ? policy.lastStats : undefined;
      if (values.json) {
        process.stdout.write(
          JSON.stringify({
            model: policy.name,
            question: values.prompt,
            partial: values.partial ?? '',
            ms: Math.round(ms),
            stats,
            samples,
          }) + '\n',
        );
      } else {
        samples!.forEach((s, i) => {
          process.stdout.write(
            `--- sample ${i + 1}/${n}: finish=${s.finish}${s.stop ? ` stop=${JSON.stringify(s.stop)}` : ''}${s.tokenIds ? ` tokens=${s.tokenIds.length}` : ''}\n`,
          );
          process.stdout.write(s.text + '\n');
          if (s.tokenIds) process.stdout.write(`ids: ${JSON.stringify(s.tokenIds)}\n`);
        });
        process.stderr.write(`${policy.name}: ${n} sample(s) in ${ms.toFixed(0)} ms\n`);
      }
      return 0;
    } finally {
      await policy.close?.();
    }
  },
};
