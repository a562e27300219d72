/**
 * The engine's public face (src/engine/index.ts): steps carry their parsed parts, scoreSteps
 * scores written work, and every refusal or failure is an EngineError with a code.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createEngine, engineFrom, EngineError, type EngineErrorCode } from '../../src/engine/index';
import { ModelServerError } from '../../src/engine/models/server/http';
import { SandboxUnavailableError } from '../../src/engine/exec';
import { ScriptedPolicy, ScriptedScorer, ToyExecutor, type Script } from '../helpers/scripted';
import { QUESTION, RIGHT, toyScript } from './toy-problem';

const codeOf = async (p: Promise<unknown>): Promise<EngineErrorCode | string> =>
  p.then(
    () => 'no error',
    (err) => (err instanceof EngineError ? err.code : `not an EngineError: ${String(err)}`),
  );

describe('steps carry their parts', () => {
  test('each step of a solve has the explanation, code and output it ran with, and the answer its prose', async () => {
    const executor = new ToyExecutor();
    // greedy decoding of the toy script, its first step fixed to the right one
    const script: Script = (partial) => (partial === '' ? [{ text: RIGHT, weight: 1 }] : toyScript(partial));
    const engine = engineFrom(new ScriptedPolicy(script), undefined, executor);
    const r = await engine.solve(QUESTION, { strategy: 'greedy' });
    expect(r.answer).toBe('29');
    expect(r.trajectory.map((s) => s.parts)).toEqual([
      { comment: '3 boxes of 12 apples', code: 'apples = 3 * 12', output: '' },
      { comment: 'he gives 7 away', code: 'left = apples - 7', output: '' },
      { comment: 'Now print the final answer', code: 'print(left)', output: '29' },
      { comment: '', code: '', prose: 'Tom has \\boxed{29} apples left.' },
    ]);
    // the output is what running the program printed, and the code is what went into the program
    for (const s of r.trajectory.filter((t) => t.kind !== 'answer')) {
      expect(s.parts.output).toBe(s.observation?.output);
      expect(executor.runs.some((program) => program.includes(s.parts.code))).toBe(true);
    }
  });

  test('a failed step carries the error its code raised', async () => {
    const divide: Script = () => [{ text: '<code>\n# Step 1: divide\napples = 3 / 0\n<end_of_step>', weight: 1 }];
    const engine = engineFrom(new ScriptedPolicy(divide), undefined, new ToyExecutor());
    const r = await engine.solve(QUESTION, { strategy: 'greedy' });
    expect(r.answer).toBeNull();
    const output = expect.stringMatching(/ZeroDivisionError/);
    expect(r.trajectory[0].parts).toEqual({ comment: 'divide', code: 'apples = 3 / 0', output });
  });
});

describe('engine.scoreSteps (written work, for /check)', () => {
  const work = ['Step 1: 3 boxes of 12 apples: $3 \\cdot 12 = 36$.', 'Step 2: $36 - 7 = 29$.', 'So the answer is $\\boxed{29}$.'];

  test('one score per step, each step judged after the steps before it, clamped to [-1, 1]', async () => {
    const seen: string[] = [];
    // the scorer sees the written steps in the step format, each prefix once
    const scorer = new ScriptedScorer((text) => {
      seen.push(text);
      return text.includes('<answer>') ? 3 : text.includes('36 - 7') ? -0.25 : 0.5;
    });
    const engine = engineFrom(new ScriptedPolicy(toyScript), scorer, new ToyExecutor());
    expect(await engine.scoreSteps(QUESTION, work)).toEqual([0.5, -0.25, 1]);
    expect(seen).toHaveLength(3);
    expect(seen[0]).toBe('<code>\n# Step 1: 3 boxes of 12 apples: $3 \\cdot 12 = 36$.\n<end_of_step>');
    expect(seen[2].endsWith('\n<answer>So the answer is $\\boxed{29}$.<end_of_answer>')).toBe(true);
    expect(await engine.scoreSteps(QUESTION, [])).toEqual([]);
  });

  test('without a scorer, or with one that judges only code, it refuses with a code', async () => {
    const none = engineFrom(new ScriptedPolicy(toyScript), undefined, new ToyExecutor());
    expect(await codeOf(none.scoreSteps(QUESTION, work))).toBe('scorer_unavailable');
    const codeOnly = Object.assign(new ScriptedScorer(() => 0), { stepStyles: ['code' as const] });
    const engine = engineFrom(new ScriptedPolicy(toyScript), codeOnly, new ToyExecutor());
    expect(await codeOf(engine.scoreSteps(QUESTION, work))).toBe('scorer_code_only');
    expect(codeOnly.calls).toBe(0);
  });
});

describe('typed engine errors', () => {
  const engine = engineFrom(new ScriptedPolicy(toyScript), undefined, new ToyExecutor());

  test('questions the engine refuses', async () => {
    expect(await codeOf(engine.solve('   '))).toBe('question_empty');
    expect(await codeOf(engine.solve(`What is ${'1 + '.repeat(2000)}1?`))).toBe('question_too_long');
    expect(await codeOf(engine.solve('hello, can you help me?'))).toBe('not_math');
    expect(await codeOf(engine.solve(QUESTION, { strategy: 'magic' as never }))).toBe('unknown_strategy');
    expect(await codeOf(engine.solve(QUESTION, { strategy: 'greedy', maxDepth: 0 }))).toBe('bad_config');
  });

  test('a strategy that needs the missing scorer', async () => {
    expect(await codeOf(engine.solve(QUESTION, { strategy: 'mcts' }))).toBe('scorer_unavailable');
  });

  test('the sandbox and model servers failing', async () => {
    const noSandbox = engineFrom(new ScriptedPolicy(toyScript), undefined, {
      run: async () => Promise.reject(new SandboxUnavailableError('bwrap: setting up uid map: Permission denied')),
      close: async () => undefined,
    });
    expect(await codeOf(noSandbox.solve(QUESTION, { strategy: 'greedy' }))).toBe('sandbox_unavailable');
    expect(new ModelServerError('http://127.0.0.1:1', 'timed out after 5 ms', undefined, true, true).code).toBe('timeout');
    expect(new ModelServerError('http://127.0.0.1:1', 'response is not JSON', 500).code).toBe('model_server');
  });

  test('models that are not there, or not valid', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-models-'));
    expect(await codeOf(createEngine({ policyDir: path.join(dir, 'nope'), scorerDir: null }))).toBe('model_unavailable');
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{ not json');
    expect(await codeOf(createEngine({ policyDir: dir, scorerDir: null }))).toBe('model_invalid');
  });
});
