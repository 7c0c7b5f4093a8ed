"""Reference data for the activations, channel/alpha dropouts, instance and local response norms, BatchNorm3d
and embedding_bag (the normact area).

Run: /usr/bin/python3 tools/refs/gen_normact.py  ->  tests/Flint.Tests/References/normact.json
Cases (one a line):
  call:   {"kind": "call", "name", "fn", "args": [tensor], "kw": {...}, "seed": int|null, "res": <outcome>,
           "grads": [tensor|null] (the inputs' gradients for the upstream gradient cos(0..n-1) in the result's shape),
           "grad_fn": name}
          fn names a function of the C# table; a seed means torch.manual_seed(seed) right before the call.
  module: {"kind": "module", "name", "module", "kw", "state": {name: tensor}, "train": bool, "steps": [{"args", "res"}],
           "after": {name: tensor}, "repr"} a module built from kw, its state_dict loaded, then run on each step's
           inputs in order (train or eval mode); "after" is its state_dict afterwards.
"""
import math
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from common import REF_DIR, dump, enc, outcome  # noqa: E402

nan, inf = float("nan"), float("inf")
VALS = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 0.25, -0.25, 1.5, -2.5, 2.9, -2.9, 3.0, -3.0, 3.5, -3.5, 6.0,
        -7.3, 10.0, -10.0, 20.0, -20.0, 1e-6, -1e-6, 40.0, -40.0, 100.0, -100.0, 0.1]
INTS = [0, 1, -1, 2, -3, 5, -7, 100]
DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int64, torch.int32, torch.uint8, torch.bool]

FN = {
    "hardswish": lambda a, kw: F.hardswish(a[0]),
    "hardswish_": lambda a, kw: F.hardswish(a[0], inplace=True),
    "hardsigmoid": lambda a, kw: F.hardsigmoid(a[0]),
    "hardsigmoid_": lambda a, kw: F.hardsigmoid(a[0], inplace=True),
    "logsigmoid": lambda a, kw: F.logsigmoid(a[0]),
    "hardshrink": lambda a, kw: F.hardshrink(a[0], **kw),
    "softshrink": lambda a, kw: F.softshrink(a[0], **kw),
    "celu": lambda a, kw: F.celu(a[0], **kw),
    "celu_": lambda a, kw: F.celu(a[0], inplace=True, **kw),
    "threshold": lambda a, kw: F.threshold(a[0], kw["threshold"], kw["value"]),
    "threshold_": lambda a, kw: F.threshold(a[0], kw["threshold"], kw["value"], inplace=True),
    "softsign": lambda a, kw: F.softsign(a[0]),
    "tanhshrink": lambda a, kw: F.tanhshrink(a[0]),
    "softmin": lambda a, kw: F.softmin(a[0], **kw),
    "glu": lambda a, kw: F.glu(a[0], **kw),
    "prelu": lambda a, kw: F.prelu(a[0], a[1]),
    "rrelu": lambda a, kw: F.rrelu(a[0], **kw),
    "rrelu_nonleaf": lambda a, kw: F.rrelu(a[0] * 1.5, inplace=True, **kw),
    "relu6": lambda a, kw: F.relu6(a[0]),
    "selu": lambda a, kw: F.selu(a[0]),
    "softmax2d": lambda a, kw: nn.Softmax2d()(a[0]),
    "hardtanh_layer": lambda a, kw: nn.Hardtanh(**kw)(a[0]),
    "dropout1d": lambda a, kw: F.dropout1d(a[0], **kw),
    "dropout2d": lambda a, kw: F.dropout2d(a[0], **kw),
    "dropout3d": lambda a, kw: F.dropout3d(a[0], **kw),
    "alpha_dropout": lambda a, kw: F.alpha_dropout(a[0], **kw),
    "feature_alpha_dropout": lambda a, kw: F.feature_alpha_dropout(a[0], **kw),
    "instance_norm": lambda a, kw: F.instance_norm(a[0], *[t if t.numel() else None for t in a[1:5]], **kw),
    "local_response_norm": lambda a, kw: F.local_response_norm(a[0], **kw),
    "embedding_bag": lambda a, kw: F.embedding_bag(a[0], a[1], a[2] if len(a) > 2 and a[2].numel() else None,
                                                   per_sample_weights=a[3] if len(a) > 3 else None, **kw),
    "embedding_bag_2d": lambda a, kw: F.embedding_bag(a[0], a[1], per_sample_weights=a[2] if len(a) > 2 else None, **kw),
}
INPLACE = {"hardswish_", "hardsigmoid_", "celu_", "threshold_"}

