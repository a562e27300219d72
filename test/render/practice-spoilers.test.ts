/**
 * Practice mode hides the answer everywhere a reader could see it: not only the final answer and
 * the last step, but any step whose text, output or working shows it. And an answer written as
 * `\framebox{…}` (which KaTeX lacks) is still found and typeset.
 */
import { discordMessages } from '../../src/render/discord';
import { checkTex } from '../../src/render/latex';
import { slackMessages } from '../../src/render/slack';
import { mentionsAnswer } from '../../src/render/text';
import { threadFromSolutionText } from '../../src/render/thread';
import type { SlackMessage } from '../../src/render/types';
import { noImages } from './helpers';

// Step 2 already prints the answer; step 3 only checks it.
const SOLUTION = [
  '<code>',
  '# Step 1: pairs of one boy and one girl',
  'pairs = 12 * 17',
  '<end_of_step>',
  '',
  '# Step 2: show the count',
  'print(pairs)',
  '<end_of_step>',
  '',
  '# Step 3: check the count is even',
  'print(pairs % 2 == 0)',
  '<end_of_code>',
  '<output>204',
  'True<end_of_output>',
  '<answer>There are $\\framebox{204}$ pairs.<end_of_answer>',
].join('\n');

/** Everything of a Slack thread a reader or a screen reader gets: texts, alt texts, image fallbacks. */
const slackText = (msgs: SlackMessage[]) =>
  msgs
    .map((m) =>
      [
        m.text,
        ...m.blocks.map((b) => ('text' in b ? b.text.text : b.type === 'image' ? b.alt_text : '')),
        ...m.files.map((f) => `${f.altText}\n${f.fallback}`),
      ].join('\n'),
    )
    .join('\n');

describe('practice mode', () => {
  const t = threadFromSolutionText('There are 12 boys and 17 girls. How many boy-girl pairs are there?', SOLUTION, {
    mergeBookkeeping: false,
  });

  test('an answer in \\framebox is found, and typesets', () => {
    expect(t.answer).toBe('204');
    expect(checkTex('\\framebox{204}', false).ok).toBe(true);
    expect(checkTex('\\framebox[2cm][c]{204}', false).ok).toBe(true);
  });

  test('Discord: 204 appears only inside spoiler bars', () => {
    const msgs = discordMessages(t, noImages(), { spoiler: true });
    expect(msgs.length).toBeGreaterThan(3);
    const outside = msgs.map((m) => m.content.replace(/\|\|[^]*?\|\|/g, '')).join('\n');
    expect(outside).not.toMatch(/(^|\D)204(\D|$)/);
    expect(msgs.map((m) => m.content).join('\n')).toContain('204'); // still there to reveal
  });

  test('Slack: 204 is nowhere in the thread until the reveal button', () => {
    const msgs = slackMessages(t, noImages(), { spoiler: true });
    expect(slackText(msgs)).not.toMatch(/(^|\D)204(\D|$)/);
    const reveal = msgs.flatMap((m) => (m.type === 'post' ? m.blocks : [])).find((b) => b.type === 'actions');
    expect(JSON.stringify(reveal)).toContain('204');
  });

  test('without practice mode nothing is hidden', () => {
    expect(slackText(slackMessages(t, noImages()))).toContain('204');
    expect(
      discordMessages(t, noImages())
        .map((m) => m.content)
        .join('\n'),
    ).not.toContain('||');
  });

  test('the answer counts only as a whole token', () => {
    expect(mentionsAnswer('pairs = 204', '204')).toBe(true);
    expect(mentionsAnswer('2045 pairs', '204')).toBe(false);
    expect(mentionsAnswer('x = 1.204', '204')).toBe(false);
    expect(mentionsAnswer('x = 204.5', '204')).toBe(false);
    expect(mentionsAnswer('it is \\frac{1}{2}.', '\\frac{1}{2}')).toBe(true);
  });
});
