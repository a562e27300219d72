#!/usr/bin/env python3
"""PPM training: the policy's backbone + value head (dropout + Linear(hidden, 1)) scored at the
last token of prompt + steps, trained with the pairwise loss of the spec,
-mean log sigmoid(s(pos) - s(neg)) over the pairs of each prefix, on rstar_ppm-format JSONL
({prompt, pos, neg}). Prints loss and held-out pair accuracy (a loss stuck at ln 2 = 0.693 means
the model learned nothing).

  /usr/bin/python3 training/train_ppm.py --pairs data/synth/ppm_pairs.jsonl \
      --init training/runs/round0/policy --out training/runs/ppm --minutes 5 [--device cuda]"""
import argparse
import json
import math
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from common import fmt_time, read_jsonl, setup_threads  # noqa: E402
from model import PPM, Config  # noqa: E402
from tok import Tokenizer  # noqa: E402


def load_pairs(paths):
    rows = []
    for p in paths:
        for r in read_jsonl(p):
            rec = r.get('record', r)  # accept the wrapped examples file too
            if 'pos' in rec and 'neg' in rec:
                rows.append(rec)
    return rows


def encode_pairs(tok, rows, max_len):
    out = []
    for r in rows:
        p = tok.encode(r['prompt'] + r['pos'])[-max_len:]
        n = tok.encode(r['prompt'] + r['neg'])[-max_len:]
        out.append((p, n, r['prompt']))
    return out


def batch_scores(model, seqs, pad_id, device):
    """Left-padded batch -> value at the last token of each sequence."""
    L = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), L), pad_id, dtype=torch.long)
    am = torch.zeros((len(seqs), L), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, L - len(s):] = torch.tensor(s)
        am[i, L - len(s):] = 1
    v = model(ids.to(device), am.to(device))
    return v[:, -1]


def pair_loss(sp, sn, prompts):
    """Spec loss: per prefix (prompt), mean over its pos x neg pairs; averaged over prefixes.
    Pairs here are explicit, so each prefix's pairs are averaged then the prefixes averaged."""
    l = -F.logsigmoid(sp - sn)
    groups = {}
    for i, p in enumerate(prompts):
        groups.setdefault(p, []).append(i)
    return torch.stack([l[idx].mean() for idx in groups.values()]).mean()


