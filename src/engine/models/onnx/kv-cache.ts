/**
 * A key/value cache in the Hugging Face layout: per layer a key and a value tensor
 * [batch, kvHeads, length, headDim], plus the attention mask [batch, length] (0 = left pad).
 * Rows can be gathered (broadcast one prefilled prompt to n samples, or drop finished rows) and
 * caches of different lengths concatenated with left padding.
 */

export type KvDtype = 'float32' | 'float16';
export type KvData = Float32Array | Uint16Array;

export interface KvLayout {
  layers: number;
  kvHeads: number;
  headDim: number;
  dtype: KvDtype;
}

export function allocKv(dtype: KvDtype, size: number): KvData {
  return dtype === 'float16' ? new Uint16Array(size) : new Float32Array(size);
}

export class KvCache {
  constructor(
    readonly layout: KvLayout,
    readonly batch: number,
    readonly length: number,
    /** 2 * layers tensors: layer i key at 2i, value at 2i+1. */
    readonly data: KvData[],
    /** [batch, length], 1 where the position holds a real token. */
    readonly mask: Uint8Array,
  ) {}

  static empty(layout: KvLayout, batch: number): KvCache {
    return new KvCache(layout, batch, 0, Array.from({ length: 2 * layout.layers }, () => allocKv(layout.dtype, 0)), new Uint8Array(0));
  }

  /** Number of real tokens in each row (the next position id). */
  rowLengths(): Int32Array {
    const out = new Int32Array(this.batch);
    for (let b = 0; b < this.batch; b++) {
      let n = 0;
      for (let t = 0; t < this.length; t++) n += this.mask[b * this.length + t]!;
      out[b] = n;
    }
    return out;
  }

  /**
   * A new cache with the given rows (repeats allowed), trimming left padding common to all of
   * them. With `into` (2 * layers buffers large enough) the rows are written there, not into
   * fresh arrays.
   */
  gather(rows: ArrayLike<number>, into?: KvData[]): KvCache {
    const n = rows.length;
    let trim = this.length;
    for (let j = 0; j < n && trim > 0; j++) {
      const base = rows[j]! * this.length;
      let lead = 0;
      while (lead < trim && this.mask[base + lead] === 0) lead++;
      trim = Math.min(trim, lead);
    }
    if (n === 0) trim = 0;
    const T = this.length;
    const newT = T - trim;
    const { kvHeads: H, headDim: D, dtype } = this.layout;
    const data = this.data.map((src, li) => {
      const size = n * H * newT * D;
      const dst = into && into[li]!.length >= size ? into[li]!.subarray(0, size) : allocKv(dtype, size);
      for (let j = 0; j < n; j++) {
        const r = rows[j]!;
        for (let h = 0; h < H; h++) {
          const from = ((r * H + h) * T + trim) * D;
          dst.set(src.subarray(from, from + newT * D), (j * H + h) * newT * D);
        }
      }
      return dst;
    });
    const mask = new Uint8Array(n * newT);
    for (let j = 0; j < n; j++) mask.set(this.mask.subarray(rows[j]! * T + trim, (rows[j]! + 1) * T), j * newT);
    return new KvCache(this.layout, n, newT, data, mask);
  }

  /**
   * Row `b` as a batch-1 cache holding only its real tokens (padding holes removed). Keys carry
   * their rotary position, and positions count real tokens only, so the result is the same cache
   * the row's tokens would have produced without padding.
   */
  compactRow(b: number): KvCache {
    const T = this.length;
    const keep: number[] = [];
    for (let t = 0; t < T; t++) if (this.mask[b * T + t]) keep.push(t);
    const { kvHeads: H, headDim: D, dtype } = this.layout;
    const n = keep.length;
    const data = this.data.map((src) => {
      const dst = allocKv(dtype, H * n * D);
      for (let h = 0; h < H; h++) {
        const rowBase = (b * H + h) * T;
        // copy runs of consecutive kept positions at once
        let i = 0;
        while (i < n) {
          let j = i;
          while (j + 1 < n && keep[j + 1] === keep[j]! + 1) j++;
          const from = (rowBase + keep[i]!) * D;
          dst.set(src.subarray(from, from + (j - i + 1) * D), (h * n + i) * D);
          i = j + 1;
        }
      }
      return dst;
    });
    return new KvCache(this.layout, 1, n, data, new Uint8Array(n).fill(1));
  }

