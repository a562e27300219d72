"""The public training sets in `<data dir>/train` as the split scripts read them (no torch: they run
with plain python3). One shuffle per source, so every split script cuts the same ordering:
GSM8K train and DeepMind mathematics levels 0-2, each shuffled with seed 7."""
import argparse
import json
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def write(path, rows):
    with open(path, 'w', encoding='utf-8') as f:
        for r in rows:
            f.write(json.dumps(r) + '\n')
    print(f'wrote {len(rows)} problems to {path}')


def arguments(doc):
    """--data-dir (default $STEPWISE_DATA_DIR, else ../shared/data) and --out (created)."""
    ap = argparse.ArgumentParser(description=doc.split('\n')[0])
    ap.add_argument('--data-dir', default=os.environ.get('STEPWISE_DATA_DIR', os.path.join(ROOT, '..', 'shared', 'data')))
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    return a


def gsm8k_train(data_dir):
    """GSM8K train, shuffled with seed 7: {id: gsm8k-train-<position>, question, answer (the number)}."""
    rows = read(os.path.join(data_dir, 'train', 'gsm8k', 'train.jsonl'))
    random.Random(7).shuffle(rows)
    return [{'id': f'gsm8k-train-{i}', 'question': r['question'], 'answer': r['answer'].split('####')[-1].strip().replace(',', '')}
            for i, r in enumerate(rows)]


def dm_mathematics(data_dir):
    """DeepMind mathematics levels 0-2, shuffled with seed 7: {id: dm-<position>, question, answer, module}."""
    rows = []
    for level in (0, 1, 2):
        rows += read(os.path.join(data_dir, 'train', 'dm_mathematics', f'sample_level{level}.jsonl'))
    random.Random(7).shuffle(rows)
    return [{'id': f'dm-{i}', 'question': r['question'], 'answer': r['answer'], 'module': r['module']} for i, r in enumerate(rows)]
