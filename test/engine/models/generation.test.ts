/**
 * @jest-environment ./test/helpers/ort-environment.js
 */
/** Sampling, seeds, stop strings, shared prefill, incremental detokenisation on the fixture policy. */
import fs from 'node:fs';
import path from 'node:path';
import { loadPolicy, OnnxPolicy } from '../../../src/engine/models';
import { findStop, generate } from '../../../src/engine/models/onnx/generate';
import { argmax, rngFor, sampleToken, tokenLogprob, topKIndices } from '../../../src/engine/models/onnx/sampling';
import { DecodeStream, loadTokenizer } from '../../../src/engine/models/onnx/tokenizer';
import { KvBufferPool, KvCache } from '../../../src/engine/models/onnx/kv-cache';
import { lookupDraft } from '../../../src/engine/models/onnx/prompt-lookup';

import { fixtureModelDir } from '../../../src/engine/models/fixture';
import { describeIfShared, haveShared, sharedFixture } from '../../helpers/shared-data';

// The fixture's weights and tokenizer are third-party (../shared/fixtures or STEPWISE_FIXTURES_DIR);
// the manifests are the project's own (test/fixtures/tiny-random-qwen2). Skipped when absent.
const NEEDS = [sharedFixture('tiny-random-qwen2', 'reference.json'), sharedFixture('tiny-random-qwen2', 'policy.onnx')];
const HAVE = haveShared(NEEDS);
const DIR = HAVE ? fixtureModelDir() : '/nonexistent/tiny-random-qwen2';
const ref = HAVE ? JSON.parse(fs.readFileSync(path.join(DIR, 'reference.json'), 'utf8')) : (null as any);
const Q = 'What is 3+4?';
const PARTIAL = '<code>\n# Step 1';

let policy: OnnxPolicy;
beforeAll(async () => {
  if (HAVE) policy = (await loadPolicy(DIR)) as OnnxPolicy;
});
afterAll(() => policy?.close());

