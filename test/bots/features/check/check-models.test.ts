/**
 * /check with the real default models (models/stepwise-synth-policy, models/stepwise-synth-ppm)
 * through createEngine(). Skipped, with a message, where the models are not there yet.
 */
import fs from 'node:fs';
import { CheckService, checkReportText } from '../../../../src/bots/features/check/check';
import { loadConfig } from '../../../../src/bots/core/index';
import { createCore, type BotCore } from '../../../../src/bots/compose';
import { repoPath } from '../../../../src/paths';
import { fakeImages, tmpDb } from '../../harness';
import { QUESTION } from '../../../engine/toy-problem';

const need = [repoPath('models', 'stepwise-synth-ppm', 'manifest.json'), repoPath('models', 'stepwise-synth-policy', 'manifest.json')];
const missing = need.filter((f) => !fs.existsSync(f));
if (missing.length) {
  // eslint-disable-next-line no-console
  console.warn(
    `SKIPPED /check with the default models: ${missing.map((f) => f.replace(repoPath(), '').replace(/^\//, '')).join(', ')} absent (the models are trained separately).`,
  );
}
const maybe = missing.length ? describe.skip : describe;

maybe('/check with the default models (createEngine)', () => {
  let core: BotCore;
  beforeAll(() => {
    // greedy and a small budget: one short solve for the answer comparison
    core = createCore(
      loadConfig({ STEPWISE_DB: tmpDb(), STEPWISE_STRATEGY: 'greedy', STEPWISE_BUDGET: '1', STEPWISE_SOLVE_TIMEOUT_S: '60' }),
      { images: fakeImages, log: () => undefined },
    );
  });
  afterAll(async () => {
    await core?.close();
  });

  test('the shipped PPM (code steps only) is not asked to judge written steps; the answers are still compared', async () => {
    const check: CheckService = core.check;
    const right = await check.check({
      platform: 'discord',
      userId: 'u1',
      channelId: 'c',
      problem: QUESTION,
      solution:
        'Step 1: Tom has $3 \\times 12 = 36$ apples.\nStep 2: He gives 7 away: $36 - 7 = 29$.\nStep 3: The answer is $\\boxed{29}$.',
    });
    const wrong = await check.check({
      platform: 'discord',
      userId: 'u2',
      channelId: 'c',
      problem: QUESTION,
      solution: 'Step 1: Tom has $3 + 12 = 15$ apples.\nStep 2: He gives 7 away: $15 - 7 = 8$.\nStep 3: The answer is $\\boxed{8}$.',
    });
    for (const r of [right, wrong]) {
      expect(r.ok).toBe(true);
      expect(r.steps).toHaveLength(3);
      // it scored every written step about -0.95 before (right and wrong alike), so "step 1 looks weak" for everyone
      expect(r.scores).toBeNull();
      expect(r.weakAt).toBe(-1);
      const text = checkReportText(r, (s) => `**${s}**`);
      expect(text).toMatch(/stepwise-synth-ppm\) was trained only on steps written as code/);
      expect(text).toMatch(/Your steps as I read them/);
      expect(text).not.toMatch(/looks weak/);
      // the answer comparison ran, or says why not (e.g. no sandbox on this machine)
      expect(r.matchesBot !== null || !!r.botNote).toBe(true);
    }
    if (right.botAnswer === '29') expect(right.matchesBot).toBe(true);
    if (wrong.botAnswer === '29') expect(wrong.matchesBot).toBe(false);
  }, 180_000);
});
