"""Reference data for the matrix products (matmul, mm, bmm, mv, dot, vdot, outer/ger, inner, addmm, addmv,
baddbmm and their in-place / out= forms) and einsum.

Case format (besides common.py's tensor/outcome encoding):
  {"name", "op", "args": [arg...], "kw": {...}, "out_arg": tensor (optional, passed as out=),
   "inplace": true (optional: args[0] is self of op_)} + outcome.
An arg is a tensor, a scalar, or {"formula": {"shape", "dtype", "a", "b", "mod", "shift", "scale",
"transpose"?}}: element i (row-major) of a tensor of that shape is ((i*a + b) % mod - shift) * scale,
optionally stored transposed (the reader calls .transpose(*transpose) on a tensor built at the swapped shape).
Big results are recorded as {"sample": {"dtype", "shape", "sum", "abs_sum", "idx": [...], "vals": [...]}}.
Run with /usr/bin/python3 (PyTorch 1.13).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
from common import enc, write, DTYPE_NAMES, outcome  # noqa: E402

torch.manual_seed(0)
cases = []

FULL_LIMIT = 2500  # results with more elements are recorded as a checksum plus a sample


def formula(shape, dtype=torch.float32, a=7, b=3, mod=11, shift=5, scale=0.125, transpose=None):
    spec = {"shape": list(shape), "dtype": DTYPE_NAMES[dtype], "a": a, "b": b, "mod": mod, "shift": shift, "scale": scale}
    build = list(shape)
    if transpose is not None:
        build[transpose[0]], build[transpose[1]] = build[transpose[1]], build[transpose[0]]
        spec["transpose"] = list(transpose)
        spec["shape"] = build
    n = 1
    for d in build:
        n *= d
    v = ((torch.arange(n, dtype=torch.int64) * a + b) % mod - shift).to(torch.float64) * scale
    t = v.reshape(build).to(dtype)
    if transpose is not None:
        t = t.transpose(*transpose)
    return t, {"formula": spec}


def sample(r):
    r = r.detach()
    flat = r.reshape(-1).to(torch.float64)
    n = flat.numel()
    idx = sorted(set([0, n - 1] + [(i * 7919) % n for i in range(min(n, 64))])) if n else []
    return {"sample": {"dtype": DTYPE_NAMES[r.dtype], "shape": list(r.shape), "sum": float(flat.sum()),
                       "abs_sum": float(flat.abs().sum()), "idx": idx, "vals": [float(flat[i]) for i in idx]}}


def run(fn):
    o = outcome(fn)
    if "out" in o and not isinstance(o["out"], list) and "data" in o["out"] and len(o["out"]["data"]) > FULL_LIMIT:
        return sample(fn())
    return o


OPS = {
    "matmul": torch.matmul, "mm": torch.mm, "bmm": torch.bmm, "mv": torch.mv, "dot": torch.dot,
    "vdot": torch.vdot, "outer": torch.outer, "ger": torch.ger, "inner": torch.inner,
    "addmm": torch.addmm, "addmv": torch.addmv, "baddbmm": torch.baddbmm,
}


def add(name, op, args, kw=None, out_arg=None, inplace=False):
    """args: list of (torch value, encoded) pairs or plain tensors (encoded contiguous)."""
    kw = kw or {}
    vals, encs = [], []
    for a in args:
        if isinstance(a, tuple):
            vals.append(a[0]); encs.append(a[1])
        else:
            vals.append(a); encs.append(enc(a))
    case = {"name": name, "op": op, "args": encs}
    if kw:
        case["kw"] = kw
    if inplace:
        case["inplace"] = True

        def fn():
            self = vals[0].clone()
            return getattr(self, op + "_")(*vals[1:], **kw)
    elif op == "einsum":
        def fn():
            return torch.einsum(kw["equation"], *vals)
    elif out_arg is not None:
        case["out_arg"] = enc(out_arg, transpose=None if out_arg.is_contiguous() else (-2, -1))

        def fn():
            o = out_arg.clone()
            r = OPS[op](*vals, **kw, out=o)
            assert r is o
            return o
    else:
        def fn():
            return OPS[op](*vals, **kw)
    case.update(run(fn))
    cases.append(case)


def small(shape, dtype=torch.float32, lo=-4, hi=5):
    if dtype.is_floating_point:
        return (torch.randn(shape, dtype=torch.float64) * 2).to(dtype)
    if dtype == torch.uint8:
        return torch.randint(0, hi, shape, dtype=dtype)
    return torch.randint(lo, hi, shape, dtype=dtype)


def nc_t(t):
    """t as a non-contiguous (transposed) encoding: reader rebuilds a transposed view."""
    return (t, enc(t, transpose=(-2, -1) if t.dim() >= 2 else None))


def nc_step(t):
    return (t, enc(t, step=2))


OK_DTYPES = [torch.float32, torch.float64, torch.bfloat16, torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8]
BAD_DTYPES = [torch.float16, torch.bool]
F32, F64 = torch.float32, torch.float64

# ---------------- matmul: every rank combination ----------------
rank_shapes = [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
    ((2, 2, 3), (3,)), ((3,), (2, 3, 4)), ((2, 2, 3), (3, 4)), ((2, 3), (2, 3, 4)),
    ((2, 2, 3), (2, 3, 4)), ((2, 1, 3, 4), (5, 4, 2)), ((5, 4, 2), (2, 1, 2, 3)), ((1, 2, 3), (4, 3, 2)),
    ((2, 3, 2, 3), (3,)), ((3,), (2, 2, 3, 1)), ((4, 1, 2, 3), (1, 3, 3, 2)), ((1, 3), (3, 1)), ((1,), (1,)),
    ((1, 1), (1, 1)), ((7, 13), (13, 5)), ((3, 7, 13), (13, 5)),
]
for sa, sb in rank_shapes:
    add(f"matmul/{sa}@{sb}", "matmul", [small(sa), small(sb)])
for dt in OK_DTYPES:
    for sa, sb in [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((2, 2, 3), (2, 3, 4)), ((2, 1, 3, 4), (5, 4, 2)), ((2, 2, 3), (3, 4))]:
        add(f"matmul/{DTYPE_NAMES[dt]}/{sa}@{sb}", "matmul", [small(sa, dt), small(sb, dt)])
for dt in BAD_DTYPES:
    for sa, sb in [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((2, 2, 3), (2, 3, 4)), ((2, 2, 3), (3, 4))]:
        add(f"matmul/{DTYPE_NAMES[dt]}/{sa}@{sb}", "matmul", [torch.ones(sa, dtype=dt), torch.ones(sb, dtype=dt)])
# non-contiguous operands
add("matmul/nc/t@t", "matmul", [nc_t(small((5, 4))), nc_t(small((4, 6)))])
add("matmul/nc/step@t", "matmul", [nc_step(small((5, 4))), nc_t(small((4, 3)))])
add("matmul/nc/batched_t", "matmul", [nc_t(small((2, 3, 4))), nc_t(small((2, 4, 5)))])
add("matmul/nc/vec_step", "matmul", [small((3, 4)), nc_step(small((4,)))])
add("matmul/nc/vec_step_left", "matmul", [nc_step(small((3,))), nc_t(small((3, 4)))])
perm3 = small((2, 4, 3))
add("matmul/nc/permuted3d@2d", "matmul", [(perm3.permute(0, 2, 1), enc(perm3.permute(0, 2, 1), transpose=(1, 2))), small((4, 5))])
add("matmul/nc/permuted3d_nofold", "matmul", [(perm3.permute(0, 2, 1), enc(perm3.permute(0, 2, 1), transpose=(1, 2))), small((4, 6))])
add("matmul/nc/2d@permuted3d", "matmul", [small((5, 4)), (perm3, enc(perm3, transpose=(1, 2)))])
# zero-size
for sa, sb in [((0, 3), (3, 4)), ((2, 0), (0, 4)), ((2, 3), (3, 0)), ((0,), (0,)), ((2, 0), (0,)), ((0,), (0, 3)),
               ((0, 2, 3), (3, 4)), ((2, 0, 3), (2, 3, 4)), ((2, 2, 0), (2, 0, 4)), ((0, 2, 3), (0, 3, 4)), ((3, 2, 0), (0,))]:
    add(f"matmul/zero/{sa}@{sb}", "matmul", [torch.ones(sa), torch.ones(sb)])
# special values
add("matmul/inf_nan", "matmul", [torch.tensor([[float("inf"), 1.0], [float("nan"), 0.0], [-0.0, 2.0]]), torch.tensor([[0.0, 1.0], [1.0, float("-inf")]])])
add("matmul/int8_wraps", "matmul", [torch.tensor([[100, 100], [-128, 1]], dtype=torch.int8), torch.tensor([[3, 1], [1, 2]], dtype=torch.int8)])
add("matmul/uint8_wraps", "matmul", [torch.tensor([[200, 100]], dtype=torch.uint8), torch.tensor([[3], [2]], dtype=torch.uint8)])
add("matmul/int64_big", "matmul", [torch.tensor([[2**40, 3]], dtype=torch.int64), torch.tensor([[2**20], [5]], dtype=torch.int64)])
# errors
add("matmul/err/0d", "matmul", [torch.tensor(1.0), torch.ones(3)])
add("matmul/err/1d0d", "matmul", [torch.ones(3), torch.tensor(1.0)])
add("matmul/err/dot_size", "matmul", [torch.ones(3), torch.ones(4)])
add("matmul/err/mv_size", "matmul", [torch.ones(2, 3), torch.ones(4)])
add("matmul/err/vm_size", "matmul", [torch.ones(4), torch.ones(2, 3)])
add("matmul/err/mm_size", "matmul", [torch.ones(2, 3), torch.ones(4, 5)])
add("matmul/err/fold_mv", "matmul", [torch.ones(2, 2, 3), torch.ones(4)])
add("matmul/err/fold_vm", "matmul", [torch.ones(4), torch.ones(2, 3, 5)])
add("matmul/err/fold_mm", "matmul", [torch.ones(2, 3, 4), torch.ones(3, 5)])
add("matmul/err/fold_mm_t", "matmul", [torch.ones(2, 3), torch.ones(2, 4, 5)])
add("matmul/err/bmm_size", "matmul", [torch.ones(2, 3, 4), torch.ones(2, 5, 6)])
add("matmul/err/batch_bcast", "matmul", [torch.ones(2, 2, 3), torch.ones(3, 3, 4)])
add("matmul/err/dtype_mm", "matmul", [torch.ones(2, 3), torch.ones(3, 4, dtype=F64)])
add("matmul/err/dtype_dot", "matmul", [torch.ones(3), torch.ones(3, dtype=F64)])
add("matmul/err/dtype_mv", "matmul", [torch.ones(2, 3), torch.ones(3, dtype=F64)])
add("matmul/err/dtype_bmm", "matmul", [torch.ones(2, 2, 3), torch.ones(2, 3, 4, dtype=F64)])
add("matmul/err/dtype_fold_t", "matmul", [torch.ones(3), torch.ones(2, 3, 4, dtype=F64)])
add("matmul/err/dtype_int_long", "matmul", [torch.ones(2, 3, dtype=torch.int32), torch.ones(3, 4, dtype=torch.int64)])
add("matmul/err/dtype_long_float", "matmul", [torch.ones(3, dtype=torch.int64), torch.ones(3, 4)])
add("matmul/err/half_float", "matmul", [torch.ones(2, 3, 4), torch.ones(4, 5, dtype=torch.float16)])
# out=
add("matmul/out/resize", "matmul", [small((3,)), small((3, 4))], out_arg=torch.empty(2))
add("matmul/out/fold", "matmul", [small((2, 2, 3)), small((3, 4))], out_arg=torch.empty(0))
add("matmul/out/batched", "matmul", [small((2, 2, 3)), small((2, 3, 4))], out_arg=torch.zeros(2, 2, 4))
add("matmul/out/dtype", "matmul", [small((2, 3)), small((3, 4))], out_arg=torch.empty(2, dtype=torch.int64))
add("matmul/out/dtype_fold", "matmul", [small((2, 2, 3)), small((3, 4))], out_arg=torch.empty(0, dtype=F64))
add("matmul/out/dot_dtype", "matmul", [small((3,)), small((3,))], out_arg=torch.empty(0, dtype=F64))

# ---------------- the blocked kernel: odd shapes and sizes past the blocking, as formulas ----------------
big_shapes = [((1, 1), (1, 1)), ((7, 13), (13, 5)), ((6, 16), (16, 32)), ((13, 300), (300, 37)), ((129, 257), (257, 65)),
              ((100, 3), (3, 2100)), ((2, 97), (97, 2)), ((1, 300), (300, 70)), ((70, 300), (300, 1))]
for sa, sb in big_shapes:
    for dt in [F32, F64]:
        add(f"mm/formula/{DTYPE_NAMES[dt]}/{sa}@{sb}", "mm", [formula(sa, dt), formula(sb, dt, a=5, b=1, mod=9, shift=4)])
for dt in [torch.bfloat16, torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8]:
    sc = 0.125 if dt.is_floating_point else 1
    sh = 0 if dt == torch.uint8 else 5
    add(f"mm/formula/{DTYPE_NAMES[dt]}/(33,70)@(70,21)", "mm", [formula((33, 70), dt, scale=sc, shift=sh), formula((70, 21), dt, a=5, b=1, mod=9, shift=min(sh, 4), scale=sc)])
# transposed / non-contiguous formula operands (read without materializing)
for dt in [F32, F64]:
    add(f"mm/formula/{DTYPE_NAMES[dt]}/tA", "mm", [formula((67, 45), dt, transpose=(0, 1)), formula((45, 39), dt, a=5, b=1, mod=9, shift=4)])
    add(f"mm/formula/{DTYPE_NAMES[dt]}/tB", "mm", [formula((67, 45), dt), formula((45, 39), dt, a=5, b=1, mod=9, shift=4, transpose=(0, 1))])
    add(f"mm/formula/{DTYPE_NAMES[dt]}/tAtB", "mm", [formula((31, 300), dt, transpose=(0, 1)), formula((300, 45), dt, a=5, b=1, mod=9, shift=4, transpose=(0, 1))])
    add(f"bmm/formula/{DTYPE_NAMES[dt]}/batched", "bmm", [formula((3, 37, 29), dt), formula((3, 29, 41), dt, a=5, b=1, mod=9, shift=4, transpose=(1, 2))])
    add(f"matmul/formula/{DTYPE_NAMES[dt]}/bcast", "matmul", [formula((2, 1, 19, 23), dt), formula((3, 23, 17), dt, a=5, b=1, mod=9, shift=4)])
    add(f"mv/formula/{DTYPE_NAMES[dt]}/tall", "mv", [formula((300, 77), dt), formula((77,), dt, a=5, b=1, mod=9, shift=4)])
    add(f"mv/formula/{DTYPE_NAMES[dt]}/t", "mv", [formula((300, 77), dt, transpose=(0, 1)), formula((77,), dt, a=5, b=1, mod=9, shift=4)])
    add(f"dot/formula/{DTYPE_NAMES[dt]}/long", "dot", [formula((1000,), dt), formula((1000,), dt, a=5, b=1, mod=9, shift=4)])
    add(f"addmm/formula/{DTYPE_NAMES[dt]}", "addmm", [formula((1, 45), dt, a=3), formula((61, 300), dt), formula((300, 45), dt, a=5, b=1, mod=9, shift=4)], kw={"beta": 0.5, "alpha": -2})

# ---------------- mm ----------------
for dt in OK_DTYPES:
    add(f"mm/{DTYPE_NAMES[dt]}", "mm", [small((3, 4), dt), small((4, 2), dt)])
for dt in BAD_DTYPES:
    add(f"mm/{DTYPE_NAMES[dt]}", "mm", [torch.ones(3, 4, dtype=dt), torch.ones(4, 2, dtype=dt)])
add("mm/nc", "mm", [nc_t(small((5, 4))), nc_step(small((4, 3)))])
add("mm/err/shape", "mm", [torch.ones(2, 3), torch.ones(4, 5)])
add("mm/err/shape_before_dtype", "mm", [torch.ones(2, 3), torch.ones(4, 5, dtype=F64)])
add("mm/err/self_1d", "mm", [torch.ones(3), torch.ones(3, 4)])
add("mm/err/mat2_1d", "mm", [torch.ones(3, 3), torch.ones(3)])
add("mm/err/dtype", "mm", [torch.ones(2, 3), torch.ones(3, 4, dtype=F64)])
add("mm/err/dtype_bool_first", "mm", [torch.ones(2, 3, dtype=torch.bool), torch.ones(3, 5, dtype=F64)])
add("mm/err/dtype_bool_second", "mm", [torch.ones(2, 3, dtype=F64), torch.ones(3, 5, dtype=torch.bool)])
add("mm/zero_k", "mm", [torch.ones(2, 0), torch.ones(0, 4)])
add("mm/out/strided", "mm", [small((2, 3)), small((3, 4))], out_arg=torch.zeros(4, 2).t())
add("mm/out/resize", "mm", [small((2, 3)), small((3, 4))], out_arg=torch.zeros(7))
for odt in [F64, torch.int64, torch.int32, torch.int16, torch.int8, torch.uint8, torch.bool, torch.float16, torch.bfloat16]:
    add(f"mm/out/dtype_{DTYPE_NAMES[odt]}", "mm", [torch.ones(2, 3), torch.ones(3, 4)], out_arg=torch.empty(0, dtype=odt))
add("mm/out/dtype_double_float", "mm", [torch.ones(2, 3, dtype=F64), torch.ones(3, 4, dtype=F64)], out_arg=torch.empty(0))

# ---------------- bmm / baddbmm ----------------
for dt in OK_DTYPES:
    add(f"bmm/{DTYPE_NAMES[dt]}", "bmm", [small((2, 3, 4), dt), small((2, 4, 2), dt)])
for dt in BAD_DTYPES:
    add(f"bmm/{DTYPE_NAMES[dt]}", "bmm", [torch.ones(2, 3, 4, dtype=dt), torch.ones(2, 4, 2, dtype=dt)])
add("bmm/nc", "bmm", [nc_t(small((3, 4, 5))), nc_t(small((3, 5, 2)))])
add("bmm/zero_batch", "bmm", [torch.ones(0, 3, 4), torch.ones(0, 4, 5)])
add("bmm/zero_k", "bmm", [torch.ones(2, 3, 0), torch.ones(2, 0, 5)])
add("bmm/err/2d", "bmm", [torch.ones(3, 4), torch.ones(2, 4, 5)])
add("bmm/err/mat2_2d", "bmm", [torch.ones(2, 3, 4), torch.ones(4, 5)])
add("bmm/err/batch", "bmm", [torch.ones(2, 3, 4), torch.ones(3, 4, 5)])
add("bmm/err/inner", "bmm", [torch.ones(2, 3, 4), torch.ones(2, 5, 5)])
add("bmm/err/dtype", "bmm", [torch.ones(2, 3, 4), torch.ones(2, 4, 5, dtype=F64)])
add("bmm/out", "bmm", [small((2, 2, 3)), small((2, 3, 4))], out_arg=torch.empty(0))
add("bmm/out/dtype", "bmm", [torch.ones(2, 2, 3), torch.ones(2, 3, 4)], out_arg=torch.empty(2, dtype=F64))
for dt in OK_DTYPES:
    add(f"baddbmm/{DTYPE_NAMES[dt]}", "baddbmm", [small((2, 3, 2), dt), small((2, 3, 4), dt), small((2, 4, 2), dt)])
add("baddbmm/bool", "baddbmm", [torch.ones(1, 2, 2, dtype=torch.bool), torch.ones(1, 2, 3, dtype=torch.bool), torch.ones(1, 3, 2, dtype=torch.bool)])
add("baddbmm/half", "baddbmm", [torch.ones(1, 2, 2, dtype=torch.half), torch.ones(1, 2, 3, dtype=torch.half), torch.ones(1, 3, 2, dtype=torch.half)])
add("baddbmm/beta_alpha", "baddbmm", [small((5,)), small((2, 3, 4)), small((2, 4, 5))], kw={"beta": 0.5, "alpha": 2})
add("baddbmm/int_beta_alpha_trunc", "baddbmm", [small((1, 2, 2), torch.int64), small((1, 2, 3), torch.int64), small((1, 3, 2), torch.int64)], kw={"beta": 0.5, "alpha": 2.7})
add("baddbmm/beta0_nan", "baddbmm", [torch.full((2, 2, 2), float("nan")), small((2, 2, 3)), small((2, 3, 2))], kw={"beta": 0})
add("baddbmm/input_double_cast", "baddbmm", [small((2, 3, 5), F64), small((2, 3, 4)), small((2, 4, 5))])
add("baddbmm/err/expand", "baddbmm", [torch.ones(2, 3), torch.ones(2, 3, 4), torch.ones(2, 4, 5)])
add("baddbmm/err/dtype", "baddbmm", [torch.ones(2, 3, 5), torch.ones(2, 3, 4), torch.ones(2, 4, 5, dtype=F64)])
add("baddbmm/inplace", "baddbmm", [small((2, 3, 5)), small((2, 3, 4)), small((2, 4, 5))], kw={"beta": 2, "alpha": 0.5}, inplace=True)
add("baddbmm/inplace/err_size", "baddbmm", [torch.ones(2, 1, 5), torch.ones(2, 3, 4), torch.ones(2, 4, 5)], inplace=True)
add("baddbmm/inplace/err_dtype", "baddbmm", [torch.ones(2, 3, 5, dtype=torch.int64), torch.ones(2, 3, 4), torch.ones(2, 4, 5)], inplace=True)
add("baddbmm/out", "baddbmm", [small((2, 3, 5)), small((2, 3, 4)), small((2, 4, 5))], out_arg=torch.empty(0))

# ---------------- mv / addmv ----------------
for dt in OK_DTYPES:
    add(f"mv/{DTYPE_NAMES[dt]}", "mv", [small((3, 4), dt), small((4,), dt)])
for dt in BAD_DTYPES:
    add(f"mv/{DTYPE_NAMES[dt]}", "mv", [torch.ones(3, 4, dtype=dt), torch.ones(4, dtype=dt)])
add("mv/nc", "mv", [nc_t(small((3, 4))), nc_step(small((4,)))])
add("mv/zero_k", "mv", [torch.ones(3, 0), torch.ones(0)])
add("mv/zero_rows", "mv", [torch.ones(0, 3), torch.ones(3)])
add("mv/err/size", "mv", [torch.ones(3, 4), torch.ones(5)])
add("mv/err/vec2d", "mv", [torch.ones(3, 4), torch.ones(4, 1)])
add("mv/err/mat1d", "mv", [torch.ones(3), torch.ones(4)])
add("mv/err/mat3d", "mv", [torch.ones(2, 3, 4), torch.ones(4)])
add("mv/err/dtype", "mv", [torch.ones(3, 4), torch.ones(4, dtype=F64)])
add("mv/err/bool_double", "mv", [torch.ones(2, 3, dtype=torch.bool), torch.ones(3, dtype=F64)])
add("mv/out/dtype", "mv", [torch.ones(2, 3), torch.ones(3)], out_arg=torch.empty(2, dtype=F64))
add("mv/out", "mv", [small((2, 3)), small((3,))], out_arg=torch.empty(5))
for dt in OK_DTYPES:
    add(f"addmv/{DTYPE_NAMES[dt]}", "addmv", [small((3,), dt), small((3, 4), dt), small((4,), dt)])
for dt in BAD_DTYPES:
    add(f"addmv/{DTYPE_NAMES[dt]}", "addmv", [torch.ones(3, dtype=dt), torch.ones(3, 4, dtype=dt), torch.ones(4, dtype=dt)])
add("addmv/beta_alpha", "addmv", [small((2,)), small((2, 3)), small((3,))], kw={"beta": 0.5, "alpha": 2})
add("addmv/int_trunc", "addmv", [small((2,), torch.int64), small((2, 3), torch.int64), small((3,), torch.int64)], kw={"beta": 0.5, "alpha": 2.7})
add("addmv/scalar_input", "addmv", [torch.tensor(1.5), small((2, 3)), small((3,))])
add("addmv/size1_input", "addmv", [torch.tensor([1.5]), small((2, 3)), small((3,))])
add("addmv/beta0_nan", "addmv", [torch.full((2,), float("nan")), small((2, 3)), small((3,))], kw={"beta": 0})
add("addmv/input_double_cast", "addmv", [small((2,), F64), small((2, 3)), small((3,))])
add("addmv/input_long_cast", "addmv", [small((2,), torch.int64), small((2, 3)), small((3,))])
add("addmv/err/size", "addmv", [torch.ones(3), torch.ones(2, 3), torch.ones(3)])
add("addmv/err/vec_size", "addmv", [torch.ones(2), torch.ones(2, 3), torch.ones(4)])
add("addmv/err/input2d", "addmv", [torch.ones(2, 1), torch.ones(2, 3), torch.ones(3)])
add("addmv/err/mat1d", "addmv", [torch.ones(2), torch.ones(3), torch.ones(3)])
add("addmv/err/dtype", "addmv", [torch.ones(2), torch.ones(2, 3), torch.ones(3, dtype=F64)])
add("addmv/inplace", "addmv", [small((2,)), small((2, 3)), small((3,))], kw={"beta": -1, "alpha": 3}, inplace=True)
add("addmv/inplace/err_2d", "addmv", [torch.ones(2, 2), torch.ones(2, 3), torch.ones(3)], inplace=True)
add("addmv/inplace/err_size", "addmv", [torch.ones(1), torch.ones(2, 3), torch.ones(3)], inplace=True)
add("addmv/inplace/err_dtype", "addmv", [torch.ones(2, dtype=torch.int64), torch.ones(2, 3), torch.ones(3)], inplace=True)
add("addmv/out", "addmv", [small((2,)), small((2, 3)), small((3,))], out_arg=torch.empty(0))

# ---------------- addmm ----------------
for dt in OK_DTYPES:
    add(f"addmm/{DTYPE_NAMES[dt]}", "addmm", [small((3, 2), dt), small((3, 4), dt), small((4, 2), dt)])
for dt in BAD_DTYPES:
    add(f"addmm/{DTYPE_NAMES[dt]}", "addmm", [torch.ones(3, 2, dtype=dt), torch.ones(3, 4, dtype=dt), torch.ones(4, 2, dtype=dt)])
add("addmm/beta_alpha", "addmm", [small((2, 2)), small((2, 3)), small((3, 2))], kw={"beta": 0.5, "alpha": 2})
add("addmm/bcast_row", "addmm", [small((2,)), small((3, 3)), small((3, 2))])
add("addmm/bcast_col", "addmm", [small((3, 1)), small((3, 3)), small((3, 2))])
add("addmm/bcast_scalar", "addmm", [torch.tensor(2.5), small((2, 3)), small((3, 2))], kw={"beta": -1})
add("addmm/beta0_nan", "addmm", [torch.full((2, 2), float("nan")), small((2, 3)), small((3, 2))], kw={"beta": 0})
add("addmm/alpha0_nan", "addmm", [torch.full((2, 2), float("inf")), small((2, 3)), torch.full((3, 2), float("nan"))], kw={"alpha": 0})
add("addmm/zero_k", "addmm", [torch.full((2, 2), 2.0), torch.ones(2, 0), torch.ones(0, 2)], kw={"beta": 3})
add("addmm/zero_k_beta0", "addmm", [torch.full((2, 2), float("nan")), torch.ones(2, 0), torch.ones(0, 2)], kw={"beta": 0})
add("addmm/int_trunc", "addmm", [small((2, 2), torch.int64), small((2, 3), torch.int64), small((3, 2), torch.int64)], kw={"beta": 0.5, "alpha": 2.7})
add("addmm/int_beta_alpha", "addmm", [small((2, 2), torch.int32), small((2, 3), torch.int32), small((3, 2), torch.int32)], kw={"beta": 2, "alpha": 3})
add("addmm/nc", "addmm", [nc_t(small((4, 3))), nc_t(small((4, 5))), nc_step(small((5, 3)))], kw={"beta": 0.25, "alpha": -1.5})
add("addmm/err/shape", "addmm", [torch.ones(2, 2), torch.ones(2, 3), torch.ones(4, 2)])
add("addmm/err/shape_same", "addmm", [torch.ones(2, 2), torch.ones(2, 3), torch.ones(2, 3)])
add("addmm/err/mat1_1d", "addmm", [torch.ones(2, 2), torch.ones(3), torch.ones(3, 2)])
add("addmm/err/mat2_1d", "addmm", [torch.ones(2, 2), torch.ones(2, 3), torch.ones(3)])
add("addmm/err/input_expand", "addmm", [torch.ones(3), torch.ones(2, 3), torch.ones(3, 2)])
add("addmm/err/input_expand2", "addmm", [torch.ones(3, 3), torch.ones(2, 3), torch.ones(3, 2)])
add("addmm/err/dtype_input", "addmm", [torch.ones(2, 2, dtype=F64), torch.ones(2, 3), torch.ones(3, 2)])
add("addmm/err/dtype_mat2", "addmm", [torch.ones(2, 2), torch.ones(2, 3), torch.ones(3, 2, dtype=F64)])
add("addmm/err/dtype_before_shape", "addmm", [torch.ones(2, 2, dtype=F64), torch.ones(2, 3), torch.ones(4, 3)])
add("addmm/inplace", "addmm", [small((2, 2)), small((2, 3)), small((3, 2))], kw={"beta": 0.5, "alpha": 2}, inplace=True)
add("addmm/inplace/nc", "addmm", [nc_t(small((3, 3))), small((3, 4)), small((4, 3))], inplace=True)
add("addmm/inplace/err_size", "addmm", [torch.ones(1, 2), torch.ones(2, 3), torch.ones(3, 2)], inplace=True)
add("addmm/inplace/err_dtype", "addmm", [torch.ones(2, 2, dtype=torch.int64), torch.ones(2, 3), torch.ones(3, 2)], inplace=True)
add("addmm/out", "addmm", [small((2, 2)), small((2, 3)), small((3, 2))], out_arg=torch.empty(0))
add("addmm/out/dtype", "addmm", [torch.ones(2, 2), torch.ones(2, 3), torch.ones(3, 2)], out_arg=torch.empty(0, dtype=F64))

# ---------------- dot / vdot ----------------
for op in ["dot", "vdot"]:
    for dt in OK_DTYPES:
        add(f"{op}/{DTYPE_NAMES[dt]}", op, [small((5,), dt), small((5,), dt)])
    for dt in BAD_DTYPES:
        add(f"{op}/{DTYPE_NAMES[dt]}", op, [torch.ones(3, dtype=dt), torch.ones(3, dtype=dt)])
    add(f"{op}/nc", op, [nc_step(small((5,))), nc_step(small((5,)))])
    add(f"{op}/empty", op, [torch.ones(0), torch.ones(0)])
    add(f"{op}/err/2d", op, [torch.ones(3, 3), torch.ones(3, 3)])
    add(f"{op}/err/0d", op, [torch.tensor(1.0), torch.ones(3)])
    add(f"{op}/err/size", op, [torch.ones(3), torch.ones(4)])
    add(f"{op}/err/dtype", op, [torch.ones(3), torch.ones(3, dtype=F64)])
    add(f"{op}/err/dtype_before_size", op, [torch.ones(3), torch.ones(4, dtype=F64)])
    add(f"{op}/err/long_float", op, [torch.ones(3, dtype=torch.int64), torch.ones(3)])
add("dot/int8_wraps", "dot", [torch.tensor([100, 100, 100], dtype=torch.int8), torch.tensor([1, 1, 1], dtype=torch.int8)])
add("dot/out", "dot", [small((3,)), small((3,))], out_arg=torch.empty(2))
add("dot/out/dtype", "dot", [torch.ones(3), torch.ones(3)], out_arg=torch.empty(0, dtype=F64))
add("dot/out/dtype_long", "dot", [torch.ones(3, dtype=F64), torch.ones(3, dtype=F64)], out_arg=torch.empty(0, dtype=torch.int64))

# ---------------- outer / ger / inner ----------------
for op in ["outer", "ger"]:
    for dt in OK_DTYPES + BAD_DTYPES:
        add(f"{op}/{DTYPE_NAMES[dt]}", op, [small((3,), dt) if dt != torch.bool else torch.tensor([True, False, True]),
                                            small((2,), dt) if dt != torch.bool else torch.tensor([True, False])])
    add(f"{op}/promote", op, [small((3,), torch.int32), small((2,), F64)])
    add(f"{op}/promote_int", op, [small((3,), torch.int32), small((2,), torch.int64)])
    add(f"{op}/nc", op, [nc_step(small((3,))), nc_step(small((4,)))])
    add(f"{op}/empty", op, [torch.ones(0), torch.ones(3)])
    add(f"{op}/err/2d", op, [torch.ones(2, 2), torch.ones(3)])
    add(f"{op}/err/0d", op, [torch.tensor(1.0), torch.ones(3)])
    add(f"{op}/err/vec2_2d", op, [torch.ones(3), torch.ones(2, 2)])
add("outer/out", "outer", [small((3,)), small((2,))], out_arg=torch.empty(0, dtype=F64))
add("outer/out/cast_err", "outer", [small((3,)), small((2,))], out_arg=torch.empty(0, dtype=torch.int64))
for sa, sb in [((3,), (3,)), ((3,), (2, 3)), ((2, 3), (4, 3)), ((2, 2, 3), (3,)), ((2, 3), (2, 2, 3)), ((0, 3), (2, 3)), ((2, 0), (3, 0))]:
    add(f"inner/{sa}.{sb}", "inner", [small(sa), small(sb)])
add("inner/scalar", "inner", [torch.tensor(2.0), small((2, 4))])
add("inner/scalar_right", "inner", [small((2, 4)), torch.tensor(-1.5)])
add("inner/int64", "inner", [small((2, 3), torch.int64), small((4, 3), torch.int64)])
add("inner/nc", "inner", [nc_t(small((3, 2))), nc_step(small((4, 2)))])
add("inner/err/last", "inner", [torch.ones(3), torch.ones(2, 4)])
add("inner/err/dtype", "inner", [torch.ones(2, 3), torch.ones(4, 3, dtype=F64)])
add("inner/err/bool", "inner", [torch.ones(2, 3, dtype=torch.bool), torch.ones(4, 3, dtype=torch.bool)])

# ---------------- einsum ----------------
def ein(name, eq, *ops):
    add(f"einsum/{name}", "einsum", list(ops), kw={"equation": eq})


ein("mm", "ij,jk->ik", small((2, 3)), small((3, 4)))
ein("mm_implicit", "ij,jk", small((2, 3)), small((3, 4)))
ein("bmm", "bij,bjk->bik", small((2, 3, 4)), small((2, 4, 5)))
ein("bmm_bcast", "bij,bjk->bik", small((2, 2, 3)), small((1, 3, 4)))
ein("diag", "ii->i", small((3, 3)))
ein("trace", "ii", small((3, 3)))
ein("trace_explicit", "ii->", small((4, 4)))
ein("diag3", "iij->ij", small((3, 3, 2)))
ein("dot", "i,i->", small((5,)), small((5,)))
ein("dot_implicit", "i,i", small((5,)), small((5,)))
ein("outer", "i,j->ij", small((3,)), small((4,)))
ein("outer_implicit", "i,j", small((3,)), small((2,)))
ein("hadamard", "ij,ij->ij", small((2, 3)), small((2, 3)))
ein("bcast_size1", "ij,ij->ij", small((2, 3)), small((1, 3)))
ein("bcast_size1_col", "ij,ij->ij", small((2, 3)), small((2, 1)))
ein("bcast_sum", "i,i", small((3,)), small((1,)))
ein("bcast_outer", "i,j", small((3,)), small((1,)))
ein("ellipsis_mm", "...ij,...jk", small((2, 1, 3, 4)), small((5, 4, 2)))
ein("ellipsis_mm_explicit", "...ij,...jk->...ik", small((2, 1, 3, 4)), small((5, 4, 2)))
ein("ellipsis_end", "ij...,jk->ik", small((2, 3)), small((3, 4)))
ein("ellipsis_out_end", "...ij,jk->ik...", small((2, 3)), small((3, 4)))
ein("ellipsis_middle", "b...a", small((2, 4, 3)))
ein("ellipsis_sum", "i...,i...->...", small((2, 1, 3)), small((2, 5, 1)))
ein("ellipsis_dropped", "...ij,jk->ik", small((2, 2, 3)), small((3, 4)))
ein("ellipsis_only", "...", small((2, 3)))
ein("ellipsis_total", "...->", small((2, 3)))
ein("attention_scores", "bhqd,bhkd->bhqk", small((2, 3, 4, 5)), small((2, 3, 6, 5)))
ein("attention_values", "bhqk,bhkd->bhqd", small((2, 2, 3, 4)), small((2, 2, 4, 5)))
ein("chain3", "ij,jk,kl->il", small((2, 3)), small((3, 4)), small((4, 5)))
ein("chain3_implicit", "ij,jk,kl", small((2, 3)), small((3, 4)), small((4, 5)))
ein("triple_dot", "i,i,i->", small((4,)), small((4,)), small((4,)))
ein("diag_times_vec", "ii,i->i", small((3, 3)), small((3,)))
ein("bilinear", "bn,anm,bm->ba", small((2, 3)), small((4, 3, 5)), small((2, 5)))
ein("transpose", "ij->ji", small((2, 3)))
ein("transpose_implicit", "ji", small((2, 3)))
ein("upper_first", "aB", small((2, 3)))
ein("upper_lower", "Aj,jB->AB", small((2, 3)), small((3, 4)))
ein("rowsum", "ij->i", small((3, 4)))
ein("colsum", "ij->j", small((3, 4)))
ein("total", "ij->", small((3, 4)))
ein("sum_both_sides", "ij,kl->", small((2, 3)), small((4, 5)))
ein("partial_sums", "ij,jk->", small((2, 3)), small((3, 4)))
ein("spaces", " ij , jk -> ik ", small((2, 3)), small((3, 4)))
ein("spaces_inside", "i j,jk->i k", small((2, 3)), small((3, 4)))
ein("scalar", "", torch.tensor(3.0))
ein("scalar_arrow", "->", torch.tensor(3.0))
ein("identity", "i", small((3,)))
ein("vec_sum", "i->", small((3,)))
ein("batch_diag", "bii->bi", small((2, 3, 3)))
ein("tensor_contract", "abc,cbd->ad", small((2, 3, 4)), small((4, 3, 5)))
ein("nc_operands", "ij,jk->ik", nc_t(small((3, 4))), nc_step(small((4, 2))))
ein("zero_contract", "ij,jk->ik", torch.ones(2, 0), torch.ones(0, 3))
ein("zero_outer", "i,j->ij", torch.ones(0), torch.ones(3))
ein("zero_bcast", "ij,ij->", torch.ones(0, 0), torch.ones(1, 1))
ein("float64", "ij,jk->ik", small((2, 3), F64), small((3, 4), F64))
ein("bfloat16", "ij,jk->ik", small((2, 3), torch.bfloat16), small((3, 4), torch.bfloat16))
for dt in [torch.int64, torch.int32, torch.int8, torch.uint8]:
    ein(f"{DTYPE_NAMES[dt]}_mm", "ij,jk->ik", small((2, 3), dt), small((3, 4), dt))
    ein(f"{DTYPE_NAMES[dt]}_sum", "ij->i", small((3, 2), dt))
ein("int8_sum_promotes", "i->", torch.full((3,), 100, dtype=torch.int8))
ein("int8_dot_wraps", "i,i->", torch.full((3,), 100, dtype=torch.int8), torch.ones(3, dtype=torch.int8))
ein("int8_partial_sums_promote", "ij,jk->", torch.full((2, 3), 100, dtype=torch.int8), torch.ones(3, 2, dtype=torch.int8))
ein("int8_outer_sum", "i,j->", torch.full((3,), 100, dtype=torch.int8), torch.full((3,), 100, dtype=torch.int8))
ein("int32_float_sums", "i,j->", torch.ones(3, dtype=torch.int32), small((3,)))
ein("bool_transpose", "ij->ji", torch.tensor([[True, False, True], [False, False, True]]))
ein("bool_diag", "ii->i", torch.tensor([[True, False], [False, False]]))
ein("bool_sum", "ij->i", torch.tensor([[True, False, True], [False, False, True]]))
ein("bool_mul", "i,i->i", torch.tensor([True, False, True]), torch.tensor([True, True, False]))
ein("bool_outer", "i,j->ij", torch.tensor([True, False, True]), torch.tensor([True, False]))
ein("bool_contract", "i,i->", torch.ones(3, dtype=torch.bool), torch.ones(3, dtype=torch.bool))
ein("half_outer", "i,j->ij", small((3,), torch.float16), small((2,), torch.float16))
ein("half_sum", "i->", small((3,), torch.float16))
ein("half_contract", "i,i->", torch.ones(3, dtype=torch.float16), torch.ones(3, dtype=torch.float16))
ein("half_mm", "ij,jk->ik", torch.ones(2, 3, dtype=torch.float16), torch.ones(3, 2, dtype=torch.float16))
ein("mixed_mul_promotes", "i,j->ij", small((3,)), small((2,), F64))
ein("mixed_hadamard", "i,i->i", small((2,)), small((2,), torch.int64))
ein("mixed_contract_err", "i,i->", small((3,)), small((3,), F64))
ein("mixed_mm_err", "ij,jk->ik", small((2, 3)), small((3, 4), F64))
ein("mixed_int_err", "ij,jk->ik", torch.ones(2, 3, dtype=torch.int32), torch.ones(3, 2, dtype=torch.int64))
ein("formula_big", "bij,bjk->bik", formula((3, 40, 70)), formula((3, 70, 33), a=5, b=1, mod=9, shift=4))
# einsum errors
ein("err/no_operands", "ij")
ein("err/fewer", "ij,jk->ik", torch.ones(2, 3))
ein("err/more_arrow", "ij->ik", torch.ones(2, 3), torch.ones(3, 4))
ein("err/more", "ij,jk->ik", torch.ones(2, 3), torch.ones(3, 4), torch.ones(4, 4))
ein("err/nsub", "ijk,jk->ik", torch.ones(2, 3), torch.ones(3, 4))
ein("err/nsub_less", "i,jk->ik", torch.ones(2, 3), torch.ones(3, 4))
ein("err/nsub_ell", "i...j,k", torch.ones(2), torch.ones(3))
ein("err/out_twice", "ij,jk->ikk", torch.ones(2, 3), torch.ones(3, 4))
ein("err/out_twice_first", "ij,jk->ii", torch.ones(2, 3), torch.ones(3, 4))
ein("err/out_unknown", "ij,jk->il", torch.ones(2, 3), torch.ones(3, 4))
ein("err/repeat_size", "ij,kk->ik", torch.ones(2, 3), torch.ones(3, 4))
ein("err/repeat_size_diag", "ii->i", torch.ones(2, 3))
ein("err/repeat_size3", "iij->ij", torch.ones(3, 4, 5))
ein("err/invalid_char", "ij,jk-ik", torch.ones(2, 3), torch.ones(3, 4))
ein("err/two_arrows", "ij,jk->ik->i", torch.ones(2, 3), torch.ones(3, 4))
ein("err/digit", "i1,jk->ik", torch.ones(2, 3), torch.ones(3, 4))
ein("err/two_dots", "..ij,jk->ik", torch.ones(2, 3), torch.ones(3, 4))
ein("err/four_dots", "....ij,jk->ik", torch.ones(2, 3), torch.ones(3, 4))
ein("err/two_ellipses", "i...j...,jk->ik", torch.ones(2, 3), torch.ones(3, 4))
ein("err/out_two_dots", "ij,jk->ik..", torch.ones(2, 3), torch.ones(3, 4))
ein("err/bcast", "ij,jk->ij", torch.ones(2, 3), torch.ones(2, 4))
ein("err/bcast_rows", "ij,ij->ij", torch.ones(2, 3), torch.ones(4, 3))
ein("err/bcast_batch", "bij,bjk->bik", torch.ones(2, 2, 3), torch.ones(3, 3, 4))
ein("err/bcast_zero", "i,i->i", torch.ones(3), torch.ones(0))
ein("err/bcast_ellipsis", "...ij,...jk", torch.ones(2, 3, 4), torch.ones(5, 4, 2))
ein("err/bcast_ellipsis_only", "...,...", torch.ones(2, 3), torch.ones(4, 3))
ein("err/nsub_single", "ijk", torch.ones(2, 3))
ein("err/ellipsis_repeat", "ii...,i", torch.ones(2, 3), torch.ones(2))

write("linalg", cases)
