import { CliError, intFlag, parseFlags, type CliCommand } from '../command';

export const command: CliCommand = {
  name: 'serve',
  summary: 'Run the bots: Discord / Slack when configured, else a local web page',
  usage: `Usage: ./stepwise serve [--port N] [--local] [--db FILE] [--env FILE]

Starts every chat platform that has credentials in the environment (or .env):
  Discord: DISCORD_TOKEN + DISCORD_APPLICATION_ID
  Slack:   SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET (+ SLACK_APP_TOKEN for Socket Mode)
With none configured (or with --local) it serves the answer threads on http://127.0.0.1:PORT.
See .env.example and docs/bots.md for every variable.

Options:
  --port N     local web page port (default $PORT or 8080)
  --local      also serve the local web page when platforms are configured
  --db FILE    SQLite file for jobs and answers (default $STEPWISE_DB or data/bots.sqlite)
  --env FILE   read variables from FILE instead of .env
`,
  async run(args) {
    const { values } = parseFlags('serve', args, {
      port: { type: 'string' },
      local: { type: 'boolean' },
      db: { type: 'string' },
      env: { type: 'string' },
    });
    const { loadConfig, readEnv, ConfigError } = await import('../../bots/core/config');
    let config;
    try {
      const vars = readEnv(process.env, values.env);
      if (values.port !== undefined) vars.PORT = String(intFlag('port', values.port, 8080, 0));
      if (values.db !== undefined) vars.STEPWISE_DB = values.db;
      config = loadConfig(vars);
    } catch (err) {
      if (err instanceof ConfigError) throw new CliError(`${err.message}\nSee .env.example and docs/bots.md.`, 2);
      throw err;
    }
    const { serve } = await import('../../bots/serve');
    const running = await serve(config, { local: values.local });
    await new Promise<void>((resolve) => {
      const stop = (sig: string) => {
        process.stderr.write(`\n${sig}: stopping (unfinished questions resume at the next start)...\n`);
        resolve();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    await running.close();
    return 0;
  },
};
