/** Conditions a test waits for, re-checked by a fake server after every call it answers. */
export class Waiters {
  private pending: { pred: () => boolean; resolve: () => void }[] = [];

  /** Resolves when `pred` holds (checked now and at every `check()`), or rejects after `ms`. */
  waitFor(pred: () => boolean, ms: number, timeoutMessage: () => string): Promise<void> {
    if (pred()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const w = { pred, resolve: () => (clearTimeout(t), resolve()) };
      const t = setTimeout(() => {
        this.pending = this.pending.filter((x) => x !== w);
        reject(new Error(timeoutMessage()));
      }, ms);
      this.pending.push(w);
    });
  }

  /** Resolves every waiter whose condition now holds. */
  check(): void {
    for (const w of [...this.pending]) {
      if (w.pred()) {
        this.pending = this.pending.filter((x) => x !== w);
        w.resolve();
      }
    }
  }
}
