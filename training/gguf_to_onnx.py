#!/usr/bin/env python3
"""Converts a Qwen2-architecture GGUF file into the ONNX model directory our runner reads.

  python training/gguf_to_onnx.py --gguf model.gguf --out DIR [--bits 4|8] [--block 32]

Steps (each prints a progress line; the caller writes DIR atomically):
  1. read the GGUF metadata (architecture, shapes, tokenizer) and dequantise every tensor to fp32
     with gguf-py (llama.cpp's own reader);
  2. load them into the plain-PyTorch Qwen2 of training/model.py (RMSNorm, RoPE, GQA, SwiGLU) with
     an untied lm_head when the file has one;
  3. export with the Hugging Face / Optimum I/O names (input_ids, attention_mask, position_ids,
     past_key_values.{i}.key|value -> logits, present.{i}.key|value) plus `hidden_states`, the final
     normed hidden state of every position (the PPM head reads it: no second forward pass);
  4. quantise every MatMul to MatMulNBits (4- or 8-bit blocks, onnxruntime's own quantiser) and the
     embedding to GatherBlockQuantized;
  5. write tokenizer.json (byte-level BPE rebuilt from the GGUF vocabulary and merges) and
     parity_reference.json: fp32 PyTorch logits and greedy ids on fixed prompts, which the Node
     parity test compares with the quantised ONNX model.
"""
import argparse
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from gguf import GGUFReader  # noqa: E402
from gguf.quants import dequantize  # noqa: E402

from model import Backbone, Config, kv_io  # noqa: E402

T0 = time.time()


def progress(stage, msg):
    print(f'[{time.time() - T0:6.1f}s] {stage}: {msg}', flush=True)


# Qwen2's pre-tokenizer split (tokenizer.json of every Qwen2/2.5 release)
QWEN2_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
               r"\s*[\r\n]+|\s+(?!\S)|\s+")


def field(reader, key, default=None):
    f = reader.fields.get(key)
    if f is None:
        return default
    return f.contents()


def read_meta(reader):
    arch = field(reader, 'general.architecture')
    if arch != 'qwen2':
        raise SystemExit(f'unsupported GGUF architecture {arch!r}: this converter reads qwen2 models')
    p = 'qwen2.'
    heads = field(reader, p + 'attention.head_count')
    hidden = field(reader, p + 'embedding_length')
    tokens = field(reader, 'tokenizer.ggml.tokens')
    cfg = Config(vocab_size=len(tokens), hidden=hidden, layers=field(reader, p + 'block_count'), heads=heads,
                 kv_heads=field(reader, p + 'attention.head_count_kv'), ffn=field(reader, p + 'feed_forward_length'),
                 max_pos=field(reader, p + 'context_length'), rope_theta=float(field(reader, p + 'rope.freq_base')),
                 eps=float(field(reader, p + 'attention.layer_norm_rms_epsilon')))
    meta = {k: field(reader, k) for k in ('general.name', 'general.basename', 'general.finetune', 'general.size_label',
                                           'general.license', 'general.file_type', 'tokenizer.ggml.model',
                                           'tokenizer.ggml.pre', 'tokenizer.ggml.eos_token_id',
                                           'tokenizer.ggml.padding_token_id', 'tokenizer.ggml.bos_token_id')}
    meta['tensor_types'] = {}
    for t in reader.tensors:
        meta['tensor_types'][t.tensor_type.name] = meta['tensor_types'].get(t.tensor_type.name, 0) + 1
    return cfg, meta


class HalfEmbedding(nn.Module):
    """The token embedding stored in fp16 (half the size; a Gather then a Cast in the graph).
    Quantising it to 4 bits would need opset 21's int4 type, beyond the TorchScript exporter."""

    def __init__(self, weight):
        super().__init__()
        self.weight = nn.Parameter(weight.to(torch.float16), requires_grad=False)

    def forward(self, ids):
        return F.embedding(ids, self.weight).float()


class QwenLM(nn.Module):
    """Backbone + lm_head (untied when the GGUF has output.weight); returns logits, hidden, presents."""

    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.model = Backbone(c)
        self.lm_head = nn.Linear(c.hidden, c.vocab_size, bias=False)

    def half_embedding(self):
        self.model.embed_tokens = HalfEmbedding(self.model.embed_tokens.weight.data)

    def forward(self, input_ids, attention_mask, position_ids, *past_flat):
        n = self.c.layers
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(n)]
        h, presents = self.model(input_ids, attention_mask, position_ids, past)
        return (self.lm_head(h), h, *[t for kv in presents for t in kv])


