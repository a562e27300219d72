import type { StrategyName } from '../search/types';
import { beam } from './beam';
import { bestOfN } from './best-of-n';
import { greedy } from './greedy';
import { mcts } from './mcts';
import type { Strategy } from './types';
import { vote } from './vote';

export const STRATEGIES: Record<StrategyName, Strategy> = {
  greedy,
  'best-of-n': bestOfN,
  vote,
  beam,
  mcts,
};

/** Strategies that need a step scorer at test time. */
export const NEEDS_SCORER: ReadonlySet<StrategyName> = new Set<StrategyName>(['best-of-n', 'beam', 'mcts']);

export type { Strategy, StrategyOutcome } from './types';
