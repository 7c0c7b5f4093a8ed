"""Reference records for nn.MultiheadAttention, the Transformer layers and stacks, nn.Transformer and RMSNorm.

Run: /usr/bin/python3 tools/refs/gen_transformer.py  ->  tests/Flint.Tests/References/transformer.json

PyTorch 1.13 records what it has; where PyTorch 2.x differs the record follows 2.x, said at each place:
  - is_causal (2.0): with need_weights=False and no key_padding_mask, 2.x drops attn_mask and applies the causal
    mask itself; the record runs 1.13 with the causal mask as attn_mask (the same computation).
  - averaged attention weights: 2.x takes mean(dim=1) (MeanBackward1), 1.13 sum(dim=1) / num_heads.
  - bias=False on the Transformer layers (2.1) and nn.RMSNorm / F.rms_norm (2.4) are not in 1.13: those records
    come from explicit formulas below (the layers' forward written out, rms_norm as PyTorch 2.4's composite).
  - error texts of 2.x-only checks are written out.

Record kinds:
  mha:    {"name", "cfg", "keys", "state", "q", "k", "v", "same", "kpm", "mask", "call", "out", "weights",
           "out_fn", "w_fn", "gout", "gw", "grads" (by keys), "gq", "gk", "gv"}
  layer:  {"name", "cfg", "keys", "state", "inputs" (src | tgt, memory), masks, "out", "out_fn", "gout", "grads", "gin"}
  fresh:  {"name", "seed", "keys", "state", "repr"} a module built after manual_seed.
  dropout:{"name", "seed", ...} train-mode runs after manual_seed.
  mask:   {"sz", "out", "text"} generate_square_subsequent_mask.
  rms:    {"name", "x", "w", "ns", "eps", "out", "out_fn", "gout", "gx", "gw"}
  error:  {"name", "error", "type"}
"""
import copy
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import enc, error_scenario, write

torch.set_default_dtype(torch.float32)
cases = []
G = torch.Generator().manual_seed(4321)


def rnd(*shape, dtype=torch.float32, lo=-1.0, hi=1.0):
    return (torch.rand(tuple(shape), generator=G, dtype=torch.float64) * (hi - lo) + lo).to(dtype)


def randomize(m):
    """Random values in every parameter (biases are zero after init), so the records test every term."""
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(rnd(*p.shape, dtype=p.dtype, lo=-0.6, hi=0.6))


def state(m):
    sd = m.state_dict()
    return list(sd.keys()), [enc(v) for v in sd.values()]


def grads(m):
    return [enc(p.grad) if p.grad is not None else None for _, p in m.named_parameters()]


def maybe(t):
    return None if t is None else enc(t)


# ---------------------------------------------------------------- MultiheadAttention
def mha_case(name, cfg, L=3, S=4, N=2, same="none", kpm=None, mask=None, need_weights=True, average=True,
             causal=False, unbatched=False, dtype=torch.float32):
    E = cfg["embed_dim"]
    kd = cfg.get("kdim") or E
    vd = cfg.get("vdim") or E
    m = nn.MultiheadAttention(**cfg).to(dtype)
    randomize(m)
    m.eval()
    bf = cfg.get("batch_first", False)
    shape = (lambda n, l, e: (l, e)) if unbatched else ((lambda n, l, e: (n, l, e)) if bf else (lambda n, l, e: (l, n, e)))
    q = rnd(*shape(N, L, E), dtype=dtype).requires_grad_()
    if same == "qkv":
        k = v = q
    elif same == "kv":
        k = rnd(*shape(N, S, kd), dtype=dtype).requires_grad_()
        v = k
    else:
        k = rnd(*shape(N, S, kd), dtype=dtype).requires_grad_()
        v = rnd(*shape(N, S, vd), dtype=dtype).requires_grad_()
    call_mask = mask
    if causal:
        # 2.x's is_causal hint: the same as the causal mask given as attn_mask
        call_mask = torch.triu(torch.full((L, L if same == "qkv" else S), float("-inf")), 1)
    pt_mask, pt_kpm = call_mask, kpm
    if kpm is not None and kpm.dtype.is_floating_point and call_mask is not None:
        # 2.x adds a float key_padding_mask to attn_mask; 1.13 refuses the pair, so it gets the sum as one 3-D mask
        H = cfg["num_heads"]
        fm = call_mask if call_mask.dtype.is_floating_point else torch.zeros(call_mask.shape).masked_fill(call_mask, float("-inf"))
        pt_mask = fm.unsqueeze(0) + kpm.view(N, 1, 1, -1).expand(-1, H, -1, -1).reshape(N * H, 1, -1)
        pt_kpm = None
    out, w = m(q, k, v, key_padding_mask=pt_kpm, need_weights=need_weights, attn_mask=pt_mask, average_attn_weights=average)
    gout = rnd(*out.shape, dtype=dtype)
    loss = (out * gout).sum()
    gw = None
    if w is not None:
        gw = rnd(*w.shape, dtype=dtype)
        loss = loss + (w * gw).sum()
    loss.backward()
    keys, st = state(m)
    w_fn = None
    if w is not None:
        w_fn = w.grad_fn.name()
        if average and w_fn == "DivBackward0":
            w_fn = "MeanBackward1"  # 2.x averages with mean(dim=1)
    cases.append({
        "kind": "mha", "name": name, "cfg": cfg, "keys": keys, "state": st, "same": same,
        "q": enc(q), "k": enc(k), "v": enc(v), "kpm": maybe(kpm), "mask": maybe(call_mask),
        "call": {"need_weights": need_weights, "average_attn_weights": average, "is_causal": causal},
        "out": enc(out), "weights": maybe(w), "out_fn": out.grad_fn.name(), "w_fn": w_fn,
        "gout": enc(gout), "gw": maybe(gw), "grads": grads(m),
        "gq": enc(q.grad), "gk": maybe(k.grad) if same != "qkv" else None, "gv": maybe(v.grad) if same == "none" else None,
    })


