/**
 * What a search takes and returns. Shared by every strategy, the CLI, the renderer and the bots.
 */
import type { Observation } from '../exec/types';
import type { StepKind, StepParts } from '../steps/format';
import type { Verdict } from './verdict';

/** One step of a trajectory after it was sampled and (for code) executed. */
export interface Step {
  /** Text as it goes into the next prompt: the policy's text, plus the spliced <output> block. */
  text: string;
  kind: StepKind;
  /**
   * The step as a reader sees it (explanation, code, program output, answer prose), parsed once by
   * the engine so that no caller parses the step format.
   */
  parts: StepParts;
  /** false: the code raised, the step never finished, or an answer step had no \boxed{}. */
  valid: boolean;
  /** An answer step, or an invalid step (a dead end). */
  terminal: boolean;
  /** The extracted final answer of an answer step. */
  answer?: string;
  /** What running the program up to and including this step printed (code steps). */
  observation?: Observation;
  /** Why the step is invalid, in words a user can read. */
  invalidReason?: string;
  /**
   * How likely the policy found the text it wrote for this step: the sum of its tokens'
   * log-probabilities and their count (backends that report them; the spliced output is not
   * the model's and is not counted).
   */
  logprob?: { sum: number; tokens: number };
}

export type StrategyName = 'greedy' | 'best-of-n' | 'vote' | 'beam' | 'mcts';

/** MCTS back-up rules (spec §4): test time, and the two data-synthesis modes. */
export type BackupMode = 'test' | 'terminal-guided' | 'ppm-augmented';

export interface SearchConfig {
  strategy: StrategyName;
  /** Candidates sampled per expansion (MCTS n, beam expansion per beam). */
  candidates: number;
  /** MCTS rollouts per run. */
  rollouts: number;
  /** Independent MCTS runs whose best answers enter the top-K PPM-ranked vote (1 = a single run). */
  runs: number;
  /** K of the cross-run top-K vote. */
  topK: number;
  /** Samples for best-of-n and vote. */
  samples: number;
  /** Beam width of step-level beam search. */
  beamWidth: number;
  /** Maximum number of steps in a trajectory. */
  maxDepth: number;
  /** UCT exploration constant c. */
  exploration: number;
  backup: BackupMode;
  temperature: number;
  topP: number;
  topK_sampling?: number;
  /** Max tokens of one step. */
  maxStepTokens: number;
  seed: number;
  /**
   * Code verification of the answer step: when the program's final output is a single number,
   * an answer that differs from it is an invalid step (a model restating the output wrongly).
   */
  answerMustMatchOutput: boolean;
  /**
   * MCTS: stop once this many distinct finished solutions agree on one answer and at least 3 in 4
   * finished solutions do (0: run every rollout). Never fewer than 2: one vote is not agreement.
   */
  earlyStopAgree: number;
  /**
   * Greedy: a step that fails verification (its code raised, ran out of time or tokens, or the
   * answer has no \boxed{} or contradicts the program's output) is drawn again at the sampling
   * temperature, up to this many times, before the trajectory ends there (0: pure greedy).
   */
  redraws: number;
  /**
   * MCTS: soft time budget in ms (0: none). No new rollout starts after it once an answer was found;
   * without any answer the search goes on to twice the budget.
   */
  timeBudgetMs: number;
}

export interface AnswerSupport {
  answer: string;
  /** Number of trajectories (or runs) that ended with an equivalent answer. */
  votes: number;
  /** votes / all valid answers counted. */
  share: number;
  /** Best scorer value among them (null when no scorer was used). */
  bestScore: number | null;
}

/** A node of the search tree with its statistics, serialisable for data synthesis and debugging. */
export interface TreeJSON {
  id: number;
  /** Step text (empty for the root). */
  text: string;
  kind: StepKind | 'root';
  valid: boolean;
  terminal: boolean;
  answer?: string;
  /** Visit count N and mean value Q = W / N. */
  N: number;
  Q: number;
  /** Scorer value of this prefix, when it was scored. */
  score?: number;
  children: TreeJSON[];
}

export interface SearchStats {
  rollouts: number;
  policyCalls: number;
  samples: number;
  executions: number;
  executionCacheHits: number;
  scorerCalls: number;
  scoredItems: number;
  nodes: number;
  elapsedMs: number;
}

export interface SearchResult {
  question: string;
  strategy: StrategyName;
  /** The chosen final answer (null when no valid answer was found). */
  answer: string | null;
  /** The winning trajectory, step by step. */
  trajectory: Step[];
  confidence: {
    /** Scorer value of the winning trajectory in [-1, 1] (null without a scorer). */
    score: number | null;
    /** Share of the counted answers that agree with the winner, in [0, 1]. */
    voteShare: number;
  };
  /** Every distinct answer found, winner first, with its support. */
  alternatives: AnswerSupport[];
  /** MCTS trees (one per run); other strategies leave it out. */
  trees?: TreeJSON[];
  stats: SearchStats;
  /** The search was cancelled; the result holds the best found so far. */
  cancelled: boolean;
  /** The config the search ran with. */
  config: SearchConfig;
  /** The models that answered (set by the engine), with the policy's note for readers, if any. */
  models?: { policy: string; scorer: string | null; notice?: string };
  /**
   * Whether the answer may be presented as sure (set by the engine from the policy's calibrated
   * abstention rule). Not sure: show it only as a guess, with the reasons.
   */
  verdict?: Verdict;
}

export interface SearchProgress {
  strategy: StrategyName;
  /** Units done and total: rollouts (MCTS), depth (beam, greedy), samples (best-of-n, vote). */
  done: number;
  total: number;
  unit: 'rollout' | 'step' | 'sample';
  bestAnswer: string | null;
  bestScore: number | null;
  /**
   * MCTS: steps written and checked so far in this search. Reported after every expansion too, so
   * a slow model shows progress within seconds, long before its first rollout ends.
   */
  steps?: number;
}

/**
 * The value, in [-1, 1], that a finished trajectory (a valid answer step) backs up in MCTS. At test
 * time it is the step scorer's value of the full solution (the default when none is given); data
 * synthesis injects its own (src/lab/synth: +1 / -1 against the known answer).
 */
export type TerminalValue = (path: readonly Step[]) => number;

export interface SearchHooks {
  onProgress?: (p: SearchProgress) => void;
  signal?: AbortSignal;
  /** MCTS: the value of a finished trajectory; required by the `terminal-guided` and `ppm-augmented` back-ups. */
  terminalValue?: TerminalValue;
}
