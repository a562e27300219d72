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
import { checkCommand } from '../../features/check/command';
import type { CommandContext } from '../../features/command';
import { practiceCommand } from '../../features/practice/command';
import type { BotCore } from '../../compose';
import type { ChannelPacer } from '../../core/pacer';
import { chunkText, problemThread, resultsText, type PracticeCommand } from '../../features/practice/text';
import type { PracticeAdapter } from '../../features/practice/service';
import { DISCORD_PRACTICE_MARKUP } from './practice-markup';
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
  const b = DISCORD_PRACTICE_MARKUP.bold;
  practice.useMarkup('discord', DISCORD_PRACTICE_MARKUP);

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
      for (const c of chunkText(resultsText(report, b, spoiler), 1900)) await post(threadOf(s), { content: c });
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
      if (chunks.length > 3)
        chunks = [...chunks.slice(0, 3), `… (cut here${v.problem.url ? `; the full text is at ${v.problem.url}` : ''})`];
      await post(threadOf(s), { content: title });
      for (const c of chunks) await post(threadOf(s), { content: spoiler(c) });
    },
  };

  const isMod = (i: ChatInputCommandInteraction) =>
    !!i.memberPermissions?.has(PermissionFlagsBits.ManageMessages) || !!i.memberPermissions?.has(PermissionFlagsBits.ManageGuild);

  /** Posts a started session: the deferred reply becomes the header, a thread gets the problems. */
  async function started(i: ChatInputCommandInteraction, s: PracticeSession): Promise<void> {
    const msg = await i.editReply({ content: practice.countdownText(s), allowedMentions: { parse: [] } });
    const reply: InteractionReply = {
      channelId: i.channelId,
      messageId: msg.id,
      appId: i.applicationId,
      token: i.token,
      tokenAt: Date.now(),
    };
    let threadId = i.channelId;
    try {
      const ch = await client.channels.fetch(i.channelId);
      if (ch && (ch.type === ChannelType.GuildText || ch.type === ChannelType.GuildAnnouncement)) {
        const th = await pacer.schedule(i.channelId, () =>
          ch.threads.create({ startMessage: msg.id, name: `Practice: ${s.setTitle}`.slice(0, 100), autoArchiveDuration: 1440 }),
        );
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

  /**
   * The command context of an interaction that has been deferred (3 s deadline): `whisper`
   * answers in the deferred reply (ephemeral when deferred so), `say` and `refuse` too.
   */
  function context(i: ChatInputCommandInteraction | ModalSubmitInteraction): CommandContext {
    const edit = async (text: string) => {
      for (const [k, c] of chunkText(text, 1950).entries()) {
        if (k === 0) await i.editReply({ content: c, allowedMentions: { parse: [] } });
        else await i.followUp({ content: c, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
      }
    };
    return {
      platform: 'discord',
      userId: i.user.id,
      channelId: i.channelId ?? '',
      guildId: i.guildId ?? `dm:${i.channelId}`,
      whisper: edit,
      say: (text) => i.editReply({ content: text.slice(0, 2000), allowedMentions: { parse: [] } }),
      refuse: (message) => i.editReply({ content: `⚠ ${message}`, allowedMentions: { parse: [] } }),
      warn: '⚠',
      bold: b,
      log,
    };
  }

  /** `/practice`'s options as the command's input. */
  function practiceInput(i: ChatInputCommandInteraction): PracticeCommand {
    switch (i.options.getSubcommand(false) ?? 'help') {
      case 'start':
        return {
          kind: 'start',
          set: i.options.getString('set') ?? undefined,
          count: i.options.getInteger('count') ?? undefined,
          minutes: i.options.getInteger('minutes') ?? undefined,
        };
      case 'answer':
        return { kind: 'answer', n: i.options.getInteger('problem', true), value: i.options.getString('value', true) };
      case 'hint':
        return { kind: 'hint', n: i.options.getInteger('problem', true) };
      case 'end':
        return { kind: 'end' };
      case 'season':
        return { kind: 'season', name: i.options.getString('name', true) };
      case 'leaderboard':
        return { kind: 'leaderboard', season: i.options.getString('season') ?? undefined };
      default:
        return { kind: 'help' };
    }
  }

  async function onPractice(i: ChatInputCommandInteraction): Promise<void> {
    const cmd = practiceInput(i);
    // the 3 s deadline: the start and the leaderboard are public, the rest only for the member
    if (cmd.kind === 'start' || cmd.kind === 'leaderboard') await i.deferReply();
    else await i.deferReply({ flags: MessageFlags.Ephemeral });
    await practiceCommand.run({ ...context(i), practice, moderator: isMod(i), moderatorsNote: '', started: (s) => started(i, s) }, cmd);
  }

  const runCheck = async (i: ChatInputCommandInteraction | ModalSubmitInteraction, problem: string, solution: string) => {
    await i.deferReply({ flags: MessageFlags.Ephemeral });
    await checkCommand.run({ ...context(i), check: core.check, maxChars: 1950 }, { problem, solution });
  };

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
      (i.isChatInputCommand() && (i.commandName === 'practice' || i.commandName === 'check')) ||
      (i.isModalSubmit() && i.customId === CHECK_MODAL.id),
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
