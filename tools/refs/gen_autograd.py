"""Reference data for autograd: run with /usr/bin/python3 (PyTorch 1.13).

For each case (an op with representative float64 inputs) it records the output's grad_fn name, the names of
its next_functions, a seeded random grad_output and the gradient of every input. The C# suite
(tests/Flint.Tests/Autograd) holds the same table of ops keyed by case id, replays each record and also runs
gradcheck on it. Cases marked nondiff record that the output does not require grad.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import warnings  # noqa: E402
import torch  # noqa: E402
warnings.filterwarnings("ignore")
from common import enc, write  # noqa: E402

torch.manual_seed(0)
F64 = torch.float64


class In:
    """An input: its value, whether it requires grad and how the C# side rebuilds it (transpose/step views)."""

    def __init__(self, t, grad=True, transpose=None, step=None):
        self.t, self.grad, self.transpose, self.step = t, grad, transpose, step

    def make(self):
        t = self.t.clone()
        if self.transpose is not None:
            t = t.transpose(*self.transpose).contiguous().transpose(*self.transpose)
        if self.step is not None:
            shape = list(t.shape)
            shape[-1] *= self.step
            big = torch.zeros(shape, dtype=t.dtype)
            big[..., ::self.step] = t
            t = big[..., ::self.step]
        t = t.detach()
        if self.grad:
            t.requires_grad_()
        return t

    def encode(self):
        d = enc(self.t, transpose=self.transpose, step=self.step)
        d["requires_grad"] = self.grad
        return d


def R(*shape):
    return In(torch.randn(shape, dtype=F64))


def P(*shape):  # positive, away from 0
    return In(torch.rand(shape, dtype=F64) + 0.5)


def U(*shape):  # inside (-0.9, 0.9)
    return In(torch.rand(shape, dtype=F64) * 1.6 - 0.8)


def NC(*shape):  # non-contiguous: transposed storage of the last two dims
    n = len(shape)
    return In(torch.randn(shape, dtype=F64), transpose=(n - 2, n - 1))


def ST(*shape):  # non-contiguous: every other element of the last dim
    return In(torch.randn(shape, dtype=F64), step=2)


def C(*shape):  # float constant, no grad
    return In(torch.randn(shape, dtype=F64), grad=False)


def I(values):  # int64 index
    return In(torch.tensor(values, dtype=torch.int64), grad=False)


def M(values):  # bool mask
    return In(torch.tensor(values, dtype=torch.bool), grad=False)


def distinct(*shape):  # float64 values without ties (sort/median/mode/kthvalue)
    n = 1
    for s in shape:
        n *= s
    return In((torch.randperm(n).to(F64) * 0.37 + torch.rand(n, dtype=F64) * 0.1).reshape(shape))


CASES = []


def case(cid, fn, *inputs, nondiff=False, gradgrad=False, gradcheck=True):
    CASES.append((cid, fn, list(inputs), nondiff, gradgrad, gradcheck))


# ---- elementwise unary ----
for name in ["exp", "exp2", "expm1", "sin", "cos", "tan", "atan", "sinh", "cosh", "tanh", "asinh", "erf", "erfc",
             "sigmoid", "neg", "abs", "square", "relu", "frac", "sign", "floor", "ceil", "trunc", "round"]:
    case(name, (lambda n: lambda x: getattr(torch, n)(x))(name), R(3, 4), gradgrad=name in ("exp", "sin", "tanh", "sigmoid", "square"))
for name in ["log", "log2", "log10", "log1p", "sqrt", "rsqrt", "reciprocal"]:
    case(name, (lambda n: lambda x: getattr(torch, n)(x))(name), P(3, 4), gradgrad=name in ("log", "sqrt", "reciprocal"))
for name in ["asin", "acos", "atanh", "erfinv"]:
    case(name, (lambda n: lambda x: getattr(torch, n)(x))(name), U(3, 4))
