import type { AddressInfo } from 'node:net';
import { LogLevel } from '@slack/bolt';
import { startSlack, type SlackBot } from '../../src/bots/slack/bot';
import type { BotCore } from '../../src/bots/core/index';
import { actionBody, FakeSlack, mentionBody, signedRequest, slashBody } from '../helpers/fake-slack';
import { isPng, MATH_QUESTION, testCore } from './harness';

const SECRET = 'test-signing-secret';

describe('Slack bot (real Bolt, HTTP receiver, against a fake Slack Web API)', () => {
  let fake: FakeSlack;
  let core: BotCore;
  let bot: SlackBot;
  let events: string;

  beforeAll(async () => {
    fake = new FakeSlack();
    await fake.start();
    core = testCore({}, { delayMs: 30 });
    bot = await startSlack({
      config: { botToken: 'xoxb-fake', signingSecret: SECRET, apiUrl: fake.apiUrl, port: 0 },
      core,
      port: 0,
      pacing: { perWindow: 100, windowMs: 1000, minTimeMs: 5 },
      log: () => undefined,
      logLevel: LogLevel.ERROR,
    });
    events = `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    await bot?.close();
    await core?.close();
    await fake?.stop();
  });

  test('/solve: acked at once, placeholder updated with progress, header, thread replies with PNG uploads and buttons', async () => {
    const r = await signedRequest(events, SECRET, slashBody({ text: `strategy:beam budget:2 ${MATH_QUESTION}` }), 'application/x-www-form-urlencoded');
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(300);
    await fake.waitFor(() => fake.calls_('chat.postMessage').some((c) => c.args.thread_ts && (c.args.blocks ?? []).some((b: any) => b.type === 'actions')), 15_000, 'thread with buttons');
    const placeholder = fake.calls_('chat.postMessage')[0];
    expect(placeholder.args.text).toMatch(/Working on it/);
    const updates = fake.calls_('chat.update');
    expect(updates.some((u) => /Solving… .*step \d+\/16/.test(u.args.text))).toBe(true);
    expect(updates[updates.length - 1].args.blocks.some((b: any) => /Answer:/.test(b.text?.text ?? ''))).toBe(true);
    const complete = fake.calls_('files.completeUploadExternal');
    expect(complete.length).toBeGreaterThan(0);
    expect(complete[0].args.channel_id).toBe('C1');
    expect(complete[0].args.thread_ts).toBeTruthy();
    const uploaded = [...fake.uploads.values()];
    expect(uploaded.length).toBeGreaterThan(0);
    expect(uploaded.every(isPng)).toBe(true);
  });

  test('buttons: next step, show all and other answers reply in the thread', async () => {
    const withButtons = fake.calls_('chat.postMessage').filter((c) => (c.args.blocks ?? []).some((b: any) => b.type === 'actions'));
    const last = withButtons[withButtons.length - 1];
    const actions = last.args.blocks.find((b: any) => b.type === 'actions').elements.map((e: any) => e.action_id);
    const jobId = actions[0].split(':')[2];
    const before = fake.calls_('chat.postMessage').length;
    const res = await signedRequest(events, SECRET, actionBody(`sw:all:${jobId}`, 'C1', '1.0', last.args.thread_ts), 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    await fake.waitFor(() => fake.calls_('chat.postMessage').slice(before).some((c) => /Final answer/.test(c.args.text ?? '')), 5000, 'show all');
    await signedRequest(events, SECRET, actionBody(`sw:alternatives:${jobId}`, 'C1', '1.0', last.args.thread_ts), 'application/x-www-form-urlencoded');
    await fake.waitFor(() => fake.calls_('chat.postMessage').some((c) => /Other answers considered|No other answers/.test(c.args.text ?? '')), 5000, 'alternatives');
    await signedRequest(events, SECRET, actionBody(`sw:next:${jobId}`, 'C1', '1.0', last.args.thread_ts), 'application/x-www-form-urlencoded');
    await fake.waitFor(() => fake.calls_('chat.postEphemeral').some((c) => /All steps are shown/.test(c.args.text)), 5000, 'all shown note');
  });

  test('app_mention: placeholder in the thread of the mention, then the answer there', async () => {
    const body = mentionBody('budget:3 strategy:greedy What is $3 \\times 12 - 7$?');
    const mentionTs = JSON.parse(body).event.ts;
    const r = await signedRequest(events, SECRET, body, 'application/json');
    expect(r.status).toBe(200);
    await fake.waitFor(() => fake.calls_('chat.postMessage').some((c) => c.args.thread_ts === mentionTs && (c.args.blocks ?? []).some((b: any) => b.type === 'actions')), 10_000, 'answer in mention thread');
    const first = fake.calls_('chat.postMessage').find((c) => c.args.thread_ts === mentionTs)!;
    expect(first.args.text).toMatch(/Working on it/);
  });

  test('invalid input and rate limits get friendly ephemeral replies', async () => {
    await signedRequest(events, SECRET, slashBody({ text: '   ' }), 'application/x-www-form-urlencoded');
    await signedRequest(events, SECRET, slashBody({ text: 'strategy:magic 1+1' }), 'application/x-www-form-urlencoded');
    await fake.waitFor(() => fake.calls_('chat.postEphemeral').length >= 3, 5000, 'ephemeral replies');
    const texts = fake.calls_('chat.postEphemeral').map((c) => c.args.text).join('\n');
    expect(texts).toMatch(/Ask me a math question/); // empty /solve → help
    expect(texts).toMatch(/Unknown strategy/);
    // 11 questions in a minute from one user: over the per-minute limit of 10
    for (let i = 0; i < 12; i++) {
      await signedRequest(events, SECRET, slashBody({ text: `strategy:greedy What is ${i} + 1?`, user_id: 'U9' }), 'application/x-www-form-urlencoded');
    }
    await fake.waitFor(() => fake.calls_('chat.postEphemeral').some((c) => /waiting|in the last minute/.test(c.args.text)), 5000, 'rate limit reply');
    await core.service.idle();
  });

  test('requests with a bad or stale signature are rejected with 401', async () => {
    const bad = await signedRequest(events, SECRET, slashBody({ text: '1+1' }), 'application/x-www-form-urlencoded', { badSignature: true });
    expect(bad.status).toBe(401);
    const stale = await signedRequest(events, SECRET, slashBody({ text: '1+1' }), 'application/x-www-form-urlencoded', { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(stale.status).toBe(401);
    const wrongSecret = await signedRequest(events, 'not-the-secret', slashBody({ text: '1+1' }), 'application/x-www-form-urlencoded');
    expect(wrongSecret.status).toBe(401);
  });
});
