/** ONNX exports match the PyTorch outputs saved by training/export_onnx.py (within 1e-4). */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';

const MODELS = path.join(__dirname, '../../../models');
const ref = (name: string) => {
  const f = path.join(MODELS, name, 'parity_reference.json');
  return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, 'utf8')) : null;
};
const i64 = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);
const maxDiff = (a: ArrayLike<number>, b: number[]) => {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const opts: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 2, executionProviders: ['cpu'] };

const pol = ref('stepwise-synth-policy');
const ppm = ref('stepwise-synth-ppm');

(pol ? test : test.skip)('policy.onnx logits match PyTorch (prefill with empty past + one cached step)', async () => {
  const s = await ort.InferenceSession.create(path.join(MODELS, 'stepwise-synth-policy/policy.onnx'), opts);
  expect(s.inputNames.slice(0, 3)).toEqual(['input_ids', 'attention_mask', 'position_ids']);
  expect(s.outputNames[0]).toBe('logits');
  const B = pol.input_ids.length;
  const S = pol.input_ids[0].length;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: i64(pol.input_ids),
    attention_mask: i64(pol.attention_mask),
    position_ids: i64(pol.position_ids),
  };
  for (let i = 0; i < pol.layers; i++)
    for (const kv of ['key', 'value'])
      feeds[`past_key_values.${i}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [B, pol.kv_heads, 0, pol.head_dim]);
  const out = await s.run(feeds);
  const logits = out.logits!;
  const V = logits.dims[2]!;
  expect(logits.dims).toEqual([B, S, V]);
  const data = logits.data as Float32Array;
  const last = pol.last_logits as number[][];
  for (let b = 0; b < B; b++) expect(maxDiff(data.subarray((b * S + S - 1) * V, (b * S + S) * V), last[b]!)).toBeLessThan(1e-4);
  // one decoding step reusing the cache
  const step: Record<string, ort.Tensor> = {
    input_ids: i64(pol.step_input_ids),
    attention_mask: i64((pol.attention_mask as number[][]).map((r) => [...r, 1])),
    position_ids: i64((pol.position_ids as number[][]).map((r) => [r[r.length - 1]! + 1])),
  };
  for (let i = 0; i < pol.layers; i++)
    for (const kv of ['key', 'value']) {
      step[`past_key_values.${i}.${kv}`] = out[`present.${i}.${kv}`]!;
      expect(out[`present.${i}.${kv}`]!.dims).toEqual([B, pol.kv_heads, S, pol.head_dim]);
    }
  const out2 = await s.run(step);
  const d2 = out2.logits!.data as Float32Array;
  for (let b = 0; b < B; b++) expect(maxDiff(d2.subarray(b * V, (b + 1) * V), pol.step_logits[b])).toBeLessThan(1e-4);
});

(ppm ? test : test.skip)('ppm.onnx values match PyTorch', async () => {
  const s = await ort.InferenceSession.create(path.join(MODELS, 'stepwise-synth-ppm/ppm.onnx'), opts);
  expect(s.inputNames).toEqual(['input_ids', 'attention_mask']);
  expect(s.outputNames).toEqual(['values']);
  const out = await s.run({ input_ids: i64(ppm.input_ids), attention_mask: i64(ppm.attention_mask) });
  expect(out.values!.dims).toEqual([ppm.input_ids.length, ppm.input_ids[0].length]);
  const v = out.values!.data as Float32Array;
  const flat = (ppm.values as number[][]).flat();
  // compare at real (non-pad) positions
  const mask = (ppm.attention_mask as number[][]).flat();
  let m = 0;
  flat.forEach((x, i) => {
    if (mask[i]) m = Math.max(m, Math.abs(v[i]! - x));
  });
  expect(m).toBeLessThan(1e-4);
});