case("acosh", lambda x: torch.acosh(x + 1.5), P(3, 4))
case("exp_noncontig", lambda x: x.exp(), NC(3, 4))
case("sin_strided", lambda x: x.sin(), ST(2, 3))
case("positive", lambda x: torch.positive(x) * 1, R(3))
case("silu", lambda x: torch.nn.functional.silu(x), R(3, 4))
case("mish", lambda x: torch.nn.functional.mish(x), R(3, 4))
case("gelu", lambda x: torch.nn.functional.gelu(x), R(3, 4), gradgrad=True)
case("gelu_tanh", lambda x: torch.nn.functional.gelu(x, approximate="tanh"), R(3, 4))
case("softplus", lambda x: torch.nn.functional.softplus(x, beta=2, threshold=3), R(3, 4))
case("elu", lambda x: torch.nn.functional.elu(x, alpha=0.7), R(3, 4))
case("selu", lambda x: torch.selu(x), R(3, 4))
case("leaky_relu", lambda x: torch.nn.functional.leaky_relu(x, 0.2), R(3, 4))
case("hardtanh", lambda x: torch.nn.functional.hardtanh(x, -0.5, 0.5), R(3, 4))
case("relu6", lambda x: torch.nn.functional.relu6(x * 4), R(3, 4))
case("logit", lambda x: torch.logit(x), In(torch.rand(3, 4, dtype=F64) * 0.8 + 0.1))
case("logit_eps", lambda x: torch.logit(x, eps=0.2), In(torch.rand(3, 4, dtype=F64) * 0.8 + 0.1))
case("nan_to_num", lambda x: torch.nan_to_num(x, nan=0.0, posinf=1.0), R(3, 4))
case("to_float32_back", lambda x: x.to(torch.float32).to(F64), R(3, 4), gradcheck=False)
case("clone", lambda x: x.clone(), R(3, 4))
case("contiguous", lambda x: x.contiguous(), NC(3, 4))
case("pow_scalar", lambda x: x.pow(3), R(3, 4), gradgrad=True)
case("pow_frac", lambda x: x.pow(1.5), P(3, 4))
case("clamp_scalar", lambda x: x.clamp(-0.5, 0.5), R(3, 4), gradgrad=True)
case("clamp_min_scalar", lambda x: x.clamp(min=0.1), R(3, 4))
case("clamp_max_scalar", lambda x: x.clamp(max=0.1), R(3, 4))
case("clamp_min_fn", lambda x: torch.clamp_min(x, 0.2), R(3, 4))
case("clamp_tensor", lambda x, lo, hi: x.clamp(lo, hi), R(3, 4), In(torch.full((4,), -0.5, dtype=F64)), In(torch.full((3, 1), 0.5, dtype=F64)), gradcheck=False)

