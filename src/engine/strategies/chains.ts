import type { Step } from '../search/types';
import { depthLimitStep, type StepWorld } from '../search/world';
import { isCancellation } from './types';

/**
 * Samples `count` independent trajectories step by step, all chains advancing together so every
 * depth is one batched policy call (the first one shares the prompt prefill across all chains).
 * `onStep(depth)` is called after each depth. Returns finished and, if cancelled, partial chains.
 */
export async function sampleChains(
  world: StepWorld,
  count: number,
  temperature: number,
  onStep?: (depth: number, chains: Step[][]) => void,
): Promise<{ chains: Step[][]; cancelled: boolean }> {
  let chains: Step[][] = [];
  try {
    const first = await world.expand([[]], count, temperature, { dedupe: false });
    chains = first[0].map((s) => [s]);
    onStep?.(1, chains);
    for (let depth = 1; depth < world.config.maxDepth; depth++) {
      const live = chains.filter((c) => !c[c.length - 1].terminal);
      if (live.length === 0) break;
      const next = await world.expand(live, 1, temperature, { dedupe: false });
      live.forEach((c, i) => c.push(next[i][0]));
      onStep?.(depth + 1, chains);
    }
    for (const c of chains) if (!c[c.length - 1].terminal) c.push(depthLimitStep());
    return { chains, cancelled: false };
  } catch (err) {
    if (isCancellation(err, world)) return { chains, cancelled: true };
    throw err;
  }
}
