using Flint.Backends;
using Flint.Ops.Pooling;
using static Flint.torch;

namespace Flint
{
    public static partial class torch
    {
        /// <summary>2-D max pooling over (N, C, H, W) or (C, H, W); stride defaults to kernel_size.</summary>
        public static Tensor max_pool2d(Tensor input, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null, SizeArg? dilation = null, bool ceil_mode = false)
            => PoolChecks.MaxPool2dCore(input, kernel_size, stride, padding, dilation, ceil_mode).Item1;

        /// <summary>1-D max pooling over (N, C, L) or (C, L); stride defaults to kernel_size.</summary>
        public static Tensor max_pool1d(Tensor input, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null, SizeArg? dilation = null, bool ceil_mode = false)
            => PoolChecks.MaxPool1dCore(input, kernel_size, stride, padding, dilation, ceil_mode).Item1;

        /// <summary>1-d max pooling that also returns the position of each maximum, as <c>F.max_pool1d(..., return_indices=True)</c>.</summary>
        public static (Tensor output, Tensor indices) max_pool1d_with_indices(Tensor input, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null, SizeArg? dilation = null, bool ceil_mode = false)
            => PoolChecks.MaxPool1dCore(input, kernel_size, stride, padding, dilation, ceil_mode);

        public static partial class nn
        {
            public static partial class functional
            {
                /// <summary>2-D max pooling; <see cref="max_pool2d_with_indices"/> is the form with return_indices=True.</summary>
                public static Tensor max_pool2d(Tensor input, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null, SizeArg? dilation = null, bool ceil_mode = false)
                    => torch.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode);
                /// <summary>2-D max pooling that also returns the flat (h·W + w) position of each maximum in its plane.</summary>
                public static (Tensor output, Tensor indices) max_pool2d_with_indices(Tensor input, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null, SizeArg? dilation = null, bool ceil_mode = false)
                    => PoolChecks.MaxPool2dCore(input, kernel_size, stride, padding, dilation, ceil_mode);
                /// <summary>1-d max pooling over the last dim of an (N, C, L) or (C, L) input, as <c>F.max_pool1d</c>; <paramref name="stride"/> defaults to <paramref name="kernel_size"/>.</summary>
                public static Tensor max_pool1d(Tensor input, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null, SizeArg? dilation = null, bool ceil_mode = false)
                    => torch.max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode);
                /// <summary>1-d max pooling that also returns the position of each maximum, as <c>torch.max_pool1d_with_indices</c>.</summary>
                public static (Tensor output, Tensor indices) max_pool1d_with_indices(Tensor input, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null, SizeArg? dilation = null, bool ceil_mode = false)
                    => torch.max_pool1d_with_indices(input, kernel_size, stride, padding, dilation, ceil_mode);
                /// <summary>2-D average pooling over (N, C, H, W) or (C, H, W); stride defaults to kernel_size.</summary>
                public static Tensor avg_pool2d(Tensor input, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null, bool ceil_mode = false,
                    bool count_include_pad = true, long? divisor_override = null)
                    => PoolChecks.AvgPool2dCore(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);
                /// <summary>Average pooling to a fixed output size (windows from floor(i·H/OH) to ceil((i+1)·H/OH)).</summary>
                public static Tensor adaptive_avg_pool2d(Tensor input, SizeArg output_size) => PoolChecks.AdaptiveAvgCore(input, output_size);
                /// <summary>Max pooling to a fixed output size.</summary>
                public static Tensor adaptive_max_pool2d(Tensor input, SizeArg output_size) => PoolChecks.AdaptiveMaxCore(input, output_size).Item1;
                /// <summary>2-d adaptive max pooling to <paramref name="output_size"/> that also returns the positions of the maxima, as <c>F.adaptive_max_pool2d(..., return_indices=True)</c>.</summary>
                public static (Tensor output, Tensor indices) adaptive_max_pool2d_with_indices(Tensor input, SizeArg output_size) => PoolChecks.AdaptiveMaxCore(input, output_size);
            }
        }
    }
}

namespace Flint.Ops.Pooling
{
    /// <summary>The pools' argument checks (PyTorch's messages) and window geometries, and their calls into the recorded pools.</summary>
    internal static partial class PoolChecks
    {
        /// <summary>
        /// The int window geometry of a checked pooling. A stride with one output window, or a dilation of a one-tap
        /// kernel, is never used and is taken as 1; any other value past int is refused rather than truncated.
        /// </summary>
        internal static WindowGeometry Geometry(string op, long h, long w, long[] k, long[] s, long[] p, long[] d, long oh, long ow) =>
            Geometry(op, [h, w], k, s, p, d, [oh, ow]);

