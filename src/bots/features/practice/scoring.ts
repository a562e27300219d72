/**
 * Scoring of a practice session: each solved problem is worth `points`, less `wrongCost` per wrong
 * attempt before the right one (at least 1), less `hintCost` per hint taken; members ranked by
 * points, then problems solved. Plus each problem's answers (every member's last one).
 */
import type { PracticeProblem } from './bank';
import type { MemberResult, PracticeSession } from './store';

export interface ProblemReport {
  n: number;
  problem: PracticeProblem;
  /** Each member's last answer. */
  answers: { userId: string; value: string; correct: boolean; attempts: number }[];
  solvedBy: string[];
}

export interface SessionReport {
  reason: 'timeout' | 'moderator';
  endedBy?: string;
  members: MemberResult[];
  problems: ProblemReport[];
}

export interface ScoringRules {
  points: number;
  wrongCost: number;
  hintCost: number;
}

type Attempt = { userId: string; problem: number; value: string; correct: boolean };
type Hint = { userId: string; count: number };

/** The results of a session from its attempts and hints. */
export function scoreSession(
  s: PracticeSession,
  reason: 'timeout' | 'moderator',
  attempts: Attempt[],
  hints: Hint[],
  o: ScoringRules,
): SessionReport {
  const users = [...new Set([...attempts.map((a) => a.userId), ...hints.map((h) => h.userId)])];
  const members: MemberResult[] = users.map((u) => {
    let points = 0;
    let solved = 0;
    const mine = attempts.filter((a) => a.userId === u);
    s.problems.forEach((_, i) => {
      const on = mine.filter((a) => a.problem === i + 1);
      const k = on.findIndex((a) => a.correct);
      if (k >= 0) {
        solved++;
        points += Math.max(1, o.points - o.wrongCost * k);
      }
    });
    const h = hints.filter((x) => x.userId === u).reduce((n, x) => n + x.count, 0);
    points = Math.max(0, points - o.hintCost * h);
    return { userId: u, points, solved, attempts: mine.length, hints: h };
  });
  members.sort((x, y) => y.points - x.points || y.solved - x.solved || x.userId.localeCompare(y.userId));
  const problems: ProblemReport[] = s.problems.map((problem, i) => {
    const on = attempts.filter((a) => a.problem === i + 1);
    const byUser = new Map<string, { userId: string; value: string; correct: boolean; attempts: number }>();
    for (const a of on) {
      byUser.set(a.userId, { userId: a.userId, value: a.value, correct: a.correct, attempts: (byUser.get(a.userId)?.attempts ?? 0) + 1 });
    }
    const answers = [...byUser.values()];
    return { n: i + 1, problem, answers, solvedBy: answers.filter((x) => x.correct).map((x) => x.userId) };
  });
  return { reason, endedBy: s.endedBy, members, problems };
}
