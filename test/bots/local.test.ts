import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { ChromiumImageMaker, createCore, loadConfig, type BotCore } from '../../src/bots/core/index';
import { startLocal, type LocalServer } from '../../src/bots/local/server';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../src/render/images';
import { MATH_QUESTION, tmpDb, toyEngine } from './harness';

jest.setTimeout(60_000);

describe('local web mode, end to end in headless Chromium', () => {
  let core: BotCore;
  let local: LocalServer;
  let browser: Browser;
  let userDir: string;

  beforeAll(async () => {
    const config = loadConfig({ STEPWISE_DB: tmpDb(), STEPWISE_STRATEGY: 'beam', STEPWISE_BUDGET: '2' });
    core = createCore(config, {
      engine: async () => toyEngine(20),
      images: new ChromiumImageMaker(), // the real KaTeX → PNG renderer
      progressIntervalMs: 50,
      searchOverrides: { candidates: 4 },
      log: () => undefined,
    });
    local = await startLocal(core, { port: 0, log: () => undefined });
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-e2e-'));
    fs.mkdirSync(path.join(userDir, 'tmp'));
    browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_FLAGS, `--user-data-dir=${userDir}`],
      env: { ...process.env, TMPDIR: path.join(userDir, 'tmp') },
    });
  });

  afterAll(async () => {
    await browser?.close();
    await local?.close();
    await core?.close();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  test('ask a question, watch it work, read the answer thread with a typeset image and code', async () => {
    const page = await browser.newPage();
    await page.goto(local.url, { waitUntil: 'load' });
    await page.type('#question', MATH_QUESTION);
    await page.click('#solve');
    await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });
    const answer = await page.$eval('#answer', (e) => e.textContent);
    expect(answer).toMatch(/^(8|29)$/);
    // the question is typeset: an image served from memory, actually loaded by the browser
    const img = await page.$eval('#thread img.question', (e) => ({ w: (e as HTMLImageElement).naturalWidth, src: (e as HTMLImageElement).src, done: (e as HTMLImageElement).complete }));
    expect(img.done).toBe(true);
    expect(img.w).toBeGreaterThan(10);
    const res = await fetch(img.src);
    expect(res.headers.get('content-type')).toBe('image/png');
    // step 1 visible with its code; the rest revealed by "Show all"
    expect(await page.$$eval('section.step:not(.hidden) pre.code', (els) => els.length)).toBe(1);
    await page.click('#all');
    expect(await page.$$eval('section.step.hidden', (els) => els.length)).toBe(0);
    expect(await page.$eval('#thread', (e) => e.textContent)).toContain('Final answer');
    // the working is typeset too (issue 16.5): a formula image per step, loaded by the browser
    const work = await page.$$eval('#thread img.work', (els) => els.map((e) => ({ w: (e as HTMLImageElement).naturalWidth, alt: e.getAttribute('alt') })));
    expect(work.length).toBeGreaterThan(0);
    expect(work[0].w).toBeGreaterThan(10);
    expect(work.map((x) => x.alt).join('\n')).toMatch(/\\text\{left\} = \\text\{apples\} - 7 = (8|29)/);
  });

  test('a hostile question runs nothing in the page (escaped HTML, strict CSP) and is shown as text', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(local.url, { waitUntil: 'load' });
    const evil = 'Apples <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> [x](javascript:window.__pwned=3) $\\href{javascript:window.__pwned=4}{y}$ and $\\frac{1}{2}$?';
    await page.type('#question', evil);
    await page.click('#solve');
    await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });
    await page.click('#all');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.$$eval('#thread script, #thread a, #thread [onerror]', (els) => els.length)).toBe(0);
    const srcs = await page.$$eval('#thread img', (els) => els.map((e) => e.getAttribute('src') ?? ''));
    expect(srcs.every((s) => /^\/img\/[\w-]+\/[\w.-]+\.png$/.test(s))).toBe(true);
    expect(await page.$eval('#thread .question', (e) => e.textContent)).toContain('<img src=x onerror="window.__pwned=1">');
    // the page's own (hashed) script and style were allowed: nothing was blocked
    expect(violations).toEqual([]);
  });

  test('an empty question gets a friendly message', async () => {
    const res = await fetch(`${local.url}/api/solve`, { method: 'POST', body: JSON.stringify({ question: ' ' }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/question is empty/);
  });
});
