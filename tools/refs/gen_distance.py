"""Reference records for the distance functions and layers: F.cosine_similarity, F.pairwise_distance, torch.pdist,
torch.cdist (each compute mode), F.channel_shuffle, and the reprs of nn.CosineSimilarity, nn.PairwiseDistance and
nn.ChannelShuffle.

Run: /usr/bin/python3 tools/refs/gen_distance.py  ->  tests/Flint.Tests/References/distance.json

Record kinds:
  fn:    {"name", "fn", "inputs": [tensor], "grad": [bool], "kw", "out" | "error", "gout", "grads": [tensor|null],
          "grad_fn"} fn is the torch or nn.functional name; kw its keyword arguments; grads are
          d(sum(out * gout))/d(input).
  repr:  {"name", "module", "kw", "text"} a layer's repr.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import enc, write

cases = []
G = torch.Generator().manual_seed(2024)


def rnd(*shape, lo=-2.0, hi=2.0):
    return torch.rand(tuple(shape), generator=G, dtype=torch.float64) * (hi - lo) + lo


def cosine_similarity_2x(x1, x2, dim=1, eps=1e-8):
    """PyTorch 2's cosine_similarity: each side over its norm, the norms clamped at eps outside autograd."""
    x1, x2 = torch.broadcast_tensors(x1, x2)
    n1 = torch.linalg.vector_norm(x1, 2, dim=dim, keepdim=True).clone()
    n2 = torch.linalg.vector_norm(x2, 2, dim=dim, keepdim=True).clone()
    with torch.no_grad():
        n1.clamp_min_(eps)
        n2.clamp_min_(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


FNS = {
    "cosine_similarity": F.cosine_similarity,
    "pairwise_distance": F.pairwise_distance,
    "pdist": torch.pdist,
    "cdist": torch.cdist,
    "channel_shuffle": F.channel_shuffle,
}


def case(name, fn, inputs, dtypes=(torch.float32, torch.float64), override_grad_fn=None, **kw):
    """Records FNS[fn](*inputs, **kw) for each dtype (the float inputs cast), with gradients where they exist."""
    for dt in dtypes:
        ins0 = [t.to(dt) if t.dtype.is_floating_point else t for t in inputs]
        g = [t.dtype.is_floating_point for t in ins0]
        ins = [t.detach().clone().requires_grad_(r) for t, r in zip(ins0, g)]
        rec = {"kind": "fn", "name": f"{name}/{str(dt)[6:]}", "fn": fn, "inputs": [enc(t) for t in ins0], "grad": g,
               "kw": {k: ("inf" if v == math.inf else v) for k, v in kw.items()}}
        try:
            out = FNS[fn](*ins, **kw)
        except Exception as e:  # noqa: BLE001 - PyTorch's error is the record
            rec["error"] = str(e).split("\n")[0]
            rec["type"] = type(e).__name__
            cases.append(rec)
            return
        rec["out"] = enc(out)
        rec["grad_fn"] = type(out.grad_fn).__name__ if out.grad_fn is not None else None
        if override_grad_fn:
            # PyTorch 1.13 gives this op no derivative (its node raises); PyTorch 2 composes it from views, so
            # gradients flow. The record keeps 2.x's node name and leaves the gradients to gradcheck.
            rec["grad_fn"], rec["override"] = override_grad_fn, "PyTorch 2 composes it from views"
        elif any(g) and out.requires_grad:
            gout = rnd(*out.shape).to(out.dtype)
            if fn == "cosine_similarity":
                # PyTorch 2 clamps the norms after computing them (the gradient goes through the unclamped norm);
                # 1.13 clamps the squared norms before the square root. They differ only where a norm is below eps:
                # the gradients are PyTorch 2's formula, run on PyTorch's ops.
                out2 = cosine_similarity_2x(*ins, **kw)
                assert torch.allclose(out2, out), name
                rec["override"] = "gradients of PyTorch 2's formula"
                out = out2
            gs = torch.autograd.grad(out, [t for t, r in zip(ins, g) if r], gout, allow_unused=True)
            it = iter(gs)
            rec["gout"] = enc(gout)
            rec["grads"] = [(lambda v: enc(v) if v is not None else None)(next(it)) if r else None for r in g]
        cases.append(rec)


# cosine_similarity: dims, broadcasting, eps at work (a row of tiny norm), 1-D, integer inputs refused
a, b = rnd(4, 5), rnd(4, 5)
case("cosine_similarity", "cosine_similarity", [a, b])
case("cosine_similarity_dim0", "cosine_similarity", [a, b], dim=0)
case("cosine_similarity_dim_neg", "cosine_similarity", [rnd(2, 3, 4), rnd(2, 3, 4)], dim=-2)
case("cosine_similarity_broadcast", "cosine_similarity", [rnd(3, 4), rnd(4)])
case("cosine_similarity_broadcast2", "cosine_similarity", [rnd(2, 1, 4), rnd(3, 4)], dim=-1)
case("cosine_similarity_1d", "cosine_similarity", [rnd(6), rnd(6)], dim=0)
tiny = rnd(3, 4)
tiny[0] *= 1e-9
case("cosine_similarity_eps", "cosine_similarity", [tiny, rnd(3, 4)], eps=1e-6)
zero = rnd(3, 4)
zero[1] = 0
case("cosine_similarity_zero_row", "cosine_similarity", [zero, rnd(3, 4)])
case("cosine_similarity_size_mismatch", "cosine_similarity", [rnd(3, 4), rnd(2, 4)])
case("cosine_similarity_bad_dim", "cosine_similarity", [rnd(3, 4), rnd(3, 4)], dim=2)
case("cosine_similarity_int", "cosine_similarity", [torch.arange(4), torch.arange(4)], dim=0)

# pairwise_distance: norms, keepdim, eps, broadcasting, 1-D
x, y = rnd(5, 4), rnd(5, 4)
for p in (1.0, 2.0, 3.0, 0.5, math.inf):
    case(f"pairwise_distance_p{p}", "pairwise_distance", [x, y], p=p)
case("pairwise_distance_keepdim", "pairwise_distance", [x, y], keepdim=True)
case("pairwise_distance_eps", "pairwise_distance", [x, y], eps=0.1)
case("pairwise_distance_broadcast", "pairwise_distance", [rnd(5, 4), rnd(4)])
case("pairwise_distance_1d", "pairwise_distance", [rnd(4), rnd(4)])

# pdist: every norm family its kernel has, tied rows (zero distance), errors
m = rnd(6, 3)
for p in (0.0, 1.0, 2.0, 3.0, 1.5, 0.5, math.inf):
    case(f"pdist_p{p}", "pdist", [m], p=p)
tied = rnd(4, 3)
tied[2] = tied[0]
case("pdist_tied_rows", "pdist", [tied])
case("pdist_tied_rows_p1", "pdist", [tied], p=1.0)
case("pdist_one_row", "pdist", [rnd(1, 3)])
case("pdist_3d", "pdist", [rnd(2, 3, 4)])
case("pdist_negative_p", "pdist", [m], p=-1.0)

# cdist: the direct kernel, the matrix-product route for p = 2 (more than 25 rows, or asked for), batches
x1, x2 = rnd(5, 3), rnd(4, 3)
for p in (0.0, 1.0, 2.0, 3.0, 1.5, 0.5, math.inf):
    case(f"cdist_p{p}", "cdist", [x1, x2], p=p)
case("cdist_batched", "cdist", [rnd(2, 5, 3), rnd(2, 4, 3)])
case("cdist_batch_broadcast", "cdist", [rnd(2, 1, 5, 3), rnd(3, 4, 3)], p=1.0)
case("cdist_mm_large", "cdist", [rnd(30, 4), rnd(27, 4)])
case("cdist_mm_batched", "cdist", [rnd(2, 26, 3), rnd(2, 5, 3)])
case("cdist_mm_forced", "cdist", [x1, x2], compute_mode="use_mm_for_euclid_dist")
case("cdist_mm_refused", "cdist", [rnd(30, 4), rnd(27, 4)], compute_mode="donot_use_mm_for_euclid_dist")
case("cdist_large_p1", "cdist", [rnd(30, 4), rnd(27, 4)], p=1.0)
same = rnd(4, 3)
case("cdist_tied", "cdist", [same, same[1:3].clone()])
case("cdist_1d", "cdist", [rnd(3), rnd(3)])
case("cdist_columns", "cdist", [rnd(3, 2), rnd(3, 4)])
case("cdist_negative_p", "cdist", [x1, x2], p=-1.0)
case("cdist_bad_mode", "cdist", [x1, x2], compute_mode="fast")
case("cdist_int", "cdist", [torch.arange(6).reshape(3, 2), torch.arange(6).reshape(3, 2)])

# channel_shuffle: 3-D to 5-D inputs, one group, errors
case("channel_shuffle_4d", "channel_shuffle", [rnd(2, 6, 2, 3)], override_grad_fn="ViewBackward0", groups=3)
case("channel_shuffle_3d", "channel_shuffle", [rnd(2, 6, 3)], override_grad_fn="ViewBackward0", groups=2)
case("channel_shuffle_5d", "channel_shuffle", [rnd(1, 4, 2, 2, 2)], override_grad_fn="ViewBackward0", groups=2)
case("channel_shuffle_one_group", "channel_shuffle", [rnd(2, 4, 3)], override_grad_fn="ViewBackward0", groups=1)
case("channel_shuffle_long", "channel_shuffle", [torch.arange(24).reshape(1, 6, 4)], groups=3)
case("channel_shuffle_indivisible", "channel_shuffle", [rnd(2, 6, 3)], groups=4)
case("channel_shuffle_zero_groups", "channel_shuffle", [rnd(2, 6, 3)], groups=0)
case("channel_shuffle_2d", "channel_shuffle", [rnd(2, 6)], groups=2)


def rep(name, module, **kw):
    cases.append({"kind": "repr", "name": name, "module": module, "kw": kw, "text": repr(getattr(nn, module)(**kw))})


rep("CosineSimilarity", "CosineSimilarity")
rep("CosineSimilarity_kw", "CosineSimilarity", dim=0, eps=1e-6)
rep("PairwiseDistance", "PairwiseDistance")
rep("PairwiseDistance_kw", "PairwiseDistance", p=1.0, eps=1e-3, keepdim=True)
rep("ChannelShuffle", "ChannelShuffle", groups=3)

write("distance", cases)
