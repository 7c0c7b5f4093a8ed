using static Flint.torch;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>
            /// Multi-head attention as PyTorch's <c>F.multi_head_attention_forward</c>, on (L, N, E) inputs or unbatched
            /// (L, E) ones: the in-projections, optional bias_k/bias_v rows and a zero attention row, the masks
            /// (bool masks become -inf where true; key_padding_mask is added to attn_mask), then softmax(QKᵀ/√d)V
            /// explicitly when need_weights (the weights are returned, averaged over heads unless
            /// average_attn_weights is false) or through scaled_dot_product_attention otherwise, and the out-projection.
            /// </summary>
            public static (Tensor output, Tensor? weights) multi_head_attention_forward(Tensor query, Tensor key, Tensor value,
                long embed_dim_to_check, long num_heads, Tensor? in_proj_weight, Tensor? in_proj_bias, Tensor? bias_k, Tensor? bias_v,
                bool add_zero_attn, double dropout_p, Tensor out_proj_weight, Tensor? out_proj_bias, bool training = true,
                Tensor? key_padding_mask = null, bool need_weights = true, Tensor? attn_mask = null, bool use_separate_proj_weight = false,
                Tensor? q_proj_weight = null, Tensor? k_proj_weight = null, Tensor? v_proj_weight = null, Tensor? static_k = null,
                Tensor? static_v = null, bool average_attn_weights = true, bool is_causal = false)
            {
                bool batched = MultiheadAttentionParts.ShapeCheck(query, key, value, key_padding_mask, attn_mask, num_heads);
                if (!batched)
                {
                    query = query.unsqueeze(1);
                    key = key.unsqueeze(1);
                    value = value.unsqueeze(1);
                    key_padding_mask = key_padding_mask?.unsqueeze(0);
                }
                long tgtLen = query.size(0), bsz = query.size(1), embedDim = query.size(2);
                long srcLen = key.size(0);
                key_padding_mask = MultiheadAttentionParts.CanonicalMask(key_padding_mask, "key_padding_mask", query.dtype);
                if (is_causal && attn_mask is null)
                    throw new ArgumentException("Need attn_mask if specifying the is_causal hint. You may use the Transformer module method `generate_square_subsequent_mask` to create this mask.");
                if (is_causal && key_padding_mask is null && !need_weights) attn_mask = null;
                else
                {
                    attn_mask = MultiheadAttentionParts.CanonicalMask(attn_mask, "attn_mask", query.dtype);
                    if (key_padding_mask is not null) is_causal = false;
                }
                if (embedDim != embed_dim_to_check)
                    throw new ArgumentException($"was expecting embedding dimension of {embed_dim_to_check}, but got {embedDim}");
                long headDim = embedDim / num_heads;
                if (headDim * num_heads != embedDim) throw new ArgumentException($"embed_dim {embedDim} not divisible by num_heads {num_heads}");
                if (use_separate_proj_weight)
                {
                    if (key.size(0) != value.size(0) || key.size(1) != value.size(1))
                        throw new ArgumentException($"key's sequence and batch dims {new Size(key.size(0), key.size(1))} do not match value's {new Size(value.size(0), value.size(1))}");
                }
                else if (key.shape != value.shape)
                    throw new ArgumentException($"key shape {key.shape} does not match value shape {value.shape}");

                Tensor q, k, v;
                if (!use_separate_proj_weight)
                {
                    if (in_proj_weight is null) throw new ArgumentException("use_separate_proj_weight is False but in_proj_weight is None");
                    (q, k, v) = MultiheadAttentionParts.InProjectionPacked(query, key, value, in_proj_weight, in_proj_bias);
                }
                else
                {
                    if (q_proj_weight is null) throw new ArgumentException("use_separate_proj_weight is True but q_proj_weight is None");
                    if (k_proj_weight is null) throw new ArgumentException("use_separate_proj_weight is True but k_proj_weight is None");
                    if (v_proj_weight is null) throw new ArgumentException("use_separate_proj_weight is True but v_proj_weight is None");
                    var b = in_proj_bias?.chunk(3);
                    (q, k, v) = MultiheadAttentionParts.InProjection(query, key, value, q_proj_weight, k_proj_weight, v_proj_weight, b?[0], b?[1], b?[2]);
                }

                if (attn_mask is not null)
                {
                    if (attn_mask.dim() == 2)
                    {
                        if (attn_mask.size(0) != tgtLen || attn_mask.size(1) != srcLen)
                            throw new ArgumentException($"The shape of the 2D attn_mask is {attn_mask.shape}, but should be {MultiheadAttentionParts.Tuple(tgtLen, srcLen)}.");
                        attn_mask = attn_mask.unsqueeze(0);
                    }
                    else if (attn_mask.dim() == 3)
                    {
                        if (attn_mask.size(0) != bsz * num_heads || attn_mask.size(1) != tgtLen || attn_mask.size(2) != srcLen)
                            throw new ArgumentException($"The shape of the 3D attn_mask is {attn_mask.shape}, but should be {MultiheadAttentionParts.Tuple(bsz * num_heads, tgtLen, srcLen)}.");
                    }
                    else throw new ArgumentException($"attn_mask's dimension {attn_mask.dim()} is not supported");
                }

                if (bias_k is not null && bias_v is not null)
                {
                    if (static_k is not null) throw new ArgumentException("bias cannot be added to static key.");
                    if (static_v is not null) throw new ArgumentException("bias cannot be added to static value.");
                    k = cat([k, bias_k.repeat(1, bsz, 1)]);
                    v = cat([v, bias_v.repeat(1, bsz, 1)]);
                    attn_mask = MultiheadAttentionParts.PadOne(attn_mask);
                    key_padding_mask = MultiheadAttentionParts.PadOne(key_padding_mask);
                }
                else if (bias_k is not null || bias_v is not null)
                    throw new ArgumentException(bias_k is not null ? "bias_v is None while bias_k is not" : "bias_k is None while bias_v is not");

                q = q.view(tgtLen, bsz * num_heads, headDim).transpose(0, 1);
                k = MultiheadAttentionParts.Heads(k, static_k, "k", bsz * num_heads, headDim);
                v = MultiheadAttentionParts.Heads(v, static_v, "v", bsz * num_heads, headDim);

                if (add_zero_attn)
                {
                    long[] zeroShape = [bsz * num_heads, 1, headDim];
                    k = cat([k, zeros(zeroShape, k.dtype, k.device)], 1);
                    v = cat([v, zeros(zeroShape, v.dtype, v.device)], 1);
                    attn_mask = MultiheadAttentionParts.PadOne(attn_mask);
                    key_padding_mask = MultiheadAttentionParts.PadOne(key_padding_mask);
                }
                srcLen = k.size(1);

                if (key_padding_mask is not null)
                {
                    if (key_padding_mask.dim() != 2 || key_padding_mask.size(0) != bsz || key_padding_mask.size(1) != srcLen)
                        throw new ArgumentException($"expecting key_padding_mask shape of {MultiheadAttentionParts.Tuple(bsz, srcLen)}, but got {key_padding_mask.shape}");
                    key_padding_mask = key_padding_mask.view(bsz, 1, 1, srcLen).expand(-1, num_heads, -1, -1).reshape(bsz * num_heads, 1, srcLen);
                    attn_mask = attn_mask is null ? key_padding_mask : attn_mask + key_padding_mask;
                }
                if (!training) dropout_p = 0.0;

                Tensor output;
                Tensor? weights = null;
                if (need_weights)
                {
                    var qScaled = q * Math.Sqrt(1.0 / headDim);
                    if (is_causal && attn_mask is null) throw new ArgumentException("FIXME: is_causal not implemented for need_weights");
                    var w = attn_mask is not null ? baddbmm(attn_mask, qScaled, k.transpose(-2, -1)) : bmm(qScaled, k.transpose(-2, -1));
                    w = softmax(w, -1);
                    if (dropout_p > 0.0) w = dropout(w, dropout_p);
                    output = bmm(w, v).transpose(0, 1).contiguous().view(tgtLen * bsz, embedDim);
                    weights = w.view(bsz, num_heads, tgtLen, srcLen);
                    if (average_attn_weights) weights = weights.mean(1);
                }
                else
                {
                    if (attn_mask is not null)
                        attn_mask = attn_mask.size(0) == 1 && attn_mask.dim() == 3 ? attn_mask.unsqueeze(0) : attn_mask.view(bsz, num_heads, -1, srcLen);
                    var a = scaled_dot_product_attention(q.view(bsz, num_heads, tgtLen, headDim), k.view(bsz, num_heads, srcLen, headDim),
                        v.view(bsz, num_heads, srcLen, headDim), attn_mask, dropout_p, is_causal);
                    output = a.permute(2, 0, 1, 3).contiguous().view(bsz * tgtLen, embedDim);
                }
                output = linear(output, out_proj_weight, out_proj_bias);
                output = output.view(tgtLen, bsz, output.size(1));
                if (!batched)
                {
                    output = output.squeeze(1);
                    weights = weights?.squeeze(0);
                }
                return (output, weights);
            }
        }
    }
}

