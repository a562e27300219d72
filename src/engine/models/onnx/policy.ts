/** The in-process ONNX policy: manifest prompt → tokenizer → shared-prefill batched generation. */
import { fillTemplate, type ManifestOnnx, type ModelManifest } from '../manifest';
import type { Policy, Sample, SampleRequest } from '../types';
import { OnnxCausalLM } from './causal-lm';
import { generate, type GenPrompt, type GenStats } from './generate';
import { ModelLoadError } from './session';
import { loadTokenizer, type TextTokenizer } from './tokenizer';

export interface OnnxPolicyOptions {
  /** Override the manifest's ONNX session settings (e.g. executionProviders). */
  onnx?: Partial<ManifestOnnx>;
  /** Most rows decoded together; larger calls run in waves (default manifest onnx.maxBatch or 64). */
  maxBatch?: number;
  /** Keep generating after EOS (benchmarks only). */
  ignoreEos?: boolean;
}

export class OnnxPolicy implements Policy {
  readonly name: string;
  readonly notice?: string;
  readonly stop: string[];
  /** Statistics of the last sample() call (all waves summed). */
  lastStats?: GenStats;
  private readonly eosIds: number[];
  private readonly padId: number;
  private readonly maxBatch: number;

  constructor(
    readonly manifest: ModelManifest,
    readonly lm: OnnxCausalLM,
    readonly tokenizer: TextTokenizer,
    private readonly opts: OnnxPolicyOptions = {},
  ) {
    this.name = manifest.name;
    this.notice = manifest.notice;
    this.stop = manifest.stop;
    const id = (t: string, field: string) => {
      const v = tokenizer.tokenToId(t);
      if (v === undefined) throw new ModelLoadError(`${manifest.file}: ${field} token "${t}" is not in the tokenizer vocabulary`);
      return v;
    };
    this.eosIds = manifest.specialTokens.eos.map((t) => id(t, 'specialTokens.eos'));
    this.padId = manifest.specialTokens.pad ? id(manifest.specialTokens.pad, 'specialTokens.pad') : this.eosIds[0]!;
    this.maxBatch = opts.maxBatch ?? manifest.onnx.maxBatch ?? 64;
  }

  static async load(manifest: ModelManifest, opts: OnnxPolicyOptions = {}): Promise<OnnxPolicy> {
    const [lm, tok] = await Promise.all([
      OnnxCausalLM.load(manifest.files.model!, manifest.onnx, opts.onnx),
      loadTokenizer(manifest.files.tokenizer!, manifest.files.tokenizerConfig),
    ]);
    return new OnnxPolicy(manifest, lm, tok, opts);
  }

  /** The prompt text for a request (the manifest template filled in). */
  promptText(question: string, partial: string): string {
    return fillTemplate(this.manifest, question, partial);
  }

  private toGenPrompt(r: SampleRequest): GenPrompt {
    const ids = this.tokenizer.encode(this.promptText(r.question, r.partial));
    const { maxContextTokens, maxStepTokens } = this.manifest.limits;
    if (ids.length >= maxContextTokens)
      throw new Error(`${this.name}: prompt is ${ids.length} tokens, over the model's limit of ${maxContextTokens} (limits.maxContextTokens)`);
    const maxTokens = Math.max(1, Math.min(r.params.maxTokens, maxStepTokens, maxContextTokens - ids.length));
    return {
      ids,
      n: r.n,
      maxTokens,
      stop: r.params.stop ?? this.stop,
      params: { temperature: r.params.temperature, topP: r.params.topP, topK: r.params.topK, seed: r.params.seed },
    };
  }

  async sample(requests: SampleRequest[], signal?: AbortSignal): Promise<Sample[][]> {
    const prompts = requests.map((r) => this.toGenPrompt(r));
    return this.sampleIds(prompts, signal);
  }

  /** Generation from already tokenised prompts (used by tests and the CLI). */
  async sampleIds(prompts: GenPrompt[], signal?: AbortSignal): Promise<Sample[][]> {
    const results: Sample[][] = new Array(prompts.length);
    const total: GenStats = { prompts: 0, rows: 0, prefillTokens: 0, prefillMs: 0, decodeMs: 0, decodeSteps: 0, generatedTokens: 0 };
    // waves of at most maxBatch rows (a single request with n > maxBatch runs alone)
    let wave: number[] = [];
    let rows = 0;
    const runWave = async () => {
      if (!wave.length) return;
      const { outputs, stats } = await generate(this.lm, this.tokenizer, wave.map((i) => prompts[i]!), {
        eosIds: this.eosIds,
        padId: this.padId,
        ignoreEos: this.opts.ignoreEos,
        signal,
      });
      wave.forEach((i, j) => (results[i] = outputs[j]!));
      for (const k of Object.keys(total) as (keyof GenStats)[]) total[k] += stats[k];
      wave = [];
      rows = 0;
    };
    for (let i = 0; i < prompts.length; i++) {
      if (rows && rows + prompts[i]!.n > this.maxBatch) await runWave();
      wave.push(i);
      rows += prompts[i]!.n;
    }
    await runWave();
    this.lastStats = total;
    return results;
  }

  async close(): Promise<void> {
    await this.lm.release();
  }
}
