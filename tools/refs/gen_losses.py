"""Reference records for the margin, embedding, Poisson/Gaussian and CTC losses, the nn.init functions that draw
(orthogonal_, sparse_, dirac_), the parametrizations (weight_norm, spectral_norm) and the parameter containers.

Run: /usr/bin/python3 tools/refs/gen_losses.py  ->  tests/Flint.Tests/References/losses.json

Record kinds:
  loss:  {"name", "fn", "inputs": [tensor], "grad": [bool], "kw", "out" | "error", "gout", "grads": [tensor|null],
          "grad_fn"} fn is the nn.functional name; kw its keyword arguments (tensors in kw are encoded);
          grads are d(sum(out * gout))/d(input).
  ctc:   {"name", "log_probs", "targets", "input_lengths", "target_lengths", "lengths": "tensor"|"list", "kw",
          "out" | "error", "gout", "grad", "grad_fn"} the gradient is the log_probs one PyTorch's kernel gives.
  init:  {"name", "seed", "shape", "kw", "out" | "error"} an nn.init function on torch.empty(shape) after manual_seed.
  param: {"name", "seed", "state": {key: tensor}, "x", "outs": [tensor], "after": {key: tensor}} a parametrized
          module built after manual_seed: its state_dict, its outputs on x, and its state after them.
  keys:  {"name", "keys": [str]} named_parameters / state_dict names.
"""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import parametrizations, parametrize

from common import enc, write

cases = []
G = torch.Generator().manual_seed(4321)


def rnd(*shape, dtype=torch.float64, lo=-2.0, hi=2.0):
    return (torch.rand(tuple(shape), generator=G, dtype=torch.float64) * (hi - lo) + lo).to(dtype)


def sign(*shape):
    return (torch.randint(0, 2, tuple(shape), generator=G) * 2 - 1).to(torch.float64)


def enc_kw(kw):
    return {k: (enc(v) if isinstance(v, torch.Tensor) else v) for k, v in kw.items()}


def loss(name, fn, inputs, grad=None, override=None, **kw):
    """Records fn(*inputs, **kw) in float32 and float64 (the float inputs cast), with gradients of the float ones."""
    for dt in (torch.float32, torch.float64):
        ins0 = [t.to(dt) if t.dtype.is_floating_point else t for t in inputs]
        kws = {k: (v.to(dt) if isinstance(v, torch.Tensor) and v.dtype.is_floating_point else v) for k, v in kw.items()}
        g = grad if grad is not None else [t.dtype.is_floating_point for t in ins0]
        ins = [t.detach().clone().requires_grad_(r) for t, r in zip(ins0, g)]
        rec = {"kind": "loss", "name": f"{name}/{str(dt)[6:]}", "fn": fn, "inputs": [enc(t) for t in ins0], "grad": g,
               "kw": enc_kw(kws)}
        try:
            out = getattr(F, fn)(*ins, **kws)
        except Exception as e:  # noqa: BLE001 - PyTorch's error is the record
            rec["error"] = str(e).split("\n")[0]
            rec["type"] = type(e).__name__
            if override:
                rec["error"], rec["override"] = override
            cases.append(rec)
            return
        rec["out"] = enc(out)
        rec["grad_fn"] = type(out.grad_fn).__name__ if out.grad_fn is not None else None
        if fn == "triplet_margin_with_distance_loss" and rec["grad_fn"] == "ClampBackward1":
            rec["grad_fn"], rec["override"] = "ClampMinBackward0", "PyTorch 2 uses torch.clamp_min"
        if any(g) and out.requires_grad:
            gout = rnd(*out.shape, dtype=out.dtype)
            gs = torch.autograd.grad(out, [t for t, r in zip(ins, g) if r], gout, allow_unused=True)
            it = iter(gs)
            rec["gout"] = enc(gout)
            rec["grads"] = [(lambda v: enc(v) if v is not None else None)(next(it)) if r else None for r in g]
        cases.append(rec)


