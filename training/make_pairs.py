#!/usr/bin/env python3
"""Builds PPM preference pairs in rStar-Math's `rstar_ppm` record shape ({prompt, pos, neg,
pos_count, neg_count}) from sampled policy trajectories graded by their final answer.

Round-0 stand-in for the MCTS pairs: for each problem with a correct and an incorrect sample,
the pair is the two sibling prefixes at the first step where they diverge (shared steps, then
the correct vs the incorrect step), plus one full-trajectory pair. Input: the JSONL written by
eval_policy.py --dump ({question, answer, samples: [{text, output, correct}]}).

  /usr/bin/python3 training/make_pairs.py --samples samples.jsonl --out data/synth/ppm_pairs.jsonl"""
import argparse
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import read_jsonl  # noqa: E402

ASSISTANT = "\n<|assistant|>: Let's think step by step and solve the problem with code."
STEP_RE = re.compile(r'(.*?(?:<end_of_step>|<end_of_code>|<end_of_answer>|$))', re.S)


def split_steps(text):
    return [s for s in STEP_RE.findall(text) if s]


def full_text(sample):
    out = sample['output'] if sample['output'] is not None else 'Error'
    return sample['text'] + f'\n<output>{out}<end_of_output>\n<answer>The answer is \\boxed{{{out}}}.<end_of_answer>'


def pairs_for(row, rng, max_pairs=4):
    good = [s for s in row['samples'] if s['correct']]
    bad = [s for s in row['samples'] if not s['correct']]
    prompt = f"<|user|>:\n{row['question']}\n"
    out, seen = [], set()
    for g in good:
        for b in bad:
            gs, bs = split_steps(g['text']), split_steps(b['text'])
            i = 0
            while i < min(len(gs), len(bs)) and gs[i] == bs[i]:
                i += 1
            if i >= len(gs) or i >= len(bs):
                continue
            pos = ASSISTANT + ''.join(gs[:i + 1])
            neg = ASSISTANT + ''.join(bs[:i + 1])
            if (pos, neg) not in seen:
                seen.add((pos, neg))
                out.append({'prompt': prompt, 'pos': pos, 'neg': neg, 'kind': 'step', 'depth': i + 1})
    rng.shuffle(out)
    out = out[:max_pairs]
    if good and bad:
        out.append({'prompt': prompt, 'pos': ASSISTANT + full_text(rng.choice(good)),
                    'neg': ASSISTANT + full_text(rng.choice(bad)), 'kind': 'final'})
    for o in out:
        o['pos_count'] = len(good)
        o['neg_count'] = len(bad)
        o['id'] = row.get('id')
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--samples', nargs='+', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--seed', type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pairs = []
    n_rows = 0
    for path in args.samples:
        for row in read_jsonl(path):
            n_rows += 1
            pairs.extend(pairs_for(row, rng))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w') as f:
        for p in pairs:
            f.write(json.dumps(p) + '\n')
    print(f'pairs: {len(pairs)} from {n_rows} problems -> {args.out}')


if __name__ == '__main__':
    main()
