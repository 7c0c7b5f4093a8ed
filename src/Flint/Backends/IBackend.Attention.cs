namespace Flint.Backends;

/// <summary>
/// The arguments of a fused attention kernel besides its tensors: the logits' scale, whether key j &gt; query i is
/// masked (top-left aligned causal mask), and dropout of the attention weights with probability
/// <see cref="DropoutP"/>, its keep mask a function of <see cref="Seed"/> and the element's position only (so the
/// backward regenerates the forward's mask).
/// </summary>
public readonly record struct AttentionOptions(double Scale, bool IsCausal, double DropoutP, ulong Seed);

// Fused scaled dot-product attention, tiled with an online softmax: the L x S weights are never stored, only one
// logsumexp per query row. query (B, Hq, L, E), key (B, Hk, S, E), value (B, Hk, S, Ev) of one float dtype (float32
// or float64), Hq a multiple of Hk (query head h reads key/value head h / (Hq / Hk)); each has a unit stride in its
// last dim, other strides are free (the output's gradient may have any strides: the gradient of a sum is an
// expanded scalar). mask: an additive float mask seen as (B, Hq, L, S) with any strides (0 where it
// broadcasts). Outputs are contiguous and fully written.
public partial interface IBackend
{
    /// <summary>output (B, Hq, L, Ev) = dropout(softmax(scale · q kᵀ + mask)) v; logsumexp (B, Hq, L) of each row's logits (-inf for a row with every key masked, whose output is 0).</summary>
    void ScaledDotProductAttention(TensorLayout query, TensorLayout key, TensorLayout value, TensorLayout? mask, AttentionOptions options,
        TensorLayout output, TensorLayout logsumexp);

    /// <summary>The gradients of query, key and value from the output's gradient, recomputing the weights per tile from logsumexp.</summary>
    void ScaledDotProductAttentionBackward(TensorLayout grad, TensorLayout query, TensorLayout key, TensorLayout value, TensorLayout? mask,
        TensorLayout output, TensorLayout logsumexp, AttentionOptions options, TensorLayout gradQuery, TensorLayout gradKey, TensorLayout gradValue);

    /// <summary>result (B, Hq, L, S) = the dropout factor of each attention weight: 0 where dropped, 1 / (1 - p) where kept.</summary>
    void AttentionDropoutMask(AttentionOptions options, TensorLayout result);
}
