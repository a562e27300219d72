/** The in-process ONNX policy: manifest prompt → tokenizer → shared-prefill batched generation. */
import { fillTemplate, type ManifestOnnx, type ModelManifest } from '../manifest';
import type { Policy, Sample, SampleRequest } from '../types';
import { FamiliarityModel } from '../familiarity';
import { OnnxCausalLM } from './causal-lm';
import { emptyGenStats, generate, type GenPrompt, type GenStats } from './generate';
import { prefillCached, PrefixKvCache } from './prefix-cache';
import { tokenLogprob } from './sampling';
import { END_OF_OUTPUT, END_OF_STEP } from '../../steps/format';
import { ModelLoadError } from './session';
import { loadTokenizer, type TextTokenizer } from './tokenizer';

/** Tokens guessed ahead per call in greedy decoding when the manifest does not say (onnx.lookupDraft). */
export const DEFAULT_LOOKUP_DRAFT = 3;

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
  readonly abstention?: Policy['abstention'];
  readonly stop: string[];
  readonly codePreamble?: string;
  readonly searchDefaults?: Policy['searchDefaults'];
  /** KV of recently prefilled prompts (manifest onnx.prefixCacheMB). */
  readonly prefixCache: PrefixKvCache;
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
    this.abstention = manifest.abstention;
    this.stop = manifest.stop;
    this.codePreamble = manifest.codePreamble;
    this.searchDefaults = manifest.search;
    this.prefixCache = new PrefixKvCache((opts.onnx?.prefixCacheMB ?? manifest.onnx.prefixCacheMB ?? 256) * 2 ** 20);
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

  /**
   * The text the engine writes for the model at the start of its next step: the manifest's
   * answerStart right after a program's output, its stepStart right after a code step, else nothing.
   */
  forcedStart(partial: string): string {
    const { answerStart, stepStart } = this.manifest.prompt;
    const end = partial.trimEnd();
    if (answerStart && end.endsWith(END_OF_OUTPUT)) return answerStart;
    if (stepStart && end.endsWith(END_OF_STEP)) return stepStart;
    return '';
  }

  /** Prompt token ids for a question and the solution so far, checked against the context limit. */
  promptIds(question: string, partial: string): number[] {
    const ids = this.tokenizer.encode(this.promptText(question, partial));
    const { maxContextTokens } = this.manifest.limits;
    if (ids.length >= maxContextTokens)
      throw new Error(`${this.name}: prompt is ${ids.length} tokens, over the model's limit of ${maxContextTokens} (limits.maxContextTokens)`);
    return ids;
  }

  /**
   * The generation request for a sample request whose solution so far starts with `start` forced;
   * null when the prompt leaves no room in the context for another token.
   */
  private toGenPrompt(r: SampleRequest, start: string): GenPrompt | null {
    const ids = this.tokenizer.encode(this.promptText(r.question, r.partial + start));
    const { maxContextTokens, maxStepTokens } = this.manifest.limits;
    if (ids.length >= maxContextTokens - 1) return null;
    const maxTokens = Math.max(1, Math.min(r.params.maxTokens, maxStepTokens, maxContextTokens - ids.length));
    // With answerStart set, a solution ends only in its answer step: a chat model that ends its
    // turn in the middle of the code (it sometimes does after a step) picks its next choice instead.
    const { answerStart } = this.manifest.prompt;
    const inCode = answerStart !== undefined && start !== answerStart && !r.partial.includes(answerStart);
    return {
      ids,
      n: r.n,
      maxTokens,
      ...(inCode && { banIds: this.eosIds }),
      stop: r.params.stop ?? this.stop,
      params: { temperature: r.params.temperature, topP: r.params.topP, topK: r.params.topK, seed: r.params.seed },
    };
  }

  /** The question's prompt in this model's tokens, against the manifest's limits (token-aware admission). */
  promptTokens(question: string) {
    const tokens = this.tokenizer.encode(this.promptText(question, '')).length;
    const template = this.tokenizer.encode(this.promptText('', '')).length;
    const { maxContextTokens, maxStepTokens } = this.manifest.limits;
    return { tokens, questionTokens: Math.max(1, tokens - template), contextTokens: maxContextTokens, stepTokens: maxStepTokens };
  }

  /**
   * How unfamiliar the question is: its surprise under the manifest's familiarity model when it
   * has one (the shipped policies: trained with loss on the solution only, their own loss on a
   * question says nothing), else the policy's own loss on the question's tokens.
   */
  async questionLoss(question: string): Promise<number> {
    if (this.familiarity === undefined && this.manifest.files.familiarity) this.familiarity = FamiliarityModel.load(this.manifest.files.familiarity);
    return this.familiarity ? this.familiarity.surprise(question) : this.questionNll(question);
  }

  private familiarity?: FamiliarityModel;

  /**
   * Mean NLL per token of the question's tokens, each predicted from the template text before it
   * and the question tokens so far (one prefill with every position's logits).
   */
  async questionNll(question: string): Promise<number> {
    const template = this.manifest.prompt.template;
    const at = template.indexOf('{question}');
    const before = fillTemplate({ prompt: { template: template.slice(0, Math.max(0, at)), fewshot: this.manifest.prompt.fewshot } }, '', '');
    const head = this.tokenizer.encode(before);
    const ids = this.tokenizer.encode(before + question);
    // the question's tokens start where the template's text ends (a merge across the boundary
    // moves it by a token at most: score from the first position that differs)
    let start = 0;
    while (start < head.length && start < ids.length && head[start] === ids[start]) start++;
    start = Math.max(1, start);
    const limit = this.manifest.limits.maxContextTokens;
    const row = ids.slice(0, limit);
    if (row.length <= start) return 0;
    // the template before the question (worked examples included) comes from the prefix cache:
    // only the question's own positions are run with every position's logits
    let hit = this.prefixCache.lookup(row);
    if (!hit && start > 1) {
      await prefillCached(this.lm, this.prefixCache, [row.slice(0, start)], { padId: this.padId });
      hit = this.prefixCache.lookup(row);
    }
    const from = Math.min(hit?.length ?? 0, start - 1);
    const past = hit && from > 0 ? hit.cache.firstPositions(from) : undefined;
    const { allLogits, vocab } = await this.lm.prefill([row.slice(from > 0 ? from : 0)], { allLogits: true, padId: this.padId, past });
    const base = from > 0 ? from : 0;
    let nll = 0;
    for (let t = start; t < row.length; t++) {
      nll -= tokenLogprob(allLogits!, (t - 1 - base) * vocab, vocab, row[t]!);
    }
    return nll / (row.length - start);
  }

  async sample(requests: SampleRequest[], signal?: AbortSignal): Promise<Sample[][]> {
    // A solution that has grown past the context (the question itself was checked at admission)
    // cannot take another step: its samples come back unfinished ('length'), so the search drops
    // that branch and goes on with the others instead of failing the whole question.
    const starts = requests.map((r) => this.forcedStart(r.partial));
    const prompts = requests.map((r, i) => this.toGenPrompt(r, starts[i]!));
    const run = prompts.filter((p): p is GenPrompt => p !== null);
    const ran = run.length ? await this.sampleIds(run, signal) : [];
    let k = 0;
    return requests.map((r, i) => {
      const samples = prompts[i] ? ran[k++]! : Array.from({ length: r.n }, (): Sample => ({ text: '', finish: 'length' }));
      // the forced start is part of the step the model wrote
      return starts[i] ? samples.map((smp) => ({ ...smp, text: starts[i] + smp.text })) : samples;
    });
  }

  /**
   * The final hidden state at the last token of each prompt (question + solution so far), for a
   * value head (src/engine/models/onnx/head-scorer.ts). The prefill goes through the prefix cache,
   * so a node scored here is not run again when it is expanded.
   */
  async lastHiddenStates(items: { question: string; partial: string }[], signal?: AbortSignal): Promise<Float32Array[]> {
    return this.lastHiddenOfIds(items.map((it) => this.promptIds(it.question, it.partial)), signal);
  }

  /** lastHiddenStates for already tokenised prompts. */
  async lastHiddenOfIds(ids: number[][], signal?: AbortSignal): Promise<Float32Array[]> {
    if (!this.lm.hiddenSize) throw new ModelLoadError(`${this.manifest.files.model}: the model has no hidden_states output, so a value head cannot read it`);
    const out: Float32Array[] = new Array(ids.length);
    const H = this.lm.hiddenSize;
    for (let start = 0; start < ids.length; start += this.maxBatch) {
      if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
      const chunk = ids.slice(start, start + this.maxBatch);
      const { result } = await prefillCached(this.lm, this.prefixCache, chunk, { padId: this.padId, hidden: true });
      chunk.forEach((_, j) => (out[start + j] = result.lastHidden!.slice(j * H, (j + 1) * H)));
    }
    return out;
  }

  /** Generation from already tokenised prompts (used by tests and the CLI). */
  async sampleIds(prompts: GenPrompt[], signal?: AbortSignal): Promise<Sample[][]> {
    const results: Sample[][] = new Array(prompts.length);
    const total = emptyGenStats();
    // waves of at most maxBatch rows (a single request with n > maxBatch runs alone)
    let wave: number[] = [];
    let rows = 0;
    const runWave = async () => {
      if (!wave.length) return;
      const { outputs, stats } = await generate(this.lm, this.tokenizer, wave.map((i) => prompts[i]!), {
        eosIds: this.eosIds,
        padId: this.padId,
        prefixCache: this.prefixCache,
        ignoreEos: this.opts.ignoreEos,
        lookupDraft: this.opts.onnx?.lookupDraft ?? this.manifest.onnx.lookupDraft ?? DEFAULT_LOOKUP_DRAFT,
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
