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
S="./stepwise synth"   # installs and rebuilds when src/ changed (a stale dist/ is never used)
if [ ! -s data/public/train.jsonl ]; then
  $S public --withhold 0.2 --workers 2 --out data/public/train.jsonl --withhold-out data/public/withheld.jsonl
fi
$S generate --split train --count "$TRAIN" --seed 1 --generator-version 3 --out "$DATA/train-v3.jsonl"
$S generate --split synthesis --count 4000 --seed 3 --generator-version 3 --out "$DATA/synthesis-v3.jsonl"
$S generate --split test-id --count 400 --seed 1 --out "$DATA/test-id.jsonl"
$S generate --split test-ood --count 400 --seed 1 --out "$DATA/test-ood.jsonl"
$S generate --split test-ood-v3 --count 400 --seed 1 --out "$DATA/test-ood-v3.jsonl"
cp data/public/train.jsonl "$DATA/public-train.jsonl"
# withheld real problems (no gold solution ever trained on): every 4th word problem (GSM8K,
# MathQA, ALG514, DRAW, Dolphin), at most 400, is the held-out evaluation set (never searched
# either); the rest, shuffled with a fixed seed, are for self-evolution
python3 - data/public/withheld.jsonl "$DATA" <<'PY'
import json, random, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
words = {'gsm8k', 'mathqa', 'alg514', 'draw', 'dolphin1878'}
cand = [r for r in rows if r.get('source') in words]
held = {r['id'] for r in cand[::4][:400]}
evolve = [r for r in rows if r['id'] not in held]
random.Random(3).shuffle(evolve)
with open(sys.argv[2] + '/withheld-eval.jsonl', 'w') as f:
    f.writelines(json.dumps(r) + '\n' for r in rows if r['id'] in held)
with open(sys.argv[2] + '/withheld-evolve.jsonl', 'w') as f:
    f.writelines(json.dumps(r) + '\n' for r in evolve)
print(f'withheld: {len(held)} for evaluation, {len(evolve)} for self-evolution')
PY
gzip -f "$DATA"/train-v3.jsonl "$DATA"/public-train.jsonl
du -sh "$DATA"; ls -la "$DATA"
