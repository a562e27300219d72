import type { AddressInfo } from 'node:net';
import { LogLevel } from '@slack/bolt';
import { startSlack, type SlackBot } from '../../../../src/bots/platforms/slack/bot';
import type { BotCore } from '../../../../src/bots/compose';
import { actionBody, FakeSlack, mentionBody, signedRequest, slashBody } from '../../../helpers/fake-slack';
import { isPng, MATH_QUESTION, testCore } from '../../harness';

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
      imageRetryMs: [50, 100, 200],
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

  /** Index in fake.calls of each call, accepted ones only. */
  const accepted = (method: string) =>
    fake.calls.map((c, index) => ({ ...c, index })).filter((c) => c.method === method && !fake.refused.some((r) => r.index === c.index));

  /**
   * The thread as a reader sees it, in posting order: the parent (the placeholder as last updated)
   * and each accepted reply, as text lines and `[image file.png]`.
   */
  function thread(parentTs: string): { index: number; seen: string[]; blocks: any[] }[] {
    const head = accepted('chat.update')
      .filter((c) => c.args.ts === parentTs)
      .pop()!;
    const replies = accepted('chat.postMessage').filter((c) => c.args.thread_ts === parentTs);
    return [head, ...replies].map((c) => ({ index: c.index, seen: fake.seen(c.args.blocks, c.args.text), blocks: c.args.blocks ?? [] }));
  }

  /** Every image shown was uploaded, unshared, and completed before the message showing it. */
  function imagesUploadedFirst(msgs: { index: number; blocks: any[] }[]): number {
    let n = 0;
    for (const m of msgs) {
      for (const b of m.blocks.filter((x: any) => x.type === 'image')) {
        const f = fake.files.get(b.slack_file.id)!;
        expect(f).toBeDefined();
        expect(f.completedCall).toBeLessThan(m.index);
        expect(f.sharedTo).toBeUndefined(); // never shared into the channel on its own
        expect(isPng(fake.uploads.get(f.id)!)).toBe(true);
        n++;
      }
    }
    return n;
  }

  let parentTs = '';

  test('/solve: acked at once, placeholder updated with progress, header, then the first step in one message with its images', async () => {
    const r = await signedRequest(
      events,
      SECRET,
      slashBody({ text: `strategy:beam budget:2 ${MATH_QUESTION}` }),
      'application/x-www-form-urlencoded',
    );
    expect(r.status).toBe(200);
    expect(r.ms).toBeLessThan(300);
    await fake.waitFor(
      () => fake.calls_('chat.postMessage').some((c) => c.args.thread_ts && (c.args.blocks ?? []).some((b: any) => b.type === 'actions')),
      15_000,
      'thread with buttons',
    );
    const placeholder = fake.calls_('chat.postMessage')[0];
    expect(placeholder.args.text).toMatch(/Working on it/);
    parentTs = fake.calls_('chat.postMessage').find((c) => c.args.thread_ts)!.args.thread_ts;
    const updates = fake.calls_('chat.update');
    expect(updates.some((u) => /Solving… .*step \d+\/16/.test(u.args.text))).toBe(true);
    expect(fake.refused).toEqual([]);
    const msgs = thread(parentTs);
    // the parent: question typeset (once), then the answer
    expect(msgs[0].seen.slice(0, 2)).toEqual(['*Question*', '[image question.png]']);
    expect(msgs[0].seen[2]).toMatch(/^\*Answer:\* \d+$/);
    // the first step: one message, label first, its images after its text
    expect(msgs).toHaveLength(2);
    expect(msgs[1].seen[0]).toMatch(/^\*Steps? 1/);
    expect(msgs[1].seen.slice(-3)).toEqual(['[button Next step]', '[button Show all]', '[button Other answers]']);
    expect(imagesUploadedFirst(msgs)).toBeGreaterThan(0);
    expect(fake.calls_('files.completeUploadExternal').every((c) => !c.args.channel_id && !c.args.thread_ts)).toBe(true);
  });

  test('buttons: show all posts one message per step in order; question and answer appear once in the whole thread', async () => {
    const withButtons = fake.calls_('chat.postMessage').filter((c) => (c.args.blocks ?? []).some((b: any) => b.type === 'actions'));
    const last = withButtons[withButtons.length - 1];
    const actions = last.args.blocks.find((b: any) => b.type === 'actions').elements.map((e: any) => e.action_id);
    const jobId = actions[0].split(':')[2];
    const p = await (await import('../../../../src/bots/core/present')).presentSlack(core.service.getJob(jobId)!.result!, core.images);
    const before = fake.calls_('chat.postMessage').length;
    const res = await signedRequest(
      events,
      SECRET,
      actionBody(`sw:all:${jobId}`, 'C1', '1.0', last.args.thread_ts),
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(200);
    await fake.waitFor(
      () =>
        fake
          .calls_('chat.postMessage')
          .slice(before)
          .some((c) => (c.args.blocks ?? []).some((b: any) => /^\*Conclusion\*|^_End of the solution/.test(b.text?.text ?? ''))),
      5000,
      'show all',
    );
    expect(fake.refused).toEqual([]);
    const msgs = thread(parentTs);
    // parent + one message per step + the closing one (an ordinary step fits one message)
    expect(p.steps.every((g) => g.length === 1)).toBe(true);
    expect(msgs).toHaveLength(1 + p.steps.length + 1);
    p.thread.steps.forEach((s, i) => expect(msgs[1 + i].seen[0].startsWith(`*${s.label}*`)).toBe(true));
    for (const m of msgs.slice(1, -1)) {
      // in each step: the text first, the images after it
      const firstImage = m.seen.findIndex((x) => x.startsWith('[image'));
      if (firstImage >= 0) expect(firstImage).toBeGreaterThan(0);
    }
    const all = msgs.flatMap((m) => m.seen);
    expect(all.filter((x) => x === '[image question.png]')).toHaveLength(1);
    expect(all.filter((x) => /Tom has/.test(x))).toHaveLength(0); // not also as text
    expect(all.filter((x) => /^\*?(Answer|Final answer|Best guess)\b/.test(x))).toEqual([`*Answer:* ${p.thread.answer}`]);
    imagesUploadedFirst(msgs);
    await signedRequest(
      events,
      SECRET,
      actionBody(`sw:alternatives:${jobId}`, 'C1', '1.0', last.args.thread_ts),
      'application/x-www-form-urlencoded',
    );
    await fake.waitFor(
      () => fake.calls_('chat.postMessage').some((c) => /Other answers considered|No other answers/.test(c.args.text ?? '')),
      5000,
      'alternatives',
    );
    await signedRequest(
      events,
      SECRET,
      actionBody(`sw:next:${jobId}`, 'C1', '1.0', last.args.thread_ts),
      'application/x-www-form-urlencoded',
    );
    await fake.waitFor(
      () => fake.calls_('chat.postEphemeral').some((c) => /All steps are shown/.test(c.args.text)),
      5000,
      'all shown note',
    );
  });

  test('Slack still processing the uploads: the post is retried until the images are accepted, in order', async () => {
    fake.fileReadyMs = 150;
    try {
      const before = fake.calls.length;
      await signedRequest(
        events,
        SECRET,
        slashBody({ text: `strategy:greedy budget:2 ${MATH_QUESTION}` }),
        'application/x-www-form-urlencoded',
      );
      await fake.waitFor(
        () =>
          accepted('chat.postMessage').some(
            (c) => c.index > before && c.args.thread_ts && (c.args.blocks ?? []).some((b: any) => b.type === 'actions'),
          ),
        15_000,
        'thread',
      );
      const refusals = fake.refused.filter((r) => r.index > before);
      expect(refusals.length).toBeGreaterThan(0);
      expect(refusals.every((r) => r.error === 'invalid_blocks' && /invalid slack file/.test(r.errors!.join()))).toBe(true);
      const ts = accepted('chat.postMessage').find((c) => c.index > before && c.args.thread_ts)!.args.thread_ts;
      const msgs = thread(ts);
      expect(msgs[0].seen[1]).toBe('[image question.png]'); // typeset after all, not as text
      expect(imagesUploadedFirst(msgs)).toBeGreaterThan(0);
    } finally {
      fake.fileReadyMs = 0;
    }
  });

  test('Slack never accepts the images: the message goes out with them as LaTeX source, nothing lost', async () => {
    fake.fileReadyMs = 3_600_000;
    try {
      const before = fake.calls.length;
      await signedRequest(
        events,
        SECRET,
        slashBody({ text: `strategy:greedy budget:2 ${MATH_QUESTION}` }),
        'application/x-www-form-urlencoded',
      );
      await fake.waitFor(
        () =>
          accepted('chat.postMessage').some(
            (c) => c.index > before && c.args.thread_ts && (c.args.blocks ?? []).some((b: any) => b.type === 'actions'),
          ),
        15_000,
        'thread',
      );
      const ts = accepted('chat.postMessage').find((c) => c.index > before && c.args.thread_ts)!.args.thread_ts;
      const msgs = thread(ts);
      expect(msgs[0].seen[0]).toBe('*Question*');
      expect(msgs[0].seen[1]).toContain('`\\frac{3 \\cdot 12 - 7}{1}`');
      expect(msgs.flatMap((m) => m.seen).some((x) => x.startsWith('[image'))).toBe(false);
    } finally {
      fake.fileReadyMs = 0;
    }
  });

  test('app_mention: placeholder in the thread of the mention, then the answer there', async () => {
    const body = mentionBody('budget:3 strategy:greedy What is $3 \\times 12 - 7$?');
    const mentionTs = JSON.parse(body).event.ts;
    const r = await signedRequest(events, SECRET, body, 'application/json');
    expect(r.status).toBe(200);
    await fake.waitFor(
      () =>
        fake
          .calls_('chat.postMessage')
          .some((c) => c.args.thread_ts === mentionTs && (c.args.blocks ?? []).some((b: any) => b.type === 'actions')),
      10_000,
      'answer in mention thread',
    );
    const first = fake.calls_('chat.postMessage').find((c) => c.args.thread_ts === mentionTs)!;
    expect(first.args.text).toMatch(/Working on it/);
  });

  test('invalid input and rate limits get friendly ephemeral replies', async () => {
    await signedRequest(events, SECRET, slashBody({ text: '   ' }), 'application/x-www-form-urlencoded');
    await signedRequest(events, SECRET, slashBody({ text: 'strategy:magic 1+1' }), 'application/x-www-form-urlencoded');
    await fake.waitFor(() => fake.calls_('chat.postEphemeral').length >= 3, 5000, 'ephemeral replies');
    const texts = fake
      .calls_('chat.postEphemeral')
      .map((c) => c.args.text)
      .join('\n');
    expect(texts).toMatch(/Ask me a math question/); // empty /solve → help
    expect(texts).toMatch(/Unknown strategy/);
    // 11 questions in a minute from one user: over the per-minute limit of 10
    for (let i = 0; i < 12; i++) {
      await signedRequest(
        events,
        SECRET,
        slashBody({ text: `strategy:greedy What is ${i} + 1?`, user_id: 'U9' }),
        'application/x-www-form-urlencoded',
      );
    }
    await fake.waitFor(
      () => fake.calls_('chat.postEphemeral').some((c) => /waiting|in the last minute/.test(c.args.text)),
      5000,
      'rate limit reply',
    );
    await core.service.idle();
  });

  test('requests with a bad or stale signature are rejected with 401', async () => {
    const bad = await signedRequest(events, SECRET, slashBody({ text: '1+1' }), 'application/x-www-form-urlencoded', {
      badSignature: true,
    });
    expect(bad.status).toBe(401);
    const stale = await signedRequest(events, SECRET, slashBody({ text: '1+1' }), 'application/x-www-form-urlencoded', {
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(stale.status).toBe(401);
    const wrongSecret = await signedRequest(events, 'not-the-secret', slashBody({ text: '1+1' }), 'application/x-www-form-urlencoded');
    expect(wrongSecret.status).toBe(401);
  });
});
