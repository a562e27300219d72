import { CliError, intFlag, parseFlags, type CliCommand } from '../command';
import type { BotConfig } from '../../bots/core/config';

const FLAGS = {
  port: { type: 'string' },
  host: { type: 'string' },
  local: { type: 'boolean' },
  db: { type: 'string' },
  env: { type: 'string' },
  shards: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

/** The validated config for `serve` arguments (exported for the tests of the Docker entrypoint). */
export async function serveConfig(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ config: BotConfig; local: boolean }> {
  const { values } = parseFlags('serve', args, FLAGS);
  const { loadConfig, readEnv, ConfigError } = await import('../../bots/core/config');
  try {
    const vars = readEnv(env, values.env);
    if (values.port !== undefined) vars.PORT = String(intFlag('port', values.port, 8080, 0));
    if (values.host !== undefined) vars.HOST = values.host;
    if (values.db !== undefined) vars.STEPWISE_DB = values.db;
    if (values.shards !== undefined) vars.DISCORD_SHARDS = values.shards;
    if (values['data-dir'] !== undefined) vars.STEPWISE_DATA_DIR = values['data-dir'];
    return { config: loadConfig(vars), local: !!values.local };
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(`${err.message}\nSee .env.example and docs/bots.md.`, 2);
    throw err;
  }
}

export const command: CliCommand = {
  name: 'serve',
  summary: 'Run the bots: Discord / Slack when configured, else a local web page',
  usage: `Usage: ./stepwise serve [--port N] [--host ADDR] [--local] [--db FILE] [--env FILE] [--shards N|auto] [--data-dir DIR]

Starts every chat platform that has credentials in the environment (or .env):
  Discord: DISCORD_TOKEN + DISCORD_APPLICATION_ID
  Slack:   SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET (+ SLACK_APP_TOKEN for Socket Mode)
With none configured (or with --local) it serves the answer threads on http://127.0.0.1:PORT.
GET /healthz, /metrics (Prometheus) and Slack's POST /slack/events are served on PORT in every mode.
With REDIS_URL set, limits and the solve queue are shared in Redis and searches run in
./stepwise worker processes (docs/operations.md).
See .env.example and docs/bots.md for every variable.

Options:
  --port N         the one HTTP port: local page, health, metrics, Slack events (default $PORT or 8080)
  --host ADDR      address to bind (default $HOST or 127.0.0.1; 0.0.0.0 in containers)
  --local          also serve the local web page when platforms are configured
  --db FILE        SQLite file for jobs and answers (default $STEPWISE_DB or data/bots.sqlite)
  --env FILE       read variables from FILE instead of .env
  --shards N|auto  Discord shards (default $DISCORD_SHARDS or one); with REDIS_URL one process each
  --data-dir DIR   data directory for the practice AIME/AMC sets (default $STEPWISE_DATA_DIR, else
                   ../shared/data); fill it with ./stepwise data fetch
`,
  async run(args) {
    const { config, local } = await serveConfig(args);
    const { serve } = await import('../../bots/serve');
    const running = await serve(config, { local, processPolicy: true });
    const log = running.logger.child({ component: 'serve' });
    const sig = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    log.info(
      { signal: sig },
      'stopping: no new questions; running ones finish or resume at the next start (a second signal stops at once)',
    );
    const again = new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await Promise.race([running.drain(), again]);
    await running.close();
    return 0;
  },
};
