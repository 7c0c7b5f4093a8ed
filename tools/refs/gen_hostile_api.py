"""Hostile integer arguments to the public tensor API: what PyTorch does with each (error text and type, or result).

Huge (2^62, long max, long min), negative, zero and wrapping sizes, dims, indices, steps, counts, offsets, shifts,
strides, paddings and kernel sizes, through indexing, views, joins, creation, reductions, sorting, integer
arithmetic, convolution, pooling, matmul and einsum. Every case is one line of Python; the C# form with the same
name is in tests/Flint.Tests/Core/HostileApiTests.cs. Results of random ops are recorded as their shape only.

Where PyTorch 1.13 misbehaves on an overflowing argument (wraps, or reads out of bounds), the case records what
PyTorch 2 does instead, marked "override" with the reason.
"""
import torch
import torch.nn.functional as F
from common import enc, outcome, write

BIG = 1 << 62
LMAX = (1 << 63) - 1
LMIN = -(1 << 63)


def x34():
    return torch.arange(12.).reshape(3, 4)


def shp(t):
    return torch.tensor(list(t.shape), dtype=torch.long)


def lidx(*v):
    return torch.tensor(list(v), dtype=torch.long)


CASES = {
    # indexing and slicing
    "index_int_huge": lambda: x34()[BIG],
    "index_int_min": lambda: x34()[LMIN],
    "index_int_max": lambda: x34()[LMAX],
    "slice_huge_start": lambda: x34()[BIG:],
    "slice_min_start": lambda: x34()[LMIN:],
    "slice_max_stop": lambda: x34()[:LMAX],
    "slice_min_stop": lambda: x34()[:LMIN],
    "slice_step_huge": lambda: x34()[::BIG],
    "slice_step_max": lambda: x34()[1::LMAX],
    "slice_step_zero": lambda: x34()[::0],
    "slice_step_negative": lambda: x34()[::-1],
    "slice_min_to_max_step_huge": lambda: x34()[LMIN:LMAX:BIG],
    "narrow_start_huge": lambda: x34().narrow(1, BIG, 1),
    "narrow_start_min": lambda: x34().narrow(1, LMIN, 1),
    "narrow_start_max_len_max": lambda: x34().narrow(1, LMAX, LMAX),
    "narrow_length_negative": lambda: x34().narrow(1, 0, -1),
    "narrow_dim_huge": lambda: x34().narrow(BIG, 0, 1),
    "narrow_start_neg_wrap": lambda: x34().narrow(1, -4, 2),
    "select_index_min": lambda: x34().select(1, LMIN),
    "select_index_huge": lambda: x34().select(0, BIG),
    "select_dim_min": lambda: x34().select(LMIN, 0),
    "index_select_huge": lambda: x34().index_select(1, lidx(0, BIG)),
    "index_select_min": lambda: x34().index_select(1, lidx(LMIN)),
    "index_select_neg": lambda: x34().index_select(1, lidx(-1)),
    "gather_huge": lambda: x34().gather(1, lidx(BIG, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).reshape(3, 4)),
    "gather_min": lambda: x34().gather(0, lidx(LMIN).reshape(1, 1)),
    "gather_neg": lambda: x34().gather(0, lidx(-1).reshape(1, 1)),
    "scatter_huge": lambda: torch.zeros(3, 4).scatter(1, lidx(BIG).reshape(1, 1), 1.0),
    "scatter_min": lambda: torch.zeros(3, 4).scatter(1, lidx(LMIN).reshape(1, 1), 1.0),
    "scatter_add_huge": lambda: torch.zeros(3, 4).scatter_add(0, lidx(BIG).reshape(1, 1), torch.ones(1, 1)),
    "take_huge": lambda: x34().take(lidx(BIG)),
    "take_min": lambda: x34().take(lidx(LMIN)),
    "take_neg": lambda: x34().take(lidx(-12)),
    "take_neg_past": lambda: x34().take(lidx(-13)),
    "tensor_index_huge": lambda: x34()[lidx(1, BIG)],
    "tensor_index_min": lambda: x34()[lidx(LMIN)],
    "tensor_index_neg": lambda: x34()[lidx(-3)],
    "diagonal_offset_max": lambda: x34().diagonal(LMAX),
    "diagonal_offset_min": lambda: x34().diagonal(LMIN),
    "diagonal_offset_huge": lambda: x34().diagonal(BIG),
    "diag_1d_offset_huge": lambda: torch.ones(2).diag(BIG),
    "diag_1d_offset_min": lambda: torch.ones(2).diag(LMIN),
    "diag_2d_offset_max": lambda: x34().diag(LMAX),
    "diag_2d_offset_min": lambda: x34().diag(LMIN),
    "tril_min": lambda: x34().tril(LMIN),
    "tril_max": lambda: x34().tril(LMAX),
    "triu_min": lambda: x34().triu(LMIN),
    "triu_max": lambda: x34().triu(LMAX),
    "roll_max": lambda: x34().roll(LMAX, 1),
    "roll_min": lambda: x34().roll(LMIN, 1),
    "roll_min_flat": lambda: x34().roll(LMIN),
    "roll_empty_dim": lambda: torch.zeros(0, 3).roll(LMIN, 0),
    "flip_dim_min": lambda: x34().flip(LMIN),
    "flip_dim_huge": lambda: x34().flip(BIG),
    # shape manipulation
    "chunk_zero": lambda: x34().chunk(0),
    "chunk_negative": lambda: x34().chunk(-1),
    "chunk_huge": lambda: x34().chunk(BIG),
    "chunk_max": lambda: x34().chunk(LMAX, 1),
    "split_zero": lambda: x34().split(0),
    "split_negative": lambda: x34().split(-1),
    "split_huge": lambda: x34().split(BIG),
    "split_max": lambda: x34().split(LMAX, 1),
    "split_sizes_wrap": lambda: x34().split([LMAX, LMIN + 4], 1),
    "split_sizes_negative": lambda: x34().split([5, -1], 1),
    "unflatten_wrap": lambda: x34().unflatten(1, (BIG + 1, 4)),
    "unflatten_inferred_huge": lambda: x34().unflatten(1, (-1, BIG)),
    "unflatten_zero": lambda: x34().unflatten(1, (0, -1)),
    "unflatten_dim_huge": lambda: x34().unflatten(BIG, (2, 2)),
    "movedim_huge": lambda: x34().movedim(BIG, 0),
    "movedim_repeated": lambda: x34().movedim((0, 0), (0, 1)),
    "permute_repeated": lambda: x34().permute(1, 1),
    "permute_min": lambda: x34().permute(LMIN, 0),
    "permute_too_few": lambda: x34().permute(0),
    "squeeze_dim_huge": lambda: x34().squeeze(BIG),
    "squeeze_dim_min": lambda: x34().squeeze(LMIN),
    "unsqueeze_dim_huge": lambda: x34().unsqueeze(BIG),
    "unsqueeze_dim_min": lambda: x34().unsqueeze(LMIN),
    "unsqueeze_dim_edge": lambda: x34().unsqueeze(-3),
    "transpose_dim_min": lambda: x34().transpose(LMIN, 0),
    "flatten_dims_reversed": lambda: x34().flatten(1, 0),
    "expand_negative": lambda: x34().expand(-2, 4),
    "expand_min": lambda: torch.zeros(1).expand(LMIN),
    "expand_fewer": lambda: x34().expand(4),
    "view_two_inferred": lambda: x34().view(-1, -1),
    "view_negative": lambda: x34().view(-2, 6),
    "view_min": lambda: x34().view(LMIN, -1),
    "reshape_zero_inferred": lambda: torch.zeros(0).reshape(0, -1),
    "cat_empty_list": lambda: torch.cat([]),
    "cat_mismatch": lambda: torch.cat([torch.zeros(2, 3), torch.zeros(2, 4)]),
    "cat_dim_huge": lambda: torch.cat([torch.zeros(2, 3), torch.zeros(2, 3)], BIG),
    "cat_legacy_empty": lambda: torch.cat([torch.zeros(0), torch.ones(2, 3)]),
    "cat_ndim_mismatch": lambda: torch.cat([torch.zeros(2, 3), torch.zeros(3)]),
    "stack_empty_list": lambda: torch.stack([]),
    "stack_mismatch": lambda: torch.stack([torch.zeros(2), torch.zeros(3)]),
    "stack_dim_huge": lambda: torch.stack([torch.zeros(2)], BIG),
    # creation
    "arange_step_zero": lambda: torch.arange(0, 10, 0),
    "arange_step_huge": lambda: torch.arange(0, 10, BIG),
    "arange_wrong_sign": lambda: torch.arange(0, 10, -1),
    "arange_min_to_max": lambda: torch.arange(LMIN, LMAX, LMAX),
    "arange_max_step_min": lambda: torch.arange(LMAX, LMIN, LMIN),
    "arange_float_huge": lambda: torch.arange(0, 1e300, 1e-300),
    "arange_nan": lambda: torch.arange(0, float("nan")),
    "arange_inf": lambda: torch.arange(0, float("inf")),
    "linspace_negative": lambda: torch.linspace(0, 1, -1),
    "linspace_zero": lambda: torch.linspace(0, 1, 0),
    "logspace_negative": lambda: torch.logspace(0, 1, -1),
    "eye_negative": lambda: torch.eye(-1),
    "eye_m_negative": lambda: torch.eye(2, -1),
    "eye_huge": lambda: torch.eye(1 << 32, 1 << 32),
    "eye_zero_huge": lambda: torch.eye(0, BIG),
    "full_negative": lambda: torch.full((2, -1), 1.0),
    "full_huge_zero": lambda: torch.full((BIG, 0), 1.0),
    "randint_empty_range": lambda: torch.randint(5, 5, (3,)),
    "randint_min_max": lambda: shp(torch.randint(LMIN, LMAX, (3,))),
    "randint_high_negative": lambda: torch.randint(-1, (3,)),
    "randint_int8_range": lambda: torch.randint(0, 1000, (3,), dtype=torch.int8),
    "randint_negative_size": lambda: torch.randint(0, 5, (-1,)),
    "randperm_negative": lambda: torch.randperm(-1),
    "randperm_min": lambda: torch.randperm(LMIN),
    "multinomial_zero_samples": lambda: shp(torch.multinomial(torch.ones(3), 0)),
    "multinomial_negative_samples": lambda: torch.multinomial(torch.ones(3), -1),
    "multinomial_too_many": lambda: torch.multinomial(torch.ones(3), 4),
    "multinomial_huge_replacement": lambda: torch.multinomial(torch.ones(3), BIG, True),
    "multinomial_negative_prob": lambda: torch.multinomial(torch.tensor([1., -1.]), 1),
    "multinomial_zero_sum": lambda: torch.multinomial(torch.zeros(3), 1),
    "tensor_jagged": lambda: torch.tensor([[1, 2], [3]]),
    # reductions and sorting
    "sum_dim_huge": lambda: x34().sum(BIG),
    "sum_dim_min": lambda: x34().sum(LMIN),
    "sum_dim_repeated": lambda: x34().sum((0, -2)),
    "mean_dim_max": lambda: x34().mean(LMAX),
    "amax_dim_min": lambda: x34().amax(LMIN),
    "argmax_dim_huge": lambda: x34().argmax(BIG),
    "max_dim_min": lambda: x34().max(LMIN),
    "prod_dim_huge": lambda: x34().prod(BIG),
    "std_dim_huge": lambda: x34().std(BIG),
    "logsumexp_dim_huge": lambda: x34().logsumexp(BIG),
    "softmax_dim_huge": lambda: x34().softmax(BIG),
    "cumsum_dim_huge": lambda: x34().cumsum(BIG),
    "cumsum_dim_min": lambda: x34().cumsum(LMIN),
    "cumprod_dim_max": lambda: x34().cumprod(LMAX),
    "topk_k_huge": lambda: x34().topk(BIG),
    "topk_k_negative": lambda: x34().topk(-1),
    "topk_k_min": lambda: x34().topk(LMIN),
    "topk_k_zero": lambda: x34().topk(0),
    "topk_dim_huge": lambda: x34().topk(1, BIG),
    "kthvalue_k_huge": lambda: x34().kthvalue(BIG),
    "kthvalue_k_zero": lambda: x34().kthvalue(0),
    "kthvalue_k_min": lambda: x34().kthvalue(LMIN),
    "kthvalue_k_past": lambda: x34().kthvalue(5),
    "sort_dim_huge": lambda: x34().sort(BIG),
    "argsort_dim_min": lambda: x34().argsort(LMIN),
    "median_dim_huge": lambda: x34().median(BIG),
    "mode_dim_huge": lambda: x34().mode(BIG),
    # integer arithmetic
    "int_div_floor_zero": lambda: torch.tensor([1, 2]).div(0, rounding_mode="floor"),
    "int_div_trunc_zero": lambda: torch.tensor([1, 2]).div(torch.tensor([1, 0]), rounding_mode="trunc"),
    "int_floor_divide_zero": lambda: torch.tensor([1, 2]).floor_divide(torch.tensor([0, 1])),
    "int_remainder_zero": lambda: torch.tensor([5]).remainder(0),
    "int_fmod_zero": lambda: torch.tensor([5]).fmod(torch.tensor([0])),
    "int_true_div_zero": lambda: torch.tensor([1, 0]) / 0,
    "int_min_floor_div_minus1": lambda: torch.tensor([LMIN]).div(-1, rounding_mode="floor"),
    "int_min_remainder_minus1": lambda: torch.tensor([LMIN]).remainder(-1),
    "int_min_fmod_minus1": lambda: torch.tensor([LMIN]).fmod(-1),
    "int_inplace_div_zero": lambda: torch.tensor([4, 6]).floor_divide_(torch.tensor([2, 0])),
    "pow_int_huge": lambda: torch.tensor([2, 3, -1]).pow(BIG),
    "pow_int_negative_exp": lambda: torch.tensor([2]).pow(-1),
    "pow_int_max": lambda: torch.tensor([1, -1, 0]).pow(LMAX),
    "pow_int_tensor_negative": lambda: torch.tensor([2]).pow(torch.tensor([-1])),
    "shift_left_64": lambda: torch.tensor([1, -1]) << 64,
    "shift_left_huge": lambda: torch.tensor([1]) << BIG,
    "shift_left_negative": lambda: torch.tensor([8]) << -1,
    "shift_right_64": lambda: torch.tensor([8, -8]) >> 64,
    "shift_right_negative": lambda: torch.tensor([8]) >> -1,
    "shift_int32_right_40": lambda: torch.tensor([-8, 8], dtype=torch.int32) >> 40,
    "shift_int8_left_9": lambda: torch.tensor([1], dtype=torch.int8) << 9,
    "clamp_int_min_gt_max": lambda: torch.tensor([1, 5, 9]).clamp(LMAX, LMIN),
    "clamp_int_extremes": lambda: torch.tensor([LMIN, 0, LMAX]).clamp(LMIN + 1, LMAX - 1),
    "abs_int_min": lambda: torch.tensor([LMIN]).abs(),
    "neg_int_min": lambda: torch.tensor([LMIN]).neg(),
    # convolution and pooling
    "conv1d_stride_zero": lambda: F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 2), stride=0),
    "conv1d_stride_negative": lambda: F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 2), stride=-1),
    "conv1d_stride_huge": lambda: F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 2), stride=BIG),
    "conv1d_padding_negative": lambda: F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 2), padding=-1),
    "conv1d_padding_huge": lambda: F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 2), padding=BIG),
    "conv1d_dilation_huge": lambda: F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 2), dilation=BIG),
    "conv1d_kernel_too_big": lambda: F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 6)),
    "conv1d_groups_zero": lambda: F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 2), groups=0),
    "conv1d_groups_negative": lambda: F.conv1d(torch.ones(1, 2, 5), torch.ones(2, 1, 2), groups=-2),
    "conv2d_stride_zero": lambda: F.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2), stride=0),
    "conv2d_padding_huge": lambda: F.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2), padding=(BIG, BIG)),
    "conv2d_empty_kernel": lambda: F.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 0, 2)),
    "conv_transpose2d_stride_zero": lambda: F.conv_transpose2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2), stride=0),
    "conv_transpose2d_padding_negative": lambda: F.conv_transpose2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2), padding=-1),
    "conv_transpose2d_output_padding_big": lambda: F.conv_transpose2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2), stride=2, output_padding=2),
    "max_pool1d_kernel_zero": lambda: F.max_pool1d(torch.ones(1, 1, 5), 0),
    "max_pool1d_kernel_negative": lambda: F.max_pool1d(torch.ones(1, 1, 5), -1),
    "max_pool1d_stride_zero": lambda: F.max_pool1d(torch.ones(1, 1, 5), 2, 0),
    "max_pool1d_stride_huge": lambda: F.max_pool1d(torch.ones(1, 1, 5), 2, 1 << 30),
    "max_pool1d_padding_big": lambda: F.max_pool1d(torch.ones(1, 1, 5), 2, 1, 2),
    "max_pool1d_padding_negative": lambda: F.max_pool1d(torch.ones(1, 1, 5), 2, 1, -1),
    "max_pool1d_dilation_zero": lambda: F.max_pool1d(torch.ones(1, 1, 5), 2, 1, 0, 0),
    "max_pool1d_dilation_huge": lambda: F.max_pool1d(torch.ones(1, 1, 5), 2, 1, 0, 1 << 30),
    "max_pool2d_kernel_zero": lambda: F.max_pool2d(torch.ones(1, 1, 4, 4), 0),
    "max_pool2d_stride_negative": lambda: F.max_pool2d(torch.ones(1, 1, 4, 4), 2, -1),
    "max_pool2d_kernel_huge": lambda: F.max_pool2d(torch.ones(1, 1, 4, 4), (1 << 30, 1 << 30)),
    "max_pool2d_stride_huge_ceil": lambda: F.max_pool2d(torch.ones(1, 1, 4, 4), 2, 1 << 30, ceil_mode=True),
    "avg_pool2d_kernel_zero": lambda: F.avg_pool2d(torch.ones(1, 1, 4, 4), 0),
    "avg_pool2d_stride_zero": lambda: F.avg_pool2d(torch.ones(1, 1, 4, 4), 2, 0),
    "avg_pool2d_kernel_huge": lambda: F.avg_pool2d(torch.ones(1, 1, 4, 4), 1 << 30),
    "avg_pool2d_padding_big": lambda: F.avg_pool2d(torch.ones(1, 1, 4, 4), 2, 1, 2),
    "avg_pool2d_divisor_zero": lambda: F.avg_pool2d(torch.ones(1, 1, 4, 4), 2, divisor_override=0),
    "adaptive_avg_pool2d_negative": lambda: F.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4), -1),
    "adaptive_avg_pool2d_zero": lambda: shp(F.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4), 0)),
    # matmul and einsum
    "matmul_mismatch": lambda: torch.matmul(torch.ones(2, 3), torch.ones(4, 2)),
    "matmul_1d_mismatch": lambda: torch.matmul(torch.ones(3), torch.ones(4)),
    "matmul_batch_mismatch": lambda: torch.matmul(torch.ones(2, 2, 3), torch.ones(3, 3, 2)),
    "matmul_0d": lambda: torch.matmul(torch.tensor(1.), torch.ones(2)),
    "matmul_expanded_huge": lambda: torch.matmul(torch.ones(1, 1).expand(BIG, 1), torch.ones(1, 1).expand(1, BIG)),
    "einsum_unbalanced_arrow": lambda: torch.einsum("ij->->j", torch.ones(2, 2)),
    "einsum_repeated_output": lambda: torch.einsum("ij->ii", torch.ones(2, 2)),
    "einsum_output_unknown": lambda: torch.einsum("ij->k", torch.ones(2, 2)),
    "einsum_too_many_labels": lambda: torch.einsum("ijk", torch.ones(2, 2)),
    "einsum_too_few_labels": lambda: torch.einsum("i", torch.ones(2, 2)),
    "einsum_two_ellipses": lambda: torch.einsum("......", torch.ones(2, 2)),
    "einsum_ellipsis_twice": lambda: torch.einsum("...i...", torch.ones(2, 2)),
    "einsum_bad_dot": lambda: torch.einsum("i..j", torch.ones(2, 2)),
    "einsum_bad_char": lambda: torch.einsum("i$", torch.ones(2, 2)),
    "einsum_operand_count": lambda: torch.einsum("i,j", torch.ones(2)),
    "einsum_size_mismatch": lambda: torch.einsum("i,i", torch.ones(2), torch.ones(3)),
    "einsum_repeated_diag": lambda: torch.einsum("ii", torch.ones(2, 3)),
    "einsum_ellipsis_output_missing": lambda: torch.einsum("...i->i...", torch.ones(2, 3)),
    "einsum_output_ellipsis_only": lambda: torch.einsum("ij->...", torch.ones(2, 3)),
    "einsum_empty_equation": lambda: torch.einsum("", torch.ones(2)),
}

