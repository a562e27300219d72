import { checkQuestion, search, QuestionError } from '../../../src/engine/search';
import type { SearchProgress, Step, TreeJSON } from '../../../src/engine/search/types';
import { ScriptedPolicy } from '../../helpers/scripted';
import { QUESTION, toyDeps, toyScript } from '../toy-problem';

function* nodes(t: TreeJSON): Generator<TreeJSON> {
  yield t;
  for (const c of t.children) yield* nodes(c);
}

describe('search strategies on a problem where greedy decoding is wrong', () => {
  test('greedy follows the most likely step and answers 8', async () => {
    const r = await search(QUESTION, toyDeps(), { strategy: 'greedy' });
    expect(r.answer).toBe('8');
    expect(r.trajectory.map((s) => s.kind)).toEqual(['code', 'code', 'code_end', 'answer']);
    expect(r.trajectory[2].text).toContain('<output>8<end_of_output>');
  });

  test('majority vote follows the majority of samples', async () => {
    const r = await search(QUESTION, toyDeps(), { strategy: 'vote', samples: 24, seed: 3 });
    expect(r.answer).toBe('8');
    expect(r.confidence.voteShare).toBeGreaterThan(0.5);
    expect(r.alternatives.map((a) => a.answer)).toContain('29');
  });

  test('best-of-n with the scorer picks the right trajectory', async () => {
    const r = await search(QUESTION, toyDeps(), { strategy: 'best-of-n', samples: 12, seed: 2 });
    expect(r.answer).toBe('29');
    expect(r.confidence.score).toBeCloseTo(0.8);
  });

  test('beam search keeps the scorer-preferred prefix', async () => {
    const r = await search(QUESTION, toyDeps(), { strategy: 'beam', beamWidth: 1, candidates: 12 });
    expect(r.answer).toBe('29');
    expect(r.trajectory[0].text).toContain('3 * 12');
  });

  test('MCTS with the PPM finds 29, reports every rollout, and returns a tree with N/Q', async () => {
    const progress: SearchProgress[] = [];
    const deps = toyDeps();
    const r = await search(
      QUESTION,
      deps,
      { strategy: 'mcts', rollouts: 6, candidates: 12, seed: 5 },
      { onProgress: (p) => progress.push(p) },
    );
    expect(r.answer).toBe('29');
    expect(r.confidence.score).toBeCloseTo(0.8);
    // every rollout is reported (and, in between, every expansion: the count of rollouts only grows)
    expect(
      progress
        .filter((p, i) => i === 0 || p.done !== progress[i - 1]!.done)
        .map((p) => p.done)
        .filter((d) => d > 0),
    ).toEqual([1, 2, 3, 4, 5, 6]);
    expect(progress.every((p) => p.total === 6 && p.unit === 'rollout')).toBe(true);
    expect(progress.at(-1)?.bestAnswer).toBe('29');
    const tree = r.trees?.[0] as TreeJSON;
    const first = tree.children;
    // de-duplication: sibling texts are distinct
    expect(new Set(first.map((c) => c.text)).size).toBe(first.length);
    const right = first.find((c) => c.text.includes('3 * 12'));
    const wrong = first.find((c) => c.text.includes('3 + 12'));
    const broken = first.find((c) => c.text.includes('3 / 0'));
    expect(right && wrong && broken).toBeTruthy();
    expect(right!.Q).toBeGreaterThan(wrong!.Q);
    // a step whose code raises is an invalid terminal with a local -1
    expect(broken).toMatchObject({ valid: false, terminal: true, N: 1, Q: -1 });
    // executed programs are cached per search
    expect(r.stats.executions).toBeLessThan(deps.executor.runs.length + 1);
    expect(r.stats.rollouts).toBe(6);
  });

  test('terminal-guided MCTS backs up the injected terminal value to every ancestor, without a scorer', async () => {
    const { scorer: _unused, ...deps } = toyDeps();
    const valued: string[] = [];
    const terminalValue = (path: readonly Step[]) => {
      const answer = path[path.length - 1].answer as string;
      valued.push(answer);
      return answer === '29' ? 1 : -1;
    };
    const r = await search(
      QUESTION,
      deps,
      { strategy: 'mcts', backup: 'terminal-guided', rollouts: 8, candidates: 12, seed: 1 },
      { terminalValue },
    );
    const all = [...nodes(r.trees![0])];
    const answers = all.filter((n) => n.kind === 'answer');
    expect(answers.length).toBeGreaterThan(0);
    const right = (a: TreeJSON) => a.valid && a.answer === '29';
    for (const a of answers) expect(a.Q).toBe(right(a) ? 1 : -1);
    expect(answers.some(right)).toBe(true);
    expect(valued.length).toBe(answers.filter((a) => a.valid).length);
    const root = r.trees![0];
    // root N counts every terminal back-up (valid answers only reach the root)
    expect(root.N).toBe(answers.reduce((s, a) => s + a.N, 0));
  });

  test('the synthesis back-ups refuse to run without a terminal value (search knows no gold answer)', async () => {
    const { scorer: _unused, ...deps } = toyDeps();
    await expect(search(QUESTION, deps, { strategy: 'mcts', backup: 'terminal-guided', rollouts: 2, candidates: 4 })).rejects.toThrow(
      /needs a terminal value/,
    );
  });

  test('several MCTS runs answer by a top-K vote and keep one tree per run', async () => {
    const r = await search(QUESTION, toyDeps(), { strategy: 'mcts', runs: 4, topK: 3, rollouts: 3, candidates: 4 });
    expect(r.trees).toHaveLength(4);
    expect(r.answer).toBe('29');
    expect(r.alternatives[0].answer).toBe('29');
  });

  test('greedy draws a failed step again instead of ending the answer there', async () => {
    // The most likely first step uses a name it never defined; the sampled alternatives run.
    const forgetful = new ScriptedPolicy((p) => {
      if (p === '')
        return [
          { text: '<code>\n# Step 1: double the boxes\napples = boxes * 12\n<end_of_step>', weight: 1 },
          { text: '<code>\n# Step 1: 3 boxes of 12 apples\napples = 3 * 12\n<end_of_step>', weight: 0.9 },
          { text: '<code>\n# Step 1: 3 boxes, 12 apples each\napples = 3 * 12\n<end_of_step>', weight: 0.9 },
        ];
      return toyScript(p);
    });
    const pure = await search(QUESTION, { ...toyDeps(), policy: forgetful }, { strategy: 'greedy', redraws: 0 });
    expect(pure.answer).toBeNull();
    expect(pure.trajectory.at(-1)?.invalidReason).toBe("the code failed: NameError: name 'boxes' is not defined");
    const redrawn = await search(QUESTION, { ...toyDeps(), policy: forgetful }, { strategy: 'greedy', redraws: 8 });
    expect(redrawn.answer).toBe('29');
    expect(redrawn.trajectory[0].text).toContain('3 * 12');
    expect(redrawn.trajectory.every((s) => s.valid)).toBe(true);
    expect(redrawn.stats.samples).toBeGreaterThan(pure.stats.samples);
  });

  test('a policy that never ends stops at max depth without an answer', async () => {
    const loop = new ScriptedPolicy((p) => [{ text: `\nx${p.length % 7} = 1\n<end_of_step>`, weight: 1 }]);
    const r = await search(QUESTION, { ...toyDeps(), policy: loop }, { strategy: 'mcts', maxDepth: 3, rollouts: 4, candidates: 2 });
    expect(r.answer).toBeNull();
    const g = await search(QUESTION, { ...toyDeps(), policy: loop }, { strategy: 'greedy', maxDepth: 3 });
    expect(g.answer).toBeNull();
    expect(g.trajectory.at(-1)?.invalidReason).toBe('too many steps');
  });

  test('cancelling returns what was found so far', async () => {
    const controller = new AbortController();
    const r = await search(
      QUESTION,
      toyDeps(),
      { strategy: 'mcts', rollouts: 50, candidates: 4 },
      {
        signal: controller.signal,
        onProgress: (p) => p.done === 3 && controller.abort(),
      },
    );
    expect(r.cancelled).toBe(true);
    expect(r.stats.rollouts).toBeLessThan(50);
  });

  test('empty and huge questions are refused with a friendly message', async () => {
    await expect(search('   ', toyDeps())).rejects.toThrow(QuestionError);
    await expect(search('x'.repeat(5000), toyDeps())).rejects.toThrow(/limit is 4000/);
    // chit-chat is not answered with a made-up number
    await expect(search('hello, can you help me?', toyDeps())).rejects.toThrow(/does not look like a math problem/);
    for (const q of ['What is the square root of two?', 'Solve 2x + 3 = 11', 'What is $\\frac{a}{b}$ when a is twice b?'])
      expect(() => checkQuestion(q)).not.toThrow();
  });
});

