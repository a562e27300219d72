/**
 * Per-channel pacing of posted messages (Bottleneck groups): Discord allows about 5 messages per
 * 5 s per channel, Slack about 1 message per second per channel. Every post and upload a bot makes
 * into a channel goes through `pacer.schedule(channelId, fn)`; edits of one message are throttled
 * by the job service instead.
 */
import Bottleneck from 'bottleneck';

export interface PacingOptions {
  /** Messages per window per channel. */
  perWindow: number;
  windowMs: number;
  /** Least time between two posts in one channel. */
  minTimeMs: number;
}

export const DISCORD_PACING: PacingOptions = { perWindow: 5, windowMs: 5000, minTimeMs: 0 };
export const SLACK_PACING: PacingOptions = { perWindow: 1, windowMs: 1000, minTimeMs: 0 };

export class ChannelPacer {
  private readonly group: Bottleneck.Group;
  /** Recent post times per channel (the sliding window). */
  private readonly recent = new Map<string, number[]>();
  /** Observed post times per channel when `record` is on (tests and benchmarks check the pace). */
  readonly times = new Map<string, number[]>();
  record = false;

  constructor(readonly opts: PacingOptions) {
    // one post at a time per channel, spaced by minTime; the window is enforced below (sliding,
    // so bursts are allowed but never more than perWindow in any windowMs)
    this.group = new Bottleneck.Group({ maxConcurrent: 1, minTime: opts.minTimeMs });
  }

  schedule<T>(channelId: string, fn: () => Promise<T>): Promise<T> {
    return this.group.key(channelId).schedule(async () => {
      const list = (this.recent.get(channelId) ?? []).filter((t) => Date.now() - t < this.opts.windowMs);
      if (list.length >= this.opts.perWindow) {
        const wait = list[list.length - this.opts.perWindow] + this.opts.windowMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait + 1));
      }
      const now = Date.now();
      list.push(now);
      this.recent.set(channelId, list.slice(-this.opts.perWindow));
      if (this.record) {
        const all = this.times.get(channelId) ?? [];
        all.push(now);
        this.times.set(channelId, all);
      }
      return fn();
    });
  }

  async close(): Promise<void> {
    for (const k of this.group.keys()) await this.group.deleteKey(k);
  }
}

/** Most posts seen in any window of `windowMs` (for checking a pace). */
export function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < t.length; i++) {
    while (t[i] - t[j] >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}