cases = []


def upstream(y):
    return torch.arange(y.numel(), dtype=torch.float64).cos().to(y.dtype).reshape(y.shape)


# where PyTorch 2.x words an error otherwise than the 1.13 that records (torch/nn/functional.py, torch/nn/modules,
# aten/src/ATen/native/Activation.cpp of 2.x)
OVERRIDES = {
    "prelu/dtype": ("prelu: Type promoting not supported. Got Float and Double", "RuntimeError",
                    "2.x prelu checks the dtypes itself before _prelu_kernel"),
    "softmax2d/2d": ("Softmax2d: expected input to be 3D or 4D, got 2D instead", "AssertionError", "2.x Softmax2d's assertion text"),
    "local_response_norm/2d": ("Expected 3D or higher dimensionality input (got 2 dimensions)", "ValueError",
                               "2.x's f-string (1.13 keeps a line continuation's spaces)"),
    "embedding_bag/weight-1d": ("weight has to be a 2D Tensor, but got Tensor of dimension 1", "ValueError",
                                "2.x embedding_bag checks the weight's rank first"),
    "InstanceNorm1d/bad-features": ("expected input's size at dim=1 to match num_features (4), but got: 3.", "ValueError",
                                    "2.x _InstanceNorm.forward checks the channels of an affine layer"),
}


# node names 2.x gives otherwise: prelu is _prelu_kernel behind a reshape of the weight
GRAD_FN_OVERRIDES = {"prelu": ("PreluKernelBackward0", "2.x's prelu calls _prelu_kernel (PreluKernelBackward0)")}


def freq_grads(args, kw, up):
    """embedding_bag's weight gradient with scale_grad_by_freq: each row's gradient divided by its index's count in the
    input. PyTorch's CPU kernel divides by the count of another index where a repeated index sorts before a single one
    (pytorch/pytorch#190063, fixed by #190264); this is the fixed (and CUDA's) result."""
    w = args[1].clone().requires_grad_(True)
    kw2 = dict(kw, scale_grad_by_freq=False)
    F.embedding_bag(args[0], w, args[2], **kw2).backward(up)
    counts = torch.bincount(args[0].reshape(-1), minlength=w.shape[0]).clamp(min=1).to(w.dtype)
    return w.grad / counts.unsqueeze(1)


def call(name, fn, args, kw=None, seed=None, grad=True, nograd=()):
    kw = kw or {}
    c = {"kind": "call", "name": name, "fn": fn, "args": [enc(a) for a in args], "kw": kw, "seed": seed}
    diff = [a.clone().requires_grad_(True) if grad and a.dtype.is_floating_point and a.numel() > 0 and fn not in INPLACE and i not in nograd
            else a.clone() for i, a in enumerate(args)]
    if fn == "embedding_bag" or fn == "embedding_bag_2d":
        diff[0] = args[0].clone()
    holder = {}

    def run():
        if seed is not None:
            torch.manual_seed(seed)
        y = FN[fn](diff, kw)
        holder["y"] = y
        return y
    print(name, flush=True) if os.environ.get("TRACE") else None
    c["res"] = outcome(run)
    y = holder.get("y")
    if y is not None and y.requires_grad:
        c["grad_fn"] = type(y.grad_fn).__name__
        y.backward(upstream(y))
        c["grads"] = [enc(a.grad) if a.requires_grad and a.grad is not None else None for a in diff]
        if kw.get("scale_grad_by_freq"):
            c["grads"][1] = enc(freq_grads(args, kw, upstream(y)))
            c["override"] = "CPU scale_grad_by_freq used a wrong count (pytorch/pytorch#190063)"
        if fn in GRAD_FN_OVERRIDES:
            c["grad_fn"], c["override"] = GRAD_FN_OVERRIDES[fn]
    if name in OVERRIDES:
        err, ty, why = OVERRIDES[name]
        c["res"] = {"error": err, "type": ty}
        c["override"] = why
    cases.append(c)


