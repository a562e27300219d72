import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { ChromiumImageMaker, loadConfig } from '../../../../src/bots/core/index';
import { createCore, type BotCore } from '../../../../src/bots/compose';
import { startLocal, type LocalServer } from '../../../../src/bots/platforms/local/server';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../../../src/render/images';
import { fakeImages, MATH_QUESTION, tmpDb, toyEngine } from '../../harness';
import { PRACTICE_DATA } from '../../features/practice/harness';
import { QUESTION, toyScore, toyScript } from '../../../engine/toy-problem';
import { ScriptedPolicy, ScriptedScorer, ToyExecutor } from '../../../helpers/scripted';
import { engineFrom } from '../../../../src/engine/index';
import { EXAMPLE_QUESTION } from '../../../../src/engine/search';

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
      practice: { dataDir: PRACTICE_DATA, solutionWaitMs: 5000 },
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
    // "Next step" / "Show all" come after the thread, where the reader is (issue 18)
    const after = await page.evaluate(() => {
      const thread = document.getElementById('thread')!;
      const follows = (id: string) => !!(thread.compareDocumentPosition(document.getElementById(id)!) & Node.DOCUMENT_POSITION_FOLLOWING);
      return {
        reveal: follows('reveal'),
        again: follows('again-row'),
        revealShown: !document.getElementById('reveal')!.classList.contains('hidden'),
      };
    });
    expect(after).toEqual({ reveal: true, again: true, revealShown: true });
    // the question is typeset: an image served from memory, actually loaded by the browser
    const img = await page.$eval('#thread img.question', (e) => ({
      w: (e as HTMLImageElement).naturalWidth,
      src: (e as HTMLImageElement).src,
      done: (e as HTMLImageElement).complete,
    }));
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
    const work = await page.$$eval('#thread img.work', (els) =>
      els.map((e) => ({ w: (e as HTMLImageElement).naturalWidth, alt: e.getAttribute('alt') })),
    );
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
    const evil =
      'Apples <img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> [x](javascript:window.__pwned=3) $\\href{javascript:window.__pwned=4}{y}$ and $\\frac{1}{2}$?';
    await page.type('#question', evil);
    await page.click('#solve');
    await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });
    await page.click('#all');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // (the only link the thread may hold is our own, to the models guide, when the answer is not sure)
    expect(await page.$$eval('#thread script, #thread a:not([href="/docs/models.md"]), #thread [onerror]', (els) => els.length)).toBe(0);
    const srcs = await page.$$eval('#thread img', (els) => els.map((e) => e.getAttribute('src') ?? ''));
    expect(srcs.every((s) => /^\/img\/[\w-]+\/[\w.-]+\.png$/.test(s))).toBe(true);
    expect(await page.$eval('#thread .question', (e) => e.textContent)).toContain('<img src=x onerror="window.__pwned=1">');
    // the page's own (hashed) script and style were allowed: nothing was blocked
    expect(violations).toEqual([]);
  });

  test('the budget box has the server limit: 65 is refused with its message, 64 is solved', async () => {
    const page = await browser.newPage();
    await page.goto(local.url, { waitUntil: 'load' });
    await page.waitForSelector('body[data-max-budget="64"]');
    expect(await page.$eval('#budget', (e) => (e as HTMLInputElement).max)).toBe('64');
    // the strategy menu names the server's default instead of a bare "default"
    expect(await page.$eval('#strategy option[value=""]', (e) => e.textContent)).toBe('default (beam)'); // STEPWISE_STRATEGY above
    await page.type('#question', 'What is 6 + 7?');
    await page.type('#budget', '65');
    await page.click('#solve');
    await page.waitForSelector('body[data-state="failed"]');
    expect(await page.$eval('#status', (e) => [e.textContent, e.className])).toEqual([
      'The budget must be a whole number from 1 to 64.',
      'error',
    ]);
    expect(await page.evaluate(() => location.hash)).toBe(''); // nothing was sent
    await page.click('#budget', { clickCount: 3 });
    await page.type('#budget', '64');
    await page.click('#solve');
    await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });
    expect(await page.$eval('#answer', (e) => e.textContent)).toBeTruthy();
  });

  test('a cached answer can be solved again: a new search, not the stored job', async () => {
    const page = await browser.newPage();
    await page.goto(local.url, { waitUntil: 'load' });
    await page.type('#question', MATH_QUESTION); // solved by the first test: now in the cache
    await page.click('#solve');
    await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });
    expect(await page.$eval('body', (b) => b.getAttribute('data-cached'))).toBe('true');
    expect(await page.$eval('#status', (e) => e.textContent)).toMatch(/from the cache/);
    const cachedJob = (await page.$eval('body', (b) => b.getAttribute('data-job')))!;
    expect(core.service.startOrder).not.toContain(cachedJob);
    await page.click('#again');
    await page.waitForFunction(
      (prev) => document.body.getAttribute('data-state') === 'done' && document.body.getAttribute('data-job') !== prev,
      { timeout: 30_000 },
      cachedJob,
    );
    const fresh = (await page.$eval('body', (b) => b.getAttribute('data-job')))!;
    expect(await page.$eval('body', (b) => b.getAttribute('data-cached'))).toBe('false');
    expect(core.service.startOrder).toContain(fresh);
    expect(await page.$eval('#answer', (e) => e.textContent)).toMatch(/^(8|29)$/);
  });

  test('practice from the page: pick a set, start, answer, hint, end, see the score and the solutions', async () => {
    const page = await browser.newPage();
    await page.goto(local.url, { waitUntil: 'load' });
    await page.click('#tab-practice');
    expect(await page.$eval('#panel-solve', (e) => e.classList.contains('hidden'))).toBe(true);
    await page.waitForSelector('#p-set option[value="aime2024"]');
    await page.select('#p-set', 'aime2024');
    await page.click('#p-count', { clickCount: 3 });
    await page.type('#p-count', '2');
    await page.click('#p-start');
    await page.waitForSelector('body[data-practice="open"]', { timeout: 30_000 });
    expect(await page.$$eval('#p-problems section.problem', (els) => els.length)).toBe(2);
    expect(await page.$eval('#p-head', (e) => e.textContent)).toMatch(/AIME 2024 · 2 problems/);
    expect(await page.$eval('#p-clock', (e) => e.textContent)).toMatch(/^Time left: \d+:\d\d$/);
    const id = (await page.evaluate(() => localStorage.getItem('stepwise.practice')))!;
    const gold = core.practice.getSession(id)!.problems.map((p) => p.answer);
    await page.type('section.problem[data-n="1"] input.p-answer', gold[0]);
    await page.click('section.problem[data-n="1"] button.p-submit');
    await page.waitForFunction(() => /^✅/.test(document.querySelector('section.problem[data-n="1"] .feedback')?.textContent ?? ''));
    await page.type('section.problem[data-n="2"] input.p-answer', String((Number(gold[1]) + 1) % 1000));
    await page.click('section.problem[data-n="2"] button.p-submit');
    await page.waitForFunction(() =>
      /^❌ .*2 attempts left/.test(document.querySelector('section.problem[data-n="2"] .feedback')?.textContent ?? ''),
    );
    await page.click('section.problem[data-n="2"] button.p-hint');
    await page.waitForSelector('section.problem[data-n="2"] .hints .hint');
    await page.click('#p-end');
    await page.waitForSelector('body[data-practice="ended"]');
    await page.waitForSelector('#p-results .score');
    const hinted = core.practice.store.hintCount(id, core.practice.getSession(id)!.startedBy, 2);
    expect(await page.$eval('#p-results .score', (e) => e.textContent)).toBe(
      `Your score: ${hinted ? 7 : 10} points · 1/2 solved · 2 attempts · ${hinted} hint${hinted === 1 ? '' : 's'}`,
    );
    const sols = await page.$$eval('#p-results section.solution', (els) => els.map((e) => e.textContent ?? ''));
    expect(sols).toHaveLength(2);
    expect(sols[0]).toContain(`answer ${gold[0]}`);
    expect(sols[0]).toMatch(/You answered \d+ ✅/);
    expect(sols[1]).toMatch(/You answered \d+ ❌/);
    expect(sols.every((t) => /Official solution/.test(t) && /boxed/.test(t))).toBe(true);
    expect(await page.$$eval('#p-problems input', (els) => els.every((e) => (e as HTMLInputElement).disabled))).toBe(true);
  });

  test('/check from the page: a problem and written steps in a multi-line box, a verdict per step', async () => {
    const page = await browser.newPage();
    await page.goto(local.url, { waitUntil: 'load' });
    await page.click('#tab-check');
    await page.type('#c-problem', QUESTION);
    await page.type(
      '#c-solution',
      'Step 1: 3 boxes of 12 apples: 3 * 12 = 36.\nStep 2: 36 - 7 = 29 left.\nStep 3: The answer is \\boxed{29}.',
    );
    await page.click('#c-run');
    await page.waitForSelector('body[data-check="done"]', { timeout: 30_000 });
    const steps = await page.$$eval('#c-report li.check-step', (els) =>
      els.map((e) => [e.getAttribute('data-verdict'), e.querySelector('.step-text')?.textContent]),
    );
    expect(steps).toEqual([
      ['looks sound', 'Step 1: 3 boxes of 12 apples: 3 * 12 = 36.'],
      ['looks sound', 'Step 2: 36 - 7 = 29 left.'],
      ['looks sound', 'Step 3: The answer is \\boxed{29}.'],
    ]);
    // this page's toy engine answers 8 or 29 (its first step varies): the comparison says which
    expect(await page.$eval('#c-report', (e) => e.textContent)).toMatch(/Final answer 29 (matches|does not match) my own solve \((8|29)\)/);
    await page.click('#c-solution', { clickCount: 3 });
    await page.$eval('#c-solution', (e) => ((e as HTMLTextAreaElement).value = ''));
    await page.type('#c-solution', 'First 3 + 12 = 15 apples.\n\n15 - 7 = 8, so the answer is \\boxed{8}.');
    await page.click('#c-run');
    await page.waitForSelector('body[data-check="done"] #c-report li.check-step', { timeout: 30_000 });
    expect(await page.$$eval('#c-report li.check-step', (els) => els.map((e) => e.getAttribute('data-verdict')))).toEqual([
      'first weak step',
      expect.any(String),
    ]);
    expect(await page.$eval('#c-report', (e) => e.textContent)).toMatch(/Final answer 8 (matches|does not match) my own solve \((8|29)\)/);
  });

  test('while the models load, the page says so, never "Queued" (nothing is queued)', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = createCore(loadConfig({ STEPWISE_DB: tmpDb(), STEPWISE_STRATEGY: 'beam', STEPWISE_BUDGET: '2' }), {
      engine: async () => (await gate, toyEngine(5)),
      images: fakeImages,
      progressIntervalMs: 50,
      searchOverrides: { candidates: 4 },
      log: () => undefined,
    });
    const srv = await startLocal(slow, { port: 0, log: () => undefined });
    try {
      const page = await browser.newPage();
      await page.goto(srv.url, { waitUntil: 'load' });
      await page.evaluate(() => {
        const seen: string[] = ((window as unknown as { __seen: string[] }).__seen = []);
        const s = document.getElementById('status')!;
        new MutationObserver(() => seen.push(s.textContent ?? '')).observe(s, { childList: true, characterData: true, subtree: true });
      });
      await page.type('#question', 'What is 4 + 4?');
      await page.click('#solve');
      await page.waitForFunction(() => /^Starting the models/.test(document.getElementById('status')?.textContent ?? ''), {
        timeout: 10_000,
      });
      release();
      await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });
      const seen = await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen);
      expect(seen.some((t) => /^Starting the models/.test(t))).toBe(true);
      expect(seen.filter((t) => /queued/i.test(t))).toEqual([]);
    } finally {
      release();
      await srv.close();
      await slow.close();
    }
  });

  test('an empty question gets a friendly message', async () => {
    const res = await fetch(`${local.url}/api/solve`, { method: 'POST', body: JSON.stringify({ question: ' ' }) });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/question is empty/);
  });

  test('first look: the example question as placeholder, a tab icon, no failed requests', async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(local.url, { waitUntil: 'networkidle0' });
    expect(await page.$eval('#question', (e) => e.getAttribute('placeholder'))).toBe(`e.g. ${EXAMPLE_QUESTION}`);
    const icon = await fetch(`${local.url}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await icon.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect(failed).toEqual([]);
  });

  test('a lone solution: a best guess with counts, no box around it, and the models guide as a working link', async () => {
    const { RIGHT } = await import('../../../engine/toy-problem');
    const lone = new ScriptedPolicy((partial) => (partial === '' ? [{ text: RIGHT, weight: 1 }] : toyScript(partial).slice(0, 1)));
    const c = createCore(loadConfig({ STEPWISE_DB: tmpDb(), STEPWISE_STRATEGY: 'mcts', STEPWISE_BUDGET: '4' }), {
      engine: async () => engineFrom(lone, new ScriptedScorer(toyScore), new ToyExecutor()),
      images: new ChromiumImageMaker(),
      progressIntervalMs: 50,
      log: () => undefined,
    });
    const srv = await startLocal(c, { port: 0, log: () => undefined });
    try {
      const page = await browser.newPage();
      await page.goto(srv.url, { waitUntil: 'load' });
      await page.type('#question', QUESTION);
      await page.click('#solve');
      await page.waitForSelector('body[data-state="done"]', { timeout: 30_000 });
      await page.click('#all');
      const text = await page.$eval('#thread', (e) => e.textContent ?? '');
      expect(text).toContain('Best guess (not sure): 29');
      expect(text).toContain('1 of 1 finished solutions');
      expect(text).toContain('only one solution finished, so there was nothing to compare it with');
      expect(text).not.toMatch(/every finished solution agreed|100 ?%/);
      // the closing sentence under "Best guess" is typeset without the box of a checked answer
      const final = await page.$eval('section.final .final', (e) => e.getAttribute('alt') ?? e.textContent ?? '');
      expect(final).toMatch(/29/);
      expect(final).not.toMatch(/boxed|fbox/);
      const href = await page.$eval('#thread p.warn.unsure a', (e) => (e as HTMLAnchorElement).href);
      expect(href).toBe(`${srv.url}/docs/models.md`);
      const doc = await fetch(href);
      expect(doc.status).toBe(200);
      expect(await doc.text()).toMatch(/^# /m);
    } finally {
      await srv.close();
      await c.close();
    }
  });

  test('practice with no problem set: a plain line for the reader, and a Start button that looks disabled', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-sets-'));
    const c = createCore(loadConfig({ STEPWISE_DB: tmpDb() }), {
      engine: async () => toyEngine(5),
      images: fakeImages,
      log: () => undefined,
      practice: { dataDir: empty },
    });
    const srv = await startLocal(c, { port: 0, log: () => undefined });
    try {
      const page = await browser.newPage();
      await page.goto(srv.url, { waitUntil: 'load' });
      await page.click('#tab-practice');
      await page.waitForFunction(() => !document.getElementById('p-none')!.classList.contains('hidden'));
      const line = await page.$eval('#p-none', (e) => e.textContent ?? '');
      expect(line).toMatch(/No practice problems are installed here yet/);
      expect(line).not.toMatch(/\.\/stepwise|STEPWISE_|`|\/[a-z]+\//); // no commands, variables or paths
      const look = await page.evaluate(() => {
        const style = (id: string) => {
          const cs = getComputedStyle(document.getElementById(id)!);
          return { bg: cs.backgroundColor, cursor: cs.cursor };
        };
        return {
          start: style('p-start'),
          disabled: (document.getElementById('p-start') as HTMLButtonElement).disabled,
          solve: style('solve'),
        };
      });
      expect(look.disabled).toBe(true);
      expect(look.start.bg).not.toBe(look.solve.bg); // not the blue of an enabled primary button
      expect(look.start.cursor).toBe('not-allowed');
    } finally {
      await srv.close();
      await c.close();
    }
  });
});
