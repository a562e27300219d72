/**
 * The answer cache: a finished search's result by question (normalised), strategy and budget, so
 * asking the same again is answered at once. Kept in the BotStore (SQLite, bounded); the scale-out
 * workers share theirs in Redis under the same key.
 */
import type { SearchResult } from '../../engine/index';
import type { BotStore } from './store';

/** The question normalised for the answer cache: Unicode NFKC, whitespace collapsed, trailing dots/question marks dropped. */
export function normaliseQuestion(q: string): string {
  return q
    .normalize('NFKC')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.?!]+$/, '');
}

export const cacheKey = (question: string, strategy: string, budget: number) => `${strategy}|${budget}|${normaliseQuestion(question)}`;

type Asked = { question: string; strategy: string; budget: number };

export class AnswerCache {
  constructor(private readonly store: BotStore) {}
  get(q: Asked): SearchResult | undefined {
    return this.store.getAnswer(cacheKey(q.question, q.strategy, q.budget));
  }
  put(q: Asked, result: SearchResult): void {
    this.store.putAnswer(cacheKey(q.question, q.strategy, q.budget), result);
  }
}
