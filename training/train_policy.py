#!/usr/bin/env python3
"""Policy SFT: a Qwen2-style decoder trained on prompt + gold solution, loss on the solution.

  OPENBLAS_NUM_THREADS=2 /usr/bin/python3 training/train_policy.py \
      --train data/synth/train.jsonl --val data/synth/test-id.jsonl \
      --tokenizer models/stepwise-synth-policy/tokenizer.json --out training/runs/policy \
      --minutes 12 [--device cuda]

The learning-rate schedule (warmup + cosine) runs on wall-clock time, so a time budget gives a
complete schedule whatever the machine's speed. Input JSONL: SynthMath problems (question +
solution) or rStar SFT records (query + response)."""
import argparse
import math
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from common import fmt_time, prompt_text, read_jsonl, setup_threads  # noqa: E402
from model import SIZES, Config, Policy  # noqa: E402
from tok import Tokenizer  # noqa: E402


def encode_examples(tok, rows, max_len):
    out = []
    for r in rows:
        q = r.get('question', r.get('query'))
        sol = r.get('solution', r.get('response'))
        if q is None or sol is None:
            continue
        p = tok.encode(prompt_text(q))
        s = tok.encode(sol) + [tok.eos_id]
        ids = (p + s)[:max_len]
        out.append((ids, len(p)))
    return out


def make_batches(examples, tokens_per_batch, rng):
    """Buckets by length (little padding) then shuffles the batches."""
    idx = sorted(range(len(examples)), key=lambda i: len(examples[i][0]) + rng.random())
    batches, cur, cur_max = [], [], 0
    for i in idx:
        n = len(examples[i][0])
        if cur and max(cur_max, n) * (len(cur) + 1) > tokens_per_batch:
            batches.append(cur)
            cur, cur_max = [], 0
        cur.append(i)
        cur_max = max(cur_max, n)
    if cur:
        batches.append(cur)
    rng.shuffle(batches)
    return batches


def collate(examples, batch, pad_id, device):
    L = max(len(examples[i][0]) for i in batch)
    ids = torch.full((len(batch), L), pad_id, dtype=torch.long)
    am = torch.zeros((len(batch), L), dtype=torch.long)
    labels = torch.full((len(batch), L), -100, dtype=torch.long)
    for r, i in enumerate(batch):
        seq, plen = examples[i]
        ids[r, :len(seq)] = torch.tensor(seq)
        am[r, :len(seq)] = 1
        labels[r, plen:len(seq)] = torch.tensor(seq[plen:])
    pos = torch.arange(L).unsqueeze(0).expand(len(batch), L)
    return ids.to(device), am.to(device), pos.to(device), labels.to(device)


def lm_loss(model, ids, am, pos, labels):
    logits, _ = model(ids, am, pos)
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1), ignore_index=-100)


