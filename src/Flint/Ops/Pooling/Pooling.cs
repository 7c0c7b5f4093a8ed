using Flint.Backends;
using Flint.Ops.Conv;
using Flint.Ops.Kernels;

namespace Flint.Ops.Pooling
{
    /// <summary>PyTorch's pooling checks, output sizes, and the recorded pooling ops over [*, H, W] tensors.</summary>
    internal static class Pools
    {
        internal static DType ComputeType(DType d) => d == DType.BFloat16 ? DType.Float32 : d;

        /// <summary>A size argument of a 2-D pool: one or two ints (stride: also omitted, then the kernel size).</summary>
        internal static long[] Pair(SizeArg? arg, long[]? dflt, string message)
        {
            if (arg is not { } a) return dflt ?? throw new ArgumentException(message);
            if (a.Text is not null) throw new ArgumentException(message);
            var v = a.Values;
            if (v.Length == 0 && dflt is not null) return dflt;
            if (v.Length == 1) return [v[0], v[0]];
            if (v.Length != 2) throw new ArgumentException(message);
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

        /// <summary>x as contiguous planes [P, H, W] of the compute dtype.</summary>
        private static Tensor Planes(Tensor x)
        {
            var c = Elementwise.As(x, ComputeType(x.dtype)).contiguous();
            long h = c._shape[^2], w = c._shape[^1];
            return View(c, [c.numel() / Math.Max(1, h * w), h, w], [h * w, w, 1]);
        }

        private static long[] OutShape(Tensor x, long oh, long ow) => [.. x._shape[..^2], oh, ow];

        private static Tensor Back(Tensor planes, long[] shape, DType dtype)
        {
            var r = View(planes, shape, Shape.ContiguousStrides(shape));
            return r.dtype == dtype ? r : r.to(dtype);
        }

        // ---------------- max pooling ----------------

        internal static (Tensor output, Tensor indices) MaxPool(Tensor x, WindowGeometry g) => Max(x, g, adaptive: false);

        internal static (Tensor output, Tensor indices) AdaptiveMax(Tensor x, WindowGeometry g) => Max(x, g, adaptive: true);

        private static (Tensor output, Tensor indices) Max(Tensor x, WindowGeometry g, bool adaptive)
        {
            Tensor y, idx;
            using (torch.no_grad())
            {
                var xp = Planes(x);
                long p = xp._shape[0];
                var yp = Tensor.Empty([p, g.OH, g.OW], xp.dtype, xp.device);
                var ip = Tensor.Empty([p, g.OH, g.OW], DType.Int64, xp.device);
                if (p > 0 && g.OutPlane > 0)
                {
                    if (adaptive) yp.Backend.AdaptiveMaxPool2d(xp, yp, ip, g);
                    else yp.Backend.MaxPool2d(xp, yp, ip, g);
                }
                var shape = OutShape(x, g.OH, g.OW);
                y = Back(yp, shape, x.dtype);
                idx = View(ip, shape, Shape.ContiguousStrides(shape));
            }
            y = (adaptive ? AdaptiveMaxPoolDerivative : MaxPoolDerivative).Record(y, [x], (x, idx));
            return (y, idx);
        }

        /// <summary>
        /// The backward of max pooling, itself recorded: its gradient picks gg at the argmax positions. As PyTorch,
        /// the node also hangs off the pooled input (whose gradient through it is zero).
        /// </summary>
        internal static readonly NodeDerivative<(Tensor x, Tensor idx)> MaxPoolBackwardDerivative = new("MaxPool2DWithIndicesBackwardBackward0", s => [s.idx],
            (gg, s) => gg.flatten(-2).gather(-1, s.idx.flatten(-2)).view(s.idx.shape.ToArray()),
            null);

        internal static readonly NodeDerivative<(Tensor x, Tensor idx)> AdaptiveMaxPoolBackwardDerivative = MaxPoolBackwardDerivative.Named("AdaptiveMaxPool2DBackwardBackward0");

        internal static readonly NodeDerivative<(Tensor x, Tensor idx)> MaxPoolDerivative = new("MaxPool2DWithIndicesBackward0", s => [s.idx],
            (gy, s) => IndexScatter(gy, s, MaxPoolBackwardDerivative));

        internal static readonly NodeDerivative<(Tensor x, Tensor idx)> AdaptiveMaxPoolDerivative = new("AdaptiveMaxPool2DBackward0", s => [s.idx],
            (gy, s) => IndexScatter(gy, s, AdaptiveMaxPoolBackwardDerivative));

        /// <summary>The recorded backward of max pooling: gy added into a zero input at the argmax positions.</summary>
        private static Tensor IndexScatter(Tensor gy, (Tensor x, Tensor idx) s, NodeDerivative<(Tensor x, Tensor idx)> node)
        {
            var xShape = s.x._shape;
            Tensor gx;
            using (torch.no_grad())
            {
                var ct = ComputeType(gy.dtype);
                var gyc = Elementwise.As(gy, ct).contiguous();
                var ic = s.idx.contiguous();
                long l = gy._shape[^1] * gy._shape[^2], plane = xShape[^1] * xShape[^2];
                long p = l == 0 ? Shape.Numel(xShape) / Math.Max(1, plane) : gy.numel() / l;
                // an empty output sends no gradient: the input's is all zeros
                var gp = l == 0 ? Tensor.Zeros([p, plane], ct, gy.device) : Tensor.Empty([p, plane], ct, gy.device);
                if (p > 0 && plane > 0 && l > 0)
                    gp.Backend.MaxPoolBackward(View(gyc, [p, l], [l, 1]), View(ic, [p, l], [l, 1]), gp);
                gx = Back(gp, xShape, gy.dtype);
            }
            return node.Record(gx, [gy, s.x], s);
        }

        // ---------------- average pooling (fixed and adaptive windows) ----------------

        internal static Tensor AvgPool(Tensor x, WindowGeometry g, bool countIncludePad, long divisor) => Avg((x, g, false, countIncludePad, divisor));

        internal static Tensor AdaptiveAvg(Tensor x, WindowGeometry g) => Avg((x, g, true, false, 0));

        /// <summary>The pooled tensor and the pool's arguments (an adaptive pool has neither padding nor divisor).</summary>
        private static Tensor Avg((Tensor x, WindowGeometry g, bool adaptive, bool countIncludePad, long divisor) a)
        {
            var y = AvgPlanes(a.x, a, backward: false, OutShape(a.x, a.g.OH, a.g.OW));
            return (a.adaptive ? AdaptiveAvgPoolDerivative : AvgPoolDerivative).Record(y, [a.x], a);
        }

        private static Tensor AvgBackward(Tensor gy, (Tensor x, WindowGeometry g, bool adaptive, bool countIncludePad, long divisor) a)
        {
            var gx = AvgPlanes(gy, a, backward: true, a.x._shape);
            return (a.adaptive ? AdaptiveAvgPoolBackwardDerivative : AvgPoolBackwardDerivative).Record(gx, [gy, a.x], a);
        }

        /// <summary>The average pool of src's planes (backward: its adjoint, src being the output's gradient), as <paramref name="shape"/> in src's dtype.</summary>
        private static Tensor AvgPlanes(Tensor src, (Tensor x, WindowGeometry g, bool adaptive, bool countIncludePad, long divisor) a, bool backward, long[] shape)
        {
            var g = a.g;
            using (torch.no_grad())
            {
                var sp = Planes(src);
                long p = sp._shape[0];
                var dp = backward ? Tensor.Empty([p, g.H, g.W], sp.dtype, sp.device) : Tensor.Empty([p, g.OH, g.OW], sp.dtype, sp.device);
                if (p > 0)
                {
                    if (backward && a.adaptive) dp.Backend.AdaptiveAvgPool2dBackward(sp, dp, g);
                    else if (backward) dp.Backend.AvgPool2dBackward(sp, dp, g, a.countIncludePad, a.divisor);
                    else if (a.adaptive) dp.Backend.AdaptiveAvgPool2d(sp, dp, g);
                    else dp.Backend.AvgPool2d(sp, dp, g, a.countIncludePad, a.divisor);
                }
                return Back(dp, shape, src.dtype);
            }
        }

        internal static readonly NodeDerivative<(Tensor x, WindowGeometry g, bool adaptive, bool countIncludePad, long divisor)> AvgPoolDerivative =
            new("AvgPool2DBackward0", null, AvgBackward);

        internal static readonly NodeDerivative<(Tensor x, WindowGeometry g, bool adaptive, bool countIncludePad, long divisor)> AdaptiveAvgPoolDerivative =
            AvgPoolDerivative.Named("AdaptiveAvgPool2DBackward0");

        /// <summary>The backward of average pooling is linear in the gradient: its own gradient pools gg again.</summary>
        internal static readonly NodeDerivative<(Tensor x, WindowGeometry g, bool adaptive, bool countIncludePad, long divisor)> AvgPoolBackwardDerivative =
            new("AvgPool2DBackwardBackward0", null, (gg, a) => Avg(a with { x = gg }), null);

        internal static readonly NodeDerivative<(Tensor x, WindowGeometry g, bool adaptive, bool countIncludePad, long divisor)> AdaptiveAvgPoolBackwardDerivative =
            AvgPoolBackwardDerivative.Named("AdaptiveAvgPool2DBackwardBackward0");
    }
}