def rnd(*shape, dtype=torch.float64, seed=0, scale=2.0):
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(*shape, generator=g, dtype=torch.float64) * 2 - 1).mul(scale).to(dtype)


def vals(dt):
    if dt.is_floating_point:
        return torch.tensor(VALS, dtype=torch.float64).to(dt)
    if dt == torch.bool:
        return torch.tensor([True, False, True])
    return torch.tensor(INTS, dtype=torch.int64).to(dt)


# ---------------------------------------------------------------- elementwise activations, every dtype
ELEMENTWISE = [("hardswish", {}), ("hardsigmoid", {}), ("logsigmoid", {}), ("hardshrink", {}), ("hardshrink", {"lambd": 2.0}),
               ("softshrink", {}), ("softshrink", {"lambd": 3.0}), ("celu", {}), ("celu", {"alpha": 0.5}),
               ("threshold", {"threshold": 0.5, "value": -4.0}), ("threshold", {"threshold": -1.0, "value": 2.0}),
               ("softsign", {}), ("tanhshrink", {})]
for fn, kw in ELEMENTWISE:
    tag = fn + "".join(f",{k}={v}" for k, v in kw.items())
    for dt in DTYPES:
        # (the composites' half-precision gradients round as PyTorch's fused tanh/abs backward kernels do not)
        call(f"{tag}/{str(dt)[6:]}", fn, [vals(dt)], kw,
             grad=dt.is_floating_point and (dt in (torch.float32, torch.float64) or fn not in ("softsign", "tanhshrink")))
    call(f"{tag}/float64-2d", fn, [rnd(3, 5, scale=5.0)], kw)
    call(f"{tag}/float32-big", fn, [rnd(67, dtype=torch.float32, seed=1, scale=6.0)], kw)
    call(f"{tag}/float32-transposed", fn, [rnd(4, 6, dtype=torch.float32, seed=2, scale=5.0).t()], kw)
for fn, kw in [("hardswish_", {}), ("hardsigmoid_", {}), ("celu_", {"alpha": 2.0}), ("threshold_", {"threshold": 0.0, "value": 9.0})]:
    for dt in (torch.float32, torch.float64, torch.bfloat16, torch.int64):
        call(f"{fn}/{str(dt)[6:]}", fn, [vals(dt)], kw, grad=False)
call("softshrink/negative-lambd", "softshrink", [vals(torch.float32)], {"lambd": -0.5})
call("celu/alpha0", "celu", [vals(torch.float32)], {"alpha": 0.0})

