/**
 * The question-familiarity signal: questions worded like the policy's training questions read as
 * familiar; chit-chat and other kinds of problems as unfamiliar. Also the manifest's abstention
 * rule and familiarity file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FamiliarityModel, familiarityTokens } from '../../../src/engine/models/familiarity';
import { validateManifest } from '../../../src/engine/models/manifest';

const TRAIN = [
  'A shirt costs $20 and is 25% off. What is the sale price?',
  'A jacket costs $80 and is 10% off. What is the sale price?',
  'A lamp costs $45 and is 20% off. What is the sale price?',
  'Tom has 3 boxes with 12 pencils each. He gives away 10 pencils. How many pencils are left?',
  'Ana has 5 boxes with 6 pencils each. She gives away 4 pencils. How many pencils are left?',
  'Leo has 7 boxes with 9 pencils each. He gives away 20 pencils. How many pencils are left?',
];

describe('FamiliarityModel', () => {
  const m = FamiliarityModel.build(TRAIN, false);

  test('numbers are one symbol, so new numbers in a known wording are not surprising', () => {
    expect(familiarityTokens('It costs $1,250.50 now')).toEqual(['<s>', '<s>', 'it', 'costs', '<num>', 'now', '</s>']);
    expect(m.surprise('A coat costs $99 and is 30% off. What is the sale price?')).toBeLessThan(m.surprise('hello, can you help me with something?'));
  });

  test('a known wording is more familiar than a new kind of question', () => {
    const known = m.surprise('Mia has 4 boxes with 8 pencils each. She gives away 3 pencils. How many pencils are left?');
    const other = m.surprise('Find the number of ordered pairs of integers satisfying the inequality.');
    expect(known).toBeLessThan(other - 1);
  });

  test('round-trips through its JSON file and rejects other files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fam-'));
    const f = path.join(dir, 'familiarity.json');
    fs.writeFileSync(f, JSON.stringify(m.json));
    const q = 'What is the sale price?';
    expect(FamiliarityModel.load(f).surprise(q)).toBeCloseTo(m.surprise(q), 10);
    fs.writeFileSync(f, JSON.stringify({ format: 'something-else' }));
    expect(() => FamiliarityModel.load(f)).toThrow(/not a familiarity model/);
  });

  test('pruning drops rare phrases but keeps every word', () => {
    const pruned = FamiliarityModel.build(TRAIN, true);
    expect(Object.keys(pruned.json.counts).length).toBeLessThan(Object.keys(m.json.counts).length);
    for (const k of Object.keys(m.json.counts)) if (!k.includes(' ')) expect(pruned.json.counts[k]).toBe(m.json.counts[k]);
  });
});

describe('manifest: abstention rule and familiarity file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abst-'));
  for (const f of ['policy.onnx', 'tokenizer.json', 'familiarity.json']) fs.writeFileSync(path.join(dir, f), '{}');
  const base = (extra: Record<string, unknown>) => ({
    name: 'm',
    kind: 'policy',
    backend: 'onnx',
    files: { model: 'policy.onnx', tokenizer: 'tokenizer.json' },
    prompt: { template: 'Q: {question}\nA:{partial}' },
    stop: ['<end_of_step>'],
    specialTokens: { eos: ['<|endoftext|>'] },
    limits: { maxContextTokens: 2048, maxStepTokens: 256 },
    ...extra,
  });
  const file = path.join(dir, 'manifest.json');

  test('a calibrated rule and the familiarity file are read', () => {
    const m = validateManifest(
      base({ abstention: { minVoteShare: 0.6, maxQuestionLoss: 5.5 }, files: { model: 'policy.onnx', tokenizer: 'tokenizer.json', familiarity: 'familiarity.json' } }),
      file,
    );
    expect(m.abstention).toEqual({ minVoteShare: 0.6, maxQuestionLoss: 5.5 });
    expect(m.files.familiarity).toBe(path.join(dir, 'familiarity.json'));
  });

  test('a "never sure" rule is read (a model calibration could not vouch for)', () => {
    expect(validateManifest(base({ abstention: { neverSure: true } }), file).abstention).toEqual({ neverSure: true });
    expect(() => validateManifest(base({ abstention: { neverSure: 'yes' } }), file)).toThrow(/abstention\.neverSure/);
  });

  test("a rule on the policy's certainty, calibrated on one strategy, is read; a wrong one is refused", () => {
    const rule = { minTokenProb: 0.93, strategy: 'greedy', calibration: { data: 'calib', n: 120, target: 0.9, answered: 0.3 } };
    expect(validateManifest(base({ abstention: rule }), file).abstention).toEqual(rule);
    expect(() => validateManifest(base({ abstention: { minTokenProb: 1.5 } }), file)).toThrow(/abstention\.minTokenProb/);
    expect(validateManifest(base({ abstention: { minSolutionLogprob: -7.5 } }), file).abstention).toEqual({ minSolutionLogprob: -7.5 });
    expect(() => validateManifest(base({ abstention: { minSolutionLogprob: 2 } }), file)).toThrow(/abstention\.minSolutionLogprob/);
    expect(() => validateManifest(base({ abstention: { minTokenProb: 0.9, strategy: 'guess' } }), file)).toThrow(/abstention\.strategy.*greedy/);
  });

  test('bad thresholds and a missing familiarity file are named in the error', () => {
    expect(() => validateManifest(base({ abstention: { minScore: 3 } }), file)).toThrow(/abstention\.minScore/);
    expect(() => validateManifest(base({ abstention: 'strict' }), file)).toThrow(/abstention/);
    expect(() => validateManifest(base({ files: { model: 'policy.onnx', tokenizer: 'tokenizer.json', familiarity: 'nope.json' } }), file)).toThrow(/files\.familiarity/);
  });
});
