import fs from 'node:fs';
import path from 'node:path';
import { CliError, parseFlags, type CliCommand } from '../command';
import { MathImageRenderer, renderThreadModel, threadFromSolutionText, type PlatformMessage } from '../../render';

const usage = `Usage: ./stepwise render --question TEXT --solution FILE --out DIR [options]

Renders a solution as the chat thread the bot would post: DIR/messages.json (the platform
payloads in posting order, files referenced by name) and the PNG files beside it.

FILE holds a solution in the rStar step format (<code> # Step 1: ... <end_of_step> ...
<answer>... \\boxed{...}<end_of_answer>); plain prose (a textbook solution) also works.

Options:
  --question TEXT        the question (or --question-file FILE)
  --question-file FILE   read the question from a file
  --solution FILE        the solution text ("-" reads stdin)
  --out DIR              output folder (created)
  --platform NAME        discord (default) or slack
  --spoiler              practice mode: hide the answer
  --no-images            no Chromium: math as LaTeX source in code blocks
`;

/** messages.json form: Buffers replaced by file names and sizes. */
function serialisable(messages: PlatformMessage[]): unknown[] {
  return messages.map((m) => {
    if (m.platform === 'discord')
      return { ...m, files: m.files.map((f) => ({ name: f.name, description: f.description, bytes: f.data.length })) };
    return { ...m, files: m.files.map((f) => ({ filename: f.filename, title: f.title, altText: f.altText, bytes: f.data.length })) };
  });
}

export const command: CliCommand = {
  name: 'render',
  summary: 'Render a solution as a Discord or Slack thread (messages.json + PNG math images)',
  usage,
  async run(args) {
    const { values } = parseFlags('render', args, {
      question: { type: 'string' },
      'question-file': { type: 'string' },
      solution: { type: 'string' },
      out: { type: 'string' },
      platform: { type: 'string', default: 'discord' },
      spoiler: { type: 'boolean', default: false },
      'no-images': { type: 'boolean', default: false },
    });
    const question = values.question ?? (values['question-file'] ? fs.readFileSync(values['question-file'], 'utf8').trim() : undefined);
    if (!question) throw new CliError('render: --question TEXT (or --question-file) is required', 2);
    if (!values.solution) throw new CliError('render: --solution FILE is required', 2);
    if (!values.out) throw new CliError('render: --out DIR is required', 2);
    const platform = values.platform;
    if (platform !== 'discord' && platform !== 'slack')
      throw new CliError(`render: --platform must be discord or slack, got "${platform}"`, 2);
    let solution: string;
    try {
      solution = values.solution === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(values.solution, 'utf8');
    } catch (err) {
      throw new CliError(`render: cannot read ${values.solution}: ${(err as Error).message}`);
    }
    const thread = threadFromSolutionText(question, solution);
    const images = values['no-images'] ? null : new MathImageRenderer();
    try {
      const t0 = performance.now();
      const messages = await renderThreadModel(thread, { platform, images, spoiler: values.spoiler });
      const out = values.out;
      fs.mkdirSync(out, { recursive: true });
      let pngs = 0;
      for (const m of messages) {
        const files =
          m.platform === 'discord'
            ? m.files.map((f) => ({ name: f.name, data: f.data }))
            : m.files.map((f) => ({ name: f.filename, data: f.data }));
        for (const f of files) {
          fs.writeFileSync(path.join(out, f.name), f.data);
          pngs++;
        }
      }
      fs.writeFileSync(path.join(out, 'messages.json'), JSON.stringify(serialisable(messages), null, 2) + '\n');
      const fallback = images?.fallbackReason ? ` (fallback: ${images.fallbackReason})` : '';
      process.stderr.write(
        `render: ${thread.steps.length} steps -> ${messages.length} ${platform} messages, ${pngs} images in ${Math.round(performance.now() - t0)} ms${fallback}\n`,
      );
      process.stdout.write(`${path.join(out, 'messages.json')}\n`);
      return 0;
    } finally {
      await images?.close();
    }
  },
};
