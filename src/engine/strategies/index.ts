import type { SearchConfig, StrategyName } from '../search/types';
import { beamStrategy } from './beam';
import { bestOfNStrategy } from './best-of-n';
import { greedyStrategy } from './greedy';
import { mctsStrategy } from './mcts';
import type { Strategy, StrategyModule } from './types';
import { voteStrategy } from './vote';

/** Every strategy, each a small module behind one interface. */
export const STRATEGY_MODULES: Record<StrategyName, StrategyModule> = {
  greedy: greedyStrategy,
  'best-of-n': bestOfNStrategy,
  vote: voteStrategy,
  beam: beamStrategy,
  mcts: mctsStrategy,
};

export const STRATEGIES = Object.fromEntries(Object.entries(STRATEGY_MODULES).map(([name, m]) => [name, m.run])) as Record<
  StrategyName,
  Strategy
>;

/** Strategies that need a step scorer at test time. */
export const NEEDS_SCORER: ReadonlySet<StrategyName> = new Set(
  (Object.keys(STRATEGY_MODULES) as StrategyName[]).filter((name) => STRATEGY_MODULES[name].needsScorer),
);

/** The search settings for a user's budget: each strategy maps it onto its own parameters. */
export function budgetConfig(strategy: StrategyName, budget: number): Partial<SearchConfig> & { strategy: StrategyName } {
  return { strategy, ...(Object.hasOwn(STRATEGY_MODULES, strategy) ? STRATEGY_MODULES[strategy].budget(budget) : {}) };
}

export type { Strategy, StrategyModule, StrategyOutcome } from './types';
