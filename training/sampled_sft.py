#!/usr/bin/env python3
"""Self-evolution without gold solutions, the sampling form (for a GPU machine without node, where
the engine's MCTS cannot run): from trajectories sampled by the policy (eval_policy.py --dump) on
problems whose gold solution was withheld, keep one verified-correct trajectory per problem (the
program most of the correct samples wrote; the shortest on a tie) as an SFT record
{id, question, answer, solution}. `./stepwise evolve --withheld` is the MCTS form of the same step.

  python3 training/sampled_sft.py --samples samples.jsonl --out sft_withheld.jsonl"""
import argparse
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import read_jsonl  # noqa: E402
from make_pairs import full_text  # noqa: E402


def pick(samples):
    good = [s for s in samples if s['correct']]
    if not good:
        return None
    votes = collections.Counter(s['text'] for s in good)
    return min(good, key=lambda s: (-votes[s['text']], len(s['text'])))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--samples', nargs='+', required=True)
    ap.add_argument('--out', required=True)
    args = ap.parse_args()
    rows = [r for f in args.samples for r in read_jsonl(f)]
    kept = 0
    with open(args.out, 'w') as f:
        for r in rows:
            s = pick(r['samples'])
            if s is None:
                continue
            f.write(json.dumps({'id': r['id'], 'question': r['question'], 'answer': r['answer'], 'solution': full_text(s)}) + '\n')
            kept += 1
    print(f'sampled_sft: {kept} of {len(rows)} problems solved by at least one sample ({100 * kept / max(1, len(rows)):.1f} %)'
          f' -> {args.out}', flush=True)


if __name__ == '__main__':
    main()
