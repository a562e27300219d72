/**
 * Local web mode: the same answer threads on http://127.0.0.1:PORT, with plain node:http and one
 * self-contained HTML page (no framework, no external assets). A person asks a question, watches
 * progress (polling), then reads the thread: typeset blocks as PNGs served from memory, code and
 * output as code blocks, a "next step" / "show all" reveal in the page, "solve again" past the cache.
 * The page is also a practice adapter (timed sessions from the problem bank, answers, hints, results
 * and solutions) and a /check one (a member's own steps, each with the step scorer's verdict), over
 * the same platform-neutral services the Discord and Slack adapters use.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SearchProgress, SearchResult } from '../../../engine/index';
import { buildThread } from '../../../render/thread';
import { answerLabel, metaLines, MODELS_DOC, unsureLine } from '../../../render/text';
import type { ImageSet, TextBlock, Thread } from '../../../render/types';
import type { BotCore } from '../../compose';
import { alternativesText, progressText } from '../../core/present';
import type { JobRecord } from '../../core/store';
import { budgetMessage } from '../../core/admission';
import { friendlyError, type JobSink } from '../../core/jobs';
import { STRATEGY_NAMES } from '../../../engine/index';
import type { CheckReport } from '../../features/check/check';
import { problemThread } from '../../features/practice/text';
import type { PracticeSession } from '../../features/practice/store';
import { FAVICON_PNG, PAGE_CSP, PAGE_HTML } from './page';
import { repoPath } from '../../../paths';
import fs from 'node:fs';

interface LocalJob {
  id: string;
  question: string;
  strategy: string | null;
  budget: number | null;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: string | null;
  error: string | null;
  html: string | null;
  images: Map<string, Buffer>;
  cached: boolean;
  answer: string | null;
  /** false when the models are not sure of the answer (shown as a best guess); null before done. */
  sure: boolean | null;
  steps: number;
}

/** A job's page state before anything has happened to it. */
function newLocalJob(fields: Pick<LocalJob, 'id' | 'question' | 'strategy' | 'budget'>): LocalJob {
  return {
    ...fields,
    status: 'queued',
    progress: null,
    error: null,
    html: null,
    images: new Map(),
    cached: false,
    answer: null,
    sure: null,
    steps: 0,
  };
}

export interface LocalServer {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/** On every response: no MIME sniffing, never framed; JSON and PNGs may load nothing at all. */
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
} as const;

/** What a JSON body that is not an object is, for the 400 message. */
function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? 'a string' : typeof v === 'number' ? 'a number' : typeof v === 'boolean' ? 'a boolean' : typeof v;
}

/** A player id the page makes up (kept in its localStorage), else one per remote address. */
const PLAYER_RE = /^[\w-]{1,64}$/;

/** The local page's view of a /check report: each step with its score and verdict. */
export function checkView(r: CheckReport, weakBelow: number) {
  return {
    ok: r.ok,
    message: r.message ?? null,
    problem: r.problem,
    bankId: r.bankProblem?.id ?? null,
    steps: r.steps.map((text, i) => {
      const score = r.scores ? r.scores[i] : null;
      const verdict = score === null ? 'not scored' : i === r.weakAt ? 'first weak step' : score < weakBelow ? 'looks weak' : 'looks sound';
      return { n: i + 1, text, score, verdict };
    }),
    weakAt: r.weakAt,
    scorerNote: r.scorerNote ?? null,
    memberAnswer: r.memberAnswer,
    botAnswer: r.botAnswer,
    matchesBot: r.matchesBot,
    botNote: r.botNote ?? null,
    officialAnswer: r.officialAnswer ?? null,
    matchesOfficial: r.matchesOfficial ?? null,
    note: r.scores
      ? "This is a model's judgement (a step scorer trained on the bot's own solutions, and the bot's own solve), not a proof: it can be wrong either way."
      : "The comparison is with the bot's own solve, which can be wrong too: it is not a proof either way.",
  };
}

/** HTML-escapes text (also ' so attribute values are safe whichever quotes they use). */
const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function blockHtml(b: TextBlock | null, images: ImageSet, jobId: string, cls: string): string {
  if (!b) return '';
  const img = b.mode === 'image' ? images.images.get(b.id) : undefined;
  if (img)
    return `<img class="${cls}" src="/img/${jobId}/${encodeURIComponent(img.name)}" alt="${esc(img.alt)}" width="${Math.round(img.width / 2)}">`;
  return `<div class="${cls} text">${esc(b.source)}</div>`;
}

