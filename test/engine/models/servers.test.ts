/** Server backends against fake OpenAI-compatible / vLLM pooling servers on 127.0.0.1. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPolicy, loadScorer, ModelServerError, scoreEachStep } from '../../../src/engine/models';
import { toSample } from '../../../src/engine/models/server/openai-policy';
import { startFakeModelServer, type FakeServer } from '../../helpers/fake-model-server';

const STOPS = ['<end_of_step>', '<end_of_code>', '<end_of_answer>'];
const servers: FakeServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

function writeManifest(obj: object): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-model-'));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(obj));
  return dir;
}

const policyManifest = (url: string, server: object = {}) =>
  writeManifest({
    name: 'fake-policy',
    kind: 'policy',
    backend: 'openai',
    server: { baseUrl: `${url}/v1`, model: 'fake/model', timeoutMs: 2000, maxRetries: 3, maxConcurrency: 2, ...server },
    prompt: { template: 'Q: {question}\nA:{partial}' },
    stop: STOPS,
    limits: { maxContextTokens: 4096, maxStepTokens: 256 },
  });

const prmManifest = (url: string) =>
  writeManifest({
    name: 'fake-prm',
    kind: 'prm',
    backend: 'vllm-pooling',
    server: { baseUrl: `${url}/v1`, model: 'Qwen/Qwen2.5-Math-PRM-7B', timeoutMs: 2000, maxRetries: 2, maxConcurrency: 4 },
    prompt: { template: '<|im_start|>user\n{question}<|im_end|>\n<|im_start|>assistant\n{partial}<|im_end|><|endoftext|>' },
    specialTokens: { stepSeparator: '<extra_0>' },
    score: { transform: 'prob', positiveIndex: 1 },
  });

async function start(opts: Parameters<typeof startFakeModelServer>[0]) {
  const s = await startFakeModelServer(opts);
  servers.push(s);
  return s;
}

const req = (n = 2, extra: object = {}) => ({ question: 'What is 2+2?', partial: '<code>\n', n, params: { temperature: 0.7, topP: 0.95, maxTokens: 64, seed: 3, ...extra } });

describe('OpenAI-compatible completions policy', () => {
  test('sends the real request shape and re-appends the stop string vLLM dropped', async () => {
    const s = await start({ completions: { continuation: (_p, i) => (i === 0 ? `# Step 1\nx = 2 + 2\n<end_of_step>\nmore` : `print(4)\n<end_of_code>tail`) } });
    const policy = await loadPolicy(policyManifest(s.url));
    const [samples] = await policy.sample([req(2)]);
    expect(samples).toEqual([
      { text: '# Step 1\nx = 2 + 2\n<end_of_step>', finish: 'stop', stop: '<end_of_step>' },
      { text: 'print(4)\n<end_of_code>', finish: 'stop', stop: '<end_of_code>' },
    ]);
    const body = s.requests[0]!.body;
    expect(s.requests[0]!.path).toBe('/v1/completions');
    expect(body).toMatchObject({ model: 'fake/model', prompt: 'Q: What is 2+2?\nA:<code>\n', n: 2, max_tokens: 64, temperature: 0.7, top_p: 0.95, seed: 3, stop: STOPS });
  });

  test('length and EOS finishes; servers that keep the stop or do not report it', async () => {
    const s = await start({ completions: { continuation: () => 'abcdef', flavor: 'plain' } });
    const policy = await loadPolicy(policyManifest(s.url));
    const [[a]] = await policy.sample([req(1, { maxTokens: 3 })]);
    expect(a).toEqual({ text: 'abc', finish: 'length' });
    const [[b]] = await policy.sample([req(1)]);
    expect(b).toEqual({ text: 'abcdef', finish: 'eos' });
    // a server that keeps the stop in the text (include_stop_str_in_output)
    expect(toSample({ index: 0, text: 'x<end_of_step>', finish_reason: 'stop' }, STOPS)).toEqual({ text: 'x<end_of_step>', finish: 'stop', stop: '<end_of_step>' });
    // SGLang's matched_stop
    expect(toSample({ index: 0, text: 'x', finish_reason: 'stop', matched_stop: '<end_of_code>' }, STOPS)).toEqual({ text: 'x<end_of_code>', finish: 'stop', stop: '<end_of_code>' });
    // vLLM: EOS gives stop_reason null
    expect(toSample({ index: 0, text: 'x', finish_reason: 'stop', stop_reason: null }, STOPS)).toEqual({ text: 'x', finish: 'eos' });
  });

  test("with server.logprobs each sample carries its tokens' log-probability; without, nothing is asked", async () => {
    const s = await start({ completions: { continuation: () => 'abcd<end_of_step>' } });
    const [[a]] = await (await loadPolicy(policyManifest(s.url, { logprobs: true }))).sample([req(1)]);
    expect(s.requests[0]!.body.logprobs).toBe(0);
    expect(a!.text).toBe('abcd<end_of_step>');
    expect(a!.logprob!.tokens).toBe(4);
    expect(a!.logprob!.sum).toBeCloseTo(4 * Math.log(0.9), 9);
    const [[b]] = await (await loadPolicy(policyManifest(s.url))).sample([req(1)]);
    expect(s.requests[1]!.body).not.toHaveProperty('logprobs');
    expect(b!.logprob).toBeUndefined();
    // a server that answers with no usable figures (null or non-finite entries) leaves the sample unmeasured
    expect(toSample({ index: 0, text: 'x', finish_reason: 'length', logprobs: { token_logprobs: [null] } }, STOPS).logprob).toBeUndefined();
    await expect(loadPolicy(policyManifest(s.url, { logprobs: 'yes' }))).rejects.toThrow(/server\.logprobs/);
  });

  test('retries 5xx and 429 with back-off, then succeeds', async () => {
    const s = await start({ completions: { continuation: () => 'ok<end_of_step>' }, failFirst: { count: 2, status: 503 } });
    const policy = await loadPolicy(policyManifest(s.url), { retryBaseMs: 5 });
    const [[a]] = await policy.sample([req(1)]);
    expect(a!.text).toBe('ok<end_of_step>');
    expect(s.requests.length).toBe(3);
    const s2 = await start({ completions: { continuation: () => 'ok<end_of_step>' }, failFirst: { count: 1, status: 429, retryAfter: 0 } });
    const [[b]] = await (await loadPolicy(policyManifest(s2.url), { retryBaseMs: 5 })).sample([req(1)]);
    expect(b!.finish).toBe('stop');
  });

  test('retries dropped connections; gives up with an error naming the server', async () => {
    const s = await start({ completions: { continuation: () => 'x' }, failFirst: { count: 100, status: 'close' } });
    const policy = await loadPolicy(policyManifest(s.url, { maxRetries: 2 }), { retryBaseMs: 2 });
    const err = await policy.sample([req(1)]).catch((e) => e);
    expect(err).toBeInstanceOf(ModelServerError);
    expect(err.message).toContain(`${s.url}/v1/completions`);
    expect(err.message).toContain('3 attempts');
    expect(s.requests.length).toBe(3);
  });

  test('4xx is not retried; unreachable server and time-outs name the URL', async () => {
    const s = await start({ completions: { continuation: () => 'x' }, apiKey: 'secret' });
    const policy = await loadPolicy(policyManifest(s.url, { maxRetries: 3 }), { retryBaseMs: 2 });
    await expect(policy.sample([req(1)])).rejects.toThrow(/HTTP 401/);
    expect(s.requests.length).toBe(1);
    process.env.FAKE_KEY_FOR_TEST = 'secret';
    const withKey = await loadPolicy(policyManifest(s.url, { apiKeyEnv: 'FAKE_KEY_FOR_TEST' }));
    await expect(withKey.sample([req(1)])).resolves.toHaveLength(1);

    const dead = await loadPolicy(policyManifest('http://127.0.0.1:9', { maxRetries: 1 }), { retryBaseMs: 2 });
    await expect(dead.sample([req(1)])).rejects.toThrow(/127\.0\.0\.1:9\/v1\/completions.*connection failed/);

    const slow = await start({ completions: { continuation: () => 'x' }, delayMs: 300 });
    const timed = await loadPolicy(policyManifest(slow.url, { timeoutMs: 50, maxRetries: 1 }), { retryBaseMs: 2 });
    await expect(timed.sample([req(1)])).rejects.toThrow(/timed out after 50 ms/);
  });

  test('concurrency limit holds across many requests', async () => {
    const s = await start({ completions: { continuation: () => 'x<end_of_step>' }, delayMs: 30 });
    const policy = await loadPolicy(policyManifest(s.url, { maxConcurrency: 2 }));
    const out = await policy.sample(Array.from({ length: 8 }, () => req(1)));
    expect(out).toHaveLength(8);
    expect(s.maxConcurrent).toBeLessThanOrEqual(2);
    expect(s.maxConcurrent).toBe(2);
  });

  test('abort signal cancels', async () => {
    const s = await start({ completions: { continuation: () => 'x' }, delayMs: 500 });
    const policy = await loadPolicy(policyManifest(s.url));
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('search cancelled')), 20);
    await expect(policy.sample([req(1)], ac.signal)).rejects.toThrow('search cancelled');
  });
});

describe('vLLM pooling PRM scorer', () => {
  test('posts {model, input} to /pooling and maps [p_neg, p_pos] per step to 2p - 1', async () => {
    const s = await start({ stepSeparator: '<extra_0>' });
    const scorer = await loadScorer(prmManifest(s.url));
    const item = { question: 'What is 2+2?', steps: ['2+2=4', 'The answer is 4'] };
    const all = await scoreEachStep(scorer, item);
    expect(all[0]).toBeCloseTo(0.8, 6);
    expect(all[1]).toBeCloseTo(0.6, 6);
    const last = await scorer.score([item, { question: 'q', steps: ['a'] }]);
    expect(last[0]).toBeCloseTo(0.6, 6);
    expect(last[1]).toBeCloseTo(0.8, 6);
    const body = s.requests[0]!.body;
    expect(s.requests[0]!.path).toBe('/pooling');
    expect(body.model).toBe('Qwen/Qwen2.5-Math-PRM-7B');
    expect(body.input).toEqual(['<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n2+2=4<extra_0>The answer is 4<extra_0><|im_end|><|endoftext|>']);
  });

  test('a step-count mismatch (wrong pooling) and 5xx exhaustion are clear errors', async () => {
    const s = await start({ stepSeparator: '<nope>' });
    const scorer = await loadScorer(prmManifest(s.url));
    await expect(scorer.score([{ question: 'q', steps: ['a', 'b'] }])).rejects.toThrow(/0 step scores for 2 steps.*STEP pooling/);
    const bad = await start({ stepSeparator: '<extra_0>', failFirst: { count: 10, status: 500 } });
    const sc2 = await loadScorer(prmManifest(bad.url), { retryBaseMs: 2 });
    await expect(sc2.score([{ question: 'q', steps: ['a'] }])).rejects.toThrow(new RegExp(`${bad.url}/pooling: failed after 3 attempts: HTTP 500`));
  });

  test('a PPM on a pooling server reads one value per input through the transform', async () => {
    const s = await start({ value: () => 5 });
    const dir = writeManifest({
      name: 'fake-ppm',
      kind: 'ppm',
      backend: 'vllm-pooling',
      server: { baseUrl: s.url, model: 'ppm', task: 'classify' },
      prompt: { template: '{question}|{partial}' },
      score: { transform: 'tanh', scale: 5 },
    });
    const scorer = await loadScorer(dir);
    const [v] = await scorer.score([{ question: 'q', steps: ['a', 'b'] }]);
    expect(v).toBeCloseTo(Math.tanh(1), 6);
    expect(s.requests[0]!.body).toEqual({ model: 'ppm', input: ['q|ab'], task: 'classify' });
  });
});
