import { sampleChains } from './chains';
import { finalAnswer, type Strategy, type StrategyModule } from './types';

/**
 * Greedy decoding: one trajectory at temperature 0, no scorer. The baseline every search must beat.
 * A step that fails verification is drawn again by sampling (config.redraws times; 0: pure greedy),
 * so one forgotten variable or import does not end the answer.
 */
export const greedy: Strategy = async (world, hooks) => {
  const total = world.config.maxDepth;
  const { chains, cancelled } = await sampleChains(world, 1, 0, (depth, cs) =>
    hooks.onProgress?.({ strategy: 'greedy', done: depth, total, unit: 'step', bestAnswer: finalAnswer(cs[0]), bestScore: null }),
    { redraws: world.config.redraws },
  );
  const trajectory = chains[0] ?? [];
  const answer = finalAnswer(trajectory);
  return { trajectory, answer, score: null, candidates: answer === null ? [] : [{ answer, score: null }], cancelled };
};

/** Greedy decoding has no size to set: the budget changes nothing. */
export const greedyStrategy: StrategyModule = { run: greedy, needsScorer: false, budget: () => ({}) };
