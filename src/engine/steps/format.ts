/**
 * The rStar-Math step format (arXiv 2501.04519, microsoft/rStar): parsing, serialising, program
 * assembly and answer extraction. Pure string functions; no model, no execution.
 *
 *   <code>\n# Step 1: ...\ncode\n<end_of_step>\n# Step 2: ...\n<end_of_step>\n# Now print the
 *   final answer\nprint(x)\n<end_of_code>\n<output>29<end_of_output>\n<answer>... \boxed{29}<end_of_answer>
 */

export const CODE = '<code>';
export const END_OF_STEP = '<end_of_step>';
export const END_OF_CODE = '<end_of_code>';
export const OUTPUT = '<output>';
export const END_OF_OUTPUT = '<end_of_output>';
export const ANSWER = '<answer>';
export const END_OF_ANSWER = '<end_of_answer>';

/** Stop strings for generating one step; the matched one stays at the end of the step text. */
export const STEP_STOPS = [END_OF_STEP, END_OF_CODE, END_OF_ANSWER] as const;

/**
 * code:      a code step ending in <end_of_step>
 * code_end:  the last code step, ending in <end_of_code> (its output is spliced in after running)
 * answer:    the answer node (contains \boxed or <end_of_answer>)
 * partial:   text that ended without any step stop (ran out of tokens or hit end-of-sequence)
 */
export type StepKind = 'code' | 'code_end' | 'answer' | 'partial';

export function stepKind(text: string): StepKind {
  if (text.includes('\\boxed') || text.includes(END_OF_ANSWER) || text.includes(ANSWER)) return 'answer';
  const t = text.trimEnd();
  if (t.endsWith(END_OF_CODE) || t.includes(END_OF_CODE)) return 'code_end';
  if (t.endsWith(END_OF_STEP)) return 'code';
  return 'partial';
}

/** The Python code of one step: markers removed, any spliced output block dropped. */
export function stepCode(text: string): string {
  let t = text;
  const out = t.indexOf(OUTPUT);
  if (out >= 0) t = t.slice(0, out);
  return t.split(CODE).join('').split(END_OF_STEP).join('').split(END_OF_CODE).join('');
}

/** The natural-language explanation of a step: its comment lines without the leading `#`. */
export function stepComment(text: string): string {
  return stepCode(text)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('#'))
    .map((l) => l.replace(/^#+\s?/, ''))
    .join('\n');
}

/** The code lines of a step without comments and blank lines. */
export function stepStatements(text: string): string {
  return stepCode(text)
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
    .join('\n');
}

/**
 * The program to execute for a candidate step: the code of every ancestor code step plus the
 * candidate's own code (every candidate re-runs the whole program, as in the reference).
 */
export function buildProgram(ancestors: readonly string[], candidate: string): string {
  const parts = [...ancestors, candidate].filter((s) => {
    const k = stepKind(s);
    return k === 'code' || k === 'code_end';
  });
  return parts.map(stepCode).join('\n').replace(/^\n+/, '') + '\n';
}

/** Appends the interpreter output to a <end_of_code> step, as the model saw it in training. */
export function spliceOutput(stepText: string, output: string): string {
  return `${stepText}\n${OUTPUT}${output}${END_OF_OUTPUT}`;
}

/** The <output> block content of a step, if it has one. */
export function stepOutput(text: string): string | undefined {
  const i = text.indexOf(OUTPUT);
  if (i < 0) return undefined;
  const j = text.indexOf(END_OF_OUTPUT, i);
  return text.slice(i + OUTPUT.length, j < 0 ? undefined : j);
}

/** The prose of an answer step: what is inside <answer>…<end_of_answer>. */
export function answerText(text: string): string {
  const i = text.indexOf(ANSWER);
  const body = i >= 0 ? text.slice(i + ANSWER.length) : text;
  return body.split(END_OF_ANSWER)[0].trim();
}

/**
 * A step as a reader sees it: what the engine hands the renderer, so nothing past the engine
 * parses the step format.
 */
export interface StepParts {
  /** The explanation: the comment lines without `#`, the leading "Step k:" label and outer blank space. */
  comment: string;
  /** The Python statements, comment and blank lines removed ('' for a step without code). */
  code: string;
  /** What the program printed up to and including this step (cumulative), when known. */
  output?: string;
  /** The closing prose of an answer step: what is inside <answer>…<end_of_answer>. */
  prose?: string;
}

const STEP_LABEL = /^\s*step\s*\d+\s*[:.)-]\s*/i;

/** An explanation without the "Step k:" label the format starts it with, trimmed. */
export function withoutStepLabel(comment: string): string {
  return comment
    .split('\n')
    .map((l, i) => (i === 0 ? l.replace(STEP_LABEL, '') : l))
    .join('\n')
    .trim();
}

/**
 * The one parser of a step's text into its parts. `observed` is what running the program printed
 * (the engine's observation); without it the output is read from a spliced <output> block.
 * The first step carries the prompt's assistant preamble before `<code>`; it is not part of the step.
 * An answer step may also carry code before its <answer> (the model wrote both in one step).
 */
