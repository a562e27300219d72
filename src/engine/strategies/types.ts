import type { Candidate } from '../search/answers';
import type { SearchConfig, SearchHooks, Step, TreeJSON } from '../search/types';
import type { StepWorld } from '../search/world';
import { SearchCancelled } from '../search/world';

/** What a strategy found; the search runner turns it into a SearchResult. */
export interface StrategyOutcome {
  /** The winning trajectory ([] when nothing valid was found). */
  trajectory: Step[];
  answer: string | null;
  /** Scorer value of the winning trajectory, when scored. */
  score: number | null;
  /** Every valid final answer the strategy counted (for alternatives and vote share). */
  candidates: Candidate[];
  /** Overrides the vote share computed from `candidates` (MCTS top-K vote). */
  voteShare?: number;
  trees?: TreeJSON[];
  cancelled: boolean;
}

/** A search strategy: one small module each, all with this signature. */
export type Strategy = (world: StepWorld, hooks: SearchHooks) => Promise<StrategyOutcome>;

/** What each strategy module exports: the search, whether it needs a step scorer, and its budget. */
export interface StrategyModule {
  run: Strategy;
  /** Needs a step scorer at test time. */
  needsScorer: boolean;
  /**
   * Maps the user's budget (one number: "search size") onto this strategy's own parameters
   * (rollouts, samples, beam width…); the bots and the CLI never need to know which.
   */
  budget(budget: number): Partial<SearchConfig>;
}

/** True when `err` means the search was cancelled (our signal, or an AbortError from a backend). */
export function isCancellation(err: unknown, world: StepWorld): boolean {
  return err instanceof SearchCancelled || world.signal?.aborted === true;
}

/** The answer of a finished trajectory, when its last step is a valid answer. */
export function finalAnswer(path: readonly Step[]): string | null {
  const last = path[path.length - 1];
  return last && last.valid && last.answer !== undefined ? last.answer : null;
}
