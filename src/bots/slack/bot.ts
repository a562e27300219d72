/**
 * The Slack bot (@slack/bolt): `/solve` and `app_mention`, over the HTTP receiver or Socket Mode.
 *
 * ack() at once; a placeholder message shows progress (chat.update); when done the placeholder
 * becomes the header and the steps are replied in its thread (chat.postMessage with thread_ts), one
 * message per step, one at a time with Block Kit buttons "Next step", "Show all", "Other answers".
 * Typeset math is uploaded unshared first and shown by `image` blocks inside the step's message
 * (./files.ts), so the thread reads in posting order. Posts are paced per channel (about 1 / s). Bolt verifies request signatures
 * and rejects stale timestamps (401); that stays on.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type BlockAction, type ButtonAction, type SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { SearchResult } from '../../engine/index';
import { escapeSlack } from '../../render/slack';
import type { SlackBlock, SlackMessage } from '../../render/types';
import {
  actionId,
  alternativesText,
  HELP_TEXT,
  parseActionId,
  parseCommand,
  presentSlack,
  progressText,
  revealPlan,
  revealTotal,
  ChannelPacer,
  SLACK_PACING,
  type BotCore,
  type JobRecord,
  type JobSink,
  type PacingOptions,
  type Presentation,
  type RevealAction,
  type SlackConfig,
} from '../core/index';
import { practiceSlack } from '../practice/slack';
import { deliver } from './files';

interface SlackReply extends Record<string, unknown> {
  channel: string;
  /** The placeholder (progress, then header) message. */
  ts?: string;
  /** The thread the answer goes into (the placeholder's ts for /solve, the mention's ts for mentions). */
  threadTs?: string;
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
  const b = (text: string, action: RevealAction) => ({ type: 'button' as const, text: { type: 'plain_text' as const, text }, action_id: actionId(action, jobId), value: jobId });
  return { type: 'actions', elements: more ? [b('Next step', 'next'), b('Show all', 'all'), b('Other answers', 'alternatives')] : [b('Other answers', 'alternatives')] };
}

