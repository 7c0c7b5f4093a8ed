using Flint.Backends;
using Flint.Ops.Conv;
using static Flint.torch;

namespace Flint.Ops.Conv
{
    /// <summary>PyTorch's argument checks and output-size arithmetic for conv1d/2d/3d and conv_transpose1d/2d/3d.</summary>
    internal static class ConvChecks
    {
        internal static Tensor ConvNd(string name, int spatial, Tensor input, Tensor weight, Tensor? bias, SizeArg? stride, SizeArg? padding,
            SizeArg? dilation, long groups)
        {
            using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin("aten::" + name, input, weight, bias) : default;
            var x = Batched(name, spatial, input, weight, out bool batched);
            int k = weight.ndim - 2;
            var s = ConvChecks.Param(stride, 1, spatial, k, "stride", name);
            var d = ConvChecks.Param(dilation, 1, spatial, k, "dilation", name);
            var (pb, pe) = ConvChecks.Padding(padding, weight, s, d, spatial, k, name);
            var plan = ConvChecks.Plan(x, weight, bias, s, pb, pe, d, groups, false, new long[k]);
            var y = Convolution.Forward(x, weight, bias, plan);
            return batched ? y : y.squeeze(0);
        }

        /// <summary>A transposed convolution over <paramref name="spatial"/> dims (batched or not): the input gradient of the matching convolution.</summary>
        internal static Tensor ConvTransposeNd(string name, int spatial, Tensor input, Tensor weight, Tensor? bias, SizeArg? stride, SizeArg? padding,
            SizeArg? output_padding, long groups, SizeArg? dilation)
        {
            using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin("aten::" + name, input, weight, bias) : default;
            var x = Batched(name, spatial, input, weight, out bool batched);
            int k = weight.ndim - 2;
            var s = Param(stride, 1, spatial, k, "stride", name);
            var p = Param(padding, 0, spatial, k, "padding", name);
            var op = Param(output_padding, 0, spatial, k, "output_padding", name);
            var d = Param(dilation, 1, spatial, k, "dilation", name);
            var plan = Plan(x, weight, bias, s, p, p, d, groups, true, op);
            var y = Convolution.InputGrad(x, weight, bias, plan, [x._shape[0], weight._shape[1] * groups, .. plan.InSpatial], nested: false);
            return batched ? y : y.squeeze(0);
        }

        /// <summary>The input with its batch dim (added for an unbatched one), after PyTorch's checks of the ranks.</summary>
        private static Tensor Batched(string name, int spatial, Tensor input, Tensor weight, out bool batched)
        {
            if (input.ndim != spatial + 1 && input.ndim != spatial + 2)
                throw new ArgumentException($"Expected {spatial + 1}D (unbatched) or {spatial + 2}D (batched) input to {name}, but got input of size: {Shape.Str(input._shape)}");
            if (weight.ndim < 3) throw new ArgumentException("weight should have at least three dimensions");
            batched = input.ndim == spatial + 2;
            return batched ? input : input.unsqueeze(0);
        }

        private static string Dims(IEnumerable<long> v) => string.Join(" x ", v);

        /// <summary>
        /// A size argument as PyTorch's binding sees it (a single int or the default repeated to the op's
        /// <paramref name="spatial"/> dims), then matched against the weight's <paramref name="k"/> dims.
        /// </summary>
        internal static long[] Param(SizeArg? arg, long dflt, int spatial, int k, string name, string op)
        {
            if (arg is { Text: not null })
                throw new ArgumentException($"{op}(): argument '{name}' must be tuple of ints, not str");
            var v = arg is not { } a ? Enumerable.Repeat(dflt, spatial).ToArray() : a.Expand(spatial);
            if (v.Length == 1) v = Enumerable.Repeat(v[0], k).ToArray();
            if (v.Length != k)
                throw new ArgumentException($"expected {name} to be a single integer value or a list of {k} values to match the convolution dimensions, but got {name}={Shape.Str(v)}");
            return v;
        }

