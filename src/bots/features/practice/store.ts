/**
 * Practice state in SQLite, in the bots database file (its own tables, its own connection; WAL lets
 * both connections work on one file): sessions with their deadlines (so timers survive a restart),
 * every attempt, hints, per-session results (the leaderboard) and the bot's solutions.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SearchResult } from '../../../engine/index';
import { storableResult, type PlatformName } from '../../core/store';
import type { AnswerFormat, PracticeProblem } from './bank';

export type SessionStatus = 'open' | 'ended';

export interface PracticeSession {
  id: string;
  platform: PlatformName;
  /** Discord guild id / Slack team id. */
  guildId: string;
  /** The channel the session was started in. */
  channelId: string;
  /** Discord thread id / Slack thread ts, once posted. */
  threadId?: string;
  setName: string;
  setTitle: string;
  format: AnswerFormat;
  problems: PracticeProblem[];
  startedBy: string;
  startedAt: number;
  deadline: number;
  season: string;
  maxAttempts: number;
  status: SessionStatus;
  endedAt?: number;
  /** 'timeout' or the moderator's user id. */
  endedBy?: string;
  /** Solutions posted after the end (0: not yet, restart continues). */
  revealed: boolean;
  /** Platform reply reference (message ids, tokens). */
  reply: Record<string, unknown>;
}

export interface Attempt {
  sessionId: string;
  userId: string;
  problem: number;
  value: string;
  correct: boolean;
  at: number;
}

export interface MemberResult {
  userId: string;
  points: number;
  solved: number;
  attempts: number;
  hints: number;
}

export interface LeaderRow {
  userId: string;
  points: number;
  solved: number;
  sessions: number;
}

export interface StoredSolution {
  status: 'pending' | 'done' | 'failed';
  result?: SearchResult;
  error?: string;
}

interface SessionRow {
  id: string;
  platform: string;
  guild_id: string;
  channel_id: string;
  thread_id: string | null;
  set_name: string;
  set_title: string;
  format: string;
  problems: string;
  started_by: string;
  started_at: number;
  deadline: number;
  season: string;
  max_attempts: number;
  status: string;
  ended_at: number | null;
  ended_by: string | null;
  revealed: number;
  reply: string;
}

