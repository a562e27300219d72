import { SPOILER_DESCRIPTION, discordMessages, escapeDiscord } from '../../src/render/discord';
import { escapeSlack, resolveSlackFiles, slackBlocksAsText, slackFileRef, slackMessages } from '../../src/render/slack';
import { cutLines, splitMessage } from '../../src/render/text';
import type { Step } from '../../src/engine/search/types';
import { withParts } from '../../src/engine/steps/format';
import { buildThread, threadFromSolutionText } from '../../src/render/thread';
import type { DiscordMessage, SlackMessage } from '../../src/render/types';
import { discordProblems, fakeImages, noImages, slackProblems, slackSeen, snap, triangleResult } from './helpers';

/** A thread whose math partly needs typesetting (∑ with limits), with a step that prints the answer. */
const SUM_QUESTION = 'Compute $\\sum_{k=1}^{3} k^2$, the sum of the first three squares.';
const SUM_SOLUTION = [
  '<code>',
  '# Step 1: The sum $\\sum_{k=1}^{3} k^2$ adds the squares $1^2 + 2^2 + 3^2$',
  'squares = [k**2 for k in range(1, 4)]',
  '<end_of_step>',
  '',
  '# Step 2: Add them up: $\\frac{3 \\cdot 4 \\cdot 7}{6}$ is the same',
  'total = sum(squares)',
  'print(total)',
  '<end_of_code>',
  '<output>14<end_of_output>',
  '<answer>So $\\sum_{k=1}^{3} k^2 = \\boxed{14}$.<end_of_answer>',
].join('\n');

