import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../../..');
const PY = '/usr/bin/python3';
const hasTorch = (() => {
  try {
    execFileSync(PY, ['-c', 'import torch'], { stdio: 'ignore' });
    return fs.existsSync(path.join(ROOT, 'models/stepwise-synth-policy/tokenizer.json'));
  } catch {
    return false;
  }
})();

(hasTorch ? test : test.skip)(
  'train_ppm.py learns obvious pairs (held-out accuracy > chance, loss below ln 2)',
  () => {
    const out = execFileSync(PY, ['training/test_ppm_smoke.py'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const last = JSON.parse(out.trim().split('\n').pop()!);
    expect(last.train_loss).toBeLessThan(0.5);
    expect(last.heldout_pair_accuracy).toBeGreaterThan(0.8);
    // --heldout-pairs: the given file is the held-out set, and none of its problems is trained on
    expect(last.heldout_file_pairs).toBeGreaterThan(0);
    expect(last.fixed_run.heldout_pairs).toBe(last.heldout_file_pairs);
    expect(last.fixed_run.train_pairs).toBe(last.total_pairs - last.heldout_file_pairs);
  },
  300_000,
);
