import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  endingKind,
  evaluateStrategies,
  foundAnswers,
  groupOf,
  majorityPick,
  reportFromRecords,
  type EvalRecord,
} from '../../../src/lab/eval/evaluate';
import { readProblemFile } from '../../../src/lab/eval/problem-sets';
import { search } from '../../../src/engine/search';
import type { TreeJSON } from '../../../src/engine/search/types';
import { QUESTION, toyDeps, toyScript } from '../../engine/toy-problem';
import { ScriptedPolicy } from '../../helpers/scripted';

// the toy problem's right answer is 29; greedy decoding and the sample majority say 8
const problems = [{ id: 'toy-1', question: QUESTION, answer: '29' }];

describe('eval: accuracy and coverage per strategy', () => {
  test('coverage counts a right answer the strategy found but did not pick', async () => {
    const reports = await evaluateStrategies(problems, (q, cfg) => search(q, toyDeps(), cfg), ['greedy', 'vote', 'mcts'], {
      greedy: {},
      vote: { samples: 24, seed: 3 },
      mcts: { rollouts: 6, candidates: 12, seed: 5 },
    } as never);
    expect(reports.greedy).toMatchObject({ accuracy: 0, coverage: 0, n: 1, errors: 0 });
    // the majority is wrong, but 29 was among the 24 samples
    expect(reports.vote).toMatchObject({ accuracy: 0, coverage: 1 });
    expect(reports.mcts).toMatchObject({ accuracy: 1, coverage: 1 });
    expect(reports.vote!.mean_samples).toBeGreaterThan(reports.greedy!.mean_samples);
  });

  test('each dump line names the answer shown and every alternative found, graded (selection rules can be compared offline)', async () => {
    const records: Array<Record<string, unknown>> = [];
    await evaluateStrategies(problems, (q, cfg) => search(q, toyDeps(), cfg), ['vote'], { vote: { samples: 24, seed: 3 } } as never, {
      onRecord: (r) => records.push(r as never),
    });
    expect(records).toHaveLength(1);
    const r = records[0] as { answer: string; correct: boolean; alternatives: Array<{ answer: string; votes: number; correct: boolean }> };
    // the majority (8) is shown and wrong; the right 29 is among the alternatives, marked right
    expect(r).toMatchObject({ answer: '8', correct: false });
    expect(r.alternatives[0]).toMatchObject({ answer: '8', correct: false });
    const right = r.alternatives.find((a) => a.answer === '29');
    expect(right).toMatchObject({ correct: true });
    expect(right!.votes).toBeLessThan(r.alternatives[0]!.votes);
  });

  test('the report rebuilt from the dump lines is the live report (eval --report needs no model run)', async () => {
    const records: EvalRecord[] = [];
    const live = await evaluateStrategies(
      [...problems, { id: 'toy-2', question: QUESTION, answer: '8' }],
      (q, cfg) => search(q, toyDeps(), cfg),
      ['greedy', 'vote', 'mcts'],
      { greedy: {}, vote: { samples: 24, seed: 3 }, mcts: { rollouts: 6, candidates: 12, seed: 5 } } as never,
      { onRecord: (r) => records.push(JSON.parse(JSON.stringify(r))) },
    );
    const fromDump = reportFromRecords(records);
    expect(Object.keys(fromDump)).toEqual(['greedy', 'vote', 'mcts']);
    for (const k of ['greedy', 'vote', 'mcts']) expect(fromDump[k]).toEqual(live[k]);
    // MCTS picks 29 on toy-1 (right) and on toy-2 (where 8 is right): one of two
    expect(live.mcts).toMatchObject({ n: 2, accuracy: 0.5 });
    // a plain vote over the same MCTS search would pick its most-agreed answer instead
    const byVote = records.filter((r) => r.strategy === 'mcts').map((r) => majorityPick(r.alternatives!)!.correct);
    expect(live.mcts!.majority_accuracy).toBe(byVote.filter(Boolean).length / 2);
    // the vote strategy's own pick is its majority
    expect(live.vote!.majority_accuracy).toBe(live.vote!.accuracy);
    expect(live.greedy!.median_seconds).toBeGreaterThanOrEqual(0);
  });

  test('a lone finished solution is dumped with no agreement (null), as the verdict judged it, not its 100 % with itself', async () => {
    const records: EvalRecord[] = [];
    await evaluateStrategies(
      problems,
      async (q, cfg) => {
        const r = await search(q, toyDeps(), cfg);
        expect(r.confidence.voteShare).toBe(1);
        return { ...r, verdict: { sure: false, reasons: ['single-attempt'], signals: { voteShare: null, score: 0.4, questionLoss: 2.5 } } };
      },
      ['greedy'],
      { greedy: {} } as never,
      { onRecord: (r) => records.push(r) },
    );
    expect(records[0]).toMatchObject({ voteShare: null, score: 0.4, questionLoss: 2.5, sure: false });
  });

  test('a problem without an answer is dumped with why it ended, and the report counts the kinds', async () => {
    const broken = new ScriptedPolicy((p) =>
      p === '' ? [{ text: '<code>\n# Step 1\napples = boxes * 12\n<end_of_step>', weight: 1 }] : toyScript(p),
    );
    const records: EvalRecord[] = [];
    const reports = await evaluateStrategies(
      problems,
      (q, cfg) => search(q, { ...toyDeps(), policy: broken }, cfg),
      ['greedy'],
      { greedy: { redraws: 0 } } as never,
      { onRecord: (r) => records.push(r) },
    );
    expect(records[0]).toMatchObject({ answered: false, ended: "the code failed: NameError: name 'boxes' is not defined" });
    expect(reports.greedy!.no_answer).toEqual({ 'the code failed: NameError': 1 });
    expect(reportFromRecords(records).greedy!.no_answer).toEqual({ 'the code failed: NameError': 1 });
    expect(endingKind('the answer 0.27 is not what the program printed (0.2727)')).toBe('the answer is not what the program printed');
    expect(endingKind(undefined)).toBe('not recorded');
  });

  test('majorityPick: most votes, ties to the higher scorer value, nothing from nothing', () => {
    expect(
      majorityPick([
        { votes: 1, bestScore: 0.9 },
        { votes: 2, bestScore: 0.1 },
      ]),
    ).toEqual({ votes: 2, bestScore: 0.1 });
    expect(
      majorityPick([
        { votes: 2, bestScore: 0.1 },
        { votes: 2, bestScore: 0.5 },
      ]),
    ).toEqual({ votes: 2, bestScore: 0.5 });
    expect(
      majorityPick([
        { votes: 2, bestScore: null },
        { votes: 2, bestScore: -0.5 },
      ]),
    ).toEqual({ votes: 2, bestScore: -0.5 });
    expect(majorityPick([])).toBeUndefined();
  });

  test('answered share and selective accuracy follow the verdicts; nothing answered has no selective accuracy (not 100 %)', async () => {
    const signals = { voteShare: null, score: null, questionLoss: null };
    const withVerdict = (sure: (i: number) => boolean) => {
      let i = 0;
      return async (q: string, cfg: Parameters<typeof search>[2]) => ({
        ...(await search(q, toyDeps(), cfg)),
        verdict: { sure: sure(i++), reasons: [], signals },
      });
    };
    const four = [1, 2, 3, 4].map((n) => ({ id: `toy-${n}`, question: QUESTION, answer: '29' }));
    const cfg = { mcts: { rollouts: 6, candidates: 12, seed: 5 } } as never;
    const none = await evaluateStrategies(
      four,
      withVerdict(() => false),
      ['mcts'],
      cfg,
    );
    expect(none.mcts).toMatchObject({ answered: 0, selective_accuracy: null });
    const half = await evaluateStrategies(
      four,
      withVerdict((i) => i % 2 === 0),
      ['mcts'],
      cfg,
    );
    expect(half.mcts).toMatchObject({ answered: 0.5, selective_accuracy: 1, accuracy: 1 });
  });

  test('a failing solve is counted as an error and a miss, and the run goes on', async () => {
    const err = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      let calls = 0;
      const reports = await evaluateStrategies(
        [...problems, { id: 'toy-2', question: QUESTION, answer: '29' }],
        async (q, cfg) => {
          if (calls++ === 0) throw new Error('model backend down');
          return search(q, toyDeps(), cfg);
        },
        ['mcts'],
        { mcts: { rollouts: 6, candidates: 12, seed: 5 } } as never,
      );
      expect(reports.mcts).toMatchObject({ n: 2, errors: 1, correct: 1, accuracy: 0.5, coverage: 0.5 });
      expect(String(err.mock.calls[0]?.[0])).toMatch(/mcts on toy-1 failed: model backend down/);
    } finally {
      err.mockRestore();
    }
  });

  test('groupBy: accuracy and coverage per value of a problem field (arrays joined, missing ones grouped)', async () => {
    const probs = [
      { id: 'a', question: QUESTION, answer: '29', fields: { novelty: ['phrasing'] } },
      { id: 'b', question: QUESTION, answer: '8', fields: { novelty: ['structure', 'phrasing'] } },
      { id: 'c', question: QUESTION, answer: '29', fields: { novelty: ['phrasing'] } },
      { id: 'd', question: QUESTION, answer: '29' },
    ];
    const reports = await evaluateStrategies(probs, (q, cfg) => search(q, toyDeps(), cfg), ['greedy'], { greedy: {} } as never, {
      groupBy: 'novelty',
    });
    // greedy answers 8 every time
    expect(reports.greedy!.groups).toEqual({
      '(none)': { n: 1, correct: 0, accuracy: 0, coverage: 0 },
      phrasing: { n: 2, correct: 0, accuracy: 0, coverage: 0 },
      'structure+phrasing': { n: 1, correct: 1, accuracy: 1, coverage: 1 },
    });
    expect(groupOf({ id: 'x', question: 'q', answer: '1', fields: { level: 3 } }, 'level')).toBe('3');
  });

  test('problem files keep their other fields for grouping', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'problems-')), 'set.jsonl');
    const line = { id: 'own/1', problem: 'What is $2+3$?', answer: '5', solution: 'It is $\\boxed{5}$.', level: 1, type: 'Prealgebra' };
    fs.writeFileSync(file, JSON.stringify(line) + '\n');
    const rows = readProblemFile(file);
    expect(rows[0]!.fields).toHaveProperty('level');
    expect(rows[0]!.fields).not.toHaveProperty('solution');
    expect(typeof rows[0]!.question).toBe('string');
  });

  test('foundAnswers takes every valid terminal of the trees, not only the voted alternatives', () => {
    const leaf = (id: number, answer: string, valid = true): TreeJSON => ({
      id,
      text: 'x',
      kind: 'answer',
      valid,
      terminal: true,
      answer,
      N: 1,
      Q: 0,
      children: [],
    });
    const tree: TreeJSON = {
      id: 0,
      text: '',
      kind: 'root',
      valid: true,
      terminal: false,
      N: 3,
      Q: 0,
      children: [leaf(1, '8'), leaf(2, '29'), leaf(3, '5', false)],
    };
    const found = foundAnswers({ alternatives: [{ answer: '8', votes: 1, share: 1, bestScore: null }], trees: [tree] });
    expect(found.sort()).toEqual(['29', '8']);
  });
});

