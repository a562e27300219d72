import { startDiscord, type DiscordBot } from '../../../../src/bots/platforms/discord/bot';
import type { BotCore } from '../../../../src/bots/compose';
import { FakeDiscord, nextId } from '../../../helpers/fake-discord';
import { isPng, tmpDb } from '../../harness';
import { QUESTION } from '../../../engine/toy-problem';
import { int, practiceCore, str, sub, until } from '../../features/practice/harness';

const FAST_PACING = { perWindow: 50, windowMs: 500, minTimeMs: 0 };

async function boot(fake: FakeDiscord, dbPath: string): Promise<{ core: BotCore; bot: DiscordBot }> {
  const core = practiceCore({ dbPath });
  const bot = await startDiscord({
    config: { token: 'fake-token', applicationId: fake.appId, apiUrl: fake.apiUrl },
    core,
    pacing: FAST_PACING,
    log: () => undefined,
  });
  await bot.ready;
  return { core, bot };
}

const contents = (fake: FakeDiscord, channelId: string) => fake.posts(channelId).map((p) => String(p.body?.content ?? ''));

describe('practice threads on Discord (real discord.js against the fake Discord)', () => {
  let fake: FakeDiscord;
  let core: BotCore;
  let bot: DiscordBot;
  const [ana, ben, cy] = [nextId(), nextId(), nextId()];

  beforeAll(async () => {
    fake = new FakeDiscord();
    await fake.start();
    ({ core, bot } = await boot(fake, tmpDb()));
  });

  afterAll(async () => {
    await bot?.close();
    await core?.close();
    await fake?.stop();
  });

  /** Sends a command and waits for its (ephemeral or public) reply text. */
  async function ask(
    name: string,
    options: any[],
    user: string,
    channel = fake.channelId,
  ): Promise<{ text: string; flags: number | undefined }> {
    const { id, token } = fake.command(name, options, user, channel);
    await until(() => fake.replyContent(token) !== undefined, 8000, `reply to ${name}`);
    const defer = fake.callsTo('POST', new RegExp(`^/interactions/${id}/`))[0];
    return { text: fake.replyContent(token)!, flags: defer?.body?.data?.flags };
  }

  test('a full session with three members: start, private answers, wrong format, hint, timeout, reveal, leaderboard', async () => {
    const t0 = Date.now();
    const start = fake.command('practice', sub('start', [str('set', 'aime2025'), int('count', 2), int('minutes', 3)]), ana);
    await until(() => fake.threads().some((t) => fake.posts(t.id).length >= 2), 8000, 'problems in the thread');
    const thread = fake.threads().find((t) => t.name.startsWith('Practice'))!;
    expect(thread.parent_id).toBe(fake.channelId);
    // the header (the deferred reply) shows the countdown
    expect(fake.replyContent(start.token)).toMatch(/Practice.*AIME 2025.*2 problems/s);
    expect(fake.replyContent(start.token)).toMatch(/Time left: 3 minutes/);
    // problems as KaTeX images
    const problems = fake.posts(thread.id).slice(0, 2);
    expect(problems[0].body.content).toMatch(/Problem 1/);
    expect(problems.every((p) => p.files.every((f) => isPng(f.bytes)))).toBe(true); // math as KaTeX images
    // each problem is one typeset image or, when its math reads fine as text, its statement
    expect(
      problems.every((p) => p.files.length === 1 || /Problem \d+\*\* \(own25-\d\)\nWhat is \$\d+ \+ \d+\$\?/.test(p.body.content)),
    ).toBe(true);

    const session = core.practice.store.latestSessionIn('discord', thread.id)!;
    expect(session.status).toBe('open');
    const [a1, a2] = session.problems.map((p) => p.answer);

    // Ana: right at once (answer in the thread, ephemeral)
    const r1 = await ask('practice', sub('answer', [int('problem', 1), str('value', a1)]), ana, thread.id);
    expect(r1.flags).toBe(64);
    expect(r1.text).toMatch(/correct: problem 1 solved/);
    // Ben: wrong format (no attempt used), then wrong, then right (from the parent channel)
    const bad = await ask('practice', sub('answer', [int('problem', 1), str('value', '2.5')]), ben);
    expect(bad.text).toMatch(/AIME answers are whole numbers from 0 to 999.*did not use an attempt/);
    const wrong = String((Number(a1) + 1) % 1000);
    expect((await ask('practice', sub('answer', [int('problem', 1), str('value', wrong)]), ben, thread.id)).text).toMatch(
      /not correct.*2 attempts left/,
    );
    expect((await ask('practice', sub('answer', [int('problem', 1), str('value', a1)]), ben, thread.id)).text).toMatch(/correct/);
    expect((await ask('practice', sub('answer', [int('problem', 3), str('value', '1')]), ben, thread.id)).text).toMatch(/no problem 3/);
    // Cy: a hint (the bot's own solution is solved in the background), then problem 2 right
    let hint = '';
    for (let k = 0; k < 40 && !hint.includes('Hint 1'); k++) {
      hint = (await ask('practice', sub('hint', [int('problem', 2)]), cy, thread.id)).text;
      if (!hint.includes('Hint 1')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(hint).toMatch(/Hint 1 of \d+ for problem 2.*only you can see this/s);
    expect((await ask('practice', sub('answer', [int('problem', 2), str('value', a2)]), cy, thread.id)).text).toMatch(/correct/);
    // attempts are recorded
    expect(core.practice.store.attempts(session.id).length).toBe(4);

    // the countdown is edited while the session runs
    const headerEdits = () => fake.callsTo('PATCH', new RegExp(`/${start.token}/messages/@original$`)).map((c) => String(c.body?.content));
    await until(() => headerEdits().filter((c) => /Time left/.test(c)).length >= 2, 4000, 'countdown edits');

    // timeout → results and reveal in the thread
    await until(() => contents(fake, thread.id).some((c) => /Time is up/.test(c)), 8000, 'results');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2500);
    const results = contents(fake, thread.id).find((c) => /Time is up/.test(c))!;
    expect(results).toMatch(new RegExp(`<@${ana}>: \\*\\*10 points\\*\\*`));
    expect(results).toMatch(new RegExp(`<@${ben}>: \\*\\*9 points\\*\\*`));
    expect(results).toMatch(new RegExp(`<@${cy}>: \\*\\*7 points\\*\\*`)); // 10 − 3 for the hint
    expect(results).toContain(`||${a1}||`); // answers behind spoilers
    await until(
      () => contents(fake, thread.id).filter((c) => /Solution to problem|Problem \d+: There is no/.test(c)).length >= 2,
      8000,
      'solutions',
    );
    // AIME 2025 has no official solutions: the bot's own, behind a spoiler
    expect(contents(fake, thread.id).some((c) => /bot's own/.test(c))).toBe(true);
    expect(contents(fake, thread.id).some((c) => c.startsWith('||') && /Bot's answer/.test(c))).toBe(true);
    await core.practice.idle();
    expect(headerEdits().pop()).toMatch(/Finished.*time is up/s);
    expect(core.practice.getSession(session.id)!.revealed).toBe(true);

    // too late to answer
    expect((await ask('practice', sub('answer', [int('problem', 2), str('value', a2)]), ana, thread.id)).text).toMatch(
      /no practice session running/,
    );
    // leaderboard of this server and season
    const board = await ask('practice', sub('leaderboard'), cy);
    expect(board.flags).not.toBe(64); // public
    expect(board.text).toMatch(
      new RegExp(`Leaderboard, season ${new Date().getUTCFullYear()}.*🥇 <@${ana}>.*🥈 <@${ben}>.*🥉 <@${cy}>`, 's'),
    );
    expect((await ask('practice', sub('leaderboard', [str('season', 'nope')]), cy)).text).toMatch(/No finished practice sessions/);
  });

  test('a moderator ends a session early; a second session in the same channel is refused while one runs', async () => {
    const s1 = fake.command('practice', sub('start', [str('set', 'aime2024'), int('count', 1), int('minutes', 60)]), ana);
    await until(() => /Time left: 60 minutes/.test(fake.replyContent(s1.token) ?? ''), 8000, 'started');
    const again = await ask('practice', sub('start', [str('set', 'aime2024')]), ben);
    expect(again.text).toMatch(/already running here/);
    const thread = fake
      .threads()
      .filter((t) => t.name === 'Practice: AIME 2024')
      .pop()!;
    const end = await ask('practice', sub('end'), ana, thread.id);
    expect(end.text).toMatch(/Ended/);
    await until(() => contents(fake, thread.id).some((c) => /Session ended/.test(c)), 8000, 'ended results');
    // AIME 2024 has official solutions: revealed behind spoilers
    await until(() => contents(fake, thread.id).some((c) => /\(official/.test(c)), 8000, 'official solution');
    await core.practice.idle();
    expect(contents(fake, thread.id).filter((c) => c.startsWith('||')).length).toBeGreaterThan(0);
  });

  test('/check: a correct and a wrong solution (scripted engine)', async () => {
    const right = await ask(
      'check',
      [
        str('problem', QUESTION),
        str(
          'solution',
          'Step 1: 3 boxes of 12 apples are 3 * 12 = 36 apples. Step 2: he gives 7 away, 36 - 7 = 29. Step 3: the answer is \\boxed{29}.',
        ),
      ],
      ana,
    );
    expect(right.flags).toBe(64);
    expect(right.text).toMatch(/Check of your solution \(3 steps\)/);
    expect(right.text).toMatch(/No step looks weak/);
    expect(right.text).toMatch(/matches my own solve \(29\)/);
    expect(right.text).toMatch(/\+0\.80/);
    expect(right.text).toMatch(/model's judgement/);
    const wrong = await ask(
      'check',
      [
        str('problem', QUESTION),
        str('solution', 'Step 1: the total is 3 + 12 = 15 apples. Step 2: he gives 7 away, 15 - 7 = 8. Step 3: so \\boxed{8}.'),
      ],
      ben,
    );
    expect(wrong.text).toMatch(/first looks weak at \*\*step 1\*\* \(score -0\.40\)/);
    expect(wrong.text).toMatch(/does not match my own solve \(29\)/);
    expect(wrong.text).toMatch(/model's judgement/);
    const empty = await ask('check', [str('problem', QUESTION), str('solution', '   ')], ben);
    expect(empty.text).toMatch(/Give your solution/);
  });

  test('/check without a solution opens a form with multi-line fields; what is submitted is checked', async () => {
    const { id, token } = fake.command('check', [str('problem', QUESTION)], cy);
    await until(() => fake.modal(id) !== undefined, 8000, 'the /check form');
    const form = fake.modal(id);
    expect(form.title).toBe('Check my solution');
    const inputs = form.components.map((c: any) => ({ label: c.label, ...c.component }));
    expect(inputs.map((x: any) => [x.label, x.custom_id, x.type, x.style, x.max_length])).toEqual([
      ['Problem', 'problem', 4, 2, 4000],
      ['Your solution', 'solution', 4, 2, 4000], // style 2: paragraph (multi-line)
    ]);
    expect(inputs[0].value).toBe(QUESTION); // the problem given as an option is filled in
    // no reply message: the form is the answer; nothing was checked yet
    expect(fake.replyContent(token)).toBeUndefined();
    const solution = [
      'Step 1: 3 boxes of 12 apples are 3 * 12 = 36 apples.',
      '',
      'Step 2: he gives 7 away, 36 - 7 = 29.',
      '',
      'Step 3: the answer is \\boxed{29}.',
    ].join('\n');
    const sub = fake.submitModal(form.custom_id, { problem: inputs[0].value, solution }, cy);
    await until(() => fake.replyContent(sub.token) !== undefined, 8000, 'the check of the form');
    const defer = fake.callsTo('POST', new RegExp(`^/interactions/${sub.id}/`))[0];
    expect(defer.body.type).toBe(5);
    expect(defer.body.data.flags).toBe(64); // only the member sees it
    const text = fake.replyContent(sub.token)!;
    expect(text).toMatch(/Check of your solution \(3 steps\)/);
    expect(text).toMatch(/matches my own solve \(29\)/);
    // /check with no options at all: an empty form
    const bare = fake.command('check', [], cy);
    await until(() => fake.modal(bare.id) !== undefined, 8000, 'the empty /check form');
    expect(fake.modal(bare.id).components[0].component.value).toBeUndefined();
  });
});

describe('practice on Discord: a restart in the middle of a session', () => {
  test('the deadline is re-armed from SQLite and the results include answers from before the restart', async () => {
    const fake = new FakeDiscord();
    await fake.start();
    const db = tmpDb();
    let { core, bot } = await boot(fake, db);
    const ana = nextId();
    try {
      const start = fake.command('practice', sub('start', [str('set', 'aime2025'), int('count', 1), int('minutes', 3)]), ana);
      await until(() => fake.threads().some((t) => fake.posts(t.id).length >= 1), 8000, 'problem posted');
      const thread = fake.threads()[0];
      const s = core.practice.store.latestSessionIn('discord', thread.id)!;
      const a = fake.command('practice', sub('answer', [int('problem', 1), str('value', s.problems[0].answer)]), ana, thread.id);
      await until(() => /correct/.test(fake.replyContent(a.token) ?? ''), 8000, 'answer');
      // restart: the process goes away with the session open
      await bot.close();
      await core.close();
      expect(fake.posts(thread.id).some((p) => /Time is up/.test(p.body?.content ?? ''))).toBe(false);
      ({ core, bot } = await boot(fake, db));
      expect(core.practice.getSession(s.id)!.status).toBe('open');
      await until(() => fake.posts(thread.id).some((p) => /Time is up/.test(p.body?.content ?? '')), 8000, 'results after the restart');
      const results = fake.posts(thread.id).find((p) => /Time is up/.test(p.body?.content ?? ''))!.body.content;
      expect(results).toMatch(new RegExp(`<@${ana}>: \\*\\*10 points\\*\\*`));
      await core.practice.idle();
      expect(fake.replyContent(start.token)).toMatch(/Finished/);
    } finally {
      await bot.close();
      await core.close();
      await fake.stop();
    }
  });
});
