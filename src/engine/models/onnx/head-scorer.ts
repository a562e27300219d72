/**
 * A PPM that is a value head on the policy's own hidden state (issue 24: fine-tuning a 0.5B model
 * is beyond a 2-core CPU, so only the head is trained). The policy's prefill of question + steps
 * gives the final hidden state at the step's last token (`hidden_states` output); the head (a
 * small ONNX model: hidden_states [batch, hidden] -> values [batch]) turns it into the raw value,
 * mapped by the manifest transform. The prefill goes through the policy's prefix cache, so the
 * node it scores is not run again when the search expands it: scoring costs no extra pass.
 */
import { transformScore, type ManifestOnnx, type ModelManifest, type StepStyle } from '../manifest';
import type { ScoreItem, StepScorer } from '../types';
import type { OnnxPolicy } from './policy';
import { createSession, ioMetadata, ModelLoadError, ort, RunLock } from './session';

export class ValueHeadScorer implements StepScorer {
  readonly name: string;
  readonly stepStyles: readonly StepStyle[];
  private readonly lock = new RunLock();
  private readonly input: string;
  private readonly output: string;

  constructor(
    readonly manifest: ModelManifest,
    readonly head: ort.InferenceSession,
    readonly policy: OnnxPolicy,
    /** Close the policy with the scorer (it was loaded for the scorer alone). */
    private readonly ownsPolicy: boolean,
  ) {
    this.name = manifest.name;
    this.stepStyles = manifest.stepStyles;
    const { inputs, outputs } = ioMetadata(head);
    const file = manifest.files.model!;
    if (inputs.length !== 1) throw new ModelLoadError(`${file}: a value head takes one input (hidden_states), got ${inputs.map((i) => i.name).join(', ')}`);
    this.input = inputs[0]!.name;
    const size = inputs[0]!.shape[1];
    if (typeof size === 'number' && size !== policy.lm.hiddenSize)
      throw new ModelLoadError(`${file}: the head reads hidden states of size ${size}, but ${policy.name} gives ${policy.lm.hiddenSize || 'none'}`);
    this.output = manifest.onnx.outputName ?? (outputs.some((o) => o.name === 'values') ? 'values' : outputs[0]!.name);
  }

  static async load(manifest: ModelManifest, policy: OnnxPolicy, ownsPolicy: boolean, onnx?: Partial<ManifestOnnx>): Promise<ValueHeadScorer> {
    const head = await createSession(manifest.files.model!, manifest.onnx, onnx);
    try {
      return new ValueHeadScorer(manifest, head, policy, ownsPolicy);
    } catch (err) {
      await head.release();
      throw err;
    }
  }

  async score(items: ScoreItem[], signal?: AbortSignal): Promise<number[]> {
    if (!items.length) return [];
    const hidden = await this.policy.lastHiddenStates(
      items.map((it) => ({ question: it.question, partial: it.steps.join('') })),
      signal,
    );
    const raw = await this.values(hidden);
    return raw.map((v) => transformScore(this.manifest.score!, v, false));
  }

  /** Raw head outputs for hidden states (one per row). */
  async values(hidden: Float32Array[]): Promise<number[]> {
    const H = hidden[0]!.length;
    const flat = new Float32Array(hidden.length * H);
    hidden.forEach((h, i) => flat.set(h, i * H));
    const out = await this.lock.run(() => this.head.run({ [this.input]: new ort.Tensor('float32', flat, [hidden.length, H]) }, [this.output]));
    return Array.from(out[this.output]!.data as Float32Array);
  }

  async close(): Promise<void> {
    await this.head.release();
    if (this.ownsPolicy) await this.policy.close();
  }
}
