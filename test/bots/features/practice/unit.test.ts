import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { engineFrom } from '../../../../src/engine/index';
import { ModelNotFoundError } from '../../../../src/engine/models';
import { CheckService, checkReportText, splitUserSteps } from '../../../../src/bots/features/check/check';
import { formatOf, ProblemBank, validateAnswer, isCorrect } from '../../../../src/bots/features/practice/bank';
import { chunkText, parseCheckText, parsePracticeText } from '../../../../src/bots/features/practice/text';
import { loadConfig } from '../../../../src/bots/core/index';
import { createCore } from '../../../../src/bots/compose';
import { fakeImages, tmpDb } from '../../harness';
import { ScriptedPolicy, ScriptedScorer, ToyExecutor } from '../../../helpers/scripted';
import { QUESTION, toyScript } from '../../../engine/toy-problem';
import { PRACTICE_DATA } from './harness';

describe('problem bank', () => {
  test('built-in sets read the data directory: AIME 2024 (with solutions), AIME 2025, AMC 2023', () => {
    const bank = new ProblemBank({ dataDir: PRACTICE_DATA });
    expect(bank.get('aime2024').problems).toHaveLength(3);
    expect(bank.get('aime2024').problems.every((p) => p.solution)).toBe(true);
    expect(bank.get('aime2025').problems).toHaveLength(3);
    expect(bank.get('aime').problems).toHaveLength(6);
    expect(bank.get('aime').format).toBe('aime');
    expect(bank.get('amc23').problems).toHaveLength(2);
    expect(bank.get('amc23').format).toBe('free'); // 3159 is not an AIME answer
    expect(bank.find('own24-1')!.answer).toBe('204');
    expect(() => bank.get('nope')).toThrow(/Unknown problem set "nope". Choose one of: aime, aime2024/);
  });

  test('with no data directory the built-in sets are absent and the message says how to add one', () => {
    const bank = new ProblemBank({ dataDir: '/nonexistent/stepwise-data' });
    expect(bank.names()).toEqual([]);
    expect(() => bank.get('aime')).toThrow(
      /AIME 2024 and 2025 set is not installed.*stepwise data fetch aime2024.*STEPWISE_DATA_DIR.*STEPWISE_PRACTICE_FILES/,
    );
    expect(() => bank.get('nope')).toThrow(/no problem set is installed.*stepwise data fetch/);
    expect(bank.find('own24-1')).toBeNull();
  });

  test("a club's own JSONL file in the same format", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'club-'));
    const file = path.join(dir, 'Club-Week1.jsonl');
    fs.writeFileSync(
      file,
      [
        '{"id":"w1-1","problem":"What is $1+1$?","answer":"2"}',
        '{"problem":"Half of one?","answer":"\\\\frac{1}{2}","solution":"It is $1/2$."}',
      ].join('\n'),
    );
    const bank = new ProblemBank({ files: [file] });
    const set = bank.get('club-week1');
    expect(set.problems.map((p) => p.id)).toEqual(['w1-1', 'club-week1-2']);
    expect(set.format).toBe('free');
    expect(set.problems[1].solution).toBe('It is $1/2$.');
    expect(isCorrect('free', '\\frac{1}{2}', '0.5')).toBe(true);
    fs.writeFileSync(path.join(dir, 'bad.jsonl'), '{"problem":"x"}\n');
    expect(() => new ProblemBank({ files: [path.join(dir, 'bad.jsonl')] }).get('bad')).toThrow(/bad.jsonl:1: each line needs "problem"/);
    expect(formatOf('club', [{ id: '1', set: 'club', problem: 'p', answer: '12' }])).toBe('aime');
  });

  test('AIME answers: integers 0-999 with a clear message otherwise', () => {
    expect(validateAnswer('aime', ' 042 ')).toEqual({ ok: true, value: '42' });
    expect(validateAnswer('aime', '\\boxed{204}')).toEqual({ ok: true, value: '204' });
    for (const bad of ['1000', '-3', '2.5', 'abc', '']) {
      const v = validateAnswer('aime', bad);
      expect(v.ok).toBe(false);
      if (!v.ok) expect(v.message).toMatch(/whole numbers from 0 to 999.*did not use an attempt/);
    }
    expect(isCorrect('aime', '25', '025')).toBe(true);
  });
});

