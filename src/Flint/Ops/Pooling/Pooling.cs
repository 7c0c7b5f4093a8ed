using Flint.Backends;
using Flint.Ops.Conv;
using Flint.Ops.Kernels;

namespace Flint.Ops.Pooling
{
    /// <summary>PyTorch's pooling checks, output sizes, and the recorded pooling ops over [*, H, W] and [*, D, H, W] tensors.</summary>
    internal static class Pools
    {
        internal static DType ComputeType(DType d) => d == DType.BFloat16 ? DType.Float32 : d;

        /// <summary>A size argument of a 2-D pool: one or two ints (stride: also omitted, then the kernel size).</summary>
        internal static long[] Pair(SizeArg? arg, long[]? dflt, string message) => Tuple(arg, dflt, 2, message);

        /// <summary>A size argument of an n-d pool: one or n ints (stride: also omitted, then the kernel size).</summary>
        internal static long[] Tuple(SizeArg? arg, long[]? dflt, int n, string message)
        {
            if (arg is not { } a) return dflt ?? throw new ArgumentException(message);
            if (a.Text is not null) throw new ArgumentException(message);
            var v = a.Values;
            if (v.Length == 0 && dflt is not null) return dflt;
            if (v.Length == 1) return Enumerable.Repeat(v[0], n).ToArray();
            if (v.Length != n) throw new ArgumentException(message);
            return v;
        }

        /// <summary>The pooled length of one dim (PyTorch's rule, ceil mode drops a window that starts in the right padding).</summary>
        internal static long OutputSize(long input, long kernel, long pad, long stride, long dilation, bool ceil)
        {
            if (stride == 0) throw new ArgumentException("stride should not be zero");
            if (pad < 0) throw new ArgumentException($"pad must be non-negative, but got pad: {pad}");
            if (pad > kernel / 2) throw new ArgumentException($"pad should be at most half of kernel size, but got pad={pad} and kernel_size={kernel}");
            // in exact arithmetic: a huge dilation or padding wraps a long, and a double loses the low digits
            Int128 num = (Int128)input + 2 * (Int128)pad - (Int128)dilation * (kernel - 1) - 1 + (ceil ? stride - 1 : 0);
            Int128 q = num / stride;
            if (num % stride != 0 && (num < 0) != (stride < 0)) q--;
            Int128 o = q + 1;
            if (ceil && (o - 1) * stride >= (Int128)input + pad) o--;
            return o > long.MaxValue ? long.MaxValue : o < long.MinValue ? long.MinValue : (long)o;
        }

        /// <summary>PyTorch's shape checks shared by max_pool2d and avg_pool2d, after the output size is known.</summary>
        internal static void ShapeCheck(Tensor x, long[] k, long[] s, long[] p, long[] d, long oh, long ow)
        {
            if (k[0] <= 0 || k[1] <= 0) throw new ArgumentException($"kernel size should be greater than zero, but got kH: {k[0]} kW: {k[1]}");
            if (s[0] <= 0 || s[1] <= 0) throw new ArgumentException($"stride should be greater than zero, but got dH: {s[0]} dW: {s[1]}");
            if (d[0] <= 0 || d[1] <= 0) throw new ArgumentException($"dilation should be greater than zero, but got dilationH: {d[0]} dilationW: {d[1]}");
            long c = x._shape[^3], h = x._shape[^2], w = x._shape[^1];
            if (oh < 1 || ow < 1)
                throw new ArgumentException($"Given input size: ({c}x{h}x{w}). Calculated output size: ({c}x{oh}x{ow}). Output size is too small");
        }

        internal static void CheckDim(Tensor x)
        {
            bool ok = (x.ndim == 3 && x._shape[0] != 0 && x._shape[1] != 0 && x._shape[2] != 0)
                || (x.ndim == 4 && x._shape[1] != 0 && x._shape[2] != 0 && x._shape[3] != 0);
            if (!ok) throw new ArgumentException("non-empty 3D or 4D (batch mode) tensor expected for input");
        }

        internal static void CheckFloat(Tensor x, string kernel, bool allowInt64 = false)
        {
            var d = x.dtype;
            if (!(d == DType.Float32 || d == DType.Float64 || d == DType.BFloat16 || (allowInt64 && d == DType.Int64)))
                throw new NotSupportedException($"\"{kernel}\" not implemented for '{d.LegacyName}'");
        }

        private static Tensor View(Tensor t, long[] shape, long[] strides) => new(t._storage, shape, strides, t._offset);

        /// <summary>x as contiguous planes [P, H, W] (volumes [P, D, H, W] for <paramref name="dims"/> 3) of the compute dtype.</summary>
        private static Tensor Planes(Tensor x, int dims)
        {
            var c = Elementwise.As(x, ComputeType(x.dtype)).contiguous();
            long[] inner = c._shape[^dims..];
            long plane = Shape.Numel(inner);
            long[] shape = [c.numel() / Math.Max(1, plane), .. inner];
            return View(c, shape, Shape.ContiguousStrides(shape));
        }

