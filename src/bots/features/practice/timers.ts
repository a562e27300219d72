/**
 * The timers of open practice sessions: one at the deadline, one for the countdown ticks. A
 * deadline is an absolute time in the store, so a restart arms it again (PracticeService.attach).
 */
export class SessionTimers {
  private readonly timers = new Map<string, { end: NodeJS.Timeout; tick: NodeJS.Timeout }>();

  constructor(
    private readonly tickMs: number,
    private readonly on: { end(id: string): void; tick(id: string): void },
  ) {}

  /** (Re)arms session `id`: it ends in `waitMs`, ticks every tickMs meanwhile. */
  arm(id: string, waitMs: number): void {
    this.disarm(id);
    const end = setTimeout(() => this.on.end(id), Math.min(waitMs, 2 ** 31 - 1));
    const tick = setInterval(() => this.on.tick(id), this.tickMs);
    end.unref?.();
    tick.unref?.();
    this.timers.set(id, { end, tick });
  }

  disarm(id: string): void {
    const t = this.timers.get(id);
    if (t) {
      clearTimeout(t.end);
      clearInterval(t.tick);
      this.timers.delete(id);
    }
  }

  close(): void {
    for (const id of [...this.timers.keys()]) this.disarm(id);
  }
}
