/**
 * `./stepwise bench lookup`: greedy decoding with and without prompt-lookup guesses
 * (src/engine/models/onnx/prompt-lookup.ts), side by side on the same steps: the first steps of
 * the default policy's greedy solutions to SynthMath OOD questions (the project's own held-out
 * generator; no benchmark data). Each step is decoded by both policies in turn, so the CPU's
 * state is the same for both; the texts must match. Figures: model calls, confirmed guesses and
 * seconds, and the speed-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_POLICY_DIR, loadPolicy } from '../src/engine/models';
import { OnnxPolicy } from '../src/engine/models/onnx/policy';
import { STEP_STOPS } from '../src/engine/steps/format';
import { REPO_ROOT } from '../src/paths';

export interface BenchLookupOptions {
  policyDir?: string;
  /** Questions (default 4) and most steps of each (default 4). */
  questions?: number;
  steps?: number;
  /** Tokens guessed per call in the "on" run (default 3). */
  draft?: number;
  /** Most tokens of one step (default 256, the search's). */
  maxTokens?: number;
  log?: (line: string) => void;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

export async function benchLookup(opts: BenchLookupOptions = {}): Promise<Record<string, number | string>> {
  const log = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const dir = opts.policyDir ?? DEFAULT_POLICY_DIR;
  const source = path.join(REPO_ROOT, 'data', 'synth', 'test-ood.jsonl');
  const questions = fs
    .readFileSync(source, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { question: string }).question)
    .slice(0, opts.questions ?? 4);
  const draft = opts.draft ?? 3;
  const off = await loadPolicy(dir, { onnx: { lookupDraft: 0 } });
  const on = await loadPolicy(dir, { onnx: { lookupDraft: draft } });
  if (!(off instanceof OnnxPolicy) || !(on instanceof OnnxPolicy)) throw new Error(`${dir}: bench lookup needs an ONNX policy`);
  log(`bench lookup: ${path.relative(process.cwd(), dir) || dir}, ${questions.length} questions, guesses of ${draft} tokens vs none`);
  const t = { off: { ms: 0, calls: 0 }, on: { ms: 0, calls: 0 } };
  let tokens = 0;
  let drafted = 0;
  let accepted = 0;
  let differ = 0;
  const params = { temperature: 0, topP: 1, maxTokens: opts.maxTokens ?? 256, stop: [...STEP_STOPS] };
  try {
    for (const [qi, question] of questions.entries()) {
      // both prefix caches hold the question's prompt before anything is timed
      for (const p of [off, on]) await p.sample([{ question, partial: '', n: 1, params: { ...params, maxTokens: 1 } }]);
      let partial = '';
      for (let step = 0; step < (opts.steps ?? 4); step++) {
        const texts: string[] = [];
        for (const [name, p] of [
          ['off', off],
          ['on', on],
        ] as const) {
          const t0 = performance.now();
          const [[s]] = await p.sample([{ question, partial, n: 1, params }]);
          t[name].ms += performance.now() - t0;
          t[name].calls += p.lastStats!.decodeSteps;
          if (name === 'on') {
            drafted += p.lastStats!.draftedTokens;
            accepted += p.lastStats!.acceptedTokens;
            tokens += p.lastStats!.generatedTokens;
          }
          texts.push(s!.text);
        }
        if (texts[0] !== texts[1]) differ++;
        partial += texts[0];
        if (/<end_of_code>|<end_of_answer>/.test(texts[0]!)) break;
      }
      log(
        `  question ${qi + 1}/${questions.length}: ${tokens} tokens so far, ${(t.off.ms / 1000).toFixed(1)} s without guesses, ${(t.on.ms / 1000).toFixed(1)} s with`,
      );
    }
  } finally {
    await Promise.all([off.close(), on.close()]);
  }
  return {
    policy: path.basename(dir),
    tokens,
    calls_without: t.off.calls,
    calls_with: t.on.calls,
    guessed_tokens: drafted,
    confirmed_tokens: accepted,
    seconds_without: round(t.off.ms / 1000, 1),
    seconds_with: round(t.on.ms / 1000, 1),
    speedup: round(t.off.ms / t.on.ms),
    steps_with_different_text: differ,
  };
}
