/**
 * A fake Slack Web API on 127.0.0.1 for the real @slack/bolt / @slack/web-api clients: auth.test,
 * chat.postMessage / update / postEphemeral, files.getUploadURLExternal, the upload itself and
 * files.completeUploadExternal. Records every call. `signedRequest` drives a Bolt HTTP receiver.
 *
 * Blocks are validated as real Slack does (refused with `invalid_blocks` and json-pointers): at
 * most 50 blocks; section text 1..3,000 characters; image blocks need alt_text (≤ 2,000) and
 * exactly one of image_url / slack_file, a slack_file id must name a file whose upload was
 * completed, and (like Slack, which processes uploads asynchronously) not before `fileReadyMs`
 * after completeUploadExternal.
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

export interface FakeFile {
  id: string;
  filename: string;
  length: number;
  /** Index in `calls` of the completeUploadExternal that completed it. */
  completedCall?: number;
  completedAt?: number;
  title?: string;
  /** Where it was shared by completeUploadExternal (channel_id / thread_ts), if anywhere. */
  sharedTo?: { channel: string; thread_ts?: string };
}

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly uploads = new Map<string, Buffer>();
  readonly files = new Map<string, FakeFile>();
  /** Calls refused (ok: false), with the error and the index of the call in `calls`. */
  readonly refused: { index: number; method: string; error: string; errors?: string[] }[] = [];
  /** How long after completeUploadExternal a file can be shown in an image block. */
  fileReadyMs = 0;
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
    return this.waiters.waitFor(
      pred,
      ms,
      () => `fake slack: timed out waiting for ${what}; calls: ${this.calls.map((c) => c.method).join(', ')}`,
    );
  }

  calls_(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /**
   * What a reader sees of a message: each mrkdwn text, `[image <file name>]` for an image block
   * and `[button <label>]` for a button (alt texts are for screen readers).
   */
  seen(blocks: any[] | undefined, text?: string): string[] {
    if (!blocks || blocks.length === 0) return text ? [text] : [];
    return blocks.flatMap((b: any) => {
      if (b.type === 'section') return [b.text?.text ?? ''];
      if (b.type === 'context') return (b.elements ?? []).map((e: any) => e.text ?? '');
      if (b.type === 'image')
        return [`[image ${b.slack_file ? (this.files.get(b.slack_file.id)?.filename ?? b.slack_file.id) : b.image_url}]`];
      if (b.type === 'actions') return (b.elements ?? []).map((e: any) => `[button ${e.text?.text}]`);
      return [];
    });
  }

  /** Block Kit validation, as Slack does it for chat.postMessage / chat.update. */
  private blockErrors(blocks: unknown): string[] {
    const errs: string[] = [];
    if (!Array.isArray(blocks)) return ['blocks must be an array [json-pointer:/blocks]'];
    if (blocks.length > 50) errs.push('must be less than 51 items [json-pointer:/blocks]');
    blocks.forEach((b: any, i: number) => {
      const at = (p = '') => `[json-pointer:/blocks/${i}${p}]`;
      switch (b?.type) {
        case 'section': {
          const t = b.text?.text;
          if (typeof t !== 'string' || t.length === 0) errs.push(`must be more than 0 characters ${at('/text/text')}`);
          else if (t.length > 3000) errs.push(`must be less than 3001 characters ${at('/text/text')}`);
          break;
        }
        case 'context':
          if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10)
            errs.push(`1..10 elements ${at('/elements')}`);
          break;
        case 'divider':
          break;
        case 'actions':
          if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 25)
            errs.push(`1..25 elements ${at('/elements')}`);
          for (const [j, e] of (b.elements ?? []).entries()) {
            if ((e.text?.text ?? '').length > 75) errs.push(`must be less than 76 characters ${at(`/elements/${j}/text/text`)}`);
            if ((e.value ?? '').length > 2000) errs.push(`must be less than 2001 characters ${at(`/elements/${j}/value`)}`);
            if (!e.action_id || e.action_id.length > 255) errs.push(`invalid action_id ${at(`/elements/${j}/action_id`)}`);
          }
          break;
        case 'image': {
          const extra = Object.keys(b).filter((k) => !['type', 'alt_text', 'image_url', 'slack_file', 'title', 'block_id'].includes(k));
          if (extra.length) errs.push(`invalid additional property: ${extra[0]} ${at()}`);
          if (typeof b.alt_text !== 'string' || b.alt_text.length === 0) errs.push(`must provide a string ${at('/alt_text')}`);
          else if (b.alt_text.length > 2000) errs.push(`must be less than 2001 characters ${at('/alt_text')}`);
          if (b.title && (b.title.type !== 'plain_text' || (b.title.text ?? '').length > 2000)) errs.push(`invalid title ${at('/title')}`);
          if (!!b.image_url === !!b.slack_file) errs.push(`must provide exactly one of image_url or slack_file ${at()}`);
          if (b.slack_file) {
            const f = typeof b.slack_file.id === 'string' ? this.files.get(b.slack_file.id) : undefined;
            const ready = f?.completedAt !== undefined && Date.now() - f.completedAt >= this.fileReadyMs;
            if (b.slack_file.url || !ready) errs.push(`invalid slack file ${at('/slack_file')}`);
          }
          break;
        }
        default:
          errs.push(`unsupported type: ${b?.type} ${at('/type')}`);
      }
    });
    return errs;
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
      const known = this.files.get(up[1]);
      if (known) known.length = bytes.length;
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
    const index = this.calls.length - 1;
    const refuse = (error: string, errors?: string[]) => {
      this.refused.push({ index, method, error, errors });
      return send({ ok: false, error, ...(errors ? { errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } } : {}) });
    };
    if (method === 'chat.postMessage' || method === 'chat.update') {
      if (args.blocks !== undefined) {
        const errors = this.blockErrors(args.blocks);
        if (errors.length) return refuse('invalid_blocks', errors);
      } else if (!args.text) return refuse('no_text');
    }
    switch (method) {
      case 'auth.test':
        return send({
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Study',
          user: 'stepwise',
          team_id: 'T1',
          user_id: 'UBOT',
          bot_id: 'BBOT',
        });
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
        this.files.set(id, { id, filename: String(args.filename ?? ''), length: Number(args.length ?? 0) });
        return send({ ok: true, upload_url: `http://127.0.0.1:${this.port}/upload/${id}`, file_id: id });
      }
      case 'files.completeUploadExternal': {
        const list: { id: string; title?: string }[] = typeof args.files === 'string' ? JSON.parse(args.files) : (args.files ?? []);
        if (list.length === 0) return refuse('invalid_arguments');
        for (const f of list) if (!this.files.has(f.id) || !this.uploads.has(f.id)) return refuse('file_not_found');
        if (args.thread_ts && !args.channel_id) return refuse('invalid_arguments');
        for (const f of list) {
          const rec = this.files.get(f.id)!;
          Object.assign(rec, { completedCall: index, completedAt: Date.now(), title: f.title });
          if (args.channel_id) rec.sharedTo = { channel: args.channel_id, thread_ts: args.thread_ts };
        }
        return send({ ok: true, files: list.map((f) => ({ id: f.id, title: f.title, name: this.files.get(f.id)!.filename })) });
      }
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
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-slack-request-timestamp': ts, 'x-slack-signature': sig },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - t0 };
}

export function slashBody(fields: Record<string, string>): string {
  return new URLSearchParams({
    command: '/solve',
    team_id: 'T1',
    channel_id: 'C1',
    user_id: 'U1',
    user_name: 'ana',
    response_url: 'http://127.0.0.1:1/none',
    trigger_id: 't1',
    token: 'x',
    ...fields,
  }).toString();
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
