#!/usr/bin/env python3
"""Exports the policy (with KV cache I/O) or the PPM to ONNX (opset 17), writes the model dir's
manifest.json + tokenizer, and saves PyTorch reference outputs for the Node parity check.

  /usr/bin/python3 training/export_onnx.py policy --ckpt training/runs/round0/policy --out models/stepwise-synth-policy
  /usr/bin/python3 training/export_onnx.py ppm --ckpt training/runs/ppm --out models/stepwise-synth-ppm"""
import argparse
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

from common import prompt_text  # noqa: E402
from model import PPM, Config, Policy, kv_io  # noqa: E402
from tok import PROMPT_TEMPLATE, Tokenizer  # noqa: E402

STOP = ['<end_of_step>', '<end_of_code>', '<end_of_answer>']


class PolicyExport(nn.Module):
    def __init__(self, m: Policy):
        super().__init__()
        self.m = m
        self.n = m.c.layers

    def forward(self, input_ids, attention_mask, position_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(self.n)]
        logits, presents = self.m(input_ids, attention_mask, position_ids, past)
        flat = [t for kv in presents for t in kv]
        return (logits, *flat)


def left_padded(tok, texts):
    """Token ids and attention mask of texts, left-padded with the pad token (as the runtime pads)."""
    enc = [tok.encode(t) for t in texts]
    L = max(len(e) for e in enc)
    ids = torch.full((len(enc), L), tok.pad_id, dtype=torch.long)
    am = torch.zeros((len(enc), L), dtype=torch.long)
    for i, e in enumerate(enc):
        ids[i, L - len(e):] = torch.tensor(e)
        am[i, L - len(e):] = 1
    return ids, am


# shown under every answer of the policy (manifest "notice")
SYNTH_NOTICE = ("Answered by Stepwise's small built-in model (3M parameters), trained only on simple synthetic word "
                "problems: answers to other math, such as competition problems, are often wrong. Server admins can "
                "plug in a full model (docs/models.md).")


def onnx_manifest(out_dir, kind, model_file, **extra):
    """The manifest.json written next to an exported model (the same template, stops and limits for both kinds)."""
    return {
        'name': os.path.basename(os.path.normpath(out_dir)), 'kind': kind, 'backend': 'onnx',
        'files': {'model': model_file, 'tokenizer': 'tokenizer.json'},
        'prompt': {'template': PROMPT_TEMPLATE},
        'stop': STOP,
        'specialTokens': {'eos': ['<eos>'], 'pad': '<pad>'},
        'limits': {'maxContextTokens': 512, 'maxStepTokens': 96},
        **extra,
    }


def export_policy(args):
    cfg = Config.load(os.path.join(args.ckpt, 'config.json'))
    m = Policy(cfg)
    m.load_state_dict(torch.load(os.path.join(args.ckpt, 'policy.pt'), map_location='cpu'))
    m.eval()
    ex = PolicyExport(m).eval()
    b, s, past = 2, 5, 3
    ids = torch.randint(0, cfg.vocab_size, (b, s))
    am = torch.ones((b, past + s), dtype=torch.long)
    am[1, :2] = 0
    pos = (am.cumsum(-1) - 1).masked_fill(am == 0, 1)[:, past:]
    pkv = [torch.randn(b, cfg.kv_heads, past, cfg.head_dim) for _ in range(2 * cfg.layers)]
    in_names, out_names, dyn = kv_io(cfg.layers)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, 'policy.onnx')
    torch.onnx.export(ex, (ids, am, pos, *pkv), path, input_names=in_names, output_names=out_names,
                      dynamic_axes=dyn, opset_version=17, do_constant_folding=True)
    # reference: a real prompt, left-padded batch, prefill with empty past then one cached step
    tok = Tokenizer(args.tokenizer)
    texts = [prompt_text('Tom buys 3 pens for 4 dollars each. How much does he spend?'),
             prompt_text('Anna has 12 apples. She gives 1/3 of them to Ben. How many apples are left?') + '<code>\n']
    ids, am = left_padded(tok, texts)
    pos = (am.cumsum(-1) - 1).masked_fill(am == 0, 1)
    ex.eval()
    empty = [torch.zeros(2, cfg.kv_heads, 0, cfg.head_dim) for _ in range(2 * cfg.layers)]
    with torch.no_grad():
        out = ex(ids, am, pos, *empty)
        nxt = out[0][:, -1].argmax(-1, keepdim=True)
        am2 = torch.cat([am, torch.ones((2, 1), dtype=torch.long)], 1)
        out2 = ex(nxt, am2, pos[:, -1:] + 1, *out[1:])
    ref = {'kind': 'policy', 'input_ids': ids.tolist(), 'attention_mask': am.tolist(), 'position_ids': pos.tolist(),
           'last_logits': out[0][:, -1].tolist(), 'step_input_ids': nxt.tolist(), 'step_logits': out2[0][:, -1].tolist(),
           'layers': cfg.layers, 'kv_heads': cfg.kv_heads, 'head_dim': cfg.head_dim}
    manifest = onnx_manifest(args.out, 'policy', 'policy.onnx', notice=SYNTH_NOTICE)
    return path, ref, manifest, m.num_params()


