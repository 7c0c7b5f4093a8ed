"""Reference records for torch.nn.functional.scaled_dot_product_attention (PyTorch 2 semantics).

PyTorch 1.13 lacks the function, so the values and gradients come from the explicit formula PyTorch 2 documents and
its math backend computes (aten/src/ATen/native/transformers/attention.cpp, _scaled_dot_product_attention_math):
    softmax(q @ k^T * scale + bias) @ v
with scale 1/sqrt(E) by default, a boolean mask as 0 where True and -inf where False, is_causal as the top-left
aligned lower triangle of (L, S), enable_gqa repeating each key/value head Hq/H times (repeat_interleave on dim -3),
and PyTorch 2's safe softmax: a row whose logits are all -inf gives zeros (not NaN). float64 cases are computed in
float64, float32 ones in float32; float16/bfloat16 in float32, rounded to the input dtype (as the math backend does).

Errors: where PyTorch 2 fails inside the composite (matmul, broadcasting, dropout) 1.13 gives the same text and it
is recorded by running the formula; the checks PyTorch 2 adds before it (validate_sdpa_input, the causal/mask and
grouped-heads checks) are PyTorch 2's texts, quoted below from attention.cpp / sdp_utils_cpp.cpp.

Run: /usr/bin/python3 tools/refs/gen_attention.py  ->  tests/Flint.Tests/References/attention.json

Record kinds (every name is unique):
  value: {"name", "inputs": {"query", "key", "value", "attn_mask"?}, "kw", "out", "gout"?, "grads"?: {input: tensor}}
         grads are d(sum(out * gout))/d(input) for the float inputs (a float mask too when "mask_grad").
  error: {"name", "inputs", "kw", "error", "type"}
"""
import math

import torch

from common import enc, write

cases = []
G = torch.Generator().manual_seed(2029)


def rnd(*shape, dtype=torch.float64):
    return (torch.rand(tuple(shape), generator=G, dtype=torch.float64) * 4 - 2).to(dtype)


class SafeSoftmax(torch.autograd.Function):
    """PyTorch 2's _safe_softmax: softmax over the last dim, zeros on rows whose logits are all -inf; its derivative
    (derivatives.yaml) is softmax's, from the result, so those rows get zero gradients."""

    @staticmethod
    def forward(ctx, w):
        p = torch.softmax(w, -1)
        p = torch.where(torch.isneginf(w).all(-1, keepdim=True), torch.zeros((), dtype=p.dtype), p)
        ctx.save_for_backward(p)
        return p

    @staticmethod
    def backward(ctx, g):
        p, = ctx.saved_tensors
        return p * (g - (g * p).sum(-1, keepdim=True))


