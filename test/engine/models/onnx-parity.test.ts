/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/**
 * Parity with the Hugging Face transformers reference in the tiny-random-qwen2 fixture
 * (third-party, from ../shared/fixtures or STEPWISE_FIXTURES_DIR; skipped when absent):
 * exact greedy ids and logits within 1e-4 (single prompt and left-padded batch), PPM values,
 * tokenizer ids.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadPolicy, loadScorer, OnnxPolicy, OnnxScorer } from '../../../src/engine/models';
import { OnnxCausalLM } from '../../../src/engine/models/onnx/causal-lm';
import { argmax } from '../../../src/engine/models/onnx/sampling';
import { loadTokenizer } from '../../../src/engine/models/onnx/tokenizer';

import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fixtureModelDir } from '../../../src/engine/models/fixture';
import { describeIfShared, haveShared, sharedFixture } from '../../helpers/shared-data';

// The fixture's weights and tokenizer are third-party (../shared/fixtures or STEPWISE_FIXTURES_DIR);
// the manifests are the project's own (test/fixtures/tiny-random-qwen2). Skipped when absent.
const NEEDS = [sharedFixture('tiny-random-qwen2', 'reference.json'), sharedFixture('tiny-random-qwen2', 'policy.onnx')];
const HAVE = haveShared(NEEDS);
const DIR = HAVE ? fixtureModelDir() : '/nonexistent/tiny-random-qwen2';
const ref = HAVE ? JSON.parse(fs.readFileSync(path.join(DIR, 'reference.json'), 'utf8')) : (null as any);
const TOL = 1e-4;

let policy: OnnxPolicy;
let scorer: OnnxScorer;

beforeAll(async () => {
  if (!HAVE) return;
  policy = (await loadPolicy(DIR)) as OnnxPolicy;
  scorer = (await loadScorer(DIR)) as OnnxScorer;
});
afterAll(async () => {
  await policy?.close();
  await scorer?.close();
});

/** Greedy decoding with the low-level runner, recording each step's logits per row. */
async function greedyTrace(lm: OnnxCausalLM, prompts: number[][], steps: number) {
  let r = await lm.prefill(prompts, { padId: 151643, allLogits: true });
  const prefill = r.allLogits!;
  const S = Math.max(...prompts.map((p) => p.length));
  const ids: number[][] = prompts.map(() => []);
  const stepLogits: Float32Array[][] = prompts.map(() => []);
  for (let t = 0; t < steps; t++) {
    const next: number[] = [];
    for (let b = 0; b < prompts.length; b++) {
      const row = r.lastLogits.subarray(b * r.vocab, (b + 1) * r.vocab);
      stepLogits[b]!.push(Float32Array.from(row));
      const best = argmax(row, 0, row.length);
      ids[b]!.push(best);
      next.push(best);
    }
    r = await lm.forward(next, next.map(() => 1), 1, r.cache);
  }
  return { ids, stepLogits, prefill, S, vocab: r.vocab };
}

describeIfShared('tokenizer', NEEDS, () => {
  test('matches Python tokenizers ids on the reference cases and round-trips', async () => {
    const tok = await loadTokenizer(path.join(DIR, 'tokenizer.json'));
    for (const c of ref.tokenizer_cases) {
      expect(tok.encode(c.text)).toEqual(c.ids);
      expect(tok.decode(c.ids)).toBe(c.text);
    }
    expect(tok.encode(ref.prompts.single.text)).toEqual(ref.prompts.single.input_ids[0]);
    ref.prompts.batch.texts.forEach((t: string, i: number) => expect(tok.encode(t)).toEqual(ref.prompts.batch.unpadded_input_ids[i]));
  });

  test('the manifest template builds the reference prompt', () => {
    const text = policy.promptText('What is 3+4?', '<code>\n# Step 1');
    expect(text).toBe(ref.prompts.single.text);
  });
});

