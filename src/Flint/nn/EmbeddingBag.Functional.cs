using Flint.Autograd;
using Flint.Ops.Kernels;
using static Flint.torch;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>
            /// Sums, means or maxima of bags of embedding rows, without building the rows: a 2-D input is a batch of
            /// bags of equal length; a 1-D input is cut into bags at <paramref name="offsets"/>. Entries equal to
            /// padding_idx are left out of their bag (an empty bag gives zeros). per_sample_weights (sum mode only)
            /// scale each row. One node, EmbeddingBagBackward0, gives the gradients of the weight and the sample weights.
            /// </summary>
            public static Tensor embedding_bag(Tensor input, Tensor weight, Tensor? offsets = null, double? max_norm = null, double norm_type = 2,
                bool scale_grad_by_freq = false, string mode = "mean", bool sparse = false, Tensor? per_sample_weights = null,
                bool include_last_offset = false, long? padding_idx = null)
            {
                if (per_sample_weights is not null && input.shape != per_sample_weights.shape)
                    throw new ArgumentException($"embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it must have the same shape as the input ({input.shape})");
                if (weight.dim() != 2) throw new ArgumentException($"weight has to be a 2D Tensor, but got Tensor of dimension {weight.dim()}");
                if (input.dim() == 2)
                {
                    if (offsets is not null)
                        throw new ArgumentException("if input is 2D, then offsets has to be None, as input is treated is a mini-batch of fixed length sequences. However, found offsets of type <class 'torch.Tensor'>");
                    offsets = arange(0, input.numel(), Math.Max(input.size(1), 1), dtype: input.dtype);
                    input = input.reshape(-1);
                    per_sample_weights = per_sample_weights?.reshape(-1);
                }
                else if (input.dim() == 1)
                {
                    if (offsets is null) throw new ArgumentException("offsets has to be a 1D Tensor but got None");
                    if (offsets.dim() != 1) throw new ArgumentException("offsets has to be a 1D Tensor");
                }
                else throw new ArgumentException($"input has to be 1D or 2D Tensor, but got Tensor of dimension {input.dim()}");
                var m = mode switch
                {
                    "sum" => EmbeddingBags.Mode.Sum,
                    "mean" => EmbeddingBags.Mode.Mean,
                    "max" => EmbeddingBags.Mode.Max,
                    _ => throw new ArgumentException("mode has to be one of sum, mean or max"),
                };
                if (m == EmbeddingBags.Mode.Max && scale_grad_by_freq) throw new ArgumentException("max mode does not support scaling the gradient by the frequency");
                if (m == EmbeddingBags.Mode.Max && sparse) throw new ArgumentException("max mode does not support sparse weights");
                if (max_norm is { } mn) EmbeddingBags.Renorm(weight, input, mn, norm_type);
                if (per_sample_weights is not null && m != EmbeddingBags.Mode.Sum)
                    throw new NotSupportedException($"embedding_bag: per_sample_weights was not None. per_sample_weights is only supported for mode='sum' (got mode='{mode}'). Please open a feature request on GitHub.");
                return EmbeddingBags.Forward(input, weight, offsets, m, scale_grad_by_freq, sparse, per_sample_weights, include_last_offset, padding_idx);
            }
        }
    }
}

/// <summary>embedding_bag's checks, its forward over bags and its node.</summary>
internal static class EmbeddingBags
{
    internal enum Mode { Sum, Mean, Max }

    private static string TensorType(DType dt) => dt == bfloat16 ? "CPUBFloat16Type" : $"torch.{dt.LegacyName}Tensor";

    /// <summary>Rows the input uses whose norm exceeds max_norm are scaled (in place, without history) to max_norm.</summary>
    internal static void Renorm(Tensor weight, Tensor input, double maxNorm, double normType)
    {
        using var _ = no_grad();
        long d = weight.size(1);
        var w = weight.contiguous().ToArray<double>();
        foreach (long i in input.reshape(-1).to(int64).ToArray<long>().Distinct())
        {
            if (i < 0 || i >= weight.size(0)) throw new IndexOutOfRangeException("index out of range in self");
            double norm = 0;
            for (long j = 0; j < d; j++) norm += Math.Pow(Math.Abs(w[i * d + j]), normType);
            norm = Math.Pow(norm, 1 / normType);
            if (norm <= maxNorm) continue;
            double scale = maxNorm / (norm + 1e-7);
            for (long j = 0; j < d; j++) w[i * d + j] *= scale;
        }
        weight.copy_(from_array(w, weight.shape.ToArray()));
    }