# ---- elementwise binary ----
case("add", lambda a, b: a + b, R(3, 4), R(3, 4), gradgrad=True)
case("add_broadcast", lambda a, b: a + b, R(3, 4), R(4))
case("add_alpha", lambda a, b: torch.add(a, b, alpha=2.5), R(2, 3), R(2, 1))
case("sub", lambda a, b: a - b, R(3, 4), R(1, 4))
case("sub_alpha", lambda a, b: torch.sub(a, b, alpha=0.5), R(3), R(3))
case("mul", lambda a, b: a * b, R(3, 4), R(3, 4), gradgrad=True)
case("mul_broadcast", lambda a, b: a * b, R(2, 1, 4), R(3, 1))
case("mul_scalar", lambda a: a * 3.5, R(3, 4))
case("mul_noncontig", lambda a, b: a * b, NC(3, 4), ST(3, 4))
case("mul_const", lambda a, b: a * b, R(3, 4), C(3, 4))
case("div", lambda a, b: a / b, R(3, 4), P(3, 4), gradgrad=True)
case("div_broadcast", lambda a, b: a / b, R(2, 3), P(3))
case("rdiv_scalar", lambda a: 2.0 / a, P(3))
case("div_floor", lambda a, b: torch.div(a, b, rounding_mode="floor"), R(3, 4), P(3, 4))
case("pow_tensor", lambda a, b: a.pow(b), P(3, 4), R(3, 4), gradgrad=True)
case("pow_scalar_base", lambda b: torch.pow(2.0, b), R(3, 4))
case("float_power", lambda a, b: torch.float_power(a, b), P(3), R(3))
case("maximum", lambda a, b: torch.maximum(a, b), R(3, 4), R(4), gradgrad=True)
case("minimum", lambda a, b: torch.minimum(a, b), R(3, 4), R(3, 4))
case("fmax", lambda a, b: torch.fmax(a, b), R(3, 4), R(3, 4))
case("fmin", lambda a, b: torch.fmin(a, b), R(3, 4), R(3, 4))
case("atan2", lambda a, b: torch.atan2(a, b), R(3, 4), R(3, 4), gradgrad=True)
case("hypot", lambda a, b: torch.hypot(a, b), R(3, 4), R(3, 4))
case("remainder", lambda a, b: torch.remainder(a, b), R(3, 4), P(3, 4))
case("fmod", lambda a, b: torch.fmod(a, b), R(3, 4), P(3, 4))
case("copysign", lambda a, b: torch.copysign(a, b), R(3, 4), R(3, 4))
case("lerp_scalar", lambda a, b: torch.lerp(a, b, 0.3), R(3, 4), R(3, 4))
case("lerp_tensor", lambda a, b, w: torch.lerp(a, b, w), R(3, 4), R(4), R(3, 1), gradgrad=True)
case("addcmul", lambda a, b, c: torch.addcmul(a, b, c, value=0.5), R(3, 4), R(3, 4), R(4))
case("addcdiv", lambda a, b, c: torch.addcdiv(a, b, c, value=2), R(3, 4), R(3, 1), P(3, 4), gradgrad=True)
case("where", lambda c, a, b: torch.where(c, a, b), M([[True, False, True, False], [False, False, True, True], [True, True, False, False]]), R(3, 4), R(4), gradgrad=True)
case("where_scalar", lambda c, a: torch.where(c, a, 0.0), M([True, False, True]), R(3), gradgrad=True)
case("masked_fill", lambda x, m: x.masked_fill(m, 2.0), R(3, 4), M([True, False, False, True]))

# ---- reductions ----
case("sum", lambda x: x.sum(), R(3, 4), gradgrad=True)
case("sum_dim", lambda x: x.sum(1), R(3, 4), gradgrad=True)
case("sum_dims_keepdim", lambda x: x.sum((0, 2), keepdim=True), R(2, 3, 4))
case("sum_noncontig", lambda x: x.sum(0), NC(3, 4))
case("nansum", lambda x: x.nansum(1), R(3, 4))
case("mean", lambda x: x.mean(), R(3, 4), gradgrad=True)
case("mean_dim_keepdim", lambda x: x.mean(-1, keepdim=True), R(3, 4))
case("nanmean", lambda x: x.nanmean(0), R(3, 4))
case("prod", lambda x: x.prod(), R(2, 3))
case("prod_dim", lambda x: x.prod(1), R(3, 4), gradgrad=True)
case("prod_dim_keepdim", lambda x: x.prod(0, keepdim=True), R(3, 4))
case("max_all", lambda x: x.max(), distinct(3, 4))
case("min_all", lambda x: x.min(), distinct(3, 4))
case("max_dim", lambda x: x.max(1).values, distinct(3, 4), gradgrad=True)
case("min_dim_keepdim", lambda x: x.min(0, keepdim=True).values, distinct(3, 4))
case("amax", lambda x: x.amax(1), distinct(3, 4))
case("amin_keepdim", lambda x: x.amin((0, 1), keepdim=True), distinct(2, 3, 2))
case("var", lambda x: x.var(), R(3, 4), gradgrad=True)
case("var_dim", lambda x: x.var(1, keepdim=True), R(3, 4))
case("var_unbiased_false", lambda x: x.var(0, unbiased=False), R(3, 4))
case("std", lambda x: x.std(), R(3, 4), gradgrad=True)
case("std_dim", lambda x: x.std(1), R(3, 4))
case("norm", lambda x: x.norm(), R(3, 4), gradgrad=True)
case("norm_dim", lambda x: x.norm(dim=1), R(3, 4))
case("norm_p1", lambda x: x.norm(p=1, dim=0), R(3, 4))
case("norm_p3", lambda x: x.norm(p=3), R(3, 4))
case("norm_inf", lambda x: x.norm(p=float("inf"), dim=1), distinct(3, 4))
case("logsumexp", lambda x: x.logsumexp(1), R(3, 4), gradgrad=True)
case("logsumexp_keepdim", lambda x: x.logsumexp(0, keepdim=True), R(3, 4))
case("softmax", lambda x: x.softmax(1), R(3, 4), gradgrad=True)
case("softmax_dim0", lambda x: x.softmax(0), NC(3, 4))
case("log_softmax", lambda x: x.log_softmax(-1), R(3, 4), gradgrad=True)
case("cumsum", lambda x: x.cumsum(1), R(3, 4), gradgrad=True)
case("cumsum_dim0", lambda x: x.cumsum(0), R(3, 4))
case("cumprod", lambda x: x.cumprod(1), R(3, 4))
case("sort", lambda x: x.sort(1).values, distinct(3, 4), gradgrad=True)
case("sort_desc", lambda x: x.sort(0, descending=True).values, distinct(3, 4))
case("topk", lambda x: x.topk(2, 1).values, distinct(3, 4))
case("topk_smallest", lambda x: x.topk(2, 0, largest=False).values, distinct(3, 4))
case("median_all", lambda x: x.median(), distinct(3, 5))
case("median_dim", lambda x: x.median(1).values, distinct(3, 5))
case("kthvalue", lambda x: x.kthvalue(2, 1).values, distinct(3, 4))
case("mode", lambda x: x.mode(1).values, In(torch.tensor([[1., 2., 2., 3.], [4., 4., 5., 6.], [7., 8., 9., 9.]], dtype=F64)), gradcheck=False)
case("msort", lambda x: torch.msort(x), distinct(3, 4))

