/**
 * Fake OpenAI-compatible completions server and vLLM pooling server for tests (127.0.0.1 only).
 *
 * Shapes follow the real servers:
 * - POST /v1/completions {model, prompt, n, max_tokens, temperature, top_p, stop, seed, ...} →
 *   {id, object: "text_completion", created, model, choices: [{index, text, logprobs: null,
 *   finish_reason: "stop" | "length", stop_reason}], usage}. Like vLLM (without
 *   include_stop_str_in_output) the matched stop string is removed from `text` and reported in
 *   `stop_reason` (null when EOS ended it). `flavor: 'plain'` omits stop_reason (OpenAI / llama.cpp).
 * - POST /pooling {model, input: string | string[]} → {id, object: "list", created, model,
 *   data: [{index, object: "pooling", data}], usage}; for a PRM, data is one [p_neg, p_pos]
 *   pair per step-separator occurrence in the input (vLLM STEP pooling with softmax).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CompletionScript {
  /** Text the "model" would write for sample i (before any stop is applied). */
  continuation: (prompt: string, i: number, body: Record<string, unknown>) => string;
  /** 'vllm' reports the matched stop in stop_reason; 'plain' does not; 'keep' keeps the stop in the text. */
  flavor?: 'vllm' | 'plain' | 'keep';
}

export interface FakeServerOptions {
  completions?: CompletionScript;
  /** Positive-class probability for step k of a PRM input (default 0.9 - 0.1k). */
  stepProb?: (input: string, step: number) => number;
  /** PPM value per input (default input.length / 1000). */
  value?: (input: string) => number;
  stepSeparator?: string;
  /** Fail the first N requests with this status (e.g. 503, 429); 'close' destroys the socket. */
  failFirst?: { count: number; status: number | 'close'; retryAfter?: number };
  /** Delay before each response (ms). */
  delayMs?: number;
  /** Require this bearer token. */
  apiKey?: string;
}

export interface FakeServer {
  url: string; // http://127.0.0.1:PORT
  requests: { path: string; body: any; at: number }[];
  maxConcurrent: number;
  close(): Promise<void>;
}

export async function startFakeModelServer(opts: FakeServerOptions): Promise<FakeServer> {
  let failed = 0;
  let active = 0;
  const state: FakeServer = { url: '', requests: [], maxConcurrent: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      active++;
      state.maxConcurrent = Math.max(state.maxConcurrent, active);
      try {
        const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
        state.requests.push({ path: req.url ?? '', body, at: Date.now() });
        if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
        if (opts.failFirst && failed < opts.failFirst.count) {
          failed++;
          if (opts.failFirst.status === 'close') return req.socket.destroy();
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (opts.failFirst.retryAfter !== undefined) headers['retry-after'] = String(opts.failFirst.retryAfter);
          res.writeHead(opts.failFirst.status, headers);
          return res.end(
            JSON.stringify({ object: 'error', message: 'overloaded', type: 'ServiceUnavailable', code: opts.failFirst.status }),
          );
        }
        if (opts.apiKey && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
          res.writeHead(401, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ error: { message: 'invalid api key' } }));
        }
        if (req.method === 'POST' && req.url === '/v1/completions' && opts.completions)
          return json(res, completions(body, opts.completions));
        if (req.method === 'POST' && req.url === '/pooling') return json(res, pooling(body, opts));
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ detail: 'Not Found' }));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'error', message: String(err), code: 400 }));
      } finally {
        active--;
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections?.();
      server.close(() => r());
    });
  return state;
}

function json(res: http.ServerResponse, obj: unknown) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(obj));
}

function completions(body: any, script: CompletionScript) {
  if (typeof body.prompt !== 'string') throw new Error('prompt must be a string');
  const n = body.n ?? 1;
  const stops: string[] = body.stop === undefined ? [] : Array.isArray(body.stop) ? body.stop : [body.stop];
  const maxTokens: number = body.max_tokens ?? 16;
  const choices = Array.from({ length: n }, (_, i) => {
    const full = script.continuation(body.prompt, i, body);
    // one "token" per character in this fake
    let text = full;
    let finish: 'stop' | 'length' = 'stop';
    let stopReason: string | null = null;
    let best = -1;
    for (const s of stops) {
      const at = full.indexOf(s);
      if (at >= 0 && (best < 0 || at < best)) {
        best = at;
        stopReason = s;
      }
    }
    if (best >= 0 && best + stopReason!.length <= maxTokens) {
      text = script.flavor === 'keep' || body.include_stop_str_in_output ? full.slice(0, best + stopReason!.length) : full.slice(0, best);
    } else if (full.length > maxTokens) {
      text = full.slice(0, maxTokens);
      finish = 'length';
      stopReason = null;
    } else stopReason = null; // EOS
    // with logprobs asked for (OpenAI legacy completions): each "token" (character) at log(0.9)
    const chars = [...text];
    const logprobs =
      typeof body.logprobs === 'number'
        ? { tokens: chars, token_logprobs: chars.map(() => Math.log(0.9)), top_logprobs: null, text_offset: chars.map((_, k) => k) }
        : null;
    const choice: Record<string, unknown> = { index: i, text, logprobs, finish_reason: finish };
    if (script.flavor !== 'plain') choice.stop_reason = stopReason;
    return choice;
  });
  return {
    id: 'cmpl-fake',
    object: 'text_completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices,
    usage: { prompt_tokens: body.prompt.length, completion_tokens: 1, total_tokens: body.prompt.length + 1 },
  };
}

function pooling(body: any, opts: FakeServerOptions) {
  const inputs: string[] = typeof body.input === 'string' ? [body.input] : body.input;
  if (!Array.isArray(inputs)) throw new Error('input must be a string or a list of strings');
  const sep = opts.stepSeparator;
  const data = inputs.map((input, index) => {
    let d: unknown;
    if (sep) {
      const steps = input.split(sep).length - 1;
      d = Array.from({ length: steps }, (_, k) => {
        const p = opts.stepProb ? opts.stepProb(input, k) : 0.9 - 0.1 * k;
        return [1 - p, p];
      });
    } else d = [opts.value ? opts.value(input) : input.length / 1000];
    return { index, object: 'pooling', data: d };
  });
  return {
    id: 'pool-fake',
    object: 'list',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    data,
    usage: { prompt_tokens: 1, total_tokens: 1 },
  };
}
