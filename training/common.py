"""Shared helpers: thread settings, data loading, batching, program execution."""
import gzip
import json
from concurrent.futures import ThreadPoolExecutor
import os
import subprocess
import sys
import time

import torch

from tok import PROMPT_TEMPLATE


def setup_threads(device):
    if device == 'cpu':
        # measured best on 2 cores: torch intra-op 1 thread, OpenBLAS 2 threads (docs/ml-runtime.md)
        os.environ.setdefault('OPENBLAS_NUM_THREADS', '2')
        torch.set_num_threads(int(os.environ.get('TORCH_THREADS', '1')))


def read_jsonl(path, limit=None):
    out = []
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rt') as f:
        for line in f:
            if line.strip():
                out.append(json.loads(line))
                if limit and len(out) >= limit:
                    break
    return out


def prompt_text(question):
    return PROMPT_TEMPLATE.format(question=question, partial='')


def fmt_time(s):
    s = int(s)
    return f'{s // 60}m{s % 60:02d}s'


def extract_program(solution_text):
    """Python program of a (generated) solution: text after <code> up to <end_of_code>."""
    t = solution_text
    if '<code>' in t:
        t = t.split('<code>', 1)[1]
    t = t.split('<end_of_code>', 1)[0]
    return t.replace('<end_of_step>', '')


def run_programs(programs, timeout=5.0, python=sys.executable, workers=None):
    """Runs each program in its own python process (our own models' programs on our own
    synthetic problems); returns stdout stripped, or None on error/timeout."""
    workers = workers or int(os.environ.get('EXEC_WORKERS', '2'))
    uniq = list(dict.fromkeys(programs))

    def one(p):
        try:
            r = subprocess.run([python, '-c', p], capture_output=True, text=True, timeout=timeout)
            return r.stdout.strip() if r.returncode == 0 else None
        except (subprocess.TimeoutExpired, ValueError, UnicodeDecodeError):
            # ValueError: a sampled program with a NUL byte cannot be an argv string
            return None

    with ThreadPoolExecutor(workers) as ex:
        res = dict(zip(uniq, ex.map(one, uniq)))
    return [res[p] for p in programs]


class Progress:
    def __init__(self, total_s=None):
        self.t0 = time.time()
        self.total_s = total_s

    def elapsed(self):
        return time.time() - self.t0
