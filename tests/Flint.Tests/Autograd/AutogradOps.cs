using Flint;

namespace Flint.Tests.Autograd;

/// <summary>
/// The op table shared by the autograd reference replay and the gradcheck suite, keyed by the case ids of
/// tools/refs/gen_autograd.py. Each entry maps the recorded inputs to the op's output (a tensor or a list).
/// </summary>
public static class AutogradOps
{
    private static Func<Tensor[], object> F(Func<Tensor, Tensor> f) => x => f(x[0]);
    private static Func<Tensor[], object> F(Func<Tensor, Tensor, Tensor> f) => x => f(x[0], x[1]);
    private static Func<Tensor[], object> F(Func<Tensor, Tensor, Tensor, Tensor> f) => x => f(x[0], x[1], x[2]);
    private static Func<Tensor[], object> L(Func<Tensor, Tensor[]> f) => x => f(x[0]);

    public static readonly Dictionary<string, Func<Tensor[], object>> Table = Build();

    private static Dictionary<string, Func<Tensor[], object>> Build()
    {
        var t = new Dictionary<string, Func<Tensor[], object>>
        {
            // elementwise unary
            ["exp"] = F(x => x.exp()), ["exp2"] = F(x => x.exp2()), ["expm1"] = F(x => x.expm1()),
            ["sin"] = F(x => x.sin()), ["cos"] = F(x => x.cos()), ["tan"] = F(x => x.tan()), ["atan"] = F(x => x.atan()),
            ["sinh"] = F(x => x.sinh()), ["cosh"] = F(x => x.cosh()), ["tanh"] = F(x => x.tanh()), ["asinh"] = F(x => x.asinh()),
            ["erf"] = F(x => x.erf()), ["erfc"] = F(x => x.erfc()), ["sigmoid"] = F(x => x.sigmoid()), ["neg"] = F(x => x.neg()),
            ["abs"] = F(x => x.abs()), ["square"] = F(x => x.square()), ["relu"] = F(x => x.relu()), ["frac"] = F(x => x.frac()),
            ["sign"] = F(x => x.sign()), ["floor"] = F(x => x.floor()), ["ceil"] = F(x => x.ceil()), ["trunc"] = F(x => x.trunc()),
            ["round"] = F(x => x.round()),
            ["log"] = F(x => x.log()), ["log2"] = F(x => x.log2()), ["log10"] = F(x => x.log10()), ["log1p"] = F(x => x.log1p()),
            ["sqrt"] = F(x => x.sqrt()), ["rsqrt"] = F(x => x.rsqrt()), ["reciprocal"] = F(x => x.reciprocal()),
            ["asin"] = F(x => x.asin()), ["acos"] = F(x => x.acos()), ["atanh"] = F(x => x.atanh()), ["erfinv"] = F(x => x.erfinv()),
            ["acosh"] = F(x => (x + 1.5).acosh()),
            ["exp_noncontig"] = F(x => x.exp()), ["sin_strided"] = F(x => x.sin()),
            ["positive"] = F(x => torch.positive(x) * 1),
            ["silu"] = F(x => torch.nn.functional.silu(x)), ["mish"] = F(x => torch.nn.functional.mish(x)),
            ["gelu"] = F(x => torch.nn.functional.gelu(x)), ["gelu_tanh"] = F(x => torch.nn.functional.gelu(x, approximate: "tanh")),
            ["softplus"] = F(x => torch.nn.functional.softplus(x, beta: 2, threshold: 3)),
            ["elu"] = F(x => torch.nn.functional.elu(x, alpha: 0.7)), ["selu"] = F(x => torch.selu(x)),
            ["leaky_relu"] = F(x => torch.nn.functional.leaky_relu(x, 0.2)), ["hardtanh"] = F(x => torch.hardtanh(x, -0.5, 0.5)),
            ["relu6"] = F(x => torch.relu6(x * 4)),
            ["logit"] = F(x => torch.logit(x)), ["logit_eps"] = F(x => torch.logit(x, eps: 0.2)),
            ["nan_to_num"] = F(x => torch.nan_to_num(x, nan: 0.0, posinf: 1.0)),
            ["to_float32_back"] = F(x => x.to(torch.float32).to(torch.float64)),
            ["clone"] = F(x => x.clone()), ["contiguous"] = F(x => x.contiguous()),
            ["pow_scalar"] = F(x => x.pow(3)), ["pow_frac"] = F(x => x.pow(1.5)),
            ["clamp_scalar"] = F(x => x.clamp(-0.5, 0.5)), ["clamp_min_scalar"] = F(x => x.clamp(min: 0.1)),
            ["clamp_max_scalar"] = F(x => x.clamp(max: 0.1)), ["clamp_min_fn"] = F(x => torch.clamp_min(x, 0.2)),
            ["clamp_tensor"] = F((x, lo, hi) => x.clamp(lo, hi)),

            // elementwise binary and ternary
            ["add"] = F((a, b) => a + b), ["add_broadcast"] = F((a, b) => a + b), ["add_alpha"] = F((a, b) => torch.add(a, b, alpha: 2.5)),
            ["sub"] = F((a, b) => a - b), ["sub_alpha"] = F((a, b) => torch.sub(a, b, alpha: 0.5)),
            ["mul"] = F((a, b) => a * b), ["mul_broadcast"] = F((a, b) => a * b), ["mul_scalar"] = F(a => a * 3.5),
            ["mul_noncontig"] = F((a, b) => a * b), ["mul_const"] = F((a, b) => a * b),
            ["div"] = F((a, b) => a / b), ["div_broadcast"] = F((a, b) => a / b), ["rdiv_scalar"] = F(a => 2.0 / a),
            ["div_floor"] = F((a, b) => torch.div(a, b, rounding_mode: "floor")),
            ["pow_tensor"] = F((a, b) => a.pow(b)), ["pow_scalar_base"] = F(b => torch.pow(2.0, b)),
            ["float_power"] = F((a, b) => torch.float_power(a, b)),
            ["maximum"] = F((a, b) => torch.maximum(a, b)), ["minimum"] = F((a, b) => torch.minimum(a, b)),
            ["fmax"] = F((a, b) => torch.fmax(a, b)), ["fmin"] = F((a, b) => torch.fmin(a, b)),
            ["atan2"] = F((a, b) => torch.atan2(a, b)), ["hypot"] = F((a, b) => torch.hypot(a, b)),
            ["remainder"] = F((a, b) => torch.remainder(a, b)), ["fmod"] = F((a, b) => torch.fmod(a, b)),
            ["copysign"] = F((a, b) => torch.copysign(a, b)),
            ["lerp_scalar"] = F((a, b) => torch.lerp(a, b, 0.3)), ["lerp_tensor"] = F((a, b, w) => torch.lerp(a, b, w)),
            ["addcmul"] = F((a, b, c) => torch.addcmul(a, b, c, value: 0.5)), ["addcdiv"] = F((a, b, c) => torch.addcdiv(a, b, c, value: 2)),
            ["where"] = F((c, a, b) => torch.where(c, a, b)), ["where_scalar"] = F((c, a) => torch.where(c, a, 0.0)),
            ["masked_fill"] = F((x, m) => x.masked_fill(m, 2.0)),

            // reductions
            ["sum"] = F(x => x.sum()), ["sum_dim"] = F(x => x.sum(1)), ["sum_dims_keepdim"] = F(x => x.sum([0, 2], keepdim: true)),
            ["sum_noncontig"] = F(x => x.sum(0)), ["nansum"] = F(x => x.nansum(1)),
            ["mean"] = F(x => x.mean()), ["mean_dim_keepdim"] = F(x => x.mean(-1, keepdim: true)), ["nanmean"] = F(x => x.nanmean(0)),
            ["prod"] = F(x => x.prod()), ["prod_dim"] = F(x => x.prod(1)), ["prod_dim_keepdim"] = F(x => x.prod(0, keepdim: true)),
            ["max_all"] = F(x => x.max()), ["min_all"] = F(x => x.min()), ["max_dim"] = F(x => x.max(1).values),
            ["min_dim_keepdim"] = F(x => x.min(0, keepdim: true).values), ["amax"] = F(x => x.amax(1)),
            ["amin_keepdim"] = F(x => x.amin([0, 1], keepdim: true)),
            ["var"] = F(x => x.var()), ["var_dim"] = F(x => x.var(1, keepdim: true)), ["var_unbiased_false"] = F(x => x.var(0, unbiased: false)),
            ["std"] = F(x => x.std()), ["std_dim"] = F(x => x.std(1)),
            ["norm"] = F(x => x.norm()), ["norm_dim"] = F(x => x.norm(2, 1)), ["norm_p1"] = F(x => x.norm(1, 0)),
            ["norm_p3"] = F(x => x.norm(3)), ["norm_inf"] = F(x => x.norm(double.PositiveInfinity, 1)),
            ["logsumexp"] = F(x => x.logsumexp(1)), ["logsumexp_keepdim"] = F(x => x.logsumexp(0, keepdim: true)),
            ["softmax"] = F(x => x.softmax(1)), ["softmax_dim0"] = F(x => x.softmax(0)), ["log_softmax"] = F(x => x.log_softmax(-1)),
            ["cumsum"] = F(x => x.cumsum(1)), ["cumsum_dim0"] = F(x => x.cumsum(0)), ["cumprod"] = F(x => x.cumprod(1)),
            ["sort"] = F(x => x.sort(1).values), ["sort_desc"] = F(x => x.sort(0, descending: true).values),
            ["topk"] = F(x => x.topk(2, 1).values), ["topk_smallest"] = F(x => x.topk(2, 0, largest: false).values),
            ["median_all"] = F(x => x.median()), ["median_dim"] = F(x => x.median(1).values),
            ["kthvalue"] = F(x => x.kthvalue(2, 1).values), ["mode"] = F(x => x.mode(1).values), ["msort"] = F(x => torch.msort(x)),

            // views and shape ops
            ["view"] = F(x => x.view(4, 3)), ["reshape"] = F(x => x.reshape(-1)), ["reshape_copy"] = F(x => x.reshape(12)),
            ["flatten"] = F(x => x.flatten()), ["unflatten"] = F(x => x.unflatten(1, 2, 2)),
            ["transpose"] = F(x => x.transpose(0, 1)), ["t"] = F(x => x.t()), ["permute"] = F(x => x.permute(2, 0, 1)),
            ["movedim"] = F(x => x.movedim(0, 2)), ["expand"] = F(x => x.expand(3, 4)), ["expand_new_dim"] = F(x => x.expand(2, 3, 4)),
            ["squeeze"] = F(x => x.squeeze()), ["squeeze_dim"] = F(x => x.squeeze(1)), ["unsqueeze"] = F(x => x.unsqueeze(1)),
            ["narrow"] = F(x => x.narrow(1, 1, 2)), ["select"] = F(x => x.select(0, 1)),
            ["slice_index"] = F(x => x[1..3]), ["slice_step"] = F(x => x[TensorIndex.Colon, TensorIndex.Slice(null, null, 2)]),
            ["int_index"] = F(x => x[1]),
            ["as_strided"] = F(x => x.as_strided([2, 2], [1, 2], 1)),
            ["diagonal"] = F(x => x.diagonal()), ["diagonal_offset"] = F(x => x.diagonal(1, 1, 2)),
            ["unbind"] = L(x => x.unbind(0)), ["unbind_dim1"] = L(x => x.unbind(1)),
            ["split"] = L(x => x.split(2, 1)), ["split_sizes"] = L(x => x.split([1, 3], 1)), ["chunk"] = L(x => x.chunk(2, 0)),

            // rearranging and joining
            ["flip"] = F(x => x.flip(0)), ["flip_dims"] = F(x => x.flip(0, 1)), ["fliplr"] = F(x => x.fliplr()), ["flipud"] = F(x => x.flipud()),
            ["roll"] = F(x => x.roll(1, 1)), ["roll_flat"] = F(x => x.roll(5)), ["roll_dims"] = F(x => x.roll([1, -1], [0, 1])),
            ["repeat"] = F(x => x.repeat(2, 3)), ["repeat_new_dims"] = F(x => x.repeat(2, 1, 2)), ["tile"] = F(x => x.tile(2)),
            ["tril"] = F(x => x.tril()), ["triu"] = F(x => x.triu(1)),
            ["diag_vec"] = F(x => torch.diag(x)), ["diag_mat"] = F(x => torch.diag(x, -1)),
            ["cat"] = F((a, b) => torch.cat([a, b], 1)), ["cat_const"] = F((a, b) => torch.cat([a, b])),
            ["stack"] = F((a, b) => torch.stack([a, b], 1)), ["hstack"] = F((a, b) => torch.hstack([a, b])),
            ["vstack"] = F((a, b) => torch.vstack([a, b])), ["dstack"] = F((a, b) => torch.dstack([a, b])),

            // indexing
            ["index_select"] = F((x, i) => x.index_select(1, i)), ["gather"] = F((x, i) => x.gather(1, i)),
            ["take_along_dim"] = F((x, i) => torch.take_along_dim(x, i, 1)),
            ["scatter"] = F((x, i, s) => x.scatter(1, i, s)), ["scatter_value"] = F((x, i) => x.scatter(1, i, 1.5)),
            ["scatter_add"] = F((x, i, s) => x.scatter_add(0, i, s)),
            ["scatter_reduce_sum"] = F((x, i, s) => x.scatter_reduce(1, i, s, "sum")),
            ["scatter_reduce_sum_noself"] = F((x, i, s) => x.scatter_reduce(1, i, s, "sum", include_self: false)),
            ["scatter_reduce_mean"] = F((x, i, s) => x.scatter_reduce(1, i, s, "mean")),
            ["scatter_reduce_mean_noself"] = F((x, i, s) => x.scatter_reduce(1, i, s, "mean", include_self: false)),
            ["scatter_reduce_amax"] = F((x, i, s) => x.scatter_reduce(1, i, s, "amax")),
            ["scatter_reduce_amin_noself"] = F((x, i, s) => x.scatter_reduce(1, i, s, "amin", include_self: false)),
            ["index_tensor"] = F((x, i) => x[i]), ["index_two"] = F((x, i, j) => x[i, j]), ["index_bool"] = F((x, m) => x[m]),
            ["index_put"] = F((x, i, v) => x.index_put([i], v)), ["index_put_acc"] = F((x, i, v) => x.index_put([i], v, accumulate: true)),
            ["masked_select"] = F((x, m) => x.masked_select(m)), ["masked_scatter"] = F((x, m, s) => x.masked_scatter(m, s)),
            ["take"] = F((x, i) => x.take(i)), ["put"] = F((x, i, s) => x.put(i, s)), ["put_acc"] = F((x, i, s) => x.put(i, s, accumulate: true)),
            ["index_add"] = F((x, i, s) => x.index_add(0, i, s, alpha: 2)), ["index_copy"] = F((x, i, s) => x.index_copy(1, i, s)),
            ["index_fill"] = F((x, i) => x.index_fill(1, i, -1.0)),

            // linear algebra
            ["mm"] = F((a, b) => a.mm(b)), ["mm_noncontig"] = F((a, b) => a.mm(b)), ["matmul_2d"] = F((a, b) => a.matmul(b)),
            ["matmul_1d"] = F((a, b) => a.matmul(b)), ["matmul_mv"] = F((a, b) => a.matmul(b)), ["matmul_vm"] = F((a, b) => a.matmul(b)),
            ["matmul_batched"] = F((a, b) => a.matmul(b)), ["matmul_broadcast"] = F((a, b) => a.matmul(b)),
            ["mv"] = F((a, b) => a.mv(b)), ["dot"] = F((a, b) => a.dot(b)), ["vdot"] = F((a, b) => torch.vdot(a, b)), ["bmm"] = F((a, b) => a.bmm(b)),
            ["addmm"] = F((c, a, b) => torch.addmm(c, a, b, beta: 0.5, alpha: 2)), ["addmm_broadcast"] = F((c, a, b) => torch.addmm(c, a, b)),
            ["addmv"] = F((c, a, b) => torch.addmv(c, a, b)), ["baddbmm"] = F((c, a, b) => torch.baddbmm(c, a, b)),
            ["outer"] = F((a, b) => torch.outer(a, b)), ["inner"] = F((a, b) => torch.inner(a, b)),
            ["einsum_mm"] = F((a, b) => torch.einsum("ij,jk->ik", a, b)), ["einsum_trace"] = F(a => torch.einsum("ii->", a)),
            ["einsum_outer"] = F((a, b) => torch.einsum("i,j->ij", a, b)), ["einsum_batch"] = F((a, b) => torch.einsum("bij,bjk->bik", a, b)),
            ["einsum_sum"] = F(a => torch.einsum("ij->j", a)),

            // in-place forms and copies
            ["copy_"] = F(x => torch.zeros(3, 4, dtype: torch.float64).copy_(x)),
            ["copy_broadcast"] = F((a, b) => (a * 1).copy_(b)),
            ["fill_"] = F(x => (x * 1).fill_(2.0)),
            ["masked_fill_tensor"] = F((x, m, v) => x.masked_fill(m, v)),
            ["add_inplace"] = F((a, b) => (a * 1).add_(b)),
            ["mul_inplace"] = F((a, b) => (a * 2).mul_(b)),
            ["clamp_inplace"] = F(x => (x * 1).clamp_(-0.5, 0.5)),
            ["exp_inplace"] = F(x => (x * 1).exp_()),
            ["index_add_inplace"] = F((x, i, s) => (x * 1).index_add_(0, i, s)),
            ["index_put_inplace"] = F((x, i, v) => (x * 1).index_put_([i], v)),
            ["masked_fill_inplace"] = F((x, m) => (x * 1).masked_fill_(m, 0.5)),
            ["lerp_inplace"] = F((a, b) => (a * 1).lerp_(b, 0.25)),
            ["std_mean"] = x => { var (s, m) = torch.std_mean(x[0], 1); return new[] { s, m }; },
            ["var_mean"] = x => { var (v, m) = torch.var_mean(x[0], 0, keepdim: true); return new[] { v, m }; },

            // non-differentiable outputs
            ["argmax"] = F(x => x.argmax(1)), ["argsort"] = F(x => x.argsort(1)), ["gt"] = F((x, y) => x > y),
            ["eq"] = F(x => x == 0), ["isnan"] = F(x => x.isnan()), ["sort_indices"] = F(x => x.sort(1).indices),
            ["max_indices"] = F(x => x.max(1).indices), ["nonzero"] = F(x => x.nonzero()), ["to_int"] = F(x => x.to(torch.int64)),
            ["count_nonzero"] = F(x => torch.count_nonzero(x)),
        };
        return t;
    }

    /// <summary>The op's outputs as a list (a single tensor becomes a list of one).</summary>
    public static Tensor[] Outputs(object r) => r switch
    {
        Tensor t => [t],
        Tensor[] ts => ts,
        IReadOnlyList<Tensor> l => l.ToArray(),
        _ => throw new InvalidOperationException("op returned " + r.GetType()),
    };
}