/** Escaped text with the models guide's path made a link to the copy this server serves. */
const linkModelsDoc = (html: string) => html.split(MODELS_DOC).join(`<a href="/${MODELS_DOC}">${MODELS_DOC}</a>`);

/** The answer thread as HTML (server-side, escaped; images by URL). */
export function threadHtml(t: Thread, images: ImageSet, result: SearchResult, jobId: string): string {
  const parts: string[] = [];
  parts.push(`<section class="msg header"><h3>Question</h3>${blockHtml(t.question, images, jobId, 'question')}`);
  const ansImg = t.answerBlock?.mode === 'image' ? images.images.get(t.answerBlock.id) : undefined;
  parts.push(
    t.unsure
      ? `<p class="answer unsure">${esc(answerLabel(t))}: <span id="answer">${esc(t.answer ?? 'none found')}</span>${t.cancelled ? ' <i>(search stopped early; best answer so far)</i>' : ''}</p>`
      : `<p class="answer"><b>Answer:</b> <span id="answer">${esc(t.answer ?? 'none found')}</span>${t.cancelled ? ' <i>(search stopped early; best answer so far)</i>' : ''}</p>`,
  );
  const unsure = unsureLine(t);
  // the models guide is a link on the page (served at /docs/models.md), not a path to copy
  if (unsure) parts.push(`<p class="warn unsure" role="alert">⚠ ${linkModelsDoc(esc(unsure))}</p>`);
  if (ansImg) parts.push(blockHtml(t.answerBlock, images, jobId, 'answer-img'));
  const meta = metaLines(t).join(' · ');
  if (meta) parts.push(`<p class="meta">${esc(meta)}</p>`);
  if (t.notice) parts.push(`<p class="meta notice">ⓘ ${linkModelsDoc(esc(t.notice))}</p>`);
  if (t.fallback) parts.push(`<p class="meta">Math is shown as LaTeX source (${esc(t.fallback)})</p>`);
  parts.push('</section>');
  t.steps.forEach((s, i) => {
    parts.push(`<section class="msg step" data-step="${i + 1}"><h4>${esc(s.label)}</h4>`);
    parts.push(blockHtml(s.explanation, images, jobId, 'expl'));
    if (s.code) parts.push(`<pre class="code"><code>${esc(s.code)}</code></pre>`);
    if (s.output)
      parts.push(
        `<div class="out-label">${s.output.ok ? 'Output' : 'Error'}</div><pre class="output${s.output.ok ? '' : ' err'}">${esc(s.output.text)}</pre>`,
      );
    parts.push(blockHtml(s.work ?? null, images, jobId, 'work'));
    if (s.invalid) parts.push(`<p class="warn">⚠ This step failed: ${esc(s.invalid)}</p>`);
    parts.push('</section>');
  });
  parts.push(
    `<section class="msg step final" data-step="${t.steps.length + 1}"><h4>${t.unsure ? 'Best guess (not sure)' : 'Final answer'}: ${esc(t.answer ?? 'none found')}</h4>`,
  );
  parts.push(blockHtml(t.final, images, jobId, 'final'));
  parts.push(`<pre class="alts">${esc(alternativesText(result))}</pre></section>`);
  return parts.join('\n');
}