export async function startSlack(opts: SlackBotOptions): Promise<SlackBot> {
  const { core, config } = opts;
  const { service } = core;
  const log = opts.log ?? ((m: string) => process.stderr.write(`[slack] ${m}\n`));
  const pacer = new ChannelPacer(opts.pacing ?? SLACK_PACING);
  const socket = !!config.appToken;
  const logLevel = opts.logLevel ?? LogLevel.WARN;
  const receiver = socket ? undefined : new HTTPReceiver({ signingSecret: config.signingSecret, logLevel });
  const app = new App({
    token: config.botToken,
    ...(socket ? { signingSecret: config.signingSecret, socketMode: true, appToken: config.appToken } : { receiver }),
    ...(config.apiUrl ? { clientOptions: { slackApiUrl: config.apiUrl.endsWith('/') ? config.apiUrl : `${config.apiUrl}/` } } : {}),
    logLevel,
  });
  const client: WebClient = app.client;
  const presentations = new Map<string, Presentation<SlackMessage>>();
  const threadJobs = new Map<string, string>();
  const locks = new Map<string, Promise<unknown>>();

  const withLock = <T>(jobId: string, fn: () => Promise<T>): Promise<T> => {
    const prev = locks.get(jobId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    locks.set(jobId, next.catch(() => undefined));
    return next;
  };

  async function presentation(job: JobRecord, result?: SearchResult): Promise<Presentation<SlackMessage> | null> {
    const hit = presentations.get(job.id);
    if (hit) return hit;
    const r = result ?? job.result;
    if (!r) return null;
    const p = await presentSlack(r, core.images);
    presentations.set(job.id, p);
    if (presentations.size > 200) presentations.delete(presentations.keys().next().value as string);
    return p;
  }

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

  async function postGroups(job: JobRecord, channel: string, threadTs: string, groups: SlackMessage[][], more: boolean): Promise<void> {
    const msgs = groups.flat();
    for (let i = 0; i < msgs.length; i++) await send(channel, threadTs, msgs[i], i === msgs.length - 1 ? [buttonsBlock(job.id, more)] : []);
  }

  const replyOf = (job: JobRecord) => (service.getJob(job.id)?.reply ?? job.reply) as SlackReply;

  function sinkFor(ready: Promise<void>): JobSink {
    return {
      progress: async (job, p) => {
        await ready;
        const r = replyOf(job);
        if (r.ts) await client.chat.update({ channel: r.channel, ts: r.ts, text: progressText(p) });
      },
      failed: async (job, message) => {
        await ready;
        const r = replyOf(job);
        if (r.ts) await client.chat.update({ channel: r.channel, ts: r.ts, text: `:warning: ${escapeSlack(message)}`, blocks: [] as never });
      },
      done: (job, result, info) =>
        withLock(job.id, async () => {
          await ready;
          const r = replyOf(job);
          const p = await presentation(job, result);
          if (!p || !r.ts) return;
          const threadTs = r.threadTs ?? r.ts;
          threadJobs.set(threadTs, job.id);
          const [head, ...rest] = p.header;
          const note: SlackBlock[] = info.cached ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: '_answered from the cache_' }] }] : [];
          // the placeholder becomes the header (the thread parent), its images included
          if (head) {
            await deliver(client, head, note, (blocks) => client.chat.update({ channel: r.channel, ts: r.ts!, text: head.text, blocks: blocks as never }), {
              retryMs: opts.imageRetryMs,
              log,
            });
          }
          for (const m of rest) await send(r.channel, threadTs, m);
          const plan = revealPlan(p, job.revealed, job.revealed === 0 ? 'next' : 'all');
          await postGroups(job, r.channel, threadTs, plan.groups, plan.revealed < revealTotal(p));
          service.setRevealed(job.id, plan.revealed);
        }),
    };
  }

  async function reveal(jobId: string, action: RevealAction, channel: string, threadTs: string, user: string): Promise<void> {
    const note = await withLock(jobId, async () => {
      const job = service.getJob(jobId);
      if (!job) return 'I no longer have that answer; please ask again.';
      if (job.status !== 'done' || !job.result) return 'Still working on that one; the steps come when it is done.';
      if (action === 'alternatives') {
        const text = escapeSlack(alternativesText(job.result));
        await pacer.schedule(channel, () => client.chat.postMessage({ channel, thread_ts: threadTs, text }));
        return null;
      }
      const p = await presentation(job);
      if (!p) return 'I no longer have that answer; please ask again.';
      const plan = revealPlan(p, job.revealed, action);
      if (plan.groups.length === 0) return 'All steps are shown already.';
      await postGroups(job, channel, threadTs, plan.groups, plan.revealed < revealTotal(p));
      service.setRevealed(job.id, plan.revealed);
      return null;
    });
    if (note) await client.chat.postEphemeral({ channel, user, text: note, thread_ts: threadTs }).catch(() => undefined);
  }

  /** Starts a solve whose placeholder is posted by `placeholder()` once the job is accepted. */
  async function solve(
    req: { userId: string; channel: string; question: string; strategy?: string; budget?: number },
    placeholder: (text: string) => Promise<{ ts: string; threadTs?: string }>,
    refuse: (text: string) => Promise<unknown>,
  ): Promise<void> {
    let release!: () => void;
    const ready = new Promise<void>((r) => (release = r));
    const sink = sinkFor(ready);
    const out = await service.submit({ platform: 'slack', userId: req.userId, channelId: req.channel, question: req.question, strategy: req.strategy, budget: req.budget, reply: { channel: req.channel } }, sink);
    if (!out.ok) {
      release();
      await refuse(`:warning: ${escapeSlack(out.message)}`);
      return;
    }
    try {
      const status = out.cached ? 'Found this one in the cache…' : out.ahead > 0 ? `Queued behind ${out.ahead} other question${out.ahead === 1 ? '' : 's'}…` : 'Working on it…';
      const ph = await placeholder(status);
      service.updateReply(out.job.id, { channel: req.channel, ts: ph.ts, threadTs: ph.threadTs ?? ph.ts });
    } finally {
      release();
    }
  }

  app.command('/solve', async ({ command, ack }) => {
    await ack(); // first thing: the 3 s deadline
    const cmd = parseCommand(command.text ?? '');
    const ephemeral = (text: string) => client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, text });
    if (cmd.kind === 'help') return void (await ephemeral(HELP_TEXT).catch(() => undefined));
    if (cmd.kind !== 'solve') return void (await ephemeral('Use `next step`, `show all` and `other answers` inside an answer thread (or press its buttons).').catch(() => undefined));
    await solve(
      { userId: command.user_id, channel: command.channel_id, question: cmd.question, strategy: cmd.strategy, budget: cmd.budget },
      async (status) => {
        const res = await pacer.schedule(command.channel_id, () =>
          client.chat.postMessage({ channel: command.channel_id, text: `<@${command.user_id}> asked: ${escapeSlack(cmd.question.slice(0, 2500))}\n${status}` }),
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
    const say = (text: string) => pacer.schedule(e.channel, () => client.chat.postMessage({ channel: e.channel, thread_ts: threadTs, text }));
    if (cmd.kind === 'help') return void (await say(HELP_TEXT));
    if (cmd.kind !== 'solve') {
      const jobId = e.thread_ts ? threadJobs.get(e.thread_ts) : undefined;
      if (!jobId) return void (await say('Use that inside an answer thread (or press the buttons under an answer).'));
      await reveal(jobId, cmd.kind === 'next' ? 'next' : cmd.kind === 'all' ? 'all' : 'alternatives', e.channel, e.thread_ts!, e.user ?? '');
      return;
    }
    await solve(
      { userId: e.user ?? 'unknown', channel: e.channel, question: cmd.question, strategy: cmd.strategy, budget: cmd.budget },
      async (status) => {
        const res = await pacer.schedule(e.channel, () => client.chat.postMessage({ channel: e.channel, thread_ts: threadTs, text: status }));
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
  const started = socket ? await app.start() : ownPort !== undefined ? await app.start(ownPort) : undefined;
  const server = !socket ? (started as Server | undefined) : undefined;
  const handle = receiver
    ? (req: IncomingMessage, res: ServerResponse): boolean => {
        const p = (req.url ?? '/').split('?')[0];
        if (req.method !== 'POST' || p !== '/slack/events') return false;
        receiver.requestListener(req, res);
        return true;
      }
    : undefined;

  // Jobs a previous process left unfinished: resume those whose placeholder exists.
  for (const job of service.unfinished('slack')) {
    const r = job.reply as SlackReply;
    if (!r.ts) {
      service.abandon(job, 'interrupted by a restart before it started');
      continue;
    }
    log(`resuming job ${job.id}`);
    if (r.threadTs) threadJobs.set(r.threadTs, job.id);
    client.chat.update({ channel: r.channel, ts: r.ts, text: 'The bot restarted; picking this question up again…' }).catch(() => undefined);
    void service.resume(job, sinkFor(Promise.resolve()));
  }
  practice.ready(); // practice sessions: deadlines re-armed

  return {
    app,
    server,
    handle,
    pacer,
    async close() {
      await app.stop().catch(() => undefined);
      await pacer.close();
    },
  };
}