NAMES = {'attn_norm': 'input_layernorm', 'ffn_norm': 'post_attention_layernorm', 'attn_q': 'self_attn.q_proj',
         'attn_k': 'self_attn.k_proj', 'attn_v': 'self_attn.v_proj', 'attn_output': 'self_attn.o_proj',
         'ffn_gate': 'mlp.gate_proj', 'ffn_up': 'mlp.up_proj', 'ffn_down': 'mlp.down_proj'}


def torch_name(gname):
    if gname == 'token_embd.weight':
        return 'model.embed_tokens.weight'
    if gname == 'output.weight':
        return 'lm_head.weight'
    if gname == 'output_norm.weight':
        return 'model.norm.weight'
    _, i, part, kind = gname.split('.')
    return f'model.layers.{i}.{NAMES[part]}.{kind}'


def load_weights(reader, cfg):
    m = QwenLM(cfg)
    state = {}
    n = len(reader.tensors)
    for k, t in enumerate(reader.tensors):
        arr = dequantize(t.data, t.tensor_type).astype(np.float32, copy=False)
        shape = tuple(int(d) for d in reversed(t.shape.tolist()))
        state[torch_name(t.name)] = torch.from_numpy(arr.reshape(shape).copy())
        if k % 40 == 0 or k == n - 1:
            progress('dequantise', f'{k + 1}/{n} tensors')
    if 'lm_head.weight' not in state:
        state['lm_head.weight'] = state['model.embed_tokens.weight']
    missing, unexpected = m.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith('inv_freq')]
    if missing or unexpected:
        raise SystemExit(f'weights do not match a qwen2 model: missing {missing[:5]}, unexpected {unexpected[:5]}')
    return m.eval()


def build_tokenizer(reader):
    tokens = field(reader, 'tokenizer.ggml.tokens')
    types = field(reader, 'tokenizer.ggml.token_type')
    merges = field(reader, 'tokenizer.ggml.merges')
    vocab, added = {}, []
    for i, (tok, ty) in enumerate(zip(tokens, types)):
        if ty == 1:  # normal byte-level BPE token
            vocab[tok] = i
        elif ty in (3, 4):  # control / user-defined: added tokens
            if tok.startswith('[PAD'):
                continue
            added.append({'id': i, 'content': tok, 'single_word': False, 'lstrip': False, 'rstrip': False,
                          'normalized': False, 'special': ty == 3})
    bl = {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': False, 'use_regex': False}
    return {
        'version': '1.0', 'truncation': None, 'padding': None, 'added_tokens': added,
        'normalizer': {'type': 'NFC'},
        'pre_tokenizer': {'type': 'Sequence', 'pretokenizers': [
            {'type': 'Split', 'pattern': {'Regex': QWEN2_SPLIT}, 'behavior': 'Isolated', 'invert': False}, bl]},
        'post_processor': bl, 'decoder': bl,
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': '',
                  'end_of_word_suffix': '', 'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False,
                  'vocab': vocab, 'merges': [m.split(' ', 1) for m in merges]},
    }


def export(m, cfg, path):
    b, s, past = 2, 3, 2
    ids = torch.randint(0, 1000, (b, s))
    am = torch.ones((b, past + s), dtype=torch.long)
    pos = (am.cumsum(-1) - 1)[:, past:]
    pkv = [torch.randn(b, cfg.kv_heads, past, cfg.head_dim) for _ in range(2 * cfg.layers)]
    in_names, out_names, dyn = kv_io(cfg.layers, ('logits', 'hidden_states'))
    with torch.no_grad():
        torch.onnx.export(m, (ids, am, pos, *pkv), path, input_names=in_names, output_names=out_names,
                          dynamic_axes=dyn, opset_version=17, do_constant_folding=True, dynamo=False)


def quantise(src, dst, bits, block):
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer
    model = onnx.load(src, load_external_data=True)
    cfg = DefaultWeightOnlyQuantConfig(block_size=block, is_symmetric=False, accuracy_level=4,
                                       op_types_to_quantize=('MatMul',), quant_axes=(('MatMul', 0),),
                                       bits=bits)
    q = MatMulNBitsQuantizer(model, algo_config=cfg)
    q.process()
    onnx.save_model(q.model.model, dst)


