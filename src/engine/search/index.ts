/**
 * The engine's entry point: search(question) with a strategy and a budget → SearchResult.
 * Knows nothing of chat platforms; the bots and the CLI call this.
 */
import { EngineError } from '../errors';
import { NEEDS_SCORER, STRATEGIES } from '../strategies';
import { tallyAnswers } from './answers';
import type { SearchConfig, SearchHooks, SearchResult, StrategyName } from './types';
import { StepWorld, type WorldDeps } from './world';

export const MAX_QUESTION_CHARS = 4000;

/** Defaults sized for the shipped tiny CPU models; real deployments raise candidates/rollouts. */
export const DEFAULT_CONFIG: Omit<SearchConfig, 'strategy'> = {
  candidates: 8,
  rollouts: 16,
  runs: 1,
  topK: 4,
  samples: 16,
  beamWidth: 4,
  maxDepth: 16,
  exploration: 2,
  backup: 'test',
  temperature: 1.0,
  topP: 1.0,
  maxStepTokens: 256,
  seed: 1,
  answerMustMatchOutput: true,
  earlyStopAgree: 0,
  timeBudgetMs: 0,
  redraws: 2,
};

export const STRATEGY_NAMES = Object.keys(STRATEGIES) as StrategyName[];

/** The strategy run when neither the caller nor the policy's manifest ("search.strategy") names one. */
export const DEFAULT_STRATEGY: StrategyName = 'mcts';

/** A question (or search setting) the engine refuses, with a message fit to show the user. */
export class QuestionError extends EngineError {
  constructor(code: 'question_empty' | 'question_too_long' | 'not_math' | 'unknown_strategy' | 'bad_config', message: string) {
    super(code, message);
    this.name = 'QuestionError';
  }
}

/** A question the default models answer right (the 1.5B Qwen default greedily, as a best guess; the SynthMath test model sure of it), for help and error messages. */
export const EXAMPLE_QUESTION =
  'The age of Carlos is 41 years. Sam is 33 years younger than Carlos. The age of Ravi is 4 times the age of Sam. How many years old is Ravi?';

/**
 * Something in a math problem: a number, an operator, LaTeX, or a word that names a quantity or
 * an operation. Text without any ("hello, can you help me?") is not a problem to search on.
 */
const MATH_HINT =
  /\d|[=+*/^<>%√π∑∫×÷−]|\\[a-zA-Z]+|\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|twenty|thirty|forty|fifty|hundred|thousand|million|billion|half|halves|third|quarter|twice|double|triple|sum|product|difference|quotient|remainder|plus|minus|times|divided|square|cube|root|prime|factor|multiple|fraction|percent|ratio|equation|solve|integer|number|digit|probability|chance|area|volume|perimeter|angle|triangle|circle|derivative|integral|limit|matrix|function|polynomial|average|mean|median|how many|how much)/i;

export function checkQuestion(question: string): string {
  const q = question.trim();
  if (q === '') throw new QuestionError('question_empty', `The question is empty. Ask a math problem, for example: "${EXAMPLE_QUESTION}"`);
  if (q.length > MAX_QUESTION_CHARS) {
    throw new QuestionError(
      'question_too_long',
      `The question is ${q.length} characters long; the limit is ${MAX_QUESTION_CHARS}. Please shorten it to the problem itself.`,
    );
  }
  if (!MATH_HINT.test(q))
    throw new QuestionError(
      'not_math',
      `That does not look like a math problem (no numbers or math in it), so there is nothing to solve. Ask one written out in words or LaTeX, for example: "${EXAMPLE_QUESTION}"`,
    );
  return q;
}

export function resolveConfig(partial: Partial<SearchConfig> & { strategy?: StrategyName }): SearchConfig {
  const config: SearchConfig = { ...DEFAULT_CONFIG, strategy: DEFAULT_STRATEGY, ...stripUndefined(partial) };
  if (!(config.strategy in STRATEGIES)) {
    throw new QuestionError('unknown_strategy', `Unknown strategy "${config.strategy}". Choose one of: ${STRATEGY_NAMES.join(', ')}.`);
  }
  for (const key of ['candidates', 'rollouts', 'runs', 'topK', 'samples', 'beamWidth', 'maxDepth', 'maxStepTokens'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1)
      throw new QuestionError('bad_config', `${key} must be a positive integer, got ${config[key]}`);
  }
  for (const key of ['earlyStopAgree', 'timeBudgetMs', 'redraws'] as const) {
    if (!Number.isFinite(config[key]) || config[key] < 0)
      throw new QuestionError('bad_config', `${key} must be a number >= 0, got ${config[key]}`);
  }
  return config;
}

export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function search(
  question: string,
  deps: WorldDeps,
  partial: Partial<SearchConfig> & { strategy?: StrategyName } = {},
  hooks: SearchHooks = {},
): Promise<SearchResult> {
  const q = checkQuestion(question);
  const config = resolveConfig(partial);
  if (NEEDS_SCORER.has(config.strategy) && !deps.scorer && config.backup !== 'terminal-guided') {
    throw new EngineError('scorer_unavailable', `strategy "${config.strategy}" needs a step scorer (PPM or PRM); none is loaded`);
  }
  const started = Date.now();
  const world = new StepWorld(q, deps, config, hooks.signal);
  const outcome = await STRATEGIES[config.strategy](world, hooks);
  world.stats.elapsedMs = Date.now() - started;
  const alternatives = tallyAnswers(outcome.candidates, deps.sameAnswer);
  const agreeing =
    outcome.answer === null ? 0 : outcome.candidates.filter((c) => deps.sameAnswer(outcome.answer as string, c.answer)).length;
  return {
    question: q,
    strategy: config.strategy,
    answer: outcome.answer,
    trajectory: outcome.trajectory,
    confidence: {
      score: outcome.score,
      voteShare: outcome.voteShare ?? (outcome.candidates.length ? agreeing / outcome.candidates.length : 0),
    },
    alternatives: winnerFirst(alternatives, outcome.answer, deps.sameAnswer),
    ...(outcome.trees ? { trees: outcome.trees } : {}),
    stats: world.stats,
    cancelled: outcome.cancelled,
    config: { ...config },
  };
}

function winnerFirst<T extends { answer: string }>(list: T[], answer: string | null, same: (a: string, b: string) => boolean): T[] {
  if (answer === null) return list;
  const i = list.findIndex((x) => same(x.answer, answer));
  return i <= 0 ? list : [list[i], ...list.slice(0, i), ...list.slice(i + 1)];
}

export type { SearchConfig, SearchResult, SearchProgress, SearchHooks, Step, StrategyName, TerminalValue } from './types';
export type { WorldDeps } from './world';
