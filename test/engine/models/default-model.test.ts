/**
 * The real default model (Qwen2.5-Coder-1.5B-Instruct converted by ./stepwise models fetch), the
 * smaller Qwen2.5-Coder-0.5B-Instruct whose hidden states the shipped value head reads, and the
 * conversion checks for both (same converter):
 * - parity: the 4-bit ONNX model run by our runner against the fp32 PyTorch reference the converter
 *   computed from the same GGUF (training/gguf_to_onnx.py, parity_reference.json);
 * - its tokenizer.json (rebuilt from the GGUF) gives the ids of the real Qwen tokenizer (the fixture);
 * - end to end: a question answered in the step format with the right answer.
 * The models are 0.6-1.5 GB each in the model cache, never in the repository: skipped with a printed reason
 * when it has not been fetched (the rest of the suite uses the 3M SynthMath models).
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoPath } from '../../../src/paths';
import { modelFilesDir } from '../../../src/engine/models/cache';
import { loadPolicy, loadScorer, OnnxPolicy, ValueHeadScorer } from '../../../src/engine/models';
import { loadTokenizer } from '../../../src/engine/models/onnx/tokenizer';
import { createEngine } from '../../../src/engine';
import { sharedFixture, skipReason } from '../../helpers/shared-data';

const DIR = repoPath('models', 'qwen2.5-coder-1.5b-instruct');
const HEAD_BACKBONE = repoPath('models', 'qwen2.5-coder-0.5b-instruct');

/** A fetched policy's converted files, or why its tests skip. */
function fetched(dir: string) {
  const files = modelFilesDir(dir).dir;
  const needs = [path.join(files, 'model.onnx'), path.join(files, 'parity_reference.json')];
  const why = skipReason(`${path.basename(dir)} (run ./stepwise models fetch ${path.basename(dir)})`, needs);
  return { ref: why ? null : JSON.parse(fs.readFileSync(needs[1]!, 'utf8')), run: why ? describe.skip : describe };
}

const { run } = fetched(DIR);
const { run: runIfBackbone } = fetched(HEAD_BACKBONE);

// The conversion checks, for the default and for the larger opt-in policy (same converter).
for (const [name, hidden] of [
  ['qwen2.5-coder-0.5b-instruct', 896],
  ['qwen2.5-coder-1.5b-instruct', 1536],
] as const) {
  const dir = repoPath('models', name);
  const { ref, run: runIfFetched } = fetched(dir);
  runIfFetched(`the fetched ${name}`, () => {
    let policy: OnnxPolicy;
    beforeAll(async () => {
      policy = (await loadPolicy(dir)) as OnnxPolicy;
    }, 180_000);
    afterAll(() => policy?.close());

    test('has the KV layout and hidden-state output of the converted Qwen2', () => {
      expect(policy.lm.layout).toMatchObject({ layers: ref.layers, kvHeads: ref.kv_heads, headDim: ref.head_dim });
      expect(policy.lm.hiddenSize).toBe(hidden);
    });

    test('4-bit ONNX greedy decoding follows the fp32 PyTorch reference of the same GGUF', async () => {
      const prompts: number[][] = ref.input_ids.map((row: number[], b: number) => row.filter((_, t) => ref.attention_mask[b][t] === 1));
      // the same texts tokenised by our tokenizer give the reference ids
      ref.texts.forEach((t: string, b: number) => expect(policy.tokenizer.encode(t)).toEqual(prompts[b]));
      const out = await policy.sampleIds(prompts.map((ids) => ({ ids, n: 1, maxTokens: ref.greedy_ids[0].length, stop: [], params: { temperature: 0, topP: 1 } })));
      out.forEach(([s], b) => {
        const got = s!.tokenIds!;
        const want: number[] = ref.greedy_ids[b];
        // identical until the first step where fp32's top-2 margin is small enough for 4-bit
        // rounding to swap them; the first token (prefill) must always match
        expect(got[0]).toBe(want[0]);
        let k = 0;
        while (k < want.length && got[k] === want[k]) k++;
        if (k < want.length) expect(ref.greedy_margins[k][b]).toBeLessThan(1.5);
        expect(k).toBeGreaterThanOrEqual(6);
      });
    }, 180_000);

    test('its tokenizer gives the real Qwen tokenizer ids', async () => {
      const fixture = sharedFixture('tiny-random-qwen2', 'tokenizer.json');
      if (skipReason('Qwen tokenizer fixture', [fixture])) return;
      const real = await loadTokenizer(fixture);
      for (const text of ['What is 15% of 80?', "Tom's 3 boxes hold 1,234 apples; x = 2*y\n\tprint(x)", '\\frac{3}{4} + é 日本 😀', '<end_of_step>\n# Step 2:'])
        expect(policy.tokenizer.encode(text)).toEqual(real.encode(text));
    });
  });
}

runIfBackbone('the value head and its backbone policy', () => {
  let policy: OnnxPolicy;
  beforeAll(async () => {
    policy = (await loadPolicy(HEAD_BACKBONE)) as OnnxPolicy;
  }, 120_000);
  afterAll(() => policy?.close());

  test('the shipped value head reads this policy\'s hidden states: one model in memory, scores in [-1, 1]', async () => {
    const head = await loadScorer(repoPath('models', 'qwen2.5-coder-0.5b-ppm-head'), { policy });
    expect(head).toBeInstanceOf(ValueHeadScorer);
    expect((head as ValueHeadScorer).policy).toBe(policy);
    const q = 'A pen costs $3. How much do 4 pens cost?';
    const right = '# Step 1: 4 pens at $3 each.\ncost = 4 * 3\n<end_of_step>';
    const wrong = '# Step 1: 4 pens at $3 each.\ncost = 4 + 3\n<end_of_step>';
    const scores = await head.score([
      { question: q, steps: [right] },
      { question: q, steps: [wrong] },
    ]);
    for (const v of scores) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    expect(scores[0]).not.toBe(scores[1]);
    // the node it scored is in the prefix cache: expanding it runs no prompt tokens again
    const before = policy.prefixCache.hits;
    await policy.sample([{ question: q, partial: right, n: 1, params: { temperature: 0, topP: 1, maxTokens: 2 } }]);
    expect(policy.prefixCache.hits).toBe(before + 1);
    expect(policy.lastStats!.reusedTokens).toBeGreaterThan(policy.lastStats!.prefillTokens - 2);
    await head.close?.();
  }, 120_000);
});

run('the default model end to end', () => {
  test('answers a percentage question in the step format, with the right answer', async () => {
    const engine = await createEngine({ policyDir: DIR, scorerDir: null, workers: 1 });
    try {
      // no strategy named: the default model's own (greedy with redraws, its manifest's search)
      const r = await engine.solve('A jacket costs $80. It is on sale for 15% off. What is the sale price in dollars?');
      expect(r.strategy).toBe('greedy');
      expect(r.answer).not.toBeNull();
      expect(Number(r.answer)).toBeCloseTo(68);
      expect(r.trajectory.some((s) => s.kind === 'code_end' && s.observation?.ok)).toBe(true);
      expect(r.trajectory[r.trajectory.length - 1]!.parts.prose).toMatch(/68/);
    } finally {
      await engine.close();
    }
  }, 180_000);
});
