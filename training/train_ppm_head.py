#!/usr/bin/env python3
"""Trains the PPM value head on the policy's hidden states (issue 24: the 0.5B policy stays frozen,
only the head learns) with the spec's pairwise loss, -log sigmoid(r(pos) - r(neg)), and exports it
as a small ONNX model (hidden_states [batch, hidden] -> values [batch]) with its manifest.

  ./stepwise features --pairs DIR/pairs.jsonl --policy models/qwen2.5-coder-0.5b-instruct --out F
  python training/train_ppm_head.py --features F [--features F2 ...] --out models/qwen2.5-coder-0.5b-ppm-head

Pair accuracy (share of pairs where the head ranks pos above neg) is cross-validated by question
(k folds: no question's pairs are both trained and scored), for a linear head and an MLP; the one
with the higher figure is then trained on all pairs (fixed epochs, no selection on scored data) and
shipped. The figures go to metrics.json next to the head.
"""
import argparse
import json
import os
import random
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load(dirs):
    feats, meta = [], []
    for d in dirs:
        m = [json.loads(line) for line in open(os.path.join(d, 'pairs.jsonl'), encoding='utf-8') if line.strip()]
        x = np.fromfile(os.path.join(d, 'features.f32'), dtype=np.float32)
        hidden = x.size // (2 * len(m))
        feats.append(x.reshape(len(m), 2, hidden))
        meta += m
    return np.concatenate(feats), meta


class Head(nn.Module):
    def __init__(self, hidden, width, dropout):
        super().__init__()
        self.net = (nn.Sequential(nn.Dropout(dropout), nn.Linear(hidden, width), nn.GELU(), nn.Dropout(dropout), nn.Linear(width, 1))
                    if width else nn.Sequential(nn.Dropout(dropout), nn.Linear(hidden, 1)))

    def forward(self, h):
        return self.net(h).squeeze(-1)


def pair_acc(head, x):
    head.eval()
    with torch.no_grad():
        return float((head(x[:, 0]) > head(x[:, 1])).float().mean()) if len(x) else float('nan')


def train(x_tr, width, epochs, lr, wd, dropout, seed, log=''):
    """Fixed epochs (no selection on held-out data: with few pairs that would flatter the figure)."""
    torch.manual_seed(seed)
    head = Head(x_tr.shape[-1], width, dropout)
    opt = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=wd)
    n = len(x_tr)
    for ep in range(epochs):
        head.train()
        perm = torch.randperm(n)
        for i in range(0, n, 64):
            b = x_tr[perm[i:i + 64]]
            loss = -F.logsigmoid(head(b[:, 0]) - head(b[:, 1])).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        if log and (ep + 1) % max(1, epochs // 5) == 0:
            print(f'  {log} epoch {ep + 1}/{epochs}: loss {loss.item():.3f}, train acc {pair_acc(head, x_tr):.3f}', flush=True)
    return head.eval()


def cross_validate(x, groups, folds, width, a):
    """Pair accuracy with the questions split into folds: each fold scored by a head trained on the others."""
    right = total = 0
    for k in range(folds):
        te = [i for i, g in enumerate(groups) if g % folds == k]
        tr = [i for i, g in enumerate(groups) if g % folds != k]
        if not te or not tr:
            continue
        head = train(x[tr], width, a.epochs, a.lr, a.wd, a.dropout, a.seed)
        right += pair_acc(head, x[te]) * len(te)
        total += len(te)
    return right / total if total else float('nan'), total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--features', action='append', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--backbone', default='../qwen2.5-coder-0.5b-instruct', help='policy dir, relative to --out')
    ap.add_argument('--width', type=int, default=256)
    ap.add_argument('--epochs', type=int, default=60)
    ap.add_argument('--lr', type=float, default=1e-3)
    ap.add_argument('--wd', type=float, default=0.05)
    ap.add_argument('--dropout', type=float, default=0.2)
    ap.add_argument('--folds', type=int, default=5)
    ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(2)
    t0 = time.time()
    x, meta = load(a.features)
    questions = sorted({m['question'] for m in meta})
    random.Random(a.seed).shuffle(questions)
    fold_of = {q: i for i, q in enumerate(questions)}
    groups = [fold_of[m['question']] for m in meta]
    xt = torch.from_numpy(x)
    folds = min(a.folds, len(questions))
    print(f'{len(meta)} pairs from {len(questions)} questions (hidden {x.shape[-1]}); {folds}-fold cross-validation by question', flush=True)
    lin_acc, n_cv = cross_validate(xt, groups, folds, 0, a)
    mlp_acc, _ = cross_validate(xt, groups, folds, a.width, a)
    width, kind, acc = (a.width, f'mlp {a.width}', mlp_acc) if mlp_acc > lin_acc else (0, 'linear', lin_acc)
    print(f'cross-validated pair accuracy: linear {lin_acc:.3f}, mlp {mlp_acc:.3f} ({n_cv} pairs); shipping {kind}, trained on all pairs', flush=True)
    head = train(xt, width, a.epochs, a.lr, a.wd, a.dropout, a.seed, log=kind)
    by_kind = {}
    with torch.no_grad():
        raw = torch.cat([head(xt[:, 0]), head(xt[:, 1])])
    for k in ('step', 'final'):
        idx = [i for i, m in enumerate(meta) if m.get('kind') == k]
        if idx:
            by_kind[k] = {'pairs': len(idx)}
    # tanh(raw / scale): scale = the spread of raw values, so scores use the range [-1, 1]
    scale = float(raw.std().clamp(min=1e-3))
    # centre the head so its mean raw value is 0 (the last layer's bias)
    with torch.no_grad():
        head.net[-1].bias -= raw.mean()
    os.makedirs(a.out, exist_ok=True)
    dummy = torch.zeros(2, x.shape[-1])
    torch.onnx.export(head.eval(), (dummy,), os.path.join(a.out, 'value-head.onnx'), input_names=['hidden_states'],
                      output_names=['values'], dynamic_axes={'hidden_states': {0: 'batch'}, 'values': {0: 'batch'}},
                      opset_version=17, dynamo=False)
    metrics = {'pairs': len(meta), 'questions': len(questions), 'folds': folds, 'cvPairAccuracy': acc, 'byKind': by_kind,
               'linearCvPairAccuracy': lin_acc, 'mlpCvPairAccuracy': mlp_acc, 'head': kind, 'epochs': a.epochs, 'scale': scale,
               'seconds': round(time.time() - t0, 1), 'sources': sorted({m.get('source', '') for m in meta})}
    with open(os.path.join(a.out, 'metrics.json'), 'w') as f:
        json.dump(metrics, f, indent=1)
    manifest = {
        'name': os.path.basename(os.path.normpath(a.out)), 'kind': 'ppm', 'backend': 'onnx',
        'description': 'Value head on the final hidden state of its backbone policy at the last token of question + steps '
                       '(training/train_ppm_head.py; MODEL_CARD.md).',
        'backbone': a.backbone,
        'files': {'model': 'value-head.onnx'},
        'prompt': {'template': '{question}{partial}'},
        'score': {'transform': 'tanh', 'scale': round(scale, 4)},
        'stepStyles': ['code'],
    }
    with open(os.path.join(a.out, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
        f.write('\n')
    print(json.dumps(metrics), flush=True)


if __name__ == '__main__':
    main()