@torch.no_grad()
def evaluate(model, pairs, pad_id, device, bs):
    model.eval()
    correct, tot, loss = 0, 0, 0.0
    for i in range(0, len(pairs), bs):
        b = pairs[i:i + bs]
        sp = batch_scores(model, [x[0] for x in b], pad_id, device)
        sn = batch_scores(model, [x[1] for x in b], pad_id, device)
        correct += int((sp > sn).sum())
        loss += float(-F.logsigmoid(sp - sn).sum())
        tot += len(b)
    model.train()
    return correct / max(tot, 1), loss / max(tot, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--pairs', nargs='+', required=True)
    ap.add_argument('--init', required=True, help='policy checkpoint dir (config.json + policy.pt)')
    ap.add_argument('--tokenizer', default='models/stepwise-synth-policy/tokenizer.json')
    ap.add_argument('--out', default='training/runs/ppm')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--minutes', type=float, default=5.0)
    ap.add_argument('--epochs', type=float, default=4.0)
    ap.add_argument('--batch', type=int, default=32, help='pairs per step')
    ap.add_argument('--lr', type=float, default=3e-4)
    ap.add_argument('--heldout', type=float, default=0.1, help='fraction of problems held out')
    ap.add_argument('--max-len', type=int, default=512)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--log-every', type=int, default=10)
    ap.add_argument('--heldout-out', help='write the held-out pairs (JSONL) here, for ./stepwise eval --pairs')
    ap.add_argument('--heldout-pairs', help='use these pairs (JSONL) as the held-out set instead of a random '
                    'share, and train on no pair of their problems (compare runs on one fixed set)')
    args = ap.parse_args()
    setup_threads(args.device)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    tok = Tokenizer(args.tokenizer)
    rows = load_pairs(args.pairs)
    # hold out whole problems (by question when the pairs carry it, else by prompt), not single pairs
    key = lambda r: r.get('question', r['prompt'])
    if args.heldout_pairs:
        fixed = load_pairs([args.heldout_pairs])
        held = {key(r) for r in fixed}
        rows = [r for r in rows if key(r) not in held] + fixed
    else:
        prompts = sorted({key(r) for r in rows})
        rng.shuffle(prompts)
        held = set(prompts[:max(1, int(len(prompts) * args.heldout))]) if len(prompts) > 1 else set()
    train = encode_pairs(tok, [r for r in rows if key(r) not in held], args.max_len)
    val = encode_pairs(tok, [r for r in rows if key(r) in held], args.max_len)
    if args.heldout_out:
        with open(args.heldout_out, 'w') as f:
            for r in rows:
                if key(r) in held:
                    f.write(json.dumps(r) + '\n')
    print(f'pairs: {len(train)} train, {len(val)} held-out ({len(held)} problems)', flush=True)

    cfg = Config.load(os.path.join(args.init, 'config.json'))
    model = PPM(cfg)
    pol = torch.load(os.path.join(args.init, 'policy.pt'), map_location='cpu')
    missing, unexpected = model.load_state_dict(pol, strict=False)
    assert not unexpected and all(k.startswith('value_head') for k in missing), (missing, unexpected)
    torch.nn.init.normal_(model.value_head.weight, std=0.02)
    torch.nn.init.zeros_(model.value_head.bias)
    model.to(args.device).train()
    acc0, loss0 = evaluate(model, val, tok.pad_id, args.device, args.batch) if val else (float('nan'), float('nan'))
    print(f'before training: held-out pair accuracy {acc0:.3f} loss {loss0:.4f}', flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    budget = args.minutes * 60
    total_steps = max(1, int(args.epochs * len(train) / args.batch))
    t0 = time.time()
    step, ema, ema_acc = 0, None, None
    while step < total_steps and time.time() - t0 < budget:
        order = list(range(len(train)))
        rng.shuffle(order)
        for i in range(0, len(order), args.batch):
            if step >= total_steps or time.time() - t0 >= budget:
                break
            frac = max(step / total_steps, (time.time() - t0) / budget)
            lr = args.lr * min(1.0, (step + 1) / 20) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(frac, 1))))
            for g in opt.param_groups:
                g['lr'] = lr
            b = [train[j] for j in order[i:i + args.batch]]
            sp = batch_scores(model, [x[0] for x in b], tok.pad_id, args.device)
            sn = batch_scores(model, [x[1] for x in b], tok.pad_id, args.device)
            loss = pair_loss(sp, sn, [x[2] for x in b])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            acc = float((sp > sn).float().mean())
            ema = float(loss) if ema is None else 0.9 * ema + 0.1 * float(loss)
            ema_acc = acc if ema_acc is None else 0.9 * ema_acc + 0.1 * acc
            if step % args.log_every == 0:
                el = time.time() - t0
                print(f'step {step}/{total_steps} loss {ema:.4f} (ln2=0.6931) train pair acc {ema_acc:.3f} '
                      f'lr {lr:.2e} elapsed {fmt_time(el)} ETA {fmt_time(max(0, min(budget, el / max(frac, 1e-9)) - el))}',
                      flush=True)
    secs = time.time() - t0
    acc, vloss = evaluate(model, val, tok.pad_id, args.device, args.batch) if val else (float('nan'), float('nan'))
    print(f'done: {step} steps in {fmt_time(secs)}; held-out pair accuracy {acc:.3f} (loss {vloss:.4f}); '
          f'train loss {ema if ema is not None else float("nan"):.4f}', flush=True)
    os.makedirs(args.out, exist_ok=True)
    model.to('cpu')
    torch.save(model.state_dict(), os.path.join(args.out, 'ppm.pt'))
    cfg.save(os.path.join(args.out, 'config.json'))
    with open(os.path.join(args.out, 'train_log.json'), 'w') as f:
        json.dump({'steps': step, 'seconds': round(secs, 1), 'train_pairs': len(train), 'heldout_pairs': len(val),
                   'heldout_pair_accuracy': acc, 'heldout_loss': vloss, 'before_accuracy': acc0,
                   'train_loss': ema, 'device': args.device, 'args': vars(args)}, f, indent=1)


if __name__ == '__main__':
    main()