# ---------------------------------------------------------------- softmin, glu, prelu, rrelu, softmax2d, relu6, selu, hardtanh
for dt in (torch.float32, torch.float64):
    x = rnd(2, 3, 4, dtype=dt, seed=3)
    call(f"softmin/dim1/{str(dt)[6:]}", "softmin", [x], {"dim": 1})
    call(f"softmin/dim-1/{str(dt)[6:]}", "softmin", [x], {"dim": -1})
    call(f"softmin/dim0/{str(dt)[6:]}", "softmin", [x], {"dim": 0})
    call(f"glu/{str(dt)[6:]}", "glu", [rnd(2, 4, 3, dtype=dt, seed=4)], {"dim": 1})
    call(f"glu/last/{str(dt)[6:]}", "glu", [rnd(3, 6, dtype=dt, seed=5)])
    call(f"prelu/one/{str(dt)[6:]}", "prelu", [rnd(2, 3, 4, dtype=dt, seed=6), torch.tensor([0.25], dtype=dt)])
    call(f"prelu/channels/{str(dt)[6:]}", "prelu", [rnd(2, 3, 4, dtype=dt, seed=7), torch.tensor([0.1, -0.2, 0.3], dtype=dt)])
    call(f"prelu/1d/{str(dt)[6:]}", "prelu", [rnd(5, dtype=dt, seed=8), torch.tensor(0.3, dtype=dt)])
    call(f"rrelu/eval/{str(dt)[6:]}", "rrelu", [rnd(3, 7, dtype=dt, seed=9)])
    call(f"rrelu/eval-bounds/{str(dt)[6:]}", "rrelu", [rnd(3, 7, dtype=dt, seed=9)], {"lower": 0.1, "upper": 0.5})
    call(f"rrelu/train/{str(dt)[6:]}", "rrelu", [rnd(4, 9, dtype=dt, seed=10)], {"training": True}, seed=11)
    call(f"rrelu/train-bounds/{str(dt)[6:]}", "rrelu", [rnd(40, dtype=dt, seed=12)], {"lower": 0.2, "upper": 0.9, "training": True}, seed=13)
    call(f"softmax2d/{str(dt)[6:]}", "softmax2d", [rnd(2, 3, 2, 2, dtype=dt, seed=14)])
    call(f"softmax2d/3d/{str(dt)[6:]}", "softmax2d", [rnd(3, 2, 2, dtype=dt, seed=15)])
    call(f"relu6/{str(dt)[6:]}", "relu6", [vals(dt)])
    call(f"selu/{str(dt)[6:]}", "selu", [vals(dt)])
    call(f"hardtanh_layer/{str(dt)[6:]}", "hardtanh_layer", [vals(dt)], {"min_val": -2.0, "max_val": 3.0})
call("rrelu/inplace-train", "rrelu_nonleaf", [rnd(3, 7, dtype=torch.float32, seed=17)], {"training": True}, seed=18)
call("rrelu/inplace-eval", "rrelu_nonleaf", [rnd(3, 7, dtype=torch.float64, seed=17)], {"lower": 0.2, "upper": 0.4})
call("softmin/implicit-dim", "softmin", [rnd(2, 3, dtype=torch.float32, seed=16)])
call("softmin/implicit-dim-3d", "softmin", [rnd(2, 3, 2, dtype=torch.float32, seed=16)])
for dt in (torch.float16, torch.bfloat16, torch.int64):
    call(f"glu/{str(dt)[6:]}", "glu", [rnd(2, 4, dtype=torch.float64, seed=4).to(dt)], {"dim": 1})
    call(f"prelu/{str(dt)[6:]}", "prelu", [rnd(2, 3, dtype=torch.float64, seed=6).to(dt), torch.tensor([0.25]).to(dt)])
call("glu/odd", "glu", [rnd(3, 3, seed=1)], {"dim": 1})
call("glu/scalar", "glu", [torch.tensor(1.0)], {"dim": 0})
call("glu/dim-out-of-range", "glu", [rnd(3, 4, seed=1)], {"dim": 2})
call("prelu/mismatch", "prelu", [rnd(2, 3, 4, seed=1), torch.tensor([0.1, 0.2], dtype=torch.float64)])
call("prelu/dtype", "prelu", [rnd(2, 3, seed=1, dtype=torch.float32), torch.tensor([0.1], dtype=torch.float64)])
call("softmax2d/2d", "softmax2d", [rnd(3, 2, seed=1)])

