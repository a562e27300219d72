/**
 * The real front-end (serve(): local page, /healthz, /metrics, Slack's /slack/events when SLACK_*
 * is set, Redis mode with REDIS_URL) in a process of its own that the tests can kill -9, with the
 * scripted engine and fake images. Config from the environment like `./stepwise serve`; the
 * process policy on, as the CLI sets it. Prints one JSON line {"ev":"ready","url"} on stdout.
 *   env (tests only): DELAY_MS (per policy call), THROW_AFTER_MS (an uncaught throw and an
 *   unhandled rejection after that long), LEASE_MS, TURN_LEASE_MS, POLL_MS (Redis mode)
 */
import { loadConfig } from '../../src/bots/core/index';
import { serve } from '../../src/bots/serve';
import { createLogger } from '../../src/ops/log';
import { fakeImages, toyEngine } from '../bots/harness';

async function main() {
  const config = loadConfig(process.env);
  const logger = createLogger({ format: 'json' });
  const running = await serve(config, {
    local: true,
    logger,
    processPolicy: true,
    core: {
      engine: async () => toyEngine(Number(process.env.DELAY_MS ?? 5)),
      images: fakeImages,
      progressIntervalMs: 20,
      searchOverrides: { candidates: 4 },
    },
    scale: {
      pollMs: process.env.POLL_MS ? Number(process.env.POLL_MS) : undefined,
      leaseMs: process.env.LEASE_MS ? Number(process.env.LEASE_MS) : undefined,
      turnLeaseMs: process.env.TURN_LEASE_MS ? Number(process.env.TURN_LEASE_MS) : undefined,
    },
  });
  const url = running.local?.url ?? running.ops?.url;
  process.stdout.write(JSON.stringify({ ev: 'ready', url, pid: process.pid }) + '\n');
  if (process.env.THROW_AFTER_MS) {
    setTimeout(() => {
      throw new Error('a bug nothing caught');
    }, Number(process.env.THROW_AFTER_MS));
    setTimeout(() => void Promise.reject(new Error('a promise nobody awaited')), Number(process.env.THROW_AFTER_MS));
  }
  const stop = async () => {
    await running.drain(1000);
    await running.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
}

main().catch((err) => {
  process.stderr.write(`serve-main failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
