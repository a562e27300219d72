/**
 * The local page over HTTP without a browser: security headers (CSP with hashed inline script and
 * style, nosniff, frame-ancestors), request bodies that are not JSON objects, and hostile input
 * (issue 16.1) in the HTML response and the JSON it serves.
 */
import { createHash } from 'node:crypto';
import type { BotCore } from '../../src/bots/core/index';
import { PAGE_CSP } from '../../src/bots/local/page';
import { startLocal, threadHtml, type LocalServer } from '../../src/bots/local/server';
import { buildThread } from '../../src/render/thread';
import { fakeImages, noImages } from '../render/helpers';
import { HOSTILE_QUESTION, HREF_QUESTION, hostileResult, liveMarkup } from '../render/hostile';
import { testCore } from './harness';

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
