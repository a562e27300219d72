#!/usr/bin/env bash
# Round 2 on one GPU machine, as it was run (session 5): two policies trained from scratch on
# generator-version-2 data side by side on the one GPU (a 3M-parameter model leaves it mostly
# idle), then for each: greedy / pass@16 on test-id + test-ood, T=1.5 samples on version-2
# synthesis problems, first-divergence pairs, and a PPM initialised from that policy.
#   A: 150k problems (seed 1)       B: 300k problems (seeds 1 + 2), so half the epochs
# Checkpoints and logs land in $OUT as soon as each stage ends (a run cut short keeps them).
# Data (made on a machine with node, carried in DATA):
#   ./stepwise synth generate --split train --count 150000 --seed 1 --generator-version 2 --out $DATA/train-v2-s1.jsonl
#   ./stepwise synth generate --split train --count 150000 --seed 2 --generator-version 2 --out $DATA/train-v2-s2.jsonl
#   gzip $DATA/train-v2-s*.jsonl
#   ./stepwise synth generate --split synthesis --count 4000 --seed 3 --generator-version 2 --out $DATA/synthesis-v2.jsonl
set -uo pipefail
DATA=${DATA:-devcarry}
OUT=${OUT:-training/runs/round2}
WORK=${WORK:-/tmp/round2}
MIN=${MIN:-3.5}          # policy SFT minutes (wall clock, each variant)
PPM_MIN=${PPM_MIN:-1.2}
SYN=${SYN:-4000}         # synthesis problems sampled for PPM pairs
LIMIT=${LIMIT:-400}      # test problems per split for the quick eval
source "$(dirname "${BASH_SOURCE[0]}")/device_env.sh"
export EXEC_WORKERS=$(( $(nproc) / 2 > 1 ? $(nproc) / 2 : 1 ))
[ "$DEV" = cpu ] && export TORCH_THREADS=1 OPENBLAS_NUM_THREADS=1
mkdir -p "$OUT" "$WORK"
T0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - T0 ))s] $*"; }

train() {  # name, train files...
  local n=$1; shift
  $PY training/train_policy.py --train "$@" --val data/synth/test-id.jsonl --minutes "$MIN" --device "$DEV" \
    --tokens-per-batch 32768 --lr 3e-3 --out "$WORK/$n/policy" --log-every 500 > "$WORK/$n/train.log" 2>&1
  cp "$WORK/$n/policy/policy.pt" "$OUT/policy-$n.pt" 2>/dev/null
  stamp "$n: trained: $(tail -1 "$WORK/$n/train.log")"
}

after() {  # name: eval, samples, pairs, PPM
  local n=$1 d=$WORK/$1
  $PY training/eval_policy.py --ckpt "$d/policy" --device "$DEV" --limit "$LIMIT" --k 16 --temperature 0.8 \
    --batch 4096 --json "$d/eval.json" > "$d/eval.log" 2>&1
  stamp "$n: eval $(tr -d '\n ' < "$d/eval.json" | head -c 600)"
  $PY training/eval_policy.py --ckpt "$d/policy" --device "$DEV" --sets "$DATA/synthesis-v2.jsonl" --limit "$SYN" \
    --k 8 --temperature 1.5 --batch 8192 --dump "$d/ppm_samples.jsonl" --json "$d/eval_ppm_samples.json" >> "$d/eval.log" 2>&1
  $PY training/make_pairs.py --samples "$d/ppm_samples.jsonl" --out "$d/ppm_pairs.jsonl" >> "$d/eval.log" 2>&1
  stamp "$n: pairs $(wc -l < "$d/ppm_pairs.jsonl")"
  $PY training/train_ppm.py --pairs "$d/ppm_pairs.jsonl" --init "$d/policy" --device "$DEV" --minutes "$PPM_MIN" \
    --epochs 8 --batch 64 --out "$d/ppm" --log-every 50 --heldout-out "$d/heldout-pairs.jsonl" > "$d/ppm.log" 2>&1
  cp "$d/ppm/ppm.pt" "$OUT/ppm-$n.pt" 2>/dev/null
  stamp "$n: ppm: $(tail -2 "$d/ppm.log" | tr '\n' ' ')"
}

mkdir -p "$WORK/A" "$WORK/B"
stamp "start ($DEV)"
train A "$DATA/train-v2-s1.jsonl.gz" &
train B "$DATA/train-v2-s1.jsonl.gz" "$DATA/train-v2-s2.jsonl.gz" &
wait
after A &
after B &
wait
rm -f "$WORK"/*/ppm_samples.jsonl
gzip -f "$WORK"/*/ppm_pairs.jsonl 2>/dev/null
tar -czf "$OUT/logs.tar.gz" -C "$WORK" --exclude='*.pt' .
stamp "done"; ls -la "$OUT"
