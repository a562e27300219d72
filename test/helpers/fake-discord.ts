/**
 * A fake Discord on 127.0.0.1: the REST routes a solve flow uses and a JSON gateway (WebSocket),
 * enough for the real discord.js client (see /work/shared/docs/platforms.md). Records every REST
 * call; tests dispatch INTERACTION_CREATE / MESSAGE_CREATE events through the gateway (slash
 * commands, button clicks, modal submissions).
 */
import http from 'node:http';
import { Waiters } from './waiters';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RestCall {
  method: string;
  /** Path after /api/v10, URL-decoded. */
  path: string;
  at: number;
  body: any;
  files: { field: string; name: string; size: number; bytes: Buffer }[];
}

const PERMS = '2199023255551';
let snow = 1_300_000_000_000_000_000n;
export const nextId = () => String(++snow);

export class FakeDiscord {
  readonly guildId = nextId();
  readonly channelId = nextId();
  readonly botId = nextId();
  readonly appId = nextId();
  readonly userId = nextId();
  readonly calls: RestCall[] = [];
  readonly messages = new Map<string, any>();
  readonly channels = new Map<string, any>();
  private server!: http.Server;
  private wss!: WebSocketServer;
  private sockets = new Set<WebSocket>();
  private seq = 0;
  port = 0;
  /** Milliseconds every REST answer waits (to model a slow network). */
  latencyMs = 0;
  /** Set to make the next N message posts answer 429. */
  rateLimitNext = 0;
  private readonly waiters = new Waiters();
  identified!: Promise<void>;
  private identifiedResolve!: () => void;

  get apiUrl() {
    return `http://127.0.0.1:${this.port}/api`;
  }

  botUser() {
    return { id: this.botId, username: 'stepwise', discriminator: '0', global_name: 'Stepwise', avatar: null, bot: true };
  }

  user(id = this.userId) {
    return { id, username: `user${id.slice(-4)}`, discriminator: '0', global_name: null, avatar: null };
  }

  textChannel() {
    return {
      id: this.channelId,
      type: 0,
      guild_id: this.guildId,
      name: 'math',
      position: 0,
      permission_overwrites: [],
      nsfw: false,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      parent_id: null,
      flags: 0,
    };
  }

