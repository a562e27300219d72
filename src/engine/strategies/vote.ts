import { tallyAnswers } from '../search/answers';
import { sampleChains } from './chains';
import { finalAnswer, type Strategy, type StrategyModule } from './types';

/** Self-consistency: sample N trajectories and take the majority answer (answer equivalence). */
export const vote: Strategy = async (world, hooks) => {
  const total = world.config.samples;
  const { chains, cancelled } = await sampleChains(world, total, world.config.temperature);
  const finished = chains.filter((c) => finalAnswer(c) !== null);
  const candidates = finished.map((c) => ({ answer: finalAnswer(c) as string, score: null }));
  const tally = tallyAnswers(candidates, world.deps.sameAnswer);
  const winner = tally[0]?.answer ?? null;
  const trajectory = finished.find((c) => winner !== null && world.deps.sameAnswer(winner, finalAnswer(c) as string)) ?? chains[0] ?? [];
  let score: number | null = null;
  if (winner !== null && world.hasScorer && !cancelled) [score] = await world.score([trajectory]);
  hooks.onProgress?.({ strategy: 'vote', done: total, total, unit: 'sample', bestAnswer: winner, bestScore: score });
  return { trajectory, answer: winner, score, candidates, cancelled };
};

/** The budget is the number of sampled solutions. */
export const voteStrategy: StrategyModule = { run: vote, needsScorer: false, budget: (budget) => ({ samples: budget }) };
