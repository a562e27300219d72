import { ExecutorPool, type PoolOptions } from './pool';
import type { Executor } from './types';

export type { Executor, ExecOptions, Observation } from './types';
export { ExecutorPool, SandboxUnavailableError, checkSandbox, WORKER_SCRIPT } from './pool';
export type { PoolOptions, SandboxCheck } from './pool';

/**
 * The engine's executor: a lazily started warm pool of bubblewrap-sandboxed Python workers.
 * run() rejects with SandboxUnavailableError ("sandbox unavailable: ...") when no sandbox can be
 * started; it never runs code unsandboxed.
 */
export function createExecutorPool(options?: PoolOptions): Executor & ExecutorPool {
  return new ExecutorPool(options);
}