  async start(): Promise<void> {
    this.channels.set(this.channelId, this.textChannel());
    this.identified = new Promise((r) => (this.identifiedResolve = r));
    this.server = http.createServer((req, res) =>
      this.handle(req, res).catch((err) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: String(err?.stack ?? err), code: 0 }));
      }),
    );
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (ws) => this.onSocket(ws));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  /** Resolves when `pred` holds (checked after every REST call), or rejects after `ms`. */
  waitFor(pred: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
    return this.waiters.waitFor(
      pred,
      ms,
      () => `fake discord: timed out waiting for ${what}; calls: ${this.calls.map((c) => `${c.method} ${c.path}`).join(', ')}`,
    );
  }

  private check() {
    this.waiters.check();
  }

  callsTo(method: string, re: RegExp): RestCall[] {
    return this.calls.filter((c) => c.method === method && re.test(c.path));
  }

  private onSocket(ws: WebSocket) {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 45_000 }, s: null, t: null }));
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw));
      if (msg.op === 1) ws.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      if (msg.op === 2) {
        this.send(ws, 'READY', {
          v: 10,
          user: this.botUser(),
          guilds: [{ id: this.guildId, unavailable: true }],
          session_id: 'fake-session',
          resume_gateway_url: `ws://127.0.0.1:${this.port}`,
          application: { id: this.appId, flags: 0 },
          private_channels: [],
        });
        this.send(ws, 'GUILD_CREATE', {
          id: this.guildId,
          name: 'Study group',
          owner_id: this.userId,
          unavailable: false,
          member_count: 2,
          large: false,
          features: [],
          emojis: [],
          stickers: [],
          roles: [
            {
              id: this.guildId,
              name: '@everyone',
              permissions: PERMS,
              position: 0,
              color: 0,
              hoist: false,
              managed: false,
              mentionable: false,
              flags: 0,
            },
          ],
          channels: [this.textChannel()],
          threads: [],
          members: [{ user: this.botUser(), roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 }],
          voice_states: [],
          presences: [],
          stage_instances: [],
          guild_scheduled_events: [],
          joined_at: new Date().toISOString(),
          premium_tier: 0,
          preferred_locale: 'en-US',
          system_channel_flags: 0,
          verification_level: 0,
          default_message_notifications: 0,
          explicit_content_filter: 0,
          mfa_level: 0,
          nsfw_level: 0,
        });
        this.identifiedResolve();
      }
    });
  }

  private send(ws: WebSocket, t: string, d: unknown) {
    ws.send(JSON.stringify({ op: 0, t, s: ++this.seq, d }));
  }

  dispatch(t: string, d: unknown) {
    for (const ws of this.sockets) this.send(ws, t, d);
  }

  private member(userId: string) {
    return {
      user: this.user(userId),
      roles: [],
      permissions: PERMS,
      joined_at: new Date().toISOString(),
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
    };
  }

  /** Sends a `/solve` interaction; returns its id and token. */
  slash(options: { question?: string; strategy?: string; budget?: number }, userId = this.userId, channelId = this.channelId) {
    const opts: any[] = [];
    if (options.question !== undefined) opts.push({ name: 'question', type: 3, value: options.question });
    if (options.strategy !== undefined) opts.push({ name: 'strategy', type: 3, value: options.strategy });
    if (options.budget !== undefined) opts.push({ name: 'budget', type: 4, value: options.budget });
    return this.command('solve', opts, userId, channelId);
  }

  /**
   * Sends any chat-input command (e.g. `practice` with a subcommand option
   * `{type: 1, name: 'answer', options: [...]}`); returns its id and token.
   */
  command(name: string, options: any[], userId = this.userId, channelId = this.channelId) {
    return this.interaction(
      2,
      { data: { id: '2', name, type: 1, options, guild_id: this.guildId }, channel_id: channelId, channel: this.channels.get(channelId) },
      userId,
    );
  }

  /** Dispatches an INTERACTION_CREATE of `type` in the guild, as the gateway sends it; returns its id and token. */
  private interaction(type: number, fields: Record<string, unknown>, userId: string) {
    const id = nextId();
    const token = `tok-${id}`;
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: this.appId,
      type,
      token,
      version: 1,
      guild_id: this.guildId,
      ...fields,
      member: this.member(userId),
      app_permissions: PERMS,
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { 0: this.guildId },
      context: 0,
    });
    return { id, token, at: Date.now() };
  }

  /** The latest content of an interaction's original reply (deferred, then edited), if any. */
  replyContent(token: string): string | undefined {
    const edits = this.callsTo('PATCH', new RegExp(`^/webhooks/${this.appId}/${token}/messages/@original$`));
    return edits.length ? edits[edits.length - 1].body?.content : undefined;
  }

  /**
   * The modal (form) the bot answered an interaction with (callback type 9, MODAL), or undefined:
   * `{custom_id, title, components}` as sent.
   */
  modal(interactionId: string): any {
    return this.callsTo('POST', new RegExp(`^/interactions/${interactionId}/[^/]+/callback$`)).find((c) => c.body?.type === 9)?.body?.data;
  }

  /**
   * Submits a modal (interaction type 5, MODAL_SUBMIT) as Discord sends it: each text input inside
   * a label component (type 18) with its value. Returns the interaction's id and token.
   */
  submitModal(customId: string, values: Record<string, string>, userId = this.userId, channelId = this.channelId) {
    const components = Object.entries(values).map(([id, value], i) => ({
      type: 18,
      id: 2 * i + 1,
      component: { type: 4, id: 2 * i + 2, custom_id: id, value },
    }));
    return this.interaction(
      5,
      { data: { custom_id: customId, components }, channel_id: channelId, channel: this.channels.get(channelId) },
      userId,
    );
  }

  /** Clicks a button (custom id) on a message the bot posted. */
  click(messageId: string, customId: string, userId = this.userId) {
    const message = this.messages.get(messageId);
    const channel = this.channels.get(message.channel_id);
    return this.interaction(
      3,
      { data: { custom_id: customId, component_type: 2 }, channel_id: message.channel_id, channel, message },
      userId,
    );
  }

  /** A user message in a channel mentioning the bot. */
  mention(text: string, userId = this.userId, channelId = this.channelId) {
    const m = {
      id: nextId(),
      channel_id: channelId,
      guild_id: this.guildId,
      author: this.user(userId),
      member: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 },
      content: `<@${this.botId}> ${text}`,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [this.botUser()],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
      flags: 0,
      components: [],
    };
    this.messages.set(m.id, m);
    this.dispatch('MESSAGE_CREATE', m);
    return m;
  }

  private message(channelId: string, body: any, files: RestCall['files'], id = nextId(), extra: any = {}) {
    const old = this.messages.get(id);
    const m = {
      id,
      channel_id: channelId,
      author: this.botUser(),
      content: body?.content ?? old?.content ?? '',
      timestamp: old?.timestamp ?? new Date().toISOString(),
      edited_timestamp: old ? new Date().toISOString() : null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: files.length
        ? files.map((f, i) => ({
            id: nextId(),
            filename: f.name,
            size: f.size,
            url: `http://127.0.0.1:${this.port}/att/${id}/${i}`,
            proxy_url: `http://127.0.0.1:${this.port}/att/${id}/${i}`,
            content_type: 'image/png',
          }))
        : body?.attachments && body.attachments.length === 0
          ? []
          : (old?.attachments ?? []),
      embeds: [],
      pinned: false,
      type: 0,
      flags: 0,
      components: body?.components ?? old?.components ?? [],
      ...extra,
    };
    this.messages.set(id, m);
    return m;
  }

  private thread(parentId: string, name: string, id = nextId()) {
    const t = {
      id,
      type: 11,
      guild_id: this.guildId,
      parent_id: parentId,
      name,
      owner_id: this.botId,
      last_message_id: null,
      rate_limit_per_user: 0,
      message_count: 0,
      member_count: 1,
      flags: 0,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
    };
    this.channels.set(id, t);
    return t;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v\d+/, ''));
    let body: any = null;
    const files: RestCall['files'] = [];
    const ct = req.headers['content-type'] ?? '';
    if (ct.startsWith('multipart/form-data')) {
      const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': ct }, body: raw }).formData();
      const entries: [string, FormDataEntryValue][] = [];
      form.forEach((v, k) => entries.push([k, v]));
      for (const [field, v] of entries) {
        if (field === 'payload_json') body = JSON.parse(String(v));
        else if (typeof v !== 'string') {
          const bytes = Buffer.from(await v.arrayBuffer());
          files.push({ field, name: v.name, size: bytes.length, bytes });
        }
      }
    } else if (raw.length) body = JSON.parse(raw.toString('utf8'));
    const call: RestCall = { method: req.method ?? 'GET', path, at: Date.now(), body, files };
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    const reply = (code: number, data?: unknown, headers: Record<string, string> = {}) => {
      this.calls.push(call);
      res.writeHead(code, data === undefined ? headers : { 'content-type': 'application/json', ...headers });
      res.end(data === undefined ? '' : JSON.stringify(data));
      setImmediate(() => this.check());
    };
    const m = (re: RegExp) => re.exec(path);
    let r: RegExpExecArray | null;
    if (req.method === 'GET' && path === '/gateway/bot') {
      return reply(200, {
        url: `ws://127.0.0.1:${this.port}`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    }
    if (req.method === 'GET' && path === '/gateway') return reply(200, { url: `ws://127.0.0.1:${this.port}` });
    if (req.method === 'POST' && (r = m(/^\/interactions\/(\d+)\/([^/]+)\/callback$/))) {
      // type 5 (deferred reply) or 6 (deferred update): the original message is a placeholder;
      // type 9 (a modal) opens a form and makes no message (the submission is a new interaction)
      if (body?.type === 5) this.message(this.channelIdOfToken(r[2]), { content: '' }, [], `orig-${r[2]}`.replace(/\D/g, '') || nextId());
      return reply(204);
    }
    if ((r = m(/^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/))) {
      const token = r[2];
      const id = token.replace(/\D/g, '');
      if (req.method === 'PATCH') {
        const existing = this.messages.get(id);
        return reply(200, this.message(existing?.channel_id ?? this.channelId, body, files, id));
      }
      if (req.method === 'GET') return reply(200, this.messages.get(id));
    }
    if (req.method === 'POST' && (r = m(/^\/webhooks\/(\d+)\/([^/]+)$/))) {
      return reply(200, this.message(this.channelId, body, files, nextId(), { webhook_id: r[1] }));
    }
    if ((r = m(/^\/channels\/(\d+)\/messages$/)) && req.method === 'POST') {
      if (this.rateLimitNext > 0) {
        this.rateLimitNext--;
        return reply(
          429,
          { message: 'You are being rate limited.', retry_after: 0.05, global: false },
          { 'retry-after': '0.05', 'x-ratelimit-scope': 'user' },
        );
      }
      return reply(200, this.message(r[1], body, files));
    }
    if ((r = m(/^\/channels\/(\d+)\/messages\/(\d+)$/))) {
      if (req.method === 'PATCH') return reply(200, this.message(r[1], body, files, r[2]));
      if (req.method === 'GET')
        return reply(this.messages.has(r[2]) ? 200 : 404, this.messages.get(r[2]) ?? { message: 'Unknown Message', code: 10008 });
    }
    if (req.method === 'POST' && (r = m(/^\/channels\/(\d+)\/messages\/(\d+)\/threads$/))) {
      return reply(201, this.thread(r[1], body?.name ?? 'thread', nextId()));
    }
    if (req.method === 'POST' && (r = m(/^\/channels\/(\d+)\/threads$/))) return reply(201, this.thread(r[1], body?.name ?? 'thread'));
    if (req.method === 'GET' && (r = m(/^\/channels\/(\d+)$/))) {
      const ch = this.channels.get(r[1]);
      return reply(ch ? 200 : 404, ch ?? { message: 'Unknown Channel', code: 10003 });
    }
    if (req.method === 'PUT' && (r = m(/^\/applications\/(\d+)(\/guilds\/(\d+))?\/commands$/))) {
      return reply(
        200,
        (body as any[]).map((c) => ({ ...c, id: nextId(), application_id: r![1], version: '1' })),
      );
    }
    reply(404, { message: `fake discord: no route ${req.method} ${path}`, code: 0 });
  }

  /** Deferred replies are created in the channel of the interaction (the tests use one channel). */
  private channelIdOfToken(_token: string): string {
    return this.channelId;
  }

  /** Messages posted into a channel or thread (POST /channels/:id/messages), in order. */
  posts(channelId: string): RestCall[] {
    return this.callsTo('POST', new RegExp(`^/channels/${channelId}/messages$`));
  }

  /** Threads created, in order. */
  threads(): any[] {
    return [...this.channels.values()].filter((c) => c.type === 11);
  }
}
