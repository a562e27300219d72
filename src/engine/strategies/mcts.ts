/**
 * rStar-Math MCTS (spec §4): UCT without prior, sibling de-duplication and answer collapse (in the
 * step world), dead-end pruning, the three back-up modes, max depth, n candidates per expansion,
 * a number of rollouts per run, and the cross-run top-K scorer-ranked majority vote.
 */
import { tallyAnswers, type Candidate } from '../search/answers';
import type { Step, TerminalValue, TreeJSON } from '../search/types';
import type { StepWorld } from '../search/world';
import { seededRandom } from '../util/random';
import { isCancellation, type Strategy, type StrategyModule, type StrategyOutcome } from './types';

export class MctsNode {
  readonly children: MctsNode[] = [];
  N = 0;
  W = 0;
  /** Scorer value of this prefix (when scored). */
  score?: number;
  terminal: boolean;
  readonly depth: number;

  constructor(
    readonly id: number,
    readonly step: Step | null,
    readonly parent: MctsNode | null,
  ) {
    this.depth = parent ? parent.depth + 1 : 0;
    this.terminal = step?.terminal ?? false;
  }

  get Q(): number {
    return this.N > 0 ? this.W / this.N : 0;
  }

  /** The trajectory from the root to this node. */
  path(): Step[] {
    const steps: Step[] = [];
    for (let n: MctsNode | null = this; n?.step; n = n.parent) steps.unshift(n.step);
    return steps;
  }

  update(value: number): void {
    this.N += 1;
    this.W += value;
  }

  /** Adds `value` to this node and every ancestor. */
  backup(value: number): void {
    for (let n: MctsNode | null = this; n; n = n.parent) n.update(value);
  }

  isAnswer(): boolean {
    return this.step?.valid === true && this.step.answer !== undefined;
  }

  toJSON(): TreeJSON {
    return {
      id: this.id,
      text: this.step?.text ?? '',
      kind: this.step?.kind ?? 'root',
      valid: this.step?.valid ?? true,
      terminal: this.terminal,
      ...(this.step?.answer !== undefined ? { answer: this.step.answer } : {}),
      N: this.N,
      Q: this.Q,
      ...(this.score !== undefined ? { score: this.score } : {}),
      children: this.children.map((c) => c.toJSON()),
    };
  }

  *walk(): Generator<MctsNode> {
    yield this;
    for (const c of this.children) yield* c.walk();
  }
}

/** UCT without prior; the exploration term is 0 when either visit count is 0. */
export function uct(child: MctsNode, parent: MctsNode, c: number): number {
  const explore = parent.N > 0 && child.N > 0 ? c * Math.sqrt(Math.log(parent.N) / child.N) : 0;
  return child.Q + explore;
}

/** One MCTS run: `rollouts` rollouts from a fresh root. */
export class MctsRun {
  readonly root: MctsNode;
  private nextId = 1;
  private readonly random: () => number;
  /** Called after every expansion (progress within a rollout). */
  onExpand?: () => void;

  constructor(
    private readonly world: StepWorld,
    seed: number,
    /** The value a finished trajectory backs up; default (test time): its scorer value. */
    private readonly terminalValue?: TerminalValue,
  ) {
    this.root = new MctsNode(0, null, null);
    this.random = seededRandom(seed);
  }

  /** Runs one rollout; returns false when the whole tree is a dead end. */
  async rollout(): Promise<boolean> {
    const { maxDepth, candidates } = this.world.config;
    let node = this.root;
    for (;;) {
      if (node.terminal) return node !== this.root;
      if (node.depth >= maxDepth) {
        node.terminal = true;
        node.update(-1); // an invalid terminal (too many steps) gets a local -1 only
        return true;
      }
      if (node.children.length === 0) await this.expand(node, candidates);
      const open = node.children.filter((c) => !c.terminal);
      if (open.length === 0) {
        // Before pruning a node, one fresh set of samples while fewer than two solutions have
        // finished: a tree that collapses onto one solution must not end the search on one vote.
        if (await this.refill(node, candidates)) continue;
        node.terminal = true; // dead-end pruning: every child is terminal
        return node !== this.root;
      }
      node = this.select(node, open);
    }
  }

