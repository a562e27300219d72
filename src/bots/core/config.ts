/**
 * Bot configuration from environment variables (and a `.env` file), validated at start-up with
 * one clear message per missing or bad value. Every variable is documented in `.env.example`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_STRATEGY, STRATEGY_NAMES, type StrategyName } from '../../engine/index';
import { DEFAULT_POLICY_DIR, manifestSearch } from '../../engine/models';
import { repoPath } from '../../paths';

export interface DiscordConfig {
  token: string;
  applicationId: string;
  /** REST base, e.g. https://discord.com/api (the gateway URL is asked from it). */
  apiUrl?: string;
}

export interface SlackConfig {
  botToken: string;
  signingSecret: string;
  /** xapp- token: Socket Mode instead of the HTTP receiver. */
  appToken?: string;
  /** Web API base, e.g. https://slack.com/api/ */
  apiUrl?: string;
  /**
   * An extra listener of its own for the HTTP receiver (SLACK_PORT). Unset, or equal to PORT:
   * Slack events are served on PORT with /healthz and /metrics. Ignored in Socket Mode.
   */
  port?: number;
}

export interface LimitsConfig {
  /** Searches running at once (global queue). */
  concurrency: number;
  /** Questions a user may have queued or running at once. */
  perUserPending: number;
  /** Questions a user may ask per minute. */
  perUserPerMinute: number;
  /** Questions one channel may have queued or running at once. */
  perChannelPending: number;
  /** Most seconds one search may run before it is cancelled (best answer so far is kept). */
  solveTimeoutS: number;
}

export interface BotConfig {
  discord?: DiscordConfig;
  slack?: SlackConfig;
  /** The one HTTP server (PORT): the local page, /healthz, /metrics and Slack's /slack/events. */
  port: number;
  host: string;
  /** SQLite file for jobs and answers (":memory:" for none). */
  dbPath: string;
  defaultStrategy: StrategyName;
  /** Default budget (rollouts / samples / beam width, by strategy) and the most a user may ask. */
  defaultBudget: number;
  maxBudget: number;
  limits: LimitsConfig;
  /** Engine: model directories and sandbox workers (undefined: shipped defaults). */
  policyDir?: string;
  scorerDir?: string;
  workers?: number;
  /** Answer cache entries kept (oldest dropped). */
  cacheSize: number;
  /** Practice threads (src/bots/features/practice): club problem files, moderators, attempts per problem. */
  practice: { files: string[]; moderators: string[]; maxAttempts: number; hintCost: number; dataDir?: string };
  /** Scale-out mode (src/bots/scale): shared limits, queue and job state in this Redis. */
  redisUrl?: string;
  /** Discord shards: a count or 'auto' (undefined: one shard, discord.js default). */
  shards?: number | 'auto';
  /** Seconds a stopping process waits for running solves before persisting them for the next start. */
  drainS: number;
  /**
   * /healthz turns unhealthy when a question has waited this long for its turn while nothing of
   * its user runs (and a search slot is free): work that is stuck, not queued.
   */
  stuckS: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses a .env file: KEY=value lines, `#` comments, optional `export `, single or double quotes. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2];
    if (/^"(.*)"$/.test(v)) v = v.slice(1, -1).replace(/\\n/g, '\n').replace(/\\"/g, '"');
    else if (/^'(.*)'$/.test(v)) v = v.slice(1, -1);
    else v = v.replace(/\s+#.*$/, '').trim();
    out[m[1]] = v;
  }
  return out;
}

/**
 * The environment merged with a .env file (real environment variables win).
 * `envFile` defaults to `.env` in the working directory, then at the repository root.
 */
export function readEnv(env: NodeJS.ProcessEnv = process.env, envFile?: string | null): Record<string, string | undefined> {
  let fileVars: Record<string, string> = {};
  if (envFile !== null) {
    const candidates = envFile ? [envFile] : [path.resolve('.env'), repoPath('.env')];
    const found = candidates.find((f) => fs.existsSync(f));
    if (found) fileVars = parseDotEnv(fs.readFileSync(found, 'utf8'));
  }
  return { ...fileVars, ...env };
}

