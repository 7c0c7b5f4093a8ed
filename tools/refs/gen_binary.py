"""Reference data for binary/ternary elementwise ops, type promotion, out= and in-place rules.

Run: /usr/bin/python3 tools/refs/gen_binary.py  ->  tests/Flint.Tests/References/binary.json

Case record:
  {"name", "op", "mode": "fn" | "method" | "inplace" | "out" | "op",
   "args": [tensor-or-scalar, ...], "kw": {name: tensor/scalar/string/null}, "out_init": tensor (mode out),
   outcome: {"out": ...} | {"error": ..., "type": ...}, "after": tensor (in-place/out errors: target afterwards)}
  mode "op" replays Python's operator (+ - * / % ** == != < <= > >= & | ^ ~ << >>) with the C# operator.
  Results that are dtypes are encoded as {"dtype_result": "float32"}.
"""
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
from common import enc, write  # noqa: E402

warnings.filterwarnings("ignore")
NAN, INF = float("nan"), float("inf")

ALL = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
       torch.float16, torch.float32, torch.float64, torch.bool, torch.bfloat16]
DN = {torch.float32: "float32", torch.float64: "float64", torch.float16: "float16", torch.bfloat16: "bfloat16",
      torch.int64: "int64", torch.int32: "int32", torch.int16: "int16", torch.int8: "int8", torch.uint8: "uint8",
      torch.bool: "bool"}

FLOAT_A = [0.0, -0.0, 1.5, -2.5, NAN, INF, -INF, 3.0, -7.25, 0.5, 100.0, 5.0]
FLOAT_B = [-0.0, 2.0, NAN, 0.0, -1.5, INF, 3.0, -INF, 0.25, -4.0, 7.0, 5.0]
INT_A = {
    torch.uint8: [0, 1, 255, 128, 7, 200, 3, 100, 64, 250, 9, 17],
    torch.int8: [0, 127, -128, -7, 7, 100, -100, 3, -1, 64, 5, -3],
    torch.int16: [0, 32767, -32768, -7, 7, 300, -300, 3, -1, 128, 5, -3],
    torch.int32: [0, 2147483647, -2147483648, -7, 7, 70000, -70000, 3, -1, 128, 5, -3],
    torch.int64: [0, 9223372036854775807, -9223372036854775808, -7, 7, 70000, -70000, 3, -1, 128, 5, -3],
}
INT_B = {
    torch.uint8: [3, 1, 2, 255, 200, 7, 128, 5, 2, 10, 9, 1],
    torch.int8: [3, 1, 2, -1, -2, 127, -128, -5, 7, 2, 5, 4],
    torch.int16: [3, 1, 2, -1, -2, 32767, -32768, -5, 7, 2, 5, 4],
    torch.int32: [3, 1, 2, -1, -2, 2147483647, -2147483648, -5, 7, 2, 5, 4],
    torch.int64: [3, 1, 2, -1, -2, 9223372036854775807, -9223372036854775808, -5, 7, 2, 5, 4],
}
BOOL_A = [True, False, True, False, True, True, False, False, True, False, True, False]
BOOL_B = [True, True, False, False, True, False, True, False, False, True, True, False]
SHIFT_B = [0, 1, 3, 7, 2, 5, 6, 4, 1, 0, 3, 2]  # in range for int8: 1.13 leaves other amounts undefined