def reference(m, cfg, tok_json, n_greedy=16):
    """fp32 reference: prefill of a left-padded batch of two chat prompts, then greedy decoding."""
    from tokenizers import Tokenizer
    tk = Tokenizer.from_str(json.dumps(tok_json))
    texts = ['<|im_start|>user\nWhat is 15% of 80?<|im_end|>\n<|im_start|>assistant\n',
             '<|im_start|>system\nYou solve math problems with Python.<|im_end|>\n<|im_start|>user\n'
             'Tom buys 3 pens for 4 dollars each. How much does he spend?<|im_end|>\n<|im_start|>assistant\n']
    enc = [tk.encode(t).ids for t in texts]
    L = max(len(e) for e in enc)
    pad = 151643
    ids = torch.full((2, L), pad, dtype=torch.long)
    am = torch.zeros((2, L), dtype=torch.long)
    for i, e in enumerate(enc):
        ids[i, L - len(e):] = torch.tensor(e)
        am[i, L - len(e):] = 1
    pos = (am.cumsum(-1) - 1).masked_fill(am == 0, 1)
    empty = [torch.zeros(2, cfg.kv_heads, 0, cfg.head_dim) for _ in range(2 * cfg.layers)]
    greedy, margins = [[], []], []
    with torch.no_grad():
        out = m(ids, am, pos, *empty)
        last = out[0][:, -1]
        first_logits = last.clone()
        hidden_last = out[1][:, -1].clone()
        past = list(out[2:])
        for _ in range(n_greedy):
            top2 = torch.topk(last, 2, dim=-1)
            margins.append((top2.values[:, 0] - top2.values[:, 1]).tolist())
            nxt = last.argmax(-1, keepdim=True)
            for b in range(2):
                greedy[b].append(int(nxt[b, 0]))
            am = torch.cat([am, torch.ones((2, 1), dtype=torch.long)], 1)
            pos = pos[:, -1:] + 1
            out = m(nxt, am, pos, *past)
            last, past = out[0][:, -1], list(out[2:])
    top = torch.topk(first_logits, 5, dim=-1)
    return {'kind': 'policy', 'texts': texts, 'input_ids': ids.tolist(), 'attention_mask': am[:, :L].tolist(),
            'top5_ids': top.indices.tolist(), 'top5_logits': top.values.tolist(), 'greedy_ids': greedy,
            'greedy_margins': margins, 'hidden_last_first8': hidden_last[:, :8].tolist(),
            'greedy_text': [tk.decode(g) for g in greedy]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--gguf', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--bits', type=int, default=4, choices=[4, 8])
    ap.add_argument('--block', type=int, default=32)
    ap.add_argument('--threads', type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    progress('read', args.gguf)
    reader = GGUFReader(args.gguf)
    cfg, meta = read_meta(reader)
    progress('read', f"{meta['general.name']}: {cfg.layers} layers, hidden {cfg.hidden}, vocab {cfg.vocab_size}")
    tok = build_tokenizer(reader)
    with open(os.path.join(args.out, 'tokenizer.json'), 'w', encoding='utf-8') as f:
        json.dump(tok, f, ensure_ascii=False)
    m = load_weights(reader, cfg)
    del reader
    nparams = sum(p.numel() for p in m.parameters())
    progress('reference', 'fp32 PyTorch logits and greedy ids')
    ref = reference(m, cfg, tok)
    ref.update({'layers': cfg.layers, 'kv_heads': cfg.kv_heads, 'head_dim': cfg.head_dim, 'bits': args.bits})
    with open(os.path.join(args.out, 'parity_reference.json'), 'w') as f:
        json.dump(ref, f)
    m.half_embedding()
    with tempfile.TemporaryDirectory(dir=args.out) as tmp:
        fp32 = os.path.join(tmp, 'model-fp32.onnx')
        progress('export', f'ONNX fp32 ({nparams / 1e6:.0f}M parameters)')
        export(m, cfg, fp32)
        del m
        progress('quantise', f'{args.bits}-bit MatMulNBits, block {args.block}')
        quantise(fp32, os.path.join(args.out, 'model.onnx'), args.bits, args.block)
    info = {'config': cfg.__dict__, 'gguf': meta, 'parameters': nparams, 'bits': args.bits, 'block': args.block,
            'onnxBytes': os.path.getsize(os.path.join(args.out, 'model.onnx'))}
    with open(os.path.join(args.out, 'conversion.json'), 'w') as f:
        json.dump(info, f, indent=1, default=str)
    progress('done', f"model.onnx {info['onnxBytes'] / 1e6:.0f} MB")


if __name__ == '__main__':
    main()
