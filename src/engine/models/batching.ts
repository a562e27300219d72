/**
 * Micro-batching across concurrent searches. Each search calls policy.sample / scorer.score on
 * its own; the wrappers here queue those calls and, when the first one has waited `maxWaitMs`
 * or the queue holds `maxBatch` rows (samples) / items, send them to the model as one call.
 * While a batch runs, new calls queue up and go out together as soon as it finishes.
 * Fairness: a batch is filled round-robin, one request (or item) from each waiting call in turn,
 * starting after the call served first last time, so one large call cannot starve the others.
 * The batch-size distribution is kept in `stats()`.
 */
import type { Policy, Sample, SampleRequest, ScoreItem, StepScorer } from './types';

export interface MicroBatchOptions {
  /** Longest time the first queued call waits for company (default 4 ms). */
  maxWaitMs?: number;
  /** Most rows per model call: samples (n summed) for a policy, items for a scorer (default 64). */
  maxBatch?: number;
  /** Model calls in flight at once (default 1: one in-process model). */
  maxInFlight?: number;
}

export interface BatchStats {
  /** Model calls made. */
  batches: number;
  /** Caller calls coalesced. */
  calls: number;
  /** Units (requests / items) and rows (samples / items) sent. */
  units: number;
  rows: number;
  meanRows: number;
  maxRows: number;
  /** Histogram: rows per model call → number of calls. */
  rowHistogram: Record<number, number>;
  /** Histogram: distinct caller calls per model call → number of model calls. */
  callsPerBatchHistogram: Record<number, number>;
  /** Mean time from queueing to dispatch (ms). */
  meanQueueMs: number;
}

interface Entry<U, R> {
  units: U[];
  results: R[];
  next: number;
  remaining: number;
  resolve: (r: R[]) => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
  settled: boolean;
  queuedAt: number;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('aborted'), { name: 'AbortError' });
}

/** The generic coalescing queue behind MicroBatchPolicy and MicroBatchScorer. */
export class Coalescer<U, R> {
  private queue: Entry<U, R>[] = [];
  private inFlight = 0;
  private timer?: NodeJS.Timeout;
  private rr = 0;
  private readonly maxWaitMs: number;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private st = { batches: 0, calls: 0, units: 0, rows: 0, maxRows: 0, queueMs: 0, queued: 0 };
  private readonly rowHist = new Map<number, number>();
  private readonly callHist = new Map<number, number>();

  constructor(
    private readonly runBatch: (units: U[]) => Promise<R[]>,
    private readonly weight: (u: U) => number,
    opts: MicroBatchOptions = {},
  ) {
    this.maxWaitMs = opts.maxWaitMs ?? 4;
    this.maxBatch = opts.maxBatch ?? 64;
    this.maxInFlight = opts.maxInFlight ?? 1;
  }

