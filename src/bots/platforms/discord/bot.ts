/**
 * The Discord bot (discord.js): `/solve`, mentions → a thread, buttons for step reveal.
 *
 * Slash command: deferReply at once (the 3 s deadline), then the job service; progress edits the
 * deferred reply; when done the reply becomes the header, a thread is started from it, and the
 * steps are posted there one at a time ("Next step", "Show all", "Other answers" buttons).
 * Mention: a thread is started on the user's message and the same happens inside it.
 * Every post into a channel is paced per channel (5 / 5 s); edits are throttled by the service.
 * Everything needed to continue a job is stored in its `reply`, so a restart resumes it.
 */
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type ClientOptions,
  type Message,
  type MessageCreateOptions,
} from 'discord.js';
import type { DiscordMessage } from '../../../render/types';
import { DISCORD_PACING, presentDiscord, ChannelPacer, type DiscordConfig, type PacingOptions } from '../../core/index';
import { type BotCore } from '../../compose';
import {
  acceptedText,
  actionId,
  solveCommand,
  type Accepted,
  AnswerThreads,
  HELP_TEXT,
  parseActionId,
  parseCommand,
  type ThreadPoster,
} from '../../features/solve/index';
import type { CommandContext } from '../../features/command';
import { editReply, sendableChannel, tokenLive, type InteractionReply } from './interaction-reply';
import { practiceDiscord } from './practice';

interface DiscordReply extends InteractionReply {
  kind: 'slash' | 'mention';
  /** The message showing progress and then the header (slash: the deferred reply; mention: in the thread). */
  messageId?: string;
}

export interface DiscordBotOptions {
  config: DiscordConfig;
  core: BotCore;
  pacing?: PacingOptions;
  log?: (msg: string) => void;
  /** Extra discord.js client options (sharding: `shards`, `shardCount`; see src/bots/scale/shards.ts). */
  clientOptions?: Partial<ClientOptions>;
}

export interface DiscordBot {
  client: Client;
  pacer: ChannelPacer;
  ready: Promise<void>;
  close(): Promise<void>;
}

