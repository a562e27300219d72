#!/usr/bin/env bash
# Makes the data the round-3 GPU call needs (node is not on the GPU image) in DATA (default
# devcarry/round3, git-ignored), as gzip: SynthMath version 3 (the chat curriculum) and the public
# training sets converted to verified rStar steps (derived from third-party text: carried to the
# device for training, never committed). Reads ../shared/data/train (or STEPWISE_DATA_DIR/train).
#   bash training/prepare_round3.sh            (about 25 minutes on 2 cores: the public conversion
#                                               runs every program in the sandbox)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-devcarry/round3}
TRAIN=${TRAIN:-150000}
mkdir -p "$DATA"
S="node dist/src/cli/main.js synth"
[ -f dist/src/cli/main.js ] || npx tsc -p tsconfig.build.json
if [ ! -s data/public/train.jsonl ]; then
  $S public --withhold 0.2 --workers 2 --out data/public/train.jsonl --withhold-out data/public/withheld.jsonl
fi
$S generate --split train --count "$TRAIN" --seed 1 --generator-version 3 --out "$DATA/train-v3.jsonl"
$S generate --split synthesis --count 4000 --seed 3 --generator-version 3 --out "$DATA/synthesis-v3.jsonl"
$S generate --split test-id --count 400 --seed 1 --out "$DATA/test-id.jsonl"
$S generate --split test-ood --count 400 --seed 1 --out "$DATA/test-ood.jsonl"
$S generate --split test-ood-v3 --count 400 --seed 1 --out "$DATA/test-ood-v3.jsonl"
cp data/public/train.jsonl "$DATA/public-train.jsonl"
# withheld real problems: the last 400 are the held-out evaluation set (never trained on, never
# searched), the rest are for self-evolution (solved only by the policy's own samples)
n=$(wc -l < data/public/withheld.jsonl)
head -n $(( n - 400 )) data/public/withheld.jsonl > "$DATA/withheld-evolve.jsonl"
tail -n 400 data/public/withheld.jsonl > "$DATA/withheld-eval.jsonl"
gzip -f "$DATA"/train-v3.jsonl "$DATA"/public-train.jsonl
du -sh "$DATA"; ls -la "$DATA"
