import fs from 'node:fs';
import path from 'node:path';
import { CliError, intFlag, parseFlags, type CliCommand } from '../command';
import { DEFAULT_POLICY_DIR, loadPolicy, OnnxPolicy } from '../../engine/models';
import { ProgressLine } from '../progress';

const usage = `Usage: ./stepwise features --pairs FILE [--pairs FILE ...] --out DIR [--policy DIR] [--limit N]

The PPM value head's training data (training/train_ppm_head.py): for each preference pair
(rstar_ppm JSONL from ./stepwise synthesize: {prompt, pos, neg, question, ...}) the policy's final
hidden state at the last token of prompt+pos and of prompt+neg. A record with "question" and
"prefix" (the solution before the two steps) is put in the policy's current prompt template. Writes DIR/features.f32 (float32,
pair after pair: pos then neg, hidden values each) and DIR/pairs.jsonl (one line per pair: question,
kind, q_pos, q_neg, source file). The policy must have a hidden_states output (models converted by
./stepwise models fetch have one).
`;

export const command: CliCommand = {
  name: 'features',
  summary: "hidden-state features of PPM preference pairs (the value head's training data)",
  usage,
  async run(args) {
    const { values } = parseFlags('features', args, {
      pairs: { type: 'string', multiple: true },
      out: { type: 'string' },
      policy: { type: 'string' },
      limit: { type: 'string' },
    });
    const files = (values.pairs ?? []) as string[];
    if (!files.length || !values.out)
      throw new CliError('features: --pairs FILE and --out DIR are required. Try ./stepwise features --help', 2);
    const rows: {
      /** What the steps continue: a question and the solution before them, or a record's prompt text as is. */
      before: { question: string; prefix: string } | { prompt: string };
      pos: string;
      neg: string;
      meta: Record<string, unknown>;
    }[] = [];
    for (const f of files) {
      for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const r = JSON.parse(line) as Record<string, unknown>;
        rows.push({
          // put in the policy's current prompt (template and examples) when the record says which
          // question and solution-so-far the steps continue; else the record's own prompt text
          before:
            typeof r.question === 'string' && typeof r.prefix === 'string'
              ? { question: r.question, prefix: r.prefix }
              : { prompt: String(r.prompt) },
          pos: String(r.pos),
          neg: String(r.neg),
          meta: { question: r.question, kind: r.kind, q_pos: r.q_pos, q_neg: r.q_neg, source: path.basename(f) },
        });
      }
    }
    const limit = values.limit ? intFlag('limit', values.limit, 1) : rows.length;
    const todo = rows.slice(0, limit);
    const policy = await loadPolicy(values.policy ?? DEFAULT_POLICY_DIR);
    if (!(policy instanceof OnnxPolicy)) throw new CliError('features: the policy must be an ONNX model run in-process', 2);
    fs.mkdirSync(values.out, { recursive: true });
    const feat = fs.openSync(path.join(values.out, 'features.f32'), 'w');
    const meta = fs.openSync(path.join(values.out, 'pairs.jsonl'), 'w');
    const text = (r: (typeof rows)[number], step: string) =>
      'prompt' in r.before ? r.before.prompt + step : policy.promptText(r.before.question, r.before.prefix + step);
    const progress = new ProgressLine(process.stderr);
    const t0 = Date.now();
    try {
      const per = 4; // pairs per model call (8 rows that share their prompts' cached prefix)
      for (let i = 0; i < todo.length; i += per) {
        const chunk = todo.slice(i, i + per);
        const ids = chunk.flatMap((r) => [policy.tokenizer.encode(text(r, r.pos)), policy.tokenizer.encode(text(r, r.neg))]);
        const hidden = await policy.lastHiddenOfIds(ids);
        for (const h of hidden) fs.writeSync(feat, Buffer.from(h.buffer, h.byteOffset, h.byteLength));
        for (const r of chunk) fs.writeSync(meta, JSON.stringify(r.meta) + '\n');
        const done = Math.min(todo.length, i + per);
        const rate = done / ((Date.now() - t0) / 1000);
        progress.update(
          `features: ${done}/${todo.length} pairs · ${rate.toFixed(1)} pairs/s · ETA ${((todo.length - done) / rate).toFixed(0)} s`,
        );
      }
      progress.done();
      process.stdout.write(JSON.stringify({ pairs: todo.length, hidden: policy.lm.hiddenSize, out: values.out }) + '\n');
      return 0;
    } finally {
      fs.closeSync(feat);
      fs.closeSync(meta);
      await policy.close();
    }
  },
};
