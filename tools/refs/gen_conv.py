"""Reference data for convolution and pooling: conv1d, conv2d, conv_transpose2d, max_pool1d/2d (with indices),
avg_pool2d, adaptive_avg_pool2d, adaptive_max_pool2d; their gradients; PyTorch's error texts; the seeded
initialization and repr of the nn layers.

Case format (besides common.py's tensor/outcome encoding):
  {"kind": "op", "name", "op", "args": [tensor...], "kw": {...}} + outcome, plus for float32/float64 cases
  "gy" (the upstream gradient) and "grads" (the gradient of sum(y * gy) for each float arg: input, weight, bias).
  {"kind": "init", "name", "seed", "params": [tensor...]}: parameters of a freshly built layer after manual_seed.
  {"kind": "repr", "name", "repr"}: str(module).
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

OPS = {
    "conv1d": F.conv1d, "conv2d": F.conv2d, "conv_transpose2d": F.conv_transpose2d,
    "max_pool1d": F.max_pool1d, "max_pool2d": F.max_pool2d,
    "max_pool1d_with_indices": lambda *a, **k: F.max_pool1d(*a, return_indices=True, **k),
    "max_pool2d_with_indices": lambda *a, **k: F.max_pool2d(*a, return_indices=True, **k),
    "avg_pool2d": F.avg_pool2d, "adaptive_avg_pool2d": F.adaptive_avg_pool2d,
    "adaptive_max_pool2d": F.adaptive_max_pool2d,
    "adaptive_max_pool2d_with_indices": lambda *a, **k: F.adaptive_max_pool2d(*a, return_indices=True, **k),
}


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
    floats = [a.dtype in (torch.float32, torch.float64) for a in args]
    if grad and "out" in case and all(floats):
        xs = [a.clone().requires_grad_(True) for a in args]
        y = OPS[op](*xs, **kw)
        if isinstance(y, tuple):
            y = y[0]
        gy = rnd(tuple(y.shape), y.dtype)
        gs = torch.autograd.grad((y * gy).sum(), xs, allow_unused=True)
        case["gy"] = enc(gy)
        case["grads"] = [enc(g) if g is not None else None for g in gs]
    cases.append(case)


def conv_case(name, op, xs, ws, bias=True, dtype=torch.float32, **kw):
    x, w = rnd(xs, dtype), rnd(ws, dtype)
    args = [x, w]
    if bias:
        co = ws[1] * kw.get("groups", 1) if op == "conv_transpose2d" else ws[0]
        args.append(rnd((co,), dtype))
    add(name, op, args, kw, grad=dtype in (torch.float32, torch.float64))


# ---- conv2d ----
conv_case("c2_basic", "conv2d", (2, 3, 7, 7), (4, 3, 3, 3))
conv_case("c2_nobias", "conv2d", (2, 3, 7, 7), (4, 3, 3, 3), bias=False)
conv_case("c2_stride_pad", "conv2d", (3, 3, 8, 9), (6, 3, 3, 2), stride=[2, 1], padding=[1, 0])
conv_case("c2_groups_dil", "conv2d", (1, 4, 9, 9), (4, 2, 3, 3), stride=2, padding=1, dilation=2, groups=2)
conv_case("c2_depthwise", "conv2d", (2, 4, 5, 5), (8, 1, 3, 3), bias=False, padding=1, groups=4)
conv_case("c2_1x1", "conv2d", (2, 3, 5, 5), (4, 3, 1, 1))
conv_case("c2_1x1_b1", "conv2d", (1, 3, 5, 6), (4, 3, 1, 1))
conv_case("c2_b1", "conv2d", (1, 2, 6, 5), (3, 2, 2, 3), padding=[1, 2])
conv_case("c2_unbatched", "conv2d", (3, 6, 6), (2, 3, 3, 3), padding=1)
conv_case("c2_same_odd", "conv2d", (2, 2, 6, 7), (3, 2, 3, 3), padding="same")
conv_case("c2_same_even_dil", "conv2d", (2, 2, 7, 6), (3, 2, 4, 2), padding="same", dilation=[1, 2])
conv_case("c2_valid", "conv2d", (2, 2, 6, 7), (3, 2, 3, 3), padding="valid")
conv_case("c2_stride3", "conv2d", (2, 3, 10, 11), (2, 3, 3, 3), stride=3, padding=2)
conv_case("c2_full_kernel", "conv2d", (3, 2, 4, 4), (5, 2, 4, 4))
conv_case("c2_wide_stride", "conv2d", (1, 1, 5, 5), (1, 1, 2, 2), stride=4)
conv_case("c2_f64", "conv2d", (2, 3, 6, 6), (4, 3, 3, 3), dtype=torch.float64, stride=2, padding=1)
conv_case("c2_bf16", "conv2d", (2, 3, 6, 6), (4, 3, 3, 3), dtype=torch.bfloat16, padding=1)
conv_case("c2_int64", "conv2d", (2, 3, 6, 6), (4, 3, 3, 3), dtype=torch.int64, padding=1)
conv_case("c2_int32", "conv2d", (1, 2, 5, 5), (2, 2, 3, 3), bias=False, dtype=torch.int32)
conv_case("c2_cnn_like", "conv2d", (2, 1, 14, 14), (8, 1, 3, 3), padding=1)
x = rnd((2, 3, 7, 8)).transpose(2, 3)
add("c2_noncontig", "conv2d", [x, rnd((4, 3, 3, 3))], {"padding": 1})

# ---- conv1d ----
conv_case("c1_basic", "conv1d", (2, 3, 10), (4, 3, 3))
conv_case("c1_sdp", "conv1d", (2, 3, 12), (4, 3, 3), stride=2, padding=1, dilation=2)
conv_case("c1_groups", "conv1d", (2, 6, 9), (3, 2, 4), groups=3)
conv_case("c1_unbatched", "conv1d", (3, 8), (2, 3, 3), padding=1)
conv_case("c1_same_even", "conv1d", (2, 2, 7), (3, 2, 4), padding="same")
conv_case("c1_f64", "conv1d", (2, 3, 10), (4, 3, 5), dtype=torch.float64, stride=3)

# ---- conv_transpose2d ----
conv_case("ct_basic", "conv_transpose2d", (2, 3, 5, 5), (3, 4, 3, 3))
conv_case("ct_stride_outpad", "conv_transpose2d", (2, 3, 4, 5), (3, 2, 3, 3), stride=2, padding=1, output_padding=1)
conv_case("ct_groups", "conv_transpose2d", (2, 4, 4, 4), (4, 3, 3, 3), groups=2)
conv_case("ct_dilation", "conv_transpose2d", (1, 2, 4, 4), (2, 3, 2, 3), dilation=2, stride=[1, 2], output_padding=[0, 1])
conv_case("ct_unbatched", "conv_transpose2d", (3, 4, 4), (3, 2, 3, 3), bias=False, padding=1)
conv_case("ct_1x1", "conv_transpose2d", (1, 3, 4, 4), (3, 5, 1, 1))
conv_case("ct_f64", "conv_transpose2d", (2, 2, 3, 3), (2, 3, 4, 4), dtype=torch.float64, stride=2, padding=1)
conv_case("ct_int64", "conv_transpose2d", (1, 2, 3, 3), (2, 2, 2, 2), dtype=torch.int64, stride=2)

# ---- pooling ----
def pool(name, op, shape, dtype=torch.float32, **kw):
    add(name, op, [rnd(shape, dtype)], kw, grad=dtype in (torch.float32, torch.float64))


pool("mp2_basic", "max_pool2d", (2, 3, 8, 8), kernel_size=2)
pool("mp2_k3s2p1", "max_pool2d", (2, 3, 7, 7), kernel_size=3, stride=2, padding=1)
pool("mp2_ceil", "max_pool2d", (1, 2, 7, 7), kernel_size=2, stride=2, ceil_mode=True)
pool("mp2_ceil_pad", "max_pool2d", (1, 2, 6, 6), kernel_size=3, stride=2, padding=1, ceil_mode=True)
pool("mp2_dilation", "max_pool2d", (2, 2, 9, 9), kernel_size=3, stride=1, dilation=2, padding=1)
pool("mp2_rect", "max_pool2d", (2, 2, 7, 9), kernel_size=[2, 3], stride=[1, 2])
pool("mp2_unbatched", "max_pool2d", (3, 6, 6), kernel_size=2)
pool("mp2_indices", "max_pool2d_with_indices", (2, 2, 7, 7), kernel_size=3, stride=2, padding=1)
pool("mp2_indices_ceil", "max_pool2d_with_indices", (1, 2, 5, 5), kernel_size=2, ceil_mode=True)
pool("mp2_f64", "max_pool2d", (2, 2, 6, 6), dtype=torch.float64, kernel_size=2, stride=1)
pool("mp2_bf16", "max_pool2d", (2, 2, 6, 6), dtype=torch.bfloat16, kernel_size=2)
xn = rnd((1, 1, 4, 4)); xn[0, 0, 0, 1] = float("nan"); xn[0, 0, 3, 3] = float("-inf"); xn[0, 0, 2, 2] = float("inf")
add("mp2_nan", "max_pool2d_with_indices", [xn], {"kernel_size": 2}, grad=False)
pool("mp1_basic", "max_pool1d", (2, 3, 9), kernel_size=3, stride=2, padding=1, ceil_mode=True)
pool("mp1_indices", "max_pool1d_with_indices", (2, 3, 10), kernel_size=2)
pool("mp1_unbatched", "max_pool1d", (3, 9), kernel_size=3, dilation=2)
pool("ap2_basic", "avg_pool2d", (2, 3, 8, 8), kernel_size=2)
pool("ap2_pad", "avg_pool2d", (2, 3, 7, 7), kernel_size=3, stride=2, padding=1)
pool("ap2_pad_excl", "avg_pool2d", (2, 3, 7, 7), kernel_size=3, stride=2, padding=1, count_include_pad=False)
pool("ap2_ceil", "avg_pool2d", (1, 2, 7, 7), kernel_size=3, stride=2, ceil_mode=True)
pool("ap2_ceil_pad_excl", "avg_pool2d", (1, 2, 6, 5), kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
pool("ap2_divisor", "avg_pool2d", (2, 2, 6, 6), kernel_size=[2, 3], stride=1, divisor_override=3)
pool("ap2_unbatched", "avg_pool2d", (3, 6, 6), kernel_size=2)
pool("ap2_f64", "avg_pool2d", (2, 2, 5, 5), dtype=torch.float64, kernel_size=2, stride=1, padding=1)
pool("ap2_int64", "avg_pool2d", (1, 2, 4, 4), dtype=torch.int64, kernel_size=2)
pool("ap2_bf16", "avg_pool2d", (1, 2, 4, 4), dtype=torch.bfloat16, kernel_size=2)
pool("aap_basic", "adaptive_avg_pool2d", (2, 3, 7, 9), output_size=[3, 4])
pool("aap_up", "adaptive_avg_pool2d", (1, 2, 3, 3), output_size=5)
pool("aap_one", "adaptive_avg_pool2d", (2, 3, 5, 5), output_size=1)
pool("aap_unbatched", "adaptive_avg_pool2d", (3, 5, 6), output_size=[2, 3])
pool("aap_f64", "adaptive_avg_pool2d", (2, 2, 6, 7), dtype=torch.float64, output_size=[4, 3])
pool("amp_basic", "adaptive_max_pool2d", (2, 3, 7, 9), output_size=[3, 4])
pool("amp_indices", "adaptive_max_pool2d_with_indices", (2, 2, 5, 5), output_size=3)

# ---- errors ----
x4, w4 = rnd((2, 3, 8, 8)), rnd((4, 3, 3, 3))
ERR = [
    ("e_chan", "conv2d", [rnd((2, 5, 8, 8)), w4], {}),
    ("e_dim2", "conv2d", [rnd((8, 8)), w4], {}),
    ("e_dim5", "conv2d", [rnd((1, 2, 3, 8, 8)), w4], {}),
    ("e_wdim", "conv2d", [x4, rnd((4, 3, 3))], {}),
    ("e_small", "conv2d", [rnd((1, 3, 2, 2)), w4], {}),
    ("e_small_dil", "conv2d", [rnd((1, 3, 4, 4)), w4], {"dilation": 2}),
    ("e_stride0", "conv2d", [x4, w4], {"stride": 0}),
    ("e_negpad", "conv2d", [x4, w4], {"padding": -1}),
    ("e_dil0", "conv2d", [x4, w4], {"dilation": 0}),
    ("e_same_stride", "conv2d", [x4, w4], {"stride": 2, "padding": "same"}),
    ("e_badpad", "conv2d", [x4, w4], {"padding": "foo"}),
    ("e_groups", "conv2d", [rnd((2, 6, 8, 8)), rnd((3, 3, 3, 3))], {"groups": 2}),
    ("e_groups0", "conv2d", [x4, w4], {"groups": 0}),
    ("e_bias", "conv2d", [x4, w4, rnd((3,))], {}),
    ("e_bias2d", "conv2d", [x4, w4, rnd((4, 1))], {}),
    ("e_dtype", "conv2d", [x4.double(), w4], {}),
    ("e_dtype_bias", "conv2d", [x4, w4, rnd((4,)).double()], {}),
    ("e_stride3", "conv2d", [x4, w4], {"stride": [1, 2, 3]}),
    ("e_half", "conv2d", [x4.half(), w4.half()], {}),
    ("e_c1_dim", "conv1d", [rnd((2, 3, 4, 5)), rnd((4, 3, 3))], {}),
    ("e_c1_w", "conv1d", [rnd((2, 3, 8)), w4], {}),
    ("e_c1_chan", "conv1d", [rnd((2, 5, 8)), rnd((4, 3, 3))], {}),
    ("e_c1_unb_chan", "conv1d", [rnd((5, 8)), rnd((4, 3, 3))], {}),
    ("e_c2_unb_chan", "conv2d", [rnd((5, 8, 8)), w4], {}),
    ("e_ct_outpad", "conv_transpose2d", [x4, rnd((3, 4, 3, 3))], {"output_padding": 1}),
    ("e_ct_chan", "conv_transpose2d", [x4, rnd((4, 4, 3, 3))], {}),
    ("e_ct_groups", "conv_transpose2d", [rnd((2, 6, 8, 8)), rnd((6, 2, 3, 3))], {"groups": 4}),
    ("e_ct_bias", "conv_transpose2d", [x4, rnd((3, 4, 3, 3)), rnd((3,))], {}),
    ("e_ct_dim", "conv_transpose2d", [rnd((8, 8)), rnd((3, 4, 3, 3))], {}),
    ("e_ct_small", "conv_transpose2d", [rnd((1, 3, 1, 1)), rnd((3, 4, 3, 3))], {"padding": 2}),
    ("e_ct_int32", "conv_transpose2d", [x4.int(), rnd((3, 4, 3, 3)).int()], {}),
    ("e_mp_k0", "max_pool2d", [x4], {"kernel_size": 0}),
    ("e_mp_k0_s1", "max_pool2d", [x4], {"kernel_size": 0, "stride": 1}),
    ("e_mp_pad", "max_pool2d", [x4], {"kernel_size": 2, "padding": 2}),
    ("e_mp_dim", "max_pool2d", [rnd((8, 8))], {"kernel_size": 2}),
    ("e_mp_small", "max_pool2d", [rnd((1, 1, 1, 1))], {"kernel_size": 2}),
    ("e_mp_small3", "max_pool2d", [rnd((2, 1, 1))], {"kernel_size": 2}),
    ("e_mp_s0", "max_pool2d", [x4], {"kernel_size": 2, "stride": 0}),
    ("e_mp_d0", "max_pool2d", [x4], {"kernel_size": 2, "dilation": 0}),
    ("e_mp_k3", "max_pool2d", [x4], {"kernel_size": [2, 2, 2]}),
    ("e_mp_s3", "max_pool2d", [x4], {"kernel_size": 2, "stride": [1, 1, 1]}),
    ("e_mp_long", "max_pool2d", [x4.long()], {"kernel_size": 2}),
    ("e_mp1_dim", "max_pool1d", [rnd((8,))], {"kernel_size": 2}),
    ("e_mp1_pad", "max_pool1d", [rnd((2, 8))], {"kernel_size": 2, "padding": 2}),
    ("e_mp1_k0", "max_pool1d", [rnd((2, 8))], {"kernel_size": 0}),
    ("e_ap_pad", "avg_pool2d", [x4], {"kernel_size": 2, "padding": 2}),
    ("e_ap_dim", "avg_pool2d", [rnd((8, 8))], {"kernel_size": 2}),
    ("e_ap_small", "avg_pool2d", [rnd((1, 1, 1, 1))], {"kernel_size": 2}),
    ("e_ap_k0", "avg_pool2d", [x4], {"kernel_size": 0}),
    ("e_ap_div0", "avg_pool2d", [x4], {"kernel_size": 2, "divisor_override": 0}),
    ("e_ap_int32", "avg_pool2d", [x4.int()], {"kernel_size": 2}),
    ("e_aap_dim", "adaptive_avg_pool2d", [rnd((8, 8))], {"output_size": 2}),
    ("e_aap_neg", "adaptive_avg_pool2d", [x4], {"output_size": -1}),
    ("e_aap_empty", "adaptive_avg_pool2d", [rnd((2, 3, 0, 4))], {"output_size": 2}),
    ("e_aap_3", "adaptive_avg_pool2d", [x4], {"output_size": [1, 2, 3]}),
    ("e_amp_dim", "adaptive_max_pool2d", [rnd((8, 8))], {"output_size": 2}),
    ("e_amp_long", "adaptive_max_pool2d", [x4.long()], {"output_size": 2}),
]
for name, op, args, kw in ERR:
    add(name, op, args, kw, grad=False)
    assert "error" in cases[-1], name

# ---- layer init and repr ----
INIT = {
    "conv2d_1_32_3_p1": lambda: nn.Conv2d(1, 32, 3, padding=1),
    "conv2d_8_16_3_p1": lambda: nn.Conv2d(8, 16, 3, padding=1),
    "conv1d_4_6_3_g2": lambda: nn.Conv1d(4, 6, 3, groups=2),
    "convT2d_3_4_3_s2": lambda: nn.ConvTranspose2d(3, 4, 3, stride=2),
    "conv2d_nobias": lambda: nn.Conv2d(2, 3, (2, 3), bias=False),
}
for name, f in INIT.items():
    torch.manual_seed(0)
    m = f()
    cases.append({"kind": "init", "name": name, "seed": 0, "params": [enc(p) for p in m.parameters()]})

REPR = {
    "conv2d_1_32_3_p1": nn.Conv2d(1, 32, 3, padding=1),
    "conv2d_full": nn.Conv2d(4, 8, (3, 5), stride=(2, 1), padding=(1, 2), dilation=2, groups=2, bias=False),
    "conv2d_same": nn.Conv2d(3, 3, 3, padding="same"),
    "conv1d": nn.Conv1d(16, 33, 3, stride=2),
    "convT2d": nn.ConvTranspose2d(16, 33, 3, stride=2, padding=1, output_padding=1),
    "maxpool2d": nn.MaxPool2d(2),
    "maxpool2d_full": nn.MaxPool2d((3, 2), stride=(2, 1), padding=1, dilation=2, ceil_mode=True),
    "maxpool1d": nn.MaxPool1d(3, stride=2),
    "avgpool2d": nn.AvgPool2d(3, stride=2, padding=1),
    "adaptiveavg": nn.AdaptiveAvgPool2d((5, 7)),
    "adaptiveavg1": nn.AdaptiveAvgPool2d(1),
    "adaptivemax": nn.AdaptiveMaxPool2d(3),
    "cnn": nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1),
                         nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10)),
}
for name, m in REPR.items():
    cases.append({"kind": "repr", "name": name, "repr": str(m)})

write("conv", cases)
