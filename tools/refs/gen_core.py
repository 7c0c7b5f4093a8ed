"""Reference data for the core tensor: creation, views (with strides and storage offsets), dtype conversions,
copy_/fill_/clone/contiguous, item/tolist, sizes and dims. Replayed by tests/Flint.Tests/Core/CoreReferenceTests.cs.

Every case is {"name", "op", "args", outcome}. Inputs of view ops are described as {"base": <1-D tensor>,
"size", "stride", "offset"}: both sides build base.as_strided(size, stride, offset), so strides and storage
offsets are comparable. View outcomes are {"out": {"views": [{"t": <tensor>, "stride", "offset",
"contiguous", "shares"}]}} ("shares": the result uses the input's storage).

Conversion values are PyTorch's results on this x86-64 (AVX2) build; casts whose C++ behaviour is undefined
(NaN, infinity or out-of-range floats to integers) record what this build prints: see the "ub" flag.
Run: /usr/bin/python3 tools/refs/gen_core.py
"""
import math
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
from common import DTYPE_NAMES, enc, enc_scalar, write  # noqa: E402

warnings.filterwarnings("ignore")
torch.manual_seed(0)

ALL = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.float16, torch.float32,
       torch.float64, torch.bool, torch.bfloat16]
INTS = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]
cases = []


def err(e):
    return {"error": str(e).split("\n")[0], "type": type(e).__name__}


def pyval(v):
    """Python values (nested lists of numbers) in a JSON-safe form."""
    if isinstance(v, (list, tuple)):
        return [pyval(x) for x in v]
    if isinstance(v, float):
        return enc_scalar(v)
    return v


def add(name, op, fn, **args):
    c = {"name": name, "op": op, "args": args}
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001 - PyTorch's error text is the reference
        c.update(err(e))
    else:
        if isinstance(r, torch.Tensor):
            c["out"] = enc(r)
            c["stride"] = list(r.stride())
            c["requires_grad"] = r.requires_grad
        elif isinstance(r, (list, tuple)) and r and all(isinstance(x, torch.Tensor) for x in r):
            c["out"] = [enc(x) for x in r]
        else:
            c["out"] = {"py": pyval(r)}
    cases.append(c)
    return c


def dt(d):
    return DTYPE_NAMES[d]


# ------------------------------------------------------------------ creation
for v in [1.5, -0.0, 2.0, 7, -3, 0, True, False]:
    add(f"tensor({v!r})", "tensor_scalar", lambda v=v: torch.tensor(v), value=pyval(v))
for v, d in [(2.7, torch.int64), (-2.7, torch.int32), (3, torch.float16), (True, torch.float32), (0.1, torch.float64),
             (0.1, torch.bfloat16), (300, torch.uint8), (-1, torch.uint8), (-256, torch.uint8), (200, torch.int8),
             (float("nan"), torch.int32), (float("inf"), torch.int64), (1e300, torch.float16), (1e300, torch.float32),
             (5, torch.bool), (0.0, torch.bool), (2.5, torch.bool), (2 ** 40, torch.int32), (-129, torch.int8)]:
    add(f"tensor({v!r}, dtype={dt(d)})", "tensor_scalar", lambda v=v, d=d: torch.tensor(v, dtype=d), value=pyval(v), dtype=dt(d))

# typed 1-D arrays: the C# array's element type is the dtype (as numpy arrays in PyTorch)
ARR = {
    torch.uint8: [0, 1, 127, 128, 255], torch.int8: [-128, -1, 0, 1, 127],
    torch.int16: [-32768, -1, 0, 32767], torch.int32: [-2 ** 31, -1, 0, 2 ** 31 - 1],
    torch.int64: [-2 ** 63, -1, 0, 2 ** 63 - 1], torch.float16: [0.5, -0.0, 65504.0, 6e-08, float("inf")],
    torch.float32: [0.1, -0.0, 3.4e38, 1e-45, float("nan")], torch.float64: [0.1, -0.0, 1e300, 5e-324, float("-inf")],
    torch.bool: [True, False, True], torch.bfloat16: [0.1, -0.0, 3.0e38, float("nan")],
}
for d, vals in ARR.items():
    add(f"tensor(T[] {dt(d)})", "tensor_array", lambda d=d, vals=vals: torch.tensor(vals, dtype=d), data=pyval(vals), elem=dt(d))
    add(f"tensor(T[0] {dt(d)})", "tensor_array", lambda d=d: torch.tensor([], dtype=d), data=[], elem=dt(d))
for d in [torch.float64, torch.int32, torch.bool, torch.float32]:
    base = [[1, 0, 3], [4, 5, 0]]
    add(f"tensor(T[,] {dt(d)})", "tensor_array", lambda d=d, b=base: torch.tensor(b, dtype=d), data=base, elem=dt(d), kind="rect")
    b3 = [[[1, 2], [3, 0]], [[5, 6], [0, 8]], [[9, 10], [11, 12]]]
    add(f"tensor(T[,,] {dt(d)})", "tensor_array", lambda d=d, b=b3: torch.tensor(b3, dtype=d), data=b3, elem=dt(d), kind="rect")
    add(f"tensor(T[][] {dt(d)})", "tensor_array", lambda d=d, b=base: torch.tensor(b, dtype=d), data=base, elem=dt(d), kind="jagged")
    add(f"tensor(T[][][] {dt(d)})", "tensor_array", lambda d=d, b=b3: torch.tensor(b3, dtype=d), data=b3, elem=dt(d), kind="jagged")
