/**
 * A decoder-only causal LM exported with the Hugging Face / Optimum I/O names:
 * input_ids, attention_mask, [position_ids], past_key_values.{i}.key|value → logits,
 * present.{i}.key|value, and optionally `hidden_states` [batch, seq, hidden] (the final normed
 * hidden state, read by a PPM value head). Layer count, KV heads, head size and dtype are read
 * from the session.
 */
import type { ManifestOnnx } from '../manifest';
import { KvBufferPool, KvCache, type KvData, type KvLayout } from './kv-cache';
import { createSession, int64, ioMetadata, ModelLoadError, ort, RunLock, toFloat32 } from './session';

export interface ForwardResult {
  /** Logits of the last position of each row, [batch * vocab] float32. */
  lastLogits: Float32Array;
  /** Every position's logits [batch, seq, vocab] (only when requested; float32). */
  allLogits?: Float32Array;
  cache: KvCache;
  vocab: number;
  /** Final hidden state of the last position of each row, [batch * hiddenSize] (when asked for). */
  lastHidden?: Float32Array;
}

export interface ForwardOptions {
  /** Also return every position's logits. */
  allLogits?: boolean;
  /** Fetch only the present.* outputs (the logits are not computed). */
  noLogits?: boolean;
  /**
   * Decode steps (seq 1, fp32 logits): onnxruntime writes the logits straight into this buffer
   * (length >= batch * vocab) instead of a fresh 600 KB-per-row tensor; lastLogits is a view of it.
   */
  logitsBuffer?: Float32Array;
  /**
   * 2 * layers buffers (layer i key at 2i, value at 2i+1), each holding at least
   * batch * kvHeads * (past + seq) * headDim values: onnxruntime writes the present key/values
   * straight into them, and the returned cache is a view of them. Decoding alternates two such
   * sets, so no step allocates (or page-faults) a fresh multi-megabyte cache.
   */
  presentInto?: KvData[];
  /** Also return the last position's final hidden state (models with a `hidden_states` output). */
  hidden?: boolean;
}

/** The output holding KvCache.data[k]: layer k >> 1, key for even k, value for odd k. */
const presentName = (k: number) => `present.${k >> 1}.${k & 1 ? 'value' : 'key'}`;

export class OnnxCausalLM {
  readonly layout: KvLayout;
  /** Reused KV buffers for decoding (see generate). */
  readonly kvPool: KvBufferPool;
  readonly hasPositionIds: boolean;
  private readonly extraInputs: string[];
  private readonly lock = new RunLock();
  private readonly presentNames: string[];
  /** Vocabulary size and logits type from the metadata (0 when the dim is symbolic). */
  readonly vocab: number;
  private readonly logitsType: string;
  /** Size of the `hidden_states` output (0 when the model has none). */
  readonly hiddenSize: number;

  private constructor(readonly session: ort.InferenceSession, readonly file: string) {
    const { inputs, outputs } = ioMetadata(session);
    const names = new Set(inputs.map((i) => i.name));
    const outNames = new Set(outputs.map((o) => o.name));
    const missing = ['input_ids', 'attention_mask'].filter((n) => !names.has(n));
    if (!outNames.has('logits')) missing.push('logits (output)');
    const layers = inputs.filter((i) => /^past_key_values\.\d+\.key$/.test(i.name)).length;
    if (layers === 0) missing.push('past_key_values.{i}.key|value');
    if (missing.length)
      throw new ModelLoadError(
        `${file} is not a causal LM with KV cache in the Hugging Face/Optimum layout: missing ${missing.join(', ')} ` +
          `(inputs: ${inputs.map((i) => i.name).join(', ')}; outputs: ${outputs.map((o) => o.name).join(', ')})`,
      );
    for (let i = 0; i < layers; i++) {
      for (const kv of ['key', 'value']) {
        if (!names.has(`past_key_values.${i}.${kv}`) || !outNames.has(`present.${i}.${kv}`))
          throw new ModelLoadError(`${file}: missing past_key_values.${i}.${kv} or present.${i}.${kv}`);
      }
    }
    const k0 = inputs.find((i) => i.name === 'past_key_values.0.key')!;
    const [, heads, , headDim] = k0.shape;
    if (typeof heads !== 'number' || typeof headDim !== 'number')
      throw new ModelLoadError(`${file}: past_key_values.0.key must have static kv-head and head-size dims, got [${k0.shape.join(', ')}]`);
    if (k0.type !== 'float32' && k0.type !== 'float16') throw new ModelLoadError(`${file}: KV cache type ${k0.type} is not supported (float32 | float16)`);
    this.layout = { layers, kvHeads: heads, headDim, dtype: k0.type };
    this.kvPool = new KvBufferPool(this.layout);
    this.hasPositionIds = names.has('position_ids');
    this.presentNames = outputs.map((o) => o.name).filter((n) => n.startsWith('present.'));
    const lo = outputs.find((o) => o.name === 'logits')!;
    const v = lo.shape[lo.shape.length - 1];
    this.vocab = typeof v === 'number' ? v : 0;
    this.logitsType = lo.type;
    const ho = outputs.find((o) => o.name === 'hidden_states');
    const hd = ho?.shape[ho.shape.length - 1];
    this.hiddenSize = typeof hd === 'number' ? hd : 0;
    this.extraInputs = [...names].filter((n) => n !== 'input_ids' && n !== 'attention_mask' && n !== 'position_ids' && !n.startsWith('past_key_values.'));
    const unknown = this.extraInputs.filter((n) => !['use_cache_branch', 'num_logits_to_keep', 'logits_to_keep'].includes(n));
    if (unknown.length) throw new ModelLoadError(`${file}: unsupported extra inputs ${unknown.join(', ')}`);
  }

