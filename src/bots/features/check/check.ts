/**
 * "Check my solution": a member's own step-by-step solution (text with LaTeX) is split into steps,
 * each step is scored in context by the engine (engine.scoreSteps: its step scorer, the PPM that
 * scores the bot's own steps), and the final answer is compared with the bot's own solve (a solve
 * job) and, for a bank problem, the official answer. The reply says plainly that this is a model's
 * judgement.
 */
import { extractAnswer, answersEqual, gradeAnswer } from '../../../engine/grading/index';
import { engineErrorCode, type SearchResult } from '../../../engine/index';
import { friendlyError, type SolveService } from '../../core/jobs';
import type { PlatformName } from '../../core/store';
import type { ProblemBank, PracticeProblem } from '../practice/bank';

export const MAX_CHECK_STEPS = 30;
export const MAX_SOLUTION_CHARS = 6000;

/**
 * Splits a member's solution into steps: at "Step n" markers when there are any, else at blank
 * lines (paragraphs), else at line breaks, else at sentence ends. Empty parts are dropped.
 */
export function splitUserSteps(text: string): string[] {
  const t = text.replace(/\r\n?/g, '\n').trim();
  if (!t) return [];
  const clean = (xs: string[]) => xs.map((x) => x.trim()).filter(Boolean);
  const marker = /(?:^|\n|\s)(?=(?:\*\*)?step\s*\d+\s*[:.)-])/gi;
  const byMarker = clean(t.split(marker));
  if (byMarker.length > 1) return merge(byMarker);
  const paras = clean(t.split(/\n\s*\n/));
  if (paras.length > 1) return merge(paras);
  const lines = clean(t.split('\n'));
  if (lines.length > 1) return merge(lines);
  // One line: sentence ends outside math ($…$).
  const sentences: string[] = [];
  let cur = '';
  let inMath = false;
  for (let i = 0; i < t.length; i++) {
    const ch = t[i];
    cur += ch;
    if (ch === '$' && t[i - 1] !== '\\') inMath = !inMath;
    if (!inMath && /[.!?;]/.test(ch) && /\s/.test(t[i + 1] ?? '') && !/\d/.test(t[i - 1] ?? '')) {
      sentences.push(cur);
      cur = '';
    }
  }
  sentences.push(cur);
  return merge(clean(sentences));
}

/** Keeps at most MAX_CHECK_STEPS steps by joining the shortest neighbours. */
function merge(steps: string[]): string[] {
  const out = [...steps];
  while (out.length > MAX_CHECK_STEPS) {
    let k = 0;
    for (let i = 1; i < out.length - 1; i++) if (out[i].length + out[i + 1].length < out[k].length + out[k + 1].length) k = i;
    out.splice(k, 2, `${out[k]}\n${out[k + 1]}`);
  }
  return out;
}

export interface CheckRequest {
  platform: PlatformName;
  userId: string;
  channelId: string;
  /** The problem text, or a bank id such as `aime2024-I-1`. */
  problem: string;
  solution: string;
}

export interface CheckReport {
  ok: boolean;
  /** When not ok: why (empty input, models missing, …). */
  message?: string;
  problem: string;
  bankProblem?: PracticeProblem;
  steps: string[];
  /** Per-step scores in [-1, 1]; null when no scorer is loaded. */
  scores: number[] | null;
  /** Why there are no scores. */
  scorerNote?: string;
  /** 0-based index of the first step that looks weak, or -1. */
  weakAt: number;
  /** The member's final answer as extracted, or null. */
  memberAnswer: string | null;
  botAnswer: string | null;
  /** Whether the member's answer matches the bot's (null: could not compare). */
  matchesBot: boolean | null;
  botNote?: string;
  officialAnswer?: string;
  matchesOfficial?: boolean | null;
}

export interface CheckOptions {
  /** A step "looks weak" when its score is below this (scores are in [-1, 1]). */
  weakBelow: number;
  /** A step also looks weak when its score drops this much below the previous step's. */
  weakDrop: number;
}

