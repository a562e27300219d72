/**
 * Policy on an OpenAI-compatible completions server (vLLM, SGLang, llama.cpp server, TGI):
 * POST {baseUrl}/completions with prompt, n, stop, temperature, top_p, max_tokens, seed.
 * Servers drop the matched stop string from the text; it is re-appended using finish_reason
 * "stop" and the matched stop (vLLM: stop_reason; SGLang: matched_stop).
 */
import { fillTemplate, type ModelManifest } from '../manifest';
import type { Policy, Sample, SampleRequest } from '../types';
import { JsonHttpClient, ModelServerError } from './http';

export interface CompletionChoice {
  index: number;
  text: string;
  finish_reason: string | null;
  /** vLLM: the stop string (or token id) that ended the choice; null for EOS. */
  stop_reason?: string | number | null;
  /** SGLang: the same. */
  matched_stop?: string | number | null;
  /** With `logprobs` requested: each generated token's log-probability. */
  logprobs?: { token_logprobs?: (number | null)[] } | null;
}

export interface CompletionResponse {
  id?: string;
  object?: string;
  model?: string;
  choices: CompletionChoice[];
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

export interface ServerBackendOptions {
  fetch?: typeof fetch;
  retryBaseMs?: number;
}

export class OpenAIPolicy implements Policy {
  readonly name: string;
  readonly notice?: string;
  readonly stop: string[];
  readonly searchDefaults?: Policy['searchDefaults'];
  readonly client: JsonHttpClient;

  constructor(readonly manifest: ModelManifest, opts: ServerBackendOptions = {}) {
    const s = manifest.server!;
    this.name = manifest.name;
    this.notice = manifest.notice;
    this.stop = manifest.stop;
    this.searchDefaults = manifest.search;
    const apiKey = s.apiKeyEnv ? process.env[s.apiKeyEnv] : undefined;
    this.client = new JsonHttpClient({ ...s, apiKey, fetch: opts.fetch, retryBaseMs: opts.retryBaseMs });
  }

  async sample(requests: SampleRequest[], signal?: AbortSignal): Promise<Sample[][]> {
    return Promise.all(requests.map((r) => this.one(r, signal)));
  }

  private async one(r: SampleRequest, signal?: AbortSignal): Promise<Sample[]> {
    if (r.n <= 0) return [];
    const s = this.manifest.server!;
    const stop = r.params.stop ?? this.stop;
    const maxTokens = Math.max(1, Math.min(r.params.maxTokens, this.manifest.limits.maxStepTokens));
    const body: Record<string, unknown> = {
      ...(s.extraBody ?? {}),
      model: s.model,
      prompt: fillTemplate(this.manifest, r.question, r.partial),
      n: r.n,
      max_tokens: maxTokens,
      temperature: r.params.temperature,
      top_p: r.params.temperature > 0 ? r.params.topP : 1,
    };
    if (stop.length) body.stop = stop; // OpenAI allows at most 4 stop strings; vLLM any number
    if (r.params.seed !== undefined) body.seed = r.params.seed;
    if (r.params.topK && r.params.topK > 0) body.top_k = r.params.topK; // vLLM / SGLang extension
    if (s.includeStopStrInOutput) body.include_stop_str_in_output = true;
    if (s.logprobs) body.logprobs = 0; // the sampled tokens' own log-probabilities, no alternatives
    const url = this.client.url('/completions');
    const res = await this.client.post<CompletionResponse>(url, body, signal);
    if (!res || !Array.isArray(res.choices)) throw new ModelServerError(url, `response has no choices array: ${JSON.stringify(res).slice(0, 200)}`);
    const out: Sample[] = new Array(r.n);
    for (const c of res.choices) {
      if (typeof c.index !== 'number' || c.index < 0 || c.index >= r.n || typeof c.text !== 'string')
        throw new ModelServerError(url, `malformed choice ${JSON.stringify(c).slice(0, 200)}`);
      out[c.index] = toSample(c, stop);
    }
    for (let i = 0; i < r.n; i++) if (!out[i]) throw new ModelServerError(url, `returned ${res.choices.length} choices, expected ${r.n}`);
    return out;
  }
}

/** Maps a completion choice to a Sample, re-appending the stop string the server dropped. */
export function toSample(c: CompletionChoice, stops: string[]): Sample {
  const lp = c.logprobs?.token_logprobs;
  const measured = Array.isArray(lp) && lp.length > 0 && lp.every((x) => typeof x === 'number' && Number.isFinite(x));
  const sample = textSample(c, stops);
  return measured ? { ...sample, logprob: { sum: (lp as number[]).reduce((a, x) => a + x, 0), tokens: lp.length } } : sample;
}

function textSample(c: CompletionChoice, stops: string[]): Sample {
  let text = c.text;
  if (c.finish_reason === 'length') {
    // a stop may still be in the text when the server keeps stops; cut after it
    return cutAtStop(text, stops) ?? { text, finish: 'length' };
  }
  if (c.finish_reason === 'stop' || c.finish_reason === 'eos') {
    const matched = typeof c.stop_reason === 'string' ? c.stop_reason : typeof c.matched_stop === 'string' ? c.matched_stop : undefined;
    if (matched !== undefined) {
      if (!text.endsWith(matched)) text += matched;
      return { text, finish: 'stop', stop: matched };
    }
    // the server kept the stop string (include_stop_str_in_output) or did not say which matched
    const kept = stops.filter((s) => text.endsWith(s)).sort((a, b) => b.length - a.length)[0];
    if (kept) return { text, finish: 'stop', stop: kept };
    return { text, finish: 'eos' };
  }
  return { text, finish: 'eos' };
}

function cutAtStop(text: string, stops: string[]): Sample | undefined {
  let best: { i: number; s: string } | undefined;
  for (const s of stops) {
    const i = text.indexOf(s);
    if (i >= 0 && (!best || i < best.i)) best = { i, s };
  }
  return best ? { text: text.slice(0, best.i + best.s.length), finish: 'stop', stop: best.s } : undefined;
}
