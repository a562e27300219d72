import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Tokenizer } from '@huggingface/tokenizers';
import { generateProblems } from '../../../src/lab/synth/generator';

const DIR = path.join(__dirname, '../../../models/stepwise-synth-policy');
const TEMPLATE = "<|user|>:\n{question}\n\n<|assistant|>: Let's think step by step and solve the problem with code.{partial}";
const have = fs.existsSync(path.join(DIR, 'tokenizer.json'));

(have ? describe : describe.skip)('SynthMath tokenizer.json (@huggingface/tokenizers)', () => {
  const tk = new Tokenizer(
    JSON.parse(fs.readFileSync(path.join(DIR, 'tokenizer.json'), 'utf8')),
    JSON.parse(fs.readFileSync(path.join(DIR, 'tokenizer_config.json'), 'utf8')),
  );
  const enc = (s: string) => tk.encode(s, { add_special_tokens: false }).ids;
  const dec = (ids: number[]) => tk.decode(ids, { skip_special_tokens: false });

  test('round-trips generator text exactly (spacing, newlines, indentation)', () => {
    const ps = [
      ...generateProblems({ split: 'train', count: 150, seed: 3 }),
      ...generateProblems({ split: 'test-ood', count: 90, seed: 3 }),
    ];
    for (const p of ps) {
      const text = TEMPLATE.replace('{question}', p.question).replace('{partial}', p.solution!);
      expect(dec(enc(text))).toBe(text);
    }
    const code = 'for i in range(3):\n    if i % 2 == 0:\n        print(i)\n\t# tab\n\n  x = {"a": [1, 2]}\n';
    expect(dec(enc(code))).toBe(code);
  });

  test('step strings are single tokens and digits are split', () => {
    for (const s of [
      '<code>',
      '<end_of_step>',
      '<end_of_code>',
      '<output>',
      '<end_of_output>',
      '<answer>',
      '<end_of_answer>',
      '<|user|>',
      '<|assistant|>',
      '<eos>',
      '<pad>',
    ]) {
      expect(enc(s)).toHaveLength(1);
    }
    const ids = enc('12345');
    expect(ids).toHaveLength(5);
  });

  test('unknown words and any unicode encode without crashing and decode back', () => {
    const s = 'Zyxwvut quokkas: 3½ km — naïve café 🚀 日本語 \u0000 end';
    expect(dec(enc(s))).toBe(s);
  });

  test('keeps generator sequences short', () => {
    const ps = generateProblems({ split: 'train', count: 100, seed: 4 });
    const lens = ps.map((p) => enc(TEMPLATE.replace('{question}', p.question).replace('{partial}', p.solution!)).length);
    expect(Math.max(...lens)).toBeLessThan(512);
    expect(lens.reduce((a, b) => a + b) / lens.length).toBeLessThan(250);
  });
});

describe('training/build_tokenizer.py', () => {
  const PY = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const ROOT = path.join(__dirname, '../../..');

  test('its fast BPE learns the same merges as the plain loop', () => {
    const out = execFileSync(PY, ['training/test_bpe.py'], { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(out.trim())).toEqual({ same_merges: true, cases: 3 });
  });

  test('learns from gzip JSONL of several sources; the result loads in @huggingface/tokenizers and round-trips', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwise-tok-'));
    const problems = generateProblems({ split: 'train', count: 300, seed: 2, version: 3 });
    fs.writeFileSync(
      path.join(dir, 'a.jsonl.gz'),
      gzipSync(
        problems
          .slice(0, 150)
          .map((p) => JSON.stringify(p))
          .join('\n') + '\n',
      ),
    );
    fs.writeFileSync(
      path.join(dir, 'b.jsonl'),
      problems
        .slice(150)
        .map((p) => JSON.stringify(p))
        .join('\n') + '\n',
    );
    const log = execFileSync(
      PY,
      [
        'training/build_tokenizer.py',
        '--data',
        path.join(dir, 'a.jsonl.gz'),
        path.join(dir, 'b.jsonl'),
        '--vocab',
        '700',
        '--out',
        path.join(dir, 'tokenizer.json'),
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(log).toMatch(/tokenizer: \d+ tokens/);
    const tk = new Tokenizer(
      JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')),
      JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8')),
    );
    const text = TEMPLATE.replace('{question}', problems[7]!.question).replace('{partial}', problems[7]!.solution!);
    const ids = tk.encode(text, { add_special_tokens: false }).ids;
    expect(tk.decode(ids, { skip_special_tokens: false })).toBe(text);
    expect(tk.encode('2025', { add_special_tokens: false }).ids).toHaveLength(4);
    // words of both files were learned: common words are single tokens
    expect(ids.length).toBeLessThan(text.length / 2.5);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
