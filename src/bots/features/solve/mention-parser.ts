/**
 * What a user can ask the bot, parsed from a mention or a message: solve a question (with an
 * optional strategy and budget), reveal the next step, show all steps, list other answers, help.
 */
import { STRATEGY_NAMES, type StrategyName } from '../../../engine/index';
import type { RevealAction } from '../../core/present';

export type Command =
  | { kind: 'solve'; question: string; strategy?: StrategyName; budget?: number }
  | { kind: 'next' }
  | { kind: 'all' }
  | { kind: 'alternatives' }
  | { kind: 'help' };

/** Button / action ids shared by the platforms: `sw:<action>:<jobId>`. */
export const actionId = (action: RevealAction, jobId: string) => `sw:${action}:${jobId}`;
export function parseActionId(id: string): { action: RevealAction; jobId: string } | null {
  const m = /^sw:(next|all|alternatives):([\w-]+)$/.exec(id);
  return m ? { action: m[1] as RevealAction, jobId: m[2] } : null;
}

export const HELP_TEXT = [
  'Ask me a math question and I will solve it step by step, checking each step by running code.',
  '• `/solve question: <problem>` (optional `strategy` and `budget`), or mention me with the problem.',
  `• Options in a mention: \`strategy:<${STRATEGY_NAMES.join('|')}>\` and \`budget:<n>\` before the question.`,
  '• In an answer thread: `next step`, `show all`, `other answers` (or use the buttons).',
].join('\n');

/** Removes Discord (`<@123>`, `<@!123>`, `<@&1>`) and Slack (`<@U123>`, `<@U123|name>`) mentions. */
export function stripMentions(text: string): string {
  return text
    .replace(/<@[!&]?[\w|.-]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function parseCommand(raw: string): Command {
  let text = stripMentions(raw);
  const low = text
    .toLowerCase()
    .replace(/[.!?]+$/, '')
    .trim();
  if (/^(next( step)?|step)$/.test(low)) return { kind: 'next' };
  if (/^(show all|all( steps)?|show all steps)$/.test(low)) return { kind: 'all' };
  if (/^(other answers|alternatives|others)$/.test(low)) return { kind: 'alternatives' };
  if (/^(help|\?|)$/.test(low)) return { kind: 'help' };
  text = text.replace(/^\/?solve\b[:\s]*/i, '');
  let strategy: StrategyName | undefined;
  let budget: number | undefined;
  for (;;) {
    const m = /^(?:--)?(strategy|budget)[:=\s]\s*(\S+)\s*/i.exec(text);
    if (!m) break;
    if (m[1].toLowerCase() === 'strategy') strategy = m[2].toLowerCase() as StrategyName;
    else budget = Number(m[2]);
    text = text.slice(m[0].length);
  }
  return { kind: 'solve', question: text.trim(), strategy, budget };
}
