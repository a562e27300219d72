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
  });

  test('an empty question gets a friendly message', async () => {
    const res = await fetch(`${local.url}/api/solve`, { method: 'POST', body: JSON.stringify({ question: ' ' }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/question is empty/);
  });
});
