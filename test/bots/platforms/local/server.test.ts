/**
 * The local page over HTTP without a browser: security headers (CSP with hashed inline script and
 * style, nosniff, frame-ancestors), request bodies that are not JSON objects, and hostile input
 * (issue 16.1) in the HTML response and the JSON it serves.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BotCore } from '../../../../src/bots/compose';
import { PAGE_CSP } from '../../../../src/bots/platforms/local/page';
import { startLocal, threadHtml, type LocalServer } from '../../../../src/bots/platforms/local/server';
import { buildThread } from '../../../../src/render/thread';
import { fakeImages, noImages } from '../../../render/helpers';
import { HOSTILE_QUESTION, HREF_QUESTION, hostileResult, liveMarkup } from '../../../render/hostile';
import { testCore, toyEngine } from '../../harness';
import { practiceCore } from '../../features/practice/harness';
import { QUESTION } from '../../../engine/toy-problem';

jest.setTimeout(30_000);

let core: BotCore;
let local: LocalServer;

beforeAll(async () => {
  core = testCore({ STEPWISE_STRATEGY: 'beam', STEPWISE_BUDGET: '2' });
  local = await startLocal(core, { port: 0, log: () => undefined });
});

afterAll(async () => {
  await local?.close();
  await core?.close();
});

const post = (body: string) => fetch(`${local.url}/api/solve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

async function waitDone(id: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const j = (await (await fetch(`${local.url}/api/jobs/${id}`)).json()) as Record<string, unknown>;
    if (j.status === 'done' || j.status === 'failed') return j;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('job did not finish');
}

const sha = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

describe('local page headers', () => {
  test('the page: strict CSP whose hashes are exactly its inline script and style; nosniff; never framed', async () => {
    const res = await fetch(local.url);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toBe(PAGE_CSP);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]);
    expect(scripts).toHaveLength(1);
    expect(styles).toHaveLength(1);
    expect(csp).toContain(`script-src ${sha(scripts[0])}`);
    expect(csp).toContain(`style-src ${sha(styles[0])}`);
    // nothing the CSP would block: no inline handlers, no style attributes, no external loads
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/<script[^>]*\ssrc=|<link\b/i);
  });

  test('JSON responses: nosniff and a CSP that loads nothing', async () => {
    const res = await fetch(`${local.url}/api/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });
});

describe('request bodies that are not a JSON object get a 400 with a clear message', () => {
  test.each([
    ['null', 'null'],
    ['[1, 2]', 'an array'],
    ['[]', 'an array'],
    ['42', 'a number'],
    ['"What is 2+2?"', 'a string'],
    ['true', 'a boolean'],
  ])('%s', async (body, kind) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((await res.json()).error).toBe(`Bad request: expected a JSON object like {"question": "…"}, got ${kind}.`);
  });

  test.each(['{', '{"question": ', 'question=1+1', '\u0000'])('malformed JSON %j', async (body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('Bad request: the body is not valid JSON; send an object like {"question": "…"}.');
  });

  test('a JSON object still works', async () => {
    const res = await post(JSON.stringify({ question: 'Tom has 3 boxes of 12 apples and gives 7 away. How many apples are left?' }));
    expect(res.status).toBe(202);
    expect((await res.json()).id).toEqual(expect.any(String));
  });
});

describe('hostile input on the local page (issue 16.1)', () => {
  const isOurImage = (src: string) => /^\/img\/[\w-]+\/[\w.-]+\.png$/.test(src);

  test.each([HOSTILE_QUESTION, HREF_QUESTION])('a hostile question: the served thread HTML has no live markup (%#)', async (question) => {
    const res = await post(JSON.stringify({ question }));
    expect(res.status).toBe(202);
    const j = await waitDone(((await res.json()) as { id: string }).id);
    expect(j.status).toBe('done');
    const html = j.html as string;
    expect(liveMarkup(html, { allowImg: isOurImage })).toEqual([]);
    expect(html).not.toMatch(/<script/i);
    // the question is still shown, as text (or as a typeset image with escaped alt text)
    expect(html).toMatch(/&lt;script&gt;|&lt;b onmouseover=alert\(9\)&gt;|<img class="question"/);
    // the JSON carries the question as data (the page only ever sets it as text)
    expect(j.question).toBe(question);
  });

  test('hostile model steps, output, answer and alternatives: escaped in threadHtml, with or without images', () => {
    for (const q of [HOSTILE_QUESTION, HREF_QUESTION]) {
      const r = hostileResult(q);
      const t = buildThread(r);
      for (const images of [fakeImages(t), noImages()]) {
        const html = threadHtml(t, images, r, 'job-1');
        expect(liveMarkup(html, { allowImg: isOurImage })).toEqual([]);
        expect(html).toContain('&lt;script&gt;alert(11)&lt;/script&gt;');
        expect(html).toContain('&lt;img src=x onerror=alert(29)&gt;');
      }
    }
  });
});

describe('the budget limit is the same on the page and the server (issue 18)', () => {
  test('/api/config sends the server limit and its message; 65 is refused with it, 64 is accepted', async () => {
    const c = (await (await fetch(`${local.url}/api/config`)).json()) as { maxBudget: number; budgetMessage: string };
    expect(c.maxBudget).toBe(core.config.maxBudget);
    expect(c.maxBudget).toBe(64);
    expect(c.budgetMessage).toBe('The budget must be a whole number from 1 to 64.');
    const over = await post(JSON.stringify({ question: 'What is 2 + 3?', budget: c.maxBudget + 1 }));
    expect(over.status).toBe(400);
    expect((await over.json()).error).toBe(c.budgetMessage);
    const top = await post(JSON.stringify({ question: 'What is 2 + 5?', budget: String(c.maxBudget) }));
    expect(top.status).toBe(202);
    const j = await waitDone(((await top.json()) as { id: string }).id);
    expect(j.budget).toBe(64);
  });
});

describe('"Solve again": a fresh search past the answer cache (issue 18)', () => {
  test('the same question is answered from the cache, but fresh: true starts a new search', async () => {
    const question = 'Tom has 3 boxes of 12 apples and gives 7 away. How many apples are left now?';
    const first = (await (await post(JSON.stringify({ question }))).json()) as { id: string; cached: boolean };
    expect(first.cached).toBe(false);
    await waitDone(first.id);
    const again = (await (await post(JSON.stringify({ question }))).json()) as { id: string; cached: boolean };
    expect(again.cached).toBe(true);
    expect(core.service.startOrder).not.toContain(again.id);
    const fresh = await post(JSON.stringify({ question, fresh: true }));
    expect(fresh.status).toBe(202);
    const f = (await fresh.json()) as { id: string; cached: boolean };
    expect(f.cached).toBe(false);
    expect(f.id).not.toBe(first.id);
    const done = await waitDone(f.id);
    expect(done.status).toBe('done');
    expect(done.cached).toBe(false);
    expect(core.service.startOrder).toContain(f.id); // a search really ran
  });

  test.each([['"yes"'], ['1'], ['null']])('fresh must be true or false (%s is refused)', async (v) => {
    const res = await post(`{"question": "What is 2 + 2?", "fresh": ${v}}`);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('Bad request: "fresh" must be true or false.');
  });
});

describe('the state shown while nothing is queued (issue 18)', () => {
  test('while the models load, the job says so (not "Queued"); then it is solved', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = testCore({ STEPWISE_STRATEGY: 'beam', STEPWISE_BUDGET: '2' }, { engine: async () => (await gate, toyEngine(5)) });
    const srv = await startLocal(slow, { port: 0, log: () => undefined });
    try {
      const res = await fetch(`${srv.url}/api/solve`, { method: 'POST', body: JSON.stringify({ question: 'What is 4 + 4?' }) });
      const { id } = (await res.json()) as { id: string };
      const j = (await (await fetch(`${srv.url}/api/jobs/${id}`)).json()) as { status: string; progress: string };
      expect(j.status).toBe('queued');
      expect(j.progress).toMatch(/^Starting the models/);
      expect(j.progress).not.toMatch(/queued/i);
      release();
      for (let i = 0; i < 200; i++) {
        const k = (await (await fetch(`${srv.url}/api/jobs/${id}`)).json()) as { status: string };
        if (k.status === 'done') break;
        await new Promise((r) => setTimeout(r, 30));
      }
      expect(((await (await fetch(`${srv.url}/api/jobs/${id}`)).json()) as { status: string }).status).toBe('done');
    } finally {
      release();
      await srv.close();
      await slow.close();
    }
  });
});

describe('practice and /check over the local API (issue 18)', () => {
  let pcore: BotCore;
  let psrv: LocalServer;
  const player = 'httptestplayer01';
  const api = async (p: string, body?: unknown) => {
    const res = await fetch(`${psrv.url}${p}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    return { status: res.status, j: (await res.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    pcore = practiceCore();
    psrv = await startLocal(pcore, { port: 0, log: () => undefined });
  });
  afterAll(async () => {
    await psrv?.close();
    await pcore?.close();
  });

  test('the sets of the bank are listed; a session is started, answered, hinted, ended and scored', async () => {
    const sets = await api('/api/practice/sets');
    expect(sets.j.sets.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['aime', 'aime2024', 'amc23']));
    expect(sets.j.message).toBeNull();
    const start = await api('/api/practice/start', { player, set: 'aime2024', count: 2, minutes: 5 });
    expect(start.status).toBe(201);
    const s = start.j;
    expect(s.title).toBe('AIME 2024');
    expect(s.problems).toHaveLength(2);
    // no spoilers while it runs
    expect(s.problems.every((p: { answer: unknown }) => p.answer === null)).toBe(true);
    const gold = pcore.practice.getSession(s.id)!.problems.map((p) => p.answer);
    // a second start while this one runs is refused and points back at it
    const twice = await api('/api/practice/start', { player, set: 'aime2024' });
    expect(twice.status).toBe(409);
    expect(twice.j.session).toBe(s.id);
    expect((await api('/api/practice/answer', { player, session: s.id, n: 1, value: gold[0] })).j.text).toMatch(/^✅ .*problem 1 solved/);
    expect((await api('/api/practice/answer', { player, session: s.id, n: 2, value: 'lots' })).j.text).toMatch(
      /AIME answers are whole numbers/,
    );
    expect(
      (await api('/api/practice/answer', { player, session: s.id, n: 2, value: String((Number(gold[1]) + 1) % 1000) })).j.text,
    ).toMatch(/^❌/);
    // another browser cannot answer in this session
    expect((await api('/api/practice/answer', { player: 'someoneelse00000', session: s.id, n: 2, value: gold[1] })).status).toBe(404);
    // a hint on problem 2: the next step of the bot's own solution (once that solution is ready)
    let hint = await api('/api/practice/hint', { player, session: s.id, n: 2 });
    for (let i = 0; i < 100 && !hint.j.ok; i++) {
      expect(hint.j.text).toMatch(/still working out|No points were taken/);
      await new Promise((r) => setTimeout(r, 50));
      hint = await api('/api/practice/hint', { player, session: s.id, n: 2 });
    }
    expect(hint.j.text).toMatch(/^Hint 1 of \d+ for problem 2 \(−3 points/);
    expect((await api(`/api/practice/sessions/${s.id}?player=${player}`)).j.problems[1].hints).toBe(1);
    const ended = await api('/api/practice/end', { player, session: s.id });
    expect(ended.j.status).toBe('ended');
    expect(ended.j.results.you).toEqual({ points: 7, solved: 1, attempts: 2, hints: 1 });
    expect(ended.j.problems.map((p: { answer: string }) => p.answer)).toEqual(gold);
    // the solutions: official ones for this set
    let view = ended.j;
    for (let i = 0; i < 100 && !view.revealed; i++) {
      await new Promise((r) => setTimeout(r, 50));
      view = (await api(`/api/practice/sessions/${s.id}?player=${player}`)).j;
    }
    expect(view.revealed).toBe(true);
    expect(view.results.solutions.map((v: { kind: string }) => v.kind)).toEqual(['official', 'official']);
    expect(view.results.solutions[0].text).toMatch(/boxed/);
  });

  test('with no set installed, the page gets a plain line for readers and the how-to for operators apart', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-sets-'));
    const c = practiceCore({ practice: { dataDir: empty } });
    const srv = await startLocal(c, { port: 0, log: () => undefined });
    try {
      const j = (await (await fetch(`${srv.url}/api/practice/sets`)).json()) as { sets: unknown[]; message: string; operatorHint: string };
      expect(j.sets).toEqual([]);
      expect(j.message).toMatch(/^No practice problems are installed here yet/);
      expect(j.message).not.toMatch(/stepwise data fetch|STEPWISE_|\//);
      expect(j.operatorHint).toMatch(/\.\/stepwise data fetch aime2024.*STEPWISE_PRACTICE_FILES/);
      const start = await fetch(`${srv.url}/api/practice/start`, { method: 'POST', body: JSON.stringify({ player }) });
      expect(start.status).toBe(400);
      expect(((await start.json()) as { error: string }).error).toMatch(/not installed.*stepwise data fetch/);
    } finally {
      await srv.close();
      await c.close();
    }
  });

  test('/check: each step gets a verdict; a wrong first step is the first weak one', async () => {
    const right = await api('/api/check', {
      player,
      problem: QUESTION,
      solution: 'Step 1: 3 boxes of 12 apples: 3 * 12 = 36.\nStep 2: 36 - 7 = 29 left.\nStep 3: The answer is \\boxed{29}.',
    });
    expect(right.status).toBe(200);
    expect(right.j.steps.map((s: { n: number }) => s.n)).toEqual([1, 2, 3]);
    expect(right.j.steps.every((s: { verdict: string; score: number }) => s.verdict === 'looks sound' && typeof s.score === 'number')).toBe(
      true,
    );
    expect(right.j.matchesBot).toBe(true);
    expect(right.j.botAnswer).toBe('29');
    const wrong = await api('/api/check', {
      player,
      problem: QUESTION,
      solution: 'First 3 + 12 = 15 apples.\n\n15 - 7 = 8, so the answer is \\boxed{8}.',
    });
    expect(wrong.j.steps[0].verdict).toBe('first weak step');
    expect(wrong.j.matchesBot).toBe(false);
    const none = await api('/api/check', { player, problem: QUESTION, solution: '  ' });
    expect(none.status).toBe(400);
    expect(none.j.error).toMatch(/Give your solution/);
    for (const body of ['[]', '"x"', 'null']) {
      const res = await fetch(`${psrv.url}/api/check`, { method: 'POST', body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^Bad request: expected a JSON object/);
    }
    const res = await fetch(`${psrv.url}/api/practice/start`, { method: 'POST', body: '[1]' });
    expect(res.status).toBe(400);
  });
});