        private static void CheckDtypes(Tensor input, Tensor weight, Tensor? bias, string kernel, bool transposed)
        {
            if (input.dtype != weight.dtype)
                throw new ArgumentException($"expected scalar type {input.dtype.LegacyName} but found {weight.dtype.LegacyName}");
            if (bias is not null && bias.dtype != input.dtype)
                throw new ArgumentException($"Input type ({input.dtype.CppName}) and bias type ({bias.dtype.CppName}) should be the same");
            var d = input.dtype;
            bool ok = d == DType.Float32 || d == DType.Float64 || d == DType.BFloat16 || d == DType.Int64
                || (!transposed && (d == DType.Int32 || d == DType.Int16 || d == DType.Int8 || d == DType.UInt8));
            if (!ok) throw new NotSupportedException($"\"{kernel}\" not implemented for '{d.LegacyName}'");
            Elementwise.CheckSameDevice(input, weight);
            if (bias is not null) Elementwise.CheckSameDevice(input, bias);
        }

        /// <summary>
        /// Validates a (possibly unbatched) convolution and returns its plan (for conv1d/conv2d/
        /// conv_transpose2d); <paramref name="input"/> is already batched.
        /// </summary>
        internal static ConvPlan Plan(Tensor input, Tensor weight, Tensor? bias, long[] stride, long[] padBegin, long[] padEnd,
            long[] dilation, long groups, bool transposed, long[] outputPadding)
        {
            int k = weight.ndim - 2;
            if (groups <= 0) throw new ArgumentException("non-positive groups is not supported");
            if (stride.Any(s => s <= 0)) throw new ArgumentException("non-positive stride is not supported");
            if (padBegin.Any(s => s < 0)) throw new ArgumentException("negative padding is not supported");
            if (outputPadding.Any(s => s < 0)) throw new ArgumentException("negative output_padding is not supported");
            if (dilation.Any(s => s <= 0)) throw new ArgumentException("non-positive dilation is not supported");
            if (input.ndim != weight.ndim)
                throw new ArgumentException($"Expected {weight.ndim}-dimensional input for {weight.ndim}-dimensional weight {Shape.Str(weight._shape)}, but got {input.ndim}-dimensional input of size {Shape.Str(input._shape)} instead");
            if (weight._shape[0] % groups != 0)
                throw new ArgumentException($"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of size [{Shape.Str(weight._shape)}] instead");
            long inC = input._shape[1];
            long[] sp = input._shape[2..], ks = weight._shape[2..];
            if (!transposed)
            {
                if (inC != weight._shape[1] * groups)
                    throw new ArgumentException($"Given groups={groups}, weight of size {Shape.Str(weight._shape)}, expected input{Shape.Str(input._shape)} to have {weight._shape[1] * groups} channels, but got {inC} channels instead");
                var padded = sp.Select((s, i) => s + padBegin[i] + padEnd[i]).ToArray();
                var dil = ks.Select((s, i) => dilation[i] * (s - 1) + 1).ToArray();
                if (padded.Where((s, i) => s < dil[i]).Any())
                    throw new ArgumentException($"Calculated padded input size per channel: ({Dims(padded)}). Kernel size: ({Dims(dil)}). Kernel size can't be greater than actual input size");
                if (bias is not null && (bias.ndim != 1 || bias._shape[0] != weight._shape[0]))
                    throw new ArgumentException($"Given weight of size {Shape.Str(weight._shape)}, expected bias to be 1-dimensional with {weight._shape[0]} elements, but got bias of size {Shape.Str(bias._shape)} instead");
                CheckKernelSize(ks, transposed, weight);
            }
            else
            {
                if (inC != weight._shape[0])
                    throw new ArgumentException($"Given transposed=1, weight of size {Shape.Str(weight._shape)}, expected input{Shape.Str(input._shape)} to have {weight._shape[0]} channels, but got {inC} channels instead");
                long outC = weight._shape[1] * groups;
                if (bias is not null && (bias.ndim != 1 || bias._shape[0] != outC))
                    throw new ArgumentException($"Given transposed=1, weight of size {Shape.Str(weight._shape)}, expected bias to be 1-dimensional with {outC} elements, but got bias of size {Shape.Str(bias._shape)} instead");
                CheckKernelSize(ks, transposed, weight);
                for (int i = 0; i < k; i++)
                    if (outputPadding[i] >= stride[i] && outputPadding[i] >= dilation[i])
                        throw new ArgumentException("output padding must be smaller than either stride or dilation, but got "
                            + Named(outputPadding, 0, "output_padding") + " " + Named(stride, 1, "stride") + " " + Named(dilation, 1, "dilation"));
            }
            CheckDtypes(input, weight, bias, KernelName(k, transposed), transposed);

            // the underlying convolution: its input is conv_transpose's output
            long[] convIn, convOut;
            if (!transposed)
            {
                convIn = sp;
                convOut = sp.Select((s, i) => (s + padBegin[i] + padEnd[i] - dilation[i] * (ks[i] - 1) - 1) / stride[i] + 1).ToArray();
            }
            else
            {
                convOut = sp;
                convIn = sp.Select((s, i) => (s - 1) * stride[i] - padBegin[i] - padEnd[i] + dilation[i] * (ks[i] - 1) + outputPadding[i] + 1).ToArray();
                if (convIn.Any(s => s <= 0))
                    // a 1-d one reports itself as a 2-d one of height 1
                    throw new ArgumentException(k == 1
                        ? $"Given input size per channel: (1 x {sp[0]}). Calculated output size per channel: (1 x {convIn[0]}). Output size is too small"
                        : $"Given input size per channel: ({Dims(sp)}). Calculated output size per channel: ({Dims(convIn)}). Output size is too small");
            }
            // a stride past the padded input leaves one window, and a kernel of one tap never dilates: both are clamped
            // to what the window geometry holds without changing the result
            if (!transposed)
                for (int i = 0; i < k; i++)
                {
                    long padded = sp[i] + padBegin[i] + padEnd[i];
                    if (stride[i] > padded) stride = stride.Select((s, j) => j == i ? Math.Max(1, padded) : s).ToArray();
                    if (ks[i] == 1 && dilation[i] != 1) dilation = dilation.Select((d, j) => j == i ? 1 : d).ToArray();
                }
            string op = (transposed ? "conv_transpose" : "conv") + k + "d";
            int Fit(long x) => x is >= int.MinValue and <= int.MaxValue ? (int)x
                : throw new ArgumentException($"{op}(): sizes, strides, paddings and dilations up to {int.MaxValue} are supported, but got {x}");
            // a 1-d convolution runs as a 2-d one of height 1; a 3-d one fills the depth members
            int Pick(long[] v, int fromRight, long one) => Fit(fromRight < k ? v[k - 1 - fromRight] : one);
            var g = new WindowGeometry(
                Pick(convIn, 1, 1), Pick(convIn, 0, 1), Pick(ks, 1, 1), Pick(ks, 0, 1), Pick(stride, 1, 1), Pick(stride, 0, 1),
                Pick(padBegin, 1, 0), Pick(padBegin, 0, 0), Pick(dilation, 1, 1), Pick(dilation, 0, 1), Pick(convOut, 1, 1), Pick(convOut, 0, 1))
            {
                D = Pick(convIn, 2, 1), KD = Pick(ks, 2, 1), SD = Pick(stride, 2, 1), PD = Pick(padBegin, 2, 0), DD = Pick(dilation, 2, 1), OD = Pick(convOut, 2, 1),
            };
            // the kernels index a plane (or volume) of either side with int
            Fit((long)g.D * g.H * g.W); Fit((long)g.OD * g.OH * g.OW);
            return new ConvPlan(g, checked((int)groups), k);
        }

