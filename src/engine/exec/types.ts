/** What running one program in the sandbox produced, in the rStar observation format. */
export interface Observation {
  /** true when the program ran to the end without an exception or limit. */
  ok: boolean;
  /**
   * The observation text: stdout (or the value of the last expression when nothing was printed),
   * cut to 1,024 characters keeping head and tail; on error `ExcType: message`.
   */
  output: string;
  /** `ExcType: message` when the program failed (also for limits: `TimeoutError: ...`, `MemoryError`). */
  error?: string;
  timedOut: boolean;
  /** Wall time of the run in milliseconds. */
  ms?: number;
}

export interface ExecOptions {
  /** Wall-clock limit for this run in ms (default from the pool config). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Runs untrusted Python. The only implementation used outside unit tests is the bwrap pool. */
export interface Executor {
  run(program: string, opts?: ExecOptions): Promise<Observation>;
  close(): Promise<void>;
}
