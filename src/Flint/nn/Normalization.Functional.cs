using Flint.Autograd;
using Flint.Ops.Kernels;
using static Flint.torch;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        // The normalizations and the embedding lookup as PyTorch runs them: one kernel forward, one node
        // (NativeBatchNormBackward0, NativeLayerNormBackward0, NativeGroupNormBackward0, EmbeddingBackward0) whose
        // backward is one kernel, or, while a backward is itself differentiated, a formula of differentiable ops.
        public static partial class functional
        {
            /// <summary>
            /// Rows of <paramref name="weight"/> picked by the indices, as <c>F.embedding</c>; the padding_idx row receives no
            /// gradient. With <paramref name="sparse"/> the weight's gradient is a sparse COO tensor (one entry per looked-up
            /// index other than padding_idx, uncoalesced) instead of a dense table.
            /// </summary>
            public static Tensor embedding(Tensor input, Tensor weight, long? padding_idx = null, bool sparse = false)
            {
                if (input.dtype != int64 && input.dtype != int32)
                    throw new ArgumentException($"Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.{input.dtype.LegacyName}Tensor instead (while checking arguments for embedding)");
                if (weight.dim() != 2) throw new ArgumentException("'weight' must be 2-D");
                if (padding_idx is { } pi)
                {
                    if (pi >= weight.size(0) || pi < -weight.size(0)) throw new ArgumentException("Padding_idx must be within num_embeddings");
                    if (pi < 0) padding_idx = pi + weight.size(0);
                }
                long pad = padding_idx ?? -1;
                long v = weight.size(0), d = weight.size(1);
                var idx = Fused.In(input.reshape(-1), int64);
                if (!weight.dtype.is_floating_point)
                {
                    // integer tables have no gradient: a plain row gather
                    if (idx.numel() > 0 && (idx.min().item<long>() < 0 || idx.max().item<long>() >= v))
                        throw new IndexOutOfRangeException("index out of range in self");
                    return weight.index_select(0, idx).reshape([.. input.shape.ToArray(), d]);
                }
                var dt = Fused.ComputeType(weight.dtype);
                var w = Fused.In(weight, dt);
                var r = Fused.Out([.. input.shape.ToArray(), d], dt, weight);
                r.Backend.Embedding(w, idx, r);
                r = Fused.As(r, weight.dtype);
                return Normalizations.EmbeddingDerivative.Record(r, [weight], (weight, idx, pad, v, d, dt, sparse));
            }

            /// <summary>Layer normalization over the trailing dims <paramref name="normalized_shape"/>, as <c>F.layer_norm</c>.</summary>
            public static Tensor layer_norm(Tensor input, long[] normalized_shape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
            {
                using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin("aten::layer_norm", input) : default;
                Normalizations.CheckNormalizedShape(input, normalized_shape, weight, bias);
                int k = normalized_shape.Length;
                var ishape = input.shape.ToArray();
                if (!input.dtype.is_floating_point)
                    throw new NotSupportedException($"\"LayerNormKernelImpl\" not implemented for '{input.dtype.LegacyName}'");
                long cols = normalized_shape.Aggregate(1L, (a, b) => a * b);
                long rows = ishape[..^k].Aggregate(1L, (a, b) => a * b);
                var dt = Fused.ComputeType(input.dtype);
                var x = Fused.In(input, dt).reshape(rows, cols);
                var w = weight is null ? null : Fused.In(weight, dt).reshape(cols);
                var b = bias is null ? null : Fused.In(bias, dt).reshape(cols);
                var y = Fused.Out(ishape, dt, input);
                var mean = Fused.Out([rows], dt, input);
                var rstd = Fused.Out([rows], dt, input);
                y.Backend.LayerNorm(x, w, b, eps, y, mean, rstd);
                y = Fused.As(y, input.dtype);
                var dims = Enumerable.Range(ishape.Length - k, k).Select(i => (long)i).ToArray();
                var lead = Enumerable.Range(0, ishape.Length - k).Select(i => (long)i).ToArray();
                return Normalizations.LayerNormDerivative.Record(y, [input, weight ?? Recording.Undefined, bias ?? Recording.Undefined],
                    (input, weight, bias, normalized_shape, ishape, dims, lead, eps, dt, rows, cols, x, w, mean, rstd));
            }

            /// <summary>Group normalization of the channels in <paramref name="num_groups"/> groups, as <c>F.group_norm</c>.</summary>
            public static Tensor group_norm(Tensor input, long num_groups, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
            {
                using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin("aten::group_norm", input) : default;
                long n = input.size(0), c = input.size(1);
                var ishape = input.shape.ToArray();
                long[] spatial = ishape[2..];
                long spatialSize = spatial.Aggregate(1L, (a, b) => a * b);
                // each group's statistics need more than one value (PyTorch checks the sizes [N * C / G, G, *spatial] first)
                if (n * c / num_groups * spatialSize == 1)
                    throw new ArgumentException($"Expected more than 1 value per channel when training, got input size [{string.Join(", ", new[] { n * c / num_groups, num_groups }.Concat(spatial))}]");
                if (c % num_groups != 0) throw new ArgumentException($"Expected number of channels in input to be divisible by num_groups, but got input of shape {Normalizations.Dims(ishape)} and num_groups={num_groups}");
                if (weight is not null && (weight.dim() != 1 || weight.numel() != c))
                    throw new ArgumentException($"Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape {Normalizations.Dims(weight.shape.ToArray())} and input of shape {Normalizations.Dims(ishape)}");
                if (bias is not null && (bias.dim() != 1 || bias.numel() != c))
                    throw new ArgumentException($"Expected bias to be a vector of size equal to the number of channels in input, but got bias of shape {Normalizations.Dims(bias.shape.ToArray())} and input of shape {Normalizations.Dims(ishape)}");
                if (!input.dtype.is_floating_point)
                    throw new NotSupportedException($"\"GroupNormKernelImpl\" not implemented for '{input.dtype.LegacyName}'");
                var dt = Fused.ComputeType(input.dtype);
                var x = Fused.In(input, dt);
                var w = weight is null ? null : Fused.In(weight, dt);
                var b = bias is null ? null : Fused.In(bias, dt);
                var y = Fused.Out(ishape, dt, input);
                var mean = Fused.Out([n, num_groups], dt, input);
                var rstd = Fused.Out([n, num_groups], dt, input);
                y.Backend.GroupNorm(x, num_groups, w, b, eps, y, mean, rstd);
                y = Fused.As(y, input.dtype);
                var bshape = new long[ishape.Length]; Array.Fill(bshape, 1); bshape[1] = c;
                var affineDims = Enumerable.Range(0, ishape.Length).Where(i => i != 1).Select(i => (long)i).ToArray();
                return Normalizations.GroupNormDerivative.Record(y, [input, weight ?? Recording.Undefined, bias ?? Recording.Undefined],
                    (input, weight, bias, n, c, num_groups, spatialSize, ishape, bshape, affineDims, eps, dt, x, w, mean, rstd));
            }

            /// <summary>Batch normalization over (N, C, ...): batch statistics in training (updating the running ones), running statistics in eval.</summary>
            public static Tensor batch_norm(Tensor input, Tensor? running_mean, Tensor? running_var, Tensor? weight = null, Tensor? bias = null,
                bool training = false, double momentum = 0.1, double eps = 1e-5)
            {
                using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin("aten::batch_norm", input) : default;
                if (input.dim() < 2) throw new ArgumentException($"expected 2D or 3D input (got {input.dim()}D input)");
                long c = input.size(1);
                var ishape = input.shape.ToArray();
                if (training && ishape.Where((_, i) => i != 1).Aggregate(1L, (a, b) => a * b) == 1)
                    throw new ArgumentException($"Expected more than 1 value per channel when training, got input size {input.shape}");
                if (input.numel() == 0)
                {
                    // nothing to normalize and no statistics to update: PyTorch returns a copy (not a view, to keep the
                    // graph) scaled and shifted by the first channel's affine parameters
                    var e = input.clone();
                    if (weight is not null) e = e * weight[0];
                    if (bias is not null) e = e + bias[0];
                    return e;
                }
                void Count(Tensor? t, string name)
                {
                    if (t is not null && t.numel() != c) throw new ArgumentException($"{name} should contain {c} elements not {t.numel()}");
                }
                Count(running_mean, "running_mean");
                if (running_mean is null && !training) throw new ArgumentException("running_mean must be defined in evaluation mode");
                Count(running_var, "running_var");
                if (running_var is null && !training) throw new ArgumentException("running_var must be defined in evaluation mode");
                Count(weight, "weight");
                Count(bias, "bias");
                if (!input.dtype.is_floating_point)
                    throw new NotSupportedException($"\"batch_norm\" not implemented for '{input.dtype.LegacyName}'");
                var dt = Fused.ComputeType(input.dtype);
                var x = Fused.In(input, dt);
                var w = weight is null ? null : Fused.In(weight, dt).reshape(c);
                var b = bias is null ? null : Fused.In(bias, dt).reshape(c);
                bool update = training && running_mean is not null && running_var is not null;
                // the kernel updates copies of the running statistics, written back in place (their versions advance)
                var rm = running_mean is null || (training && !update) ? null : Fused.In(running_mean, dt).reshape(c).clone();
                var rv = running_var is null || (training && !update) ? null : Fused.In(running_var, dt).reshape(c).clone();
                var y = Fused.Out(ishape, dt, input);
                var saveMean = Fused.Out([c], dt, input);
                var saveInvstd = Fused.Out([c], dt, input);
                y.Backend.BatchNorm(x, w, b, rm, rv, training, momentum, eps, y, saveMean, saveInvstd);
                if (update)
                    using (no_grad())
                    {
                        running_mean!.copy_(rm!.reshape(running_mean.shape.ToArray()));
                        running_var!.copy_(rv!.reshape(running_var.shape.ToArray()));
                    }
                y = Fused.As(y, input.dtype);
                // a channels_last input gives a channels_last result, as PyTorch's CPU batch norm
                if (MemoryFormats.WantsChannelsLast(input)) y = MemoryFormats.RestrideChannelsLast(y);
                var bshape = new long[ishape.Length]; Array.Fill(bshape, 1); bshape[1] = c;
                var dims = Enumerable.Range(0, ishape.Length).Where(i => i != 1).Select(i => (long)i).ToArray();
                return Normalizations.BatchNormDerivative.Record(y, [input, weight ?? Recording.Undefined, bias ?? Recording.Undefined],
                    (input, weight, bias, training, ishape, bshape, dims, eps, dt, x, w, saveMean, saveInvstd));
            }
        }
    }
}

