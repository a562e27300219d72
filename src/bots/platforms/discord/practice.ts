/**
 * Practice threads and /check on Discord. `/practice start` answers at once (deferReply), posts
 * the header (the countdown, edited each tick) and starts a thread with the problems as KaTeX
 * images; `/practice answer|hint|end|season` reply ephemerally; at the end results go into the
 * thread and the solutions are revealed behind spoilers (`||…||`). `/check` replies ephemerally;
 * without a solution it opens a form (a modal with multi-line fields) and checks what is submitted.
 */
import {
  AttachmentBuilder,
  ChannelType,
  MessageFlags,
  PermissionFlagsBits,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
  type Message,
  type MessageCreateOptions,
  type ModalSubmitInteraction,
} from 'discord.js';
import { CHECK_MODAL, checkModal } from './slash-commands';
import { altText } from '../../../render/plain-math';
import { checkReportText } from '../../features/check/check';
import type { BotCore } from '../../core/index';
import type { ChannelPacer } from '../../core/pacer';
import { chunkText, problemThread, resultsText, PRACTICE_HELP } from '../../features/practice/text';
import { bold, type PracticeAdapter } from '../../features/practice/service';
import type { PracticeSession } from '../../features/practice/store';
import { editReply, sendableChannel, type InteractionReply } from './interaction-reply';

/** Hides text behind a Discord spoiler; bars inside are escaped, fences get lines of their own. */
export const spoiler = (s: string) => `||${s.includes('```') ? `\n${s.replace(/\|/g, '\\|')}\n` : s.replace(/\|/g, '\\|')}||`;

export interface PracticeDiscord {
  handles(i: Interaction): boolean;
  handle(i: Interaction): Promise<void>;
  /** Call once logged in: registers the adapter and re-arms open sessions. */
  ready(): void;
}