export const DEFAULT_CHECK: CheckOptions = { weakBelow: 0, weakDrop: 0.5 };

export class CheckService {
  readonly opts: CheckOptions;
  constructor(
    private readonly solver: SolveService,
    private readonly bank: ProblemBank | null,
    opts: Partial<CheckOptions> = {},
  ) {
    this.opts = { ...DEFAULT_CHECK, ...opts };
  }

  async check(req: CheckRequest): Promise<CheckReport> {
    const bankProblem = this.bank?.find(req.problem) ?? undefined;
    const problem = bankProblem?.problem ?? req.problem.trim();
    const base: CheckReport = {
      ok: false,
      problem,
      bankProblem,
      steps: [],
      scores: null,
      weakAt: -1,
      memberAnswer: null,
      botAnswer: null,
      matchesBot: null,
    };
    if (!problem) return { ...base, message: 'Give the problem (its text, or a problem id such as aime2024-I-1).' };
    if (!req.solution.trim())
      return { ...base, message: 'Give your solution: the steps of your work, e.g. "Step 1: … Step 2: …", with LaTeX in $…$.' };
    if (req.solution.length > MAX_SOLUTION_CHARS)
      return {
        ...base,
        message: `Your solution is too long to check (${req.solution.length} characters; the limit is ${MAX_SOLUTION_CHARS}).`,
      };
    const valid = this.solver.validate({ question: problem });
    if (!valid.ok) return { ...base, message: valid.message };
    const steps = splitUserSteps(req.solution);
    let memberAnswer: string | null = null;
    try {
      memberAnswer = extractAnswer(req.solution);
    } catch {
      memberAnswer = null;
    }
    const report: CheckReport = { ...base, ok: true, steps, memberAnswer };
    if (bankProblem) {
      report.officialAnswer = bankProblem.answer;
      report.matchesOfficial = memberAnswer === null ? null : answersEqual(bankProblem.answer, memberAnswer);
    }

    let engine;
    try {
      engine = await this.solver.engine();
    } catch (err) {
      report.scorerNote = friendlyError(err);
      report.botNote = report.scorerNote;
      return report;
    }
    const solveP = this.botSolve(req, problem, !!engine.scorer);
    try {
      report.scores = await engine.scoreSteps(problem, steps);
      report.weakAt = this.firstWeak(report.scores);
    } catch (err) {
      const code = engineErrorCode(err);
      if (code === 'scorer_unavailable') {
        report.scorerNote =
          'No step scorer is loaded on this server, so I cannot score your steps. (Admin: install the step scorer model, ./stepwise models fetch, or STEPWISE_SCORER_DIR.)';
      } else if (code === 'scorer_code_only') {
        // its scores of steps in words are noise (the shipped PPM gives about -0.95 to every one)
        report.scorerNote = `The step scorer on this server (${engine.scorer?.name}) was trained only on steps written as code (a comment plus Python), so it cannot judge steps written in words; I compared only your final answer. (Admin: a process reward model for written steps, e.g. models/qwen2.5-math-prm-7b, can judge them.)`;
      } else report.scorerNote = `Scoring the steps failed (${String((err as Error)?.message ?? err).slice(0, 200)}).`;
    }
    const solved = await solveP;
    if ('error' in solved) report.botNote = solved.error;
    else {
      report.botAnswer = solved.result.answer;
      if (solved.result.answer === null) report.botNote = 'My own solve found no answer, so I cannot compare.';
      else if (memberAnswer === null)
        report.botNote = 'I could not find a final answer in your solution (write it as \\boxed{…} or "the answer is …").';
      else report.matchesBot = await gradeAnswer(solved.result.answer, req.solution);
      if (solved.result.cancelled) report.botNote = 'My own solve ran out of time; its answer is the best found so far.';
      else if (solved.result.answer !== null && solved.result.verdict && !solved.result.verdict.sure)
        report.botNote = 'My own solve is not sure of its answer (only a best guess), so a match or mismatch with it proves little.';
    }
    return report;
  }