def error(name, fn, inputs, override=None, **kw):
    rec = {"kind": "loss", "name": name, "fn": fn, "inputs": [enc(t) for t in inputs], "grad": [False] * len(inputs),
           "kw": enc_kw(kw)}
    try:
        getattr(F, fn)(*inputs, **kw)
        rec["error"] = None
    except Exception as e:  # noqa: BLE001
        rec["error"] = str(e).split("\n")[0]
        rec["type"] = type(e).__name__
    if override:
        rec["error"], rec["override"] = override
    cases.append(rec)


# ---------------------------------------------------------------- margin and embedding losses
x1, x2, y = rnd(6), rnd(6), sign(6)
for red in ("mean", "sum", "none"):
    loss(f"margin_ranking_loss_{red}", "margin_ranking_loss", [x1, x2, y], reduction=red)
loss("margin_ranking_loss_margin", "margin_ranking_loss", [x1, x2, y], margin=0.5)
loss("margin_ranking_loss_2d", "margin_ranking_loss", [rnd(2, 3), rnd(2, 3), sign(2, 3)], margin=0.3, reduction="sum")
error("margin_ranking_loss_dims", "margin_ranking_loss", [rnd(2, 3), rnd(2, 3), sign(3)])
error("margin_ranking_loss_bad_reduction", "margin_ranking_loss", [x1, x2, y], reduction="avg")

h, hy = rnd(3, 4), sign(3, 4)
for red in ("mean", "sum", "none"):
    loss(f"hinge_embedding_loss_{red}", "hinge_embedding_loss", [h, hy], reduction=red)
loss("hinge_embedding_loss_margin", "hinge_embedding_loss", [h, hy], margin=2.5)

s, sy = rnd(3, 5), sign(3, 5)
for red in ("mean", "sum", "none"):
    loss(f"soft_margin_loss_{red}", "soft_margin_loss", [s, sy], grad=[True, False], reduction=red)
loss("soft_margin_loss_target_grad", "soft_margin_loss", [s, sy], grad=[True, True])

c1, c2, cy = rnd(4, 5), rnd(4, 5), sign(4)
for red in ("mean", "sum", "none"):
    loss(f"cosine_embedding_loss_{red}", "cosine_embedding_loss", [c1, c2, cy], reduction=red)
loss("cosine_embedding_loss_margin", "cosine_embedding_loss", [c1, c2, cy], margin=0.2)
loss("cosine_embedding_loss_1d", "cosine_embedding_loss", [rnd(5), rnd(5), torch.tensor(-1.0, dtype=torch.float64)], margin=-0.5)
error("cosine_embedding_loss_target2d", "cosine_embedding_loss", [c1, c2, sign(4, 1)])
error("cosine_embedding_loss_1d_target", "cosine_embedding_loss", [rnd(5), rnd(5), sign(5)])
error("cosine_embedding_loss_0d_target", "cosine_embedding_loss", [c1, c2, torch.tensor(1.0)])

ml, mlt = rnd(3, 4), torch.randint(0, 2, (3, 4), generator=G).double()
for red in ("mean", "sum", "none"):
    loss(f"multilabel_soft_margin_loss_{red}", "multilabel_soft_margin_loss", [ml, mlt], reduction=red)
loss("multilabel_soft_margin_loss_weight", "multilabel_soft_margin_loss", [ml, mlt], weight=rnd(4, lo=0.1, hi=2))
error("multilabel_soft_margin_loss_bad_reduction", "multilabel_soft_margin_loss", [ml, mlt], reduction="avg")

mm, mmy = rnd(4, 5), torch.tensor([0, 3, 4, 1])
for red in ("mean", "sum", "none"):
    loss(f"multi_margin_loss_{red}", "multi_margin_loss", [mm, mmy], reduction=red)
loss("multi_margin_loss_p2", "multi_margin_loss", [mm, mmy], p=2, margin=0.7)
loss("multi_margin_loss_weight", "multi_margin_loss", [mm, mmy], weight=rnd(5, lo=0.1, hi=2), margin=1.5)
loss("multi_margin_loss_1d", "multi_margin_loss", [rnd(5), torch.tensor([2])], reduction="none")
error("multi_margin_loss_p3", "multi_margin_loss", [mm, mmy], p=3)
error("multi_margin_loss_weight2d", "multi_margin_loss", [mm, mmy], weight=rnd(5, 1))
error("multi_margin_loss_target_size", "multi_margin_loss", [mm, torch.tensor([0, 1, 2])],
      override=("inconsistent target size, expected 4 but got [3]", "PyTorch 2's shape check words it so"))