        /// <summary>
        /// The int window geometry of a checked 2-D or 3-D pooling (sizes, kernel, stride, padding, dilation and output
        /// per spatial dim). A stride with one output window, or a dilation of a one-tap kernel, is never used and is
        /// taken as 1; any other value past int is refused rather than truncated.
        /// </summary>
        internal static WindowGeometry Geometry(string op, long[] size, long[] k, long[] s, long[] p, long[] d, long[] o)
        {
            int Fit(long v) => v is >= int.MinValue and <= int.MaxValue ? (int)v
                : throw new ArgumentException($"{op}: sizes, kernel sizes, strides, paddings, dilations and output sizes up to {int.MaxValue} are supported, but got {v}");
            int n = size.Length;
            // dim i of the window from the right (0: width), or what a missing depth is
            int Size(int i) => i < n ? Fit(size[n - 1 - i]) : 1;
            int Kernel(int i) => i < n ? Fit(k[n - 1 - i]) : 1;
            int Out(int i) => i < n ? Fit(o[n - 1 - i]) : 1;
            int Stride(int i) => i < n && o[n - 1 - i] > 1 ? Fit(s[n - 1 - i]) : 1;
            int Pad(int i) => i < n ? Fit(p[n - 1 - i]) : 0;
            int Dil(int i) => i < n && k[n - 1 - i] != 1 ? Fit(d[n - 1 - i]) : 1;
            Fit(Shape.Numel(size)); Fit(Shape.Numel(o));
            return new WindowGeometry(Size(1), Size(0), Kernel(1), Kernel(0), Stride(1), Stride(0), Pad(1), Pad(0), Dil(1), Dil(0), Out(1), Out(0))
            {
                D = Size(2), KD = Kernel(2), SD = Stride(2), PD = Pad(2), DD = Dil(2), OD = Out(2),
            };
        }

        internal static (Tensor, Tensor) MaxPool2dCore(Tensor input, SizeArg kernel_size, SizeArg? stride, SizeArg? padding, SizeArg? dilation, bool ceil_mode)
        {
            using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin("aten::max_pool2d", input) : default;
            var k = Pools.Pair(kernel_size, null, "max_pool2d: kernel_size must either be a single int, or a tuple of two ints");
            var s = Pools.Pair(stride, k, "max_pool2d: stride must either be omitted, a single int, or a tuple of two ints");
            var p = Pools.Pair(padding, [0, 0], "max_pool2d: padding must either be a single int, or a tuple of two ints");
            var d = Pools.Pair(dilation, [1, 1], "max_pool2d: dilation must be either a single int, or a tuple of two ints");
            Pools.CheckDim(input);
            long h = input._shape[^2], w = input._shape[^1];
            long oh = Pools.OutputSize(h, k[0], p[0], s[0], d[0], ceil_mode);
            long ow = Pools.OutputSize(w, k[1], p[1], s[1], d[1], ceil_mode);
            Pools.ShapeCheck(input, k, s, p, d, oh, ow);
            Pools.CheckFloat(input, "max_pool2d");
            var g = Geometry("max_pool2d", h, w, k, s, p, d, oh, ow);
            return Pools.MaxPool(input, g);
        }

        internal static (Tensor, Tensor) MaxPool1dCore(Tensor input, SizeArg kernel_size, SizeArg? stride, SizeArg? padding, SizeArg? dilation, bool ceil_mode)
        {
            using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin("aten::max_pool1d", input) : default;
            if (input.ndim != 2 && input.ndim != 3)
                throw new ArgumentException($"max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 dim batch size for input, but got:{Shape.Str(input._shape)}");
            long One(SizeArg? a, long dflt, string what)
            {
                if (a is not { } v || v.Values.Length == 0) return dflt;
                if (v.Text is not null || v.Values.Length != 1) throw new ArgumentException($"max_pool1d() {what} must be a single int");
                return v.Values[0];
            }
            long k = One(kernel_size, 0, "kernel_size"), s = One(stride, k, "stride"), p = One(padding, 0, "padding"), d = One(dilation, 1, "dilation");
            if (k <= 0) throw new ArgumentException($"max_pool1d() kernel_size must be greater than zero, but got {k}");
            if (s <= 0) throw new ArgumentException($"max_pool1d() stride must be greater than zero, but got {s}");
            if (p < 0) throw new ArgumentException($"max_pool1d() padding must be non-negative, but got {p}");
            if (p > k / 2) throw new ArgumentException($"max_pool1d() padding should be at most half of kernel size, but got padding={p} and kernel_size={k}");
            if (d <= 0) throw new ArgumentException($"max_pool1d() dilation must be greater than zero, but got {d}");
            long l = input._shape[^1];
            long ol = Pools.OutputSize(l, k, p, s, d, ceil_mode);
            if (ol < 0) throw new ArgumentException($"max_pool1d() Invalid computed output size: {ol}");
            Pools.CheckFloat(input, "max_pool1d_impl");
            // as PyTorch: a 2-D pool over a height-1 view, squeezed back
            var x = input.unsqueeze(-2);
            var g = Geometry("max_pool1d", 1, l, [1, k], [1, s], [0, p], [1, d], 1, ol);
            var (y, idx) = Pools.MaxPool(x, g);
            return (y.squeeze(-2), idx.squeeze(-2));
        }

