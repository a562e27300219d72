/**
 * Real KaTeX → PNG renders through Debian's chromium: one shared browser for the whole file.
 * Skipped (except the missing-browser fallback) where /usr/bin/chromium is absent.
 */
import { execFileSync } from 'node:child_process';
import { PNG } from 'pngjs';
import { IMAGE_WIDTH, MathImageRenderer } from '../../src/render/images';
import { renderThread, renderThreadModel } from '../../src/render';
import { classifyBlock } from '../../src/render/latex';
import { threadFromSolutionText } from '../../src/render/thread';
import { CHROMIUM_AVAILABLE, discordProblems, triangleResult } from './helpers';

function inspect(png: Buffer) {
  const img = PNG.sync.read(png);
  let dark = 0;
  let transparent = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    const [r, g, b, a] = [img.data[i], img.data[i + 1], img.data[i + 2], img.data[i + 3]];
    if (a < 255) transparent++;
    if (r + g + b < 200) dark++;
  }
  const corner = Array.from(img.data.subarray(0, 4));
  return { width: img.width, height: img.height, dark, transparent, corner };
}

const logs: string[] = [];
const describeChromium = CHROMIUM_AVAILABLE ? describe : describe.skip;

describeChromium('MathImageRenderer with chromium', () => {
  const renderer = new MathImageRenderer({ log: (m) => logs.push(m) });
  afterAll(() => renderer.close());

  test('prose with inline and display math becomes one opaque 2x PNG at the fixed width, cropped in height', async () => {
    const block = classifyBlock('step-01', 'By Pythagoras $h^2 + 8^2 = 12^2$, so $$h = \\sqrt{144 - 64} = 4\\sqrt{5}.$$');
    expect(block.mode).toBe('image');
    const o = await renderer.renderBlock(block);
    if (!o.ok) throw new Error(o.reason);
    const info = inspect(o.image.png);
    expect([info.width, info.height]).toEqual([o.image.width, o.image.height]);
    expect(info.width % 2).toBe(0);
    expect(info.width).toBe(IMAGE_WIDTH * 2);
    expect(info.height).toBeGreaterThan(80);
    expect(info.height).toBeLessThan(600);
    expect(info.transparent).toBe(0);
    expect(info.corner).toEqual([255, 255, 255, 255]);
    expect(info.dark).toBeGreaterThan(500);
    expect(o.image.cached).toBe(false);
  });

  test('the cache answers a repeated block by content hash', async () => {
    const a = await renderer.renderTex('\\int_0^1 x^2\\,dx = \\frac13');
    const b = await renderer.renderTex('\\int_0^1 x^2\\,dx = \\frac13');
    if (!a.ok || !b.ok) throw new Error('render failed');
    expect(b.image.cached).toBe(true);
    expect(b.image.hash).toBe(a.image.hash);
    expect(b.image.png.equals(a.image.png)).toBe(true);
  });

  test('concurrent renders are serialised and all succeed', async () => {
    const outs = await Promise.all(Array.from({ length: 6 }, (_, i) => renderer.renderTex(`\\frac{${i}}{${i + 1}}`)));
    expect(outs.every((o) => o.ok)).toBe(true);
  });

  test('CJK and emoji: fonts are installed and the text renders (no tofu fonts missing)', async () => {
    const fonts = execFileSync('fc-list', [':', 'family'], { encoding: 'utf8' });
    expect(fonts).toMatch(/Noto Sans CJK/);
    expect(fonts).toMatch(/Noto Color Emoji/);
    const o = await renderer.renderBlock(classifyBlock('q', '三角形 $x^2$ の面積は？ 😀'));
    if (!o.ok) throw new Error(o.reason);
    const img = PNG.sync.read(o.image.png);
    let colored = 0; // the emoji is in colour: pixels where channels differ a lot
    for (let i = 0; i < img.data.length; i += 4) if (Math.abs(img.data[i] - img.data[i + 2]) > 80) colored++;
    expect(colored).toBeGreaterThan(50);
  });

  test('renderThread end to end: Discord payloads carry decodable PNGs', async () => {
    const msgs = await renderThread(triangleResult(), { platform: 'discord', images: renderer });
    expect(discordProblems(msgs)).toEqual([]);
    const files = msgs.flatMap((m) => m.files);
    // the question, explanation and answer read well as text; the step's working is typeset
    expect(files.map((f) => f.name)).toEqual(['step-01-work.png']);
    for (const f of files) expect(inspect(f.data).dark).toBeGreaterThan(50);
    const slack = await renderThread(triangleResult(), { platform: 'slack', images: renderer, spoiler: true });
    expect(slack.flatMap((m) => m.files.map((f) => f.filename))).toEqual(['question.png', 'step-01.png']);
  });

  test('every image of a thread has the same width, so its text shows at the same size', async () => {
    const wide = Array.from({ length: 30 }, (_, i) => `a_{${i}}`).join(' + ');
    const solution = [
      '<code>',
      `# Step 1: First, $$S = ${wide} = \\sum_{i=0}^{29} a_i$$`,
      'n = 10',
      '<end_of_step>',
      '',
      '# Step 2: Short: $\\int_0^1 x\\,dx$',
      'total = n * (n + 1) // 2',
      'print(total)',
      '<end_of_code>',
      '<output>55<end_of_output>',
      '<answer>So $\\sum_{k=1}^{10} k = \\boxed{55}$.<end_of_answer>',
    ].join('\n');
    const t = threadFromSolutionText('Show that $\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$ and find it for $n = 10$.', solution, {
      mergeBookkeeping: false,
    });
    const msgs = await renderThreadModel(t, { platform: 'discord', images: renderer });
    expect(discordProblems(msgs)).toEqual([]);
    const files = msgs.flatMap((m) => m.files);
    expect(files.length).toBeGreaterThanOrEqual(4);
    const widths = files.map((f) => inspect(f.data).width);
    expect(new Set(widths)).toEqual(new Set([IMAGE_WIDTH * 2]));
    for (const f of files) {
      expect(inspect(f.data).dark).toBeGreaterThan(50);
      expect(f.data.length).toBeLessThan(120_000); // small enough to post quickly
    }
    // the wide formula was scaled down to fit, not cut or refused: its image is short but full of ink
    const heights = files.map((f) => inspect(f.data).height);
    expect(Math.max(...heights)).toBeLessThan(600);
  });

  test('a formula far too wide to read when scaled is refused (then shown as source)', async () => {
    const huge = Array.from({ length: 200 }, (_, i) => `x_{${i}}`).join('+');
    const o = await renderer.renderTex(huge);
    expect(o.ok).toBe(false);
    if (!o.ok) expect(o.reason).toMatch(/too wide/);
  });

  test('a crashed chromium is relaunched once; a second crash falls back to LaTeX source', async () => {
    process.kill(renderer.browserPid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const again = await renderer.renderTex('a^2+b^2=c^2');
    expect(again.ok).toBe(true);
    expect(logs.join('\n')).toMatch(/relaunching once/);
    process.kill(renderer.browserPid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const dead = await renderer.renderTex('e^{i\\pi}+1=0');
    expect(dead.ok).toBe(false);
    expect(renderer.fallbackReason).toMatch(/^math images unavailable: /);
    const t = threadFromSolutionText('Find $x^2$ when $x = 3$.', 'We have $x^2 = \\boxed{9}$.');
    const msgs = await renderThreadModel(t, { platform: 'discord', images: renderer });
    expect(msgs.flatMap((m) => m.files)).toEqual([]);
    expect(msgs[0].content).toMatch(/Math that needs typesetting is shown as LaTeX source \(math images unavailable/);
    expect(msgs.map((m) => m.content).join('\n')).toContain('x²');
  });
});

test('a missing chromium falls back to LaTeX source and says why', async () => {
  const log: string[] = [];
  const r = new MathImageRenderer({ executablePath: '/nonexistent/chromium', log: (m) => log.push(m) });
  const o = await r.renderBlock(classifyBlock('x', 'so $\\frac{1}{2}$'));
  expect(o).toEqual({ ok: false, reason: 'math images unavailable: chromium not found at /nonexistent/chromium' });
  expect(log.join('\n')).toMatch(/falling back to LaTeX source in code blocks/);
  const msgs = await renderThread(triangleResult(), { platform: 'discord', images: r });
  expect(msgs.flatMap((m) => m.files)).toEqual([]);
  expect(msgs[0].content).toContain('chromium not found at /nonexistent/chromium');
  await r.close();
});
