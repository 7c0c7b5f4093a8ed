"""References for the vector paths of pooling and of where/masked_fill on broadcast and strided layouts.

Max pools on rows wide enough for the vector loop and with tails on both sides (padding, ceil mode, dilation,
strides 1 and 2, 1-d and 3-d), with ties, NaN and -inf in the data; global adaptive average pools; masked_fill
and where with size-1 dims in every position, transposed and expanded operands, in place and out of place.
Each case records the output (and indices) and, for the pools, the input's gradient for a given output gradient.
"""
import torch
from common import enc, enc_scalar, write

torch.manual_seed(0)
cases = []


def data(shape, dtype, specials=True, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(-4, 5, shape, generator=g).to(dtype)   # small integers: many ties
    if specials and x.numel() > 8:
        flat = x.view(-1)
        n = flat.numel()
        flat[3] = float("nan")
        flat[n // 3] = float("-inf")
        flat[n // 2] = float("nan")
        flat[(2 * n) // 3] = float("inf")
        flat[n - 2] = float("-inf")
    return x


def pool_case(name, fn, x, **kw):
    x = x.clone().requires_grad_(True)
    out = fn(x, **kw)
    y, idx = out if isinstance(out, tuple) else (out, None)
    g = torch.Generator().manual_seed(1)
    gy = torch.randint(-4, 5, y.shape, generator=g).to(x.dtype)
    y.backward(gy)
    rec = {"name": name, "op": fn.__name__, "kwargs": kw, "x": enc(x), "gy": enc(gy), "y": enc(y), "gx": enc(x.grad)}
    if idx is not None:
        rec["indices"] = enc(idx)
    cases.append(rec)


F = torch.nn.functional
for dt in (torch.float32, torch.float64):
    dn = str(dt).split(".")[1]
    for (h, w) in ((7, 37), (6, 112), (5, 18)):
        x = data((1, 2, h, w), dt, seed=h * w)
        for k, s, p, d, ceil in ((3, 2, 1, 1, False), (3, 1, 1, 1, False), (2, 2, 0, 1, False), (3, 2, 0, 1, True),
                                 (3, 2, 1, 2, False), (2, 1, 0, 1, True), (5, 2, 2, 1, True), (3, 3, 1, 1, False)):
            pool_case(f"max_pool2d/{dn}/{h}x{w}/k{k}s{s}p{p}d{d}{'c' if ceil else ''}", F.max_pool2d_with_indices, x,
                      kernel_size=k, stride=s, padding=p, dilation=d, ceil_mode=ceil)
    # non-square windows and strides
    x = data((1, 2, 9, 41), dt, seed=3)
    pool_case(f"max_pool2d/{dn}/9x41/k(2,3)s(1,2)p(1,1)", F.max_pool2d_with_indices, x, kernel_size=(2, 3), stride=(1, 2), padding=(1, 1))
    pool_case(f"max_pool2d/{dn}/9x41/k(3,2)s(2,1)p(0,1)d(2,3)", F.max_pool2d_with_indices, x, kernel_size=(3, 2), stride=(2, 1), padding=(0, 1), dilation=(2, 3))
    # a plane of all -inf and one of all NaN
    x = torch.full((1, 2, 4, 20), float("-inf"), dtype=dt)
    x[0, 1] = float("nan")
    pool_case(f"max_pool2d/{dn}/constant/k3s2p1", F.max_pool2d_with_indices, x, kernel_size=3, stride=2, padding=1)
    x = data((2, 3, 40), dt, seed=7)
    for k, s, p in ((3, 2, 1), (3, 1, 0), (4, 2, 2)):
        pool_case(f"max_pool1d/{dn}/40/k{k}s{s}p{p}", F.max_pool1d_with_indices, x, kernel_size=k, stride=s, padding=p)
    x = data((1, 2, 5, 6, 22), dt, seed=11)
    for k, s, p, ceil in ((3, 2, 1, False), (2, 1, 0, False), (3, 2, 0, True)):
        pool_case(f"max_pool3d/{dn}/5x6x22/k{k}s{s}p{p}{'c' if ceil else ''}", F.max_pool3d_with_indices, x, kernel_size=k, stride=s, padding=p, ceil_mode=ceil)
    for shape in ((1, 40, 7, 7), (2, 20, 3, 5), (3, 1, 13, 11), (2, 65, 1, 1)):
        x = data(shape, dt, specials=False, seed=sum(shape)) / 4
        pool_case(f"adaptive_avg_pool2d/{dn}/{'x'.join(map(str, shape))}", F.adaptive_avg_pool2d, x, output_size=1)
    x = data((1, 9, 3, 4, 5), dt, specials=False, seed=5) / 4
    pool_case(f"adaptive_avg_pool3d/{dn}/1x9x3x4x5", F.adaptive_avg_pool3d, x, output_size=1)
    x = data((2, 3, 4), dt, specials=False, seed=6) / 4
    x[0, 1, 2] = float("nan")
    pool_case(f"adaptive_avg_pool1d/{dn}/2x3x4nan", F.adaptive_avg_pool1d, x, output_size=1)


def sel_case(name, op, x, mask, value=None, other=None, layout=None):
    """x is the input of masked_fill (the first value of where); layout rebuilds it on the C# side."""
    if op == "masked_fill":
        y = x.masked_fill(mask, value)
    elif op == "masked_fill_":
        y = x.clone().masked_fill_(mask, value)
    else:
        y = torch.where(mask, x, other)
    rec = {"name": name, "op": op, "x": enc(x, **(layout or {})), "mask": enc(mask), "y": enc(y)}
    if value is not None:
        rec["value"] = enc_scalar(value)
    if other is not None:
        rec["other"] = enc(other)
    cases.append(rec)


g = torch.Generator().manual_seed(9)
full = (2, 2, 3, 37)
masks = {
    "full": (2, 2, 3, 37), "inner": (37,), "last1": (2, 2, 3, 1), "mid1": (2, 1, 3, 37), "first1": (1, 2, 3, 37),
    "rows": (3, 37), "col": (3, 1), "ones": (1, 1, 1, 1), "scalar": (), "mixed": (2, 1, 1, 37),
}
for dt in (torch.float32, torch.float64, torch.int64, torch.int32, torch.int16, torch.uint8, torch.bool, torch.float16):
    dn = str(dt).split(".")[1]
    x = torch.randint(0, 2 if dt == torch.bool else 100, full, generator=g).to(dt)
    value = True if dt == torch.bool else (-7 if dt != torch.uint8 else 7)
    for mn, ms in masks.items():
        m = torch.rand(ms, generator=g) > 0.5
        sel_case(f"masked_fill/{dn}/{mn}", "masked_fill", x, m, value)
        if dt in (torch.float32, torch.int64, torch.bool):
            sel_case(f"masked_fill_/{dn}/{mn}", "masked_fill_", x, m, value)
    m = torch.rand((3, 37), generator=g) > 0.5
    # transposed and strided inputs
    sel_case(f"masked_fill/{dn}/transposed", "masked_fill", x.transpose(2, 3).contiguous().transpose(2, 3), m, value, layout={"transpose": [2, 3]})
    sel_case(f"masked_fill_/{dn}/transposed", "masked_fill_", x.transpose(2, 3).contiguous().transpose(2, 3), m, value, layout={"transpose": [2, 3]})
    sel_case(f"masked_fill/{dn}/strided", "masked_fill", x, m, value, layout={"step": 2})
    # where with size-1 dims in every position on both sides
    if dt in (torch.int32, torch.int16):
        continue
    for on, os_ in (("full", full), ("inner", (37,)), ("last1", (2, 2, 3, 1)), ("ones", (1, 1, 1, 1))):
        other = torch.randint(0, 2 if dt == torch.bool else 100, os_, generator=g).to(dt)
        for mn in ("full", "inner", "last1", "mid1", "scalar"):
            m = torch.rand(masks[mn], generator=g) > 0.5
            sel_case(f"where/{dn}/{mn}/{on}", "where", x, m, other=other)
    other = torch.randint(0, 2 if dt == torch.bool else 100, full, generator=g).to(dt)
    sel_case(f"where/{dn}/transposed", "where", x.transpose(2, 3).contiguous().transpose(2, 3), m, other=other, layout={"transpose": [2, 3]})
    sel_case(f"where/{dn}/strided", "where", x, m, other=other, layout={"step": 3})

# comparisons on broadcast rows (NaN and infinities in the floating cases)
for dt in (torch.float32, torch.float64, torch.int64, torch.int16, torch.uint8):
    dn = str(dt).split(".")[1]
    x = torch.randint(0, 6, (2, 3, 37), generator=g).to(dt)
    if dt.is_floating_point:
        x.view(-1)[::7] = float("nan")
        x.view(-1)[1::11] = float("inf")
        x.view(-1)[2::13] = float("-inf")
    for on, os_ in (("inner", (37,)), ("last1", (2, 3, 1)), ("transposed", (2, 37, 3))):
        other = torch.randint(0, 6, os_, generator=g).to(dt)
        if dt.is_floating_point:
            other.view(-1)[::5] = float("nan")
            other.view(-1)[3::9] = float("inf")
        if on == "transposed":
            other = other.transpose(1, 2)
        for op in ("eq", "ne", "lt", "le", "gt", "ge"):
            rec = {"name": f"{op}/{dn}/{on}", "op": op, "x": enc(x),
                   "other": enc(other, transpose=[1, 2]) if on == "transposed" else enc(other), "y": enc(getattr(torch, op)(x, other))}
            cases.append(rec)

write("pool_paths", cases)