C8 = {"embed_dim": 8, "num_heads": 2}
mha_case("self", C8, same="qkv")
mha_case("self_batch_first", {**C8, "batch_first": True}, same="qkv")
mha_case("kv", C8, same="kv")
mha_case("cross", C8)
mha_case("cross_batch_first", {**C8, "batch_first": True})
mha_case("kdim_vdim", {**C8, "kdim": 5, "vdim": 6})
mha_case("kdim_vdim_batch_first", {**C8, "kdim": 5, "vdim": 6, "batch_first": True})
mha_case("nobias", {**C8, "bias": False})
mha_case("bias_kv", {**C8, "add_bias_kv": True})
mha_case("zero_attn", {**C8, "add_zero_attn": True})
mha_case("bias_kv_zero_attn_masks", {**C8, "add_bias_kv": True, "add_zero_attn": True},
         kpm=torch.tensor([[False, False, True, False], [False, True, False, False]]),
         mask=torch.tensor([[False, True, False, False], [False, False, False, True], [True, False, False, False]]))
mha_case("heads4", {"embed_dim": 8, "num_heads": 4})
mha_case("heads1", {"embed_dim": 6, "num_heads": 1})
mha_case("unaveraged", C8, average=False)
mha_case("no_weights", C8, need_weights=False)
mha_case("no_weights_self", C8, same="qkv", need_weights=False)
mha_case("unbatched", C8, unbatched=True)
mha_case("unbatched_self", C8, same="qkv", unbatched=True, average=False)
mha_case("unbatched_kpm", C8, unbatched=True, kpm=torch.tensor([False, True, False, False]))
mha_case("bool_mask", C8, mask=torch.tensor([[False, True, True, False], [False, False, True, True], [True, False, False, False]]))
mha_case("float_mask", C8, mask=rnd(3, 4, lo=-2, hi=0.5))
mha_case("mask_3d", C8, mask=rnd(4, 3, 4, lo=-2, hi=0.5))
mha_case("kpm_bool", C8, kpm=torch.tensor([[False, False, True, True], [False, False, False, True]]))
mha_case("kpm_float", C8, kpm=rnd(2, 4, lo=-3, hi=0))
mha_case("kpm_and_bool_mask", C8, kpm=torch.tensor([[False, False, True, False], [True, False, False, False]]),
         mask=torch.tensor([[False, True, False, False], [False, False, False, True], [False, False, False, False]]))
