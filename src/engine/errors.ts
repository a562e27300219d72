/**
 * Typed engine errors: every failure the engine reports on purpose carries a `code`, so callers
 * (bots, CLI) choose what to tell a user by the code, never by matching message text. The message
 * stays a full sentence for logs (and, for question errors, fit to show the user as is).
 */

export type EngineErrorCode =
  /** The question is empty (or only white space). */
  | 'question_empty'
  /** The question is over MAX_QUESTION_CHARS. */
  | 'question_too_long'
  /** The text has no numbers or math in it: nothing to search on. */
  | 'not_math'
  /** The strategy named is not one of STRATEGY_NAMES. */
  | 'unknown_strategy'
  /** A search setting is out of range (e.g. a budget count that is not a positive integer). */
  | 'bad_config'
  /** The strategy (best-of-n, beam, MCTS) or engine.scoreSteps needs a step scorer; none is loaded. */
  | 'scorer_unavailable'
  /** The loaded step scorer judges only code steps, and it was asked to score steps in words. */
  | 'scorer_code_only'
  /** A model directory or manifest is missing (the models are not installed). */
  | 'model_unavailable'
  /** A model's manifest is there but wrong (bad JSON, a field out of range, the wrong kind). */
  | 'model_invalid'
  /** A model's files are there but cannot be loaded (ONNX session, tokenizer, inputs/outputs). */
  | 'model_load_failed'
  /** A model server (OpenAI-compatible, vLLM pooling) failed or answered malformed data. */
  | 'model_server'
  /** A model server did not answer in time. */
  | 'timeout'
  /** No code sandbox can be started (bubblewrap missing, user namespaces off, no seccomp filter). */
  | 'sandbox_unavailable'
  /** The search was cancelled by its signal. */
  | 'cancelled';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EngineError';
  }
}

/** The code of an engine error, or null for any other error (a bug, or a failure outside the engine). */
export function engineErrorCode(err: unknown): EngineErrorCode | null {
  return err instanceof EngineError ? err.code : null;
}
