/**
 * Text forms of `/practice` and `/check` (Slack slash commands carry one text field; Discord has
 * options), the problem images, and the results text shared by the platforms.
 */
import { classifyBlock } from '../../../render/latex';
import type { Thread } from '../../../render/types';
import type { SessionReport } from './scoring';

export type PracticeCommand =
  | { kind: 'start'; set?: string; count?: number; minutes?: number }
  | { kind: 'answer'; n: number; value: string }
  | { kind: 'hint'; n: number }
  | { kind: 'end' }
  | { kind: 'leaderboard'; season?: string }
  | { kind: 'season'; name: string }
  | { kind: 'help' }
  | { kind: 'error'; message: string };

export const PRACTICE_HELP = [
  'Timed practice (answers are private):',
  '• `/practice start [set] [count] [minutes]`: post problems in a thread with a countdown (sets: aime, aime2024, aime2025, amc23, or a club set).',
  '• `/practice answer <n> <value>`: answer problem n (AIME answers are integers 0-999; attempts are limited).',
  '• `/practice hint <n>`: the next step of my own solution (costs points; only you see it).',
  '• `/practice end` (moderators), `/practice leaderboard [season]`, `/practice season <name>` (moderators).',
  '• `/check <problem or id> --- <your solution>`: scores each step of your solution.',
].join('\n');

const int = (s: string | undefined) => (s !== undefined && /^-?\d+$/.test(s) ? Number(s) : NaN);

