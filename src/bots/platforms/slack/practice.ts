/**
 * Practice threads and /check on Slack. `/practice start` posts the header (the countdown, updated
 * each tick with chat.update) in the channel and the problems in its thread, one message each
 * (title + KaTeX image block, the PNG uploaded unshared first);
 * answers, hints and /check reports are ephemeral (chat.postEphemeral). At the end the results go
 * into the thread with one "Solution n" button per problem: a click shows that solution to the
 * clicker only (Slack has no spoilers). Also handles the renderer's `stepwise_reveal_answer` button.
 */
import type { App, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { escapeSlack, slackFileRef } from '../../../render/slack';
import type { SlackBlock, SlackMessage } from '../../../render/types';
import { deliver } from './files';
import { checkReportText } from '../../features/check/check';
import type { BotCore } from '../../core/index';
import type { ChannelPacer } from '../../core/pacer';
import { CHECK_USAGE, chunkText, parseCheckText, parsePracticeText, problemThread, resultsText, PRACTICE_HELP } from '../../features/practice/text';
import { bold, type PracticeAdapter } from '../../features/practice/service';

interface SlackPracticeReply extends Record<string, unknown> {
  channel: string;
  ts?: string;
}

export const solutionActionId = (sessionId: string, n: number) => `swp:sol:${sessionId}:${n}`;

export function practiceSlack(o: {
  app: App;
  client: WebClient;
  core: BotCore;
  pacer: ChannelPacer;
  log: (m: string) => void;
  imageRetryMs?: number[];
}): { ready(): void } {
  const { app, client, core, pacer, log } = o;
  const practice = core.practice;
  const b = bold('slack');

  const say = (channel: string, threadTs: string | undefined, text: string, blocks?: SlackBlock[]) =>
    pacer.schedule(channel, () => client.chat.postMessage({ channel, thread_ts: threadTs, text, ...(blocks ? { blocks: blocks as never } : {}), unfurl_links: false }));
  const whisper = async (channel: string, user: string, text: string, threadTs?: string) => {
    for (const c of chunkText(text, 3500)) await client.chat.postEphemeral({ channel, user, text: c, ...(threadTs ? { thread_ts: threadTs } : {}) });
  };

  const adapter: PracticeAdapter = {
    async countdown(s, text) {
      const r = s.reply as SlackPracticeReply;
      if (r.ts) await client.chat.update({ channel: r.channel, ts: r.ts, text });
    },
    async results(s, report) {
      const text = resultsText('slack', report, (x) => x);
      const chunks = chunkText(text, 2900);
      const buttons: SlackBlock[] = [];
      for (let k = 0; k < s.problems.length; k += 5) {
        buttons.push({
          type: 'actions',
          elements: s.problems.slice(k, k + 5).map((_, j) => ({
            type: 'button' as const,
            text: { type: 'plain_text' as const, text: `Solution ${k + j + 1}` },
            action_id: solutionActionId(s.id, k + j + 1),
            value: String(k + j + 1),
          })),
        });
      }
      for (let k = 0; k < chunks.length; k++) {
        const last = k === chunks.length - 1;
        const blocks: SlackBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: chunks[k] } }];
        if (last) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Solutions: press a button; only you will see it.' }] }, ...buttons);
        await say(s.channelId, s.threadId, chunks[k], blocks);
      }
    },
    async solution() {
      // Slack: solutions are shown on demand through the buttons posted with the results.
    },
  };

  app.command('/practice', async ({ command, ack }) => {
    await ack(); // the 3 s deadline
    const channel = command.channel_id;
    const user = command.user_id;
    const guild = command.team_id;
    const cmd = parsePracticeText(command.text ?? '');
    const here = () => practice.openSessionIn('slack', channel);
    const mod = (sessionStarter?: Parameters<typeof practice.isModerator>[2]) => practice.isModerator(user, false, sessionStarter);
    try {
      switch (cmd.kind) {
        case 'help':
          return void (await whisper(channel, user, PRACTICE_HELP));
        case 'error':
          return void (await whisper(channel, user, `:warning: ${cmd.message}`));
        case 'answer':
          return void (await whisper(channel, user, practice.answer(here(), user, cmd.n, cmd.value).text));
        case 'hint':
          return void (await whisper(channel, user, practice.hint(here(), user, cmd.n).text));
        case 'end': {
          const s = here();
          if (!s) return void (await whisper(channel, user, 'There is no practice session running here.'));
          if (!mod(s)) return void (await whisper(channel, user, 'Only a moderator (STEPWISE_PRACTICE_MODERATORS) or the member who started the session can end it.'));
          await whisper(channel, user, 'Ended: the answers, scores and solutions are being posted in the thread.');
          void practice.end(s.id, user);
          return;
        }
        case 'season':
          if (!mod()) return void (await whisper(channel, user, 'Only a moderator (STEPWISE_PRACTICE_MODERATORS) can start a new season.'));
          return void (await whisper(channel, user, practice.setSeason('slack', guild, cmd.name).text));
        case 'leaderboard':
          return void (await say(channel, undefined, practice.leaderboardText('slack', guild, cmd.season)));
        case 'start': {
          const out = practice.start({ platform: 'slack', guildId: guild, channelId: channel, userId: user, set: cmd.set, count: cmd.count, minutes: cmd.minutes });
          if (!out.ok) return void (await whisper(channel, user, `:warning: ${escapeSlack(out.message)}`));
          const s = out.session;
          const head = await say(channel, undefined, practice.countdownText(s));
          const ts = head.ts as string;
          practice.setReply(s.id, { channel, ts }, ts);
          for (let n = 1; n <= s.problems.length; n++) {
            const p = s.problems[n - 1];
            const set = await core.images.make(problemThread(p.problem, n)).catch(() => null);
            const img = set?.images.get(`problem-${n}`);
            const title = `${b(`Problem ${n}`)} (${p.id})`;
            if (img) {
              // one message: the title and the typeset problem (uploaded unshared first), so the
              // problems appear in order (a file shared into the thread may show up late)
              const alt = p.problem.replace(/\s+/g, ' ').slice(0, 2_000) || `Problem ${n}`;
              const m: SlackMessage = {
                platform: 'slack',
                type: 'post',
                text: `${title}\n${escapeSlack(p.problem)}`.slice(0, 3_000),
                blocks: [
                  { type: 'section', text: { type: 'mrkdwn', text: title } },
                  { type: 'image', slack_file: { id: slackFileRef(img.name) }, alt_text: alt },
                ],
                files: [{ filename: img.name, data: img.png, title: `Problem ${n}`, altText: alt.slice(0, 1_000), fallback: escapeSlack(p.problem).slice(0, 2_900) }],
              };
              await deliver(client, m, [], (blocks) => client.chat.postMessage({ channel, thread_ts: ts, text: m.text, blocks: blocks as never, unfurl_links: false }), {
                retryMs: o.imageRetryMs,
                log,
                schedule: (fn) => pacer.schedule(channel, fn),
              });
            } else await say(channel, ts, `${title}\n${escapeSlack(p.problem)}`);
          }
          return;
        }
      }
    } catch (err) {
      log(`/practice failed: ${(err as Error)?.stack ?? err}`);
    }
  });

  app.command('/check', async ({ command, ack }) => {
    await ack();
    const channel = command.channel_id;
    const user = command.user_id;
    const parsed = parseCheckText(command.text ?? '');
    if (!parsed) return void (await whisper(channel, user, CHECK_USAGE).catch(() => undefined));
    await whisper(channel, user, 'Checking your solution: scoring each step and solving the problem myself…').catch(() => undefined);
    try {
      const r = await core.check.check({ platform: 'slack', userId: user, channelId: channel, ...parsed });
      await whisper(channel, user, checkReportText(r, b, 3500));
    } catch (err) {
      log(`/check failed: ${(err as Error)?.stack ?? err}`);
      await whisper(channel, user, ':warning: Something went wrong while checking; please try again later.').catch(() => undefined);
    }
  });

  app.action(/^swp:sol:/, async (args) => {
    const { ack, body, action } = args as unknown as SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;
    await ack();
    const m = /^swp:sol:([\w-]+):(\d+)$/.exec(action.action_id);
    const channel = body.channel?.id;
    if (!m || !channel) return;
    const s = practice.getSession(m[1]);
    const n = Number(m[2]);
    const threadTs = (body.message as { thread_ts?: string; ts?: string } | undefined)?.thread_ts;
    if (!s || !s.problems[n - 1]) return void (await whisper(channel, body.user.id, 'I no longer have that session.', threadTs));
    if (s.status !== 'ended') return void (await whisper(channel, body.user.id, 'The session is still running.', threadTs));
    const v = await practice.solutionView(s, n, s.problems[n - 1], false);
    const head =
      v.kind === 'official'
        ? `${b(`Solution to problem ${n}`)} (official${v.problem.url ? `, ${v.problem.url}` : ''}), answer ${b(v.problem.answer)}:`
        : v.kind === 'bot'
          ? `${b(`Solution to problem ${n}`)} (answer ${b(v.problem.answer)}): no official solution in the data, so here is the bot's own (it may be wrong):`
          : `${b(`Problem ${n}`)} (answer ${b(v.problem.answer)}): ${escapeSlack(v.text)}`;
    await whisper(channel, body.user.id, v.kind === 'none' ? head : `${head}\n${escapeSlack(v.text.slice(0, 9000))}`, threadTs);
  });

  // The renderer's practice-mode "Reveal answer" button (value: the answer).
  app.action('stepwise_reveal_answer', async (args) => {
    const { ack, body, action } = args as unknown as SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;
    await ack();
    if (!body.channel?.id) return;
    const threadTs = (body.message as { thread_ts?: string } | undefined)?.thread_ts;
    await whisper(body.channel.id, body.user.id, `Answer: ${escapeSlack(action.value ?? 'none found')}`, threadTs).catch(() => undefined);
  });

  return {
    ready() {
      practice.attach('slack', adapter);
    },
  };
}
