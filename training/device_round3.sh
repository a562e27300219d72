#!/usr/bin/env bash
# Round 3 on one GPU machine (issue 14): a ~14M-parameter policy (d=384, 8 layers) and a
# 4,096-token tokenizer learned on all training text, trained from scratch on SynthMath version 3
# (the chat curriculum) plus the public training sets converted to verified rStar steps; then one
# self-evolution round on real problems whose gold solutions were withheld (the policy's own
# verified samples become training data), and a PPM on the final policy's own pairs.
#   data:  bash training/prepare_round3.sh   (on a machine with node; writes devcarry/round3)
#   GPU:   run with carry ["devcarry/round3"]:  OUT=$OUT bash training/device_round3.sh
#   CPU:   the same script runs on CPU (torch from Debian), slower: MIN=60 EVO_MIN=20 PPM_MIN=10
#          SIZE=small bash training/device_round3.sh   (./stepwise evolve is the CPU recipe with MCTS)
# Everything lands in $OUT as soon as each stage ends, so a call cut short keeps what finished.
# Accuracy per round: eval-round3a.json (after SFT) and eval-round3b.json (after self-evolution).
set -uo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-devcarry/round3}
OUT=${OUT:-training/runs/round3}
WORK=${WORK:-/tmp/round3}
MIN=${MIN:-4}            # policy SFT minutes (wall clock)
EVO_MIN=${EVO_MIN:-1.5}  # SFT minutes after self-evolution
PPM_MIN=${PPM_MIN:-1.5}
SYN=${SYN:-3000}         # SynthMath synthesis problems sampled for PPM pairs
EVO=${EVO:-4000}         # withheld real problems sampled for self-evolution
LIMIT=${LIMIT:-400}      # problems per evaluation set
VOCAB=${VOCAB:-4096}
SIZE=${SIZE:-medium}     # medium: d=384, 8 layers, 6 heads (2 KV), FFN 1024 (~14M); small: round 2's 3M
source training/device_env.sh  # PY, DEV
export EXEC_WORKERS=$(( $(nproc) > 2 ? $(nproc) - 2 : 1 ))
if [ "$DEV" = cuda ]; then TPB=32768; LR=3e-3; BATCH=4096; else TPB=4096; LR=2e-3; BATCH=64; fi
case "$SIZE" in medium|small) ;; *) echo "SIZE must be medium or small (training/model.py SIZES)"; exit 2 ;; esac
mkdir -p "$OUT" "$WORK"
T0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - T0 ))s] $*" | tee -a "$OUT/progress.txt"; }
GOLD="$DATA/train-v3.jsonl.gz $DATA/public-train.jsonl.gz"
SETS="$DATA/test-ood.jsonl $DATA/test-ood-v3.jsonl $DATA/withheld-eval.jsonl"
evaluate() {  # ckpt, name
  $PY training/eval_policy.py --ckpt "$1" --tokenizer "$WORK/tokenizer.json" --device "$DEV" --sets $SETS \
    --k-sets $SETS --limit "$LIMIT" --k 16 --temperature 0.8 --batch "$BATCH" --json "$OUT/eval-$2.json" > "$WORK/eval-$2.log" 2>&1
  stamp "eval $2: $(tr -d '\n ' < "$OUT/eval-$2.json" | head -c 900)"
}

stamp "start ($DEV, $SIZE)"
$PY training/build_tokenizer.py --data $GOLD --vocab "$VOCAB" --out "$WORK/tokenizer.json" > "$WORK/tokenizer.log" 2>&1 \
  || { cat "$WORK/tokenizer.log"; exit 1; }
cp "$WORK/tokenizer.json" "$OUT/"
stamp "tokenizer: $(tail -1 "$WORK/tokenizer.log")"

# round 3a: SFT from scratch on gold trajectories
$PY training/train_policy.py --train $GOLD --val "$DATA/test-id.jsonl" --tokenizer "$WORK/tokenizer.json" --size "$SIZE" \
  --minutes "$MIN" --device "$DEV" --tokens-per-batch "$TPB" --lr "$LR" --out "$WORK/a/policy" --log-every 200 \
  > "$WORK/train-a.log" 2>&1