  /** The valid answer node with the highest Q (the answer of this run). */
  best(): MctsNode | null {
    let best: MctsNode | null = null;
    for (const n of this.root.walk()) if (n.isAnswer() && (best === null || n.Q > best.Q)) best = n;
    return best;
  }

  answers(): MctsNode[] {
    return [...this.root.walk()].filter((n) => n.isAnswer());
  }

  /** The finished solutions as answer candidates, each valued by its score (else its Q). */
  candidates(): Candidate[] {
    return this.answers().map((n) => ({ answer: n.step?.answer as string, score: n.score ?? n.Q }));
  }

  private select(parent: MctsNode, open: MctsNode[]): MctsNode {
    const c = this.world.config.exploration;
    let best: MctsNode[] = [];
    let bestScore = -Infinity;
    for (const child of open) {
      const s = uct(child, parent, c);
      if (s > bestScore + 1e-12) {
        best = [child];
        bestScore = s;
      } else if (Math.abs(s - bestScore) <= 1e-12) best.push(child);
    }
    return best[Math.floor(this.random() * best.length)];
  }

  private answerValue(answer: MctsNode): number {
    if (this.terminalValue) return this.terminalValue(answer.path());
    const { backup } = this.world.config;
    if (backup === 'test') return answer.score as number;
    throw new Error(`MCTS back-up "${backup}" needs a terminal value (hooks.terminalValue, e.g. correctness against the known answer)`);
  }

  /** Nodes already given their one refill. */
  private readonly refilled = new Set<MctsNode>();

  /**
   * Samples `n` more children for a node whose children are all terminal, when this run has fewer
   * than two finished solutions (once per node). Returns whether any new child was added.
   */
  private async refill(node: MctsNode, n: number): Promise<boolean> {
    if (this.refilled.has(node) || this.answers().length >= 2) return false;
    this.refilled.add(node);
    return (await this.expand(node, n)) > 0;
  }

  /** Adds up to `n` new children (texts already among the siblings, or a second answer step, are dropped); returns how many. */
  private async expand(node: MctsNode, n: number): Promise<number> {
    const [sampled] = await this.world.expand([node.path()], n);
    const known = new Set(node.children.map((c) => c.step?.text.trim()));
    const hasAnswer = node.children.some((c) => c.step?.kind === 'answer');
    const steps = sampled.filter((s) => !known.has(s.text.trim()) && !(hasAnswer && s.kind === 'answer'));
    const children = steps.map((s) => new MctsNode(this.nextId++, s, node));
    node.children.push(...children);
    const { backup } = this.world.config;
    const usesScorer = backup === 'test' || backup === 'ppm-augmented';
    const answers = children.filter((c) => c.isAnswer());
    const open = children.filter((c) => !c.terminal);
    // Test time scores answers (full solutions) too; the synthesis modes value them by the injected terminal value.
    const toScore = usesScorer ? [...open, ...(backup === 'test' ? answers : [])] : [];
    const scores = await this.world.score(toScore.map((c) => c.path()));
    toScore.forEach((c, i) => (c.score = scores[i]));
    for (const child of children) {
      if (!child.step?.valid)
        child.update(-1); // invalid terminal: local -1 only
      else if (child.isAnswer()) child.backup(this.answerValue(child));
      else if (usesScorer) child.update(child.score as number); // new non-terminal child: update on itself only
    }
    this.onExpand?.();
    return children.length;
  }
}

/**
 * MCTS with `runs` independent runs (concurrent, so their model calls can be batched together).
 * One run answers with its best terminal; several runs answer by a majority vote over the top-K
 * runs ranked by the score of their best terminal.
 */