  /**
   * This batch-1 cache cut to its first `n` positions in place (its buffers are compacted, no
   * allocation): for dropping the positions of guessed tokens the model did not confirm. The
   * cache it was made from must not be used afterwards.
   */
  truncate(n: number): KvCache {
    if (this.batch !== 1) throw new Error('truncate needs a batch-1 cache');
    const T = this.length;
    const m = Math.max(0, Math.min(n, T));
    if (m === T) return this;
    const { kvHeads: H, headDim: D } = this.layout;
    const data = this.data.map((d) => {
      for (let h = 1; h < H; h++) d.copyWithin(h * m * D, h * T * D, h * T * D + m * D);
      return d.subarray(0, H * m * D) as KvData;
    });
    return new KvCache(this.layout, 1, m, data, this.mask.slice(0, m));
  }

  /** The first `n` positions of a batch-1 cache (a prefix of its tokens when it has no padding). */
  firstPositions(n: number): KvCache {
    if (this.batch !== 1) throw new Error('firstPositions needs a batch-1 cache');
    const T = this.length;
    const m = Math.max(0, Math.min(n, T));
    if (m === T) return this;
    const { kvHeads: H, headDim: D, dtype } = this.layout;
    const data = this.data.map((src) => {
      const dst = allocKv(dtype, H * m * D);
      for (let h = 0; h < H; h++) dst.set(src.subarray(h * T * D, (h * T + m) * D), h * m * D);
      return dst;
    });
    return new KvCache(this.layout, 1, m, data, this.mask.slice(0, m));
  }

  /** Bytes held by the key/value tensors. */
  get bytes(): number {
    return this.data.reduce((s, d) => s + d.byteLength, 0);
  }

  /** Stacks caches row-wise, left-padding shorter ones (pad slots are zero and masked out). */
  static concat(caches: KvCache[]): KvCache {
    if (caches.length === 1) return caches[0]!;
    const layout = caches[0]!.layout;
    const { kvHeads: H, headDim: D, dtype } = layout;
    const T = Math.max(...caches.map((c) => c.length));
    const B = caches.reduce((s, c) => s + c.batch, 0);
    const data = Array.from({ length: 2 * layout.layers }, (_, li) => {
      const dst = allocKv(dtype, B * H * T * D);
      let row = 0;
      for (const c of caches) {
        const pad = T - c.length;
        const src = c.data[li]!;
        for (let b = 0; b < c.batch; b++, row++) {
          for (let h = 0; h < H; h++) {
            const from = (b * H + h) * c.length * D;
            dst.set(src.subarray(from, from + c.length * D), ((row * H + h) * T + pad) * D);
          }
        }
      }
      return dst;
    });
    const mask = new Uint8Array(B * T);
    let row = 0;
    for (const c of caches) {
      const pad = T - c.length;
      for (let b = 0; b < c.batch; b++, row++) mask.set(c.mask.subarray(b * c.length, (b + 1) * c.length), row * T + pad);
    }
    return new KvCache(layout, B, T, data, mask);
  }
}

/**
 * Reusable sets of KV buffers (2 * layers arrays each). Fresh multi-megabyte arrays cost a page
 * fault per 4 KB on first write, which made batch-16 decode steps 2-3x slower than the model
 * itself on the 2-core machines; decoding reuses released sets instead. Keeps at most `maxFree`
 * released sets.
 */
export class KvBufferPool {
  private free: KvData[][] = [];

  constructor(
    private readonly layout: KvLayout,
    private readonly maxFree = 2,
  ) {}

  /** A set whose arrays hold at least `size` values each. */
  acquire(size: number): KvData[] {
    const i = this.free.findIndex((set) => set[0]!.length >= size);
    if (i >= 0) return this.free.splice(i, 1)[0]!;
    // 25 % headroom: the next call, a few tokens longer, reuses this set instead of faulting in a new one
    const alloc = Math.ceil(size * 1.25);
    return Array.from({ length: 2 * this.layout.layers }, () => allocKv(this.layout.dtype, alloc));
  }

  release(set: KvData[]): void {
    this.free.push(set);
    // keep the largest sets: they serve any smaller request
    this.free.sort((a, b) => b[0]!.length - a[0]!.length);
    this.free.length = Math.min(this.free.length, this.maxFree);
  }
}
