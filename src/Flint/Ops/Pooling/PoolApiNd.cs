using Flint.Backends;
using Flint.Ops.Pooling;

namespace Flint
{
    public static partial class torch
    {
        public static partial class nn
        {
            public static partial class functional
            {
                /// <summary>3-D max pooling over (N, C, D, H, W) or (C, D, H, W); stride defaults to kernel_size.</summary>
                public static Tensor max_pool3d(Tensor input, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null, SizeArg? dilation = null, bool ceil_mode = false)
                    => PoolChecks.MaxPool3dCore(input, kernel_size, stride, padding, dilation, ceil_mode).Item1;

                /// <summary>3-D max pooling that also returns the flat ((d·H + h)·W + w) position of each maximum in its volume.</summary>
                public static (Tensor output, Tensor indices) max_pool3d_with_indices(Tensor input, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
                    SizeArg? dilation = null, bool ceil_mode = false)
                    => PoolChecks.MaxPool3dCore(input, kernel_size, stride, padding, dilation, ceil_mode);

                /// <summary>1-D average pooling over (N, C, L) or (C, L): a 2-D pool over a height-1 view, as PyTorch's.</summary>
                public static Tensor avg_pool1d(Tensor input, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null, bool ceil_mode = false,
                    bool count_include_pad = true) => PoolChecks.AvgPool1dCore(input, kernel_size, stride, padding, ceil_mode, count_include_pad);

                /// <summary>3-D average pooling over (N, C, D, H, W) or (C, D, H, W); stride defaults to kernel_size.</summary>
                public static Tensor avg_pool3d(Tensor input, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null, bool ceil_mode = false,
                    bool count_include_pad = true, long? divisor_override = null)
                    => PoolChecks.AvgPool3dCore(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);

                /// <summary>Average pooling of (N, C, L) or (C, L) to a fixed length.</summary>
                public static Tensor adaptive_avg_pool1d(Tensor input, SizeArg output_size) =>
                    PoolChecks.AdaptiveAvgCore(PoolChecks.As1d(input, output_size, "adaptive_avg_pool1d", out var o), (1L, o)).squeeze(-2);

                /// <summary>Max pooling of (N, C, L) or (C, L) to a fixed length.</summary>
                public static Tensor adaptive_max_pool1d(Tensor input, SizeArg output_size) => adaptive_max_pool1d_with_indices(input, output_size).output;

                /// <summary>1-d adaptive max pooling to <paramref name="output_size"/> that also returns the positions of the maxima.</summary>
                public static (Tensor output, Tensor indices) adaptive_max_pool1d_with_indices(Tensor input, SizeArg output_size)
                {
                    var (y, i) = PoolChecks.AdaptiveMaxCore(PoolChecks.As1d(input, output_size, "adaptive_max_pool1d", out var o), (1L, o));
                    return (y.squeeze(-2), i.squeeze(-2));
                }

                /// <summary>Average pooling of (N, C, D, H, W) or (C, D, H, W) to a fixed size.</summary>
                public static Tensor adaptive_avg_pool3d(Tensor input, SizeArg output_size) => PoolChecks.AdaptiveAvg3dCore(input, output_size);

                /// <summary>Max pooling of (N, C, D, H, W) or (C, D, H, W) to a fixed size.</summary>
                public static Tensor adaptive_max_pool3d(Tensor input, SizeArg output_size) => PoolChecks.AdaptiveMax3dCore(input, output_size).Item1;

                /// <summary>3-d adaptive max pooling to <paramref name="output_size"/> that also returns the positions of the maxima.</summary>
                public static (Tensor output, Tensor indices) adaptive_max_pool3d_with_indices(Tensor input, SizeArg output_size) => PoolChecks.AdaptiveMax3dCore(input, output_size);

                /// <summary>The partial inverse of max_pool1d: each value goes to its index, every other position is zero.</summary>
                public static Tensor max_unpool1d(Tensor input, Tensor indices, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null, long[]? output_size = null)
                {
                    var size = PoolChecks.UnpoolSize(input, kernel_size, stride, padding, output_size, 1);
                    // as PyTorch: a 2-d unpool over a width-1 view
                    return PoolChecks.Unpool(input.unsqueeze(-1), indices.unsqueeze(-1), [size[0], 1], 2).squeeze(-1);
                }

                /// <summary>The partial inverse of max_pool2d: each value goes to its index, every other position is zero.</summary>
                public static Tensor max_unpool2d(Tensor input, Tensor indices, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null, long[]? output_size = null)
                    => PoolChecks.Unpool(input, indices, PoolChecks.UnpoolSize(input, kernel_size, stride, padding, output_size, 2), 2);

