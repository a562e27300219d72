/**
 * Timed practice sessions, platform-neutral: a session posts problems from the bank into a thread,
 * members answer privately (validated, limited attempts, every attempt recorded), ask for hints
 * (the next step of the bot's own solution, which costs points), and when the deadline passes or
 * a moderator ends it, the answers and scores are posted and the solutions revealed (the official
 * one when the data has it, else the bot's own, from a solve job). Results feed a leaderboard per
 * server/workspace and season.
 *
 * State lives in SQLite (PracticeStore); deadlines are absolute times, re-armed when a platform
 * attaches after a restart (./timers.ts). Scoring is ./scoring.ts, hints from the bot's solution
 * ./hints.ts. The platforms post through a PracticeAdapter and give their markup (./markup.ts).
 */
import { randomUUID } from 'node:crypto';
import type { SolveService } from '../../core/jobs';
import type { PlatformName } from '../../core/store';
import { DEFAULT_SET, isCorrect, ProblemBank, validateAnswer, type PracticeProblem } from './bank';
import { botSolutionText, hintSteps } from './hints';
import { PLAIN_MARKUP, type PracticeMarkup } from './markup';
import { scoreSession, type SessionReport } from './scoring';
import { PracticeStore, type PracticeSession, type StoredSolution } from './store';
import { SessionTimers } from './timers';

export type { ProblemReport, SessionReport } from './scoring';
export { botSolutionText, hintSteps } from './hints';

export interface PracticeOptions {
  /** Attempts per member per problem. */
  maxAttempts: number;
  defaultSet: string;
  defaultCount: number;
  defaultMinutes: number;
  maxCount: number;
  maxMinutes: number;
  /** Points for a solved problem; each wrong attempt before it costs wrongCost; each hint costs hintCost. */
  points: number;
  wrongCost: number;
  hintCost: number;
  /** Length of a "minute" (tests shorten it). */
  minuteMs: number;
  /** How often the countdown in the thread header is edited. */
  tickMs: number;
  /** User ids allowed to end any session and set the season (besides platform moderators). */
  moderators: string[];
  /** Club problem files. */
  files: string[];
  /** The data directory for the AIME/AMC sets (default STEPWISE_DATA_DIR or ../shared/data). */
  dataDir?: string;
  /** Most time to wait for the bot's own solution before revealing without it. */
  solutionWaitMs: number;
  now: () => number;
  log: (msg: string) => void;
}

export const DEFAULT_PRACTICE: PracticeOptions = {
  maxAttempts: 3,
  defaultSet: DEFAULT_SET,
  defaultCount: 3,
  defaultMinutes: 30,
  maxCount: 15,
  maxMinutes: 300,
  points: 10,
  wrongCost: 1,
  hintCost: 3,
  minuteMs: 60_000,
  tickMs: 60_000,
  moderators: [],
  files: [],
  solutionWaitMs: 10 * 60_000,
  now: () => Date.now(),
  log: (m) => process.stderr.write(`[practice] ${m}\n`),
};

/** What a platform does for practice sessions. Errors are logged. */
export interface PracticeAdapter {
  /** Edits the thread header with the countdown (or the "ended" line). */
  countdown(session: PracticeSession, text: string): Promise<void>;
  /** Posts answers and scores into the thread. */
  results(session: PracticeSession, report: SessionReport): Promise<void>;
  /** Reveals one problem's solution (behind a spoiler or a button). */
  solution(session: PracticeSession, view: SolutionView): Promise<void>;
}

export interface SolutionView {
  n: number;
  problem: PracticeProblem;
  kind: 'official' | 'bot' | 'none';
  /** Plain text with LaTeX (official solution, or the bot's steps); for 'none', why. */
  text: string;
  /** The bot's answer (kind 'bot'). */
  botAnswer?: string | null;
}

export type Reply = { ok: true; text: string } | { ok: false; text: string };

export interface StartRequest {
  platform: PlatformName;
  guildId: string;
  channelId: string;
  userId: string;
  set?: string;
  count?: number;
  minutes?: number;
}

const solutionKey = (p: PracticeProblem) => `${p.set}/${p.id}`;
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

