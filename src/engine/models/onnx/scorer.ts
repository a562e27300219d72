/**
 * In-process ONNX step scorers.
 * - PPM: the policy prompt filled with the question and steps.join(''); the value head output at
 *   the last (non-pad) token, mapped by the manifest transform (e.g. tanh(raw/5)).
 * - PRM: steps joined with the step separator (one after each step); the class scores at every
 *   separator token (e.g. Qwen2.5-Math-PRM: softmax, positive class p → 2p-1).
 * Inputs: input_ids, attention_mask [, position_ids]; batched with left padding, sorted by length.
 */
import { fillTemplate, transformScore, type ManifestOnnx, type ModelManifest, type StepStyle } from '../manifest';
import type { ScoreItem, StepScorer } from '../types';
import { createSession, int64, ioMetadata, ModelLoadError, ort, RunLock, toFloat32 } from './session';
import { loadTokenizer, type TextTokenizer } from './tokenizer';

export interface OnnxScorerOptions {
  onnx?: Partial<ManifestOnnx>;
  /** Most sequences per model call (default manifest onnx.maxBatch or 32). */
  maxBatch?: number;
  /** Most padded tokens per model call (default 16384). */
  maxBatchTokens?: number;
}

export class OnnxScorer implements StepScorer {
  readonly name: string;
  readonly stepStyles: readonly StepStyle[];
  readonly scoreAllSteps?: (item: ScoreItem, signal?: AbortSignal) => Promise<number[]>;
  private readonly lock = new RunLock();
  private readonly padId: number;
  private readonly sepId?: number;
  private readonly output: string;
  private readonly hasPositionIds: boolean;
  private readonly maxBatch: number;
  private readonly maxBatchTokens: number;

  constructor(
    readonly manifest: ModelManifest,
    readonly session: ort.InferenceSession,
    readonly tokenizer: TextTokenizer,
    opts: OnnxScorerOptions = {},
  ) {
    this.name = manifest.name;
    this.stepStyles = manifest.stepStyles;
    const file = manifest.files.model!;
    const { inputs, outputs } = ioMetadata(session);
    const inNames = inputs.map((i) => i.name);
    for (const need of ['input_ids', 'attention_mask'])
      if (!inNames.includes(need)) throw new ModelLoadError(`${file}: scorer input "${need}" missing (inputs: ${inNames.join(', ')})`);
    const extra = inNames.filter((n) => !['input_ids', 'attention_mask', 'position_ids'].includes(n));
    if (extra.length) throw new ModelLoadError(`${file}: unsupported scorer inputs ${extra.join(', ')}`);
    this.hasPositionIds = inNames.includes('position_ids');
    const outNames = outputs.map((o) => o.name);
    const wanted = manifest.onnx.outputName ?? (manifest.kind === 'ppm' ? 'values' : 'logits');
    if (outNames.includes(wanted)) this.output = wanted;
    else if (!manifest.onnx.outputName && outNames.length === 1) this.output = outNames[0]!;
    else throw new ModelLoadError(`${file}: output "${wanted}" not found (outputs: ${outNames.join(', ')}); set onnx.outputName in ${manifest.file}`);
    const tokId = (t: string, field: string) => {
      const v = tokenizer.tokenToId(t);
      if (v === undefined) throw new ModelLoadError(`${manifest.file}: ${field} token "${t}" is not in the tokenizer vocabulary`);
      return v;
    };
    const pad = manifest.specialTokens.pad ?? manifest.specialTokens.eos[0];
    this.padId = pad ? tokId(pad, 'specialTokens.pad') : 0;
    if (manifest.kind === 'prm') {
      this.sepId = tokId(manifest.specialTokens.stepSeparator!, 'specialTokens.stepSeparator');
      this.scoreAllSteps = async (item, signal) => (await this.run([this.prmText(item)], signal))[0]!;
    }
    this.maxBatch = opts.maxBatch ?? manifest.onnx.maxBatch ?? 32;
    this.maxBatchTokens = opts.maxBatchTokens ?? 16384;
  }

  static async load(manifest: ModelManifest, opts: OnnxScorerOptions = {}): Promise<OnnxScorer> {
    const [session, tok] = await Promise.all([
      createSession(manifest.files.model!, manifest.onnx, opts.onnx),
      loadTokenizer(manifest.files.tokenizer!, manifest.files.tokenizerConfig),
    ]);
    try {
      return new OnnxScorer(manifest, session, tok, opts);
    } catch (err) {
      await session.release();
      throw err;
    }
  }

  /** The exact text the model scores for an item. */
  text(item: ScoreItem): string {
    return this.manifest.kind === 'prm' ? this.prmText(item) : fillTemplate(this.manifest, item.question, item.steps.join(''));
  }

