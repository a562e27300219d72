/**
 * Model manifests: `models/<name>/manifest.json` describes everything model-specific (backend,
 * files, prompt template, stop strings, special tokens, score transform, limits). Nothing
 * model-specific is hard-coded in TypeScript. Validated at load with errors naming file and field.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineError } from '../errors';
import { resolveModelFile } from './cache';
import { STRATEGY_NAMES } from '../search';
import type { AbstentionRule } from '../search/verdict';
import type { SearchConfig, StrategyName } from '../search/types';

/**
 * Policies: the search this model is meant to run with on its usual hardware (the budget that keeps
 * a question within the bots' time on it), under any setting a caller gives. `budget` is the bots'
 * default budget (rollouts for MCTS, samples for vote / best-of-n); `strategy` the strategy the
 * bots and `./stepwise solve` run when the user names none (else MCTS).
 */
export type ManifestSearch = Partial<
  Pick<
    SearchConfig,
    'strategy' | 'rollouts' | 'candidates' | 'samples' | 'beamWidth' | 'maxStepTokens' | 'temperature' | 'earlyStopAgree' | 'timeBudgetMs' | 'redraws'
  >
> & { budget?: number };
const SEARCH_KEYS = ['rollouts', 'candidates', 'samples', 'beamWidth', 'maxStepTokens', 'temperature', 'earlyStopAgree', 'timeBudgetMs', 'redraws', 'budget'] as const;

export type ModelKind = 'policy' | 'ppm' | 'prm';
export type ModelBackend = 'onnx' | 'openai' | 'vllm-pooling';
export type ScoreTransform = 'tanh' | 'prob' | 'sigmoid' | 'clip';
/** Kinds of step text: rStar's code-augmented steps (comment + Python) or steps in words. */
export type StepStyle = 'code' | 'prose';
export const STEP_STYLES: readonly StepStyle[] = ['code', 'prose'];

export interface ManifestFiles {
  /** ONNX model file, relative to the manifest (to the model cache when the directory has fetch.json). */
  model?: string;
  /** tokenizer.json, relative to the manifest. */
  tokenizer?: string;
  /** tokenizer_config.json (optional; looked up next to tokenizer.json when absent). */
  tokenizerConfig?: string;
  /**
   * Policies, any backend: a word-trigram model of the policy's training questions
   * (src/engine/models/familiarity.ts), for the "unfamiliar question" abstention signal.
   */
  familiarity?: string;
}

export interface ManifestOnnx {
  /** e.g. ["cpu"] or ["cuda","cpu"]. Default ["cpu"]. */
  executionProviders: string[];
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  /** Output to read for scorers (default: "values" for a PPM, "logits" for a PRM). */
  outputName?: string;
  /** Most rows decoded together (policy) or scored together (scorer). Default 64. */
  maxBatch?: number;
  /**
   * Policies: megabytes of key/value cache kept for recently prefilled prompts, so a prompt that
   * extends one (the same worked examples; a search node's parent) runs only its new tokens.
   * Default 256; 0 turns it off.
   */
  prefixCacheMB?: number;
  /**
   * Policies: greedy decoding guesses up to this many tokens ahead from the context (prompt lookup,
   * onnx/prompt-lookup.ts) and the model checks them in one call: same text, fewer calls
   * (default DEFAULT_LOOKUP_DRAFT; 0 off).
   */
  lookupDraft?: number;
}

export interface ManifestServer {
  baseUrl: string;
  model: string;
  /** Name of the environment variable holding the API key (optional). */
  apiKeyEnv?: string;
  timeoutMs: number;
  maxRetries: number;
  maxConcurrency: number;
  /** vLLM extension: ask the server to keep the matched stop string in the text. */
  includeStopStrInOutput?: boolean;
  /**
   * Ask for each generated token's log-probability (completions `logprobs: 0`; vLLM, SGLang), the
   * verdict's "how sure was the policy" signal. Off: servers that refuse the field still work.
   */
  logprobs?: boolean;
  /** vLLM pooling task sent with /pooling requests (e.g. "token_classify", "encode"); omitted when unset. */
  task?: string;
  /** Path of the pooling endpoint relative to the server root (default "/pooling"). */
  poolingPath?: string;
  /** Extra JSON fields merged into every request body (server-specific options). */
  extraBody?: Record<string, unknown>;
}