        internal static Tensor AvgPool2dCore(Tensor input, SizeArg kernel_size, SizeArg? stride, SizeArg? padding, bool ceil_mode,
            bool count_include_pad, long? divisor_override)
        {
            using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin("aten::avg_pool2d", input) : default;
            var k = Pools.Pair(kernel_size, null, "avg_pool2d: kernel_size must either be a single int, or a tuple of two ints");
            var s = Pools.Pair(stride, k, "avg_pool2d: stride must either be omitted, a single int, or a tuple of two ints");
            var p = Pools.Pair(padding, [0, 0], "avg_pool2d: padding must either be a single int, or a tuple of two ints");
            if (divisor_override is 0) throw new ArgumentException("divisor must be not zero");
            if (input.ndim < 3)
                throw new IndexOutOfRangeException($"Dimension out of range (expected to be in range of [{-Math.Max(1, input.ndim)}, {Math.Max(1, input.ndim) - 1}], but got -3)");
            Pools.CheckDim(input);
            long h = input._shape[^2], w = input._shape[^1];
            long oh = Pools.OutputSize(h, k[0], p[0], s[0], 1, ceil_mode);
            long ow = Pools.OutputSize(w, k[1], p[1], s[1], 1, ceil_mode);
            Pools.ShapeCheck(input, k, s, p, [1, 1], oh, ow);
            Pools.CheckFloat(input, "avg_pool2d", allowInt64: true);
            var g = Geometry("avg_pool2d", h, w, k, s, p, [1, 1], oh, ow);
            return Pools.AvgPool(input, g, count_include_pad, divisor_override ?? 0);
        }

        internal static WindowGeometry AdaptiveGeometry(Tensor input, SizeArg output_size, string name, string sizeMessage, string dimSep, int dims = 2)
        {
            var o = output_size.Values;
            if (output_size.Text is not null) throw new ArgumentException(sizeMessage);
            if (o.Length == 1) o = Enumerable.Repeat(o[0], dims).ToArray();
            if (o.Length != dims) throw new ArgumentException(sizeMessage);
            if (input.ndim != dims + 1 && input.ndim != dims + 2)
                throw new ArgumentException($"{name}(): Expected {dims + 1}D or {dims + 2}D tensor, but got{dimSep}{Shape.Str(input._shape)}");
            for (int i = 1; i < input.ndim; i++)
                if (input._shape[i] == 0)
                    throw new ArgumentException($"{name}(): Expected input to have non-zero size for non-batch dimensions, but input has sizes {Shape.Str(input._shape)} with dimension {i} being empty");
            if (o.Any(v => v < 0))
                // PyTorch's 3-d text names the 2-d op and drops a space
                throw new ArgumentException(dims == 2
                    ? $"{name}: elements of output_size must be greater than or equal to 0 but received {{{o[0]}, {o[1]}}}"
                    : $"adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {{{o[0]}, {o[1]},{o[2]}}}");
            // the output's element count is checked before the window geometry narrows the sizes to int
            Shape.Numel([.. input._shape[..^dims], .. o]);
            if (o.Any(v => v > int.MaxValue))
                throw new ArgumentException($"{name}: output sizes up to {int.MaxValue} are supported, but got {{{string.Join(", ", o)}}}");
            long[] size = input._shape[^dims..];
            return Geometry(name, size, Enumerable.Repeat(1L, dims).ToArray(), Enumerable.Repeat(1L, dims).ToArray(), new long[dims],
                Enumerable.Repeat(1L, dims).ToArray(), o);
        }

        internal static Tensor AdaptiveAvgCore(Tensor input, SizeArg output_size)
        {
            using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin("aten::adaptive_avg_pool2d", input) : default;
            var g = AdaptiveGeometry(input, output_size, "adaptive_avg_pool2d", "adaptive_avg_pool2d: output_size must be 2", " ");
            Pools.CheckFloat(input, "adaptive_avg_pool2d");
            // PyTorch takes a plain mean for a 1×1 output
            if (g.OH == 1 && g.OW == 1) return input.mean([-1, -2], keepdim: true);
            return Pools.AdaptiveAvg(input, g);
        }

        internal static (Tensor, Tensor) AdaptiveMaxCore(Tensor input, SizeArg output_size)
        {
            using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin("aten::adaptive_max_pool2d", input) : default;
            var g = AdaptiveGeometry(input, output_size, "adaptive_max_pool2d", "adaptive_max_pool2d(): internal error: output_size.size() must be 2", ": ");
            Pools.CheckFloat(input, "adaptive_max_pool2d");
            return Pools.AdaptiveMax(input, g);
        }

    }
}
