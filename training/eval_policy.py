#!/usr/bin/env python3
"""Greedy accuracy and pass@k / maj@k of the PyTorch policy on SynthMath splits: the policy
writes the code steps up to <end_of_code>; the program runs in Python; its stdout is compared
with the known answer (our own eval harness; the product uses the sandboxed executor).

  /usr/bin/python3 training/eval_policy.py --ckpt training/runs/policy --sets data/synth/test-id.jsonl \
      data/synth/test-ood.jsonl --limit 200 --k 8 --temperature 0.8 [--dump samples.jsonl]"""
import argparse
import collections
import json
import os
import sys
import time
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402

from common import extract_program, prompt_text, read_jsonl, run_programs, setup_threads  # noqa: E402
from generate import generate  # noqa: E402
from model import Config, Policy  # noqa: E402
from tok import Tokenizer  # noqa: E402


def same(a, b):
    if a is None:
        return False
    if a.strip() == b.strip():
        return True
    try:
        return Fraction(a.strip()) == Fraction(b.strip())
    except (ValueError, ZeroDivisionError):
        return False


def load_policy(ckpt, device):
    cfg = Config.load(os.path.join(ckpt, 'config.json'))
    m = Policy(cfg)
    m.load_state_dict(torch.load(os.path.join(ckpt, 'policy.pt'), map_location='cpu'))
    return m.to(device).eval()


def sample_solutions(model, tok, questions, n, temperature, device, batch, seed=0, max_new=320):
    stop = {tok.added['<end_of_code>'], tok.eos_id}
    prompts = [tok.encode(prompt_text(q)) for q in questions]
    flat = [p for p in prompts for _ in range(n)]
    g = torch.Generator(device=device)
    g.manual_seed(seed)
    outs = []
    for i in range(0, len(flat), batch):
        outs.extend(generate(model, flat[i:i + batch], tok.pad_id, stop, max_new, temperature, device, g))
    texts = [tok.decode(o) for o in outs]
    return [texts[i * n:(i + 1) * n] for i in range(len(questions))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', default='training/runs/policy')
    ap.add_argument('--tokenizer', default='models/stepwise-synth-policy/tokenizer.json')
    ap.add_argument('--sets', nargs='+', default=['data/synth/test-id.jsonl', 'data/synth/test-ood.jsonl'])
    ap.add_argument('--limit', type=int, default=200)
    ap.add_argument('--k', type=int, default=8, help='samples for pass@k / maj@k (0 = greedy only)')
    ap.add_argument('--k-sets', nargs='*', default=None, help='sets to sample k on (default: the last set)')
    ap.add_argument('--temperature', type=float, default=0.8)
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--dump', help='write sampled trajectories (for PPM pairs) to this JSONL')
    ap.add_argument('--json', help='write the scores to this JSON file')
    args = ap.parse_args()
    setup_threads(args.device)
    tok = Tokenizer(args.tokenizer)
    model = load_policy(args.ckpt, args.device)
    k_sets = args.k_sets if args.k_sets is not None else args.sets[-1:]
    results = {}
    dump = open(args.dump, 'w') if args.dump else None
    for path in args.sets:
        name = os.path.basename(path).replace('.jsonl', '')
        rows = read_jsonl(path, args.limit)
        qs = [r['question'] for r in rows]
        t0 = time.time()
        greedy = sample_solutions(model, tok, qs, 1, 0.0, args.device, args.batch)
        outs = run_programs([extract_program(g[0]) for g in greedy])
        acc = sum(same(o, r['answer']) for o, r in zip(outs, rows)) / len(rows)
        runs = sum(o is not None for o in outs) / len(rows)
        res = {'n': len(rows), 'greedy': acc, 'programs_run': runs, 'greedy_seconds': round(time.time() - t0, 1)}
        if args.k and path in k_sets:
            t0 = time.time()
            samples = sample_solutions(model, tok, qs, args.k, args.temperature, args.device, args.batch, seed=1)
            flat = run_programs([extract_program(s) for ss in samples for s in ss])
            ks = sorted({k for k in (1, 4, 8, 16, args.k) if k <= args.k})
            pk = {k: 0 for k in ks}
            mk = {k: 0 for k in ks}
            for i, r in enumerate(rows):
                o = flat[i * args.k:(i + 1) * args.k]
                ok = [same(x, r['answer']) for x in o]
                for k in ks:
                    pk[k] += any(ok[:k])
                    votes = collections.Counter(x for x in o[:k] if x is not None)
                    mk[k] += bool(votes) and same(votes.most_common(1)[0][0], r['answer'])
                if dump:
                    dump.write(json.dumps({'id': r['id'], 'question': r['question'], 'answer': r['answer'],
                                           'samples': [{'text': s, 'output': x, 'correct': c}
                                                       for s, x, c in zip(samples[i], o, ok)]}) + '\n')
            for k in ks:
                res[f'pass@{k}'] = pk[k] / len(rows)
                res[f'maj@{k}'] = mk[k] / len(rows)
            res['temperature'] = args.temperature
            res['sample_seconds'] = round(time.time() - t0, 1)
        results[name] = res
        print(name, json.dumps(res), flush=True)
    if dump:
        dump.close()
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=1)


if __name__ == '__main__':
    main()