  submit(units: U[], signal?: AbortSignal): Promise<R[]> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (!units.length) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      const e: Entry<U, R> = { units, results: new Array(units.length), next: 0, remaining: units.length, resolve, reject, signal, settled: false, queuedAt: performance.now() };
      if (signal) {
        e.onAbort = () => this.fail(e, abortReason(signal));
        signal.addEventListener('abort', e.onAbort, { once: true });
      }
      this.st.calls++;
      this.queue.push(e);
      this.schedule();
    });
  }

  private pendingRows(): number {
    let w = 0;
    for (const e of this.queue) for (let i = e.next; i < e.units.length && w < this.maxBatch; i++) w += this.weight(e.units[i]!);
    return w;
  }

  private schedule(): void {
    if (!this.queue.length || this.inFlight >= this.maxInFlight) return;
    if (this.pendingRows() >= this.maxBatch) return this.dispatch();
    if (!this.timer) this.timer = setTimeout(() => this.dispatch(), this.maxWaitMs);
  }

  private fail(e: Entry<U, R>, err: unknown): void {
    if (e.settled) return;
    e.settled = true;
    e.signal?.removeEventListener('abort', e.onAbort!);
    this.queue = this.queue.filter((x) => x !== e);
    e.reject(err);
  }

  private dispatch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.queue.length || this.inFlight >= this.maxInFlight) return;
    const picked: { e: Entry<U, R>; i: number }[] = [];
    let rows = 0;
    const n = this.queue.length;
    const start = this.rr % n;
    let progress = true;
    const callers = new Set<Entry<U, R>>();
    outer: while (progress) {
      progress = false;
      for (let k = 0; k < n; k++) {
        const e = this.queue[(start + k) % n]!;
        if (e.next >= e.units.length) continue;
        const w = this.weight(e.units[e.next]!);
        if (picked.length && rows + w > this.maxBatch) break outer;
        picked.push({ e, i: e.next++ });
        callers.add(e);
        rows += w;
        progress = true;
      }
    }
    this.rr = start + 1;
    const now = performance.now();
    for (const e of callers) {
      if (e.next === e.units.length || picked.some((p) => p.e === e && p.i === 0)) {
        this.st.queueMs += now - e.queuedAt;
        this.st.queued++;
      }
    }
    this.queue = this.queue.filter((e) => e.next < e.units.length);
    this.st.batches++;
    this.st.units += picked.length;
    this.st.rows += rows;
    this.st.maxRows = Math.max(this.st.maxRows, rows);
    this.rowHist.set(rows, (this.rowHist.get(rows) ?? 0) + 1);
    this.callHist.set(callers.size, (this.callHist.get(callers.size) ?? 0) + 1);
    this.inFlight++;
    this.runBatch(picked.map((p) => p.e.units[p.i]!))
      .then(
        (results) => {
          picked.forEach((p, j) => {
            if (p.e.settled) return;
            p.e.results[p.i] = results[j]!;
            if (--p.e.remaining === 0) {
              p.e.settled = true;
              p.e.signal?.removeEventListener('abort', p.e.onAbort!);
              p.e.resolve(p.e.results);
            }
          });
        },
        (err) => {
          for (const e of callers) this.fail(e, err);
        },
      )
      .finally(() => {
        this.inFlight--;
        // whatever queued meanwhile has waited long enough: send it now
        if (this.queue.length) this.dispatch();
      });
  }

  stats(): BatchStats {
    const s = this.st;
    return {
      batches: s.batches,
      calls: s.calls,
      units: s.units,
      rows: s.rows,
      meanRows: s.batches ? s.rows / s.batches : 0,
      maxRows: s.maxRows,
      rowHistogram: Object.fromEntries([...this.rowHist].sort((a, b) => a[0] - b[0])),
      callsPerBatchHistogram: Object.fromEntries([...this.callHist].sort((a, b) => a[0] - b[0])),
      meanQueueMs: s.queued ? s.queueMs / s.queued : 0,
    };
  }
}

/** A Policy that coalesces concurrent sample() calls into batched calls of the wrapped policy. */
export class MicroBatchPolicy implements Policy {
  readonly name: string;
  readonly notice?: string;
  readonly abstention?: Policy['abstention'];
  readonly questionLoss?: Policy['questionLoss'];
  readonly promptTokens?: Policy['promptTokens'];
  readonly stop: string[];
  readonly codePreamble?: string;
  readonly searchDefaults?: Policy['searchDefaults'];
  private readonly co: Coalescer<SampleRequest, Sample[]>;

  constructor(readonly inner: Policy, opts: MicroBatchOptions = {}) {
    this.name = inner.name;
    this.notice = inner.notice;
    this.abstention = inner.abstention;
    if (inner.questionLoss) this.questionLoss = (q, signal) => inner.questionLoss!(q, signal);
    if (inner.promptTokens) this.promptTokens = (q) => inner.promptTokens!(q);
    this.stop = inner.stop;
    this.codePreamble = inner.codePreamble;
    this.searchDefaults = inner.searchDefaults;
    this.co = new Coalescer((reqs) => inner.sample(reqs), (r) => Math.max(1, r.n), opts);
  }

  sample(requests: SampleRequest[], signal?: AbortSignal): Promise<Sample[][]> {
    return this.co.submit(requests, signal);
  }

  stats(): BatchStats {
    return this.co.stats();
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}

/** A StepScorer that coalesces concurrent score() calls into batched calls of the wrapped scorer. */
export class MicroBatchScorer implements StepScorer {
  readonly name: string;
  readonly stepStyles?: StepScorer['stepStyles'];
  readonly scoreAllSteps?: (item: ScoreItem, signal?: AbortSignal) => Promise<number[]>;
  private readonly co: Coalescer<ScoreItem, number>;

  constructor(readonly inner: StepScorer, opts: MicroBatchOptions = {}) {
    this.name = inner.name;
    this.stepStyles = inner.stepStyles;
    this.co = new Coalescer((items) => inner.score(items), () => 1, opts);
    if (inner.scoreAllSteps) this.scoreAllSteps = (item, signal) => inner.scoreAllSteps!(item, signal);
  }

  score(items: ScoreItem[], signal?: AbortSignal): Promise<number[]> {
    return this.co.submit(items, signal);
  }

  stats(): BatchStats {
    return this.co.stats();
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}
