import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FAMILIES, generateProblems, type SynthProblem, type Variant } from '../../../src/lab/synth/generator';
import { Builder } from '../../../src/lab/synth/generator/builder';
import { PEOPLE } from '../../../src/lab/synth/generator/lexicon';
import { definedSlots } from '../../../src/lab/synth/generator/phrasing';
import { addedTemplates } from '../../helpers/synth';

const PY = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Runs every program in one python process (each in a fresh namespace) and returns stdouts. */
function runAll(programs: string[]): (string | null)[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
  const file = path.join(dir, 'programs.json');
  fs.writeFileSync(file, JSON.stringify(programs));
  const script = [
    'import io, json, sys, contextlib',
    'out = []',
    'for p in json.load(open(sys.argv[1])):',
    '    buf = io.StringIO()',
    '    try:',
    '        with contextlib.redirect_stdout(buf):',
    "            exec(p, {'__name__': '__main__'})",
    '        out.append(buf.getvalue())',
    '    except Exception as e:',
    '        out.append(None)',
    'print(json.dumps(out))',
  ].join('\n');
  const res = execFileSync(PY, ['-c', script, file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  fs.rmSync(dir, { recursive: true, force: true });
  return JSON.parse(res) as (string | null)[];
}

const program = (sol: string) =>
  sol
    .split('<code>')[1]!
    .split('<end_of_code>')[0]!
    .replace(/<end_of_step>/g, '');

describe('SynthMath generator', () => {
  const train = generateProblems({ split: 'train', count: 450, seed: 7 });
  const testId = generateProblems({ split: 'test-id', count: 90, seed: 7 });
  const ood = generateProblems({ split: 'test-ood', count: 270, seed: 7 });

  test('is deterministic by seed', () => {
    expect(generateProblems({ split: 'train', count: 50, seed: 7 })).toEqual(train.slice(0, 50));
    expect(generateProblems({ split: 'test-ood', count: 30, seed: 7 })).toEqual(ood.slice(0, 30));
    const other = generateProblems({ split: 'train', count: 50, seed: 8 });
    expect(other.map((p) => p.question)).not.toEqual(train.slice(0, 50).map((p) => p.question));
  });

  test('has at least 8 families, 2-6 steps, integer or fraction answers', () => {
    expect(FAMILIES.length).toBeGreaterThanOrEqual(8);
    expect(new Set(train.map((p) => p.family)).size).toBe(FAMILIES.length);
    for (const p of [...train, ...ood, ...testId]) {
      expect(p.steps).toBeGreaterThanOrEqual(2);
      expect(p.steps).toBeLessThanOrEqual(6);
      expect(p.answer).toMatch(/^-?\d+(\/\d+)?$/);
    }
    const counts = new Set(generateProblems({ split: 'train', count: 3000, seed: 1 }).map((p) => p.steps));
    expect([...counts].sort()).toEqual([2, 3, 4, 5, 6]);
  });

  test('gold solutions follow the rStar step format', () => {
    for (const p of [...train, ...ood]) {
      const s = p.solution!;
      expect(s.startsWith('<code>\n# Step 1: ')).toBe(true);
      expect(s.split('<end_of_step>').length - 1).toBe(p.steps);
      for (let i = 1; i <= p.steps; i++) expect(s).toContain(`# Step ${i}: `);
      expect(s).toContain('# Now print the final answer\nprint(');
      expect(s).toContain(`<end_of_code>\n<output>${p.answer}<end_of_output>\n<answer>`);
      expect(s.endsWith(`\\boxed{${p.answer}}.<end_of_answer>`)).toBe(true);
    }
  });

  test('every gold program really prints its output', () => {
    const all: SynthProblem[] = [...train, ...testId, ...ood];
    const outs = runAll(all.map((p) => program(p.solution!)));
    all.forEach((p, i) => {
      const printed = p.solution!.match(/<output>([\s\S]*?)<end_of_output>/)![1];
      expect(outs[i]).toBe(`${printed}\n`);
      expect(printed).toBe(p.answer);
    });
  });

  test('the synthesis split has known answers and no gold solution', () => {
    const syn = generateProblems({ split: 'synthesis', count: 40, seed: 3 });
    for (const p of syn) {
      expect(p.solution).toBeUndefined();
      expect(p.answer).toMatch(/^-?\d+(\/\d+)?$/);
    }
    // same problem structure as train: answers agree with a fresh train-style build
    expect(syn.map((p) => p.id)).toEqual(syn.map((_, i) => `synthesis-3-${i}`));
  });

  test('out-of-distribution templates and phrasings never appear in training', () => {
    const oodVariants = new Set(FAMILIES.flatMap((f) => f.variants.filter((v) => v.ood).map((v) => `${f.name}/${v.id}`)));
    const big = generateProblems({ split: 'train', count: 3000, seed: 11 });
    for (const p of [...big, ...testId]) {
      expect(oodVariants.has(p.template)).toBe(false);
      expect(p.frames.some((f) => f.includes('#o'))).toBe(false);
    }
    const trainQuestions = new Set(big.map((p) => p.question));
    for (const p of ood) {
      expect(p.novelty && p.novelty.length).toBeTruthy();
      const structural = oodVariants.has(p.template);
      const phrasing = p.frames.some((f) => f.includes('#o'));
      expect(structural || phrasing).toBe(true);
      expect(p.novelty!.includes('structure')).toBe(structural);
      expect(p.novelty!.includes('phrasing')).toBe(phrasing);
      expect(trainQuestions.has(p.question)).toBe(false);
    }
  });

  test('held-out phrasings use known words (new arrangements, not new vocabulary)', () => {
    const words = (s: string) => s.match(/[A-Za-z]+/g) ?? [];
    const vocab = new Set(generateProblems({ split: 'train', count: 6000, seed: 5 }).flatMap((p) => words(p.question + p.solution)));
    const unseen = ood.flatMap((p) => words(p.question)).filter((w) => !vocab.has(w));
    expect(unseen).toEqual([]);
  });

  test('questions have varied wording and distractors', () => {
    const qs = new Set(train.map((p) => p.question));
    expect(qs.size).toBe(train.length);
    const frames = new Set(train.flatMap((p) => p.frames));
    expect(frames.size).toBeGreaterThan(150);
    expect(train.filter((p) => p.frames.some((f) => f.startsWith('distract.'))).length).toBeGreaterThan(train.length * 0.2);
  });
});

/**
 * A structure's signatures over many seeds: the sentence slots it says and asks (distractors
 * off) with its number of steps. Two variants with a signature in common are the same structure.
 */
function signatures(v: Variant): Set<string> {
  const out = new Set<string>();
  for (let seed = 1; seed <= 25; seed++) {
    const b = new Builder(seed, new Set(), 0, 2);
    const r = b.finish(v.build(b));
    out.add(
      `${r.frames
        .map((f) => f.split('#')[0])
        .sort()
        .join(',')}|${r.steps.length}`,
    );
  }
  return out;
}

describe('SynthMath generator versions', () => {
  const read = (f: string) =>
    fs
      .readFileSync(path.join(__dirname, '../../../data/synth', f), 'utf8')
      .trim()
      .split('\n');

  test('version 1 reproduces the round-0 data, and the evaluation splits never change', () => {
    for (const split of ['test-id', 'test-ood'] as const) {
      const committed = read(`${split}.jsonl`);
      for (const version of [1, 2]) {
        const now = generateProblems({ split, count: committed.length, seed: 1, version }).map((p) => JSON.stringify(p));
        expect(now).toEqual(committed);
      }
    }
    // the round-0 train and synthesis data, byte for byte (sha256 recorded before version 2 existed)
    const digest = (ps: SynthProblem[]) =>
      createHash('sha256')
        .update(ps.map((p) => JSON.stringify(p)).join('\n'))
        .digest('hex');
    expect(digest(generateProblems({ split: 'train', count: 1000, seed: 1, version: 1 }))).toBe(
      'c3636f30c72877339dc7678e4dbe7ae0d5add1fa8db3dd9d5e16d0a5475f97cb',
    );
    expect(digest(generateProblems({ split: 'synthesis', count: 500, seed: 1, version: 1 }))).toBe(
      '9481f886ff8d69524a4419e224d3524cb3870e69b2ffe3a7d6ff3a7a3158e543',
    );
    const added = addedTemplates();
    const v2 = generateProblems({ split: 'train', count: 2000, seed: 1 });
    expect(v2.filter((p) => added.has(p.template)).length).toBeGreaterThan(200);
  });

  test('versions 2 and later add new compositions in every family, none of them a held-out structure', () => {
    const problems: string[] = [];
    for (const f of FAMILIES) {
      const added = f.variants.filter((v) => (v.since ?? 1) > 1 && !v.ood);
      if (added.length < 4) problems.push(`${f.name}: only ${added.length} new compositions`);
      const held = f.variants.filter((v) => v.ood).map((v) => [v.id, signatures(v)] as const);
      const others = f.variants.filter((v) => !v.ood).map((v) => [v.id, signatures(v)] as const);
      for (const v of added) {
        const sig = signatures(v);
        // later versions may vary one structure (convert up / down) but never reuse a held-out one
        for (const [id, other] of (v.since ?? 1) === 2 ? [...held, ...others] : held) {
          const same = [...sig].filter((x) => other.has(x));
          if (id !== v.id && same.length) problems.push(`${f.name}/${v.id} is the same structure as ${id}: ${same.join(' ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  test('version 2 adds training frames, none of them a held-out frame', () => {
    const v2 = generateProblems({ split: 'train', count: 4000, seed: 3 });
    const v1Frames = new Set(generateProblems({ split: 'train', count: 4000, seed: 3, version: 1 }).flatMap((p) => p.frames));
    const v2Frames = new Set(v2.flatMap((p) => p.frames));
    expect(v2Frames.size).toBeGreaterThan(v1Frames.size + 40);
    // every family gained frames
    const gained = (f: string) =>
      [...v2Frames].filter((x) => !v1Frames.has(x) && v2.some((p) => p.family === f && p.frames.includes(x))).length;
    expect(FAMILIES.map((f) => `${f.name}: ${gained(f.name) >= 5}`)).toEqual(FAMILIES.map((f) => `${f.name}: true`));
    expect([...v2Frames].some((f) => f.includes('#o'))).toBe(false);
    const oodQuestions = new Set(generateProblems({ split: 'test-ood', count: 400, seed: 1 }).map((p) => p.question));
    expect(v2.some((p) => oodQuestions.has(p.question))).toBe(false);
  });

  test('version 2 frames are no rewordings of held-out frames (token similarity below 0.8)', () => {
    const tokens = (f: string) => f.toLowerCase().match(/\{[^}]*\}|[a-z]+|[^\sa-z]/g) ?? [];
    /** 2 × longest common token subsequence / total length (1 = identical). */
    const similarity = (a: string[], b: string[]) => {
      const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
      for (let i = 1; i <= a.length; i++)
        for (let j = 1; j <= b.length; j++)
          dp[i]![j] = a[i - 1] === b[j - 1] ? dp[i - 1]![j - 1]! + 1 : Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
      return (2 * dp[a.length]![b.length]!) / (a.length + b.length);
    };
    const slots = definedSlots();
    expect(slots.filter((s) => s.more.length).length).toBeGreaterThan(60);
    const close: string[] = [];
    for (const s of slots)
      for (const o of s.ood)
        for (const m of s.more) {
          const r = similarity(tokens(m), tokens(o));
          if (r >= 0.8) close.push(`${s.id}: "${m}" ~ held-out "${o}" (${r.toFixed(2)})`);
        }
    expect(close).toEqual([]);
  });

  test('version 2 names many different people in each structure (version 1 tied names to structures)', () => {
    const distinct = (version: number) => {
      const names = new Map<string, string[]>();
      for (const p of generateProblems({ split: 'train', count: 6000, seed: 3, version })) {
        const first = p.question.match(/[A-Z][a-z]+/g)?.find((w) => PEOPLE.some((x) => x.name === w));
        if (first) names.set(p.template, [...(names.get(p.template) ?? []), first]);
      }
      // different names among the first 30 problems of each structure that name someone (30 names exist)
      return Math.min(...[...names.values()].filter((l) => l.length >= 30).map((l) => new Set(l.slice(0, 30)).size));
    };
    expect(distinct(1)).toBeLessThan(10);
    expect(distinct(2)).toBeGreaterThanOrEqual(12);
  });
});
