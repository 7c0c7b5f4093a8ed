using System.Text.Json;
using Flint.Tests.Support;
using Xunit;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Core;

/// <summary>
/// Hostile integers (2^62, long's maximum and minimum, negative, zero, wrapping) as sizes, dims, indices, steps,
/// counts, offsets, shifts, strides, paddings and kernel sizes through the public tensor API. PyTorch's outcome for
/// each (tools/refs/gen_hostile_api.py) is the expectation: an error of the mapped type with its text, or the
/// result. Every other exception (an overflow, a bounds failure inside an op, a null reference) fails the case.
/// </summary>
public class HostileApiTests
{
    private const long Big = 1L << 62;
    private const long LMax = long.MaxValue;
    private const long LMin = long.MinValue;

    private static Tensor X() => torch.arange(12.0f).reshape(3, 4);
    private static Tensor L(params long[] v) => torch.tensor(v);
    private static Tensor T(params long[] v) => torch.tensor(v);
    private static Tensor T(params double[] v) => torch.tensor(v, dtype: torch.float32);
    private static Tensor T(long[] v, DType dtype) => torch.tensor(v, dtype: dtype);
    private static Tensor Set(Tensor t, TensorIndex i, float v) { t[i] = torch.tensor(v); return t; }
    private static Tensor Shp(Tensor t) => torch.tensor(t.shape.ToArray());