/// <summary>The pieces of multi-head attention: shape checks, masks, the in-projections and the head split.</summary>
internal static class MultiheadAttentionParts
{
    /// <summary>A Python tuple as PyTorch's messages print one: "(3, 4)", "(2,)".</summary>
    internal static string Tuple(params long[] v) => "(" + string.Join(", ", v) + (v.Length == 1 ? ",)" : ")");

    /// <summary>PyTorch's _mha_shape_check: whether the inputs are batched, refusing ranks that fit neither form.</summary>
    internal static bool ShapeCheck(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask, Tensor? attnMask, long numHeads)
    {
        if (query.dim() == 3)
        {
            if (key.dim() != 3 || value.dim() != 3)
                throw new ArgumentException($"For batched (3-D) `query`, expected `key` and `value` to be 3-D but found {key.dim()}-D and {value.dim()}-D tensors respectively");
            if (keyPaddingMask is not null && keyPaddingMask.dim() != 2)
                throw new ArgumentException($"For batched (3-D) `query`, expected `key_padding_mask` to be `None` or 2-D but found {keyPaddingMask.dim()}-D tensor instead");
            if (attnMask is not null && attnMask.dim() is not (2 or 3))
                throw new ArgumentException($"For batched (3-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found {attnMask.dim()}-D tensor instead");
            return true;
        }
        if (query.dim() == 2)
        {
            if (key.dim() != 2 || value.dim() != 2)
                throw new ArgumentException($"For unbatched (2-D) `query`, expected `key` and `value` to be 2-D but found {key.dim()}-D and {value.dim()}-D tensors respectively");
            if (keyPaddingMask is not null && keyPaddingMask.dim() != 1)
                throw new ArgumentException($"For unbatched (2-D) `query`, expected `key_padding_mask` to be `None` or 1-D but found {keyPaddingMask.dim()}-D tensor instead");
            if (attnMask is not null)
            {
                if (attnMask.dim() is not (2 or 3))
                    throw new ArgumentException($"For unbatched (2-D) `query`, expected `attn_mask` to be `None`, 2-D or 3-D but found {attnMask.dim()}-D tensor instead");
                if (attnMask.dim() == 3 && (attnMask.size(0) != numHeads || attnMask.size(1) != query.size(0) || attnMask.size(2) != key.size(0)))
                    throw new ArgumentException($"Expected `attn_mask` shape to be {Tuple(numHeads, query.size(0), key.size(0))} but got {attnMask.shape}");
            }
            return false;
        }
        throw new ArgumentException($"query should be unbatched 2D or batched 3D tensor but received {query.dim()}-D query tensor");
    }

