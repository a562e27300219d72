/**
 * Local web mode: the same answer threads on http://127.0.0.1:PORT, with plain node:http and one
 * self-contained HTML page (no framework, no external assets). A person asks a question, watches
 * progress (polling), then reads the thread: typeset blocks as PNGs served from memory, code and
 * output as code blocks, a "next step" / "show all" reveal in the page.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SearchProgress, SearchResult } from '../../engine/index';
import { buildThread } from '../../render/thread';
import { metaLines } from '../../render/text';
import type { ImageSet, TextBlock, Thread } from '../../render/types';
import type { BotCore } from '../core/index';
import { alternativesText, progressText } from '../core/present';
import type { JobRecord } from '../core/store';
import { friendlyError, type JobSink } from '../core/jobs';
import { PAGE_CSP, PAGE_HTML } from './page';

interface LocalJob {
  id: string;
  question: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: string | null;
  error: string | null;
  html: string | null;
  images: Map<string, Buffer>;
  cached: boolean;
  answer: string | null;
  steps: number;
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

/** HTML-escapes text (also ' so attribute values are safe whichever quotes they use). */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

function blockHtml(b: TextBlock | null, images: ImageSet, jobId: string, cls: string): string {
  if (!b) return '';
  const img = b.mode === 'image' ? images.images.get(b.id) : undefined;
  if (img) return `<img class="${cls}" src="/img/${jobId}/${encodeURIComponent(img.name)}" alt="${esc(img.alt)}" width="${Math.round(img.width / 2)}">`;
  return `<div class="${cls} text">${esc(b.source)}</div>`;
}

