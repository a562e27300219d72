/**
 * SynthMath: seeded multi-step word problems with gold solutions in the rStar step format.
 *
 * Splits:
 * - `train`, `test-id`, `synthesis`: training structures and training phrasings (different seed
 *   streams; `synthesis` problems carry a known answer but no gold solution).
 * - `test-ood`: every problem has at least one novelty never seen in training: a held-out
 *   structure (a new combination of known steps, usually a longer chain) or one or two
 *   sentences worded with held-out frames (new arrangements of known words).
 *
 * Generator versions (`version`): 1 is the generator of the round-0 models; 2 (the default) adds
 * training structures that are new compositions of each family's pieces and more training
 * sentence frames. Versions change `train` and `synthesis` only: `test-id` and `test-ood` are
 * always version 1, so every round is evaluated on the same problems.
 *
 * Version 3 (opt-in) is the wider curriculum of questions people ask in chat: new families
 * (percent, equations, number theory, probability and counting, expressions) and new kinds in
 * averages, units and geometry, many in bare imperative form ("Solve 3x - 4 = 11"). Its own
 * evaluation splits are `test-id-v3` (training structures and frames, another seed stream) and
 * `test-ood-v3` (held-out structures, held-out frames or held-out number ranges, never in train).
 */
import { Builder, DISTRACTOR_RATE, type BuiltProblem } from './builder';
import { CURRICULUM_V3, FAMILIES, FAMILIES_V3, type Family, type Variant } from './families';
import { hashSeed, Rng } from './rng';

export type Split = 'train' | 'test-id' | 'test-ood' | 'synthesis' | 'test-id-v3' | 'test-ood-v3';
export const SPLITS: Split[] = ['train', 'test-id', 'test-ood', 'synthesis', 'test-id-v3', 'test-ood-v3'];

export interface SynthProblem {
  id: string;
  split: Split;
  family: string;
  /** `family/variant` structure id. */
  template: string;
  question: string;
  /** What Python prints for the gold program (an integer or a reduced fraction like `7/3`). */
  answer: string;
  /** Gold solution in the rStar step format (absent for the synthesis split). */
  solution?: string;
  /** Number of `# Step` steps (2-6). */
  steps: number;
  /** Sentence frame ids used (`slot#t<i>` training frames, `slot#o<i>` held-out frames). */
  frames: string[];
  /** For test-ood and test-ood-v3: what is new (`structure`, `phrasing`, `numbers`). */
  novelty?: string[];
}

export interface GenerateOptions {
  split: Split;
  count: number;
  seed: number;
  /** Probability of a distractor sentence (default DISTRACTOR_RATE, 0.35). */
  distractorRate?: number;
  /** Generator version for the train and synthesis splits (default GENERATOR_VERSION). */
  version?: number;
}

/** The default generator version (the one the shipped models were trained on). */
export const GENERATOR_VERSION = 2;
/** The newest generator version (opt-in: the wider chat curriculum). */
export const LATEST_GENERATOR_VERSION = 3;

/**
 * The version a split is generated with: `test-id` and `test-ood` are frozen at version 1, the
 * version 3 evaluation splits at 3.
 */
export const splitVersion = (split: Split, version = GENERATOR_VERSION): number =>
  split === 'train' || split === 'synthesis' ? version : split.endsWith('-v3') ? 3 : 1;

/** The families a version draws from, round-robin by problem index. */
export const familiesFor = (version: number): Family[] => (version >= 3 ? FAMILIES_V3 : FAMILIES);

export { DISTRACTOR_RATE, FAMILIES, FAMILIES_V3, CURRICULUM_V3 };
export type { Family, Variant };

function build(v: Variant, seed: number, heldOut: Set<number>, distractorRate: number, version = 1, wide = false): BuiltProblem {
  const b = new Builder(seed, heldOut, distractorRate, version, wide);
  const result = v.build(b);
  return b.finish(result);
}