    /// <summary>PyTorch's _canonical_mask: a bool mask as a float mask of the target dtype (-inf where true, 0 elsewhere); float masks pass.</summary>
    internal static Tensor? CanonicalMask(Tensor? mask, string name, DType target)
    {
        if (mask is null || mask.dtype.is_floating_point) return mask;
        if (mask.dtype != torch.@bool) throw new ArgumentException($"only bool and floating types of {name} are supported");
        return torch.zeros_like(mask, dtype: target).masked_fill_(mask, double.NegativeInfinity);
    }

    /// <summary>A mask with one more (zero) column: the key position bias_k or the zero attention row adds.</summary>
    internal static Tensor? PadOne(Tensor? mask)
    {
        if (mask is null) return null;
        var shape = mask.shape.ToArray();
        shape[^1] = 1;
        return torch.cat([mask, torch.zeros(shape, mask.dtype, mask.device)], -1);
    }

    /// <summary>
    /// The packed in-projection (one (3E, E) weight): one product for self-attention (q is k is v), one for q and one
    /// for k and v together when k is v, three otherwise, as PyTorch's _in_projection_packed.
    /// </summary>
    internal static (Tensor q, Tensor k, Tensor v) InProjectionPacked(Tensor q, Tensor k, Tensor v, Tensor w, Tensor? b)
    {
        long e = q.size(-1);
        if (ReferenceEquals(k, v))
        {
            if (ReferenceEquals(q, k))
            {
                var proj = Split(torch.nn.functional.linear(q, w, b), 3, e);
                return (proj[0], proj[1], proj[2]);
            }
            var ws = w.split([e, 2 * e]);
            var bs = b?.split([e, 2 * e]);
            var kv = Split(torch.nn.functional.linear(k, ws[1], bs?[1]), 2, e);
            return (torch.nn.functional.linear(q, ws[0], bs?[0]), kv[0], kv[1]);
        }
        var wc = w.chunk(3);
        var bc = b?.chunk(3);
        return (torch.nn.functional.linear(q, wc[0], bc?[0]), torch.nn.functional.linear(k, wc[1], bc?[1]), torch.nn.functional.linear(v, wc[2], bc?[2]));
    }

