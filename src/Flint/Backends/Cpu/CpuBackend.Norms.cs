using System.Numerics;
using System.Runtime.Intrinsics;
using Flint.Backends.Cpu.Norms;

namespace Flint.Backends.Cpu;

// Batch, layer, rms and group normalization with their backward passes: the entry points, and the scalar reference
// kernels the vector paths (Norms/NormKernels.cs) are tested against. Statistics (mean, biased variance) and the
// gradient sums accumulate in double; values are written in the tensor's dtype. Each normalizes groups of
// elements and applies a per-channel (batch, group) or per-column (layer) affine map, so the three share the two
// loops below: a group's statistics, and a group's input gradient from the sums of g·w and g·w·x̂.
internal sealed partial class CpuBackend
{
    /// <summary>
    /// The normalizations' path: the vectorized, threaded kernels (Norms/NormKernels.cs) at the width the hardware
    /// (or a forced <see cref="KernelOptions.Path"/>) gives; the scalar reference loops below under a forced Scalar
    /// path, for empty inputs, and for batch norms whose channels are runs shorter than <see cref="MinChannelRun"/>
    /// elements (a 2-D input: the vector kernels work run by run).
    /// </summary>
    private static VectorPath NormPath(in TensorLayout input, long run = long.MaxValue) =>
        input.Numel == 0 || run < MinChannelRun ? VectorPath.Scalar : KernelOptions.Resolve();

    private const long MinChannelRun = 16;

    /// <summary>The elements per (sample, channel) of a batch norm's (N, C, ...) input.</summary>
    private static long ChannelRun(in TensorLayout input) => input.Numel / Math.Max(1, input.Shape[0] * input.Shape[1]);

