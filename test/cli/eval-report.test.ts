/** `./stepwise eval --report`: the table of earlier dumps, with "sure" judged again by a rule when asked. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { command } from '../../src/cli/commands/eval';
import { CliError } from '../../src/cli/command';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((x) => ((out += String(x)), true));
  try {
    return { code: await command.run(args), out, err: '' };
  } catch (x) {
    if (x instanceof CliError) return { code: x.exitCode, out, err: x.message };
    throw x;
  } finally {
    o.mockRestore();
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'eval-report-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const line = (id: number, o: Record<string, unknown>) => ({ id: `p${id}`, strategy: 'mcts', questionLoss: null, ...o });
// four problems: two agreed and right (one scored high, one low), one agreed and wrong, one lone solution
const records = [
  line(1, { correct: true, answered: true, voteShare: 1, score: 0.9, sure: true, seconds: 10, alternatives: [{ answer: '5', votes: 3, bestScore: 0.9, correct: true }] }),
  line(2, { correct: true, answered: true, voteShare: 1, score: 0.2, sure: true, seconds: 30, alternatives: [{ answer: '7', votes: 2, bestScore: 0.2, correct: true }] }),
  line(3, {
    correct: false,
    answered: true,
    voteShare: 0.5,
    score: 0.8,
    sure: true,
    seconds: 20,
    alternatives: [
      { answer: '1', votes: 1, bestScore: 0.8, correct: false },
      { answer: '2', votes: 1, bestScore: 0.1, correct: true },
    ],
  }),
  line(4, { correct: false, answered: true, voteShare: null, score: 0.95, sure: false, seconds: 40, alternatives: [{ answer: '9', votes: 1, bestScore: 0.95, correct: false }] }),
];
const dump = path.join(tmp, 'mcts.jsonl');
fs.writeFileSync(dump, records.map((r) => JSON.stringify(r)).join('\n') + '\n');

test('prints accuracy, coverage, answered, selective accuracy and the median time from the lines alone', async () => {
  const r = await cli(['--report', dump, '--json']);
  expect(r.code).toBe(0);
  const rep = JSON.parse(r.out)[dump];
  expect(rep.n).toBe(4);
  expect(rep.details.mcts).toMatchObject({ n: 4, accuracy: 0.5, coverage: 0.75, answered: 0.75, selective_accuracy: 2 / 3, median_seconds: 25 });
  const table = await cli(['--report', dump]);
  expect(table.out).toMatch(/^mcts +50\.0% +50\.0% +75\.0% +75\.0% +66\.7%/m);
});

test('--rule judges "sure" again with a manifest\'s rule; a lone solution stays not sure', async () => {
  const dir = path.join(tmp, 'policy');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ name: 'p', abstention: { minVoteShare: 1, minScore: 0.5 } }));
  const r = await cli(['--report', dump, '--rule', dir, '--json']);
  // only p1 passes (agreed and scored 0.9); p4's high score does not make a lone solution sure
  expect(JSON.parse(r.out)[dump].details.mcts).toMatchObject({ answered: 0.25, selective_accuracy: 1 });
});

test('clear messages: a missing file, a manifest without a rule, --rule without --report, a broken line', async () => {
  expect(await cli(['--report', path.join(tmp, 'nope.jsonl')])).toMatchObject({ code: 2, err: expect.stringMatching(/no such file/) });
  const bare = path.join(tmp, 'bare');
  fs.mkdirSync(bare);
  fs.writeFileSync(path.join(bare, 'manifest.json'), '{"name":"b"}');
  expect(await cli(['--report', dump, '--rule', bare])).toMatchObject({ code: 2, err: expect.stringMatching(/no "abstention" rule/) });
  const bad = path.join(tmp, 'bad');
  fs.mkdirSync(bad);
  fs.writeFileSync(path.join(bad, 'manifest.json'), '{"name":"b","abstention":{"minScore":3}}');
  expect(await cli(['--report', dump, '--rule', bad])).toMatchObject({ code: 2, err: expect.stringMatching(/abstention\.minScore/) });
  expect(await cli(['--set', 'gsm8k', '--rule', bare])).toMatchObject({ code: 2, err: expect.stringMatching(/--rule goes with --report/) });
  const broken = path.join(tmp, 'broken.jsonl');
  fs.writeFileSync(broken, JSON.stringify(records[0]) + '\n{oops\n');
  expect(await cli(['--report', broken])).toMatchObject({ code: 2, err: expect.stringMatching(/broken\.jsonl:2: not a JSON line/) });
});
