"""Records PyTorch's repr(tensor) for many dtypes, values, shapes and print options.

Run: /usr/bin/python3 tools/refs/gen_printing.py  ->  tests/Flint.Tests/References/printing.json
Each tensor case: {"name", "x": enc(t), "opts": {set_printoptions kwargs}, "requires_grad": bool,
"default_dtype": "float32"|"float64", "repr": "..."}. Number-format cases ("fmt") check Python's
float repr, '{:.Nf}' and '{:.Ne}' on exact double values.
"""
import math
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
import common  # noqa: E402

DEFAULT_OPTS = dict(precision=4, threshold=1000, edgeitems=3, linewidth=80, sci_mode=None)

cases = []
names = set()


def add(name, t, opts=None, requires_grad=False, default_dtype=torch.float32, transpose=None):
    assert name not in names, name
    names.add(name)
    torch.set_default_dtype(default_dtype)
    torch.set_printoptions(profile="default")
    if opts:
        torch.set_printoptions(**opts)
    try:
        x = t.detach().clone()
        if transpose is not None:
            x = x.transpose(*transpose).contiguous().transpose(*transpose)
        if requires_grad:
            x.requires_grad_(True)
        r = repr(x)
    finally:
        torch.set_printoptions(profile="default")
        torch.set_default_dtype(torch.float32)
    c = {"name": name, "x": common.enc(t, transpose=transpose), "repr": r}
    if opts:
        c["opts"] = opts
    if requires_grad:
        c["requires_grad"] = True
    if default_dtype != torch.float32:
        c["default_dtype"] = common.DTYPE_NAMES[default_dtype]
    cases.append(c)


FLOATS = [torch.float32, torch.float64, torch.float16, torch.bfloat16]
INTS = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]
ALL = FLOATS + INTS + [torch.bool]
DN = common.DTYPE_NAMES

g = torch.Generator().manual_seed(1234)

float_values = {
    "small": [0.5, 1.25, -2.75, 3.0],
    "ints": [1.0, -2.0, 30.0, 0.0],
    "zeros": [0.0, 0.0, -0.0],
    "negzero": [-0.0, 1.5],
    "tiny": [1e-5, 2e-5, 3.5e-5],
    "huge": [1e10, 2.5e10, -3e10],
    "mixed": [1e-5, 1.0, 1e5],
    "ratio": [1.0, 1001.0],
    "ratio_frac": [0.5, 600.0],
    "big_int": [1e9, 2.0],
    "nan_inf": [float("nan"), float("inf"), -float("inf"), 1.5],
    "nan_inf_int": [float("nan"), float("inf"), 2.0, -3.0],
    "nan_only": [float("nan"), float("nan")],
    "inf_only": [float("inf"), -float("inf")],
    "halfway": [0.03125, 0.09375, 0.15625, 1.03125],
    "halfway2": [0.125, 0.375, 2.5, 0.625],
    "pi": [math.pi, -math.e, 1.0 / 3.0],
    "neg_small": [-0.001, -0.0002, 0.5],
    "min_boundary": [1e-4, 0.5],
    "under_boundary": [9.9e-5, 0.5],
    "max1e8": [1e8, 1.0],
    "over1e8": [1.5e8, 1.0],
    "round_up": [9.99996, 0.5],
    "round_sci": [9.99996e-6, 1.0],
}

int_values = {
    "small": [1, 2, 3],
    "neg": [-1, 10, -100],
    "zero": [0, 0],
    "wide": [0, 5, 127],
}

