/**
 * Persistence of solve jobs and finished answers: one interface (BotStore) the bots core uses, and
 * its embedded SQLite implementation (better-sqlite3). A Redis store for a scaled-out deployment
 * would implement the same interface.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { SearchResult, StrategyName } from '../../engine/index';

/** 'internal': solve jobs the bots make for themselves (practice solutions, /check); no platform resumes them. */
export type PlatformName = 'discord' | 'slack' | 'local' | 'internal';
export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobRecord {
  id: string;
  platform: PlatformName;
  userId: string;
  channelId: string;
  question: string;
  strategy: StrategyName;
  budget: number;
  status: JobStatus;
  /** Where the platform posts for this job (message ids, thread ids, tokens): platform-defined JSON. */
  reply: Record<string, unknown>;
  /** Steps of the answer thread already shown (step reveal). */
  revealed: number;
  /** The result (trees stripped) once done. */
  result?: SearchResult;
  /** A message fit for the user, when failed. */
  error?: string;
  /** Times this job was started (resumes count). */
  attempts: number;
  createdAt: number;
  updatedAt: number;
}

export type JobPatch = Partial<Pick<JobRecord, 'status' | 'reply' | 'revealed' | 'result' | 'error' | 'attempts'>>;

export interface BotStore {
  insertJob(job: JobRecord): void;
  updateJob(id: string, patch: JobPatch): JobRecord | undefined;
  getJob(id: string): JobRecord | undefined;
  /** Jobs queued or running (left over from a previous process after a restart), oldest first. */
  unfinishedJobs(): JobRecord[];
  getAnswer(key: string): SearchResult | undefined;
  putAnswer(key: string, result: SearchResult): void;
  /**
   * Records a platform event id (Slack's `event_id`) the first time it is seen: true then, false
   * for every replay or retry of it. Bounded: the newest `maxEvents` ids (and none older than a day).
   */
  claimEvent(key: string): boolean;
  close(): void;
}

/** A result as stored: the MCTS trees are debugging data, large, and not shown in chat. */
export function storableResult(r: SearchResult): SearchResult {
  const { trees: _trees, ...rest } = r;
  return rest;
}

interface JobRow {
  id: string;
  platform: string;
  user_id: string;
  channel_id: string;
  question: string;
  strategy: string;
  budget: number;
  status: string;
  reply: string;
  revealed: number;
  result: string | null;
  error: string | null;
  attempts: number;
  created_at: number;
  updated_at: number;
}

export class SqliteStore implements BotStore {
  private readonly db: Database.Database;
  private readonly maxAnswers: number;
  private readonly maxEvents: number;
  private claims = 0;

  /** `file` ":memory:" keeps nothing across restarts (tests). */
  constructor(file: string, opts: { maxAnswers?: number; maxEvents?: number } = {}) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.maxAnswers = opts.maxAnswers ?? 1000;
    this.maxEvents = opts.maxEvents ?? 20_000;
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS jobs (
        id TEXT PRIMARY KEY, platform TEXT NOT NULL, user_id TEXT NOT NULL, channel_id TEXT NOT NULL,
        question TEXT NOT NULL, strategy TEXT NOT NULL, budget INTEGER NOT NULL, status TEXT NOT NULL,
        reply TEXT NOT NULL, revealed INTEGER NOT NULL DEFAULT 0, result TEXT, error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, created_at);
      CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, result TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS answers_age ON answers(created_at);
      CREATE TABLE IF NOT EXISTS seen_events (key TEXT PRIMARY KEY, seen_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS seen_events_age ON seen_events(seen_at);
    `);
  }

  private row(r: JobRow | undefined): JobRecord | undefined {
    if (!r) return undefined;
    return {
      id: r.id,
      platform: r.platform as PlatformName,
      userId: r.user_id,
      channelId: r.channel_id,
      question: r.question,
      strategy: r.strategy as StrategyName,
      budget: r.budget,
      status: r.status as JobStatus,
      reply: JSON.parse(r.reply),
      revealed: r.revealed,
      result: r.result ? JSON.parse(r.result) : undefined,
      error: r.error ?? undefined,
      attempts: r.attempts,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  insertJob(j: JobRecord): void {
    this.db
      .prepare(
        `INSERT INTO jobs (id, platform, user_id, channel_id, question, strategy, budget, status, reply, revealed, result, error, attempts, created_at, updated_at)
         VALUES (@id, @platform, @userId, @channelId, @question, @strategy, @budget, @status, @reply, @revealed, @result, @error, @attempts, @createdAt, @updatedAt)`,
      )
      .run({
        ...j,
        reply: JSON.stringify(j.reply),
        result: j.result ? JSON.stringify(storableResult(j.result)) : null,
        error: j.error ?? null,
      });
  }

  updateJob(id: string, patch: JobPatch): JobRecord | undefined {
    const sets: string[] = ['updated_at = @updatedAt'];
    const params: Record<string, unknown> = { id, updatedAt: Date.now() };
    if (patch.status !== undefined) (sets.push('status = @status'), (params.status = patch.status));
    if (patch.reply !== undefined) (sets.push('reply = @reply'), (params.reply = JSON.stringify(patch.reply)));
    if (patch.revealed !== undefined) (sets.push('revealed = @revealed'), (params.revealed = patch.revealed));
    if (patch.result !== undefined) (sets.push('result = @result'), (params.result = JSON.stringify(storableResult(patch.result))));
    if (patch.error !== undefined) (sets.push('error = @error'), (params.error = patch.error));
    if (patch.attempts !== undefined) (sets.push('attempts = @attempts'), (params.attempts = patch.attempts));
    this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = @id`).run(params);
    return this.getJob(id);
  }

  getJob(id: string): JobRecord | undefined {
    return this.row(this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined);
  }

  unfinishedJobs(): JobRecord[] {
    const rows = this.db.prepare(`SELECT * FROM jobs WHERE status IN ('queued', 'running') ORDER BY created_at, rowid`).all() as JobRow[];
    return rows.map((r) => this.row(r) as JobRecord);
  }

  getAnswer(key: string): SearchResult | undefined {
    const r = this.db.prepare('SELECT result FROM answers WHERE key = ?').get(key) as { result: string } | undefined;
    return r ? JSON.parse(r.result) : undefined;
  }

  putAnswer(key: string, result: SearchResult): void {
    if (this.maxAnswers <= 0) return;
    this.db
      .prepare('INSERT OR REPLACE INTO answers (key, result, created_at) VALUES (?, ?, ?)')
      .run(key, JSON.stringify(storableResult(result)), Date.now());
    this.db
      .prepare('DELETE FROM answers WHERE key NOT IN (SELECT key FROM answers ORDER BY created_at DESC, rowid DESC LIMIT ?)')
      .run(this.maxAnswers);
  }

  claimEvent(key: string): boolean {
    const now = Date.now();
    const fresh = this.db.prepare('INSERT OR IGNORE INTO seen_events (key, seen_at) VALUES (?, ?)').run(key, now).changes > 0;
    // keep it bounded: prune now and then (every 100 claims), by age and by count
    if (fresh && ++this.claims % 100 === 1) {
      this.db.prepare('DELETE FROM seen_events WHERE seen_at < ?').run(now - 86_400_000);
      this.db
        .prepare('DELETE FROM seen_events WHERE key NOT IN (SELECT key FROM seen_events ORDER BY seen_at DESC, rowid DESC LIMIT ?)')
        .run(this.maxEvents);
    }
    return fresh;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
