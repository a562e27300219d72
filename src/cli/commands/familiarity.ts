import fs from 'node:fs';
import { CliError, parseFlags, type CliCommand } from '../command';
import { FamiliarityModel } from '../../engine/models/familiarity';

const usage = `Usage: ./stepwise familiarity --from FILE[,FILE...] --out FILE [--question TEXT]

Builds a policy's familiarity model: a word trigram model of the questions it was trained on
(JSONL lines with "question" or "query"), used to tell how unfamiliar a new question is (one of
the "not sure" signals). Point the policy's manifest at it with "files": {"familiarity": ...}.
With --question, prints that question's unfamiliarity (mean nats per word) under --out instead.
`;

export const command: CliCommand = {
  name: 'familiarity',
  summary: "build a policy's question-familiarity model from its training questions",
  usage,
  async run(args) {
    const { values } = parseFlags('familiarity', args, { from: { type: 'string' }, out: { type: 'string' }, question: { type: 'string' } });
    if (!values.out) throw new CliError('--out is required', 2);
    if (values.question !== undefined) {
      process.stdout.write(`${FamiliarityModel.load(values.out).surprise(values.question).toFixed(3)}\n`);
      return 0;
    }
    if (!values.from) throw new CliError('--from is required (training JSONL files)', 2);
    function* questions(): Generator<string> {
      for (const f of values
        .from!.split(',')
        .map((x) => x.trim())
        .filter(Boolean)) {
        if (!fs.existsSync(f)) throw new CliError(`${f}: no such file`, 2);
        for (const line of fs.readFileSync(f, 'utf8').split('\n')) {
          if (!line.trim()) continue;
          const r = JSON.parse(line) as { question?: string; query?: string };
          const q = r.question ?? r.query;
          if (typeof q === 'string') yield q;
        }
      }
    }
    const model = FamiliarityModel.build(questions());
    fs.writeFileSync(values.out, JSON.stringify(model.json) + '\n');
    process.stderr.write(
      `familiarity: ${model.json.questions} questions, ${Object.keys(model.json.counts).length} n-grams -> ${values.out}\n`,
    );
    return 0;
  },
};
