"""Records PyTorch's meta device: parsing, printing, data-dependent errors and the Quickstart models' runs.

Run: /usr/bin/python3 tools/refs/gen_meta.py  ->  tests/Flint.Tests/References/meta.json
Case kinds:
  - "device": torch.device(spec) on meta: str, type, index (and what a tensor made there reports).
  - "repr": repr of a meta tensor made by a small recipe (shape, dtype, requires_grad, an op for grad_fn).
  - "error": an op that needs values, on meta: PyTorch's error type and message.
  - "model_error": a model or loss given wrong shapes, on the CPU and on meta: Flint raises the CPU's error on
    both (its checks run before any kernel); "meta_1_13" keeps 1.13's meta text where it differs.
  - "model": the Quickstart MLP or CNN on meta: output and loss shape/dtype/grad_fn, then every
    parameter's .grad shape after backward.
PyTorch 1.13 is the recording version. Where 1.13 has no meta kernel and PyTorch 2.x has one, the case
follows 2.x; such cases carry "override" saying what 2.x does and how the value was obtained:
  - Tensor.item(): 2.x registers a meta kernel for _local_scalar_dense that raises
    RuntimeError("Tensor.item() cannot be called on meta tensors"); 1.13 reports a missing kernel.
  - convolution backward: 2.x has a meta kernel (shapes only); 1.13 raises NotImplementedError. The CNN's
    gradient shapes are recorded from the same run on the CPU, which is what 2.x's meta run gives.
Messages of a missing kernel ("Could not run 'aten::nonzero' with arguments from the 'Meta' backend...") are
cut after their first two sentences: the rest lists PyTorch's dispatch keys and build hints.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import common  # noqa: E402

cases = []


def cut(msg):
    msg = msg.split("\n")[0]
    key = "(if using custom build)."
    return msg[: msg.index(key) + len(key)] if key in msg else msg


def error_of(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - we record PyTorch's error text
        return type(e).__name__, cut(str(e))
    raise AssertionError("expected an error")


def devices():
    for spec in ["meta", "meta:0", "meta:1"]:
        d = torch.device(spec)
        cases.append({"kind": "device", "name": "device " + spec, "spec": spec, "str": str(d), "type": d.type,
                      "index": -1 if d.index is None else d.index,
                      "tensor_device": str(torch.empty(2, device=d).device)})
    cases.append({"kind": "device", "name": "equal meta meta:0", "a": "meta", "b": "meta:0",
                  "equal": torch.device("meta") == torch.device("meta:0")})
    msg = error_of(lambda: torch.device("gpu"))
    cases.append({"kind": "device", "name": "unknown type lists meta", "spec": "gpu", "error": msg[1], "type": msg[0]})


# Recipes the C# test rebuilds: make(shape, dtype) on meta, then requires_grad and an op.
REPRS = [
    ("2x3", [2, 3], "float32", False, None),
    ("2x3 int64", [2, 3], "int64", False, None),
    ("2x3 bool", [2, 3], "bool", False, None),
    ("2 float16", [2], "float16", False, None),
    ("2x2 float64", [2, 2], "float64", False, None),
    ("0-dim", [], "float32", False, None),
    ("empty 0", [0], "float32", False, None),
    ("empty 0x3 int32", [0, 3], "int32", False, None),
    ("requires_grad", [2, 3], "float32", True, None),
    ("mul grad_fn", [2, 3], "float32", True, "mul2"),
    ("sum grad_fn", [2, 3], "float32", True, "sum"),
    ("float64 grad_fn", [4], "float64", True, "exp"),
    ("long line wraps", [2, 3, 4, 4], "float64", True, "mul2"),
    ("large", [100000, 100000], "float32", False, None),
]


def recipe(shape, dtype, rg, op):
    t = torch.empty(shape, dtype=getattr(torch, dtype), device="meta")
    if rg:
        t.requires_grad_(True)
    if op == "mul2":
        t = t * 2
    elif op == "sum":
        t = t.sum()
    elif op == "exp":
        t = t.exp()
    return t


def reprs():
    for name, shape, dtype, rg, op in REPRS:
        cases.append({"kind": "repr", "name": "repr " + name, "shape": shape, "dtype": dtype, "requires_grad": rg,
                      "op": op, "repr": repr(recipe(shape, dtype, rg, op))})
    p = nn.Parameter(torch.empty(3, 2, device="meta"))
    cases.append({"kind": "repr", "name": "repr parameter", "shape": [3, 2], "dtype": "float32", "requires_grad": True,
                  "op": "parameter", "repr": repr(p)})


def m(*shape, dtype=torch.float32):
    return torch.empty(shape, dtype=dtype, device="meta")


ERRORS = [
    ("item", lambda: m(1).item()),
    ("item of many", lambda: m(2, 3).item()),
    ("tolist", lambda: m(2, 3).tolist()),
    ("cpu", lambda: m(2, 3).cpu()),
    ("to cpu", lambda: m(2, 3).to("cpu")),
    ("copy_ into cpu", lambda: torch.zeros(2, 3).copy_(m(2, 3))),
    ("numpy", lambda: m(2, 3).numpy()),
    ("nonzero", lambda: torch.nonzero(m(2, 3))),
    ("masked_select", lambda: torch.masked_select(m(2, 3), m(2, 3, dtype=torch.bool))),
    ("bool mask index", lambda: m(2, 3)[m(2, 3, dtype=torch.bool)]),
    ("unique", lambda: torch.unique(m(2, 3))),
    ("add meta cpu", lambda: m(2) + torch.zeros(2)),
    ("add cpu meta", lambda: torch.zeros(2) + m(2)),
    ("add shapes", lambda: m(2) + m(3)),
    ("matmul shapes", lambda: m(2, 3) @ m(4, 5)),
]

OVERRIDES = {
    "item": ("RuntimeError", "Tensor.item() cannot be called on meta tensors",
             "PyTorch 2.x raises this from its meta kernel for _local_scalar_dense; 1.13 has no meta kernel"),
}


def errors():
    for name, fn in ERRORS:
        etype, msg = error_of(fn)
        c = {"kind": "error", "name": "error " + name, "error": msg, "type": etype}
        if name in OVERRIDES:
            c["type"], c["error"], c["override"] = OVERRIDES[name]
            c["torch_1_13"] = msg
        cases.append(c)
    # what works on meta with values nobody reads: a 0-dim CPU tensor mixes with meta, copies into meta are fine
    ok = [("add 0-dim cpu", lambda: m(2) + torch.tensor(1.0)),
          ("0-dim cpu first", lambda: torch.tensor(1.0) * m(2)),
          ("copy_ cpu into meta", lambda: m(2).copy_(torch.zeros(2))),
          ("index_select out of range index", lambda: m(3).index_select(0, torch.tensor([5], device="meta"))),
          ("gather out of range index", lambda: m(3, 4).gather(0, torch.tensor([[5]], device="meta"))),
          ("embedding out of range index", lambda: F.embedding(torch.tensor([7], device="meta"), m(3, 4)))]
    for name, fn in ok:
        r = fn()
        cases.append({"kind": "ok", "name": "ok " + name, "shape": list(r.shape), "dtype": common.DTYPE_NAMES[r.dtype],
                      "device": str(r.device)})


class NeuralNetwork(nn.Module):
    """samples/Quickstart's tutorial network."""

    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                                               nn.Linear(512, 10))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