export async function startLocal(
  core: BotCore,
  opts: {
    host?: string;
    port?: number;
    log?: (m: string) => void;
    /** Extra routes tried first (/healthz and /metrics, src/ops); true when handled. */
    routes?: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>;
  } = {},
): Promise<LocalServer> {
  const { service, practice } = core;
  const jobs = new Map<string, LocalJob>();
  /** Whether the image renderer has made a set already (the first one starts Chromium). */
  let imagesWarm = false;
  /** Typeset problem statements of practice sessions, by session id (the newest 50 sessions). */
  const problemImages = new Map<string, Map<string, Buffer>>();
  const log = opts.log ?? ((m: string) => process.stderr.write(`[local] ${m}\n`));

  const sinkFor = (lj: LocalJob): JobSink => ({
    queued: (_job, ahead) => {
      lj.progress = `Queued behind ${ahead} other question${ahead === 1 ? '' : 's'}…`;
    },
    progress: (_job, p: SearchProgress) => {
      lj.status = 'running';
      lj.progress = progressText(p);
    },
    done: async (job: JobRecord, result: SearchResult, info) => {
      const thread = buildThread(result);
      lj.status = 'running';
      lj.progress = imagesWarm ? 'Typesetting the answer…' : 'Starting the image renderer to typeset the answer (first answer only)…';
      const images = await core.images.make(thread);
      imagesWarm = true;
      for (const img of images.images.values()) lj.images.set(img.name, img.png);
      lj.html = threadHtml(thread, images, result, job.id);
      lj.answer = result.answer;
      lj.sure = result.answer !== null && !thread.unsure;
      lj.steps = thread.steps.length;
      lj.cached = info.cached;
      lj.status = 'done';
    },
    failed: (_job, message) => {
      lj.status = 'failed';
      lj.error = message;
    },
  });

  const track = (lj: LocalJob): LocalJob => {
    jobs.set(lj.id, lj);
    // keep memory bounded: forget the oldest finished jobs beyond 200
    if (jobs.size > 200)
      for (const [k, v] of jobs)
        if (v.status === 'done' || v.status === 'failed') {
          jobs.delete(k);
          if (jobs.size <= 200) break;
        }
    return lj;
  };

  /** A finished job read back from the store (typeset again; kept like a new one). */
  const restoring = new Map<string, Promise<LocalJob>>();
  const fromStore = (job: JobRecord): Promise<LocalJob> => {
    let p = restoring.get(job.id);
    if (!p) {
      const lj = newLocalJob({ id: job.id, question: job.question, strategy: job.strategy, budget: job.budget });
      p = Promise.resolve(sinkFor(lj).done(job, job.result!, { cached: false }))
        .then(() => track(lj))
        .finally(() => restoring.delete(job.id));
      restoring.set(job.id, p);
    }
    return p;
  };

  // Jobs a previous process left unfinished: run them again (their page polls the same id).
  for (const job of service.unfinished('local')) {
    log(`resuming job ${job.id}: ${job.question.slice(0, 60)}`);
    const lj = track({
      ...newLocalJob({ id: job.id, question: job.question, strategy: job.strategy, budget: job.budget }),
      progress: 'Resumed after a restart…',
    });
    void service.resume(job, sinkFor(lj));
  }

  const json = (res: http.ServerResponse, code: number, body: unknown) => {
    const data = JSON.stringify(body);
    res.writeHead(code, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(data);
  };

  /** The request body as a JSON object; otherwise answers 400/413 and returns null. */
  const readObject = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    example: string,
    tooLong: string,
  ): Promise<Record<string, unknown> | null> => {
    // bytes first, decoded once: a character split across two reads stays whole
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 64_000) {
        json(res, 413, { error: tooLong });
        return null;
      }
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw || '{}');
    } catch {
      json(res, 400, { error: `Bad request: the body is not valid JSON; send an object like ${example}.` });
      return null;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      json(res, 400, { error: `Bad request: expected a JSON object like ${example}, got ${jsonKind(parsed)}.` });
      return null;
    }
    return parsed as Record<string, unknown>;
  };

  /** Who is asking: the page's own player id, else the remote address. */
  const playerOf = (req: http.IncomingMessage, given: unknown): string =>
    typeof given === 'string' && PLAYER_RE.test(given) ? `local:${given}` : `local:${req.socket.remoteAddress ?? '?'}`;

  /** Whether the engine (the models) has loaded; asking starts loading it, as a first question would. */
  const engineState = async (): Promise<'ready' | 'loading' | 'failed'> =>
    Promise.race([
      service.engine().then(
        () => 'ready' as const,
        () => 'failed' as const,
      ),
      new Promise<'loading'>((r) => setTimeout(() => r('loading'), 20)),
    ]);

  // Practice: the page is one more platform. Results and solutions are read from the store when the
  // page asks, so the adapter only has to exist (re-arming this platform's sessions after a restart).
  practice.attach('local', { countdown: async () => undefined, results: async () => undefined, solution: async () => undefined });

  const ownSession = (id: unknown, player: string): PracticeSession | undefined => {
    if (typeof id !== 'string') return undefined;
    const s = practice.getSession(id);
    return s && s.platform === 'local' && s.channelId === player ? s : undefined;
  };

  const sessionView = async (s: PracticeSession, player: string) => {
    const attempts = practice.store.attempts(s.id, player);
    const imgs = problemImages.get(s.id);
    const ended = s.status === 'ended';
    const problems = s.problems.map((p, i) => {
      const n = i + 1;
      const mine = attempts.filter((a) => a.problem === n);
      const img = imgs?.has(`problem-${n}.png`) ? `/img/${s.id}/problem-${n}.png` : null;
      return {
        n,
        id: p.id,
        text: p.problem,
        image: img,
        attempts: mine.map((a) => ({ value: a.value, correct: a.correct })),
        solved: mine.some((a) => a.correct),
        hints: practice.store.hintCount(s.id, player, n),
        // the answer only once the session is over
        answer: ended ? p.answer : null,
      };
    });
    let results = null;
    if (ended) {
      const report = practice.report(s, s.endedBy === 'timeout' ? 'timeout' : 'moderator');
      const me = report.members.find((m) => m.userId === player);
      const solutions = await Promise.all(s.problems.map((p, i) => practice.solutionView(s, i + 1, p, false)));
      results = {
        reason: report.reason,
        you: me
          ? { points: me.points, solved: me.solved, attempts: me.attempts, hints: me.hints }
          : { points: 0, solved: 0, attempts: 0, hints: 0 },
        solutions: solutions.map((v) => ({
          n: v.n,
          kind: v.kind,
          text: v.text,
          botAnswer: v.botAnswer ?? null,
          url: v.problem.url ?? null,
        })),
      };
    }
    return {
      id: s.id,
      title: s.setTitle,
      set: s.setName,
      format: s.format,
      status: s.status,
      revealed: s.revealed,
      msLeft: ended ? 0 : Math.max(0, s.deadline - practice.opts.now()),
      minuteMs: practice.opts.minuteMs,
      maxAttempts: s.maxAttempts,
      hintCost: practice.opts.hintCost,
      problems,
      results,
    };
  };

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (opts.routes && (await opts.routes(req, res))) return;
      if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': PAGE_CSP,
          'cache-control': 'no-store',
        });
        return res.end(PAGE_HTML);
      }
      if (req.method === 'GET' && url.pathname === '/favicon.ico') {
        res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'image/png', 'cache-control': 'max-age=86400' });
        return res.end(FAVICON_PNG);
      }
      if (req.method === 'GET' && url.pathname === `/${MODELS_DOC}`) {
        const doc = await fs.promises.readFile(repoPath(MODELS_DOC), 'utf8').catch(() => null);
        if (doc === null) return json(res, 404, { error: 'not found' });
        res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
        return res.end(doc);
      }
      if (req.method === 'GET' && url.pathname === '/api/config') {
        const c = core.config;
        return json(res, 200, {
          maxBudget: c.maxBudget,
          defaultBudget: c.defaultBudget,
          defaultStrategy: c.defaultStrategy,
          strategies: STRATEGY_NAMES,
          budgetMessage: budgetMessage(c.maxBudget),
        });
      }
      if (req.method === 'POST' && url.pathname === '/api/solve') {
        const body = await readObject(
          req,
          res,
          '{"question": "…"}',
          'The question is far too long; please shorten it to the problem itself.',
        );
        if (!body) return;
        if (body.question !== undefined && body.question !== null && typeof body.question !== 'string')
          return json(res, 400, {
            error: `Bad request: "question" must be text (got ${jsonKind(body.question)}), like {"question": "…"}.`,
          });
        if (body.fresh !== undefined && typeof body.fresh !== 'boolean')
          return json(res, 400, { error: 'Bad request: "fresh" must be true or false.' });
        const budget = body.budget === undefined || body.budget === '' || body.budget === null ? undefined : Number(body.budget);
        // the job's page state exists before the job does, so no progress or answer is missed
        const lj = newLocalJob({ id: '', question: '', strategy: null, budget: null });
        const out = await service.submit(
          {
            platform: 'local',
            userId: `local:${req.socket.remoteAddress ?? '?'}`,
            channelId: 'local',
            question: typeof body.question === 'string' ? body.question : '',
            strategy: typeof body.strategy === 'string' && body.strategy ? body.strategy : undefined,
            budget,
            fresh: body.fresh === true,
          },
          sinkFor(lj),
        );
        // shutting down is the server's state (503: ask again soon), not the user's limit (429)
        if (!out.ok) return json(res, out.reason === 'invalid' ? 400 : service.accepting ? 429 : 503, { error: out.message });
        lj.id = out.job.id;
        lj.question = out.job.question;
        lj.strategy = out.job.strategy;
        lj.budget = out.job.budget;
        track(lj);
        if (out.ahead > 0) lj.progress = `Queued behind ${out.ahead} other question${out.ahead === 1 ? '' : 's'}…`;
        return json(res, 202, { id: out.job.id, cached: out.cached });
      }
      if (req.method === 'GET' && url.pathname === '/api/practice/sets') {
        const sets: { name: string; title: string; problems: number }[] = [];
        const problems: string[] = [];
        for (const name of practice.bank.names()) {
          try {
            const set = practice.bank.get(name);
            sets.push({ name: set.name, title: set.title, problems: set.problems.length });
          } catch (err) {
            problems.push((err as Error).message);
          }
        }
        const o = practice.opts;
        return json(res, 200, {
          sets,
          defaultSet: sets.some((x) => x.name === o.defaultSet) ? o.defaultSet : (sets[0]?.name ?? null),
          defaultCount: o.defaultCount,
          maxCount: o.maxCount,
          defaultMinutes: o.defaultMinutes,
          maxMinutes: o.maxMinutes,
          // a reader gets a plain line; how to install a set (commands, paths) is for the operator's log
          message: sets.length
            ? null
            : 'No practice problems are installed here yet, so there is nothing to practise. Whoever runs this Stepwise can add the AIME and AMC sets; until then, the Solve and Check tabs work as usual.',
          operatorHint: sets.length ? null : practice.bank.howToAdd(),
          problems,
        });
      }
      if (req.method === 'POST' && url.pathname.startsWith('/api/practice/')) {
        const what = url.pathname.slice('/api/practice/'.length);
        if (!['start', 'answer', 'hint', 'end'].includes(what)) return json(res, 404, { error: 'not found' });
        const body = await readObject(req, res, '{"session": "…", "n": 1, "value": "…"}', 'The request is far too long.');
        if (!body) return;
        const player = playerOf(req, body.player);
        const num = (v: unknown) =>
          typeof v === 'number'
            ? v
            : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)
              ? Number(v)
              : v === undefined || v === '' || v === null
                ? undefined
                : NaN;
        if (what === 'start') {
          const out = practice.start({
            platform: 'local',
            guildId: 'local',
            channelId: player,
            userId: player,
            set: typeof body.set === 'string' ? body.set : undefined,
            count: num(body.count),
            minutes: num(body.minutes),
          });
          if (!out.ok) {
            // a session of this player still running: the page picks it up again
            const open = practice.openSessionIn('local', player);
            return json(res, open ? 409 : 400, { error: out.message, session: open?.id ?? null });
          }
          const s = out.session;
          practice.setReply(s.id, { player }, s.id);
          const imgs = new Map<string, Buffer>();
          for (let n = 1; n <= s.problems.length; n++) {
            const set = await core.images.make(problemThread(s.problems[n - 1].problem, n)).catch(() => null);
            const img = set?.images.get(`problem-${n}`);
            if (img) imgs.set(`problem-${n}.png`, img.png);
          }
          problemImages.set(s.id, imgs);
          if (problemImages.size > 50) problemImages.delete(problemImages.keys().next().value as string);
          return json(res, 201, await sessionView(s, player));
        }
        const s = ownSession(body.session, player);
        if (!s) return json(res, 404, { error: 'No such practice session (it may belong to another browser).' });
        const n = num(body.n) ?? NaN;
        // the services write chat markdown; the page shows text (bold marks dropped, code fences kept)
        const plain = (t: string) => t.replace(/\*\*([^*\n]+)\*\*/g, '$1');
        if (what === 'answer') {
          const r = practice.answer(s, player, n, typeof body.value === 'string' ? body.value : String(body.value ?? ''));
          return json(res, 200, { ok: r.ok, text: plain(r.text) });
        }
        if (what === 'hint') {
          const r = practice.hint(s, player, n);
          return json(res, 200, { ok: r.ok, text: plain(r.text) });
        }
        // ends at once (scores saved); the solutions are revealed as they are ready (the page polls)
        void practice.end(s.id, player);
        return json(res, 200, await sessionView(practice.getSession(s.id) ?? s, player));
      }
      let m = /^\/api\/practice\/sessions\/([\w-]+)$/.exec(url.pathname);
      if (req.method === 'GET' && m) {
        const player = playerOf(req, url.searchParams.get('player'));
        const s = ownSession(m[1], player);
        if (!s) return json(res, 404, { error: 'No such practice session (it may belong to another browser).' });
        return json(res, 200, await sessionView(s, player));
      }
      if (req.method === 'POST' && url.pathname === '/api/check') {
        const body = await readObject(
          req,
          res,
          '{"problem": "…", "solution": "…"}',
          'That is far too long to check; the limit is 6000 characters of solution.',
        );
        if (!body) return;
        if (
          (body.problem !== undefined && typeof body.problem !== 'string') ||
          (body.solution !== undefined && typeof body.solution !== 'string')
        )
          return json(res, 400, { error: 'Bad request: "problem" and "solution" must be text.' });
        const player = playerOf(req, body.player);
        const r = await core.check.check({
          platform: 'local',
          userId: player,
          channelId: player,
          problem: (body.problem as string) ?? '',
          solution: (body.solution as string) ?? '',
        });
        return json(
          res,
          r.ok ? 200 : 400,
          r.ok ? checkView(r, core.check.opts.weakBelow) : { error: `⚠ ${r.message}`, ...checkView(r, core.check.opts.weakBelow) },
        );
      }
      m = /^\/api\/jobs\/([\w-]+)$/.exec(url.pathname);
      if (req.method === 'GET' && m) {
        let lj = jobs.get(m[1]);
        if (!lj) {
          const stored = service.getJob(m[1]);
          if (stored?.status === 'failed') return json(res, 200, { id: stored.id, status: 'failed', error: stored.error ?? 'failed' });
          // a finished answer from before a restart, or older than the ones kept in memory: from SQLite
          if (stored?.status === 'done' && stored.result) lj = await fromStore(stored);
          else return json(res, 404, { error: 'No such question (it may be from before a restart).' });
        }
        // nothing reported yet: say what is really happening (loading the models, or starting)
        let progress = lj.progress;
        if (lj.status === 'queued' && !progress)
          progress = (await engineState()) === 'loading' ? 'Starting the models (the first question loads them)…' : 'Starting the search…';
        return json(res, 200, {
          id: lj.id,
          question: lj.question,
          strategy: lj.strategy,
          budget: lj.budget,
          status: lj.status,
          progress,
          error: lj.error,
          answer: lj.answer,
          sure: lj.sure,
          steps: lj.steps,
          cached: lj.cached,
          html: lj.html,
        });
      }
      m = /^\/img\/([\w-]+)\/([\w.-]+\.png)$/.exec(url.pathname);
      if (req.method === 'GET' && m) {
        const png = jobs.get(m[1])?.images.get(m[2]) ?? problemImages.get(m[1])?.get(m[2]);
        if (!png) return json(res, 404, { error: 'no such image' });
        res.writeHead(200, {
          ...SECURITY_HEADERS,
          'content-type': 'image/png',
          'content-length': png.length,
          'cache-control': 'max-age=3600',
        });
        return res.end(png);
      }
      if (req.method === 'GET' && url.pathname === '/api/health') {
        let engine = 'loading';
        try {
          await Promise.race([service.engine(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 50))]);
          engine = 'ready';
        } catch (err) {
          engine = (err as Error).message === 'timeout' ? 'loading' : `unavailable: ${friendlyError(err)}`;
        }
        return json(res, 200, { ok: true, engine });
      }
      json(res, 404, { error: 'not found' });
    } catch (err) {
      // the client went away mid-request: one line, no stack (nothing is wrong here)
      if (req.destroyed || (err as NodeJS.ErrnoException)?.code === 'ECONNRESET' || (err as Error)?.message === 'aborted')
        return log(`request aborted by the client: ${req.method} ${(req.url ?? '').slice(0, 100)}`);
      log(`request failed: ${(err as Error)?.stack ?? err}`);
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8080, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
