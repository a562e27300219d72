"""JSONL reading and writing for the data-split scripts (no torch: they run with plain python3)."""
import json


def read(path):
    with open(path, encoding='utf-8') as f:
        return [json.loads(line) for line in f if line.strip()]


def write(path, rows):
    with open(path, 'w', encoding='utf-8') as f:
        for r in rows:
            f.write(json.dumps(r) + '\n')
    print(f'wrote {len(rows)} problems to {path}')
