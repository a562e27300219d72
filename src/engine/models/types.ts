/**
 * The two model interfaces every search strategy uses. Implementations: ONNX in-process
 * (src/engine/models/onnx), OpenAI-compatible / vLLM servers (src/engine/models/server), and a
 * scripted policy for unit tests only (test/helpers).
 *
 * Prompts are built by the model from its manifest (template, few-shot demos, stop strings);
 * strategies only pass the question and the solution text written so far.
 */
import type { AbstentionRule } from '../search/verdict';
import type { ManifestSearch, StepStyle } from './manifest';

/** Sampling settings for one generation call. */
export interface GenerationParams {
  /** 0 means greedy (argmax). */
  temperature: number;
  /** Nucleus sampling; 1 disables it. */
  topP: number;
  /** 0 disables top-k. */
  topK?: number;
  /** Hard cap on generated tokens per continuation. */
  maxTokens: number;
  /** Seed for reproducible sampling; the same seed + request gives the same text. */
  seed?: number;
  /** Stop strings; defaults to the manifest's (the rStar step stops). The matched stop is kept. */
  stop?: string[];
}

/** One prompt to continue n times. */
export interface SampleRequest {
  question: string;
  /** Solution text written so far (concatenated step texts, may be empty). */
  partial: string;
  /** Number of continuations to sample from this prompt (they share its prefill). */
  n: number;
  params: GenerationParams;
}

export interface Sample {
  /** Generated text, including the matched stop string when one matched. */
  text: string;
  /** 'stop' when a stop string ended it, 'length' when maxTokens did, 'eos' on end-of-sequence. */
  finish: 'stop' | 'length' | 'eos';
  /** The stop string that matched, if any. */
  stop?: string;
  /** Token ids generated (when the backend exposes them). */
  tokenIds?: number[];
  /**
   * Sum of the natural-log probabilities of the generated tokens under the model's own unscaled
   * distribution, and how many tokens (when the backend reports them): how sure the model was of
   * what it wrote, a signal of the verdict.
   */
  logprob?: { sum: number; tokens: number };
}

export interface Policy {
  readonly name: string;
  /** The manifest's note for readers of the answers (what the model is reliable for), if any. */
  readonly notice?: string;
  /** Default stop strings from the manifest (the engine's step format stops). */
  readonly stop: string[];
  /** The search settings this model is meant to run with (manifest "search"), under the caller's. */
  readonly searchDefaults?: ManifestSearch;
  /** Python run before each of its programs (the imports the model takes for granted), if any. */
  readonly codePreamble?: string;
  /** When its answers count as "not sure" (the manifest's calibrated rule), if it has one. */
  readonly abstention?: AbstentionRule;
  /**
   * Mean negative log-likelihood per token (nats) of the question text under this policy, in its
   * prompt: how unfamiliar the question is to the model. Backends that cannot tell leave it out.
   */
  questionLoss?(question: string, signal?: AbortSignal): Promise<number>;
  /**
   * The question's prompt measured with this model's tokenizer against its context limit
   * (manifest `limits`): `tokens` the prompt takes, `questionTokens` of which are the question's,
   * `contextTokens` the limit, `stepTokens` the most one step may take. Backends that cannot count
   * tokens leave it out.
   */
  promptTokens?(question: string): { tokens: number; questionTokens: number; contextTokens: number; stepTokens: number };
  /** Returns, for each request, its n samples in order. */
  sample(requests: SampleRequest[], signal?: AbortSignal): Promise<Sample[][]>;
  close?(): Promise<void>;
}

/** A partial (or complete) solution to score. */
export interface ScoreItem {
  question: string;
  /** Step texts in order, exactly as the policy wrote them (with spliced outputs). */
  steps: string[];
}

/**
 * Scores partial solutions. Scores are in [-1, 1], higher is better; the manifest's transform maps
 * a PPM's raw value (tanh(raw/scale)) or a PRM's class probability (2p - 1) into that range.
 */
export interface StepScorer {
  readonly name: string;
  /** The kinds of step text it was trained to judge (absent: any). */
  readonly stepStyles?: readonly StepStyle[];
  /** Score of the last step of each item (the value of the partial solution). */
  score(items: ScoreItem[], signal?: AbortSignal): Promise<number[]>;
  /**
   * Scores of every step of one item, when the model gives them in one pass (PRMs with step
   * separators). Use `scoreEachStep` to get per-step scores from any scorer.
   */
  scoreAllSteps?(item: ScoreItem, signal?: AbortSignal): Promise<number[]>;
  close?(): Promise<void>;
}

/** Per-step scores of one solution from any scorer: one pass for PRMs, one batch of prefixes for PPMs. */
export async function scoreEachStep(scorer: StepScorer, item: ScoreItem, signal?: AbortSignal): Promise<number[]> {
  if (scorer.scoreAllSteps) return scorer.scoreAllSteps(item, signal);
  const prefixes = item.steps.map((_, i) => ({ question: item.question, steps: item.steps.slice(0, i + 1) }));
  return prefixes.length ? scorer.score(prefixes, signal) : [];
}