describe('sampling primitives', () => {
  test('topKIndices equals a full sort', () => {
    const rng = rngFor(42, 0);
    const v = Float32Array.from({ length: 5000 }, () => rng() * 10 - 5);
    const sorted = Array.from(v.keys()).sort((a, b) => v[b]! - v[a]! || a - b);
    expect(Array.from(topKIndices(v, 0, v.length, 37))).toEqual(sorted.slice(0, 37));
  });

  test('greedy, top-k 1 and tiny top-p all give the argmax', () => {
    const rng = rngFor(1, 0);
    const v = Float32Array.from({ length: 1000 }, () => rng());
    const best = argmax(v, 0, v.length);
    expect(sampleToken(v, 0, v.length, { temperature: 0, topP: 1 }, rng)).toBe(best);
    expect(sampleToken(v, 0, v.length, { temperature: 1, topP: 1, topK: 1 }, rng)).toBe(best);
    expect(sampleToken(v, 0, v.length, { temperature: 1, topP: 1e-9 }, rng)).toBe(best);
  });

  test('sampled frequencies follow softmax(logits / T); top-k and top-p restrict the support', () => {
    const v = Float32Array.from([0, Math.log(2), Math.log(1), -50]);
    const rng = rngFor(9, 0);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20000; i++) counts[sampleToken(v, 0, 4, { temperature: 1, topP: 1 }, rng)]!++;
    expect(counts[1]! / 20000).toBeCloseTo(0.5, 1);
    expect(counts[0]! / 20000).toBeCloseTo(0.25, 1);
    expect(counts[3]).toBe(0);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(sampleToken(v, 0, 4, { temperature: 1, topP: 1, topK: 2 }, rng));
    expect(seen.size).toBe(2);
    const seenP = new Set<number>();
    for (let i = 0; i < 2000; i++) seenP.add(sampleToken(v, 0, 4, { temperature: 1, topP: 0.5 }, rng));
    expect([...seenP]).toEqual([1]);
  });

  test('top-p with a nucleus wider than 64 tokens: exactly the nucleus, in proportion', () => {
    // 1000 tokens: weights 1000, 999, ..., 1 (logits = log w); the top 70% of the mass is the
    // 452 heaviest tokens (ids 0..451)
    const V = 1000;
    const logits = Float32Array.from({ length: V }, (_, i) => Math.log(V - i));
    const total = (V * (V + 1)) / 2;
    let cum = 0;
    let nucleus = 0;
    while (cum < 0.7 * total) cum += V - nucleus++;
    const rng = rngFor(3, 0);
    const counts = new Map<number, number>();
    const draws = 40000;
    for (let i = 0; i < draws; i++) {
      const id = sampleToken(logits, 0, V, { temperature: 1, topP: 0.7 }, rng);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(Math.max(...counts.keys())).toBe(nucleus - 1);
    expect(counts.size).toBeGreaterThan(nucleus - 20); // (almost) every nucleus token drawn
    // the heaviest half of the nucleus carries its share of the mass
    let heavy = 0;
    for (const [id, c] of counts) if (id < nucleus / 2) heavy += c;
    let heavyMass = 0;
    for (let i = 0; i < nucleus / 2; i++) heavyMass += V - i;
    expect(heavy / draws).toBeCloseTo(heavyMass / cum, 1);
  });

  test('the seeded PRNG is reproducible and streams differ', () => {
    const a = rngFor(123, 0);
    const b = rngFor(123, 0);
    const c = rngFor(123, 1);
    const xa = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(xa);
    expect(Array.from({ length: 5 }, c)).not.toEqual(xa);
  });

  test("tokenLogprob is the log-softmax at temperature 1, and banned (-Infinity) tokens carry no mass", () => {
    const row = Float32Array.from([0, Math.log(3), -Infinity, Math.log(4), 999]);
    // offset 0, vocabulary of the first 4 entries: probabilities 1/8, 3/8, 0, 4/8
    expect(tokenLogprob(row, 0, 4, 1)).toBeCloseTo(Math.log(3 / 8), 6);
    expect(tokenLogprob(row, 0, 4, 3)).toBeCloseTo(Math.log(1 / 2), 6);
    expect(tokenLogprob(row, 0, 4, 2)).toBe(-Infinity);
    // huge logits do not overflow
    expect(tokenLogprob(Float32Array.from([1000, 1000]), 0, 2, 0)).toBeCloseTo(Math.log(0.5), 6);
  });

  test('findStop returns the earliest match', () => {
    expect(findStop('abc<end_of_step>x<end_of_code>', ['<end_of_code>', '<end_of_step>'], 0)).toEqual({ index: 3, stop: '<end_of_step>' });
    expect(findStop('abc', ['<x>'], 0)).toBeUndefined();
  });

  test('KvCache gather broadcasts rows and concat left-pads', () => {
    const layout = { layers: 1, kvHeads: 1, headDim: 2, dtype: 'float32' as const };
    const a = new KvCache(layout, 1, 2, [Float32Array.from([1, 2, 3, 4]), Float32Array.from([5, 6, 7, 8])], Uint8Array.from([1, 1]));
    const b = new KvCache(layout, 1, 1, [Float32Array.from([9, 9]), Float32Array.from([8, 8])], Uint8Array.from([1]));
    const c = KvCache.concat([a, b]);
    expect(Array.from(c.mask)).toEqual([1, 1, 0, 1]);
    expect(Array.from(c.data[0]!)).toEqual([1, 2, 3, 4, 0, 0, 9, 9]);
    const g = c.gather([1, 1]);
    expect(g.length).toBe(1); // common left pad trimmed
    expect(Array.from(g.data[0]!)).toEqual([9, 9, 9, 9]);
    expect(Array.from(g.rowLengths())).toEqual([1, 1]);
    // gathered into reused buffers: same rows, written in place, the rest of the buffer untouched
    const into = [new Float32Array(10).fill(-1), new Float32Array(10).fill(-1)];
    const h = c.gather([1, 0], into);
    expect(h.data[0]!.buffer === into[0]!.buffer).toBe(true);
    expect(Array.from(into[0]!)).toEqual([0, 0, 9, 9, 1, 2, 3, 4, -1, -1]);
    expect(Array.from(h.data[1]!)).toEqual([0, 0, 8, 8, 5, 6, 7, 8]);
  });

  test('lookupDraft guesses what followed the latest earlier occurrence of the last tokens, longest match first', () => {
    // ... 7 8 9 | 1 2 3 4 5 | ... 1 2 3 → 4 5 (the 3-gram match), at most `max` tokens
    expect(lookupDraft([1, 2, 3, 4, 5, 6, 1, 2, 3], 2)).toEqual([4, 5]);
    expect(lookupDraft([1, 2, 3, 4, 5, 6, 1, 2, 3], 10)).toEqual([4, 5, 6, 1, 2, 3]);
    // the most recent occurrence wins: 2 3 → 9 (not 4)
    expect(lookupDraft([2, 3, 4, 0, 2, 3, 9, 5, 2, 3], 1)).toEqual([9]);
    // a 3-gram beats a later 2-gram: 7 2 3 → 8
    expect(lookupDraft([7, 2, 3, 8, 0, 2, 3, 9, 7, 2, 3], 1)).toEqual([8]);
    // no match of at least two tokens, or nothing asked: no guess
    expect(lookupDraft([1, 2, 3, 4, 5, 3], 4)).toEqual([]);
    expect(lookupDraft([1, 2, 3, 4, 5, 3], 4, 3, 1)).toEqual([4, 5, 3]);
    expect(lookupDraft([1, 2, 1, 2], 0)).toEqual([]);
    expect(lookupDraft([], 4)).toEqual([]);
  });

  test('KvCache.truncate keeps the first positions of every head, in the same buffers', () => {
    const layout = { layers: 1, kvHeads: 2, headDim: 2, dtype: 'float32' as const };
    // [1, H=2, T=3, D=2]: value = 100*h + 10*t + d
    const make = () => Float32Array.from({ length: 12 }, (_, i) => 100 * Math.floor(i / 6) + 10 * Math.floor((i % 6) / 2) + (i % 2));
    const c = new KvCache(layout, 1, 3, [make(), make()], Uint8Array.from([1, 1, 1]));
    const buf = c.data[0]!.buffer;
    const t = c.truncate(2);
    expect(t.length).toBe(2);
    expect(Array.from(t.data[0]!)).toEqual([0, 1, 10, 11, 100, 101, 110, 111]);
    expect(Array.from(t.data[1]!)).toEqual([0, 1, 10, 11, 100, 101, 110, 111]);
    expect(t.data[0]!.buffer).toBe(buf);
    expect(Array.from(t.mask)).toEqual([1, 1]);
    expect(t.truncate(5)).toBe(t);
  });

  test('KvBufferPool hands back released sets that are large enough, never one in use', () => {
    const pool = new KvBufferPool({ layers: 2, kvHeads: 1, headDim: 2, dtype: 'float32' });
    const a = pool.acquire(100);
    expect(a).toHaveLength(4);
    const b = pool.acquire(100);
    expect(b[0]).not.toBe(a[0]);
    pool.release(a);
    expect(pool.acquire(50)).toBe(a); // reused
    expect(pool.acquire(50)).not.toBe(a); // a is taken again
    pool.release(b);
    const c = pool.acquire(200); // b (125 values) is too small: a fresh set, with headroom
    expect(c).not.toBe(b);
    expect(c[0]!.length).toBeGreaterThanOrEqual(200);
    pool.release(c);
    expect(pool.acquire(230)).toBe(c); // a slightly longer request later reuses it
  });
});

