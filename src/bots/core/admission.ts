/**
 * Admission: whether a question may be queued. Checks the question, strategy and budget, then the
 * per-user and per-channel pending limits and the per-user questions-per-minute limit, each with a
 * message fit for the chat user. The counters are services: in-process here, shared through
 * Redis in the scale-out mode (src/bots/scale), chosen at start-up.
 */
import Bottleneck from 'bottleneck';
import { checkQuestion, QuestionError, STRATEGY_NAMES, type StrategyName } from '../../engine/index';
import type { LimitsConfig } from './config';
import type { PlatformName } from './store';

/**
 * Questions waiting or running per user and per channel. The default counts in this process; the
 * scale-out mode (src/bots/scale) counts in Redis so the limits hold across instances.
 */
export interface PendingCounter {
  /** Counts `id` against both keys unless a limit is reached (`force` skips the check). */
  acquire(
    id: string,
    userKey: string,
    chanKey: string,
    limits: { user: number; channel: number },
    force?: boolean,
  ): Promise<'ok' | 'user' | 'channel'>;
  release(id: string): Promise<void>;
  close?(): Promise<void>;
}

/** Questions per user per minute. */
export interface RateLimiter {
  /** Takes one of the user's questions this minute; false when none is left. */
  take(userKey: string): Promise<boolean>;
  close(): Promise<void>;
}

export class LocalPending implements PendingCounter {
  private readonly held = new Map<string, [string, string]>();
  private readonly counts = new Map<string, number>();
  async acquire(id: string, userKey: string, chanKey: string, limits: { user: number; channel: number }, force = false) {
    const u = `u:${userKey}`,
      c = `c:${chanKey}`;
    if (!force && (this.counts.get(u) ?? 0) >= limits.user) return 'user' as const;
    if (!force && (this.counts.get(c) ?? 0) >= limits.channel) return 'channel' as const;
    if (this.held.has(id)) return 'ok' as const;
    this.held.set(id, [u, c]);
    for (const k of [u, c]) this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    return 'ok' as const;
  }
  async release(id: string) {
    const keys = this.held.get(id);
    if (!keys) return;
    this.held.delete(id);
    for (const k of keys) {
      const n = (this.counts.get(k) ?? 0) - 1;
      if (n <= 0) this.counts.delete(k);
      else this.counts.set(k, n);
    }
  }
}

/** The per-minute reservoir of each user, a Bottleneck group (`extra`: e.g. Redis clustering). */
export const rateGroup = (perMinute: number, extra: Bottleneck.ConstructorOptions = {}) =>
  new Bottleneck.Group({ ...extra, reservoir: perMinute, reservoirRefreshAmount: perMinute, reservoirRefreshInterval: 60_000 });

/** Questions per minute counted in this process. */
export class LocalRate implements RateLimiter {
  private readonly group: Bottleneck.Group;
  constructor(perMinute: number) {
    this.group = rateGroup(perMinute);
  }
  async take(userKey: string): Promise<boolean> {
    const rate = this.group.key(userKey);
    if (((await rate.currentReservoir()) ?? 1) <= 0) return false;
    await rate.incrementReservoir(-1);
    return true;
  }
  async close(): Promise<void> {
    for (const k of this.group.keys()) await this.group.deleteKey(k);
  }
}

/** The message for a budget out of range (the same on every platform and in the local page). */
export const budgetMessage = (maxBudget: number) => `The budget must be a whole number from 1 to ${maxBudget}.`;

export type Validated = { ok: true; question: string; strategy: StrategyName; budget: number } | { ok: false; message: string };

export type Refusal = { ok: false; reason: 'invalid' | 'rate-limited' | 'busy'; message: string };

export interface AdmissionOptions {
  limits: LimitsConfig;
  defaultStrategy: StrategyName;
  defaultBudget: number;
  maxBudget: number;
  pending?: PendingCounter;
  rate?: RateLimiter;
}

const keys = (platform: PlatformName, userId: string, channelId: string) => ({
  user: `${platform}:${userId}`,
  chan: `${platform}:${channelId}`,
});

export class Admission {
  private readonly pending: PendingCounter;
  private readonly rate: RateLimiter;

  constructor(private readonly opts: AdmissionOptions) {
    this.pending = opts.pending ?? new LocalPending();
    this.rate = opts.rate ?? new LocalRate(opts.limits.perUserPerMinute);
  }

  /** Checks a request; returns the clean question, strategy and budget, or a friendly message. */
  validate(req: { question?: string; strategy?: string; budget?: number }): Validated {
    let question: string;
    try {
      question = checkQuestion(req.question ?? '');
    } catch (err) {
      return { ok: false, message: err instanceof QuestionError ? err.message : String(err) };
    }
    const strategy = (req.strategy?.trim().toLowerCase() || this.opts.defaultStrategy) as StrategyName;
    if (!STRATEGY_NAMES.includes(strategy)) {
      return { ok: false, message: `Unknown strategy "${req.strategy}". Choose one of: ${STRATEGY_NAMES.join(', ')}.` };
    }
    const budget = req.budget ?? this.opts.defaultBudget;
    if (!Number.isInteger(budget) || budget < 1 || budget > this.opts.maxBudget) {
      return { ok: false, message: budgetMessage(this.opts.maxBudget) };
    }
    return { ok: true, question, strategy, budget };
  }

  private get pendingLimits() {
    return { user: this.opts.limits.perUserPending, channel: this.opts.limits.perChannelPending };
  }

  /** Counts job `id` against its user's and channel's limits, or says why it may not be queued. */
  async admit(id: string, platform: PlatformName, userId: string, channelId: string): Promise<{ ok: true } | Refusal> {
    const l = this.opts.limits;
    const k = keys(platform, userId, channelId);
    const slot = await this.pending.acquire(id, k.user, k.chan, this.pendingLimits);
    if (slot === 'user') {
      return {
        ok: false,
        reason: 'rate-limited',
        message:
          `You already have ${l.perUserPending} question${l.perUserPending === 1 ? '' : 's'} waiting. ` +
          `Please wait for ${l.perUserPending === 1 ? 'it' : 'them'} to finish before asking more.`,
      };
    }
    if (slot === 'channel') {
      return { ok: false, reason: 'busy', message: 'This channel has many questions waiting already. Please try again in a few minutes.' };
    }
    if (!(await this.rate.take(k.user))) {
      await this.pending.release(id);
      return {
        ok: false,
        reason: 'rate-limited',
        message:
          `You have asked ${l.perUserPerMinute} questions in the last minute, which is the limit. ` + 'Please wait a minute and ask again.',
      };
    }
    return { ok: true };
  }

  /** Counts a job taken up again (after a restart) without checking the limits. */
  async hold(id: string, platform: PlatformName, userId: string, channelId: string): Promise<void> {
    const k = keys(platform, userId, channelId);
    await this.pending.acquire(id, k.user, k.chan, this.pendingLimits, true);
  }

  release(id: string): Promise<void> {
    return this.pending.release(id);
  }

  async close(): Promise<void> {
    await this.rate.close();
    await this.pending.close?.();
  }
}