/** Index in a step's messages of the first message with code. */
const codeAt = (msgs: DiscordMessage[]) => msgs.findIndex((m) => m.content.includes('```python'));

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
    expect(msgs[0].content).toContain('**Answer:** ||4√5||');
    // the closing prose names the answer: behind bars
    expect(msgs[msgs.length - 1].content).toContain('||From the result, we can see that the length of the median XM is 4√5.||');
    expect(msgs.flatMap((m) => m.files).every((f) => f.name.startsWith('SPOILER_') || f.name === 'question.png')).toBe(true);
    expect(msgs.flatMap((m) => m.content.split('\n')).find((l) => l.startsWith('Output'))).toBe('Output: ||`8.94427190999916`||');
  });
  test('fallback without images: LaTeX source in code, and the thread records why', () => {
    const msgs = discordMessages({ ...t, fallback: 'math images unavailable: chromium not found at /nope' }, noImages());
    expect(snap(msgs)).toMatchSnapshot();
    expect(msgs.every((m) => m.files.length === 0)).toBe(true);
    expect(msgs[0].content).toContain(
      'Math that needs typesetting is shown as LaTeX source (math images unavailable: chromium not found at /nope)',
    );
    expect(discordProblems(msgs)).toEqual([]);
  });
  test('long code and output are cut with a marker; long prose is split without breaking fences', () => {
    const code = Array.from({ length: 120 }, (_, i) => `x${i} = ${i} * 2  # ${'c'.repeat(30)}`).join('\n');
    const r = triangleResult();
    r.trajectory = (
      [
        {
          text: `<code>\n# Step 1: ${'A long explanation. '.repeat(200)}\n${code}\n<end_of_step>`,
          kind: 'code',
          valid: true,
          terminal: false,
        },
        {
          text: `\n# Step 2: print\nprint(1)\n<end_of_code>`,
          kind: 'code_end',
          valid: true,
          terminal: false,
          observation: { ok: true, output: Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n'), timedOut: false },
        },
      ] as Omit<Step, 'parts'>[]
    ).map(withParts);
    const tt = buildThread(r);
    const msgs = discordMessages(tt, noImages());
    expect(discordProblems(msgs)).toEqual([]);
    const all = msgs.map((m) => m.content).join('\n');
    expect(all).toMatch(/… \(\d+ more lines\)\n```/);
    expect(all).toContain('… (35 more lines)');
    expect(msgs.length).toBeGreaterThan(4);
  });
  test("the model's notice for readers goes under the answer, escaped", () => {
    const withNotice = buildThread(
      triangleResult({ models: { policy: 'p', scorer: null, notice: 'Small *demo* model: often wrong on competition problems.' } }),
    );
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

describe('what a Discord reader sees', () => {
  const tri = buildThread(triangleResult());
  const sum = threadFromSolutionText(SUM_QUESTION, SUM_SOLUTION, { mergeBookkeeping: false });

  test('each step reads top to bottom: label, explanation as text, code, output, then the working image', () => {
    const msgs = discordMessages(tri, fakeImages(tri));
    const stepMsg = msgs.find((m) => m.content.startsWith('**Steps 1–3**'))!;
    const c = stepMsg.content;
    const order = ['**Steps 1–3**', 'Define the lengths', 'XM = ½√(2XY² + 2XZ² − YZ²)', '```python', 'Output: `8.94427190999916`'].map(
      (x) => c.indexOf(x),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(c).not.toContain('\\frac');
    // the only attachment is the working, shown under the output
    expect(stepMsg.files.map((f) => f.name)).toEqual(['step-01-work.png']);
  });

  test('an explanation that needs its image is posted before the code, as a message of its own', () => {
    const msgs = discordMessages(sum, fakeImages(sum));
    const label = msgs.findIndex((m) => m.content.startsWith('**Step 1**'));
    expect(msgs[label].content).toBe('**Step 1**');
    expect(msgs[label].files.map((f) => f.name)).toEqual(['step-01.png']);
    expect(msgs[label + 1].content).toMatch(/^```python\nsquares = /);
    expect(label + 1).toBe(codeAt(msgs));
    // step 2 reads as text: one message, explanation first
    const two = msgs.find((m) => m.content.startsWith('**Step 2**'))!;
    expect(two.content).toMatch(/^\*\*Step 2\*\* · Add them up: \(3 · 4 · 7\)\/6 is the same\n```python/);
  });

  test('alt text is readable, never raw LaTeX; in practice mode it stays neutral', () => {
    for (const t of [tri, sum]) {
      const files = discordMessages(t, fakeImages(t)).flatMap((m) => m.files);
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        expect(f.description).toBeTruthy();
        expect(f.description).not.toMatch(/\\[A-Za-z]|\$/);
      }
    }
    const descs = discordMessages(sum, fakeImages(sum)).flatMap((m) => m.files.map((f) => f.description));
    expect(descs).toContain('The sum ∑_(k=1)^3 k² adds the squares 1² + 2² + 3²');
    const hidden = discordMessages(sum, fakeImages(sum), { spoiler: true }).flatMap((m) => m.files);
    for (const f of hidden.filter((x) => x.name.startsWith('SPOILER_'))) expect(f.description).toBe(SPOILER_DESCRIPTION);
  });

  test('the header (thread starter, previews) contains the question text', () => {
    expect(discordMessages(tri, fakeImages(tri))[0].content).toMatch(
      /^\*\*Question\*\*\nWe have a triangle △XYZ such that XY = XZ = 12 and YZ = 16\. What is the length/,
    );
    // math that needs typesetting: readable text in the header, the typeset question under it
    const head = discordMessages(sum, fakeImages(sum))[0];
    expect(head.content).toContain('Compute ∑\\_(k=1)^3 k², the sum of the first three squares.'); // \_ shows as _
    expect(head.content.indexOf('Compute')).toBeLessThan(head.content.indexOf('**Answer:**'));
    expect(head.files.map((f) => f.name)).toEqual(['question.png']);
  });

  test('a long question is cut so the whole header fits one message', () => {
    const long = threadFromSolutionText(`A *farmer* has ${'many sheep and some goats, '.repeat(150)}how many legs?`, SUM_SOLUTION);
    const msgs = discordMessages(long, noImages());
    expect(msgs[0].content.length).toBeLessThanOrEqual(2000);
    expect(msgs[0].content).toMatch(/^\*\*Question\*\*\nA \\\*farmer\\\* has many sheep/);
    expect(msgs[0].content).toMatch(/… \([\d,]+ more characters\)/);
    expect(msgs[0].content).toContain('**Answer:** 14');
    expect(msgs[1].content).toMatch(/^\*\*Step 1\*\*/);
    expect(discordProblems(msgs)).toEqual([]);
  });

  test('practice mode: a step whose output gives the answer away is hidden, text first all the same', () => {
    const msgs = discordMessages(sum, fakeImages(sum), { spoiler: true });
    const outside = msgs.map((m) => m.content.replace(/\|\|[^]*?\|\|/g, '')).join('\n');
    expect(outside).not.toMatch(/(^|\D)14(\D|$)/);
    expect(
      msgs
        .flatMap((m) => m.files)
        .filter((f) => /final|answer|work/.test(f.name))
        .every((f) => f.name.startsWith('SPOILER_')),
    ).toBe(true);
    expect(discordProblems(msgs)).toEqual([]);
  });
});