  private prmText(item: ScoreItem): string {
    const sep = this.manifest.specialTokens.stepSeparator!;
    return fillTemplate(this.manifest, item.question, item.steps.map((s) => s + sep).join(''));
  }

  async score(items: ScoreItem[], signal?: AbortSignal): Promise<number[]> {
    const per = await this.run(items.map((it) => this.text(it)), signal);
    return per.map((scores) => (scores.length ? scores[scores.length - 1]! : 0));
  }

  /** Scores texts directly: PPM → [value at the last token]; PRM → one score per separator. */
  async scoreTexts(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    return this.run(texts, signal);
  }

  /** Raw head outputs at the last token for each text (tests: compare with reference values). */
  async rawLast(texts: string[]): Promise<number[]> {
    const enc = texts.map((t) => this.encode(t));
    const out: number[] = [];
    for (const ids of enc) {
      const { rows } = await this.forward([ids]);
      out.push(rows[0]![ids.length - 1]![0]!);
    }
    return out;
  }

  private encode(text: string): number[] {
    const ids = this.tokenizer.encode(text);
    const max = this.manifest.limits.maxContextTokens;
    // keep the end: the value is read at the last token (PPM) / the latest separators (PRM)
    return ids.length > max ? ids.slice(ids.length - max) : ids;
  }

  private async run(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    const enc = texts.map((t) => this.encode(t));
    const order = enc.map((_, i) => i).sort((a, b) => enc[a]!.length - enc[b]!.length);
    const results: number[][] = new Array(texts.length);
    let i = 0;
    while (i < order.length) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('scoring aborted');
      const batch: number[] = [];
      while (i < order.length && batch.length < this.maxBatch) {
        const len = enc[order[i]!]!.length; // ascending, so this is the batch's max length
        if (batch.length && (batch.length + 1) * len > this.maxBatchTokens) break;
        batch.push(order[i++]!);
      }
      const { rows } = await this.forward(batch.map((j) => enc[j]!));
      batch.forEach((j, b) => {
        const ids = enc[j]!;
        const vals = rows[b]!; // per real token (pads removed), each an array of head outputs
        if (this.manifest.kind === 'prm') {
          const out: number[] = [];
          ids.forEach((id, t) => {
            if (id === this.sepId) out.push(transformScore(this.manifest.score!, vals[t]!, true));
          });
          results[j] = out;
        } else {
          results[j] = [transformScore(this.manifest.score!, vals[ids.length - 1]!, true)];
        }
      });
    }
    return results;
  }

  /** One left-padded model call; returns per row, per real token, the head output vector. */
  private forward(batch: number[][]): Promise<{ rows: Float32Array[][] }> {
    return this.lock.run(async () => {
      const B = batch.length;
      const S = Math.max(1, ...batch.map((b) => b.length));
      const ids = new Array<number>(B * S).fill(this.padId);
      const mask = new Array<number>(B * S).fill(0);
      const pos = new Array<number>(B * S).fill(1);
      batch.forEach((seq, b) => {
        const pad = S - seq.length;
        seq.forEach((id, t) => {
          ids[b * S + pad + t] = id;
          mask[b * S + pad + t] = 1;
          pos[b * S + pad + t] = t;
        });
      });
      const feeds: Record<string, ort.Tensor> = { input_ids: int64(ids, [B, S]), attention_mask: int64(mask, [B, S]) };
      if (this.hasPositionIds) feeds.position_ids = int64(pos, [B, S]);
      const out = (await this.session.run(feeds))[this.output]!;
      const data = toFloat32(out);
      const dims = out.dims as number[];
      const rows: Float32Array[][] = [];
      if (dims.length >= 2 && dims[1] === S) {
        const C = dims.length === 3 ? dims[2]! : 1;
        batch.forEach((seq, b) => {
          const pad = S - seq.length;
          rows.push(seq.map((_, t) => data.subarray(((b * S) + pad + t) * C, ((b * S) + pad + t + 1) * C)));
        });
      } else if (dims[0] === B && this.manifest.kind === 'ppm') {
        // a pooled export ([b] or [b, c]): one output per sequence, used as the last token's
        const C = data.length / B;
        batch.forEach((seq, b) => {
          const r: Float32Array[] = new Array(seq.length);
          r[seq.length - 1] = data.subarray(b * C, (b + 1) * C);
          rows.push(r);
        });
      } else throw new Error(`${this.manifest.files.model}: unexpected "${this.output}" shape [${dims.join(', ')}] for batch ${B} x ${S}`);
      return { rows };
    });
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
