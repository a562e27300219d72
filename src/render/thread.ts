/**
 * SearchResult (or a solution text in the rStar step format) → the platform-neutral Thread:
 * a header (question, answer, confidence, strategy, search size), one message per step
 * (explanation, code, output), the closing answer prose, and the alternatives line.
 * Pure functions.
 */
import type { AnswerSupport, SearchResult, Step } from '../engine/search/types';
import { findBoxed } from '../engine/grading/latex';
import { UNSURE_REASON_TEXT } from '../engine/search/verdict';
import {
  CODE,
  END_OF_ANSWER,
  END_OF_CODE,
  END_OF_STEP,
  ANSWER,
  extractBoxed,
  splitSteps,
  stepKind,
  stepParts,
  withoutStepLabel,
  withParts,
} from '../engine/steps/format';
import { programWorking } from './code-math';
import { checkTex, classifyBlock, looksLikeLatex, lowestTerms, mathBlock } from './latex';
import type { Thread, ThreadStep } from './types';

export interface BuildThreadOptions {
  /** Merge steps whose code only assigns given values / imports into the next step (default true). */
  mergeBookkeeping?: boolean;
}

interface RawStep {
  index: number;
  comment: string;
  statements: string;
  /** Cumulative program output after this step, when known. */
  output: string | undefined;
  ok: boolean;
  kind: Step['kind'];
  valid: boolean;
  invalidReason?: string;
  /** Prose of an answer step. */
  prose?: string;
}

/**
 * A trajectory step for grouping, from the parts the engine parsed. Steps without parts (results
 * stored before steps carried them) get them from the engine's step parser.
 */
function rawStep(step: Step, index: number): RawStep {
  const { parts } = withParts(step);
  const output = parts.output;
  return {
    index,
    comment: parts.comment,
    statements: parts.code,
    output,
    ok: step.observation?.ok ?? (step.kind === 'answer' || output === undefined || !/^\w*(Error|Exception)\b/m.test(output)),
    kind: step.kind,
    valid: step.valid,
    invalidReason: step.invalidReason,
    ...(step.kind === 'answer' && { prose: parts.prose }),
  };
}