# 1-D and 0-dim, every dtype, every value group
for dt in FLOATS:
    for k, v in float_values.items():
        t = torch.tensor(v, dtype=torch.float64).to(dt)
        add(f"{DN[dt]}_{k}", t)
    add(f"{DN[dt]}_scalar", torch.tensor(8.0, dtype=dt))
    add(f"{DN[dt]}_scalar_frac", torch.tensor(3.14159, dtype=dt))
    add(f"{DN[dt]}_scalar_zero", torch.tensor(0.0, dtype=dt))
    add(f"{DN[dt]}_scalar_negzero", torch.tensor(-0.0, dtype=dt))
    add(f"{DN[dt]}_scalar_nan", torch.tensor(float("nan"), dtype=dt))
    add(f"{DN[dt]}_scalar_tiny", torch.tensor(1e-6, dtype=dt))
    add(f"{DN[dt]}_randn_2d", torch.randn(3, 4, generator=g).to(dt))
    add(f"{DN[dt]}_randn_long", torch.randn(30, generator=g).to(dt))

for dt in INTS:
    for k, v in int_values.items():
        vv = [abs(a) for a in v] if dt == torch.uint8 else v
        add(f"{DN[dt]}_{k}", torch.tensor(vv, dtype=dt))
    add(f"{DN[dt]}_scalar", torch.tensor(3, dtype=dt))
    add(f"{DN[dt]}_2d", torch.arange(12, dtype=dt).reshape(3, 4))
    add(f"{DN[dt]}_long", torch.arange(40, dtype=dt))
add("int64_extremes", torch.tensor([-(2 ** 63), 2 ** 63 - 1, 0], dtype=torch.int64))
add("int32_extremes", torch.tensor([-(2 ** 31), 2 ** 31 - 1], dtype=torch.int32))
add("int8_extremes", torch.tensor([-128, 127], dtype=torch.int8))
add("uint8_extremes", torch.tensor([0, 255], dtype=torch.uint8))
add("bool_1d", torch.tensor([True, False, True]))
add("bool_true", torch.tensor([True, True]))
add("bool_scalar", torch.tensor(True))
add("bool_scalar_false", torch.tensor(False))
add("bool_2d", torch.tensor([[True, False], [False, True]]))
add("bool_long", torch.rand(50, generator=g) > 0.5)

# empty tensors, all dtypes
for dt in ALL:
    add(f"empty_{DN[dt]}", torch.zeros(0, dtype=dt))
    add(f"empty_0x3_{DN[dt]}", torch.zeros(0, 3, dtype=dt))
add("empty_2x0x3", torch.zeros(2, 0, 3))
add("empty_3x0", torch.zeros(3, 0, dtype=torch.int32))
add("empty_rg", torch.zeros(0), requires_grad=True)
add("empty_0x3_rg_f64", torch.zeros(0, 3, dtype=torch.float64), requires_grad=True)

# shapes
add("f32_1d_long_wrap", torch.arange(60, dtype=torch.float32) * 1.5)
add("f32_1d_wrap_frac", torch.randn(40, generator=g))
add("i64_1d_long_wrap", torch.arange(100))
add("i64_1d_wide_wrap", torch.arange(50) * 1000003)
add("f32_2d", torch.arange(6, dtype=torch.float32).reshape(2, 3))
add("f32_2d_frac", torch.arange(6, dtype=torch.float32).reshape(2, 3) / 7)
add("f32_2d_wide_rows", torch.randn(3, 25, generator=g))
add("f32_3d", torch.arange(24, dtype=torch.float32).reshape(2, 3, 4))
add("f32_3d_frac", torch.randn(2, 3, 4, generator=g))
add("f32_4d", torch.arange(36, dtype=torch.float32).reshape(2, 3, 2, 3) - 10)
add("i64_3d", torch.arange(24).reshape(2, 3, 4))
add("i64_4d", torch.arange(16).reshape(2, 2, 2, 2))
add("f64_5d", torch.randn(2, 1, 2, 1, 2, generator=g, dtype=torch.float64))
add("f32_1x1", torch.tensor([[5.0]]))
add("f32_1elem", torch.tensor([5.5]))
add("f32_col", torch.arange(5, dtype=torch.float32).reshape(5, 1))
add("f32_2d_transposed", torch.randn(3, 4, generator=g), transpose=(0, 1))
add("i32_3d_transposed", torch.arange(24, dtype=torch.int32).reshape(2, 3, 4), transpose=(0, 2))
add("f32_2d_nan", torch.tensor([[float("nan"), 1.0], [2.0, float("inf")]]))
add("f32_2d_sci", torch.tensor([[1e-8, 1.0], [2.0, 3e5]]))
add("f16_3d", torch.randn(2, 2, 3, generator=g).half())
add("bf16_2d", torch.randn(3, 3, generator=g).bfloat16())