export function generateOne(
  split: Split,
  seed: number,
  index: number,
  distractorRate = DISTRACTOR_RATE,
  version = GENERATOR_VERSION,
): SynthProblem {
  const ver = splitVersion(split, version);
  const families = familiesFor(ver);
  const family = families[index % families.length]!;
  const pseed = hashSeed(split, seed, index);
  const rng = new Rng(pseed);
  const trainVariants = family.variants.filter((v) => !v.ood && (v.since ?? 1) <= ver);
  const oodVariants = family.variants.filter((v) => v.ood && (v.since ?? 1) <= ver);
  let variant: Variant;
  let built: BuiltProblem;
  const novelty: string[] = [];
  if (split === 'test-ood-v3') {
    ({ variant, built } = buildOodV3(family, trainVariants, oodVariants, rng, pseed, distractorRate, novelty));
  } else if (split !== 'test-ood') {
    variant = rng.pick(trainVariants);
    // Version 1 seeded the builder like the variant pick, so a structure's first draw (usually its
    // first person) depended on which structure was picked: few names per structure. Version 2
    // gives the builder its own seed.
    built = build(variant, ver >= 2 ? hashSeed('build', pseed) : pseed, new Set(), distractorRate, ver);
  } else {
    const structural = oodVariants.length > 0 && rng.chance(0.25);
    variant = structural ? rng.pick(oodVariants) : rng.pick(trainVariants);
    if (structural) novelty.push('structure');
    const probe = build(variant, pseed, new Set(), distractorRate);
    const wantPhrasing = !structural || rng.chance(0.25);
    const held = new Set<number>();
    if (wantPhrasing && probe.eligible.length) {
      const order = rng.shuffle(probe.eligible);
      held.add(order[0]!);
      if (!structural && order.length > 1 && rng.chance(0.3)) held.add(order[1]!);
    }
    built = held.size ? build(variant, pseed, held, distractorRate) : probe;
    if (built.usedHeldOut) novelty.push('phrasing');
    if (!novelty.length) throw new Error(`OOD problem without novelty: ${family.name}/${variant.id}`);
  }
  const problem: SynthProblem = {
    id: `${split}-${seed}-${index}`,
    split,
    family: family.name,
    template: `${family.name}/${variant.id}`,
    question: built.question,
    answer: built.answer,
    steps: built.steps.length,
    frames: built.frames,
  };
  if (split !== 'synthesis') problem.solution = built.solution;
  if (novelty.length) problem.novelty = novelty;
  return problem;
}

/**
 * One version 3 out-of-distribution problem: a held-out structure, held-out frames, or numbers
 * from a held-out range (for kinds that draw their numbers with `Builder.num`), at least one.
 */
function buildOodV3(
  family: Family,
  trainVariants: Variant[],
  oodVariants: Variant[],
  rng: Rng,
  pseed: number,
  distractorRate: number,
  novelty: string[],
): { variant: Variant; built: BuiltProblem } {
  // a structure drawn may have nothing to hold out (no held-out frames, numbers not drawn with
  // Builder.num): draw again, deterministically
  for (let attempt = 0; attempt < 50; attempt++) {
    novelty.length = 0;
    const structural = oodVariants.length > 0 && rng.chance(0.3);
    const variant = structural ? rng.pick(oodVariants) : rng.pick(trainVariants);
    if (structural) novelty.push('structure');
    const bseed = hashSeed('build', pseed, attempt);
    let wide = !!variant.wideNumbers && rng.chance(0.4);
    const probe = build(variant, bseed, new Set(), distractorRate, 3, wide);
    const held = new Set<number>();
    if (((!structural && !wide) || rng.chance(0.3)) && probe.eligible.length) {
      const order = rng.shuffle(probe.eligible);
      held.add(order[0]!);
      if (order.length > 1 && rng.chance(0.3)) held.add(order[1]!);
    }
    if (!structural && !held.size && variant.wideNumbers) wide = true;
    const built = build(variant, bseed, held, distractorRate, 3, wide);
    if (built.usedHeldOut) novelty.push('phrasing');
    if (built.wide) novelty.push('numbers');
    if (novelty.length) return { variant, built };
  }
  throw new Error(`OOD problem without novelty in ${family.name}`);
}

/** Deterministic: the same split, count and seed always give the same problems. */
export function generateProblems(opts: GenerateOptions): SynthProblem[] {
  const out: SynthProblem[] = [];
  for (let i = 0; i < opts.count; i++) out.push(generateOne(opts.split, opts.seed, i, opts.distractorRate, opts.version));
  return out;
}