# ---------------------------------------------------------------- dropouts (masks from the default generator)
for dt in (torch.float32, torch.float64):
    s = str(dt)[6:]
    call(f"dropout1d/{s}", "dropout1d", [rnd(4, 5, 3, dtype=dt, seed=20)], {"p": 0.4}, seed=21)
    call(f"dropout1d/unbatched/{s}", "dropout1d", [rnd(6, 3, dtype=dt, seed=20)], {"p": 0.5}, seed=22)
    call(f"dropout2d/{s}", "dropout2d", [rnd(3, 4, 2, 2, dtype=dt, seed=23)], {"p": 0.3}, seed=24)
    call(f"dropout3d/{s}", "dropout3d", [rnd(2, 4, 2, 2, 2, dtype=dt, seed=25)], {"p": 0.6}, seed=26)
    call(f"dropout3d/unbatched/{s}", "dropout3d", [rnd(5, 2, 1, 2, dtype=dt, seed=25)], {"p": 0.5}, seed=27)
    call(f"alpha_dropout/{s}", "alpha_dropout", [rnd(50, dtype=dt, seed=28)], {"p": 0.3, "training": True}, seed=29)
    call(f"alpha_dropout/eval/{s}", "alpha_dropout", [rnd(5, dtype=dt, seed=28)], {"p": 0.3}, seed=29)
    call(f"feature_alpha_dropout/{s}", "feature_alpha_dropout", [rnd(4, 6, 3, dtype=dt, seed=30)], {"p": 0.5, "training": True}, seed=31)
    call(f"dropout2d/p1/{s}", "dropout2d", [rnd(2, 3, 2, dtype=dt, seed=23)], {"p": 1.0}, seed=24)
    call(f"alpha_dropout/p1/{s}", "alpha_dropout", [rnd(5, dtype=dt, seed=28)], {"p": 1.0, "training": True}, seed=29)
    call(f"dropout2d/eval/{s}", "dropout2d", [rnd(2, 3, 2, dtype=dt, seed=23)], {"p": 0.5, "training": False}, seed=24)
call("dropout1d/4d", "dropout1d", [rnd(2, 3, 2, 2, seed=1)], {"p": 0.5}, seed=1)
call("dropout1d/bad-p", "dropout1d", [rnd(2, 3, seed=1)], {"p": 1.5}, seed=1)
call("alpha_dropout/bad-p", "alpha_dropout", [rnd(2, 3, seed=1)], {"p": -0.1, "training": True}, seed=1)
call("feature_alpha_dropout/1d", "feature_alpha_dropout", [rnd(5, seed=1)], {"p": 0.5, "training": True}, seed=1)

# ---------------------------------------------------------------- instance norm, local response norm
E = torch.empty(0)
for dt in (torch.float32, torch.float64):
    s = str(dt)[6:]
    x = rnd(2, 3, 5, dtype=dt, seed=40)
    w, b = rnd(3, dtype=dt, seed=41), rnd(3, dtype=dt, seed=42)
    rm, rv = rnd(3, dtype=dt, seed=43), rnd(3, dtype=dt, seed=44).abs() + 0.5
    call(f"instance_norm/{s}", "instance_norm", [x])
    call(f"instance_norm/affine/{s}", "instance_norm", [x, E.to(dt), E.to(dt), w, b])
    call(f"instance_norm/2d/{s}", "instance_norm", [rnd(2, 3, 3, 4, dtype=dt, seed=45), E.to(dt), E.to(dt), w, b], {"eps": 1e-3})
    call(f"instance_norm/3d/{s}", "instance_norm", [rnd(2, 3, 2, 3, 2, dtype=dt, seed=46)])
    call(f"instance_norm/running/{s}", "instance_norm", [x, rm, rv, w, b], {"momentum": 0.2}, nograd=(1, 2))
    call(f"instance_norm/eval/{s}", "instance_norm", [x, rm, rv, w, b], {"use_input_stats": False}, nograd=(1, 2))
    for size, kw in [(2, {}), (3, {"alpha": 1e-2, "beta": 0.5, "k": 2.0}), (5, {"alpha": 0.5})]:
        call(f"local_response_norm/3d/size{size}/{s}", "local_response_norm", [rnd(2, 6, 4, dtype=dt, seed=47)], {"size": size, **kw})
        call(f"local_response_norm/4d/size{size}/{s}", "local_response_norm", [rnd(2, 5, 3, 2, dtype=dt, seed=48)], {"size": size, **kw})
    call(f"local_response_norm/5d/{s}", "local_response_norm", [rnd(2, 4, 2, 2, 2, dtype=dt, seed=49)], {"size": 3})
call("instance_norm/one-spatial", "instance_norm", [rnd(2, 3, 1, seed=1)])
call("instance_norm/eval-no-stats", "instance_norm", [rnd(2, 3, 4, seed=1)], {"use_input_stats": False})
call("instance_norm/int", "instance_norm", [torch.ones(2, 3, 4, dtype=torch.int64)])
call("local_response_norm/2d", "local_response_norm", [rnd(2, 3, seed=1)], {"size": 2})