class PPMExport(nn.Module):
    def __init__(self, m: PPM):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask):
        return self.m(input_ids, attention_mask)


def export_ppm(args):
    cfg = Config.load(os.path.join(args.ckpt, 'config.json'))
    m = PPM(cfg)
    m.load_state_dict(torch.load(os.path.join(args.ckpt, 'ppm.pt'), map_location='cpu'))
    m.eval()
    ex = PPMExport(m).eval()
    ids = torch.randint(0, cfg.vocab_size, (2, 6))
    am = torch.ones_like(ids)
    am[1, :2] = 0
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, 'ppm.onnx')
    torch.onnx.export(ex, (ids, am), path, input_names=['input_ids', 'attention_mask'], output_names=['values'],
                      dynamic_axes={'input_ids': {0: 'batch', 1: 'seq'}, 'attention_mask': {0: 'batch', 1: 'seq'},
                                    'values': {0: 'batch', 1: 'seq'}}, opset_version=17, do_constant_folding=True)
    tok = Tokenizer(args.tokenizer)
    q = 'Tom buys 3 pens for 4 dollars each. How much does he spend?'
    texts = [PROMPT_TEMPLATE.format(question=q, partial='<code>\n# Step 1: Tom buys 3 pens at 4 dollars each.\ncost = 3 * 4\n<end_of_step>'),
             PROMPT_TEMPLATE.format(question=q, partial='<code>\n# Step 1: Tom buys 4 pens at 4 dollars each.\ncost = 4 + 4\n<end_of_step>\n'
                                    '# Now print the final answer\nprint(cost)\n<end_of_code>')]
    ids, am = left_padded(tok, texts)
    ex.eval()  # torch.onnx.export restores the wrapper's previous mode
    with torch.no_grad():
        v = ex(ids, am)
    ref = {'kind': 'ppm', 'input_ids': ids.tolist(), 'attention_mask': am.tolist(), 'values': v.tolist()}
    manifest = onnx_manifest(args.out, 'ppm', 'ppm.onnx', score={'transform': 'tanh', 'scale': 5},
                             stepStyles=['code'])  # trained on code-augmented steps only
    return path, ref, manifest, sum(p.numel() for p in m.parameters())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('kind', choices=['policy', 'ppm'])
    ap.add_argument('--ckpt', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--tokenizer', default='models/stepwise-synth-policy/tokenizer.json')
    args = ap.parse_args()
    torch.set_num_threads(1)
    path, ref, manifest, nparams = (export_policy if args.kind == 'policy' else export_ppm)(args)
    tok_dst = os.path.join(args.out, 'tokenizer.json')
    if os.path.abspath(args.tokenizer) != os.path.abspath(tok_dst):
        shutil.copy(args.tokenizer, tok_dst)
        cfg_src = os.path.join(os.path.dirname(args.tokenizer), 'tokenizer_config.json')
        if os.path.exists(cfg_src):
            shutil.copy(cfg_src, os.path.join(args.out, 'tokenizer_config.json'))
    with open(os.path.join(args.out, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)
    with open(os.path.join(args.out, 'parity_reference.json'), 'w') as f:
        json.dump(ref, f)
    print(f'exported {args.kind} ({nparams / 1e6:.2f}M params) -> {path} ({os.path.getsize(path) / 1e6:.1f} MB)')


if __name__ == '__main__':
    main()
