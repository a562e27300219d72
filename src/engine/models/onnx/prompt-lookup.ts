/**
 * Prompt-lookup drafts (Saxena 2023, "prompt lookup decoding"): a solution re-uses much of its
 * context (the question's numbers and words, variable names from earlier steps, the step format's
 * markers), so the tokens that followed the last few tokens' most recent earlier occurrence are
 * a good guess at what comes next. The model checks a whole guess in one call (see generate.ts):
 * greedy output is unchanged, and every confirmed token is a model call saved.
 */

/**
 * Up to `max` tokens guessed to follow `context`: what followed the most recent earlier
 * occurrence of its last n tokens, for n from `maxNgram` down to `minNgram` (longer matches
 * first: they guess better). Empty when nothing matches.
 */
export function lookupDraft(context: readonly number[], max: number, maxNgram = 3, minNgram = 2): number[] {
  const L = context.length;
  if (max <= 0) return [];
  for (let n = Math.min(maxNgram, L - 1); n >= Math.max(1, minNgram); n--) {
    // the latest start i < L - n whose n tokens equal the last n
    for (let i = L - n - 1; i >= 0; i--) {
      let k = 0;
      while (k < n && context[i + k] === context[L - n + k]) k++;
      if (k === n) {
        const from = i + n;
        return context.slice(from, Math.min(from + max, L));
      }
    }
  }
  return [];
}