for data in [[[]], [[], []], [[[]]], [[[1], [2]], [[3], [4]]]]:
    add(f"tensor(jagged {data})", "tensor_array", lambda data=data: torch.tensor(data, dtype=torch.int64), data=data, elem="int64", kind="jagged")
add("tensor(T[0,3])", "tensor_array", lambda: torch.zeros(0, 3, dtype=torch.float64), data=[0, 3], elem="float64", kind="rect_empty")
for data in [[[1, 2, 3], [4, 5]], [[[1, 2]], [[3, 4], [5, 6]]], [[[1, 2], [3, 4]], [[5, 6], [7]]], [[1], [2, 3]],
             [[[1, 2], [3, 4]], [[5, 6, 7], [8, 9, 10]]]]:
    add(f"tensor(ragged {data})", "tensor_array", lambda data=data: torch.tensor(data), data=data, elem="int64", kind="jagged")
# an array argument with a dtype converts like numpy arrays do (a cast, no overflow check)
add("tensor(long[], dtype=uint8)", "tensor_array", lambda: torch.tensor([300, -1, 255]).to(torch.uint8),
    data=[300, -1, 255], elem="int64", dtype="uint8")
add("tensor(double[], dtype=int32)", "tensor_array", lambda: torch.tensor([2.7, -2.7, 0.5], dtype=torch.float64).to(torch.int32),
    data=[2.7, -2.7, 0.5], elem="float64", dtype="int32")

SHAPES = [[], [0], [3], [2, 3], [2, 0, 3], [1, 1, 1]]
for shape in SHAPES:
    for d in [None, torch.float64, torch.int32, torch.bool, torch.float16, torch.bfloat16, torch.uint8]:
        kw = {} if d is None else {"dtype": dt(d)}
        kwt = {} if d is None else {"dtype": d}
        add(f"zeros({shape}, {d})", "zeros", lambda s=shape, k=kwt: torch.zeros(s, **k), size=shape, **kw)
        add(f"ones({shape}, {d})", "ones", lambda s=shape, k=kwt: torch.ones(s, **k), size=shape, **kw)
        add(f"empty({shape}, {d})", "empty", lambda s=shape, k=kwt: torch.zeros(s, **k), size=shape, **kw)
for shape in [[-1], [2, -3], [0, -1, 2]]:
    for op, fn in [("zeros", torch.zeros), ("ones", torch.ones), ("empty", torch.empty)]:
        add(f"{op}({shape})", op, lambda s=shape, fn=fn: fn(s), size=shape)
    add(f"full({shape})", "full", lambda s=shape: torch.full(s, 1.0), size=shape, value=enc_scalar(1.0))
for v in [1.5, 7, True, False, -0.0, float("nan"), float("inf"), 0, 2 ** 40]:
    add(f"full({v!r})", "full", lambda v=v: torch.full((2, 2), v), size=[2, 2], value=enc_scalar(v))
for v, d in [(1.7, torch.int64), (-1.7, torch.int8), (-1, torch.uint8), (-255, torch.uint8), (-256, torch.uint8),
             (256, torch.uint8), (128, torch.int8), (-129, torch.int8), (1e20, torch.int32), (float("nan"), torch.int32),
             (float("inf"), torch.int64), (float("-inf"), torch.float16), (65504.0, torch.float16), (65505.0, torch.float16),
             (70000, torch.float16), (1e300, torch.float32), (1e300, torch.float64), (3.4e38, torch.bfloat16),
             (3.4e38, torch.float32), (1e39, torch.bfloat16), (float("nan"), torch.bfloat16), (5, torch.bool),
             (0.5, torch.bool), (2 ** 63 - 1, torch.float32), (2 ** 31, torch.int32), (2 ** 31 - 1, torch.int32),
             (-2 ** 63, torch.int64), (32768, torch.int16), (True, torch.int32), (9.3e18, torch.int64)]:
    add(f"full({v!r}, {dt(d)})", "full", lambda v=v, d=d: torch.full((3,), v, dtype=d), size=[3], value=enc_scalar(v), dtype=dt(d))
for d in [torch.int64, torch.int32, torch.uint8, torch.bool]:
    for op, fn in [("zeros", torch.zeros), ("ones", torch.ones), ("full", None)]:
        f = (lambda d=d, fn=fn: fn(2, dtype=d, requires_grad=True)) if fn else (lambda d=d: torch.full((2,), 1, dtype=d, requires_grad=True))
        a = {"size": [2], "dtype": dt(d), "requires_grad": True}
        if fn is None:
            a["value"] = enc_scalar(1)
        add(f"{op}(requires_grad, {dt(d)})", op, f, **a)
for d in [torch.float32, torch.float16, torch.float64, torch.bfloat16]:
    add(f"zeros(requires_grad, {dt(d)})", "zeros", lambda d=d: torch.zeros(2, dtype=d, requires_grad=True), size=[2], dtype=dt(d), requires_grad=True)
add("tensor(2, requires_grad, int)", "tensor_scalar", lambda: torch.tensor(2, requires_grad=True), value=2, requires_grad=True)
add("arange(3, requires_grad, int)", "arange", lambda: torch.arange(3, requires_grad=True), args=[enc_scalar(3)], requires_grad=True)
add("arange(3., requires_grad)", "arange", lambda: torch.arange(3., requires_grad=True), args=[enc_scalar(3.0)], requires_grad=True)