error("multi_margin_loss_weight_size", "multi_margin_loss", [mm, mmy], weight=rnd(4),
      override=("inconsistent weight size, expected 5 but got [4]", "PyTorch 2 checks the weight's size (1.13 does not)"))
error("multi_margin_loss_target_range", "multi_margin_loss", [mm, torch.tensor([0, 1, 5, 2])])
error("multi_margin_loss_3d", "multi_margin_loss", [rnd(2, 2, 2), torch.tensor([0, 1])])

la, lat = rnd(3, 4), torch.tensor([[3, 0, -1, 1], [1, 2, 3, 0], [-1, 1, 0, 0]])
for red in ("mean", "sum", "none"):
    loss(f"multilabel_margin_loss_{red}", "multilabel_margin_loss", [la, lat], reduction=red)
loss("multilabel_margin_loss_1d", "multilabel_margin_loss", [rnd(4), torch.tensor([2, 0, -1, 3])], reduction="none")
error("multilabel_margin_loss_target_size", "multilabel_margin_loss", [la, torch.tensor([[0, 1, -1, 2]])],
      override=("inconsistent target size: [1, 4] for input of size: [3, 4]", "PyTorch 2's shape check words it so"))
error("multilabel_margin_loss_3d", "multilabel_margin_loss", [rnd(2, 2, 2), torch.zeros(2, 2, 2, dtype=torch.long)])

a, p, n = rnd(4, 5), rnd(4, 5), rnd(4, 5)
for red in ("mean", "sum", "none"):
    loss(f"triplet_margin_loss_{red}", "triplet_margin_loss", [a, p, n], reduction=red)
loss("triplet_margin_loss_p1_swap", "triplet_margin_loss", [a, p, n], p=1, swap=True, margin=2.0)
loss("triplet_margin_loss_eps", "triplet_margin_loss", [a, p, n], p=3, eps=1e-3, margin=0.5)
loss("triplet_margin_loss_1d", "triplet_margin_loss", [rnd(5), rnd(5), rnd(5)])
error("triplet_margin_loss_dims", "triplet_margin_loss", [a, p, rnd(5)],
      override=("The anchor, positive, and negative tensors are expected to have the same number of dimensions, "
                "but got: anchor 2D, positive 2D, and negative 1D inputs", "PyTorch 2's check words it so"))
loss("triplet_margin_with_distance_loss", "triplet_margin_with_distance_loss", [a, p, n])
loss("triplet_margin_with_distance_loss_swap", "triplet_margin_with_distance_loss", [a, p, n], swap=True, margin=3.0, reduction="none")
# a distance function: the C# side maps the name "cosine" to 1 - cosine similarity written with the same ops
cos_dist = lambda u, v: 1 - (u * v).sum(-1) / ((u * u).sum(-1) * (v * v).sum(-1)).sqrt()  # noqa: E731
for dt in (torch.float32, torch.float64):
    ins = [t.to(dt).clone().requires_grad_() for t in (a, p, n)]
    out = F.triplet_margin_with_distance_loss(*ins, distance_function=cos_dist, margin=0.4, reduction="sum")
    gout = rnd(dtype=dt)
    gs = torch.autograd.grad(out, ins, gout)
    cases.append({"kind": "loss", "name": f"triplet_margin_with_distance_loss_cosine/{str(dt)[6:]}",
                  "fn": "triplet_margin_with_distance_loss", "inputs": [enc(t) for t in ins], "grad": [True] * 3,
                  "kw": {"distance_function": "cosine", "margin": 0.4, "reduction": "sum"}, "out": enc(out),
                  "grad_fn": type(out.grad_fn).__name__, "gout": enc(gout), "grads": [enc(v) for v in gs]})