const escapeMd = (s: string) => s.replace(/[\\*_~|`>]/g, '\\$&').replace(/@(everyone|here)/g, '@\u200b$1');

function toCreate(m: DiscordMessage, components?: MessageCreateOptions['components']): MessageCreateOptions {
  return {
    content: m.content || undefined,
    files: m.files.map((f) => new AttachmentBuilder(f.data, { name: f.name, description: f.description })),
    allowedMentions: { parse: [] },
    ...(components ? { components } : {}),
  };
}

function buttons(jobId: string, more: boolean) {
  const row = new ActionRowBuilder<ButtonBuilder>();
  if (more) {
    row.addComponents(
      new ButtonBuilder().setCustomId(actionId('next', jobId)).setLabel('Next step').setStyle(ButtonStyle.Primary),
      new ButtonBuilder().setCustomId(actionId('all', jobId)).setLabel('Show all').setStyle(ButtonStyle.Secondary),
    );
  }
  row.addComponents(
    new ButtonBuilder().setCustomId(actionId('alternatives', jobId)).setLabel('Other answers').setStyle(ButtonStyle.Secondary),
  );
  return [row];
}

export async function startDiscord(opts: DiscordBotOptions): Promise<DiscordBot> {
  const { core, config } = opts;
  const { service } = core;
  const log = opts.log ?? ((m: string) => process.stderr.write(`[discord] ${m}\n`));
  const pacer = new ChannelPacer(opts.pacing ?? DISCORD_PACING);
  const client = new Client({
    // Mentions of the bot carry their content without the privileged MessageContent intent.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
    ...(config.apiUrl ? { rest: { api: config.apiUrl.replace(/\/+$/, '') } } : {}),
    ...opts.clientOptions,
  });
  const practice = practiceDiscord({ client, core, pacer, log });

  const post = (channelId: string, options: MessageCreateOptions): Promise<Message> =>
    pacer.schedule(channelId, async () => (await sendableChannel(client, channelId)).send(options));

  /** Edits the progress/header message: through the interaction webhook while its token lives. */
  async function editMain(
    reply: DiscordReply,
    options: { content?: string; files?: AttachmentBuilder[]; components?: MessageCreateOptions['components'] },
  ): Promise<Message | null> {
    return editReply(
      client,
      reply,
      { ...options, allowedMentions: { parse: [] } },
      {
        viaToken: reply.kind === 'slash',
        channelId: reply.kind === 'mention' ? (reply.threadId ?? reply.channelId) : reply.channelId,
      },
    );
  }

  /** Posts reveal groups into the thread; the last message carries the buttons. */
  async function postGroups(jobId: string, threadId: string, groups: DiscordMessage[][], more: boolean): Promise<void> {
    const msgs = groups.flat().filter((m) => m.content || m.files.length);
    for (let i = 0; i < msgs.length; i++) {
      await post(threadId, toCreate(msgs[i], i === msgs.length - 1 ? buttons(jobId, more) : undefined));
    }
  }

  /** Discord's side of the answer thread; `where` is the thread (or channel) id. */
  const poster: ThreadPoster<DiscordMessage, DiscordReply, string> = {
    present: (result) => presentDiscord(result, core.images),
    progress: (r, text) => editMain(r, { content: text }),
    failed: (r, message) => editMain(r, { content: `⚠ ${message}`, components: [] }),
    async postHeader(job, r, header, info) {
      const [head, ...restHead] = header;
      const content = (head?.content ?? '') + (info.cached ? '\n-# (answered from the cache)' : '');
      const main = await editMain(r, {
        content: content.slice(0, 2000),
        files: (head?.files ?? []).map((f) => new AttachmentBuilder(f.data, { name: f.name, description: f.description })),
        components: [],
      });
      let threadId = r.threadId;
      let reply: DiscordReply | undefined;
      if (!threadId) {
        threadId = r.channelId;
        const msgId = main?.id ?? r.messageId;
        try {
          const ch = await client.channels.fetch(r.channelId);
          if (msgId && ch && (ch.type === ChannelType.GuildText || ch.type === ChannelType.GuildAnnouncement)) {
            const th = await pacer.schedule(r.channelId, () =>
              ch.threads.create({ startMessage: msgId, name: threadName(job.question), autoArchiveDuration: 1440 }),
            );
            threadId = th.id;
          }
        } catch (err) {
          log(`could not start a thread (${(err as Error).message}); posting in the channel`);
        }
        reply = { ...r, threadId };
      }
      if (restHead.length) await postGroups(job.id, threadId, [restHead], false).catch((e) => log(String(e)));
      return { where: threadId, key: threadId, reply };
    },
    postSteps: (threadId, jobId, groups, more) => postGroups(jobId, threadId, groups, more),
    postText: (threadId, text) => post(threadId, { content: escapeMd(text).slice(0, 2000), allowedMentions: { parse: [] } }),
  };
  const threads = new AnswerThreads({ service, platform: 'discord', poster, log });

  function threadName(q: string): string {
    const n = q.replace(/\s+/g, ' ').trim();
    return (n.length > 90 ? `${n.slice(0, 89)}…` : n) || 'Solution';
  }

  /** The command context of a solve asked in a channel; refusals are replies of the bot's own. */
  type Answer = (text: string) => Promise<unknown>;
  const context = (userId: string, channelId: string, guildId: string | null, answer: Answer): CommandContext => ({
    platform: 'discord',
    userId,
    channelId,
    guildId: guildId ?? `dm:${channelId}`,
    whisper: answer,
    say: answer,
    refuse: (message) => answer(`⚠ ${message}`),
    warn: '⚠',
    bold: (s) => `**${s}**`,
    log,
  });

  async function onSolve(i: ChatInputCommandInteraction): Promise<void> {
    await i.deferReply(); // first thing: the 3 s deadline
    const reply: DiscordReply = { kind: 'slash', channelId: i.channelId, appId: i.applicationId, token: i.token, tokenAt: Date.now() };
    const answer = (content: string) => i.editReply({ content, allowedMentions: { parse: [] } });
    const input = {
      question: i.options.getString('question') ?? '',
      strategy: i.options.getString('strategy') ?? undefined,
      budget: i.options.getInteger('budget') ?? undefined,
    };
    await solveCommand.run(
      {
        ...context(i.user.id, i.channelId, i.guildId, answer),
        threads,
        reply,
        placeholder: async (out) => {
          const msg = await answer(acceptedText(out));
          return { reply: { ...reply, messageId: msg.id } };
        },
      },
      input,
    );
  }

  async function onMention(message: Message): Promise<void> {
    const cmd = parseCommand(message.content);
    const inThread = message.channel.isThread() ? threads.jobOf(message.channelId) : undefined;
    const answer = (content: string) => pacer.schedule(message.channelId, () => message.reply({ content, allowedMentions: { parse: [] } }));
    if (cmd.kind === 'help') return void (await answer(HELP_TEXT));
    if (cmd.kind !== 'solve') {
      if (!inThread) return void (await answer('Use that inside an answer thread (or press the buttons under an answer).'));
      await threads.reveal(inThread, cmd.kind === 'next' ? 'next' : cmd.kind === 'all' ? 'all' : 'alternatives', message.channelId);
      return;
    }
    const reply: DiscordReply = { kind: 'mention', channelId: message.channelId };
    const placeholder = async (out: Accepted) => {
      let threadId = message.channelId;
      if (!message.channel.isThread() && message.inGuild()) {
        try {
          const th = await pacer.schedule(message.channelId, () =>
            message.startThread({ name: threadName(out.job.question), autoArchiveDuration: 1440 }),
          );
          threadId = th.id;
        } catch (err) {
          log(`could not start a thread (${(err as Error).message}); answering in the channel`);
        }
      }
      const ph = await post(threadId, {
        content: out.cached ? 'Found this one in the cache…' : 'Working on it…',
        allowedMentions: { parse: [] },
      });
      return { reply: { ...reply, threadId, messageId: ph.id }, key: threadId };
    };
    const input = { question: cmd.question, strategy: cmd.strategy, budget: cmd.budget };
    const ctx = context(message.author.id, message.channelId, message.guildId, answer);
    await solveCommand.run({ ...ctx, threads, reply, placeholder }, input);
  }

  async function onButton(i: ButtonInteraction): Promise<void> {
    const parsed = parseActionId(i.customId);
    if (!parsed) return;
    await i.deferUpdate(); // ack at once
    // the clicked message keeps only "Other answers" so the newest message holds the live buttons
    if (parsed.action !== 'alternatives') await i.editReply({ components: buttons(parsed.jobId, false) }).catch(() => undefined);
    const note = await threads.reveal(parsed.jobId, parsed.action, i.channelId);
    if (note) await i.followUp({ content: note, ephemeral: true }).catch(() => undefined);
  }

  client.on(Events.InteractionCreate, (i) => {
    const run = async () => {
      if (i.isChatInputCommand() && i.commandName === 'solve') await onSolve(i);
      else if (practice.handles(i)) await practice.handle(i);
      else if (i.isButton()) await onButton(i);
    };
    run().catch((err) => log(`interaction failed: ${(err as Error)?.stack ?? err}`));
  });

  client.on(Events.MessageCreate, (m) => {
    if (m.author.bot || !client.user || !m.mentions.users.has(client.user.id)) return;
    onMention(m).catch((err) => log(`mention failed: ${(err as Error)?.stack ?? err}`));
  });

  const ready = new Promise<void>((resolve) => {
    client.once(Events.ClientReady, () => {
      log(`logged in as ${client.user?.tag}`);
      // Jobs a previous process left unfinished: resume them where their reply says.
      threads.resumeUnfinished({
        resumable: (r) => !!r.messageId || tokenLive(r),
        key: (r) => r.threadId,
        announce: (r) => editMain(r, { content: 'The bot restarted; picking this question up again…' }),
      });
      practice.ready(); // practice sessions: deadlines re-armed
      resolve();
    });
  });
  await client.login(config.token);
  return {
    client,
    pacer,
    ready,
    async close() {
      await client.destroy();
      await pacer.close();
    },
  };
}