    /// <summary>Mean and biased variance of the elements at base + i·run·stride + j for j &lt; run (two passes, stable).</summary>
    private static (double mean, double var) Moments<T>(ReadOnlySpan<T> x, long start, long blocks, long run, long stride) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double sum = 0;
        for (long b = 0; b < blocks; b++)
        {
            var r = x.Slice((int)(start + b * stride), (int)run);
            foreach (var v in r) sum += double.CreateTruncating(v);
        }
        long count = blocks * run;
        double mean = sum / count, sq = 0;
        for (long b = 0; b < blocks; b++)
        {
            var r = x.Slice((int)(start + b * stride), (int)run);
            foreach (var v in r) { double d = double.CreateTruncating(v) - mean; sq += d * d; }
        }
        return (mean, sq / count);
    }

    private static double[]? Doubles<T>(TensorLayout? t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (t is null) return null;
        var s = Flat<T>(t);
        var d = new double[s.Length];
        for (int i = 0; i < s.Length; i++) d[i] = double.CreateTruncating(s[i]);
        return d;
    }

    private static void Store<T>(TensorLayout? t, double[] values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (t is null) return;
        var s = Flat<T>(t);
        for (int i = 0; i < s.Length; i++) s[i] = T.CreateTruncating(values[i]);
    }

    // ---------------- batch norm: input (N, C, S), statistics per channel over N·S ----------------

    public void BatchNorm(TensorLayout input, TensorLayout? weight, TensorLayout? bias, TensorLayout? runningMean, TensorLayout? runningVar, bool training,
        double momentum, double eps, TensorLayout output, TensorLayout saveMean, TensorLayout saveInvstd) =>
        FloatKernel(input.DType, "batch_norm",
            () => BatchNormT<float>(input, weight, bias, runningMean, runningVar, training, momentum, eps, output, saveMean, saveInvstd),
            () => BatchNormT<double>(input, weight, bias, runningMean, runningVar, training, momentum, eps, output, saveMean, saveInvstd));

    private static void BatchNormT<T>(TensorLayout input, TensorLayout? weight, TensorLayout? bias, TensorLayout? runningMean, TensorLayout? runningVar, bool training,
        double momentum, double eps, TensorLayout output, TensorLayout saveMean, TensorLayout saveInvstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (NormPath(input, ChannelRun(input)))
        {
            case VectorPath.Vector512: NormKernels<T, Vector512<T>, Lanes512<T>>.BatchNorm(input, weight, bias, runningMean, runningVar, training, momentum, eps, output, saveMean, saveInvstd); break;
            case VectorPath.Vector256: NormKernels<T, Vector256<T>, Lanes256<T>>.BatchNorm(input, weight, bias, runningMean, runningVar, training, momentum, eps, output, saveMean, saveInvstd); break;
            default: BatchNormReference<T>(input, weight, bias, runningMean, runningVar, training, momentum, eps, output, saveMean, saveInvstd); break;
        }
    }

    private static void BatchNormReference<T>(TensorLayout input, TensorLayout? weight, TensorLayout? bias, TensorLayout? runningMean, TensorLayout? runningVar, bool training,
        double momentum, double eps, TensorLayout output, TensorLayout saveMean, TensorLayout saveInvstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long n = input.Shape[0], c = input.Shape[1], s = input.Numel / Math.Max(1, n * c);
        ReadOnlySpan<T> x = Flat<T>(input);
        var y = Flat<T>(output);
        double[]? w = Doubles<T>(weight), b = Doubles<T>(bias), rm = Doubles<T>(runningMean), rv = Doubles<T>(runningVar);
        var mean = new double[c]; var invstd = new double[c];
        for (long ch = 0; ch < c; ch++)
        {
            if (training)
            {
                var (m, v) = Moments(x, ch * s, n, s, c * s);
                mean[ch] = m; invstd[ch] = 1 / Math.Sqrt(v + eps);
                long count = n * s;
                if (rm is not null) rm[ch] = momentum * m + (1 - momentum) * rm[ch];
                if (rv is not null) rv[ch] = momentum * v * count / (count - 1) + (1 - momentum) * rv[ch];
            }
            else { mean[ch] = rm![ch]; invstd[ch] = 1 / Math.Sqrt(rv![ch] + eps); }
            double scale = invstd[ch] * (w?[ch] ?? 1), shift = (b?[ch] ?? 0) - mean[ch] * scale;
            for (long i = 0; i < n; i++)
            {
                int at = (int)(i * c * s + ch * s);
                for (int j = 0; j < s; j++) y[at + j] = T.CreateTruncating(double.CreateTruncating(x[at + j]) * scale + shift);
            }
        }
        if (training) { Store<T>(runningMean, rm!); Store<T>(runningVar, rv!); }
        Store<T>(saveMean, mean); Store<T>(saveInvstd, invstd);
    }

    public void BatchNormBackward(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout saveMean, TensorLayout saveInvstd, bool training,
        TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias) =>
        FloatKernel(input.DType, "batch_norm_backward",
            () => BatchNormBackwardT<float>(grad, input, weight, saveMean, saveInvstd, training, gradInput, gradWeight, gradBias),
            () => BatchNormBackwardT<double>(grad, input, weight, saveMean, saveInvstd, training, gradInput, gradWeight, gradBias));

    private static void BatchNormBackwardT<T>(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout saveMean, TensorLayout saveInvstd, bool training,
        TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (NormPath(input, ChannelRun(input)))
        {
            case VectorPath.Vector512: NormKernels<T, Vector512<T>, Lanes512<T>>.BatchNormBackward(grad, input, weight, saveMean, saveInvstd, training, gradInput, gradWeight, gradBias); break;
            case VectorPath.Vector256: NormKernels<T, Vector256<T>, Lanes256<T>>.BatchNormBackward(grad, input, weight, saveMean, saveInvstd, training, gradInput, gradWeight, gradBias); break;
            default: BatchNormBackwardReference<T>(grad, input, weight, saveMean, saveInvstd, training, gradInput, gradWeight, gradBias); break;
        }
    }

    private static void BatchNormBackwardReference<T>(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout saveMean, TensorLayout saveInvstd, bool training,
        TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long n = input.Shape[0], c = input.Shape[1], s = input.Numel / Math.Max(1, n * c);
        ReadOnlySpan<T> x = Flat<T>(input), g = Flat<T>(grad);
        double[]? w = Doubles<T>(weight);
        double[] mean = Doubles<T>(saveMean)!, invstd = Doubles<T>(saveInvstd)!;
        var gw = new double[c]; var gb = new double[c];
        var gx = gradInput is null ? default : Flat<T>(gradInput);
        long count = n * s;
        for (long ch = 0; ch < c; ch++)
        {
            double sg = 0, sgx = 0;
            for (long i = 0; i < n; i++)
            {
                int at = (int)(i * c * s + ch * s);
                for (int j = 0; j < s; j++)
                {
                    double gv = double.CreateTruncating(g[at + j]);
                    sg += gv; sgx += gv * (double.CreateTruncating(x[at + j]) - mean[ch]) * invstd[ch];
                }
            }
            gb[ch] = sg; gw[ch] = sgx;
            if (gradInput is null) continue;
            double wc = w?[ch] ?? 1, k = wc * invstd[ch];
            for (long i = 0; i < n; i++)
            {
                int at = (int)(i * c * s + ch * s);
                for (int j = 0; j < s; j++)
                {
                    double gv = double.CreateTruncating(g[at + j]);
                    if (!training) { gx[at + j] = T.CreateTruncating(gv * k); continue; }
                    double xh = (double.CreateTruncating(x[at + j]) - mean[ch]) * invstd[ch];
                    gx[at + j] = T.CreateTruncating(k * (gv - sg / count - xh * sgx / count));
                }
            }
        }
        Store<T>(gradWeight, gw); Store<T>(gradBias, gb);
    }

    // ---------------- layer norm: input (M, K), statistics per row ----------------

    public void LayerNorm(TensorLayout input, TensorLayout? weight, TensorLayout? bias, double eps, TensorLayout output, TensorLayout mean, TensorLayout rstd) =>
        FloatKernel(input.DType, "layer_norm",
            () => LayerNormT<float>(input, weight, bias, eps, output, mean, rstd), () => LayerNormT<double>(input, weight, bias, eps, output, mean, rstd));

    private static void LayerNormT<T>(TensorLayout input, TensorLayout? weight, TensorLayout? bias, double eps, TensorLayout output, TensorLayout mean, TensorLayout rstd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (NormPath(input))
        {
            case VectorPath.Vector512: NormKernels<T, Vector512<T>, Lanes512<T>>.LayerNorm(input, weight, bias, eps, output, mean, rstd); break;
            case VectorPath.Vector256: NormKernels<T, Vector256<T>, Lanes256<T>>.LayerNorm(input, weight, bias, eps, output, mean, rstd); break;
            default: GroupedNormT<T>(input, 1, input.Shape[0], input.Shape[1], weight, bias, perColumn: true, eps, output, mean, rstd); break;
        }
    }

    public void LayerNormBackward(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout mean, TensorLayout rstd,
        TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias, bool accumulateInput) =>
        FloatKernel(input.DType, "layer_norm_backward",
            () => LayerNormBackwardT<float>(grad, input, weight, mean, rstd, gradInput, gradWeight, gradBias, accumulateInput),
            () => LayerNormBackwardT<double>(grad, input, weight, mean, rstd, gradInput, gradWeight, gradBias, accumulateInput));

    private static void LayerNormBackwardT<T>(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout mean, TensorLayout rstd,
        TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias, bool accumulateInput) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (NormPath(input))
        {
            case VectorPath.Vector512: NormKernels<T, Vector512<T>, Lanes512<T>>.LayerNormBackward(grad, input, weight, mean, rstd, gradInput, gradWeight, gradBias, accumulateInput); break;
            case VectorPath.Vector256: NormKernels<T, Vector256<T>, Lanes256<T>>.LayerNormBackward(grad, input, weight, mean, rstd, gradInput, gradWeight, gradBias, accumulateInput); break;
            default: GroupedNormBackwardT<T>(grad, input, 1, input.Shape[0], input.Shape[1], weight, perColumn: true, mean, rstd, gradInput, gradWeight, gradBias, accumulateInput); break;
        }
    }

    // ---------------- rms norm: input (M, K), the root mean square per row ----------------

    public void RmsNorm(TensorLayout input, TensorLayout? weight, double eps, TensorLayout output, TensorLayout rstd) =>
        FloatKernel(input.DType, "rms_norm", () => RmsNormT<float>(input, weight, eps, output, rstd), () => RmsNormT<double>(input, weight, eps, output, rstd));

    private static void RmsNormT<T>(TensorLayout input, TensorLayout? weight, double eps, TensorLayout output, TensorLayout rstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (NormPath(input))
        {
            case VectorPath.Vector512: NormKernels<T, Vector512<T>, Lanes512<T>>.RmsNorm(input, weight, eps, output, rstd); break;
            case VectorPath.Vector256: NormKernels<T, Vector256<T>, Lanes256<T>>.RmsNorm(input, weight, eps, output, rstd); break;
            default: RmsNormReference<T>(input, weight, eps, output, rstd); break;
        }
    }

    /// <summary>y = x · rstd · w with rstd = 1 / sqrt(mean(x²) + eps) per row, the mean square in double.</summary>
    private static void RmsNormReference<T>(TensorLayout input, TensorLayout? weight, double eps, TensorLayout output, TensorLayout rstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long rows = input.Shape[0], cols = input.Shape[1];
        ReadOnlySpan<T> x = Flat<T>(input);
        var y = Flat<T>(output);
        T[]? w = weight is null ? null : Flat<T>(weight).ToArray();
        var rs = Flat<T>(rstd);
        for (long r = 0; r < rows; r++)
        {
            double ss = 0;
            for (long j = 0; j < cols; j++) { double v = double.CreateTruncating(x[(int)(r * cols + j)]); ss += v * v; }
            T k = T.CreateTruncating(1 / Math.Sqrt(ss / cols + eps));
            for (long j = 0; j < cols; j++)
            {
                int at = (int)(r * cols + j);
                y[at] = w is null ? x[at] * k : x[at] * k * w[j];
            }
            rs[(int)r] = k;
        }
    }

    public void RmsNormBackward(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout rstd, TensorLayout? gradInput, TensorLayout? gradWeight) =>
        FloatKernel(input.DType, "rms_norm_backward",
            () => RmsNormBackwardT<float>(grad, input, weight, rstd, gradInput, gradWeight), () => RmsNormBackwardT<double>(grad, input, weight, rstd, gradInput, gradWeight));

    private static void RmsNormBackwardT<T>(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout rstd, TensorLayout? gradInput, TensorLayout? gradWeight)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (NormPath(input))
        {
            case VectorPath.Vector512: NormKernels<T, Vector512<T>, Lanes512<T>>.RmsNormBackward(grad, input, weight, rstd, gradInput, gradWeight); break;
            case VectorPath.Vector256: NormKernels<T, Vector256<T>, Lanes256<T>>.RmsNormBackward(grad, input, weight, rstd, gradInput, gradWeight); break;
            default: RmsNormBackwardReference<T>(grad, input, weight, rstd, gradInput, gradWeight); break;
        }
    }

    /// <summary>gx = r · g·w - x · r³ · mean(g·w·x) per row; gw = Σ over rows of g · x · r (sums in double).</summary>
    private static void RmsNormBackwardReference<T>(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout rstd, TensorLayout? gradInput, TensorLayout? gradWeight)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long rows = input.Shape[0], cols = input.Shape[1];
        ReadOnlySpan<T> x = Flat<T>(input), g = Flat<T>(grad);
        double[]? w = Doubles<T>(weight);
        double[] rs = Doubles<T>(rstd)!;
        var gw = new double[cols];
        var gx = gradInput is null ? default : Flat<T>(gradInput);
        for (long r = 0; r < rows; r++)
        {
            double s = 0;
            for (long j = 0; j < cols; j++)
            {
                int at = (int)(r * cols + j);
                double gv = double.CreateTruncating(g[at]), xv = double.CreateTruncating(x[at]);
                s += gv * (w?[j] ?? 1) * xv;
                gw[j] += gv * xv * rs[r];
            }
            if (gradInput is null) continue;
            double k = rs[r] * rs[r] * rs[r] * s / cols;
            for (long j = 0; j < cols; j++)
            {
                int at = (int)(r * cols + j);
                gx[at] = T.CreateTruncating(double.CreateTruncating(g[at]) * (w?[j] ?? 1) * rs[r] - double.CreateTruncating(x[at]) * k);
            }
        }
        Store<T>(gradWeight, gw);
    }

    // ---------------- group norm: input (N, C, S), statistics per (sample, group) ----------------

    public void GroupNorm(TensorLayout input, long groups, TensorLayout? weight, TensorLayout? bias, double eps, TensorLayout output, TensorLayout mean, TensorLayout rstd) =>
        FloatKernel(input.DType, "group_norm",
            () => GroupNormT<float>(input, groups, weight, bias, eps, output, mean, rstd), () => GroupNormT<double>(input, groups, weight, bias, eps, output, mean, rstd));

    private static void GroupNormT<T>(TensorLayout input, long groups, TensorLayout? weight, TensorLayout? bias, double eps, TensorLayout output, TensorLayout mean, TensorLayout rstd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (NormPath(input))
        {
            case VectorPath.Vector512: NormKernels<T, Vector512<T>, Lanes512<T>>.GroupNorm(input, groups, weight, bias, eps, output, mean, rstd); break;
            case VectorPath.Vector256: NormKernels<T, Vector256<T>, Lanes256<T>>.GroupNorm(input, groups, weight, bias, eps, output, mean, rstd); break;
            default: GroupedNormT<T>(input, input.Shape[1] / groups, input.Shape[0] * groups, input.Shape[1], weight, bias, perColumn: false, eps, output, mean, rstd); break;
        }
    }

    public void GroupNormBackward(TensorLayout grad, TensorLayout input, long groups, TensorLayout? weight, TensorLayout mean, TensorLayout rstd,
        TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias) =>
        FloatKernel(input.DType, "group_norm_backward",
            () => GroupNormBackwardT<float>(grad, input, groups, weight, mean, rstd, gradInput, gradWeight, gradBias),
            () => GroupNormBackwardT<double>(grad, input, groups, weight, mean, rstd, gradInput, gradWeight, gradBias));

    private static void GroupNormBackwardT<T>(TensorLayout grad, TensorLayout input, long groups, TensorLayout? weight, TensorLayout mean, TensorLayout rstd,
        TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (NormPath(input))
        {
            case VectorPath.Vector512: NormKernels<T, Vector512<T>, Lanes512<T>>.GroupNormBackward(grad, input, groups, weight, mean, rstd, gradInput, gradWeight, gradBias); break;
            case VectorPath.Vector256: NormKernels<T, Vector256<T>, Lanes256<T>>.GroupNormBackward(grad, input, groups, weight, mean, rstd, gradInput, gradWeight, gradBias); break;
            default: GroupedNormBackwardT<T>(grad, input, input.Shape[1] / groups, input.Shape[0] * groups, input.Shape[1], weight, perColumn: false, mean, rstd, gradInput, gradWeight, gradBias); break;
        }
    }

    /// <summary>
    /// Normalizes <paramref name="rows"/> consecutive groups of the flat input. Layer norm (perColumn): each group
    /// is one row of <paramref name="channels"/> elements (a 2-D input) and the affine index is the column. Group
    /// norm: each group is <paramref name="channelsPerGroup"/> of the <paramref name="channels"/> channels of S
    /// elements each, and the affine index is the channel.
    /// </summary>
    private static void GroupedNormT<T>(TensorLayout input, long channelsPerGroup, long rows, long channels, TensorLayout? weight, TensorLayout? bias, bool perColumn,
        double eps, TensorLayout output, TensorLayout mean, TensorLayout rstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> x = Flat<T>(input);
        var y = Flat<T>(output);
        long size = rows == 0 ? 0 : x.Length / rows;
        long s = perColumn ? 1 : size / Math.Max(1, channelsPerGroup);
        long c = channels;
        double[]? w = Doubles<T>(weight), b = Doubles<T>(bias);
        var mu = new double[rows]; var rs = new double[rows];
        for (long r = 0; r < rows; r++)
        {
            var (m, v) = Moments(x, r * size, 1, size, size);
            mu[r] = m; rs[r] = 1 / Math.Sqrt(v + eps);
            for (long j = 0; j < size; j++)
            {
                long ch = perColumn ? j : (r * channelsPerGroup + j / s) % c;
                int at = (int)(r * size + j);
                double v0 = (double.CreateTruncating(x[at]) - m) * rs[r];
                y[at] = T.CreateTruncating(v0 * (w?[ch] ?? 1) + (b?[ch] ?? 0));
            }
        }
        Store<T>(mean, mu); Store<T>(rstd, rs);
    }

    private static void GroupedNormBackwardT<T>(TensorLayout grad, TensorLayout input, long channelsPerGroup, long rows, long channels, TensorLayout? weight, bool perColumn,
        TensorLayout mean, TensorLayout rstd, TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias, bool accumulateInput = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<T> x = Flat<T>(input), g = Flat<T>(grad);
        long size = rows == 0 ? 0 : x.Length / rows;
        long s = perColumn ? 1 : size / Math.Max(1, channelsPerGroup);
        long c = channels;
        double[]? w = Doubles<T>(weight);
        double[] mu = Doubles<T>(mean)!, rs = Doubles<T>(rstd)!;
        var gw = new double[c]; var gb = new double[c];
        var gx = gradInput is null ? default : Flat<T>(gradInput);
        for (long r = 0; r < rows; r++)
        {
            double sgw = 0, sgwx = 0;
            for (long j = 0; j < size; j++)
            {
                long ch = perColumn ? j : (r * channelsPerGroup + j / s) % c;
                int at = (int)(r * size + j);
                double gv = double.CreateTruncating(g[at]), xh = (double.CreateTruncating(x[at]) - mu[r]) * rs[r];
                gw[ch] += gv * xh; gb[ch] += gv;
                double gy = gv * (w?[ch] ?? 1);
                sgw += gy; sgwx += gy * xh;
            }
            if (gradInput is null) continue;
            for (long j = 0; j < size; j++)
            {
                long ch = perColumn ? j : (r * channelsPerGroup + j / s) % c;
                int at = (int)(r * size + j);
                double gy = double.CreateTruncating(g[at]) * (w?[ch] ?? 1), xh = (double.CreateTruncating(x[at]) - mu[r]) * rs[r];
                T v = T.CreateTruncating(rs[r] * (gy - sgw / size - xh * sgwx / size));
                gx[at] = accumulateInput ? gx[at] + v : v;
            }
        }
        Store<T>(gradWeight, gw); Store<T>(gradBias, gb);
    }

    // ---------------- embedding ----------------

    public void Embedding(TensorLayout weight, TensorLayout indices, TensorLayout result) =>
        FloatKernel(weight.DType, "embedding",
            () => EmbeddingT<float>(weight, indices, result), () => EmbeddingT<double>(weight, indices, result));

    private static void EmbeddingT<T>(TensorLayout weight, TensorLayout indices, TensorLayout result) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<long> idx = Flat<long>(indices);
        long v = weight.Shape[0];
        int d = (int)weight.Shape[1];
        foreach (var k in idx) if (k < 0 || k >= v) throw new IndexOutOfRangeException("index out of range in self");
        ReadOnlySpan<T> w = Flat<T>(weight);
        var y = Flat<T>(result);
        for (int i = 0; i < idx.Length; i++) w.Slice((int)idx[i] * d, d).CopyTo(y.Slice(i * d, d));
    }

    public void EmbeddingBackward(TensorLayout grad, TensorLayout indices, long paddingIdx, TensorLayout gradWeight) =>
        FloatKernel(grad.DType, "embedding_backward",
            () => EmbeddingBackwardT<float>(grad, indices, paddingIdx, gradWeight), () => EmbeddingBackwardT<double>(grad, indices, paddingIdx, gradWeight));

    private static void EmbeddingBackwardT<T>(TensorLayout grad, TensorLayout indices, long paddingIdx, TensorLayout gradWeight) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ReadOnlySpan<long> idx = Flat<long>(indices);
        int d = (int)gradWeight.Shape[1];
        ReadOnlySpan<T> g = Flat<T>(grad);
        var gw = Flat<T>(gradWeight);
        gw.Clear();
        for (int i = 0; i < idx.Length; i++)
        {
            if (idx[i] == paddingIdx) continue;
            var dst = gw.Slice((int)idx[i] * d, d);
            var src = g.Slice(i * d, d);
            for (int j = 0; j < d; j++) dst[j] += src[j];
        }
    }
}
