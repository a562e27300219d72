import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FAMILIES, generateProblems, type SynthProblem } from '../../src/engine/synth/generator';

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
    "        out.append(None)",
    'print(json.dumps(out))',
  ].join('\n');
  const res = execFileSync(PY, ['-c', script, file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  fs.rmSync(dir, { recursive: true, force: true });
  return JSON.parse(res) as (string | null)[];
}

const program = (sol: string) => sol.split('<code>')[1]!.split('<end_of_code>')[0]!.replace(/<end_of_step>/g, '');

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