# ---------------------------------------------------------------- embedding_bag
W = rnd(6, 3, seed=50)
IDX = torch.tensor([1, 2, 4, 4, 3, 0, 5, 2])
OFF = torch.tensor([0, 2, 2, 5])
PSW = rnd(8, seed=51)
for dt in (torch.float32, torch.float64):
    s = str(dt)[6:]
    w = W.to(dt)
    for mode in ("sum", "mean", "max"):
        call(f"embedding_bag/{mode}/{s}", "embedding_bag", [IDX, w, OFF], {"mode": mode})
        call(f"embedding_bag/{mode}/pad/{s}", "embedding_bag", [IDX, w, OFF], {"mode": mode, "padding_idx": 4})
        call(f"embedding_bag/{mode}/last-offset/{s}", "embedding_bag", [IDX, w, torch.tensor([0, 3, 3, 8])], {"mode": mode, "include_last_offset": True})
        call(f"embedding_bag/{mode}/2d/{s}", "embedding_bag_2d", [IDX.reshape(2, 4), w], {"mode": mode})
    call(f"embedding_bag/psw/{s}", "embedding_bag", [IDX, w, OFF, PSW.to(dt)], {"mode": "sum"})
    call(f"embedding_bag/psw-pad/{s}", "embedding_bag", [IDX, w, OFF, PSW.to(dt)], {"mode": "sum", "padding_idx": 2})
    call(f"embedding_bag/psw-2d/{s}", "embedding_bag_2d", [IDX.reshape(4, 2), w, PSW.to(dt).reshape(4, 2)], {"mode": "sum"})
    call(f"embedding_bag/freq/{s}", "embedding_bag", [IDX, w, OFF], {"mode": "mean", "scale_grad_by_freq": True})
    call(f"embedding_bag/freq-sum/{s}", "embedding_bag", [IDX, w, OFF], {"mode": "sum", "scale_grad_by_freq": True})
    call(f"embedding_bag/max_norm/{s}", "embedding_bag", [IDX, w * 3, OFF], {"mode": "sum", "max_norm": 1.5})
    call(f"embedding_bag/int32/{s}", "embedding_bag", [IDX.int(), w, OFF.int()], {"mode": "mean"})
call("embedding_bag/float16", "embedding_bag", [IDX, W.half(), OFF], {"mode": "sum"}, grad=False)
call("embedding_bag/float-indices", "embedding_bag", [IDX.float(), W, OFF])
call("embedding_bag/long-weight", "embedding_bag", [IDX, W.long(), OFF])
call("embedding_bag/bad-offset0", "embedding_bag", [IDX, W, torch.tensor([1, 2])])
call("embedding_bag/bad-offset-last", "embedding_bag", [IDX, W, torch.tensor([0, 9])])
call("embedding_bag/bad-index", "embedding_bag", [torch.tensor([1, 7]), W, torch.tensor([0])])
call("embedding_bag/bad-pad", "embedding_bag", [IDX, W, OFF], {"padding_idx": 6})
call("embedding_bag/bad-pad-neg", "embedding_bag", [IDX, W, OFF], {"padding_idx": -7})
call("embedding_bag/psw-max", "embedding_bag", [IDX, W, OFF, PSW], {"mode": "max"})
call("embedding_bag/psw-dtype", "embedding_bag", [IDX, W, OFF, PSW.float()], {"mode": "sum"})
call("embedding_bag/psw-shape", "embedding_bag", [IDX, W, OFF, PSW[:5]], {"mode": "sum"})
call("embedding_bag/bad-mode", "embedding_bag", [IDX, W, OFF], {"mode": "median"})
call("embedding_bag/max-freq", "embedding_bag", [IDX, W, OFF], {"mode": "max", "scale_grad_by_freq": True})
call("embedding_bag/no-offsets", "embedding_bag", [IDX, W, E.long()])
call("embedding_bag/3d", "embedding_bag_2d", [IDX.reshape(2, 2, 2), W])
call("embedding_bag/weight-1d", "embedding_bag", [IDX, W[0], OFF])


