/** onnxruntime-node session creation (execution providers, clear errors), fp16 helpers, a run lock. */
import fs from 'node:fs';
import * as ort from 'onnxruntime-node';
import { EngineError } from '../../errors';
import type { ManifestOnnx } from '../manifest';

export { ort };

export class ModelLoadError extends EngineError {
  constructor(message: string) {
    super('model_load_failed', message);
    this.name = 'ModelLoadError';
  }
}

/** Creates an InferenceSession; a missing execution provider (e.g. CUDA) gets a clear explanation. */
export async function createSession(modelFile: string, opts: ManifestOnnx, override?: Partial<ManifestOnnx>): Promise<ort.InferenceSession> {
  if (!fs.existsSync(modelFile)) throw new ModelLoadError(`ONNX model file ${modelFile} does not exist`);
  const providers = override?.executionProviders ?? opts.executionProviders ?? ['cpu'];
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: providers,
    graphOptimizationLevel: 'all',
    intraOpNumThreads: override?.intraOpNumThreads ?? opts.intraOpNumThreads ?? 2,
    interOpNumThreads: override?.interOpNumThreads ?? opts.interOpNumThreads ?? 1,
    // no busy-waiting worker threads: the machine also runs the bots and the Python sandboxes
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
  try {
    return await ort.InferenceSession.create(modelFile, sessionOptions);
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    const gpu = providers.filter((p) => p !== 'cpu');
    if (gpu.length && /provider|shared library|libonnxruntime_providers|cuda|tensorrt|dml/i.test(msg)) {
      throw new ModelLoadError(
        `cannot load ${modelFile} with execution providers [${providers.join(', ')}]: the ${gpu.join('/')} provider is not available ` +
          `(${msg.split('\n')[0]}). onnxruntime-node downloads the CUDA 12 provider only at install time: on a GPU server with ` +
          `internet run "ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci" (CUDA 12 + cuDNN 9 must be installed), or set ` +
          `"onnx": {"executionProviders": ["cpu"]} in the manifest. See docs/models.md.`,
      );
    }
    throw new ModelLoadError(`cannot load ONNX model ${modelFile}: ${msg}`);
  }
}

export interface IoMeta {
  name: string;
  type: string;
  shape: (number | string)[];
}

/** Input / output metadata as plain objects (tensor entries only). */
export function ioMetadata(session: ort.InferenceSession): { inputs: IoMeta[]; outputs: IoMeta[] } {
  const conv = (names: readonly string[], meta: readonly ort.InferenceSession.ValueMetadata[] | undefined): IoMeta[] =>
    names.map((name, i) => {
      const m = meta?.[i] as unknown as { isTensor?: boolean; type?: string; shape?: (number | string)[] } | undefined;
      return { name, type: m?.type ?? 'unknown', shape: m?.shape ?? [] };
    });
  return { inputs: conv(session.inputNames, session.inputMetadata), outputs: conv(session.outputNames, session.outputMetadata) };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE half (as uint16) → float. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** float → IEEE half (as uint16), round to nearest even. */
export function floatToHalf(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** A tensor's data as float32 (converting float16 when needed). */
export function toFloat32(t: ort.Tensor, start = 0, end?: number): Float32Array {
  const data = t.data as unknown as ArrayLike<number> & { subarray?: (a: number, b?: number) => ArrayLike<number> };
  const stop = end ?? data.length;
  if (t.type === 'float32') return (t.data as Float32Array).subarray(start, stop);
  if (t.type === 'float16') {
    const out = new Float32Array(stop - start);
    const src = t.data as unknown as ArrayLike<number>;
    // Float16Array (Node >= 24) holds floats already; Uint16Array holds raw halves
    const raw = src instanceof Uint16Array;
    for (let i = start; i < stop; i++) out[i - start] = raw ? halfToFloat(src[i]!) : src[i]!;
    return out;
  }
  throw new Error(`unsupported output type ${t.type} (expected float32 or float16)`);
}

/** Serialises session.run calls (one model call at a time per session; CPU threads are shared anyway). */
export class RunLock {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export function int64(values: ArrayLike<number>, dims: number[]): ort.Tensor {
  const arr = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) arr[i] = BigInt(values[i]!);
  return new ort.Tensor('int64', arr, dims);
}
