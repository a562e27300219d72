import type { Step } from '../search/types';
import { isCancellation, type Strategy, type StrategyModule } from './types';

interface Beam {
  path: Step[];
  score: number;
}

/**
 * Step-level beam search: expand every live beam with `candidates` steps, score the new prefixes
 * with the step scorer, keep the best `beamWidth` unfinished ones; finished answers compete by score.
 */
export const beam: Strategy = async (world, hooks) => {
  const { beamWidth, candidates: n, maxDepth } = world.config;
  let beams: Beam[] = [{ path: [], score: 0 }];
  const finished: Beam[] = [];
  const best = () => finished.reduce<Beam | null>((b, x) => (b === null || x.score > b.score ? x : b), null);
  let cancelled = false;
  try {
    for (let depth = 0; depth < maxDepth && beams.length > 0; depth++) {
      const children = await world.expand(
        beams.map((b) => b.path),
        n,
      );
      const valid = beams.flatMap((b, i) => children[i].filter((s) => s.valid).map((s) => [...b.path, s]));
      const scores = await world.score(valid);
      const scored = valid.map((path, i) => ({ path, score: scores[i] }));
      finished.push(...scored.filter((b) => b.path[b.path.length - 1].terminal));
      beams = scored
        .filter((b) => !b.path[b.path.length - 1].terminal)
        .sort((a, b) => b.score - a.score)
        .slice(0, beamWidth);
      const top = best();
      hooks.onProgress?.({
        strategy: 'beam',
        done: depth + 1,
        total: maxDepth,
        unit: 'step',
        bestAnswer: top?.path.at(-1)?.answer ?? null,
        bestScore: top?.score ?? null,
      });
    }
  } catch (err) {
    if (!isCancellation(err, world)) throw err;
    cancelled = true;
  }
  const top = best();
  return {
    trajectory: top?.path ?? beams[0]?.path ?? [],
    answer: top?.path.at(-1)?.answer ?? null,
    score: top?.score ?? null,
    candidates: finished.map((b) => ({ answer: b.path.at(-1)?.answer as string, score: b.score })),
    cancelled,
  };
};

/** The budget is the beam width (at most 16). */
export const beamStrategy: StrategyModule = {
  run: beam,
  needsScorer: true,
  budget: (budget) => ({ beamWidth: Math.max(1, Math.min(budget, 16)) }),
};
