import type { AddressInfo } from 'node:net';
import { LogLevel } from '@slack/bolt';
import { startSlack, type SlackBot } from '../../../../src/bots/platforms/slack/bot';
import type { BotCore } from '../../../../src/bots/compose';
import { actionBody, FakeSlack, signedRequest, slashBody } from '../../../helpers/fake-slack';
import { isPng, tmpDb } from '../../harness';
import { QUESTION } from '../../../engine/toy-problem';
import { classifyBlock } from '../../../../src/render/latex';
import { practiceCore, until } from '../../features/practice/harness';

const SECRET = 'test-signing-secret';

describe('practice threads and /check on Slack (real Bolt against the fake Slack)', () => {
  let fake: FakeSlack;
  let core: BotCore;
  let bot: SlackBot;
  let events: string;

  const boot = async (dbPath: string) => {
    core = practiceCore({ dbPath, practice: { moderators: ['UMOD'] } });
    bot = await startSlack({
      config: { botToken: 'xoxb-fake', signingSecret: SECRET, apiUrl: fake.apiUrl, port: 0 },
      core,
      port: 0,
      pacing: { perWindow: 100, windowMs: 1000, minTimeMs: 1 },
      log: () => undefined,
      logLevel: LogLevel.ERROR,
    });
    events = `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}/slack/events`;
  };

  beforeAll(async () => {
    fake = new FakeSlack();
    await fake.start();
    await boot(tmpDb());
  });

  afterAll(async () => {
    await bot?.close();
    await core?.close();
    await fake?.stop();
  });

  const slash = (command: string, text: string, user: string) =>
    signedRequest(
      events,
      SECRET,
      slashBody({ command, text, user_id: user, user_name: user.toLowerCase() }),
      'application/x-www-form-urlencoded',
    );

  /** Sends a slash command and returns the next ephemeral text for that user. */
  async function whisper(command: string, text: string, user: string): Promise<string> {
    const before = fake.calls_('chat.postEphemeral').filter((c) => c.args.user === user).length;
    const r = await slash(command, text, user);
    expect(r.status).toBe(200);
    await until(() => fake.calls_('chat.postEphemeral').filter((c) => c.args.user === user).length > before, 8000, `ephemeral to ${user}`);
    return fake.calls_('chat.postEphemeral').filter((c) => c.args.user === user)[before].args.text;
  }

  test('a full session with three members, a restart in the middle, reveal buttons and the leaderboard', async () => {
    const r = await slash('/practice', 'start aime2024 2 4', 'U1');
    expect(r.ms).toBeLessThan(1000); // acked well inside the 3 s deadline
    // problems with math go up as KaTeX images, others as text
    const problemPosts = () =>
      fake.calls_('files.completeUploadExternal').length +
      fake.calls_('chat.postMessage').filter((c) => /^\*Problem \d/.test(c.args.text ?? '')).length;
    await until(() => problemPosts() >= 2, 8000, 'problems');
    const header = fake.calls_('chat.postMessage').find((c) => /Practice/.test(c.args.text ?? ''))!;
    expect(header.args.text).toMatch(/AIME 2024 · 2 problems.*Time left: 4 minutes/s);
    expect(header.args.thread_ts).toBeUndefined();
    const complete = fake.calls_('files.completeUploadExternal');
    expect([...fake.uploads.values()].every(isPng)).toBe(true);

    const session = core.practice.store.latestSessionIn('slack', 'C1')!;
    const [a1, a2] = session.problems.map((p) => p.answer);
    const headerTs = session.threadId!; // the header message's ts: the thread
    // the problems are drawn at random: each one with math is an image, each one without is text
    const withMath = session.problems.filter((p, i) => classifyBlock(`problem-${i + 1}`, p.problem).mode === 'image').length;
    expect(complete.length).toBe(withMath);
    expect(fake.calls_('chat.postMessage').filter((c) => /^\*Problem \d/.test(c.args.text ?? '')).length).toBe(2 - withMath);
    for (const c of complete) expect(c.args.thread_ts).toBe(headerTs);
    expect(await whisper('/practice', `answer 1 ${a1}`, 'U1')).toMatch(/correct: problem 1 solved/);
    expect(await whisper('/practice', 'answer 1 one hundred', 'U2')).toMatch(/AIME answers are whole numbers/);
    expect(await whisper('/practice', 'answer 2', 'U2')).toMatch(/Usage/);
    expect(await whisper('/practice', `answer 2 ${(Number(a2) + 1) % 1000}`, 'U2')).toMatch(/not correct/);
    // a member who did not start it cannot end it
    expect(await whisper('/practice', 'end', 'U3')).toMatch(/Only a moderator/);

    // restart in the middle of the session
    await bot.close();
    await core.close();
    await boot(core.config.dbPath);
    expect(await whisper('/practice', `answer 2 ${a2}`, 'U3')).toMatch(/correct/);
    // countdown updates of the header after the restart
    await until(() => fake.calls_('chat.update').some((c) => c.args.ts === headerTs && /Time left/.test(c.args.text)), 4000, 'countdown');

    await until(() => fake.calls_('chat.postMessage').some((c) => /Time is up/.test(c.args.text ?? '')), 8000, 'results');
    const results = fake.calls_('chat.postMessage').find((c) => /Time is up/.test(c.args.text ?? ''))!;
    expect(results.args.thread_ts).toBe(headerTs);
    expect(results.args.text).toMatch(/<@U1>: \*10 points\*/);
    expect(results.args.text).toMatch(/<@U3>: \*10 points\*/);
    expect(results.args.text).toMatch(/<@U2>: \*0 points\*/);
    const buttons = results.args.blocks
      .filter((b: any) => b.type === 'actions')
      .flatMap((b: any) => b.elements.map((e: any) => e.action_id));
    expect(buttons).toEqual([`swp:sol:${session.id}:1`, `swp:sol:${session.id}:2`]);
    // the official solution, to the clicker only
    await core.practice.idle();
    const before = fake.calls_('chat.postEphemeral').length;
    await signedRequest(events, SECRET, actionBody(buttons[0], 'C1', '2.0', headerTs), 'application/x-www-form-urlencoded');
    await until(() => fake.calls_('chat.postEphemeral').length > before, 5000, 'solution');
    const sol = fake.calls_('chat.postEphemeral')[before];
    expect(sol.args.user).toBe('U1');
    expect(sol.args.text).toMatch(new RegExp(`Solution to problem 1\\* \\(official.*answer \\*${a1}\\*`, 's'));
    expect(fake.calls_('chat.update').pop()!.args.text).toMatch(/Finished/);

    // the leaderboard of this workspace and season (public)
    await slash('/practice', 'leaderboard', 'U2');
    await until(() => fake.calls_('chat.postMessage').some((c) => /Leaderboard, season/.test(c.args.text ?? '')), 5000, 'leaderboard');
    const board = fake.calls_('chat.postMessage').find((c) => /Leaderboard, season/.test(c.args.text ?? ''))!.args.text;
    expect(board).toMatch(/🥇 <@U1>: \*10 points\*[\s\S]*🥈 <@U3>[\s\S]*🥉 <@U2>: \*0 points\*/);
    // a moderator starts a new season
    expect(await whisper('/practice', 'season 2026 spring', 'UMOD')).toMatch(/season "2026 spring"/);
    expect(await whisper('/practice', 'season x', 'U2')).toMatch(/Only a moderator/);
  });

  test('/check: a correct and a wrong solution, ephemeral, and usage help', async () => {
    const right = await (async () => {
      await whisper(
        '/check',
        `${QUESTION}\n---\nStep 1: 3 boxes of 12 apples: 3 * 12 = 36.\nStep 2: 36 - 7 = 29 left.\nStep 3: The answer is \\boxed{29}.`,
        'U4',
      );
      await until(() => fake.calls_('chat.postEphemeral').filter((c) => c.args.user === 'U4').length >= 2, 8000, 'check report');
      return fake.calls_('chat.postEphemeral').filter((c) => c.args.user === 'U4')[1].args.text as string;
    })();
    expect(right).toMatch(/Check of your solution \(3 steps\)/);
    expect(right).toMatch(/matches my own solve \(29\)/);
    expect(right).toMatch(/model's judgement/);
    await whisper('/check', `problem: ${QUESTION} solution: First 3 + 12 = 15 apples.\n\n15 - 7 = 8, so the answer is \\boxed{8}.`, 'U5');
    await until(() => fake.calls_('chat.postEphemeral').filter((c) => c.args.user === 'U5').length >= 2, 8000, 'check report');
    const wrong = fake.calls_('chat.postEphemeral').filter((c) => c.args.user === 'U5')[1].args.text as string;
    expect(wrong).toMatch(/first looks weak at \*step 1\*/);
    expect(wrong).toMatch(/does not match my own solve \(29\)/);
    expect(await whisper('/check', 'just some words', 'U6')).toMatch(/Usage: `\/check/);
  });
});