describeIfShared('ONNX policy parity with transformers', NEEDS, () => {
  test('session metadata is read from the export', () => {
    expect(policy.lm.layout).toEqual({ layers: 2, kvHeads: 1, headDim: 8, dtype: 'float32' });
    expect(policy.lm.hasPositionIds).toBe(true);
  });

  test('single prompt: greedy ids exact, prefill and step logits within 1e-4', async () => {
    const s = ref.prompts.single;
    const tr = await greedyTrace(policy.lm, s.input_ids, s.greedy_new_ids[0].length);
    expect(tr.ids[0]).toEqual(s.greedy_new_ids[0]);
    expect(tr.ids[0]).toEqual(s.hf_generate_new_ids[0]);
    let maxDiff = 0;
    s.step_top5.forEach((st: { ids: number[]; logits: number[] }, t: number) => {
      st.ids.forEach((id, j) => (maxDiff = Math.max(maxDiff, Math.abs(tr.stepLogits[0]![t]![id]! - st.logits[j]!))));
    });
    // prefill logits at probe ids, every position
    s.prefill_probe_logits.forEach((row: number[], pos: number) => {
      s.prefill_probe_ids.forEach((id: number, j: number) => {
        maxDiff = Math.max(maxDiff, Math.abs(tr.prefill[pos * tr.vocab + id]! - row[j]!));
      });
    });
    expect(maxDiff).toBeLessThan(TOL);
  });

  test('left-padded batch of 2: greedy ids exact, step logits within 1e-4', async () => {
    const b = ref.prompts.batch;
    const tr = await greedyTrace(policy.lm, b.unpadded_input_ids, b.greedy_new_ids[0].length);
    expect(tr.ids).toEqual(b.greedy_new_ids);
    let maxDiff = 0;
    b.step_top5.forEach((rows: { ids: number[]; logits: number[] }[], r: number) =>
      rows.forEach((st, t) => st.ids.forEach((id, j) => (maxDiff = Math.max(maxDiff, Math.abs(tr.stepLogits[r]![t]![id]! - st.logits[j]!))))),
    );
    expect(maxDiff).toBeLessThan(TOL);
  });

  test('Policy.sample greedy reproduces the reference ids (single and batch)', async () => {
    const s = ref.prompts.single;
    const b = ref.prompts.batch;
    const n = s.greedy_new_ids[0].length;
    const params = { temperature: 0, topP: 1, seed: 1 };
    const out = await policy.sampleIds([
      { ids: s.input_ids[0], n: 1, maxTokens: n, stop: [], params },
      { ids: b.unpadded_input_ids[0], n: 1, maxTokens: n, stop: [], params },
      { ids: b.unpadded_input_ids[1], n: 1, maxTokens: n, stop: [], params },
    ]);
    expect(out[0]![0]!.tokenIds).toEqual(s.greedy_new_ids[0]);
    expect(out[0]![0]!.text).toBe(s.greedy_text);
    expect(out[0]![0]!.finish).toBe('length');
    expect(out[1]![0]!.tokenIds).toEqual(b.greedy_new_ids[0]);
    expect(out[2]![0]!.tokenIds).toEqual(b.greedy_new_ids[1]);
    expect(out[1]![0]!.text).toBe(b.greedy_texts[0]);
    // through the public interface, with the manifest template
    const viaSample = await policy.sample([{ question: 'What is 3+4?', partial: '<code>\n# Step 1', n: 1, params: { temperature: 0, topP: 1, maxTokens: n, stop: [] } }]);
    expect(viaSample[0]![0]!.tokenIds).toEqual(s.greedy_new_ids[0]);
  });
});

describeIfShared('ONNX PPM parity with transformers', NEEDS, () => {
  test('raw values at the last token within 1e-4, scores = tanh(raw/5)', async () => {
    const p = ref.ppm;
    const raw = await scorer.rawLast(p.texts);
    raw.forEach((v, i) => expect(Math.abs(v - p.raw_last[i])).toBeLessThan(TOL));
    // batched with padding (one call, different lengths)
    const batched = await scorer.scoreTexts(p.texts);
    batched.forEach((v, i) => expect(Math.abs(v[0]! - p.score_tanh_raw_over_5[i])).toBeLessThan(TOL));
  });

  test('score(items) uses the policy template with steps joined', async () => {
    const p = ref.ppm;
    const prefix = "<|user|>:\nTom has 3 boxes of 12 apples and gives 7 away. How many apples are left?\n\n<|assistant|>: Let's think step by step and solve the problem with code.";
    expect(p.texts[1].startsWith(prefix)).toBe(true);
    const steps = ['<code>\n# Step 1: Tom has 3 boxes of 12 apples.\napples = 3 * 12\n<end_of_step>', '\n# Step 2: He gives 7 away.\nleft = apples - 7\n<end_of_step>'];
    expect(steps.join('')).toBe(p.texts[1].slice(prefix.length));
    const q = 'Tom has 3 boxes of 12 apples and gives 7 away. How many apples are left?';
    const scores = await scorer.score([
      { question: q, steps: steps.slice(0, 1) },
      { question: q, steps },
    ]);
    expect(Math.abs(scores[0]! - p.score_tanh_raw_over_5[0])).toBeLessThan(TOL);
    expect(Math.abs(scores[1]! - p.score_tanh_raw_over_5[1])).toBeLessThan(TOL);
    for (const s of scores) expect(Math.abs(s)).toBeLessThanOrEqual(1);
  });
});

// The float16 file is derived from the fixture's weights, so it is not committed either: it is made
// here by scripts/onnx-to-fp16.py (needs python3 with onnx and numpy, e.g. Debian's python3-onnx).
const PY_ONNX = HAVE && spawnSync('python3', ['-c', 'import onnx, numpy'], { stdio: 'ignore' }).status === 0;
if (HAVE && !PY_ONNX) {
  // eslint-disable-next-line no-console
  console.warn('skipped "float16 export": python3 with onnx and numpy is needed to make the fp16 file from the fixture (scripts/onnx-to-fp16.py)');
}

