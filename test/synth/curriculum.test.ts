/**
 * SynthMath generator version 3 (the wider curriculum of chat-style questions) and the pin that
 * keeps version 2, the default the shipped models were trained on, byte-identical.
 */
import { createHash } from 'node:crypto';
import { generateProblems, type SynthProblem } from '../../src/lab/synth/generator';

const digest = (ps: SynthProblem[]) => createHash('sha256').update(ps.map((p) => JSON.stringify(p)).join('\n')).digest('hex');

describe('SynthMath version 2 stays byte-identical', () => {
  test('the default train and synthesis output for seed 1 (sha256 recorded before version 3 existed)', () => {
    const v2Train = '03475d81e6a3238cdf0526909ef5e587276162ce831d10eba2c3a7516ba4fb1c';
    const v2Synthesis = 'ed65b5c5b304dae80b5c233a8ff7426577ff7f2a2fe258cc7081a4fc14360ab8';
    expect(digest(generateProblems({ split: 'train', count: 300, seed: 1 }))).toBe(v2Train);
    expect(digest(generateProblems({ split: 'train', count: 300, seed: 1, version: 2 }))).toBe(v2Train);
    expect(digest(generateProblems({ split: 'synthesis', count: 300, seed: 1 }))).toBe(v2Synthesis);
  });
});