# PyTorch 2 refuses a margin that is not positive and inputs of different ranks before calling the distance
error("triplet_margin_with_distance_loss_margin", "triplet_margin_with_distance_loss", [a, p, n], margin=0.0,
      override=("margin must be greater than 0, got 0.0", "PyTorch 2 checks the margin (1.13 does not)"))
error("triplet_margin_with_distance_loss_dims", "triplet_margin_with_distance_loss", [a, p, rnd(5)],
      override=("The anchor, positive, and negative tensors are expected to have the same number of dimensions, "
                "but got: anchor 2D, positive 2D, and negative 1D inputs", "PyTorch 2 checks the ranks (1.13 does not)"))

px, pt = rnd(3, 4, lo=0.1, hi=2.0), rnd(3, 4, lo=0.0, hi=4.0).round()
for red in ("mean", "sum", "none"):
    loss(f"poisson_nll_loss_{red}", "poisson_nll_loss", [px, pt], reduction=red)
loss("poisson_nll_loss_prob", "poisson_nll_loss", [px, pt], log_input=False)
loss("poisson_nll_loss_full", "poisson_nll_loss", [px, pt], full=True, reduction="sum")
loss("poisson_nll_loss_prob_full_eps", "poisson_nll_loss", [px, pt], log_input=False, full=True, eps=0.1, reduction="none")
loss("poisson_nll_loss_target_grad", "poisson_nll_loss", [px, pt], grad=[True, True])
error("poisson_nll_loss_bad_reduction", "poisson_nll_loss", [px, pt], reduction="avg")

gx, gt, gv = rnd(3, 4), rnd(3, 4), rnd(3, 4, lo=0.1, hi=2.0)
for red in ("mean", "sum", "none"):
    loss(f"gaussian_nll_loss_{red}", "gaussian_nll_loss", [gx, gt, gv], reduction=red)
loss("gaussian_nll_loss_full", "gaussian_nll_loss", [gx, gt, gv], full=True)
loss("gaussian_nll_loss_var_short", "gaussian_nll_loss", [gx, gt, rnd(3, lo=0.1, hi=2.0)], reduction="none")
loss("gaussian_nll_loss_var_one", "gaussian_nll_loss", [gx, gt, rnd(3, 1, lo=0.1, hi=2.0)], reduction="sum")
loss("gaussian_nll_loss_eps", "gaussian_nll_loss", [gx, gt, rnd(3, 4, lo=0.0, hi=0.01)], eps=0.005)
error("gaussian_nll_loss_var_size", "gaussian_nll_loss", [gx, gt, rnd(4, lo=0.1, hi=2.0)])
error("gaussian_nll_loss_var_negative", "gaussian_nll_loss", [gx, gt, rnd(3, 4)])
error("gaussian_nll_loss_bad_reduction", "gaussian_nll_loss", [gx, gt, gv], reduction="avg")

# ---------------------------------------------------------------- CTC
def ctc(name, T, N, C, targets, il, tl, lengths="tensor", dtypes=(torch.float32, torch.float64), override=None, **kw):
    logits = rnd(T, N, C) if N is not None else rnd(T, C)
    for dt in dtypes:
        lp = logits.to(dt).log_softmax(-1).detach()
        rec = {"kind": "ctc", "name": f"{name}/{str(dt)[6:]}", "log_probs": enc(lp), "targets": enc(targets),
               "input_lengths": il, "target_lengths": tl, "lengths": lengths, "kw": kw}
        x = lp.clone().requires_grad_()
        ilv, tlv = (torch.tensor(il), torch.tensor(tl)) if lengths == "tensor" else (il, tl)
        try:
            out = F.ctc_loss(x, targets, ilv, tlv, **kw)
        except Exception as e:  # noqa: BLE001
            rec["error"] = str(e).split("\n")[0]
            rec["type"] = type(e).__name__
            cases.append(rec)
            return
        if override:
            rec["error"], rec["override"] = override
            rec["type"] = "RuntimeError"
            cases.append(rec)
            return
        rec["out"] = enc(out)
        rec["grad_fn"] = type(out.grad_fn).__name__
        if rec["grad_fn"] == "CtcLossBackward0" and lengths == "tensor":
            # PyTorch 2 keeps tensor lengths as tensors, through _ctc_loss.Tensor (1.13 converts them to lists)
            rec["grad_fn"], rec["override"] = "CtcLossBackward1", "PyTorch 2 calls _ctc_loss.Tensor for tensor lengths"
        gout = rnd(*out.shape, dtype=dt, lo=0.5, hi=1.5)
        rec["gout"] = enc(gout)
        rec["grad"] = enc(torch.autograd.grad(out, x, gout)[0])
        cases.append(rec)