        /// <summary>The CPU kernel PyTorch names when it refuses a dtype.</summary>
        private static string KernelName(int k, bool transposed) => (k, transposed) switch
        {
            (3, false) => "compute_columns3d",
            (3, true) => "slow_conv_transpose3d_out_cpu",
            (_, true) => "slow_conv_transpose2d_out_cpu",
            _ => "slow_conv2d_cpu",
        };

        private static readonly string[] Axes = ["depth", "height", "width"];

        /// <summary>"name_height: v name_width: v" (a 1-d form as a 2-d one whose height is <paramref name="one"/>), or with depth for 3-d.</summary>
        private static string Named(long[] v, long one, string name)
        {
            var all = v.Length == 1 ? [one, v[0]] : v;
            var axes = Axes[^all.Length..];
            return string.Join(" ", all.Select((x, i) => $"{name}_{axes[i]}: {x}"));
        }

        /// <summary>
        /// An empty kernel is refused when the convolution runs (a layer with kernel_size 0 is built, as in PyTorch);
        /// the 1-d form reports itself as a 2-d one of height 1.
        /// </summary>
        private static void CheckKernelSize(long[] ks, bool transposed, Tensor weight)
        {
            if (ks.All(x => x > 0)) return;
            if (ks.Length == 3 && transposed)
                throw new ArgumentException($"non-empty 5D (n_output_plane x n_input_plane x kernel_depth x kernel_height x kernel_width) tensor expected for weight, but got: {Shape.Str(weight._shape)}");
            if (ks.Length == 3)
                throw new ArgumentException($"kernel size should be greater than zero, but got kT: {ks[0]} kH: {ks[1]} kW: {ks[2]}");
            long h = ks.Length == 1 ? 1 : ks[0], w = ks[^1];
            throw new ArgumentException($"kernel size should be greater than zero, but got kernel_height: {h} kernel_width: {w}");
        }