export class PracticeStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS practice_sessions (
        id TEXT PRIMARY KEY, platform TEXT NOT NULL, guild_id TEXT NOT NULL, channel_id TEXT NOT NULL, thread_id TEXT,
        set_name TEXT NOT NULL, set_title TEXT NOT NULL, format TEXT NOT NULL, problems TEXT NOT NULL,
        started_by TEXT NOT NULL, started_at INTEGER NOT NULL, deadline INTEGER NOT NULL, season TEXT NOT NULL,
        max_attempts INTEGER NOT NULL, status TEXT NOT NULL, ended_at INTEGER, ended_by TEXT,
        revealed INTEGER NOT NULL DEFAULT 0, reply TEXT NOT NULL DEFAULT '{}');
      CREATE INDEX IF NOT EXISTS practice_sessions_open ON practice_sessions(status, platform);
      CREATE INDEX IF NOT EXISTS practice_sessions_guild ON practice_sessions(platform, guild_id);
      CREATE TABLE IF NOT EXISTS practice_attempts (
        session_id TEXT NOT NULL, user_id TEXT NOT NULL, problem INTEGER NOT NULL, value TEXT NOT NULL,
        correct INTEGER NOT NULL, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS practice_attempts_s ON practice_attempts(session_id, user_id, problem);
      CREATE TABLE IF NOT EXISTS practice_hints (
        session_id TEXT NOT NULL, user_id TEXT NOT NULL, problem INTEGER NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (session_id, user_id, problem));
      CREATE TABLE IF NOT EXISTS practice_results (
        session_id TEXT NOT NULL, platform TEXT NOT NULL, guild_id TEXT NOT NULL, season TEXT NOT NULL, user_id TEXT NOT NULL,
        points INTEGER NOT NULL, solved INTEGER NOT NULL, attempts INTEGER NOT NULL, hints INTEGER NOT NULL,
        PRIMARY KEY (session_id, user_id));
      CREATE INDEX IF NOT EXISTS practice_results_board ON practice_results(platform, guild_id, season);
      CREATE TABLE IF NOT EXISTS practice_seasons (platform TEXT NOT NULL, guild_id TEXT NOT NULL, season TEXT NOT NULL, PRIMARY KEY (platform, guild_id));
      CREATE TABLE IF NOT EXISTS practice_solutions (key TEXT PRIMARY KEY, status TEXT NOT NULL, result TEXT, error TEXT, updated_at INTEGER NOT NULL);
    `);
  }

  private row(r: SessionRow | undefined): PracticeSession | undefined {
    if (!r) return undefined;
    return {
      id: r.id,
      platform: r.platform as PlatformName,
      guildId: r.guild_id,
      channelId: r.channel_id,
      threadId: r.thread_id ?? undefined,
      setName: r.set_name,
      setTitle: r.set_title,
      format: r.format as AnswerFormat,
      problems: JSON.parse(r.problems),
      startedBy: r.started_by,
      startedAt: r.started_at,
      deadline: r.deadline,
      season: r.season,
      maxAttempts: r.max_attempts,
      status: r.status as SessionStatus,
      endedAt: r.ended_at ?? undefined,
      endedBy: r.ended_by ?? undefined,
      revealed: !!r.revealed,
      reply: JSON.parse(r.reply),
    };
  }

  insertSession(s: PracticeSession): void {
    this.db
      .prepare(
        `INSERT INTO practice_sessions (id, platform, guild_id, channel_id, thread_id, set_name, set_title, format, problems, started_by, started_at, deadline, season, max_attempts, status, revealed, reply)
         VALUES (@id, @platform, @guildId, @channelId, @threadId, @setName, @setTitle, @format, @problems, @startedBy, @startedAt, @deadline, @season, @maxAttempts, @status, 0, @reply)`,
      )
      .run({ ...s, threadId: s.threadId ?? null, problems: JSON.stringify(s.problems), reply: JSON.stringify(s.reply) });
  }

  getSession(id: string): PracticeSession | undefined {
    return this.row(this.db.prepare('SELECT * FROM practice_sessions WHERE id = ?').get(id) as SessionRow | undefined);
  }

  setReply(id: string, reply: Record<string, unknown>, threadId?: string): void {
    this.db
      .prepare('UPDATE practice_sessions SET reply = ?, thread_id = COALESCE(?, thread_id) WHERE id = ?')
      .run(JSON.stringify(reply), threadId ?? null, id);
  }

  /** The open session in a channel or thread of a platform, if any. */
  openSessionIn(platform: PlatformName, channelOrThread: string): PracticeSession | undefined {
    return this.row(
      this.db
        .prepare(
          `SELECT * FROM practice_sessions WHERE platform = ? AND status = 'open' AND (channel_id = ? OR thread_id = ?) ORDER BY started_at DESC LIMIT 1`,
        )
        .get(platform, channelOrThread, channelOrThread) as SessionRow | undefined,
    );
  }

  /** The latest session (open or ended) in a channel or thread. */
  latestSessionIn(platform: PlatformName, channelOrThread: string): PracticeSession | undefined {
    return this.row(
      this.db
        .prepare(
          `SELECT * FROM practice_sessions WHERE platform = ? AND (channel_id = ? OR thread_id = ?) ORDER BY started_at DESC LIMIT 1`,
        )
        .get(platform, channelOrThread, channelOrThread) as SessionRow | undefined,
    );
  }

  openSessions(platform: PlatformName): PracticeSession[] {
    return (
      this.db
        .prepare(`SELECT * FROM practice_sessions WHERE platform = ? AND status = 'open' ORDER BY deadline`)
        .all(platform) as SessionRow[]
    ).map((r) => this.row(r)!);
  }

  /** Ended sessions whose solutions were not posted yet (a restart came in between). */
  unrevealedSessions(platform: PlatformName): PracticeSession[] {
    return (
      this.db
        .prepare(`SELECT * FROM practice_sessions WHERE platform = ? AND status = 'ended' AND revealed = 0`)
        .all(platform) as SessionRow[]
    ).map((r) => this.row(r)!);
  }

  /** Problem ids already used in a guild's sessions. */
  usedProblemIds(platform: PlatformName, guildId: string): Set<string> {
    const rows = this.db.prepare('SELECT problems FROM practice_sessions WHERE platform = ? AND guild_id = ?').all(platform, guildId) as {
      problems: string;
    }[];
    return new Set(rows.flatMap((r) => (JSON.parse(r.problems) as PracticeProblem[]).map((p) => `${p.set}/${p.id}`)));
  }

  /** Marks a session ended; false when it was not open (ended already). */
  endSession(id: string, by: string, at: number): boolean {
    return (
      this.db
        .prepare(`UPDATE practice_sessions SET status = 'ended', ended_at = ?, ended_by = ? WHERE id = ? AND status = 'open'`)
        .run(at, by, id).changes === 1
    );
  }

  setRevealed(id: string): void {
    this.db.prepare('UPDATE practice_sessions SET revealed = 1 WHERE id = ?').run(id);
  }

  addAttempt(a: Attempt): void {
    this.db
      .prepare('INSERT INTO practice_attempts (session_id, user_id, problem, value, correct, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(a.sessionId, a.userId, a.problem, a.value, a.correct ? 1 : 0, a.at);
  }

  attempts(sessionId: string, userId?: string): Attempt[] {
    const rows = (
      userId
        ? this.db.prepare('SELECT * FROM practice_attempts WHERE session_id = ? AND user_id = ? ORDER BY at, rowid').all(sessionId, userId)
        : this.db.prepare('SELECT * FROM practice_attempts WHERE session_id = ? ORDER BY at, rowid').all(sessionId)
    ) as {
      session_id: string;
      user_id: string;
      problem: number;
      value: string;
      correct: number;
      at: number;
    }[];
    return rows.map((r) => ({
      sessionId: r.session_id,
      userId: r.user_id,
      problem: r.problem,
      value: r.value,
      correct: !!r.correct,
      at: r.at,
    }));
  }

  hints(sessionId: string): { userId: string; problem: number; count: number }[] {
    return (
      this.db.prepare('SELECT user_id, problem, count FROM practice_hints WHERE session_id = ?').all(sessionId) as {
        user_id: string;
        problem: number;
        count: number;
      }[]
    ).map((r) => ({
      userId: r.user_id,
      problem: r.problem,
      count: r.count,
    }));
  }

  hintCount(sessionId: string, userId: string, problem: number): number {
    const r = this.db
      .prepare('SELECT count FROM practice_hints WHERE session_id = ? AND user_id = ? AND problem = ?')
      .get(sessionId, userId, problem) as { count: number } | undefined;
    return r?.count ?? 0;
  }

  setHintCount(sessionId: string, userId: string, problem: number, count: number): void {
    this.db
      .prepare('INSERT OR REPLACE INTO practice_hints (session_id, user_id, problem, count) VALUES (?, ?, ?, ?)')
      .run(sessionId, userId, problem, count);
  }

  saveResults(s: PracticeSession, results: MemberResult[]): void {
    const ins = this.db.prepare(
      'INSERT OR REPLACE INTO practice_results (session_id, platform, guild_id, season, user_id, points, solved, attempts, hints) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const r of results) ins.run(s.id, s.platform, s.guildId, s.season, r.userId, r.points, r.solved, r.attempts, r.hints);
    })();
  }

  leaderboard(platform: PlatformName, guildId: string, season: string, limit = 10): LeaderRow[] {
    return (
      this.db
        .prepare(
          `SELECT user_id, SUM(points) AS points, SUM(solved) AS solved, COUNT(*) AS sessions FROM practice_results
           WHERE platform = ? AND guild_id = ? AND season = ? GROUP BY user_id ORDER BY points DESC, solved DESC, user_id LIMIT ?`,
        )
        .all(platform, guildId, season, limit) as { user_id: string; points: number; solved: number; sessions: number }[]
    ).map((r) => ({ userId: r.user_id, points: r.points, solved: r.solved, sessions: r.sessions }));
  }

  season(platform: PlatformName, guildId: string): string | undefined {
    const r = this.db.prepare('SELECT season FROM practice_seasons WHERE platform = ? AND guild_id = ?').get(platform, guildId) as
      { season: string } | undefined;
    return r?.season;
  }

  setSeason(platform: PlatformName, guildId: string, season: string): void {
    this.db.prepare('INSERT OR REPLACE INTO practice_seasons (platform, guild_id, season) VALUES (?, ?, ?)').run(platform, guildId, season);
  }

  getSolution(key: string): StoredSolution | undefined {
    const r = this.db.prepare('SELECT status, result, error FROM practice_solutions WHERE key = ?').get(key) as
      { status: string; result: string | null; error: string | null } | undefined;
    if (!r) return undefined;
    return {
      status: r.status as StoredSolution['status'],
      result: r.result ? JSON.parse(r.result) : undefined,
      error: r.error ?? undefined,
    };
  }

  putSolution(key: string, s: StoredSolution): void {
    this.db
      .prepare('INSERT OR REPLACE INTO practice_solutions (key, status, result, error, updated_at) VALUES (?, ?, ?, ?, ?)')
      .run(key, s.status, s.result ? JSON.stringify(storableResult(s.result)) : null, s.error ?? null, Date.now());
  }

  /** Solutions left pending by a previous process. */
  pendingSolutionKeys(): string[] {
    return (this.db.prepare(`SELECT key FROM practice_solutions WHERE status = 'pending'`).all() as { key: string }[]).map((r) => r.key);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
