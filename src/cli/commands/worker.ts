import { CliError, intFlag, parseFlags, type CliCommand } from '../command';

export const command: CliCommand = {
  name: 'worker',
  summary: 'Run a solver worker for the scaled set-up (takes solve jobs from Redis)',
  usage: `Usage: ./stepwise worker [--concurrency N] [--port N] [--env FILE]

Takes solve jobs from the Redis queue (REDIS_URL) that ./stepwise serve front-ends fill, runs the
engine and returns the answers. Start as many as you like, on any machine that reaches Redis; a job
of a worker that dies goes to another. Models: STEPWISE_POLICY_DIR / STEPWISE_SCORER_DIR (a
manifest with an inference-server backend points the worker at vLLM, see docs/models.md).
See docs/operations.md.

Options:
  --concurrency N  searches at once (default $STEPWISE_CONCURRENCY or 1)
  --port N         /healthz and /metrics port (default $PORT or 9100; 0 = any free port)
  --env FILE       read variables from FILE instead of .env
`,
  async run(args) {
    const { values } = parseFlags('worker', args, {
      concurrency: { type: 'string' },
      port: { type: 'string' },
      env: { type: 'string' },
    });
    const { loadConfig, readEnv, ConfigError } = await import('../../bots/core/config');
    let config;
    try {
      const vars = readEnv(process.env, values.env);
      if (vars.PORT === undefined || vars.PORT === '') vars.PORT = '9100';
      if (values.port !== undefined) vars.PORT = String(intFlag('port', values.port, 9100, 0));
      config = loadConfig(vars);
    } catch (err) {
      if (err instanceof ConfigError) throw new CliError(`${err.message}\nSee .env.example and docs/operations.md.`, 2);
      throw err;
    }
    if (!config.redisUrl)
      throw new CliError('REDIS_URL is not set: a solver worker takes its jobs from Redis (see docs/operations.md).', 2);
    const concurrency = intFlag('concurrency', values.concurrency, config.limits.concurrency);
    const { runWorker } = await import('../../bots/scale/run-worker');
    const w = await runWorker(config, { concurrency });
    const { installProcessPolicy } = await import('../../ops/process');
    installProcessPolicy({ logger: w.logger, metrics: w.metrics });
    await waitForSignal((sig) =>
      w.logger.info({ signal: sig }, 'stopping: no new jobs; running ones finish (a second signal leaves them to other workers)'),
    );
    const second = waitForSignal(() => undefined).then(() => 0);
    await Promise.race([w.close(), second.then(() => w.close(0))]);
    return 0;
  },
};

function waitForSignal(onSignal: (sig: string) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const h = (sig: string) => {
      process.off('SIGINT', h);
      process.off('SIGTERM', h);
      onSignal(sig);
      resolve();
    };
    process.on('SIGINT', h);
    process.on('SIGTERM', h);
  });
}
