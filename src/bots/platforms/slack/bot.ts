/**
 * The Slack bot (@slack/bolt): `/solve` and `app_mention`, over the HTTP receiver or Socket Mode.
 *
 * ack() at once; a placeholder message shows progress (chat.update); when done the placeholder
 * becomes the header and the steps are replied in its thread (chat.postMessage with thread_ts), one
 * message per step, one at a time with Block Kit buttons "Next step", "Show all", "Other answers".
 * Typeset math is uploaded unshared first and shown by `image` blocks inside the step's message
 * (./files.ts), so the thread reads in posting order. Posts are paced per channel (about 1 / s). Every HTTP request passes
 * ./guard.ts first (signature, timestamps stale or in the future, object bodies only, each event_id
 * handled once), then Bolt's own checks.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type BlockAction, type ButtonAction, type SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { escapeSlack } from '../../../render/slack';
import type { SlackBlock, SlackMessage } from '../../../render/types';
import { presentSlack, ChannelPacer, SLACK_PACING, type PacingOptions, type RevealAction, type SlackConfig } from '../../core/index';
import { type BotCore } from '../../compose';
import {
  acceptedText,
  actionId,
  solveCommand,
  type SolveContext,
  AnswerThreads,
  HELP_TEXT,
  parseActionId,
  parseCommand,
  type ThreadPoster,
} from '../../features/solve/index';
import { practiceSlack } from './practice';
import { deliver } from './files';
import { boltLogger, guardSlackRequest } from './guard';

interface SlackReply extends Record<string, unknown> {
  channel: string;
  /** The placeholder (progress, then header) message. */
  ts?: string;
  /** The thread the answer goes into (the placeholder's ts for /solve, the mention's ts for mentions). */
  threadTs?: string;
}

/** Where a Slack answer thread's messages go. */
interface SlackWhere {
  channel: string;
  threadTs: string;
}

