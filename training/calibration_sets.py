#!/usr/bin/env python3
"""Writes the held-out problem sets the default policy's abstention rule is calibrated on.

  python3 training/calibration_sets.py --data-dir ../shared/data --out /tmp/calib

- calib-synth-ood-200-399.jsonl: SynthMath test-ood problems 200-399 (the first 200 are reported
  in BENCHMARKS.md, so they are not used here);
- calib-gsm8k-train-200.jsonl: 200 GSM8K *train* problems (shuffled with seed 7); never GSM8K test;
- calib-dm-150.jsonl: 150 DeepMind-mathematics questions, levels 0-2 (shuffled with seed 7).
- calib-mix.jsonl: the three interleaved (SynthMath, GSM8K, SynthMath, DeepMind, ...; 240 lines),
  so that any first N of it is a mix weighted towards everyday word problems: the greedy rule of
  the default Qwen policy is calibrated on its first lines
  (./stepwise eval --set calib-mix.jsonl --strategies greedy --as-bot --dump DUMP, then
  ./stepwise calibrate --dumps DUMP --strategy greedy --write models/qwen2.5-coder-1.5b-instruct).
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
    write(os.path.join(a.out, "calib-mix.jsonl"), interleave(ood, gsm8k_train(a.data_dir)[:200], dm_mathematics(a.data_dir)[:150], 240))


def interleave(synth, gsm8k, dm, n):
    """SynthMath, GSM8K, SynthMath, DeepMind, ... (a set that runs out is skipped), n lines."""
    sources = {"s": iter(synth), "g": iter(gsm8k), "d": iter(dm)}
    out = []
    while len(out) < n and sources:
        for key in "sgsd":
            row = next(sources[key], None) if key in sources else None
            if row is None:
                sources.pop(key, None)
                continue
            out.append({"id": row["id"], "question": row["question"], "answer": row["answer"]} if key == "s" else row)
            if len(out) == n:
                break
    return out


if __name__ == "__main__":
    main()
