/**
 * Questions under the character limit that do not fit the loaded model's context are refused when
 * asked, with how much to cut, counted with the model's own tokenizer against its manifest's
 * `limits` (here the shipped SynthMath policy, a real ONNX model). They used to be accepted and
 * then fail as "Something went wrong … Please try again later".
 */
import fs from 'node:fs';
import path from 'node:path';
import { engineFrom, promptFit, stepRoom, type Engine } from '../../../src/engine/index';
import { loadPolicy } from '../../../src/engine/models';
import { engineErrorCode } from '../../../src/engine/errors';
import type { Policy } from '../../../src/engine/models/types';
import { loadConfig } from '../../../src/bots/core/config';
import { friendlyError } from '../../../src/bots/core/jobs';
import { serve, type Running } from '../../../src/bots/serve';
import { createLogger } from '../../../src/ops/log';
import { ScriptedScorer, ToyExecutor } from '../../helpers/scripted';
import { toyScore } from '../../engine/toy-problem';
import { fakeImages, tmpDb } from '../harness';

jest.setTimeout(60_000);
const DIR = path.resolve(__dirname, '..', '..', '..', 'models', 'stepwise-synth-policy');
const d = fs.existsSync(path.join(DIR, 'policy.onnx')) ? describe : describe.skip;

const SENTENCE = 'A farmer has 17 rows of apple trees and every row has 23 trees that each give 41 apples in the autumn. ';

d('token-aware admission with the loaded model (real tokenizer and manifest limits)', () => {
  let policy: Policy;
  let engine: Engine;
  let running: Running;
  let url: string;
  let long: string;

  beforeAll(async () => {
    policy = await loadPolicy(DIR);
    engine = engineFrom(policy, new ScriptedScorer(toyScore), new ToyExecutor());
    // a question over the model's limit, in the model's own tokens, but under 4,000 characters
    const t = policy.promptTokens!('x');
    const max = t.contextTokens - stepRoom(t.contextTokens, t.stepTokens);
    long = SENTENCE;
    while (policy.promptTokens!(long).tokens <= max) long += SENTENCE;
    long += 'How many apples are there?';
    const config = loadConfig({ PORT: '0', STEPWISE_DB: tmpDb(), STEPWISE_BUDGET: '2', STEPWISE_STRATEGY: 'greedy' });
    running = await serve(config, {
      logger: createLogger({ format: 'json', dest: { write: () => undefined } }),
      core: { engine: async () => engine, images: fakeImages },
    });
    url = running.local!.url;
  });
  afterAll(async () => {
    await running?.close();
  });

  test('refused when asked (400), saying how much to cut; cutting that much is accepted', async () => {
    expect(long.length).toBeLessThan(4000);
    const r = await fetch(`${url}/api/solve`, { method: 'POST', body: JSON.stringify({ question: long }) });
    expect(r.status).toBe(400);
    const { error } = (await r.json()) as { error: string };
    expect(error).toMatch(/too long for the model/);
    expect(error).not.toMatch(/try again later/i);
    const cut = Number(/cut about (\d+) characters/.exec(error)![1]);
    expect(cut).toBeGreaterThan(0);
    // cutting what it says (from the middle, keeping the question) makes it fit
    const shorter = long.slice(0, long.length - 27 - cut) + long.slice(long.length - 27);
    expect(promptFit(policy, shorter)).toEqual({ ok: true });
    const ok = await fetch(`${url}/api/solve`, { method: 'POST', body: JSON.stringify({ question: shorter }) });
    expect(ok.status).toBe(202);
  });

  test('the engine refuses it before searching too (solver workers), with the same message for the user', async () => {
    const err = await engine.solve(long, { strategy: 'greedy' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(engineErrorCode(err)).toBe('question_too_long');
    expect(friendlyError(err)).toMatch(/cut about \d+ characters/);
  });
});
