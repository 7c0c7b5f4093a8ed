using static Flint.torch;

namespace Flint.Ops.Attention
{
    /// <summary>
    /// scaled_dot_product_attention: PyTorch's checks and messages, then the route: the fused kernel
    /// (<see cref="FlashAttention"/>) where it applies, otherwise the composite of differentiable ops PyTorch's math
    /// backend runs.
    /// </summary>
    internal static class Attention
    {
        internal static Tensor ScaledDotProduct(Tensor query, Tensor key, Tensor value, Tensor? attnMask,
            double dropoutP, bool isCausal, double? scale, bool enableGqa)
        {
            Validate(query, key, value, attnMask);
            if (isCausal && attnMask is not null)
                throw new ArgumentException("_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
            if (dropoutP > 1) throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {dropoutP}");
            return FlashAttention.Applies(query, key, value, attnMask, enableGqa)
                ? FlashAttention.Run(query, key, value, attnMask, dropoutP, isCausal, scale)
                : Math(query, key, value, attnMask, dropoutP, isCausal, scale, enableGqa);
        }

        internal static void Validate(Tensor query, Tensor key, Tensor value, Tensor? attnMask)
        {
            if (query.dtype != key.dtype || query.dtype != value.dtype)
                throw new ArgumentException($"Expected query, key, and value to have the same dtype, but got query.dtype: {query.dtype.CppName} key.dtype: {key.dtype.CppName} and value.dtype: {value.dtype.CppName} instead.");
            if (query.device != key.device || query.device != value.device)
                throw new ArgumentException($"Expected query, key, and value to have the same device type, but got query.device: {query.device} key.device: {key.device} and value.device: {value.device} instead.");
            if (query.dim() < 2 || key.dim() < 2 || value.dim() < 2)
                throw new ArgumentException($"Expected query, key, and value to all be  at least 2 dimensional, but got query.dim: {query.dim()} key.dim: {key.dim()} and value.dim: {value.dim()} instead.");
            if (attnMask is not null && attnMask.dtype != @bool && attnMask.dtype != float32 && attnMask.dtype != query.dtype)
                throw new ArgumentException($"Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: {attnMask.dtype.CppName} and  query.dtype: {query.dtype.CppName} instead.");
        }

        /// <summary>The value of scale PyTorch uses: the given one, or 1/sqrt(E).</summary>
        internal static double Scale(Tensor query, double? scale) => scale ?? 1.0 / System.Math.Sqrt(query.size(-1));

        /// <summary>
        /// The math route as PyTorch 2 composes it: half types in float32, q and kᵀ each scaled by sqrt(|scale|),
        /// a boolean mask (or is_causal's lower triangle) as an additive 0/-inf mask, grouped key/value heads repeated,
        /// a softmax that gives zeros on rows with every logit -inf, dropout, the product with v.
        /// </summary>
        internal static Tensor Math(Tensor query, Tensor key, Tensor value, Tensor? attnMask,
            double dropoutP, bool isCausal, double? scale, bool enableGqa)
        {
            var origin = query.dtype;
            var acc = origin == float16 || origin == bfloat16 ? float32 : origin;
            var q = query.to(acc);
            var k = key.to(acc);
            var v = value.to(acc);
            double s = Scale(query, scale);
            double root = System.Math.Sqrt(System.Math.Abs(s));
            q = q * (s < 0 ? -root : root);
            var mask = attnMask is null ? null : Additive(attnMask, origin);
            if (isCausal)
            {
                long l = query.size(-2), sz = key.size(-2);
                mask = Additive(ones([l, sz], dtype: @bool).tril(), origin);
            }
            (k, v) = GroupHeads(q, k, v, enableGqa);
            var attn = matmul(q, k.transpose(-2, -1) * root);
            if (mask is not null) attn = attn + mask;
            attn = SafeSoftmax(attn);
            if (dropoutP > 0) attn = nn.functional.dropout(attn, dropoutP, training: true);
            return matmul(attn, v).to(origin);
        }

        /// <summary>A boolean mask as 0 where true and -inf where false, in <paramref name="dt"/>; a float mask as it is.</summary>
        internal static Tensor Additive(Tensor mask, DType dt) =>
            mask.dtype == @bool ? where(mask.logical_not(), double.NegativeInfinity, zeros([], dtype: dt)).to(dt) : mask;

        /// <summary>
        /// softmax over the last dim, with zeros on the rows whose every logit is -inf; those rows pass no gradient
        /// (their logits are replaced before the softmax, so no NaN reaches its backward).
        /// </summary>
        internal static Tensor SafeSoftmax(Tensor attn)
        {
            var masked = attn.isneginf().all(-1, keepdim: true);
            var zero = zeros([], dtype: attn.dtype);
            return where(masked, zero, softmax(where(masked, zero, attn), -1));
        }

        /// <summary>Key and value with each head repeated Hq / H times (heads i*r..i*r+r-1 read head i), as repeat_interleave on dim -3.</summary>
        internal static (Tensor k, Tensor v) GroupHeads(Tensor q, Tensor k, Tensor v, bool enableGqa)
        {
            if (!enableGqa) return (k, v);
            long hq = q.size(-3), hk = k.size(-3), hv = v.size(-3);
            if (hq == hk && hk == hv) return (k, v);
            if (hq % hk != 0 || hq % hv != 0)
                throw new ArgumentException("Number of heads in key and value must divide the number of heads in ");
            return (Repeat(k, hq / hk), Repeat(v, hq / hv));
        }

        private static Tensor Repeat(Tensor t, long r)
        {
            if (r == 1) return t;
            var shape = t.shape.ToArray();
            int d = shape.Length - 3;
            long[] expanded = [.. shape[..(d + 1)], r, .. shape[(d + 1)..]];
            long[] merged = [.. shape[..d], shape[d] * r, .. shape[(d + 1)..]];
            return t.unsqueeze(d + 1).expand(expanded).reshape(merged);
        }
    }
}