/** Converts the fixture policy to float16 in a temporary model directory (tokenizer from the fixture). */
function makeFp16(): string {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tiny-random-qwen2-fp16-'));
  const script = path.join(__dirname, '..', '..', '..', 'scripts', 'onnx-to-fp16.py');
  const r = spawnSync('python3', [script, path.join(DIR, 'policy.onnx'), path.join(out, 'policy.onnx')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`onnx-to-fp16.py failed: ${r.stderr}`);
  const m = JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8'));
  m.name = 'tiny-random-qwen2-fp16';
  m.files = { model: 'policy.onnx', tokenizer: path.join(DIR, 'tokenizer.json'), tokenizerConfig: path.join(DIR, 'tokenizer_config.json') };
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(m, null, 2));
  return out;
}

describeIfShared('float16 export (made from the fixture by scripts/onnx-to-fp16.py)', PY_ONNX ? NEEDS : [...NEEDS, 'python3 with onnx and numpy'], () => {
  let FP16 = '';
  // fp16 keeps ~3 significant digits: logits of magnitude ~10 are off by up to ~0.05
  const TOL16 = 0.08;
  let p16: OnnxPolicy;
  beforeAll(async () => {
    FP16 = makeFp16();
    p16 = (await loadPolicy(FP16)) as OnnxPolicy;
  }, 120_000);
  afterAll(() => p16?.close());

  test('runs with a float16 KV cache; teacher-forced step logits near the reference, same argmax where the margin is clear', async () => {
    expect(p16.lm.layout.dtype).toBe('float16');
    const cases: { prompts: number[][]; greedy: number[][]; top5: { ids: number[]; logits: number[] }[][]; margins: number[][] }[] = [
      { prompts: ref.prompts.single.input_ids, greedy: ref.prompts.single.greedy_new_ids, top5: [ref.prompts.single.step_top5], margins: [ref.prompts.single.step_margins] },
      { prompts: ref.prompts.batch.unpadded_input_ids, greedy: ref.prompts.batch.greedy_new_ids, top5: ref.prompts.batch.step_top5, margins: ref.prompts.batch.step_margins },
    ];
    for (const { prompts, greedy, top5, margins } of cases) {
      let r = await p16.lm.prefill(prompts, { padId: 151643 });
      let maxDiff = 0;
      let clearSteps = 0;
      const steps = greedy[0]!.length;
      for (let t = 0; t < steps; t++) {
        for (let b = 0; b < prompts.length; b++) {
          const row = r.lastLogits.subarray(b * r.vocab, (b + 1) * r.vocab);
          const st = top5[b]![t]!;
          st.ids.forEach((id, j) => (maxDiff = Math.max(maxDiff, Math.abs(row[id]! - st.logits[j]!))));
          if (margins[b]![t]! > 2 * TOL16) {
            clearSteps++;
            expect(argmax(row, 0, row.length)).toBe(greedy[b]![t]);
          }
        }
        // feed the reference token (teacher forcing), so one near-tie cannot derail the rest
        const next = greedy.map((g) => g[t]!);
        r = await p16.lm.forward(next, next.map(() => 1), 1, r.cache);
      }
      expect(r.cache.data[0]).toBeInstanceOf(Uint16Array);
      expect(clearSteps).toBeGreaterThan(10);
      expect(maxDiff).toBeLessThan(TOL16);
      expect(maxDiff).toBeGreaterThan(0); // it really ran in half precision
    }
  });

  test('Policy.sample on the fp16 file: greedy ids equal the float32 reference up to its first near-tie', async () => {
    const s = ref.prompts.single;
    const firstTie = (s.step_margins as number[]).findIndex((m) => m < 2 * TOL16);
    const [out] = await p16.sample([{ question: 'What is 3+4?', partial: '<code>\n# Step 1', n: 2, params: { temperature: 0, topP: 1, maxTokens: 24, stop: [] } }]);
    expect(firstTie).toBeGreaterThan(0);
    for (const o of out!) expect(o.tokenIds!.slice(0, firstTie + 1)).toEqual(s.greedy_new_ids[0].slice(0, firstTie + 1));
  });
});

describeIfShared('execution providers', NEEDS, () => {
  const cudaLib = path.join(path.dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so');
  // on a GPU server installed with ONNXRUNTIME_NODE_INSTALL=cuda12 the provider exists and loads
  (fs.existsSync(cudaLib) ? test.skip : test)('asking for CUDA where its provider is not installed fails with how to install it', async () => {
    const err = await loadPolicy(DIR, { onnx: { executionProviders: ['cuda', 'cpu'] } }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.name).toBe('ModelLoadError');
    expect(err?.message).toMatch(/cuda provider is not available/);
    expect(err?.message).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci/);
  });
});
