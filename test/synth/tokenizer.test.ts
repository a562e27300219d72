import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { generateProblems } from '../../src/lab/synth/generator';

const DIR = path.join(__dirname, '../../models/stepwise-synth-policy');
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
    for (const s of ['<code>', '<end_of_step>', '<end_of_code>', '<output>', '<end_of_output>', '<answer>', '<end_of_answer>', '<|user|>', '<|assistant|>', '<eos>', '<pad>']) {
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
