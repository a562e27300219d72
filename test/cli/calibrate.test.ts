/** `./stepwise calibrate`: the rule written into a policy's manifest, with the evidence behind it. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { command } from '../../src/cli/commands/calibrate';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'calibrate-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function calibrateInto(lines: object[], extra: string[] = []): Promise<{ out: string; rule: Record<string, unknown> }> {
  const dir = fs.mkdtempSync(path.join(tmp, 'policy-'));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ name: 'p', kind: 'policy' }, null, 2));
  const dump = path.join(dir, 'dump.jsonl');
  fs.writeFileSync(dump, lines.map((l) => JSON.stringify({ strategy: 'mcts', questionLoss: null, ...l })).join('\n') + '\n');
  let out = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((x) => ((out += String(x)), true));
  try {
    expect(await command.run(['--dumps', dump, '--write', dir, ...extra])).toBe(0);
  } finally {
    o.mockRestore();
  }
  return { out, rule: JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).abstention };
}

// n problems; the first `agreed` have every solution agreeing, `rightAgreed` of them right; a quarter of the rest right
const points = (n: number, agreed: number, rightAgreed: number) =>
  Array.from({ length: n }, (_, i) => ({
    answered: true,
    correct: i < agreed ? i < rightAgreed : i % 4 === 0,
    voteShare: i < agreed ? 1 : 0.4,
    score: 0.5,
  }));

test('three right answers are too few to vouch for 90 %: the model is written as never sure, and the reason says so', async () => {
  const { out, rule } = await calibrateInto(points(50, 3, 3));
  expect(rule).toMatchObject({ neverSure: true, calibration: { n: 50, target: 0.9, answered: 0, confidence: 0.95 } });
  expect(rule.calibration).not.toHaveProperty('selectiveAccuracy');
  expect(out).toMatch(/no rule reaches 90\.0% right with 95\.0% confidence: every answer will be shown as a best guess/);
  expect(out).toMatch(/answers 6\.0% at 100\.0%: 3 problems, too few/);
});

test('enough agreed and right answers give a threshold, with its lower bound recorded', async () => {
  const { out, rule } = await calibrateInto(points(200, 60, 59));
  expect(rule).toMatchObject({ minVoteShare: 1, calibration: { answered: 0.3, confidence: 0.95 } });
  expect(rule.neverSure).toBeUndefined();
  expect((rule.calibration as { lowerBound: number }).lowerBound).toBeGreaterThanOrEqual(0.9);
  expect(out).toMatch(/answered 30\.0% \(60 of 200\), selective accuracy 98\.3%, at least 9\d\.\d% with 95\.0% confidence/);
});

test('--confidence 0 keeps the observed-rate calibration of earlier rounds', async () => {
  const { rule } = await calibrateInto(points(50, 3, 3), ['--confidence', '0']);
  expect(rule).toMatchObject({ minVoteShare: 1, calibration: { answered: 0.06, selectiveAccuracy: 1 } });
});

test("greedy dumps calibrate a threshold on the policy's certainty, written for greedy only", async () => {
  // 200 lone solutions: the 70 written most surely (tokenProb >= 0.93) are right but one
  const lines = Array.from({ length: 200 }, (_, i) => ({
    strategy: 'greedy',
    answered: true,
    correct: i < 70 ? i !== 5 : i % 3 === 0,
    voteShare: null,
    score: null,
    tokenProb: i < 70 ? 0.93 + (i % 7) / 100 : 0.6 + (i % 30) / 100,
  }));
  const { out, rule } = await calibrateInto(lines, ['--strategy', 'greedy']);
  expect(rule).toMatchObject({ minTokenProb: 0.93, strategy: 'greedy', calibration: { answered: 0.35, confidence: 0.95 } });
  expect(out).toMatch(/sure when the policy's probability per token >= 0\.930/);
  expect(out).toMatch(/answered 35\.0% \(70 of 200\), selective accuracy 98\.6%/);
});
