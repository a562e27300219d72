#!/usr/bin/env python3
"""Checks build_tokenizer.train_bpe (incremental pair counts) against the plain BPE loop it
replaced: same merges, in the same order, on random words with overlaps ('aaaa') and ties.
Prints one JSON line; run by test/lab/synth/tokenizer.test.ts."""
import collections
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from build_tokenizer import train_bpe  # noqa: E402


def plain_bpe(word_counts, n_merges):
    words = {tuple(w): c for w, c in word_counts.items()}
    merges = []
    for _ in range(n_merges):
        pairs = collections.Counter()
        for w, c in words.items():
            for i in range(len(w) - 1):
                pairs[(w[i], w[i + 1])] += c
        if not pairs:
            break
        (a, b), cnt = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        if cnt < 2:
            break
        merges.append((a, b))
        new = {}
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i < len(w) - 1 and w[i] == a and w[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new[tuple(out)] = new.get(tuple(out), 0) + c
        words = new
    return merges


def main():
    results = []
    for seed in range(3):
        rng = random.Random(seed)
        wc = collections.Counter()
        for _ in range(2000):
            wc[''.join(rng.choice('abcd e') for _ in range(rng.randint(1, 10)))] += rng.randint(1, 4)
        wc['aaaa'] += 9
        results.append(plain_bpe(wc, 250) == train_bpe(wc, 250))
    print(json.dumps({'same_merges': all(results), 'cases': len(results)}))


if __name__ == '__main__':
    main()
