/**
 * Token sampling over large vocabularies without sorting them: greedy argmax, temperature,
 * top-k by partial (heap) selection, top-p on the selected candidates (or, when the nucleus is
 * wider than 64 tokens, by a weight threshold), with the engine's seeded PRNG.
 */
import { seededRandom } from '../../util/random';

/** Mixes a seed and a stream index into an independent 32-bit seed (splitmix-style). */
export function mixSeed(seed: number, stream: number): number {
  let h = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = (h + Math.imul(stream + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f) >>> 0;
  h ^= Math.floor(seed / 4294967296) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A PRNG for sample `stream` of a request with `seed` (random seed when undefined). */
export function rngFor(seed: number | undefined, stream: number): () => number {
  const s = seed ?? Math.floor(Math.random() * 2 ** 32);
  return seededRandom(mixSeed(s, stream));
}

/** Tokens more than PRUNE * temperature below the max logit are ignored (weight < e^-30). */
const PRUNE = 30;
let idxBuf = new Int32Array(0);
let wBuf = new Float64Array(0);
const scratchIdx = (n: number) => (idxBuf.length >= n ? idxBuf : (idxBuf = new Int32Array(n)));
const scratchW = (n: number) => (wBuf.length >= n ? wBuf : (wBuf = new Float64Array(n)));

export interface SamplingParams {
  temperature: number;
  topP: number;
  topK?: number;
}

export function argmax(logits: ArrayLike<number>, offset: number, length: number): number {
  let best = 0;
  let bestV = -Infinity;
  for (let i = 0; i < length; i++) {
    const v = logits[offset + i]!;
    if (v > bestV) {
      bestV = v;
      best = i;
    }
  }
  return best;
}

/**
 * Indices of the k largest values in logits[offset, offset+length), sorted by value descending
 * (ties: lower index first). A bounded min-heap: O(V) comparisons, O(k log k) heap work.
 */
export function topKIndices(logits: ArrayLike<number>, offset: number, length: number, k: number): Int32Array {
  k = Math.max(1, Math.min(k, length));
  const hv = new Float64Array(k);
  const hi = new Int32Array(k);
  let size = 0;
  // min-heap ordered by (value asc, index desc) so the "worst" candidate is at the root
  const less = (a: number, b: number) => hv[a]! < hv[b]! || (hv[a] === hv[b] && hi[a]! > hi[b]!);
  const swap = (a: number, b: number) => {
    const v = hv[a]!;
    hv[a] = hv[b]!;
    hv[b] = v;
    const i = hi[a]!;
    hi[a] = hi[b]!;
    hi[b] = i;
  };
  const siftDown = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && less(l, m)) m = l;
      if (r < size && less(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let i = 0; i < length; i++) {
    const v = logits[offset + i]!;
    if (size < k) {
      hv[size] = v;
      hi[size] = i;
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!less(c, p)) break;
        swap(c, p);
        c = p;
      }
    } else if (v > hv[0]!) {
      hv[0] = v;
      hi[0] = i;
      siftDown(0);
    }
  }
  const order = Array.from({ length: size }, (_, j) => j).sort((a, b) => hv[b]! - hv[a]! || hi[a]! - hi[b]!);
  return Int32Array.from(order, (j) => hi[j]!);
}

/**
 * The natural-log probability of token `id` under the row's unscaled distribution
 * (log-softmax at temperature 1): how likely the model itself found the token, whatever the
 * sampling settings that drew it. Tokens set to -Infinity (banned) carry no mass.
 */
export function tokenLogprob(logits: ArrayLike<number>, offset: number, vocab: number, id: number): number {
  const m = logits[offset + argmax(logits, offset, vocab)]!;
  // tokens more than PRUNE below the max add < vocab * e^-30 (1e-8 of the mass): no exp for them
  const floor = m - PRUNE;
  let z = 0;
  for (let i = 0; i < vocab; i++) {
    const l = logits[offset + i]!;
    if (l >= floor) z += Math.exp(l - m);
  }
  return logits[offset + id]! - m - Math.log(z);
}

/**
 * Samples one token id from a row of logits. temperature 0 → argmax. Otherwise applies
 * temperature, then top-k, then top-p (the Hugging Face order), and draws with `rng`.
 */
