using Flint.Autograd;
using Flint.Ops;
using Flint.Ops.Kernels;
using static Flint.torch;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        // The activations, channel dropouts, instance and local response normalization and embedding_bag of
        // torch.nn.functional. The elementwise activations are declared ops (Ops/Activations2.cs); glu, prelu, rrelu
        // and embedding_bag are one node each (GluBackward0, PreluKernelBackward0, RreluWithNoiseBackward0,
        // EmbeddingBagBackward0); the rest are built of differentiable ops as PyTorch builds them, so their graphs
        // show the same nodes.
        public static partial class functional
        {
            /// <summary><c>x * relu6(x + 3) / 6</c>, as <c>F.hardswish</c>.</summary>
            public static Tensor hardswish(Tensor input, bool inplace = false) => inplace ? torch.hardswish_(input) : torch.hardswish(input);
            /// <summary><c>relu6(x + 3) / 6</c>, as <c>F.hardsigmoid</c>.</summary>
            public static Tensor hardsigmoid(Tensor input, bool inplace = false) => inplace ? torch.hardsigmoid_(input) : torch.hardsigmoid(input);
            /// <summary><c>log(sigmoid(x))</c>, as <c>F.logsigmoid</c>.</summary>
            public static Tensor logsigmoid(Tensor input) => torch.log_sigmoid(input);
            /// <summary>Zeros the elements within [-lambd, lambd], as <c>F.hardshrink</c>.</summary>
            public static Tensor hardshrink(Tensor input, double lambd = 0.5) => torch.hardshrink(input, lambd);
            /// <summary>Shrinks the elements toward 0 by <paramref name="lambd"/>, as <c>F.softshrink</c>.</summary>
            public static Tensor softshrink(Tensor input, double lambd = 0.5) => torch.softshrink(input, lambd);
            /// <summary>The CELU, as <c>F.celu</c>.</summary>
            public static Tensor celu(Tensor input, double alpha = 1.0, bool inplace = false) => inplace ? torch.celu_(input, alpha) : torch.celu(input, alpha);
            /// <summary>The CELU in place, as <c>F.celu_</c>.</summary>
            public static Tensor celu_(Tensor input, double alpha = 1.0) => torch.celu_(input, alpha);
            /// <summary>Replaces elements not greater than <paramref name="threshold"/> by <paramref name="value"/>, as <c>F.threshold</c>.</summary>
            public static Tensor threshold(Tensor input, double threshold, double value, bool inplace = false) =>
                inplace ? torch.threshold_(input, threshold, value) : torch.threshold(input, threshold, value);
            /// <summary>The in-place threshold, as <c>F.threshold_</c>.</summary>
            public static Tensor threshold_(Tensor input, double threshold, double value) => torch.threshold_(input, threshold, value);
            /// <summary>The SELU in place, as <c>F.selu_</c>.</summary>
            public static Tensor selu_(Tensor input) => input.selu_();
            /// <summary>Clamps into [<paramref name="min_val"/>, <paramref name="max_val"/>] in place, as <c>F.hardtanh_</c>.</summary>
            public static Tensor hardtanh_(Tensor input, double min_val = -1.0, double max_val = 1.0) => input.hardtanh_(min_val, max_val);

            /// <summary>x / (1 + |x|).</summary>
            public static Tensor softsign(Tensor input) => input / (input.abs() + 1);

            /// <summary>x - tanh(x).</summary>
            public static Tensor tanhshrink(Tensor input) => input - input.tanh();

            /// <summary>softmax(-x) along dim (PyTorch's implicit choice of dim when it is null).</summary>
            public static Tensor softmin(Tensor input, long? dim = null, DType? dtype = null) => torch.softmax(-input, dim ?? NormActs.SoftmaxDim(input.dim()), dtype);

            /// <summary>a · sigmoid(b), a and b the two halves of the input along dim.</summary>
            public static Tensor glu(Tensor input, long dim = -1)
            {
                if (input.dim() == 0) throw new ArgumentException("glu does not support scalars because halving size must be even");
                int d = Shape.WrapDim(dim, input.ndim);
                long n = input.size(d);
                if (n % 2 != 0) throw new ArgumentException($"Halving dimension must be even, but dimension {d} is size {n}");
                Unary.CheckFloatOnly(input, null, "glu_cpu");
                return NormActs.Glu.Run([input], (input, d), () => input.narrow(d, 0, n / 2) * input.narrow(d, n / 2, n / 2).sigmoid());
            }

            /// <summary>x where x &gt; 0, weight · x elsewhere; weight has one value or one per channel (dim 1).</summary>
            public static Tensor prelu(Tensor input, Tensor weight)
            {
                if (input.dtype != weight.dtype)
                    throw new ArgumentException($"prelu: Type promoting not supported. Got {input.dtype.LegacyName} and {weight.dtype.LegacyName}");
                if (weight.numel() != 1)
                {
                    if (input.dim() == 0) throw new ArgumentException("Not allow zero-dim input tensor.");
                    long channels = input.dim() > 1 ? input.size(1) : 1;
                    if (channels != weight.numel())
                        throw new ArgumentException($"Mismatch of parameter numbers and input channel size. Found parameter numbers = {weight.numel()} and channel size = {channels}.");
                }
                if (weight.dim() > 1) throw new ArgumentException($"prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.dim()}");
                var w = weight;
                if (input.dim() != weight.dim())
                {
                    var shape = new long[input.dim()];
                    Array.Fill(shape, 1L);
                    if (shape.Length > 1) shape[1] = weight.numel();
                    w = weight.reshape(shape);
                }
                Unary.CheckFloatOnly(input, null, "prelu_cpu");
                return NormActs.Prelu.Run([input, w], (input, w), () => torch.where(input.gt(0), input, w * input));
            }

            /// <summary>
            /// Randomized leaky relu: in training each non-positive element is scaled by a slope drawn from
            /// U(lower, upper) (the default generator's stream, as PyTorch); in evaluation by (lower + upper) / 2.
            /// </summary>
            public static Tensor rrelu(Tensor input, double lower = 1.0 / 8, double upper = 1.0 / 3, bool training = false, bool inplace = false)
            {
                if (lower > upper) throw new ArgumentException($"Lower bound should be less than or equal to the upper bound");
                Unary.CheckFloatOnly(input, null, "leaky_relu_cpu");
                var dt = Fused.ComputeType(input.dtype);
                var x = Fused.In(input, dt).detach();
                var noise = training ? NormActs.RreluNoise(x, lower, upper) : where(x.gt(0), ones_like(x), full_like(x, (lower + upper) / 2));
                var saved = noise.to(input.dtype);
                Tensor Apply(Tensor t) => NormActs.Rrelu.Run([t], saved, () => Fused.As(Fused.In(t, dt) * noise, t.dtype));
                if (!inplace) return Apply(input);
                if (Differentiation.NeedsInPlace(input)) return Differentiation.InPlace(input, Apply);
                using (no_grad()) return input.copy_(Apply(input));
            }

            /// <summary>The randomized leaky ReLU in place (slopes drawn from U(lower, upper) in training, their mean in eval), as <c>F.rrelu_</c>.</summary>
            public static Tensor rrelu_(Tensor input, double lower = 1.0 / 8, double upper = 1.0 / 3, bool training = false) =>
                rrelu(input, lower, upper, training, inplace: true);

            /// <summary>Channel-wise dropout of (N, C, L) or unbatched (C, L) input.</summary>
            public static Tensor dropout1d(Tensor input, double p = 0.5, bool training = true, bool inplace = false)
            {
                NormActs.CheckDropoutP(p);
                if (input.dim() != 2 && input.dim() != 3)
                    throw new ArgumentException($"dropout1d: Expected 2D or 3D input, but received a {input.dim()}D input. Note that dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).");
                return NormActs.ChannelDropout(input, input.dim() == 3, p, training, inplace);
            }

            /// <summary>Channel-wise dropout of (N, C, H, W) input (a 3-D input is taken as (N, C, L), as PyTorch does).</summary>
            public static Tensor dropout2d(Tensor input, double p = 0.5, bool training = true, bool inplace = false) =>
                NormActs.Dropout(input, p, training, true, false, inplace);

            /// <summary>Channel-wise dropout of (N, C, D, H, W) or unbatched (C, D, H, W) input.</summary>
            public static Tensor dropout3d(Tensor input, double p = 0.5, bool training = true, bool inplace = false) =>
                NormActs.ChannelDropout(input, input.dim() == 5, p, training, inplace);

            /// <summary>Dropout that keeps a SELU network's mean and variance: dropped elements take SELU's negative saturation.</summary>
            public static Tensor alpha_dropout(Tensor input, double p = 0.5, bool training = false, bool inplace = false) =>
                NormActs.Dropout(input, p, training, false, true, inplace);

            /// <summary>Alpha dropout of whole channels.</summary>
            public static Tensor feature_alpha_dropout(Tensor input, double p = 0.5, bool training = false, bool inplace = false) =>
                NormActs.Dropout(input, p, training, true, true, inplace);

            /// <summary>
            /// Instance normalization: each (sample, channel) normalized over its spatial elements; batch_norm over the
            /// input viewed as (1, N·C, ...), the running statistics (when given) the mean over the batch of the updated ones.
            /// </summary>
            public static Tensor instance_norm(Tensor input, Tensor? running_mean = null, Tensor? running_var = null, Tensor? weight = null, Tensor? bias = null,
                bool use_input_stats = true, double momentum = 0.1, double eps = 1e-5)
            {
                var ishape = input.shape.ToArray();
                if (use_input_stats && ishape.Skip(2).Aggregate(1L, (a, b) => a * b) == 1)
                    throw new ArgumentException($"Expected more than 1 spatial element when training, got input size {input.shape}");
                if (!use_input_stats && (running_mean is null || running_var is null))
                    throw new ArgumentException("Expected running_mean and running_var to be defined when use_input_stats is false");
                long b = input.size(0), c = input.size(1);
                var shape = (long[])ishape.Clone();
                shape[0] = 1; shape[1] = b * c;
                var rm = running_mean?.repeat(b);
                var rv = running_var?.repeat(b);
                var y = batch_norm(input.contiguous().view(shape), rm, rv, weight?.repeat(b), bias?.repeat(b), use_input_stats, momentum, eps);
                using (no_grad())
                {
                    if (running_mean is not null) running_mean.copy_(rm!.view(b, c).mean(0));
                    if (running_var is not null) running_var.copy_(rv!.view(b, c).mean(0));
                }
                return y.view(ishape);
            }

            /// <summary>x / (k + alpha · mean of x² over the size neighbouring channels)^beta.</summary>
            public static Tensor local_response_norm(Tensor input, long size, double alpha = 1e-4, double beta = 0.75, double k = 1.0)
            {
                if (input.dim() < 3) throw new ArgumentException($"Expected 3D or higher dimensionality input (got {input.dim()} dimensions)");
                if (input.numel() == 0) return input;
                var div = NormActs.ChannelWindowMean(input.mul(input), size);
                return input / div.mul(alpha).add(k).pow(beta);
            }

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

/// <summary>The helpers and node declarations of the activations, dropouts and normalizations in NormAct.Functional.cs.</summary>
internal static class NormActs
{
    /// <summary>PyTorch's implicit softmax dim: 0 for 0-, 1- and 3-dimensional inputs, else 1.</summary>
    internal static long SoftmaxDim(long ndim) => ndim is 0 or 1 or 3 ? 0 : 1;

    internal static void CheckDropoutP(double p)
    {
        if (p < 0 || p > 1) throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {Printing.PyFormat.Repr(p)}");
    }

    /// <summary>Channel dropout of a batch; an unbatched input gets a leading dim of one, removed again.</summary>
    internal static Tensor ChannelDropout(Tensor input, bool batched, double p, bool training, bool inplace)
    {
        if (batched) return Dropout(input, p, training, true, false, inplace);
        var r = Dropout(inplace ? input.unsqueeze_(0) : input.unsqueeze(0), p, training, true, false, inplace);
        return inplace ? r.squeeze_(0) : r.squeeze(0);
    }

    /// <summary>
    /// PyTorch's dropout family: a Bernoulli(1 - p) mask (one per element, or one per (sample, channel) for the
    /// feature forms) drawn from the default generator, scaled by 1 / (1 - p); the alpha forms keep SELU's
    /// statistics, dropped elements becoming -alpha·scale then shifted and scaled back.
    /// </summary>
    internal static Tensor Dropout(Tensor input, double p, bool train, bool feature, bool alpha, bool inplace)
    {
        CheckDropoutP(p);
        if (p == 0 || !train || input.numel() == 0) return input;
        if (feature && input.dim() < 2) throw new ArgumentException("Feature dropout requires at least 2 dimensions in the input");
        var zero = zeros([], input.dtype, input.device);
        if (p == 1) return inplace ? input.mul_(zero) : input * zero;
        Tensor noise;
        if (feature)
        {
            var shape = new long[input.dim()];
            Array.Fill(shape, 1L);
            shape[0] = input.size(0); shape[1] = input.size(1);
            noise = empty(shape, input.dtype, input.device);
        }
        else noise = empty_like(input);
        noise.bernoulli_(1 - p);
        if (!alpha)
        {
            noise.div_(1 - p);
            return inplace ? input.mul_(noise) : input * noise;
        }
        const double alphaSelu = 1.7580993408473766;
        double a = 1.0 / Math.Sqrt((alphaSelu * alphaSelu * p + 1) * (1 - p));
        var shift = noise.add(-1).mul_(alphaSelu * a).add_(alphaSelu * a * p);
        noise.mul_(a);
        return (inplace ? input.mul_(noise) : input * noise).add_(shift);
    }

    /// <summary>The mean of each channel's window of <paramref name="size"/> channels (zero padded: size/2 before, (size-1)/2 after).</summary>
    internal static Tensor ChannelWindowMean(Tensor sq, long size)
    {
        long c = sq.size(1);
        var before = sq.shape.ToArray(); before[1] = size / 2;
        var after = sq.shape.ToArray(); after[1] = (size - 1) / 2;
        var padded = cat([zeros(before, sq.dtype, sq.device), sq, zeros(after, sq.dtype, sq.device)], 1);
        Tensor? sum = null;
        for (long j = 0; j < size; j++)
        {
            var w = padded.narrow(1, j, c);
            sum = sum is null ? w : sum + w;
        }
        return sum! / size;
    }

    /// <summary>
    /// rrelu's training slopes, as PyTorch draws them: elements in order, one 53-bit uniform on [lower, upper) for
    /// each non-positive one (rounded to the compute type), 1 for the rest.
    /// </summary>
    internal static Tensor RreluNoise(Tensor x, double lower, double upper)
    {
        var v = x.contiguous().ToArray<double>();
        var noise = new double[v.Length];
        bool single = x.dtype != float64;
        var g = Generator.Default;
        lock (g.SyncRoot)
        {
            for (int i = 0; i < v.Length; i++)
            {
                if (!(v[i] <= 0)) { noise[i] = 1; continue; }
                double r = RandomKernels.UniformDouble01(g) * (upper - lower) + lower;
                noise[i] = single ? (float)r : r;
            }
        }
        return from_array(noise, x.shape.ToArray()).to(x.device, x.dtype);
    }

    internal static readonly NodeDerivative<(Tensor input, int dim)> Glu = new("GluBackward0", s => [s.input],
        (g, s) =>
        {
            long h = s.input.size(s.dim) / 2;
            var a = s.input.narrow(s.dim, 0, h);
            var sb = s.input.narrow(s.dim, h, h).sigmoid();
            return cat([g * sb, g * a * sb * (1 - sb)], s.dim);
        });

    internal static readonly NodeDerivative<(Tensor input, Tensor weight)> Prelu = new("PreluKernelBackward0", s => [s.input, s.weight],
        (g, s) => where(s.input.gt(0), g, s.weight * g),
        (g, s) => Recording.SumToShape(where(s.input.gt(0), zeros_like(g), s.input * g), s.weight.shape.ToArray()));

    internal static readonly NodeDerivative<Tensor> Rrelu = new("RreluWithNoiseBackward0", s => [s], (g, noise) => g * noise);
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
            maxAt is null ? null : MaxPositions(maxAt, d, weight.device), sparse, scaleGradByFreq, pad, v, d);
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
        bool sparse, bool scaleGradByFreq, long pad, long v, long d);

    internal static readonly NodeDerivative<Saved> Derivative = new("EmbeddingBagBackward0", s => s.psw is null ? [s.weight] : [s.weight, s.psw],
        (g, s) =>
        {
            if (s.sparse)
            {
                // PyTorch's _embedding_bag_sparse_backward: each lookup's bag gradient, scaled, at its index
                if (s.scaleGradByFreq) throw new InvalidOperationException("embedding_backward: scale_grad_by_freq not supported with sparse gradients");
                var scaled = g.index_select(0, s.bagOf) * (s.psw is null ? s.factor : s.factor * s.psw).unsqueeze(1);
                return Normalizations.SparseRowsGradient(scaled, s.idx, s.pad, s.v, s.d);
            }
            if (s.max is { } mx)
                return zeros([s.v * s.d], dtype: g.dtype, device: g.device).index_add(0, mx.weightAt, g.reshape(-1).index_select(0, mx.outputAt)).view(s.v, s.d);
            var share = s.psw is null ? s.factor : s.factor * s.psw;
            var rows = g.index_select(0, s.bagOf) * share.unsqueeze(1);
            return zeros([s.v, s.d], dtype: g.dtype, device: g.device).index_add(0, s.idx, rows);
        },
        (g, s) => (g.index_select(0, s.bagOf) * s.weight.index_select(0, s.idx)).sum(1) * s.factor.ne(0).to(g.dtype));
}