export interface SlackBotOptions {
  config: SlackConfig;
  core: BotCore;
  pacing?: PacingOptions;
  /**
   * A listener of its own for the HTTP receiver (0 picks a free one; default config.port, and none
   * when that is unset). Either way `handle` serves POST /slack/events on any other server.
   */
  port?: number;
  log?: (msg: string) => void;
  /** Bolt's own log level (default WARN). */
  logLevel?: LogLevel;
  /** Where Bolt's own log lines go (default: `log`); serve() writes them through pino. */
  boltLog?: (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void;
  /** Waits between tries while Slack is still processing uploaded images (default IMAGE_RETRY_MS). */
  imageRetryMs?: number[];
}

export interface SlackBot {
  app: App;
  /** The HTTP receiver's own listener (undefined in Socket Mode or when mounted only). */
  server?: Server;
  /**
   * HTTP mode: serves POST /slack/events (Bolt's request listener: signature and timestamp checks
   * included) and returns true; false for any other request. Mount it on the PORT server.
   */
  handle?: (req: IncomingMessage, res: ServerResponse) => boolean;
  pacer: ChannelPacer;
  close(): Promise<void>;
}

function buttonsBlock(jobId: string, more: boolean): SlackBlock {
  const b = (text: string, action: RevealAction) => ({
    type: 'button' as const,
    text: { type: 'plain_text' as const, text },
    action_id: actionId(action, jobId),
    value: jobId,
  });
  return {
    type: 'actions',
    elements: more
      ? [b('Next step', 'next'), b('Show all', 'all'), b('Other answers', 'alternatives')]
      : [b('Other answers', 'alternatives')],
  };
}

export async function startSlack(opts: SlackBotOptions): Promise<SlackBot> {
  const { core, config } = opts;
  const { service } = core;
  const log = opts.log ?? ((m: string) => process.stderr.write(`[slack] ${m}\n`));
  const pacer = new ChannelPacer(opts.pacing ?? SLACK_PACING);
  const socket = !!config.appToken;
  const logLevel = opts.logLevel ?? LogLevel.WARN;
  const logger = boltLogger(opts.boltLog ?? ((_level, msg) => log(msg)), logLevel);
  const receiver = socket ? undefined : new HTTPReceiver({ signingSecret: config.signingSecret, logger, logLevel });
  const app = new App({
    logger,
    token: config.botToken,
    ...(socket ? { signingSecret: config.signingSecret, socketMode: true, appToken: config.appToken } : { receiver }),
    ...(config.apiUrl ? { clientOptions: { slackApiUrl: config.apiUrl.endsWith('/') ? config.apiUrl : `${config.apiUrl}/` } } : {}),
    logLevel,
  });
  const client: WebClient = app.client;

  /** One message into the thread: its PNGs uploaded (unshared) first, then the post that shows them. */
  async function send(channel: string, threadTs: string, m: SlackMessage, extra: SlackBlock[] = []): Promise<void> {
    await deliver(
      client,
      m,
      extra,
      (blocks) => client.chat.postMessage({ channel, thread_ts: threadTs, text: m.text, blocks: blocks as never, unfurl_links: false }),
      { retryMs: opts.imageRetryMs, log, schedule: (fn) => pacer.schedule(channel, fn) },
    );
  }

  /** Slack's side of the answer thread; `where` is the channel and the thread's ts. */
  const poster: ThreadPoster<SlackMessage, SlackReply, SlackWhere> = {
    present: (result) => presentSlack(result, core.images),
    progress: async (r, text) => {
      if (r.ts) await client.chat.update({ channel: r.channel, ts: r.ts, text });
    },
    failed: async (r, message) => {
      if (r.ts) await client.chat.update({ channel: r.channel, ts: r.ts, text: `:warning: ${escapeSlack(message)}`, blocks: [] as never });
    },
    threadKey: (r) => (r.ts ? (r.threadTs ?? r.ts) : undefined),
    async postHeader(_job, r, header, info) {
      if (!r.ts) return null;
      const threadTs = r.threadTs ?? r.ts;
      const [head, ...rest] = header;
      const note: SlackBlock[] = info.cached
        ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: '_answered from the cache_' }] }]
        : [];
      // the placeholder becomes the header (the thread parent), its images included
      if (head) {
        await deliver(
          client,
          head,
          note,
          (blocks) => client.chat.update({ channel: r.channel, ts: r.ts!, text: head.text, blocks: blocks as never }),
          {
            retryMs: opts.imageRetryMs,
            log,
          },
        );
      }
      for (const m of rest) await send(r.channel, threadTs, m);
      return { where: { channel: r.channel, threadTs }, key: threadTs };
    },
    async postSteps({ channel, threadTs }, jobId, groups, more) {
      const msgs = groups.flat();
      for (let i = 0; i < msgs.length; i++)
        await send(channel, threadTs, msgs[i], i === msgs.length - 1 ? [buttonsBlock(jobId, more)] : []);
    },
    postText: ({ channel, threadTs }, text) =>
      pacer.schedule(channel, () => client.chat.postMessage({ channel, thread_ts: threadTs, text: escapeSlack(text) })),
  };
  const threads = new AnswerThreads({ service, platform: 'slack', poster, log });

  async function reveal(jobId: string, action: RevealAction, channel: string, threadTs: string, user: string): Promise<void> {
    const note = await threads.reveal(jobId, action, { channel, threadTs });
    if (note) await client.chat.postEphemeral({ channel, user, text: note, thread_ts: threadTs }).catch(() => undefined);
  }

  /** Starts a solve whose placeholder is posted by `placeholder()` once the job is accepted. */
  async function solve(
    req: { userId: string; channel: string; team?: string; question: string; strategy?: string; budget?: number },
    placeholder: (text: string) => Promise<{ ts: string; threadTs?: string }>,
    answer: (text: string) => Promise<unknown>,
  ): Promise<void> {
    const ctx: SolveContext<SlackReply> = {
      platform: 'slack',
      userId: req.userId,
      channelId: req.channel,
      guildId: req.team ?? '',
      whisper: answer,
      say: answer,
      refuse: (message) => answer(`:warning: ${escapeSlack(message)}`),
      warn: ':warning:',
      bold: (t) => `*${t}*`,
      log,
      threads,
      reply: { channel: req.channel },
      placeholder: async (out) => {
        const ph = await placeholder(acceptedText(out));
        return { reply: { channel: req.channel, ts: ph.ts, threadTs: ph.threadTs ?? ph.ts } };
      },
    };
    await solveCommand.run(ctx, { question: req.question, strategy: req.strategy, budget: req.budget });
  }

  // Socket Mode has no HTTP guard: replays and retries of an event are dropped here (HTTP mode: in guardSlackRequest)
  const claimEvent = (id: string) => service.claimEvent(id);
  if (socket)
    app.use(async ({ body, next }) => {
      const id = (body as { event_id?: unknown }).event_id;
      if (typeof id === 'string' && id && !(await claimEvent(`slack:${id}`)))
        return log(`Slack event ${id} seen before: not handled again`);
      await next();
    });

  app.command('/solve', async ({ command, ack }) => {
    await ack(); // first thing: the 3 s deadline
    const cmd = parseCommand(command.text ?? '');
    const ephemeral = (text: string) => client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, text });
    if (cmd.kind === 'help') return void (await ephemeral(HELP_TEXT).catch(() => undefined));
    if (cmd.kind !== 'solve')
      return void (await ephemeral('Use `next step`, `show all` and `other answers` inside an answer thread (or press its buttons).').catch(
        () => undefined,
      ));
    await solve(
      { userId: command.user_id, channel: command.channel_id, question: cmd.question, strategy: cmd.strategy, budget: cmd.budget },
      async (status) => {
        const res = await pacer.schedule(command.channel_id, () =>
          client.chat.postMessage({
            channel: command.channel_id,
            text: `<@${command.user_id}> asked: ${escapeSlack(cmd.question.slice(0, 2500))}\n${status}`,
          }),
        );
        return { ts: res.ts as string };
      },
      ephemeral,
    );
  });

  app.event('app_mention', async ({ event }) => {
    const e = event as { text?: string; user?: string; channel: string; ts: string; thread_ts?: string };
    const cmd = parseCommand(e.text ?? '');
    const threadTs = e.thread_ts ?? e.ts;
    const say = (text: string) =>
      pacer.schedule(e.channel, () => client.chat.postMessage({ channel: e.channel, thread_ts: threadTs, text }));
    if (cmd.kind === 'help') return void (await say(HELP_TEXT));
    if (cmd.kind !== 'solve') {
      const jobId = e.thread_ts ? threads.jobOf(e.thread_ts) : undefined;
      if (!jobId) return void (await say('Use that inside an answer thread (or press the buttons under an answer).'));
      await reveal(
        jobId,
        cmd.kind === 'next' ? 'next' : cmd.kind === 'all' ? 'all' : 'alternatives',
        e.channel,
        e.thread_ts!,
        e.user ?? '',
      );
      return;
    }
    await solve(
      { userId: e.user ?? 'unknown', channel: e.channel, question: cmd.question, strategy: cmd.strategy, budget: cmd.budget },
      async (status) => {
        const res = await pacer.schedule(e.channel, () =>
          client.chat.postMessage({ channel: e.channel, thread_ts: threadTs, text: status }),
        );
        return { ts: res.ts as string, threadTs };
      },
      say,
    );
  });

  app.action(/^sw:/, async (args) => {
    const { ack, body, action } = args as unknown as SlackActionMiddlewareArgs<BlockAction<ButtonAction>>;
    await ack();
    const parsed = parseActionId(action.action_id);
    if (!parsed || !body.channel?.id) return;
    const msg = body.message as { ts?: string; thread_ts?: string } | undefined;
    const threadTs = msg?.thread_ts ?? msg?.ts;
    if (!threadTs) return;
    await reveal(parsed.jobId, parsed.action, body.channel.id, threadTs, body.user.id);
  });

  const practice = practiceSlack({ app, client, core, pacer, log, imageRetryMs: opts.imageRetryMs }); // /practice, /check
  app.error(async (err) => log(`bolt error: ${err?.stack ?? err}`));

  const ownPort = opts.port ?? config.port;
  if (socket) await app.start();
  // HTTP mode: every request passes the guard (./guard.ts) before Bolt's request listener
  const handle = receiver
    ? (req: IncomingMessage, res: ServerResponse): boolean => {
        const p = (req.url ?? '/').split('?')[0];
        if (req.method !== 'POST' || p !== '/slack/events') return false;
        guardSlackRequest(req, res, { signingSecret: config.signingSecret, claimEvent, log }).then(
          (v) => {
            if (v.pass) receiver.requestListener(req, res);
          },
          (err) => {
            log(`Slack request not read: ${(err as Error)?.message ?? err}`);
            if (!res.headersSent) res.writeHead(400);
            res.end();
          },
        );
        return true;
      }
    : undefined;
  let server: Server | undefined;
  if (handle && ownPort !== undefined) {
    const own = createServer((req, res) => {
      if (!handle(req, res)) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found: this port serves POST /slack/events\n');
      }
    });
    await new Promise<void>((resolve, reject) => {
      own.once('error', reject);
      own.listen(ownPort, resolve);
    });
    server = own;
  }

  // Jobs a previous process left unfinished: resume those whose placeholder exists.
  threads.resumeUnfinished({
    resumable: (r) => !!r.ts,
    key: (r) => r.threadTs,
    announce: (r) => client.chat.update({ channel: r.channel, ts: r.ts!, text: 'The bot restarted; picking this question up again…' }),
  });
  practice.ready(); // practice sessions: deadlines re-armed

  return {
    app,
    server,
    handle,
    pacer,
    async close() {
      if (socket) await app.stop().catch(() => undefined);
      if (server) {
        server.closeAllConnections?.();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      await pacer.close();
    },
  };
}