  firstWeak(scores: number[]): number {
    for (let i = 0; i < scores.length; i++) {
      if (scores[i] < this.opts.weakBelow) return i;
      if (i > 0 && scores[i - 1] - scores[i] >= this.opts.weakDrop) return i;
    }
    return -1;
  }

  private async botSolve(req: CheckRequest, problem: string, hasScorer: boolean): Promise<{ result: SearchResult } | { error: string }> {
    return new Promise((resolve) => {
      this.solver
        .submit(
          // counted against the member's own limits; 'internal' so no platform resumes it
          {
            platform: 'internal',
            userId: `${req.platform}:${req.userId}`,
            channelId: `${req.platform}:${req.channelId}`,
            question: problem,
            strategy: hasScorer ? undefined : 'vote',
          },
          {
            done: (_j, result) => resolve({ result }),
            failed: (_j, message) => resolve({ error: message }),
          },
        )
        .then((out) => {
          if (!out.ok) resolve({ error: out.message });
          else void out.finished.then(() => resolve({ error: 'My own solve was stopped (the bot is restarting?).' }));
        })
        .catch((err) => resolve({ error: friendlyError(err) }));
    });
  }
}

const fmt = (x: number) => (x >= 0 ? `+${x.toFixed(2)}` : x.toFixed(2));

/** The report as chat text (`bold` per platform). Long step texts are shortened. */
export function checkReportText(r: CheckReport, bold: (s: string) => string, maxChars = 1900): string {
  if (!r.ok) return `⚠ ${r.message}`;
  const lines: string[] = [];
  lines.push(
    bold(`Check of your solution (${r.steps.length} step${r.steps.length === 1 ? '' : 's'})`) +
      (r.bankProblem ? ` · problem ${r.bankProblem.id}` : ''),
  );
  if (r.scores) {
    if (r.weakAt >= 0) lines.push(`The reasoning first looks weak at ${bold(`step ${r.weakAt + 1}`)} (score ${fmt(r.scores[r.weakAt])}).`);
    else lines.push('No step looks weak to the step scorer.');
  } else lines.push(`⚠ ${r.scorerNote ?? 'No step scores.'}`);
  if (r.matchesBot === true) lines.push(`Final answer: ${bold(r.memberAnswer ?? '')} matches my own solve (${r.botAnswer}).`);
  else if (r.matchesBot === false) lines.push(`Final answer: ${bold(r.memberAnswer ?? '')} does not match my own solve (${r.botAnswer}).`);
  if (r.botNote) lines.push(r.botNote);
  if (r.officialAnswer !== undefined && r.matchesOfficial !== null && r.matchesOfficial !== undefined) {
    lines.push(`Official answer: ${r.matchesOfficial ? 'your answer matches it' : 'your answer does not match it'}.`);
  }
  const stepLines = r.steps.map((s, i) => {
    const score = r.scores ? `${fmt(r.scores[i])}${i === r.weakAt ? ' ⚠' : ''}  ` : '';
    const short = s.replace(/\s+/g, ' ').trim();
    return `${String(i + 1).padStart(2)}. ${score}${short.length > 70 ? `${short.slice(0, 69)}…` : short}`;
  });
  const note = r.scores
    ? "This is a model's judgement (a step scorer trained on the bot's own solutions, and the bot's own solve), not a proof: it can be wrong either way."
    : "The comparison is with the bot's own solve, which can be wrong too: it is not a proof either way.";
  let table = '```\n' + stepLines.join('\n') + '\n```';
  const budget = maxChars - lines.join('\n').length - note.length - 20;
  if (table.length > budget) {
    const keep: string[] = [];
    for (const l of stepLines) {
      if (keep.join('\n').length + l.length + 30 > budget) break;
      keep.push(l);
    }
    table = '```\n' + keep.join('\n') + `\n… (${stepLines.length - keep.length} more)\n` + '```';
  }
  lines.push(r.scores ? `Scores per step (from −1 to +1; higher looks more sound):\n${table}` : `Your steps as I read them:\n${table}`);
  lines.push(`_${note}_`);
  return lines.join('\n');
}
