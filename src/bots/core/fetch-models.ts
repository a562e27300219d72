/**
 * At start-up, the bot server (and each solver worker) fetches the configured models that are
 * not installed yet (model directories with fetch.json: weights downloaded and converted into the
 * model cache, docs/models.md), logging progress, before it loads the engine.
 */
import { DEFAULT_POLICY_DIR, DEFAULT_SCORER_DIR, ensureModelFetched, modelDirsNeeded, type FetchProgress } from '../../engine/models';
import type { BotConfig } from './config';

export async function fetchConfiguredModels(config: Pick<BotConfig, 'policyDir' | 'scorerDir'>, log: (msg: string) => void): Promise<void> {
  let lastTenth = -1;
  const onProgress = (p: FetchProgress) => {
    if (p.message !== undefined) log(`model fetch ${p.stage}: ${p.message}`);
    else if (p.bytes !== undefined && p.totalBytes) {
      const tenth = Math.floor((10 * p.bytes) / p.totalBytes);
      if (tenth !== lastTenth) log(`model fetch ${p.stage}: ${(p.bytes / 1e6).toFixed(0)} of ${(p.totalBytes / 1e6).toFixed(0)} MB`);
      lastTenth = tenth;
    }
  };
  for (const dir of modelDirsNeeded(config.policyDir ?? DEFAULT_POLICY_DIR, config.scorerDir ?? DEFAULT_SCORER_DIR)) {
    lastTenth = -1;
    const r = await ensureModelFetched(dir, onProgress);
    if (r && !r.alreadyInstalled) log(`model ${r.name} installed in ${r.dir} (${r.seconds.toFixed(0)} s)`);
  }
}
