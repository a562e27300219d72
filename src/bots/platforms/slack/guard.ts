/**
 * What every POST /slack/events passes before Bolt sees it: the body is read here (bytes, bounded),
 * the signature and timestamp are checked (also timestamps in the future, which Bolt lets
 * through), the body must be a JSON object (a signed `null` or `payload=null` threw inside Bolt's
 * receiver and killed the process; an `event` that is not an object got a 500), and an event
 * already seen (Slack's `event_id`: a retry with X-Slack-Retry-Num or a replay) is acknowledged
 * without being handled again. The read body is handed on as Bolt's `rawBody`, which Bolt uses
 * instead of reading the stream again.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { LogLevel, verifySlackRequest, type Logger } from '@slack/bolt';

/** Largest body accepted (Slack's events and interaction payloads are far smaller). */
export const SLACK_BODY_LIMIT = 1024 * 1024;
/** How far a request's timestamp may be from now, either way (Slack's own rule is 5 minutes). */
export const SLACK_MAX_SKEW_S = 5 * 60;

export interface GuardOptions {
  signingSecret: string;
  /** True the first time an event id is seen (a store that survives restarts), false after. */
  claimEvent: (eventId: string) => boolean | Promise<boolean>;
  log: (msg: string) => void;
  now?: () => number;
}

export type GuardVerdict = { pass: true; body: Record<string, unknown> } | { pass: false };

/** Reads a request body as bytes (Buffer.concat: a character split across reads stays whole). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += b.length;
    if (size > limit) return null;
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function reply(res: ServerResponse, status: number, text = ''): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

/**
 * Checks one request. On `pass: false` the response has been sent; on `pass: true` the request
 * carries `rawBody` for Bolt.
 */
export async function guardSlackRequest(req: IncomingMessage, res: ServerResponse, o: GuardOptions): Promise<GuardVerdict> {
  const raw = await readBody(req, SLACK_BODY_LIMIT);
  if (!raw) {
    reply(res, 413, 'request body too large\n');
    return { pass: false };
  }
  const text = raw.toString('utf8');
  const form = /^application\/x-www-form-urlencoded\b/i.test(String(req.headers['content-type'] ?? ''));
  const fields = form ? parseQuery(text) : undefined;
  // Slack's SSL check is unsigned; Bolt answers it (and strips anything else in the body)
  if (fields?.ssl_check === '1') {
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
    return { pass: true, body: { ssl_check: '1' } };
  }
  const sig = req.headers['x-slack-signature'];
  const ts = Number(req.headers['x-slack-request-timestamp']);
  const nowMs = (o.now ?? Date.now)();
  try {
    if (typeof sig !== 'string') throw new Error('no x-slack-signature header');
    if (!Number.isFinite(ts)) throw new Error('no valid x-slack-request-timestamp header');
    if (ts > nowMs / 1000 + SLACK_MAX_SKEW_S) throw new Error('x-slack-request-timestamp is in the future');
    verifySlackRequest({
      signingSecret: o.signingSecret,
      body: text,
      headers: { 'x-slack-signature': sig, 'x-slack-request-timestamp': ts },
      nowMilliseconds: nowMs,
    });
  } catch (err) {
    o.log(`refused a Slack request: ${(err as Error).message}`);
    reply(res, 401);
    return { pass: false };
  }
  let body: unknown;
  try {
    body = fields ? (typeof fields.payload === 'string' ? JSON.parse(fields.payload) : fields) : JSON.parse(text);
  } catch {
    reply(res, 400, 'malformed body\n');
    return { pass: false };
  }
  if (!isObject(body)) {
    o.log('refused a signed Slack request whose body is not an object');
    reply(res, 400, 'expected a JSON object\n');
    return { pass: false };
  }
  if (body.type === 'event_callback' && !(isObject(body.event) && typeof body.event.type === 'string')) {
    o.log('refused a signed Slack event without an event object');
    reply(res, 400, 'expected an event object\n');
    return { pass: false };
  }
  if (typeof body.event_id === 'string' && body.event_id && !(await o.claimEvent(`slack:${body.event_id}`))) {
    const retry = req.headers['x-slack-retry-num'];
    o.log(`Slack event ${body.event_id} seen before${retry ? ` (retry ${retry})` : ''}: acknowledged, not handled again`);
    reply(res, 200);
    return { pass: false };
  }
  (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
  return { pass: true, body };
}

/** Bolt's logger interface, writing through our logger (one JSON line each, like every other log). */
export function boltLogger(write: (level: 'debug' | 'info' | 'warn' | 'error', msg: string) => void, level: LogLevel): Logger {
  let current: LogLevel = level;
  let name = 'bolt';
  const text = (msg: unknown[]) =>
    msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  const rank = (l: string) => [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR].indexOf(l as LogLevel);
  const at =
    (l: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) => {
      if (rank(l) >= rank(current)) write(l, `${name}: ${text(msg)}`);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    setLevel: (l: LogLevel) => void (current = l),
    getLevel: () => current,
    setName: (n: string) => void (name = n),
  };
}