# ---------------------------------------------------------------- modules: PyTorch's state_dict loaded, outputs compared
def module(name, build, kw, steps, train, prepare=None, seed=None):
    torch.manual_seed(0)
    m = build()
    if prepare is not None:
        prepare(m)
    state = {k: enc(v) for k, v in m.state_dict().items()}
    m.train(train)
    out = []
    for args in steps:
        args = args if isinstance(args, list) else [args]
        if seed is not None:
            torch.manual_seed(seed)
        out.append({"args": [enc(a) for a in args], "res": outcome(lambda: m(*args))})
    c = {"kind": "module", "name": name, "module": name.split("/")[0], "kw": kw, "state": state, "train": train,
                  "seed": seed, "steps": out, "after": {k: enc(v) for k, v in m.state_dict().items()}, "repr": repr(m)}
    if name in OVERRIDES:
        err, ty, why = OVERRIDES[name]
        c["steps"][0]["res"] = {"error": err, "type": ty}
        c["override"] = why
    cases.append(c)


def perturb(m):
    with torch.no_grad():
        for i, (_, p) in enumerate(sorted(m.state_dict().items())):
            if p.dtype.is_floating_point:
                p.copy_(rnd(*p.shape, dtype=p.dtype, seed=60 + i) + (1.0 if "var" in _ else 0.0))


X3 = [rnd(2, 3, 5, seed=61, dtype=torch.float32), rnd(2, 3, 5, seed=62, dtype=torch.float32)]
for train in (True, False):
    t = "train" if train else "eval"
    module(f"InstanceNorm1d/affine-tracked/{t}", lambda: nn.InstanceNorm1d(3, affine=True, track_running_stats=True),
           {"num_features": 3, "affine": True, "track_running_stats": True}, X3 + [rnd(3, 5, seed=63, dtype=torch.float32)], train, perturb)
    module(f"InstanceNorm2d/affine-tracked/{t}", lambda: nn.InstanceNorm2d(3, affine=True, track_running_stats=True, momentum=0.3),
           {"num_features": 3, "affine": True, "track_running_stats": True, "momentum": 0.3},
           [rnd(2, 3, 2, 3, seed=64, dtype=torch.float32)], train, perturb)
    module(f"InstanceNorm3d/plain/{t}", lambda: nn.InstanceNorm3d(2), {"num_features": 2},
           [rnd(2, 2, 2, 2, 3, seed=65, dtype=torch.float32), rnd(2, 2, 2, 3, seed=66, dtype=torch.float32)], train)
    module(f"BatchNorm3d/{t}", lambda: nn.BatchNorm3d(3), {"num_features": 3},
           [rnd(2, 3, 2, 2, 2, seed=67, dtype=torch.float32), rnd(2, 3, 1, 2, 2, seed=68, dtype=torch.float32)], train, perturb)
module("InstanceNorm1d/bad-dim", lambda: nn.InstanceNorm1d(3), {"num_features": 3}, [rnd(2, 3, 4, 5, seed=1, dtype=torch.float32)], True)
module("InstanceNorm1d/bad-features", lambda: nn.InstanceNorm1d(4, affine=True), {"num_features": 4, "affine": True},
       [rnd(2, 3, 5, seed=1, dtype=torch.float32)], True)
module("BatchNorm3d/bad-dim", lambda: nn.BatchNorm3d(3), {"num_features": 3}, [rnd(2, 3, 4, 5, seed=1, dtype=torch.float32)], True)
module("PReLU/one", lambda: nn.PReLU(), {}, [rnd(2, 3, 4, seed=69, dtype=torch.float32)], True, perturb)
module("PReLU/channels", lambda: nn.PReLU(3, 0.1), {"num_parameters": 3, "init": 0.1}, [rnd(2, 3, 4, seed=70, dtype=torch.float32)], True, perturb)
module("PReLU/default-init", lambda: nn.PReLU(2), {"num_parameters": 2}, [rnd(4, 2, seed=71, dtype=torch.float32)], True)
module("EmbeddingBag/mean", lambda: nn.EmbeddingBag(6, 3), {"num_embeddings": 6, "embedding_dim": 3},
       [[IDX, OFF], [IDX.reshape(2, 4)]], True, perturb)