mha_case("kpm_and_float_mask", C8, kpm=rnd(2, 4, lo=-3, hi=0), mask=rnd(3, 4, lo=-2, hi=0.5))
mha_case("kpm_no_weights", C8, need_weights=False, kpm=torch.tensor([[False, False, True, True], [False, True, False, True]]))
mha_case("mask_no_weights", C8, need_weights=False, mask=rnd(3, 4, lo=-2, hi=0.5))
mha_case("mask_3d_no_weights", C8, need_weights=False, mask=rnd(4, 3, 4, lo=-2, hi=0.5))
mha_case("causal_no_weights", C8, same="qkv", L=4, need_weights=False, causal=True)
mha_case("causal_batch_first", {**C8, "batch_first": True}, same="qkv", L=4, need_weights=False, causal=True)
mha_case("float64", C8, dtype=torch.float64)
mha_case("float64_no_weights_masks", {**C8, "add_bias_kv": True}, dtype=torch.float64, need_weights=False,
         kpm=torch.tensor([[False, False, True, False], [False, True, False, False]]), mask=rnd(3, 4, lo=-2, hi=0.5, dtype=torch.float64))


# ---------------------------------------------------------------- layers
def bias_free_layer(layer):
    """PyTorch 2.1's bias=False on a 1.13 layer: no bias parameter in any projection, linear or norm (set to None)."""
    attns = [layer.self_attn] + ([layer.multihead_attn] if hasattr(layer, "multihead_attn") else [])
    for a in attns:
        a.in_proj_bias = None
        a.out_proj.bias = None
    layer.linear1.bias = None
    layer.linear2.bias = None
    for n in ["norm1", "norm2", "norm3"]:
        if hasattr(layer, n):
            getattr(layer, n).bias = None
    return layer


def layer_case(name, kind, cfg, N=2, L=4, S=3, masks=None, bias=True, dtype=torch.float32):
    masks = masks or {}
    cls = nn.TransformerEncoderLayer if kind == "enc" else nn.TransformerDecoderLayer
    layer = cls(**cfg).to(dtype)
    if not bias:
        bias_free_layer(layer)
    randomize(layer)
    layer.eval()
    bf = cfg.get("batch_first", False)
    E = cfg["d_model"]
    shp = (lambda l: (N, l, E)) if bf else (lambda l: (l, N, E))
    x = rnd(*shp(L), dtype=dtype).requires_grad_()
    ins = [x]
    call = {}
    if kind == "enc":
        call = {"src_mask": masks.get("src_mask"), "src_key_padding_mask": masks.get("src_key_padding_mask")}
        out = layer(x, **call)
    else:
        mem = rnd(*shp(S), dtype=dtype).requires_grad_()
        ins.append(mem)
        call = {k: masks.get(k) for k in ["tgt_mask", "memory_mask", "tgt_key_padding_mask", "memory_key_padding_mask"]}
        out = layer(x, mem, **call)
    gout = rnd(*out.shape, dtype=dtype)
    (out * gout).sum().backward()
    keys, st = state(layer)
    cases.append({
        "kind": "layer", "name": name, "layer": kind, "cfg": cfg, "bias": bias, "keys": keys, "state": st,
        "inputs": [enc(t) for t in ins], "masks": {k: maybe(v) for k, v in call.items()},
        "out": enc(out), "out_fn": out.grad_fn.name(), "gout": enc(gout), "grads": grads(layer), "gin": [enc(t.grad) for t in ins],
    })


E8 = {"d_model": 8, "nhead": 2, "dim_feedforward": 16}
causal4 = torch.triu(torch.full((4, 4), float("-inf")), 1)
for nf in [False, True]:
    for act in ["relu", "gelu"]:
        tag = f"{'pre' if nf else 'post'}_{act}"
        layer_case(f"enc_{tag}", "enc", {**E8, "activation": act, "norm_first": nf})
        layer_case(f"dec_{tag}", "dec", {**E8, "activation": act, "norm_first": nf})
    layer_case(f"enc_{'pre' if nf else 'post'}_nobias", "enc", {**E8, "norm_first": nf}, bias=False)
    layer_case(f"dec_{'pre' if nf else 'post'}_nobias", "dec", {**E8, "norm_first": nf}, bias=False)
layer_case("enc_batch_first_masks", "enc", {**E8, "batch_first": True},
           masks={"src_mask": causal4, "src_key_padding_mask": torch.tensor([[False, False, False, True], [False, True, False, False]])})
layer_case("enc_bool_masks", "enc", E8,
           masks={"src_mask": causal4 == float("-inf"), "src_key_padding_mask": torch.tensor([[False, False, True, True], [False, False, False, False]])})
