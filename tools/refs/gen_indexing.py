"""Reference data for the indexing family: the indexer (get/set), index_put_, gather/scatter, index_select and
friends, masked ops, nonzero, take/put_, cat/stack, flip/roll/repeat/tile, tril/triu, diag/diagonal.

Index expressions use a small JSON mini-language (decoded by tests/Flint.Tests/Indexing/IndexingReferenceTests.cs):
  an integer; {"s": [start, stop, step]} (nulls allowed) for a slice; "None"; "..."; true/false; {"t": <tensor>}.
Run: /usr/bin/python3 tools/refs/gen_indexing.py
"""
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
from common import enc, enc_scalar, outcome, write  # noqa: E402

warnings.filterwarnings("ignore")
torch.manual_seed(0)

ALL = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.float16, torch.float32,
       torch.float64, torch.bool, torch.bfloat16]
cases = []


def T(shape, dtype=torch.float32, start=0):
    n = 1
    for s in shape:
        n *= s
    v = torch.arange(start, start + n, dtype=torch.float64).reshape(shape)
    if dtype == torch.bool:
        return (v.long() % 3 != 0)
    if dtype == torch.uint8:
        return v.remainder(200).to(dtype)
    if dtype in (torch.int8,):
        return (v - n // 2).clamp(-100, 100).to(dtype)
    if dtype.is_floating_point:
        return (v * 0.5 - 1).to(dtype)
    return (v - n // 2).to(dtype)


def L(*vals):
    return torch.tensor(vals, dtype=torch.int64)


def B(*vals):
    return torch.tensor(vals, dtype=torch.bool)


class NC:
    """A non-contiguous tensor: encoded as a transposed view."""
    def __init__(self, t):
        self.t = t


def E(v):
    if isinstance(v, NC):
        return enc(v.t, transpose=(0, 1))
    if isinstance(v, torch.Tensor):
        return enc(v)
    if isinstance(v, (list, tuple)):
        return [E(x) for x in v]
    if isinstance(v, float):
        return enc_scalar(v)
    return v


def U(v):
    if isinstance(v, NC):
        return v.t
    if isinstance(v, (list, tuple)):
        return type(v)(U(x) for x in v)
    return v


def add(name, op, fn, **args):
    c = {"name": name, "op": op, "args": {k: E(v) for k, v in args.items()}}
    c.update(outcome(lambda: fn(**{k: U(v) for k, v in args.items()})))
    cases.append(c)
    return c


# ---------- index mini-language ----------
def enc_idx(i):
    if i is None:
        return "None"
    if i is Ellipsis:
        return "..."
    if isinstance(i, bool):
        return i
    if isinstance(i, int):
        return i
    if isinstance(i, slice):
        return {"s": [i.start, i.stop, i.step]}
    if isinstance(i, torch.Tensor):
        return {"t": enc(i)}
    raise TypeError(i)


def get_case(name, x, idx, nc=False):
    xt = x
    key = idx[0] if len(idx) == 1 else tuple(idx)  # a lone index is passed bare, as C#'s x[i] reads

    def fn():
        return xt[key]
    c = {"name": name, "op": "get", "args": {"x": enc(x, transpose=(0, 1)) if nc else enc(x), "idx": [enc_idx(i) for i in idx]}}
    c.update(outcome(fn))
    if "out" in c:
        r = xt[key]
        c["view"] = r._base is not None
    cases.append(c)


def set_case(name, x, idx, value):
    def fn():
        y = x.clone()
        y[tuple(idx)] = value
        return y
    c = {"name": name, "op": "set", "args": {"x": enc(x), "idx": [enc_idx(i) for i in idx], "value": enc(value)}}
    c.update(outcome(fn))
    cases.append(c)


x3 = T([2, 3, 4])
x2 = T([3, 4])
GET = [
    ("int", x3, [1]), ("neg_int", x3, [-1]), ("int_int", x3, [0, 2]), ("int3", x3, [1, 2, 3]),
    ("slice", x3, [slice(0, 1)]), ("slice_full", x3, [slice(None)]), ("slice_step", x3, [slice(None), slice(None, None, 2)]),
    ("slice_neg", x3, [slice(-1, None)]), ("slice_neg_stop", x3, [slice(None), slice(None, -1)]),
    ("slice_clamp", x3, [slice(-10, 10)]), ("slice_empty", x3, [slice(2, 1)]), ("slice_step3", x3, [..., slice(1, None, 3)]),
    ("int_slice", x3, [0, slice(None), slice(1, 3)]), ("ellipsis", x3, [...]), ("ellipsis_int", x3, [..., 0]),
    ("int_ellipsis", x3, [1, ...]), ("mid_ellipsis", x3, [0, ..., 1]), ("none", x3, [None]), ("none_mid", x3, [0, None, 1]),
    ("none_ellipsis", x3, [None, ..., None, 0]), ("true", x3, [True]), ("false", x3, [False]), ("int_true", x3, [0, True]),
    ("tensor1", x3, [L(1, 0, 1)]), ("tensor_neg", x3, [L(-1, -2)]), ("tensor_2d", x3, [L(0, 1, 1).reshape(3, 1)]),
    ("tensor_second", x3, [slice(None), L(2, 0)]), ("tensor_pair", x3, [L(0, 1), L(1, 2)]),
    ("tensor_bcast", x3, [L(0, 1).reshape(2, 1), L(0, 1, 2)]), ("tensor_sep", x3, [L(0, 1), slice(None), L(3, 0)]),
    ("tensor_sep_2d", x3, [L(0, 1, 0, 1).reshape(2, 2), slice(None), L(1, 2)]),
    ("tensor_adj_last", x3, [slice(None), L(0, 2), L(1, 3)]), ("tensor_int", x3, [L(1, 0), 2]),
    ("int_tensor_sep", x3, [0, slice(None), L(1, 2)]), ("tensor_triple", x3, [L(1), L(2), L(3)]),
    ("tensor_empty", x3, [torch.zeros(0, dtype=torch.int64)]), ("tensor0d", x3, [torch.tensor(1)]),
    ("tensor0d_neg", x3, [torch.tensor(-1), 1]), ("bool0d", x3, [torch.tensor(True)]),
    ("mask1", x3, [B(True, False)]), ("mask2", x3, [T([2, 3], torch.bool)]), ("mask3", x3, [T([2, 3, 4], torch.bool)]),
    ("mask_second", x3, [slice(None), B(True, False, True)]), ("mask_u8", x3, [torch.tensor([1, 0], dtype=torch.uint8)]),
    ("mask_none", x3, [B(False, False)]), ("mask_and_tensor", x3, [B(True, True), L(0, 2)]),
    ("mask_ellipsis", x3, [..., B(True, False, False, True)]), ("none_tensor", x3, [None, L(1, 0)]),
    ("slice_tensor_slice", x3, [slice(0, 1), L(0, 2), slice(None, None, 2)]),
    ("err_oob_int", x3, [2]), ("err_oob_neg", x3, [-3]), ("err_oob_int2", x3, [0, 5]), ("err_too_many", x3, [0, 0, 0, 0]),
    ("err_oob_tensor", x3, [L(0, 5)]), ("err_oob_tensor2", x3, [L(0), L(7)]), ("err_oob_tensor_neg", x3, [slice(None), L(-4)]),
    ("err_float_idx", x3, [torch.tensor([1.0])]), ("err_int32_idx", x3, [torch.tensor([1], dtype=torch.int32)]),
    ("err_mask_shape", x3, [B(True, False, True)]), ("err_mask_shape2", x3, [slice(None), B(True, False)]),
    ("err_bcast", x3, [L(0, 1), L(0, 1, 2)]), ("err_two_ellipsis", x3, [..., 0, ...]),
    ("err_0d_int", torch.tensor(3.5), [0]), ("scalar_none", torch.tensor(3.5), [None]), ("scalar_ellipsis", torch.tensor(3.5), [...]),
    ("scalar_true", torch.tensor(3.5), [True]), ("zero_size", T([0, 3]), [slice(None), 1]),
    ("zero_size_tensor", T([0, 3]), [slice(None), L(0, 2)]), ("err_zero_size_oob", T([0, 3]), [L(0)]),
    ("zero_size_mask", T([0, 3]), [torch.zeros(0, dtype=torch.bool)]),
]
for n, x, idx in GET:
    get_case("get_" + n, x, idx)
for n, x, idx in [("int", x2, [1]), ("slice", x2, [slice(1, None), slice(None, None, 2)]), ("tensor", x2, [L(2, 0)]),
                  ("mask", x2, [x2 > 0]), ("pair", x2, [L(0, 1), L(1, 0)]), ("sep", x2, [slice(None), L(2)])]:
    get_case("get_nc_" + n, x2.t().contiguous().t() if False else x2, idx, nc=True)
for dt in ALL:
    x = T([3, 4], dt)
    get_case(f"get_dtype_{dt}".replace("torch.", ""), x, [L(2, 0), slice(1, None)])
    get_case(f"get_mask_dtype_{dt}".replace("torch.", ""), x, [T([3, 4], torch.bool)])

SET = [
    ("int", [1], torch.tensor(9.0)), ("int_row", [0], torch.arange(12.).reshape(3, 4)), ("slice", [slice(None), 1], torch.tensor([7., 8, 9, 10])),
    ("slice_bcast", [..., slice(0, 2)], torch.tensor([1., 2])), ("leading_ones", [0, 0], torch.ones(1, 1, 4)),
    ("step", [slice(None), slice(None), slice(None, None, 2)], torch.tensor(-1.)),
    ("tensor", [L(1, 0)], torch.tensor(5.)), ("tensor_vals", [slice(None), L(0, 2)], torch.arange(16.).reshape(2, 2, 4)),
    ("tensor_dup", [L(1, 1)], torch.tensor(3.)), ("pair", [L(0, 1), L(2, 0)], torch.tensor([[1., 2, 3, 4]]).t().reshape(4)[:4].reshape(1, 4).expand(2, 4)),
    ("mask", [T([2, 3, 4], torch.bool)], torch.tensor(0.)), ("mask_vals", [B(False, True)], torch.arange(12.).reshape(3, 4)),
    ("mask_row", [T([2, 3], torch.bool)], torch.tensor([1., 2, 3, 4])), ("int_value", [0], torch.tensor(7)),
    ("bool_value", [1, 1], torch.tensor(True)), ("sep", [L(0, 1), slice(None), L(3, 0)], torch.tensor([[1., 2, 3], [4, 5, 6]]).t()),
    ("true", [True], torch.tensor(4.)), ("none", [None, 0], torch.tensor(2.)),
    ("err_value_shape", [L(0)], torch.ones(4, 3)), ("err_basic_shape", [0], torch.ones(5)),
    ("err_oob", [L(3)], torch.tensor(1.)), ("err_mask", [B(True, False, True)], torch.tensor(1.)),
]
for n, idx, v in SET:
    set_case("set_" + n, x3, idx, v)
for dt in ALL:
    set_case(f"set_dtype_{dt}".replace("torch.", ""), T([3, 4], dt), [T([3, 4], torch.bool)], T([], dt, 5))
    set_case(f"set_tensor_dtype_{dt}".replace("torch.", ""), T([3, 4], dt), [L(2, 0), slice(None, 2)], T([2], dt, 3))

# ---------- index_put_ ----------
def index_put(x, indices, values, accumulate):
    return x.clone().index_put_(tuple(indices), values, accumulate=accumulate)


for dt in ALL:
    ds = str(dt).replace("torch.", "")
    add(f"index_put_{ds}", "index_put", index_put, x=T([3, 4], dt), indices=[L(0, 2, 0)], values=T([3, 4], dt, 2), accumulate=False)
    add(f"index_put_acc_{ds}", "index_put", index_put, x=T([3, 4], dt), indices=[L(0, 2, 0), L(1, 1, 1)], values=T([3], dt, 4), accumulate=True)
add("index_put_mask", "index_put", index_put, x=T([3, 4]), indices=[T([3, 4], torch.bool)], values=torch.tensor(-2.), accumulate=False)
add("index_put_bcast", "index_put", index_put, x=T([3, 4]), indices=[L(0, 2).reshape(2, 1), L(1, 3)], values=torch.tensor([1., 2]), accumulate=True)
add("index_put_nc", "index_put", index_put, x=NC(T([4, 3]).t()), indices=[L(0, 2)], values=torch.tensor(9.), accumulate=False)
add("index_put_err_dtype", "index_put", index_put, x=T([3, 4]), indices=[L(0)], values=torch.tensor(1.0, dtype=torch.float64), accumulate=False)
add("index_put_err_shape", "index_put", index_put, x=T([3, 4]), indices=[L(1)], values=torch.ones(3), accumulate=False)
add("index_put_err_oob", "index_put", index_put, x=T([3, 4]), indices=[L(1), L(4)], values=torch.tensor(1.), accumulate=False)
add("index_put_err_many", "index_put", index_put, x=T([3, 4]), indices=[L(1), L(1), L(1)], values=torch.tensor(1.), accumulate=False)

# ---------- index_select / index_add_ / index_copy_ / index_fill_ ----------
for dt in ALL:
    ds = str(dt).replace("torch.", "")
    add(f"index_select_{ds}", "index_select", lambda x, dim, index: torch.index_select(x, dim, index), x=T([3, 4], dt), dim=1, index=L(3, 0, 0))
    add(f"index_fill_{ds}", "index_fill", lambda x, dim, index, value: x.clone().index_fill_(dim, index, value), x=T([3, 4], dt), dim=0, index=L(0, -1), value=1)
    add(f"index_copy_{ds}", "index_copy", lambda x, dim, index, source: x.clone().index_copy_(dim, index, source), x=T([3, 4], dt), dim=1, index=L(2, 0), source=T([3, 2], dt, 7))
    add(f"index_add_{ds}", "index_add", lambda x, dim, index, source: x.clone().index_add_(dim, index, source), x=T([3, 4], dt), dim=0, index=L(2, 2, 0), source=T([3, 4], dt, 1))
add("index_select_int32", "index_select", lambda x, dim, index: torch.index_select(x, dim, index), x=T([3, 4]), dim=0, index=torch.tensor([2, 0], dtype=torch.int32))
add("index_select_nc", "index_select", lambda x, dim, index: torch.index_select(x, dim, index), x=NC(T([4, 3]).t()), dim=-1, index=L(1, 3))
add("index_select_0d_index", "index_select", lambda x, dim, index: torch.index_select(x, dim, index), x=T([3, 4]), dim=0, index=torch.tensor(1))
add("index_select_scalar", "index_select", lambda x, dim, index: torch.index_select(x, dim, index), x=torch.tensor(5.), dim=0, index=L(0))
add("index_select_empty", "index_select", lambda x, dim, index: torch.index_select(x, dim, index), x=T([3, 4]), dim=1, index=torch.zeros(0, dtype=torch.int64))
add("index_select_zero_size", "index_select", lambda x, dim, index: torch.index_select(x, dim, index), x=T([0, 4]), dim=1, index=L(1))
add("index_select_err_oob", "index_select", lambda x, dim, index: torch.index_select(x, dim, index), x=T([3, 4]), dim=1, index=L(4))
add("index_select_err_neg", "index_select", lambda x, dim, index: torch.index_select(x, dim, index), x=T([3, 4]), dim=1, index=L(-1))
add("index_select_err_float", "index_select", lambda x, dim, index: torch.index_select(x, dim, index), x=T([3, 4]), dim=1, index=torch.tensor([1.]))
add("index_select_err_2d", "index_select", lambda x, dim, index: torch.index_select(x, dim, index), x=T([3, 4]), dim=1, index=L(1, 2).reshape(1, 2))
add("index_select_err_dim", "index_select", lambda x, dim, index: torch.index_select(x, dim, index), x=T([3, 4]), dim=2, index=L(1))
add("index_add_alpha", "index_add", lambda x, dim, index, source, alpha: x.clone().index_add_(dim, index, source, alpha=alpha), x=T([3, 4]), dim=1, index=L(1, 1), source=T([3, 2]), alpha=2.5)
add("index_add_int_alpha", "index_add", lambda x, dim, index, source, alpha: x.clone().index_add_(dim, index, source, alpha=alpha), x=T([3, 4], torch.int64), dim=1, index=L(1, 1), source=T([3, 2], torch.int64), alpha=3)
add("index_add_err_alpha", "index_add", lambda x, dim, index, source, alpha: x.clone().index_add_(dim, index, source, alpha=alpha), x=T([3, 4], torch.int64), dim=1, index=L(1, 1), source=T([3, 2], torch.int64), alpha=2.5)
add("index_add_err_oob", "index_add", lambda x, dim, index, source: x.clone().index_add_(dim, index, source), x=T([3, 4]), dim=1, index=L(5), source=T([3, 1]))
add("index_add_err_count", "index_add", lambda x, dim, index, source: x.clone().index_add_(dim, index, source), x=T([3, 4]), dim=1, index=L(1), source=T([3, 2]))
add("index_add_err_dtype", "index_add", lambda x, dim, index, source: x.clone().index_add_(dim, index, source), x=T([3, 4]), dim=1, index=L(1), source=T([3, 1], torch.float64))
add("index_add_err_index_dtype", "index_add", lambda x, dim, index, source: x.clone().index_add_(dim, index, source), x=T([3, 4]), dim=1, index=torch.tensor([1.]), source=T([3, 1]))
add("index_add_int32_index", "index_add", lambda x, dim, index, source: x.clone().index_add_(dim, index, source), x=T([3, 4]), dim=1, index=torch.tensor([1, 1], dtype=torch.int32), source=T([3, 2]))
add("index_copy_err_oob", "index_copy", lambda x, dim, index, source: x.clone().index_copy_(dim, index, source), x=T([3, 4]), dim=1, index=L(7), source=T([3, 1]))
add("index_copy_err_neg", "index_copy", lambda x, dim, index, source: x.clone().index_copy_(dim, index, source), x=T([3, 4]), dim=1, index=L(-1), source=T([3, 1]))
add("index_copy_err_count", "index_copy", lambda x, dim, index, source: x.clone().index_copy_(dim, index, source), x=T([3, 4]), dim=1, index=L(1), source=T([3, 2]))
add("index_copy_err_dtype", "index_copy", lambda x, dim, index, source: x.clone().index_copy_(dim, index, source), x=T([3, 4]), dim=1, index=L(1), source=T([3, 1], torch.float64))
add("index_copy_err_int32", "index_copy", lambda x, dim, index, source: x.clone().index_copy_(dim, index, source), x=T([3, 4]), dim=1, index=torch.tensor([1], dtype=torch.int32), source=T([3, 1]))
add("index_fill_tensor_value", "index_fill", lambda x, dim, index, value: x.clone().index_fill_(dim, index, value), x=T([3, 4]), dim=1, index=L(1, 3), value=torch.tensor(-7.))
add("index_fill_float_into_int", "index_fill", lambda x, dim, index, value: x.clone().index_fill_(dim, index, value), x=T([3, 4], torch.int64), dim=1, index=L(1, 3), value=2.5)
add("index_fill_err_oob", "index_fill", lambda x, dim, index, value: x.clone().index_fill_(dim, index, value), x=T([3, 4]), dim=1, index=L(4), value=1.0)
add("index_fill_err_value", "index_fill", lambda x, dim, index, value: x.clone().index_fill_(dim, index, value), x=T([3, 4]), dim=1, index=L(1), value=torch.tensor([1.]))
add("index_fill_err_dtype", "index_fill", lambda x, dim, index, value: x.clone().index_fill_(dim, index, value), x=T([3, 4]), dim=1, index=torch.tensor([1.]), value=1.0)

# ---------- gather / scatter ----------
for dt in ALL:
    ds = str(dt).replace("torch.", "")
    add(f"gather_{ds}", "gather", lambda x, dim, index: torch.gather(x, dim, index), x=T([3, 4], dt), dim=1, index=L(0, 3, 3, 1, 2, 2).reshape(3, 2))
    add(f"scatter_{ds}", "scatter", lambda x, dim, index, src: x.scatter(dim, index, src), x=T([3, 4], dt), dim=0, index=L(2, 0, 1, 0, 1, 2).reshape(2, 3), src=T([2, 4], dt, 5))
    add(f"scatter_value_{ds}", "scatter", lambda x, dim, index, value: x.scatter(dim, index, value), x=T([3, 4], dt), dim=1, index=L(3, 0, 1).reshape(3, 1), value=1)
    if dt != torch.bool:
        add(f"scatter_add_{ds}", "scatter_add", lambda x, dim, index, src: x.scatter_add(dim, index, src), x=T([3, 4], dt), dim=1, index=L(0, 0, 3, 1, 1, 1).reshape(3, 2), src=T([3, 2], dt, 2))
    add(f"scatter_mul_{ds}", "scatter", lambda x, dim, index, src, reduce: x.scatter(dim, index, src, reduce=reduce), x=T([3, 4], dt), dim=1, index=L(0, 0, 3, 1, 1, 1).reshape(3, 2), src=T([3, 2], dt, 2), reduce="multiply")
add("gather_nc", "gather", lambda x, dim, index: torch.gather(x, dim, index), x=NC(T([4, 3]).t()), dim=0, index=NC(L(0, 2, 1, 1, 0, 2).reshape(2, 3)))
add("gather_neg_dim", "gather", lambda x, dim, index: torch.gather(x, dim, index), x=T([2, 3, 4]), dim=-1, index=L(*([3, 0] * 6)).reshape(2, 3, 2))
add("gather_smaller", "gather", lambda x, dim, index: torch.gather(x, dim, index), x=T([3, 4]), dim=0, index=L(2, 1).reshape(1, 2))
add("gather_empty", "gather", lambda x, dim, index: torch.gather(x, dim, index), x=T([3, 4]), dim=0, index=torch.zeros(0, 4, dtype=torch.int64))
add("gather_scalar", "gather", lambda x, dim, index: torch.gather(x, dim, index), x=torch.tensor(2.5), dim=0, index=torch.tensor(0))
add("gather_err_oob", "gather", lambda x, dim, index: torch.gather(x, dim, index), x=T([3, 4]), dim=1, index=L(4).reshape(1, 1))
add("gather_err_neg", "gather", lambda x, dim, index: torch.gather(x, dim, index), x=T([3, 4]), dim=1, index=L(-1).reshape(1, 1))
add("gather_err_dtype", "gather", lambda x, dim, index: torch.gather(x, dim, index), x=T([3, 4]), dim=1, index=torch.tensor([[1]], dtype=torch.int32))
add("gather_err_ndim", "gather", lambda x, dim, index: torch.gather(x, dim, index), x=T([3, 4]), dim=1, index=L(1))
add("gather_err_size", "gather", lambda x, dim, index: torch.gather(x, dim, index), x=T([3, 4]), dim=1, index=L(*range(4)).reshape(4, 1))
add("scatter_add_dup", "scatter_add", lambda x, dim, index, src: x.scatter_add(dim, index, src), x=T([5]), dim=0, index=L(1, 1, 1, 4), src=torch.tensor([1., 2, 3, 4]))
add("scatter_add_method_", "scatter_add", lambda x, dim, index, src: x.clone().scatter_add_(dim, index, src), x=T([2, 3]), dim=1, index=L(0, 0, 0, 0).reshape(2, 2), src=T([2, 5]))
add("scatter_reduce_add", "scatter", lambda x, dim, index, src, reduce: x.scatter(dim, index, src, reduce=reduce), x=T([3]), dim=0, index=L(1, 1), src=torch.tensor([2., 3]), reduce="add")
add("scatter_value_reduce", "scatter", lambda x, dim, index, value, reduce: x.scatter(dim, index, value, reduce=reduce), x=T([4]), dim=0, index=L(1, 1, 3), value=2.0, reduce="multiply")
add("scatter_big_index_dim", "scatter", lambda x, dim, index, src: x.scatter(dim, index, src), x=T([2, 3]), dim=1, index=L(1, 1, 1, 1).reshape(1, 4), src=T([1, 4]))
add("scatter_nc", "scatter", lambda x, dim, index, src: x.scatter(dim, index, src), x=NC(T([3, 3]).t()), dim=1, index=L(2, 0, 1).reshape(3, 1), src=NC(T([2, 3]).t()))
add("scatter_empty", "scatter", lambda x, dim, index, src: x.scatter(dim, index, src), x=T([3]), dim=0, index=torch.zeros(0, dtype=torch.int64), src=T([2]))
add("scatter_err_oob", "scatter", lambda x, dim, index, src: x.scatter(dim, index, src), x=T([3, 4]), dim=1, index=L(5).reshape(1, 1), src=T([1, 1]))
add("scatter_err_neg", "scatter", lambda x, dim, index, value: x.scatter(dim, index, value), x=T([3, 4]), dim=1, index=L(-1).reshape(1, 1), value=1.0)
add("scatter_err_dtype", "scatter", lambda x, dim, index, src: x.scatter(dim, index, src), x=T([3, 4]), dim=1, index=L(1).reshape(1, 1), src=T([1, 1], torch.float64))
add("scatter_err_index_dtype", "scatter", lambda x, dim, index, value: x.scatter(dim, index, value), x=T([3, 4]), dim=1, index=torch.tensor([[1]], dtype=torch.int32), value=1.0)
add("scatter_err_src_size", "scatter", lambda x, dim, index, src: x.scatter(dim, index, src), x=T([3, 4]), dim=1, index=L(1, 1, 1).reshape(1, 3), src=T([1, 2]))
add("scatter_err_ndim", "scatter", lambda x, dim, index, src: x.scatter(dim, index, src), x=T([3, 4]), dim=1, index=L(1), src=T([1, 2]))
add("scatter_err_reduce", "scatter", lambda x, dim, index, src, reduce: x.scatter(dim, index, src, reduce=reduce), x=T([3]), dim=0, index=L(1), src=T([1]), reduce="max")

# ---------- scatter_reduce / take_along_dim ----------
for dt in ALL:
    ds = str(dt).replace("torch.", "")
    for red in ["sum", "prod", "mean", "amax", "amin"]:
        for inc in [True, False]:
            add(f"scatter_reduce_{red}_{inc}_{ds}", "scatter_reduce",
                lambda x, dim, index, src, reduce, include_self: x.scatter_reduce(dim, index, src, reduce, include_self=include_self),
                x=T([2, 4], dt), dim=1, index=L(0, 0, 2, 1, 1, 1).reshape(2, 3), src=T([2, 3], dt, 3), reduce=red, include_self=inc)
add("scatter_reduce_nan", "scatter_reduce", lambda x, dim, index, src, reduce, include_self: x.scatter_reduce(dim, index, src, reduce, include_self=include_self),
    x=torch.tensor([1., 2, 3]), dim=0, index=L(0, 0, 1), src=torch.tensor([float("nan"), 5, -1]), reduce="amax", include_self=True)
add("scatter_reduce_err", "scatter_reduce", lambda x, dim, index, src, reduce, include_self: x.scatter_reduce(dim, index, src, reduce, include_self=include_self),
    x=T([3]), dim=0, index=L(0), src=T([1]), reduce="max", include_self=True)
TAD = lambda x, indices, dim: torch.take_along_dim(x, indices, dim)
TAD0 = lambda x, indices: torch.take_along_dim(x, indices)
add("take_along_dim", "take_along_dim", TAD, x=T([2, 3]), indices=L(1, 0).reshape(2, 1), dim=1)
add("take_along_dim_bcast", "take_along_dim", TAD, x=T([2, 3]), indices=L(1, 0, 1).reshape(1, 3), dim=0)
add("take_along_dim_bcast2", "take_along_dim", TAD, x=T([2, 1, 3]), indices=L(2, 0, 1, 1).reshape(1, 4, 1), dim=-1)
add("take_along_dim_flat", "take_along_dim", TAD0, x=T([2, 3]), indices=L(5, 0))
add("take_along_dim_err_ndim", "take_along_dim", TAD, x=T([2, 3]), indices=L(1, 0), dim=1)
add("take_along_dim_err_dtype", "take_along_dim", TAD, x=T([2, 3]), indices=torch.tensor([[1]], dtype=torch.int32), dim=1)
add("take_along_dim_err_oob", "take_along_dim", TAD, x=T([2, 3]), indices=L(1, 0, 2).reshape(1, 3), dim=0)

# ---------- masked ----------
for dt in ALL:
    ds = str(dt).replace("torch.", "")
    add(f"masked_fill_{ds}", "masked_fill", lambda x, mask, value: x.masked_fill(mask, value), x=T([3, 4], dt), mask=T([3, 4], torch.bool, 1), value=1)
    add(f"masked_select_{ds}", "masked_select", lambda x, mask: torch.masked_select(x, mask), x=T([3, 4], dt), mask=T([4], torch.bool, 1))
    add(f"masked_scatter_{ds}", "masked_scatter", lambda x, mask, source: x.clone().masked_scatter_(mask, source), x=T([3, 4], dt), mask=T([3, 4], torch.bool), source=T([12], dt, 3))
    add(f"nonzero_{ds}", "nonzero", lambda x: torch.nonzero(x), x=T([3, 4], dt, -3))
    add(f"where1_{ds}", "where1", lambda x: torch.where(x), x=T([2, 3], dt, -2))
    add(f"take_{ds}", "take", lambda x, index: torch.take(x, index), x=T([3, 4], dt), index=L(0, -1, 5, 5).reshape(2, 2))
add("masked_fill_float", "masked_fill", lambda x, mask, value: x.masked_fill(mask, value), x=T([3, 4]), mask=B(True, False, False, True), value=-2.5)
add("masked_fill_tensor", "masked_fill", lambda x, mask, value: x.masked_fill(mask, value), x=T([3, 4]), mask=B(True, False, False, True), value=torch.tensor(4.5, dtype=torch.float64))
add("masked_fill_float_into_int", "masked_fill", lambda x, mask, value: x.masked_fill(mask, value), x=T([3, 4], torch.int32), mask=B(True, False, False, True), value=2.7)
add("masked_fill_nan", "masked_fill", lambda x, mask, value: x.masked_fill(mask, value), x=T([3, 4]), mask=B(True, False, False, True), value=float("nan"))
add("masked_fill_bcast_out", "masked_fill", lambda x, mask, value: x.masked_fill(mask, value), x=T([4]), mask=T([2, 4], torch.bool), value=0)
add("masked_fill_nc", "masked_fill", lambda x, mask, value: x.masked_fill(mask, value), x=NC(T([4, 3]).t()), mask=NC(T([4, 3], torch.bool).t()), value=0)
add("masked_fill_u8_mask", "masked_fill", lambda x, mask, value: x.masked_fill(mask, value), x=T([3, 4]), mask=torch.tensor([1, 0, 0, 1], dtype=torch.uint8), value=0)
add("masked_fill_scalar", "masked_fill", lambda x, mask, value: x.masked_fill(mask, value), x=torch.tensor(2.), mask=torch.tensor(True), value=0)
add("masked_fill_empty", "masked_fill", lambda x, mask, value: x.masked_fill(mask, value), x=T([0, 4]), mask=B(True, False, False, True), value=0)
add("masked_fill_inplace", "masked_fill_", lambda x, mask, value: x.clone().masked_fill_(mask, value), x=T([3, 4]), mask=B(True, False, False, True), value=9)
add("masked_fill_err_inplace_bcast", "masked_fill_", lambda x, mask, value: x.clone().masked_fill_(mask, value), x=T([4]), mask=T([2, 4], torch.bool), value=9)
add("masked_fill_err_shape", "masked_fill", lambda x, mask, value: x.masked_fill(mask, value), x=T([3, 4]), mask=B(True, False), value=1)
add("masked_fill_err_value", "masked_fill", lambda x, mask, value: x.masked_fill(mask, value), x=T([3, 4]), mask=B(True, False, False, True), value=torch.tensor([1.]))
add("masked_select_bcast", "masked_select", lambda x, mask: torch.masked_select(x, mask), x=T([4]), mask=T([3, 4], torch.bool))
add("masked_select_nc", "masked_select", lambda x, mask: torch.masked_select(x, mask), x=NC(T([4, 3]).t()), mask=T([3, 4], torch.bool))
add("masked_select_scalar", "masked_select", lambda x, mask: torch.masked_select(x, mask), x=torch.tensor(2.), mask=torch.tensor(True))
add("masked_select_err_dtype", "masked_select", lambda x, mask: torch.masked_select(x, mask), x=T([4]), mask=L(1, 0, 1, 0))
add("masked_scatter_bcast", "masked_scatter", lambda x, mask, source: x.clone().masked_scatter_(mask, source), x=T([3, 4]), mask=B(False, True, True, False), source=T([2, 4], torch.float32, 10))
add("masked_scatter_err_few", "masked_scatter", lambda x, mask, source: x.clone().masked_scatter_(mask, source), x=T([3]), mask=B(True, False, True), source=T([1], torch.float32, 10))
add("masked_scatter_err_dtype", "masked_scatter", lambda x, mask, source: x.clone().masked_scatter_(mask, source), x=T([3]), mask=B(True, False, True), source=T([3], torch.float64, 10))
add("nonzero_nan_negzero", "nonzero", lambda x: torch.nonzero(x), x=torch.tensor([0.0, -0.0, float("nan"), float("inf"), 1e-30]))
add("nonzero_3d", "nonzero", lambda x: torch.nonzero(x), x=T([2, 3, 2], torch.bool))
add("nonzero_nc", "nonzero", lambda x: torch.nonzero(x), x=NC(T([4, 3], torch.bool).t()))
add("nonzero_scalar", "nonzero", lambda x: torch.nonzero(x), x=torch.tensor(3))
add("nonzero_scalar_zero", "nonzero", lambda x: torch.nonzero(x), x=torch.tensor(0.))
add("nonzero_empty", "nonzero", lambda x: torch.nonzero(x), x=T([0, 3]))
add("nonzero_tuple", "nonzero_tuple", lambda x: torch.nonzero(x, as_tuple=True), x=T([2, 3], torch.bool))
add("nonzero_tuple_scalar", "nonzero_tuple", lambda x: torch.nonzero(x, as_tuple=True), x=torch.tensor(3))
add("argwhere", "argwhere", lambda x: torch.argwhere(x), x=T([3, 2], torch.int64, -2))
add("where1_scalar", "where1", lambda x: torch.where(x), x=torch.tensor(0))
add("take_nc", "take", lambda x, index: torch.take(x, index), x=NC(T([4, 3]).t()), index=L(0, 1, 2, 11))
add("take_scalar", "take", lambda x, index: torch.take(x, index), x=torch.tensor(7.), index=L(0, -1))
add("take_err_oob", "take", lambda x, index: torch.take(x, index), x=T([3, 4]), index=L(12))
add("take_err_dtype", "take", lambda x, index: torch.take(x, index), x=T([3, 4]), index=torch.tensor([1], dtype=torch.int32))
add("put", "put", lambda x, index, source, accumulate: x.clone().put_(index, source, accumulate=accumulate), x=T([3, 4]), index=L(0, -1, 5), source=torch.tensor([1., 2, 3]), accumulate=False)
add("put_acc", "put", lambda x, index, source, accumulate: x.clone().put_(index, source, accumulate=accumulate), x=T([3, 4], torch.int64), index=L(1, 1, 5), source=L(10, 20, 30), accumulate=True)
add("put_nc", "put", lambda x, index, source, accumulate: x.clone().put_(index, source, accumulate=accumulate), x=NC(T([4, 3]).t()), index=L(1, 4), source=torch.tensor([-1., -2]), accumulate=False)
add("put_err_oob", "put", lambda x, index, source, accumulate: x.clone().put_(index, source, accumulate=accumulate), x=T([3, 4]), index=L(12), source=torch.tensor([1.]), accumulate=False)
add("put_err_count", "put", lambda x, index, source, accumulate: x.clone().put_(index, source, accumulate=accumulate), x=T([3, 4]), index=L(1), source=torch.tensor([1., 2]), accumulate=False)

# ---------- cat / stack ----------
for dt in ALL:
    ds = str(dt).replace("torch.", "")
    add(f"cat_{ds}", "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[T([2, 3], dt), T([1, 3], dt, 4)], dim=0)
    add(f"cat_promote_{ds}", "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[T([2, 2], dt), T([2, 1], torch.int16, 4), T([2, 1], torch.bool)], dim=1)
    add(f"stack_{ds}", "stack", lambda tensors, dim: torch.stack(tensors, dim), tensors=[T([2, 3], dt), T([2, 3], dt, 4)], dim=1)
for a, b in [(torch.uint8, torch.int8), (torch.float16, torch.bfloat16), (torch.int64, torch.float16), (torch.bool, torch.uint8), (torch.int32, torch.float64)]:
    add(f"cat_pair_{a}_{b}".replace("torch.", ""), "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[T([2], a), T([3], b, 1)], dim=0)
add("cat_dim1", "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[T([2, 3]), T([2, 1]), T([2, 2])], dim=1)
add("cat_neg_dim", "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[T([2, 3, 1]), T([2, 3, 2])], dim=-1)
add("cat_nc", "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[NC(T([3, 2]).t()), T([2, 2])], dim=1)
add("cat_legacy_empty", "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[T([2, 2]), torch.zeros(0), T([1, 2])], dim=0)
add("cat_all_empty", "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[torch.zeros(0), torch.zeros(0, dtype=torch.float64)], dim=0)
add("cat_zero_size", "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[T([0, 3]), T([2, 3])], dim=0)
add("cat_single", "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[T([2, 3])], dim=1)
add("cat_err_sizes", "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[T([2, 2]), T([3, 3])], dim=1)
add("cat_err_sizes0", "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[T([2, 2]), T([2, 2]), T([2, 3])], dim=0)
add("cat_err_empty_list", "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[], dim=0)
add("cat_err_zero_dim", "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[T([2]), torch.tensor(1.)], dim=0)
add("cat_err_ndim", "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[T([2, 2]), T([2])], dim=0)
add("cat_err_dim", "cat", lambda tensors, dim: torch.cat(tensors, dim), tensors=[T([2, 2]), T([2, 2])], dim=2)
add("cat_out", "cat_out", lambda tensors, dim, out: torch.cat(tensors, dim, out=out.clone()), tensors=[T([2, 2]), T([1, 2])], dim=0, out=torch.zeros(0, dtype=torch.float64))
add("cat_err_out_dtype", "cat_out", lambda tensors, dim, out: torch.cat(tensors, dim, out=out.clone()), tensors=[T([2, 2]), T([1, 2])], dim=0, out=torch.zeros(0, dtype=torch.int64))
add("stack_neg", "stack", lambda tensors, dim: torch.stack(tensors, dim), tensors=[T([2, 3]), T([2, 3])], dim=-1)
add("stack_scalars", "stack", lambda tensors, dim: torch.stack(tensors, dim), tensors=[torch.tensor(1.), torch.tensor(2.)], dim=0)
add("stack_promote", "stack", lambda tensors, dim: torch.stack(tensors, dim), tensors=[T([2], torch.int32), T([2], torch.float16)], dim=0)
add("stack_err_size", "stack", lambda tensors, dim: torch.stack(tensors, dim), tensors=[T([2, 2]), T([2, 3])], dim=0)
add("stack_err_empty", "stack", lambda tensors, dim: torch.stack(tensors, dim), tensors=[], dim=0)
add("stack_err_dim", "stack", lambda tensors, dim: torch.stack(tensors, dim), tensors=[T([2])], dim=2)
for fn in ["hstack", "vstack", "dstack"]:
    f = getattr(torch, fn)
    add(f"{fn}_1d", fn, lambda tensors, f=f: f(tensors), tensors=[T([2]), T([2], torch.float32, 3)])
    add(f"{fn}_2d", fn, lambda tensors, f=f: f(tensors), tensors=[T([2, 2]), T([2, 2], torch.float32, 3)])
    add(f"{fn}_0d", fn, lambda tensors, f=f: f(tensors), tensors=[torch.tensor(1), torch.tensor(2)])
    add(f"{fn}_3d", fn, lambda tensors, f=f: f(tensors), tensors=[T([2, 2, 2]), T([2, 2, 2], torch.int64, 3)])

# ---------- flip / roll / repeat / tile / tril / triu / diag / diagonal ----------
for dt in ALL:
    ds = str(dt).replace("torch.", "")
    add(f"flip_{ds}", "flip", lambda x, dims: torch.flip(x, dims), x=T([2, 3, 2], dt), dims=[0, 2])
    add(f"roll_{ds}", "roll", lambda x, shifts, dims: torch.roll(x, shifts, dims), x=T([3, 4], dt), shifts=[1, -1], dims=[0, 1])
    add(f"repeat_{ds}", "repeat", lambda x, repeats: x.repeat(*repeats), x=T([2, 3], dt), repeats=[2, 1, 2])
    add(f"tril_{ds}", "tril", lambda x, diagonal: torch.tril(x, diagonal), x=T([3, 4], dt, 1), diagonal=0)
    add(f"triu_{ds}", "triu", lambda x, diagonal: torch.triu(x, diagonal), x=T([3, 4], dt, 1), diagonal=1)
    add(f"diag_{ds}", "diag", lambda x, diagonal: torch.diag(x, diagonal), x=T([3], dt, 1), diagonal=1)
add("flip_neg", "flip", lambda x, dims: torch.flip(x, dims), x=T([2, 3]), dims=[-1])
add("flip_nc", "flip", lambda x, dims: torch.flip(x, dims), x=NC(T([3, 2]).t()), dims=[0, 1])
add("flip_none", "flip", lambda x, dims: torch.flip(x, dims), x=T([2, 3]), dims=[])
add("flip_scalar", "flip", lambda x, dims: torch.flip(x, dims), x=torch.tensor(3.), dims=[0])
add("flip_empty", "flip", lambda x, dims: torch.flip(x, dims), x=T([0, 3]), dims=[1])
add("flip_err_dup", "flip", lambda x, dims: torch.flip(x, dims), x=T([2, 3]), dims=[0, -2])
add("flip_err_dim", "flip", lambda x, dims: torch.flip(x, dims), x=T([2, 3]), dims=[2])
add("fliplr", "fliplr", lambda x: torch.fliplr(x), x=T([2, 3]))
add("flipud", "flipud", lambda x: torch.flipud(x), x=T([2, 3]))
add("fliplr_err", "fliplr", lambda x: torch.fliplr(x), x=T([3]))
add("roll_flat", "roll", lambda x, shifts, dims: torch.roll(x, shifts, dims), x=T([3, 4]), shifts=[5], dims=[])
add("roll_big", "roll", lambda x, shifts, dims: torch.roll(x, shifts, dims), x=T([3, 4]), shifts=[-7], dims=[1])
add("roll_nc", "roll", lambda x, shifts, dims: torch.roll(x, shifts, dims), x=NC(T([4, 3]).t()), shifts=[1], dims=[1])
add("roll_empty", "roll", lambda x, shifts, dims: torch.roll(x, shifts, dims), x=T([0, 3]), shifts=[1], dims=[0])
add("roll_err_align", "roll", lambda x, shifts, dims: torch.roll(x, shifts, dims), x=T([3, 4]), shifts=[1, 2], dims=[0])
add("roll_err_dim", "roll", lambda x, shifts, dims: torch.roll(x, shifts, dims), x=T([3, 4]), shifts=[1], dims=[2])
add("repeat_same", "repeat", lambda x, repeats: x.repeat(*repeats), x=T([2, 3]), repeats=[1, 1])
add("repeat_nc", "repeat", lambda x, repeats: x.repeat(*repeats), x=NC(T([3, 2]).t()), repeats=[2, 2])
add("repeat_zero", "repeat", lambda x, repeats: x.repeat(*repeats), x=T([2, 3]), repeats=[0, 2])
add("repeat_scalar", "repeat", lambda x, repeats: x.repeat(*repeats), x=torch.tensor(2.), repeats=[3, 2])
add("repeat_err_few", "repeat", lambda x, repeats: x.repeat(*repeats), x=T([2, 3]), repeats=[2])
add("repeat_err_neg", "repeat", lambda x, repeats: x.repeat(*repeats), x=T([2, 2]), repeats=[-1, 1])
add("tile_few", "tile", lambda x, dims: x.tile(dims), x=T([2, 3]), dims=[2])
add("tile_more", "tile", lambda x, dims: x.tile(dims), x=T([2, 3]), dims=[2, 1, 2])
add("tril_neg", "tril", lambda x, diagonal: torch.tril(x, diagonal), x=T([2, 4, 3]), diagonal=-1)
add("tril_big", "tril", lambda x, diagonal: torch.tril(x, diagonal), x=T([3, 4]), diagonal=10)
add("triu_neg", "triu", lambda x, diagonal: torch.triu(x, diagonal), x=T([4, 3]), diagonal=-2)
add("triu_nc", "triu", lambda x, diagonal: torch.triu(x, diagonal), x=NC(T([4, 3]).t()), diagonal=0)
add("tril_nan", "tril", lambda x, diagonal: torch.tril(x, diagonal), x=torch.tensor([[float("nan"), float("nan")], [1., float("inf")]]), diagonal=0)
add("tril_err_1d", "tril", lambda x, diagonal: torch.tril(x, diagonal), x=T([3]), diagonal=0)
add("tril_inplace", "tril_", lambda x, diagonal: x.clone().tril_(diagonal), x=T([3, 3]), diagonal=0)
add("triu_inplace", "triu_", lambda x, diagonal: x.clone().triu_(diagonal), x=T([3, 3]), diagonal=1)
add("diag_2d", "diag", lambda x, diagonal: torch.diag(x, diagonal), x=T([3, 4]), diagonal=0)
add("diag_2d_pos", "diag", lambda x, diagonal: torch.diag(x, diagonal), x=T([3, 4]), diagonal=2)
add("diag_2d_neg", "diag", lambda x, diagonal: torch.diag(x, diagonal), x=T([3, 4]), diagonal=-1)
add("diag_1d_neg", "diag", lambda x, diagonal: torch.diag(x, diagonal), x=T([2]), diagonal=-2)
add("diag_nc", "diag", lambda x, diagonal: torch.diag(x, diagonal), x=NC(T([4, 3]).t()), diagonal=1)
add("diag_err_3d", "diag", lambda x, diagonal: torch.diag(x, diagonal), x=T([2, 2, 2]), diagonal=0)
add("diagonal", "diagonal", lambda x, offset, dim1, dim2: torch.diagonal(x, offset, dim1, dim2), x=T([2, 3, 4]), offset=0, dim1=1, dim2=2)
add("diagonal_off", "diagonal", lambda x, offset, dim1, dim2: torch.diagonal(x, offset, dim1, dim2), x=T([2, 3, 4]), offset=1, dim1=-1, dim2=0)
add("diagonal_neg", "diagonal", lambda x, offset, dim1, dim2: torch.diagonal(x, offset, dim1, dim2), x=T([3, 4]), offset=-1, dim1=0, dim2=1)
add("diagonal_far", "diagonal", lambda x, offset, dim1, dim2: torch.diagonal(x, offset, dim1, dim2), x=T([3, 4]), offset=9, dim1=0, dim2=1)
add("diagonal_err_same", "diagonal", lambda x, offset, dim1, dim2: torch.diagonal(x, offset, dim1, dim2), x=T([3, 4]), offset=0, dim1=1, dim2=-1)

write("indexing", cases)
