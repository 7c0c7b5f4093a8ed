"""LBFGS state_dict records: a run of step(closure) interrupted, its state_dict, and the steps after it.

Run: /usr/bin/python3 tools/refs/gen_lbfgs_state.py  ->  tests/Flint.Tests/References/lbfgs_state.json

Each case: {"name", "kw", "dtype", "init" (parameter values at the start), "x", "y" (the problem), "before" (the steps before the save),
"state": {"func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad", "prev_loss", "al"}
(PyTorch's state_dict()["state"][0], tensors encoded, None as null), "saved" (parameter values at the save),
"after" (parameter values after each later step), "losses_after"}. The problem is least squares over a (3, 2)
weight and a (2,) bias, so the flat vectors span two parameters of other shapes.
"""
import torch

from common import enc, write

cases = []
G = torch.Generator().manual_seed(97)
X = torch.rand(8, 3, generator=G, dtype=torch.float64) * 2 - 1
Y = torch.rand(8, 2, generator=G, dtype=torch.float64) * 2 - 1
W0 = torch.rand(3, 2, generator=G, dtype=torch.float64) - 0.5
B0 = torch.rand(2, generator=G, dtype=torch.float64) - 0.5


def value(v):
    if isinstance(v, torch.Tensor):
        return enc(v)
    if isinstance(v, list):
        return [value(x) for x in v]
    return v


for kw in [{"max_iter": 2, "history_size": 3}, {"max_iter": 3, "history_size": 2, "line_search_fn": "strong_wolfe"},
           {"lr": 0.3, "max_iter": 1, "history_size": 4}]:
    for dtype in (torch.float64,):  # float32 runs leave each other's path after a step (see LbfgsReferenceTests)
        params = [W0.to(dtype).clone().requires_grad_(), B0.to(dtype).clone().requires_grad_()]
        opt = torch.optim.LBFGS(params, **kw)
        x, y = X.to(dtype), Y.to(dtype) ** 3

        def closure():
            opt.zero_grad()
            loss = ((torch.tanh(x @ params[0] + params[1]) - y) ** 2).mean()
            loss.backward()
            return loss
        rec = {"name": f"{kw} {dtype}".replace("torch.", ""), "kw": kw, "dtype": str(dtype).replace("torch.", ""),
               "init": [enc(p) for p in params], "x": enc(x), "y": enc(y)}
        for _ in range(2):
            opt.step(closure)
        sd = opt.state_dict()
        rec["state"] = {k: value(v) for k, v in sd["state"][0].items()}
        rec["saved"] = [enc(p) for p in params]
        after, losses = [], []
        for _ in range(3):
            losses.append(float(opt.step(closure)))
            after.append([enc(p) for p in params])
        rec["after"], rec["losses_after"] = after, losses
        cases.append(rec)

write("lbfgs_state", cases)