layer_case("dec_masks", "dec", {**E8, "norm_first": True},
           masks={"tgt_mask": causal4, "memory_mask": rnd(4, 3, lo=-1, hi=0), "tgt_key_padding_mask": torch.tensor([[False, False, False, True], [False, False, False, False]]),
                  "memory_key_padding_mask": torch.tensor([[False, True, False], [False, False, False]])})
layer_case("dec_batch_first", "dec", {**E8, "batch_first": True, "activation": "gelu"})
layer_case("enc_float64", "enc", E8, dtype=torch.float64)
layer_case("dec_float64", "dec", {**E8, "norm_first": True}, dtype=torch.float64)


# ---------------------------------------------------------------- stacks and nn.Transformer
def stack_case(name, build, run, inputs):
    m = build()
    randomize(m)
    m.eval()
    ins = [t.clone().requires_grad_() if t.dtype.is_floating_point else t for t in inputs]
    out = run(m, *ins)
    gout = rnd(*out.shape)
    (out * gout).sum().backward()
    keys, st = state(m)
    cases.append({"kind": "stack", "name": name, "keys": keys, "state": st, "inputs": [enc(t) for t in inputs],
                  "out": enc(out), "out_fn": out.grad_fn.name(), "gout": enc(gout), "grads": grads(m),
                  "gin": [enc(t.grad) if t.dtype.is_floating_point else None for t in ins]})


src = rnd(5, 2, 8)
tgt = rnd(4, 2, 8)
kpm5 = torch.tensor([[False, False, False, True, True], [False, False, False, False, False]])
stack_case("encoder", lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(**E8), 2, nn.LayerNorm(8)),
           lambda m, s: m(s), [src])
stack_case("encoder_masks", lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(**E8, norm_first=True), 2),
           lambda m, s, mk, kp: m(s, mask=mk, src_key_padding_mask=kp),
           [src, torch.triu(torch.full((5, 5), float("-inf")), 1), kpm5])
stack_case("decoder", lambda: nn.TransformerDecoder(nn.TransformerDecoderLayer(**E8), 2, nn.LayerNorm(8)),
           lambda m, t, mem, tm: m(t, mem, tgt_mask=tm), [tgt, src, causal4])
stack_case("transformer", lambda: nn.Transformer(8, 2, 2, 2, 16),
           lambda m, s, t, tm, kp: m(s, t, tgt_mask=tm, src_key_padding_mask=kp, memory_key_padding_mask=kp), [src, tgt, causal4, kpm5])
stack_case("transformer_batch_first", lambda: nn.Transformer(8, 2, 1, 2, 16, activation="gelu", batch_first=True, norm_first=True),
           lambda m, s, t, tm: m(s, t, tgt_mask=tm), [src.transpose(0, 1).contiguous(), tgt.transpose(0, 1).contiguous(), causal4])
stack_case("transformer_unbatched", lambda: nn.Transformer(8, 2, 1, 1, 16),
           lambda m, s, t, tm: m(s, t, tgt_mask=tm), [src[:, 0], tgt[:, 0], causal4])


# ---------------------------------------------------------------- fresh modules: names, init draws, repr
def module_list_repr_2x(self):
    """PyTorch 2's ModuleList repr (1.13 prints every child): a run of neighbouring children with the same repr is
    printed once, headed "(first-last): n x"."""
    texts = [repr(m) for m in self]
    if not texts:
        return self._get_name() + "()"
    lines, i = [], 0
    while i < len(texts):
        j = i
        while j + 1 < len(texts) and texts[j + 1] == texts[i]:
            j += 1
        head = f"({i}): " if i == j else f"({i}-{j}): {j - i + 1} x "
        lines.append(head + texts[i].replace("\n", "\n  "))
        i = j + 1
    return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"


nn.ModuleList.__repr__ = module_list_repr_2x


def fresh(name, seed, build):
    torch.manual_seed(seed)
    m = build()
    keys, st = state(m)
    cases.append({"kind": "fresh", "name": name, "seed": seed, "keys": keys, "state": st, "repr": str(m),
                  "params": [n for n, _ in m.named_parameters()], "modules": [n for n, _ in m.named_modules()]})