padded = torch.tensor([[1, 2, 2, 0], [3, 1, 0, 0], [2, 2, 2, 1]])
for red in ("mean", "sum", "none"):
    ctc(f"ctc_padded_{red}", 8, 3, 4, padded, [8, 6, 7], [3, 2, 4], reduction=red)
ctc("ctc_list_lengths", 8, 3, 4, padded, [8, 6, 7], [3, 2, 4], lengths="list", reduction="none")
ctc("ctc_concat", 7, 3, 5, torch.tensor([1, 2, 3, 4, 4, 2, 1]), [7, 5, 6], [3, 2, 2])
ctc("ctc_blank_last", 6, 2, 4, torch.tensor([[0, 1, 2], [2, 2, 0]]), [6, 6], [3, 2], blank=3, reduction="sum")
ctc("ctc_empty_target", 5, 2, 3, torch.tensor([[1, 2], [0, 0]]), [5, 4], [2, 0], reduction="none")
ctc("ctc_infinite", 3, 2, 3, torch.tensor([[1, 1, 1], [1, 2, 0]]), [3, 3], [3, 2], reduction="none")
ctc("ctc_zero_infinity", 3, 2, 3, torch.tensor([[1, 1, 1], [1, 2, 0]]), [3, 3], [3, 2], zero_infinity=True, reduction="none")
ctc("ctc_zero_infinity_mean", 3, 2, 3, torch.tensor([[1, 1, 1], [1, 2, 0]]), [3, 3], [3, 2], zero_infinity=True)
ctc("ctc_unbatched", 6, None, 4, torch.tensor([1, 3, 3]), [6], [3], reduction="none")
ctc("ctc_unbatched_mean", 6, None, 4, torch.tensor([1, 3, 3]), [6], [3])
ctc("ctc_int32_targets", 6, 2, 4, torch.tensor([[1, 2], [3, 3]], dtype=torch.int32), [6, 5], [2, 2], reduction="sum")
ctc("ctc_err_blank", 4, 2, 3, torch.tensor([[1, 2], [1, 1]]), [4, 4], [2, 2], blank=3, dtypes=(torch.float32,))
ctc("ctc_err_input_lengths_size", 4, 2, 3, torch.tensor([[1, 2], [1, 1]]), [4], [2, 2], dtypes=(torch.float32,))
ctc("ctc_err_target_lengths_size", 4, 2, 3, torch.tensor([[1, 2], [1, 1]]), [4, 4], [2], dtypes=(torch.float32,))
ctc("ctc_err_input_too_long", 4, 2, 3, torch.tensor([[1, 2], [1, 1]]), [5, 4], [2, 2], dtypes=(torch.float32,))
ctc("ctc_err_input_negative", 4, 2, 3, torch.tensor([[1, 2], [1, 1]]), [-1, 4], [2, 2], dtypes=(torch.float32,),
    override=("Expected input_lengths to have value at least 0, but got value -1 (while checking arguments for ctc_loss_cpu)",
              "PyTorch 2 checks negative lengths (1.13 does not)"))
ctc("ctc_err_target_negative", 4, 2, 3, torch.tensor([[1, 2], [1, 1]]), [4, 4], [-1, 2], dtypes=(torch.float32,),
    override=("Expected target_lengths to have value at least 0, but got value -1 (while checking arguments for ctc_loss_cpu)",
              "PyTorch 2 checks negative lengths (1.13 does not)"))