def sdpa(q, k, v, attn_mask=None, is_causal=False, scale=None, enable_gqa=False):
    """PyTorch 2's math backend, written with 1.13's ops."""
    L, S = q.size(-2), k.size(-2)
    scale_factor = 1 / math.sqrt(q.size(-1)) if scale is None else scale
    acc = torch.float32 if q.dtype in (torch.float16, torch.bfloat16) else q.dtype
    origin = q.dtype
    q, k, v = q.to(acc), k.to(acc), v.to(acc)
    bias = None
    if is_causal:
        bias = torch.zeros(L, S, dtype=acc).masked_fill(~torch.ones(L, S, dtype=torch.bool).tril(), float("-inf"))
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            bias = torch.zeros(attn_mask.shape, dtype=acc).masked_fill(~attn_mask, float("-inf"))
        else:
            bias = attn_mask
    if enable_gqa:
        k = k.repeat_interleave(q.size(-3) // k.size(-3), -3)
        v = v.repeat_interleave(q.size(-3) // v.size(-3), -3)
    w = q @ k.transpose(-2, -1) * scale_factor
    if bias is not None:
        w = w + bias
    return (SafeSoftmax.apply(w) @ v).to(origin)


def inputs_of(q, k, v, mask, transpose):
    d = {"query": enc(q, transpose=transpose), "key": enc(k), "value": enc(v)}
    if mask is not None:
        d["attn_mask"] = enc(mask)
    return d


def value(name, q, k, v, mask=None, mask_grad=False, grads=True, transpose=None, **kw):
    """transpose: the query is recorded as a non-contiguous view (its data stored for q.transpose(*transpose))."""
    rec = {"kind": "value", "name": name, "inputs": inputs_of(q, k, v, mask, transpose), "kw": kw}
    if mask_grad:
        rec["mask_grad"] = True
    floating = q.dtype in (torch.float32, torch.float64)
    ins = [t.detach().clone().requires_grad_(grads and floating) for t in (q, k, v)]
    m = None
    if mask is not None:
        m = mask.detach().clone().requires_grad_(mask_grad)
    out = sdpa(*ins, attn_mask=m, **kw)
    rec["out"] = enc(out)
    if grads and floating:
        gout = rnd(*out.shape, dtype=out.dtype)
        wanted = ins + ([m] if mask_grad else [])
        gs = torch.autograd.grad(out, wanted, gout)
        rec["gout"] = enc(gout)
        names = ["query", "key", "value"] + (["attn_mask"] if mask_grad else [])
        rec["grads"] = {n: enc(g) for n, g in zip(names, gs)}
    cases.append(rec)


def error(name, q, k, v, mask=None, text=None, kind="RuntimeError", **kw):
    """An error case: PyTorch 2's own text where given, else what the formula raises."""
    rec = {"kind": "error", "name": name, "inputs": inputs_of(q, k, v, mask, None), "kw": kw}
    if text is None:
        try:
            if kw.get("dropout_p", 0) > 0:
                torch.dropout(torch.zeros(2), kw["dropout_p"], True)
            kw2 = {a: b for a, b in kw.items() if a != "dropout_p"}
            sdpa(q, k, v, attn_mask=mask, **kw2)
            raise AssertionError(name + ": no error")
        except (RuntimeError, IndexError) as e:
            text, kind = str(e).split("\n")[0], type(e).__name__
    rec["error"] = text
    rec["type"] = kind
    cases.append(rec)


def qkv(lead, hq, hk, L, S, E, Ev=None, dtype=torch.float64):
    Ev = E if Ev is None else Ev
    hq_dims = (hq,) if hq is not None else ()
    hk_dims = (hk,) if hk is not None else ()
    return rnd(*lead, *hq_dims, L, E, dtype=dtype), rnd(*lead, *hk_dims, S, E, dtype=dtype), rnd(*lead, *hk_dims, S, Ev, dtype=dtype)


# ---- sizes around the kernel's tiles (48 query rows, 128 keys): 1, 7, 33, 100, 130
for (L, S, E) in [(1, 1, 4), (7, 7, 8), (33, 33, 4), (7, 33, 8), (33, 7, 8), (1, 100, 4), (100, 100, 4), (50, 130, 4)]:
    big = L * S >= 100
    value(f"plain/{L}x{S}x{E}", *qkv((1 if big else 2,), 1 if big else 2, 1 if big else 2, L, S, E))
    value(f"causal/{L}x{S}x{E}", *qkv((1 if big else 2,), 1 if big else 2, 1 if big else 2, L, S, E), is_causal=True)
value("causal/130x130x2", *qkv((1,), 1, 1, 130, 130, 2), is_causal=True)
value("ev/8to5", *qkv((2,), 3, 3, 7, 9, 8, 5))
value("ev/4to12_causal", *qkv((1,), 2, 2, 9, 6, 4, 12), is_causal=True)
value("rank3", *qkv((), 3, 3, 7, 9, 8))
value("rank3_causal", *qkv((), 3, 3, 9, 9, 8), is_causal=True)
value("rank2", *qkv((), None, None, 5, 6, 4))
value("rank5", *qkv((2, 2), 2, 2, 5, 6, 4))
value("scale/0.3", *qkv((2,), 2, 2, 7, 9, 8), scale=0.3)
value("scale/negative", *qkv((2,), 2, 2, 7, 9, 8), scale=-0.5)
value("scale/causal_2", *qkv((1,), 2, 2, 7, 7, 8), is_causal=True, scale=2.0)
value("gqa/6of2", *qkv((2,), 6, 2, 7, 9, 8), enable_gqa=True)
value("gqa/4of1_causal", *qkv((1,), 4, 1, 9, 9, 8), enable_gqa=True, is_causal=True)
value("gqa/equal", *qkv((2,), 2, 2, 7, 9, 8), enable_gqa=True)
value("broadcast_head/1", *qkv((2,), 3, 1, 7, 9, 8))
value("noncontiguous/query", *qkv((2,), 3, 3, 7, 9, 8), transpose=(1, 2))

# ---- masks: boolean (True takes part), additive float, broadcast over batch and heads
N, H, L, S, E = 2, 3, 7, 9, 8
q, k, v = qkv((N,), H, H, L, S, E)
bmask = torch.rand(L, S, generator=G) > 0.3
bmask[:, 0] = True
value("mask/bool_LS", q, k, v, bmask)
value("mask/bool_11LS", q, k, v, bmask.reshape(1, 1, L, S))
value("mask/bool_N1LS", q, k, v, torch.rand(N, 1, L, S, generator=G) > 0.4)
value("mask/bool_N11S", q, k, v, torch.rand(N, 1, 1, S, generator=G) > 0.4)
value("mask/bool_NHLS", q, k, v, torch.rand(N, H, L, S, generator=G) > 0.4)
value("mask/float_LS", q, k, v, rnd(L, S))
value("mask/float_11LS", q, k, v, rnd(1, 1, L, S))
value("mask/float_N1LS", q, k, v, rnd(N, 1, L, S))
value("mask/float_1H1S", q, k, v, rnd(1, H, 1, S))
value("mask/float_neginf", q, k, v, torch.where(bmask, rnd(L, S), torch.tensor(float("-inf"), dtype=torch.float64)))
value("mask/float_grad", q, k, v, rnd(N, 1, L, S), mask_grad=True)
value("mask/float_grad_LS", q, k, v, rnd(L, S), mask_grad=True)
full = bmask.clone()
full[2] = False
full[5] = False
value("mask/fully_masked_rows", q, k, v, full)
value("mask/float_fully_masked_rows", q, k, v, torch.zeros(L, S, dtype=torch.float64).masked_fill(~full, float("-inf")))
value("mask/float32_mask_float64_query", q, k, v, rnd(L, S, dtype=torch.float32))
value("mask/rank3", *qkv((), 3, 3, 7, 9, 8), torch.rand(7, 9, generator=G) > 0.3)
value("mask/gqa", *qkv((2,), 4, 2, 7, 9, 8), torch.rand(2, 1, 7, 9, generator=G) > 0.3, enable_gqa=True)
value("mask/across_tiles", *qkv((1,), 1, 1, 50, 130, 4), torch.rand(50, 130, generator=G) > 0.5)
value("mask/across_tiles_float", *qkv((1,), 1, 1, 50, 130, 4), rnd(50, 130))

# ---- float32 inputs (computed in float32), half types (computed in float32, rounded)
for name, sh, kw in [("plain", (1, 2, 33, 33, 8), {}), ("causal", (1, 1, 50, 130, 4), {"is_causal": True}),
                     ("gqa", (2, 4, 7, 9, 8), {"enable_gqa": True})]:
    n, h, L, S, E = sh
    q, k, v = qkv((n,), h, h // 2 if kw.get("enable_gqa") else h, L, S, E, dtype=torch.float32)
    value(f"float32/{name}", q, k, v, **kw)
q, k, v = qkv((2,), 2, 2, 7, 9, 8, dtype=torch.float32)
value("float32/mask_bool", q, k, v, torch.rand(7, 9, generator=G) > 0.3)
value("float32/mask_float", q, k, v, rnd(2, 1, 7, 9, dtype=torch.float32))
for dt, nm in [(torch.float16, "float16"), (torch.bfloat16, "bfloat16")]:
    q, k, v = qkv((2,), 2, 2, 7, 9, 8, dtype=dt)
    value(f"{nm}/plain", q, k, v, grads=False)
    value(f"{nm}/causal", q, k, v, grads=False, is_causal=True)
    value(f"{nm}/mask_float", q, k, v, rnd(7, 9, dtype=dt), grads=False)

# ---- errors
q, k, v = qkv((2,), 2, 2, 7, 9, 8)
error("error/dtype", q.float(), k, v.float(),
      text="Expected query, key, and value to have the same dtype, but got query.dtype: float key.dtype: double and value.dtype: float instead.")
error("error/rank1", rnd(8), k, v,
      text="Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: 1 key.dim: 4 and value.dim: 4 instead.")
error("error/mask_dtype", q, k, v, torch.ones(7, 9, dtype=torch.int64),
      text="Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: long int and  query.dtype: double instead.")
error("error/mask_float64_query_float32", q.float(), k.float(), v.float(), rnd(7, 9),
      text="Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: double and  query.dtype: float instead.")
error("error/causal_with_mask", q, k, v, torch.ones(7, 9, dtype=torch.bool), is_causal=True,
      text="_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True")
error("error/gqa_not_divisible", *qkv((2,), 6, 4, 7, 9, 8), enable_gqa=True,
      text="Number of heads in key and value must divide the number of heads in ")
error("error/head_size", q, rnd(2, 2, 9, 5), v)
error("error/key_value_length", q, k, rnd(2, 2, 8, 8))
error("error/batch", q, rnd(3, 2, 9, 8), rnd(3, 2, 9, 8))
error("error/heads_without_gqa", *qkv((2,), 6, 2, 7, 9, 8))
error("error/mask_shape", q, k, v, rnd(7, 5))
error("error/mask_shape_bool", q, k, v, torch.ones(3, 7, 9, dtype=torch.bool))
error("error/dropout_p", q, k, v, dropout_p=1.5)
error("error/gqa_rank2", *qkv((), None, None, 5, 6, 4), enable_gqa=True)

write("attention", cases)
