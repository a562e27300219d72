/**
 * MCTS data synthesis (spec §4-5): run rollouts over problems with known answers in
 * terminal-guided (rounds 1-2) or PPM-augmented (rounds 3+) mode, keep the trees, and extract
 * policy SFT records and PPM preference pairs.
 */
import type { Executor } from '../../engine/exec/types';
import { answersEqual } from '../../engine/grading';
import type { Policy, StepScorer } from '../../engine/models/types';
import { search } from '../../engine/search';
import type { BackupMode } from '../../engine/search/types';
import { gradeTrees, knownAnswerValue, type GradedTree } from './known-answer';
import { pairRecords, sftRecords, type PairRecord, type PromptFn, type SftRecord } from './pairs';

export interface KnownAnswerProblem {
  id: string;
  question: string;
  answer: string;
}

export interface SynthesisOptions {
  mode: Exclude<BackupMode, 'test'>;
  rollouts: number;
  candidates: number;
  maxDepth: number;
  seed: number;
  /** Problems searched at once (their model calls can be micro-batched together). */
  concurrency: number;
  temperature: number;
  prompt: PromptFn;
  onProgress?: (done: number, total: number, summary: SynthesisSummary) => void;
}

export interface SynthesisSink {
  tree?(problem: KnownAnswerProblem, trees: GradedTree[]): void;
  sft(record: SftRecord & { id: string }): void;
  pair(record: PairRecord & { id: string }): void;
}

export interface SynthesisSummary {
  problems: number;
  /** Problems with at least one correct trajectory in the tree. */
  solved: number;
  sft: number;
  pairs: number;
  failed: number;
  elapsedMs: number;
}

export async function synthesize(
  problems: readonly KnownAnswerProblem[],
  deps: { policy: Policy; scorer?: StepScorer; executor: Executor },
  opts: SynthesisOptions,
  sink: SynthesisSink,
): Promise<SynthesisSummary> {
  const started = Date.now();
  const summary: SynthesisSummary = { problems: 0, solved: 0, sft: 0, pairs: 0, failed: 0, elapsedMs: 0 };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < problems.length; i = next++) {
      const p = problems[i];
      try {
        const r = await search(
          p.question,
          { policy: deps.policy, scorer: deps.scorer, executor: deps.executor, sameAnswer: answersEqual },
          {
            strategy: 'mcts',
            backup: opts.mode,
            rollouts: opts.rollouts,
            candidates: opts.candidates,
            maxDepth: opts.maxDepth,
            temperature: opts.temperature,
            seed: opts.seed + i,
          },
          { terminalValue: knownAnswerValue(p.answer) },
        );
        const trees = gradeTrees(r.trees ?? [], p.answer);
        sink.tree?.(p, trees);
        const sft = sftRecords(p.question, trees);
        const pairs = pairRecords(p.question, trees, opts.prompt);
        sft.forEach((s) => sink.sft({ id: p.id, ...s }));
        pairs.forEach((s) => sink.pair({ id: p.id, ...s }));
        summary.sft += sft.length;
        summary.pairs += pairs.length;
        if (sft.length) summary.solved++;
      } catch (err) {
        summary.failed++;
        process.stderr.write(`synthesis: problem ${p.id} failed: ${(err as Error).message}\n`);
      }
      summary.problems++;
      summary.elapsedMs = Date.now() - started;
      opts.onProgress?.(summary.problems, problems.length, summary);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  summary.elapsedMs = Date.now() - started;
  return summary;
}
