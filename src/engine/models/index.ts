/**
 * Model loading: `loadPolicy(dir)` / `loadScorer(dir)` read `<dir>/manifest.json` and dispatch on
 * its backend (onnx in-process, openai-compatible completions server, vLLM pooling server).
 */
import fs from 'node:fs';
import path from 'node:path';
import { repoPath } from '../../paths';
import { EngineError } from '../errors';
import { resolveModelArg } from './fixture';
import { loadManifest, ManifestError, type ManifestOnnx, type ModelKind, type ModelManifest } from './manifest';
import { OnnxPolicy } from './onnx/policy';
import { OnnxScorer } from './onnx/scorer';
import { ValueHeadScorer } from './onnx/head-scorer';
import { MicroBatchPolicy } from './batching';
import { OpenAIPolicy } from './server/openai-policy';
import { VllmPoolingScorer } from './server/vllm-scorer';
import type { Policy, StepScorer } from './types';

export * from './types';
export { loadManifest, ManifestError, fillTemplate, transformScore, manifestSearch, manifestAbstention } from './manifest';
export type { ModelManifest } from './manifest';
export { fixtureModelDir, FixtureMissingError, resolveModelArg } from './fixture';
export { OnnxPolicy } from './onnx/policy';
export { OnnxScorer } from './onnx/scorer';
export { ValueHeadScorer } from './onnx/head-scorer';
export { OpenAIPolicy } from './server/openai-policy';
export { VllmPoolingScorer } from './server/vllm-scorer';
export { MicroBatchPolicy, MicroBatchScorer } from './batching';
export { ModelServerError } from './server/http';
export { modelCacheRoot, modelCacheName, modelFilesDir, fetchSpecFile } from './cache';
export { ensureModelFetched, fetchModel, fetchedModelStatus, readFetchSpec, formatBytes, ModelFetchError } from './fetch';
export type { FetchOptions, FetchProgress, FetchResult, FetchSpec, FetchStage, FetchFailure } from './fetch';

/**
 * The small SynthMath models trained from scratch here (3M parameters, in the repository): the
 * default before issue 24, now the fast models of the test suite.
 */
export const SYNTH_POLICY_DIR = repoPath('models', 'stepwise-synth-policy');
export const SYNTH_SCORER_DIR = repoPath('models', 'stepwise-synth-ppm');

/**
 * The default models: Qwen2.5-Coder-1.5B-Instruct (fetched into the model cache on first use; its
 * manifest makes greedy with redraws its default search on the CPU) and, for the strategies that
 * need a scorer, the PPM value head trained here on the hidden states of Qwen2.5-Coder-0.5B-Instruct
 * (its backbone, fetched with it). STEPWISE_DEFAULT_POLICY_DIR /
 * STEPWISE_DEFAULT_SCORER_DIR change them for a whole process tree (the test suite sets the
 * SynthMath models: test/helpers/default-models.js).
 */
export const DEFAULT_POLICY_DIR = process.env.STEPWISE_DEFAULT_POLICY_DIR
  ? path.resolve(process.env.STEPWISE_DEFAULT_POLICY_DIR)
  : repoPath('models', 'qwen2.5-coder-1.5b-instruct');
export const DEFAULT_SCORER_DIR = process.env.STEPWISE_DEFAULT_SCORER_DIR
  ? path.resolve(process.env.STEPWISE_DEFAULT_SCORER_DIR)
  : repoPath('models', 'qwen2.5-coder-0.5b-ppm-head');

export interface LoadOptions {
  /** Override the manifest's ONNX session settings (e.g. { executionProviders: ['cuda','cpu'] }). */
  onnx?: Partial<ManifestOnnx>;
  /** ONNX: most rows per model call. */
  maxBatch?: number;
  /** ONNX policy: keep generating after EOS (benchmarks). */
  ignoreEos?: boolean;
  /** Server backends: override fetch (tests) and the retry back-off base. */
  fetch?: typeof fetch;
  retryBaseMs?: number;
  /**
   * Value-head scorers: the loaded policy, shared when it is the head's backbone (one model in
   * memory, one prefill per node). Otherwise the backbone is loaded for the scorer.
   */
  policy?: Policy;
}

export class ModelNotFoundError extends EngineError {
  constructor(message: string) {
    super('model_unavailable', message);
    this.name = 'ModelNotFoundError';
  }
}

const isScorerKind = (k: ModelKind) => k === 'ppm' || k === 'prm';

/**
 * Finds the manifest for a role in `dirOrFile`: a .json file is used as is; in a directory,
 * manifest.json when its kind fits, else a sibling `*.manifest.json` of the right kind (so one
 * directory can hold a policy and its scorer, like the test fixture). `fixture:NAME` is the test
 * fixture NAME (see fixture.ts).
 */
