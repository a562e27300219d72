"""Python reader for our byte-level BPE tokenizer.json (encode/decode), matching
@huggingface/tokenizers on the text we train on (checked by test/lab/synth/tokenizer.test.ts).

Pre-tokenization mirrors the Split regex in tokenizer.json with Python's `re`
(\\p{L} -> [^\\W\\d_], \\p{N} -> \\d), which is exact for ASCII text."""
import json
import re

# The pattern written into tokenizer.json (JS / Rust regex syntax).
SPLIT_PATTERN = r"[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
PY_PATTERN = re.compile(
    r"(?:[^\r\n\w]|_)?[^\W\d_]+|\d| ?(?:[^\s\w]|_)+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

SPECIAL = ['<pad>', '<eos>']
STEP_TOKENS = ['<|user|>', '<|assistant|>', '<code>', '<end_of_step>', '<end_of_code>', '<output>',
               '<end_of_output>', '<answer>', '<end_of_answer>']
ADDED = SPECIAL + STEP_TOKENS

PROMPT_TEMPLATE = ("<|user|>:\n{question}\n\n<|assistant|>: Let's think step by step and solve the "
                   "problem with code.{partial}")


def bytes_to_unicode():
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


B2U = bytes_to_unicode()
U2B = {v: k for k, v in B2U.items()}


def pretokenize(text):
    return PY_PATTERN.findall(text)


def to_bytelevel(piece):
    return ''.join(B2U[b] for b in piece.encode('utf-8'))


class Tokenizer:
    def __init__(self, path):
        with open(path) as f:
            j = json.load(f)
        self.vocab = j['model']['vocab']
        self.id2tok = {i: t for t, i in self.vocab.items()}
        self.added = {a['content']: a['id'] for a in j['added_tokens']}
        for c, i in self.added.items():
            self.id2tok[i] = c
        merges = j['model']['merges']
        merges = [tuple(m.split(' ')) if isinstance(m, str) else tuple(m) for m in merges]
        self.ranks = {m: r for r, m in enumerate(merges)}
        self.cache = {}
        alts = sorted(self.added, key=len, reverse=True)
        self.added_re = re.compile('(' + '|'.join(re.escape(a) for a in alts) + ')')
        self.pad_id = self.added['<pad>']
        self.eos_id = self.added['<eos>']
        self.vocab_size = max(self.id2tok) + 1

    def _bpe(self, word):
        if word in self.cache:
            return self.cache[word]
        parts = list(word)
        while len(parts) > 1:
            best = None
            for i in range(len(parts) - 1):
                r = self.ranks.get((parts[i], parts[i + 1]))
                if r is not None and (best is None or r < best[0]):
                    best = (r, i)
            if best is None:
                break
            i = best[1]
            parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2:]
        ids = [self.vocab[p] for p in parts]
        self.cache[word] = ids
        return ids

    def encode(self, text):
        ids = []
        for chunk in self.added_re.split(text):
            if not chunk:
                continue
            if chunk in self.added:
                ids.append(self.added[chunk])
                continue
            for piece in pretokenize(chunk):
                ids.extend(self._bpe(to_bytelevel(piece)))
        return ids

    def decode(self, ids):
        out = []
        buf = []
        for i in ids:
            t = self.id2tok[int(i)]
            if t in self.added:
                if buf:
                    out.append(bytes(buf).decode('utf-8', errors='replace'))
                    buf = []
                out.append(t)
            else:
                buf.extend(U2B[c] for c in t)
        if buf:
            out.append(bytes(buf).decode('utf-8', errors='replace'))
        return ''.join(out)