        /// <summary>Resolves a convolution's padding (ints, "valid" or "same") into the padding before and after each dim.</summary>
        internal static (long[] begin, long[] end) Padding(SizeArg? padding, Tensor weight, long[] stride, long[] dilation, int spatial, int k, string op)
        {
            if (padding is { Text: { } text })
            {
                if (text == "valid") return (new long[k], new long[k]);
                if (text != "same") throw new ArgumentException($"Invalid padding string: '{text}'");
                if (stride.Any(s => s != 1)) throw new ArgumentException("padding='same' is not supported for strided convolutions");
                var begin = new long[k]; var end = new long[k];
                for (int i = 0; i < k; i++)
                {
                    long total = dilation[i] * (weight._shape[2 + i] - 1);
                    begin[i] = total / 2; end[i] = total - begin[i];
                }
                return (begin, end);
            }
            var p = Param(padding, 0, spatial, k, "padding", op);
            return (p, p);
        }
    }
}

namespace Flint
{
    public static partial class torch
    {
        /// <summary>1-D convolution over (N, C, L) or (C, L) input; padding may be ints, "same" or "valid".</summary>
        public static Tensor conv1d(Tensor input, Tensor weight, Tensor? bias = null, SizeArg? stride = null, SizeArg? padding = null,
            SizeArg? dilation = null, long groups = 1) => ConvChecks.ConvNd("conv1d", 1, input, weight, bias, stride, padding, dilation, groups);

        /// <summary>2-D convolution over (N, C, H, W) or (C, H, W) input; padding may be ints, "same" or "valid".</summary>
        public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, SizeArg? stride = null, SizeArg? padding = null,
            SizeArg? dilation = null, long groups = 1) => ConvChecks.ConvNd("conv2d", 2, input, weight, bias, stride, padding, dilation, groups);

        /// <summary>3-D convolution over (N, C, D, H, W) or (C, D, H, W) input; padding may be ints, "same" or "valid".</summary>
        public static Tensor conv3d(Tensor input, Tensor weight, Tensor? bias = null, SizeArg? stride = null, SizeArg? padding = null,
            SizeArg? dilation = null, long groups = 1) => ConvChecks.ConvNd("conv3d", 3, input, weight, bias, stride, padding, dilation, groups);

