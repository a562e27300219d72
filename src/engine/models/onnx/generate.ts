/**
 * Batched generation with a shared prefill: each distinct prompt is prefilled once, its KV cache
 * is copied to the n rows that sample from it, and all rows decode together (left padding, one
 * token per step). Finished rows are dropped from the batch. Stop strings are checked on the
 * incrementally decoded text; the matched stop is kept and anything after it is cut.
 */
import type { OnnxCausalLM } from './causal-lm';
import { KvCache, type KvData } from './kv-cache';
import { prefillCached, type PrefixKvCache } from './prefix-cache';
import { lookupDraft } from './prompt-lookup';
import { rngFor, sampleToken, tokenLogprob, type SamplingParams } from './sampling';
import { DecodeStream, type TextTokenizer } from './tokenizer';

export interface GenPrompt {
  ids: number[];
  n: number;
  params: SamplingParams & { seed?: number };
  maxTokens: number;
  stop: string[];
  /** Token ids never sampled for this prompt (e.g. end-of-sequence inside a code step). */
  banIds?: number[];
}

export interface GenOutput {
  text: string;
  finish: 'stop' | 'length' | 'eos';
  stop?: string;
  tokenIds: number[];
  /** Sum of the log-probabilities of tokenIds under the model's unscaled distribution (nats), and their count. */
  logprob: { sum: number; tokens: number };
}

export interface GenStats {
  prompts: number;
  rows: number;
  prefillTokens: number;
  prefillMs: number;
  decodeMs: number;
  decodeSteps: number;
  generatedTokens: number;
  /** Prompt tokens whose KV came from the prefix cache instead of being run again. */
  reusedTokens: number;
  /** Prompt lookup: tokens guessed, and how many of them the model confirmed. */
  draftedTokens: number;
  acceptedTokens: number;
}

/** Statistics with every count at zero (to add runs into). */
export function emptyGenStats(): GenStats {
  return {
    prompts: 0,
    rows: 0,
    prefillTokens: 0,
    prefillMs: 0,
    decodeMs: 0,
    decodeSteps: 0,
    generatedTokens: 0,
    reusedTokens: 0,
    draftedTokens: 0,
    acceptedTokens: 0,
  };
}

export interface GenOptions {
  eosIds: number[];
  padId: number;
  /** Most padded prompt tokens prefilled in one model call (default 8192). */
  prefillTokenBudget?: number;
  /** Keep generating past EOS (benchmarks). */
  ignoreEos?: boolean;
  signal?: AbortSignal;
  /** Reuse the KV of cached prompt prefixes, and keep each prefilled prompt's KV there. */
  prefixCache?: PrefixKvCache;
  /** Called with each step's logits (tests). */
  onLogits?: (rowsToPrompt: number[], logits: Float32Array, vocab: number) => void;
  /**
   * Prompt-lookup drafts for a lone greedy row (see decodeWithLookup): at most this many tokens
   * guessed per model call (0 or absent: off). The output is the same as without.
   */
  lookupDraft?: number;
}

interface Row {
  prompt: number;
  out: number;
  rng: () => number;
  params: SamplingParams;
  maxTokens: number;
  stop: string[];
  banIds?: number[];
  maxStopLen: number;
  ids: number[];
  logprob: number;
  stream: DecodeStream;
  done?: GenOutput;
}

function abortError(signal: AbortSignal): Error {
  const r = signal.reason;
  return r instanceof Error ? r : Object.assign(new Error('generation aborted'), { name: 'AbortError' });
}

/** Finds the earliest stop string in text starting the search at `from`. */
export function findStop(text: string, stops: string[], from: number): { index: number; stop: string } | undefined {
  let best: { index: number; stop: string } | undefined;
  for (const s of stops) {
    const i = text.indexOf(s, Math.max(0, from));
    if (i >= 0 && (!best || i < best.index || (i === best.index && s.length > best.stop.length))) best = { index: i, stop: s };
  }
  return best;
}

/** KV caches smaller than this many values per layer are compacted as soon as a row finishes. */
const COMPACT_ALWAYS_BELOW = 1 << 20;

