/**
 * Bots benchmark (`./stepwise bench bots`): the real discord.js and Bolt clients against the fake
 * Discord and Slack servers of the test helpers, with a scripted engine (the bots are measured, not
 * the models).
 *  - latency: command → deferred reply (Discord) / ack (Slack), command → first progress edit,
 *    messages posted per answer thread;
 *  - load: N solve requests from U simulated users spread over W seconds (time compressed by
 *    `compress`: 60 s → 60 / compress s, with the per-channel pacing windows compressed alike);
 *    checks none is lost, users are served in turn, and the limits hold.
 */
import type { AddressInfo } from 'node:net';
import { loadConfig, maxInWindow } from '../src/bots/core/index';
import { createCore, type BotCore } from '../src/bots/compose';
import { startDiscord } from '../src/bots/platforms/discord/bot';
import { startSlack } from '../src/bots/platforms/slack/bot';
import { FakeDiscord } from '../test/helpers/fake-discord';
import { FakeSlack, signedRequest, slashBody } from '../test/helpers/fake-slack';
import { fakeImages, MATH_QUESTION, tmpDb, toyEngine } from '../test/bots/harness';

export interface BenchBotsOptions {
  /** Latency samples per platform. */
  samples?: number;
  /** Load test size. */
  requests?: number;
  users?: number;
  /** Seconds the requests are spread over, before compression. */
  windowS?: number;
  /** Time compression factor for the load test (60 s at 10× takes 6 s). */
  compress?: number;
  concurrency?: number;
  /** Milliseconds per scripted policy call. */
  policyDelayMs?: number;
  log?: (msg: string) => void;
}

export interface BenchBotsResult {
  discord: { deferMs: Stats; firstProgressMs: Stats; messagesPerThread: number };
  slack: { ackMs: Stats; firstProgressMs: Stats; messagesPerThread: number };
  load: {
    requests: number;
    users: number;
    windowS: number;
    compress: number;
    wallS: number;
    answered: number;
    refused: number;
    lost: number;
    deferMs: Stats;
    concurrency: number;
    maxRunning: number;
    /** Largest number of positions a job started ahead of a job of an earlier round (0 = strict round robin). */
    maxRoundInversion: number;
    /** Most posts into one channel in any pacing window (limit in brackets). */
    maxPostsPerChannelWindow: number;
    pacingLimit: number;
    ok: boolean;
  };
}

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, p50: r(q(0.5)), p95: r(q(0.95)), max: r(s[s.length - 1] ?? NaN) };
}

function core(vars: Record<string, string>, delayMs: number): BotCore {
  return createCore(loadConfig({ STEPWISE_DB: tmpDb(), ...vars }), {
    engine: async () => toyEngine(delayMs),
    images: fakeImages,
    progressIntervalMs: 20,
    searchOverrides: { candidates: 4 },
    log: () => undefined,
  });
}

async function discordLatency(samples: number, delayMs: number): Promise<BenchBotsResult['discord']> {
  const fake = new FakeDiscord();
  await fake.start();
  const c = core({ STEPWISE_USER_PER_MINUTE: '1000', STEPWISE_USER_PENDING: '100' }, delayMs);
  const bot = await startDiscord({
    config: { token: 't', applicationId: fake.appId, apiUrl: fake.apiUrl },
    core: c,
    pacing: { perWindow: 5, windowMs: 5000, minTimeMs: 0 },
    log: () => undefined,
  });
  await bot.ready;
  const defer: number[] = [];
  const first: number[] = [];
  const perThread: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const threadsBefore = fake.threads().length;
      const { id, token, at } = fake.slash({ question: `${MATH_QUESTION} (#${i})`, strategy: 'beam', budget: 2 });
      const cb = new RegExp(`^/interactions/${id}/`);
      await fake.waitFor(() => fake.callsTo('POST', cb).length > 0, 5000, 'defer');
      defer.push(fake.callsTo('POST', cb)[0].at - at);
      const orig = new RegExp(`/${token}/messages/@original$`);
      await fake.waitFor(
        () => fake.threads().length > threadsBefore && fake.posts(fake.threads()[threadsBefore].id).some((p) => p.body?.components?.length),
        20_000,
        'thread',
      );
      const prog = fake.callsTo('PATCH', orig).find((e) => /Solving…/.test(e.body?.content ?? ''));
      if (prog) first.push(prog.at - at);
      perThread.push(1 + fake.posts(fake.threads()[threadsBefore].id).length);
    }
  } finally {
    await c.service.idle();
    await bot.close();
    await c.close();
    await fake.stop();
  }
  return {
    deferMs: stats(defer),
    firstProgressMs: stats(first),
    messagesPerThread: perThread.reduce((a, b) => a + b, 0) / Math.max(1, perThread.length),
  };
}