const LITERAL_RHS = [
  /^[-+*/().,\s\d eE[\]]+$/, // numbers, arithmetic of numbers, tuples and lists of numbers
  /^(['"]).*\1$/, // a string
  /^(sp\.|sympy\.)?(symbols|Symbol|Rational|Integer|Float)\([^()]*\)$/,
];

/** A line of code that only records given data: an import or `name = literal`. */
function isBookkeepingLine(line: string): boolean {
  const l = line.trim();
  if (/^(import|from)\s+[\w.]+/.test(l)) return true;
  const m = /^[A-Za-z_]\w*(\s*,\s*[A-Za-z_]\w*)*\s*=\s*(.+)$/.exec(l);
  if (!m || /==/.test(l)) return false;
  const rhs = m[2].replace(/\s+#.*$/, '').trim();
  return LITERAL_RHS.some((re) => re.test(rhs));
}

function isBookkeeping(s: RawStep): boolean {
  return (
    s.kind === 'code' && s.valid && !s.output?.trim() && s.statements.trim() !== '' && s.statements.split('\n').every(isBookkeepingLine)
  );
}

/** `# Now print the final answer` + `print(x)`: its output belongs to the step before it. */
function isPrintOnly(s: RawStep): boolean {
  const lines = s.statements.split('\n').filter((l) => l.trim());
  return (
    s.kind === 'code_end' &&
    lines.length > 0 &&
    lines.every((l) => /^\s*print\(.*\)\s*$/.test(l)) &&
    (s.comment === '' || /print|final answer/i.test(s.comment))
  );
}

function label(indices: number[]): string {
  const a = indices[0] + 1;
  const b = indices[indices.length - 1] + 1;
  return a === b ? `Step ${a}` : `Steps ${a}–${b}`;
}

/** Groups raw steps into thread messages (bookkeeping merged forward, print-only merged back). */
function groupSteps(raw: RawStep[], merge: boolean): RawStep[][] {
  const groups: RawStep[][] = [];
  let pending: RawStep[] = [];
  for (const s of raw) {
    if (merge && isBookkeeping(s)) {
      pending.push(s);
      continue;
    }
    if (merge && pending.length === 0 && isPrintOnly(s) && groups.length > 0) {
      const prev = groups[groups.length - 1];
      if (prev.every((p) => p.kind === 'code' && p.valid)) {
        // "Now print the final answer" is boilerplate once the print joins the step before it.
        prev.push({ ...s, comment: /^now print the final answer\.?$/i.test(s.comment) ? '' : s.comment });
        continue;
      }
    }
    groups.push([...pending, s]);
    pending = [];
  }
  if (pending.length) groups.push(pending);
  return groups;
}

/** Output of this group only: the cumulative output minus what earlier steps already printed. */
function newOutput(full: string | undefined, before: string): string | undefined {
  if (full === undefined) return undefined;
  if (before && full.startsWith(before)) return full.slice(before.length).replace(/^\n/, '');
  return full;
}

interface Meta {
  answer: string | null;
  confidence: Thread['confidence'];
  strategy: string | null;
  search: string | null;
  alternatives: AnswerSupport[];
  cancelled: boolean;
  notice?: string | null;
  unsure?: Thread['unsure'];
}

function assemble(question: string, steps: Step[], meta: Meta, opts: BuildThreadOptions): Thread {
  const raw = steps.map(rawStep);
  const answerStep = [...raw].reverse().find((s) => s.kind === 'answer');
  // Code carried inside an answer step becomes a step of its own; the prose becomes `final`.
  const body = raw
    .map((s) => (s.kind === 'answer' ? { ...s, kind: 'code_end' as const, prose: undefined } : s))
    .filter((s, i) => raw[i].kind !== 'answer' || s.statements.trim() !== '' || s.comment !== '');
  const groups = groupSteps(body, opts.mergeBookkeeping ?? true);
  let printed = '';
  const threadSteps: ThreadStep[] = groups.map((g, n) => {
    const indices = g.map((s) => s.index);
    const comment = g
      .map((s) => s.comment)
      .filter(Boolean)
      .join('\n');
    const code = g
      .map((s) => s.statements)
      .filter((c) => c.trim())
      .join('\n');
    const withOutput = [...g].reverse().find((s) => s.output !== undefined);
    const out = newOutput(withOutput?.output, printed);
    if (withOutput?.output !== undefined) printed = withOutput.output;
    const bad = g.find((s) => !s.valid);
    const id = `step-${String(n + 1).padStart(2, '0')}`;
    const step: ThreadStep = {
      number: n + 1,
      label: label(indices),
      sourceSteps: indices,
      explanation: comment ? classifyBlock(id, comment) : null,
      code: code.trim() ? code : null,
      output: out !== undefined && out.trim() !== '' ? { text: out.replace(/\s+$/, ''), ok: withOutput!.ok } : null,
      work: null,
    };
    if (bad) step.invalid = bad.invalidReason ?? 'this step did not finish';
    return step;
  });
  // The working: each step's assignments as formulas, with the values the program printed.
  const working = programWorking(
    threadSteps.map((s) => ({ code: s.code ?? '', output: s.output?.text ?? '', ok: !s.invalid && (s.output?.ok ?? true) })),
  );
  threadSteps.forEach((s, i) => {
    const formulas = working[i].filter((f) => checkTex(f, true).ok);
    s.work = formulas.length
      ? classifyBlock(`step-${String(s.number).padStart(2, '0')}-work`, formulas.map((f) => `$$${f}$$`).join('\n'))
      : null;
  });
  const others = meta.alternatives
    .filter((a, i) => !(i === 0 && meta.answer !== null && a.answer === meta.answer))
    .filter((a) => a.answer !== meta.answer)
    .map((a) => ({ ...a, answer: lowestTerms(a.answer) }));
  // Shown in lowest terms ("1574/4" reads as 787/2); the search compared answers by value already.
  const answer = meta.answer === null ? null : lowestTerms(meta.answer);
  return {
    question: classifyBlock('question', question),
    answer,
    answerBlock: answer === null ? null : mathBlock('answer', answer),
    confidence: meta.confidence,
    strategy: meta.strategy,
    search: meta.search,
    steps: threadSteps,
    // A not-sure answer never looks checked: its closing prose loses the box ("The answer is 60").
    final: answerStep?.prose ? classifyBlock('final', meta.unsure ? unboxed(answerStep.prose) : answerStep.prose) : null,
    alternatives: others,
    alternativesLine: alternativesLine(others),
    cancelled: meta.cancelled,
    notice: meta.notice ?? null,
    unsure: meta.unsure ?? null,
  };
}

/** `\boxed{60}` / `\fbox{60}` / `\framebox{60}` replaced by their content. */
export function unboxed(text: string): string {
  let out = '';
  let at = 0;
  for (const b of findBoxed(text)) {
    out += text.slice(at, b.start) + b.content;
    at = b.end;
  }
  return out + text.slice(at);
}

const plural = (n: number, w: string) => `${n.toLocaleString('en-US')} ${w}${n === 1 ? '' : 's'}`;

/** "Other answers considered: 12 (2 votes), `\frac{1}{2}` (1 vote)"; LaTeX answers in code spans. */
export function alternativesLine(
  others: AnswerSupport[],
  format: (answer: string) => string = (a) => (looksLikeLatex(a) ? `\`${a}\`` : a),
  max = 5,
): string | null {
  if (others.length === 0) return null;
  const shown = others.slice(0, max).map((a) => {
    const ans = a.answer.replace(/`/g, "'").replace(/\s+/g, ' ').slice(0, 80);
    return `${format(ans)} (${plural(a.votes, 'vote')})`;
  });
  const more = others.length > max ? `, and ${others.length - max} more` : '';
  return `Other answers considered: ${shown.join(', ')}${more}`;
}

function searchSummary(r: SearchResult): string {
  const s = r.stats;
  const parts: string[] = [];
  switch (r.strategy) {
    case 'mcts':
      parts.push(plural(s.rollouts, 'rollout'));
      if (r.config.runs > 1) parts.push(plural(r.config.runs, 'run'));
      parts.push(plural(s.nodes, 'node'));
      break;
    case 'beam':
      parts.push(`beam width ${r.config.beamWidth}`, plural(s.nodes, 'node'));
      break;
    case 'vote':
    case 'best-of-n':
      parts.push(plural(s.samples || r.config.samples, 'sample'));
      break;
    case 'greedy':
      parts.push(plural(r.trajectory.length, 'step'));
      break;
  }
  parts.push(`${(s.elapsedMs / 1000).toFixed(1)} s`);
  return parts.join(' · ');
}

/** The verdict's reasons in words when the answer is not sure (a missing answer says so itself). */
function unsureOf(result: SearchResult): Thread['unsure'] {
  const v = result.verdict;
  if (!v || v.sure || result.answer === null) return null;
  return { reasons: v.reasons.filter((r) => r !== 'no-answer').map((r) => UNSURE_REASON_TEXT[r]) };
}

/** The thread for a search result. */
export function buildThread(result: SearchResult, opts: BuildThreadOptions = {}): Thread {
  const win = result.alternatives.find((a) => a.answer === result.answer) ?? (result.answer !== null ? result.alternatives[0] : undefined);
  const votes = win && win.share > 0 ? win.votes : null;
  return assemble(
    result.question,
    result.trajectory,
    {
      answer: result.answer,
      confidence: {
        score: result.confidence.score,
        voteShare: result.answer === null ? null : result.confidence.voteShare,
        votes,
        totalVotes: votes !== null && win ? Math.round(win.votes / win.share) : null,
        ...(result.answer !== null &&
          typeof result.verdict?.signals.tokenProb === 'number' && { tokenProb: result.verdict.signals.tokenProb }),
      },
      strategy: result.strategy,
      search: searchSummary(result),
      alternatives: result.alternatives,
      cancelled: result.cancelled,
      notice: result.models?.notice ?? null,
      unsure: unsureOf(result),
    },
    opts,
  );
}

const STEP_MARKERS = [CODE, END_OF_STEP, END_OF_CODE, ANSWER, END_OF_ANSWER];

/** Paragraphs of prose, never splitting a display formula, environment or [asy] block. */
export function proseParagraphs(text: string, minChars = 500): string[] {
  const balanced = (s: string) =>
    (s.match(/\$\$/g) ?? []).length % 2 === 0 &&
    (s.match(/\[asy\]/g) ?? []).length === (s.match(/\[\/asy\]/g) ?? []).length &&
    (s.match(/\\begin\{/g) ?? []).length === (s.match(/\\end\{/g) ?? []).length &&
    (s.match(/\\\[/g) ?? []).length === (s.match(/\\\]/g) ?? []).length;
  const out: string[] = [];
  let cur = '';
  for (const p of text.split(/\n[ \t]*\n/)) {
    cur = cur ? `${cur}\n\n${p}` : p;
    if (balanced(cur) && cur.length >= minChars) {
      out.push(cur.trim());
      cur = '';
    }
  }
  if (cur.trim()) {
    if (out.length && !balanced(cur)) out[out.length - 1] += `\n\n${cur.trim()}`;
    else out.push(cur.trim());
  }
  return out.filter(Boolean);
}

/**
 * The thread for a solution text (the render CLI): rStar step format, split with splitSteps.
 * Plain prose (no step markers, e.g. a MATH reference solution) becomes prose-only steps, with
 * the paragraph holding the last \boxed{} as the closing answer.
 */
export function threadFromSolutionText(question: string, solutionText: string, opts: BuildThreadOptions = {}): Thread {
  let steps: Step[];
  if (STEP_MARKERS.some((m) => solutionText.includes(m))) {
    steps = splitSteps(solutionText)
      .filter((t) => t.trim() !== '')
      .map((text) => {
        const kind = stepKind(text);
        const answer = kind === 'answer' ? (extractBoxed(text) ?? undefined) : undefined;
        return { text, kind, parts: stepParts(text, kind), valid: true, terminal: kind === 'answer', answer };
      });
  } else {
    const raw = proseParagraphs(solutionText, 0);
    let k = raw.length - 1;
    while (k >= 0 && !/\\(boxed|fbox|framebox)/.test(raw[k])) k--;
    const closing = k >= 0 ? raw.slice(k).join('\n\n') : null;
    const body: string[] = [];
    for (const p of k >= 0 ? raw.slice(0, k) : raw) {
      // Short paragraphs are shown together so the thread stays short.
      if (body.length && body[body.length - 1].length < 500) body[body.length - 1] += `\n\n${p}`;
      else body.push(p);
    }
    // prose paragraphs are explanations without code; the closing one is the answer's prose
    const explanation = (p: string) =>
      withoutStepLabel(
        p
          .split('\n')
          .map((l) => l.trimEnd())
          .join('\n'),
      );
    steps = body.map((p) => ({
      text: p,
      kind: 'code' as const,
      parts: { comment: explanation(p), code: '' },
      valid: true,
      terminal: false,
    }));
    if (closing !== null) {
      steps.push({ text: closing, kind: 'answer', parts: { comment: '', code: '', prose: closing.trim() }, valid: true, terminal: true });
    }
  }
  const answer = extractBoxed(solutionText);
  return assemble(
    question,
    steps,
    {
      answer,
      confidence: { score: null, voteShare: null, votes: null, totalVotes: null },
      strategy: null,
      search: null,
      alternatives: [],
      cancelled: false,
    },
    opts,
  );
}