# *_like keep the input's dtype (and device); a dtype argument overrides it
LIKE_IN = [torch.tensor([[1, 2, 3], [4, 5, 6]], dtype=torch.float16), torch.tensor([1, -2], dtype=torch.int8),
           torch.tensor(True), torch.zeros(0, 2, dtype=torch.int64), torch.tensor([1.5], dtype=torch.float64)]
for x in LIKE_IN:
    ex = enc(x)
    add(f"zeros_like({dt(x.dtype)} {list(x.shape)})", "zeros_like", lambda x=x: torch.zeros_like(x), x=ex)
    add(f"ones_like({dt(x.dtype)} {list(x.shape)})", "ones_like", lambda x=x: torch.ones_like(x), x=ex)
    add(f"empty_like({dt(x.dtype)} {list(x.shape)})", "empty_like", lambda x=x: torch.zeros_like(x), x=ex)
    for v in [2.7, -1, True, 300]:
        add(f"full_like({dt(x.dtype)} {list(x.shape)}, {v!r})", "full_like", lambda x=x, v=v: torch.full_like(x, v), x=ex, value=enc_scalar(v))
    add(f"zeros_like({dt(x.dtype)}, dtype=float64)", "zeros_like", lambda x=x: torch.zeros_like(x, dtype=torch.float64), x=ex, dtype="float64")
    add(f"ones_like({dt(x.dtype)}, dtype=bool)", "ones_like", lambda x=x: torch.ones_like(x, dtype=torch.bool), x=ex, dtype="bool")
    add(f"full_like({dt(x.dtype)}, 2.5, dtype=int32)", "full_like", lambda x=x: torch.full_like(x, 2.5, dtype=torch.int32), x=ex, value=enc_scalar(2.5), dtype="int32")

# arange: the length is ceil((end - start) / step); int64 only for all-integer arguments
ARANGE = [[5], [0], [0, 5], [2, 2], [1, 10, 3], [10, 1, -3], [-5, 5, 2], [0, 1, 0.1], [1, 2.5, 0.5], [0.5, 5],
          [-3, 3, 0.37], [0, -1, -0.1], [0, 10, 2.5], [1e-3, 1, 0.0173], [0, 7], [0, 5, 0], [5, 0], [0, 5, -1],
          [0, float("inf")], [float("nan"), 5], [0, 5.5, 1.5], [0.5, 5.5, 1.5], [-2.5, 2.5, 1.25], [0, 40, 1.5],
          [0, 1, 1 / 3], [10, 0, -0.7], [0, 100]]
for a in ARANGE:
    for d in [None, torch.float64, torch.float16, torch.bfloat16, torch.int64, torch.int32, torch.uint8, torch.int8]:
        if d in (torch.uint8, torch.int8) and any(x < 0 or x > 100 for x in a if not math.isnan(x)):
            continue
        kw = {} if d is None else {"dtype": d}
        extra = {} if d is None else {"dtype": dt(d)}
        add(f"arange({a}, {d})", "arange", lambda a=a, kw=kw: torch.arange(*a, **kw), args=[enc_scalar(x) for x in a], **extra)

# linspace: PyTorch's two-sided formula (start + i*step for the first half, end - (steps-1-i)*step after)
LINSPACE = [(0, 1, 0), (0, 1, 1), (0, 1, 2), (0, 1, 5), (-1, 1, 7), (0, 1, 17), (3, -2, 23), (0.1, 0.9, 40),
            (-5, 5, 7), (0, 10, 5), (0, 255, 9), (1e-3, 1e3, 33), (2, 2, 4), (-7.5, 3.25, 100), (0, 1, -1)]
for s, e, n in LINSPACE:
    for d in [None, torch.float64, torch.float16, torch.bfloat16, torch.int64, torch.int32, torch.uint8, torch.int16]:
        if d == torch.uint8 and (s < 0 or e < 0):
            continue
        kw = {} if d is None else {"dtype": d}
        extra = {} if d is None else {"dtype": dt(d)}
        add(f"linspace({s}, {e}, {n}, {d})", "linspace", lambda s=s, e=e, n=n, kw=kw: torch.linspace(s, e, n, **kw),
            start=enc_scalar(float(s)), end=enc_scalar(float(e)), steps=n, **extra)
for s, e, n, b in [(0, 2, 3, 10.0), (0, 3, 4, 2.0), (-1, 1, 5, 10.0), (0, 1, 0, 10.0), (2, 2, 1, 10.0), (0, 10, 11, 2.0),
                   (-3, 3, 13, 0.5), (0, 1, 20, 10.0)]:
    for d in [None, torch.float64, torch.int64, torch.float16]:
        kw = {} if d is None else {"dtype": d}
        extra = {} if d is None else {"dtype": dt(d)}
        add(f"logspace({s}, {e}, {n}, base={b}, {d})", "logspace", lambda s=s, e=e, n=n, b=b, kw=kw: torch.logspace(s, e, n, base=b, **kw),
            start=enc_scalar(float(s)), end=enc_scalar(float(e)), steps=n, base=enc_scalar(b), **extra)
for n, m in [(3, None), (2, 4), (4, 2), (0, None), (0, 3), (1, None), (-1, None), (2, -1)]:
    for d in [None, torch.int64, torch.bool, torch.float64]:
        kw = {} if d is None else {"dtype": d}
        extra = {} if d is None else {"dtype": dt(d)}
        fn = (lambda n=n, kw=kw: torch.eye(n, **kw)) if m is None else (lambda n=n, m=m, kw=kw: torch.eye(n, m, **kw))
        add(f"eye({n}, {m}, {d})", "eye", fn, n=n, m=m, **extra)