ctc("ctc_err_target_too_long", 4, 2, 3, torch.tensor([[1, 2], [1, 1]]), [4, 4], [3, 2], dtypes=(torch.float32,))
ctc("ctc_err_concat_size", 4, 2, 3, torch.tensor([1, 2, 1]), [4, 4], [2, 2], dtypes=(torch.float32,))
ctc("ctc_err_batch_size", 4, 2, 3, torch.tensor([[1, 2], [1, 1], [1, 1]]), [4, 4], [2, 2], dtypes=(torch.float32,))
ctc("ctc_err_reduction", 4, 2, 3, torch.tensor([[1, 2], [1, 1]]), [4, 4], [2, 2], dtypes=(torch.float32,), reduction="avg")


def ctc_error(name, lp, targets, il, tl):
    rec = {"kind": "ctc", "name": name, "log_probs": enc(lp), "targets": enc(targets), "input_lengths": il,
           "target_lengths": tl, "lengths": "tensor", "kw": {}}
    try:
        F.ctc_loss(lp, targets, torch.tensor(il), torch.tensor(tl))
        rec["error"] = None
    except Exception as e:  # noqa: BLE001
        rec["error"] = str(e).split("\n")[0]
        rec["type"] = type(e).__name__
    cases.append(rec)


two = torch.tensor([[1, 2], [1, 1]])
ctc_error("ctc_err_log_probs_4d/float32", rnd(4, 2, 3, 1, dtype=torch.float32).log_softmax(2), two, [4, 4], [2, 2])
ctc_error("ctc_err_targets_3d/float32", rnd(4, 2, 3, dtype=torch.float32).log_softmax(2), torch.ones(2, 2, 2, dtype=torch.long), [4, 4], [2, 2])
ctc_error("ctc_err_half/float16", rnd(4, 2, 3, dtype=torch.float32).log_softmax(2).half(), two, [4, 4], [2, 2])

# ---------------------------------------------------------------- init
for seed, name, shape, kw in [
    (30, "orthogonal_", [4, 6], {}), (31, "orthogonal_", [6, 4], {"gain": 2.0}), (32, "orthogonal_", [3, 2, 2], {}),
    (33, "orthogonal_", [5, 5], {}), (34, "orthogonal_", [5], {}),
    (35, "sparse_", [6, 4], {"sparsity": 0.5}), (36, "sparse_", [5, 3], {"sparsity": 0.2, "std": 0.5}),
    (37, "sparse_", [2, 3, 4], {"sparsity": 0.5}),
    (38, "dirac_", [4, 3, 3], {}), (39, "dirac_", [6, 2, 3, 3], {"groups": 2}), (40, "dirac_", [2, 4, 1, 3, 3], {}),
    (41, "dirac_", [3, 3], {}), (42, "dirac_", [5, 2, 3], {"groups": 2}),
    (43, "eye_", [3, 3, 3], {}),
]:
    torch.manual_seed(seed)
    t = torch.empty(shape)
    rec = {"kind": "init", "name": f"{name}/{seed}", "fn": name, "seed": seed, "shape": shape, "kw": kw}
    try:
        getattr(nn.init, name)(t, **kw)
        rec["out"] = enc(t)
    except Exception as e:  # noqa: BLE001
        rec["error"] = str(e).split("\n")[0]
        rec["type"] = type(e).__name__
    cases.append(rec)


# ---------------------------------------------------------------- parametrizations
class _WeightNorm(nn.Module):
    """PyTorch 2's torch.nn.utils.parametrizations._WeightNorm (1.13, which records, has only the older hook form)."""

    def __init__(self, dim=0):
        super().__init__()
        self.dim = -1 if dim is None else dim

    def forward(self, weight_g, weight_v):
        return torch._weight_norm(weight_v, weight_g, self.dim)

    def right_inverse(self, weight):
        return torch.norm_except_dim(weight, 2, self.dim), weight


def weight_norm(module, name="weight", dim=0):
    parametrize.register_parametrization(module, name, _WeightNorm(dim), unsafe=True)
    return module


def state(m):
    return {k: enc(v) for k, v in m.state_dict().items()}