export function practiceDiscord(o: { client: Client; core: BotCore; pacer: ChannelPacer; log: (m: string) => void }): PracticeDiscord {
  const { client, core, pacer, log } = o;
  const practice = core.practice;
  const b = bold('discord');

  const post = (channelId: string, options: MessageCreateOptions): Promise<Message> =>
    pacer.schedule(channelId, async () => (await sendableChannel(client, channelId)).send({ allowedMentions: { parse: [] }, ...options }));

  async function editHeader(r: InteractionReply, content: string): Promise<void> {
    await editReply(client, r, { content: content.slice(0, 2000), allowedMentions: { parse: [] } });
  }

  const threadOf = (s: PracticeSession) => s.threadId ?? s.channelId;

  const adapter: PracticeAdapter = {
    async countdown(s, text) {
      await editHeader(s.reply as InteractionReply, text);
    },
    async results(s, report) {
      for (const c of chunkText(resultsText('discord', report, spoiler), 1900)) await post(threadOf(s), { content: c });
    },
    async solution(s, v) {
      const title =
        v.kind === 'official'
          ? `${b(`Solution to problem ${v.n}`)} (official${v.problem.url ? `, <${v.problem.url}>` : ''}):`
          : v.kind === 'bot'
            ? `${b(`Solution to problem ${v.n}`)}: there is no official one in the data, so here is the bot's own (it may be wrong):`
            : `${b(`Problem ${v.n}`)}: ${v.text}`;
      if (v.kind === 'none') return void (await post(threadOf(s), { content: title }));
      let chunks = chunkText(v.text, 1800);
      if (chunks.length > 3) chunks = [...chunks.slice(0, 3), `… (cut here${v.problem.url ? `; the full text is at ${v.problem.url}` : ''})`];
      await post(threadOf(s), { content: title });
      for (const c of chunks) await post(threadOf(s), { content: spoiler(c) });
    },
  };

  const isMod = (i: ChatInputCommandInteraction) =>
    !!i.memberPermissions?.has(PermissionFlagsBits.ManageMessages) || !!i.memberPermissions?.has(PermissionFlagsBits.ManageGuild);

  async function start(i: ChatInputCommandInteraction): Promise<void> {
    await i.deferReply(); // the 3 s deadline
    const out = practice.start({
      platform: 'discord',
      guildId: i.guildId ?? `dm:${i.channelId}`,
      channelId: i.channelId,
      userId: i.user.id,
      set: i.options.getString('set') ?? undefined,
      count: i.options.getInteger('count') ?? undefined,
      minutes: i.options.getInteger('minutes') ?? undefined,
    });
    if (!out.ok) return void (await i.editReply({ content: `⚠ ${out.message}`, allowedMentions: { parse: [] } }));
    const s = out.session;
    const msg = await i.editReply({ content: practice.countdownText(s), allowedMentions: { parse: [] } });
    const reply: InteractionReply = { channelId: i.channelId, messageId: msg.id, appId: i.applicationId, token: i.token, tokenAt: Date.now() };
    let threadId = i.channelId;
    try {
      const ch = await client.channels.fetch(i.channelId);
      if (ch && (ch.type === ChannelType.GuildText || ch.type === ChannelType.GuildAnnouncement)) {
        const th = await pacer.schedule(i.channelId, () => ch.threads.create({ startMessage: msg.id, name: `Practice: ${s.setTitle}`.slice(0, 100), autoArchiveDuration: 1440 }));
        threadId = th.id;
      }
    } catch (err) {
      log(`could not start a practice thread (${(err as Error).message}); posting in the channel`);
    }
    practice.setReply(s.id, { ...reply, threadId }, threadId);
    for (let n = 1; n <= s.problems.length; n++) {
      const p = s.problems[n - 1];
      const set = await core.images.make(problemThread(p.problem, n)).catch(() => null);
      const img = set?.images.get(`problem-${n}`);
      const head = `${b(`Problem ${n}`)} (${p.id})`;
      if (img) {
        const block = problemThread(p.problem, n).question;
        const description = altText(block, 1000) || `Problem ${n}, typeset`;
        await post(threadId, { content: head, files: [new AttachmentBuilder(img.png, { name: img.name, description })] });
      } else await post(threadId, { content: `${head}\n${p.problem}`.slice(0, 2000) });
    }
  }

  async function ephemeral(i: ChatInputCommandInteraction | ModalSubmitInteraction, fn: () => Promise<string> | string): Promise<void> {
    await i.deferReply({ flags: MessageFlags.Ephemeral });
    const text = await fn();
    for (const [k, c] of chunkText(text, 1950).entries()) {
      if (k === 0) await i.editReply({ content: c, allowedMentions: { parse: [] } });
      else await i.followUp({ content: c, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
    }
  }

  async function onPractice(i: ChatInputCommandInteraction): Promise<void> {
    const sub = i.options.getSubcommand(false) ?? 'help';
    const here = () => practice.openSessionIn('discord', i.channelId);
    const guild = i.guildId ?? `dm:${i.channelId}`;
    switch (sub) {
      case 'start':
        return start(i);
      case 'answer':
        return ephemeral(i, () => practice.answer(here(), i.user.id, i.options.getInteger('problem', true), i.options.getString('value', true)).text);
      case 'hint':
        return ephemeral(i, () => practice.hint(here(), i.user.id, i.options.getInteger('problem', true)).text);
      case 'end':
        return ephemeral(i, () => {
          const s = here();
          if (!s) return 'There is no practice session running here.';
          if (!practice.isModerator(i.user.id, isMod(i), s)) return 'Only a moderator or the member who started the session can end it.';
          void practice.end(s.id, i.user.id);
          return 'Ended: the answers, scores and solutions are being posted in the thread.';
        });
      case 'season':
        return ephemeral(i, () => {
          if (!practice.isModerator(i.user.id, isMod(i))) return 'Only a moderator can start a new season.';
          return practice.setSeason('discord', guild, i.options.getString('name', true)).text;
        });
      case 'leaderboard': {
        await i.deferReply();
        await i.editReply({ content: practice.leaderboardText('discord', guild, i.options.getString('season') ?? undefined).slice(0, 2000), allowedMentions: { parse: [] } });
        return;
      }
      default:
        return ephemeral(i, () => PRACTICE_HELP);
    }
  }

  const runCheck = (i: ChatInputCommandInteraction | ModalSubmitInteraction, problem: string, solution: string) =>
    ephemeral(i, async () => {
      const r = await core.check.check({ platform: 'discord', userId: i.user.id, channelId: i.channelId ?? '', problem, solution });
      return checkReportText(r, b, 1950);
    });

  async function onCheck(i: ChatInputCommandInteraction): Promise<void> {
    const solution = i.options.getString('solution');
    // No solution given: a form with a multi-line field (answering with a modal is the ack).
    if (solution === null) return void (await i.showModal(checkModal(i.options.getString('problem'))));
    return runCheck(i, i.options.getString('problem') ?? '', solution);
  }

  async function onCheckForm(i: ModalSubmitInteraction): Promise<void> {
    return runCheck(i, i.fields.getTextInputValue(CHECK_MODAL.problem), i.fields.getTextInputValue(CHECK_MODAL.solution));
  }

  return {
    handles: (i) =>
      (i.isChatInputCommand() && (i.commandName === 'practice' || i.commandName === 'check')) || (i.isModalSubmit() && i.customId === CHECK_MODAL.id),
    async handle(i) {
      if (i.isModalSubmit()) return onCheckForm(i);
      if (!i.isChatInputCommand()) return;
      if (i.commandName === 'practice') await onPractice(i);
      else await onCheck(i);
    },
    ready() {
      practice.attach('discord', adapter);
    },
  };
}