export function sampleToken(logits: ArrayLike<number>, offset: number, vocab: number, p: SamplingParams, rng: () => number): number {
  if (!(p.temperature > 0)) return argmax(logits, offset, vocab);
  const invT = 1 / p.temperature;
  const topK = p.topK && p.topK > 0 ? Math.min(p.topK, vocab) : vocab;
  const topP = p.topP > 0 && p.topP < 1 ? p.topP : 1;

  if (topK >= vocab && topP >= 1) {
    // plain temperature sampling over the full vocabulary: one exp pass over the tokens within
    // PRUNE of the max (the rest carry < 1e-8 of the mass), then one cumulative scan
    const all = prunedWeights(logits, offset, vocab, invT, p.temperature);
    return draw(all.idx, all.w, all.n, all.z, 0, rng);
  }

  // candidates sorted by logit; with top-p only, the 64 best unless the nucleus is wider, and
  // top-p is measured against the whole (pruned) vocabulary's mass
  const k = topK < vocab ? topK : Math.min(vocab, 64);
  const all = topK >= vocab ? prunedWeights(logits, offset, vocab, invT, p.temperature) : undefined;
  const idx = topKIndices(logits, offset, vocab, k);
  const top = logits[offset + idx[0]!]!;
  const w = new Float64Array(idx.length);
  let zK = 0;
  for (let j = 0; j < idx.length; j++) {
    w[j] = Math.exp((logits[offset + idx[j]!]! - (all ? all.m : top)) * invT);
    zK += w[j]!;
  }
  const z = all ? all.z : zK; // the mass top-p is measured against
  let keep = idx.length;
  if (topP < 1) {
    let cum = 0;
    keep = -1;
    for (let j = 0; j < idx.length; j++) {
      cum += w[j]!;
      if (cum >= topP * z * (1 - 1e-7)) {
        keep = j + 1;
        break;
      }
    }
    if (keep < 0) {
      // nucleus wider than the 64 candidates (a flat distribution): find it by threshold
      if (all && k < vocab) return sampleNucleusByThreshold(all, topP, rng);
      keep = idx.length;
    }
  }
  let zKeep = 0;
  for (let j = 0; j < keep; j++) zKeep += w[j]!;
  return draw(idx, w, keep, zKeep, 0, rng);
}

interface Pruned {
  /** The max logit. */
  m: number;
  /** Token ids and weights exp((logit - m) / T) of the n tokens within PRUNE * T of the max. */
  idx: Int32Array;
  w: Float64Array;
  n: number;
  /** Their total weight. */
  z: number;
}

/** The tokens that carry the mass (within PRUNE * T of the max logit), in the scratch buffers. */
function prunedWeights(logits: ArrayLike<number>, offset: number, vocab: number, invT: number, temperature: number): Pruned {
  const m = logits[offset + argmax(logits, offset, vocab)]!;
  const floor = m - PRUNE * temperature;
  const idx = scratchIdx(vocab);
  const w = scratchW(vocab);
  let n = 0;
  let z = 0;
  for (let i = 0; i < vocab; i++) {
    const l = logits[offset + i]!;
    if (l < floor) continue;
    const e = Math.exp((l - m) * invT);
    idx[n] = i;
    w[n++] = e;
    z += e;
  }
  return { m, idx, w, n, z };
}

/** Draws idx[j] with probability w[j] / z among the first n entries with w[j] >= minW (z = their total weight). */
function draw(idx: Int32Array, w: Float64Array, n: number, z: number, minW: number, rng: () => number): number {
  let u = rng() * z;
  let last = idx[0]!;
  for (let j = 0; j < n; j++) {
    if (w[j]! < minW) continue;
    last = idx[j]!;
    u -= w[j]!;
    if (u <= 0) return last;
  }
  return last;
}

/**
 * Top-p over the whole vocabulary when the nucleus is wide: the smallest weight w* such that the
 * tokens weighing >= w* hold topP of the mass comes from one native sort of the weights (no
 * index sort, no growing heap: a flat 152k-token row costs milliseconds, not 100+ ms), then one
 * cumulative scan draws among those tokens (ties at w* are all kept).
 */
function sampleNucleusByThreshold(all: Pruned, topP: number, rng: () => number): number {
  const { idx, w, n } = all;
  const sorted = w.slice(0, n).sort(); // ascending, native numeric sort
  const target = topP * all.z * (1 - 1e-7);
  let cum = 0;
  let threshold = sorted[0]!;
  for (let j = n - 1; j >= 0; j--) {
    cum += sorted[j]!;
    if (cum >= target) {
      threshold = sorted[j]!;
      break;
    }
  }
  let zKeep = 0;
  for (let j = 0; j < n; j++) if (w[j]! >= threshold) zKeep += w[j]!;
  return draw(idx, w, n, zKeep, threshold, rng);
}
