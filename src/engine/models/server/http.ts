/**
 * JSON POST to a model server with a time-out, retries with exponential back-off (5xx, 429,
 * connection errors and time-outs; Retry-After honoured), a concurrency limit, and errors that
 * name the server URL.
 */
import { EngineError } from '../../errors';

export class ModelServerError extends EngineError {
  constructor(
    readonly url: string,
    message: string,
    readonly status?: number,
    readonly retryable = false,
    timedOut = false,
  ) {
    super(timedOut ? 'timeout' : 'model_server', `model server ${url}: ${message}`);
    this.name = 'ModelServerError';
  }
}

/** A counting semaphore. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly limit: number) {}
  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

export interface HttpClientOptions {
  baseUrl: string;
  timeoutMs: number;
  maxRetries: number;
  maxConcurrency: number;
  apiKey?: string;
  /** First back-off delay; doubles per retry with jitter (default 500 ms). */
  retryBaseMs?: number;
  /** Longest single back-off (default 10 s). */
  retryMaxMs?: number;
  fetch?: typeof fetch;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class JsonHttpClient {
  private readonly sem: Semaphore;
  /** Requests sent (including retries) — for tests and stats. */
  attempts = 0;

  constructor(readonly opts: HttpClientOptions) {
    this.sem = new Semaphore(opts.maxConcurrency);
  }

  url(p: string): string {
    return this.opts.baseUrl.replace(/\/+$/, '') + (p.startsWith('/') ? p : `/${p}`);
  }

  async post<T>(pathOrUrl: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : this.url(pathOrUrl);
    const { maxRetries, retryBaseMs = 500, retryMaxMs = 10000 } = this.opts;
    let lastErr: ModelServerError | undefined;
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      if (signal?.aborted) throw signal.reason;
      let retryAfterMs: number | undefined;
      try {
        return await this.sem.use(() => this.once<T>(url, body, signal));
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        if (!(err instanceof ModelServerError) || !err.retryable) throw err;
        lastErr = err;
        retryAfterMs = (err as ModelServerError & { retryAfterMs?: number }).retryAfterMs;
      }
      if (attempt < maxRetries) {
        const backoff = Math.min(retryMaxMs, retryBaseMs * 2 ** attempt) * (0.5 + Math.random() * 0.5);
        await sleep(Math.min(retryMaxMs, retryAfterMs ?? backoff), signal);
      }
    }
    throw new ModelServerError(url, `failed after ${maxRetries + 1} attempts: ${lastErr!.message.replace(/^model server \S+: /, '')}`, lastErr!.status, false, lastErr!.code === 'timeout');
  }

  private async once<T>(url: string, body: unknown, signal?: AbortSignal): Promise<T> {
    this.attempts++;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.opts.apiKey) headers.authorization = `Bearer ${this.opts.apiKey}`;
    let res: Response;
    let text: string;
    try {
      res = await (this.opts.fetch ?? fetch)(url, { method: 'POST', headers, body: JSON.stringify(body), signal: combined });
      text = await res.text();
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new ModelServerError(url, `timed out after ${this.opts.timeoutMs} ms`, undefined, true, true);
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ModelServerError(url, `connection failed (${cause?.code ?? cause?.message ?? (err as Error).message})`, undefined, true);
    }
    if (!res.ok) {
      const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
      const e = new ModelServerError(url, `HTTP ${res.status}: ${text.slice(0, 300)}`, res.status, retryable) as ModelServerError & { retryAfterMs?: number };
      const ra = res.headers.get('retry-after');
      if (ra && Number.isFinite(Number(ra))) e.retryAfterMs = Number(ra) * 1000;
      throw e;
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ModelServerError(url, `response is not JSON: ${text.slice(0, 200)}`, res.status);
    }
  }
}
