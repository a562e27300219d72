import { startDiscord, type DiscordBot } from '../../../../src/bots/platforms/discord/bot';
import { registerCommands } from '../../../../src/bots/platforms/discord/slash-commands';
import type { BotCore } from '../../../../src/bots/compose';
import { FakeDiscord } from '../../../helpers/fake-discord';
import { isPng, MATH_QUESTION, testCore } from '../../harness';

const FAST_PACING = { perWindow: 5, windowMs: 500, minTimeMs: 0 };

describe('Discord bot (real discord.js against a fake Discord)', () => {
  let fake: FakeDiscord;
  let core: BotCore;
  let bot: DiscordBot;

  beforeAll(async () => {
    fake = new FakeDiscord();
    await fake.start();
    core = testCore({ STEPWISE_USER_PENDING: '2' }, { delayMs: 30 });
    bot = await startDiscord({
      config: { token: 'fake-token', applicationId: fake.appId, apiUrl: fake.apiUrl },
      core,
      pacing: FAST_PACING,
      log: () => undefined,
    });
    await bot.ready;
  });

  afterAll(async () => {
    await bot?.close();
    await core?.close();
    await fake?.stop();
  });

  test('/solve: deferred at once, progress edits, header, thread with PNG attachments and buttons', async () => {
    const { id, token, at } = fake.slash({ question: MATH_QUESTION, strategy: 'beam', budget: 2 });
    await fake.waitFor(() => fake.callsTo('POST', new RegExp(`^/interactions/${id}/`)).length > 0, 3000, 'defer');
    const defer = fake.callsTo('POST', new RegExp(`^/interactions/${id}/`))[0];
    expect(defer.body?.type).toBe(5);
    expect(defer.at - at).toBeLessThan(3000);
    await fake.waitFor(() => fake.threads().length > 0 && fake.posts(fake.threads()[0].id).length > 0, 15_000, 'thread posts');
    const edits = fake.callsTo('PATCH', new RegExp(`^/webhooks/${fake.appId}/${token}/messages/@original$`));
    const progress = edits.filter((e) => /Solving… .*step \d+\/16/.test(e.body?.content ?? ''));
    expect(progress.length).toBeGreaterThan(0);
    const header = edits[edits.length - 1];
    expect(header.body.content).toMatch(/\*\*Answer:\*\* (8|29)/);
    // the thread starter shows the question as text (channel list and notification previews),
    // its math readable without an image, before the answer
    expect(header.body.content).toMatch(
      /^\*\*Question\*\*\nTom has 3 boxes of 12 apples and gives 7 away\. .* what is \(3 · 12 − 7\)\/1\?\n\*\*Answer:\*\*/,
    );
    expect(header.files).toEqual([]);
    const thread = fake.threads()[0];
    expect(thread.parent_id).toBe(fake.channelId);
    const posts = fake.posts(thread.id);
    expect(posts[0].body.content).toContain('Step');
    // every step's explanation is text before its code; its images (the working) come after it
    for (const p of posts.filter((x) => /```python/.test(x.body?.content ?? ''))) {
      expect(p.body.content).toMatch(/^\*\*Steps? [\d–]+\*\*( · |\n)[^`]+\n```python/);
    }
    const files = posts.flatMap((p) => p.files.map((f, i) => ({ f, d: p.body.attachments?.[i]?.description as string | undefined })));
    for (const { f, d } of files) {
      expect(isPng(f.bytes)).toBe(true);
      expect(d).toBeTruthy();
      expect(d).not.toMatch(/\\[A-Za-z]/); // alt text is readable, not LaTeX
    }
    const last = posts[posts.length - 1];
    const ids = last.body.components[0].components.map((c: any) => c.custom_id);
    expect(ids.some((c: string) => c.startsWith('sw:next:'))).toBe(true);
  });

  test('buttons: next step, show all, other answers post into the thread', async () => {
    const thread = fake.threads()[0];
    const before = fake.posts(thread.id).length;
    const lastMsg = [...fake.messages.values()].filter((m) => m.channel_id === thread.id).pop();
    const nextId = lastMsg.components[0].components.find((c: any) => c.custom_id.startsWith('sw:next:')).custom_id;
    const click = fake.click(lastMsg.id, nextId);
    await fake.waitFor(() => fake.callsTo('POST', new RegExp(`^/interactions/${click.id}/`)).length > 0, 3000, 'button ack');
    expect(fake.callsTo('POST', new RegExp(`^/interactions/${click.id}/`))[0].body.type).toBe(6);
    await fake.waitFor(() => fake.posts(thread.id).length > before, 5000, 'next step');
    const jobId = nextId.split(':')[2];
    const all = fake.click(lastMsg.id, `sw:all:${jobId}`);
    await fake.waitFor(() => fake.posts(thread.id).some((p) => /Final answer/.test(p.body?.content ?? '')), 5000, 'show all');
    expect(all.id).toBeTruthy();
    fake.click(lastMsg.id, `sw:alternatives:${jobId}`);
    await fake.waitFor(
      () => fake.posts(thread.id).some((p) => /Other answers considered|No other answers/.test(p.body?.content ?? '')),
      5000,
      'alternatives',
    );
  });

  test('mention: a thread on the message, placeholder edited with progress, then the answer', async () => {
    const m = fake.mention('strategy:vote budget:5 What is 36 - 7, from $3 \\times 12 - 7$?');
    await fake.waitFor(
      () => fake.callsTo('POST', new RegExp(`^/channels/${fake.channelId}/messages/${m.id}/threads$`)).length > 0,
      5000,
      'thread',
    );
    const thread = fake
      .threads()
      .find((t) => fake.callsTo('POST', new RegExp(`/messages/${m.id}/threads`)).length && t.name.includes('36 - 7'))!;
    expect(thread).toBeTruthy();
    await fake.waitFor(() => fake.posts(thread.id).some((p) => (p.body?.components ?? []).length > 0), 10_000, 'answer in thread');
    const placeholder = fake.posts(thread.id)[0];
    expect(placeholder.body.content).toMatch(/Working on it/);
    const edits = fake.callsTo('PATCH', new RegExp(`^/channels/${thread.id}/messages/\\d+$`));
    expect(edits.some((e) => /Answer:/.test(e.body?.content ?? ''))).toBe(true);
  });

  test('invalid input and rate limits get friendly replies', async () => {
    const empty = fake.slash({ question: '   ' });
    await fake.waitFor(() => fake.callsTo('PATCH', new RegExp(`/${empty.token}/messages/@original$`)).length > 0, 5000, 'empty reply');
    expect(fake.callsTo('PATCH', new RegExp(`/${empty.token}/messages/@original$`))[0].body.content).toMatch(/question is empty/);
    const long = fake.slash({ question: 'x'.repeat(5000) });
    await fake.waitFor(() => fake.callsTo('PATCH', new RegExp(`/${long.token}/messages/@original$`)).length > 0, 5000, 'long reply');
    expect(fake.callsTo('PATCH', new RegExp(`/${long.token}/messages/@original$`))[0].body.content).toMatch(/limit is 4000/);
    const badStrategy = fake.slash({ question: '1+1?', strategy: 'magic' });
    await fake.waitFor(
      () => fake.callsTo('PATCH', new RegExp(`/${badStrategy.token}/messages/@original$`)).length > 0,
      5000,
      'strategy reply',
    );
    expect(fake.callsTo('PATCH', new RegExp(`/${badStrategy.token}/messages/@original$`))[0].body.content).toMatch(/Unknown strategy/);
    // per-user pending limit 2: the third question in a row is refused politely
    const user = '4242';
    const a = fake.slash({ question: 'What is 3 * 12 - 7 (a)?', budget: 8 }, user);
    const b = fake.slash({ question: 'What is 3 * 12 - 7 (b)?', budget: 8 }, user);
    await fake.waitFor(
      () => [a, b].every((x) => fake.callsTo('PATCH', new RegExp(`/${x.token}/messages/@original$`)).length > 0),
      5000,
      'two accepted',
    );
    const c = fake.slash({ question: 'What is 3 * 12 - 7 (c)?', budget: 8 }, user);
    await fake.waitFor(() => fake.callsTo('PATCH', new RegExp(`/${c.token}/messages/@original$`)).length > 0, 5000, 'third refused');
    expect(fake.callsTo('PATCH', new RegExp(`/${c.token}/messages/@original$`))[0].body.content).toMatch(
      /already have 2 questions waiting/,
    );
    await core.service.idle();
  });

  test('register-commands PUTs /solve with its options, /practice and /check (guild)', async () => {
    const names = await registerCommands({ token: 't', applicationId: fake.appId, apiUrl: fake.apiUrl, guildId: fake.guildId });
    expect(names).toEqual(['solve', 'practice', 'check']);
    const put = fake.callsTo('PUT', new RegExp(`^/applications/${fake.appId}/guilds/${fake.guildId}/commands$`))[0];
    expect(put.body[0].options.map((o: any) => o.name)).toEqual(['question', 'strategy', 'budget']);
  });
});
