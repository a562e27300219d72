#!/usr/bin/env bash
# Round 1 on this 2-core CPU (no GPU): fine-tune the round-0 policy on generator-version-2 data
# (new compositions of each family's pieces, more sentence frames; old structures included), export
# it to $OUT/onnx. Progress on stderr. Evaluate it next to the shipped policy on the fixed OOD set:
#   ./stepwise eval --set synth-ood --strategies greedy,vote,mcts --budget 16 --limit 200 --by novelty --policy $OUT/onnx
#   MINUTES=45 LR=3e-4 COUNT=40000 training/cpu_round1.sh
# (a second stage: OUT=training/runs/round1b-cpu INIT=training/runs/round1-cpu/policy SEED=3 MINUTES=30)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-training/runs/round1-cpu}
MINUTES=${MINUTES:-45}
LR=${LR:-3e-4}
COUNT=${COUNT:-40000}
SEED=${SEED:-2}
INIT=${INIT:-training/runs/round0/policy}
PY=${STEPWISE_PYTHON:-/usr/bin/python3}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-2}
[ -f "$INIT/policy.pt" ] || { echo "cpu_round1: $INIT/policy.pt missing: run round 0 first (training/README.md)" >&2; exit 1; }
mkdir -p "$OUT"
[ -f "$OUT/train-v2.jsonl" ] || ./stepwise synth generate --split train --count "$COUNT" --seed "$SEED" --generator-version 2 --out "$OUT/train-v2.jsonl"
[ -f "$OUT/policy/policy.pt" ] || "$PY" training/train_policy.py --train "$OUT/train-v2.jsonl" --val data/synth/test-id.jsonl \
  --init "$INIT" --lr "$LR" --minutes "$MINUTES" --out "$OUT/policy"
[ -f "$OUT/onnx/policy.onnx" ] || "$PY" training/export_onnx.py policy --ckpt "$OUT/policy" --out "$OUT/onnx"
