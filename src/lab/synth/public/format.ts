/**
 * The rStar step format (docs: ../shared/docs/rstar-math-spec.md §2) for mechanically converted
 * public solutions: a trajectory is a list of steps (one `# Step k:` comment + Python code) and
 * the expression printed as the final answer. The `<output>` block is never made up: it is the
 * sandbox's output of the program, spliced in after verification.
 */
export interface Step {
  /** One line of prose (newlines are folded to spaces). */
  comment: string;
  /** Python code of the step (one or more lines). */
  code: string;
}

export interface Trajectory {
  steps: Step[];
  /** Python expression printed by the final `print(...)` line. */
  print: string;
}

/** A problem as read from a public source (the gold answer as the source states it). */
export interface PublicProblem {
  /** `<source>-<original id or index>`, unique over all sources. */
  id: string;
  source: SourceName;
  question: string;
  /** The gold answer, in a form the project's answersEqual reads (e.g. `72`, `26, 17`, `\{3, 7\}`). */
  answer: string;
}

/** The result of converting one problem: a trajectory, or the reason there is none. */
export type Conversion =
  | {
      ok: true;
      trajectory: Trajectory;
      /**
       * Other programs for the same solution, tried in order when the first does not reproduce the
       * gold answer: the print orders of the unknowns of an ALG514 / DRAW system, whose `ans` lists
       * them in the order the question asks for them, not in the order of the names m, n, ...
       */
      alternatives?: Trajectory[];
    }
  | { ok: false; reason: string };

export const SOURCE_NAMES = ['gsm8k', 'alg514', 'draw', 'dolphin1878', 'mathqa', 'dm_mathematics'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** The program the sandbox runs: every step's code, then the final print. */
export function programOf(t: Trajectory): string {
  return [...t.steps.map((s) => s.code), `print(${t.print})`].join('\n') + '\n';
}

/** The full rStar solution text, with the interpreter's real output and that output boxed. */
export function solutionOf(t: Trajectory, output: string): string {
  const parts = ['<code>\n'];
  t.steps.forEach((s, i) => parts.push(`# Step ${i + 1}: ${oneLine(s.comment)}\n${s.code.trimEnd()}\n<end_of_step>\n`));
  parts.push(`# Now print the final answer\nprint(${t.print})\n<end_of_code>\n`);
  parts.push(`<output>${output}<end_of_output>\n<answer>The answer is \\boxed{${output}}.<end_of_answer>`);
  return parts.join('');
}

/** A number as a short literal: `2.0` -> `2`, `-64.0` -> `-64`, `0.50` -> `0.5`; other text unchanged. */
export function cleanNumber(s: string): string {
  const t = s.trim().replace(/,/g, '');
  if (!/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) return s.trim();
  if (/e/i.test(t)) return t;
  if (!t.includes('.')) return t.replace(/^(-?)0+(?=\d)/, '$1');
  let [int, frac] = t.split('.');
  frac = frac.replace(/0+$/, '');
  if (int === '' || int === '-') int += '0';
  const out = frac ? `${int}.${frac}` : int;
  return out === '-0' ? '0' : out;
}

/** Gold answer from a list of numbers (ALG514 / DRAW `ans`): `500, 400`. */
export function listAnswer(values: Array<number | string>): string {
  return values.map((v) => cleanNumber(String(v))).join(', ');
}

const PY_RESERVED = new Set(
  (
    'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda ' +
    'nonlocal not or pass raise return try while with yield print int float str list dict set sum min max abs round len range type id input ' +
    'open map filter sorted format pow divmod all any eval exec object bool tuple next iter hash help vars dir zip ' +
    'symbols Eq solve Rational sqrt pi E I S N gcd lcm isprime'
  ).split(' '),
);

/** A Python identifier derived from words (lowercase, `_`-joined), or null when none fits. */
export function identifier(words: string[]): string | null {
  const id = words
    .map((w) => w.toLowerCase().replace(/[^a-z0-9_]/g, ''))
    .filter(Boolean)
    .join('_');
  if (!/^[a-z_][a-z0-9_]*$/.test(id) || PY_RESERVED.has(id) || id.length < 3 || id.length > 24) return null;
  return id;
}

/** A decimal literal as an exact sympy Rational (`0.25` -> `Rational('0.25')`); integers unchanged. */
export function exactLiteral(lit: string): string {
  const c = cleanNumber(lit);
  return c.includes('.') ? `Rational('${c}')` : c;
}
