/**
 * KV reuse across calls (src/engine/models/onnx/prefix-cache.ts) must not change what the model
 * writes: the same greedy text with and without the cache, on the SynthMath policy. Also the
 * policy's generation controls for chat models: banned tokens and the answer's forced start.
 */
import { loadPolicy, OnnxPolicy } from '../../../src/engine/models';
import { validateManifest } from '../../../src/engine/models/manifest';
import { SYNTH_POLICY_DIR } from '../../../src/engine/models';

const Q1 = 'Tom buys 3 pens for 4 dollars each. How much does he spend?';
const Q2 = 'Anna has 12 apples. She gives 1/3 of them to Ben. How many apples are left?';
const greedy = { temperature: 0, topP: 1, maxTokens: 48 };

let cached: OnnxPolicy;
let plain: OnnxPolicy;
beforeAll(async () => {
  cached = (await loadPolicy(SYNTH_POLICY_DIR)) as OnnxPolicy;
  plain = (await loadPolicy(SYNTH_POLICY_DIR, { onnx: { prefixCacheMB: 0 } })) as OnnxPolicy;
});
afterAll(async () => {
  await cached.close();
  await plain.close();
});

test('a prompt that extends a cached one runs only its new tokens and writes the same text', async () => {
  const first = await cached.sample([{ question: Q1, partial: '', n: 1, params: greedy }]);
  const step = first[0]![0]!.text;
  expect(cached.lastStats!.reusedTokens).toBe(0);
  // the next step's prompt is the first one plus the step: its prefix comes from the cache
  const reqs = [
    { question: Q1, partial: step, n: 1, params: greedy },
    { question: Q2, partial: '', n: 2, params: { ...greedy, temperature: 0.9, seed: 4 } },
  ];
  const withCache = await cached.sample(reqs);
  expect(cached.lastStats!.reusedTokens).toBeGreaterThan(10);
  expect(cached.prefixCache.hits).toBeGreaterThan(0);
  const without = await plain.sample(reqs);
  expect(plain.lastStats!.reusedTokens).toBe(0);
  expect(withCache.map((r) => r.map((s) => s.text))).toEqual(without.map((r) => r.map((s) => s.text)));
});

test('hidden states and the question loss are the same whether the prefix was cached or not', async () => {
  const a = await plain.questionNll(Q2);
  await cached.sample([{ question: Q2, partial: '', n: 1, params: greedy }]);
  const b = await cached.questionNll(Q2);
  expect(b).toBeCloseTo(a, 4);
});

test('banned tokens are never sampled', async () => {
  const ids = plain.tokenizer.encode(plain.promptText(Q1, ''));
  const [[free]] = await plain.sampleIds([{ ids, n: 1, maxTokens: 8, stop: [], params: { temperature: 0, topP: 1 } }]);
  const ban = [free!.tokenIds![0]!, free!.tokenIds![1]!];
  const [[banned]] = await plain.sampleIds([{ ids, n: 1, maxTokens: 8, stop: [], params: { temperature: 0, topP: 1 }, banIds: ban }]);
  expect(banned!.tokenIds!.some((t) => ban.includes(t))).toBe(false);
});

test("after the program output a chat policy's answer step starts with the manifest's answerStart", async () => {
  const raw = { ...require(`${SYNTH_POLICY_DIR}/manifest.json`) };
  raw.prompt = { ...raw.prompt, answerStart: '\n<answer>' };
  const manifest = validateManifest(raw, `${SYNTH_POLICY_DIR}/manifest.json`);
  const chat = new OnnxPolicy(manifest, plain.lm, plain.tokenizer);
  const partial = '<code>\n# Step 1: cost\ncost = 3 * 4\n<end_of_step>\n# Now print the final answer\nprint(cost)\n<end_of_code>\n<output>12<end_of_output>';
  const [[s]] = await chat.sample([{ question: Q1, partial, n: 1, params: greedy }]);
  expect(s!.text.startsWith('\n<answer>')).toBe(true);
  // before the output nothing is forced
  const [[first]] = await chat.sample([{ question: Q1, partial: '', n: 1, params: greedy }]);
  expect(first!.text.startsWith('\n<answer>')).toBe(false);
});

test("after a code step a chat policy's next step starts with the manifest's stepStart (its comment), and EOS stays banned there", async () => {
  const raw = { ...require(`${SYNTH_POLICY_DIR}/manifest.json`) };
  raw.prompt = { ...raw.prompt, answerStart: '\n<answer>', stepStart: '\n# ' };
  const manifest = validateManifest(raw, `${SYNTH_POLICY_DIR}/manifest.json`);
  const chat = new OnnxPolicy(manifest, plain.lm, plain.tokenizer);
  const partial = '<code>\n# Step 1: cost\ncost = 3 * 4\n<end_of_step>';
  expect(chat.forcedStart(partial)).toBe('\n# ');
  expect(chat.forcedStart(partial + '\n')).toBe('\n# ');
  expect(chat.forcedStart('')).toBe('');
  expect(chat.forcedStart(partial + '\n# Now print the final answer\nprint(cost)\n<end_of_code>\n<output>12<end_of_output>')).toBe('\n<answer>');
  const [[s]] = await chat.sample([{ question: Q1, partial, n: 1, params: greedy }]);
  expect(s!.text.startsWith('\n# ')).toBe(true);
  // inside the code the model may not end its turn: EOS is banned for a forced step start as without one
  const sampleIds = jest.spyOn(chat, 'sampleIds');
  await chat.sample([{ question: Q1, partial, n: 1, params: greedy }]);
  expect(sampleIds.mock.calls[0]![0]![0]!.banIds).toEqual(expect.arrayContaining([expect.any(Number)]));
  sampleIds.mockRestore();
});

test('a solution grown past the context gets unfinished samples instead of failing the whole call', async () => {
  const long = '<code>\n' + '# Step: add one more\nx = 1\n<end_of_step>\n'.repeat(80);
  const out = await plain.sample([
    { question: Q1, partial: long, n: 2, params: greedy },
    { question: Q1, partial: '', n: 1, params: greedy },
  ]);
  expect(out[0]).toEqual([
    { text: '', finish: 'length' },
    { text: '', finish: 'length' },
  ]);
  expect(out[1]![0]!.text.length).toBeGreaterThan(0);
});
