/**
 * KV reuse across calls: the key/value cache of recently prefilled prompts, kept by token ids, so
 * a prompt that starts with one of them (the same system text and worked examples; a search node's
 * prompt is its parent's plus one step) prefills only the tokens after the longest cached prefix.
 * Least recently used entries are dropped past a byte budget.
 */
import type { ForwardResult, OnnxCausalLM } from './causal-lm';
import { KvCache } from './kv-cache';

interface Entry {
  ids: number[];
  cache: KvCache;
}

export interface PrefixHit {
  /** Tokens of the prompt covered by the cache (at least 1 token of the prompt is left to run). */
  length: number;
  /** Batch-1 cache of exactly those tokens. */
  cache: KvCache;
}

export class PrefixKvCache {
  private entries: Entry[] = [];
  private bytes = 0;
  hits = 0;
  misses = 0;
  reusedTokens = 0;

  /** `maxBytes` 0 disables the cache; `minTokens` is the shortest prefix worth reusing. */
  constructor(
    readonly maxBytes: number,
    readonly minTokens = 16,
  ) {}

  /**
   * The longest cached prefix of `ids`, leaving at least one token to run (the model needs an
   * input to give the next token's logits).
   */
  lookup(ids: readonly number[]): PrefixHit | undefined {
    if (this.maxBytes <= 0) return undefined;
    let best: Entry | undefined;
    let bestLen = 0;
    for (const e of this.entries) {
      const max = Math.min(e.ids.length, ids.length - 1);
      if (max <= bestLen) continue;
      let n = 0;
      while (n < max && e.ids[n] === ids[n]) n++;
      if (n > bestLen) {
        best = e;
        bestLen = n;
      }
    }
    if (!best || bestLen < this.minTokens) {
      this.misses++;
      return undefined;
    }
    this.touch(best);
    this.hits++;
    this.reusedTokens += bestLen;
    return { length: bestLen, cache: best.cache.firstPositions(bestLen) };
  }

  /** Keeps a batch-1 cache without padding for the prompt `ids` (same length). */
  store(ids: readonly number[], cache: KvCache): void {
    if (this.maxBytes <= 0 || cache.batch !== 1 || cache.length !== ids.length || cache.bytes > this.maxBytes) return;
    const same = this.entries.findIndex((e) => e.ids.length === ids.length && e.ids.every((v, i) => v === ids[i]));
    if (same >= 0) {
      this.touch(this.entries[same]!);
      return;
    }
    this.entries.push({ ids: [...ids], cache });
    this.bytes += cache.bytes;
    while (this.bytes > this.maxBytes && this.entries.length > 1) {
      const old = this.entries.shift()!;
      this.bytes -= old.cache.bytes;
    }
  }

  clear(): void {
    this.entries = [];
    this.bytes = 0;
  }

  get size(): number {
    return this.entries.length;
  }

  private touch(e: Entry): void {
    const i = this.entries.indexOf(e);
    if (i >= 0 && i !== this.entries.length - 1) {
      this.entries.splice(i, 1);
      this.entries.push(e);
    }
  }
}

/**
 * Prefills prompts (one left-padded batch), each on top of its longest cached prefix, and keeps
 * each prompt's KV in the cache. `reused` counts the prompt tokens that were not run again.
 * Without a cache it is a plain prefill.
 */
export async function prefillCached(
  lm: OnnxCausalLM,
  cache: PrefixKvCache | undefined,
  prompts: number[][],
  opts: { padId: number; hidden?: boolean },
): Promise<{ result: ForwardResult; reused: number }> {
  const hits = cache ? prompts.map((ids) => cache.lookup(ids)) : [];
  const past = hits.some((h) => h) ? KvCache.concat(hits.map((h) => h?.cache ?? lm.emptyCache(1))) : undefined;
  const result = await lm.prefill(
    past ? prompts.map((ids, j) => ids.slice(hits[j]?.length ?? 0)) : prompts,
    { padId: opts.padId, past, hidden: opts.hidden },
  );
  if (cache) prompts.forEach((ids, j) => cache.store(ids, result.cache.compactRow(j)));
  return { result, reused: hits.reduce((n, h) => n + (h?.length ?? 0), 0) };
}
