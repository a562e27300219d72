/**
 * A fake Slack Web API on 127.0.0.1 for the real @slack/bolt / @slack/web-api clients: auth.test,
 * chat.postMessage / update / postEphemeral, files.getUploadURLExternal, the upload itself and
 * files.completeUploadExternal. Records every call. `signedRequest` drives a Bolt HTTP receiver.
 */
import { createHmac } from 'node:crypto';
import { Waiters } from './waiters';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackCall {
  method: string;
  at: number;
  args: Record<string, any>;
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly uploads = new Map<string, Buffer>();
  private server!: http.Server;
  private tsCounter = 1_700_000_000;
  private fileCounter = 0;
  port = 0;
  private readonly waiters = new Waiters();

  get apiUrl() {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.writeHead(500);
        res.end(String(err));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  waitFor(pred: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
    return this.waiters.waitFor(pred, ms, () => `fake slack: timed out waiting for ${what}; calls: ${this.calls.map((c) => c.method).join(', ')}`);
  }

  calls_(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  private nextTs() {
    return `${++this.tsCounter}.000100`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (data: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(data));
      setImmediate(() => {
        this.waiters.check();
      });
    };
    const up = /^\/upload\/(F\w+)$/.exec(url.pathname);
    if (up) {
      let bytes = raw;
      const uct = req.headers['content-type'] ?? '';
      if (uct.startsWith('multipart/form-data')) {
        const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': uct }, body: raw }).formData();
        let file: File | null = null;
        form.forEach((v) => {
          if (typeof v !== 'string') file = v;
        });
        if (file) bytes = Buffer.from(await (file as File).arrayBuffer());
      }
      this.uploads.set(up[1], bytes);
      this.calls.push({ method: 'upload', at: Date.now(), args: { file_id: up[1], size: bytes.length, contentType: uct } });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${raw.length}`);
      return;
    }
    const method = url.pathname.replace(/^\/api\//, '');
    const ct = req.headers['content-type'] ?? '';
    let args: Record<string, any> = {};
    if (ct.includes('application/json')) args = raw.length ? JSON.parse(raw.toString()) : {};
    else for (const [k, v] of new URLSearchParams(raw.toString())) args[k] = v;
    for (const k of ['blocks', 'files', 'attachments']) if (typeof args[k] === 'string') args[k] = JSON.parse(args[k]);
    this.calls.push({ method, at: Date.now(), args });
    switch (method) {
      case 'auth.test':
        return send({ ok: true, url: 'https://fake.slack.com/', team: 'Study', user: 'stepwise', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' });
      case 'chat.postMessage': {
        const ts = this.nextTs();
        return send({ ok: true, channel: args.channel, ts, message: { ts, text: args.text, thread_ts: args.thread_ts } });
      }
      case 'chat.update':
        return send({ ok: true, channel: args.channel, ts: args.ts, text: args.text });
      case 'chat.postEphemeral':
        return send({ ok: true, message_ts: this.nextTs() });
      case 'files.getUploadURLExternal': {
        const id = `F${++this.fileCounter}`;
        return send({ ok: true, upload_url: `http://127.0.0.1:${this.port}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal':
        return send({ ok: true, files: (args.files ?? []).map((f: any) => ({ id: f.id, title: f.title, name: f.title })) });
      default:
        return send({ ok: false, error: 'unknown_method' });
    }
  }
}

/** Signs and POSTs a request to a Bolt HTTP receiver (`/slack/events`). */
export async function signedRequest(
  url: string,
  secret: string,
  body: string,
  contentType: 'application/x-www-form-urlencoded' | 'application/json',
  opts: { timestamp?: number; badSignature?: boolean } = {},
): Promise<{ status: number; text: string; ms: number }> {
  const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  let sig = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  if (opts.badSignature) sig = `v0=${'0'.repeat(64)}`;
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType, 'x-slack-request-timestamp': ts, 'x-slack-signature': sig }, body });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - t0 };
}

export function slashBody(fields: Record<string, string>): string {
  return new URLSearchParams({ command: '/solve', team_id: 'T1', channel_id: 'C1', user_id: 'U1', user_name: 'ana', response_url: 'http://127.0.0.1:1/none', trigger_id: 't1', token: 'x', ...fields }).toString();
}

export function mentionBody(text: string, extra: Record<string, string> = {}): string {
  const ts = `${Math.floor(Date.now() / 1000)}.${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  return JSON.stringify({
    token: 'x',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `Ev${Math.random().toString(36).slice(2)}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_mention', user: 'U1', text: `<@UBOT> ${text}`, ts, channel: 'C1', event_ts: ts, ...extra },
  });
}

export function actionBody(actionId: string, channel: string, messageTs: string, threadTs?: string): string {
  const payload = {
    type: 'block_actions',
    team: { id: 'T1' },
    user: { id: 'U1', name: 'ana' },
    api_app_id: 'A1',
    token: 'x',
    trigger_id: 't',
    channel: { id: channel, name: 'math' },
    message: { ts: messageTs, thread_ts: threadTs, type: 'message', text: '' },
    container: { type: 'message', message_ts: messageTs, channel_id: channel },
    response_url: 'http://127.0.0.1:1/none',
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value: 'v', action_ts: String(Date.now() / 1000) }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
