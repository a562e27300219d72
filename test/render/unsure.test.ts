/**
 * "Not sure" answers: when the engine's abstention rule says the models are not sure, every view a
 * reader can get (Discord, Slack, the local page) shows the answer as a best guess under a plain
 * warning with the reasons, never as a bold answer; a sure answer is shown as before.
 */
import { alternativesText } from '../../src/bots/core/present';
import { threadHtml } from '../../src/bots/platforms/local/server';
import { formatResult } from '../../src/cli/commands/solve';
import { judge } from '../../src/engine/search/verdict';
import { discordMessages } from '../../src/render/discord';
import { slackMessages } from '../../src/render/slack';
import { confidenceLine } from '../../src/render/text';
import { buildThread } from '../../src/render/thread';
import type { DiscordMessage, SlackMessage } from '../../src/render/types';
import { fakeImages, noImages, triangleResult } from './helpers';

const guess = () =>
  triangleResult({
    verdict: judge('4\\sqrt{5}', { voteShare: 0.3, score: 0.1, questionLoss: 9 }, { minVoteShare: 0.5, minScore: 0.2, maxQuestionLoss: 5 }),
  });
const sure = () =>
  triangleResult({
    verdict: judge('4\\sqrt{5}', { voteShare: 0.9, score: 0.8, questionLoss: 2 }, { minVoteShare: 0.5, minScore: 0.2, maxQuestionLoss: 5 }),
  });

const discordText = (msgs: DiscordMessage[]) => msgs.map((m) => m.content).join('\n');
const slackText = (msgs: SlackMessage[]) =>
  msgs
    .map((m) =>
      [m.text, ...m.blocks.map((b) => ('text' in b ? b.text.text : 'elements' in b ? JSON.stringify(b.elements) : ''))].join('\n'),
    )
    .join('\n');