        /// <summary>1-D transposed convolution ("deconvolution") over (N, C, L) or (C, L) input.</summary>
        public static Tensor conv_transpose1d(Tensor input, Tensor weight, Tensor? bias = null, SizeArg? stride = null, SizeArg? padding = null,
            SizeArg? output_padding = null, long groups = 1, SizeArg? dilation = null) =>
            ConvChecks.ConvTransposeNd("conv_transpose1d", 1, input, weight, bias, stride, padding, output_padding, groups, dilation);

        /// <summary>2-D transposed convolution ("deconvolution") over (N, C, H, W) or (C, H, W) input.</summary>
        public static Tensor conv_transpose2d(Tensor input, Tensor weight, Tensor? bias = null, SizeArg? stride = null, SizeArg? padding = null,
            SizeArg? output_padding = null, long groups = 1, SizeArg? dilation = null) =>
            ConvChecks.ConvTransposeNd("conv_transpose2d", 2, input, weight, bias, stride, padding, output_padding, groups, dilation);

        /// <summary>3-D transposed convolution ("deconvolution") over (N, C, D, H, W) or (C, D, H, W) input.</summary>
        public static Tensor conv_transpose3d(Tensor input, Tensor weight, Tensor? bias = null, SizeArg? stride = null, SizeArg? padding = null,
            SizeArg? output_padding = null, long groups = 1, SizeArg? dilation = null) =>
            ConvChecks.ConvTransposeNd("conv_transpose3d", 3, input, weight, bias, stride, padding, output_padding, groups, dilation);

        public static partial class nn
        {
            public static partial class functional
            {
                /// <summary>1-D convolution over (N, C, L) or (C, L) input; padding may be ints, "same" or "valid".</summary>
                public static Tensor conv1d(Tensor input, Tensor weight, Tensor? bias = null, SizeArg? stride = null, SizeArg? padding = null,
                    SizeArg? dilation = null, long groups = 1) => torch.conv1d(input, weight, bias, stride, padding, dilation, groups);

                /// <summary>2-D convolution over (N, C, H, W) or (C, H, W) input; padding may be ints, "same" or "valid".</summary>
                public static Tensor conv2d(Tensor input, Tensor weight, Tensor? bias = null, SizeArg? stride = null, SizeArg? padding = null,
                    SizeArg? dilation = null, long groups = 1) => torch.conv2d(input, weight, bias, stride, padding, dilation, groups);

                /// <summary>3-D convolution over (N, C, D, H, W) or (C, D, H, W) input; padding may be ints, "same" or "valid".</summary>
                public static Tensor conv3d(Tensor input, Tensor weight, Tensor? bias = null, SizeArg? stride = null, SizeArg? padding = null,
                    SizeArg? dilation = null, long groups = 1) => torch.conv3d(input, weight, bias, stride, padding, dilation, groups);

                /// <summary>1-D transposed convolution over (N, C, L) or (C, L) input.</summary>
                public static Tensor conv_transpose1d(Tensor input, Tensor weight, Tensor? bias = null, SizeArg? stride = null, SizeArg? padding = null,
                    SizeArg? output_padding = null, long groups = 1, SizeArg? dilation = null) =>
                    torch.conv_transpose1d(input, weight, bias, stride, padding, output_padding, groups, dilation);

                /// <summary>3-D transposed convolution over (N, C, D, H, W) or (C, D, H, W) input.</summary>
                public static Tensor conv_transpose3d(Tensor input, Tensor weight, Tensor? bias = null, SizeArg? stride = null, SizeArg? padding = null,
                    SizeArg? output_padding = null, long groups = 1, SizeArg? dilation = null) =>
                    torch.conv_transpose3d(input, weight, bias, stride, padding, output_padding, groups, dilation);

                /// <summary>2-D transposed convolution over (N, C, H, W) or (C, H, W) input.</summary>
                public static Tensor conv_transpose2d(Tensor input, Tensor weight, Tensor? bias = null, SizeArg? stride = null, SizeArg? padding = null,
                    SizeArg? output_padding = null, long groups = 1, SizeArg? dilation = null) =>
                    torch.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation);
            }
        }
    }
}