        /// <summary>The spatial sizes of a window's output, or of its input.</summary>
        private static long[] Out(WindowGeometry g, int dims) => dims == 3 ? [g.OD, g.OH, g.OW] : [g.OH, g.OW];
        private static long[] In(WindowGeometry g, int dims) => dims == 3 ? [g.D, g.H, g.W] : [g.H, g.W];

        private static long[] OutShape(Tensor x, WindowGeometry g, int dims) => [.. x._shape[..^dims], .. Out(g, dims)];

        private static Tensor Back(Tensor planes, long[] shape, DType dtype)
        {
            var r = View(planes, shape, Shape.ContiguousStrides(shape));
            return r.dtype == dtype ? r : r.to(dtype);
        }

        // ---------------- max pooling ----------------

        /// <summary>What a max pool's nodes keep: the input, the argmax positions and the pool's spatial rank.</summary>
        internal readonly record struct MaxSaved(Tensor x, Tensor idx, int dims);

        internal static (Tensor output, Tensor indices) MaxPool(Tensor x, WindowGeometry g, int dims = 2) => Max(x, g, dims, adaptive: false);

        internal static (Tensor output, Tensor indices) AdaptiveMax(Tensor x, WindowGeometry g, int dims = 2) => Max(x, g, dims, adaptive: true);

        private static (Tensor output, Tensor indices) Max(Tensor x, WindowGeometry g, int dims, bool adaptive)
        {
            Tensor y, idx;
            using (torch.no_grad())
            {
                var xp = Planes(x, dims);
                long p = xp._shape[0];
                var yp = Tensor.Empty([p, .. Out(g, dims)], xp.dtype, xp.device);
                var ip = Tensor.Empty([p, .. Out(g, dims)], DType.Int64, xp.device);
                if (p > 0 && g.OutPlane > 0)
                {
                    if (adaptive) yp.Backend.AdaptiveMaxPool(xp, yp, ip, g);
                    else yp.Backend.MaxPool(xp, yp, ip, g);
                }
                var shape = OutShape(x, g, dims);
                y = Back(yp, shape, x.dtype);
                idx = View(ip, shape, Shape.ContiguousStrides(shape));
                // a channels_last input gives a channels_last result, as PyTorch's CPU pooling
                if (dims == 2 && MemoryFormats.WantsChannelsLast(x)) y = MemoryFormats.RestrideChannelsLast(y);
            }
            y = MaxNodes[adaptive ? 1 : 0, dims - 2].Forward.Record(y, [x], new MaxSaved(x, idx, dims));
            return (y, idx);
        }

        /// <summary>gg at the argmax positions of each plane: the gradient of a max pool's backward (and max_unpool's backward).</summary>
        internal static Tensor PickAt(Tensor gg, Tensor idx, int dims) =>
            gg.flatten(-dims).gather(-1, idx.flatten(-dims)).view(idx.shape.ToArray());

        /// <summary>A max pool's node and its backward's node (the backward is itself recorded, for gradients of gradients).</summary>
        internal sealed record MaxNodePair(NodeDerivative<MaxSaved> Forward, NodeDerivative<MaxSaved> Backward);

        private static MaxNodePair MaxNode(string name)
        {
            // as PyTorch, the backward's node also hangs off the pooled input (whose gradient through it is zero)
            var backward = new NodeDerivative<MaxSaved>(name + "BackwardBackward0", s => [s.idx], (gg, s) => PickAt(gg, s.idx, s.dims), null);
            return new MaxNodePair(new NodeDerivative<MaxSaved>(name + "Backward0", s => [s.idx], (gy, s) => IndexScatter(gy, s, backward)), backward);
        }

        /// <summary>[fixed, adaptive] × [2-D, 3-D] max pools' nodes.</summary>
        internal static readonly MaxNodePair[,] MaxNodes =
        {
            { MaxNode("MaxPool2DWithIndices"), MaxNode("MaxPool3DWithIndices") },
            { MaxNode("AdaptiveMaxPool2D"), MaxNode("AdaptiveMaxPool3D") },
        };

        /// <summary>The recorded backward of max pooling: gy added into a zero input at the argmax positions.</summary>
        private static Tensor IndexScatter(Tensor gy, MaxSaved s, NodeDerivative<MaxSaved> node)
        {
            var xShape = s.x._shape;
            Tensor gx;
            using (torch.no_grad())
            {
                var ct = ComputeType(gy.dtype);
                var gyc = Elementwise.As(gy, ct).contiguous();
                var ic = s.idx.contiguous();
                long l = Shape.Numel(gy._shape[^s.dims..]), plane = Shape.Numel(xShape[^s.dims..]);
                long p = l == 0 ? Shape.Numel(xShape) / Math.Max(1, plane) : gy.numel() / l;
                // an empty output sends no gradient: the input's is all zeros
                var gp = l == 0 ? Tensor.Zeros([p, plane], ct, gy.device) : Tensor.Empty([p, plane], ct, gy.device);
                if (p > 0 && plane > 0 && l > 0)
                    gp.Backend.MaxPoolBackward(View(gyc, [p, l], [l, 1]), View(ic, [p, l], [l, 1]), gp);
                gx = Back(gp, xShape, gy.dtype);
            }
            return node.Record(gx, [gy, s.x], s);
        }