async function slackLatency(samples: number, delayMs: number): Promise<BenchBotsResult['slack']> {
  const fake = new FakeSlack();
  await fake.start();
  const c = core({ STEPWISE_USER_PER_MINUTE: '1000', STEPWISE_USER_PENDING: '100' }, delayMs);
  const secret = 'bench-secret';
  const bot = await startSlack({
    config: { botToken: 'xoxb-bench', signingSecret: secret, apiUrl: fake.apiUrl, port: 0 },
    core: c,
    port: 0,
    pacing: { perWindow: 1000, windowMs: 1000, minTimeMs: 0 },
    log: () => undefined,
  });
  const url = `http://127.0.0.1:${(bot.server!.address() as AddressInfo).port}/slack/events`;
  const ack: number[] = [];
  const first: number[] = [];
  const perThread: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const before = fake.calls.length;
      const t0 = Date.now();
      const r = await signedRequest(
        url,
        secret,
        slashBody({ text: `strategy:beam budget:2 ${MATH_QUESTION} (#${i})` }),
        'application/x-www-form-urlencoded',
      );
      ack.push(r.ms);
      await fake.waitFor(
        () =>
          fake.calls
            .slice(before)
            .some((x) => x.method === 'chat.postMessage' && (x.args.blocks ?? []).some((b: { type: string }) => b.type === 'actions')),
        20_000,
        'thread',
      );
      const mine = fake.calls.slice(before);
      const prog = mine.find((x) => x.method === 'chat.update' && /Solving…/.test(x.args.text ?? ''));
      if (prog) first.push(prog.at - t0);
      perThread.push(mine.filter((x) => x.method === 'chat.postMessage' || x.method === 'files.completeUploadExternal').length);
    }
  } finally {
    await c.service.idle();
    await bot.close();
    await c.close();
    await fake.stop();
  }
  return {
    ackMs: stats(ack),
    firstProgressMs: stats(first),
    messagesPerThread: perThread.reduce((a, b) => a + b, 0) / Math.max(1, perThread.length),
  };
}

