"""Reference records for F.interpolate(mode="area") on 5-D input (adaptive average pooling over the last three dims).

Run: /usr/bin/python3 tools/refs/gen_interpolate_area3d.py  ->  tests/Flint.Tests/References/interpolate_area3d.json

Record: {"name", "x": tensor, "kw", "out", "grad_fn", "gout", "grad"} grad is d(sum(out * gout))/dx.
"""
import torch
import torch.nn.functional as F

from common import enc, write

cases = []
for dt in (torch.float32, torch.float64):
    x0 = torch.sin(torch.arange(240, dtype=torch.float64)).reshape(1, 2, 5, 6, 4).to(dt)
    for name, kw in [("size", {"size": (3, 2, 3)}), ("scale", {"scale_factor": 0.5}), ("up", {"size": (7, 6, 5)}),
                     ("same", {"size": (5, 6, 4)})]:
        x = x0.clone().requires_grad_()
        out = F.interpolate(x, mode="area", **kw)
        gout = torch.cos(torch.arange(out.numel(), dtype=torch.float64)).reshape(out.shape).to(dt)
        (grad,) = torch.autograd.grad(out, [x], gout)
        cases.append({"kind": "area3d", "name": f"{name}/{str(dt)[6:]}", "x": enc(x0),
                      "kw": {k: list(v) if isinstance(v, tuple) else v for k, v in kw.items()}, "out": enc(out),
                      "grad_fn": type(out.grad_fn).__name__, "gout": enc(gout), "grad": enc(grad)})
write("interpolate_area3d", cases)