describeIfShared('incremental detokenisation (Qwen fixture)', NEEDS, () => {
  test('DecodeStream releases only complete characters and matches a full decode', async () => {
    const tok = await loadTokenizer(path.join(DIR, 'tokenizer.json'));
    const text = ref.tokenizer_cases[3].text as string;
    const ds = new DecodeStream(tok);
    const pieces: string[] = [];
    for (const id of tok.encode(text)) pieces.push(ds.push(id));
    expect(pieces.join('')).toBe(text);
    expect(pieces.every((p) => !p.includes('\uFFFD'))).toBe(true);
  });
});

describeIfShared('ONNX policy generation (Qwen fixture)', NEEDS, () => {
  const params = (extra: object = {}) => ({ temperature: 0, topP: 1, maxTokens: 24, stop: [] as string[], ...extra });

  test('stop strings: cut after the matched stop, which is kept', async () => {
    const greedy = ref.prompts.single.greedy_text as string;
    const [[s]] = (await policy.sample([{ question: Q, partial: PARTIAL, n: 1, params: params({ stop: [' QUE', 'zzz'] }) }])) as any;
    const cut = greedy.indexOf(' QUE') + ' QUE'.length;
    expect(s.text).toBe(greedy.slice(0, cut));
    expect(s.finish).toBe('stop');
    expect(s.stop).toBe(' QUE');
    expect(s.tokenIds.length).toBeLessThan(24);
  });

  test('maxTokens ends with finish "length"; EOS ends with "eos"', async () => {
    const [[s]] = await policy.sample([{ question: Q, partial: PARTIAL, n: 1, params: params({ maxTokens: 5 }) }]);
    expect(s!.finish).toBe('length');
    expect(s!.tokenIds).toEqual(ref.prompts.single.greedy_new_ids[0].slice(0, 5));
  });

  test('an EOS token ends a sample with finish "eos" (in tokenIds, not in the text)', async () => {
    const first = ref.prompts.single.greedy_new_ids[0];
    const eosTok = policy.tokenizer.decode([first[2]]);
    expect(policy.tokenizer.tokenToId(eosTok)).toBe(first[2]);
    const p2 = new OnnxPolicy({ ...policy.manifest, specialTokens: { ...policy.manifest.specialTokens, eos: [eosTok] } }, policy.lm, policy.tokenizer);
    const [[s]] = await p2.sample([{ question: Q, partial: PARTIAL, n: 1, params: params() }]);
    expect(s!.finish).toBe('eos');
    expect(s!.tokenIds).toEqual(first.slice(0, 3));
    expect(s!.text).toBe(policy.tokenizer.decode(first.slice(0, 2)));
  });

  test('greedy n samples from one shared prefill equal the independent run', async () => {
    const [one] = await policy.sample([{ question: Q, partial: PARTIAL, n: 1, params: params() }]);
    const [many] = await policy.sample([{ question: Q, partial: PARTIAL, n: 6, params: params() }]);
    expect(policy.lastStats!.prefillTokens).toBe(ref.prompts.single.input_ids[0].length); // prefilled once
    expect(policy.lastStats!.rows).toBe(6);
    for (const s of many!) expect(s.tokenIds).toEqual(one![0]!.tokenIds);
  });

  test('seeded sampling is reproducible; sample j of n equals stream j run alone', async () => {
    const p = { temperature: 1, topP: 0.95, topK: 40, maxTokens: 12, stop: [], seed: 1234 };
    const a = await policy.sample([{ question: Q, partial: PARTIAL, n: 4, params: p }]);
    const b = await policy.sample([{ question: Q, partial: PARTIAL, n: 4, params: p }]);
    expect(b[0]!.map((s) => s.tokenIds)).toEqual(a[0]!.map((s) => s.tokenIds));
    const distinct = new Set(a[0]!.map((s) => s.text));
    expect(distinct.size).toBeGreaterThan(1);
    const alone = await policy.sample([{ question: Q, partial: PARTIAL, n: 1, params: p }]);
    expect(alone[0]![0]!.tokenIds).toEqual(a[0]![0]!.tokenIds);
    const other = await policy.sample([{ question: Q, partial: PARTIAL, n: 4, params: { ...p, seed: 99 } }]);
    expect(other[0]!.map((s) => s.text)).not.toEqual(a[0]!.map((s) => s.text));
  });

  test('different prompts and settings in one call (batched, left-padded) match separate calls', async () => {
    const reqs = [
      { question: Q, partial: PARTIAL, n: 2, params: params({ maxTokens: 8 }) },
      { question: 'Compute 12*7.', partial: '<code>\n', n: 1, params: params({ maxTokens: 10 }) },
      { question: 'A much longer question about apples, boxes and the number of apples left after giving some away?', partial: '', n: 3, params: { temperature: 0.8, topP: 1, maxTokens: 6, seed: 5 } },
    ];
    const together = await policy.sample(reqs);
    expect(together.map((r) => r.length)).toEqual([2, 1, 3]);
    for (let i = 0; i < reqs.length; i++) {
      const alone = await policy.sample([reqs[i]!]);
      expect(together[i]!.map((s) => s.tokenIds)).toEqual(alone[0]!.map((s) => s.tokenIds));
    }
  });

  test('concurrent searches on one policy (sharing its KV buffers) get what they get alone', async () => {
    const reqs = [0, 1, 2, 3].map((k) => ({
      question: k % 2 ? Q : 'A longer question about apples, boxes and the apples left after giving some away?',
      partial: PARTIAL,
      n: 2 + k,
      params: { temperature: 1, topP: 0.95, topK: 40, maxTokens: 6 + 3 * k, stop: [], seed: 40 + k },
    }));
    const alone: number[][][] = [];
    for (const r of reqs) alone.push((await policy.sample([r]))[0]!.map((s) => s.tokenIds!));
    const together = await Promise.all(reqs.map((r) => policy.sample([r])));
    expect(together.map((t) => t[0]!.map((s) => s.tokenIds))).toEqual(alone);
  });

  test("each sample carries its tokens' log-probability under the model at temperature 1, however it was drawn", async () => {
    const ids = policy.tokenizer.encode('What is 3+4? Answer:');
    for (const params of [
      { temperature: 0, topP: 1 },
      { temperature: 0.7, topP: 0.9, seed: 3 },
    ]) {
      const { outputs } = await generate(policy.lm, policy.tokenizer, [{ ids, n: 2, params, maxTokens: 6, stop: [] }], { eosIds: [], padId: 0 });
      for (const out of outputs[0]!) {
        const full = [...ids, ...out.tokenIds];
        const { allLogits, vocab } = await policy.lm.prefill([full], { allLogits: true, padId: 0 });
        let expected = 0;
        for (let t = ids.length; t < full.length; t++) {
          const row = Array.from(allLogits!.subarray((t - 1) * vocab, t * vocab));
          const m = row.reduce((a, x) => Math.max(a, x), -Infinity);
          expected += row[full[t]!]! - m - Math.log(row.reduce((z, x) => z + Math.exp(x - m), 0));
        }
        expect(out.tokenIds).toHaveLength(6);
        expect(out.logprob.tokens).toBe(6);
        expect(out.logprob.sum).toBeLessThan(0);
        expect(out.logprob.sum).toBeCloseTo(expected, 3);
      }
    }
    // through the policy: the same figure reaches the search
    const [[s]] = await policy.sample([{ question: Q, partial: PARTIAL, n: 1, params: params({ maxTokens: 5 }) }]);
    expect(s!.logprob).toEqual({ sum: expect.any(Number), tokens: 5 });
    expect(s!.logprob!.sum).toBeLessThan(0);
  });

  test('greedy with prompt-lookup guesses writes exactly what plain greedy writes, in fewer model calls', async () => {
    const prompts = ['What is 3+4? Answer:', 'Tom has 3 boxes of 12 apples. apples = 3 * 12\napples = 3 *', 'x x x x x x x x'];
    let saved = 0;
    for (const text of prompts) {
      const ids = policy.tokenizer.encode(text);
      const run = (lookupDraft: number, stop: string[] = []) =>
        generate(policy.lm, policy.tokenizer, [{ ids, n: 1, params: { temperature: 0, topP: 1 }, maxTokens: 40, stop }], {
          eosIds: [],
          padId: 0,
          lookupDraft,
        });
      const plain = await run(0);
      const guessed = await run(6);
      const [a, b] = [plain.outputs[0]![0]!, guessed.outputs[0]![0]!];
      expect(b.tokenIds).toEqual(a.tokenIds);
      expect(b.text).toBe(a.text);
      expect(b.finish).toBe(a.finish);
      expect(b.logprob.tokens).toBe(a.logprob.tokens);
      expect(b.logprob.sum).toBeCloseTo(a.logprob.sum, 2);
      expect(plain.stats.draftedTokens).toBe(0);
      expect(guessed.stats.acceptedTokens).toBeLessThanOrEqual(guessed.stats.draftedTokens);
      expect(guessed.stats.decodeSteps + guessed.stats.acceptedTokens).toBe(plain.stats.decodeSteps);
      saved += plain.stats.decodeSteps - guessed.stats.decodeSteps;
      // a stop string inside a confirmed guess ends the text there, as it does without guesses
      const stop = [policy.tokenizer.decode(a.tokenIds.slice(20, 22))];
      const [p2, g2] = [(await run(0, stop)).outputs[0]![0]!, (await run(6, stop)).outputs[0]![0]!];
      expect({ ...g2, logprob: g2.logprob.tokens }).toEqual({ ...p2, logprob: p2.logprob.tokens });
      expect(g2.logprob.sum).toBeCloseTo(p2.logprob.sum, 2);
    }
    expect(saved).toBeGreaterThan(0); // the fixture repeats itself: some guesses are confirmed
  });

  test('n = 0 gives an empty list; an aborted signal rejects', async () => {
    const out = await policy.sample([{ question: Q, partial: '', n: 0, params: params() }]);
    expect(out).toEqual([[]]);
    const ac = new AbortController();
    ac.abort(new Error('cancelled by user'));
    await expect(policy.sample([{ question: Q, partial: '', n: 1, params: params() }], ac.signal)).rejects.toThrow('cancelled by user');
  });
});
