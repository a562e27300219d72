/**
 * The command modules (src/bots/features/{practice,check}/command.ts) with a recording context:
 * what a member is told, privately or in the channel, is decided by the command, the same on
 * every platform; the platform only marks and posts it.
 */
import type { BotCore } from '../../../src/bots/compose';
import type { CommandContext } from '../../../src/bots/features/command';
import { checkCommand } from '../../../src/bots/features/check/command';
import { practiceCommand, type PracticeContext } from '../../../src/bots/features/practice/command';
import type { PracticeSession } from '../../../src/bots/features/practice/store';
import { parsePracticeText } from '../../../src/bots/features/practice/text';
import { DISCORD_PRACTICE_MARKUP } from '../../../src/bots/platforms/discord/practice-markup';
import { SLACK_PRACTICE_MARKUP } from '../../../src/bots/platforms/slack/practice-markup';
import { practiceCore } from './practice/harness';

function recording(core: BotCore, userId: string, channelId = 'C1') {
  const said: string[] = [];
  const started: PracticeSession[] = [];
  const ctx: CommandContext = {
    platform: 'slack',
    userId,
    channelId,
    guildId: 'T1',
    whisper: async (t) => void said.push(`whisper: ${t}`),
    say: async (t) => void said.push(`say: ${t}`),
    refuse: async (m) => void said.push(`refuse: ${m}`),
    warn: '!!',
    bold: (s) => `*${s}*`,
    log: () => undefined,
  };
  const practice: PracticeContext = {
    ...ctx,
    practice: core.practice,
    moderator: false,
    moderatorsNote: ' (mods)',
    started: async (s) => {
      started.push(s);
      core.practice.setReply(s.id, { channel: channelId, ts: '1.0' }, channelId);
    },
  };
  return { said, started, practice, check: { ...ctx, check: core.check, maxChars: 3500, working: ctx.whisper } };
}

describe('command modules', () => {
  let core: BotCore;
  beforeAll(() => {
    core = practiceCore();
  });
  afterAll(async () => {
    await core.close();
  });

  test('/practice: start posts through the platform, answers are private, only the starter or a moderator ends it', async () => {
    const ann = recording(core, 'U1');
    const bob = recording(core, 'U2');
    await practiceCommand.run(ann.practice, parsePracticeText('start aime2024 2 5'));
    expect(ann.started).toHaveLength(1);
    expect(ann.started[0].problems).toHaveLength(2);
    expect(ann.said).toEqual([]);
    // a second session in the same channel is refused, through the platform's refusal
    await practiceCommand.run(bob.practice, parsePracticeText('start'));
    expect(bob.said).toHaveLength(1);
    expect(bob.said[0]).toMatch(/^refuse: /);
    await practiceCommand.run(bob.practice, parsePracticeText('answer 1 204'));
    expect(bob.said[1]).toMatch(/^whisper: /);
    await practiceCommand.run(bob.practice, parsePracticeText('end'));
    expect(bob.said[2]).toBe('whisper: Only a moderator (mods) or the member who started the session can end it.');
    await practiceCommand.run(bob.practice, parsePracticeText('answer x'));
    expect(bob.said[3]).toMatch(/^whisper: !! Usage: `\/practice answer/);
    await practiceCommand.run(ann.practice, parsePracticeText('end'));
    expect(ann.said).toEqual(['whisper: Ended: the answers, scores and solutions are being posted in the thread.']);
    await practiceCommand.run(ann.practice, parsePracticeText('leaderboard'));
    expect(ann.said[1]).toMatch(/^say: /);
  });

  test('/check: unreadable input gets the usage, privately; a check says it is working, then reports', async () => {
    const ann = recording(core, 'U1');
    await checkCommand.run(ann.check, null);
    expect(ann.said).toEqual([`whisper: ${checkCommand.usage}`]);
    const solution = 'Step 1: $200 + 4 = 204$.\nSo the answer is $\\boxed{204}$.';
    await checkCommand.run(ann.check, { problem: 'What is $200 + 4$?', solution });
    expect(ann.said[1]).toMatch(/^whisper: Checking your solution/);
    expect(ann.said[2]).toMatch(/^whisper: \*Check of your solution \(\d+ steps?\)\*/);
  });

  test("a session's countdown is in its platform's markup: Discord timestamps, Slack dates, plain locally", () => {
    core.practice.useMarkup('discord', DISCORD_PRACTICE_MARKUP);
    core.practice.useMarkup('slack', SLACK_PRACTICE_MARKUP);
    const text = (platform: 'discord' | 'slack' | 'local') => {
      const req = { platform, guildId: 'G', channelId: `markup-${platform}`, userId: 'U9', set: 'aime2024', count: 1, minutes: 5 };
      const out = core.practice.start(req);
      if (!out.ok) throw new Error(out.message);
      return core.practice.countdownText(out.session);
    };
    const discord = text('discord');
    expect(discord).toMatch(/^\*\*Practice\*\* · /);
    expect(discord).toMatch(/\(ends <t:\d+:t>, <t:\d+:R>\)/);
    expect(discord).toContain('`/practice answer problem:<n> value:<answer>`');
    const slack = text('slack');
    expect(slack).toMatch(/^\*Practice\* · /);
    expect(slack).toMatch(/\(ends <!date\^\d+\^\{time\}\|soon>\)/);
    expect(slack).toContain('`/practice hint <n>`');
    const local = text('local');
    expect(local).toMatch(/^\*\*Practice\*\* · /);
    expect(local).not.toMatch(/\(ends /);
  });
});