fresh("mha", 1, lambda: nn.MultiheadAttention(8, 2))
fresh("mha_kdim_vdim", 2, lambda: nn.MultiheadAttention(8, 2, kdim=5, vdim=6))
fresh("mha_bias_kv_nobias", 3, lambda: nn.MultiheadAttention(6, 3, bias=False, add_bias_kv=True))
fresh("encoder_layer", 4, lambda: nn.TransformerEncoderLayer(8, 2, 16))
fresh("decoder_layer", 5, lambda: nn.TransformerDecoderLayer(8, 2, 16, dropout=0.2))
fresh("encoder", 6, lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16), 1, nn.LayerNorm(8)))
fresh("transformer", 7, lambda: nn.Transformer(8, 2, 2, 1, 16))
fresh("encoder_layer_gelu_module", 8, lambda: nn.TransformerEncoderLayer(8, 2, 16, activation=nn.GELU()))
fresh("module_list_runs", 9, lambda: nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2),
                                                     nn.Linear(3, 2), nn.Linear(3, 2), nn.Linear(3, 2)]))
fresh("module_list_empty", 10, lambda: nn.ModuleList())


# ---------------------------------------------------------------- dropout in train mode
def dropout_mha(name, seed, p, need_weights):
    m = nn.MultiheadAttention(8, 2, dropout=p)
    randomize(m)
    keys, st = state(m)
    x = rnd(3, 2, 8)
    torch.manual_seed(seed)
    out, w = m(x, x, x, need_weights=need_weights)
    cases.append({"kind": "dropout", "name": name, "module": "mha", "seed": seed, "p": p, "need_weights": need_weights,
                  "keys": keys, "state": st, "x": enc(x), "out": enc(out), "weights": maybe(w)})


def dropout_layer(name, seed, kind, cfg):
    layer = (nn.TransformerEncoderLayer if kind == "enc" else nn.TransformerDecoderLayer)(**cfg)
    randomize(layer)
    keys, st = state(layer)
    x = rnd(4, 2, 8)
    mem = rnd(3, 2, 8)
    torch.manual_seed(seed)
    out = layer(x) if kind == "enc" else layer(x, mem)
    cases.append({"kind": "dropout", "name": name, "module": kind, "seed": seed, "cfg": cfg, "keys": keys, "state": st,
                  "x": enc(x), "mem": enc(mem), "out": enc(out)})


dropout_mha("mha_weights", 11, 0.5, True)
dropout_mha("mha_no_weights", 12, 0.3, False)
dropout_layer("enc_train", 13, "enc", {**E8, "dropout": 0.25})
dropout_layer("enc_train_pre", 14, "enc", {**E8, "dropout": 0.4, "norm_first": True})
dropout_layer("dec_train", 15, "dec", {**E8, "dropout": 0.3})


# ---------------------------------------------------------------- generate_square_subsequent_mask
for sz in [1, 3, 5]:
    mk = nn.Transformer.generate_square_subsequent_mask(sz)
    cases.append({"kind": "mask", "name": f"mask_{sz}", "sz": sz, "out": enc(mk), "text": str(mk)})


# ---------------------------------------------------------------- RMSNorm (PyTorch 2.4's composite rms_norm, written out)
def rms_formula(x, ns, w, eps):
    opmath = torch.float32 if x.dtype in (torch.float16, torch.bfloat16) else x.dtype
    if eps is None:
        eps = torch.finfo(opmath).eps
    dims = tuple(range(x.dim() - len(ns), x.dim()))
    up = x.to(opmath)
    r = torch.rsqrt(up.pow(2).mean(dims, keepdim=True).add_(eps))
    y = up.mul(r).type_as(x)
    return y if w is None else y.mul(w)


def rms_case(name, shape, ns, weight=True, eps=None, dtype=torch.float32):
    x = rnd(*shape, dtype=dtype, lo=-2, hi=2).requires_grad_()
    w = rnd(*ns, dtype=dtype, lo=0.5, hi=1.5).requires_grad_() if weight else None
    out = rms_formula(x, ns, w, eps)
    gout = rnd(*out.shape, dtype=dtype)
    (out.float() * gout.float()).sum().backward()
    cases.append({"kind": "rms", "name": name, "x": enc(x), "w": maybe(w), "ns": list(ns), "eps": eps, "out": enc(out),
                  "out_fn": out.grad_fn.name(), "gout": enc(gout), "gx": enc(x.grad), "gw": maybe(w.grad if w is not None else None)})


