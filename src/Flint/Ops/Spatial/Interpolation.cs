using System.Numerics;
using Flint.Backends;

namespace Flint.Ops.Spatial;

/// <summary>
/// F.interpolate: PyTorch's argument rules (nn/functional.py), its output sizes and its source-index arithmetic
/// (ATen's UpSample.h), as one table per spatial dim that the backend applies dim by dim.
/// </summary>
internal static class Interpolation
{
    private static readonly ResampleOp[] Nearest = [new("UpsampleNearest1DBackward0"), new("UpsampleNearest2DBackward0"), new("UpsampleNearest3DBackward0")];
    private static readonly ResampleOp[] NearestExact =
        [new("UpsampleNearestExact1DBackward0"), new("UpsampleNearestExact2DBackward0"), new("UpsampleNearestExact3DBackward0")];
    private static readonly ResampleOp[] Linear = [new("UpsampleLinear1DBackward0"), new("UpsampleBilinear2DBackward0"), new("UpsampleTrilinear3DBackward0")];
    private static readonly ResampleOp Bicubic = new("UpsampleBicubic2DBackward0");

    private const string Modes = "nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact";

    internal static Tensor Interpolate(Tensor input, SizeArg? size, ScaleArg? scale_factor, string mode, bool? align_corners,
        bool? recompute_scale_factor, bool antialias)
    {
        bool interpolating = mode is not ("nearest" or "area" or "nearest-exact");
        if (!interpolating && align_corners is not null)
            throw new ArgumentException("align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear");
        bool align = align_corners ?? false;
        int dim = input.ndim - 2;
        long[] outSize;
        double[]? scales = null;
        if (size is not null && scale_factor is not null) throw new ArgumentException("only one of size or scale_factor should be defined");
        if (size is { } sz)
        {
            if (sz.Text is not null) throw new ArgumentException("expected size to be one of int or Tuple[int] or Tuple[int, int] or Tuple[int, int, int], but got size with types [<class 'str'>]");
            if (!sz.IsSingle && sz.Values.Length != dim)
                throw new ArgumentException($"Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of {Spatial(input)} and output size of {sz}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.");
            outSize = sz.IsSingle ? Enumerable.Repeat(sz.Values[0], Math.Max(dim, 0)).ToArray() : sz.Values;
        }
        else if (scale_factor is { } sf)
        {
            if (!sf.IsSingle && sf.Values.Length != dim)
                throw new ArgumentException($"Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of {Spatial(input)} and scale_factor of shape {sf}. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.");
            scales = sf.IsSingle ? Enumerable.Repeat(sf.Values[0], Math.Max(dim, 0)).ToArray() : sf.Values;
            outSize = new long[scales.Length];
            for (int i = 0; i < scales.Length; i++) outSize[i] = (long)Math.Floor(input._shape[i + 2] * scales[i]);
        }
        else throw new ArgumentException("either size or scale_factor should be defined");
        if (recompute_scale_factor == true && size is not null) throw new ArgumentException("recompute_scale_factor is not meaningful with an explicit size.");
        // area always works from the size (PyTorch takes the recompute path for it)
        if (recompute_scale_factor == true || mode == "area") scales = null;
        if (antialias && !(mode is "bilinear" or "bicubic" && input.ndim == 4))
            throw new ArgumentException("Anti-alias option is restricted to bilinear and bicubic modes and requires a 4-D tensor as input");

        switch (input.ndim, mode)
        {
            case (3 or 4 or 5, "nearest" or "nearest-exact"):
                Check(input, outSize, "compute_indices_weights_nearest", bf16: mode == "nearest", u8: true);
                return Resampling.Run(input, NearestTables(input, outSize, scales, mode == "nearest-exact"), (mode == "nearest" ? Nearest : NearestExact)[dim - 1]);
            case (3 or 4 or 5, "area"):
                return Area(input, outSize);
            case (3, "linear"):
            case (4, "bilinear"):
            case (5, "trilinear"):
                if (antialias) throw AntialiasUnsupported();
                Check(input, outSize, "compute_indices_weights_linear", bf16: true, u8: false);
                return Resampling.Run(input, WeightedTables(input, outSize, scales, align, cubic: false), Linear[dim - 1]);
            case (4, "bicubic"):
                if (antialias) throw AntialiasUnsupported();
                Check(input, outSize, "compute_indices_weights_cubic", bf16: true, u8: false);
                return Resampling.Run(input, WeightedTables(input, outSize, scales, align, cubic: true), Bicubic);
            case (3, "bilinear"): throw new NotSupportedException("Got 3D input, but bilinear mode needs 4D input");
            case (3, "trilinear"): throw new NotSupportedException("Got 3D input, but trilinear mode needs 5D input");
            case (4, "linear"): throw new NotSupportedException("Got 4D input, but linear mode needs 3D input");
            case (4, "trilinear"): throw new NotSupportedException("Got 4D input, but trilinear mode needs 5D input");
            case (5, "linear"): throw new NotSupportedException("Got 5D input, but linear mode needs 3D input");
            case (5, "bilinear"): throw new NotSupportedException("Got 5D input, but bilinear mode needs 4D input");
        }
        throw new NotSupportedException($"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for the modes: {Modes} (got {mode})");
    }