describe('a not-sure answer', () => {
  const t = buildThread(guess());

  test('the thread carries the reasons in words', () => {
    expect(t.unsure?.reasons).toEqual([
      'the solutions it tried disagree',
      'its step checker rates the solution low',
      'the question is unlike what it was trained on',
    ]);
  });

  test.each([
    ['with images', fakeImages],
    ['without images', noImages],
  ])('Discord (%s): first message says "Best guess" and warns; the guess is not bold; the end repeats it', (_n, images) => {
    const msgs = discordMessages(t, images(t));
    const head = msgs[0].content;
    expect(head).toMatch(/Best guess: 4√5/);
    expect(head).not.toContain('**Answer:**');
    expect(head).toMatch(
      /Not sure: the model is not confident in this answer \(the solutions it tried disagree; .*unlike what it was trained on\)/,
    );
    expect(head).toContain('docs/models.md');
    expect(head).not.toContain('low agreement: check this answer'); // one warning, not two
    const last = msgs[msgs.length - 1].content;
    expect(last).toMatch(/Best guess \(not sure\)/);
    expect(discordText(msgs)).not.toContain('**Final answer:**');
  });

  test('Slack: the parent post (and its notification text) says best guess and warns', () => {
    const msgs = slackMessages(t, noImages());
    const parent = msgs[0];
    expect(parent.type).toBe('post');
    if (parent.type !== 'post') return;
    expect(parent.text).toMatch(/Best guess \(not sure\): 4\\sqrt\{5\}/);
    const body = slackText([parent]);
    expect(body).toContain('Best guess:');
    expect(body).not.toContain('*Answer:*');
    expect(body).toMatch(/:warning: Not sure: the model is not confident/);
    expect(slackText(msgs)).toMatch(/Best guess \(not sure\):/);
    expect(slackText(msgs)).not.toContain('*Final answer:*');
  });

  test('practice mode still hides the guess while warning', () => {
    const d = discordText(discordMessages(t, noImages(), { spoiler: true }));
    expect(d).toContain('Not sure:');
    expect(d).toMatch(/Best guess: \|\|/);
    const s = slackText(slackMessages(t, noImages(), { spoiler: true }));
    expect(s).toContain('Not sure:');
    expect(s).not.toMatch(/Best guess: `4/);
  });

  test('local page: a warning a screen reader announces; no bold answer; the end says not sure', () => {
    const r = guess();
    const html = threadHtml(buildThread(r), noImages(), r, 'job-1');
    expect(html).toMatch(/<p class="warn unsure" role="alert">⚠ Not sure: the model is not confident/);
    expect(html).toContain('<p class="answer unsure">Best guess: <span id="answer">4\\sqrt{5}</span>');
    expect(html).not.toContain('<b>Answer:</b>');
    expect(html).toContain('Best guess (not sure): 4\\sqrt{5}</h4>');
  });
});

describe('a sure answer', () => {
  const t = buildThread(sure());
  test('is shown as the answer, with no warning, on every platform', () => {
    expect(t.unsure).toBeNull();
    const d = discordText(discordMessages(t, noImages()));
    expect(d).toContain('**Answer:**');
    expect(d).toContain('**Final answer:**');
    expect(d).not.toMatch(/Not sure|Best guess/);
    const s = slackText(slackMessages(t, noImages()));
    expect(s).toContain('*Answer:*');
    expect(s).not.toMatch(/Not sure|Best guess/);
    const r = sure();
    const html = threadHtml(t, noImages(), r, 'job-1');
    expect(html).toContain('<b>Answer:</b>');
    expect(html).not.toMatch(/Not sure|Best guess/);
  });

  test('no answer at all: says "none found" without calling it a guess', () => {
    const r = triangleResult({
      answer: null,
      alternatives: [],
      verdict: judge(null, { voteShare: null, score: null, questionLoss: null }),
    });
    const nt = buildThread(r);
    expect(nt.unsure).toBeNull();
    expect(discordText(discordMessages(nt, noImages()))).toContain('**Answer:** none found');
  });
});

describe('a lone finished solution', () => {
  // What the engine returns when one solution finished: the tally has one vote and the verdict
  // has no agreement to go on.
  const lone = () =>
    triangleResult({
      confidence: { score: 0.79, voteShare: 1 },
      alternatives: [{ answer: '4\\sqrt{5}', votes: 1, share: 1, bestScore: 0.79 }],
      verdict: judge('4\\sqrt{5}', { voteShare: null, score: 0.79, questionLoss: 2 }, { minVoteShare: 0.5, minScore: 0.2 }),
    });

  test('shows agreement as "1 of 1 finished solutions", never as 100 %, and as a best guess on every view', () => {
    const t = buildThread(lone());
    expect(confidenceLine(t)).toBe('PPM score 0.79 · 1 of 1 finished solutions');
    const d = discordText(discordMessages(t, noImages()));
    const s = slackText(slackMessages(t, noImages()));
    const html = threadHtml(t, noImages(), lone(), 'job-1');
    for (const text of [d, s, html]) {
      expect(text).toContain('1 of 1 finished solutions');
      expect(text).not.toMatch(/100 ?%/);
      expect(text).toContain('nothing to compare it with');
    }
    expect(d).not.toContain('**Final answer:**');
  });

  test('the closing sentence of a best guess is not boxed like a checked answer; a sure one keeps its box', () => {
    const guessFinal = buildThread(lone()).final;
    expect(guessFinal).not.toBeNull();
    expect(JSON.stringify(guessFinal)).not.toMatch(/boxed|fbox/);
    expect(JSON.stringify(guessFinal)).toContain('4\\\\sqrt{5}');
    expect(JSON.stringify(buildThread(sure()).final)).toMatch(/boxed/);
  });

  test('the CLI prints a best guess with the counts', () => {
    const out = formatResult(lone());
    expect(out).toContain('Best guess: 4\\sqrt{5}   (score 0.79, 1 of 1 finished solutions)');
    expect(out).not.toMatch(/Final answer|100%|counted answers agree/);
    const several = formatResult(triangleResult());
    expect(several).toContain('3 of 4 finished solutions agree');
  });

  test('"other answers?" says only one solution finished instead of "every finished solution agreed"', () => {
    expect(alternativesText(lone())).toBe(
      'No other answers came up, but only one solution finished, so there was nothing to compare it with.',
    );
    const agreed = triangleResult({ alternatives: [{ answer: '4\\sqrt{5}', votes: 3, share: 1, bestScore: 0.83 }] });
    expect(alternativesText(agreed)).toBe('No other answers came up: all 3 finished solutions agreed.');
  });
});