def mk(dt, which="a", shape=(2, 3)):
    n = 1
    for s in shape:
        n *= s
    if dt.is_floating_point:
        v = FLOAT_A if which == "a" else FLOAT_B
    elif dt == torch.bool:
        v = BOOL_A if which == "a" else BOOL_B
    elif which == "shift":
        v = [s if dt != torch.uint8 else abs(s) for s in SHIFT_B]
    else:
        v = INT_A[dt] if which == "a" else INT_B[dt]
    v = (v * ((n // len(v)) + 1))[:n]
    return torch.tensor(v, dtype=dt).reshape(shape)


cases = []


def arg(x):
    if isinstance(x, torch.Tensor):
        return enc(x)
    if isinstance(x, dict):
        return x
    return enc(x)


def kwenc(kw):
    r = {}
    for k, v in kw.items():
        if v is None or isinstance(v, str):
            r[k] = v
        else:
            r[k] = arg(v)
    return r


def result_enc(r):
    if isinstance(r, torch.dtype):
        return {"dtype_result": DN[r]}
    if isinstance(r, (tuple, list)):
        return [enc(x) for x in r]
    return enc(r)


def clone(x):
    return x.clone() if isinstance(x, torch.Tensor) else x


def add_case(name, op, fn, args, kw=None, mode="fn", out_init=None, args_enc=None):
    """fn(*args, **kw) is PyTorch's call; args are recorded before the call (cloned)."""
    kw = kw or {}
    rec = {"name": name, "op": op, "mode": mode,
           "args": args_enc if args_enc is not None else [arg(a) for a in args], "kw": kwenc(kw)}
    args = [clone(a) for a in args]
    target = None
    if mode == "out":
        rec["out_init"] = enc(out_init)
        target = out_init.clone()
        kw = dict(kw, out=target)
    elif mode == "inplace":
        target = args[0]
    try:
        r = fn(*args, **kw)
        if mode in ("out", "inplace"):
            assert r is target
        rec["out"] = result_enc(r)
    except Exception as e:  # noqa: BLE001
        rec["error"] = str(e).split("\n")[0]
        rec["type"] = type(e).__name__
        if target is not None:
            rec["after"] = enc(target)
    cases.append(rec)


def T(name):
    return getattr(torch, name)


def M(name):
    return lambda s, *a, **k: getattr(s, name)(*a, **k)


# ---------------------------------------------------------------- op tables
# (op, torch fn, in-place method name or None, kind) kind: "div" => integer divisor must be nonzero,
# "shift" => rhs is a shift amount
BIN = [
    ("add", torch.add, "add_", ""), ("sub", torch.sub, "sub_", ""), ("mul", torch.mul, "mul_", ""),
    ("div", torch.div, "div_", ""),
    ("div_trunc", lambda a, b, **k: torch.div(a, b, rounding_mode="trunc", **k),
     None, "div"),
    ("div_floor", lambda a, b, **k: torch.div(a, b, rounding_mode="floor", **k), None, "div"),
    ("floor_divide", torch.floor_divide, "floor_divide_", "div"),
    ("remainder", torch.remainder, "remainder_", "div"), ("fmod", torch.fmod, "fmod_", "div"),
    ("pow", torch.pow, "pow_", "pow"),
    ("eq", torch.eq, "eq_", ""), ("ne", torch.ne, "ne_", ""), ("lt", torch.lt, "lt_", ""),
    ("le", torch.le, "le_", ""), ("gt", torch.gt, "gt_", ""), ("ge", torch.ge, "ge_", ""),
    ("logical_and", torch.logical_and, "logical_and_", ""), ("logical_or", torch.logical_or, "logical_or_", ""),
    ("logical_xor", torch.logical_xor, "logical_xor_", ""),
    ("maximum", torch.maximum, None, ""), ("minimum", torch.minimum, None, ""),
    ("fmax", torch.fmax, None, ""), ("fmin", torch.fmin, None, ""),
    ("atan2", torch.atan2, "atan2_", ""), ("hypot", torch.hypot, "hypot_", ""),
    ("copysign", torch.copysign, "copysign_", ""),
    ("bitwise_and", torch.bitwise_and, "bitwise_and_", ""), ("bitwise_or", torch.bitwise_or, "bitwise_or_", ""),
    ("bitwise_xor", torch.bitwise_xor, "bitwise_xor_", ""),
    ("bitwise_left_shift", torch.bitwise_left_shift, "bitwise_left_shift_", "shift"),
    ("bitwise_right_shift", torch.bitwise_right_shift, "bitwise_right_shift_", "shift"),
    ("logaddexp", torch.logaddexp, None, ""), ("logaddexp2", torch.logaddexp2, None, ""),
]
INPLACE_OF = {"div_trunc": "div_", "div_floor": "div_"}
KW_OF = {"div_trunc": {"rounding_mode": "trunc"}, "div_floor": {"rounding_mode": "floor"}}


def rhs(dt, kind, shape=(2, 3)):
    if kind == "shift" and not dt.is_floating_point and dt != torch.bool:
        return mk(dt, "shift", shape)
    if kind == "pow" and not dt.is_floating_point and dt != torch.bool:
        v = [0, 1, 2, 3, 5, 7, 2, 1, 0, 3, 4, 2]
        n = 1
        for s in shape:
            n *= s
        return torch.tensor((v * 2)[:n], dtype=dt).reshape(shape)
    return mk(dt, "b", shape)


# 1. every op x every dtype (same dtype both sides)
for op, fn, _, kind in BIN:
    for dt in ALL:
        add_case(f"{op}/{DN[dt]}", op, fn, [mk(dt), rhs(dt, kind)])

# 2. add: every dtype pair (promotion), broadcast (3,) with (2,3)
for da in ALL:
    for db in ALL:
        add_case(f"add/pair/{DN[da]}+{DN[db]}", "add", torch.add, [mk(da, "a", (3,)), rhs(db, "", (2, 3))])
        add_case(f"result_type/{DN[da]}/{DN[db]}", "result_type", torch.result_type,
                 [torch.ones(2, dtype=da), torch.ones(2, dtype=db)])
        add_case(f"result_type0d/{DN[da]}/{DN[db]}", "result_type", torch.result_type,
                 [torch.ones(2, dtype=da), torch.ones((), dtype=db)])
        add_case(f"promote_types/{DN[da]}/{DN[db]}", "promote_types", (lambda x, y: lambda: torch.promote_types(x, y))(da, db),
                 [], args_enc=[DN[da], DN[db]])
        add_case(f"can_cast/{DN[da]}/{DN[db]}", "can_cast", (lambda x, y: lambda: torch.can_cast(x, y))(da, db),
                 [], args_enc=[DN[da], DN[db]])

# 3. mixed pairs for every other op
PAIRS = [(torch.int8, torch.uint8), (torch.int64, torch.float32), (torch.float16, torch.bfloat16),
         (torch.bool, torch.int32), (torch.bool, torch.float64), (torch.int32, torch.float16),
         (torch.uint8, torch.bool), (torch.float64, torch.float32), (torch.int16, torch.int64)]
for op, fn, _, kind in BIN:
    for da, db in PAIRS:
        add_case(f"{op}/mixed/{DN[da]}-{DN[db]}", op, fn, [mk(da, "a", (2, 3)), rhs(db, kind, (3,))])

# 4. tensor-scalar and 0-dim tensors
SCALARS = [3, -2, 2.5, True, False, NAN, -0.0]
for op, fn, _, kind in BIN:
    for dt in [torch.uint8, torch.int8, torch.int32, torch.float32, torch.float16, torch.bool, torch.bfloat16]:
        for s in SCALARS:
            if kind in ("div", "shift") and s in (0, False, -0.0) and not isinstance(s, float):
                continue
            if kind == "shift" and not isinstance(s, bool) and s < 0:
                continue
            add_case(f"{op}/scalar/{DN[dt]}/{s!r}", op, fn, [mk(dt), s])
    for da, db in [(torch.int32, torch.float64), (torch.int8, torch.int64), (torch.float16, torch.float64),
                   (torch.uint8, torch.int8), (torch.bool, torch.int64), (torch.float32, torch.int64)]:
        add_case(f"{op}/zerodim/{DN[da]}-{DN[db]}", op, fn, [mk(da, "a", (2, 3)), torch.tensor(5, dtype=db)])
        add_case(f"{op}/zerodim_first/{DN[db]}-{DN[da]}", op, fn, [torch.tensor(5, dtype=db), mk(da, "b", (2, 3))])
    add_case(f"{op}/both0d", op, fn, [torch.tensor(7, dtype=torch.int16), torch.tensor(2.5, dtype=torch.float64)])
    # scalar first (operator-reachable in C#: torch.xxx(Scalar, Tensor) where PyTorch has one)

# 5. layout: non-contiguous, zero-size, broadcasting errors
for op, fn, _, kind in BIN:
    for dt in [torch.float32, torch.int32, torch.bool]:
        a = mk(dt, "a", (3, 4))
        b = rhs(dt, kind, (3, 4))
        rec_args = [enc(a, transpose=(0, 1)), enc(b, step=2)]
        add_case(f"{op}/noncontig/{DN[dt]}", op, fn, [a, b], args_enc=rec_args)
        add_case(f"{op}/empty/{DN[dt]}", op, fn, [mk(dt, "a", (0, 3)), rhs(dt, kind, (3,))])
    add_case(f"{op}/shape_mismatch", op, fn, [torch.ones(2, 2), torch.ones(2, 3)])
    add_case(f"{op}/bcast3d", op, fn, [mk(torch.float32, "a", (2, 1, 3)), rhs(torch.float32, kind, (4, 1))])

# 6. in-place
for op, fn, ip, kind in BIN:
    ipn = INPLACE_OF.get(op, ip)
    if ipn is None:
        continue
    kw = KW_OF.get(op, {})
    f = (lambda name, kw: (lambda s, o: getattr(s, name)(o, **kw)))(ipn, kw)
    for dt in ALL:
        add_case(f"{op}_/{DN[dt]}", op, f, [mk(dt), rhs(dt, kind)], mode="inplace")
    add_case(f"{op}_/int8+int64", op, f, [mk(torch.int8), rhs(torch.int64, kind)], mode="inplace")
    add_case(f"{op}_/float32+float64", op, f, [mk(torch.float32), rhs(torch.float64, kind)], mode="inplace")
    add_case(f"{op}_/int32+float", op, f, [mk(torch.int32), rhs(torch.float32, kind)], mode="inplace")
    add_case(f"{op}_/int32+floatscalar", op, f, [mk(torch.int32), 2.5], mode="inplace")
    add_case(f"{op}_/float16+scalar", op, f, [mk(torch.float16), 3], mode="inplace")
    add_case(f"{op}_/bool+int", op, f, [mk(torch.bool), rhs(torch.int64, kind)], mode="inplace")
    add_case(f"{op}_/broadcast_self", op, f, [torch.ones(3), torch.ones(2, 3)], mode="inplace")
    add_case(f"{op}_/broadcast_other", op, f, [mk(torch.float32, "a", (2, 3)), rhs(torch.float32, kind, (3,))],
             mode="inplace")
    add_case(f"{op}_/noncontig_self", op, f, [mk(torch.float64, "a", (3, 4)), rhs(torch.float64, kind, (3, 4))],
             mode="inplace", args_enc=[enc(mk(torch.float64, "a", (3, 4)), transpose=(0, 1)),
                                       enc(rhs(torch.float64, kind, (3, 4)))])

# 7. out=
for op, fn, _, kind in BIN:
    kw = {}
    for name, a, b, o in [
        ("empty", mk(torch.float32), rhs(torch.float32, kind), torch.empty(0)),
        ("wrongshape", mk(torch.float32), rhs(torch.float32, kind), torch.zeros(5)),
        ("same", mk(torch.int32), rhs(torch.int32, kind), torch.zeros(2, 3, dtype=torch.int32)),
        ("int_into_float", mk(torch.int32), rhs(torch.int32, kind), torch.zeros(2, 3, dtype=torch.float64)),
        ("float_into_int", mk(torch.float32), rhs(torch.float32, kind), torch.zeros(2, 3, dtype=torch.int64)),
        ("float_into_bool", mk(torch.float32), rhs(torch.float32, kind), torch.zeros(2, 3, dtype=torch.bool)),
        ("long_into_int8", mk(torch.int64), rhs(torch.int64, kind), torch.zeros(2, 3, dtype=torch.int8)),
        ("double_into_half", mk(torch.float64), rhs(torch.float64, kind), torch.zeros(2, 3, dtype=torch.float16)),
        ("bool_into_float", mk(torch.bool), rhs(torch.bool, kind), torch.zeros(2, 3, dtype=torch.float32)),
    ]:
        add_case(f"{op}/out/{name}", op, fn, [a, b], mode="out", out_init=o)
    a, b = mk(torch.float32, "a", (3, 4)), rhs(torch.float32, kind, (3, 4))
    o = torch.zeros(4, 3).t()
    add_case(f"{op}/out/noncontig", op, fn, [a, b], mode="out", out_init=o)
    cases[-1]["out_init"] = enc(o, transpose=(0, 1))

# 8. specific edge cases
I = torch.tensor
add_case("add/int8_overflow", "add", torch.add, [I([127, -128], dtype=torch.int8), I([1, -1], dtype=torch.int8)])
add_case("add/uint8_overflow", "add", torch.add, [I([255, 0], dtype=torch.uint8), 1])
add_case("sub/uint8_underflow", "sub", torch.sub, [I([0, 3], dtype=torch.uint8), 1])
add_case("mul/int64_overflow", "mul", torch.mul, [I([2 ** 62, -2 ** 63]), I([4, -1])])
# int32/int64 MIN by -1 kills PyTorch 1.13 with SIGFPE (Flint wraps; see BinaryEdgeTests); int8/int16 wrap in PyTorch
KW_fn = lambda a, b, **k: torch.div(a, b, rounding_mode="trunc", **k)  # noqa: E731
for dt, mn in [(torch.int8, -128), (torch.int16, -32768)]:
    add_case(f"floor_divide/{DN[dt]}_min_by_minus1", "floor_divide", torch.floor_divide, [I([mn, 7], dtype=dt), -1])
    add_case(f"div_trunc/{DN[dt]}_min_by_minus1", "div_trunc", KW_fn, [I([mn, 7], dtype=dt), I(-1, dtype=dt)])
    add_case(f"remainder/{DN[dt]}_min_by_minus1", "remainder", torch.remainder, [I([mn, 7], dtype=dt), -1])
    add_case(f"fmod/{DN[dt]}_min_by_minus1", "fmod", torch.fmod, [I([mn, 7], dtype=dt), I([-1, -1], dtype=dt)])
for op, fn in [("div_trunc", KW_fn), ("div_floor", lambda a, b, **k: torch.div(a, b, rounding_mode="floor", **k)),
               ("floor_divide", torch.floor_divide), ("remainder", torch.remainder), ("fmod", torch.fmod)]:
    add_case(f"{op}/int_div_by_zero", op, fn, [I([1, 2, 3]), I([1, 0, 2])])
    add_case(f"{op}/int_div_by_zero_scalar", op, fn, [I([1, 2, 3], dtype=torch.int8), 0])
    add_case(f"{op}/bool_div_by_false", op, fn, [I([True, False]), I([True, False])])
    add_case(f"{op}/float_by_zero", op, fn, [I([1.0, -1.0, 0.0, -0.0, NAN, INF]), I([0.0, 0.0, 0.0, -0.0, 0.0, -0.0])])
    add_case(f"{op}/int_by_float_zero", op, fn, [I([1, -1, 0]), 0.0])
    add_case(f"{op}/float_signs", op, fn, [I([5.5, -5.5, 5.5, -5.5, 1e10, -0.0, 3.0, -3.0], dtype=torch.float64),
                                           I([2.0, 2.0, -2.0, -2.0, 3e-3, 1.0, INF, INF], dtype=torch.float64)])
    add_case(f"{op}/int_signs", op, fn, [I([7, -7, 7, -7, 0, 6]), I([2, 2, -2, -2, -3, -3])])
add_case("div/int_true", "div", torch.div, [I([1, -7, 0, 5]), I([2, 2, 0, 0])])
add_case("div/bad_mode", "div", lambda a, b: torch.div(a, b, rounding_mode="round"), [I([1.0]), I([2.0])],
         kw={})
cases[-1]["kw"] = {"rounding_mode": "round"}
add_case("div_/bad_mode", "div", lambda a, b: a.div_(b, rounding_mode="bogus"), [I([1.0]), I([2.0])], mode="inplace")
cases[-1]["kw"] = {"rounding_mode": "bogus"}
# alpha
for dt in [torch.int32, torch.float32, torch.bool, torch.float16, torch.uint8]:
    for al in [2, -1, 0.5, True, False]:
        add_case(f"add/alpha/{DN[dt]}/{al!r}", "add", torch.add, [mk(dt), rhs(dt, "")], kw={"alpha": al})
        add_case(f"sub/alpha/{DN[dt]}/{al!r}", "sub", torch.sub, [mk(dt), rhs(dt, "")], kw={"alpha": al})
        add_case(f"add_/alpha/{DN[dt]}/{al!r}", "add", lambda s, o, alpha: s.add_(o, alpha=alpha),
                 [mk(dt), rhs(dt, "")], kw={"alpha": al}, mode="inplace")
        add_case(f"sub_/alpha/{DN[dt]}/{al!r}", "sub", lambda s, o, alpha: s.sub_(o, alpha=alpha),
                 [mk(dt), rhs(dt, "")], kw={"alpha": al}, mode="inplace")
add_case("add/alpha_scalar_other", "add", torch.add, [mk(torch.int64), 3], kw={"alpha": 2})
add_case("add/alpha_float_scalar", "add", torch.add, [mk(torch.int64), 1.5], kw={"alpha": 2})
add_case("add/alpha_half", "add", torch.add, [I([1.0, 2.0, 1000.0], dtype=torch.float16),
                                               I([0.1, 0.3, 0.7], dtype=torch.float16)], kw={"alpha": 0.1})
add_case("add/alpha_out", "add", torch.add, [mk(torch.int32), rhs(torch.int32, "")], kw={"alpha": 3},
         mode="out", out_init=torch.empty(0, dtype=torch.int64))
# sub on bool
add_case("sub/bool_bool", "sub", torch.sub, [I([True]), I([False])])
add_case("sub/bool_int", "sub", torch.sub, [I([True]), I([1])])
add_case("sub/int_bool", "sub", torch.sub, [I([1]), I([True])])
add_case("sub/bool_scalar", "sub", torch.sub, [I([True]), 1])
add_case("sub/bool_boolscalar", "sub", torch.sub, [I([True, False]), True])
add_case("sub/float_boolscalar", "sub", torch.sub, [I([1.5, 2.0]), True])
add_case("sub_/bool", "sub", lambda s, o: s.sub_(o), [I([True]), I([False])], mode="inplace")
# pow specifics
for dt in [torch.int64, torch.int32, torch.int8, torch.uint8, torch.bool]:
    for e in [-1, -2, 0, 2, 0.5, -0.5, True]:
        add_case(f"pow/int_scalar_exp/{DN[dt]}/{e!r}", "pow", torch.pow,
                 [I([-2, -1, 0, 1, 2, 3], dtype=dt) if dt not in (torch.uint8, torch.bool)
                  else I([0, 1, 2, 3], dtype=dt) if dt == torch.uint8 else I([True, False]), e])
add_case("pow/int_tensor_neg_exp", "pow", torch.pow, [I([-2, -1, 0, 1, 2, 3]), I([-1, -2, -3, -1, -1, -2])])
add_case("pow/int_overflow", "pow", torch.pow, [I([2, 3, -2], dtype=torch.int8), I([7, 5, 7], dtype=torch.int8)])
add_case("pow/float_special", "pow", torch.pow,
         [I([0.0, -0.0, -2.0, NAN, 1.0, INF, -INF, -8.0, 0.0]), I([-1.0, -1.0, 0.5, 0.0, NAN, -1.0, 3.0, 1.0 / 3, 0.0])])
add_case("pow/scalar_base", "pow", torch.pow, [2, I([0, 1, 2, 3])])
add_case("pow/scalar_base_float", "pow", torch.pow, [2.5, I([0, 1, -1])])
add_case("pow/scalar_base_neg", "pow", torch.pow, [-2, I([0.5, 2.0])])
add_case("pow/scalar_base_bool", "pow", torch.pow, [True, I([0, 3])])
add_case("pow_/int_neg_scalar", "pow", lambda s, o: s.pow_(o), [I([1, 2]), -1], mode="inplace")
add_case("pow_/int_float_scalar", "pow", lambda s, o: s.pow_(o), [I([1, 2]), 0.5], mode="inplace")
# remainder / bitwise shifts with scalar first
add_case("remainder/scalar_first", "remainder", torch.remainder, [7, I([2, -3, 5])])
add_case("remainder/scalar_first_float", "remainder", torch.remainder, [-7.5, I([2, -3, 5])])
add_case("bitwise_left_shift/scalar_first", "bitwise_left_shift", torch.bitwise_left_shift, [1, I([0, 3, 5])])
add_case("bitwise_right_shift/scalar_first", "bitwise_right_shift", torch.bitwise_right_shift, [-64, I([0, 3, 5])])
add_case("bitwise_and/scalar_first", "bitwise_and", torch.bitwise_and, [6, I([3, 5, 12])])
# comparisons: NaN / -0.0 / mixed int-float exactness
for op in ["eq", "ne", "lt", "le", "gt", "ge"]:
    add_case(f"{op}/nan_zero", op, T(op), [I([NAN, 0.0, -0.0, INF, 1.0]), I([NAN, -0.0, 0.0, INF, NAN])])
    add_case(f"{op}/int64_vs_float", op, T(op), [I([2 ** 53 + 1, 16777217]), I([2.0 ** 53, 16777216.0], dtype=torch.float64)])
    add_case(f"{op}/int_vs_float_scalar", op, T(op), [I([1, 2, 3]), 2.5])
    add_case(f"{op}/uint8_vs_negative", op, T(op), [I([0, 255], dtype=torch.uint8), -1])
# logical_not / bitwise_not (unary members of the family)
for dt in ALL:
    add_case(f"logical_not/{DN[dt]}", "logical_not", torch.logical_not, [mk(dt)])
    add_case(f"bitwise_not/{DN[dt]}", "bitwise_not", torch.bitwise_not, [mk(dt)])
    add_case(f"bitwise_not_/{DN[dt]}", "bitwise_not", lambda s: s.bitwise_not_(), [mk(dt)], mode="inplace")
    add_case(f"logical_not_/{DN[dt]}", "logical_not", lambda s: s.logical_not_(), [mk(dt)], mode="inplace")
add_case("logical_not/out_float", "logical_not", torch.logical_not, [I([0.0, 2.0, NAN])], mode="out",
         out_init=torch.empty(0, dtype=torch.float32))
add_case("logical_and/out_int", "logical_and", torch.logical_and, [I([0.0, 2.0, NAN]), I([1, 1, 1])], mode="out",
         out_init=torch.empty(0, dtype=torch.int16))
add_case("eq/out_float", "eq", torch.eq, [I([0.0, 2.0, NAN]), I([0.0, 1.0, NAN])], mode="out",
         out_init=torch.empty(0, dtype=torch.float32))
# max/min NaN rules, -0.0
for op in ["maximum", "minimum", "fmax", "fmin"]:
    add_case(f"{op}/nan_rules", op, T(op), [I([NAN, 1.0, NAN, -0.0, 0.0, INF]), I([1.0, NAN, NAN, 0.0, -0.0, -INF])])
    add_case(f"{op}/half_nan", op, T(op), [I([NAN, 1.0, 2.0], dtype=torch.float16), I([1.0, NAN, -3.0], dtype=torch.float16)])
# atan2/hypot/copysign specifics
add_case("atan2/special", "atan2", torch.atan2, [I([0.0, -0.0, 0.0, -0.0, 1.0, -1.0, INF, INF, NAN]),
                                                 I([0.0, 0.0, -0.0, -0.0, INF, -INF, INF, -INF, 1.0])])
add_case("hypot/special", "hypot", torch.hypot, [I([3.0, INF, NAN, -INF, 1e300], dtype=torch.float64),
                                                 I([4.0, NAN, INF, 1.0, 1e300], dtype=torch.float64)])
add_case("copysign/special", "copysign", torch.copysign, [I([1.0, 1.0, NAN, -2.0, INF]), I([-0.0, 0.0, -1.0, NAN, -1.0])])

# ---------------------------------------------------------------- operators (mode "op")
OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
       "%": lambda a, b: a % b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
       "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
       "&": lambda a, b: a & b, "|": lambda a, b: a | b, "^": lambda a, b: a ^ b,
       "<<": lambda a, b: a << b, ">>": lambda a, b: a >> b}
for sym, f in OPS.items():
    for name, a, b in [("tt_int", mk(torch.int32), rhs(torch.int32, "div")),
                       ("tt_float", mk(torch.float32), rhs(torch.float32, "")),
                       ("tt_bool", mk(torch.bool), rhs(torch.bool, "")),
                       ("ts_int", mk(torch.int64), 3), ("ts_float", mk(torch.int64), 2.5),
                       ("ts_bool", mk(torch.bool), True),
                       ("st_int", 5, rhs(torch.int16, "div")), ("st_float", 2.5, rhs(torch.float32, ""))]:
        if sym in ("<<", ">>") and isinstance(b, torch.Tensor) and not b.dtype.is_floating_point and b.dtype != torch.bool:
            b = mk(b.dtype, "shift")
        if sym in ("<<", ">>") and not isinstance(b, torch.Tensor):
            continue  # C# shift operators need an int right operand; covered by the int overloads below
        if sym in ("<<", ">>") and not isinstance(a, torch.Tensor):
            continue
        if sym in ("==", "!=", "<", "<=", ">", ">=") and not isinstance(a, torch.Tensor):
            continue
        add_case(f"op{sym}/{name}", sym, f, [a, b], mode="op")
for sym in ["<<", ">>"]:
    add_case(f"op{sym}/int_amount", sym, OPS[sym], [mk(torch.int32), 3], mode="op")
add_case("op~/int", "~", lambda a: ~a, [mk(torch.int16)], mode="op")
add_case("op~/bool", "~", lambda a: ~a, [mk(torch.bool)], mode="op")
add_case("op~/float", "~", lambda a: ~a, [mk(torch.float32)], mode="op")

# ---------------------------------------------------------------- bitwise scalar/float errors
for op in ["bitwise_and", "bitwise_or", "bitwise_xor"]:
    add_case(f"{op}/float_scalar", op, T(op), [mk(torch.int32), 1.5])
    add_case(f"{op}/bool_int_scalar", op, T(op), [mk(torch.bool), 6])

# ---------------------------------------------------------------- clamp
CL_IN = {torch.float32: I([NAN, -INF, -3.0, -0.0, 0.5, 2.0, 7.0, INF]),
         torch.float64: I([NAN, -INF, -3.0, -0.0, 0.5, 2.0, 7.0, INF], dtype=torch.float64),
         torch.float16: I([NAN, -INF, -3.0, -0.0, 0.5, 2.0, 7.0, INF], dtype=torch.float16),
         torch.bfloat16: I([NAN, -INF, -3.0, -0.0, 0.5, 2.0, 7.0, INF], dtype=torch.bfloat16),
         torch.int64: I([-100, -3, 0, 1, 2, 5, 7, 100]), torch.int32: I([-100, -3, 0, 1, 2, 5, 7, 100], dtype=torch.int32),
         torch.int16: I([-100, -3, 0, 1, 2, 5, 7, 100], dtype=torch.int16),
         torch.int8: I([-100, -3, 0, 1, 2, 5, 7, 100], dtype=torch.int8),
         torch.uint8: I([0, 3, 0, 1, 2, 5, 7, 100], dtype=torch.uint8),
         torch.bool: I([True, False, True, False, True, True, False, False])}
for dt, x in CL_IN.items():
    for mn, mx in [(0, 5), (-1, None), (None, 3), (0.5, 2.5), (None, None), (5, 0), (NAN, None), (None, NAN),
                   (True, None), (-0.0, None)]:
        add_case(f"clamp/{DN[dt]}/{mn!r},{mx!r}", "clamp", torch.clamp, [x], kw={"min": mn, "max": mx})
    add_case(f"clamp/tensor/{DN[dt]}", "clamp", torch.clamp, [x],
             kw={"min": (I([0, 1, 2, 3, -1, 0, 8, NAN]) if dt.is_floating_point else I([0, 1, 2, 3, -1, 0, 8, -5]))
                 if dt != torch.bool else I([False] * 8),
                 "max": I(5, dtype=dt)})
    add_case(f"clamp_min/{DN[dt]}", "clamp_min", torch.clamp_min, [x, 1])
    add_case(f"clamp_max/{DN[dt]}", "clamp_max", torch.clamp_max, [x, 1])
    add_case(f"clamp_/{DN[dt]}", "clamp", lambda s, min=None, max=None: s.clamp_(min=min, max=max), [x],
             kw={"min": 1, "max": 4}, mode="inplace")
    add_case(f"clamp_/{DN[dt]}/float", "clamp", lambda s, min=None, max=None: s.clamp_(min=min, max=max), [x],
             kw={"min": 0.5, "max": None}, mode="inplace")
    add_case(f"clip/{DN[dt]}", "clip", torch.clip, [x], kw={"min": 1, "max": 4})
add_case("clamp/tensor_min_only", "clamp", torch.clamp, [I([[1.0, 5.0], [3.0, -1.0]])], kw={"min": I([2.0, 0.0]), "max": None})
add_case("clamp/tensor_max_only", "clamp", torch.clamp, [I([[1.0, 5.0], [3.0, -1.0]])], kw={"min": None, "max": I([[2.0], [0.0]])})
add_case("clamp/tensor_mixed_dtypes", "clamp", torch.clamp, [I([1, 5, 3])], kw={"min": I([2.0, 0.0, 1.5], dtype=torch.float64), "max": I(4, dtype=torch.int8)})
add_case("clamp/tensor_bcast_err", "clamp", torch.clamp, [I([1.0, 5.0, 3.0])], kw={"min": I([2.0, 0.0]), "max": None})
add_case("clamp/tensor_bcast_grows", "clamp", torch.clamp, [I([1.0, 5.0, 3.0])], kw={"min": I([[2.0], [0.0]]), "max": None})
add_case("clamp/tensor_none", "clamp", torch.clamp, [I([1.0])], kw={"min": None, "max": None})
add_case("clamp_min/tensor", "clamp_min", torch.clamp_min, [I([1.0, 5.0, NAN]), I([2.0, NAN, 0.0])])
add_case("clamp_max/tensor", "clamp_max", torch.clamp_max, [I([1, 5, 3]), I([2.5, 0.0, 7.0])])
add_case("clamp/empty", "clamp", torch.clamp, [torch.ones(0, 3)], kw={"min": 0, "max": 1})
add_case("clamp/0d", "clamp", torch.clamp, [I(3.5)], kw={"min": 0, "max": 1})
add_case("clamp/noncontig", "clamp", torch.clamp, [mk(torch.float32, "a", (3, 4))], kw={"min": -1, "max": 4},
         args_enc=[enc(mk(torch.float32, "a", (3, 4)), transpose=(0, 1))])
add_case("clamp/out", "clamp", torch.clamp, [mk(torch.float32)], kw={"min": -1, "max": 4}, mode="out",
         out_init=torch.empty(0))
add_case("clamp/out_int_from_float", "clamp", torch.clamp, [mk(torch.float32)], kw={"min": -1, "max": 4}, mode="out",
         out_init=torch.empty(0, dtype=torch.int32))
add_case("clamp/out_float_from_int_with_float_min", "clamp", torch.clamp, [mk(torch.int32)], kw={"min": 0.5, "max": None},
         mode="out", out_init=torch.empty(0, dtype=torch.int32))
add_case("clamp_/int_float_min", "clamp", lambda s, min=None, max=None: s.clamp_(min=min, max=max), [mk(torch.int32)],
         kw={"min": I([0.5]), "max": None}, mode="inplace")
add_case("clamp_/tensor_broadcast_self", "clamp", lambda s, min=None, max=None: s.clamp_(min=min, max=max),
         [torch.ones(3)], kw={"min": torch.zeros(2, 3), "max": None}, mode="inplace")
add_case("clamp_/none", "clamp", lambda s, min=None, max=None: s.clamp_(min=min, max=max), [torch.ones(3)],
         kw={"min": None, "max": None}, mode="inplace")

# ---------------------------------------------------------------- lerp / addcmul / addcdiv
for dt in ALL:
    a, b = mk(dt, "a"), mk(dt, "b")
    add_case(f"lerp/{DN[dt]}/scalar", "lerp", torch.lerp, [a, b, 0.25])
    add_case(f"lerp/{DN[dt]}/scalar_big", "lerp", torch.lerp, [a, b, 0.75])
    w = I([0.0, 0.3, 0.5, 0.7, 1.0, 2.0], dtype=dt if dt.is_floating_point else torch.float32).reshape(2, 3)
    add_case(f"lerp/{DN[dt]}/tensor", "lerp", torch.lerp, [a, b, w])
    add_case(f"lerp_/{DN[dt]}", "lerp", lambda s, e, w: s.lerp_(e, w), [a, b, 0.5], mode="inplace")
    for v in [1, 0.5, 2]:
        add_case(f"addcmul/{DN[dt]}/{v!r}", "addcmul", torch.addcmul, [a, b, rhs(dt, "div")], kw={"value": v})
        add_case(f"addcdiv/{DN[dt]}/{v!r}", "addcdiv", torch.addcdiv, [a, b, rhs(dt, "div")], kw={"value": v})
    add_case(f"addcmul_/{DN[dt]}", "addcmul", lambda s, x, y, value=1: s.addcmul_(x, y, value=value),
             [a, b, rhs(dt, "div")], kw={"value": 2}, mode="inplace")
    add_case(f"addcdiv_/{DN[dt]}", "addcdiv", lambda s, x, y, value=1: s.addcdiv_(x, y, value=value),
             [a, b, rhs(dt, "div")], kw={"value": 2}, mode="inplace")
add_case("lerp/dtype_mismatch", "lerp", torch.lerp, [torch.ones(2), torch.ones(2, dtype=torch.float64), 0.5])
add_case("lerp/weight_dtype_mismatch", "lerp", torch.lerp, [torch.ones(2), torch.ones(2), torch.ones(2, dtype=torch.float64)])
add_case("lerp/broadcast", "lerp", torch.lerp, [mk(torch.float32, "a", (2, 1, 3)), mk(torch.float32, "b", (4, 1)),
                                                 I([0.1, 0.9, 0.5])])
add_case("lerp/int_weight", "lerp", torch.lerp, [torch.ones(2), torch.zeros(2), 2])
add_case("lerp/nan_inf", "lerp", torch.lerp, [I([NAN, INF, 1.0, -INF, 0.0]), I([1.0, INF, NAN, INF, 1e38]),
                                               I([0.5, 0.5, 0.5, 0.5, 0.75])])
add_case("lerp/0d_weight", "lerp", torch.lerp, [mk(torch.float32), mk(torch.float32, "b"), I(0.3)])
add_case("lerp/out", "lerp", torch.lerp, [mk(torch.float32), mk(torch.float32, "b"), 0.3], mode="out",
         out_init=torch.empty(0))
add_case("lerp/out_wrong_dtype", "lerp", torch.lerp, [mk(torch.float32), mk(torch.float32, "b"), 0.3], mode="out",
         out_init=torch.empty(0, dtype=torch.float64))
add_case("lerp/noncontig", "lerp", torch.lerp, [mk(torch.float32, "a", (3, 4)), mk(torch.float32, "b", (3, 4)), 0.4],
         args_enc=[enc(mk(torch.float32, "a", (3, 4)), transpose=(0, 1)), enc(mk(torch.float32, "b", (3, 4)), step=2),
                   enc(0.4)])
add_case("lerp_/broadcast_self", "lerp", lambda s, e, w: s.lerp_(e, w), [torch.ones(3), torch.ones(2, 3), 0.5],
         mode="inplace")
for op, f in [("addcmul", torch.addcmul), ("addcdiv", torch.addcdiv)]:
    add_case(f"{op}/mixed", op, f, [mk(torch.int32, "a", (3,)), mk(torch.float16, "b", (2, 3)), I([2.0, 4.0, 8.0], dtype=torch.float64)])
    add_case(f"{op}/mixed_int", op, f, [mk(torch.int8, "a", (3,)), mk(torch.int64, "b", (2, 3)), I([2, 4, 8], dtype=torch.int16)])
    add_case(f"{op}/float_value_int", op, f, [mk(torch.int64), mk(torch.int64, "b"), rhs(torch.int64, "div")], kw={"value": 0.5})
    add_case(f"{op}/bool_value", op, f, [mk(torch.bool), mk(torch.bool, "b"), mk(torch.bool)], kw={"value": True})
    add_case(f"{op}/zerodim", op, f, [I(1.0, dtype=torch.float64), mk(torch.float32), I(2, dtype=torch.int32)])
    add_case(f"{op}/empty", op, f, [torch.ones(0, 3), torch.ones(3), torch.ones(1)])
    add_case(f"{op}/shape_err", op, f, [torch.ones(2), torch.ones(3), torch.ones(1)])
    add_case(f"{op}/out", op, f, [mk(torch.float32), mk(torch.float32, "b"), rhs(torch.float32, "")], kw={"value": 3},
             mode="out", out_init=torch.zeros(7))
    add_case(f"{op}/out_int", op, f, [mk(torch.float32), mk(torch.float32, "b"), rhs(torch.float32, "")],
             mode="out", out_init=torch.zeros(2, 3, dtype=torch.int64))
    add_case(f"{op}_/float_into_int", op, (lambda n: lambda s, x, y: getattr(s, n + "_")(x, y))(op),
             [mk(torch.int64), mk(torch.float32, "b"), rhs(torch.float32, "")], mode="inplace")
    add_case(f"{op}_/broadcast_self", op, (lambda n: lambda s, x, y: getattr(s, n + "_")(x, y))(op),
             [torch.ones(3), torch.ones(2, 3), torch.ones(3)], mode="inplace")
    add_case(f"{op}/noncontig", op, f, [mk(torch.float64, "a", (3, 4)), mk(torch.float64, "b", (3, 4)), rhs(torch.float64, "", (4,))],
             args_enc=[enc(mk(torch.float64, "a", (3, 4)), transpose=(0, 1)), enc(mk(torch.float64, "b", (3, 4)), step=3),
                       enc(rhs(torch.float64, "", (4,)))])
    add_case(f"{op}/fp16_precision", op, f, [I([1000.0, 1.0], dtype=torch.float16), I([0.1, 3.0], dtype=torch.float16),
                                             I([0.3, 7.0], dtype=torch.float16)], kw={"value": 0.1})

# ---------------------------------------------------------------- where
COND = I([[True, False, True], [False, False, True]])
for da in ALL:
    for db in [torch.float32, torch.int64, torch.bool, da, torch.float16, torch.uint8]:
        add_case(f"where/{DN[da]}-{DN[db]}", "where", torch.where, [COND, mk(da, "a"), mk(db, "b", (3,))])
for name, x, y in [("scalar_int", mk(torch.int32), 7), ("scalar_float", mk(torch.int32), 0.5),
                   ("scalar_float_f16", mk(torch.float16), 0.5), ("scalar_bool", mk(torch.bool), False),
                   ("scalar_bool_int", mk(torch.int8), True), ("two_scalars_int", 1, 0),
                   ("two_scalars_float", 1.5, 0), ("two_scalars_bool", True, False),
                   ("scalar_first", 2.5, mk(torch.float64)), ("zerodim_int64", mk(torch.int8), I(3)),
                   ("zerodim_float64", mk(torch.float32), I(3.0, dtype=torch.float64)),
                   ("nan", I([NAN, 1.0, -0.0]), I([0.0, NAN, 0.0]))]:
    add_case(f"where/{name}", "where", torch.where, [COND if name != "nan" else I([True, False, True]), x, y])
add_case("where/cond_not_bool", "where", torch.where, [I([1, 0]), I([1.0, 2.0]), I([3.0, 4.0])])
add_case("where/cond_uint8", "where", torch.where, [I([1, 0], dtype=torch.uint8), I([1.0, 2.0]), I([3.0, 4.0])])
add_case("where/broadcast3", "where", torch.where, [I([[True], [False]]), mk(torch.float32, "a", (3,)), mk(torch.float32, "b", (1, 1, 1))])
add_case("where/shape_err", "where", torch.where, [I([True, False]), torch.ones(3), torch.ones(3)])
add_case("where/empty", "where", torch.where, [torch.ones(0, 3, dtype=torch.bool), torch.ones(3), torch.zeros(1)])
add_case("where/noncontig", "where", torch.where, [mk(torch.bool, "a", (3, 4)), mk(torch.float32, "a", (3, 4)), mk(torch.float32, "b", (3, 4))],
         args_enc=[enc(mk(torch.bool, "a", (3, 4)), transpose=(0, 1)), enc(mk(torch.float32, "a", (3, 4)), step=2),
                   enc(mk(torch.float32, "b", (3, 4)), transpose=(0, 1))])
add_case("where/out", "where", torch.where, [COND, mk(torch.float32), mk(torch.int32)], mode="out", out_init=torch.empty(0))
add_case("where/out_wrong_dtype", "where", torch.where, [COND, mk(torch.float32), mk(torch.int32)], mode="out",
         out_init=torch.empty(0, dtype=torch.int64))
add_case("where/method", "where", lambda c, x, y: x.where(c, y), [COND, mk(torch.float32), mk(torch.float64)])
cases[-1]["mode"] = "method"

# ---------------------------------------------------------------- isclose / allclose / equal
IC_A = [1.0, NAN, INF, -INF, 1e-9, 100.0, 1.0, 0.0, -0.0, INF]
IC_B = [1.0 + 1e-6, NAN, INF, INF, 0.0, 100.001, 1.1, -0.0, 1e-8, NAN]
for dt in ALL:
    if dt.is_floating_point:
        a, b = I(IC_A, dtype=dt), I(IC_B, dtype=dt)
    else:
        a, b = mk(dt, "a", (10,)), mk(dt, "b", (10,))
    for kw in [{}, {"equal_nan": True}, {"rtol": 0.0, "atol": 0.0}, {"rtol": 0.1, "atol": 1.0}]:
        add_case(f"isclose/{DN[dt]}/{sorted(kw.items())}", "isclose", torch.isclose, [a, b], kw=kw)
        add_case(f"allclose/{DN[dt]}/{sorted(kw.items())}", "allclose", torch.allclose, [a, b], kw=kw)
    add_case(f"allclose/{DN[dt]}/self", "allclose", torch.allclose, [a, a.clone()])
    add_case(f"equal/{DN[dt]}/self", "equal", torch.equal, [a, a.clone()])
    add_case(f"equal/{DN[dt]}/other", "equal", torch.equal, [a, b])
add_case("isclose/dtype_mismatch", "isclose", torch.isclose, [torch.ones(2), torch.ones(2, dtype=torch.float64)])
add_case("isclose/int_float", "isclose", torch.isclose, [I([1, 2]), I([1.0, 2.0])])
add_case("isclose/negative_rtol", "isclose", torch.isclose, [torch.ones(2), torch.ones(2)], kw={"rtol": -1.0})
add_case("isclose/negative_atol", "isclose", torch.isclose, [torch.ones(2), torch.ones(2)], kw={"atol": -1.0})
add_case("isclose/broadcast", "isclose", torch.isclose, [I([[1.0], [2.0]]), I([1.0, 2.0, 2.0 + 1e-7])])
add_case("isclose/int_big", "isclose", torch.isclose, [I([2 ** 62, 5, -5]), I([2 ** 62 + 1, 6, -5])], kw={"rtol": 0.0, "atol": 1.0})
add_case("isclose/bool", "isclose", torch.isclose, [I([True, False]), I([True, True])])
add_case("isclose/shape_err", "isclose", torch.isclose, [torch.ones(2), torch.ones(3)])
add_case("allclose/broadcast", "allclose", torch.allclose, [I([[1.0], [1.0]]), I([1.0, 1.0, 1.0])])
add_case("allclose/shape_err", "allclose", torch.allclose, [torch.ones(2), torch.ones(3)])
add_case("allclose/dtype_mismatch", "allclose", torch.allclose, [torch.ones(2), torch.ones(2, dtype=torch.float64)])
add_case("equal/shape", "equal", torch.equal, [torch.ones(2), torch.ones(1, 2)])
add_case("equal/bcast_not", "equal", torch.equal, [torch.ones(2), torch.ones(1)])
add_case("equal/dtype", "equal", torch.equal, [I([1, 2]), I([1.0, 2.0])])
add_case("equal/dtype_ne", "equal", torch.equal, [I([1, 2]), I([1.0, 2.5])])
add_case("equal/nan", "equal", torch.equal, [I([NAN]), I([NAN])])
add_case("equal/zeros", "equal", torch.equal, [I([0.0]), I([-0.0])])
add_case("equal/empty", "equal", torch.equal, [torch.ones(0), torch.ones(0)])
add_case("equal/noncontig", "equal", torch.equal, [mk(torch.int32, "a", (3, 4)), mk(torch.int32, "a", (3, 4))],
         args_enc=[enc(mk(torch.int32, "a", (3, 4)), transpose=(0, 1)), enc(mk(torch.int32, "a", (3, 4)))])

# ---------------------------------------------------------------- result_type with scalars / 0-dim
for dt in ALL:
    for s in [1, 1.5, True]:
        add_case(f"result_type/{DN[dt]}/scalar/{s!r}", "result_type", torch.result_type, [torch.ones(2, dtype=dt), s])
        add_case(f"result_type/{DN[dt]}/0d/scalar/{s!r}", "result_type", torch.result_type, [torch.ones((), dtype=dt), s])
        add_case(f"result_type/scalar_first/{s!r}/{DN[dt]}", "result_type", torch.result_type, [s, torch.ones(2, dtype=dt)])
add_case("result_type/two_scalars", "result_type", torch.result_type, [1, 2.5])
add_case("result_type/two_scalars_int", "result_type", torch.result_type, [1, True])

write("binary", cases)