export interface ManifestScore {
  transform: ScoreTransform;
  /** tanh / sigmoid: raw is divided by scale first. Default 1. */
  scale: number;
  /** prob: index of the positive class. Default 1. */
  positiveIndex: number;
  /** prob: apply softmax to the class logits first (default true for onnx, false for servers). */
  softmax?: boolean;
}

export interface ModelManifest {
  name: string;
  kind: ModelKind;
  backend: ModelBackend;
  files: ManifestFiles;
  onnx: ManifestOnnx;
  server?: ManifestServer;
  prompt: {
    /** Filled with {question}, {partial} and {fewshot}; any other braces are literal (e.g. \\boxed{}). */
    template: string;
    /** Optional few-shot block substituted for {fewshot}. */
    fewshot?: string;
    /**
     * Policies: text the answer step starts with, written by the engine after the program output
     * (e.g. "\n<answer>"): a chat model that would otherwise end its turn there continues it.
     */
    answerStart?: string;
    /**
     * Policies: text every code step after another one starts with, written by the engine (e.g.
     * "\n# "): the model cannot begin a step without its comment line (the 1.5B sometimes
     * wrote "Now print the final answer" as code, a SyntaxError). Its tokens are not the model's,
     * so they do not count in its certainty: a greedy abstention rule is calibrated with it set.
     */
    stepStart?: string;
  };
  /**
   * Policies: Python run before every program of this model (the imports it takes for granted,
   * e.g. "import math"). Not shown in the steps.
   */
  codePreamble?: string;
  /**
   * Value-head PPMs: the policy model directory whose hidden states the head reads (absolute;
   * given relative to the manifest). Such a scorer has no tokenizer of its own.
   */
  backbone?: string;
  search?: ManifestSearch;
  stop: string[];
  specialTokens: { eos: string[]; pad?: string; stepSeparator?: string };
  score?: ManifestScore;
  limits: { maxContextTokens: number; maxStepTokens: number };
  /**
   * Scorers: the kinds of step text the model was trained to judge (default both). A PPM trained
   * only on code-augmented steps says ["code"], so nothing asks it to judge steps written in words.
   */
  stepStyles: StepStyle[];
  /**
   * Policies: a short note for the people who read the answers, shown under each one (e.g. what a
   * small model was trained on and where its answers are unreliable). At most 300 characters.
   */
  notice?: string;
  /**
   * Policies: when an answer is "not sure" (src/engine/search/verdict.ts), calibrated on held-out
   * problems by `./stepwise calibrate`. Absent: the default rule (most answers must agree).
   */
  abstention?: AbstentionRule;
  /** Free-form description / model card notes. */
  description?: string;
  /** Directory the manifest lives in (absolute). */
  dir: string;
  /** Absolute path of the manifest file. */
  file: string;
}

export class ManifestError extends EngineError {
  constructor(readonly file: string, readonly field: string, detail: string) {
    super('model_invalid', `${file}: ${field ? `field "${field}" ` : ''}${detail}`);
    this.name = 'ManifestError';
  }
}