# ---- views and shape ops ----
case("view", lambda x: x.view(4, 3), R(3, 4), gradgrad=True)
case("reshape", lambda x: x.reshape(-1), R(3, 4))
case("reshape_copy", lambda x: x.reshape(12), NC(3, 4))
case("flatten", lambda x: x.flatten(), R(2, 3, 2))
case("unflatten", lambda x: x.unflatten(1, (2, 2)), R(3, 4))
case("transpose", lambda x: x.transpose(0, 1), R(3, 4))
case("t", lambda x: x.t(), R(3, 4))
case("permute", lambda x: x.permute(2, 0, 1), R(2, 3, 4), gradgrad=True)
case("movedim", lambda x: x.movedim(0, 2), R(2, 3, 4))
case("expand", lambda x: x.expand(3, 4), R(1, 4), gradgrad=True)
case("expand_new_dim", lambda x: x.expand(2, 3, 4), R(3, 1))
case("squeeze", lambda x: x.squeeze(), R(3, 1, 4))
case("squeeze_dim", lambda x: x.squeeze(1), R(3, 1, 4))
case("unsqueeze", lambda x: x.unsqueeze(1), R(3, 4))
case("narrow", lambda x: x.narrow(1, 1, 2), R(3, 4), gradgrad=True)
case("select", lambda x: x.select(0, 1), R(3, 4), gradgrad=True)
case("slice_index", lambda x: x[1:3], R(4, 3), gradgrad=True)
case("slice_step", lambda x: x[:, ::2], R(3, 4))
case("int_index", lambda x: x[1], R(3, 4))
case("as_strided", lambda x: x.as_strided((2, 2), (1, 2), 1), R(3, 4), gradgrad=True)
case("diagonal", lambda x: x.diagonal(), R(3, 4), gradgrad=True)
case("diagonal_offset", lambda x: x.diagonal(1, 1, 2), R(2, 3, 4))
case("unbind", lambda x: x.unbind(0), R(3, 4), gradgrad=True)
case("unbind_dim1", lambda x: x.unbind(1), R(2, 3))
case("split", lambda x: x.split(2, 1), R(3, 5), gradgrad=True)
case("split_sizes", lambda x: x.split([1, 3], 1), R(3, 4))
case("chunk", lambda x: x.chunk(2, 0), R(4, 3))

