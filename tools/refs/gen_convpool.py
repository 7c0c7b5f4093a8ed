"""Reference data for the 1-d/3-d convolutions and poolings: conv3d, conv_transpose1d/3d, max_pool3d (with indices),
avg_pool1d/3d, adaptive_avg/max_pool1d/3d, max_unpool1d/2d/3d, lp_pool1d/2d; their gradients and grad_fn names;
PyTorch's error texts; the seeded initialization, repr and state_dict of the layers.

Case format (besides common.py's tensor/outcome encoding):
  {"kind": "op", "name", "op", "args": [tensor...], "kw": {...}} + outcome, plus for float32/float64 cases
  "grad_fn" (the output's node name), "gy" (the upstream gradient) and "grads" (the gradient of sum(y * gy) for each
  floating arg, null for the others).
  {"kind": "init", "name", "seed", "params": [tensor...]}: parameters of a freshly built layer after manual_seed.
  {"kind": "repr", "name", "repr"}: str(module).
  {"kind": "state", "name", "state": {key: tensor}, "x", "out", "kw"}: a layer's state_dict, an input and the
  layer's output for it (kw: the forward's keyword arguments).
Run with /usr/bin/python3 (PyTorch 1.13).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from common import enc, write, outcome  # noqa: E402

torch.manual_seed(0)
cases = []


def with_indices(f):
    return lambda *a, **k: f(*a, return_indices=True, **k)


OPS = {
    "conv3d": F.conv3d, "conv_transpose1d": F.conv_transpose1d, "conv_transpose3d": F.conv_transpose3d,
    "max_pool3d": F.max_pool3d, "max_pool3d_with_indices": with_indices(F.max_pool3d),
    "avg_pool1d": F.avg_pool1d, "avg_pool3d": F.avg_pool3d,
    "adaptive_avg_pool1d": F.adaptive_avg_pool1d, "adaptive_avg_pool3d": F.adaptive_avg_pool3d,
    "adaptive_max_pool1d": F.adaptive_max_pool1d, "adaptive_max_pool3d": F.adaptive_max_pool3d,
    "adaptive_max_pool1d_with_indices": with_indices(F.adaptive_max_pool1d),
    "adaptive_max_pool3d_with_indices": with_indices(F.adaptive_max_pool3d),
    "max_unpool1d": F.max_unpool1d, "max_unpool2d": F.max_unpool2d, "max_unpool3d": F.max_unpool3d,
    "lp_pool1d": F.lp_pool1d, "lp_pool2d": F.lp_pool2d,
}
FLOATS = (torch.float32, torch.float64)


def rnd(shape, dtype=torch.float32):
    if dtype in (torch.int64, torch.int32, torch.uint8):
        return torch.randint(0, 5, shape).to(dtype)
    return torch.randn(shape, dtype=torch.float64).to(dtype)


def add(name, op, args, kw=None, grad=True):
    kw = kw or {}
    case = {"kind": "op", "name": name, "op": op, "args": [enc(a) for a in args]}
    if kw:
        case["kw"] = kw
    case.update(outcome(lambda: OPS[op](*args, **kw)))
    if grad and "out" in case and args[0].dtype in FLOATS:
        xs = [a.clone().requires_grad_(a.dtype in FLOATS) for a in args]
        y = OPS[op](*xs, **kw)
        if isinstance(y, tuple):
            y = y[0]
        case["grad_fn"] = type(y.grad_fn).__name__
        gy = rnd(tuple(y.shape), y.dtype)
        wrt = [a for a in xs if a.requires_grad]
        gs = iter(torch.autograd.grad((y * gy).sum(), wrt, allow_unused=True))
        case["gy"] = enc(gy)
        case["grads"] = [enc(next(gs)) if a.requires_grad else None for a in xs]
    cases.append(case)


def conv_case(name, op, xs, ws, bias=True, dtype=torch.float32, **kw):
    x, w = rnd(xs, dtype), rnd(ws, dtype)
    args = [x, w]
    if bias:
        co = ws[1] * kw.get("groups", 1) if op.startswith("conv_transpose") else ws[0]
        args.append(rnd((co,), dtype))
    add(name, op, args, kw, grad=dtype in FLOATS)


# ---- conv3d ----
conv_case("c3_basic", "conv3d", (2, 3, 5, 6, 4), (4, 3, 3, 3, 2))
conv_case("c3_nobias", "conv3d", (1, 2, 4, 4, 4), (3, 2, 2, 2, 2), bias=False)
conv_case("c3_stride_pad", "conv3d", (2, 2, 7, 6, 5), (3, 2, 3, 2, 3), stride=[2, 1, 2], padding=[1, 0, 2])
conv_case("c3_groups_dil", "conv3d", (1, 4, 7, 7, 6), (4, 2, 2, 3, 2), stride=2, padding=1, dilation=[2, 1, 2], groups=2)
conv_case("c3_depthwise", "conv3d", (2, 3, 4, 5, 4), (6, 1, 3, 3, 3), padding=1, groups=3)
conv_case("c3_1x1", "conv3d", (2, 3, 3, 4, 5), (2, 3, 1, 1, 1))
conv_case("c3_unbatched", "conv3d", (2, 4, 5, 3), (3, 2, 2, 2, 2), padding=1)
conv_case("c3_same", "conv3d", (1, 2, 5, 4, 6), (3, 2, 3, 2, 4), padding="same")
conv_case("c3_same_dil", "conv3d", (1, 2, 6, 5, 5), (2, 2, 2, 3, 2), padding="same", dilation=[2, 1, 3])
conv_case("c3_valid", "conv3d", (1, 2, 4, 5, 6), (2, 2, 3, 3, 3), padding="valid")
conv_case("c3_wide_stride", "conv3d", (1, 1, 5, 5, 5), (1, 1, 2, 2, 2), stride=4)
conv_case("c3_f64", "conv3d", (2, 2, 4, 5, 4), (3, 2, 2, 3, 2), dtype=torch.float64, stride=[1, 2, 1], padding=1)
conv_case("c3_int64", "conv3d", (1, 2, 4, 4, 4), (2, 2, 2, 2, 2), dtype=torch.int64)
conv_case("c3_bf16", "conv3d", (1, 2, 4, 4, 4), (2, 2, 2, 2, 2), dtype=torch.bfloat16)
x = rnd((1, 2, 4, 5, 6)).transpose(2, 4)
add("c3_noncontig", "conv3d", [x, rnd((2, 2, 2, 2, 2))], {"padding": 1})

# ---- conv_transpose1d ----
conv_case("ct1_basic", "conv_transpose1d", (2, 3, 7), (3, 4, 3))
conv_case("ct1_stride_outpad", "conv_transpose1d", (2, 3, 5), (3, 2, 4), stride=3, padding=1, output_padding=2)
conv_case("ct1_groups", "conv_transpose1d", (2, 4, 6), (4, 3, 3), groups=2, bias=False)
conv_case("ct1_dilation", "conv_transpose1d", (1, 2, 5), (2, 3, 3), dilation=2, stride=2, output_padding=1)
conv_case("ct1_unbatched", "conv_transpose1d", (3, 6), (3, 2, 3), padding=1)
conv_case("ct1_f64", "conv_transpose1d", (2, 2, 5), (2, 3, 4), dtype=torch.float64, stride=2, padding=1)
conv_case("ct1_int64", "conv_transpose1d", (1, 2, 4), (2, 2, 2), dtype=torch.int64, stride=2)

# ---- conv_transpose3d ----
conv_case("ct3_basic", "conv_transpose3d", (2, 3, 3, 4, 3), (3, 2, 2, 3, 2))
conv_case("ct3_stride_outpad", "conv_transpose3d", (1, 2, 3, 3, 4), (2, 3, 3, 3, 3), stride=[2, 2, 3], padding=1, output_padding=[1, 0, 2])
conv_case("ct3_groups", "conv_transpose3d", (2, 4, 3, 3, 3), (4, 2, 2, 2, 2), groups=2)
conv_case("ct3_dilation", "conv_transpose3d", (1, 2, 3, 3, 3), (2, 2, 2, 2, 3), dilation=[2, 1, 2], stride=2, output_padding=[1, 1, 0])
conv_case("ct3_unbatched", "conv_transpose3d", (2, 3, 2, 3), (2, 2, 3, 2, 2), bias=False, padding=1)
conv_case("ct3_f64", "conv_transpose3d", (1, 2, 3, 3, 2), (2, 2, 3, 2, 2), dtype=torch.float64, stride=2, padding=1)


# ---- pooling ----
def pool(name, op, shape, dtype=torch.float32, **kw):
    add(name, op, [rnd(shape, dtype)], kw, grad=dtype in FLOATS)


pool("mp3_basic", "max_pool3d", (2, 3, 4, 4, 4), kernel_size=2)
pool("mp3_k3s2p1", "max_pool3d", (1, 2, 7, 6, 5), kernel_size=3, stride=2, padding=1)
pool("mp3_ceil", "max_pool3d", (1, 2, 5, 7, 6), kernel_size=2, stride=2, ceil_mode=True)
pool("mp3_ceil_pad", "max_pool3d", (1, 1, 6, 6, 6), kernel_size=3, stride=2, padding=1, ceil_mode=True)
pool("mp3_dilation", "max_pool3d", (1, 2, 7, 7, 7), kernel_size=[2, 3, 2], stride=1, dilation=[2, 2, 3], padding=1)
pool("mp3_rect", "max_pool3d", (2, 1, 5, 7, 9), kernel_size=[1, 2, 3], stride=[1, 2, 2])
pool("mp3_stride_gt_k", "max_pool3d", (1, 2, 9, 8, 9), kernel_size=2, stride=4)
pool("mp3_unbatched", "max_pool3d", (3, 4, 4, 4), kernel_size=2)
pool("mp3_indices", "max_pool3d_with_indices", (1, 2, 5, 5, 5), kernel_size=3, stride=2, padding=1)
pool("mp3_f64", "max_pool3d", (1, 2, 4, 5, 4), dtype=torch.float64, kernel_size=2, stride=1)
xn = rnd((1, 1, 2, 2, 4)); xn[0, 0, 0, 1, 0] = float("nan"); xn[0, 0, 1, 1, 3] = float("inf")
add("mp3_nan", "max_pool3d_with_indices", [xn], {"kernel_size": 2}, grad=False)
pool("ap1_basic", "avg_pool1d", (2, 3, 8), kernel_size=2)
pool("ap1_pad", "avg_pool1d", (2, 3, 9), kernel_size=3, stride=2, padding=1)
pool("ap1_pad_excl", "avg_pool1d", (2, 3, 9), kernel_size=3, stride=2, padding=1, count_include_pad=False)
pool("ap1_ceil", "avg_pool1d", (1, 2, 10), kernel_size=3, stride=2, ceil_mode=True)
pool("ap1_stride_gt_k", "avg_pool1d", (1, 2, 11), kernel_size=2, stride=3)
pool("ap1_unbatched", "avg_pool1d", (3, 7), kernel_size=2)
pool("ap1_f64", "avg_pool1d", (2, 2, 7), dtype=torch.float64, kernel_size=3, stride=1, padding=1)
pool("ap3_basic", "avg_pool3d", (2, 3, 4, 4, 4), kernel_size=2)
pool("ap3_pad", "avg_pool3d", (1, 2, 5, 6, 7), kernel_size=3, stride=2, padding=1)
pool("ap3_pad_excl", "avg_pool3d", (1, 2, 5, 6, 7), kernel_size=3, stride=2, padding=1, count_include_pad=False)
pool("ap3_ceil", "avg_pool3d", (1, 2, 5, 7, 6), kernel_size=[3, 2, 3], stride=2, ceil_mode=True)
pool("ap3_ceil_pad_excl", "avg_pool3d", (1, 1, 6, 5, 6), kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
pool("ap3_divisor", "avg_pool3d", (1, 2, 4, 4, 5), kernel_size=[2, 2, 3], stride=1, divisor_override=5)
pool("ap3_unbatched", "avg_pool3d", (2, 4, 4, 4), kernel_size=2)
pool("ap3_f64", "avg_pool3d", (1, 2, 4, 4, 4), dtype=torch.float64, kernel_size=2, stride=1, padding=1)
pool("ap3_int64", "avg_pool3d", (1, 2, 4, 4, 4), dtype=torch.int64, kernel_size=2)
pool("aap1_basic", "adaptive_avg_pool1d", (2, 3, 10), output_size=4)
pool("aap1_up", "adaptive_avg_pool1d", (1, 2, 3), output_size=5)
pool("aap1_one", "adaptive_avg_pool1d", (2, 3, 7), output_size=1)
pool("aap1_unbatched", "adaptive_avg_pool1d", (3, 9), output_size=4)
pool("aap1_f64", "adaptive_avg_pool1d", (2, 2, 7), dtype=torch.float64, output_size=3)
pool("amp1_basic", "adaptive_max_pool1d", (2, 3, 10), output_size=4)
pool("amp1_indices", "adaptive_max_pool1d_with_indices", (2, 2, 9), output_size=4)
pool("amp1_unbatched", "adaptive_max_pool1d", (3, 8), output_size=3)
pool("aap3_basic", "adaptive_avg_pool3d", (2, 3, 5, 7, 6), output_size=[2, 3, 4])
pool("aap3_up", "adaptive_avg_pool3d", (1, 2, 2, 3, 2), output_size=4)
pool("aap3_one", "adaptive_avg_pool3d", (2, 3, 3, 4, 5), output_size=1)
pool("aap3_unbatched", "adaptive_avg_pool3d", (3, 5, 4, 6), output_size=[2, 2, 3])
pool("aap3_f64", "adaptive_avg_pool3d", (1, 2, 5, 5, 4), dtype=torch.float64, output_size=[3, 2, 3])
pool("amp3_basic", "adaptive_max_pool3d", (2, 3, 5, 7, 6), output_size=[2, 3, 4])
pool("amp3_indices", "adaptive_max_pool3d_with_indices", (1, 2, 5, 5, 5), output_size=3)
pool("amp3_unbatched", "adaptive_max_pool3d", (2, 4, 4, 6), output_size=[2, 3, 3])
pool("amp3_f64", "adaptive_max_pool3d", (1, 2, 4, 5, 6), dtype=torch.float64, output_size=[3, 2, 4])


# ---- max_unpool: the indices of a max pool over distinct values ----
def unpool(name, op, pool_fn, shape, dtype=torch.float32, pool_kw=None, **kw):
    x = torch.randperm(int(torch.tensor(shape).prod())).to(dtype).reshape(shape)
    y, i = pool_fn(x, return_indices=True, **(pool_kw or {"kernel_size": kw["kernel_size"]}))
    add(name, op, [y, i], kw, grad=dtype in FLOATS)


unpool("mu1_basic", "max_unpool1d", F.max_pool1d, (2, 3, 8), kernel_size=2)
unpool("mu1_stride", "max_unpool1d", F.max_pool1d, (1, 2, 9), pool_kw={"kernel_size": 3, "stride": 2, "padding": 1},
       kernel_size=3, stride=2, padding=1)
unpool("mu1_output_size", "max_unpool1d", F.max_pool1d, (1, 2, 9), kernel_size=2, output_size=[9])
unpool("mu1_unbatched", "max_unpool1d", F.max_pool1d, (3, 8), kernel_size=2)
unpool("mu2_basic", "max_unpool2d", F.max_pool2d, (2, 3, 4, 6), kernel_size=2)
unpool("mu2_stride_pad", "max_unpool2d", F.max_pool2d, (1, 2, 7, 7), pool_kw={"kernel_size": 3, "stride": 2, "padding": 1},
       kernel_size=3, stride=2, padding=1)
unpool("mu2_output_size", "max_unpool2d", F.max_pool2d, (1, 2, 5, 5), kernel_size=2, output_size=[5, 5])
unpool("mu2_output_size4", "max_unpool2d", F.max_pool2d, (1, 2, 5, 5), kernel_size=2, output_size=[1, 2, 5, 4])
unpool("mu2_unbatched", "max_unpool2d", F.max_pool2d, (2, 4, 4), kernel_size=2)
unpool("mu2_f64", "max_unpool2d", F.max_pool2d, (1, 2, 4, 4), dtype=torch.float64, kernel_size=2)
unpool("mu3_basic", "max_unpool3d", F.max_pool3d, (1, 2, 4, 4, 4), kernel_size=2)
unpool("mu3_output_size", "max_unpool3d", F.max_pool3d, (1, 2, 5, 4, 5), kernel_size=2, output_size=[5, 4, 5])
unpool("mu3_unbatched", "max_unpool3d", F.max_pool3d, (2, 4, 4, 2), kernel_size=2)
unpool("mu3_f64", "max_unpool3d", F.max_pool3d, (1, 1, 4, 4, 4), dtype=torch.float64, kernel_size=2)

# ---- lp_pool: positive inputs keep the fractional powers real ----
def lp(name, op, shape, norm, dtype=torch.float32, **kw):
    add(name, op, [rnd(shape, dtype).abs() + 0.1], {"norm_type": norm, **kw}, grad=dtype in FLOATS)


lp("lp1_p2", "lp_pool1d", (2, 3, 8), 2.0, kernel_size=2)
lp("lp1_p3_stride", "lp_pool1d", (1, 2, 9), 3.0, kernel_size=3, stride=2)
lp("lp1_ceil", "lp_pool1d", (1, 2, 9), 1.5, kernel_size=2, ceil_mode=True)
lp("lp2_p2", "lp_pool2d", (2, 3, 6, 6), 2.0, kernel_size=2)
lp("lp2_rect", "lp_pool2d", (1, 2, 7, 6), 3.0, kernel_size=[3, 2], stride=[2, 1])
lp("lp2_unbatched_f64", "lp_pool2d", (2, 5, 5), 2.0, dtype=torch.float64, kernel_size=2, stride=1)

# ---- errors ----
x5, w5 = rnd((2, 3, 5, 5, 5)), rnd((4, 3, 3, 3, 3))
y2, i2 = F.max_pool2d(torch.randperm(16).float().reshape(1, 1, 4, 4), 2, return_indices=True)
y3, i3 = F.max_pool3d(torch.randperm(64).float().reshape(1, 1, 4, 4, 4), 2, return_indices=True)
ERR = [
    ("e_c3_dim", "conv3d", [rnd((5, 5, 5)), w5], {}),
    ("e_c3_chan", "conv3d", [rnd((2, 5, 5, 5, 5)), w5], {}),
    ("e_c3_unb_chan", "conv3d", [rnd((5, 5, 5, 5)), w5], {}),
    ("e_c3_small", "conv3d", [rnd((1, 3, 2, 5, 5)), w5], {}),
    ("e_c3_small_dil", "conv3d", [rnd((1, 3, 4, 6, 6)), w5], {"dilation": [2, 1, 1]}),
    ("e_c3_wdim", "conv3d", [x5, rnd((4, 3, 3, 3))], {}),
    ("e_c3_groups", "conv3d", [rnd((2, 6, 4, 4, 4)), rnd((3, 3, 2, 2, 2))], {"groups": 2}),
    ("e_c3_groups_in", "conv3d", [rnd((2, 5, 4, 4, 4)), rnd((4, 2, 2, 2, 2))], {"groups": 2}),
    ("e_c3_stride2", "conv3d", [x5, w5], {"stride": [1, 2]}),
    ("e_c3_same_stride", "conv3d", [x5, w5], {"stride": 2, "padding": "same"}),
    ("e_c3_badpad", "conv3d", [x5, w5], {"padding": "full"}),
    ("e_c3_bias", "conv3d", [x5, w5, rnd((3,))], {}),
    ("e_c3_half", "conv3d", [x5.half(), w5.half()], {}),
    ("e_c3_stride0", "conv3d", [x5, w5], {"stride": 0}),
    ("e_c3_negpad", "conv3d", [x5, w5], {"padding": -1}),
    ("e_ct1_dim", "conv_transpose1d", [rnd((5, 5, 5, 5)), rnd((5, 4, 3))], {}),
    ("e_ct1_outpad", "conv_transpose1d", [rnd((2, 3, 5)), rnd((3, 4, 3))], {"output_padding": 1}),
    ("e_ct1_small", "conv_transpose1d", [rnd((1, 3, 1)), rnd((3, 4, 3))], {"padding": 2}),
    ("e_ct1_chan", "conv_transpose1d", [rnd((2, 4, 5)), rnd((3, 4, 3))], {}),
    ("e_ct1_k0", "conv_transpose1d", [rnd((2, 3, 5)), rnd((3, 4, 0))], {}),
    ("e_ct1_int32", "conv_transpose1d", [rnd((2, 3, 5)).int(), rnd((3, 4, 3)).int()], {}),
    ("e_ct3_dim", "conv_transpose3d", [rnd((5, 5, 5)), rnd((5, 4, 3, 3, 3))], {}),
    ("e_ct3_outpad", "conv_transpose3d", [x5, rnd((3, 4, 3, 3, 3))], {"output_padding": 1}),
    ("e_ct3_small", "conv_transpose3d", [rnd((1, 3, 1, 1, 1)), rnd((3, 4, 3, 3, 3))], {"padding": 2}),
    ("e_ct3_groups", "conv_transpose3d", [rnd((2, 6, 3, 3, 3)), rnd((6, 2, 2, 2, 2))], {"groups": 4}),
    ("e_ct3_bias", "conv_transpose3d", [x5, rnd((3, 4, 3, 3, 3)), rnd((3,))], {}),
    ("e_ct3_k0", "conv_transpose3d", [x5, rnd((3, 4, 0, 3, 3))], {}),
    ("e_ct3_int32", "conv_transpose3d", [x5.int(), rnd((3, 4, 3, 3, 3)).int()], {}),
    ("e_mp3_k0", "max_pool3d", [x5], {"kernel_size": 0}),
    ("e_mp3_k0_s1", "max_pool3d", [x5], {"kernel_size": 0, "stride": 1}),
    ("e_mp3_pad", "max_pool3d", [x5], {"kernel_size": 2, "padding": 2}),
    ("e_mp3_dim", "max_pool3d", [rnd((5, 5, 5))], {"kernel_size": 2}),
    ("e_mp3_small", "max_pool3d", [rnd((1, 1, 1, 1, 1))], {"kernel_size": 2}),
    ("e_mp3_s0", "max_pool3d", [x5], {"kernel_size": 2, "stride": 0}),
    ("e_mp3_d0", "max_pool3d", [x5], {"kernel_size": 2, "dilation": 0}),
    ("e_mp3_k2", "max_pool3d", [x5], {"kernel_size": [2, 2]}),
    ("e_mp3_s2", "max_pool3d", [x5], {"kernel_size": 2, "stride": [1, 1]}),
    ("e_mp3_p2", "max_pool3d", [x5], {"kernel_size": 2, "padding": [1, 1]}),
    ("e_mp3_d2", "max_pool3d", [x5], {"kernel_size": 2, "dilation": [1, 1]}),
    ("e_mp3_empty", "max_pool3d", [rnd((1, 2, 0, 3, 3))], {"kernel_size": 1}),
    ("e_mp3_long", "max_pool3d", [x5.long()], {"kernel_size": 2}),
    ("e_ap3_k0", "avg_pool3d", [x5], {"kernel_size": 0}),
    ("e_ap3_pad", "avg_pool3d", [x5], {"kernel_size": 2, "padding": 2}),
    ("e_ap3_dim", "avg_pool3d", [rnd((5, 5, 5))], {"kernel_size": 2}),
    ("e_ap3_small", "avg_pool3d", [rnd((1, 1, 1, 1, 1))], {"kernel_size": 2}),
    ("e_ap3_small_pad", "avg_pool3d", [rnd((1, 1, 1, 3, 3))], {"kernel_size": 2, "padding": 1}),
    ("e_ap3_div0", "avg_pool3d", [x5], {"kernel_size": 2, "divisor_override": 0}),
    ("e_ap3_int32", "avg_pool3d", [x5.int()], {"kernel_size": 2}),
    ("e_ap3_k2", "avg_pool3d", [x5], {"kernel_size": [2, 2]}),
    ("e_ap3_s2", "avg_pool3d", [x5], {"kernel_size": 2, "stride": [1, 1]}),
    ("e_ap3_p2", "avg_pool3d", [x5], {"kernel_size": 2, "padding": [1, 1]}),
    ("e_ap1_dim", "avg_pool1d", [rnd((8,))], {"kernel_size": 2}),
    ("e_ap1_dim4", "avg_pool1d", [rnd((1, 2, 3, 8))], {"kernel_size": 2}),
    ("e_ap1_k0", "avg_pool1d", [rnd((2, 8))], {"kernel_size": 0}),
    ("e_ap1_pad", "avg_pool1d", [rnd((2, 8))], {"kernel_size": 2, "padding": 2}),
    ("e_ap1_k2", "avg_pool1d", [rnd((2, 8))], {"kernel_size": [2, 2]}),
    ("e_ap1_s2", "avg_pool1d", [rnd((2, 8))], {"kernel_size": 2, "stride": [1, 1]}),
    ("e_ap1_small", "avg_pool1d", [rnd((2, 1))], {"kernel_size": 2}),
    ("e_ap1_int32", "avg_pool1d", [rnd((2, 8)).int()], {"kernel_size": 2}),
    ("e_aap1_dim", "adaptive_avg_pool1d", [rnd((8,))], {"output_size": 3}),
    ("e_aap1_size2", "adaptive_avg_pool1d", [rnd((2, 8))], {"output_size": [3, 3]}),
    ("e_amp1_dim", "adaptive_max_pool1d", [rnd((8,))], {"output_size": 3}),
    ("e_amp1_size2", "adaptive_max_pool1d", [rnd((2, 8))], {"output_size": [3, 3]}),
    ("e_aap3_dim", "adaptive_avg_pool3d", [rnd((5, 5))], {"output_size": 2}),
    ("e_aap3_size2", "adaptive_avg_pool3d", [x5], {"output_size": [2, 2]}),
    ("e_aap3_neg", "adaptive_avg_pool3d", [x5], {"output_size": -1}),
    ("e_aap3_empty", "adaptive_avg_pool3d", [rnd((2, 3, 0, 4, 4))], {"output_size": 2}),
    ("e_aap3_long", "adaptive_avg_pool3d", [x5.long()], {"output_size": 2}),
    ("e_amp3_dim", "adaptive_max_pool3d", [rnd((5, 5))], {"output_size": 2}),
    ("e_amp3_size2", "adaptive_max_pool3d", [x5], {"output_size": [2, 2]}),
    ("e_amp3_long", "adaptive_max_pool3d", [x5.long()], {"output_size": 2}),
    ("e_mu2_index", "max_unpool2d", [y2, i2 * 5], {"kernel_size": 2}),
    ("e_mu2_neg_index", "max_unpool2d", [y2, i2 - 10], {"kernel_size": 2}),
    ("e_mu2_output_size", "max_unpool2d", [y2, i2], {"kernel_size": 2, "output_size": [7, 7]}),
    ("e_mu2_output_len", "max_unpool2d", [y2, i2], {"kernel_size": 2, "output_size": [1, 2, 3]}),
    ("e_mu2_float_idx", "max_unpool2d", [y2, i2.float()], {"kernel_size": 2}),
    ("e_mu2_idx_shape", "max_unpool2d", [y2, i2[..., :1]], {"kernel_size": 2}),
    ("e_mu2_dim", "max_unpool2d", [y2[0, 0], i2[0, 0]], {"kernel_size": 2}),
    ("e_mu2_long", "max_unpool2d", [y2.long(), i2], {"kernel_size": 2}),
    ("e_mu3_index", "max_unpool3d", [y3, i3 * 9], {"kernel_size": 2}),
    ("e_mu3_dim", "max_unpool3d", [y3[0], i3[0]][:1] + [i3[0, 0]], {"kernel_size": 2}),
    ("e_mu1_output_size", "max_unpool1d", [rnd((1, 2, 3)), torch.zeros(1, 2, 3, dtype=torch.long)], {"kernel_size": 2, "output_size": [9]}),
]
for name, op, args, kw in ERR:
    add(name, op, args, kw, grad=False)
    assert "error" in cases[-1], name

# ---- grad_fn of the backward (double backward) ----
x = rnd((1, 2, 4, 4, 4)).requires_grad_(True)
for name, f in [("max_pool3d", lambda t: F.max_pool3d(t, 2)), ("avg_pool3d", lambda t: F.avg_pool3d(t, 2)),
                ("adaptive_avg_pool3d", lambda t: F.adaptive_avg_pool3d(t, 3)),
                ("adaptive_max_pool3d", lambda t: F.adaptive_max_pool3d(t, 3)),
                ("conv3d", lambda t: F.conv3d(t, torch.ones(2, 2, 2, 2, 2, requires_grad=True)))]:
    g, = torch.autograd.grad(f(x).sum(), [x], create_graph=True)
    cases.append({"kind": "grad_fn2", "name": name, "grad_fn": type(g.grad_fn).__name__})

# ---- layer init, repr and state_dict ----
INIT = {
    "conv3d_2_4_3": lambda: nn.Conv3d(2, 4, 3),
    "conv3d_4_6_g2_nobias": lambda: nn.Conv3d(4, 6, (2, 3, 1), groups=2, bias=False),
    "convT1d_3_4_3_s2": lambda: nn.ConvTranspose1d(3, 4, 3, stride=2),
    "convT3d_2_4_2_g2": lambda: nn.ConvTranspose3d(2, 4, 2, groups=2),
}
for name, f in INIT.items():
    torch.manual_seed(0)
    m = f()
    cases.append({"kind": "init", "name": name, "seed": 0, "params": [enc(p) for p in m.parameters()]})

REPR = {
    "conv3d": nn.Conv3d(2, 4, 3),
    "conv3d_full": nn.Conv3d(4, 8, (3, 5, 2), stride=(2, 1, 1), padding=(1, 2, 0), dilation=2, groups=2, bias=False),
    "conv3d_same": nn.Conv3d(3, 3, 3, padding="same"),
    "convT1d": nn.ConvTranspose1d(2, 4, 3, stride=2),
    "convT3d": nn.ConvTranspose3d(2, 4, 3, output_padding=1, stride=2),
    "maxpool3d": nn.MaxPool3d(2),
    "maxpool3d_full": nn.MaxPool3d((3, 2, 2), stride=(2, 1, 1), padding=1, dilation=2, ceil_mode=True),
    "avgpool1d": nn.AvgPool1d(3),
    "avgpool1d_full": nn.AvgPool1d(3, stride=2, padding=1),
    "avgpool3d": nn.AvgPool3d(2, stride=1),
    "adaptiveavg1d": nn.AdaptiveAvgPool1d(3),
    "adaptiveavg3d": nn.AdaptiveAvgPool3d((2, 3, 4)),
    "adaptivemax1d": nn.AdaptiveMaxPool1d(2),
    "adaptivemax3d": nn.AdaptiveMaxPool3d(2),
    "maxunpool1d": nn.MaxUnpool1d(2),
    "maxunpool2d": nn.MaxUnpool2d(2),
    "maxunpool3d": nn.MaxUnpool3d(2, stride=1),
    "lppool1d": nn.LPPool1d(2, 3),
    "lppool2d": nn.LPPool2d(2, 3, stride=2),
}
for name, m in REPR.items():
    cases.append({"kind": "repr", "name": name, "repr": str(m)})

STATE = [
    ("conv3d", lambda: nn.Conv3d(2, 3, (2, 3, 2), stride=(1, 2, 1), padding=1), (2, 2, 4, 5, 4), {}),
    ("convT1d", lambda: nn.ConvTranspose1d(3, 4, 3, stride=2, padding=1, groups=1), (2, 3, 6), {}),
    ("convT1d_output_size", lambda: nn.ConvTranspose1d(3, 4, 3, stride=2, padding=1), (2, 3, 6), {"output_size": [12]}),
    ("convT3d", lambda: nn.ConvTranspose3d(2, 4, 2, stride=2, groups=2), (1, 2, 3, 2, 3), {}),
    ("convT3d_output_size", lambda: nn.ConvTranspose3d(2, 2, 3, stride=2, padding=1), (1, 2, 3, 3, 3), {"output_size": [1, 2, 6, 5, 6]}),
]
for name, f, shape, kw in STATE:
    torch.manual_seed(7)
    m = f()
    x = rnd(shape)
    rec = {"kind": "state", "name": name, "state": {k: enc(v) for k, v in m.state_dict().items()}, "x": enc(x), "kw": kw}
    rec.update(outcome(lambda: m(x, **kw)))
    cases.append(rec)
rec = {"kind": "state_error", "name": "convT2d_output_size_bad"}
m = nn.ConvTranspose2d(2, 2, 3, stride=2)
rec.update(outcome(lambda: m(rnd((1, 2, 3, 3)), output_size=[9, 9])))
cases.append(rec)
rec = {"kind": "state_error", "name": "convT1d_reflect"}
rec.update(outcome(lambda: nn.ConvTranspose1d(2, 2, 3, padding_mode="reflect")))
cases.append(rec)

write("convpool", cases)
