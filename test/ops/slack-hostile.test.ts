/**
 * Hostile and repeated Slack requests against the real front-end process (serve(): real Bolt
 * behind the request guard, real HTTP server, the process policy `./stepwise serve` installs):
 *  - a validly signed body of JSON null, form payload=null or an event that is not an object is
 *    refused with 400 and the process keeps serving (it used to die inside Bolt's receiver);
 *  - the same event (same event_id) sent again, as a retry or after a restart, is answered once;
 *  - timestamps in the future are refused;
 *  - an error nothing caught is logged as JSON, counted in /metrics, and the process keeps serving;
 *  - Bolt's own warnings are JSON lines in the log like every other line.
 */
import { createHmac } from 'node:crypto';
import { FakeSlack, mentionBody, signedRequest, slashBody } from '../helpers/fake-slack';
import { startServeChild, type ServeChild } from '../helpers/serve-child';
import { tmpDb } from '../bots/harness';

jest.setTimeout(90_000);
const SECRET = 'test-signing-secret';

async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** POSTs a signed body with extra headers (retries). */
async function signedWith(url: string, body: string, headers: Record<string, string>, ts = Math.floor(Date.now() / 1000)) {
  const sig = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig, ...headers },
    body,
  });
  return res.status;
}

describe('Slack requests that must not kill, repeat or confuse the front-end (real process)', () => {
  let fake: FakeSlack;
  let child: ServeChild | undefined;
  const db = tmpDb();
  const env = () => ({
    STEPWISE_DB: db,
    SLACK_BOT_TOKEN: 'xoxb-fake',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    STEPWISE_BUDGET: '4',
    THROW_AFTER_MS: '300',
  });
  const events = () => `${child!.url}/slack/events`;
  const healthy = async () => (await fetch(`${child!.url}/healthz`)).status === 200;

  beforeAll(async () => {
    fake = new FakeSlack();
    await fake.start();
    child = await startServeChild(env());
  });
  afterAll(async () => {
    await child?.kill();
    await fake?.stop();
  });

  test('signed null bodies and null events get 400; the process keeps serving', async () => {
    expect((await signedRequest(events(), SECRET, 'null', 'application/json')).status).toBe(400);
    expect((await signedRequest(events(), SECRET, 'payload=null', 'application/x-www-form-urlencoded')).status).toBe(400);
    expect((await signedRequest(events(), SECRET, '[1,2]', 'application/json')).status).toBe(400);
    const nullEvent = JSON.stringify({ type: 'event_callback', event_id: 'EvNull', event: null });
    expect((await signedRequest(events(), SECRET, nullEvent, 'application/json')).status).toBe(400);
    await new Promise((r) => setTimeout(r, 300));
    expect(child!.exited()).toBe(false);
    expect(await healthy()).toBe(true);
  });

  test('timestamps an hour or a year ahead are refused (401)', async () => {
    const body = mentionBody('What is 2 + 3?');
    for (const ahead of [3600, 365 * 86_400])
      expect(
        (await signedRequest(events(), SECRET, body, 'application/json', { timestamp: Math.floor(Date.now() / 1000) + ahead })).status,
      ).toBe(401);
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
  });

  test('one event sent three times (once as X-Slack-Retry-Num: 1) and again after a restart gets one answer thread', async () => {
    const body = mentionBody('Tom has 3 boxes of 12 apples and gives 7 away. How many apples are left?');
    const mentionTs = JSON.parse(body).event.ts as string;
    const placeholders = () =>
      fake.calls.filter(
        (c) =>
          c.method === 'chat.postMessage' &&
          c.args.thread_ts === mentionTs &&
          /Working on it|Queued behind|in the cache/.test(String(c.args.text)),
      );
    expect(await signedWith(events(), body, {})).toBe(200);
    expect(await signedWith(events(), body, {})).toBe(200);
    expect(await signedWith(events(), body, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })).toBe(200);
    await until(() => fake.calls.some((c) => c.method === 'chat.update' && /Answer/i.test(JSON.stringify(c.args))), 30_000, 'the answer');
    await new Promise((r) => setTimeout(r, 500));
    expect(placeholders()).toHaveLength(1);
    // the store of seen events survives a restart
    await child!.kill();
    child = await startServeChild(env());
    expect(await signedWith(events(), body, { 'x-slack-retry-num': '2' })).toBe(200);
    await new Promise((r) => setTimeout(r, 800));
    expect(placeholders()).toHaveLength(1);
  });

  test('an error nothing caught is logged and counted; the process keeps serving; Bolt warnings are JSON lines', async () => {
    // the restarted child throws (uncaught) and rejects (unhandled) 300 ms after start
    await new Promise((r) => setTimeout(r, 600));
    expect(child!.exited()).toBe(false);
    expect(await healthy()).toBe(true);
    const metrics = await (await fetch(`${child!.url}/metrics`)).text();
    expect(metrics).toMatch(/stepwise_uncaught_errors_total\{[^}]*kind="exception"[^}]*\} 1/);
    expect(metrics).toMatch(/stepwise_uncaught_errors_total\{[^}]*kind="rejection"[^}]*\} 1/);
    // a slash command nobody handles: Bolt warns that it was not acknowledged (after 3 s)
    expect(
      (await signedRequest(events(), SECRET, slashBody({ command: '/nothing', text: 'x' }), 'application/x-www-form-urlencoded')).status,
    ).toBeGreaterThan(0);
    await until(() => /not acknowledged/.test(child!.stderr()), 10_000, "Bolt's warning");
    const lines = child!
      .stderr()
      .split('\n')
      .filter((l) => l.trim());
    const notJson = lines.filter((l) => {
      try {
        return typeof JSON.parse(l) !== 'object';
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    const boltWarn = lines.map((l) => JSON.parse(l)).find((l) => /not acknowledged/.test(l.msg));
    expect(boltWarn).toMatchObject({ component: 'slack', level: expect.any(Number) });
    expect(boltWarn.level).toBeGreaterThanOrEqual(40);
    const uncaught = lines.map((l) => JSON.parse(l)).filter((l) => l.component === 'process');
    expect(uncaught.map((l) => l.msg)).toEqual(
      expect.arrayContaining([expect.stringMatching(/uncaught exception/), expect.stringMatching(/unhandled promise rejection/)]),
    );
  });
});
