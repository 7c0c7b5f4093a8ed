using Flint.Ops.Attention;
using static Flint.torch;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>
            /// softmax(query · keyᵀ · scale + mask) · value over the last two dims: query (N..., Hq, L, E), key
            /// (N..., H, S, E), value (N..., H, S, Ev) give (N..., Hq, L, Ev). A boolean attn_mask says which
            /// positions take part (true), a float one is added to the logits; masks broadcast over the leading dims.
            /// is_causal masks with the top-left aligned lower triangle of (L, S); enable_gqa lets Hq be a multiple
            /// of H (each key/value head serves Hq / H query heads). scale defaults to 1/sqrt(E). A row with every
            /// position masked gives zeros, as PyTorch 2 does.
            /// </summary>
            public static Tensor scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask = null,
                double dropout_p = 0.0, bool is_causal = false, double? scale = null, bool enable_gqa = false) =>
                Attention.ScaledDotProduct(query, key, value, attn_mask, dropout_p, is_causal, scale, enable_gqa);
        }
    }
}