export const mcts: Strategy = async (world, hooks) => {
  const { runs: runCount, rollouts, topK, seed } = world.config;
  const runs = Array.from({ length: runCount }, (_, i) => new MctsRun(world, seed * 7919 + i, hooks.terminalValue));
  const total = runCount * rollouts;
  let done = 0;
  let cancelled = false;
  const started = Date.now();
  const { earlyStopAgree, timeBudgetMs } = world.config;
  /** Whether to start no more rollouts: enough finished solutions agree, or the time is up. */
  const enough = (): boolean => {
    if (!earlyStopAgree && !timeBudgetMs) return false;
    const answers = runs.flatMap((r) => r.candidates());
    const elapsed = Date.now() - started;
    if (timeBudgetMs && (elapsed > 2 * timeBudgetMs || (elapsed > timeBudgetMs && answers.length > 0))) return true;
    if (earlyStopAgree < 2 || answers.length < earlyStopAgree) return false;
    const top = tallyAnswers(answers, world.deps.sameAnswer)[0];
    return !!top && top.votes >= earlyStopAgree && top.votes >= 0.75 * answers.length;
  };
  const bestOf = (run: MctsRun) => {
    const b = run.best();
    return b ? { node: b, score: b.score ?? b.Q } : null;
  };
  const report = () => {
    if (!hooks.onProgress) return; // finding the best answer walks every tree: not for nobody
    const top = runs.map(bestOf).reduce((a, b) => (b && (!a || b.score > a.score) ? b : a), null as ReturnType<typeof bestOf>);
    hooks.onProgress({
      strategy: 'mcts',
      done,
      total,
      unit: 'rollout',
      bestAnswer: top?.node.step?.answer ?? null,
      bestScore: top?.score ?? null,
      steps: world.stats.nodes,
    });
  };
  if (hooks.onProgress) runs.forEach((r) => (r.onExpand = report));
  try {
    await Promise.all(
      runs.map(async (run) => {
        for (let r = 0; r < rollouts; r++) {
          world.throwIfAborted();
          if (r > 0 && enough()) {
            done += rollouts - r;
            report();
            break;
          }
          const alive = await run.rollout();
          world.stats.rollouts++;
          done++;
          report();
          if (!alive) {
            done += rollouts - r - 1;
            break;
          }
        }
      }),
    );
  } catch (err) {
    if (!isCancellation(err, world)) throw err;
    cancelled = true;
  }
  const trees = runs.map((r) => r.root.toJSON());
  if (runCount === 1) {
    const best = bestOf(runs[0]);
    const candidates = runs[0].candidates();
    return outcome(best, candidates, trees, cancelled);
  }
  const ranked = runs
    .map(bestOf)
    .filter((b): b is NonNullable<typeof b> => b !== null)
    .sort((a, b) => b.score - a.score)
    .slice(0, topK);
  const candidates = ranked.map((b) => ({ answer: b.node.step?.answer as string, score: b.score }));
  const winner = tallyAnswers(candidates, world.deps.sameAnswer)[0];
  const best = winner ? (ranked.find((b) => world.deps.sameAnswer(winner.answer, b.node.step?.answer as string)) ?? null) : null;
  return outcome(best, candidates, trees, cancelled);
};

function outcome(
  best: { node: MctsNode; score: number } | null,
  candidates: Candidate[],
  trees: TreeJSON[],
  cancelled: boolean,
): StrategyOutcome {
  return {
    trajectory: best?.node.path() ?? [],
    answer: best?.node.step?.answer ?? null,
    score: best?.score ?? null,
    candidates,
    trees,
    cancelled,
  };
}

/** The budget is the number of rollouts (per run). */
export const mctsStrategy: StrategyModule = { run: mcts, needsScorer: true, budget: (budget) => ({ rollouts: budget }) };
