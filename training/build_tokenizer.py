#!/usr/bin/env python3
"""Builds a small byte-level BPE tokenizer.json (HuggingFace format) from SynthMath JSONL.

Byte-level means any text (unknown words, emoji, other scripts) encodes without <unk> and
decodes back exactly; merges learned on the generator's text make its words single tokens.
Digits are always single tokens (the Split regex isolates each digit).

  /usr/bin/python3 training/build_tokenizer.py --data data/synth/train.jsonl --vocab 1024 \
      --out models/stepwise-synth-policy/tokenizer.json
"""
import argparse
import collections
import gzip
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from tok import ADDED, B2U, PROMPT_TEMPLATE, SPECIAL, SPLIT_PATTERN, pretokenize, to_bytelevel  # noqa: E402


def train_bpe(word_counts, n_merges):
    """Greedy BPE: repeatedly merge the most frequent adjacent pair (ties: the larger pair).
    Pair counts are kept up to date incrementally (only words containing the merged pair are
    touched), so a 4,096-token vocabulary over GSM8K-size text takes seconds, not an hour."""
    words = [list(w) for w in word_counts]
    counts = list(word_counts.values())
    pairs = collections.Counter()
    where = collections.defaultdict(set)
    for idx, w in enumerate(words):
        for i in range(len(w) - 1):
            pairs[(w[i], w[i + 1])] += counts[idx]
            where[(w[i], w[i + 1])].add(idx)
    merges = []
    for _ in range(n_merges):
        if not pairs:
            break
        (a, b), cnt = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        if cnt < 2:
            break
        merges.append((a, b))
        for idx in list(where.pop((a, b), ())):
            w, c = words[idx], counts[idx]
            out, i, changed = [], 0, False
            while i < len(w):
                if i < len(w) - 1 and w[i] == a and w[i + 1] == b:
                    out.append(a + b)
                    i += 2
                    changed = True
                else:
                    out.append(w[i])
                    i += 1
            if not changed:
                continue
            for i in range(len(w) - 1):
                p = (w[i], w[i + 1])
                pairs[p] -= c
                if pairs[p] <= 0:
                    del pairs[p]
            for i in range(len(out) - 1):
                p = (out[i], out[i + 1])
                pairs[p] += c
                where[p].add(idx)
            words[idx] = out
    return merges


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', nargs='+', default=['data/synth/train.jsonl'])
    ap.add_argument('--vocab', type=int, default=1024, help='total vocabulary size incl. bytes and added tokens')
    ap.add_argument('--out', default='models/stepwise-synth-policy/tokenizer.json')
    args = ap.parse_args()

    import re
    added_re = re.compile('(' + '|'.join(re.escape(a) for a in sorted(ADDED, key=len, reverse=True)) + ')')
    counts = collections.Counter()
    for path in args.data:
        with (gzip.open(path, 'rt') if path.endswith('.gz') else open(path)) as f:
            for line in f:
                if not line.strip():
                    continue
                p = json.loads(line)
                text = PROMPT_TEMPLATE.format(question=p['question'], partial=p.get('solution', ''))
                for chunk in added_re.split(text):
                    if chunk and chunk not in ADDED:
                        for piece in pretokenize(chunk):
                            counts[to_bytelevel(piece)] += 1
    base = [B2U[b] for b in range(256)]
    n_merges = args.vocab - len(base) - len(ADDED)
    merges = train_bpe(counts, n_merges)
    vocab = {}
    for t in base:
        vocab[t] = len(vocab)
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    added_tokens = []
    for c in ADDED:
        added_tokens.append({'id': len(vocab) + len(added_tokens), 'content': c, 'single_word': False, 'lstrip': False,
                             'rstrip': False, 'normalized': False, 'special': c in SPECIAL})
    tj = {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': added_tokens,
        'normalizer': None,
        'pre_tokenizer': {'type': 'Sequence', 'pretokenizers': [
            {'type': 'Split', 'pattern': {'Regex': SPLIT_PATTERN}, 'behavior': 'Isolated', 'invert': False},
            {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': False, 'use_regex': False},
        ]},
        'post_processor': None,
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': False, 'use_regex': False},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': '',
                  'end_of_word_suffix': '', 'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False,
                  'vocab': vocab, 'merges': [f'{a} {b}' for a, b in merges]},
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(tj, f, ensure_ascii=False)
    cfg = {'model_max_length': 512, 'pad_token': '<pad>', 'eos_token': '<eos>', 'clean_up_tokenization_spaces': False,
           'tokenizer_class': 'PreTrainedTokenizerFast'}
    with open(os.path.join(os.path.dirname(os.path.abspath(args.out)), 'tokenizer_config.json'), 'w') as f:
        json.dump(cfg, f, indent=1)
    n_single = sum(1 for w in counts if w in vocab)
    print(f'tokenizer: {len(vocab) + len(added_tokens)} tokens ({len(merges)} merges), '
          f'{n_single}/{len(counts)} distinct pre-tokens are single tokens -> {args.out}')


if __name__ == '__main__':
    main()
