/**
 * One HTTP server on PORT: Slack events (signed requests, real Bolt), /healthz and /metrics; a
 * SLACK_PORT equal to PORT is the same server; port clashes are config errors at load.
 */
import net from 'node:net';
import { ConfigError, loadConfig } from '../../src/bots/core/config';
import { serve, type Running } from '../../src/bots/serve';
import { createLogger } from '../../src/ops/log';
import { FakeSlack, signedRequest, slashBody } from '../helpers/fake-slack';
import { fakeImages, tmpDb, toyEngine } from '../bots/harness';

const SECRET = 'test-signing-secret';

describe('Slack events, /healthz and /metrics on one PORT server', () => {
  let fake: FakeSlack;
  let running: Running;
  let base: string;

  beforeAll(async () => {
    fake = new FakeSlack();
    await fake.start();
    const config = loadConfig({
      PORT: '0',
      STEPWISE_DB: tmpDb(),
      SLACK_BOT_TOKEN: 'xoxb-fake',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
    });
    expect(config.slack!.port).toBeUndefined();
    running = await serve(config, {
      log: () => undefined,
      logger: createLogger({ format: 'json', dest: { write: () => undefined } }),
      core: { engine: async () => toyEngine(5), images: fakeImages, searchOverrides: { candidates: 4 } },
    });
    base = running.ops!.url;
  });
  afterAll(async () => {
    await running?.close();
    await fake?.stop();
  });

  test('a signed /solve POSTed to PORT reaches the bot; /healthz and /metrics answer on the same port', async () => {
    const r = await signedRequest(
      `${base}/slack/events`,
      SECRET,
      slashBody({ text: 'strategy:greedy What is 2 + 3?' }),
      'application/x-www-form-urlencoded',
    );
    expect(r.status).toBe(200);
    await fake.waitFor(() => fake.calls_('chat.postMessage').length > 0, 10_000, 'placeholder posted');
    expect(fake.calls_('chat.postMessage')[0].args.text).toMatch(/What is 2 \+ 3/);
    const bad = await signedRequest(`${base}/slack/events`, SECRET, slashBody({ text: '1+1' }), 'application/x-www-form-urlencoded', {
      badSignature: true,
    });
    expect(bad.status).toBe(401);
    const h = await fetch(`${base}/healthz`);
    expect(h.status).toBe(200);
    expect(((await h.json()) as { checks: Record<string, unknown> }).checks.slack).toBe('started');
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('stepwise_questions_total');
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    await running.core.service.idle();
  });
});

test('PORT = SLACK_PORT (the EADDRINUSE of issue 16.3): one server, Slack events and /healthz both answer', async () => {
  const fake = new FakeSlack();
  await fake.start();
  const free = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
  const config = loadConfig({
    PORT: String(free),
    SLACK_PORT: String(free),
    STEPWISE_DB: tmpDb(),
    SLACK_BOT_TOKEN: 'xoxb-fake',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
  });
  const running = await serve(config, {
    log: () => undefined,
    logger: createLogger({ format: 'json', dest: { write: () => undefined } }),
    core: { engine: async () => toyEngine(5), images: fakeImages },
  });
  try {
    expect(running.slack!.server).toBeUndefined();
    const base = `http://127.0.0.1:${free}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const r = await signedRequest(`${base}/slack/events`, SECRET, slashBody({ text: 'help' }), 'application/x-www-form-urlencoded');
    expect(r.status).toBe(200);
    await fake.waitFor(() => fake.calls_('chat.postEphemeral').length > 0, 5000, 'help reply');
  } finally {
    await running.close();
    await fake.stop();
  }
});

describe('port configuration', () => {
  const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', STEPWISE_DB: ':memory:' };

  test('SLACK_PORT unset or equal to PORT: Slack is served on PORT (no second listener)', () => {
    expect(loadConfig({ ...slack, PORT: '8080' }).slack!.port).toBeUndefined();
    expect(loadConfig({ ...slack, PORT: '3000', SLACK_PORT: '3000' }).slack!.port).toBeUndefined();
    expect(loadConfig({ ...slack, PORT: '8080', SLACK_PORT: '3000' }).slack!.port).toBe(3000);
  });

  test('a SLACK_PORT that a shard process would take is a clear error at load', () => {
    const vars = {
      ...slack,
      PORT: '8080',
      SLACK_PORT: '8082',
      DISCORD_TOKEN: 'abc',
      DISCORD_APPLICATION_ID: '123456789',
      REDIS_URL: 'redis://127.0.0.1:6379',
      DISCORD_SHARDS: '4',
    };
    let err: unknown;
    try {
      loadConfig(vars);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(/SLACK_PORT \(8082\) is also the \/metrics port of Discord shard process 1/);
    expect(() => loadConfig({ ...vars, SLACK_PORT: '8090' })).not.toThrow();
  });
});
