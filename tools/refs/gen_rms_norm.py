"""Reference records for the fused rms_norm at the sizes its vector kernels run (rows past the vector widths and
the statistics blocks, several rows per thread chunk, inputs with NaN/inf rows, strided inputs, float32/float64).

Run: /usr/bin/python3 tools/refs/gen_rms_norm.py  ->  tests/Flint.Tests/References/rms_norm.json

F.rms_norm is PyTorch 2.4's; 1.13 lacks it, so each record comes from 2.4's composite written out (as in
gen_transformer.py): x.to(opmath) * rsqrt(mean(x^2, dims) + eps), cast back, times the weight. Its grad_fn is
MulBackward0. Record: {"name", "x" (maybe non-contiguous), "w" | null, "ns", "eps" | null, "out", "out_fn",
"gout", "gx", "gw" | null}.
"""
import torch

from common import enc, write

cases = []
G = torch.Generator().manual_seed(2024)


def rnd(*shape, dtype):
    return (torch.rand(tuple(shape), generator=G, dtype=torch.float64) * 4 - 2).to(dtype)


def rms_formula(x, ns, w, eps):
    opmath = torch.float32 if x.dtype in (torch.float16, torch.bfloat16) else x.dtype
    if eps is None:
        eps = torch.finfo(opmath).eps
    dims = tuple(range(x.dim() - len(ns), x.dim()))
    up = x.to(opmath)
    r = torch.rsqrt(up.pow(2).mean(dims, keepdim=True).add_(eps))
    y = up.mul(r).type_as(x)
    return y if w is None else y.mul(w)


def case(name, shape, ns, weight=True, eps=None, dtype=torch.float32, specials=False, transpose=None):
    x = rnd(*shape, dtype=dtype)
    if specials:
        x[0, 1] = float("nan")
        x[1, 2] = float("inf")
    stored = x
    if transpose is not None:
        # the record holds the values for x.transpose(*transpose) stored contiguously: the reader's view is strided
        x = x.transpose(*transpose).contiguous().transpose(*transpose)
    x.requires_grad_()
    w = (rnd(*ns, dtype=dtype) / 2 + 1).requires_grad_() if weight else None
    out = rms_formula(x, ns, w, eps)
    gout = rnd(*out.shape, dtype=dtype)
    out.backward(gout)
    cases.append({"name": name, "x": enc(x, transpose=transpose), "w": None if w is None else enc(w), "ns": list(ns), "eps": eps,
                  "out": enc(out), "out_fn": out.grad_fn.name(), "gout": enc(gout), "gx": enc(x.grad),
                  "gw": None if w is None else enc(w.grad)})


case("f32_6x1029", (6, 1029), [1029])
case("f32_noweight_2x2100", (2, 2100), [2100], weight=False)
case("f32_eps_33x17", (33, 17), [17], eps=1e-3)
case("f32_two_dims", (3, 3, 40), [3, 40])
case("f32_specials", (4, 37), [37], specials=True)
case("f32_transposed", (40, 24), [24], transpose=(0, 1))
case("f64_6x263", (6, 263), [263], dtype=torch.float64)
case("f64_noweight_3x2x65", (3, 2, 65), [2, 65], weight=False, dtype=torch.float64)

write("rms_norm", cases)