/** The answer thread as HTML (server-side, escaped; images by URL). */
export function threadHtml(t: Thread, images: ImageSet, result: SearchResult, jobId: string): string {
  const parts: string[] = [];
  parts.push(`<section class="msg header"><h3>Question</h3>${blockHtml(t.question, images, jobId, 'question')}`);
  const ansImg = t.answerBlock?.mode === 'image' ? images.images.get(t.answerBlock.id) : undefined;
  parts.push(
    `<p class="answer"><b>Answer:</b> <span id="answer">${esc(t.answer ?? 'none found')}</span>${t.cancelled ? ' <i>(search stopped early; best answer so far)</i>' : ''}</p>`,
  );
  if (ansImg) parts.push(blockHtml(t.answerBlock, images, jobId, 'answer-img'));
  const meta = metaLines(t).join(' · ');
  if (meta) parts.push(`<p class="meta">${esc(meta)}</p>`);
  if (t.notice) parts.push(`<p class="meta notice">ⓘ ${esc(t.notice)}</p>`);
  if (t.fallback) parts.push(`<p class="meta">Math is shown as LaTeX source (${esc(t.fallback)})</p>`);
  parts.push('</section>');
  t.steps.forEach((s, i) => {
    parts.push(`<section class="msg step" data-step="${i + 1}"><h4>${esc(s.label)}</h4>`);
    parts.push(blockHtml(s.explanation, images, jobId, 'expl'));
    if (s.code) parts.push(`<pre class="code"><code>${esc(s.code)}</code></pre>`);
    if (s.output) parts.push(`<div class="out-label">${s.output.ok ? 'Output' : 'Error'}</div><pre class="output${s.output.ok ? '' : ' err'}">${esc(s.output.text)}</pre>`);
    parts.push(blockHtml(s.work ?? null, images, jobId, 'work'));
    if (s.invalid) parts.push(`<p class="warn">⚠ This step failed: ${esc(s.invalid)}</p>`);
    parts.push('</section>');
  });
  parts.push(`<section class="msg step final" data-step="${t.steps.length + 1}"><h4>Final answer: ${esc(t.answer ?? 'none found')}</h4>`);
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
  const { service } = core;
  const jobs = new Map<string, LocalJob>();
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
      const images = await core.images.make(thread);
      for (const img of images.images.values()) lj.images.set(img.name, img.png);
      lj.html = threadHtml(thread, images, result, job.id);
      lj.answer = result.answer;
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
    if (jobs.size > 200) for (const [k, v] of jobs) if (v.status === 'done' || v.status === 'failed') { jobs.delete(k); if (jobs.size <= 200) break; }
    return lj;
  };

  // Jobs a previous process left unfinished: run them again (their page polls the same id).
  for (const job of service.unfinished('local')) {
    log(`resuming job ${job.id}: ${job.question.slice(0, 60)}`);
    const lj = track({ id: job.id, question: job.question, status: 'queued', progress: 'Resumed after a restart…', error: null, html: null, images: new Map(), cached: false, answer: null, steps: 0 });
    void service.resume(job, sinkFor(lj));
  }

  const json = (res: http.ServerResponse, code: number, body: unknown) => {
    const data = JSON.stringify(body);
    res.writeHead(code, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(data);
  };

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (opts.routes && (await opts.routes(req, res))) return;
      if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) {
        res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP, 'cache-control': 'no-store' });
        return res.end(PAGE_HTML);
      }
      if (req.method === 'POST' && url.pathname === '/api/solve') {
        let raw = '';
        for await (const chunk of req) {
          raw += chunk;
          if (raw.length > 64_000) return json(res, 413, { error: 'The question is far too long; please shorten it to the problem itself.' });
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw || '{}');
        } catch {
          return json(res, 400, { error: 'Bad request: the body is not valid JSON; send an object like {"question": "…"}.' });
        }
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
          return json(res, 400, { error: `Bad request: expected a JSON object like {"question": "…"}, got ${jsonKind(parsed)}.` });
        const body = parsed as { question?: unknown; strategy?: unknown; budget?: unknown };
        const budget = body.budget === undefined || body.budget === '' || body.budget === null ? undefined : Number(body.budget);
        // the job's page state exists before the job does, so no progress or answer is missed
        const lj: LocalJob = { id: '', question: '', status: 'queued', progress: null, error: null, html: null, images: new Map(), cached: false, answer: null, steps: 0 };
        const out = await service.submit(
          {
            platform: 'local',
            userId: `local:${req.socket.remoteAddress ?? '?'}`,
            channelId: 'local',
            question: typeof body.question === 'string' ? body.question : '',
            strategy: typeof body.strategy === 'string' && body.strategy ? body.strategy : undefined,
            budget,
          },
          sinkFor(lj),
        );
        if (!out.ok) return json(res, out.reason === 'invalid' ? 400 : 429, { error: out.message });
        lj.id = out.job.id;
        lj.question = out.job.question;
        track(lj);
        if (out.ahead > 0) lj.progress = `Queued behind ${out.ahead} other question${out.ahead === 1 ? '' : 's'}…`;
        return json(res, 202, { id: out.job.id, cached: out.cached });
      }
      let m = /^\/api\/jobs\/([\w-]+)$/.exec(url.pathname);
      if (req.method === 'GET' && m) {
        const lj = jobs.get(m[1]);
        if (!lj) {
          const stored = service.getJob(m[1]);
          if (stored?.status === 'failed') return json(res, 200, { id: stored.id, status: 'failed', error: stored.error ?? 'failed' });
          return json(res, 404, { error: 'No such question (it may be from before a restart).' });
        }
        return json(res, 200, {
          id: lj.id,
          question: lj.question,
          status: lj.status,
          progress: lj.progress,
          error: lj.error,
          answer: lj.answer,
          steps: lj.steps,
          cached: lj.cached,
          html: lj.html,
        });
      }
      m = /^\/img\/([\w-]+)\/([\w.-]+\.png)$/.exec(url.pathname);
      if (req.method === 'GET' && m) {
        const png = jobs.get(m[1])?.images.get(m[2]);
        if (!png) return json(res, 404, { error: 'no such image' });
        res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'image/png', 'content-length': png.length, 'cache-control': 'max-age=3600' });
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