                /// <summary>The partial inverse of max_pool3d: each value goes to its index, every other position is zero.</summary>
                public static Tensor max_unpool3d(Tensor input, Tensor indices, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null, long[]? output_size = null)
                    => PoolChecks.Unpool(input, indices, PoolChecks.UnpoolSize(input, kernel_size, stride, padding, output_size, 3), 3);

                /// <summary>Power-average pooling over (N, C, L) or (C, L): (Σ xᵖ)^(1/p) over each window, composed as PyTorch's.</summary>
                public static Tensor lp_pool1d(Tensor input, double norm_type, long kernel_size, long? stride = null, bool ceil_mode = false)
                {
                    var @out = avg_pool1d(input.pow(norm_type), kernel_size, stride is { } s ? (SizeArg)s : (SizeArg?)null, 0, ceil_mode);
                    return PoolChecks.LpFinish(@out, kernel_size, norm_type);
                }

                /// <summary>Power-average pooling over (N, C, H, W) or (C, H, W): (Σ xᵖ)^(1/p) over each window, composed as PyTorch's.</summary>
                public static Tensor lp_pool2d(Tensor input, double norm_type, SizeArg kernel_size, SizeArg? stride = null, bool ceil_mode = false)
                {
                    var k = kernel_size.Expand(2);
                    var @out = avg_pool2d(input.pow(norm_type), kernel_size, stride, (SizeArg)0, ceil_mode);
                    return PoolChecks.LpFinish(@out, k.Length == 2 ? k[0] * k[1] : k[0], norm_type);
                }
            }
        }
    }
}

namespace Flint.Ops.Pooling
{
    internal static partial class PoolChecks
    {
        /// <summary>PyTorch's checks of a 3-d pool (pool3d_shape_check), after the output size is known.</summary>
        private static void Shape3dCheck(Tensor x, long[] k, long[] s, long[] d, long[] o, bool checkInputSize, string fn)
        {
            if (k.Any(v => v <= 0)) throw new ArgumentException($"kernel size should be greater than zero, but got kT: {k[0]} kH: {k[1]} kW: {k[2]}");
            if (s.Any(v => v <= 0)) throw new ArgumentException($"stride should be greater than zero, but got dT: {s[0]} dH: {s[1]} dW: {s[2]}");
            if (d.Any(v => v <= 0)) throw new ArgumentException($"dilation should be greater than zero, but got dilationT: {d[0]} dilationH: {d[1]} dilationW: {d[2]}");
            for (int i = x.ndim == 5 ? 1 : 0; i < x.ndim; i++)
                if (x._shape[i] == 0)
                    // PyTorch's text names the dim's size where it means its index
                    throw new ArgumentException($"{fn}: Expected input's non-batch dimensions to have positive length, but input has a shape of {Shape.Str(x._shape)} and non-batch dimension {x._shape[i]} has length zero!");
            long c = x._shape[^4], t = x._shape[^3], h = x._shape[^2], w = x._shape[^1];
            if (checkInputSize && (t < k[0] || h < k[1] || w < k[2]))
                throw new ArgumentException($"input image (T: {t} H: {h} W: {w}) smaller than kernel size (kT: {k[0]} kH: {k[1]} kW: {k[2]})");
            if (o.Any(v => v < 1))
                throw new ArgumentException($"Given input size: ({c}x{t}x{h}x{w}). Calculated output size: ({c}x{o[0]}x{o[1]}x{o[2]}). Output size is too small");
        }

        private static void Check3dInput(Tensor x)
        {
            if (x.ndim != 4 && x.ndim != 5) throw new ArgumentException("non-empty 4D or 5D (batch mode) tensor expected for input");
        }

        private static long[] OutputSizes(Tensor x, long[] k, long[] s, long[] p, long[] d, bool ceil) =>
            k.Select((_, i) => Pools.OutputSize(x._shape[x.ndim - k.Length + i], k[i], p[i], s[i], d[i], ceil)).ToArray();

        internal static (Tensor, Tensor) MaxPool3dCore(Tensor input, SizeArg kernel_size, SizeArg? stride, SizeArg? padding, SizeArg? dilation, bool ceil_mode)
        {
            var k = Pools.Tuple(kernel_size, null, 3, "max_pool3d: kernel_size must either be a single int, or a tuple of three ints");
            var s = Pools.Tuple(stride, k, 3, "max_pool3d: stride must either be omitted, a single int, or a tuple of three ints");
            var p = Pools.Tuple(padding, [0, 0, 0], 3, "max_pool3d: padding must be either be a single int, or a tuple of three ints");
            var d = Pools.Tuple(dilation, [1, 1, 1], 3, "max_pool3d: dilation must be either a single int, or a tuple of three ints");
            Check3dInput(input);
            var o = OutputSizes(input, k, s, p, d, ceil_mode);
            Shape3dCheck(input, k, s, d, o, checkInputSize: false, "max_pool3d_with_indices_out_cpu_template()");
            Pools.CheckFloat(input, "max_pool3d_with_indices_cpu");
            var g = Geometry("max_pool3d", input._shape[^3..], k, s, p, d, o);
            return Pools.MaxPool(input, g, 3);
        }

