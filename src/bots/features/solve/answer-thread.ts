/**
 * The answer-thread controller, the same on every chat platform: a solve job's progress message,
 * then its header and its steps revealed one at a time ("Next step", "Show all", "Other answers"),
 * and the resume of unfinished jobs after a restart.
 *
 * It owns what the Discord and Slack bots used to repeat: the per-job lock (reveals and the final
 * post never interleave), the presentation cache, the reveal plan and its persisted count, the map
 * from a platform thread to its job, and the hand-off between submission and the first post: the
 * job's callbacks exist before the job is submitted and wait until the platform has posted the
 * placeholder, so no progress, answer or failure can be missed or posted before it.
 *
 * A platform gives a small poster (ThreadPoster): how to edit the progress message, turn it into
 * the header, post step messages (the last one with the buttons) and plain text.
 */
import type { SearchResult } from '../../../engine/index';
import type { SolveService, JobSink, SolveRequest, SubmitOutcome } from '../../core/jobs';
import { alternativesText, progressText, revealPlan, revealTotal, type Presentation, type RevealAction } from '../../core/present';
import type { JobRecord, PlatformName } from '../../core/store';

/** Where steps go on the platform (a Discord thread id, a Slack channel + thread ts). */
export interface ThreadPoster<M, R extends Record<string, unknown>, W> {
  /** The result split for step reveal, in the platform's messages. */
  present(result: SearchResult): Promise<Presentation<M>>;
  /** Shows a progress line on the job's progress message. */
  progress(reply: R, text: string): Promise<unknown>;
  /** Shows a failure on the job's progress message. */
  failed(reply: R, message: string): Promise<unknown>;
  /** The thread's key when it is known before the header is posted (reveals typed meanwhile wait for it). */
  threadKey?(reply: R): string | undefined;
  /**
   * Turns the progress message into the header (and posts the rest of the header). Returns where
   * the steps go, the thread's key (for reveal commands typed in it) and the reply to store when it
   * changed (e.g. a thread was started); null when there is nowhere to post.
   */
  postHeader(job: JobRecord, reply: R, header: M[], info: { cached: boolean }): Promise<{ where: W; key: string; reply?: R } | null>;
  /** Posts step messages; the last one carries the buttons (`more`: "Next step" and "Show all" too). */
  postSteps(where: W, jobId: string, groups: M[][], more: boolean): Promise<void>;
  /** Posts plain text ("Other answers"); the poster escapes it for its markup. */
  postText(where: W, text: string): Promise<unknown>;
}

export type Accepted = Extract<SubmitOutcome, { ok: true }>;

/** The placeholder's first words for an accepted job. */
export function acceptedText(out: Accepted): string {
  if (out.cached) return 'Found this one in the cache…';
  return out.ahead > 0 ? `Queued behind ${out.ahead} other question${out.ahead === 1 ? '' : 's'}…` : 'Working on it…';
}

export interface AnswerThreadsOptions<M, R extends Record<string, unknown>, W> {
  service: SolveService;
  platform: PlatformName;
  poster: ThreadPoster<M, R, W>;
  log: (msg: string) => void;
  /** Presentations kept in memory (default 200). */
  cacheSize?: number;
}

export class AnswerThreads<M, R extends Record<string, unknown>, W> {
  private readonly presentations = new Map<string, Presentation<M>>();
  private readonly threads = new Map<string, string>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly service: SolveService;
  private readonly poster: ThreadPoster<M, R, W>;

  constructor(private readonly opts: AnswerThreadsOptions<M, R, W>) {
    this.service = opts.service;
    this.poster = opts.poster;
  }

  /** Serialises work on one job (reveals, the final post). */
  withLock<T>(jobId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(jobId) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.locks.set(
      jobId,
      next.catch(() => undefined),
    );
    return next;
  }

  /** The job of a platform thread (for `next step` typed in it). */
  jobOf(key: string): string | undefined {
    return this.threads.get(key);
  }

  track(key: string, jobId: string): void {
    this.threads.set(key, jobId);
  }