# summarization
add("sum_arange_10000", torch.arange(10000))
add("sum_arange_f32", torch.arange(2000, dtype=torch.float32))
add("sum_randn_f32", torch.randn(1500, generator=g))
add("sum_2d_100x100", torch.randn(100, 100, generator=g))
add("sum_2d_100x100_int", torch.arange(10000).reshape(100, 100))
add("sum_2d_5x300", torch.arange(1500, dtype=torch.float32).reshape(5, 300))
add("sum_2d_300x5", torch.arange(1500, dtype=torch.float64).reshape(300, 5) / 3)
add("sum_3d", torch.randn(20, 10, 10, generator=g))
add("sum_3d_int", torch.arange(8000, dtype=torch.int32).reshape(20, 20, 20))
add("sum_4d", torch.arange(2 * 10 * 10 * 11).reshape(2, 10, 10, 11).float())
add("sum_hidden_outlier", torch.cat([torch.ones(500), torch.tensor([1e6]), torch.ones(500) * 2]))
add("sum_bool", torch.arange(2000) % 3 == 0)
add("sum_f16", torch.linspace(-5, 5, 1200).half())

# print options
opt_sets = {
    "p2": dict(precision=2),
    "p8": dict(precision=8),
    "p0": dict(precision=0),
    "th5": dict(threshold=5),
    "th5_e1": dict(threshold=5, edgeitems=1),
    "e1": dict(edgeitems=1, threshold=10),
    "lw40": dict(linewidth=40),
    "lw20": dict(linewidth=20),
    "sciT": dict(sci_mode=True),
    "sciF": dict(sci_mode=False),
    "short": dict(profile="short"),
    "full": dict(profile="full"),
    "p2_sciT": dict(precision=2, sci_mode=True),
}
opt_tensors = {
    "frac": torch.tensor([1.123456789, -2.5, 3.75]),
    "ints": torch.tensor([1.0, 2.0, 300.0]),
    "sci": torch.tensor([1e-7, 1.0, 123456.0]),
    "huge_int": torch.tensor([1e10, 2.0]),
    "zeros": torch.zeros(3),
    "nanf": torch.tensor([float("nan"), 0.5, -1.25]),
    "i64": torch.arange(12),
    "long_f": torch.randn(20, generator=g),
    "mat": torch.randn(4, 5, generator=g),
    "cube": torch.arange(60, dtype=torch.float32).reshape(3, 4, 5) / 4,
    "big": torch.arange(1200).reshape(30, 40),
    "scalar": torch.tensor(2.718281828),
    "f64": torch.tensor([1.0 / 3, 2.0 / 3], dtype=torch.float64),
    "halfway": torch.tensor([0.125, 0.375, 0.625, 2.5]),
}
for on, o in opt_sets.items():
    for tn, t in opt_tensors.items():
        add(f"opt_{on}_{tn}", t, opts=o)