/// <summary>The derivatives of the normalizations and the embedding lookup, and their differentiable formula.</summary>
internal static partial class Normalizations
{
    internal static string Dims(long[] shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>The checks layer_norm and rms_norm share: the input ends in normalized_shape, weight and bias have it.</summary>
    internal static void CheckNormalizedShape(Tensor input, long[] normalized_shape, Tensor? weight, Tensor? bias)
    {
        int k = normalized_shape.Length;
        if (k == 0)
            throw new ArgumentException("Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one element, but got normalized_shape = []");
        var ishape = input.shape.ToArray();
        if (ishape.Length < k || !ishape.AsSpan(ishape.Length - k).SequenceEqual(normalized_shape))
            throw new ArgumentException($"Given normalized_shape={Dims(normalized_shape)}, expected input with shape [*, {string.Join(", ", normalized_shape)}], but got input of size{Dims(ishape)}");
        if (weight is not null && !weight.shape.ToArray().AsSpan().SequenceEqual(normalized_shape))
            throw new ArgumentException($"Expected weight to be of same shape as normalized_shape, but got weight of shape {Dims(weight.shape.ToArray())} and normalized_shape = {Dims(normalized_shape)}");
        if (bias is not null && !bias.shape.ToArray().AsSpan().SequenceEqual(normalized_shape))
            throw new ArgumentException($"Expected bias to be of same shape as normalized_shape, but got bias of shape {Dims(bias.shape.ToArray())} and normalized_shape = {Dims(normalized_shape)}");
    }

    /// <summary>The rows' gradients added into a zero table (the padding row gets none).</summary>
    internal static readonly NodeDerivative<(Tensor weight, Tensor idx, long pad, long v, long d, DType dt, bool sparse)> EmbeddingDerivative = new("EmbeddingBackward0", null,
        (go, s) =>
        {
            var (weight, idx, pad, v, d, dt, sparse) = s;
            var g = go.reshape(-1, d);
            if (sparse) return SparseRowsGradient(g, idx, pad, v, d);
            if (Fused.Differentiable)
            {
                if (pad >= 0) g = where(idx.ne(pad).unsqueeze(1), g, zeros_like(g));
                return zeros([v, d], dtype: go.dtype, device: go.device).index_add(0, idx, g);
            }
            var gw = Fused.Out([v, d], dt, weight);
            gw.Backend.EmbeddingBackward(Fused.In(g, dt), idx, pad, gw);
            return Fused.As(gw, weight.dtype);
        });

    /// <summary>
    /// A table's gradient as a sparse COO tensor (v, d), as PyTorch's embedding_sparse_backward: row k of
    /// <paramref name="rows"/> at index idx[k], in lookup order and uncoalesced, the lookups of padding_idx left out.
    /// The values are a copy: the engine may reuse the incoming gradient's memory.
    /// </summary>
    internal static Tensor SparseRowsGradient(Tensor rows, Tensor idx, long pad, long v, long d)
    {
        Tensor values, index;
        if (pad >= 0)
        {
            var keep = idx.ne(pad).nonzero().squeeze(1);
            (values, index) = (rows.index_select(0, keep), idx.index_select(0, keep));
        }
        else (values, index) = (rows.contiguous().clone(), idx.clone());
        return Tensor.SparseOf(index.reshape(1, -1), values, [v, d], coalesced: false);
    }

    /// <summary>
    /// The input gradient of y = x̂ · w + b with x̂ = (x - mean) / sqrt(var + eps) over <paramref name="dims"/>,
    /// from differentiable ops (for gradients of gradients); gy is g · w. Returns the gradient and x̂.
    /// </summary>
    internal static (Tensor gx, Tensor xhat) NormGradFormula(Tensor x, Tensor gy, long[] dims, double eps)
    {
        var mean = x.mean(dims, keepdim: true);
        var rstd = (x.var(dims, correction: 0, keepdim: true) + eps).rsqrt();
        var xhat = (x - mean) * rstd;
        var gx = rstd * (gy - gy.mean(dims, keepdim: true) - xhat * (gy * xhat).mean(dims, keepdim: true));
        return (gx, xhat);
    }

    internal static readonly NodeDerivative<(Tensor input, Tensor? weight, Tensor? bias, long[] normalized_shape, long[] ishape, long[] dims, long[] lead, double eps,
        DType dt, long rows, long cols, Tensor x, Tensor? w, Tensor mean, Tensor rstd)> LayerNormDerivative =
        NodeDerivative<(Tensor input, Tensor? weight, Tensor? bias, long[] normalized_shape, long[] ishape, long[] dims, long[] lead, double eps,
        DType dt, long rows, long cols, Tensor x, Tensor? w, Tensor mean, Tensor rstd)>.Joint("NativeLayerNormBackward0", (go, s) =>
        {
            var (input, weight, bias, normalized_shape, ishape, dims, lead, eps, dt, rows, cols, x, w, mean, rstd) = s;
            if (Fused.Differentiable)
            {
                var (gx, xhat) = NormGradFormula(input, weight is null ? go : go * weight, dims, eps);
                return [input.requires_grad ? gx : null,
                        weight is { requires_grad: true } ? (lead.Length == 0 ? go * xhat : (go * xhat).sum(lead)) : null,
                        bias is { requires_grad: true } ? (lead.Length == 0 ? go : go.sum(lead)) : null];
            }
            var g = Fused.In(go, dt).reshape(rows, cols);
            // the input's gradient may go straight into what the engine would add it to (see GradSink)
            var sink = input.requires_grad && dt == input.dtype ? GradSink.Take(0, input, go, g, x, w, mean, rstd) : null;
            var gi = sink ?? (input.requires_grad ? Fused.Out(ishape, dt, input) : null);
            var gw = weight is { requires_grad: true } ? Fused.Out(normalized_shape, dt, input) : null;
            var gb = bias is { requires_grad: true } ? Fused.Out(normalized_shape, dt, input) : null;
            g.Backend.LayerNormBackward(g, x, w, mean, rstd, gi, gw, gb, accumulateInput: sink is not null);
            return [gi is null || sink is not null ? null : Fused.As(gi, input.dtype), gw is null ? null : Fused.As(gw, weight!.dtype), gb is null ? null : Fused.As(gb, bias!.dtype)];
        }, s => [s.input]);

    internal static readonly NodeDerivative<(Tensor input, Tensor? weight, Tensor? bias, long n, long c, long num_groups, long spatialSize, long[] ishape, long[] bshape,
        long[] affineDims, double eps, DType dt, Tensor x, Tensor? w, Tensor mean, Tensor rstd)> GroupNormDerivative =
        NodeDerivative<(Tensor input, Tensor? weight, Tensor? bias, long n, long c, long num_groups, long spatialSize, long[] ishape, long[] bshape,
        long[] affineDims, double eps, DType dt, Tensor x, Tensor? w, Tensor mean, Tensor rstd)>.Joint("NativeGroupNormBackward0", (go, s) =>
        {
            var (input, weight, bias, n, c, num_groups, spatialSize, ishape, bshape, affineDims, eps, dt, x, w, mean, rstd) = s;
            if (Fused.Differentiable)
            {
                // explicit group sizes: a batch of 0 leaves nothing to infer a -1 from
                long[] grouped = [n, num_groups, c / num_groups * spatialSize];
                var gy = (weight is null ? go : go * weight.reshape(bshape)).reshape(grouped);
                var (gx, xhat) = NormGradFormula(input.reshape(grouped), gy, [2], eps);
                var xh = xhat.reshape(ishape);
                return [input.requires_grad ? gx.reshape(ishape) : null,
                        weight is { requires_grad: true } ? (go * xh).sum(affineDims) : null,
                        bias is { requires_grad: true } ? go.sum(affineDims) : null];
            }
            var g = Fused.In(go, dt);
            var gi = input.requires_grad ? Fused.Out(ishape, dt, input) : null;
            var gw = weight is { requires_grad: true } ? Fused.Out([c], dt, input) : null;
            var gb = bias is { requires_grad: true } ? Fused.Out([c], dt, input) : null;
            g.Backend.GroupNormBackward(g, x, num_groups, w, mean, rstd, gi, gw, gb);
            return [gi is null ? null : Fused.As(gi, input.dtype), gw is null ? null : Fused.As(gw, weight!.dtype), gb is null ? null : Fused.As(gb, bias!.dtype)];
        }, s => [s.input]);

    internal static readonly NodeDerivative<(Tensor input, Tensor? weight, Tensor? bias, bool training, long[] ishape, long[] bshape, long[] dims, double eps,
        DType dt, Tensor x, Tensor? w, Tensor saveMean, Tensor saveInvstd)> BatchNormDerivative =
        NodeDerivative<(Tensor input, Tensor? weight, Tensor? bias, bool training, long[] ishape, long[] bshape, long[] dims, double eps,
        DType dt, Tensor x, Tensor? w, Tensor saveMean, Tensor saveInvstd)>.Joint("NativeBatchNormBackward0", (go, s) =>
        {
            var (input, weight, bias, training, ishape, bshape, dims, eps, dt, x, w, saveMean, saveInvstd) = s;
            if (Fused.Differentiable)
            {
                var wb = weight?.reshape(bshape);
                var gy = wb is null ? go : go * wb;
                Tensor gx, xhat;
                if (training) (gx, xhat) = NormGradFormula(input, gy, dims, eps);
                else
                {
                    var inv = saveInvstd.reshape(bshape);
                    xhat = (input - saveMean.reshape(bshape)) * inv;
                    gx = gy * inv;
                }
                return [input.requires_grad ? gx : null,
                        weight is { requires_grad: true } ? (go * xhat).sum(dims).reshape(weight.shape.ToArray()) : null,
                        bias is { requires_grad: true } ? go.sum(dims).reshape(bias.shape.ToArray()) : null];
            }
            var g = Fused.In(go, dt);
            var gi = input.requires_grad ? Fused.Out(ishape, dt, input) : null;
            var gw = weight is { requires_grad: true } ? Fused.Out(weight.shape.ToArray(), dt, input) : null;
            var gb = bias is { requires_grad: true } ? Fused.Out(bias.shape.ToArray(), dt, input) : null;
            g.Backend.BatchNormBackward(g, x, w, saveMean, saveInvstd, training, gi, gw, gb);
            return [gi is null ? null : Fused.As(gi, input.dtype), gw is null ? null : Fused.As(gw, weight!.dtype), gb is null ? null : Fused.As(gb, bias!.dtype)];
        }, s => [s.input]);
}
