/**
 * First-use model fetching for the CLI commands that load models: a model directory with
 * fetch.json (docs/models.md) has its weights downloaded and converted into the model cache the
 * first time it is needed, with progress on stderr.
 */
import { CliError } from './command';
import { ProgressLine } from './progress';
import type { FetchProgress } from '../engine/models/fetch';

/** Prints fetch progress: text lines as they come, byte counts on one self-overwriting line. */
export function fetchProgressPrinter(out: NodeJS.WriteStream = process.stderr): (p: FetchProgress) => void {
  const line = new ProgressLine(out);
  let lastPct = -1;
  return (p) => {
    if (p.message !== undefined) {
      line.done();
      out.write(`[models ${p.stage}] ${p.message}\n`);
    }
    if (p.bytes !== undefined && p.totalBytes) {
      const pct = Math.floor((100 * p.bytes) / p.totalBytes);
      if (!out.isTTY && pct === lastPct) return;
      lastPct = pct;
      line.update(`[models ${p.stage}] ${(p.bytes / 1e6).toFixed(1)} / ${(p.totalBytes / 1e6).toFixed(1)} MB (${pct} %)`);
    }
  };
}

/**
 * Fetches the models a command is about to load when they are not installed yet. `undefined`
 * stands for the default model of that role, null for none; a value-head scorer's backbone comes too.
 */
export async function ensureModels(models: { policy?: string | null; scorer?: string | null }): Promise<void> {
  const m = await import('../engine/models');
  const dirs = m.modelDirsNeeded(
    models.policy === null ? null : (models.policy ?? m.DEFAULT_POLICY_DIR),
    models.scorer === null ? null : (models.scorer ?? m.DEFAULT_SCORER_DIR),
  );
  const print = fetchProgressPrinter();
  for (const dir of dirs) {
    try {
      await m.ensureModelFetched(dir, print);
    } catch (err) {
      if (err instanceof m.ModelFetchError) throw new CliError(`could not fetch the model in ${dir}: ${err.message}`);
      throw err;
    }
  }
}
