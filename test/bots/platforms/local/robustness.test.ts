/**
 * The local page's HTTP API under input a browser would not send and moments it does not plan
 * for, through the real server (serve(): local page + /metrics): bodies split mid-character,
 * questions that are not text, asking while the server shuts down, clients that hang up
 * mid-request, answers older than the ones kept in memory, refusals in /metrics, and a
 * 300-character word in headless Chromium.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { loadConfig } from '../../../../src/bots/core/config';
import { serve, type Running } from '../../../../src/bots/serve';
import { createLogger } from '../../../../src/ops/log';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../../../src/render/images';
import { fakeImages, tmpDb, toyEngine } from '../../harness';
import { QUESTION } from '../../../engine/toy-problem';

jest.setTimeout(60_000);

async function start(vars: Record<string, string> = {}, lines: string[] = []): Promise<Running> {
  const config = loadConfig({ PORT: '0', STEPWISE_DB: tmpDb(), STEPWISE_BUDGET: '4', ...vars });
  return serve(config, {
    logger: createLogger({ format: 'json', dest: { write: () => undefined } }),
    log: (m) => lines.push(m),
    core: { engine: async () => toyEngine(), images: fakeImages, progressIntervalMs: 20, searchOverrides: { candidates: 4 } },
  });
}

const post = (url: string, body: unknown) => fetch(`${url}/api/solve`, { method: 'POST', body: JSON.stringify(body) });

async function answered(url: string, id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 400; i++) {
    const j = (await (await fetch(`${url}/api/jobs/${id}`)).json()) as Record<string, unknown>;
    if (j.status === 'done' || j.status === 'failed') return j;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('not answered');
}

/** Writes a raw HTTP request in parts, pausing between them; resolves with the raw response. */
function rawRequest(port: number, parts: Buffer[], opts: { hangUp?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let out = '';
    sock.on('data', (c) => (out += c));
    sock.on('error', reject);
    sock.on('close', () => resolve(out));
    sock.on('connect', async () => {
      for (const p of parts) {
        sock.write(p);
        await new Promise((r) => setTimeout(r, 60));
      }
      if (opts.hangUp) sock.destroy();
    });
  });
}

describe('local page API: odd input and odd moments', () => {
  let running: Running;
  let url: string;
  const lines: string[] = [];

  beforeAll(async () => {
    running = await start({ STEPWISE_USER_PER_MINUTE: '1000', STEPWISE_USER_PENDING: '1000', STEPWISE_CHANNEL_PENDING: '1000' }, lines);
    url = running.local!.url;
  });
  afterAll(async () => {
    await running?.close();
  });

  test('a character split across two TCP reads is stored whole ("Zoë", not "Zo��")', async () => {
    const body = Buffer.from(JSON.stringify({ question: `Zoë asks: ${QUESTION}` }));
    const cut = body.indexOf(Buffer.from('ë')) + 1; // between the two bytes of ë
    const head = Buffer.from(
      `POST /api/solve HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`,
    );
    const res = await rawRequest(Number(new URL(url).port), [Buffer.concat([head, body.subarray(0, cut)]), body.subarray(cut)]);
    expect(res).toMatch(/^HTTP\/1.1 202/);
    const id = JSON.parse(/\{.*\}/s.exec(res)![0]).id as string; // (the body may be chunked)
    const j = await answered(url, id);
    expect(j.question).toBe(`Zoë asks: ${QUESTION}`);
  });

  test('a question sent as a number or an object is told it must be text', async () => {
    for (const q of [42, { text: QUESTION }, [QUESTION]]) {
      const r = await post(url, { question: q });
      expect(r.status).toBe(400);
      const { error } = (await r.json()) as { error: string };
      expect(error).toMatch(/must be text/);
      expect(error).not.toMatch(/empty/);
    }
  });

  test('a client that hangs up mid-body costs one log line, not a stack trace', async () => {
    const before = lines.length;
    const head = Buffer.from(
      `POST /api/solve HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"question": "What is`,
    );
    await rawRequest(Number(new URL(url).port), [head], { hangUp: true });
    await new Promise((r) => setTimeout(r, 300));
    const logged = lines.slice(before);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/aborted/);
    expect(logged[0]).not.toMatch(/\n\s+at /);
  });

  test('answers older than the 200 kept in memory are read back from SQLite', async () => {
    const first = (await (await post(url, { question: QUESTION })).json()) as { id: string };
    await answered(url, first.id);
    // 205 more (answered from the cache): the first falls out of memory
    for (let i = 0; i < 205; i++) expect((await post(url, { question: QUESTION })).status).toBe(202);
    const j = await answered(url, first.id);
    expect(j).toMatchObject({ status: 'done', answer: expect.any(String) });
    expect(String(j.html)).toMatch(/Answer/);
  });

  test('refusals are counted under their platform, not "unknown"', async () => {
    await post(url, { question: '' });
    const m = await (await fetch(`${url}/metrics`)).text();
    expect(m).toMatch(/stepwise_questions_total\{[^}]*platform="local"[^}]*outcome="invalid"[^}]*\} [1-9]/);
    expect(m).not.toMatch(/platform="unknown"/);
  });

  test('while shutting down, a question gets 503 (ask again soon), not 429', async () => {
    await running.drain(10);
    const r = await post(url, { question: QUESTION });
    expect(r.status).toBe(503);
    expect(((await r.json()) as { error: string }).error).toMatch(/shutting down/);
  });
});

describe('local page in headless Chromium: a 300-character word', () => {
  test('does not make the page wider than the window', async () => {
    const running = await start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-e2e-'));
    fs.mkdirSync(path.join(dir, 'tmp'));
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_FLAGS, `--user-data-dir=${dir}`],
      env: { ...process.env, TMPDIR: path.join(dir, 'tmp') },
    });
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 800, height: 600 });
      await page.goto(running.local!.url, { waitUntil: 'load' });
      await page.type('#question', `${QUESTION} ${'x'.repeat(300)}`);
      await page.click('#solve');
      await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });
      const w = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      expect(w.scroll).toBeLessThanOrEqual(w.inner);
    } finally {
      await browser.close();
      await running.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