    internal static Tensor Forward(Tensor input, Tensor weight, Tensor offsets, Mode mode, bool scaleGradByFreq, bool sparse, Tensor? psw,
        bool includeLastOffset, long? paddingIdx)
    {
        foreach (var (t, name) in new[] { (input, "indices"), (offsets, "offsets") })
            if (t.dtype != int64 && t.dtype != int32)
                throw new ArgumentException($"Expected tensor for argument #1 '{name}' to have one of the following scalar types: Long, Int; but got {TensorType(t.dtype)} instead (while checking arguments for embedding_bag)");
        if (weight.dtype != float16 && weight.dtype != float32 && weight.dtype != float64)
            throw new ArgumentException($"Expected tensor for argument #1 'weight' to have one of the following scalar types: Half, Float, Double; but got {TensorType(weight.dtype)} instead (while checking arguments for embedding_bag)");
        if (psw is not null && psw.dtype != weight.dtype)
            throw new ArgumentException($"Expected tensor for argument #1 'weight' to have the same type as tensor for argument #1 'per_sample_weights'; but type {TensorType(weight.dtype)} does not equal {TensorType(psw.dtype)} (while checking arguments for embedding_bag)");
        long v = weight.size(0), d = weight.size(1);
        long pad = -1;
        if (paddingIdx is { } pi)
        {
            if (pi < -v || pi >= v) throw new ArgumentException($"padding_idx must be within the number of embeddings, {-v} through {v - 1}, but got {pi}");
            pad = pi < 0 ? pi + v : pi;
        }
        var idx = input.to(int64).contiguous().ToArray<long>();
        var off = offsets.to(int64).contiguous().ToArray<long>();
        int n = idx.Length;
        if (off.Length > 0 && off[0] != 0)
            throw new ArgumentException($"offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. However, got {off[0]}");
        if (off.Length > 0 && off[^1] > n)
            throw new ArgumentException($"offsets[-1] can not be greater than input's length {n} but got offsets[-1] of {off[^1]}");
        int bags = includeLastOffset ? Math.Max(off.Length - 1, 0) : off.Length;
        foreach (long i in idx)
            if (i < 0 || i >= v) throw new ArgumentException($"embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be {i}");

        var w = weight.contiguous().ToArray<double>();
        var p = psw?.contiguous().ToArray<double>();
        var y = new double[bags * d];
        var bagOf = new long[n];
        var factor = new double[n];      // each entry's share of its bag's gradient (sample weights aside)
        var maxAt = mode == Mode.Max ? new long[bags * d] : null;
        if (maxAt is not null) Array.Fill(maxAt, -1L);
        for (int b = 0; b < bags; b++)
        {
            long start = off[b], end = b + 1 < off.Length ? Math.Min(off[b + 1], n) : n;
            int count = 0;
            for (long k = start; k < end; k++)
            {
                bagOf[k] = b;
                long i = idx[k];
                if (i == pad) continue;
                count++;
                for (long j = 0; j < d; j++)
                {
                    double x = w[i * d + j] * (p is null ? 1 : p[k]);
                    long o = b * d + j;
                    if (maxAt is null) y[o] += x;
                    else if (maxAt[o] < 0 || x > y[o]) { y[o] = x; maxAt[o] = i; }
                }
            }
            double share = mode == Mode.Mean && count > 0 ? 1.0 / count : 1.0;
            for (long k = start; k < end; k++) factor[k] = idx[k] == pad ? 0 : share;
            if (mode == Mode.Mean && count > 0) for (long j = 0; j < d; j++) y[b * d + j] /= count;
        }
        if (scaleGradByFreq)
        {
            var freq = idx.GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
            for (int k = 0; k < n; k++) factor[k] /= freq[idx[k]];
        }
        var result = from_array(y, bags, d).to(weight.device, weight.dtype);
        var index = from_array(idx, idx.Length).to(weight.device);
        var saved = new Saved(weight, psw, index, from_array(bagOf, n).to(weight.device), from_array(factor, n).to(weight.device, weight.dtype),
            maxAt is null ? null : MaxPositions(maxAt, d, weight.device), sparse, v, d);
        return Derivative.Record(result, [weight, psw ?? Recording.Undefined], saved);
    }

    /// <summary>For max mode: the flat weight positions of each output element's maximum and the output elements that have one.</summary>
    private static (Tensor weightAt, Tensor outputAt) MaxPositions(long[] maxAt, long d, Device device)
    {
        var w = new List<long>(); var o = new List<long>();
        for (int k = 0; k < maxAt.Length; k++)
            if (maxAt[k] >= 0) { w.Add(maxAt[k] * d + k % d); o.Add(k); }
        return (from_array(w.ToArray(), w.Count).to(device), from_array(o.ToArray(), o.Count).to(device));
    }

    internal sealed record Saved(Tensor weight, Tensor? psw, Tensor idx, Tensor bagOf, Tensor factor, (Tensor weightAt, Tensor outputAt)? max,
        bool sparse, long v, long d);

    internal static readonly NodeDerivative<Saved> Derivative = new("EmbeddingBagBackward0", s => s.psw is null ? [s.weight] : [s.weight, s.psw],
        (g, s) =>
        {
            if (s.sparse) throw new NotSupportedException("embedding_bag: sparse gradients (sparse=True) are not supported; use sparse=False");
            if (s.max is { } mx)
                return zeros([s.v * s.d], dtype: g.dtype, device: g.device).index_add(0, mx.weightAt, g.reshape(-1).index_select(0, mx.outputAt)).view(s.v, s.d);
            var share = s.psw is null ? s.factor : s.factor * s.psw;
            var rows = g.index_select(0, s.bagOf) * share.unsqueeze(1);
            return zeros([s.v, s.d], dtype: g.dtype, device: g.device).index_add(0, s.idx, rows);
        },
        (g, s) => (g.index_select(0, s.bagOf) * s.weight.index_select(0, s.idx)).sum(1) * s.factor.ne(0).to(g.dtype));
}