mkdir -p "$OUT/a"; cp "$WORK/a/policy/"* "$OUT/a/" 2>/dev/null
stamp "3a trained: $(tail -1 "$WORK/train-a.log")"
evaluate "$WORK/a/policy" round3a

# self-evolution on withheld real problems: 8 samples each, the verified ones become training data
$PY training/eval_policy.py --ckpt "$WORK/a/policy" --tokenizer "$WORK/tokenizer.json" --device "$DEV" \
  --sets "$DATA/withheld-evolve.jsonl" --limit "$EVO" --k 8 --temperature 1.0 --batch "$BATCH" \
  --dump "$WORK/evo-samples.jsonl" > "$WORK/evo.log" 2>&1
$PY training/sampled_sft.py --samples "$WORK/evo-samples.jsonl" --out "$WORK/sft-withheld.jsonl" | tee -a "$OUT/progress.txt"
cp "$WORK/sft-withheld.jsonl" "$OUT/"
# round 3b: continue on gold + the policy's own verified solutions of the withheld problems
$PY training/train_policy.py --train $GOLD "$WORK/sft-withheld.jsonl" --val "$DATA/test-id.jsonl" \
  --tokenizer "$WORK/tokenizer.json" --init "$WORK/a/policy" --minutes "$EVO_MIN" --device "$DEV" \
  --tokens-per-batch "$TPB" --lr "$LR" --out "$WORK/b/policy" --log-every 200 > "$WORK/train-b.log" 2>&1
mkdir -p "$OUT/b"; cp "$WORK/b/policy/"* "$OUT/b/" 2>/dev/null
stamp "3b trained: $(tail -1 "$WORK/train-b.log")"
evaluate "$WORK/b/policy" round3b

# PPM on pairs from the final policy's own samples (first divergence of a right and a wrong one)
$PY training/eval_policy.py --ckpt "$WORK/b/policy" --tokenizer "$WORK/tokenizer.json" --device "$DEV" \
  --sets "$DATA/synthesis-v3.jsonl" "$DATA/withheld-evolve.jsonl" --k-sets "$DATA/synthesis-v3.jsonl" "$DATA/withheld-evolve.jsonl" \
  --limit "$SYN" --k 8 --temperature 1.2 --batch "$BATCH" --dump "$WORK/ppm-samples.jsonl" > "$WORK/ppm-samples.log" 2>&1
$PY training/make_pairs.py --samples "$WORK/ppm-samples.jsonl" --out "$WORK/ppm-pairs.jsonl" > "$WORK/pairs.log" 2>&1
NPAIRS=$(wc -l < "$WORK/ppm-pairs.jsonl")
stamp "pairs: $NPAIRS"
[ "$NPAIRS" -gt 0 ] || { stamp "no pairs (the policy got none of the sampled problems right, or all): PPM not trained"; exit 4; }
$PY training/train_ppm.py --pairs "$WORK/ppm-pairs.jsonl" --init "$WORK/b/policy" --tokenizer "$WORK/tokenizer.json" \
  --device "$DEV" --minutes "$PPM_MIN" --epochs 8 --batch 64 --out "$WORK/ppm" --log-every 50 \
  --heldout-out "$WORK/heldout-pairs.jsonl" > "$WORK/ppm.log" 2>&1
mkdir -p "$OUT/ppm"; cp "$WORK/ppm/"* "$WORK/heldout-pairs.jsonl" "$OUT/ppm/" 2>/dev/null
stamp "ppm: $(tail -2 "$WORK/ppm.log" | tr '\n' ' ')"
gzip -f "$WORK/ppm-pairs.jsonl" && cp "$WORK/ppm-pairs.jsonl.gz" "$OUT/"
tar -czf "$OUT/logs.tar.gz" -C "$WORK" $(cd "$WORK" && ls *.log)
stamp "done"; ls -la "$OUT"