        internal static Tensor AvgPool3dCore(Tensor input, SizeArg kernel_size, SizeArg? stride, SizeArg? padding, bool ceil_mode,
            bool count_include_pad, long? divisor_override)
        {
            var k = Pools.Tuple(kernel_size, null, 3, "avg_pool3d: kernel_size must be a single int, or a tuple of three ints");
            var s = Pools.Tuple(stride, k, 3, "avg_pool3d: stride must be omitted, a single int, or a tuple of three ints");
            var p = Pools.Tuple(padding, [0, 0, 0], 3, "avg_pool3d: padding must be a single int, or a tuple of three ints");
            if (divisor_override is 0) throw new ArgumentException("divisor must be not zero");
            Check3dInput(input);
            long[] one = [1, 1, 1];
            var o = OutputSizes(input, k, s, p, one, ceil_mode);
            Shape3dCheck(input, k, s, one, o, checkInputSize: true, "avg_pool3d()");
            Pools.CheckFloat(input, "avg_pool3d_out_frame", allowInt64: true);
            var g = Geometry("avg_pool3d", input._shape[^3..], k, s, p, one, o);
            return Pools.AvgPool(input, g, count_include_pad, divisor_override ?? 0, 3);
        }

        /// <summary>A 1-d pool's single-int argument, PyTorch's check of it.</summary>
        private static long OneInt(SizeArg? arg, long dflt, string op, string name)
        {
            if (arg is not { } a || a.Text is null && a.Values.Length == 0) return dflt;
            if (a.Text is not null || a.Values.Length != 1)
                throw new ArgumentException($"{op}() argument '{name}' should contain one int (got {a.Values.Length})");
            return a.Values[0];
        }

        private static void CheckDimRange(Tensor x, string op)
        {
            if (x.ndim < 2 || x.ndim > 3)
                throw new ArgumentException($"Expected 2 to 3 dimensions, but got {x.ndim}-dimensional tensor for argument #1 'self' (while checking arguments for {op})");
        }

        internal static Tensor AvgPool1dCore(Tensor input, SizeArg kernel_size, SizeArg? stride, SizeArg? padding, bool ceil_mode, bool count_include_pad)
        {
            long k = OneInt(kernel_size, 0, "avg_pool1d", "kernel_size");
            long s = OneInt(stride, k, "avg_pool1d", "stride");
            long p = OneInt(padding, 0, "avg_pool1d", "padding");
            CheckDimRange(input, "avg_pool1d");
            return AvgPool2dCore(input.unsqueeze(-2), new long[] { 1, k }, new long[] { 1, s }, new long[] { 0, p }, ceil_mode, count_include_pad, null).squeeze(-2);
        }

        /// <summary>A 1-d adaptive pool's input as the height-1 input of the 2-d pool PyTorch runs, and its output length.</summary>
        internal static Tensor As1d(Tensor input, SizeArg output_size, string op, out long o)
        {
            if (output_size.Text is not null || output_size.Values.Length != 1)
                throw new ArgumentException($"{op}() argument 'output_size' should contain one int (got {output_size.Values.Length})");
            o = output_size.Values[0];
            CheckDimRange(input, op);
            return input.unsqueeze(-2);
        }

        internal static Tensor AdaptiveAvg3dCore(Tensor input, SizeArg output_size)
        {
            var g = AdaptiveGeometry(input, output_size, "adaptive_avg_pool3d", "adaptive_avg_pool3d: output_size must be 3", " ", 3);
            Pools.CheckFloat(input, "adaptive_avg_pool3d_cpu");
            // PyTorch takes a plain mean for a 1×1×1 output
            if (g.OD == 1 && g.OH == 1 && g.OW == 1) return input.mean([-1, -2, -3], keepdim: true);
            return Pools.AdaptiveAvg(input, g, 3);
        }

        internal static (Tensor, Tensor) AdaptiveMax3dCore(Tensor input, SizeArg output_size)
        {
            var g = AdaptiveGeometry(input, output_size, "adaptive_max_pool3d", "adaptive_max_pool3d(): internal error: output_size.size() must be 3", ": ", 3);
            Pools.CheckFloat(input, "adaptive_max_pool3d_cpu");
            return Pools.AdaptiveMax(input, g, 3);
        }

