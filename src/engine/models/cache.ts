/**
 * The model cache: weights that are fetched (a model directory with fetch.json, see fetch.ts) live
 * outside the repository, in `<cache root>/models/<model name>/`. The root is
 * $STEPWISE_MODEL_CACHE, else $XDG_CACHE_HOME/stepwise, else ~/.cache/stepwise.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EngineError } from '../errors';

/** The cache root (not created here). */
export function modelCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STEPWISE_MODEL_CACHE) return path.resolve(env.STEPWISE_MODEL_CACHE);
  if (env.XDG_CACHE_HOME) return path.resolve(env.XDG_CACHE_HOME, 'stepwise');
  return path.join(os.homedir(), '.cache', 'stepwise');
}

/** `<dir>/fetch.json` when the model directory has one (its weights are fetched into the cache), else null. */
export function fetchSpecFile(modelDir: string): string | null {
  const f = path.join(path.resolve(modelDir), 'fetch.json');
  return fs.existsSync(f) ? f : null;
}

/**
 * The name a fetched model has in the cache: the `name` of `<dir>/manifest.json` when there is
 * one (read as plain JSON, never validated here), else the directory's name.
 */
export function modelCacheName(modelDir: string): string {
  const dir = path.resolve(modelDir);
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { name?: unknown };
    if (typeof raw.name === 'string' && /^[\w.+-]+$/.test(raw.name)) return raw.name;
  } catch {
    // no manifest (yet): the directory names the model
  }
  return path.basename(dir);
}

/**
 * Where the files named in a manifest in `modelDir` are: the cache directory of a fetched model
 * (`<cache root>/models/<name>/`), else `modelDir` itself. `fetched` says which.
 */
export function modelFilesDir(modelDir: string, env: NodeJS.ProcessEnv = process.env): { dir: string; fetched: boolean } {
  if (!fetchSpecFile(modelDir)) return { dir: path.resolve(modelDir), fetched: false };
  return { dir: path.join(modelCacheRoot(env), 'models', modelCacheName(modelDir)), fetched: true };
}

/**
 * The absolute path of a file a manifest in `manifestDir` names (`files.model`, `files.tokenizer`,
 * ...): in the cache for a fetched model (a file committed next to the manifest is used when the
 * cache has none), else next to the manifest. A fetched model whose file is in neither place is not
 * installed yet: EngineError 'model_unavailable' naming the command that fetches it.
 */
export function resolveModelFile(manifestDir: string, rel: string, env: NodeJS.ProcessEnv = process.env): string {
  const local = path.resolve(manifestDir, rel);
  const { dir, fetched } = modelFilesDir(manifestDir, env);
  if (!fetched) return local;
  const cached = path.resolve(dir, rel);
  if (fs.existsSync(cached)) return cached;
  if (fs.existsSync(local)) return local;
  const shown = path.relative(process.cwd(), manifestDir) || '.';
  throw new EngineError(
    'model_unavailable',
    `the model ${modelCacheName(manifestDir)} is not installed: ${cached} is missing. Its weights are downloaded and converted into the model cache by ./stepwise models fetch ${shown} (see docs/models.md)`,
  );
}
