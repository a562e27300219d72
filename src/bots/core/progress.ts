/**
 * Progress throttling for one job: at most one report per interval (the platform's edit rate),
 * the latest one wins, reports never overlap, and none is sent after the job has stopped.
 */
import type { SearchProgress } from '../../engine/index';

export class ProgressThrottle {
  private lastSent = 0;
  private pending: SearchProgress | null = null;
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  /** `send` is not called again before its last call has finished; none means reports are dropped. */
  constructor(
    private readonly intervalMs: number,
    private readonly send?: (p: SearchProgress) => Promise<void>,
  ) {}

  /** A report from the search (call as often as it comes). */
  readonly push = (p: SearchProgress): void => {
    this.pending = p;
    if (this.timer) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - Date.now());
    this.timer = setTimeout(this.flush, wait);
  };

  private readonly flush = () => {
    this.timer = null;
    if (this.stopped || !this.pending || !this.send) return;
    const p = this.pending;
    const send = this.send;
    this.pending = null;
    this.lastSent = Date.now();
    this.chain = this.chain.then(() => send(p));
  };

  /** Stops reporting; resolves when the report being sent (if any) has finished. */
  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    return this.chain;
  }
}