export function stepParts(text: string, kind: StepKind = stepKind(text), observed?: string): StepParts {
  const at = text.indexOf(CODE);
  const body = at >= 0 ? text.slice(at + CODE.length) : text;
  if (kind === 'answer') {
    const before = body.includes(ANSWER) ? body.slice(0, body.indexOf(ANSWER)) : '';
    const output = observed ?? stepOutput(before);
    const parts = { comment: withoutStepLabel(stepComment(before)), code: stepStatements(before) };
    return { ...parts, ...(output !== undefined && { output }), prose: answerText(body) };
  }
  const output = observed ?? stepOutput(body);
  return { comment: withoutStepLabel(stepComment(body)), code: stepStatements(body), ...(output !== undefined && { output }) };
}

/**
 * A step with its parts: as given when it has them, else parsed from its text (and its
 * observation's output). Steps stored before steps carried their parts get them here.
 */
export function withParts<T extends { text: string; kind: StepKind; observation?: { output: string }; parts?: StepParts }>(
  step: T,
): T & { parts: StepParts } {
  if (step.parts) return step as T & { parts: StepParts };
  return { ...step, parts: stepParts(step.text, step.kind, step.observation?.output) };
}

/**
 * Written work (a person's steps in words and LaTeX) in the step format the scorer was trained on:
 * each step as a comment-only code step, the last as the answer node when it states a final
 * answer. (The PPM has seen Python steps with comments; prose in comments is the closest it knows.)
 */
export function writtenSteps(steps: readonly string[]): string[] {
  return steps.map((s, i) => {
    const last = i === steps.length - 1;
    const statesAnswer = /\\(boxed|fbox|framebox)/.test(s) || /\b(answer|therefore|thus|so)\b/i.test(s);
    if (last && statesAnswer) return `${i === 0 ? CODE : ''}\n${ANSWER}${s}${END_OF_ANSWER}`;
    const body = s
      .split('\n')
      .map((l) => `# ${l}`)
      .join('\n');
    return `${i === 0 ? `${CODE}\n` : '\n'}${body}\n${END_OF_STEP}`;
  });
}

/** Brace-matched content starting at `open` (the index of `{`); null when unbalanced. */
export function bracedAt(text: string, open: number): { content: string; end: number } | null {
  if (text[open] !== '{') return null;
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return { content: text.slice(open + 1, i), end: i + 1 };
    }
  }
  return null;
}

/** Replaces `\text{…}` (and \textbf, \mathrm, \mbox) by its content. */
export function unwrapText(s: string): string {
  let out = s;
  for (let guard = 0; guard < 50; guard++) {
    const m = /\\(?:text|textbf|textrm|mathrm|mbox)\s*\{/.exec(out);
    if (!m) break;
    const open = m.index + m[0].length - 1;
    const b = bracedAt(out, open);
    if (!b) break;
    out = out.slice(0, m.index) + b.content + out.slice(b.end);
  }
  return out;
}

/**
 * The final answer: the content of the last `\boxed{…}` (or `\fbox{…}`), brace-matched, with
 * `\text{…}` unwrapped. Also accepts `\boxed 5`. Null when there is none or it is unbalanced.
 */
export function extractBoxed(text: string): string | null {
  // \framebox takes optional [width][position] arguments before its box
  const re = /\\(?:boxed|fbox|framebox)\s*(?:\[[^\]]*\]\s*)*/g;
  let last: RegExpExecArray | null = null;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m;
  if (!last) return null;
  const at = last.index + last[0].length;
  if (text[at] === '{') {
    const b = bracedAt(text, at);
    return b ? unwrapText(b.content).trim() : null;
  }
  const bare = /^[^\s$.,]+/.exec(text.slice(at));
  return bare ? bare[0] : null;
}

/**
 * Splits a whole trajectory into step texts such that `splitSteps(t).join('') === t`.
 * A step ends after <end_of_step>, after <end_of_code> (plus the following <output> block), or
 * after <end_of_answer>; trailing text after the last stop becomes a final (partial) step.
 */
export function splitSteps(text: string): string[] {
  const steps: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    const hits = [END_OF_STEP, END_OF_CODE, END_OF_ANSWER]
      .map((s) => ({ s, i: rest.indexOf(s) }))
      .filter((h) => h.i >= 0)
      .sort((a, b) => a.i - b.i);
    if (hits.length === 0) {
      if (steps.length > 0 && rest.trim() === '') steps[steps.length - 1] += rest;
      else steps.push(rest);
      break;
    }
    const { s, i } = hits[0];
    let end = i + s.length;
    if (s === END_OF_CODE) {
      const m = /^\s*<output>[\s\S]*?<end_of_output>/.exec(rest.slice(end));
      if (m) end += m[0].length;
    }
    steps.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  return steps;
}

/** Joins step texts back into the trajectory text (the inverse of splitSteps). */
export function joinSteps(steps: readonly string[]): string {
  return steps.join('');
}
