/** Issue 16.1: hostile LaTeX / HTML / markdown in a question or a model step reaches no output live. */
import { discordMessages } from '../../src/render/discord';
import { pageHtml } from '../../src/render/images';
import { KATEX_SAFE_OPTIONS, blockHtml, checkTex, classifyBlock } from '../../src/render/latex';
import { slackMessages } from '../../src/render/slack';
import { buildThread } from '../../src/render/thread';
import { threadBlocks } from '../../src/render';
import { discordProblems, fakeImages, noImages, slackProblems } from './helpers';
import { HOSTILE_QUESTION, HREF_QUESTION, discordLive, hostileResult, liveMarkup, slackLive } from './hostile';

describe('hostile input: the PNG page (what the image service screenshots)', () => {
  test('KaTeX runs with trust off, and link / HTML commands are refused outright', () => {
    expect(KATEX_SAFE_OPTIONS.trust).toBe(false);
    for (const tex of [
      '\\href{javascript:alert(1)}{x}',
      '\\url{javascript:alert(1)}',
      '\\htmlClass{x}{y}',
      '\\htmlData{a=b}{y}',
      '\\includegraphics{http://x/y.png}',
    ])
      expect(checkTex(tex, false)).toEqual({
        ok: false,
        reason: expect.stringMatching(/is not allowed \(links, HTML and external files are disabled\)/),
      });
  });

  test('every image block of a hostile thread is escaped text plus KaTeX markup, with no live element', () => {
    for (const q of [HOSTILE_QUESTION, HREF_QUESTION]) {
      const t = buildThread(hostileResult(q));
      const images = threadBlocks(t).filter((b) => b.mode === 'image');
      expect(images.length).toBeGreaterThan(0);
      for (const b of images) {
        const html = blockHtml(b)!;
        expect(html).not.toBeNull();
        expect(liveMarkup(html, { allowStyle: true })).toEqual([]);
        expect(html).not.toMatch(/<(script|img|svg onload)\b/i);
      }
    }
    // the attack text is still there for the reader, as text
    const q = blockHtml(classifyBlock('question', HOSTILE_QUESTION))!;
    expect(q).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(q).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(q).toContain('&quot;q&quot; &#39;s&#39;');
  });

  test('a block with \\href or \\url is refused: no image, so it never reaches the page', () => {
    const b = classifyBlock('question', HREF_QUESTION);
    expect(b.mode).toBe('refused');
    expect(b.refusals.join('\n')).toMatch(/\\href is not allowed/);
    expect(b.refusals.join('\n')).toMatch(/\\url is not allowed/);
  });

  test('the page itself forbids scripts and every load except inline styles and data: fonts', () => {
    const page = pageHtml();
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(page)?.[1];
    expect(csp).toBe("default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:");
    expect(page).not.toMatch(/<script/i);
  });
});

describe('hostile input: Discord and Slack payloads', () => {
  const cases = [
    ['typeset question', HOSTILE_QUESTION],
    ['refused question (\\href)', HREF_QUESTION],
  ] as const;

  test.each(cases)('Discord, %s: no masked or javascript: link, no mention, no live markup', (_name, q) => {
    const t = buildThread(hostileResult(q));
    for (const [images, spoiler] of [
      [fakeImages(t), false],
      [noImages(), false],
      [fakeImages(t), true],
    ] as const) {
      const msgs = discordMessages(t, images, { spoiler });
      expect(discordLive(msgs)).toEqual([]);
      expect(discordProblems(msgs)).toEqual([]);
    }
    const all = discordMessages(t, noImages())
      .map((m) => m.content)
      .join('\n');
    // escaped, still readable: Discord shows `\[x\]` as `[x]`
    expect(all).toContain('\\[x\\](javascript:alert(21))');
    expect(all).toContain('**Answer:** \\[w\\](javascript:alert(28))\\<script>');
  });

  test.each(cases)('Slack, %s: <, > and & escaped in every mrkdwn text, code included', (_name, q) => {
    const t = buildThread(hostileResult(q));
    for (const [images, spoiler] of [
      [fakeImages(t), false],
      [noImages(), false],
      [fakeImages(t), true],
    ] as const) {
      const msgs = slackMessages(t, images, { spoiler });
      expect(slackLive(msgs)).toEqual([]);
      expect(slackProblems(msgs)).toEqual([]);
    }
    const all = JSON.stringify(slackMessages(t, noImages()));
    expect(all).toContain('&lt;javascript:alert(12)|x&gt;');
    expect(all).not.toContain('<javascript:');
  });

  test('Slack: LaTeX source shown as code (refused formulas) is escaped too', () => {
    const t = buildThread(hostileResult('Is $\\href{javascript:x}{<https://evil.example|bank>}$ & $\\frac{a<b}{c}$ ok?'));
    const msgs = slackMessages(t, noImages());
    expect(slackLive(msgs)).toEqual([]);
    expect(JSON.stringify(msgs)).toContain('&lt;https://evil.example|bank&gt;');
  });
});