  private async presentation(job: JobRecord, result?: SearchResult): Promise<Presentation<M> | null> {
    const hit = this.presentations.get(job.id);
    if (hit) return hit;
    const r = result ?? job.result;
    if (!r) return null;
    const p = await this.poster.present(r);
    this.presentations.set(job.id, p);
    if (this.presentations.size > (this.opts.cacheSize ?? 200)) this.presentations.delete(this.presentations.keys().next().value as string);
    return p;
  }

  private replyOf(job: JobRecord): R {
    return (this.service.getJob(job.id)?.reply ?? job.reply) as R;
  }

  /** The job's callbacks; each waits for `ready` (the placeholder posted) before posting. */
  private sink(ready: Promise<void>): JobSink {
    return {
      progress: async (job, p) => {
        await ready;
        await this.poster.progress(this.replyOf(job), progressText(p));
      },
      failed: async (job, message) => {
        await ready;
        await this.poster.failed(this.replyOf(job), message);
      },
      done: (job, result, info) =>
        this.withLock(job.id, async () => {
          await ready;
          const p = await this.presentation(job, result);
          if (!p) return;
          const reply = this.replyOf(job);
          const early = this.poster.threadKey?.(reply);
          if (early) this.track(early, job.id);
          const head = await this.poster.postHeader(job, reply, p.header, info);
          if (!head) return;
          if (head.reply) this.service.updateReply(job.id, head.reply);
          this.track(head.key, job.id);
          const plan = revealPlan(p, job.revealed, job.revealed === 0 ? 'next' : 'all');
          await this.poster.postSteps(head.where, job.id, plan.groups, plan.revealed < revealTotal(p));
          this.service.setRevealed(job.id, plan.revealed);
        }),
    };
  }

  /**
   * Submits a solve. Its callbacks are attached before the job exists; once it is accepted,
   * `accepted` posts the placeholder and returns the reply to store (and the thread's key), and
   * only then do progress, answer or failure reach the poster. Refusals are returned, not posted.
   */
  async submit(
    req: Omit<SolveRequest, 'platform'>,
    accepted: (out: Accepted) => Promise<{ reply: R; key?: string }>,
  ): Promise<SubmitOutcome> {
    let release!: () => void;
    const ready = new Promise<void>((r) => (release = r));
    const out = await this.service.submit({ ...req, platform: this.opts.platform }, this.sink(ready));
    if (!out.ok) {
      release();
      return out;
    }
    try {
      const { reply, key } = await accepted(out);
      this.service.updateReply(out.job.id, reply);
      if (key) this.track(key, out.job.id);
    } finally {
      release();
    }
    return out;
  }

  /**
   * Reveals more of a finished job at `where`. Returns a note for the user alone (not finished, all
   * shown, forgotten) or null when something was posted.
   */
  reveal(jobId: string, action: RevealAction, where: W): Promise<string | null> {
    return this.withLock(jobId, async () => {
      const job = this.service.getJob(jobId);
      if (!job) return 'I no longer have that answer; please ask again.';
      if (job.status !== 'done' || !job.result) return 'Still working on that one; the steps come when it is done.';
      if (action === 'alternatives') {
        await this.poster.postText(where, alternativesText(job.result));
        return null;
      }
      const p = await this.presentation(job);
      if (!p) return 'I no longer have that answer; please ask again.';
      const plan = revealPlan(p, job.revealed, action);
      if (plan.groups.length === 0) return 'All steps are shown already.';
      await this.poster.postSteps(where, job.id, plan.groups, plan.revealed < revealTotal(p));
      this.service.setRevealed(job.id, plan.revealed);
      return null;
    });
  }

  /**
   * Resumes the jobs a previous process left unfinished on this platform: those whose reply can
   * still be posted to (`resumable`) are announced and queued again, the others marked failed.
   */
  resumeUnfinished(o: { resumable(reply: R): boolean; key(reply: R): string | undefined; announce(reply: R): Promise<unknown> }): void {
    for (const job of this.service.unfinished(this.opts.platform)) {
      const r = job.reply as R;
      if (!o.resumable(r)) {
        this.service.abandon(job, 'interrupted by a restart before it started');
        continue;
      }
      this.opts.log(`resuming job ${job.id}`);
      const key = o.key(r);
      if (key) this.track(key, job.id);
      o.announce(r).catch(() => undefined);
      void this.service.resume(job, this.sink(Promise.resolve()));
    }
  }
}