export function findManifest(dirOrFile: string, role: 'policy' | 'scorer'): ModelManifest {
  const abs = path.resolve(resolveModelArg(dirOrFile));
  const fits = (m: ModelManifest) => (role === 'policy' ? m.kind === 'policy' : isScorerKind(m.kind));
  if (abs.endsWith('.json')) {
    const m = loadManifest(abs);
    if (!fits(m)) throw new ManifestError(m.file, 'kind', `is "${m.kind}", but a ${role === 'policy' ? 'policy' : 'scorer (ppm | prm)'} was asked for`);
    return m;
  }
  const isDefault = abs === DEFAULT_POLICY_DIR || abs === DEFAULT_SCORER_DIR;
  const main = path.join(abs, 'manifest.json');
  if (isDefault && !fs.existsSync(main)) {
    throw new ModelNotFoundError(
      `the default ${role} model (${abs}) is not there: the default Stepwise models are not trained/shipped yet. ` +
        `Point at a model directory with --model DIR (or --policy/--scorer DIR; fixture:tiny-random-qwen2 works, the random-weight test model from STEPWISE_FIXTURES_DIR or ../shared/fixtures), ` +
        `or write a manifest for a server-hosted model (see docs/models.md).`,
    );
  }
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
    throw new ModelNotFoundError(`model directory ${abs} does not exist (expected a directory with manifest.json; see docs/models.md)`);
  }
  let first: ModelManifest | undefined;
  if (fs.existsSync(main)) {
    first = loadManifest(main);
    if (fits(first)) return first;
  }
  for (const f of fs.readdirSync(abs).filter((f) => f.endsWith('.manifest.json')).sort()) {
    const m = loadManifest(path.join(abs, f));
    if (fits(m)) return m;
  }
  throw new ModelNotFoundError(
    first
      ? `${main} describes a ${first.kind}, and ${abs} holds no *.manifest.json for a ${role === 'policy' ? 'policy' : 'ppm or prm'}`
      : `${abs} has no manifest.json (see docs/models.md for the manifest format)`,
  );
}

/** Loads the policy described by `<dir>/manifest.json` (or a manifest file). */
export async function loadPolicy(dir: string = DEFAULT_POLICY_DIR, opts: LoadOptions = {}): Promise<Policy> {
  const m = findManifest(dir, 'policy');
  switch (m.backend) {
    case 'onnx':
      return OnnxPolicy.load(m, { onnx: opts.onnx, maxBatch: opts.maxBatch, ignoreEos: opts.ignoreEos });
    case 'openai':
      return new OpenAIPolicy(m, { fetch: opts.fetch, retryBaseMs: opts.retryBaseMs });
    default:
      throw new ManifestError(m.file, 'backend', `"${m.backend}" cannot serve a policy`);
  }
}

/**
 * The model directories a policy and a scorer (null: none) need installed, in fetch order: each
 * of them and a value-head scorer's backbone policy (the head runs on that model's hidden states).
 */
export function modelDirsNeeded(policyDir: string | null, scorerDir: string | null): string[] {
  const dirs = [policyDir, scorerDir].filter((d): d is string => d !== null);
  if (scorerDir !== null && !scorerDir.startsWith('fixture:')) {
    try {
      const backbone = findManifest(scorerDir, 'scorer').backbone;
      if (backbone && !dirs.some((d) => path.resolve(d) === backbone)) dirs.push(backbone);
    } catch {
      // an unreadable scorer manifest is reported, with its file and field, when it is loaded
    }
  }
  return dirs;
}

/** Loads the step scorer (PPM or PRM) described by `<dir>/manifest.json` (or a manifest file). */
export async function loadScorer(dir: string = DEFAULT_SCORER_DIR, opts: LoadOptions = {}): Promise<StepScorer> {
  const m = findManifest(dir, 'scorer');
  switch (m.backend) {
    case 'onnx': {
      if (!m.backbone) return OnnxScorer.load(m, { onnx: opts.onnx, maxBatch: opts.maxBatch });
      const given = opts.policy instanceof MicroBatchPolicy ? opts.policy.inner : opts.policy;
      if (given instanceof OnnxPolicy && path.resolve(given.manifest.dir) === m.backbone) return ValueHeadScorer.load(m, given, false, opts.onnx);
      const own = await loadPolicy(m.backbone, { onnx: opts.onnx, maxBatch: opts.maxBatch });
      if (!(own instanceof OnnxPolicy)) {
        await own.close?.();
        throw new ManifestError(m.file, 'backbone', `must be an ONNX policy run in-process (${m.backbone} is not)`);
      }
      return ValueHeadScorer.load(m, own, true, opts.onnx).catch(async (err) => {
        await own.close();
        throw err;
      });
    }
    case 'vllm-pooling':
      return new VllmPoolingScorer(m, { fetch: opts.fetch, retryBaseMs: opts.retryBaseMs });
    default:
      throw new ManifestError(m.file, 'backend', `"${m.backend}" cannot serve a scorer`);
  }
}