    private static NotSupportedException AntialiasUnsupported() =>
        new("interpolate: antialias=True is not supported by Flint yet (its anti-aliasing filter of bilinear and bicubic downsampling is not implemented)");

    private static string Spatial(Tensor x) => "[" + string.Join(", ", x._shape.Skip(2)) + "]";

    /// <summary>PyTorch's upsample shape checks (sizes above zero, non-empty non-batch dims), then the kernel's dtypes.</summary>
    private static void Check(Tensor x, long[] outSize, string kernel, bool bf16, bool u8)
    {
        int k = outSize.Length;
        long[] inSize = x._shape[2..];
        if (inSize.Any(s => s <= 0) || outSize.Any(s => s <= 0))
        {
            string[] names = k == 1 ? ["W"] : k == 2 ? ["H", "W"] : ["D", "H", "W"];
            string Sizes(long[] v) => string.Join(", ", names.Select((n, i) => $"{n}: {v[i]}"));
            throw new ArgumentException(k == 1
                ? $"Input and output sizes should be greater than 0, but got input ({Sizes(inSize)}) and output ({Sizes(outSize)})"
                : $"Input and output sizes should be greater than 0, but got input ({Sizes(inSize)}) output ({Sizes(outSize)})");
        }
        if (x.numel() == 0 && Shape.Numel(x._shape[1..]) == 0)
            throw new ArgumentException($"Non-empty {x.ndim}D data tensor expected but got a tensor with sizes {Shape.Str(x._shape)}");
        var d = x.dtype;
        if (!(d == DType.Float32 || d == DType.Float64 || (bf16 && d == DType.BFloat16) || (u8 && d == DType.UInt8)))
            throw new NotSupportedException($"\"{kernel}\" not implemented for '{d.LegacyName}'");
    }

    /// <summary>The scale PyTorch's kernels use when given (and positive), else input/output (compute_scales_value).</summary>
    private static T ScaleValue<T>(double? scale, long n, long m) where T : IFloatingPointIeee754<T> =>
        scale is > 0 ? T.CreateTruncating(1.0 / scale.Value) : T.CreateTruncating(n) / T.CreateTruncating(m);

    private static ResampleTable?[] NearestTables(Tensor x, long[] outSize, double[]? scales, bool exact)
    {
        var tables = new ResampleTable?[outSize.Length];
        for (int j = 0; j < outSize.Length; j++)
        {
            long n = x._shape[2 + j], m = outSize[j];
            var index = new int[checked((int)m)];
            float s = ScaleValue<float>(scales?[j], n, m);
            for (long o = 0; o < m; o++)
            {
                long src;
                if (exact) src = (long)MathF.Floor((float)((o + 0.5) * s));
                else if (m == n) src = o;
                else if (m == 2 * n) src = o >> 1;
                else src = (long)MathF.Floor(o * s);
                index[o] = (int)Math.Min(src, n - 1);
            }
            tables[j] = new ResampleTable(1, index, null);
        }
        return tables;
    }