rms_case("rms_last", (3, 5), [5])
rms_case("rms_two_dims", (2, 3, 4), [3, 4])
rms_case("rms_noweight", (4, 6), [6], weight=False)
rms_case("rms_eps", (3, 4), [4], eps=1e-3)
rms_case("rms_float64", (3, 4), [4], dtype=torch.float64)
rms_case("rms_float16", (3, 4), [4], dtype=torch.float16)
rms_case("rms_bfloat16", (2, 8), [8], dtype=torch.bfloat16)


# ---------------------------------------------------------------- errors
def err(name, run):
    error_scenario(cases, name, run)


def explicit(name, text, typ):
    """An error of a check PyTorch 1.13 lacks, with PyTorch 2.x's text."""
    cases.append({"kind": "error", "name": name, "error": text, "type": typ})


torch.manual_seed(0)
m8 = nn.MultiheadAttention(8, 2)
x3 = rnd(3, 2, 8)
x5 = rnd(5, 2, 8)
err("mha_not_divisible", lambda: nn.MultiheadAttention(8, 3))
explicit("mha_zero_embed", "embed_dim and num_heads must be greater than 0, got embed_dim=0 and num_heads=2 instead", "ValueError")
err("mha_query_4d", lambda: m8(rnd(1, 3, 2, 8), x5, x5))
err("mha_key_2d", lambda: m8(x3, x5[:, 0], x5[:, 0]))
err("mha_kpm_3d", lambda: m8(x3, x5, x5, key_padding_mask=torch.zeros(2, 5, 1, dtype=torch.bool)))
err("mha_mask_4d", lambda: m8(x3, x5, x5, attn_mask=torch.zeros(1, 1, 3, 5)))
err("mha_unbatched_key_3d", lambda: m8(x3[:, 0], x5, x5))
err("mha_unbatched_kpm_2d", lambda: m8(x3[:, 0], x5[:, 0], x5[:, 0], key_padding_mask=torch.zeros(1, 5, dtype=torch.bool)))
err("mha_unbatched_mask_1d", lambda: m8(x3[:, 0], x5[:, 0], x5[:, 0], attn_mask=torch.zeros(5)))
err("mha_unbatched_mask_3d_shape", lambda: m8(x3[:, 0], x5[:, 0], x5[:, 0], attn_mask=torch.zeros(3, 3, 5)))
err("mha_embed_dim", lambda: m8(rnd(3, 2, 6), rnd(5, 2, 6), rnd(5, 2, 6)))
err("mha_key_value_shape", lambda: m8(x3, x5, rnd(4, 2, 8)))
err("mha_mask_2d_shape", lambda: m8(x3, x5, x5, attn_mask=torch.zeros(3, 3)))
err("mha_mask_3d_shape", lambda: m8(x3, x5, x5, attn_mask=torch.zeros(2, 3, 5)))
err("mha_kpm_shape", lambda: m8(x3, x5, x5, key_padding_mask=torch.zeros(2, 4, dtype=torch.bool)))
m_kv = nn.MultiheadAttention(8, 2, kdim=4, vdim=4)
err("mha_separate_key_value_dims", lambda: m_kv(x3, rnd(5, 2, 4), rnd(4, 2, 4)))
explicit("mha_int_mask", "only bool and floating types of attn_mask are supported", "AssertionError")
explicit("mha_int_kpm", "only bool and floating types of key_padding_mask are supported", "AssertionError")
explicit("mha_causal_without_mask",
         "Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.",
         "RuntimeError")
err("layer_activation", lambda: nn.TransformerEncoderLayer(8, 2, activation="tanh"))
tr = nn.Transformer(8, 2, 1, 1, 16)
err("transformer_batch", lambda: tr(rnd(5, 2, 8), rnd(4, 3, 8)))
err("transformer_features", lambda: tr(rnd(5, 2, 8), rnd(4, 2, 6)))
# rms_norm's input checks (2.4's _check_rms_norm_inputs) give layer_norm's texts
err("rms_input_shape", lambda: F.layer_norm(rnd(3, 4), [5]))
err("rms_weight_shape", lambda: F.layer_norm(rnd(3, 4), [4], weight=rnd(3)))
err("rms_empty_shape", lambda: F.layer_norm(rnd(3, 4), []))
explicit("rms_int", "\"rms_norm\" not implemented for 'Long'", "RuntimeError")

write("transformer", cases)