describe('named problem sets', () => {
  test('synth-ood-v3 is the version-3 held-out split (chat question kinds, each problem new in some way)', async () => {
    const { loadProblemSet } = await import('../../../src/lab/eval/problem-sets');
    const set = loadProblemSet('synth-ood-v3', 40);
    expect(set).toHaveLength(40);
    expect(new Set(set.map((p) => String(p.fields?.family)))).toContain('percent');
    expect(set.every((p) => Array.isArray(p.fields?.novelty) && (p.fields!.novelty as string[]).length > 0)).toBe(true);
  });

  test("everyday is the project's own chat questions, each with an answer the grader reads and a kind to group by", async () => {
    const { loadProblemSet, PROBLEM_SETS } = await import('../../../src/lab/eval/problem-sets');
    const { gradeAnswer } = await import('../../../src/engine/grading');
    expect(PROBLEM_SETS).toContain('everyday');
    const set = loadProblemSet('everyday');
    expect(set.length).toBeGreaterThanOrEqual(30);
    expect(new Set(set.map((p) => p.id)).size).toBe(set.length);
    for (const p of set) {
      expect(p.fields?.kind).toEqual(expect.any(String));
      // each answer grades right against itself and wrong against a different number
      expect(await gradeAnswer(p.answer, p.answer)).toBe(true);
      expect(await gradeAnswer(p.answer, '123457')).toBe(false);
    }
  });

  test('no everyday question is a worked example of a shipped prompt (same numbers as a demo question)', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { loadProblemSet } = await import('../../../src/lab/eval/problem-sets');
    const { repoPath } = await import('../../../src/paths');
    const numbers = (t: string) => (t.match(/\d+(?:\.\d+)?/g) ?? []).sort().join(' ');
    const demos: string[] = [];
    for (const dir of fs.readdirSync(repoPath('models'))) {
      const file = path.join(repoPath('models'), dir, 'manifest.json');
      if (!fs.existsSync(file)) continue;
      const fewshot = (JSON.parse(fs.readFileSync(file, 'utf8')) as { prompt?: { fewshot?: string } }).prompt?.fewshot ?? '';
      for (const m of fewshot.matchAll(/<\|im_start\|>user\n([\s\S]*?)<\|im_end\|>/g)) demos.push(numbers(m[1]!));
    }
    expect(demos.length).toBeGreaterThan(0);
    for (const p of loadProblemSet('everyday')) expect([p.id, demos.includes(numbers(p.question))]).toEqual([p.id, false]);
  });
});