/**
 * Ports that two listeners of this configuration would both take (reported at load, before
 * anything listens, instead of an EADDRINUSE later). PORT serves everything; the only other
 * listeners are SLACK_PORT (when set to another port, HTTP mode) and, with REDIS_URL and a
 * DISCORD_SHARDS count, each shard process's /metrics on PORT + 1 + shard id. SLACK_PORT equal to
 * PORT is not a clash: that is the one server. Port 0 (any free port) never clashes.
 */
export function portClashes(config: BotConfig): string[] {
  const slackPort = config.slack && !config.slack.appToken ? config.slack.port : undefined;
  if (slackPort === undefined || slackPort === 0 || slackPort === config.port) return [];
  if (config.discord && config.redisUrl && typeof config.shards === 'number' && config.shards > 1 && config.port !== 0) {
    const id = slackPort - config.port - 1;
    if (id >= 0 && id < config.shards)
      return [
        `SLACK_PORT (${slackPort}) is also the /metrics port of Discord shard process ${id} (PORT + 1 + shard id, PORT=${config.port}, DISCORD_SHARDS=${config.shards}); ` +
          'unset SLACK_PORT to serve Slack on PORT, or pick a port outside that range',
      ];
  }
  return [];
}

/** Validates the variables into a BotConfig; throws ConfigError listing every problem. */
export function loadConfig(vars: Record<string, string | undefined> = readEnv()): BotConfig {
  const problems: string[] = [];
  const get = (k: string): string | undefined => {
    const v = vars[k];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (k: string, fallback: number, min: number, max: number): number => {
    const v = get(k);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${k} must be an integer from ${min} to ${max}, got "${v}"`);
      return fallback;
    }
    return n;
  };
  const url = (k: string): string | undefined => {
    const v = get(k);
    if (v === undefined) return undefined;
    try {
      const u = new URL(v);
      if (!/^https?:$/.test(u.protocol)) throw new Error('protocol');
      return v;
    } catch {
      problems.push(`${k} must be an http(s) URL, got "${v}"`);
      return undefined;
    }
  };

  let discord: DiscordConfig | undefined;
  const dToken = get('DISCORD_TOKEN');
  const dApp = get('DISCORD_APPLICATION_ID');
  const dApi = url('DISCORD_API_URL');
  if (dToken || dApp) {
    if (!dToken) problems.push('DISCORD_TOKEN is missing (DISCORD_APPLICATION_ID is set; set both to start the Discord bot)');
    if (!dApp) problems.push('DISCORD_APPLICATION_ID is missing (DISCORD_TOKEN is set; it is the numeric "Application ID" of your app)');
    else if (!/^\d{5,25}$/.test(dApp)) problems.push(`DISCORD_APPLICATION_ID must be a numeric snowflake, got "${dApp}"`);
    if (dToken && /\s/.test(dToken)) problems.push('DISCORD_TOKEN must not contain spaces (paste the bot token only, without "Bot ")');
    if (dToken && dApp) discord = { token: dToken, applicationId: dApp, apiUrl: dApi };
  }

  let slack: SlackConfig | undefined;
  const sToken = get('SLACK_BOT_TOKEN');
  const sSecret = get('SLACK_SIGNING_SECRET');
  const sApp = get('SLACK_APP_TOKEN');
  const sApi = url('SLACK_API_URL');
  const slackPort = get('SLACK_PORT') === undefined ? undefined : int('SLACK_PORT', 0, 0, 65535);
  if (sToken || sSecret || sApp) {
    if (!sToken) problems.push('SLACK_BOT_TOKEN is missing (another SLACK_ variable is set; the bot token starts with xoxb-)');
    else if (!/^xox[bp]-/.test(sToken)) problems.push('SLACK_BOT_TOKEN must start with "xoxb-" (the Bot User OAuth Token)');
    if (!sSecret) problems.push('SLACK_SIGNING_SECRET is missing (Basic Information → App Credentials → Signing Secret)');
    if (sApp && !/^xapp-/.test(sApp))
      problems.push('SLACK_APP_TOKEN must start with "xapp-" (an app-level token with connections:write, for Socket Mode)');
    if (sToken && sSecret) slack = { botToken: sToken, signingSecret: sSecret, appToken: sApp, apiUrl: sApi, port: slackPort };
  }

  // unset: the strategy and budget the policy's manifest names for its usual hardware, else MCTS, 16
  const modelSearch = manifestSearch(get('STEPWISE_POLICY_DIR') ?? DEFAULT_POLICY_DIR);
  const strategy = (get('STEPWISE_STRATEGY') ?? modelSearch?.strategy ?? DEFAULT_STRATEGY) as StrategyName;
  if (!STRATEGY_NAMES.includes(strategy)) problems.push(`STEPWISE_STRATEGY must be one of ${STRATEGY_NAMES.join(', ')}, got "${strategy}"`);
  const maxBudget = int('STEPWISE_MAX_BUDGET', 64, 1, 10_000);
  const defaultBudget = int('STEPWISE_BUDGET', modelSearch?.budget ?? 16, 1, 10_000);
  if (defaultBudget > maxBudget) problems.push(`STEPWISE_BUDGET (${defaultBudget}) must not exceed STEPWISE_MAX_BUDGET (${maxBudget})`);
  const host = get('HOST') ?? '127.0.0.1';
  const redisUrl = get('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\/\S+$/.test(redisUrl))
    problems.push(`REDIS_URL must be a redis:// or rediss:// URL, got "${redisUrl}"`);
  const shardsRaw = get('DISCORD_SHARDS');
  const shards = shardsRaw === undefined ? undefined : shardsRaw === 'auto' ? ('auto' as const) : int('DISCORD_SHARDS', 1, 1, 100_000);

  const config: BotConfig = {
    discord,
    slack,
    port: int('PORT', 8080, 0, 65535),
    host,
    dbPath: get('STEPWISE_DB') ?? repoPath('data', 'bots.sqlite'),
    defaultStrategy: strategy,
    defaultBudget,
    maxBudget,
    limits: {
      concurrency: int('STEPWISE_CONCURRENCY', 1, 1, 64),
      perUserPending: int('STEPWISE_USER_PENDING', 5, 1, 1000),
      perUserPerMinute: int('STEPWISE_USER_PER_MINUTE', 10, 1, 10_000),
      perChannelPending: int('STEPWISE_CHANNEL_PENDING', 20, 1, 10_000),
      solveTimeoutS: int('STEPWISE_SOLVE_TIMEOUT_S', 300, 1, 86_400),
    },
    policyDir: get('STEPWISE_POLICY_DIR'),
    scorerDir: get('STEPWISE_SCORER_DIR'),
    workers: get('STEPWISE_WORKERS') === undefined ? undefined : int('STEPWISE_WORKERS', 2, 1, 64),
    cacheSize: int('STEPWISE_CACHE_SIZE', 1000, 0, 1_000_000),
    practice: {
      files: (get('STEPWISE_PRACTICE_FILES') ?? '')
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean),
      dataDir: get('STEPWISE_DATA_DIR'),
      moderators: (get('STEPWISE_PRACTICE_MODERATORS') ?? '')
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean),
      maxAttempts: int('STEPWISE_PRACTICE_ATTEMPTS', 3, 1, 100),
      hintCost: int('STEPWISE_PRACTICE_HINT_COST', 3, 0, 1000),
    },
    redisUrl,
    shards,
    drainS: int('STEPWISE_DRAIN_S', 25, 0, 3600),
    stuckS: int('STEPWISE_STUCK_S', 120, 1, 86_400),
  };
  problems.push(...portClashes(config));
  if (config.slack && config.slack.port === config.port) delete config.slack.port; // one server serves both
  for (const f of config.practice.files) if (!fs.existsSync(f)) problems.push(`STEPWISE_PRACTICE_FILES: no such file "${f}"`);
  if (problems.length) throw new ConfigError(problems);
  return config;
}