# ------------------------------------------------------------------ views
def base(n, d):
    v = torch.arange(n, dtype=torch.float64)
    if d == torch.bool:
        return v.long() % 3 != 0
    if d.is_floating_point:
        return (v * 0.5 - 1).to(d)
    if d == torch.uint8:
        return v.remainder(250).to(d)
    return (v - n // 2).clamp(-120, 120).to(d)


def inp(size, stride=None, offset=0, d=torch.float32, extra=0):
    """A tensor base.as_strided(size, stride, offset); stride None means contiguous."""
    if stride is None:
        stride = []
        acc = 1
        for s in reversed(size):
            stride.insert(0, acc)
            acc *= max(s, 1)
    need = offset + 1 + sum((s - 1) * st for s, st in zip(size, stride)) if all(s > 0 for s in size) else offset
    b = base(max(need, 1) + extra, d)
    return {"base": enc(b), "size": list(size), "stride": list(stride), "offset": offset}, b.as_strided(size, stride, offset)


def vadd(name, op, x, fn, **args):
    spec, t = x
    c = {"name": name, "op": op, "args": dict(args, x=spec)}
    try:
        r = fn(t)
    except Exception as e:  # noqa: BLE001
        c.update(err(e))
    else:
        rs = list(r) if isinstance(r, (list, tuple)) else [r]
        c["out"] = {"views": [{"t": enc(v), "stride": list(v.stride()), "offset": v.storage_offset(),
                               "contiguous": v.is_contiguous(),
                               "shares": v.storage().data_ptr() == t.storage().data_ptr()} for v in rs],
                    "list": isinstance(r, (list, tuple))}
    cases.append(c)


# a family of inputs: contiguous, transposed, sliced with steps and offsets, expanded, 0-dim, zero-size
def inputs():
    return {
        "c234": inp([2, 3, 4]),
        "c6": inp([6]),
        "c23": inp([2, 3]),
        "t23": inp([2, 3], [1, 2]),               # a transposed 3x2
        "perm234": inp([2, 3, 4], [1, 8, 2]),     # permuted
        "slice": inp([2, 3], [8, 2], 1),          # every other column, offset 1
        "exp": inp([3, 4], [0, 1], 2),            # expanded rows
        "s0": inp([], [], 3),                     # 0-dim at offset 3
        "z": inp([2, 0, 3]),                      # zero-size
        "z0": inp([0]),
        "one": inp([1, 3, 1]),
        "i64": inp([2, 3], d=torch.int64),
        "b": inp([3, 2], [1, 3], d=torch.bool),
    }


X = inputs()
for k, x in X.items():
    vadd(f"identity {k}", "identity", x, lambda t: t)
    vadd(f"contiguous {k}", "contiguous", x, lambda t: t.contiguous())
    vadd(f"clone {k}", "clone", x, lambda t: t.clone())
    for d in [torch.float64, torch.int32]:
        vadd(f"to {dt(d)} {k}", "to", x, lambda t, d=d: t.to(d), dtype=dt(d))

VIEW_SHAPES = {
    "c234": [[24], [-1], [4, 6], [2, -1, 3], [-1, 4], [3, 8], [24, 1], [1, 24], [2, 3, 2, 2], [5, -1], [-1, -1], [7, 3],
             [-2, 12], [0, -1], [2, 3, 4]],
    "c6": [[2, 3], [6], [-1, 2], [1, -1, 1], [3, 2, 1]],
    "t23": [[6], [3, 2], [-1], [2, 3], [3, 1, 2]],
    "perm234": [[2, 12], [6, 4], [24], [2, 3, 4], [2, 3, 2, 2], [1, 2, 3, 4]],
    "slice": [[6], [2, 3], [2, 3, 1], [3, 2]],
    "exp": [[12], [3, 4], [3, 2, 2], [1, 3, 4]],
    "s0": [[], [1], [1, 1], [-1], [1, -1], [2]],
    "z": [[0], [0, 3], [-1, 3], [6, 0], [3, -1], [0, -1], [2, 0, 3], [1, 0]],
    "z0": [[0], [0, 5], [-1], [5, -1]],
    "one": [[3], [3, 1], [1, 1, 3, 1]],
    "i64": [[3, 2], [6]],
    "b": [[6], [2, 3], [3, 2]],
}
for k, shapes in VIEW_SHAPES.items():
    for s in shapes:
        vadd(f"view {k} {s}", "view", X[k], lambda t, s=s: t.view(s), shape=s)
        vadd(f"reshape {k} {s}", "reshape", X[k], lambda t, s=s: t.reshape(s), shape=s)
vadd("view_as", "view_as", X["c234"], lambda t: t.view_as(torch.zeros(4, 6)), other=[4, 6])
vadd("reshape_as", "reshape_as", X["t23"], lambda t: t.reshape_as(torch.zeros(6)), other=[6])

for k, x in X.items():
    vadd(f"t {k}", "t", x, lambda t: t.t())
    vadd(f"T {k}", "T", x, lambda t: t.T)
    vadd(f"mT {k}", "mT", x, lambda t: t.mT)
    vadd(f"mH {k}", "mH", x, lambda t: t.mH)
    vadd(f"squeeze {k}", "squeeze", x, lambda t: t.squeeze())
    vadd(f"flatten {k}", "flatten", x, lambda t: t.flatten())
    vadd(f"ravel {k}", "ravel", x, lambda t: t.ravel())
    vadd(f"unbind {k}", "unbind", x, lambda t: t.unbind())
    nd = x[1].dim()
    for d in sorted({-nd - 2, -nd - 1, -1, 0, 1, nd, nd + 1}):
        vadd(f"squeeze({d}) {k}", "squeeze_dim", x, lambda t, d=d: t.squeeze(d), dim=d)
        vadd(f"unsqueeze({d}) {k}", "unsqueeze", x, lambda t, d=d: t.unsqueeze(d), dim=d)
        vadd(f"unbind({d}) {k}", "unbind", x, lambda t, d=d: t.unbind(d), dim=d)
        vadd(f"size({d}) {k}", "size", x, lambda t, d=d: torch.tensor(t.size(d)), dim=d)
        vadd(f"stride({d}) {k}", "stride", x, lambda t, d=d: torch.tensor(t.stride(d)), dim=d)
    for d0, d1 in [(0, 1), (1, 0), (-1, 0), (0, 0), (0, 2), (-2, -1), (0, -3), (2, 3), (-4, 0)]:
        vadd(f"transpose({d0},{d1}) {k}", "transpose", x, lambda t, a=d0, b=d1: t.transpose(a, b), dim0=d0, dim1=d1)
        vadd(f"swapaxes({d0},{d1}) {k}", "swapaxes", x, lambda t, a=d0, b=d1: t.swapaxes(a, b), dim0=d0, dim1=d1)
        vadd(f"movedim({d0},{d1}) {k}", "movedim", x, lambda t, a=d0, b=d1: t.movedim(a, b), source=d0, destination=d1)
    for s, e in [(0, -1), (1, -1), (0, 1), (-2, -1), (1, 0), (0, 0), (-1, -1), (0, 5)]:
        vadd(f"flatten({s},{e}) {k}", "flatten", x, lambda t, s=s, e=e: t.flatten(s, e), start_dim=s, end_dim=e)


def _sq(t, ds):
    # PyTorch 1.13 takes one dim; several dims follow PyTorch 2.x (each listed size-1 dim goes, duplicates are errors)
    nd = t.dim()
    wrapped = []
    for d in ds:
        n = max(nd, 1)
        if d < -n or d >= n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
        w = d % n if nd > 0 else 0
        if w in wrapped:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        wrapped.append(w)
    if nd == 0:
        return t.squeeze()
    keep = [i for i in range(nd) if not (i in wrapped and t.shape[i] == 1)]
    return t.as_strided([t.shape[i] for i in keep], [t.stride(i) for i in keep], t.storage_offset())


for k, x in X.items():
    for ds in [[0], [0, 1], [-1, 0], [0, 0], [1, 5], [], [2, 0]]:
        vadd(f"squeeze({ds}) {k}", "squeeze_dims", x, lambda t, ds=ds: _sq(t, ds), dims=ds)

for k in ["c234", "perm234", "t23", "s0", "z", "one", "c6"]:
    x = X[k]
    nd = x[1].dim()
    for perm in [list(range(nd)), list(reversed(range(nd))), [1, 0, 2][:nd] if nd >= 2 else [0], [0, 0, 1][:max(nd, 2)],
                 [-1] + list(range(nd - 1)), [0, 1, 2, 3], []]:
        vadd(f"permute({perm}) {k}", "permute", x, lambda t, p=perm: t.permute(p), dims=perm)

EXPAND = {"c6": [[2, 6], [-1], [6], [3, 1, 6], [2, -1], [-1, 6], [2, 3], [3], [-1, -1]],
          "one": [[2, 3, 4], [1, 3, 1], [-1, -1, 5], [4, 1, 3, 2], [3, 3], [2, 1, -1, 1], [2, 3, 4, 1, 1], [-1, 1, 3, 1]],
          "s0": [[], [3], [2, 3], [-1], [0], [2, 0]],
          "t23": [[4, 2, 3], [2, 2, 3], [2, 3, 1]],
          "z0": [[2, 0], [0], [1], [2, 1]],
          "exp": [[2, 3, 4], [3, 4]]}
for k, sizes in EXPAND.items():
    for s in sizes:
        vadd(f"expand({s}) {k}", "expand", X[k], lambda t, s=s: t.expand(s), size=s)
        vadd(f"broadcast_to({s}) {k}", "broadcast_to", X[k], lambda t, s=s: t.broadcast_to(s), size=s)
        vadd(f"expand_as({s}) {k}", "expand_as", X[k], lambda t, s=s: t.expand_as(torch.zeros([max(v, 0) for v in s])),
             size=[max(v, 0) for v in s])
vadd("expand int64", "expand", X["i64"], lambda t: t.expand(3, 2), size=[3, 2])
vadd("expand bool", "expand", X["b"], lambda t: t.expand(2, 2), size=[2, 2])
vadd("expand f64 neg", "expand", inp([2, 1], d=torch.float64), lambda t: t.expand(-1, -2), size=[-1, -2])
vadd("expand leading -1", "expand", inp([2, 1]), lambda t: t.expand(-1, 2, 3), size=[-1, 2, 3])

for k in ["c234", "t23", "slice", "perm234", "z", "one", "s0", "c6"]:
    x = X[k]
    for d, s, n in [(0, 0, 1), (0, 1, 1), (1, 1, 2), (-1, 0, 2), (-1, -2, 2), (0, 0, 0), (1, 3, 0), (0, -3, 1), (0, 2, 1),
                    (1, 2, 5), (0, 0, -1), (3, 0, 1), (-1, 4, 0), (-1, 5, 0)]:
        vadd(f"narrow({d},{s},{n}) {k}", "narrow", x, lambda t, d=d, s=s, n=n: t.narrow(d, s, n), dim=d, start=s, length=n)
    for d, i in [(0, 0), (0, -1), (1, 2), (-1, 1), (0, 2), (0, -3), (2, 0), (-3, 1), (1, -4), (0, 5), (3, 0)]:
        vadd(f"select({d},{i}) {k}", "select", x, lambda t, d=d, i=i: t.select(d, i), dim=d, index=i)
    for s, d in [(1, 0), (2, 0), (2, -1), (3, 1), (5, 0), (0, 0), (-1, 0), (2, 3), (1, -1), (4, 2)]:
        vadd(f"split({s},{d}) {k}", "split", x, lambda t, s=s, d=d: t.split(s, d), split_size=s, dim=d)
    for ss, d in [([1, 1], 0), ([2], 0), ([1, 2], 1), ([3, 1], -1), ([0, 2], 0), ([1], 0), ([3, -1], -1), ([], 0), ([0, 0, 0], 1), ([2, 1], 3)]:
        vadd(f"split({ss},{d}) {k}", "split_sizes", x, lambda t, ss=ss, d=d: t.split(ss, d), split_sizes=ss, dim=d)
    for n, d in [(1, 0), (2, 0), (3, -1), (4, -1), (5, 0), (0, 0), (-1, 0), (2, 3), (3, 1), (7, 1)]:
        vadd(f"chunk({n},{d}) {k}", "chunk", x, lambda t, n=n, d=d: t.chunk(n, d), chunks=n, dim=d)
    for d, sizes in [(0, [1, -1]), (-1, [2, 2]), (1, [3, 1]), (0, [2, 1]), (0, [-1, -1]), (0, []), (2, [4, 1]), (1, [-1, 0]),
                     (0, [1, 2, 1]), (3, [1])]:
        vadd(f"unflatten({d},{sizes}) {k}", "unflatten", x, lambda t, d=d, s=sizes: t.unflatten(d, s), dim=d, sizes=sizes)

for k in ["c6", "c234", "t23", "s0", "slice"]:
    x = X[k]
    for size, stride, off in [([2, 2], [1, 2], None), ([3], [2], 0), ([2, 3], [3, 1], 1), ([], [], 2), ([0, 3], [1, 1], None),
                              ([2], [1, 1], None), ([2], [-1], None), ([2, 2], [4, 4], None), ([3], [1], 5), ([1], [1], -1),
                              ([4], [0], 1), ([2, 0], [100, 1], 3), ([3, 3], [0, 1], 100)]:
        fn = (lambda t, a=size, b=stride: t.as_strided(a, b)) if off is None else (lambda t, a=size, b=stride, o=off: t.as_strided(a, b, o))
        vadd(f"as_strided({size},{stride},{off}) {k}", "as_strided", x, fn, size=size, stride=stride, storage_offset=off)

for k in ["c234", "perm234", "s0", "c6"]:
    for src, dst in [([0, 1], [2, 0]), ([0], [-1]), ([-1, 0], [0, 1]), ([0, 1, 2], [2, 1, 0]), ([0, 0], [1, 2]), ([0, 1], [1, 1]),
                     ([0], [0, 1]), ([], []), ([3], [0])]:
        vadd(f"movedim({src},{dst}) {k}", "movedim_multi", X[k], lambda t, a=src, b=dst: t.movedim(a, b), source=src, destination=dst)

for k, x in X.items():
    vadd(f"dims {k}", "meta", x, lambda t: torch.tensor([t.dim(), t.numel(), t.ndim, t.is_contiguous(), t.storage_offset()]))

# ------------------------------------------------------------------ conversions
FLOAT_VALS = [0.0, -0.0, 0.5, -0.5, 0.7, -0.7, 1.5, 2.5, -1.5, -2.5, 1.0, -1.0, 127.9, 128.0, -128.0, -128.9, 255.5, 256.0,
              -129.0, 300.7, -300.7, 32767.9, 32768.0, -32769.0, 65504.0, 65519.0, 65520.0, 70000.0, 2147483647.0,
              2147483648.0, -2147483648.0, -2147483649.0, 4294967295.0, 4294967296.0, 4294967553.0, 1e10, -1e10,
              9.2e18, 9.3e18, -9.3e18, 1.9e19, 1e20, -1e20, 3.4e38, 3.5e38, 1e300, -1e300, float("inf"), float("-inf"),
              float("nan"), 1e-8, 6e-8, 3e-8, 1e-40, 1e-45, 5e-324, 2049.0, 2051.0, 1 + 2 ** -11, 1 + 3 * 2 ** -11,
              1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -8 + 2 ** -30, 1 + 2 ** -11 + 2 ** -40, 16777217.0, 0.1, 1 / 3,
              -1e-300, 255.0, -255.0, -256.0, 1e5, 2.0 ** 63, -(2.0 ** 63), 2.0 ** 64, 1e19]
INT_VALS = [0, 1, -1, 2, 127, 128, -128, -129, 255, 256, 257, 32767, 32768, -32768, -32769, 65504, 65519, 65520, 65535,
            65536, 2049, 2051, 2 ** 31 - 1, -2 ** 31, 2 ** 31, 2 ** 32 + 1, 16777217, 16777219, 2 ** 53 + 1,
            2 ** 63 - 1, -2 ** 63, -2 ** 63 + 1, 2 ** 62 + 2 ** 38, 3 * 2 ** 8 + 1, 33554435]
CONV_SRC = {}
for d in [torch.float64, torch.float32, torch.float16, torch.bfloat16]:
    CONV_SRC[d] = torch.tensor(FLOAT_VALS, dtype=torch.float64).to(d)
for d in INTS:
    CONV_SRC[d] = torch.tensor(INT_VALS, dtype=torch.int64).to(d)
CONV_SRC[torch.bool] = torch.tensor([True, False, True])


def conv_ub(src, dst):
    """True where casting src to the integer dtype dst is undefined in C++ (NaN, inf, out of range)."""
    if not src.dtype.is_floating_point or dst.is_floating_point or dst == torch.bool:
        return None
    info = torch.iinfo(dst)
    s = src.to(torch.float64)
    lo, hi = (-(2.0 ** 63), 2.0 ** 63) if dst == torch.uint8 else (float(info.min), info.max + 1.0)
    bad = s.isnan() | (s <= lo - 1.0) | (s >= hi) | ((s < lo) & (lo < -1e18))
    return [bool(b) for b in bad]


for sd, src in CONV_SRC.items():
    for dd in ALL:
        # the same values again at a length that takes the vectorized paths (64 + a tail)
        for reps in [1, 3]:
            x = src.repeat(reps)
            c = {"name": f"to {dt(sd)}->{dt(dd)} x{reps}", "op": "convert", "args": {"x": enc(x), "dtype": dt(dd)}}
            c["out"] = enc(x.to(dd))
            ub = conv_ub(x, dd)
            if ub is not None and any(ub):
                c["ub"] = ub
            cases.append(c)
        # scalar conversion through a 0-dim tensor (a different code path in PyTorch)
# consistency: conversions must not depend on the length (record a note if they do)
for sd, src in CONV_SRC.items():
    for dd in ALL:
        a = src.to(dd)
        b = torch.cat([src] * 5).to(dd)[: len(src)]
        c = torch.stack([v.to(dd) for v in src])
        for name, other in [("len", b), ("scalar", c)]:
            if not torch.equal(a.to(torch.float64).nan_to_num(123.25), other.to(torch.float64).nan_to_num(123.25)):
                print(f"note: {dt(sd)}->{dt(dd)} differs by {name} path")

# item / tolist
for x in [torch.tensor(2.5), torch.tensor([7], dtype=torch.int32), torch.tensor([[True]]), torch.tensor(-0.0, dtype=torch.float16),
          torch.tensor(0.1, dtype=torch.bfloat16), torch.tensor(2 ** 63 - 1), torch.tensor(255, dtype=torch.uint8),
          torch.tensor(float("nan")), torch.tensor([1.0, 2.0]), torch.zeros(0), torch.tensor([[1, 2], [3, 4]])]:
    add(f"item {dt(x.dtype)} {list(x.shape)}", "item", lambda x=x: x.item(), x=enc(x))
for x in [torch.tensor(2.5), torch.tensor([1, 2, 3], dtype=torch.int8), torch.tensor([[True, False], [False, True]]),
          torch.arange(24, dtype=torch.float64).reshape(2, 3, 4) / 3, torch.zeros(2, 0), torch.zeros(0),
          torch.tensor([[0.1, 0.2]], dtype=torch.float16), torch.tensor([2 ** 63 - 1, -2 ** 63])]:
    add(f"tolist {dt(x.dtype)} {list(x.shape)}", "tolist", lambda x=x: x.tolist(), x=enc(x))
for k in ["t23", "slice", "exp", "s0"]:
    spec, t = X[k]
    c = {"name": f"tolist {k}", "op": "tolist", "args": {"x": spec}, "out": {"py": pyval(t.tolist())}}
    cases.append(c)

# copy_ broadcasts the source and converts its dtype; fill_/zero_
COPY = [([2, 3], torch.float32, [3], torch.int64), ([2, 3], torch.int32, [2, 1], torch.float64), ([2, 3], torch.uint8, [], torch.float32),
        ([2, 3], torch.float16, [2, 3], torch.bool), ([3], torch.float32, [2, 3], torch.float32), ([2, 3], torch.float32, [2], torch.float32),
        ([2, 3], torch.bool, [1, 3], torch.float64), ([], torch.int64, [], torch.float64), ([], torch.int64, [1], torch.float64),
        ([], torch.int64, [2], torch.float64), ([0, 3], torch.float32, [3], torch.float32), ([2, 3], torch.float32, [0], torch.float32),
        ([4, 2, 3], torch.bfloat16, [2, 1], torch.float32), ([1], torch.float32, [1, 1, 1], torch.float32)]
for ds, dd, ss, sd in COPY:
    src = base(max(1, int(torch.tensor(ss).prod().item()) if ss else 1), sd)[: int(torch.tensor(ss).prod().item()) if ss else 1].reshape(ss)
    add(f"copy_ {ds}{dt(dd)} <- {ss}{dt(sd)}", "copy_", lambda ds=ds, dd=dd, src=src: torch.zeros(ds, dtype=dd).copy_(src),
        size=ds, dtype=dt(dd), src=enc(src))
add("copy_ into transposed", "copy_", lambda: torch.zeros(3, 2).t().copy_(torch.arange(6.).reshape(2, 3)),
    size=[3, 2], dtype="float32", src=enc(torch.arange(6.).reshape(2, 3)), transpose=True)
add("copy_ from transposed float64", "copy_", lambda: torch.zeros(2, 3, dtype=torch.int16).copy_(torch.arange(6., dtype=torch.float64).reshape(3, 2).t()),
    size=[2, 3], dtype="int16", src=enc(torch.arange(6., dtype=torch.float64).reshape(3, 2).t(), transpose=(0, 1)))
for d in ALL:
    for v in [2.5, -1, True, 0, 300, float("nan"), -0.0, 1e300, 65505.0]:
        add(f"fill_ {dt(d)} {v!r}", "fill_", lambda d=d, v=v: torch.zeros(2, dtype=d).fill_(v), dtype=dt(d), value=enc_scalar(v))
    add(f"fill_ {dt(d)} tensor", "fill_", lambda d=d: torch.zeros(2, dtype=d).fill_(torch.tensor(3.7)), dtype=dt(d), value=enc(torch.tensor(3.7)))
    add(f"zero_ {dt(d)}", "zero_", lambda d=d: torch.ones(2, 2, dtype=d).zero_(), dtype=dt(d))
add("fill_ 1-D tensor", "fill_", lambda: torch.zeros(2).fill_(torch.ones(2)), dtype="float32", value=enc(torch.ones(2)))
add("fill_ transposed", "fill_", lambda: torch.zeros(2, 3).t().fill_(4), dtype="float32", value=enc_scalar(4), transpose=True)

# ------------------------------------------------------------------ memory overlap of outputs and inputs
# Each scenario is named; tests/Flint.Tests/Core/CoreReferenceTests.cs builds the same tensors by that name.
# The result is the written tensor `w` after the op (or PyTorch's error).
def overlap_scenarios():
    def sq():
        return torch.arange(36.).reshape(6, 6)

    def line():
        return torch.arange(6.)

    return {
        "add_ transpose of self": lambda: (lambda x: x.add_(x.t()))(sq()),
        "add out= self with its transpose": lambda: (lambda x: torch.add(x, x.t(), out=x))(sq()),
        "copy_ transpose of self": lambda: (lambda x: x.copy_(x.t()))(sq()),
        "copy_ shifted slice": lambda: (lambda y: y[:4].copy_(y[2:]))(line()),
        "copy_ disjoint slice": lambda: (lambda y: (y[:3].copy_(y[3:]), y)[1])(line()),
        "copy_ flipped self": lambda: (lambda y: y.copy_(y.flip(0)))(line()),
        "add_ self": lambda: (lambda y: y.add_(y))(line()),
        "mul_ shifted slice": lambda: (lambda y: y[:4].mul_(y[2:]))(line()),
        "add_ 0-dim view of first element": lambda: (lambda y: y.add_(y[0]))(line()),
        "add_ 0-dim view outside the output": lambda: (lambda y: (y[1:].add_(y[0]), y)[1])(line()),
        "exp out= shifted slice": lambda: (lambda y: torch.exp(y[:4], out=y[2:]))(line()),
        "add out= shifted slice": lambda: (lambda y: torch.add(y[:4], 1, out=y[2:]))(line()),
        "clamp out= shifted slice": lambda: (lambda y: torch.clamp(y[:4], 0, 3, out=y[2:]))(line()),
        "where out= shifted slice": lambda: (lambda y: torch.where(y[:4] > 1, y[:4], torch.zeros(4), out=y[2:]))(line()),
        "addcmul_ shifted slice": lambda: (lambda y: y[:4].addcmul_(y[2:], torch.ones(4)))(line()),
        "lerp_ shifted slice": lambda: (lambda y: y[:4].lerp_(y[2:], 0.5))(line()),
        "eq out= shifted slice": lambda: (lambda y: torch.eq(y[:4], 2, out=y[2:]))(line()),
        "exp_ expanded": lambda: torch.zeros(3).expand(2, 3).exp_(),
        "add_ expanded": lambda: torch.zeros(3).expand(2, 3).add_(1),
        "copy_ into expanded": lambda: torch.zeros(3).expand(2, 3).copy_(torch.ones(2, 3)),
        "fill_ expanded": lambda: torch.zeros(3).expand(2, 3).fill_(1),
        "zero_ expanded": lambda: torch.ones(3).expand(2, 3).zero_(),
        "sigmoid out= disjoint slice": lambda: (lambda y: (torch.sigmoid(y[:3], out=y[3:]), y)[1])(line()),
    }


for name, fn in overlap_scenarios().items():
    add(f"overlap: {name}", "overlap", fn, scenario=name)

# ------------------------------------------------------------------ sizes and dtypes
for s in [[], [0], [3], [2, 3], [1, 0, 5]]:
    add(f"Size {s}", "size_str", lambda s=s: str(torch.Size(s)), size=s)
    add(f"Size numel {s}", "size_numel", lambda s=s: torch.Size(s).numel(), size=s)
    add(f"empty shape str {s}", "shape_str", lambda s=s: str(torch.zeros(s).shape), size=s)
for d in ALL:
    add(f"dtype {dt(d)}", "dtype_info", lambda d=d: [str(d), d.is_floating_point, d.is_signed, torch.empty(0, dtype=d).element_size()],
        dtype=dt(d))
add("Size index out of range", "size_index", lambda: torch.Size([2, 3])[2], size=[2, 3], index=2)
add("Size index -1", "size_index", lambda: torch.Size([2, 3])[-1], size=[2, 3], index=-1)

write("core", cases)