describe('command texts', () => {
  test('/practice', () => {
    expect(parsePracticeText('start aime2024 5 20')).toEqual({ kind: 'start', set: 'aime2024', count: 5, minutes: 20 });
    expect(parsePracticeText('start count:2 set:amc23')).toEqual({ kind: 'start', set: 'amc23', count: 2 });
    expect(parsePracticeText('start')).toEqual({ kind: 'start' });
    expect(parsePracticeText('answer 3 \\frac{1}{2}')).toEqual({ kind: 'answer', n: 3, value: '\\frac{1}{2}' });
    expect(parsePracticeText('answer x').kind).toBe('error');
    expect(parsePracticeText('hint #2')).toEqual({ kind: 'hint', n: 2 });
    expect(parsePracticeText('leaderboard 2025 spring')).toEqual({ kind: 'leaderboard', season: '2025 spring' });
    expect(parsePracticeText('')).toEqual({ kind: 'help' });
    expect(parsePracticeText('dance').kind).toBe('error');
  });

  test('/check', () => {
    expect(parseCheckText('What is 1+1?\n---\nStep 1: 2.')).toEqual({ problem: 'What is 1+1?', solution: 'Step 1: 2.' });
    expect(parseCheckText('problem: What is 1+1? solution: It is \\boxed{2}')).toEqual({
      problem: 'What is 1+1?',
      solution: 'It is \\boxed{2}',
    });
    expect(parseCheckText('aime2024-I-1 Step 1: ...')).toEqual({ problem: 'aime2024-I-1', solution: 'Step 1: ...' });
    expect(parseCheckText('hello')).toBeNull();
  });

  test('chunkText keeps every character within the limit', () => {
    const text = Array.from({ length: 50 }, (_, i) => `Paragraph ${i} ${'x'.repeat(i * 7)}`).join('\n\n');
    const chunks = chunkText(text, 300);
    expect(chunks.every((c) => c.length <= 300)).toBe(true);
    expect(chunks.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
  });
});

describe('/check steps', () => {
  test('splitting: Step markers, paragraphs, lines, sentences (not inside math)', () => {
    expect(splitUserSteps('Step 1: a. Step 2: b. Step 3: \\boxed{c}')).toEqual(['Step 1: a.', 'Step 2: b.', 'Step 3: \\boxed{c}']);
    expect(splitUserSteps('First.\n\nSecond\nstill second.\n\nThird.')).toEqual(['First.', 'Second\nstill second.', 'Third.']);
    expect(splitUserSteps('a = 1\nb = 2')).toEqual(['a = 1', 'b = 2']);
    expect(splitUserSteps('We have $x = 1. 5$ here. So the answer is 3.')).toEqual(['We have $x = 1. 5$ here.', 'So the answer is 3.']);
    expect(splitUserSteps(Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n'))).toHaveLength(30);
  });

  test('without a step scorer the reply says so clearly (and still compares answers)', async () => {
    const core = createCore(loadConfig({ STEPWISE_DB: tmpDb(), STEPWISE_BUDGET: '4', STEPWISE_DATA_DIR: PRACTICE_DATA }), {
      engine: async () => engineFrom(new ScriptedPolicy(toyScript), undefined, new ToyExecutor()),
      images: fakeImages,
      log: () => undefined,
    });
    try {
      const r = await core.check.check({
        platform: 'discord',
        userId: 'u',
        channelId: 'c',
        problem: QUESTION,
        solution: 'Step 1: 3*12-7 = 29. Step 2: \\boxed{29}',
      });
      expect(r.scores).toBeNull();
      const text = checkReportText(r, (s) => `**${s}**`);
      expect(text).toMatch(/No step scorer is loaded on this server, so I cannot score your steps/);
      expect(text).toMatch(/Your steps as I read them/);
      expect(text).toMatch(/not a proof/);
      expect(r.botAnswer).not.toBeNull();
      // a bank problem is also compared with the official answer
      const bank = await core.check.check({
        platform: 'discord',
        userId: 'u',
        channelId: 'c',
        problem: 'own24-1',
        solution: 'So the answer is \\boxed{204}.',
      });
      expect(bank.matchesOfficial).toBe(true);
      expect(checkReportText(bank, (s) => s)).toMatch(/Official answer: your answer matches it/);
    } finally {
      await core.close();
    }
  });

  test('a scorer trained only on code steps is not asked to judge written steps', async () => {
    const solution = 'Step 1: 3 boxes of 12 apples: 3*12 = 36.\nStep 2: 36 - 7 = 29.\nStep 3: \\boxed{29}';
    const run = async (stepStyles: ('code' | 'prose')[]) => {
      const scorer = Object.assign(new ScriptedScorer(() => -0.95), { stepStyles });
      const core = createCore(loadConfig({ STEPWISE_DB: tmpDb(), STEPWISE_BUDGET: '4' }), {
        engine: async () => engineFrom(new ScriptedPolicy(toyScript), scorer, new ToyExecutor()),
        images: fakeImages,
        log: () => undefined,
      });
      try {
        const r = await core.check.check({ platform: 'discord', userId: 'u', channelId: 'c', problem: QUESTION, solution });
        return { r, text: checkReportText(r, (s) => s), scorerCalls: scorer.calls };
      } finally {
        await core.close();
      }
    };
    const codeOnly = await run(['code']);
    expect(codeOnly.r.scores).toBeNull();
    expect(codeOnly.r.weakAt).toBe(-1);
    expect(codeOnly.text).toMatch(
      /was trained only on steps written as code .* cannot judge steps written in words; I compared only your final answer/,
    );
    expect(codeOnly.text).not.toMatch(/looks weak/);
    expect(codeOnly.text).toMatch(/Final answer: 29 (matches|does not match) my own solve/); // the answer is still compared
    expect(codeOnly.text).toMatch(/ 1\. Step 1: 3 boxes of 12 apples/);
    // a scorer for written steps (a PRM) is asked, and its low scores are reported
    const prose = await run(['prose', 'code']);
    expect(prose.r.scores).toHaveLength(3);
    expect(prose.scorerCalls).toBeGreaterThan(codeOnly.scorerCalls);
    expect(prose.text).toMatch(/first looks weak at step 1 \(score -0\.95\)/);
  });

  test("the scores /check shows are the engine's scores of the written steps, one per step", async () => {
    const solution = 'Step 1: 3 boxes of 12 apples: 3*12 = 36.\nStep 2: 36 + 7 = 43.\nStep 3: \\boxed{43}';
    const asked: string[][] = [];
    const run = async (scoreSteps: (q: string, steps: readonly string[]) => Promise<number[]>) => {
      const engine = engineFrom(new ScriptedPolicy(toyScript), new ScriptedScorer(() => 0), new ToyExecutor());
      engine.scoreSteps = scoreSteps;
      const config = loadConfig({ STEPWISE_DB: tmpDb(), STEPWISE_BUDGET: '4' });
      const core = createCore(config, { engine: async () => engine, images: fakeImages, log: () => undefined });
      try {
        const r = await core.check.check({ platform: 'slack', userId: 'u', channelId: 'c', problem: QUESTION, solution });
        return { r, text: checkReportText(r, (s) => s) };
      } finally {
        await core.close();
      }
    };
    const { r, text } = await run(async (_q, steps) => {
      asked.push([...steps]);
      return steps.map((_, i) => (i === 1 ? -0.6 : 0.7));
    });
    // plain steps go in (no step markers), one score per step comes back and is shown per step
    expect(asked).toEqual([['Step 1: 3 boxes of 12 apples: 3*12 = 36.', 'Step 2: 36 + 7 = 43.', 'Step 3: \\boxed{43}']]);
    expect(r.scores).toEqual([0.7, -0.6, 0.7]);
    expect(text).toMatch(/first looks weak at step 2 \(score -0\.60\)/);
    expect(text).toContain(' 1. +0.70  Step 1: 3 boxes of 12 apples');
    expect(text).toContain(' 2. -0.60 ⚠  Step 2: 36 + 7 = 43.');
    const failed = await run(async () => {
      throw new Error('scorer process died');
    });
    expect(failed.r.scores).toBeNull();
    expect(failed.text).toContain('Scoring the steps failed (scorer process died).');
  });

  test('when the models are missing the reply says so', async () => {
    const core = createCore(loadConfig({ STEPWISE_DB: tmpDb() }), {
      engine: async () => {
        throw new ModelNotFoundError('models/stepwise-synth-ppm has no manifest.json (see docs/models.md for the manifest format)');
      },
      images: fakeImages,
      log: () => undefined,
    });
    try {
      const r = await core.check.check({
        platform: 'slack',
        userId: 'u',
        channelId: 'c',
        problem: QUESTION,
        solution: 'Step 1: \\boxed{29}',
      });
      expect(checkReportText(r, (s) => s)).toMatch(/models are not installed/);
    } finally {
      await core.close();
    }
  });
});
