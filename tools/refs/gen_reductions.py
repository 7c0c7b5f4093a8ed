"""Reference data for reductions, scans, sorting and unique: run with /usr/bin/python3 (PyTorch 1.13)."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
from common import enc, outcome, write  # noqa: E402

torch.manual_seed(0)
ALL = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.float16, torch.float32,
       torch.float64, torch.bool, torch.bfloat16]
FLOATS = [torch.float16, torch.float32, torch.float64, torch.bfloat16]
DN = {torch.float32: "float32", torch.float64: "float64", torch.float16: "float16", torch.bfloat16: "bfloat16",
      torch.int64: "int64", torch.int32: "int32", torch.int16: "int16", torch.int8: "int8", torch.uint8: "uint8",
      torch.bool: "bool"}
DT = {v: k for k, v in DN.items()}

cases = []


def make(shape, dtype, kind="rand", lo=-4, hi=5):
    if dtype == torch.bool:
        return torch.randint(0, 2, shape).bool()
    if dtype == torch.uint8:
        return torch.randint(0, hi + 3, shape).to(dtype)
    if dtype.is_floating_point:
        if kind == "ties":
            return torch.randint(lo, hi, shape).to(dtype)
        return (torch.randn(shape) * 3).to(dtype)
    return torch.randint(lo, hi, shape).to(dtype)


def call(op, x, kw):
    kw = dict(kw)
    if "dtype" in kw:
        kw["dtype"] = DT[kw["dtype"]]
    dim = kw.pop("dim", None)
    if op in ("sum", "nansum", "mean", "nanmean", "prod"):
        if dim is None:
            return getattr(torch, op)(x, **({"dtype": kw["dtype"]} if "dtype" in kw else {}))
        return getattr(torch, op)(x, dim, **kw)
    if op in ("amax", "amin"):
        return getattr(torch, op)(x, () if dim is None else dim, **kw)
    if op in ("max", "min", "median"):
        if dim is None:
            return getattr(torch, op)(x)
        return tuple(getattr(torch, op)(x, dim, **kw))
    if op in ("mode", "kthvalue"):
        return tuple(getattr(torch, op)(x, *( [kw.pop("k")] if op == "kthvalue" else []), dim if dim is not None else -1, **kw))
    if op in ("argmax", "argmin"):
        return getattr(torch, op)(x, dim, **kw)
    if op in ("std", "var", "std_mean", "var_mean"):
        f = getattr(torch, op)
        if "correction" in kw:
            return f(x, dim=dim, **kw)
        if dim is None:
            return f(x, **kw)
        return f(x, dim, **kw)
    if op == "norm":
        p = kw.pop("p", 2)
        p = float(p) if p in ("inf", "-inf") else p
        return torch.norm(x, p=p, dim=dim, **kw)
    if op == "logsumexp":
        return torch.logsumexp(x, dim, **kw)
    if op in ("all", "any"):
        if dim is None:
            return getattr(torch, op)(x)
        return getattr(torch, op)(x, dim, **kw)
    if op == "count_nonzero":
        return torch.count_nonzero(x, dim)
    if op in ("softmax", "log_softmax", "cumsum", "cumprod"):
        return getattr(torch, op)(x, dim, **kw)
    if op == "sort":
        return tuple(torch.sort(x, dim=-1 if dim is None else dim, **kw))
    if op == "argsort":
        return torch.argsort(x, dim=-1 if dim is None else dim, **kw) if not kw.get("stable") else torch.sort(x, dim=-1 if dim is None else dim, **kw)[1]
    if op == "topk":
        return tuple(torch.topk(x, kw.pop("k"), dim=-1 if dim is None else dim, **kw))
    if op == "unique":
        r = torch.unique(x, dim=dim, **kw)
        return r if isinstance(r, tuple) else r
    if op == "aminmax":
        return tuple(torch.aminmax(x, dim=dim, **kw))
    # any other op: torch.<op>(x, dim=..., **kw) as recorded (the C# replay calls Flint's op of that name the same way)
    r = getattr(torch, op)(x, **({} if dim is None else {"dim": dim}), **kw)
    return tuple(r) if isinstance(r, tuple) else r


def with_out(op, x, kw):
    """kw["out"] names the dtype of an empty out= tensor (a pair for values/indices ops)."""
    kw = dict(kw)
    o = kw.pop("out")
    if isinstance(o, list):
        outs = tuple(torch.empty(0, dtype=DT[d]) for d in o)
    else:
        outs = torch.empty(0, dtype=DT[o])
    kw2 = dict(kw)
    dim = kw2.pop("dim", None)
    if "dtype" in kw2:
        kw2["dtype"] = DT[kw2["dtype"]]
    f = getattr(torch, op)
    r = f(x, dim=dim, out=outs, **kw2) if op == "norm" else f(x, dim, out=outs, **kw2)
    return tuple(r) if isinstance(r, tuple) or op in ("max", "min", "median", "sort", "topk", "kthvalue", "mode") else r


def add(name, op, x, kw=None, transpose=None, step=None, check="all"):
    kw = kw or {}
    rec = {"name": name, "op": op, "x": enc(x, transpose=transpose, step=step), "kw": kw, "check": check}
    rec.update(outcome(lambda: with_out(op, x, kw) if "out" in kw else call(op, x, kw)))
    cases.append(rec)


def dims_variants(nd):
    if nd == 0:
        return [None, 0, -1]
    if nd == 1:
        return [None, 0, -1]
    if nd == 2:
        return [None, 0, -1, [0, 1]]
    return [None, 1, -1, [0, 2], [2, 0, 1]]


MULTI = {"sum", "nansum", "mean", "nanmean", "amax", "amin", "std", "var", "norm", "logsumexp", "count_nonzero", "std_mean", "var_mean"}
SINGLE_REQ = {"softmax", "log_softmax", "cumsum", "cumprod", "logsumexp"}
SHAPES = [(), (5,), (3, 4), (2, 3, 4)]

# ---- plain reductions over every dtype, shape and dim form ----
REDUCE_OPS = ["sum", "nansum", "mean", "nanmean", "prod", "amax", "amin", "max", "min", "argmax", "argmin",
              "std", "var", "norm", "logsumexp", "all", "any", "count_nonzero", "softmax", "log_softmax", "cumsum",
              "cumprod", "median", "std_mean", "var_mean", "aminmax"]
for op in REDUCE_OPS:
    for dt in ALL:
        full = dt in (torch.float32, torch.int64)
        for shape in SHAPES if full else [(3, 4)]:
            x = make(shape, dt)
            if op == "prod" and dt.is_floating_point:
                x = (torch.rand(shape) + 0.5).to(dt)
            for dim in dims_variants(len(shape)):
                if dim is None and op in SINGLE_REQ:
                    continue
                if isinstance(dim, list) and op not in MULTI:
                    continue
                if op in ("mode", "aminmax") and isinstance(dim, list):
                    continue
                for keep in ([False, True] if dim is not None and op not in ("softmax", "log_softmax", "cumsum", "cumprod", "count_nonzero") else [False]):
                    kw = {}
                    if dim is not None:
                        kw["dim"] = dim
                    if keep:
                        kw["keepdim"] = True
                    if op in ("argmax", "argmin") and dim is None and keep:
                        continue
                    chk = "values" if op in ("median",) and dim is not None else "all"
                    if op in ("max", "min", "median") and dim is not None and not dt.is_floating_point:
                        chk = "values"
                    add(f"{op}/{DN[dt]}/{list(shape)}/dim={dim}/keep={keep}", op, x, kw, check=chk)
                if not full:
                    break

# ---- non-contiguous inputs ----
for op in ["sum", "mean", "prod", "amax", "max", "argmax", "std", "norm", "logsumexp", "any", "softmax", "log_softmax",
           "cumsum", "cumprod", "sort", "median", "var"]:
    for dt in [torch.float32, torch.float64, torch.int32]:
        x = make((4, 5), dt) if op != "prod" else torch.rand(4, 5).add(0.5).to(dt) if dt.is_floating_point else make((4, 5), dt, lo=-2, hi=3)
        for dim in ([0, 1] if op not in ("argmax",) else [0, 1, None]):
            kw = {"dim": dim} if dim is not None else {}
            chk = "values" if op == "median" or (op == "max" and not dt.is_floating_point) else "all"
            if op == "sort" and not dt.is_floating_point:
                kw["stable"] = True
            add(f"{op}/{DN[dt]}/T/dim={dim}", op, x, kw, transpose=(0, 1), check=chk)
            add(f"{op}/{DN[dt]}/step/dim={dim}", op, x, kw, step=2, check=chk)
    x = make((2, 3, 4), torch.float32)
    add(f"{op}/3d/T02", "sum", x, {"dim": [0, 2]}, transpose=(0, 2))

# ---- zero-size ----
for op in ["sum", "prod", "mean", "amax", "amin", "max", "min", "argmax", "argmin", "std", "var", "norm", "logsumexp",
           "all", "any", "count_nonzero", "softmax", "cumsum", "cumprod", "sort", "median", "nansum", "nanmean", "topk", "unique", "mode", "aminmax"]:
    for shape in [(0,), (0, 3), (3, 0), (2, 0, 3)]:
        x = torch.zeros(shape)
        for dim in [None, 0, -1]:
            kw = {} if dim is None else {"dim": dim}
            if op == "topk":
                kw["k"] = 0
            if op == "norm":
                for p in [2, "inf"]:
                    add(f"zero/{op}/{list(shape)}/dim={dim}/p={p}", op, x, dict(kw, p=p))
                continue
            if op in SINGLE_REQ and dim is None:
                continue
            if op == "unique" and dim is None:
                pass
            add(f"zero/{op}/{list(shape)}/dim={dim}", op, x, kw)
    if op != "median":
        add(f"zero/{op}/int", op, torch.zeros((0, 3), dtype=torch.int64), ({"dim": 1} if op in SINGLE_REQ or op == "topk" else {}) | ({"k": 0} if op == "topk" else {}))

# ---- NaN / inf ----
nanx = torch.tensor([[1.0, float("nan"), 3.0, -1.0], [2.0, 5.0, float("-inf"), 0.0], [float("inf"), 1.0, 2.0, float("nan")]])
for dt in [torch.float32, torch.float64, torch.bfloat16, torch.float16]:
    x = nanx.to(dt)
    for op in ["sum", "nansum", "mean", "nanmean", "amax", "amin", "max", "min", "argmax", "argmin", "std", "norm", "logsumexp",
               "all", "any", "softmax", "log_softmax", "cumsum", "sort", "argsort", "median", "topk", "count_nonzero", "aminmax"]:
        for dim in [None, 0, 1]:
            if op in SINGLE_REQ and dim is None:
                continue
            kw = {} if dim is None else {"dim": dim}
            if op == "topk":
                kw["k"] = 2
            chk = "values" if op in ("median",) and dim is not None else "all"
            add(f"nan/{op}/{DN[dt]}/dim={dim}", op, x, kw, check=chk)
    add(f"nan/sort/desc/{DN[dt]}", "sort", x, {"dim": 1, "descending": True})
add("inf/logsumexp/allinf", "logsumexp", torch.tensor([[float("inf"), float("inf")], [float("-inf"), float("-inf")]]), {"dim": 1})
add("negzero/sort", "sort", torch.tensor([0.0, -0.0, 0.0, -1.0]), {"stable": True})
add("negzero/amax", "amax", torch.tensor([-0.0, 0.0]), {})
add("msort/float32", "msort", torch.tensor([[3.0, float("nan"), -1.0], [0.5, -0.0, 2.0], [1.0, 0.0, -7.0]]), {})

# ---- dtype= arguments ----
for op in ["sum", "mean", "prod", "nansum", "nanmean", "cumsum", "cumprod", "softmax", "log_softmax"]:
    for src in [torch.int32, torch.float32, torch.bool, torch.uint8]:
        for dst in ["float64", "int64", "float32", "int32"]:
            x = make((3, 4), src)
            kw = {"dtype": dst}
            if op in ("cumsum", "cumprod", "softmax", "log_softmax"):
                kw["dim"] = 1
            add(f"dtype/{op}/{DN[src]}->{dst}", op, x, kw)
            add(f"dtype/{op}/{DN[src]}->{dst}/dim", op, x, dict(kw, dim=1, keepdim=True) if op not in ("cumsum", "cumprod", "softmax", "log_softmax") else dict(kw, dim=0))

# ---- std/var corrections ----
xs = torch.randn(3, 5)
for op in ["std", "var", "std_mean", "var_mean"]:
    for corr in [0, 1, 2, 5, 6]:
        for dim in [None, 1, [0, 1]]:
            add(f"corr/{op}/c={corr}/dim={dim}", op, xs, {"dim": dim, "correction": corr})
    for unb in [True, False]:
        add(f"unbiased/{op}/{unb}", op, xs, {"dim": 1, "unbiased": unb})
        add(f"unbiased/{op}/{unb}/all", op, xs, {"unbiased": unb})
    add(f"single/{op}", op, torch.tensor([2.5]), {})

# ---- norms ----
xn = torch.randn(3, 4)
for p in [2, 1, 0, 3, 0.5, "inf", "-inf", "fro"]:
    for dim in [None, 1, [0, 1]]:
        for keep in [False, True]:
            add(f"norm/p={p}/dim={dim}/keep={keep}", "norm", xn, {"p": p, "dim": dim, "keepdim": keep})
add("norm/dtype", "norm", xn, {"dtype": "float64"})

# ---- sorting ----
for dt in ALL:
    x = make((4, 6), dt, kind="ties", lo=-3, hi=3)
    for dim in [-1, 0]:
        for desc in [False, True]:
            add(f"sort/{DN[dt]}/dim={dim}/desc={desc}/stable", "sort", x, {"dim": dim, "descending": desc, "stable": True})
            add(f"argsort/{DN[dt]}/dim={dim}/desc={desc}/stable", "argsort", x, {"dim": dim, "descending": desc, "stable": True})
            add(f"sort/{DN[dt]}/dim={dim}/desc={desc}", "sort", x, {"dim": dim, "descending": desc}, check="values")
    for k in [0, 1, 3, 6]:
        for largest in [True, False]:
            add(f"topk/{DN[dt]}/k={k}/largest={largest}", "topk", x, {"k": k, "largest": largest}, check="values")
    add(f"topk/{DN[dt]}/dim0", "topk", x, {"k": 2, "dim": 0}, check="values")
    add(f"topk/{DN[dt]}/k=7", "topk", x, {"k": 7})
    add(f"topk/{DN[dt]}/k=-1", "topk", x, {"k": -1})
    xd = torch.randperm(24).reshape(4, 6).to(dt) if dt not in (torch.bool, torch.int8, torch.uint8) else x
    add(f"sort/{DN[dt]}/distinct", "sort", xd, {"dim": 1}, check="all" if xd is not x else "values")
for shape in [(), (5,), (2, 3, 4)]:
    x = make(shape, torch.float32)
    add(f"sort/shape={list(shape)}", "sort", x, {})
    add(f"topk/shape={list(shape)}", "topk", x, {"k": 1}, check="values")
    add(f"sort/shape={list(shape)}/dim0", "sort", x, {"dim": 0})
add("sort/dimerr", "sort", make((2, 3), torch.float32), {"dim": 2})
add("topk/dimerr", "topk", make((2, 3), torch.float32), {"k": 1, "dim": -3})
add("sort/T", "sort", make((4, 5), torch.float32), {"dim": 1}, transpose=(0, 1))
add("topk/T", "topk", make((4, 5), torch.float32), {"k": 2, "dim": 1}, transpose=(0, 1), check="values")

# ---- median / mode / kthvalue ----
for dt in ALL:
    x = make((3, 5), dt, kind="ties")
    add(f"median/{DN[dt]}", "median", x, {})
    add(f"median/{DN[dt]}/dim", "median", x, {"dim": 1}, check="values")
    add(f"mode/{DN[dt]}/dim", "mode", x, {"dim": 1}, check="values")
    add(f"kthvalue/{DN[dt]}/k=2", "kthvalue", x, {"k": 2, "dim": 1}, check="values")
    add(f"kthvalue/{DN[dt]}/k=2/keep", "kthvalue", x, {"k": 2, "dim": 0, "keepdim": True}, check="values")
add("median/even", "median", torch.tensor([4.0, 1.0, 3.0, 2.0]), {})
add("kthvalue/k=0", "kthvalue", torch.tensor([4.0, 1.0]), {"k": 0})
add("kthvalue/k=3", "kthvalue", torch.tensor([4.0, 1.0]), {"k": 3})

# ---- unique ----
for dt in ALL:
    x = make((3, 5), dt, kind="ties", lo=-2, hi=2)
    add(f"unique/{DN[dt]}", "unique", x, {})
    add(f"unique/{DN[dt]}/inv+counts", "unique", x, {"return_inverse": True, "return_counts": True})
    xr = torch.cat([x, x[:1]], 0)
    add(f"unique/{DN[dt]}/dim0", "unique", xr, {"dim": 0, "return_inverse": True, "return_counts": True})
    add(f"unique/{DN[dt]}/dim1", "unique", x, {"dim": 1, "return_inverse": True, "return_counts": True})
add("unique/0d", "unique", torch.tensor(3), {"return_inverse": True, "return_counts": True})
add("unique/T", "unique", make((4, 5), torch.int64, lo=0, hi=3), {"return_inverse": True}, transpose=(0, 1))
add("unique/dim3d", "unique", torch.tensor([[[1, 2], [1, 2]], [[0, 0], [1, 2]], [[1, 2], [1, 2]]]), {"dim": 1, "return_inverse": True, "return_counts": True})
add("unique/dimerr", "unique", make((2, 3), torch.int64), {"dim": 2})

# ---- errors ----
x = make((2, 3), torch.float32)
for op in ["sum", "amax", "std", "norm", "logsumexp", "count_nonzero", "mean"]:
    add(f"err/{op}/repeat", op, x, {"dim": [0, 0]})
    add(f"err/{op}/repeat-neg", op, x, {"dim": [1, -1]})
for op in ["sum", "amax", "max", "argmax", "cumsum", "softmax", "all", "prod", "median", "var", "mode", "kthvalue"]:
    kw = {"dim": 2}
    if op == "kthvalue":
        kw["k"] = 1
    add(f"err/{op}/range", op, x, kw)
    add(f"err/{op}/range-neg", op, x, dict(kw, dim=-3))
add("err/sum/0d/range", "sum", torch.tensor(2.0), {"dim": 1})
add("0d/sum/keep", "sum", torch.tensor(2.0), {"dim": 0, "keepdim": True})
add("0d/amax/repeat", "amax", torch.tensor(2.0), {"dim": [0, -1]})
add("0d/argmax/keep", "argmax", torch.tensor(2.0), {"dim": 0, "keepdim": True})
add("argmax/keep/nodim", "argmax", make((2, 3), torch.float32), {"keepdim": True})

# ---- integer overflow / wrap ----
big = torch.tensor([2**62, 2**62, 2**62], dtype=torch.int64)
add("wrap/sum/int64", "sum", big, {})
add("wrap/cumsum/int64", "cumsum", big, {"dim": 0})
add("wrap/prod/int32", "prod", torch.tensor([70000, 70000], dtype=torch.int32), {"dtype": "int32"})
add("wrap/sum/uint8", "sum", torch.tensor([200, 200], dtype=torch.uint8), {})

# ---- larger float sums (accumulation accuracy) ----
xl = torch.randn(4096) * 100 + 1000
add("big/sum/float32", "sum", xl, {})
add("big/mean/float32", "mean", xl, {})
add("big/cumsum/float32", "cumsum", xl[:512], {"dim": 0})
add("big/sum/float16", "sum", (torch.rand(1000)).half(), {})
add("big/sum/bfloat16", "sum", (torch.rand(1000)).bfloat16(), {})

# ---- out= ----
xo = make((3, 4), torch.float32)
xoi = make((3, 4), torch.int64)
for op in ["sum", "mean", "nansum", "prod", "amax", "amin", "argmax", "argmin", "cumsum", "cumprod", "logsumexp", "norm",
           "std", "var", "all", "any"]:
    for od in ["float32", "float64", "int64", "bool"]:
        add(f"out/{op}/float32->{od}", op, xo, {"dim": 1, "out": od})
    add(f"out/{op}/int64->float32", op, xoi, {"dim": 1, "out": "float32"})
add("out/norm/p1/int64", "norm", xo, {"dim": 1, "p": 1, "out": "int64"})
add("out/norm/p1/float64", "norm", xo, {"dim": 1, "p": 1, "out": "float64"})
for op in ["max", "min"]:
    for pair in [["float32", "int64"], ["float32", "float32"], ["float64", "int64"]]:
        add(f"out/{op}/{pair}", op, xo, {"dim": 1, "out": pair})
add("out/sum/keepdim", "sum", xo, {"dim": 0, "keepdim": True, "out": "float32"})
add("out/sum/dtype", "sum", xoi, {"dim": 1, "dtype": "float64", "out": "float64"})

write("reductions", cases)
