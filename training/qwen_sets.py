#!/usr/bin/env python3
"""The public-problem splits for the default (Qwen) policy: calibration, withheld evaluation and the
PPM synthesis pool. Never the benchmarks: GSM8K *train* and DeepMind-mathematics samples only.

  python3 training/qwen_sets.py [--data-dir ../shared/data] --out /tmp/qsets

- calib-gsm8k-train-200.jsonl     GSM8K train shuffled with seed 7, problems 0-199 (as for the 3M model)
- withheld-gsm8k-train-200.jsonl  problems 200-399: evaluation only (greedy vs MCTS)
- ppm-pool-gsm8k-train.jsonl      problems 400 on
- ppm-pool-mixed.jsonl            pool problems alternating with DeepMind mathematics levels 0-2
                                  (shuffled with seed 7, from 150 on: 0-149 are calibration)
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jsonl import read, write  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--data-dir', default=os.environ.get('STEPWISE_DATA_DIR', os.path.join(ROOT, '..', 'shared', 'data')))
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    gsm = read(os.path.join(a.data_dir, 'train', 'gsm8k', 'train.jsonl'))
    random.Random(7).shuffle(gsm)
    rows = [{'id': f'gsm8k-train-{i}', 'question': r['question'], 'answer': r['answer'].split('####')[-1].strip().replace(',', '')}
            for i, r in enumerate(gsm)]
    write(os.path.join(a.out, 'calib-gsm8k-train-200.jsonl'), rows[:200])
    write(os.path.join(a.out, 'withheld-gsm8k-train-200.jsonl'), rows[200:400])
    write(os.path.join(a.out, 'ppm-pool-gsm8k-train.jsonl'), rows[400:])
    dm = []
    for level in (0, 1, 2):
        dm += read(os.path.join(a.data_dir, 'train', 'dm_mathematics', f'sample_level{level}.jsonl'))
    random.Random(7).shuffle(dm)
    mixed = []
    for i in range(600):
        if 400 + i < len(rows):
            mixed.append(rows[400 + i])
        if 150 + i < len(dm):
            r = dm[150 + i]
            mixed.append({'id': f'dm-{150 + i}', 'question': r['question'], 'answer': r['answer'], 'module': r['module']})
    write(os.path.join(a.out, 'ppm-pool-mixed.jsonl'), mixed)


if __name__ == '__main__':
    main()