def conv_net():
    """samples/Quickstart's Models.ConvNet."""
    return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def graph(t):
    """The backward graph's node names, depth first from t.grad_fn (next_functions in order, each node once)."""
    seen, names = set(), []

    def walk(n):
        if n is None or n in seen:
            return
        seen.add(n)
        names.append(n.name())
        for child, _ in n.next_functions:
            walk(child)
    walk(t.grad_fn)
    return names


def run_model(model, device):
    model = model.to(device)
    x = torch.empty(64, 1, 28, 28, device=device) if device == "meta" else torch.rand(64, 1, 28, 28)
    y = torch.empty(64, dtype=torch.long, device=device) if device == "meta" else torch.randint(0, 10, (64,))
    out = model(x)
    loss = F.cross_entropy(out, y)
    rec = {"out": {"shape": list(out.shape), "dtype": common.DTYPE_NAMES[out.dtype], "grad_fn": type(out.grad_fn).__name__},
           "loss": {"shape": list(loss.shape), "dtype": common.DTYPE_NAMES[loss.dtype], "grad_fn": type(loss.grad_fn).__name__}}
    rec["graph"] = graph(loss)
    loss.backward()
    rec["grads"] = [{"name": n, "shape": list(p.grad.shape), "dtype": common.DTYPE_NAMES[p.grad.dtype],
                     "meta": p.grad.is_meta} for n, p in model.named_parameters()]
    return rec


def models():
    torch.manual_seed(0)
    cases.append({"kind": "model", "name": "model mlp", "model": "mlp", **run_model(NeuralNetwork(), "meta")})
    try:
        rec = run_model(conv_net(), "meta")
        override = None
    except NotImplementedError as e:
        # 1.13 has no meta kernel for convolution's backward; 2.x has one. Shapes, dtypes and node names come from
        # the CPU run, the gradients live on meta (2.x).
        rec = run_model(conv_net(), "cpu")
        for g in rec["grads"]:
            g["meta"] = True
        override = ("PyTorch 2.x runs convolution backward on meta; 1.13 raises: " + cut(str(e)),)[0]
    c = {"kind": "model", "name": "model cnn", "model": "cnn", **rec}
    if override:
        c["override"] = override
    cases.append(c)
    # a layer made on meta allocates nothing; to_empty gives it memory of the same shapes, keeping requires_grad
    lin = nn.Linear(100000, 100000, device="meta")
    cases.append({"kind": "layer", "name": "layer linear 100000", "repr": repr(lin.weight), "is_meta": lin.weight.is_meta})
    small = nn.Linear(3, 2, device="meta").to_empty(device="cpu")
    cases.append({"kind": "to_empty", "name": "to_empty linear", "device": str(small.weight.device),
                  "shape": list(small.weight.shape), "requires_grad": small.weight.requires_grad,
                  "is_parameter": isinstance(small.weight, nn.Parameter)})
    bn = nn.BatchNorm2d(3, device="meta")
    cases.append({"kind": "layer", "name": "layer batchnorm2d buffers",
                  "buffers": [{"name": n, "repr": repr(b)} for n, b in bn.named_buffers()]})


MODEL_ERRORS = [
    ("mlp wrong features", lambda dev: NeuralNetwork().to(dev)(torch.empty(4, 1, 27, 28, device=dev))),
    ("cnn wrong channels", lambda dev: conv_net().to(dev)(torch.empty(4, 3, 28, 28, device=dev))),
    ("cross_entropy batch mismatch",
     lambda dev: F.cross_entropy(torch.empty(4, 10, device=dev), torch.empty(5, dtype=torch.long, device=dev))),
]


def model_errors():
    for name, fn in MODEL_ERRORS:
        etype, msg = error_of(lambda: fn("cpu"))
        c = {"kind": "model_error", "name": "model_error " + name, "error": msg, "type": etype}
        meta = error_of(lambda: fn("meta"))[1]
        if meta != msg:
            c["meta_1_13"] = meta
        cases.append(c)


def main():
    devices()
    reprs()
    errors()
    models()
    model_errors()
    common.write("meta", cases)


if __name__ == "__main__":
    main()
