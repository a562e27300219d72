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
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jsonl import read, write  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", default=os.environ.get("STEPWISE_DATA_DIR", os.path.join(ROOT, "..", "shared", "data")))
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)

    ood = read(os.path.join(ROOT, "data", "synth", "test-ood.jsonl"))[200:400]
    write(os.path.join(a.out, "calib-synth-ood-200-399.jsonl"),
          [{"id": r["id"], "question": r["question"], "answer": r["answer"], "family": r.get("family")} for r in ood])

    gsm = read(os.path.join(a.data_dir, "train", "gsm8k", "train.jsonl"))
    random.Random(7).shuffle(gsm)
    write(os.path.join(a.out, "calib-gsm8k-train-200.jsonl"),
          [{"id": f"gsm8k-train-{i}", "question": r["question"], "answer": r["answer"].split("####")[-1].strip().replace(",", "")}
           for i, r in enumerate(gsm[:200])])

    dm = []
    for level in (0, 1, 2):
        dm += read(os.path.join(a.data_dir, "train", "dm_mathematics", f"sample_level{level}.jsonl"))
    random.Random(7).shuffle(dm)
    write(os.path.join(a.out, "calib-dm-150.jsonl"),
          [{"id": f"dm-{i}", "question": r["question"], "answer": r["answer"], "module": r["module"]} for i, r in enumerate(dm[:150])])


if __name__ == "__main__":
    main()
