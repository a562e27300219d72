#!/usr/bin/env bash
# Round-0 PPM on a GPU machine: sample the round-0 policy at high temperature on synthesis
# problems, build first-divergence pairs graded by final answer, train the PPM. Also evaluates the policy.
set -uo pipefail
OUT=${OUT:-training/runs/round0}
POLICY=${POLICY:-training/runs/round0/policy}
PY=python3; export EXEC_WORKERS=$(nproc)
DEV=$($PY -c 'import torch; print("cuda" if torch.cuda.is_available() else "cpu")')
mkdir -p "$OUT"
$PY training/eval_policy.py --ckpt "$POLICY" --device "$DEV" --limit 400 --k 16 --temperature 0.8 --batch 2048 --json "$OUT/eval.json"
$PY training/eval_policy.py --ckpt "$POLICY" --device "$DEV" --sets data/synth/synthesis-ppm.jsonl --limit 6000 --k 8 \
  --temperature 1.5 --batch 8192 --dump "$OUT/ppm_samples.jsonl" --json "$OUT/eval_ppm_samples.json"
$PY training/make_pairs.py --samples "$OUT/ppm_samples.jsonl" --out "$OUT/ppm_pairs.jsonl"
$PY training/train_ppm.py --pairs "$OUT/ppm_pairs.jsonl" --init "$POLICY" --device "$DEV" --minutes 2.5 --epochs 8 \
  --batch 64 --out "$OUT/ppm" --log-every 25