  static async load(file: string, onnx: ManifestOnnx, override?: Partial<ManifestOnnx>): Promise<OnnxCausalLM> {
    const session = await createSession(file, onnx, override);
    try {
      return new OnnxCausalLM(session, file);
    } catch (err) {
      await session.release();
      throw err;
    }
  }

  emptyCache(batch: number): KvCache {
    return KvCache.empty(this.layout, batch);
  }

  /**
   * Runs `seq` new tokens per row on top of `past`. ids: [batch * seq]; newMask: [batch * seq]
   * (0 for left padding inside a prefill). Position ids follow HF generate: cumsum(mask) - 1, pads 1.
   */
  forward(ids: ArrayLike<number>, newMask: ArrayLike<number>, seq: number, past: KvCache, opts: ForwardOptions = {}): Promise<ForwardResult> {
    return this.lock.run(() => this.forwardUnlocked(ids, newMask, seq, past, opts));
  }

  private async forwardUnlocked(ids: ArrayLike<number>, newMask: ArrayLike<number>, seq: number, past: KvCache, opts: ForwardOptions): Promise<ForwardResult> {
    const B = past.batch;
    const T = past.length;
    const total = T + seq;
    const mask = new Uint8Array(B * total);
    const pos = new Array<number>(B * seq);
    const lens = past.rowLengths();
    for (let b = 0; b < B; b++) {
      mask.set(past.mask.subarray(b * T, (b + 1) * T), b * total);
      let n = lens[b]!;
      for (let s = 0; s < seq; s++) {
        const m = newMask[b * seq + s]! ? 1 : 0;
        mask[b * total + T + s] = m;
        if (m) pos[b * seq + s] = n++;
        else pos[b * seq + s] = 1;
      }
    }
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64(ids, [B, seq]),
      attention_mask: int64(mask, [B, total]),
    };
    if (this.hasPositionIds) feeds.position_ids = int64(pos, [B, seq]);
    const { kvHeads: H, headDim: D, dtype } = this.layout;
    for (let i = 0; i < this.layout.layers; i++) {
      feeds[`past_key_values.${i}.key`] = new ort.Tensor(dtype, past.data[2 * i]! as Float32Array, [B, H, T, D]);
      feeds[`past_key_values.${i}.value`] = new ort.Tensor(dtype, past.data[2 * i + 1]! as Float32Array, [B, H, T, D]);
    }
    for (const name of this.extraInputs) {
      if (name === 'use_cache_branch') feeds[name] = new ort.Tensor('bool', [T > 0], [1]);
      else feeds[name] = int64([opts.allLogits ? seq : 1], []);
    }
    // onnxruntime computes only what the requested outputs need: skipping logits skips the
    // [batch, seq, vocab] projection, by far the largest cost of a prefill with a 152k vocabulary
    let out: ort.InferenceSession.ReturnType;
    const V0 = this.vocab;
    const prealloc = !opts.noLogits && !opts.allLogits && seq === 1 && V0 && this.logitsType === 'float32' && opts.logitsBuffer && opts.logitsBuffer.length >= B * V0;
    const presentSize = B * H * total * D;
    const into = opts.presentInto?.every((b) => b.length >= presentSize) ? opts.presentInto.map((b) => b.subarray(0, presentSize)) : undefined;
    const wantHidden = !!opts.hidden && this.hiddenSize > 0;
    if (prealloc || into) {
      const fetches: Record<string, ort.OnnxValue | null> = {};
      if (!opts.noLogits) fetches.logits = prealloc ? new ort.Tensor('float32', opts.logitsBuffer!.subarray(0, B * V0), [B, 1, V0]) : null;
      if (wantHidden) fetches.hidden_states = null;
      this.presentNames.forEach((n) => (fetches[n] = null));
      into?.forEach((buf, k) => (fetches[presentName(k)] = new ort.Tensor(dtype, buf as Float32Array, [B, H, total, D])));
      out = await this.session.run(feeds, fetches as ort.InferenceSession.FetchesType);
    } else if (opts.noLogits) out = await this.session.run(feeds, wantHidden ? [...this.presentNames, 'hidden_states'] : this.presentNames);
    else out = await this.session.run(feeds, ['logits', ...this.presentNames, ...(wantHidden ? ['hidden_states'] : [])]);
    const lastHidden = wantHidden ? lastRows(out.hidden_states!, B, seq, this.hiddenSize) : undefined;
    const data: KvData[] = into ?? Array.from({ length: 2 * this.layout.layers }, (_, k) => out[presentName(k)]!.data as KvData);
    const cache = new KvCache(this.layout, B, total, data, mask);
    if (opts.noLogits) return { lastLogits: new Float32Array(0), cache, vocab: 0, lastHidden };
    const logits = out.logits!;
    const [, S, V] = logits.dims as number[];
    if (prealloc) return { lastLogits: opts.logitsBuffer!.subarray(0, B * V0), cache, vocab: V0, lastHidden };
    const lastLogits = new Float32Array(B * V!);
    for (let b = 0; b < B; b++) {
      const start = (b * S! + S! - 1) * V!;
      lastLogits.set(toFloat32(logits, start, start + V!), b * V!);
    }
    const allLogits = opts.allLogits ? Float32Array.from(toFloat32(logits)) : undefined;
    return { lastLogits, allLogits, cache, vocab: V!, lastHidden };
  }

  /**
   * Prefills prompts of different lengths as one left-padded batch. Unless every position's
   * logits are asked for, all but the last token run without the logits output, then the last
   * token runs as a decode step (same result, without the [batch, seq, vocab] logits).
   */
  async prefill(prompts: number[][], opts: { allLogits?: boolean; padId?: number; past?: KvCache; hidden?: boolean } = {}): Promise<ForwardResult> {
    const B = prompts.length;
    const S = Math.max(...prompts.map((p) => p.length));
    const minLen = Math.min(...prompts.map((p) => p.length));
    const ids = new Array<number>(B * S).fill(opts.padId ?? 0);
    const m = new Array<number>(B * S).fill(0);
    prompts.forEach((p, b) => {
      const pad = S - p.length;
      for (let s = 0; s < p.length; s++) {
        ids[b * S + pad + s] = p[s]!;
        m[b * S + pad + s] = 1;
      }
    });
    // a cached prefix per row (left-padded to one length): the prompts continue it
    const past = opts.past ?? this.emptyCache(B);
    if (past.batch !== B) throw new Error(`prefill: past cache has ${past.batch} rows for ${B} prompts`);
    // (a row of one token has an all-padding head: fine on top of a cached prefix, avoided without one)
    if (opts.allLogits || S < 2 || (minLen < 2 && past.length === 0)) return this.forward(ids, m, S, past, opts);
    const head = (a: number[]) => a.filter((_, i) => i % S !== S - 1);
    const last = (a: number[]) => a.filter((_, i) => i % S === S - 1);
    const first = await this.forward(head(ids), head(m), S - 1, past, { noLogits: true });
    return this.forward(last(ids), last(m), 1, first.cache, { hidden: opts.hidden });
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** The last position's row of a [batch, seq, size] float output, as [batch * size]. */
function lastRows(t: ort.Tensor, batch: number, seq: number, size: number): Float32Array {
  const out = new Float32Array(batch * size);
  for (let b = 0; b < batch; b++) {
    const start = (b * seq + seq - 1) * size;
    out.set(toFloat32(t, start, start + size), b * size);
  }
  return out;
}
