#!/usr/bin/env bash
# Round-0 bootstrap on a GPU machine: SFT the policy on gold solutions, evaluate it, and sample
# trajectories on the synthesis split for the first PPM's pairs. Writes everything under $OUT.
set -uo pipefail
OUT=${OUT:-training/runs/round0}
MIN=${MIN:-4}
PY=""
for p in /usr/bin/python3 python3 python; do
  if command -v "$p" >/dev/null && "$p" -c 'import torch' 2>/dev/null; then PY=$p; break; fi
done
echo "python: ${PY:-none}"; nvidia-smi -L 2>/dev/null
[ -z "$PY" ] && { echo "no python with torch"; exit 3; }
DEV=$($PY -c 'import torch; print("cuda" if torch.cuda.is_available() else "cpu")')
$PY -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'
NP=$(nproc); export EXEC_WORKERS=$NP
[ "$DEV" = cpu ] && export TORCH_THREADS=$NP OPENBLAS_NUM_THREADS=1
mkdir -p "$OUT"
$PY training/train_policy.py --train data/synth/train-150k.jsonl.gz --val data/synth/test-id.jsonl \
  --minutes "$MIN" --device "$DEV" --tokens-per-batch 32768 --lr 3e-3 --out "$OUT/policy" --log-every 200 2>&1 | tee "$OUT/train.log"
$PY training/eval_policy.py --ckpt "$OUT/policy" --device "$DEV" --limit 400 --k 16 --temperature 0.8 --batch 2048 \
  --json "$OUT/eval.json" 2>&1 | tee "$OUT/eval.log"
$PY training/eval_policy.py --ckpt "$OUT/policy" --device "$DEV" --sets data/synth/synthesis.jsonl --limit 2000 --k 8 \
  --temperature 1.0 --batch 4096 --dump "$OUT/synth_samples.jsonl" --json "$OUT/eval_synth.json" 2>&1 | tee -a "$OUT/eval.log"