# suffixes
add("rg_f32", torch.tensor([1.0, 2.0]), requires_grad=True)
add("rg_f64", torch.tensor([1.0, 2.0], dtype=torch.float64), requires_grad=True)
add("rg_f16", torch.tensor([1.0, 2.5], dtype=torch.float16), requires_grad=True)
add("rg_scalar", torch.tensor(1.5), requires_grad=True)
add("rg_2d", torch.randn(3, 3, generator=g), requires_grad=True)
add("rg_long_lastline", torch.randn(14, generator=g, dtype=torch.float64), requires_grad=True)
add("rg_wrap_f64_a", torch.arange(9, dtype=torch.float64) + 0.5, requires_grad=True)
add("rg_wrap_f64_b", torch.arange(10, dtype=torch.float64) + 0.5, requires_grad=True)
add("rg_wrap_f64_c", torch.arange(8, dtype=torch.float64) + 0.5, requires_grad=True)
add("suffix_wrap_i32", torch.arange(20, dtype=torch.int32) + 1000)
add("suffix_wrap_i32_b", torch.arange(19, dtype=torch.int32) * 10000)
add("suffix_wrap_i8_lw40", torch.arange(10, dtype=torch.int8), opts=dict(linewidth=40))
add("suffix_wrap_u8_lw30", torch.arange(7, dtype=torch.uint8), opts=dict(linewidth=30))
for n in range(1, 14):
    add(f"suffix_edge_f64_{n}", torch.arange(n, dtype=torch.float64) / 4 + 10, requires_grad=True)

# default dtype float64
for k, t in {
    "f32": torch.tensor([1.5, 2.0]),
    "f64": torch.tensor([1.5, 2.0], dtype=torch.float64),
    "f16": torch.tensor([1.5, 2.0], dtype=torch.float16),
    "i64": torch.tensor([1, 2]),
    "bool": torch.tensor([True]),
    "empty_f32": torch.zeros(0),
    "empty_f64": torch.zeros(0, dtype=torch.float64),
    "empty_0x2_f64": torch.zeros(0, 2, dtype=torch.float64),
    "scalar_f64": torch.tensor(3.0, dtype=torch.float64),
}.items():
    add(f"dd64_{k}", t, default_dtype=torch.float64)
add("dd64_rg_f64", torch.tensor([1.5, 2.0], dtype=torch.float64), default_dtype=torch.float64, requires_grad=True)
add("dd64_rg_f32", torch.tensor([1.5, 2.0]), default_dtype=torch.float64, requires_grad=True)

# random stress: many random float tensors with varied magnitudes
for i in range(40):
    dt = FLOATS[i % 4]
    scale = 10.0 ** torch.randint(-8, 10, (1,), generator=g).item()
    n = int(torch.randint(1, 15, (1,), generator=g).item())
    t = torch.randn(n, generator=g, dtype=torch.float64) * scale
    if i % 5 == 0:
        t = t.round()
    t = t.to(dt)
    add(f"rand_{i}_{DN[dt]}", t)

# extremes, views and odd options
add("f16_max", torch.tensor([65504.0, -65504.0, 6e-8], dtype=torch.float16))
add("bf16_huge", torch.tensor([1e30, -3e38, 1.0], dtype=torch.bfloat16))
add("f64_subnormal", torch.tensor([5e-324, 1.0], dtype=torch.float64))
add("f64_max", torch.tensor([1.7976931348623157e308, -1.0], dtype=torch.float64))
add("f32_max", torch.tensor([3.4028234663852886e38, 1e-45]))
add("f64_int_huge", torch.tensor([1e20, 3.0], dtype=torch.float64))
add("step_f32", torch.arange(12, dtype=torch.float32).reshape(3, 4) / 8, )
cases[-1]["x"] = common.enc(torch.arange(12, dtype=torch.float32).reshape(3, 4) / 8, step=2)
add("step_i64_1d", torch.arange(0, 30, 3))
cases[-1]["x"] = common.enc(torch.arange(0, 30, 3), step=3)
add("sum_transposed", torch.randn(50, 40, generator=g), transpose=(0, 1))
add("opt_e0_1d", torch.arange(10), opts=dict(edgeitems=0, threshold=5))
add("opt_th0_scalar", torch.tensor(2.5), opts=dict(threshold=0))
add("opt_th0_vec", torch.tensor([2.5, 1.0]), opts=dict(threshold=0, edgeitems=1))
add("opt_lw5", torch.arange(5, dtype=torch.float32) / 3, opts=dict(linewidth=5))
add("opt_lw5_rg", torch.arange(5, dtype=torch.float32) / 3, opts=dict(linewidth=5), requires_grad=True)
add("opt_e2_int_3d", torch.arange(1000).reshape(10, 10, 10), opts=dict(edgeitems=2))
add("opt_e4_th50", torch.arange(100).reshape(10, 10), opts=dict(edgeitems=4, threshold=50))
add("opt_sciF_tiny", torch.tensor([1e-9, 2e-9]), opts=dict(sci_mode=False))
add("opt_sciF_huge_int2", torch.tensor([1e12, 1.0]), opts=dict(sci_mode=False))
add("opt_sciT_int", torch.tensor([1, 2, 3]), opts=dict(sci_mode=True))
add("opt_sciT_bool", torch.tensor([True, False]), opts=dict(sci_mode=True))
add("opt_p12_f64", torch.tensor([math.pi, 1e-3], dtype=torch.float64), opts=dict(precision=12))

