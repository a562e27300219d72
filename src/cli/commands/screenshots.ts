import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError, parseFlags, type CliCommand } from '../command';
import { EXAMPLE_QUESTION } from '../../engine/search';

/** The question the screenshots show: the README's example, which the shipped models answer and are sure of. */
export const SCREENSHOT_QUESTION = EXAMPLE_QUESTION;

export const command: CliCommand = {
  name: 'screenshots',
  summary: 'Regenerate the local page screenshots in the docs (headless Chromium, the real default models)',
  usage: `Usage: ./stepwise screenshots [--out DIR] [--width PX] [--budget N]

Starts the local page (as ./stepwise serve --local does, with the shipped default models and a
fresh temporary answer store, so nothing is cached) on 127.0.0.1 at a free port, opens it in
headless Chromium (STEPWISE_CHROMIUM, default /usr/bin/chromium), solves the README's example question and
writes three PNGs:

  local-empty.png      the page before a question
  local-progress.png   the search at work ("Solving… rollout k/N · best answer so far")
  local-thread.png     the finished thread with every step shown (Show all)

  --out DIR    where to write them (default docs/img)
  --width PX   browser width in CSS pixels (default 900)
  --budget N   the search budget typed into the page (default 16 rollouts, long enough for a
               progress line to show; the page's own default is the server's)
`,
  async run(args) {
    const { values } = parseFlags('screenshots', args, { out: { type: 'string' }, width: { type: 'string' }, budget: { type: 'string' } });
    const out = path.resolve(values.out ?? 'docs/img');
    const width = Number(values.width ?? 900);
    const budget = Number(values.budget ?? 16);
    if (!Number.isInteger(budget) || budget < 1 || budget > 64)
      throw new CliError(`--budget must be an integer 1-64, got "${values.budget}"`, 2);
    if (!Number.isInteger(width) || width < 320 || width > 3000)
      throw new CliError(`--width must be an integer 320-3000, got "${values.width}"`, 2);
    fs.mkdirSync(out, { recursive: true });
    const say = (m: string) => process.stderr.write(`[screenshots] ${m}\n`);

    const { createCore } = await import('../../bots/compose');
    const { loadConfig } = await import('../../bots/core/index');
    const { startLocal } = await import('../../bots/platforms/local/server');
    const { CHROMIUM_FLAGS, CHROMIUM_PATH } = await import('../../render/images');
    const puppeteer = (await import('puppeteer-core')).default;

    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-shots-'));
    fs.mkdirSync(path.join(tmp, 'tmp'));
    const config = loadConfig({ STEPWISE_DB: path.join(tmp, 'bots.sqlite') });
    const { createEngine } = await import('../../engine/index');
    let reports = 0;
    // The real default engine (as ./stepwise serve builds it). The shipped models answer the example
    // in well under a second, faster than the page polls; so that the progress screenshot shows the
    // real progress line, the result is handed back 2 s after the search ends (the line stays up).
    const engine = async () => {
      const e = await createEngine({ policyDir: config.policyDir, scorerDir: config.scorerDir, workers: config.workers });
      const slow: typeof e = Object.create(e);
      slow.solve = async (q, c, hooks) => {
        const r = await e.solve(q, c, { ...hooks, onProgress: (p) => (reports++, hooks?.onProgress?.(p)) });
        await new Promise((res) => setTimeout(res, 2000));
        return r;
      };
      return slow;
    };
    const core = createCore(config, { engine, log: () => undefined });
    const local = await startLocal(core, { host: '127.0.0.1', port: 0, log: () => undefined });
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_FLAGS, `--user-data-dir=${tmp}`],
      env: { ...process.env, TMPDIR: path.join(tmp, 'tmp') },
    });
    const written: string[] = [];
    try {
      const page = await browser.newPage();
      await page.setViewport({ width, height: 560, deviceScaleFactor: 1 });
      await page.goto(local.url, { waitUntil: 'load' });
      const shot = async (name: string, fullPage: boolean) => {
        const file = path.join(out, name);
        await page.screenshot({ path: file as `${string}.png`, fullPage });
        written.push(file);
        say(`${path.relative(process.cwd(), file)} (${Math.round(fs.statSync(file).size / 1024)} KB)`);
      };
      await shot('local-empty.png', false);

      await page.type('#question', SCREENSHOT_QUESTION);
      await page.type('#budget', String(budget));
      await page.click('#solve');
      say('solving (the first question also loads the models)…');
      const deadline = Date.now() + 300_000;
      let progress = false;
      let seen = '';
      for (;;) {
        const [state, status] = await page.evaluate(() => [
          document.body.getAttribute('data-state') ?? '',
          document.getElementById('status')?.textContent ?? '',
        ]);
        if (state === 'done' || state === 'failed') break;
        if (status !== seen) say(`status: ${(seen = status)}`);
        if (!progress && /^Solving… \[/.test(status)) {
          await shot('local-progress.png', false);
          progress = true;
        }
        if (Date.now() > deadline) throw new CliError('the example question was not answered within 300 s', 1);
        await new Promise((r) => setTimeout(r, 50));
      }
      const state = await page.evaluate(() => document.body.getAttribute('data-state'));
      if (state !== 'done') throw new CliError(`the example question failed: ${await page.$eval('#status', (e) => e.textContent)}`, 1);
      if (!progress) say(`the search finished before a progress line showed (${reports} progress reports); local-progress.png not written`);
      await page.click('#all');
      await page.waitForFunction(
        () => Array.from(document.querySelectorAll('#thread img')).every((i) => (i as HTMLImageElement).complete),
        { timeout: 30_000 },
      );
      await shot('local-thread.png', true);
      const answer = await page.$eval('#answer', (e) => e.textContent).catch(() => null);
      const stats = await page.$eval('#thread', (e) => (e.textContent ?? '').match(/Search:[^\n]*/)?.[0] ?? '').catch(() => '');
      say(`answer shown: ${answer} (${stats.trim()})`);
    } finally {
      await browser.close().catch(() => undefined);
      await local.close();
      await core.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    process.stdout.write(written.map((f) => `${f}\n`).join(''));
    return 0;
  },
};
