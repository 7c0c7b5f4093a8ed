"""F.gaussian_nll_loss with var given as a float (PyTorch 2.x accepts one; 1.13 does not).

Run: /usr/bin/python3 tools/refs/gen_gaussian_float_var.py  ->  tests/Flint.Tests/References/gaussian_float_var.json

PyTorch 2.x turns a float var into `var * torch.ones_like(input)` after checking it is not negative ("var has negative
entry/entries", ValueError); 1.13 records the same loss with that tensor passed as var, so each case holds
{"name", "input", "target", "var" (the float), "full", "eps", "reduction", "out", "out_fn", "gin"} with gin the
gradient of input for a loss seeded with ones (sum of out), and error cases {"name", "var", "error", "type"}.
"""
import torch
import torch.nn.functional as F

from common import enc, write

cases = []
G = torch.Generator().manual_seed(55)


def rnd(*s, dtype=torch.float32):
    return (torch.rand(s, generator=G, dtype=torch.float64) * 2 - 1).to(dtype)


for name, shape, var, full, eps, red, dtype in [
    ("mean", (4, 3), 0.5, False, 1e-6, "mean", torch.float32),
    ("sum_full", (5,), 2.0, True, 1e-6, "sum", torch.float32),
    ("none", (2, 3, 2), 1.25, False, 1e-6, "none", torch.float64),
    ("zero_var_clamped", (3, 2), 0.0, False, 1e-3, "mean", torch.float64),
    ("tiny_var_eps", (3,), 1e-8, True, 1e-4, "sum", torch.float32),
    ("empty", (0, 3), 1.0, False, 1e-6, "sum", torch.float32),
]:
    x = rnd(*shape, dtype=dtype).requires_grad_()
    t = rnd(*shape, dtype=dtype)
    out = F.gaussian_nll_loss(x, t, var * torch.ones_like(x), full=full, eps=eps, reduction=red)
    out.sum().backward()
    cases.append({"name": name, "input": enc(x), "target": enc(t), "var": var, "full": full, "eps": eps, "reduction": red,
                  "out": enc(out), "out_fn": out.grad_fn.name(), "gin": enc(x.grad)})

# the negative float is refused before anything else, with the text PyTorch 2.x raises for it
cases.append({"name": "negative", "var": -0.5, "error": "var has negative entry/entries", "type": "ValueError"})

write("gaussian_float_var", cases)
