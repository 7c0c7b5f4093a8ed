using Flint;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Gpt;

/// <summary>Causal scaled dot-product attention over [B, heads, T, head_size] queries, keys and values.</summary>
public static class Attention
{
    /// <summary>softmax(q kᵀ / sqrt(head_size), each position masked to itself and those before it) v, with dropout on the weights.</summary>
    public static Tensor Causal(Tensor q, Tensor k, Tensor v, double dropout_p)
    {
        long t = q.size(-2);
        var att = q.matmul(k.transpose(-2, -1)) * (1.0 / Math.Sqrt(k.size(-1)));
        att = att.masked_fill(ones([t, t], dtype: @bool).triu(1), double.NegativeInfinity);
        att = F.dropout(F.softmax(att, dim: -1), dropout_p, training: dropout_p > 0);
        return att.matmul(v);
    }
}
