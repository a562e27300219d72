#!/usr/bin/env python3
"""Trains the PPM value head on the policy's hidden states (issue 24: the 0.5B policy stays frozen,
only the head learns) with the spec's pairwise loss, -log sigmoid(r(pos) - r(neg)), and exports it
as a small ONNX model (hidden_states [batch, hidden] -> values [batch]) with its manifest.

  ./stepwise features --pairs DIR/pairs.jsonl --policy models/qwen2.5-coder-0.5b-instruct --out F
  python training/train_ppm_head.py --features F [--features F2 ...] --out models/qwen2.5-coder-0.5b-ppm-head

Pairs are split by question: 20 % of the questions are held out, and the held-out pair accuracy
(share of pairs where the head ranks pos above neg) is printed and written to metrics.json next to
the head. A linear head is trained beside the MLP on the same split, for comparison.
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


def train(x_tr, x_te, width, epochs, lr, wd, dropout, seed):
    torch.manual_seed(seed)
    head = Head(x_tr.shape[-1], width, dropout)
    opt = torch.optim.AdamW(head.parameters(), lr=lr, weight_decay=wd)
    best = (-1.0, None, 0)
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
        te = pair_acc(head, x_te)
        if te > best[0]:
            best = (te, {k: v.clone() for k, v in head.state_dict().items()}, ep + 1)
        if (ep + 1) % max(1, epochs // 10) == 0:
            print(f'  width {width or "linear"} epoch {ep + 1}/{epochs}: loss {loss.item():.3f}, train acc {pair_acc(head, x_tr):.3f}, held-out acc {te:.3f}', flush=True)
    if best[1] is not None:  # keep the epoch with the best held-out accuracy (else the last)
        head.load_state_dict(best[1])
    return head, best[0], best[2] or epochs


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
    ap.add_argument('--holdout', type=float, default=0.2)
    ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(2)
    t0 = time.time()
    x, meta = load(a.features)
    questions = sorted({m['question'] for m in meta})
    random.Random(a.seed).shuffle(questions)
    held = set(questions[:max(1 if len(questions) > 1 else 0, int(len(questions) * a.holdout))])
    te_idx = [i for i, m in enumerate(meta) if m['question'] in held]
    tr_idx = [i for i, m in enumerate(meta) if m['question'] not in held]
    xt = torch.from_numpy(x)
    x_tr, x_te = xt[tr_idx], xt[te_idx]
    print(f'{len(meta)} pairs from {len(questions)} questions (hidden {x.shape[-1]}): {len(tr_idx)} train, {len(te_idx)} held out '
          f'({len(held)} questions)', flush=True)
    linear, lin_acc, lin_ep = train(x_tr, x_te, 0, a.epochs, a.lr, a.wd, a.dropout, a.seed)
    mlp, mlp_acc, mlp_ep = train(x_tr, x_te, a.width, a.epochs, a.lr, a.wd, a.dropout, a.seed)
    head, acc, ep, kind = (mlp, mlp_acc, mlp_ep, f'mlp {a.width}') if mlp_acc >= lin_acc else (linear, lin_acc, lin_ep, 'linear')
    by_kind = {}
    head.eval()
    with torch.no_grad():
        for k in ('step', 'final'):
            idx = [j for j, i in enumerate(te_idx) if meta[i].get('kind') == k]
            if idx:
                by_kind[k] = {'pairs': len(idx), 'accuracy': pair_acc(head, x_te[idx])}
        raw = torch.cat([head(x_tr[:, 0]), head(x_tr[:, 1])])
    # tanh(raw / scale): scale = the spread of raw values, so scores use the range [-1, 1]
    scale = float(raw.std().clamp(min=1e-3))
    print(f'held-out pair accuracy: linear {lin_acc:.3f} (epoch {lin_ep}), mlp {mlp_acc:.3f} (epoch {mlp_ep}); shipping {kind}; '
          f'score = tanh((raw - {float(raw.mean()):.3f}) / {scale:.3f})', flush=True)
    # centre the head so its mean raw value is 0 (the last layer's bias)
    with torch.no_grad():
        head.net[-1].bias -= raw.mean()
    os.makedirs(a.out, exist_ok=True)
    dummy = torch.zeros(2, x.shape[-1])
    torch.onnx.export(head.eval(), (dummy,), os.path.join(a.out, 'value-head.onnx'), input_names=['hidden_states'],
                      output_names=['values'], dynamic_axes={'hidden_states': {0: 'batch'}, 'values': {0: 'batch'}},
                      opset_version=17, dynamo=False)
    metrics = {'pairs': len(meta), 'questions': len(questions), 'trainPairs': len(tr_idx), 'heldOutPairs': len(te_idx),
               'heldOutQuestions': len(held), 'heldOutPairAccuracy': acc, 'byKind': by_kind, 'linearHeldOutAccuracy': lin_acc,
               'mlpHeldOutAccuracy': mlp_acc, 'head': kind, 'epochs': ep, 'scale': scale, 'seconds': round(time.time() - t0, 1),
               'sources': sorted({m.get('source', '') for m in meta})}
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
