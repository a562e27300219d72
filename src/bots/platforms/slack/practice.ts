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
import { checkCommand } from '../../features/check/command';
import type { CommandContext } from '../../features/command';
import { practiceCommand } from '../../features/practice/command';
import type { BotCore } from '../../compose';
import type { ChannelPacer } from '../../core/pacer';
import { chunkText, parseCheckText, parsePracticeText, problemThread, resultsText } from '../../features/practice/text';
import type { PracticeAdapter } from '../../features/practice/service';
import { SLACK_PRACTICE_MARKUP } from './practice-markup';
import type { PracticeSession } from '../../features/practice/store';

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
  const b = SLACK_PRACTICE_MARKUP.bold;
  practice.useMarkup('slack', SLACK_PRACTICE_MARKUP);

  const say = (channel: string, threadTs: string | undefined, text: string, blocks?: SlackBlock[]) =>
    pacer.schedule(channel, () =>
      client.chat.postMessage({ channel, thread_ts: threadTs, text, ...(blocks ? { blocks: blocks as never } : {}), unfurl_links: false }),
    );
  const whisper = async (channel: string, user: string, text: string, threadTs?: string) => {
    for (const c of chunkText(text, 3500))
      await client.chat.postEphemeral({ channel, user, text: c, ...(threadTs ? { thread_ts: threadTs } : {}) });
  };

  const adapter: PracticeAdapter = {
    async countdown(s, text) {
      const r = s.reply as SlackPracticeReply;
      if (r.ts) await client.chat.update({ channel: r.channel, ts: r.ts, text });
    },
    async results(s, report) {
      const text = resultsText(report, b, (x) => x);
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
        if (last)
          blocks.push(
            { type: 'context', elements: [{ type: 'mrkdwn', text: 'Solutions: press a button; only you will see it.' }] },
            ...buttons,
          );
        await say(s.channelId, s.threadId, chunks[k], blocks);
      }
    },
    async solution() {
      // Slack: solutions are shown on demand through the buttons posted with the results.
    },
  };

  /** Posts a started session: its header (the countdown, the thread's parent), then the problems in the thread. */
  async function started(channel: string, s: PracticeSession): Promise<void> {
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
          files: [
            {
              filename: img.name,
              data: img.png,
              title: `Problem ${n}`,
              altText: alt.slice(0, 1_000),
              fallback: escapeSlack(p.problem).slice(0, 2_900),
            },
          ],
        };
        await deliver(
          client,
          m,
          [],
          (blocks) => client.chat.postMessage({ channel, thread_ts: ts, text: m.text, blocks: blocks as never, unfurl_links: false }),
          {
            retryMs: o.imageRetryMs,
            log,
            schedule: (fn) => pacer.schedule(channel, fn),
          },
        );
      } else await say(channel, ts, `${title}\n${escapeSlack(p.problem)}`);
    }
  }

  /** A slash command's context: replies are ephemeral (`whisper`) unless meant for the channel. */
  const context = (command: { channel_id: string; user_id: string; team_id: string }): CommandContext => ({
    platform: 'slack',
    userId: command.user_id,
    channelId: command.channel_id,
    guildId: command.team_id,
    whisper: (text) => whisper(command.channel_id, command.user_id, text),
    say: (text) => say(command.channel_id, undefined, text),
    refuse: (message) => whisper(command.channel_id, command.user_id, `:warning: ${escapeSlack(message)}`),
    warn: ':warning:',
    bold: b,
    log,
  });

  app.command('/practice', async ({ command, ack }) => {
    await ack(); // the 3 s deadline
    const ctx = context(command);
    const moderatorsNote = ' (STEPWISE_PRACTICE_MODERATORS)';
    try {
      const started$ = (s: PracticeSession) => started(command.channel_id, s);
      await practiceCommand.run(
        { ...ctx, practice, moderator: false, moderatorsNote, started: started$ },
        parsePracticeText(command.text ?? ''),
      );
    } catch (err) {
      log(`/practice failed: ${(err as Error)?.stack ?? err}`);
    }
  });

  app.command('/check', async ({ command, ack }) => {
    await ack();
    const ctx = context(command);
    await checkCommand.run({ ...ctx, check: core.check, maxChars: 3500, working: ctx.whisper }, parseCheckText(command.text ?? ''));
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
