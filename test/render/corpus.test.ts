/**
 * Every MATH500 reference solution (third-party, from the data directory: benchmarks/math500.jsonl) → thread → Discord and Slack payloads,
 * without Chromium: LaTeX validated, platform limits kept, no exception. Also each solution in the
 * rStar step format (paragraphs as step comments).
 */
import { discordMessages } from '../../src/render/discord';
import { slackMessages } from '../../src/render/slack';
import { threadFromSolutionText } from '../../src/render/thread';
import { threadBlocks } from '../../src/render';
import { blockHtml } from '../../src/render/latex';
import { discordProblems, fakeImages, loadMath500, MATH500_FILE, noImages, slackProblems } from './helpers';
import { describeIfShared, haveShared } from '../helpers/shared-data';

const items = haveShared([MATH500_FILE]) ? loadMath500() : [];

describeIfShared('MATH500 rendering corpus (peer compatibility)', [MATH500_FILE], () => {
  test('the corpus is the full MATH500 test split', () => {
    expect(items).toHaveLength(500);
  });

  test('every MATH500 reference solution renders as a thread within platform limits', () => {
    const problems: string[] = [];
    const refused: string[] = [];
    let formulas = 0;
    let imageBlocks = 0;
    for (const it of items) {
      const t = threadFromSolutionText(it.problem, it.solution);
      if (t.answer === null) problems.push(`${it.id}: no boxed answer`);
      for (const b of threadBlocks(t)) {
        formulas += b.segments.filter((s) => s.kind === 'math').length;
        if (b.mode === 'refused') refused.push(`${it.id} ${b.id}: ${b.refusals.join('; ')}`);
        if (b.mode === 'image') {
          imageBlocks++;
          if (blockHtml(b) === null) problems.push(`${it.id} ${b.id}: validated block has no HTML`);
        }
      }
      for (const images of [fakeImages(t), noImages()]) {
        for (const spoiler of [false, true]) {
          problems.push(...discordProblems(discordMessages(t, images, { spoiler })).map((p) => `${it.id} discord: ${p}`));
          problems.push(...slackProblems(slackMessages(t, images, { spoiler })).map((p) => `${it.id} slack: ${p}`));
        }
      }
    }
    expect(problems).toEqual([]);
    // Reference solutions are well-formed LaTeX: (almost) everything must validate under the safe options.
    expect(refused).toEqual([]);
    expect(formulas).toBeGreaterThan(5_000);
    expect(imageBlocks).toBeGreaterThan(1_000);
    if (refused.length) console.log(`refused blocks:\n${refused.join('\n')}`);
  });

  test('the same solutions in the rStar step format render within limits', () => {
    const problems: string[] = [];
    for (const it of items) {
      const paras = it.solution.split(/\n\s*\n/);
      const last = paras.pop()!;
      const text = `<code>\n${paras.map((p, i) => `# Step ${i + 1}: ${p.split('\n').join('\n# ')}\nx${i} = ${i}\n<end_of_step>\n`).join('')}# Now print the final answer\nprint(x0)\n<end_of_code>\n<output>0<end_of_output>\n<answer>${last}<end_of_answer>`;
      const t = threadFromSolutionText(it.problem, text);
      problems.push(...discordProblems(discordMessages(t, fakeImages(t))).map((p) => `${it.id} discord: ${p}`));
      problems.push(...slackProblems(slackMessages(t, fakeImages(t))).map((p) => `${it.id} slack: ${p}`));
    }
    expect(problems).toEqual([]);
  });
});