# random stress: random shapes, dtypes, values and options
OPT_CHOICES = [None, dict(precision=2), dict(precision=6), dict(threshold=20), dict(threshold=20, edgeitems=2),
               dict(linewidth=50), dict(sci_mode=True), dict(sci_mode=False), dict(profile="short")]
for i in range(60):
    dt = ALL[i % len(ALL)]
    nd = int(torch.randint(1, 5, (1,), generator=g).item())
    shape = [int(torch.randint(1, 7, (1,), generator=g).item()) for _ in range(nd)]
    if dt.is_floating_point:
        scale = 10.0 ** torch.randint(-6, 7, (1,), generator=g).item()
        t = torch.randn(shape, generator=g, dtype=torch.float64) * scale
        if i % 3 == 0:
            t = t.round()
        if i % 7 == 0:
            t.view(-1)[0] = float("nan")
        t = t.to(dt)
    elif dt == torch.bool:
        t = torch.rand(shape, generator=g) > 0.5
    else:
        lo, hi = (0, 256) if dt == torch.uint8 else (-100, 1000)
        t = torch.randint(lo, hi, shape, generator=g).to(dt)
    o = OPT_CHOICES[i % len(OPT_CHOICES)]
    add(f"stress_{i}_{DN[dt]}", t, opts=o, requires_grad=(dt.is_floating_point and i % 4 == 1))

# number formatting (Python's float repr / '{:.Nf}' / '{:.Ne}')
rnd = random.Random(42)
fmt_values = [0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 0.03125, 1e-5, 1e16, 1e15, 123456789.0,
              1e-4, 9.5e-5, 1e300, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 0.2, 0.3,
              2.675, 1.005, 9.9999, 99.995, 0.00049999, 1 / 3, 2 / 3, math.pi, 1e22, 1e23, 123.456, -7.0]
for _ in range(300):
    kind = rnd.randrange(4)
    if kind == 0:
        v = struct.unpack("<d", struct.pack("<Q", rnd.getrandbits(64)))[0]
        if math.isnan(v) or math.isinf(v):
            continue
    elif kind == 1:
        v = rnd.uniform(-1, 1) * 10 ** rnd.randint(-12, 12)
    elif kind == 2:
        v = float(torch.tensor(rnd.uniform(-100, 100)).half().item())
    else:
        v = rnd.randint(-2000, 2000) / 2 ** rnd.randint(0, 12)
    fmt_values.append(v)
fmt = []
for v in fmt_values:
    p = [0, 1, 2, 4, 8, 12][len(fmt) % 6]
    fmt.append({"v": v.hex(), "repr": repr(v), "p": p, "f": ("{:.%df}" % p).format(v), "e": ("{:.%de}" % p).format(v),
                "f4": "{:.4f}".format(v), "e4": "{:.4e}".format(v)})

common.write("printing", cases)
path = os.path.join(common.REF_DIR, "pyformat.json")
with open(path, "w") as f:
    common.dump({"torch": torch.__version__, "cases": fmt}, f)
print(f"wrote {len(fmt)} cases to pyformat.json")