        /// <summary>
        /// The output size of a max_unpool (PyTorch's _unpool_output_size): (in − 1)·stride + kernel − 2·padding, or
        /// output_size (with or without its batch and channel dims) where it lies strictly within a stride of that.
        /// </summary>
        internal static long[] UnpoolSize(Tensor input, SizeArg kernel_size, SizeArg? stride, SizeArg? padding, long[]? output_size, int dims)
        {
            long[] Expand(SizeArg a, string name)
            {
                var v = a.Expand(dims);
                if (a.Text is not null || v.Length != dims) throw new ArgumentException($"max_unpool{dims}d: {name} must be a single int or a tuple of {dims} ints");
                return v;
            }
            var k = Expand(kernel_size, "kernel_size");
            var s = stride is { Values.Length: > 0 } st ? Expand(st, "stride") : k;
            var p = padding is { } pa ? Expand(pa, "padding") : new long[dims];
            if (input.ndim < dims)
                throw new ArgumentException($"Input to max_unpooling{Math.Max(2, dims)}d should be a {Math.Max(2, dims) + 1}d or {Math.Max(2, dims) + 2}d Tensor, but got a tensor with {input.ndim} dimensions.");
            var dflt = k.Select((_, d) => (input._shape[input.ndim - dims + d] - 1) * s[d] + k[d] - 2 * p[d]).ToArray();
            if (output_size is null) return dflt;
            var o = output_size.Length == dims + 2 ? output_size[2..] : output_size;
            if (o.Length != dims)
                throw new ArgumentException($"output_size should be a sequence containing {dims} or {dims + 2} elements, but it has a length of '{o.Length}'");
            for (int d = 0; d < dims; d++)
            {
                long min = dflt[d] - s[d], max = dflt[d] + s[d];
                if (!(min < o[d] && o[d] < max))
                    throw new ArgumentException($"invalid output_size \"[{string.Join(", ", o)}]\" (dim {d} must be between {min} and {max})");
            }
            return o;
        }

        /// <summary>PyTorch's max_unpooling2d/3d: checks of the values and indices, then the recorded unpool.</summary>
        internal static Tensor Unpool(Tensor input, Tensor indices, long[] size, int dims)
        {
            if (indices.dtype != DType.Int64)
                throw new ArgumentException($"elements in indices should be type int64 but got: {indices.dtype.LegacyName}");
            if (input.ndim != dims + 1 && input.ndim != dims + 2)
                throw new ArgumentException($"Input to max_unpooling{dims}d should be a {dims + 1}d or {dims + 2}d Tensor, but got a tensor with {input.ndim} dimensions.");
            if (!input._shape.SequenceEqual(indices._shape))
                throw new ArgumentException($"Expected shape of indices to be same as that of the input tensor ({Shape.Str(input._shape)}) but got indices tensor with shape: {Shape.Str(indices._shape)}");
            for (int i = 1; i < input.ndim; i++)
                if (input._shape[i] == 0)
                    throw new ArgumentException($"max_unpooling{dims}d(): Expected input to have non-zero size for non-batch dimensions, but got {Shape.Str(input._shape)} with dimension {i} being empty.");
            var dt = input.dtype;
            if (!(dt == DType.Float32 || dt == DType.Float64 || dt == DType.BFloat16 || dt == DType.Float16))
                throw new NotSupportedException($"\"max_unpool{dims}d\" not implemented for '{dt.LegacyName}'");
            long plane = Shape.Numel(size);
            // a meta tensor holds no indices to check
            if (indices.numel() > 0 && indices.device.type != DeviceType.Meta)
            {
                using var _ = torch.no_grad();
                var flat = indices.flatten();
                var invalid = flat.lt(0).logical_or(flat.ge(plane));
                if (invalid.any().item<bool>())
                    // the last one in order: PyTorch's loop keeps overwriting the one it reports
                    throw new ArgumentException($"Found an invalid max index: {flat.masked_select(invalid)[-1].item<long>()} (output volumes are of size {string.Join("x", size)}");
            }
            return Pools.Unpool(input, indices, size, dims);
        }

        /// <summary>The end of lp_pool: sign(out)·relu(|out|)·(kernel taps), to the power 1/p.</summary>
        internal static Tensor LpFinish(Tensor @out, long taps, double normType) =>
            (torch.sign(@out) * torch.relu(torch.abs(@out))).mul(taps).pow(1.0 / normType);
    }
}