describe('engine', () => {
  test('a solve reports which models answered, with the policy notice for readers', async () => {
    const { engineFrom } = await import('../../../src/engine/index');
    const deps = toyDeps();
    const policy = Object.assign(deps.policy, { notice: 'A toy policy: only knows apples.' });
    const engine = engineFrom(policy, deps.scorer, deps.executor);
    const r = await engine.solve(QUESTION, { strategy: 'greedy' });
    expect(r.models).toEqual({ policy: policy.name, scorer: deps.scorer.name, notice: 'A toy policy: only knows apples.' });
    const plain = await engineFrom(toyDeps().policy, undefined, toyDeps().executor).solve(QUESTION, { strategy: 'greedy' });
    expect(plain.models).toEqual({ policy: policy.name, scorer: null });
  });

  test('one finished solution is never sure, however many rollouts revisit it and whatever the rule', async () => {
    const { engineFrom } = await import('../../../src/engine/index');
    const { RIGHT } = await import('../toy-problem');
    const deps = toyDeps();
    // a policy that can only ever write one solution: every rollout reaches the same terminal
    const lone = (partial: string) => (partial === '' ? [{ text: RIGHT, weight: 1 }] : toyScript(partial).slice(0, 1));
    for (const rule of [{ minVoteShare: 0.7 }, {}]) {
      const engine = engineFrom(new ScriptedPolicy(lone, rule), deps.scorer, deps.executor);
      const mcts = await engine.solve(QUESTION, { strategy: 'mcts', rollouts: 8, seed: 3 });
      expect(mcts.answer).toBe('29');
      expect(mcts.alternatives).toEqual([expect.objectContaining({ answer: '29', votes: 1 })]);
      expect(mcts.verdict).toMatchObject({ sure: false, reasons: ['single-attempt'], signals: { voteShare: null } });
      const greedy = await engine.solve(QUESTION, { strategy: 'greedy' });
      expect(greedy.answer).toBe('29');
      expect(greedy.verdict).toMatchObject({ sure: false, reasons: ['single-attempt'], signals: { voteShare: null } });
    }
  });

  test('MCTS does not stop on one vote: a tree that collapses onto one solution samples again before it gives up', async () => {
    const { engineFrom } = await import('../../../src/engine/index');
    const { RIGHT } = await import('../toy-problem');
    const deps = toyDeps();
    // The first expansion of the root can only write RIGHT; any later one writes another right first step.
    const OTHER = '<code>\n# Step 1: 12 apples in each of 3 boxes\napples = 12 * 3\n<end_of_step>';
    let rootCalls = 0;
    const script = (partial: string) =>
      partial === '' ? [{ text: rootCalls++ === 0 ? RIGHT : OTHER, weight: 1 }] : toyScript(partial).slice(0, 1);
    const engine = engineFrom(new ScriptedPolicy(script, { minVoteShare: 0.7 }), deps.scorer, deps.executor);
    const r = await engine.solve(QUESTION, { strategy: 'mcts', rollouts: 16, candidates: 4, seed: 3 });
    expect(r.answer).toBe('29');
    expect(r.alternatives).toEqual([expect.objectContaining({ answer: '29', votes: 2 })]);
    expect(r.verdict).toMatchObject({ sure: true, signals: { voteShare: 1 } });
    const first = r.trees?.[0].children.map((c) => c.text);
    expect(first).toEqual([RIGHT, OTHER]);
  });

  test("a greedy answer is vouched for by the policy's certainty under a rule calibrated on greedy, and only there", async () => {
    const { engineFrom } = await import('../../../src/engine/index');
    const deps = toyDeps();
    // every step of the toy solutions written with probability e^-0.05, except the ones named
    const script = (unsure: RegExp | null) => (partial: string) =>
      toyScript(partial).map((o) => ({ ...o, logprob: unsure?.test(o.text) ? -3 : -0.05 }));
    const rule = { minTokenProb: 0.9, strategy: 'greedy' };
    const certain = await engineFrom(new ScriptedPolicy(script(null), rule), deps.scorer, deps.executor).solve(QUESTION, {
      strategy: 'greedy',
    });
    expect(certain.answer).not.toBeNull();
    expect(certain.verdict).toMatchObject({ sure: true, reasons: [], signals: { voteShare: null } });
    expect(certain.verdict!.signals.tokenProb).toBeCloseTo(Math.exp(-0.05), 9);
    expect(certain.verdict!.signals.solutionLogprob).toBeCloseTo(-0.05 * certain.trajectory.length, 9);
    // one hesitant step (the answer) pulls the mean per token below the threshold
    const hesitant = await engineFrom(new ScriptedPolicy(script(/boxed/), rule), deps.scorer, deps.executor).solve(QUESTION, {
      strategy: 'greedy',
    });
    expect(hesitant.answer).toBe(certain.answer); // the same search; only the verdict differs
    expect(hesitant.verdict).toMatchObject({ sure: false, reasons: ['hesitant'] });
    expect(hesitant.verdict!.signals.tokenProb).toBeLessThan(0.9);
    // the same rule says nothing about another search's answers
    const mcts = await engineFrom(new ScriptedPolicy(script(null), rule), deps.scorer, deps.executor).solve(QUESTION, {
      strategy: 'mcts',
      rollouts: 8,
      seed: 3,
    });
    expect(mcts.verdict).toMatchObject({ sure: false, reasons: ['uncalibrated-search'] });
  });

  test("each answer comes with a verdict from the policy's abstention rule and its question loss", async () => {
    const { engineFrom } = await import('../../../src/engine/index');
    const make = (loss: number | Error) => {
      const deps = toyDeps();
      const policy = Object.assign(deps.policy, {
        abstention: { maxQuestionLoss: 5 },
        questionLoss: async () => {
          if (loss instanceof Error) throw loss;
          return loss;
        },
      });
      return engineFrom(policy, deps.scorer, deps.executor);
    };
    const familiar = await make(2).solve(QUESTION, { strategy: 'mcts', rollouts: 8, seed: 3 });
    expect(familiar.verdict).toMatchObject({ sure: true, signals: { questionLoss: 2 } });
    const strange = await make(9).solve(QUESTION, { strategy: 'mcts', rollouts: 8, seed: 3 });
    expect(strange.answer).toBe(familiar.answer); // the search is the same; only the verdict differs
    expect(strange.verdict).toMatchObject({ sure: false, reasons: ['unfamiliar-question'] });
    // a familiarity backend that fails never costs the answer: the signal is just missing
    const failing = await make(new Error('backend down')).solve(QUESTION, { strategy: 'mcts', rollouts: 8, seed: 3 });
    expect(failing.answer).toBe(familiar.answer);
    expect(failing.verdict).toMatchObject({ sure: true, signals: { questionLoss: null } });
  });
});

describe('the user budget', () => {
  test('each strategy maps it onto its own size parameter', async () => {
    const { budgetConfig } = await import('../../../src/engine/index');
    expect(budgetConfig('mcts', 7)).toEqual({ strategy: 'mcts', rollouts: 7 });
    expect(budgetConfig('vote', 5)).toEqual({ strategy: 'vote', samples: 5 });
    expect(budgetConfig('best-of-n', 5)).toEqual({ strategy: 'best-of-n', samples: 5 });
    expect(budgetConfig('beam', 40)).toEqual({ strategy: 'beam', beamWidth: 16 });
    expect(budgetConfig('greedy', 9)).toEqual({ strategy: 'greedy' });
  });
});
