import { discordMessages, escapeDiscord } from '../../src/render/discord';
import { slackMessages } from '../../src/render/slack';
import { cutLines, splitMessage } from '../../src/render/text';
import { buildThread, threadFromSolutionText } from '../../src/render/thread';
import { discordProblems, fakeImages, noImages, slackProblems, snap, triangleResult } from './helpers';

describe('discord payloads', () => {
  const t = buildThread(triangleResult());
  test('snapshot with images', () => {
    const msgs = discordMessages(t, fakeImages(t));
    expect(snap(msgs)).toMatchSnapshot();
    expect(discordProblems(msgs)).toEqual([]);
  });
  test('snapshot in practice mode (spoilers)', () => {
    const msgs = discordMessages(t, fakeImages(t), { spoiler: true });
    expect(snap(msgs)).toMatchSnapshot();
    expect(msgs[0].content).toContain('**Answer:** ||`4\\sqrt{5}`||');
    expect(msgs[0].files.map((f) => f.name)).toEqual(['question.png', 'SPOILER_answer.png']);
    expect(msgs[msgs.length - 1].files.map((f) => f.name)).toEqual(['SPOILER_final.png']);
    expect(msgs.flatMap((m) => m.content.split('\n')).find((l) => l.startsWith('Output'))).toBe('Output: ||`8.94427190999916`||');
  });
  test('fallback without images: LaTeX source in code, and the thread records why', () => {
    const msgs = discordMessages({ ...t, fallback: 'math images unavailable: chromium not found at /nope' }, noImages());
    expect(snap(msgs)).toMatchSnapshot();
    expect(msgs.every((m) => m.files.length === 0)).toBe(true);
    expect(msgs[0].content).toContain('Math is shown as LaTeX source (math images unavailable: chromium not found at /nope)');
    expect(discordProblems(msgs)).toEqual([]);
  });
  test('long code and output are cut with a marker; long prose is split without breaking fences', () => {
    const code = Array.from({ length: 120 }, (_, i) => `x${i} = ${i} * 2  # ${'c'.repeat(30)}`).join('\n');
    const r = triangleResult();
    r.trajectory = [
      { text: `<code>\n# Step 1: ${'A long explanation. '.repeat(200)}\n${code}\n<end_of_step>`, kind: 'code', valid: true, terminal: false },
      { text: `\n# Step 2: print\nprint(1)\n<end_of_code>`, kind: 'code_end', valid: true, terminal: false, observation: { ok: true, output: Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n'), timedOut: false } },
    ];
    const tt = buildThread(r);
    const msgs = discordMessages(tt, noImages());
    expect(discordProblems(msgs)).toEqual([]);
    const all = msgs.map((m) => m.content).join('\n');
    expect(all).toMatch(/… \(\d+ more lines\)\n```/);
    expect(all).toContain('… (35 more lines)');
    expect(msgs.length).toBeGreaterThan(4);
  });
  test("the model's notice for readers goes under the answer, escaped", () => {
    const withNotice = buildThread(triangleResult({ models: { policy: 'p', scorer: null, notice: 'Small *demo* model: often wrong on competition problems.' } }));
    expect(withNotice.notice).toBe('Small *demo* model: often wrong on competition problems.');
    const head = discordMessages(withNotice, fakeImages(withNotice))[0]!.content;
    expect(head).toContain('-# ⓘ Small \\*demo\\* model: often wrong on competition problems.');
    expect(head.indexOf('ⓘ')).toBeGreaterThan(head.indexOf('**Answer:**'));
    const slackHead = JSON.stringify(slackMessages(withNotice, fakeImages(withNotice))[0]);
    expect(slackHead).toContain('ⓘ Small *demo* model: often wrong on competition problems.');
    // no notice, no line
    expect(discordMessages(t, fakeImages(t))[0]!.content).not.toContain('ⓘ');
  });
  test('markdown and mentions in prose are escaped', () => {
    expect(escapeDiscord('a*b*c @everyone # title')).toBe('a\\*b\\*c @\u200beveryone # title');
    expect(escapeDiscord('# heading')).toBe('\\# heading');
  });
});

describe('slack payloads', () => {
  const t = buildThread(triangleResult());
  test('snapshot with images (uploads into the thread)', () => {
    const msgs = slackMessages(t, fakeImages(t));
    expect(snap(msgs)).toMatchSnapshot();
    expect(msgs[0].type).toBe('post');
    expect(slackProblems(msgs)).toEqual([]);
  });
  test('snapshot in practice mode (reveal button, no answer image)', () => {
    const msgs = slackMessages(t, fakeImages(t), { spoiler: true });
    expect(snap(msgs)).toMatchSnapshot();
    const files = msgs.flatMap((m) => (m.type === 'upload' ? m.files.map((f) => f.filename) : []));
    expect(files).not.toContain('answer.png');
    expect(files).not.toContain('final.png');
    expect(JSON.stringify(msgs)).toContain('stepwise_reveal_answer');
  });
  test('escapes <, > and & and stays within limits for huge steps', () => {
    const tt = threadFromSolutionText('Is 1 < 2 & 3 > 2?', `${'Some <b> text & more. '.repeat(900)}\n\nSo $\\boxed{1}$.`);
    const msgs = slackMessages(tt, noImages());
    expect(slackProblems(msgs)).toEqual([]);
    expect(JSON.stringify(msgs)).not.toContain('<b>');
  });
});

describe('text helpers', () => {
  test('cutLines marks what it cut', () => {
    expect(cutLines('a\nb\nc\nd', 2, 100)).toBe('a\nb\n… (2 more lines)');
    expect(cutLines('x'.repeat(100), 5, 50)).toMatch(/… \(90 more characters\)$/);
  });
  test('splitMessage never breaks a fence', () => {
    const text = `intro\n\`\`\`python\n${Array.from({ length: 300 }, (_, i) => `line_${i} = ${i}`).join('\n')}\n\`\`\`\noutro`;
    const chunks = splitMessage(text, 500);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(500);
      expect((c.match(/```/g) ?? []).length % 2).toBe(0);
    }
    expect(chunks.join('\n').replace(/\n```\n```python/g, '')).toBe(text);
  });
});
