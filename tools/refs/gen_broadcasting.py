"""Reference records for torch.broadcast_shapes, torch.broadcast_tensors and the in-place functional activations
F.relu_, F.elu_, F.leaky_relu_.

Run: /usr/bin/python3 tools/refs/gen_broadcasting.py  ->  tests/Flint.Tests/References/broadcasting.json

Record kinds:
  shapes:   {"name", "shapes": [[int]], "out": [int] | "error"}
  tensors:  {"name", "shapes": [[int]], "outs": [[int]], "grad_fn": [str|null], "grads": [tensor]} | "error": the
            inputs are arange-filled float64 tensors of those shapes, the first requiring grad; grads are of the
            sum of all outputs.
  inplace:  {"name", "fn", "kw", "input": tensor, "out": tensor, "grad_fn"} the op on a clone of a tensor requiring grad.
"""
import torch
import torch.nn.functional as F

from common import enc, record_error, write

cases = []
for name, shapes in [("two", [(2, 1), (3, 1, 4)]), ("scalar", [(), (2, 3)]), ("zero", [(0, 1), (1, 5)]),
                     ("one", [(4,)]), ("none", []), ("mismatch", [(2, 3), (4, 3)]), ("three", [(1,), (2, 1), (1, 1, 3)])]:
    rec = {"kind": "shapes", "name": f"shapes_{name}", "shapes": [list(s) for s in shapes]}
    try:
        rec["out"] = list(torch.broadcast_shapes(*shapes))
    except Exception as e:  # noqa: BLE001
        record_error(rec, e)
    cases.append(rec)

for name, shapes in [("two", [(2, 1), (3,)]), ("same", [(2, 3), (2, 3)]), ("three", [(1, 3), (2, 1), (3,)]),
                     ("mismatch", [(2, 3), (4, 3)])]:
    rec = {"kind": "tensors", "name": f"tensors_{name}", "shapes": [list(s) for s in shapes]}
    ins = [torch.arange(torch.Size(s).numel(), dtype=torch.float64).reshape(s).requires_grad_(i == 0) for i, s in enumerate(shapes)]
    try:
        outs = torch.broadcast_tensors(*ins)
    except Exception as e:  # noqa: BLE001
        record_error(rec, e)
        cases.append(rec)
        continue
    rec["outs"] = [list(o.shape) for o in outs]
    rec["grad_fn"] = [type(o.grad_fn).__name__ if o.grad_fn is not None else None for o in outs]
    sum(o.sum() for o in outs).backward()
    rec["grads"] = [enc(ins[0].grad)]
    cases.append(rec)

x = torch.tensor([-2.0, -0.5, 0.0, 0.5, 3.0], dtype=torch.float64)
for fn, kw in [("relu_", {}), ("elu_", {}), ("elu_", {"alpha": 0.5}), ("leaky_relu_", {}), ("leaky_relu_", {"negative_slope": 0.2})]:
    t = x.clone().requires_grad_().clone()
    out = getattr(F, fn)(t, **kw)
    cases.append({"kind": "inplace", "name": f"{fn}_{len(cases)}", "fn": fn, "kw": kw, "input": enc(x), "out": enc(out),
                  "grad_fn": type(out.grad_fn).__name__, "same": out is t})

write("broadcasting", cases)
