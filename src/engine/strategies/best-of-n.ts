import { sampleChains } from './chains';
import { finalAnswer, type Strategy, type StrategyModule } from './types';

/** Best-of-N: sample N full trajectories, score each complete one with the step scorer, keep the best. */
export const bestOfN: Strategy = async (world, hooks) => {
  const total = world.config.samples;
  const { chains, cancelled } = await sampleChains(world, total, world.config.temperature);
  const finished = chains.filter((c) => finalAnswer(c) !== null);
  let scores: number[] = [];
  if (!cancelled && finished.length > 0) scores = await world.score(finished);
  let best = -1;
  scores.forEach((s, i) => {
    if (best < 0 || s > scores[best]) best = i;
  });
  const candidates = finished.map((c, i) => ({ answer: finalAnswer(c) as string, score: scores[i] ?? null }));
  const trajectory = best >= 0 ? finished[best] : (chains[0] ?? []);
  const answer = best >= 0 ? candidates[best].answer : null;
  const score = best >= 0 ? scores[best] : null;
  hooks.onProgress?.({ strategy: 'best-of-n', done: total, total, unit: 'sample', bestAnswer: answer, bestScore: score });
  return { trajectory, answer, score, candidates, cancelled };
};

/** The budget is the number of sampled solutions. */
export const bestOfNStrategy: StrategyModule = { run: bestOfN, needsScorer: true, budget: (budget) => ({ samples: budget }) };
