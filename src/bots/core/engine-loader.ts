/**
 * The engine, loaded on first use (models and the sandbox pool are slow to start); a failed load
 * (models not installed, sandbox missing) is retried after 30 s.
 */
import type { Engine } from '../../engine/index';

/** Lazily provides the engine; may reject (models not installed, sandbox missing). */
export type EngineProvider = () => Promise<Engine>;

export class EngineLoader {
  private engineP: Promise<Engine> | null = null;
  private failedAt = 0;

  constructor(
    private readonly provide: EngineProvider,
    private readonly retryMs = 30_000,
  ) {}

  /** The engine, created on first use; a failed creation is retried after `retryMs`. */
  get(): Promise<Engine> {
    if (this.engineP && !(this.failedAt && Date.now() - this.failedAt > this.retryMs)) return this.engineP;
    this.failedAt = 0;
    this.engineP = this.provide().catch((err) => {
      this.failedAt = Date.now();
      throw err;
    });
    return this.engineP;
  }

  async close(): Promise<void> {
    if (this.engineP)
      await this.engineP.then(
        (e) => e.close(),
        () => undefined,
      );
  }
}