/** `/practice …` text (Slack). */
export function parsePracticeText(raw: string): PracticeCommand {
  const text = raw.trim();
  const [head = '', ...rest] = text.split(/\s+/);
  const sub = head.toLowerCase();
  if (sub === '' || sub === 'help') return { kind: 'help' };
  if (sub === 'start') {
    const out: { kind: 'start'; set?: string; count?: number; minutes?: number } = { kind: 'start' };
    const nums: number[] = [];
    for (const tok of rest) {
      const kv = /^(set|count|minutes|problems|time)[:=](.+)$/i.exec(tok);
      if (kv) {
        const k = kv[1].toLowerCase();
        if (k === 'set') out.set = kv[2];
        else if (k === 'count' || k === 'problems') out.count = int(kv[2]);
        else out.minutes = int(kv[2]);
      } else if (/^\d+$/.test(tok)) nums.push(Number(tok));
      else if (!out.set) out.set = tok;
      else return { kind: 'error', message: `I did not understand "${tok}". Usage: \`/practice start [set] [count] [minutes]\`.` };
    }
    if (nums.length > 2) return { kind: 'error', message: 'Usage: `/practice start [set] [count] [minutes]`.' };
    if (nums[0] !== undefined) out.count = nums[0];
    if (nums[1] !== undefined) out.minutes = nums[1];
    return out;
  }
  if (sub === 'answer' || sub === 'a') {
    const n = int(rest[0]?.replace(/^#/, ''));
    const value = rest.slice(1).join(' ');
    if (!Number.isInteger(n) || !value)
      return { kind: 'error', message: 'Usage: `/practice answer <problem number> <your answer>`, e.g. `/practice answer 2 204`.' };
    return { kind: 'answer', n, value };
  }
  if (sub === 'hint') {
    const n = int(rest[0]?.replace(/^#/, ''));
    if (!Number.isInteger(n)) return { kind: 'error', message: 'Usage: `/practice hint <problem number>`.' };
    return { kind: 'hint', n };
  }
  if (sub === 'end' || sub === 'stop') return { kind: 'end' };
  if (sub === 'leaderboard' || sub === 'scores' || sub === 'board') return { kind: 'leaderboard', season: rest.join(' ') || undefined };
  if (sub === 'season') {
    if (!rest.length)
      return { kind: 'error', message: 'Usage: `/practice season <name>` (moderators), e.g. `/practice season 2025 spring`.' };
    return { kind: 'season', name: rest.join(' ') };
  }
  return { kind: 'error', message: `Unknown practice command "${head}".\n${PRACTICE_HELP}` };
}

/**
 * `/check` text (Slack): `<problem> --- <solution>` (a line of dashes, or `---` inline), or
 * `problem: … solution: …`. The problem may be a bank id such as `aime2024-I-1`.
 */
export function parseCheckText(raw: string): { problem: string; solution: string } | null {
  const text = raw.trim();
  const labelled = /^\s*(?:problem:)?\s*([\s\S]*?)\s*\bsolution:\s*([\s\S]*)$/i.exec(text);
  if (labelled && labelled[1].trim() && labelled[2].trim()) return { problem: labelled[1].trim(), solution: labelled[2].trim() };
  const sep = /\n\s*-{3,}\s*\n|\s-{3,}\s/.exec(text);
  if (sep) {
    const problem = text
      .slice(0, sep.index)
      .replace(/^problem:\s*/i, '')
      .trim();
    const solution = text.slice(sep.index + sep[0].length).trim();
    if (problem && solution) return { problem, solution };
  }
  // a bank id followed by the solution
  const id = /^([a-z]+\d*-[\w-]+)\s+([\s\S]+)$/i.exec(text);
  if (id) return { problem: id[1], solution: id[2] };
  return null;
}

export const CHECK_USAGE =
  'Usage: `/check <problem, or an id like aime2024-I-1> --- <your solution>`. Write your steps as "Step 1: …", one per line or paragraph, with LaTeX in $…$ and the final answer as \\boxed{…}.';

/** A thread holding only a problem statement, so the image maker typesets it (block id `problem-n`). */
export function problemThread(text: string, n: number): Thread {
  return {
    question: classifyBlock(`problem-${n}`, text),
    answer: null,
    answerBlock: null,
    confidence: { score: null, voteShare: null, votes: null, totalVotes: null },
    strategy: null,
    search: null,
    steps: [],
    final: null,
    alternatives: [],
    alternativesLine: null,
    cancelled: false,
    notice: null,
  };
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

/**
 * Results text: scores per member, then each problem's answer and what members answered.
 * `hide` wraps what should stay hidden (Discord spoilers); Slack shows it (the session is over).
 */
export function resultsText(report: SessionReport, b: (s: string) => string, hide: (s: string) => string): string {
  const lines: string[] = [];
  lines.push(
    report.reason === 'timeout' ? `⏰ ${b('Time is up!')} Results:` : `🛑 ${b('Session ended')} by <@${report.endedBy}>. Results:`,
  );
  if (report.members.length === 0) lines.push('Nobody answered this time.');
  const medal = ['🥇', '🥈', '🥉'];
  report.members.forEach((m, i) => {
    lines.push(
      `${medal[i] ?? `${i + 1}.`} <@${m.userId}>: ${b(plural(m.points, 'point'))} · ${m.solved}/${report.problems.length} solved · ${plural(m.attempts, 'attempt')}${m.hints ? ` · ${plural(m.hints, 'hint')}` : ''}`,
    );
  });
  lines.push('');
  lines.push(b('Answers'));
  for (const p of report.problems) {
    const given = p.answers.map((a) => `<@${a.userId}> ${a.value} ${a.correct ? '✅' : '❌'}`).join(', ');
    lines.push(
      `Problem ${p.n} (${p.problem.id}): ${hide(p.problem.answer)} · solved by ${p.solvedBy.length} of ${plural(p.answers.length, 'member')} who answered${given ? ` · ${hide(given)}` : ''}`,
    );
  }
  return lines.join('\n');
}

/** Splits text into chunks of at most `max` characters at paragraph, then line, boundaries. */
export function chunkText(text: string, max: number): string[] {
  const out: string[] = [];
  let cur = '';
  const pieces = text.split(/(\n\n)/);
  const push = (s: string) => {
    if ((cur + s).length <= max) {
      cur += s;
      return;
    }
    if (cur) out.push(cur);
    cur = '';
    if (s.length <= max) cur = s;
    else {
      for (const line of s.split('\n')) {
        if ((cur + line + '\n').length > max) {
          if (cur) out.push(cur);
          cur = '';
          for (let i = 0; i < line.length; i += max - 1) {
            const part = line.slice(i, i + max - 1);
            if (part.length >= max - 1) out.push(part);
            else cur = part + '\n';
          }
        } else cur += line + '\n';
      }
    }
  };
  for (const p of pieces) push(p);
  if (cur.trim()) out.push(cur);
  return out.map((c) => c.trim()).filter(Boolean);
}