module("EmbeddingBag/max-pad", lambda: nn.EmbeddingBag(6, 3, mode="max", padding_idx=2),
       {"num_embeddings": 6, "embedding_dim": 3, "mode": "max", "padding_idx": 2}, [[IDX, OFF]], True, perturb)
module("EmbeddingBag/sum-psw", lambda: nn.EmbeddingBag(6, 3, mode="sum", include_last_offset=True),
       {"num_embeddings": 6, "embedding_dim": 3, "mode": "sum", "include_last_offset": True},
       [[IDX, torch.tensor([0, 3, 8]), PSW.float()]], True, perturb)
module("Dropout1d/train", lambda: nn.Dropout1d(0.4), {"p": 0.4}, [rnd(3, 4, 5, seed=72, dtype=torch.float32)], True, seed=5)
module("Dropout2d/train", lambda: nn.Dropout2d(0.4), {"p": 0.4}, [rnd(3, 4, 2, 2, seed=73, dtype=torch.float32)], True, seed=6)
module("Dropout3d/train", lambda: nn.Dropout3d(0.4), {"p": 0.4}, [rnd(3, 4, 2, 2, 1, seed=74, dtype=torch.float32)], True, seed=7)
module("AlphaDropout/train", lambda: nn.AlphaDropout(0.2), {"p": 0.2}, [rnd(3, 8, seed=75, dtype=torch.float32)], True, seed=8)
module("FeatureAlphaDropout/train", lambda: nn.FeatureAlphaDropout(0.2), {"p": 0.2}, [rnd(3, 8, 2, seed=76, dtype=torch.float32)], True, seed=9)
module("Dropout2d/eval", lambda: nn.Dropout2d(0.4), {"p": 0.4}, [rnd(3, 4, 2, 2, seed=73, dtype=torch.float32)], False, seed=6)
module("RReLU/train", lambda: nn.RReLU(0.1, 0.3), {"lower": 0.1, "upper": 0.3}, [rnd(3, 8, seed=77, dtype=torch.float32)], True, seed=10)
module("RReLU/eval", lambda: nn.RReLU(), {}, [rnd(3, 8, seed=77, dtype=torch.float32)], False, seed=10)
module("LocalResponseNorm/3", lambda: nn.LocalResponseNorm(3, 1e-2, 0.5, 2.0), {"size": 3, "alpha": 1e-2, "beta": 0.5, "k": 2.0},
       [rnd(2, 5, 3, 3, seed=78, dtype=torch.float32)], True)
for nm, build, kw in [("ReLU6", nn.ReLU6, {}), ("SELU", nn.SELU, {}), ("CELU", lambda: nn.CELU(0.5), {"alpha": 0.5}),
                      ("GLU", lambda: nn.GLU(1), {"dim": 1}), ("Hardswish", nn.Hardswish, {}), ("Hardsigmoid", nn.Hardsigmoid, {}),
                      ("Hardtanh", lambda: nn.Hardtanh(-0.5, 0.5), {"min_val": -0.5, "max_val": 0.5}), ("LogSigmoid", nn.LogSigmoid, {}),
                      ("Softsign", nn.Softsign, {}), ("Softmin", lambda: nn.Softmin(1), {"dim": 1}), ("Tanhshrink", nn.Tanhshrink, {}),
                      ("Threshold", lambda: nn.Threshold(0.1, 20.0), {"threshold": 0.1, "value": 20.0}),
                      ("Hardshrink", lambda: nn.Hardshrink(0.7), {"lambd": 0.7}), ("Softshrink", lambda: nn.Softshrink(0.7), {"lambd": 0.7}),
                      ("Softmax2d", nn.Softmax2d, {})]:
    module(f"{nm}/layer", build, kw, [rnd(2, 4, 3, 2, seed=79, dtype=torch.float32) * 4], True)

with open(os.path.join(REF_DIR, "normact.json"), "w") as f:
    dump({"cases": cases}, f)
print(len(cases), "cases")