    private static readonly Dictionary<string, Func<object>> Cases = new()
    {
        ["index_int_huge"] = () => X()[Big],
        ["index_int_min"] = () => X()[LMin],
        ["index_int_max"] = () => X()[LMax],
        ["slice_huge_start"] = () => X()[TensorIndex.Slice(Big, null)],
        ["slice_min_start"] = () => X()[TensorIndex.Slice(LMin, null)],
        ["slice_max_stop"] = () => X()[TensorIndex.Slice(null, LMax)],
        ["slice_min_stop"] = () => X()[TensorIndex.Slice(null, LMin)],
        ["slice_step_huge"] = () => X()[TensorIndex.Slice(null, null, Big)],
        ["slice_step_max"] = () => X()[TensorIndex.Slice(1, null, LMax)],
        ["slice_step_zero"] = () => X()[TensorIndex.Slice(null, null, 0)],
        ["slice_step_negative"] = () => X()[TensorIndex.Slice(null, null, -1)],
        ["slice_min_to_max_step_huge"] = () => X()[TensorIndex.Slice(LMin, LMax, Big)],
        ["narrow_start_huge"] = () => X().narrow(1, Big, 1),
        ["narrow_start_min"] = () => X().narrow(1, LMin, 1),
        ["narrow_start_max_len_max"] = () => X().narrow(1, LMax, LMax),
        ["narrow_length_negative"] = () => X().narrow(1, 0, -1),
        ["narrow_dim_huge"] = () => X().narrow(Big, 0, 1),
        ["narrow_start_neg_wrap"] = () => X().narrow(1, -4, 2),
        ["select_index_min"] = () => X().select(1, LMin),
        ["select_index_huge"] = () => X().select(0, Big),
        ["select_dim_min"] = () => X().select(LMin, 0),
        ["index_select_huge"] = () => X().index_select(1, L(0, Big)),
        ["index_select_min"] = () => X().index_select(1, L(LMin)),
        ["index_select_neg"] = () => X().index_select(1, L(-1)),
        ["gather_huge"] = () => X().gather(1, L(Big, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0).reshape(3, 4)),
        ["gather_min"] = () => X().gather(0, L(LMin).reshape(1, 1)),
        ["gather_neg"] = () => X().gather(0, L(-1).reshape(1, 1)),
        ["scatter_huge"] = () => torch.zeros(3, 4).scatter(1, L(Big).reshape(1, 1), 1.0),
        ["scatter_min"] = () => torch.zeros(3, 4).scatter(1, L(LMin).reshape(1, 1), 1.0),
        ["scatter_add_huge"] = () => torch.zeros(3, 4).scatter_add(0, L(Big).reshape(1, 1), torch.ones(1, 1)),
        ["take_huge"] = () => X().take(L(Big)),
        ["take_min"] = () => X().take(L(LMin)),
        ["take_neg"] = () => X().take(L(-12)),
        ["take_neg_past"] = () => X().take(L(-13)),
        ["tensor_index_huge"] = () => X()[L(1, Big)],
        ["tensor_index_min"] = () => X()[L(LMin)],
        ["tensor_index_neg"] = () => X()[L(-3)],
        ["diagonal_offset_max"] = () => X().diagonal(LMax),
        ["diagonal_offset_min"] = () => X().diagonal(LMin),
        ["diagonal_offset_huge"] = () => X().diagonal(Big),
        ["diag_1d_offset_huge"] = () => torch.ones(2).diag(Big),
        ["diag_1d_offset_min"] = () => torch.ones(2).diag(LMin),
        ["diag_2d_offset_max"] = () => X().diag(LMax),
        ["diag_2d_offset_min"] = () => X().diag(LMin),
        ["tril_min"] = () => X().tril(LMin),
        ["tril_max"] = () => X().tril(LMax),
        ["triu_min"] = () => X().triu(LMin),
        ["triu_max"] = () => X().triu(LMax),
        ["roll_max"] = () => X().roll(LMax, 1),
        ["roll_min"] = () => X().roll(LMin, 1),
        ["roll_min_flat"] = () => X().roll(LMin),
        ["roll_empty_dim"] = () => torch.zeros(0, 3).roll(LMin, 0),
        ["flip_dim_min"] = () => X().flip(LMin),
        ["flip_dim_huge"] = () => X().flip(Big),
        ["chunk_zero"] = () => X().chunk(0),
        ["chunk_negative"] = () => X().chunk(-1),
        ["chunk_huge"] = () => X().chunk(Big),
        ["chunk_max"] = () => X().chunk(LMax, 1),
        ["split_zero"] = () => X().split(0),
        ["split_negative"] = () => X().split(-1),
        ["split_huge"] = () => X().split(Big),
        ["split_max"] = () => X().split(LMax, 1),
        ["split_sizes_wrap"] = () => X().split([LMax, LMin + 4], 1),
        ["split_sizes_negative"] = () => X().split([5, -1], 1),
        ["unflatten_wrap"] = () => X().unflatten(1, Big + 1, 4),
        ["unflatten_inferred_huge"] = () => X().unflatten(1, -1, Big),
        ["unflatten_zero"] = () => X().unflatten(1, 0, -1),
        ["unflatten_negative_size"] = () => X().unflatten(1, 2, -3),
        ["unflatten_dim_huge"] = () => X().unflatten(Big, 2, 2),
        ["movedim_huge"] = () => X().movedim(Big, 0),
        ["movedim_repeated"] = () => X().movedim([0, 0], [0, 1]),
        ["permute_repeated"] = () => X().permute(1, 1),
        ["permute_min"] = () => X().permute(LMin, 0),
        ["permute_too_few"] = () => X().permute(0),
        ["squeeze_dim_huge"] = () => X().squeeze(Big),
        ["squeeze_dim_min"] = () => X().squeeze(LMin),
        ["unsqueeze_dim_huge"] = () => X().unsqueeze(Big),
        ["unsqueeze_dim_min"] = () => X().unsqueeze(LMin),
        ["unsqueeze_dim_edge"] = () => X().unsqueeze(-3),
        ["transpose_dim_min"] = () => X().transpose(LMin, 0),
        ["flatten_dims_reversed"] = () => X().flatten(1, 0),
        ["expand_negative"] = () => X().expand(-2, 4),
        ["expand_min"] = () => torch.zeros(1).expand(LMin),
        ["expand_fewer"] = () => X().expand(4),
        ["view_two_inferred"] = () => X().view(-1, -1),
        ["view_negative"] = () => X().view(-2, 6),
        ["view_min"] = () => X().view(LMin, -1),
        ["reshape_zero_inferred"] = () => torch.zeros(0).reshape(0, -1),
        ["cat_empty_list"] = () => torch.cat(Array.Empty<Tensor>()),
        ["cat_mismatch"] = () => torch.cat([torch.zeros(2, 3), torch.zeros(2, 4)]),
        ["cat_dim_huge"] = () => torch.cat([torch.zeros(2, 3), torch.zeros(2, 3)], Big),
        ["cat_legacy_empty"] = () => torch.cat([torch.zeros(0), torch.ones(2, 3)]),
        ["cat_ndim_mismatch"] = () => torch.cat([torch.zeros(2, 3), torch.zeros(3)]),
        ["stack_empty_list"] = () => torch.stack(Array.Empty<Tensor>()),
        ["stack_mismatch"] = () => torch.stack([torch.zeros(2), torch.zeros(3)]),
        ["stack_dim_huge"] = () => torch.stack([torch.zeros(2)], Big),
        ["arange_step_zero"] = () => torch.arange(0, 10, 0),
        ["arange_step_huge"] = () => torch.arange(0, 10, Big),
        ["arange_wrong_sign"] = () => torch.arange(0, 10, -1),
        ["arange_min_to_max"] = () => torch.arange(LMin, LMax, LMax),
        ["arange_max_step_min"] = () => torch.arange(LMax, LMin, LMin),
        ["arange_float_huge"] = () => torch.arange(0, 1e300, 1e-300),
        ["arange_nan"] = () => torch.arange(0, double.NaN),
        ["arange_inf"] = () => torch.arange(0, double.PositiveInfinity),
        ["linspace_negative"] = () => torch.linspace(0, 1, -1),
        ["linspace_zero"] = () => torch.linspace(0, 1, 0),
        ["logspace_negative"] = () => torch.logspace(0, 1, -1),
        ["eye_negative"] = () => torch.eye(-1),
        ["eye_m_negative"] = () => torch.eye(2, -1),
        ["eye_huge"] = () => torch.eye(1L << 32, 1L << 32),
        ["eye_zero_huge"] = () => torch.eye(0, Big),
        ["full_negative"] = () => torch.full([2, -1], 1.0),
        ["full_huge_zero"] = () => torch.full([Big, 0], 1.0),
        ["randint_empty_range"] = () => torch.randint(5, 5, [3]),
        ["randint_min_max"] = () => Shp(torch.randint(LMin, LMax, [3])),
        ["randint_high_negative"] = () => torch.randint(-1, [3]),
        ["randint_int8_range"] = () => torch.randint(0, 1000, [3], dtype: torch.int8),
        ["randint_negative_size"] = () => torch.randint(0, 5, [-1]),
        ["randperm_negative"] = () => torch.randperm(-1),
        ["randperm_min"] = () => torch.randperm(LMin),
        ["multinomial_zero_samples"] = () => Shp(torch.multinomial(torch.ones(3), 0)),
        ["multinomial_negative_samples"] = () => torch.multinomial(torch.ones(3), -1),
        ["multinomial_too_many"] = () => torch.multinomial(torch.ones(3), 4),
        ["multinomial_huge_replacement"] = () => torch.multinomial(torch.ones(3), Big, true),
        ["multinomial_negative_prob"] = () => torch.multinomial(T(1.0, -1.0), 1),
        ["multinomial_zero_sum"] = () => torch.multinomial(torch.zeros(3), 1),
        ["tensor_jagged"] = () => torch.tensor(new long[][] { [1, 2], [3] }),
        ["sum_dim_huge"] = () => X().sum(Big),
        ["sum_dim_min"] = () => X().sum(LMin),
        ["sum_dim_repeated"] = () => X().sum([0, -2]),
        ["mean_dim_max"] = () => X().mean(LMax),
        ["amax_dim_min"] = () => X().amax(LMin),
        ["argmax_dim_huge"] = () => X().argmax(Big),
        ["max_dim_min"] = () => X().max(LMin),
        ["prod_dim_huge"] = () => X().prod(Big),
        ["std_dim_huge"] = () => X().std(Big),
        ["logsumexp_dim_huge"] = () => X().logsumexp(Big),
        ["softmax_dim_huge"] = () => X().softmax(Big),
        ["cumsum_dim_huge"] = () => X().cumsum(Big),
        ["cumsum_dim_min"] = () => X().cumsum(LMin),
        ["cumprod_dim_max"] = () => X().cumprod(LMax),
        ["topk_k_huge"] = () => X().topk(Big),
        ["topk_k_negative"] = () => X().topk(-1),
        ["topk_k_min"] = () => X().topk(LMin),
        ["topk_k_zero"] = () => X().topk(0),
        ["topk_dim_huge"] = () => X().topk(1, Big),
        ["kthvalue_k_huge"] = () => X().kthvalue(Big),
        ["kthvalue_k_zero"] = () => X().kthvalue(0),
        ["kthvalue_k_min"] = () => X().kthvalue(LMin),
        ["kthvalue_k_past"] = () => X().kthvalue(5),
        ["sort_dim_huge"] = () => X().sort(Big),
        ["argsort_dim_min"] = () => X().argsort(LMin),
        ["median_dim_huge"] = () => X().median(Big),
        ["mode_dim_huge"] = () => X().mode(Big),
        ["int_div_floor_zero"] = () => T(1, 2).div(0, rounding_mode: "floor"),
        ["int_div_trunc_zero"] = () => T(1, 2).div(T(1, 0), rounding_mode: "trunc"),
        ["int_floor_divide_zero"] = () => T(1, 2).floor_divide(T(0, 1)),
        ["int_remainder_zero"] = () => T(5).remainder(0),
        ["int_fmod_zero"] = () => T(5).fmod(T(0)),
        ["int_true_div_zero"] = () => T(1, 0) / 0,
        ["int_min_floor_div_minus1"] = () => T(LMin).div(-1, rounding_mode: "floor"),
        ["int_min_remainder_minus1"] = () => T(LMin).remainder(-1),
        ["int_min_fmod_minus1"] = () => T(LMin).fmod(-1),
        ["int_inplace_div_zero"] = () => T(4, 6).floor_divide_(T(2, 0)),
        ["pow_int_huge"] = () => T(2, 3, -1).pow(Big),
        ["pow_int_negative_exp"] = () => T(2).pow(-1),
        ["pow_int_max"] = () => T(1, -1, 0).pow(LMax),
        ["pow_int_tensor_negative"] = () => T(2).pow(T(-1)),
        ["shift_left_64"] = () => T(1, -1) << 64,
        ["shift_left_huge"] = () => T(1) << Big,
        ["shift_left_negative"] = () => T(8) << -1,
        ["shift_right_64"] = () => T(8, -8) >> 64,
        ["shift_right_negative"] = () => T(8) >> -1,
        ["shift_int32_right_40"] = () => T([-8, 8], torch.int32) >> 40,
        ["shift_int8_left_9"] = () => T([1], torch.int8) << 9,
        ["clamp_int_min_gt_max"] = () => T(1, 5, 9).clamp(LMax, LMin),
        ["clamp_int_extremes"] = () => T(LMin, 0, LMax).clamp(LMin + 1, LMax - 1),
        ["abs_int_min"] = () => T(LMin).abs(),
        ["neg_int_min"] = () => T(LMin).neg(),
        ["conv1d_stride_zero"] = () => F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 2), stride: 0),
        ["conv1d_stride_negative"] = () => F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 2), stride: -1),
        ["conv1d_stride_huge"] = () => F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 2), stride: Big),
        ["conv1d_padding_negative"] = () => F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 2), padding: -1),
        ["conv1d_padding_huge"] = () => F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 2), padding: Big),
        ["conv1d_dilation_huge"] = () => F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 2), dilation: Big),
        ["conv1d_kernel_too_big"] = () => F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 6)),
        ["conv1d_groups_zero"] = () => F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 2), groups: 0),
        ["conv1d_groups_negative"] = () => F.conv1d(torch.ones(1, 2, 5), torch.ones(2, 1, 2), groups: -2),
        ["conv2d_stride_zero"] = () => F.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2), stride: 0),
        ["conv2d_padding_huge"] = () => F.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2), padding: new long[] { Big, Big }),
        ["conv2d_empty_kernel"] = () => F.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 0, 2)),
        ["conv_transpose2d_stride_zero"] = () => F.conv_transpose2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2), stride: 0),
        ["conv_transpose2d_padding_negative"] = () => F.conv_transpose2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2), padding: -1),
        ["conv_transpose2d_output_padding_big"] = () => F.conv_transpose2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2), stride: 2, output_padding: 2),
        ["max_pool1d_kernel_zero"] = () => F.max_pool1d(torch.ones(1, 1, 5), 0),
        ["max_pool1d_kernel_negative"] = () => F.max_pool1d(torch.ones(1, 1, 5), -1),
        ["max_pool1d_stride_zero"] = () => F.max_pool1d(torch.ones(1, 1, 5), 2, 0),
        ["max_pool1d_stride_huge"] = () => F.max_pool1d(torch.ones(1, 1, 5), 2, 1L << 30),
        ["max_pool1d_padding_big"] = () => F.max_pool1d(torch.ones(1, 1, 5), 2, 1, 2),
        ["max_pool1d_padding_negative"] = () => F.max_pool1d(torch.ones(1, 1, 5), 2, 1, -1),
        ["max_pool1d_dilation_zero"] = () => F.max_pool1d(torch.ones(1, 1, 5), 2, 1, 0, 0),
        ["max_pool1d_dilation_huge"] = () => F.max_pool1d(torch.ones(1, 1, 5), 2, 1, 0, 1L << 30),
        ["max_pool2d_kernel_zero"] = () => F.max_pool2d(torch.ones(1, 1, 4, 4), 0),
        ["max_pool2d_stride_negative"] = () => F.max_pool2d(torch.ones(1, 1, 4, 4), 2, -1),
        ["max_pool2d_kernel_huge"] = () => F.max_pool2d(torch.ones(1, 1, 4, 4), new long[] { 1L << 30, 1L << 30 }),
        ["max_pool2d_stride_huge_ceil"] = () => F.max_pool2d(torch.ones(1, 1, 4, 4), 2, 1L << 30, ceil_mode: true),
        ["avg_pool2d_kernel_zero"] = () => F.avg_pool2d(torch.ones(1, 1, 4, 4), 0),
        ["avg_pool2d_stride_zero"] = () => F.avg_pool2d(torch.ones(1, 1, 4, 4), 2, 0),
        ["avg_pool2d_kernel_huge"] = () => F.avg_pool2d(torch.ones(1, 1, 4, 4), 1L << 30),
        ["avg_pool2d_padding_big"] = () => F.avg_pool2d(torch.ones(1, 1, 4, 4), 2, 1, 2),
        ["avg_pool2d_divisor_zero"] = () => F.avg_pool2d(torch.ones(1, 1, 4, 4), 2, divisor_override: 0),
        ["adaptive_avg_pool2d_negative"] = () => F.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4), -1),
        ["adaptive_avg_pool2d_zero"] = () => Shp(F.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4), 0)),
        ["matmul_mismatch"] = () => torch.matmul(torch.ones(2, 3), torch.ones(4, 2)),
        ["matmul_1d_mismatch"] = () => torch.matmul(torch.ones(3), torch.ones(4)),
        ["matmul_batch_mismatch"] = () => torch.matmul(torch.ones(2, 2, 3), torch.ones(3, 3, 2)),
        ["matmul_0d"] = () => torch.matmul(torch.tensor(1f), torch.ones(2)),
        ["matmul_expanded_huge"] = () => torch.matmul(torch.ones(1, 1).expand(Big, 1), torch.ones(1, 1).expand(1, Big)),
        ["einsum_unbalanced_arrow"] = () => torch.einsum("ij->->j", torch.ones(2, 2)),
        ["einsum_repeated_output"] = () => torch.einsum("ij->ii", torch.ones(2, 2)),
        ["einsum_output_unknown"] = () => torch.einsum("ij->k", torch.ones(2, 2)),
        ["einsum_too_many_labels"] = () => torch.einsum("ijk", torch.ones(2, 2)),
        ["einsum_too_few_labels"] = () => torch.einsum("i", torch.ones(2, 2)),
        ["einsum_two_ellipses"] = () => torch.einsum("......", torch.ones(2, 2)),
        ["einsum_ellipsis_twice"] = () => torch.einsum("...i...", torch.ones(2, 2)),
        ["einsum_bad_dot"] = () => torch.einsum("i..j", torch.ones(2, 2)),
        ["einsum_bad_char"] = () => torch.einsum("i$", torch.ones(2, 2)),
        ["einsum_operand_count"] = () => torch.einsum("i,j", torch.ones(2)),
        ["einsum_size_mismatch"] = () => torch.einsum("i,i", torch.ones(2), torch.ones(3)),
        ["einsum_repeated_diag"] = () => torch.einsum("ii", torch.ones(2, 3)),
        ["einsum_ellipsis_output_missing"] = () => torch.einsum("...i->i...", torch.ones(2, 3)),
        ["einsum_output_ellipsis_only"] = () => torch.einsum("ij->...", torch.ones(2, 3)),
        ["einsum_empty_equation"] = () => torch.einsum("", torch.ones(2)),
        ["index_put_huge"] = () => torch.zeros(3).index_put_([L(0, Big)], torch.tensor(new float[] { 1, 2 })),
        ["index_put_min"] = () => torch.zeros(3).index_put_([L(LMin, 0)], torch.tensor(new float[] { 1, 2 })),
        ["index_put_accumulate_huge"] = () => torch.zeros(3).index_put_([L(0, Big)], torch.tensor(new float[] { 1, 2 }), true),
        ["setitem_tensor_huge"] = () => Set(torch.zeros(3), L(0, Big), 1),
        ["setitem_int_min"] = () => Set(torch.zeros(3), LMin, 1),
        ["setitem_slice_step_huge"] = () => Set(torch.zeros(5), TensorIndex.Slice(null, null, Big), 1),
        ["setitem_slice_step_max"] = () => Set(torch.zeros(5), TensorIndex.Slice(1, null, LMax), 1),
        ["put_huge"] = () => torch.zeros(3).put_(L(0, Big), torch.ones(2)),
        ["put_neg_past"] = () => torch.zeros(3).put_(L(0, -4), torch.ones(2)),
        ["put_accumulate_min"] = () => torch.zeros(3).put_(L(0, LMin), torch.ones(2), true),
        ["index_add_huge"] = () => torch.zeros(3, 2).index_add_(0, L(0, Big), torch.ones(2, 2)),
        ["index_add_min"] = () => torch.zeros(3, 2).index_add_(0, L(LMin, 0), torch.ones(2, 2)),
        ["index_copy_huge"] = () => torch.zeros(3, 2).index_copy_(0, L(0, Big), torch.ones(2, 2)),
        ["index_fill_huge"] = () => torch.zeros(3, 2).index_fill_(0, L(0, Big), 1.0),
        ["index_fill_min"] = () => torch.zeros(3, 2).index_fill_(1, L(LMin), 1.0),
        ["scatter_inplace_huge"] = () => torch.zeros(3, 4).scatter_(1, L(0, Big).reshape(1, 2), 1.0),
        ["scatter_inplace_src_min"] = () => torch.zeros(3, 4).scatter_(0, L(0, LMin).reshape(1, 2), torch.ones(1, 2)),
        ["scatter_add_inplace_neg"] = () => torch.zeros(3, 4).scatter_add_(1, L(1, -1).reshape(1, 2), torch.ones(1, 2)),
        ["masked_scatter_short_source"] = () => torch.zeros(4).masked_scatter_(torch.ones([4], dtype: torch.@bool), torch.ones(2)),
        ["select_0d"] = () => torch.tensor(1f).select(0, 0),
        ["too_many_indices"] = () => X()[0, 0, 0],
        ["bool_mask_shape"] = () => X()[torch.ones([2], dtype: torch.@bool)],
        ["gather_index_ndim"] = () => X().gather(1, torch.zeros([1, 1, 1], dtype: torch.int64)),
        ["gather_index_larger"] = () => X().gather(1, torch.zeros([4, 1], dtype: torch.int64)),
        ["repeat_negative"] = () => X().repeat(-1, 1),
        ["tile_negative"] = () => X().tile(2, -1),
        ["swapaxes_huge"] = () => X().swapaxes(Big, 0),
        ["squeeze_repeated"] = () => torch.zeros(1, 3).squeeze(0, 0),
        ["unique_dim_huge"] = () => X().unique(true, Big),
        ["topk_empty"] = () => torch.zeros(0).topk(1),
        ["kthvalue_empty"] = () => torch.zeros(0).kthvalue(1),
        ["cumsum_0d_dim_huge"] = () => torch.tensor(1f).cumsum(Big),
        ["sum_0d_dim_one"] = () => torch.tensor(1f).sum(1),
        ["diagonal_dims_huge"] = () => X().diagonal(0, 0, Big),
        ["tensor_int32_overflow"] = () => torch.tensor(new long[] { 1L << 40 }, dtype: torch.int32),
        ["tensor_int8_overflow"] = () => torch.tensor(new long[] { 300 }, dtype: torch.int8),
        ["arange_tiny_step"] = () => torch.arange(0, 1, 1e-300),
        ["arange_long_float_step"] = () => torch.arange(0, LMax, 0.5),
        ["shift_tensor_64"] = () => T(1, 8) << T(64, -1),
        ["shift_tensor_right_64"] = () => T(-1, 8) >> T(64, 63),
        ["conv2d_stride_tuple_3"] = () => F.conv2d(torch.ones(1, 1, 4, 4), torch.ones(1, 1, 2, 2), stride: new long[] { 1, 1, 1 }),
        ["max_pool2d_kernel_tuple_3"] = () => F.max_pool2d(torch.ones(1, 1, 4, 4), new long[] { 2, 2, 2 }),
        ["max_pool2d_dilation_zero"] = () => F.max_pool2d(torch.ones(1, 1, 4, 4), 2, 1, 0, 0),
        ["max_pool2d_ceil_pad"] = () => F.max_pool2d(torch.arange(16.0f).reshape(1, 1, 4, 4), 2, 2, 1, ceil_mode: true),
        ["avg_pool2d_padding_negative"] = () => F.avg_pool2d(torch.ones(1, 1, 4, 4), 2, 1, -1),
        ["adaptive_avg_pool2d_huge"] = () => F.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4), new long[] { Big, Big }),
        ["einsum_ellipsis_broadcast_mismatch"] = () => torch.einsum("...i,...i->...", torch.ones(2, 3), torch.ones(4, 3)),
        ["einsum_arrow_only"] = () => torch.einsum("->", torch.tensor(2f)),
        ["einsum_space_in_equation"] = () => torch.einsum("i j->j i", torch.ones(2, 3)),
        ["tensor_int8_fraction_past"] = () => torch.tensor(new double[] { 127.5 }, dtype: torch.int8),
        ["tensor_int8_fits"] = () => torch.tensor(new long[] { -128, 127 }, dtype: torch.int8),
        ["tensor_uint8_negative_wraps"] = () => torch.tensor(new long[] { -1, -255 }, dtype: torch.uint8),
        ["tensor_uint8_past"] = () => torch.tensor(new long[] { -256 }, dtype: torch.uint8),
        ["kthvalue_empty_dim1"] = () => torch.zeros(2, 0).kthvalue(1, dim: 1),
        ["max_pool1d_stride_2^62"] = () => F.max_pool1d(torch.arange(5.0f).reshape(1, 1, 5), 2, Big),
        ["matmul_vec_mat_mismatch"] = () => torch.matmul(torch.ones(3), torch.ones(4, 2)),
    };

    public static TheoryData<string> CaseNames() => Reference.CaseNames("hostile_api");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorch(string name)
    {
        var rec = Reference.Case("hostile_api", name);
        Assert.True(Cases.TryGetValue(name, out var run), $"no C# form for the recorded case {name}");
        Reference.Check(rec, () => run!(), name);
    }

    [Fact]
    public void EveryCaseIsRecorded()
    {
        Assert.Equal(Cases.Keys.Order(), Reference.CasesByName("hostile_api").Keys.Order());
    }

    [Fact]
    public void RefusedInPlaceDivisionLeavesTheTensorUnchanged()
    {
        var t = torch.tensor(new long[] { 4, 6, 8 });
        Assert.Throws<DivideByZeroException>(() => t.floor_divide_(torch.tensor(new long[] { 2, 0, 2 })));
        Assert.Throws<DivideByZeroException>(() => t.remainder_(torch.tensor(new long[] { 3, 3, 0 })));
        Assert.Equal([4L, 6, 8], t.ToArray<long>());
        Assert.Equal(0, t._version_count);
    }

    [Fact]
    public void SliceWithAStepNearLongMaxKeepsItsLayoutInside()
    {
        // before: (stop - start + step - 1) / step wrapped to -1 and the stride 4 * step to -4
        var t = X()[TensorIndex.Slice(1, null, LMax)];
        Assert.Equal([1L, 4], t.shape.ToArray());
        Assert.Equal([4f, 5, 6, 7], t.reshape(-1).ToArray<float>());
        var u = X()[TensorIndex.Slice(0, null, LMax - 1), TensorIndex.Slice(1, null, Big)];
        Assert.Equal([1L, 1], u.shape.ToArray());
        Assert.Equal(1f, u.item<float>());
    }

    [Fact]
    public void ConvolutionWithAStridePastTheInputIsOneWindow()
    {
        // before: the geometry's int conversion threw OverflowException; a stride past the padded input leaves one window
        var x = torch.arange(10.0f).reshape(1, 1, 2, 5);
        var w = torch.ones(1, 1, 2, 2);
        var y = F.conv2d(x, w, stride: new long[] { LMax, Big });
        Assert.Equal(F.conv2d(x, w, stride: new long[] { 2, 5 }).ToArray<float>(), y.ToArray<float>());
        Assert.Equal([1L, 1, 1, 1], y.shape.ToArray());
        // a kernel of one tap ignores a huge dilation
        Assert.Equal(x.ToArray<float>(), F.conv2d(x, torch.ones(1, 1, 1, 1), dilation: Big).ToArray<float>());
    }

    [Fact]
    public void PoolingNeverTruncatesItsGeometry()
    {
        var x = torch.arange(16.0f).reshape(1, 1, 4, 4);
        // before: (int)(1L << 40) is 0, a zero stride and dilation reached the window loops
        var y = F.max_pool2d(x, 1, 1L << 40, 0, 1L << 40);
        Assert.Equal([1L, 1, 1, 1], y.shape.ToArray());
        Assert.Equal(0f, y.item<float>());
        // before: dilation * (kernel - 1) wrapped to -2 and a 7-wide output was computed from a 5-wide input
        var ex = Assert.ThrowsAny<ArgumentException>(() => F.max_pool1d(torch.ones(1, 1, 5), 3, 1, 0, LMax));
        Assert.Contains("max_pool1d() Invalid computed output size", ex.Message);
        // a stride past the input leaves one window (before: truncated to 0, "stride should not be zero")
        var a = F.avg_pool2d(x, 2, Big);
        Assert.Equal([1L, 1, 1, 1], a.shape.ToArray());
        Assert.Equal(2.5f, a.item<float>());
        // a kernel past the input: PyTorch's output-size error, from the exact size
        ex = Assert.ThrowsAny<ArgumentException>(() => F.max_pool2d(x, Big));
        Assert.IsNotType<ArgumentOutOfRangeException>(ex);
        // adaptive pooling: (int)2^62 was 0, giving a silent [1, 1, 0, 0]
        Assert.ThrowsAny<ArgumentException>(() => F.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4), new long[] { Big, 0 }));
        Assert.ThrowsAny<ArgumentException>(() => F.adaptive_max_pool2d(torch.ones(1, 1, 4, 4), new long[] { Big, 1 }));
    }

    [Fact]
    public void ConvolutionPastTheIntGeometryIsRefused()
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => F.conv1d(torch.ones(1, 1, 5), torch.ones(1, 1, 2), padding: 1L << 40));
        Assert.IsNotType<ArgumentOutOfRangeException>(ex);
    }

    [Fact]
    public void RefusedInPlaceWritesLeaveSelfUnchanged()
    {
        // each write's first index is valid and a later one is not: a write that checks as it goes would change row 0
        var writes = new (string name, Action<Tensor> write)[]
        {
            ("index_put_", t => t.index_put_([L(0, Big)], torch.ones(2, 4))),
            ("index_put_ accumulate", t => t.index_put_([L(0, LMin)], torch.ones(2, 4), true)),
            ("index_put_ two dims", t => t.index_put_([L(0, 1), L(0, Big)], torch.ones(2))),
            ("setitem", t => t[L(0, 1, Big)] = torch.tensor(1f)),
            ("put_", t => t.put_(L(0, Big), torch.ones(2))),
            ("put_ accumulate", t => t.put_(L(0, LMin), torch.ones(2), true)),
            ("index_add_", t => t.index_add_(0, L(0, Big), torch.ones(2, 4))),
            ("index_copy_", t => t.index_copy_(0, L(0, Big), torch.ones(2, 4))),
            ("index_fill_", t => t.index_fill_(1, L(0, LMin), 1.0)),
            ("scatter_", t => t.scatter_(1, L(0, Big).reshape(1, 2), 1.0)),
            ("scatter_ src", t => t.scatter_(0, L(0, LMin).reshape(1, 2), torch.ones(1, 2))),
            ("scatter_ reduce", t => t.scatter_(1, L(0, -1).reshape(1, 2), torch.ones(1, 2), "add")),
            ("scatter_add_", t => t.scatter_add_(1, L(1, -1).reshape(1, 2), torch.ones(1, 2))),
            ("masked_scatter_", t => t.masked_scatter_(torch.ones([3, 4], dtype: torch.@bool), torch.ones(5))),
        };
        foreach (var (name, write) in writes)
        {
            var t = X();
            var before = t.clone();
            var ex = Record.Exception(() => write(t));
            Assert.True(ex is not null, $"{name}: no error");
            Assert.True(ex is ArgumentException or InvalidOperationException or IndexOutOfRangeException && ex is not ArgumentOutOfRangeException,
                $"{name}: {ex!.GetType().Name}: {ex.Message}");
            Assert.True(before.equal(t), $"{name}: self was changed by the refused write");
        }
    }
}