    private static ResampleTable?[] WeightedTables(Tensor x, long[] outSize, double[]? scales, bool align, bool cubic)
    {
        var tables = new ResampleTable?[outSize.Length];
        for (int j = 0; j < outSize.Length; j++)
        {
            long n = x._shape[2 + j], m = outSize[j];
            double? s = scales?[j];
            var t = x.dtype == DType.Float64 ? WeightedTable<double>(n, m, s, align, cubic) : WeightedTable<float>(n, m, s, align, cubic);
            // PyTorch keeps the weights in the input's dtype (computed in float, accumulated in float)
            if (x.dtype == DType.BFloat16)
                for (int i = 0; i < t.Weights!.Length; i++) t.Weights[i] = (double)(BFloat16)t.Weights[i];
            tables[j] = t;
        }
        return tables;
    }

    /// <summary>
    /// The taps of one dim in the kernel's arithmetic type T (float for float32 and bfloat16): linear reads two
    /// neighbours, cubic four (clamped to the border) with Keys' weights for A = -0.75.
    /// </summary>
    private static ResampleTable WeightedTable<T>(long n, long m, double? scale, bool align, bool cubic) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int taps = cubic ? 4 : 2;
        var index = new int[checked((int)(m * taps))];
        var weights = new double[index.Length];
        Span<T> c = stackalloc T[4];
        T ratio = align ? (m > 1 ? T.CreateTruncating(n - 1) / T.CreateTruncating(m - 1) : T.Zero) : ScaleValue<T>(scale, n, m);
        for (long o = 0; o < m; o++)
        {
            int at = (int)(o * taps);
            if (!cubic && m == n)
            {
                index[at] = index[at + 1] = (int)o;
                weights[at] = 1;
                continue;
            }
            T real = align ? ratio * T.CreateTruncating(o) : T.CreateTruncating(double.CreateTruncating(ratio) * (o + 0.5) - 0.5);
            if (!cubic && !align && real < T.Zero) real = T.Zero;
            long i0 = Math.Min((long)MathF.Floor(float.CreateTruncating(real)), n - 1);
            T lambda = T.Min(T.Max(real - T.CreateTruncating(i0), T.Zero), T.One);
            if (cubic)
            {
                CubicCoefficients(lambda, c);
                for (int k = 0; k < 4; k++)
                {
                    index[at + k] = (int)Math.Clamp(i0 - 1 + k, 0, n - 1);
                    weights[at + k] = double.CreateTruncating(c[k]);
                }
            }
            else
            {
                index[at] = (int)i0;
                index[at + 1] = (int)(i0 < n - 1 ? i0 + 1 : i0);
                weights[at] = double.CreateTruncating(T.One - lambda);
                weights[at + 1] = double.CreateTruncating(lambda);
            }
        }
        return new ResampleTable(taps, index, weights);
    }

    private static void CubicCoefficients<T>(T t, Span<T> c) where T : IFloatingPointIeee754<T>
    {
        T a = T.CreateTruncating(-0.75), one = T.One;
        T x1 = t, x2 = one - t;
        c[0] = Convolution2(x1 + one, a);
        c[1] = Convolution1(x1, a);
        c[2] = Convolution1(x2, a);
        c[3] = Convolution2(x2 + one, a);
    }

    private static T Convolution1<T>(T x, T a) where T : IFloatingPointIeee754<T> =>
        ((a + T.CreateTruncating(2)) * x - (a + T.CreateTruncating(3))) * x * x + T.One;

    private static T Convolution2<T>(T x, T a) where T : IFloatingPointIeee754<T> =>
        ((a * x - T.CreateTruncating(5) * a) * x + T.CreateTruncating(8) * a) * x - T.CreateTruncating(4) * a;

    /// <summary>area: adaptive average pooling to the output size (1-D through the 2-D pool, as PyTorch's adaptive_avg_pool1d; 3-D through adaptive_avg_pool3d).</summary>
    private static Tensor Area(Tensor x, long[] outSize)
    {
        switch (x.ndim)
        {
            case 3: return torch.nn.functional.adaptive_avg_pool2d(x.unsqueeze(-2), new long[] { 1, outSize[0] }).squeeze(-2);
            case 4: return torch.nn.functional.adaptive_avg_pool2d(x, outSize);
            default: return torch.nn.functional.adaptive_avg_pool3d(x, outSize);
        }
    }
}