describe('slack payloads', () => {
  const t = buildThread(triangleResult());
  /** The same solution step by step (no merging of bookkeeping steps): three steps. */
  const t3 = buildThread(triangleResult(), { mergeBookkeeping: false });
  const imageRefs = (m: SlackMessage) => m.blocks.flatMap((b) => (b.type === 'image' ? [b.slack_file.id] : []));
  /** Blocks that state the answer: a labelled answer line or the typeset answer. */
  const answerStatements = (msgs: SlackMessage[]) =>
    slackSeen(msgs)
      .flat()
      .filter((x) => /^(\*?(Answer|Final answer|Best guess)\b|\[image answer\.png\])/.test(x) || /\n\*?(Answer|Final answer):/.test(x));

  test('snapshot with images (typeset math as image blocks inside the posts)', () => {
    const msgs = slackMessages(t, fakeImages(t));
    expect(snap(msgs)).toMatchSnapshot();
    expect(slackProblems(msgs)).toEqual([]);
  });

  test.each([
    ['with images', fakeImages],
    ['without images', noImages],
  ])('%s: one message per step, plus the thread parent and the closing message', (_n, images) => {
    const msgs = slackMessages(t3, images(t3));
    expect(t3.steps.length).toBe(3);
    expect(msgs).toHaveLength(1 + t3.steps.length + 1);
    const seen = slackSeen(msgs);
    t3.steps.forEach((s, i) => expect(seen[1 + i][0]).toMatch(new RegExp(`^\\*${s.label}\\*`)));
    expect(seen[seen.length - 1][0]).toMatch(/^\*Conclusion\*/);
  });

  test('the question and the answer are each shown exactly once in the whole thread', () => {
    const q = escapeSlack(t.question.source);
    const withImages = slackMessages(t, fakeImages(t));
    const seen = slackSeen(withImages).flat();
    expect(seen.filter((x) => x === '[image question.png]')).toHaveLength(1);
    expect(seen.filter((x) => x.includes('XY = XZ = 12'))).toHaveLength(0); // not also as text
    // one labelled answer, typeset, in the thread parent; not repeated at the end
    expect(answerStatements(withImages)).toEqual(['*Answer:*', '[image answer.png]']);
    expect(answerStatements(withImages.slice(1))).toEqual([]);
    const plain = slackMessages(t, noImages());
    const plainSeen = slackSeen(plain).flat();
    expect(plainSeen.filter((x) => x.includes('XY = XZ = 12'))).toHaveLength(1);
    expect(plainSeen.some((x) => x.includes(q.slice(0, 20)) || x.includes('triangle XYZ'))).toBe(true);
    expect(answerStatements(plain)).toEqual(['*Answer:* `4\\sqrt{5}`']);
    expect(plain.every((m) => m.files.length === 0 && imageRefs(m).length === 0)).toBe(true);
  });

  test('each step reads in order: label and explanation, code, output, then the working; images after the text', () => {
    const msgs = slackMessages(t3, fakeImages(t3));
    for (const [i, s] of t3.steps.entries()) {
      const m = msgs[1 + i];
      const kinds = m.blocks.map((b) =>
        b.type === 'image'
          ? b.slack_file.id.endsWith('-work.png')
            ? 'work'
            : 'explanation'
          : b.type === 'section' && b.text.text.startsWith(`*${s.label}*`)
            ? 'label'
            : b.type === 'section' && b.text.text.startsWith('```')
              ? 'code'
              : b.type === 'section' && /^(Output|Error):/.test(b.text.text)
                ? 'output'
                : b.type,
      );
      expect(kinds[0]).toBe('label');
      const order = ['label', 'explanation', 'code', 'output', 'work'];
      const ranks = kinds.filter((k) => order.includes(k)).map((k) => order.indexOf(k));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      // the PNGs to upload are exactly the images of this message, in block order
      expect(m.files.map((f) => slackFileRef(f.filename))).toEqual(imageRefs(m));
    }
    // the typeset explanation and working are in their step's message, not in one of their own
    const step2 = msgs.find((m) => m.files.some((f) => f.filename === 'step-02.png'));
    expect(step2 && slackSeen([step2])[0][0]).toMatch(/^\*Step 2\*/);
  });

  test('images carry alt text (the source) and a text fallback (LaTeX source) for when Slack refuses them', () => {
    const msgs = slackMessages(t, fakeImages(t));
    const q = msgs[0].blocks.find((b) => b.type === 'image');
    expect(q).toMatchObject({ type: 'image', slack_file: { id: slackFileRef('question.png') } });
    expect(q && q.type === 'image' && q.alt_text).toContain('What is the length of the median');
    const asText = slackBlocksAsText(msgs[0]);
    expect(asText.some((b) => b.type === 'image')).toBe(false);
    expect(JSON.stringify(asText)).toContain('`\\\\triangle XYZ`');
    expect(() => resolveSlackFiles(msgs[0].blocks, new Map())).toThrow(/no uploaded file/);
    const resolved = resolveSlackFiles(msgs[0].blocks, new Map(msgs[0].files.map((f, i) => [f.filename, `F${i}`])));
    expect(resolved.filter((b) => b.type === 'image').map((b) => (b.type === 'image' ? b.slack_file.id : ''))).toEqual(
      msgs[0].files.map((_, i) => `F${i}`),
    );
  });

  test('snapshot in practice mode (reveal button, no answer image)', () => {
    const msgs = slackMessages(t, fakeImages(t), { spoiler: true });
    expect(snap(msgs)).toMatchSnapshot();
    const files = msgs.flatMap((m) => m.files.map((f) => f.filename));
    expect(files).not.toContain('answer.png');
    expect(files).not.toContain('final.png');
    expect(JSON.stringify(msgs)).toContain('stepwise_reveal_answer');
    expect(msgs).toHaveLength(1 + t.steps.length + 1);
    expect(slackProblems(msgs)).toEqual([]);
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