# ---- rearranging and joining ----
case("flip", lambda x: x.flip(0), R(3, 4), gradgrad=True)
case("flip_dims", lambda x: x.flip(0, 1), R(3, 4))
case("fliplr", lambda x: x.fliplr(), R(3, 4))
case("flipud", lambda x: x.flipud(), R(3, 4))
case("roll", lambda x: x.roll(1, 1), R(3, 4))
case("roll_flat", lambda x: x.roll(5), R(3, 4))
case("roll_dims", lambda x: x.roll((1, -1), (0, 1)), R(3, 4))
case("repeat", lambda x: x.repeat(2, 3), R(2, 2), gradgrad=True)
case("repeat_new_dims", lambda x: x.repeat(2, 1, 2), R(3))
case("tile", lambda x: x.tile((2,)), R(2, 3))
case("tril", lambda x: x.tril(), R(3, 4), gradgrad=True)
case("triu", lambda x: x.triu(1), R(3, 4))
case("diag_vec", lambda x: torch.diag(x), R(3))
case("diag_mat", lambda x: torch.diag(x, -1), R(3, 4))
case("cat", lambda a, b: torch.cat([a, b], 1), R(3, 2), R(3, 4), gradgrad=True)
case("cat_const", lambda a, b: torch.cat([a, b]), R(2, 3), C(1, 3))
case("stack", lambda a, b: torch.stack([a, b], 1), R(3, 4), R(3, 4), gradgrad=True)
case("hstack", lambda a, b: torch.hstack([a, b]), R(3, 2), R(3, 1))
case("vstack", lambda a, b: torch.vstack([a, b]), R(3), R(3))
case("dstack", lambda a, b: torch.dstack([a, b]), R(2, 3), R(2, 3))

# ---- indexing ----
case("index_select", lambda x, i: x.index_select(1, i), R(3, 4), I([0, 2, 2]), gradgrad=True)
case("gather", lambda x, i: x.gather(1, i), R(3, 4), I([[0, 1], [3, 3], [2, 0]]), gradgrad=True)
case("take_along_dim", lambda x, i: torch.take_along_dim(x, i, 1), R(3, 4), I([[0], [3], [1]]))
case("scatter", lambda x, i, s: x.scatter(1, i, s), R(3, 4), I([[0, 1], [3, 2], [2, 0]]), R(3, 2))
case("scatter_value", lambda x, i: x.scatter(1, i, 1.5), R(3, 4), I([[0, 1], [3, 2], [2, 0]]))
case("scatter_add", lambda x, i, s: x.scatter_add(0, i, s), R(3, 4), I([[0, 1, 2, 0], [2, 2, 0, 1]]), R(2, 4))
SR_IDX = [[0, 1, 0], [2, 2, 1], [3, 0, 3]]
case("scatter_reduce_sum", lambda x, i, s: x.scatter_reduce(1, i, s, "sum"), R(3, 4), I(SR_IDX), R(3, 3))
case("scatter_reduce_sum_noself", lambda x, i, s: x.scatter_reduce(1, i, s, "sum", include_self=False), R(3, 4), I(SR_IDX), R(3, 3))
case("scatter_reduce_mean", lambda x, i, s: x.scatter_reduce(1, i, s, "mean"), R(3, 4), I(SR_IDX), R(3, 3))
case("scatter_reduce_mean_noself", lambda x, i, s: x.scatter_reduce(1, i, s, "mean", include_self=False), R(3, 4), I(SR_IDX), R(3, 3))
case("scatter_reduce_amax", lambda x, i, s: x.scatter_reduce(1, i, s, "amax"), R(3, 4), I(SR_IDX), R(3, 3))
case("scatter_reduce_amin_noself", lambda x, i, s: x.scatter_reduce(1, i, s, "amin", include_self=False), R(3, 4), I(SR_IDX), R(3, 3))
case("index_tensor", lambda x, i: x[i], R(4, 3), I([0, 2, 2, 3]), gradgrad=True)
case("index_two", lambda x, i, j: x[i, j], R(3, 4), I([0, 2, 1]), I([3, 3, 0]))
case("index_bool", lambda x, m: x[m], R(3, 2), M([[True, False], [True, True], [False, True]]))
case("index_put", lambda x, i, v: x.index_put((i,), v), R(4, 3), I([0, 2]), R(2, 3))
case("index_put_acc", lambda x, i, v: x.index_put((i,), v, accumulate=True), R(4, 3), I([0, 2, 0]), R(3))
case("masked_select", lambda x, m: x.masked_select(m), R(3, 4), M([True, False, True, True]), gradgrad=True)
case("masked_scatter", lambda x, m, s: x.masked_scatter(m, s), R(3, 4), M([True, False, True, False]), R(3, 4))
case("take", lambda x, i: x.take(i), R(3, 4), I([[0, 5], [11, 5]]), gradgrad=True)
case("put", lambda x, i, s: x.put(i, s), R(3, 4), I([1, 7, 10]), R(3), gradgrad=True)
case("put_acc", lambda x, i, s: x.put(i, s, accumulate=True), R(3, 4), I([1, 7, 1]), R(3))
case("index_add", lambda x, i, s: x.index_add(0, i, s, alpha=2), R(4, 3), I([0, 2, 0]), R(3, 3), gradgrad=True)
case("index_copy", lambda x, i, s: x.index_copy(1, i, s), R(3, 4), I([3, 0]), R(3, 2))
case("index_fill", lambda x, i: x.index_fill(1, i, -1.0), R(3, 4), I([1, 3]))