const KINDS: ModelKind[] = ['policy', 'ppm', 'prm'];
const BACKENDS: ModelBackend[] = ['onnx', 'openai', 'vllm-pooling'];
const TRANSFORMS: ScoreTransform[] = ['tanh', 'prob', 'sigmoid', 'clip'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Resolves a model argument (a directory or a manifest .json file) to the manifest path. */
export function resolveManifestPath(dirOrFile: string): string {
  const abs = path.resolve(dirOrFile);
  if (abs.endsWith('.json')) return abs;
  return path.join(abs, 'manifest.json');
}

/** Loads and validates a manifest. `dirOrFile` is a model directory or a manifest file. */
export function loadManifest(dirOrFile: string): ModelManifest {
  const file = resolveManifestPath(dirOrFile);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ManifestError(file, '', `cannot read manifest (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ManifestError(file, '', `is not valid JSON: ${(err as Error).message}`);
  }
  return validateManifest(raw, file);
}

/** Validates a parsed manifest object; `file` is used in error messages and to resolve paths. */
export function validateManifest(raw: unknown, file: string): ModelManifest {
  const fail = (field: string, detail: string): never => {
    throw new ManifestError(file, field, detail);
  };
  if (!isObj(raw)) fail('', 'must be a JSON object');
  const m = raw as Obj;
  const str = (o: Obj, key: string, field: string, required = true): string | undefined => {
    const v = o[key];
    if (v === undefined) return required ? fail(field, 'is required') : undefined;
    if (typeof v !== 'string' || !v) return fail(field, `must be a non-empty string, got ${JSON.stringify(v)}`);
    return v;
  };
  const num = (o: Obj, key: string, field: string, fallback: number | undefined, min: number, integer: boolean): number => {
    const v = o[key];
    if (v === undefined) return fallback === undefined ? fail(field, 'is required') : fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v)))
      return fail(field, `must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(v)}`);
    return v;
  };
  const strArray = (v: unknown, field: string, allowEmpty = true): string[] => {
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || !s)) return fail(field, 'must be an array of non-empty strings');
    if (!allowEmpty && v.length === 0) return fail(field, 'must not be empty');
    return v as string[];
  };
  const sub = (key: string, required: boolean): Obj | undefined => {
    const v = m[key];
    if (v === undefined) return required ? fail(key, 'is required') : undefined;
    if (!isObj(v)) return fail(key, 'must be an object');
    return v;
  };

  const name = str(m, 'name', 'name')!;
  const kind = str(m, 'kind', 'kind') as ModelKind;
  if (!KINDS.includes(kind)) fail('kind', `must be one of ${KINDS.join(' | ')}, got "${kind}"`);
  const backend = str(m, 'backend', 'backend') as ModelBackend;
  if (!BACKENDS.includes(backend)) fail('backend', `must be one of ${BACKENDS.join(' | ')}, got "${backend}"`);
  if (backend === 'openai' && kind !== 'policy') fail('backend', `"openai" serves policies only (kind is "${kind}")`);
  if (backend === 'vllm-pooling' && kind === 'policy') fail('backend', '"vllm-pooling" serves scorers (ppm | prm) only');

  const dir = path.dirname(file);
  const backboneRel = str(m, 'backbone', 'backbone', false);
  if (backboneRel !== undefined && (kind !== 'ppm' || backend !== 'onnx')) fail('backbone', 'is only for value-head PPMs (kind "ppm", backend "onnx")');
  const backbone = backboneRel === undefined ? undefined : path.resolve(dir, backboneRel);
  const filesRaw = sub('files', backend === 'onnx') ?? {};
  const files: ManifestFiles = {
    model: str(filesRaw, 'model', 'files.model', backend === 'onnx'),
    tokenizer: str(filesRaw, 'tokenizer', 'files.tokenizer', backend === 'onnx' && !backbone),
    tokenizerConfig: str(filesRaw, 'tokenizerConfig', 'files.tokenizerConfig', false),
    familiarity: str(filesRaw, 'familiarity', 'files.familiarity', false),
  };
  if (files.familiarity) {
    const abs = path.resolve(dir, files.familiarity);
    if (!fs.existsSync(abs)) fail('files.familiarity', `points to ${abs}, which does not exist`);
    files.familiarity = abs;
  }
  if (backend === 'onnx') {
    for (const key of ['model', 'tokenizer', 'tokenizerConfig'] as const) {
      const rel = files[key];
      if (!rel) continue;
      const abs = resolveModelFile(dir, rel); // next to the manifest, or in the model cache when fetched (cache.ts)
      if (!fs.existsSync(abs)) fail(`files.${key}`, `points to ${abs}, which does not exist`);
      files[key] = abs;
    }
  }

  const onnxRaw = sub('onnx', false) ?? {};
  const onnx: ManifestOnnx = {
    executionProviders: onnxRaw.executionProviders === undefined ? ['cpu'] : strArray(onnxRaw.executionProviders, 'onnx.executionProviders', false),
    intraOpNumThreads: onnxRaw.intraOpNumThreads === undefined ? undefined : num(onnxRaw, 'intraOpNumThreads', 'onnx.intraOpNumThreads', undefined, 1, true),
    interOpNumThreads: onnxRaw.interOpNumThreads === undefined ? undefined : num(onnxRaw, 'interOpNumThreads', 'onnx.interOpNumThreads', undefined, 1, true),
    outputName: str(onnxRaw, 'outputName', 'onnx.outputName', false),
    maxBatch: onnxRaw.maxBatch === undefined ? undefined : num(onnxRaw, 'maxBatch', 'onnx.maxBatch', undefined, 1, true),
    prefixCacheMB: onnxRaw.prefixCacheMB === undefined ? undefined : num(onnxRaw, 'prefixCacheMB', 'onnx.prefixCacheMB', undefined, 0, false),
    lookupDraft: onnxRaw.lookupDraft === undefined ? undefined : num(onnxRaw, 'lookupDraft', 'onnx.lookupDraft', undefined, 0, true),
  };

  let server: ManifestServer | undefined;
  const serverRaw = sub('server', backend !== 'onnx');
  if (serverRaw) {
    const baseUrl = str(serverRaw, 'baseUrl', 'server.baseUrl')!;
    try {
      const u = new URL(baseUrl);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
    } catch {
      fail('server.baseUrl', `must be an http(s) URL, got "${baseUrl}"`);
    }
    if (serverRaw.extraBody !== undefined && !isObj(serverRaw.extraBody)) fail('server.extraBody', 'must be an object');
    if (serverRaw.includeStopStrInOutput !== undefined && typeof serverRaw.includeStopStrInOutput !== 'boolean')
      fail('server.includeStopStrInOutput', 'must be a boolean');
    if (serverRaw.logprobs !== undefined && typeof serverRaw.logprobs !== 'boolean') fail('server.logprobs', 'must be a boolean');
    server = {
      baseUrl: baseUrl.replace(/\/+$/, ''),
      model: str(serverRaw, 'model', 'server.model')!,
      apiKeyEnv: str(serverRaw, 'apiKeyEnv', 'server.apiKeyEnv', false),
      timeoutMs: num(serverRaw, 'timeoutMs', 'server.timeoutMs', 60000, 1, true),
      maxRetries: num(serverRaw, 'maxRetries', 'server.maxRetries', 3, 0, true),
      maxConcurrency: num(serverRaw, 'maxConcurrency', 'server.maxConcurrency', 8, 1, true),
      includeStopStrInOutput: serverRaw.includeStopStrInOutput as boolean | undefined,
      logprobs: serverRaw.logprobs as boolean | undefined,
      task: str(serverRaw, 'task', 'server.task', false),
      poolingPath: str(serverRaw, 'poolingPath', 'server.poolingPath', false),
      extraBody: serverRaw.extraBody as Record<string, unknown> | undefined,
    };
  }

  const promptRaw = sub('prompt', true)!;
  const template = str(promptRaw, 'template', 'prompt.template')!;
  const fewshot = promptRaw.fewshot === undefined ? undefined : typeof promptRaw.fewshot === 'string' ? promptRaw.fewshot : fail('prompt.fewshot', 'must be a string');
  if (!template.includes('{question}')) fail('prompt.template', 'must contain {question}');
  if (!template.includes('{partial}')) fail('prompt.template', 'must contain {partial}');
  if (template.includes('{fewshot}') && fewshot === undefined) fail('prompt.fewshot', 'is required when the template uses {fewshot}');
  const answerStart = str(promptRaw, 'answerStart', 'prompt.answerStart', false);
  const stepStart = str(promptRaw, 'stepStart', 'prompt.stepStart', false);
  const codePreamble = m.codePreamble === undefined ? undefined : typeof m.codePreamble === 'string' ? m.codePreamble : fail('codePreamble', 'must be a string');

  const stop = m.stop === undefined ? (kind === 'policy' ? fail('stop', 'is required for a policy') : []) : strArray(m.stop, 'stop');

  const stRaw = sub('specialTokens', backend === 'onnx' && !backbone) ?? {};
  const specialTokens = {
    eos: stRaw.eos === undefined ? [] : typeof stRaw.eos === 'string' ? [stRaw.eos] : strArray(stRaw.eos, 'specialTokens.eos'),
    pad: str(stRaw, 'pad', 'specialTokens.pad', false),
    stepSeparator: str(stRaw, 'stepSeparator', 'specialTokens.stepSeparator', false),
  };
  if (backend === 'onnx' && kind === 'policy' && specialTokens.eos.length === 0) fail('specialTokens.eos', 'must name at least one end-of-sequence token');
  if (kind === 'prm' && !specialTokens.stepSeparator) fail('specialTokens.stepSeparator', 'is required for a prm');

  let score: ManifestScore | undefined;
  const scoreRaw = sub('score', kind !== 'policy');
  if (scoreRaw) {
    const transform = str(scoreRaw, 'transform', 'score.transform') as ScoreTransform;
    if (!TRANSFORMS.includes(transform)) fail('score.transform', `must be one of ${TRANSFORMS.join(' | ')}, got "${transform}"`);
    if (scoreRaw.softmax !== undefined && typeof scoreRaw.softmax !== 'boolean') fail('score.softmax', 'must be a boolean');
    score = {
      transform,
      scale: num(scoreRaw, 'scale', 'score.scale', 1, Number.MIN_VALUE, false),
      positiveIndex: num(scoreRaw, 'positiveIndex', 'score.positiveIndex', 1, 0, true),
      softmax: scoreRaw.softmax as boolean | undefined,
    };
    if (kind === 'prm' && transform !== 'prob' && transform !== 'sigmoid' && transform !== 'tanh' && transform !== 'clip') fail('score.transform', 'is not valid for a prm');
  }

  const limitsRaw = sub('limits', false) ?? {};
  const limits = {
    maxContextTokens: num(limitsRaw, 'maxContextTokens', 'limits.maxContextTokens', 4096, 8, true),
    maxStepTokens: num(limitsRaw, 'maxStepTokens', 'limits.maxStepTokens', 512, 1, true),
  };
  if (limits.maxStepTokens >= limits.maxContextTokens) fail('limits.maxStepTokens', `must be smaller than limits.maxContextTokens (${limits.maxContextTokens})`);

  let stepStyles: StepStyle[] = [...STEP_STYLES];
  if (m.stepStyles !== undefined) {
    stepStyles = strArray(m.stepStyles, 'stepStyles') as StepStyle[];
    const bad = stepStyles.find((x) => !STEP_STYLES.includes(x));
    if (bad !== undefined || !stepStyles.length) fail('stepStyles', `must list one or more of ${STEP_STYLES.map((x) => `"${x}"`).join(', ')}${bad !== undefined ? `, got "${bad}"` : ''}`);
  }

  const n = m.notice;
  const notice =
    n === undefined ? undefined : typeof n === 'string' && n.trim() !== '' && n.length <= 300 ? n.trim() : fail('notice', 'must be a non-empty string of at most 300 characters');

  const abstention = m.abstention === undefined ? undefined : parseAbstention(m.abstention, fail);
  const searchRaw = sub('search', false);
  const search = searchRaw ? parseSearch(searchRaw, fail) : undefined;

  return {
    name,
    kind,
    backend,
    files,
    onnx,
    server,
    prompt: { template, fewshot, answerStart, stepStart },
    codePreamble,
    backbone,
    search,
    stop,
    specialTokens,
    score,
    limits,
    stepStyles,
    notice,
    abstention,
    description: typeof m.description === 'string' ? m.description : undefined,
    dir,
    file,
  };
}

function parseAbstention(raw: unknown, fail: (field: string, detail: string) => never): AbstentionRule {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('abstention', 'must be an object');
  const r = raw as Record<string, unknown>;
  const out: AbstentionRule = {};
  const field = (k: 'minVoteShare' | 'minScore' | 'minTokenProb' | 'minSolutionLogprob' | 'maxQuestionLoss', lo: number, hi: number) => {
    const v = r[k];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) fail(`abstention.${k}`, `must be a number in [${lo}, ${hi}]`);
    out[k] = v;
  };
  field('minVoteShare', 0, 1.01);
  field('minScore', -1, 1);
  field('minTokenProb', 0, 1);
  field('minSolutionLogprob', -1e9, 0);
  field('maxQuestionLoss', 0, 1000);
  if (r.strategy !== undefined) {
    if (!(STRATEGY_NAMES as readonly unknown[]).includes(r.strategy)) fail('abstention.strategy', `must be one of ${STRATEGY_NAMES.join(', ')}`);
    out.strategy = r.strategy as StrategyName;
  }
  if (r.neverSure !== undefined) {
    if (typeof r.neverSure !== 'boolean') fail('abstention.neverSure', 'must be true or false');
    if (r.neverSure) out.neverSure = true;
  }
  if (r.calibration !== undefined) out.calibration = r.calibration as AbstentionRule['calibration'];
  return out;
}

function parseSearch(raw: Record<string, unknown>, fail: (field: string, detail: string) => never): ManifestSearch {
  const search: ManifestSearch = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'strategy') {
      if (!(STRATEGY_NAMES as readonly unknown[]).includes(v)) fail('search.strategy', `must be one of ${STRATEGY_NAMES.join(', ')}`);
      search.strategy = v as StrategyName;
      continue;
    }
    if (!(SEARCH_KEYS as readonly string[]).includes(k)) fail(`search.${k}`, `is not a search setting (strategy, ${SEARCH_KEYS.join(', ')})`);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(`search.${k}`, 'must be a number >= 0');
    (search as Record<string, number>)[k] = v as number;
  }
  return search;
}

/**
 * A policy directory's search settings (its manifest's "search": the bots' default strategy and
 * budget), read and checked as the loader checks them, without loading the model: undefined when
 * the manifest names none or cannot be read or checked (the loader reports that when it loads).
 */
export function manifestSearch(dir: string): ManifestSearch | undefined {
  try {
    const raw = JSON.parse(fs.readFileSync(resolveManifestPath(dir), 'utf8')) as { search?: unknown };
    if (raw.search === undefined || raw.search === null || typeof raw.search !== 'object' || Array.isArray(raw.search)) return undefined;
    const search = parseSearch(raw.search as Record<string, unknown>, (field, detail) => {
      throw new Error(`${field} ${detail}`);
    });
    if (search.budget !== undefined && !(Number.isInteger(search.budget) && search.budget >= 1)) delete search.budget;
    return search;
  } catch {
    return undefined;
  }
}

/**
 * A policy directory's abstention rule, read and checked as the loader checks it, without loading
 * the model (undefined when the manifest has none). A manifest that cannot be read or whose rule
 * is malformed throws ManifestError.
 */
export function manifestAbstention(dir: string): AbstentionRule | undefined {
  const file = resolveManifestPath(dir);
  let raw: { abstention?: unknown };
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof raw;
  } catch (err) {
    throw new ManifestError(file, '', `cannot be read: ${(err as Error).message}`);
  }
  if (raw.abstention === undefined) return undefined;
  return parseAbstention(raw.abstention, (field, detail) => {
    throw new ManifestError(file, field, detail);
  });
}

/** Fills the manifest's prompt template in one pass (values are never re-scanned for placeholders). */
export function fillTemplate(manifest: Pick<ModelManifest, 'prompt'>, question: string, partial: string): string {
  const vars: Record<string, string> = { question, partial, fewshot: manifest.prompt.fewshot ?? '' };
  return manifest.prompt.template.replace(/\{(question|partial|fewshot)\}/g, (_tok, key: string) => vars[key]!);
}

/** Maps a raw model output to a score in [-1, 1] following the manifest's transform. */
export function transformScore(score: ManifestScore, raw: number | ArrayLike<number>, softmaxDefault: boolean): number {
  let v: number;
  switch (score.transform) {
    case 'tanh':
      v = Math.tanh(scalar(raw) / score.scale);
      break;
    case 'sigmoid':
      v = 2 / (1 + Math.exp(-scalar(raw) / score.scale)) - 1;
      break;
    case 'clip':
      v = scalar(raw);
      break;
    case 'prob': {
      let p: number;
      if (typeof raw === 'number') p = raw;
      else {
        const doSoftmax = score.softmax ?? softmaxDefault;
        if (doSoftmax) {
          let max = -Infinity;
          for (let i = 0; i < raw.length; i++) max = Math.max(max, raw[i]!);
          let z = 0;
          for (let i = 0; i < raw.length; i++) z += Math.exp(raw[i]! - max);
          p = Math.exp(raw[score.positiveIndex]! - max) / z;
        } else p = raw[score.positiveIndex]!;
      }
      v = 2 * p - 1;
      break;
    }
  }
  return Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0;
}

function scalar(raw: number | ArrayLike<number>): number {
  return typeof raw === 'number' ? raw : raw[0]!;
}
