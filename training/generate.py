"""Batched KV-cache decoding for the PyTorch policy (left padding, greedy or temperature)."""
import torch


@torch.no_grad()
def generate(model, prompts, pad_id, stop_ids, max_new=320, temperature=0.0, device='cpu', generator=None):
    """prompts: list of token id lists. Returns generated id lists (ending with the stop id when hit)."""
    B = len(prompts)
    L = max(len(p) for p in prompts)
    ids = torch.full((B, L), pad_id, dtype=torch.long)
    am = torch.zeros((B, L), dtype=torch.long)
    for i, p in enumerate(prompts):
        ids[i, L - len(p):] = torch.tensor(p)
        am[i, L - len(p):] = 1
    ids, am = ids.to(device), am.to(device)
    pos = (am.cumsum(-1) - 1).masked_fill(am == 0, 1)
    logits, past = model(ids, am, pos)
    nxt = logits[:, -1]
    cur = pos[:, -1]
    outs = [[] for _ in range(B)]
    done = torch.zeros(B, dtype=torch.bool, device=device)
    stops = torch.tensor(sorted(stop_ids), device=device)
    for _ in range(max_new):
        if temperature <= 0:
            t = nxt.argmax(-1)
        else:
            probs = torch.softmax(nxt.float() / temperature, -1)
            t = torch.multinomial(probs, 1, generator=generator).squeeze(-1)
        t = torch.where(done, torch.full_like(t, pad_id), t)
        tl = t.tolist()
        dl = done.tolist()
        for i in range(B):
            if not dl[i]:
                outs[i].append(tl[i])
        done = done | torch.isin(t, stops)
        if bool(done.all()):
            break
        am = torch.cat([am, torch.ones((B, 1), dtype=am.dtype, device=device)], 1)
        cur = cur + 1
        logits, past = model(t[:, None], am, cur[:, None], past)
        nxt = logits[:, -1]
    return outs