# ---- linear algebra ----
case("mm", lambda a, b: a.mm(b), R(3, 4), R(4, 2), gradgrad=True)
case("mm_noncontig", lambda a, b: a.mm(b), NC(3, 4), NC(4, 2))
case("matmul_2d", lambda a, b: a.matmul(b), R(3, 4), R(4, 2), gradgrad=True)
case("matmul_1d", lambda a, b: a.matmul(b), R(4), R(4))
case("matmul_mv", lambda a, b: a.matmul(b), R(3, 4), R(4))
case("matmul_vm", lambda a, b: a.matmul(b), R(3), R(3, 4))
case("matmul_batched", lambda a, b: a.matmul(b), R(2, 3, 4), R(2, 4, 2), gradgrad=True)
case("matmul_broadcast", lambda a, b: a.matmul(b), R(2, 3, 4), R(4, 2))
case("mv", lambda a, b: a.mv(b), R(3, 4), R(4))
case("dot", lambda a, b: a.dot(b), R(4), R(4))
case("vdot", lambda a, b: torch.vdot(a, b), R(4), R(4))
case("bmm", lambda a, b: a.bmm(b), R(2, 3, 4), R(2, 4, 2), gradgrad=True)
case("addmm", lambda c, a, b: torch.addmm(c, a, b, beta=0.5, alpha=2), R(3, 2), R(3, 4), R(4, 2), gradgrad=True)
case("addmm_broadcast", lambda c, a, b: torch.addmm(c, a, b), R(2), R(3, 4), R(4, 2))
case("addmv", lambda c, a, b: torch.addmv(c, a, b), R(3), R(3, 4), R(4))
case("baddbmm", lambda c, a, b: torch.baddbmm(c, a, b), R(2, 3, 2), R(2, 3, 4), R(2, 4, 2))
case("outer", lambda a, b: torch.outer(a, b), R(3), R(4))
case("inner", lambda a, b: torch.inner(a, b), R(2, 4), R(3, 4))
case("einsum_mm", lambda a, b: torch.einsum("ij,jk->ik", a, b), R(3, 4), R(4, 2), gradgrad=True)
case("einsum_trace", lambda a: torch.einsum("ii->", a), R(3, 3))
case("einsum_outer", lambda a, b: torch.einsum("i,j->ij", a, b), R(3), R(4))
case("einsum_batch", lambda a, b: torch.einsum("bij,bjk->bik", a, b), R(2, 3, 4), R(2, 4, 2))
case("einsum_sum", lambda a: torch.einsum("ij->j", a), R(3, 4))

