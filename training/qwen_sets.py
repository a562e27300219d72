#!/usr/bin/env python3
"""The public-problem splits for the default (Qwen) policy beyond its calibration sets: withheld
evaluation and the PPM synthesis pool. Never the benchmarks: GSM8K *train* and DeepMind-mathematics
samples only, in the orderings of training/public_sets.py (calibration_sets.py writes the
calibration sets from the same orderings: GSM8K 0-199, DeepMind 0-149).

  python3 training/qwen_sets.py [--data-dir ../shared/data] --out /tmp/qsets

- withheld-gsm8k-train-200.jsonl  GSM8K train problems 200-399: evaluation only (greedy vs MCTS)
- ppm-pool-gsm8k-train.jsonl      problems 400 on
- ppm-pool-mixed.jsonl            pool problems alternating with DeepMind mathematics from 150 on
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from public_sets import arguments, dm_mathematics, gsm8k_train, write  # noqa: E402


def main():
    a = arguments(__doc__)
    rows = gsm8k_train(a.data_dir)
    dm = dm_mathematics(a.data_dir)
    write(os.path.join(a.out, 'withheld-gsm8k-train-200.jsonl'), rows[200:400])
    write(os.path.join(a.out, 'ppm-pool-gsm8k-train.jsonl'), rows[400:])
    mixed = []
    for i in range(600):
        if 400 + i < len(rows):
            mixed.append(rows[400 + i])
        if 150 + i < len(dm):
            mixed.append(dm[150 + i])
    write(os.path.join(a.out, 'ppm-pool-mixed.jsonl'), mixed)


if __name__ == '__main__':
    main()
