/** The bot's own solution of a practice problem as hints (one step at a time) and as a whole text. */
import type { SearchResult } from '../../../engine/index';
import { buildThread } from '../../../render/thread';

/** The steps of the bot's solution usable as hints: every step but the one that prints the answer. */
export function hintSteps(result: SearchResult): string[] {
  const t = buildThread(result);
  const steps = t.steps.map((s) => {
    const parts = [s.explanation?.source.trim() || s.label];
    if (s.code) parts.push('```python\n' + s.code.trim() + '\n```');
    return parts.join('\n');
  });
  return steps.length > 1 ? steps.slice(0, -1) : steps;
}

/** The bot's whole solution as text (steps with their code and output, then the answer). */
export function botSolutionText(result: SearchResult): string {
  const t = buildThread(result);
  const parts = t.steps.map((s) => {
    const lines = [`${s.label}: ${s.explanation?.source.trim() ?? ''}`.trim()];
    if (s.code) lines.push('```python\n' + s.code.trim() + '\n```');
    if (s.output) lines.push(`${s.output.ok ? 'Output' : 'Error'}: ${s.output.text.trim().slice(0, 300)}`);
    return lines.join('\n');
  });
  if (t.final) parts.push(t.final.source.trim());
  parts.push(t.unsure ? `Bot's best guess (not sure): ${result.answer}` : `Bot's answer: ${result.answer ?? 'none found'}`);
  return parts.join('\n\n');
}
