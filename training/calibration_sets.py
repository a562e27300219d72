#!/usr/bin/env python3
"""Writes the held-out problem sets the default policy's abstention rule is calibrated on.

  python3 training/calibration_sets.py --data-dir ../shared/data --out /tmp/calib

- calib-synth-ood-200-399.jsonl: SynthMath test-ood problems 200-399 (the first 200 are reported
  in BENCHMARKS.md, so they are not used here);
- calib-gsm8k-train-200.jsonl: 200 GSM8K *train* problems (shuffled with seed 7); never GSM8K test;
- calib-dm-150.jsonl: 150 DeepMind-mathematics questions, levels 0-2 (shuffled with seed 7).
Then: ./stepwise eval --set FILE --strategies mcts --budget 16 --candidates 8 --dump DUMP, and
./stepwise calibrate --dumps DUMPS --target 0.9 --write models/stepwise-synth-policy.
Nothing from the benchmarks folder is read.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from public_sets import ROOT, arguments, dm_mathematics, gsm8k_train, read, write  # noqa: E402


def main():
    a = arguments(__doc__)
    ood = read(os.path.join(ROOT, "data", "synth", "test-ood.jsonl"))[200:400]
    write(os.path.join(a.out, "calib-synth-ood-200-399.jsonl"),
          [{"id": r["id"], "question": r["question"], "answer": r["answer"], "family": r.get("family")} for r in ood])
    write(os.path.join(a.out, "calib-gsm8k-train-200.jsonl"), gsm8k_train(a.data_dir)[:200])
    write(os.path.join(a.out, "calib-dm-150.jsonl"), dm_mathematics(a.data_dir)[:150])


if __name__ == "__main__":
    main()
