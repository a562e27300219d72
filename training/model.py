"""A Qwen2-style decoder-only transformer in plain PyTorch (RMSNorm, RoPE, GQA, SiLU-gated MLP,
tied embeddings) with an explicit KV cache, plus the PPM (same backbone + value head)."""
import json
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

NEG = -1e9


# Policy shapes trained from scratch (train_policy.py --size): small is the round 0-2 model (3M
# parameters with a 1,024-token vocabulary), medium the round-3 one (~14M with 4,096 tokens).
SIZES = {
    'small': dict(hidden=256, layers=4, heads=4, kv_heads=2, ffn=640),
    'medium': dict(hidden=384, layers=8, heads=6, kv_heads=2, ffn=1024),
}


@dataclass
class Config:
    vocab_size: int = 1024
    hidden: int = 256
    layers: int = 4
    heads: int = 4
    kv_heads: int = 2
    ffn: int = 640
    max_pos: int = 512
    rope_theta: float = 10000.0
    eps: float = 1e-6

    @property
    def head_dim(self):
        return self.hidden // self.heads

    def save(self, path):
        with open(path, 'w') as f:
            json.dump(asdict(self), f, indent=1)

    @staticmethod
    def load(path):
        with open(path) as f:
            return Config(**json.load(f))


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        var = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(var + self.eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        hd = c.head_dim
        self.q_proj = nn.Linear(c.hidden, c.heads * hd, bias=True)
        self.k_proj = nn.Linear(c.hidden, c.kv_heads * hd, bias=True)
        self.v_proj = nn.Linear(c.hidden, c.kv_heads * hd, bias=True)
        self.o_proj = nn.Linear(c.heads * hd, c.hidden, bias=False)

    def forward(self, x, cos, sin, mask, past_k=None, past_v=None):
        b, s, _ = x.shape
        c = self.c
        hd = c.head_dim
        q = self.q_proj(x).view(b, s, c.heads, hd).transpose(1, 2)
        k = self.k_proj(x).view(b, s, c.kv_heads, hd).transpose(1, 2)
        v = self.v_proj(x).view(b, s, c.kv_heads, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        rep = c.heads // c.kv_heads
        # GQA without copying K/V per query head: the `rep` query heads that share a kv head
        # attend as one group of rep*s rows (same result as repeating K/V, less memory traffic
        # per decode step in the exported graph)
        t = k.shape[2]
        qg = q.reshape(b, c.kv_heads, rep * s, hd)
        att = torch.matmul(qg, k.transpose(-1, -2)) / math.sqrt(hd)
        att = att.view(b, c.kv_heads, rep, s, t) + mask.unsqueeze(2)
        att = torch.softmax(att, dim=-1).view(b, c.kv_heads, rep * s, t)
        y = torch.matmul(att, v).view(b, c.heads, s, hd).transpose(1, 2).reshape(b, s, c.heads * hd)
        return self.o_proj(y), k, v


class MLP(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden, c.ffn, bias=False)
        self.up_proj = nn.Linear(c.hidden, c.ffn, bias=False)
        self.down_proj = nn.Linear(c.ffn, c.hidden, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Block(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.input_layernorm = RMSNorm(c.hidden, c.eps)
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(c.hidden, c.eps)
        self.mlp = MLP(c)

    def forward(self, x, cos, sin, mask, pk=None, pv=None):
        h, k, v = self.self_attn(self.input_layernorm(x), cos, sin, mask, pk, pv)
        x = x + h
        x = x + self.mlp(self.post_attention_layernorm(x))
        return x, k, v


class Backbone(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden)
        self.layers = nn.ModuleList([Block(c) for _ in range(c.layers)])
        self.norm = RMSNorm(c.hidden, c.eps)
        inv = 1.0 / (c.rope_theta ** (torch.arange(0, c.head_dim, 2).float() / c.head_dim))
        self.register_buffer('inv_freq', inv, persistent=False)

    def forward(self, input_ids, attention_mask, position_ids, past=None):
        """input_ids/position_ids [b,s]; attention_mask [b,past+s] (1 = real token);
        past: list of (k, v) [b,kv,past,hd] or None. Returns hidden [b,s,d], presents."""
        b, s = input_ids.shape
        x = self.embed_tokens(input_ids)
        freqs = position_ids.unsqueeze(-1).float() * self.inv_freq  # [b,s,hd/2]
        emb = torch.cat([freqs, freqs], dim=-1).unsqueeze(1)  # [b,1,s,hd]
        cos, sin = emb.cos(), emb.sin()
        total = attention_mask.shape[1]
        past_len = total - s
        qi = torch.arange(s, device=input_ids.device).unsqueeze(1) + past_len
        kj = torch.arange(total, device=input_ids.device).unsqueeze(0)
        causal = (kj <= qi).unsqueeze(0).unsqueeze(0)  # [1,1,s,total]
        keep = causal & (attention_mask[:, None, None, :] > 0)
        mask = torch.where(keep, torch.zeros((), device=x.device), torch.full((), NEG, device=x.device))
        presents = []
        for i, layer in enumerate(self.layers):
            pk, pv = (past[i] if past is not None else (None, None))
            x, k, v = layer(x, cos, sin, mask, pk, pv)
            presents.append((k, v))
        return self.norm(x), presents


def kv_io(layers, outputs=('logits',)):
    """ONNX input/output names and dynamic axes of a causal LM with KV cache in the Hugging Face /
    Optimum layout (what src/engine/models/onnx/causal-lm.ts reads): input_ids, attention_mask,
    position_ids, past_key_values.{i}.key|value -> outputs..., present.{i}.key|value."""
    in_names = ['input_ids', 'attention_mask', 'position_ids']
    out_names = list(outputs)
    dyn = {'input_ids': {0: 'batch', 1: 'seq'}, 'attention_mask': {0: 'batch', 1: 'total'},
           'position_ids': {0: 'batch', 1: 'seq'}, **{o: {0: 'batch', 1: 'seq'} for o in outputs}}
    for i in range(layers):
        for kv in ('key', 'value'):
            in_names.append(f'past_key_values.{i}.{kv}')
            out_names.append(f'present.{i}.{kv}')
            dyn[f'past_key_values.{i}.{kv}'] = {0: 'batch', 2: 'past'}
            dyn[f'present.{i}.{kv}'] = {0: 'batch', 2: 'total'}
    return in_names, out_names, dyn


def init_weights(m):
    if isinstance(m, (nn.Linear, nn.Embedding)):
        nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)


class Policy(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.model = Backbone(c)
        self.apply(init_weights)

    def forward(self, input_ids, attention_mask, position_ids, past=None):
        h, presents = self.model(input_ids, attention_mask, position_ids, past)
        logits = F.linear(h, self.model.embed_tokens.weight)  # tied lm_head
        return logits, presents

    def num_params(self):
        return sum(p.numel() for p in self.parameters())


def ppm_positions(attention_mask):
    pos = attention_mask.long().cumsum(-1) - 1
    return pos.masked_fill(attention_mask == 0, 1)


class PPM(nn.Module):
    """Backbone initialised from the policy + value head (dropout + Linear(hidden, 1))."""

    def __init__(self, c: Config, dropout=0.1):
        super().__init__()
        self.c = c
        self.model = Backbone(c)
        self.dropout = nn.Dropout(dropout)
        self.value_head = nn.Linear(c.hidden, 1)

    def forward(self, input_ids, attention_mask):
        pos = ppm_positions(attention_mask)
        h, _ = self.model(input_ids, attention_mask, pos)
        return self.value_head(self.dropout(h)).squeeze(-1)  # [b,s] raw values
