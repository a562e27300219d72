/**
 * The example question that help texts and error replies suggest ("Ask a math problem, for
 * example: …") must be one the shipped default models answer right and are sure of: a newcomer
 * who copies it should see the bot at its best, not a "best guess".
 */
import fs from 'node:fs';
import { createEngine, type Engine } from '../../src/engine/index';
import { EXAMPLE_QUESTION } from '../../src/engine/search';
import { repoPath } from '../../src/paths';

const need = [repoPath('models', 'stepwise-synth-ppm', 'manifest.json'), repoPath('models', 'stepwise-synth-policy', 'manifest.json')];
const missing = need.filter((f) => !fs.existsSync(f));
if (missing.length) {
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED the example-question check: ${missing.join(', ')} absent (the models are trained separately).`);
}
const maybe = missing.length ? describe.skip : describe;

maybe('the example question in help and error texts', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ workers: 1 });
  });
  afterAll(async () => {
    await engine?.close();
  });

  test('the shipped default answers it correctly, without a "not sure" warning', async () => {
    // Ravi is `times` times as old as Sam, who is `younger` years younger than Carlos (`carlos`);
    // the numbers are read from the question itself
    const [carlos, younger, times] = (EXAMPLE_QUESTION.match(/\d+/g) ?? []).map(Number);
    const r = await engine.solve(EXAMPLE_QUESTION, { strategy: 'mcts', rollouts: 16, candidates: 8, seed: 1 });
    expect(r.answer).toBe(String((carlos - younger) * times));
    // sure means at least two finished solutions agreed (a lone one never is)
    expect(r.verdict?.sure).toBe(true);
    expect(r.alternatives.reduce((n, a) => n + a.votes, 0)).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
