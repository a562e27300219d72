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
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from tok import ADDED, B2U, PROMPT_TEMPLATE, SPECIAL, SPLIT_PATTERN, pretokenize, to_bytelevel  # noqa: E402


def train_bpe(word_counts, n_merges):
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
            if a not in w:
                new[w] = c
                continue
            out = []
            i = 0
            while i < len(w):
                if i < len(w) - 1 and w[i] == a and w[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            out_t = tuple(out)
            new[out_t] = new.get(out_t, 0) + c
        words = new
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
        with open(path) as f:
            for line in f:
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