def param_case(name, seed, build, x, steps, train=True):
    torch.manual_seed(seed)
    m = build()
    rec = {"kind": "param", "name": name, "seed": seed, "state": state(m), "x": enc(x), "train": train}
    m.train(train)
    outs = []
    for _ in range(steps):
        outs.append(enc(m(x)))
    rec["outs"] = outs
    rec["after"] = state(m)
    rec["weight"] = enc(m.weight)
    cases.append(rec)


xl = rnd(3, 5, dtype=torch.float32)
xc = rnd(2, 2, 5, 5, dtype=torch.float32)
param_case("weight_norm_linear", 50, lambda: weight_norm(nn.Linear(5, 4)), xl, 1)
param_case("weight_norm_linear_dim1", 51, lambda: weight_norm(nn.Linear(5, 4), dim=1), xl, 1)
param_case("weight_norm_linear_dimnone", 52, lambda: weight_norm(nn.Linear(5, 4), dim=None), xl, 1)
param_case("weight_norm_conv", 53, lambda: weight_norm(nn.Conv2d(2, 3, 3)), xc, 1)
param_case("spectral_norm_linear_eval", 54, lambda: parametrizations.spectral_norm(nn.Linear(5, 4)), xl, 1, train=False)
param_case("spectral_norm_linear_train", 55, lambda: parametrizations.spectral_norm(nn.Linear(5, 4)), xl, 2)
param_case("spectral_norm_linear_iters", 56, lambda: parametrizations.spectral_norm(nn.Linear(5, 4), n_power_iterations=3), xl, 1)
param_case("spectral_norm_conv", 57, lambda: parametrizations.spectral_norm(nn.Conv2d(2, 3, 3)), xc, 2)
param_case("spectral_norm_conv_dim1", 58, lambda: parametrizations.spectral_norm(nn.Conv2d(2, 3, 3), dim=1), xc, 1)
# the older hook forms: weight_g/weight_v, weight_orig/weight_u/weight_v
param_case("hook_weight_norm_linear", 60, lambda: nn.utils.weight_norm(nn.Linear(5, 4)), xl, 1)
param_case("hook_weight_norm_conv_dim1", 61, lambda: nn.utils.weight_norm(nn.Conv2d(2, 3, 3), dim=1), xc, 1)
param_case("hook_spectral_norm_linear_train", 62, lambda: nn.utils.spectral_norm(nn.Linear(5, 4)), xl, 2)
param_case("hook_spectral_norm_linear_eval", 63, lambda: nn.utils.spectral_norm(nn.Linear(5, 4)), xl, 1, train=False)
param_case("hook_spectral_norm_conv_iters", 64, lambda: nn.utils.spectral_norm(nn.Conv2d(2, 3, 3), n_power_iterations=2), xc, 2)

# gradients of the originals through weight_norm
torch.manual_seed(59)
m = weight_norm(nn.Linear(5, 4))
sd = state(m)
m(xl).pow(2).sum().backward()
cases.append({"kind": "param_grad", "name": "weight_norm_grads", "seed": 59, "state": sd, "x": enc(xl),
              "grads": {k: enc(v.grad) for k, v in m.named_parameters()}})

# names
m = nn.Module()
m.plist = nn.ParameterList([nn.Parameter(torch.zeros(2)), nn.Parameter(torch.ones(3))])
m.pdict = nn.ParameterDict({"alpha": nn.Parameter(torch.zeros(1)), "beta": nn.Parameter(torch.ones(2))})
cases.append({"kind": "keys", "name": "keys/containers", "keys": list(m.state_dict().keys()),
              "params": [k for k, _ in m.named_parameters()]})
cases.append({"kind": "keys", "name": "keys/weight_norm_linear", "keys": list(weight_norm(nn.Linear(5, 4)).state_dict().keys()),
              "params": [k for k, _ in weight_norm(nn.Linear(5, 4)).named_parameters()]})
cases.append({"kind": "keys", "name": "keys/spectral_norm_linear", "keys": list(parametrizations.spectral_norm(nn.Linear(5, 4)).state_dict().keys()),
              "params": [k for k, _ in parametrizations.spectral_norm(nn.Linear(5, 4)).named_parameters()]})

write("losses", cases)