LMIN_T = {"dtype": "int64", "shape": [1], "data": [LMIN]}
ZERO_T = {"dtype": "int64", "shape": [1], "data": [0]}
def err(text, typ="RuntimeError"):
    return {"error": text, "type": typ}


def out(t):
    return {"out": enc(t)}


SYMINT = "1.13 refuses the minimum long as a SymInt"
OVERRIDES = {
    "slice_min_start": (out(x34()), SYMINT + "; 2.x clamps the start to 0"),
    "slice_min_stop": (out(x34()[:0]), SYMINT + "; 2.x clamps the stop to 0"),
    "slice_min_to_max_step_huge": (out(x34()[0:3:3]), SYMINT + "; 2.x clamps to [0, 3) with the step"),
    "slice_step_max": (out(x34()[1:2]), "1.13 wraps the stop computation into a negative stride"),
    "expand_min": (err("numel: integer multiplication overflow"), SYMINT + "; its text for every other negative size of a singleton dim"),
    "randperm_negative": (err("n must be non-negative, got-1"), "2.x checks n first (its text, without a space)"),
    "randperm_min": (err("n must be non-negative, got-9223372036854775808"), SYMINT + "; 2.x checks n first"),
    "roll_min_flat": (out(x34().roll(4)), "1.13 negates the shift, which wraps; -2^63 = 4 (mod 12)"),
    "tril_max": (out(x34()), "1.13's row + diagonal wraps; every element lies on or below diagonal 2^63 - 1"),
    "triu_max": (out(torch.zeros(3, 4)), "1.13's row + diagonal wraps; no element lies on or above diagonal 2^63 - 1"),
    "diag_2d_offset_max": (out(torch.zeros(0)), "1.13 wraps the offset; 2.x takes diagonal(offset).clone(), empty"),
    "diag_2d_offset_min": (out(torch.zeros(0)), "1.13 wraps the offset; 2.x takes diagonal(offset).clone(), empty"),
    "eye_huge": (err("Storage size calculation overflowed with sizes=[4294967296, 4294967296]"),
                 "2.x checks the storage's byte count before the element count"),
    # 2.x: a shift by the width or more, or by a negative count, gives 0 (left) or the sign (right); 1.13 masks the count
    "shift_left_64": (out(torch.tensor([0, 0])), "1.13 shifts by 64 & 63 = 0 (x86 masking)"),
    "shift_left_huge": (out(torch.tensor([0])), "1.13 masks the shift count"),
    "shift_right_64": (out(torch.tensor([0, -1])), "1.13 shifts by 64 & 63 = 0 (x86 masking)"),
    "shift_int8_left_9": (out(torch.tensor([0], dtype=torch.int8)), "2.x: 0 for a shift past the width"),
    "view_min": (err("invalid shape dimension -9223372036854775808"), SYMINT),
    "int_min_floor_div_minus1": ({"out": LMIN_T}, "1.13 dies of SIGFPE; NumPy's int64 wraps to the minimum"),
    "int_min_remainder_minus1": ({"out": ZERO_T}, "1.13 dies of SIGFPE; NumPy's int64 remainder is 0"),
    "int_min_fmod_minus1": ({"out": ZERO_T}, "1.13 dies of SIGFPE; NumPy's int64 fmod is 0"),
}


def record(name, fn):
    if name in OVERRIDES:
        rec, why = OVERRIDES[name]
        return dict(rec, name=name, override=why)
    r = outcome(fn)
    r["name"] = name
    return r


write("hostile_api", [record(n, f) for n, f in CASES.items()])