    /// <summary>A projection of n stacked parts split into its parts: (..., n·E) to n contiguous (..., E).</summary>
    private static Tensor[] Split(Tensor proj, long n, long e)
    {
        var parts = proj.unflatten(-1, n, e).unsqueeze(0).transpose(0, -2).squeeze(-2).contiguous();
        return Enumerable.Range(0, (int)n).Select(i => parts[i]).ToArray();
    }

    /// <summary>The separate in-projections (kdim/vdim differ from embed_dim), with PyTorch's shape checks.</summary>
    internal static (Tensor q, Tensor k, Tensor v) InProjection(Tensor q, Tensor k, Tensor v, Tensor wq, Tensor wk, Tensor wv, Tensor? bq, Tensor? bk, Tensor? bv)
    {
        long eq = q.size(-1), ek = k.size(-1), ev = v.size(-1);
        static void Check(Tensor w, long rows, long cols, string what)
        {
            if (w.dim() != 2 || w.size(0) != rows || w.size(1) != cols)
                throw new ArgumentException($"expecting {what} weights shape of {Tuple(rows, cols)}, but got {w.shape}");
        }
        static void CheckBias(Tensor? b, long n, string what)
        {
            if (b is not null && (b.dim() != 1 || b.size(0) != n))
                throw new ArgumentException($"expecting {what} bias shape of {Tuple(n)}, but got {b.shape}");
        }
        Check(wq, eq, eq, "query"); Check(wk, eq, ek, "key"); Check(wv, eq, ev, "value");
        CheckBias(bq, eq, "query"); CheckBias(bk, eq, "key"); CheckBias(bv, eq, "value");
        return (torch.nn.functional.linear(q, wq, bq), torch.nn.functional.linear(k, wk, bk), torch.nn.functional.linear(v, wv, bv));
    }

    /// <summary>Keys or values as (N·H, S, d): the projection split into heads, or the given static ones after their checks.</summary>
    internal static Tensor Heads(Tensor x, Tensor? stat, string name, long batchHeads, long headDim)
    {
        if (stat is null) return x.view(x.size(0), batchHeads, headDim).transpose(0, 1);
        if (stat.size(0) != batchHeads) throw new ArgumentException($"expecting static_{name}.size(0) of {batchHeads}, but got {stat.size(0)}");
        if (stat.size(2) != headDim) throw new ArgumentException($"expecting static_{name}.size(2) of {headDim}, but got {stat.size(2)}");
        return stat;
    }
}
