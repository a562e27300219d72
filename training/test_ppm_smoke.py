#!/usr/bin/env python3
"""Smoke test of the PPM stage: a tiny random policy, pairs built by make_pairs.py from graded
samples (correct vs obviously wrong trajectories), a few train_ppm.py steps on CPU; the held-out
pair accuracy must beat chance and the loss must drop below ln 2. Used by test/lab/synth/ppm-train.test.ts."""
import json
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import torch  # noqa: E402

from model import Config, Policy  # noqa: E402


def main():
    tok = sys.argv[1] if len(sys.argv) > 1 else 'models/stepwise-synth-policy/tokenizer.json'
    d = tempfile.mkdtemp()
    torch.manual_seed(0)
    cfg = Config(vocab_size=1024, hidden=32, layers=1, heads=2, kv_heads=1, ffn=64)
    os.makedirs(f'{d}/pol')
    torch.save(Policy(cfg).state_dict(), f'{d}/pol/policy.pt')
    cfg.save(f'{d}/pol/config.json')
    rng = random.Random(0)
    with open(f'{d}/samples.jsonl', 'w') as f:
        for i in range(120):
            a, b = rng.randint(2, 30), rng.randint(2, 30)
            q = f'Tom buys {a} pens for {b} dollars each. How much does he spend?'
            good = f'<code>\n# Step 1: Tom buys {a} pens at {b} dollars each.\ncost = {a} * {b}\n<end_of_step>\n# Now print the final answer\nprint(cost)\n<end_of_code>'
            bad = f'<code>\n# Step 1: Tom buys {a} pens at {b} dollars each.\ncost = {a} + {b} + zzz ???\n<end_of_step>\n# Now print the final answer\nprint(cost)\n<end_of_code>'
            f.write(json.dumps({'id': str(i), 'question': q, 'answer': str(a * b), 'samples': [
                {'text': good, 'output': str(a * b), 'correct': True}, {'text': bad, 'output': None, 'correct': False}]}) + '\n')
    py = sys.executable
    subprocess.run([py, f'{HERE}/make_pairs.py', '--samples', f'{d}/samples.jsonl', '--out', f'{d}/pairs.jsonl'], check=True)
    rec = json.loads(open(f'{d}/pairs.jsonl').readline())
    assert {'prompt', 'pos', 'neg', 'pos_count', 'neg_count'} <= set(rec), rec.keys()
    assert (rec['prompt'] + rec['pos']).startswith("<|user|>:\nTom buys") and "\n\n<|assistant|>: Let's think" in rec['prompt'] + rec['pos']
    subprocess.run([py, f'{HERE}/train_ppm.py', '--pairs', f'{d}/pairs.jsonl', '--init', f'{d}/pol', '--tokenizer', tok,
                    '--out', f'{d}/ppm', '--minutes', '2', '--epochs', '6', '--batch', '16', '--lr', '3e-3',
                    '--heldout', '0.2', '--log-every', '10', '--heldout-out', f'{d}/heldout.jsonl'], check=True)
    log = json.load(open(f'{d}/ppm/train_log.json'))
    # a second run on the same pairs with the first run's held-out file as its fixed held-out set
    subprocess.run([py, f'{HERE}/train_ppm.py', '--pairs', f'{d}/pairs.jsonl', '--init', f'{d}/pol', '--tokenizer', tok,
                    '--out', f'{d}/ppm2', '--minutes', '0.2', '--epochs', '0.2', '--batch', '16',
                    '--heldout-pairs', f'{d}/heldout.jsonl', '--log-every', '10'], check=True)
    log2 = json.load(open(f'{d}/ppm2/train_log.json'))
    print(json.dumps({'heldout_pair_accuracy': log['heldout_pair_accuracy'], 'train_loss': log['train_loss'],
                      'heldout_loss': log['heldout_loss'], 'total_pairs': sum(1 for _ in open(f'{d}/pairs.jsonl')),
                      'heldout_file_pairs': sum(1 for _ in open(f'{d}/heldout.jsonl')),
                      'fixed_run': {'train_pairs': log2['train_pairs'], 'heldout_pairs': log2['heldout_pairs']}}))


if __name__ == '__main__':
    main()
