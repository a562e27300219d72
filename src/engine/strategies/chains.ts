import type { Step } from '../search/types';
import { depthLimitStep, type StepWorld } from '../search/world';
import { isCancellation } from './types';

/**
 * Samples `count` independent trajectories step by step, all chains advancing together so every
 * depth is one batched policy call (the first one shares the prompt prefill across all chains).
 * `onStep(depth)` is called after each depth. With `redraws`, a step that fails verification is
 * drawn again (at the config's sampling temperature, the failed chains batched) up to that many
 * times before its chain ends there. Returns finished and, if cancelled, partial chains.
 */
export async function sampleChains(
  world: StepWorld,
  count: number,
  temperature: number,
  onStep?: (depth: number, chains: Step[][]) => void,
  { redraws = 0 }: { redraws?: number } = {},
): Promise<{ chains: Step[][]; cancelled: boolean }> {
  let chains: Step[][] = [];
  try {
    const first = (await world.expand([[]], count, temperature, { dedupe: false }))[0];
    chains = (await redrawFailed(world, first.map(() => []), first, redraws)).map((s) => [s]);
    onStep?.(1, chains);
    for (let depth = 1; depth < world.config.maxDepth; depth++) {
      const live = chains.filter((c) => !c[c.length - 1].terminal);
      if (live.length === 0) break;
      const next = (await world.expand(live, 1, temperature, { dedupe: false })).map((s) => s[0]);
      (await redrawFailed(world, live, next, redraws)).forEach((s, i) => live[i].push(s));
      onStep?.(depth + 1, chains);
    }
    for (const c of chains) if (!c[c.length - 1].terminal) c.push(depthLimitStep());
    return { chains, cancelled: false };
  } catch (err) {
    if (isCancellation(err, world)) return { chains, cancelled: true };
    throw err;
  }
}

/** `steps[i]` follows `paths[i]`; each invalid one is sampled again, up to `redraws` times. */
async function redrawFailed(world: StepWorld, paths: readonly Step[][], steps: Step[], redraws: number): Promise<Step[]> {
  const out = [...steps];
  if (world.config.temperature <= 0) return out; // a redraw at temperature 0 repeats the step
  for (let attempt = 0; attempt < redraws; attempt++) {
    const failed = out.flatMap((s, i) => (s.valid ? [] : [i]));
    if (failed.length === 0) break;
    const again = await world.expand(
      failed.map((i) => paths[i]),
      1,
      world.config.temperature,
      { dedupe: false },
    );
    failed.forEach((i, k) => (out[i] = again[k][0]));
  }
  return out;
}