export class PracticeService {
  readonly opts: PracticeOptions;
  readonly store: PracticeStore;
  readonly bank: ProblemBank;
  private readonly adapters = new Map<PlatformName, PracticeAdapter>();
  private readonly timers: SessionTimers;
  private readonly markups = new Map<PlatformName, PracticeMarkup>();
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly ending = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly solver: SolveService,
    dbPath: string,
    opts: Partial<PracticeOptions> = {},
  ) {
    this.opts = { ...DEFAULT_PRACTICE, ...opts };
    this.store = new PracticeStore(dbPath);
    this.bank = new ProblemBank({ files: this.opts.files, dataDir: this.opts.dataDir });
    this.timers = new SessionTimers(this.opts.tickMs, {
      end: (id) => void this.end(id, 'timeout'),
      tick: (id) => void this.tick(id),
    });
    // Solve jobs of a previous process for practice and /check: their requesters are gone; the
    // solutions still needed are asked for again when a platform re-arms its sessions.
    for (const job of solver.unfinished('internal')) solver.abandon(job, 'interrupted by a restart');
  }

  private now() {
    return this.opts.now();
  }

  private log(m: string) {
    this.opts.log(m);
  }

  /** A platform registers its markup (bold, dates, how commands are typed) before it takes commands. */
  useMarkup(platform: PlatformName, markup: PracticeMarkup): void {
    this.markups.set(platform, markup);
  }

  /** The platform's markup (plain for platforms without their own: the local page). */
  markup(platform: PlatformName): PracticeMarkup {
    return this.markups.get(platform) ?? PLAIN_MARKUP;
  }

  /** A platform registers how it posts, then its open sessions are re-armed (after a restart). */
  attach(platform: PlatformName, adapter: PracticeAdapter): void {
    this.adapters.set(platform, adapter);
    for (const s of this.store.openSessions(platform)) {
      this.log(`re-arming practice session ${s.id} (ends in ${Math.round((s.deadline - this.now()) / 1000)} s)`);
      for (const p of s.problems) this.ensureSolution(p, s.id);
      this.arm(s);
    }
    for (const s of this.store.unrevealedSessions(platform))
      this.track(this.finish(s, this.report(s, s.endedBy === 'timeout' ? 'timeout' : 'moderator')));
  }

  defaultSeason(): string {
    return String(new Date(this.now()).getUTCFullYear());
  }

  season(platform: PlatformName, guildId: string): string {
    return this.store.season(platform, guildId) ?? this.defaultSeason();
  }

  isModerator(userId: string, platformModerator: boolean, session?: PracticeSession): boolean {
    return platformModerator || this.opts.moderators.includes(userId) || (!!session && session.startedBy === userId);
  }

  /** Starts a session (the platform then posts it and calls setReply). */
  start(req: StartRequest): { ok: true; session: PracticeSession } | { ok: false; message: string } {
    if (this.closed) return { ok: false, message: 'The bot is shutting down; please start the session again in a minute.' };
    const o = this.opts;
    const open = this.store.openSessionIn(req.platform, req.channelId);
    if (open) {
      const left = Math.max(0, Math.ceil((open.deadline - this.now()) / o.minuteMs));
      return {
        ok: false,
        message: `A practice session is already running here (${plural(left, 'minute')} left). Finish it first; a moderator can end it with \`/practice end\`.`,
      };
    }
    let set;
    try {
      set = this.bank.get(req.set?.trim() || o.defaultSet);
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
    const maxCount = Math.min(o.maxCount, set.problems.length);
    const count = req.count ?? Math.min(o.defaultCount, maxCount);
    if (!Number.isInteger(count) || count < 1 || count > maxCount)
      return { ok: false, message: `The number of problems must be a whole number from 1 to ${maxCount}.` };
    const minutes = req.minutes ?? o.defaultMinutes;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > o.maxMinutes)
      return { ok: false, message: `The time must be a whole number of minutes from 1 to ${o.maxMinutes}.` };
    // Prefer problems this server has not practised yet.
    const used = this.store.usedProblemIds(req.platform, req.guildId);
    let pool = set.problems.filter((p) => !used.has(solutionKey(p)));
    if (pool.length < count) pool = [...set.problems];
    const problems = shuffle(pool).slice(0, count);
    const now = this.now();
    const session: PracticeSession = {
      id: randomUUID(),
      platform: req.platform,
      guildId: req.guildId,
      channelId: req.channelId,
      setName: set.name,
      setTitle: set.title,
      format: set.format,
      problems,
      startedBy: req.userId,
      startedAt: now,
      deadline: now + minutes * o.minuteMs,
      season: this.season(req.platform, req.guildId),
      maxAttempts: o.maxAttempts,
      status: 'open',
      revealed: false,
      reply: {},
    };
    this.store.insertSession(session);
    // The bot's own solutions: the hints come from them, and the reveal when there is no official one.
    for (const p of problems) this.ensureSolution(p, session.id);
    this.arm(session);
    return { ok: true, session };
  }

  setReply(sessionId: string, reply: Record<string, unknown>, threadId?: string): void {
    this.store.setReply(sessionId, reply, threadId);
  }

  getSession(id: string): PracticeSession | undefined {
    return this.store.getSession(id);
  }

  /** The open session where a command was used (its thread, or the channel it was started in). */
  openSessionIn(platform: PlatformName, channelOrThread: string): PracticeSession | undefined {
    return this.store.openSessionIn(platform, channelOrThread);
  }

  private arm(s: PracticeSession): void {
    this.timers.arm(s.id, Math.max(0, s.deadline - this.now()));
  }

  private disarm(id: string): void {
    this.timers.disarm(id);
  }

  private async tick(id: string): Promise<void> {
    const s = this.store.getSession(id);
    if (!s || s.status !== 'open') return this.disarm(id);
    if (s.deadline <= this.now()) return void this.end(id, 'timeout');
    const a = this.adapters.get(s.platform);
    if (!a) return;
    try {
      await a.countdown(s, this.countdownText(s));
    } catch (err) {
      this.log(`countdown of ${id} failed: ${(err as Error).message}`);
    }
  }

  /** The header line: what is being practised and how long is left. */
  countdownText(s: PracticeSession): string {
    const m = this.markup(s.platform);
    const b = m.bold;
    const head = `${b('Practice')} · ${s.setTitle} · ${plural(s.problems.length, 'problem')} · started by <@${s.startedBy}>`;
    if (s.status === 'ended') {
      const how = s.endedBy === 'timeout' ? 'time is up' : `ended by <@${s.endedBy}>`;
      return `${head}\n${b('Finished')} (${how}). Answers, scores and solutions are in the thread.`;
    }
    const leftMs = Math.max(0, s.deadline - this.now());
    const mins = Math.ceil(leftMs / this.opts.minuteMs);
    const unix = Math.floor((Date.now() + leftMs) / 1000);
    const when = m.deadline(unix);
    const cmd = (c: string) => `\`${c}\``;
    const ans = m.answerUsage;
    const hint = m.hintUsage;
    const fmt = s.format === 'aime' ? ' Answers are integers 0-999.' : '';
    return [
      head,
      `⏳ ${b(`Time left: ${plural(mins, 'minute')}`)}${when}`,
      `Answer privately with ${cmd(ans)} (${plural(s.maxAttempts, 'attempt')} per problem).${fmt} Hint: ${cmd(hint)} (costs ${this.opts.hintCost} points).`,
    ].join('\n');
  }

  /** A member's answer. The reply is private (ephemeral). */
  answer(session: PracticeSession | undefined, userId: string, n: number, raw: string): Reply {
    if (!session) return { ok: false, text: 'There is no practice session running here. Use it in the practice thread or its channel.' };
    if (session.status !== 'open' || session.deadline <= this.now())
      return { ok: false, text: 'Time is up for this session; the answers are being revealed in the thread.' };
    const count = session.problems.length;
    if (!Number.isInteger(n) || n < 1 || n > count)
      return { ok: false, text: `There is no problem ${n}: this session has problems 1 to ${count}.` };
    const v = validateAnswer(session.format, raw);
    if (!v.ok) return { ok: false, text: v.message };
    const mine = this.store.attempts(session.id, userId).filter((a) => a.problem === n);
    if (mine.some((a) => a.correct)) return { ok: false, text: `You have already solved problem ${n}.` };
    if (mine.length >= session.maxAttempts)
      return { ok: false, text: `You have used all ${session.maxAttempts} attempts on problem ${n}.` };
    const p = session.problems[n - 1];
    const correct = isCorrect(session.format, p.answer, v.value);
    this.store.addAttempt({ sessionId: session.id, userId, problem: n, value: v.value, correct, at: this.now() });
    const left = session.maxAttempts - mine.length - 1;
    if (correct) return { ok: true, text: `✅ ${v.value} is correct: problem ${n} solved (attempt ${mine.length + 1}).` };
    return {
      ok: true,
      text: `❌ ${v.value} is not correct for problem ${n}. ${left > 0 ? `${plural(left, 'attempt')} left.` : 'No attempts left on this problem.'}`,
    };
  }

  /** The next step of the bot's solution, for the asker only; costs points. */
  hint(session: PracticeSession | undefined, userId: string, n: number): Reply {
    if (!session) return { ok: false, text: 'There is no practice session running here.' };
    if (session.status !== 'open') return { ok: false, text: 'This session is over; the solutions are in the thread.' };
    const count = session.problems.length;
    if (!Number.isInteger(n) || n < 1 || n > count)
      return { ok: false, text: `There is no problem ${n}: this session has problems 1 to ${count}.` };
    if (this.store.attempts(session.id, userId).some((a) => a.problem === n && a.correct))
      return { ok: false, text: `You have already solved problem ${n}; no hint needed.` };
    const p = session.problems[n - 1];
    const sol = this.store.getSolution(solutionKey(p));
    if (!sol || sol.status !== 'done' || !sol.result) {
      if (sol?.status === 'failed') {
        this.ensureSolution(p, session.id, true);
        return {
          ok: false,
          text: `I could not work out my own solution to problem ${n} (${sol.error ?? 'unknown error'}). I am trying again; no points were taken.`,
        };
      }
      this.ensureSolution(p, session.id);
      return {
        ok: false,
        text: `I am still working out my own solution to problem ${n}; ask again in a minute or two. No points were taken.`,
      };
    }
    const steps = hintSteps(sol.result);
    const used = this.store.hintCount(session.id, userId, n);
    if (used >= steps.length)
      return {
        ok: false,
        text: `No more hints for problem ${n}: you have seen every step of my solution before its answer. No points were taken.`,
      };
    this.store.setHintCount(session.id, userId, n, used + 1);
    const b = this.markup(session.platform).bold;
    return {
      ok: true,
      text: `${b(`Hint ${used + 1} of ${steps.length} for problem ${n}`)} (−${this.opts.hintCost} points; only you can see this). My solution's next step:\n${steps[used]}\n_This is a step of the bot's own solution, which may be wrong._`,
    };
  }

  /** Ends a session (deadline or moderator). False when it had ended already. */
  async end(sessionId: string, by: 'timeout' | string): Promise<boolean> {
    const s0 = this.store.getSession(sessionId);
    if (!s0 || !this.store.endSession(sessionId, by, this.now())) return false;
    this.disarm(sessionId);
    const s = this.store.getSession(sessionId)!;
    const report = this.report(s, by === 'timeout' ? 'timeout' : 'moderator');
    this.store.saveResults(s, report.members);
    await this.track(this.finish(s, report));
    return true;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.ending.add(p);
    void p.finally(() => this.ending.delete(p)).catch(() => undefined);
    return p;
  }

  /** Posts results (once) and solutions, then marks the session revealed. */
  private async finish(s: PracticeSession, report: SessionReport): Promise<void> {
    const a = this.adapters.get(s.platform);
    if (!a) return;
    try {
      await a.countdown(s, this.countdownText(s)).catch((err) => this.log(`final header of ${s.id}: ${(err as Error).message}`));
      if (!s.reply.resultsPosted) {
        await a.results(s, report);
        s.reply = { ...(this.store.getSession(s.id)?.reply ?? s.reply), resultsPosted: true };
        this.store.setReply(s.id, s.reply);
      }
      const views = await Promise.all(s.problems.map((p, i) => this.solutionView(s, i + 1, p, true)));
      for (const v of views) await a.solution(s, v);
      this.store.setRevealed(s.id);
    } catch (err) {
      this.log(`posting the end of ${s.id} failed: ${(err as Error)?.stack ?? err}`);
    }
  }

  /** Results: per member points, per problem answers (./scoring.ts). */
  report(s: PracticeSession, reason: 'timeout' | 'moderator'): SessionReport {
    return scoreSession(s, reason, this.store.attempts(s.id), this.store.hints(s.id), this.opts);
  }

  /** The official solution, or the bot's (waiting for its solve job when `wait`), or why there is none. */
  async solutionView(s: PracticeSession, n: number, p: PracticeProblem, wait: boolean): Promise<SolutionView> {
    if (p.solution) return { n, problem: p, kind: 'official', text: p.solution };
    let sol = this.store.getSolution(solutionKey(p));
    if (wait && sol?.status !== 'done') {
      this.ensureSolution(p, s.id, sol?.status === 'failed');
      const pending = this.inflight.get(solutionKey(p));
      if (pending) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([pending, new Promise<void>((r) => (timer = setTimeout(r, this.opts.solutionWaitMs)))]);
        clearTimeout(timer);
      }
      sol = this.store.getSolution(solutionKey(p));
    }
    if (sol?.status === 'done' && sol.result)
      return { n, problem: p, kind: 'bot', text: botSolutionText(sol.result), botAnswer: sol.result.answer };
    const why = sol?.status === 'failed' ? (sol.error ?? 'the solve failed') : 'my own solution is not ready yet';
    return {
      n,
      problem: p,
      kind: 'none',
      text: `There is no official solution in the data, and ${sol?.status === 'failed' ? `I could not solve it: ${why}` : why}.`,
    };
  }

  /** Queues a solve job for a problem unless its solution is known or on its way. */
  ensureSolution(p: PracticeProblem, sessionId: string, retry = false): void {
    const key = solutionKey(p);
    if (this.closed || this.inflight.has(key)) return;
    const st = this.store.getSolution(key);
    if (st?.status === 'done' || (st?.status === 'failed' && !retry)) return;
    this.saveSolution(key, { status: 'pending' });
    const p$ = (async () => {
      let settle!: () => void;
      const done = new Promise<void>((r) => (settle = r));
      const out = await this.solver.submit(
        { platform: 'internal', userId: `practice:${key}`, channelId: `practice:${sessionId}`, question: p.problem },
        {
          done: (_job, result) => {
            this.saveSolution(key, { status: 'done', result });
            settle();
          },
          failed: (_job, message) => {
            this.saveSolution(key, { status: 'failed', error: message });
            settle();
          },
        },
      );
      if (!out.ok) {
        this.saveSolution(key, { status: 'failed', error: out.message });
        return;
      }
      await Promise.race([done, out.finished]);
      if (!this.closed && this.store.getSolution(key)?.status === 'pending')
        this.saveSolution(key, { status: 'failed', error: 'the solve job stopped' });
    })()
      .catch((err) => {
        this.log(`solution of ${key}: ${(err as Error).message}`);
        this.saveSolution(key, { status: 'failed', error: (err as Error).message });
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, p$);
  }

  /**
   * Records a practice solution's state, unless the service is closed: a solve job ended by the
   * shutdown reports after the store is closed; the solution stays pending and is made again.
   */
  private saveSolution(key: string, s: StoredSolution): void {
    if (!this.closed) this.store.putSolution(key, s);
  }

  setSeason(platform: PlatformName, guildId: string, season: string): Reply {
    const name = season.trim();
    if (!/^[\w .:-]{1,40}$/.test(name))
      return { ok: false, text: 'A season name is 1 to 40 letters, digits, spaces, dots, colons or dashes (e.g. "2025 spring").' };
    this.store.setSeason(platform, guildId, name);
    return { ok: true, text: `New sessions now count towards the season "${name}".` };
  }

  leaderboardText(platform: PlatformName, guildId: string, season?: string): string {
    const name = season?.trim() || this.season(platform, guildId);
    const rows = this.store.leaderboard(platform, guildId, name);
    const b = this.markup(platform).bold;
    if (rows.length === 0) return `${b(`Leaderboard, season ${name}`)}\nNo finished practice sessions in this season yet.`;
    const medal = ['🥇', '🥈', '🥉'];
    const lines = rows.map(
      (r, i) =>
        `${medal[i] ?? `${i + 1}.`} <@${r.userId}>: ${b(plural(r.points, 'point'))} · ${plural(r.solved, 'problem')} solved · ${plural(r.sessions, 'session')}`,
    );
    return `${b(`Leaderboard, season ${name}`)}\n${lines.join('\n')}`;
  }

  /** Waits for endings in progress (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.ending.size) await Promise.allSettled([...this.ending]);
  }

  /** Stops the timers (sessions stay open in the store and are re-armed by the next process). */
  async close(): Promise<void> {
    this.closed = true;
    this.timers.close();
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise((r) => (t = setTimeout(r, 2000)))]);
    clearTimeout(t);
    this.store.close();
  }
}

function shuffle<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
