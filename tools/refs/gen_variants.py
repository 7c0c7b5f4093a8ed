"""Variants audit of the public op surface (an OpInfo-style table).

Run: /usr/bin/python3 tools/refs/gen_variants.py  ->  tests/Flint.Tests/References/variants.json

For every op name the record says which call forms PyTorch has (torch.<op>, Tensor.<op>, Tensor.<op>_, out=),
and, for a representative input, what each form gives. The C# test checks that Flint has the same forms and that
they agree with each other and with these results.

Case fields:
  name       unique label
  op         the PyTorch name
  module     "torch" (torch.<op>) or "F" (only torch.nn.functional.<op> exists; then fn means that function)
  args       positional arguments (self first); each is an encoded tensor, {"scalar": v}, a JSON int/float/bool/
             string/list of ints, null, {"tensors": [...]} (a list or tuple of tensors) or {"dtype_arg": name}
  kw         keyword arguments, encoded the same way
  method_args  order of args for the method form (self first); default: as given
  has        {"fn", "method", "inplace", "out"}: whether each form exists (out: torch.<op> accepts out=)
  prop       true when Tensor.<op> is a property (mT)
  res        outcome of the function form (of the method when there is no function)
  inplace    outcome of Tensor.<op>_ on a clone of self (the clone after the call), with "bump": version change
  out        outcome of torch.<op>(..., out=o) with o empty of the result's shape and dtype, with "same_storage"
  nonleaf    the in-place form run as a user would on a non-leaf, when self is floating:
               x = <"x">.requires_grad_(); y = x * 1.5; <other floating tensor args>.requires_grad_(); y.<method>(...);
               y.sum().backward()
             with "method" (Flint's Tensor method; PyTorch's own in-place call where it has no Tensor.<op>_), "view"
             (y is instead x.view(x.shape): "leaf", (x * 1.5).view(x.shape): "nonleaf", (x * 1.5)[:, 1:3]: "narrow",
             or x itself: "leaf_self"), "grad_fn" (type(y.grad_fn).__name__, null for none),
             "y" (y after the call; absent for random fills), "x_grad", "grads" (per positional argument in method
             order after self: null when it does not require grad, "none" when its .grad stays None, else the
             gradient) and "kw_grads" (the same per keyword); or "error"/"type" where PyTorch refuses the call
             ("stage": "forward") or its backward ("stage": "backward", after grad_fn and y).
  plain      the same with self a tensor outside the graph (y = self.clone(), no "x"/"x_grad") and only the other
             floating tensor arguments requiring grad; absent when there are none.
Operator records (op "operator"): {"pyop", "a", "b", "res"} for a <pyop> b (b absent for unary operators).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from common import enc, enc_scalar, outcome, write  # noqa: E402

torch.manual_seed(0)

X = torch.linspace(-0.9, 0.95, 12).reshape(3, 4)          # float32, mixed signs, |x| < 1
Y = torch.linspace(0.3, 1.4, 12).reshape(3, 4).flip(1)    # float32, positive, different order
XP = torch.linspace(0.1, 0.9, 12).reshape(3, 4)          # positive
Z = torch.linspace(-1.5, 1.2, 12).reshape(3, 4)
XI = torch.tensor([[-5, 3, 0, 7], [2, -1, 4, -6], [9, 1, -3, 2]])   # int64
YI = torch.tensor([[2, -3, 1, 4], [3, 5, -2, 2], [4, -1, 7, 3]])     # int64, no zeros
B1 = torch.tensor([[True, False, True, False], [False, False, True, True], [True, True, False, True]])
B2 = torch.tensor([[True, True, False, False], [False, True, True, False], [True, False, False, True]])
ROW = torch.tensor([[0.5, -1.0, 2.0, 0.25]])              # (1, 4)
A = torch.linspace(-1, 1, 12).reshape(3, 4)
M = torch.linspace(-0.5, 1.5, 20).reshape(4, 5)
A3 = torch.linspace(-1, 1, 24).reshape(2, 3, 4)
B3 = torch.linspace(0.5, -0.5, 40).reshape(2, 4, 5)
V4 = torch.tensor([1.0, -2.0, 0.5, 3.0])
W4 = torch.tensor([0.25, 1.5, -1.0, 2.0])
W3 = torch.tensor([2.0, -1.0, 0.5])
IDX = torch.tensor([[0, 3], [2, 2], [1, 0]])
SRC = torch.tensor([[10.0, 20.0], [30.0, 40.0], [50.0, 60.0]])
UI = torch.tensor([3, 1, 3, 2, 1, 5, 2, 3])

C5 = torch.linspace(-1, 1.2, 15).reshape(3, 5)               # self of addmm (A @ M is 3 x 5)
C35 = torch.linspace(0.8, -1.1, 30).reshape(2, 3, 5)         # self of baddbmm (A3 @ B3 is 2 x 3 x 5)
S12 = torch.linspace(2.0, -3.5, 12).reshape(3, 4)            # masked_scatter's source

CASES = []


def case(op, *args, module="torch", method_args=None, name=None, forms=None, view=None, **kw):
    """forms="inplace": only Tensor.<op>_ is checked (random fills); view: run the non-leaf record on a view."""
    CASES.append(dict(op=op, args=list(args), kw=kw, module=module, method_args=method_args, name=name, forms=forms,
                      view=view))


# ---- elementwise binary arithmetic
for op in ["add", "sub"]:
    case(op, X, Y)
    case(op, X, Y, alpha=2, name=f"{op}_alpha")
    case(op, X, 2.5, name=f"{op}_scalar")
    case(op, XI, YI, alpha=3, name=f"{op}_int_alpha")
    case(op, XI, 2, name=f"{op}_int_scalar")
case("mul", X, Y)
case("mul", X, 2.5, name="mul_scalar")
case("mul", XI, YI, name="mul_int")
case("div", X, Y)
case("div", X, 2.0, name="div_scalar")
case("div", Z, Y, rounding_mode="floor", name="div_floor")
case("div", Z, Y, rounding_mode="trunc", name="div_trunc")
case("div", XI, YI, rounding_mode="floor", name="div_int_floor")
case("div", XI, YI, name="div_int_true")
for op in ["remainder", "fmod"]:
    case(op, Z, Y)
    case(op, Z, 0.7, name=f"{op}_scalar")
    case(op, XI, YI, name=f"{op}_int")
case("pow", XP, Y)
case("pow", X, 2, name="pow_scalar_exp")
case("pow", XI, 2, name="pow_int")
case("pow", 2.0, X, name="pow_scalar_base")
case("atan2", X, Y)
case("maximum", X, Z)
case("maximum", XI, YI, name="maximum_int")
case("minimum", X, Z)
case("lerp", X, Y, 0.3)
case("lerp", X, Y, XP, name="lerp_tensor_weight")
case("addcmul", X, Y, Z, value=0.5)
case("addcdiv", X, Z, Y, value=2)

# ---- elementwise unary
for op in ["neg", "abs", "sign", "reciprocal", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt",
           "rsqrt", "square", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "sigmoid", "relu",
           "erf", "floor", "ceil", "round", "trunc", "frac", "isnan", "isinf", "isfinite", "nan_to_num"]:
    case(op, Z if op not in ("log", "log2", "log10", "sqrt", "rsqrt", "asin", "acos") else X)
for op in ["neg", "abs", "sign", "square", "relu", "exp", "isnan"]:
    case(op, XI, name=f"{op}_int")
for op in ["gelu", "silu", "softplus"]:
    case(op, Z, module="F")
case("gelu", Z, approximate="tanh", module="F", name="gelu_tanh")
case("softplus", Z, beta=2.0, threshold=1.0, module="F", name="softplus_args")
case("round", Z * 10, decimals=1, name="round_decimals")
case("nan_to_num", torch.tensor([float("nan"), float("inf"), -float("inf"), 1.5]), nan=0.5, posinf=9.0, neginf=-9.0,
     name="nan_to_num_args")
for op in ["clamp", "clip"]:
    case(op, Z, min=-0.5, max=0.5)
    case(op, Z, min=-0.25, name=f"{op}_min")
    case(op, Z, max=0.25, name=f"{op}_max")
    case(op, Z, min=X, max=Y, name=f"{op}_tensor")
    case(op, XI, min=-2, max=3, name=f"{op}_int")

# ---- comparisons and logic
for op in ["eq", "ne", "lt", "le", "gt", "ge"]:
    case(op, X, Z)
    case(op, X, 0.0, name=f"{op}_scalar")
    case(op, XI, YI, name=f"{op}_int")
case("isclose", X, X + 1e-9)
case("isclose", X, Z, rtol=0.5, atol=0.3, name="isclose_tol")
case("allclose", X, X + 1e-9)
case("allclose", X, Z, name="allclose_false")
case("equal", X, X.clone())
case("equal", X, Z, name="equal_false")
for op in ["logical_and", "logical_or", "logical_xor"]:
    case(op, B1, B2)
    case(op, X, Z, name=f"{op}_float")
case("logical_not", B1)
case("logical_not", XI, name="logical_not_int")
for op in ["bitwise_and", "bitwise_or", "bitwise_xor"]:
    case(op, XI, YI)
    case(op, B1, B2, name=f"{op}_bool")
    case(op, XI, 6, name=f"{op}_scalar")
case("bitwise_not", XI)
case("bitwise_not", B1, name="bitwise_not_bool")
case("bitwise_left_shift", XI.abs(), torch.tensor([1, 2, 0, 3]))
case("bitwise_right_shift", XI.abs(), torch.tensor([1, 2, 0, 3]))

# ---- reductions
for op in ["sum", "mean", "prod"]:
    case(op, Z)
    case(op, Z, 1, name=f"{op}_dim")
    case(op, Z, 0, keepdim=True, name=f"{op}_keepdim")
case("sum", Z, (0, 1), name="sum_dims")
case("mean", Z, (0, 1), name="mean_dims")
case("sum", XI, 1, name="sum_int")
case("sum", XI, 1, dtype={"dtype_arg": "float64"}, name="sum_dtype")
for op in ["max", "min"]:
    case(op, Z)
    case(op, Z, 1, name=f"{op}_dim")
    case(op, Z, 0, keepdim=True, name=f"{op}_keepdim")
    case(op, X, Z, name=f"{op}_binary")
for op in ["amax", "amin"]:
    case(op, Z, 1)
    case(op, Z, (0, 1), name=f"{op}_dims")
for op in ["argmax", "argmin"]:
    case(op, Z)
    case(op, Z, 1, name=f"{op}_dim")
    case(op, Z, 0, keepdim=True, name=f"{op}_keepdim")
for op in ["std", "var"]:
    case(op, Z)
    case(op, Z, 1, name=f"{op}_dim")
    case(op, Z, 1, unbiased=False, keepdim=True, name=f"{op}_biased")
case("norm", Z)
case("norm", Z, p=1, dim=1, name="norm_p1")
for op in ["all", "any"]:
    case(op, B1)
    case(op, B1, 1, name=f"{op}_dim")
    case(op, XI, 0, name=f"{op}_int")
case("logsumexp", Z, 1)
case("logsumexp", Z, (0, 1), name="logsumexp_dims")
case("softmax", Z, 1)
case("log_softmax", Z, 0)
case("cumsum", Z, 1)
case("cumsum", XI, 0, name="cumsum_int")
case("cumprod", Z, 1)
case("sort", Z, 1)
case("sort", Z, 0, descending=True, name="sort_descending")
case("argsort", Z, 1)
case("argsort", Z, 0, descending=True, name="argsort_descending")
case("topk", Z, 2)
case("topk", Z, 2, 0, largest=False, name="topk_smallest")
case("unique", UI)
case("unique", UI, return_counts=True, name="unique_counts")

# ---- products
case("matmul", A, M)
case("matmul", A3, B3, name="matmul_batched")
case("mm", A, M)
case("bmm", A3, B3)
case("mv", A, V4)
case("dot", V4, W4)
case("outer", V4, W3)
case("einsum", "ij,jk->ik", A, M)

# ---- views
case("view", X, (4, 3))
case("view", X, (-1,), name="view_flat")
case("reshape", X, (2, 6))
case("t", X)
case("transpose", X, 0, 1)
case("transpose", A3, 0, 2, name="transpose_3d")
case("permute", A3, (2, 0, 1))
case("mT", A3)
case("expand", ROW, (3, 4))
case("expand_as", ROW, X)
case("squeeze", ROW)
case("squeeze", ROW, 0, name="squeeze_dim")
case("unsqueeze", X, 1)
case("flatten", A3)
case("flatten", A3, 1, name="flatten_start")
case("unflatten", X, 1, (2, 2))
case("narrow", X, 1, 1, 2)
case("select", X, 1, 2)
case("unbind", X, 1)
case("split", X, 2, 1)
case("split", X, [1, 3], 1, name="split_sections")
case("chunk", X, 2, 1)
case("as_strided", X, (2, 2), (1, 2))
case("as_strided", X, (2, 3), (4, 1), 1, name="as_strided_offset")
case("contiguous", X.t())
case("swapaxes", A3, 0, 2)
case("swapdims", A3, 0, 1)

# ---- indexing, joining, filling
case("gather", X, 1, IDX)
case("scatter", X, 1, IDX, SRC)
case("scatter", X, 1, IDX, 2.5, name="scatter_value")
case("scatter_add", X, 1, IDX, SRC)
case("index_select", X, 1, torch.tensor([3, 0]))
case("masked_fill", X, B1, 0.5)
case("masked_fill", X, B1, torch.tensor(-2.0), name="masked_fill_tensor")
case("cat", {"tensors": [X, Z]}, 1)
case("cat", {"tensors": [X, Z]}, name="cat_dim0")
case("stack", {"tensors": [X, Z]})
case("stack", {"tensors": [X, Z]}, 2, name="stack_dim2")
case("where", B1, X, Z, method_args=[1, 0, 2])
case("where", B1, X, 0.0, method_args=[1, 0, 2], name="where_scalar")
case("clone", X)
case("copy", X, Z)
case("fill", X, 2.5)
case("zero", X)
case("index_put", X, {"tensors": [torch.tensor([0, 2]), torch.tensor([1, 3])]}, torch.tensor([7.0, 8.0]))
case("index_put", X, {"tensors": [torch.tensor([0, 0]), torch.tensor([1, 1])]}, torch.tensor([7.0, 8.0]),
     accumulate=True, name="index_put_accumulate")

# ---- more argument forms and dtypes
for op in ["floor", "ceil", "round", "trunc", "sigmoid", "reciprocal", "sqrt", "nan_to_num", "frac", "isinf"]:
    case(op, XI, name=f"{op}_int")
case("add", B1, B2, name="add_bool")
case("mul", B1, B2, name="mul_bool")
case("remainder", 2.5, Y, name="remainder_scalar_self")
case("bitwise_and", 6, XI, name="bitwise_and_scalar_self")
case("atan2", XI, YI, name="atan2_int")
case("addcmul", XI, YI, XI, value=2, name="addcmul_int")
case("clamp", Z, min=X, name="clamp_tensor_min")
case("isclose", torch.tensor([1.0, float("nan"), 2.0]), torch.tensor([1.0, float("nan"), 2.1]), equal_nan=True,
     name="isclose_equal_nan")
case("allclose", X, X + 0.01, rtol=0.1, atol=0.05, name="allclose_tol")
case("std", Z, unbiased=False, name="std_all_biased")
case("var", Z, (0, 1), keepdim=True, name="var_dims")
case("mean", XI.double(), 1, dtype={"dtype_arg": "float32"}, name="mean_dtype")
case("softmax", Z, 1, dtype={"dtype_arg": "float64"}, name="softmax_dtype")
case("sort", torch.tensor([2.0, 1.0, 2.0, 1.0, 3.0]), stable=True, name="sort_stable")
case("cumsum", XI, 1, dtype={"dtype_arg": "float32"}, name="cumsum_dtype")
case("matmul", V4, W4, name="matmul_dot")
case("matmul", A, V4, name="matmul_mv")
case("dot", torch.tensor([1, 2, 3]), torch.tensor([4, -5, 6]), name="dot_int")
case("einsum", "ij,jk->ik", {"tensors": [A, M]}, name="einsum_list")
case("einsum", "bij,bjk->bik", A3, B3, name="einsum_batched")
case("expand", ROW, (3, -1), name="expand_minus_one")
case("reshape", A3, (-1, 4), name="reshape_minus_one")
case("flatten", A3, 0, 1, name="flatten_end")
case("unflatten", X, 1, (-1, 2), name="unflatten_minus_one")
case("select", X, 0, -1, name="select_negative")
case("narrow", X, 0, -2, 2, name="narrow_negative")
case("narrow", X, 1, torch.tensor(-3), 2, name="narrow_tensor_start")
case("narrow", X, 1, torch.tensor([1]), 2, name="narrow_tensor_start_1d")
case("unbind", A3, name="unbind_default")
case("chunk", X, 3, 0, name="chunk_rows")
case("split", X, 3, name="split_default_dim")
case("where", B1, name="where_condition_only")
case("copy", X, ROW, name="copy_broadcast")
case("fill", X, torch.tensor(1.5), name="fill_tensor")
case("masked_fill", XI, B1, 7, name="masked_fill_int")
case("index_select", XI, 0, torch.tensor([2, 0]), name="index_select_int")
case("cat", {"tensors": [XI, YI]}, 0, name="cat_int")
case("gather", X, 0, torch.tensor([[2, 1, 0, 0]]), name="gather_dim0")

# ---- in-place forms: every public Tensor.<op>_ of Flint, each also run on a non-leaf (see "nonleaf" above)
for op, t in [("acosh", XP + 1), ("asinh", Z), ("atanh", X), ("erfc", Z), ("erfinv", X), ("arccos", X), ("arcsin", X),
              ("arctan", Z), ("arccosh", XP + 1), ("arcsinh", Z), ("arctanh", X), ("negative", Z), ("absolute", Z),
              ("sgn", Z), ("fix", Z * 3), ("logit", XP)]:
    case(op, t)
case("logit", XP, 0.2, name="logit_eps")
for op in ["hypot", "copysign", "arctan2"]:
    case(op, X, Z)
case("copysign", X, -2.0, name="copysign_scalar")
case("floor_divide", Z, Y)
case("floor_divide", Z, 0.5, name="floor_divide_scalar")
case("floor_divide", XI, YI, name="floor_divide_int")
for op in ["clamp_min", "clamp_max"]:
    case(op, Z, 0.25, name=f"{op}_scalar")
    case(op, Z, X, name=f"{op}_tensor")
case("pow", XP, torch.tensor(2.0), name="pow_tensor_0dim")
case("mul", X, torch.tensor(2.0), name="mul_tensor_0dim")
case("div", X, Y, rounding_mode="trunc", name="div_trunc_float")
# mixed dtypes: the other operand's gradient comes back in its own dtype; an int other takes no gradient
case("add", X, Y.double(), alpha=0.5, name="add_float64_other")
case("mul", X, YI, name="mul_int_other")
case("sub", X.double(), Y, name="sub_float64_self")
case("eq", X, X.double(), name="eq_float64_other")
case("lerp", X, Y, XP.double(), name="lerp_float64_weight")
for op in ["eq", "ne", "lt", "le", "gt", "ge"]:
    case(op, X, XI, name=f"{op}_float_int")
for op in ["bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_left_shift", "bitwise_right_shift"]:
    case(op, X, Z, name=f"{op}_float")
    case(op, X, 3, name=f"{op}_float_scalar")
case("bitwise_not", X, name="bitwise_not_float")
case("logical_not", X, name="logical_not_float")
case("cumsum", Z, 0, name="cumsum_dim0")
case("cumprod", X, 0, name="cumprod_dim0")
case("tril", X)
case("tril", X, 1, name="tril_diagonal")
case("triu", X)
case("triu", X, -1, name="triu_diagonal")
case("addmm", C5, A, M)
case("addmm", C5, A, M, beta=0.5, alpha=2, name="addmm_beta_alpha")
case("addmm", C5, A, M, beta=0, name="addmm_beta0")
case("addmv", W3, A, V4)
case("addmv", W3, A, V4, beta=0.5, alpha=-2, name="addmv_beta_alpha")
case("baddbmm", C35, A3, B3)
case("baddbmm", C35, A3, B3, beta=2, alpha=0.5, name="baddbmm_beta_alpha")
case("scatter", X, 1, IDX, SRC, reduce="add", name="scatter_src_reduce_add")
case("scatter", X, 1, IDX, 2.5, reduce="multiply", name="scatter_value_reduce_multiply")
for red in ["sum", "prod", "mean", "amax", "amin"]:
    case("scatter_reduce", X, 1, IDX, SRC, red, name=f"scatter_reduce_{red}")
case("scatter_reduce", X, 1, IDX, SRC, "amax", include_self=False, name="scatter_reduce_amax_exclude_self")
XZ = X.clone()
XZ[0, 0] = 0.0
XZ[2, 0] = 0.0
SRCZ = torch.tensor([[0.0, 2.0], [0.0, 0.0], [5.0, 0.0]])   # a lone zero, two zeros at one target, a zero with a zero self
case("scatter_reduce", XZ, 1, IDX, SRCZ, "prod", name="scatter_reduce_prod_zeros")
case("scatter_reduce", XZ, 1, IDX, SRCZ, "prod", include_self=False, name="scatter_reduce_prod_zeros_exclude_self")
case("scatter_reduce", X, 1, IDX, SRC, "mean", include_self=False, name="scatter_reduce_mean_exclude_self")
case("index_add", X, 1, torch.tensor([3, 0]), SRC)
case("index_add", X, 0, torch.tensor([2, 0, 2]), Z, alpha=2.0, name="index_add_alpha")
case("index_fill", X, 1, torch.tensor([3, 0]), 2.5)
case("index_fill", X, 0, torch.tensor([1]), torch.tensor(-2.0), name="index_fill_tensor")
case("index_copy", X, 1, torch.tensor([3, 0]), SRC)
case("masked_scatter", X, B1, S12)
case("masked_fill", X, B1, 0.0, view="nonleaf", name="masked_fill_nonleaf_view")
case("put", X, torch.tensor([1, 5, 10]), torch.tensor([9.0, 8.0, 7.0]))
case("put", X, torch.tensor([1, 1, 10]), torch.tensor([9.0, 8.0, 7.0]), accumulate=True, name="put_accumulate")
case("fill", X, -1.0, view="nonleaf", name="fill_nonleaf_view")
case("zero", X, view="leaf", name="zero_leaf_view")
case("add", X, Y, view="leaf", name="add_leaf_view")
case("add", X, Y, alpha=2, view="nonleaf", name="add_nonleaf_view")
case("exp", Z, view="nonleaf", name="exp_nonleaf_view")
case("exp", Z, view="leaf", name="exp_leaf_view")
case("copy", X, Z, view="nonleaf", name="copy_nonleaf_view")
case("cumsum", Z, 1, view="nonleaf", name="cumsum_nonleaf_view")
case("clamp", Z, min=-0.5, max=0.5, view="nonleaf", name="clamp_nonleaf_view")
case("relu", Z, view="leaf", name="relu_leaf_view")
case("detach", X)
# the leaf itself: refused by every path (the fills and comparisons too)
for op, args in [("add", (Y,)), ("exp", ()), ("zero", ()), ("normal", ()), ("copy", (Z,)), ("eq", (0.0,)),
                 ("cumsum", (1,)), ("addmm", None), ("scatter", (1, IDX, 2.5))]:
    if op == "addmm":
        case(op, C5, A, M, view="leaf_self", name=f"{op}_leaf_self")
    else:
        case(op, X, *args, view="leaf_self", name=f"{op}_leaf_self", forms="inplace" if op == "normal" else None)
# a strided view (a narrow) of a non-leaf: CopySlices over the view's node
for op, args, kw in [("exp", (), {}), ("mul", (2.5,), {}), ("clamp", (), {"min": -0.25}), ("fill", (1.5,), {}),
                     ("zero", (), {}), ("cumsum", (1,), {}), ("eq", (0.0,), {}), ("round", (), {"decimals": 1}),
                     ("sigmoid", (), {}), ("asinh", (), {}), ("uniform", (), {})]:
    case(op, X, *args, view="narrow", name=f"{op}_narrow_view", forms="inplace" if op == "uniform" else None, **kw)
case("elu", Z, view="narrow", module="F", name="elu_narrow_view")
# random fills: their values are not compared, only that they cut the gradient as PyTorch's do
case("normal", X, forms="inplace")
case("normal", X, 2.0, 0.5, forms="inplace", name="normal_args")
case("uniform", X, forms="inplace")
case("uniform", X, -2.0, 3.0, forms="inplace", name="uniform_args")
case("bernoulli", X, 0.3, forms="inplace")
case("bernoulli", X, XP, forms="inplace", name="bernoulli_tensor_p")
case("exponential", X, forms="inplace")
case("random", X, forms="inplace")
case("random", X, 0, 10, forms="inplace", name="random_range")
case("random", X, 10, forms="inplace", name="random_to")
# activations whose in-place form is torch.nn.functional's (Flint has them as Tensor methods too)
for op in ["elu", "selu", "leaky_relu", "hardtanh", "relu6", "mish"]:
    case(op, Z * 4, module="F")
case("elu", Z * 4, alpha=0.5, module="F", name="elu_alpha")
case("leaky_relu", Z * 4, 0.2, module="F", name="leaky_relu_slope")
case("hardtanh", Z * 4, -2.0, 3.0, module="F", name="hardtanh_bounds")
for op in ["celu", "hardswish", "hardsigmoid"]:
    case(op, Z * 4, module="F")
case("celu", Z * 4, 0.5, module="F", name="celu_alpha")
case("threshold", Z * 4, 0.5, -1.0, module="F")

RANDOM_FILLS = {"normal", "uniform", "bernoulli", "exponential", "random"}

# the in-place call where PyTorch has no Tensor.<op>_ (Flint's method is still named <op>_)
INPLACE_PY = {
    "elu": lambda y, *a, **k: F.elu_(y, *a, **k),
    "selu": lambda y, *a, **k: torch.selu_(y, *a, **k),
    "leaky_relu": lambda y, *a, **k: F.leaky_relu_(y, *a, **k),
    "hardtanh": lambda y, *a, **k: F.hardtanh_(y, *a, **k),
    "relu6": lambda y, *a, **k: F.relu6(y, *a, inplace=True, **k),
    "silu": lambda y, *a, **k: F.silu(y, *a, inplace=True, **k),
    "mish": lambda y, *a, **k: F.mish(y, *a, inplace=True, **k),
    "celu": lambda y, *a, **k: torch.celu_(y, *a, **k),
    "hardswish": lambda y, *a, **k: F.hardswish(y, *a, inplace=True, **k),
    "hardsigmoid": lambda y, *a, **k: F.hardsigmoid(y, *a, inplace=True, **k),
    "threshold": lambda y, *a, **k: torch.threshold_(y, *a, **k),
}


# ------------------------------------------------------------------------------------------------------------------
def encode_arg(a):
    if isinstance(a, torch.Tensor):
        return enc(a)
    if isinstance(a, dict):
        if "tensors" in a:
            return {"tensors": [enc(t) for t in a["tensors"]]}
        return a
    if isinstance(a, bool) or a is None or isinstance(a, str):
        return a
    if isinstance(a, (int, float)):
        return enc_scalar(a)
    if isinstance(a, (tuple, list)):
        return list(a)
    raise TypeError(a)


def decode_arg(a):
    if isinstance(a, dict):
        if "tensors" in a:
            return [t.clone() for t in a["tensors"]] if isinstance(a["tensors"], list) else a["tensors"]
        if "dtype_arg" in a:
            return getattr(torch, a["dtype_arg"])
    if isinstance(a, torch.Tensor):
        return a.clone()
    return a


# dims, sizes and counts are plain JSON ints (not {"scalar"}): which positions those are, per op
INT_ARGS = {"sum", "mean", "prod", "max", "min", "amax", "amin", "argmax", "argmin", "std", "var", "all", "any",
            "logsumexp", "softmax", "log_softmax", "cumsum", "cumprod", "sort", "argsort", "topk", "transpose",
            "unsqueeze", "flatten", "unflatten", "narrow", "select", "unbind", "split", "chunk", "as_strided",
            "swapaxes", "swapdims", "gather", "scatter", "scatter_add", "index_select", "cat", "stack", "squeeze",
            "tril", "triu", "index_add", "index_fill", "index_copy", "scatter_reduce", "random"}
# positions among those that are still Scalars (a value to write)
SCALAR_POS = {"scatter": {3}, "index_fill": {3}}


def encode_args(op, args):
    out = []
    for i, a in enumerate(args):
        if i > 0 and op in INT_ARGS and isinstance(a, int) and not isinstance(a, bool):
            if i not in SCALAR_POS.get(op, ()):
                out.append(a)
                continue
        if op in ("index_put",) and isinstance(a, dict) and "tensors" in a:
            out.append(encode_arg(a))
            continue
        out.append(encode_arg(a))
    return out


def encode_kw(kw):
    r = {}
    for k, v in kw.items():
        if k in ("dim", "keepdim", "unbiased", "descending", "largest", "return_counts", "accumulate", "decimals",
                 "include_self"):
            r[k] = list(v) if isinstance(v, tuple) else v
        elif isinstance(v, (float, int)) and not isinstance(v, bool) and k in ("alpha", "value", "min", "max", "p",
                                                                               "rtol", "atol", "nan", "posinf",
                                                                               "neginf", "beta", "threshold"):
            r[k] = enc_scalar(v)
        else:
            r[k] = encode_arg(v)
    return r


def call_args(c):
    args = [decode_arg(a) for a in c["args"]]
    if c["op"] == "index_put":
        args[1] = tuple(args[1])
    kw = {k: decode_arg(v) for k, v in c["kw"].items()}
    return args, kw


def same(a, b):
    if isinstance(a, (tuple, list)):
        return isinstance(b, (tuple, list)) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and a.dtype == b.dtype and a.shape == b.shape and \
            bool(torch.allclose(a, b, equal_nan=True) if a.is_floating_point() else torch.equal(a, b))
    return a == b


def empty_like_result(r):
    if isinstance(r, (tuple, list)):
        return tuple(torch.empty(t.shape, dtype=t.dtype) for t in r)
    return torch.empty(r.shape, dtype=r.dtype)


def storage_ptrs(o):
    if isinstance(o, (tuple, list)):
        return [t.data_ptr() for t in o]
    return [o.data_ptr()]


def record(c):
    op, module = c["op"], c["module"]
    self_is_tensor = isinstance(c["args"][0], torch.Tensor)
    only_inplace = c["forms"] == "inplace"
    fn_obj = None if only_inplace else getattr(F, op) if module == "F" else getattr(torch, op, None)
    has = {
        "fn": fn_obj is not None,
        "method": self_is_tensor and hasattr(torch.Tensor, op) and not only_inplace,
        "inplace": self_is_tensor and hasattr(torch.Tensor, op + "_") and op not in ("cat", "stack"),
        "out": False,
    }
    prop = isinstance(getattr(torch.Tensor, op, None), property) or \
        type(getattr(torch.Tensor, op, None)).__name__ == "getset_descriptor"
    order = c["method_args"] or list(range(len(c["args"])))

    def run_fn():
        a, kw = call_args(c)
        return fn_obj(*a, **kw)

    def run_method():
        a, kw = call_args(c)
        a = [a[i] for i in order]
        m = getattr(a[0], op)
        return m if prop else m(*a[1:], **kw)

    def run_inplace():
        a, kw = call_args(c)
        a = [a[i] for i in order]
        getattr(a[0], op + "_")(*a[1:], **kw)
        return a[0]

    ref_run = run_fn if has["fn"] else run_inplace if only_inplace else run_method
    try:
        ref = ref_run()
        ref_err = None
    except Exception as e:  # noqa: BLE001
        ref, ref_err = None, e
    rec = {"name": c["name"] or op, "op": op, "module": module, "args": encode_args(op, c["args"]),
           "kw": encode_kw(c["kw"]), "has": has, "res": outcome(ref_run)}
    if c["method_args"]:
        rec["method_args"] = c["method_args"]
    if prop:
        rec["prop"] = True
    if has["fn"] and has["method"] and ref_err is None:
        try:
            r2 = run_method()
            assert same(ref, r2), f"{rec['name']}: method differs from function"
        except TypeError as e:  # the method form refuses this call (Tensor.where with a number)
            rec["method_error"] = str(e).split("\n")[0]
    if has["inplace"]:
        a, kw = call_args(c)
        a = [a[i] for i in order]
        y = a[0]
        v0 = y._version
        try:
            r = getattr(y, op + "_")(*a[1:], **kw)
            assert r is y
            rec["inplace"] = {"out": enc(y), "bump": y._version - v0}
            if op in RANDOM_FILLS:
                rec["inplace"] = {"random": True, "bump": y._version - v0}
            if ref_err is None and not isinstance(ref, (bool, tuple, list)) and op not in ("t", "transpose",
                                                                                            "squeeze", "unsqueeze",
                                                                                            "as_strided"):
                rec["inplace"]["agrees"] = same(ref, y)
        except Exception as e:  # noqa: BLE001
            rec["inplace"] = {"error": str(e).split("\n")[0], "type": type(e).__name__}
    if op in RANDOM_FILLS:
        rec["res"] = {"random": True}
    nl = nonleaf(c, order)
    if nl is not None:
        rec["nonleaf"] = nl
        if not c["view"]:
            pl = nonleaf(c, order, plain=True)
            if pl is not None:
                rec["plain"] = pl
    if has["fn"] and module == "torch" and ref_err is None and not isinstance(ref, (bool, float, int)):
        if isinstance(ref, (tuple, list)) and op in ("unbind", "split", "chunk"):
            pass  # these return views; PyTorch has no out=
        else:
            o = empty_like_result(ref)
            p0 = storage_ptrs(o)
            a, kw = call_args(c)
            try:
                r = fn_obj(*a, **kw, out=o)
                has["out"] = True
                o_list = list(o) if isinstance(o, tuple) else o
                assert same(ref, r), f"{rec['name']}: out= result differs"
                rec["out"] = {"out": [enc(t) for t in o_list] if isinstance(o, tuple) else enc(o),
                              "same_storage": storage_ptrs(o) == p0}
            except TypeError as e:
                if "out" not in str(e) and "argument" not in str(e):
                    raise
            except RuntimeError as e:
                print(f"note: {rec['name']}: out= raised {e}")
    return rec


def nonleaf(c, order, plain=False):
    """The in-place form on a non-leaf y = x * 1.5 (or a view, c["view"]): grad_fn, y, and every input's gradient.

    plain: self instead is a tensor outside the graph and only the other arguments require grad (None when none can)."""
    op = c["op"]
    a, kw = call_args(c)
    a = [a[i] for i in order]
    self0 = a[0]
    if not isinstance(self0, torch.Tensor) or not self0.is_floating_point():
        return None
    if op not in INPLACE_PY and not hasattr(torch.Tensor, op + "_"):
        return None
    x = (self0 / 1.5).requires_grad_()
    rec = {"method": op + "_"} if plain else {"method": op + "_", "x": enc(x)}
    if c["view"] and not plain:
        rec["view"] = c["view"]
    others = {}
    for i in range(1, len(a)):
        if isinstance(a[i], torch.Tensor) and a[i].is_floating_point():
            a[i].requires_grad_()
            others[i] = a[i]
    kw_others = {}
    for k, v in kw.items():
        if isinstance(v, torch.Tensor) and v.is_floating_point():
            v.requires_grad_()
            kw_others[k] = v
    if plain and not others and not kw_others:
        return None
    try:
        if plain:
            y = self0.clone()
        elif c["view"] == "leaf":
            y = x.view(x.shape)
        elif c["view"] == "leaf_self":
            y = x
        elif c["view"] == "narrow":
            y = (x * 1.5)[:, 1:3]
        elif c["view"] == "nonleaf":
            y = (x * 1.5).view(x.shape)
        else:
            y = x * 1.5
        if op in INPLACE_PY:
            r = INPLACE_PY[op](y, *a[1:], **kw)
        else:
            r = getattr(y, op + "_")(*a[1:], **kw)
        assert r is y
    except Exception as e:  # noqa: BLE001
        rec.update({"error": str(e).split("\n")[0], "type": type(e).__name__, "stage": "forward"})
        return rec
    rec["grad_fn"] = None if y.grad_fn is None else type(y.grad_fn).__name__
    if op not in RANDOM_FILLS:
        rec["y"] = enc(y)
    try:
        y.sum().backward()
    except Exception as e:  # noqa: BLE001
        rec.update({"error": str(e).split("\n")[0], "type": type(e).__name__, "stage": "backward"})
        return rec

    def grad_of(t):
        return "none" if t.grad is None else enc(t.grad.detach().clone(memory_format=torch.contiguous_format))
    if not plain:
        rec["x_grad"] = grad_of(x)
    rec["grads"] = [grad_of(others[i]) if i in others else None for i in range(1, len(a))]
    rec["kw_grads"] = {k: grad_of(v) for k, v in kw_others.items()}
    return rec


def operand(v):
    return enc(v) if isinstance(v, torch.Tensor) else enc_scalar(v)


def operators():
    recs = []
    binops = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
              "%": lambda a, b: a % b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
              "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}
    bitops = {"&": lambda a, b: a & b, "|": lambda a, b: a | b, "^": lambda a, b: a ^ b}
    for sym, f in binops.items():
        for (a, b) in [(Z, Y), (XI, YI), (Z, 0.5), (0.5, Y), (XI, 3), (3, YI)]:
            recs.append({"op": "operator", "name": f"op{sym}", "pyop": sym, "a": operand(a), "b": operand(b),
                         "res": outcome(lambda: f(a, b))})
    for sym, f in bitops.items():
        for (a, b) in [(B1, B2), (XI, YI), (XI, 6), (6, XI), (B1, True)]:
            recs.append({"op": "operator", "name": f"op{sym}", "pyop": sym, "a": operand(a), "b": operand(b),
                         "res": outcome(lambda: f(a, b))})
    for sym, f in {"neg": lambda a: -a, "~": lambda a: ~a}.items():
        for a in ([Z, XI] if sym == "neg" else [B1, XI]):
            recs.append({"op": "operator", "name": f"op{sym}", "pyop": sym, "a": encode_arg(a),
                         "res": outcome(lambda: f(a))})
    return recs


def main():
    cases = [record(c) for c in CASES]
    names = [c["name"] for c in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    write("variants", cases + operators())


if __name__ == "__main__":
    main()
