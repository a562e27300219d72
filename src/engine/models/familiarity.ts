/**
 * How familiar a question is to a policy: the mean surprise per word (nats) of the question under
 * a word trigram model of the questions the policy was trained on. A question worded like its
 * training data scores low; chit-chat, competition math or an unseen kind of word problem scores
 * high. One of the three abstention signals (src/engine/search/verdict.ts).
 *
 * The model is a small JSON file next to the policy (`files.familiarity` in its manifest), built by
 * `./stepwise familiarity build` from the policy's training questions. Smoothing: interpolated
 * Witten-Bell (trigram -> bigram -> unigram -> uniform over the vocabulary plus one unknown word).
 */
import fs from 'node:fs';

/** Words, numbers as one symbol, punctuation kept: the same tokens at build and at scoring time. */
export function familiarityTokens(text: string): string[] {
  const words = text
    .toLowerCase()
    .replace(/\$?\d[\d,]*(\.\d+)?/g, ' <num> ')
    .match(/<num>|[a-z]+(?:'[a-z]+)?|[^\sa-z]/g);
  return ['<s>', '<s>', ...(words ?? []), '</s>'];
}

export interface FamiliarityModelJSON {
  format: 'stepwise-familiarity-trigram-1';
  /** Questions it was built from (for the model card). */
  questions: number;
  /** n-gram key (words joined by a space) -> count; keys of 1, 2 and 3 words. */
  counts: Record<string, number>;
}

export class FamiliarityModel {
  private readonly counts: Map<string, number>;
  /** Distinct continuations of each context (Witten-Bell's T). */
  private readonly types = new Map<string, number>();
  /** Total count of each context as a prefix. */
  private readonly totals = new Map<string, number>();
  private readonly vocab: number;
  private readonly unigramTotal: number;

  constructor(readonly json: FamiliarityModelJSON) {
    this.counts = new Map(Object.entries(json.counts));
    let vocab = 0;
    let uni = 0;
    for (const [k, c] of this.counts) {
      const parts = k.split(' ');
      if (parts.length === 1) {
        vocab++;
        uni += c;
        continue;
      }
      const ctx = parts.slice(0, -1).join(' ');
      this.types.set(ctx, (this.types.get(ctx) ?? 0) + 1);
      this.totals.set(ctx, (this.totals.get(ctx) ?? 0) + c);
    }
    this.vocab = vocab + 1;
    this.unigramTotal = uni;
  }

  static load(file: string): FamiliarityModel {
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as FamiliarityModelJSON;
    if (json.format !== 'stepwise-familiarity-trigram-1') throw new Error(`${file}: not a familiarity model (format ${String(json.format)})`);
    return new FamiliarityModel(json);
  }

  /** Counts every n-gram (n = 1..3) of the questions; n-grams of 2-3 words seen once are dropped when `prune`. */
  static build(questions: Iterable<string>, prune = true): FamiliarityModel {
    const counts = new Map<string, number>();
    let n = 0;
    for (const q of questions) {
      n++;
      const t = familiarityTokens(q);
      for (let i = 2; i < t.length; i++) {
        for (const key of [t[i]!, `${t[i - 1]} ${t[i]}`, `${t[i - 2]} ${t[i - 1]} ${t[i]}`]) counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    const kept: Record<string, number> = {};
    for (const [k, c] of counts) if (!prune || c > 1 || !k.includes(' ')) kept[k] = c;
    return new FamiliarityModel({ format: 'stepwise-familiarity-trigram-1', questions: n, counts: kept });
  }

  private p(ctx: string, w: string, lower: number): number {
    const c = ctx ? this.counts.get(`${ctx} ${w}`) ?? 0 : this.counts.get(w) ?? 0;
    const total = ctx ? this.totals.get(ctx) ?? 0 : this.unigramTotal;
    const types = ctx ? this.types.get(ctx) ?? 0 : this.vocab - 1;
    if (total === 0) return lower;
    return (c + types * lower) / (total + types);
  }

  /** Mean negative log-probability per word of the question (nats). */
  surprise(question: string): number {
    const t = familiarityTokens(question);
    let nll = 0;
    for (let i = 2; i < t.length; i++) {
      const w = t[i]!;
      const p1 = this.p('', w, 1 / this.vocab);
      const p2 = this.p(t[i - 1]!, w, p1);
      const p3 = this.p(`${t[i - 2]} ${t[i - 1]}`, w, p2);
      nll -= Math.log(p3);
    }
    return nll / Math.max(1, t.length - 2);
  }
}