        // ---------------- max unpooling ----------------

        /// <summary>What a max_unpool node keeps: the positions the values went to and the spatial rank.</summary>
        internal readonly record struct UnpoolSaved(Tensor idx, int dims);

        internal static readonly NodeDerivative<UnpoolSaved>[] UnpoolNodes =
        [
            new("MaxUnpool2DBackward0", s => [s.idx], (gy, s) => PickAt(gy, s.idx, s.dims)),
            new("MaxUnpool3DBackward0", s => [s.idx], (gy, s) => PickAt(gy, s.idx, s.dims)),
        ];

        /// <summary>
        /// Each value of x written at its position of a zero output whose last <paramref name="dims"/> sizes are
        /// <paramref name="size"/> (positions already checked to lie inside it).
        /// </summary>
        internal static Tensor Unpool(Tensor x, Tensor idx, long[] size, int dims)
        {
            Tensor y;
            using (torch.no_grad())
            {
                long l = Shape.Numel(x._shape[^dims..]), plane = Shape.Numel(size);
                long p = x.numel() / Math.Max(1, l);
                var flat = Tensor.Zeros([p, plane], x.dtype, x.device);
                if (p > 0 && l > 0) flat.scatter_(1, idx.reshape(p, l), x.reshape(p, l));
                long[] shape = [.. x._shape[..^dims], .. size];
                y = flat.view(shape);
            }
            return UnpoolNodes[dims - 2].Record(y, [x], new UnpoolSaved(idx, dims));
        }

        // ---------------- average pooling (fixed and adaptive windows) ----------------

        /// <summary>The pooled tensor and the pool's arguments (an adaptive pool has neither padding nor divisor).</summary>
        internal readonly record struct AvgSaved(Tensor x, WindowGeometry g, int dims, bool adaptive, bool countIncludePad, long divisor);

        internal static Tensor AvgPool(Tensor x, WindowGeometry g, bool countIncludePad, long divisor, int dims = 2) =>
            Avg(new AvgSaved(x, g, dims, false, countIncludePad, divisor));

        internal static Tensor AdaptiveAvg(Tensor x, WindowGeometry g, int dims = 2) => Avg(new AvgSaved(x, g, dims, true, false, 0));

        private static Tensor Avg(AvgSaved a)
        {
            var y = AvgPlanes(a.x, a, backward: false, OutShape(a.x, a.g, a.dims));
            if (a.dims == 2 && MemoryFormats.WantsChannelsLast(a.x))
                using (torch.no_grad()) y = MemoryFormats.RestrideChannelsLast(y);
            return AvgNodes[a.adaptive ? 1 : 0, a.dims - 2].Forward.Record(y, [a.x], a);
        }

        private static Tensor AvgBackward(Tensor gy, AvgSaved a)
        {
            var gx = AvgPlanes(gy, a, backward: true, a.x._shape);
            return AvgNodes[a.adaptive ? 1 : 0, a.dims - 2].Backward.Record(gx, [gy, a.x], a);
        }

        /// <summary>The average pool of src's planes (backward: its adjoint, src being the output's gradient), as <paramref name="shape"/> in src's dtype.</summary>
        private static Tensor AvgPlanes(Tensor src, AvgSaved a, bool backward, long[] shape)
        {
            var g = a.g;
            using (torch.no_grad())
            {
                var sp = Planes(src, a.dims);
                long p = sp._shape[0];
                var dp = Tensor.Empty([p, .. backward ? In(g, a.dims) : Out(g, a.dims)], sp.dtype, sp.device);
                if (p > 0)
                {
                    if (backward && a.adaptive) dp.Backend.AdaptiveAvgPoolBackward(sp, dp, g);
                    else if (backward) dp.Backend.AvgPoolBackward(sp, dp, g, a.countIncludePad, a.divisor);
                    else if (a.adaptive) dp.Backend.AdaptiveAvgPool(sp, dp, g);
                    else dp.Backend.AvgPool(sp, dp, g, a.countIncludePad, a.divisor);
                }
                return Back(dp, shape, src.dtype);
            }
        }

        /// <summary>An average pool's node and its backward's node.</summary>
        internal sealed record AvgNodePair(NodeDerivative<AvgSaved> Forward, NodeDerivative<AvgSaved> Backward);

        /// <summary>The backward of average pooling is linear in the gradient: its own gradient pools gg again.</summary>
        private static AvgNodePair AvgNode(string name) => new(
            new NodeDerivative<AvgSaved>(name + "Backward0", null, AvgBackward),
            new NodeDerivative<AvgSaved>(name + "BackwardBackward0", null, (gg, a) => Avg(a with { x = gg }), null));

        /// <summary>[fixed, adaptive] × [2-D, 3-D] average pools' nodes.</summary>
        internal static readonly AvgNodePair[,] AvgNodes =
        {
            { AvgNode("AvgPool2D"), AvgNode("AvgPool3D") },
            { AvgNode("AdaptiveAvgPool2D"), AvgNode("AdaptiveAvgPool3D") },
        };
    }
}