# ---- in-place forms and copies (the node replaces the tensor's history) ----
case("copy_", lambda x: torch.zeros(3, 4, dtype=F64).copy_(x), R(3, 4))
case("copy_broadcast", lambda a, b: (a * 1).copy_(b), R(3, 4), R(4))
case("fill_", lambda x: (x * 1).fill_(2.0), R(3, 4))
case("masked_fill_tensor", lambda x, m, v: x.masked_fill(m, v), R(3, 4), M([True, False, False, True]), R())
case("add_inplace", lambda a, b: (a * 1).add_(b), R(3, 4), R(4))
case("mul_inplace", lambda a, b: (a * 2).mul_(b), R(3, 4), R(3, 4))
case("clamp_inplace", lambda x: (x * 1).clamp_(-0.5, 0.5), R(3, 4))
case("exp_inplace", lambda x: (x * 1).exp_(), R(3, 4))
case("index_add_inplace", lambda x, i, s: (x * 1).index_add_(0, i, s), R(4, 3), I([0, 2, 0]), R(3, 3))
case("index_put_inplace", lambda x, i, v: (x * 1).index_put_((i,), v), R(4, 3), I([1, 3]), R(2, 3))
case("masked_fill_inplace", lambda x, m: (x * 1).masked_fill_(m, 0.5), R(3, 4), M([False, True, True, False]))
case("lerp_inplace", lambda a, b: (a * 1).lerp_(b, 0.25), R(3, 4), R(3, 4))
case("std_mean", lambda x: torch.std_mean(x, 1), R(3, 4))
case("var_mean", lambda x: torch.var_mean(x, 0, keepdim=True), R(3, 4))

# ---- non-differentiable outputs ----
case("argmax", lambda x: x.argmax(1), R(3, 4), nondiff=True)
case("argsort", lambda x: x.argsort(1), R(3, 4), nondiff=True)
case("gt", lambda x, y: x > y, R(3, 4), R(3, 4), nondiff=True)
case("eq", lambda x: x == 0, R(3, 4), nondiff=True)
case("isnan", lambda x: x.isnan(), R(3, 4), nondiff=True)
case("sort_indices", lambda x: x.sort(1).indices, distinct(3, 4), nondiff=True)
case("max_indices", lambda x: x.max(1).indices, distinct(3, 4), nondiff=True)
case("nonzero", lambda x: x.nonzero(), R(3, 4), nondiff=True)
case("to_int", lambda x: x.to(torch.int64), R(3, 4), nondiff=True)
case("count_nonzero", lambda x: torch.count_nonzero(x), R(3, 4), nondiff=True)


def node_names(t):
    fn = t.grad_fn
    if fn is None:
        return None, []
    return fn.name(), [[None if f is None else f.name(), int(nr)] for f, nr in fn.next_functions]


records = []
gen = torch.Generator().manual_seed(1)
for cid, fn, inputs, nondiff, gradgrad, check in CASES:
    xs = [i.make() for i in inputs]
    out = fn(*xs)
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    rec = {"id": cid, "inputs": [i.encode() for i in inputs], "multi": isinstance(out, (tuple, list)),
           "gradgrad": gradgrad, "gradcheck": check}
    if nondiff:
        assert not any(o.requires_grad for o in outs), cid
        rec["nondiff"] = True
        records.append(rec)
        continue
    name, nxt = node_names(outs[0])
    rec["grad_fn"] = [node_names(o)[0] for o in outs]
    rec["next_functions"] = nxt
    gos = [torch.randn(o.shape, dtype=F64, generator=gen) for o in outs]
    diff = [x for x in xs if x.requires_grad]
    grads = torch.autograd.grad(outs, diff, gos, allow_unused=True)
    it = iter(grads)
    rec["grad_outputs"] = [enc(g) for g in gos]
    rec["grads"] = [(lambda g: None if g is None else enc(g))(next(it)) if x.requires_grad else None for x in xs]
    # the record is only worth replaying if PyTorch's own gradient is right
    if check:
        try:
            torch.autograd.gradcheck(lambda *a: fn(*a), xs, check_undefined_grad=False)
        except Exception as e:
            print("GRADCHECK FAIL", cid, str(e)[:80])
    if gradgrad:
        torch.autograd.gradgradcheck(lambda *a: fn(*a), xs)
    records.append(rec)

write("autograd", records)
