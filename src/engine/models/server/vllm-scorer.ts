/**
 * Step scorer on a vLLM pooling server: POST {server root}/pooling with {model, input: [texts]}
 * → {data: [{index, data}]}. For a PRM served with STEP pooling (vLLM's default for
 * Qwen2ForProcessRewardModel, step tag <extra_0>, softmax applied), each item's data is one
 * [p_negative, p_positive] pair per step separator. A PPM (reward model) returns one value
 * per sequence (or per token: the last one is used).
 */
import { fillTemplate, transformScore, type ModelManifest, type StepStyle } from '../manifest';
import type { ScoreItem, StepScorer } from '../types';
import { JsonHttpClient, ModelServerError } from './http';
import type { ServerBackendOptions } from './openai-policy';

export interface PoolingResponse {
  id?: string;
  object?: string;
  model?: string;
  data: { index: number; object?: string; data: unknown }[];
  usage?: unknown;
}

export class VllmPoolingScorer implements StepScorer {
  readonly name: string;
  readonly stepStyles: readonly StepStyle[];
  readonly client: JsonHttpClient;
  readonly scoreAllSteps?: (item: ScoreItem, signal?: AbortSignal) => Promise<number[]>;
  /** Most texts per /pooling request. */
  readonly maxItemsPerRequest = 32;

  constructor(readonly manifest: ModelManifest, opts: ServerBackendOptions = {}) {
    const s = manifest.server!;
    this.name = manifest.name;
    this.stepStyles = manifest.stepStyles;
    const apiKey = s.apiKeyEnv ? process.env[s.apiKeyEnv] : undefined;
    this.client = new JsonHttpClient({ ...s, apiKey, fetch: opts.fetch, retryBaseMs: opts.retryBaseMs });
    if (manifest.kind === 'prm') this.scoreAllSteps = async (item, signal) => (await this.run([item], signal))[0]!;
  }

  /** The pooling endpoint: server root (baseUrl without a trailing /v1) + poolingPath. */
  get poolingUrl(): string {
    const s = this.manifest.server!;
    const root = s.baseUrl.replace(/\/v1$/, '');
    const p = s.poolingPath ?? '/pooling';
    return root + (p.startsWith('/') ? p : `/${p}`);
  }

  text(item: ScoreItem): string {
    if (this.manifest.kind === 'prm') {
      const sep = this.manifest.specialTokens.stepSeparator!;
      return fillTemplate(this.manifest, item.question, item.steps.map((s) => s + sep).join(''));
    }
    return fillTemplate(this.manifest, item.question, item.steps.join(''));
  }

  async score(items: ScoreItem[], signal?: AbortSignal): Promise<number[]> {
    const per = await this.run(items, signal);
    return per.map((s) => (s.length ? s[s.length - 1]! : 0));
  }

  private async run(items: ScoreItem[], signal?: AbortSignal): Promise<number[][]> {
    const chunks: ScoreItem[][] = [];
    for (let i = 0; i < items.length; i += this.maxItemsPerRequest) chunks.push(items.slice(i, i + this.maxItemsPerRequest));
    const parts = await Promise.all(chunks.map((c) => this.request(c, signal)));
    return parts.flat();
  }

  private async request(items: ScoreItem[], signal?: AbortSignal): Promise<number[][]> {
    const s = this.manifest.server!;
    const url = this.poolingUrl;
    const body: Record<string, unknown> = { ...(s.extraBody ?? {}), model: s.model, input: items.map((it) => this.text(it)) };
    if (s.task) body.task = s.task;
    const res = await this.client.post<PoolingResponse>(url, body, signal);
    if (!res || !Array.isArray(res.data)) throw new ModelServerError(url, `response has no data array: ${JSON.stringify(res).slice(0, 200)}`);
    const out: number[][] = new Array(items.length);
    for (const d of res.data) {
      if (typeof d.index !== 'number' || d.index < 0 || d.index >= items.length) throw new ModelServerError(url, `malformed data entry ${JSON.stringify(d).slice(0, 200)}`);
      out[d.index] = this.parse(url, d.data, items[d.index]!);
    }
    for (let i = 0; i < items.length; i++) if (!out[i]) throw new ModelServerError(url, `returned ${res.data.length} entries, expected ${items.length}`);
    return out;
  }

  private parse(url: string, data: unknown, item: ScoreItem): number[] {
    const score = this.manifest.score!;
    const isNums = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
    let rows: (number | number[])[];
    if (typeof data === 'number') rows = [data];
    else if (isNums(data)) rows = data.length && this.manifest.kind === 'prm' && score.transform === 'prob' && data.length !== item.steps.length ? [data] : data;
    else if (Array.isArray(data) && data.every(isNums)) rows = data as number[][];
    else throw new ModelServerError(url, `unexpected pooling data ${JSON.stringify(data).slice(0, 200)}`);
    if (this.manifest.kind === 'prm') {
      if (rows.length !== item.steps.length)
        throw new ModelServerError(
          url,
          `returned ${rows.length} step scores for ${item.steps.length} steps: serve the PRM with STEP pooling on the separator token ` +
            `(vLLM's default for Qwen2.5-Math-PRM; see docs/models.md)`,
        );
      return rows.map((r) => transformScore(score, r, false));
    }
    return [transformScore(score, rows[rows.length - 1]!, false)];
  }
}