async function load(
  o: Required<Pick<BenchBotsOptions, 'requests' | 'users' | 'windowS' | 'compress' | 'concurrency' | 'policyDelayMs'>>,
): Promise<BenchBotsResult['load']> {
  const fake = new FakeDiscord();
  await fake.start();
  const perUser = Math.ceil(o.requests / o.users);
  const c = core(
    {
      STEPWISE_CONCURRENCY: String(o.concurrency),
      STEPWISE_USER_PENDING: String(perUser + 1),
      STEPWISE_USER_PER_MINUTE: String(perUser + 1),
      STEPWISE_CHANNEL_PENDING: String(o.requests + 1),
    },
    o.policyDelayMs,
  );
  const pacing = { perWindow: 5, windowMs: 5000 / o.compress, minTimeMs: 0 };
  const bot = await startDiscord({
    config: { token: 't', applicationId: fake.appId, apiUrl: fake.apiUrl },
    core: c,
    pacing,
    log: () => undefined,
  });
  bot.pacer.record = true;
  await bot.ready;
  const span = (o.windowS * 1000) / o.compress;
  const sent: { user: string; id: string; token: string; at: number; round: number }[] = [];
  const t0 = Date.now();
  // request k of user u goes out at a random time; a user's requests keep their order
  const times = Array.from({ length: o.requests }, () => Math.random() * span).sort((a, b) => a - b);
  const counts = new Map<string, number>();
  for (let i = 0; i < o.requests; i++) {
    const wait = t0 + times[i] - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const user = String(900_000 + (i % o.users));
    const round = counts.get(user) ?? 0;
    counts.set(user, round + 1);
    const { id, token, at } = fake.slash({ question: `What is ${i} + 3 * 12 - 7? $\\frac{${i}}{2}$`, strategy: 'greedy' }, user);
    sent.push({ user, id, token, at, round });
  }
  const finalOf = (token: string) =>
    fake.callsTo('PATCH', new RegExp(`/${token}/messages/@original$`)).find((e) => /Answer:|⚠/.test(e.body?.content ?? ''));
  await fake.waitFor(() => sent.every((s) => finalOf(s.token)), 120_000, 'all answered').catch(() => undefined);
  await c.service.idle();
  const wallS = (Date.now() - t0) / 1000;
  const answered = sent.filter((s) => /Answer:/.test(finalOf(s.token)?.body?.content ?? '')).length;
  const refused = sent.filter((s) => /⚠/.test(finalOf(s.token)?.body?.content ?? '')).length;
  const defer = sent.map((s) => (fake.callsTo('POST', new RegExp(`^/interactions/${s.id}/`))[0]?.at ?? Infinity) - s.at);
  // fairness: jobs of round k should not start before jobs of round k-1 submitted earlier
  const byJob = new Map<string, number>();
  const jobs = c.store.unfinishedJobs(); // none expected
  void jobs;
  const order = c.service.startOrder.map((jid) => c.store.getJob(jid)!);
  const roundOfJob = new Map<string, number>();
  const seen = new Map<string, number>();
  for (const j of [...order].sort((a, b) => a.createdAt - b.createdAt)) {
    const k = seen.get(j.userId) ?? 0;
    seen.set(j.userId, k + 1);
    roundOfJob.set(j.id, k);
  }
  let inversion = 0;
  order.forEach((j, i) => {
    byJob.set(j.id, i);
    const r = roundOfJob.get(j.id)!;
    for (let k = i + 1; k < order.length; k++) {
      const later = order[k];
      if (roundOfJob.get(later.id)! < r && later.createdAt <= j.createdAt) inversion = Math.max(inversion, k - i);
    }
  });
  let maxWin = 0;
  for (const t of bot.pacer.times.values()) maxWin = Math.max(maxWin, maxInWindow(t, pacing.windowMs));
  const result = {
    requests: o.requests,
    users: o.users,
    windowS: o.windowS,
    compress: o.compress,
    wallS: Math.round(wallS * 10) / 10,
    answered,
    refused,
    lost: o.requests - answered - refused,
    deferMs: stats(defer),
    concurrency: o.concurrency,
    maxRunning: c.service.maxRunning,
    maxRoundInversion: inversion,
    maxPostsPerChannelWindow: maxWin,
    pacingLimit: pacing.perWindow,
    ok: false,
  };
  result.ok = result.lost === 0 && result.refused === 0 && result.maxRunning <= o.concurrency && maxWin <= pacing.perWindow;
  await bot.close();
  await c.close();
  await fake.stop();
  return result;
}

export async function benchBots(opts: BenchBotsOptions = {}): Promise<BenchBotsResult> {
  const log = opts.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const samples = opts.samples ?? 5;
  const delay = opts.policyDelayMs ?? 30;
  log(`bench bots: Discord latency (${samples} /solve)...`);
  const discord = await discordLatency(samples, delay);
  log(`bench bots: Slack latency (${samples} /solve)...`);
  const slack = await slackLatency(samples, delay);
  const o = {
    requests: opts.requests ?? 200,
    users: opts.users ?? 50,
    windowS: opts.windowS ?? 60,
    compress: opts.compress ?? 10,
    concurrency: opts.concurrency ?? 2,
    policyDelayMs: opts.policyDelayMs ?? 2,
  };
  log(`bench bots: load, ${o.requests} requests from ${o.users} users over ${o.windowS} s (compressed ${o.compress}×)...`);
  const l = await load(o);
  return { discord, slack, load: l };
}

if (require.main === module) {
  benchBots().then((r) => process.stdout.write(JSON.stringify(r, null, 2) + '\n'));
}