@torch.no_grad()
def evaluate(model, examples, pad_id, device, tokens_per_batch):
    model.eval()
    tot, n = 0.0, 0
    for b in make_batches(examples, tokens_per_batch, random.Random(0)):
        ids, am, pos, labels = collate(examples, b, pad_id, device)
        k = int((labels[:, 1:] != -100).sum())
        tot += float(lm_loss(model, ids, am, pos, labels)) * k
        n += k
    model.train()
    return tot / max(n, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--train', nargs='+', default=['data/synth/train.jsonl'])
    ap.add_argument('--val', default='data/synth/test-id.jsonl')
    ap.add_argument('--tokenizer', default='models/stepwise-synth-policy/tokenizer.json')
    ap.add_argument('--out', default='training/runs/policy')
    ap.add_argument('--init', help='checkpoint to continue from (round n+1)')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--minutes', type=float, default=12.0, help='wall-clock training budget')
    ap.add_argument('--epochs', type=float, default=100.0, help='upper bound on passes over the data')
    ap.add_argument('--tokens-per-batch', type=int, default=4096)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--warmup', type=float, default=0.03, help='fraction of the budget')
    ap.add_argument('--max-len', type=int, default=512)
    ap.add_argument('--size', choices=sorted(SIZES), default='small',
                    help='policy shape when training from scratch (model.SIZES); the flags below override one part')
    ap.add_argument('--hidden', type=int)
    ap.add_argument('--layers', type=int)
    ap.add_argument('--heads', type=int)
    ap.add_argument('--kv-heads', type=int)
    ap.add_argument('--ffn', type=int)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--log-every', type=int, default=20)
    args = ap.parse_args()

    setup_threads(args.device)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    tok = Tokenizer(args.tokenizer)
    t_load = time.time()
    rows = [r for p in args.train for r in read_jsonl(p)]
    train = encode_examples(tok, rows, args.max_len)
    val = encode_examples(tok, read_jsonl(args.val, 200), args.max_len) if args.val else []
    ntok = sum(len(e[0]) for e in train)
    print(f'data: {len(train)} examples, {ntok} tokens (avg {ntok / max(len(train), 1):.0f}); '
          f'val {len(val)}; encoded in {time.time() - t_load:.1f}s', flush=True)

    if args.init:
        cfg = Config.load(os.path.join(args.init, 'config.json'))
        model = Policy(cfg)
        model.load_state_dict(torch.load(os.path.join(args.init, 'policy.pt'), map_location='cpu'))
    else:
        shape = {k: v if getattr(args, k) is None else getattr(args, k) for k, v in SIZES[args.size].items()}
        cfg = Config(vocab_size=tok.vocab_size, max_pos=args.max_len, **shape)
        model = Policy(cfg)
    model.to(args.device)
    print(f'model: {model.num_params() / 1e6:.2f}M parameters {cfg}', flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 0.05}, {'params': no_decay, 'weight_decay': 0.0}],
                            lr=args.lr, betas=(0.9, 0.98))
    budget = args.minutes * 60
    t0 = time.time()
    step, seen_tok, epoch, ema = 0, 0, 0.0, None
    last_log = t0
    tok_since = 0
    done = False
    max_epochs = args.epochs
    while not done:
        batches = make_batches(train, args.tokens_per_batch, rng)
        for bi, b in enumerate(batches):
            frac = (time.time() - t0) / budget
            if frac >= 1 or epoch + bi / len(batches) >= max_epochs:
                done = True
                break
            lr = args.lr * (frac / args.warmup if frac < args.warmup else
                            0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * (frac - args.warmup) / (1 - args.warmup))))
            for g in opt.param_groups:
                g['lr'] = lr
            ids, am, pos, labels = collate(train, b, tok.pad_id, args.device)
            loss = lm_loss(model, ids, am, pos, labels)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            n = int(am.sum())
            seen_tok += n
            tok_since += n
            lv = loss.item()
            ema = lv if ema is None else 0.95 * ema + 0.05 * lv
            if step % args.log_every == 0:
                now = time.time()
                el = now - t0
                print(f'step {step} epoch {epoch + bi / len(batches):.2f} loss {ema:.4f} lr {lr:.2e} '
                      f'tok/s {tok_since / (now - last_log):.0f} tokens {seen_tok} '
                      f'elapsed {fmt_time(el)} ETA {fmt_time(max(0, budget - el))}', flush=True)
                last_log, tok_since = now, 0
        else:
            epoch += 1
            if epoch >= max_epochs:
                done = True
    train_s = time.time() - t0
    val_loss = evaluate(model, val, tok.pad_id, args.device, args.tokens_per_batch) if val else float('nan')
    print(f'done: {step} steps, {seen_tok} tokens, {fmt_time(train_s)}, train loss {ema:.4f}, '
          f'held-out loss {val_loss:.4f}', flush=True)
    os.makedirs(args.out, exist_ok=True)
    model.to('cpu')
    torch.save(model.state_dict(), os.path.join(args.out, 'policy.pt'))
    cfg.save(os.path.join(args.out, 'config.json'))
    import json
    with open(os.path.join(args.out, 'train_log.json'), 'w') as f:
        json.dump({'steps': step, 'tokens': seen_tok, 'seconds': round(train_s, 1), 'train_loss': ema,
                   'val_loss': val_loss, 'examples': len(train), 'params': model.num_params(),
                   'device': args.device, 'args': vars(args)}, f, indent=1)


if __name__ == '__main__':
    main()
