/**
 * Training data from MCTS trees (spec §5), in the JSONL shapes of rStar-Math's released data:
 *  - policy SFT: per problem the top-2 correct trajectories by mean step Q → {query, response}
 *  - PPM pairs: at each node, top-2 children by Q that lead to a correct answer vs bottom-2 that
 *    lead only to wrong answers (up to 4 on the other side when one side has a single step), kept
 *    when Q_pos − Q_neg ≥ margin and the texts differ by ≥ minEditDistance characters; and at the
 *    final step, complete correct vs complete incorrect trajectories.
 *    → {prompt, pos, neg, pos_count, neg_count} (+ our fields: question, depth, q_pos, q_neg, kind)
 */
import type { GradedTree } from './known-answer';

export interface SftRecord {
  query: string;
  response: string;
  /** Mean step Q of the trajectory. */
  mean_q: number;
}

export interface PairRecord {
  prompt: string;
  pos: string;
  neg: string;
  pos_count: number;
  neg_count: number;
  question: string;
  /** The steps before the compared ones, concatenated (empty for the first step). */
  prefix: string;
  /** Number of steps before the compared ones (0: first step). */
  depth: number;
  q_pos: number;
  q_neg: number;
  /** 'step': sibling steps; 'final': complete trajectories. */
  kind: 'step' | 'final';
}

export interface PairOptions {
  margin: number;
  minEditDistance: number;
  /** Max complete-trajectory pairs per problem. */
  maxFinalPairs: number;
}

export const DEFAULT_PAIR_OPTIONS: PairOptions = { margin: 0.5, minEditDistance: 20, maxFinalPairs: 4 };

/** Builds the text the policy and PPM see before a step: the manifest template with the prefix. */
export type PromptFn = (question: string, partial: string) => string;

interface Outcome {
  correct: boolean;
  wrong: boolean;
}

/** Which answers lie below each node (by node id). */
function outcomes(root: GradedTree): Map<number, Outcome> {
  const map = new Map<number, Outcome>();
  const visit = (n: GradedTree): Outcome => {
    const o: Outcome = { correct: n.correct === true, wrong: n.correct === false || (n.terminal && !n.valid) };
    for (const c of n.children) {
      const co = visit(c);
      o.correct ||= co.correct;
      o.wrong ||= co.wrong;
    }
    map.set(n.id, o);
    return o;
  };
  visit(root);
  return map;
}

/** Every root-to-answer path ending in a graded answer. */
function answerPaths(root: GradedTree): GradedTree[][] {
  const out: GradedTree[][] = [];
  const walk = (n: GradedTree, path: GradedTree[]) => {
    const p = n.kind === 'root' ? path : [...path, n];
    if (n.kind === 'answer' && n.correct !== undefined) out.push(p);
    for (const c of n.children) walk(c, p);
  };
  walk(root, []);
  return out;
}

const meanQ = (path: GradedTree[]) => path.reduce((a, n) => a + n.Q, 0) / Math.max(1, path.length);
const text = (path: GradedTree[]) => path.map((n) => n.text).join('');

/** Top-2 distinct correct trajectories by mean step Q. */
export function sftRecords(question: string, trees: GradedTree[], topN = 2): SftRecord[] {
  const seen = new Set<string>();
  return trees
    .flatMap(answerPaths)
    .filter((p) => p[p.length - 1].correct)
    .map((p) => ({ query: question, response: text(p), mean_q: meanQ(p) }))
    .sort((a, b) => b.mean_q - a.mean_q)
    .filter((r) => !seen.has(r.response) && seen.add(r.response))
    .slice(0, topN);
}

/** Preference pairs for the PPM from one problem's trees. */
export function pairRecords(
  question: string,
  trees: GradedTree[],
  prompt: PromptFn,
  opts: PairOptions = DEFAULT_PAIR_OPTIONS,
): PairRecord[] {
  const pairs: PairRecord[] = [];
  for (const root of trees) {
    const below = outcomes(root);
    const visit = (node: GradedTree, prefix: string, depth: number) => {
      const kids = node.children;
      const pos = kids.filter((c) => below.get(c.id)?.correct).sort((a, b) => b.Q - a.Q);
      const neg = kids.filter((c) => !below.get(c.id)?.correct && below.get(c.id)?.wrong).sort((a, b) => a.Q - b.Q);
      if (pos.length && neg.length) {
        const P = pos.slice(0, neg.length === 1 ? 4 : 2);
        const N = neg.slice(0, pos.length === 1 ? 4 : 2);
        const kept: [GradedTree, GradedTree][] = [];
        for (const p of P)
          for (const n of N) if (p.Q - n.Q >= opts.margin && editDistanceAtLeast(p.text, n.text, opts.minEditDistance)) kept.push([p, n]);
        for (const [p, n] of kept) {
          pairs.push({
            prompt: prompt(question, prefix),
            pos: p.text,
            neg: n.text,
            pos_count: new Set(kept.map(([x]) => x.id)).size,
            neg_count: new Set(kept.map(([, y]) => y.id)).size,
            question,
            prefix,
            depth,
            q_pos: p.Q,
            q_neg: n.Q,
            kind: 'step',
          });
        }
      }
      for (const c of kids) if (!c.terminal) visit(c, prefix + c.text, depth + 1);
    };
    visit(root, '', 0);
  }
  // Final step: complete correct vs complete incorrect trajectories.
  const paths = trees.flatMap(answerPaths);
  const good = paths.filter((p) => p[p.length - 1].correct).sort((a, b) => meanQ(b) - meanQ(a));
  const bad = paths.filter((p) => !p[p.length - 1].correct).sort((a, b) => meanQ(a) - meanQ(b));
  for (let i = 0; i < Math.min(opts.maxFinalPairs, good.length, bad.length); i++) {
    const g = good[i % good.length];
    const b = bad[i % bad.length];
    pairs.push({
      prompt: prompt(question, ''),
      pos: text(g),
      neg: text(b),
      pos_count: Math.min(opts.maxFinalPairs, good.length),
      neg_count: Math.min(opts.maxFinalPairs, bad.length),
      question,
      prefix: '',
      depth: 0,
      q_pos: meanQ(g),
      q_neg: meanQ(b),
      kind: 'final',
    });
  }
  return pairs;
}

/** Levenshtein distance ≥ k, computed with early exit once every row is ≥ k. */
export function editDistanceAtLeast(a: string, b: string, k: number): boolean {
  if (Math.abs(a.length - b.length) >= k) return true;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin >= k) return true;
    prev = cur;
  }
  return prev[b.length] >= k;
}
