/** Assembles one problem: question sentences, gold solution steps (rStar format) and its answer. */
import { type Ex, pyStr, ref } from './expr';
import { PEOPLE, type Person, THINGS, SHOPS, type Noun } from './lexicon';
import { render, slot, type Slot, type Vars } from './phrasing';
import { Rng } from './rng';

/**
 * Irrelevant sentences mixed into questions (distractor quantities). Sentences naming another
 * person go first, so they never break a chain of pronouns; the others go anywhere.
 */
const NAMED_DISTRACTORS: Slot[] = [
  slot('distract.has', ['{dname} has {k} {ditems}.', '{dname} {owns|keeps} {k} {ditems} at home.'], ['At home, {dname} has {k} {ditems}.']),
  slot(
    'distract.read',
    ['{dname} reads {k} pages of a book.', '{dname} has {k} friends at school.'],
    ['Every day {dname} reads {k} pages of a book.'],
  ),
];
const PLAIN_DISTRACTORS: Slot[] = [
  slot('distract.table', ['There are {k} {ditems} on the table.', 'It is {k} degrees outside.'], ['On the table there are {k} {ditems}.']),
  slot('distract.time', ['The bus ride takes {k} minutes.', 'The {shop} opened {k} years ago.'], ['{k} years ago the {shop} opened.']),
];

export interface StepRecord {
  comment: string;
  code: string;
}

export interface BuiltProblem {
  question: string;
  steps: StepRecord[];
  result: Ex;
  answer: string;
  solution: string;
  /** Frame ids used (slot#t<i> for training frames, slot#o<i> for held-out frames). */
  frames: string[];
  /** Indices of phrase calls that could have used a held-out frame. */
  eligible: number[];
  usedHeldOut: boolean;
  /** Some number was drawn from its held-out range (version 3 OOD). */
  wide: boolean;
}

/** Probability that a problem gets a distractor sentence, unless a caller says otherwise. */
export const DISTRACTOR_RATE = 0.35;

export class Builder {
  readonly rng: Rng;
  private readonly wrng: Rng;
  private facts: string[] = [];
  private askText = '';
  private steps: StepRecord[] = [];
  private vars = new Set<string>();
  private usedPeople = new Set<string>();
  private call = 0;
  private fracImported = false;
  readonly frames: string[] = [];
  readonly eligible: number[] = [];
  usedHeldOut = false;
  usedWide = false;

  constructor(
    seed: number,
    private readonly heldOut: Set<number>,
    private readonly distractorRate = DISTRACTOR_RATE,
    /** Generator version: 2 adds each slot's `more` training frames. */
    private readonly version = 1,
    /** Draw `num` numbers from their held-out (out-of-distribution) range. */
    private readonly wide = false,
  ) {
    this.rng = new Rng(seed);
    this.wrng = new Rng(seed ^ 0x5bd1e995);
  }

  /** A person not used yet in this problem. */
  person(): Person {
    for (;;) {
      const p = this.rng.pick(PEOPLE);
      if (!this.usedPeople.has(p.name)) {
        this.usedPeople.add(p.name);
        return p;
      }
    }
  }

  /**
   * A number in the training range [lo, hi], or (for the version 3 OOD split) in the held-out
   * range (hi, 3 * hi]: training never sees such a number for this quantity.
   */
  num(lo: number, hi: number): number {
    if (!this.wide) return this.rng.int(lo, hi);
    this.usedWide = true;
    return this.rng.int(hi + 1, 3 * hi);
  }

  /** Pronoun variables for templates: name, pron, Pron, pos, obj (suffix e.g. '2'). */
  static pvars(p: Person, suffix = ''): Vars {
    return {
      [`name${suffix}`]: p.name,
      [`pron${suffix}`]: p.pron,
      [`Pron${suffix}`]: p.pron.charAt(0).toUpperCase() + p.pron.slice(1),
      [`pos${suffix}`]: p.pos,
      [`obj${suffix}`]: p.obj,
    };
  }

  private phrase(s: Slot, vars: Vars): string {
    const idx = this.call++;
    if (s.ood.length) this.eligible.push(idx);
    let frame: string;
    if (this.heldOut.has(idx) && s.ood.length) {
      const i = Math.floor(this.wrng.next() * s.ood.length);
      frame = s.ood[i]!;
      this.frames.push(`${s.id}#o${i}`);
      this.usedHeldOut = true;
    } else {
      const pool = this.version >= 2 && s.more.length ? [...s.train, ...s.more] : s.train;
      const i = Math.floor(this.wrng.next() * pool.length);
      frame = pool[i]!;
      this.frames.push(`${s.id}#t${i}`);
    }
    return render(frame, vars, this.wrng);
  }

  /** Adds a fact sentence to the question. */
  say(s: Slot, vars: Vars): void {
    this.facts.push(this.phrase(s, vars));
  }

  /** Sets the question sentence (always last). */
  ask(s: Slot, vars: Vars): void {
    this.askText = this.phrase(s, vars);
  }

  /** Adds a solution step `name = expr` with a comment; returns a reference to the variable. */
  step(comment: string, name: string, e: Ex, extraCode?: string): Ex {
    let v = name;
    for (let i = 2; this.vars.has(v); i++) v = `${name}${i}`;
    this.vars.add(v);
    let code = `${v} = ${e.code}`;
    if (extraCode) code = `${extraCode}\n${code}`;
    if (e.code.includes('Fraction(') && !this.fracImported) {
      code = `from fractions import Fraction\n${code}`;
      this.fracImported = true;
    }
    this.steps.push({ comment, code });
    return ref(v, e);
  }

  finish(result: Ex): BuiltProblem {
    // distractor quantities: decided by the structure rng, worded by the wording rng
    if (this.facts.length && this.rng.chance(this.distractorRate)) {
      const named = this.rng.chance(0.5);
      const s = this.rng.pick(named ? NAMED_DISTRACTORS : PLAIN_DISTRACTORS);
      const p = this.person();
      const things: Noun = this.rng.pick(THINGS);
      const text = this.phrase(s, { dname: p.name, k: this.rng.int(2, 40), ditems: things.many, shop: this.rng.pick(SHOPS) });
      const at = named ? 0 : this.rng.int(1, this.facts.length);
      this.facts.splice(at, 0, text);
    }
    if (!this.askText) throw new Error('problem has no question sentence');
    const question = [...this.facts, this.askText].join(' ');
    const out = pyStr(result);
    const parts = ['<code>\n'];
    this.steps.forEach((s, i) => parts.push(`# Step ${i + 1}: ${s.comment}\n${s.code}\n<end_of_step>\n`));
    parts.push(`# Now print the final answer\nprint(${result.code})\n<end_of_code>\n`);
    parts.push(`<output>${out}<end_of_output>\n`);
    parts.push(`<answer>The answer is \\boxed{${out}}.<end_of_answer>`);
    return {
      question,
      steps: this.steps,
      result,
      answer: out,
      solution: parts.join(''),
      frames: this.frames,
      eligible: this.eligible,
      usedHeldOut: this.usedHeldOut,
      wide: this.usedWide,
    };
  }
}