export async function generate(lm: OnnxCausalLM, tok: TextTokenizer, prompts: GenPrompt[], opts: GenOptions): Promise<{ outputs: GenOutput[][]; stats: GenStats }> {
  const t0 = performance.now();
  const outputs: GenOutput[][] = prompts.map((p) => new Array<GenOutput>(p.n));
  const stats: GenStats = { ...emptyGenStats(), prompts: prompts.length };
  const active = prompts.map((p, i) => ({ p, i })).filter(({ p }) => p.n > 0);
  if (!active.length) return { outputs, stats };

  // 1. distinct prompts, prefilled in chunks bounded by the logits budget
  const key = (ids: number[]) => ids.join(',');
  const uniq = new Map<string, number>();
  const uniqIds: number[][] = [];
  const promptToUniq = new Map<number, number>();
  for (const { p, i } of active) {
    const k = key(p.ids);
    if (!uniq.has(k)) {
      uniq.set(k, uniqIds.length);
      uniqIds.push(p.ids);
    }
    promptToUniq.set(i, uniq.get(k)!);
  }
  const budget = opts.prefillTokenBudget ?? 8192;
  const order = uniqIds.map((_, u) => u).sort((a, b) => uniqIds[a]!.length - uniqIds[b]!.length);
  const caches: KvCache[] = [];
  const uniqRow = new Array<number>(uniqIds.length);
  let firstLogits: Float32Array[] = [];
  let vocab = 0;
  let chunk: number[] = [];
  const flush = async () => {
    if (!chunk.length) return;
    if (opts.signal?.aborted) throw abortError(opts.signal);
    const { result: r, reused } = await prefillCached(
      lm,
      opts.prefixCache,
      chunk.map((u) => uniqIds[u]!),
      { padId: opts.padId },
    );
    stats.reusedTokens += reused;
    vocab = r.vocab;
    const base = caches.reduce((s, c) => s + c.batch, 0);
    chunk.forEach((u, j) => {
      uniqRow[u] = base + j;
      firstLogits[base + j] = r.lastLogits.subarray(j * vocab, (j + 1) * vocab);
    });
    caches.push(r.cache);
    chunk = [];
  };
  for (const u of order) {
    const len = uniqIds[u]!.length;
    stats.prefillTokens += len;
    // prompts sorted by length, so len is the chunk's padded length
    if (chunk.length && (chunk.length + 1) * len > budget) await flush();
    chunk.push(u);
  }
  await flush();
  let cache = KvCache.concat(caches);
  stats.prefillMs = performance.now() - t0;

  // 2. rows: n per prompt, each with its own seeded stream; copy the prompt's cache to them
  const rows: Row[] = [];
  const rowSrc: number[] = [];
  for (const { p, i } of active) {
    for (let j = 0; j < p.n; j++) {
      rows.push({
        prompt: i,
        out: j,
        rng: rngFor(p.params.seed, j),
        params: p.params,
        maxTokens: p.maxTokens,
        stop: p.stop,
        banIds: p.banIds,
        maxStopLen: Math.max(0, ...p.stop.map((s) => s.length)),
        ids: [],
        logprob: 0,
        stream: new DecodeStream(tok),
      });
      rowSrc.push(uniqRow[promptToUniq.get(i)!]!);
    }
  }
  stats.rows = rows.length;
  let logits: Float32Array = new Float32Array(rows.length * vocab);
  rows.forEach((_, r) => logits.set(firstLogits[rowSrc[r]!]!, r * vocab));
  firstLogits = [];
  // two sets of KV buffers sized for the longest row, used in turn: each step reads the cache
  // from one set and onnxruntime writes the next cache into the other (no per-step allocation)
  const { kvHeads, headDim } = cache.layout;
  const capacity = rows.length * kvHeads * (cache.length + Math.max(...rows.map((r) => r.maxTokens))) * headDim;
  const pools: KvData[][] = [lm.kvPool.acquire(capacity), lm.kvPool.acquire(capacity)];
  const other = (c: KvCache) => pools[c.data[0]!.buffer === pools[0]![0]!.buffer ? 1 : 0]!;
  cache = cache.gather(rowSrc, pools[0]);
  let live = rows.map((_, r) => r); // row index of each batch slot
  const eos = new Set(opts.eosIds);
  /** Draws the row's next token from logits[offset, offset + vocab) and records it; sets row.done when it ends the row. */
  const takeToken = (row: Row, logits: Float32Array, offset: number): number => {
    if (row.banIds) for (const b of row.banIds) logits[offset + b] = -Infinity;
    const id = sampleToken(logits, offset, vocab, row.params, row.rng);
    row.ids.push(id);
    row.logprob += tokenLogprob(logits, offset, vocab, id);
    stats.generatedTokens++;
    const end = (text: string, finish: GenOutput['finish'], stop?: string): GenOutput => ({
      text,
      finish,
      ...(stop !== undefined && { stop }),
      tokenIds: row.ids,
      logprob: { sum: row.logprob, tokens: row.ids.length },
    });
    if (eos.has(id) && !opts.ignoreEos) {
      row.done = end(tok.decode(row.ids.slice(0, -1)), 'eos'); // the EOS token itself adds no text
      return id;
    }
    const before = row.stream.text.length;
    const added = row.stream.push(id);
    if (added && row.stop.length) {
      const hit = findStop(row.stream.text, row.stop, before - row.maxStopLen + 1);
      if (hit) row.done = end(row.stream.text.slice(0, hit.index + hit.stop.length), 'stop', hit.stop);
    }
    if (!row.done && row.ids.length >= row.maxTokens) {
      const text = row.stream.final();
      const hit = row.stop.length ? findStop(text, row.stop, 0) : undefined;
      row.done = hit ? end(text.slice(0, hit.index + hit.stop.length), 'stop', hit.stop) : end(text, 'length');
    }
    return id;
  };
  const t1 = performance.now();
  try {
    if (opts.lookupDraft && rows.length === 1 && !(rows[0]!.params.temperature > 0) && !opts.onLogits) {
      const row = rows[0]!;
      await decodeWithLookup(row, uniqIds[promptToUniq.get(row.prompt)!]!, cache);
      outputs[row.prompt]![row.out] = row.done!;
      return { outputs, stats };
    }
    for (;;) {
      if (opts.signal?.aborted) throw abortError(opts.signal);
      opts.onLogits?.(live.map((r) => rows[r]!.prompt), logits, vocab);
      const next: number[] = [];
      const keep: number[] = [];
      for (let slot = 0; slot < live.length; slot++) {
        const row = rows[live[slot]!]!;
        if (row.done) {
          next.push(opts.padId); // a finished row still in the batch (see below): its output is ignored
          continue;
        }
        const id = takeToken(row, logits, slot * vocab);
        next.push(id);
        if (row.done) outputs[row.prompt]![row.out] = row.done;
        else keep.push(slot);
      }
      if (!keep.length) break;
      // Dropping finished rows copies the whole KV cache of the others. With a large model's long
      // prompts (25 KB per token per row for Qwen2.5-0.5B) copying on every finish cost more than
      // the decoding; finished rows stay in the batch until they are a quarter of it.
      const dead = live.length - keep.length;
      const kvValues = live.length * cache.length * cache.layout.kvHeads * cache.layout.headDim;
      if (dead > 0 && (dead * 4 >= live.length || kvValues < COMPACT_ALWAYS_BELOW)) {
        cache = cache.gather(keep, other(cache));
        live = keep.map((s) => live[s]!);
        const kept = keep.map((s) => next[s]!);
        next.length = 0;
        next.push(...kept);
      }
      // the step writes its logits into `logits` (already sampled from), no new tensor per step
      const r = await lm.forward(next, new Array<number>(next.length).fill(1), 1, cache, { logitsBuffer: logits, presentInto: other(cache) });
      stats.decodeSteps++;
      cache = r.cache;
      logits = r.lastLogits;
    }
  } finally {
    pools.forEach((set) => lm.kvPool.release(set));
    stats.decodeMs = performance.now() - t1;
  }
  return { outputs, stats };

  /**
   * A lone greedy row, with prompt-lookup drafts: each model call feeds the pending token plus up
   * to `lookupDraft` guessed ones (lookupDraft) and reads the logits of every position; the
   * tokens the model itself would have chosen are kept, up to the first that differs from the
   * guess (that one, or the token after a fully confirmed guess, comes free), and the KV cache is
   * cut back to the confirmed positions. Same tokens as plain greedy decoding, in fewer calls.
   */
  async function decodeWithLookup(row: Row, promptIds: readonly number[], start: KvCache): Promise<void> {
    let kv = start;
    let id = takeToken(row, logits, 0);
    while (!row.done) {
      if (opts.signal?.aborted) throw abortError(opts.signal);
      const room = row.maxTokens - row.ids.length;
      const draft = room > 0 ? lookupDraft([...promptIds, ...row.ids], Math.min(opts.lookupDraft!, room)) : [];
      const feed = [id, ...draft];
      const r = await lm.forward(
        feed,
        new Array<number>(feed.length).fill(1),
        feed.length,
        kv,
        draft.length ? { allLogits: true, presentInto: other(kv) } : { logitsBuffer: logits, presentInto: other(kv) },
      );
      stats.decodeSteps++;
      stats.draftedTokens += draft.length;
      let j = 0;
      for (; ; j++) {
        id = draft.length ? takeToken(row, r.allLogits!, j * vocab) : takeToken(row, r.lastLogits, 0);
        if (row.done || j >= draft.length || id !== draft[j]) break;
        stats.acceptedTokens++;
      }
      // positions kept: the pending token and the confirmed guesses
      kv = r.cache.length > kv.length + j + 1 ? r.cache.truncate(kv.length + j + 1) : r.cache;
    }
  }
}

