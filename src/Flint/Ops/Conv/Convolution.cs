using Flint.Backends;
using Flint.Ops.Linalg;

namespace Flint.Ops.Conv
{
    /// <summary>
    /// A convolution's fixed geometry: the 2-D window (1-D convolutions are run as 2-D with height 1), the groups and
    /// the number of spatial dims of the tensors the user sees.
    /// </summary>
    internal sealed record ConvPlan(WindowGeometry G, int Groups, int Dims);

    /// <summary>
    /// The three products of a convolution y = conv(x, w): the forward, the input gradient x̄ = convᵀ(ȳ, w) and the
    /// weight gradient w̄ = corr(x, ȳ), each computed by im2col/col2im plus the backend GEMM and each recorded with a
    /// backward made of the other two, so that gradients of gradients exist (conv_transpose is the input gradient).
    /// </summary>
    internal static class Convolution
    {
        /// <summary>The most column elements materialized at once; larger batches run in chunks.</summary>
        private const long ColumnBudget = 1L << 24;

        internal static DType ComputeType(DType d) => d == DType.BFloat16 ? DType.Float32 : d;

        private static Tensor View(Tensor t, long[] shape, long[] strides, long offsetDelta = 0) =>
            new(t._storage, shape, strides, t._offset + offsetDelta);

        /// <summary>x (or w) as a contiguous 4-D tensor of the compute dtype.</summary>
        private static Tensor Prep(Tensor t, DType ct)
        {
            var c = Elementwise.As(t, ct).contiguous();
            if (c.ndim == 3) c = View(c, [c._shape[0], c._shape[1], 1, c._shape[2]], [c._strides[0], c._strides[1], c._shape[2], 1]);
            return c;
        }

        /// <summary>Back from the 4-D compute form to the user's rank and dtype.</summary>
        private static Tensor Finish(Tensor t4, int dims, DType dtype)
        {
            var r = dims == 1 ? View(t4, [t4._shape[0], t4._shape[1], t4._shape[3]], [t4._strides[0], t4._strides[1], 1]) : t4;
            return r.dtype == dtype ? r : r.to(dtype);
        }

        private static int ChunkOf(long n, long rowsK, long l) => (int)Math.Clamp(ColumnBudget / Math.Max(1, rowsK * l), 1, Math.Max(1, n));

        private static bool IsPointwise(WindowGeometry g) =>
            g.KH == 1 && g.KW == 1 && g.SH == 1 && g.SW == 1 && g.PH == 0 && g.PW == 0 && g.OH == g.H && g.OW == g.W;

        /// <summary>gy chunk [nb, co, L] as [co, nb·L] (a view when nb is 1).</summary>
        private static Tensor ChannelsFirst(Tensor gy4, long n0, int nb, long co, long l)
        {
            var src = View(gy4, [nb, co, l], [co * l, l, 1], n0 * co * l);
            if (nb == 1) return View(src, [co, l], [l, 1]);
            var dst = Tensor.Empty([co, nb, l], gy4.dtype);
            dst.Backend.Copy(dst, src.permute(1, 0, 2));
            return View(dst, [co, nb * l], [nb * l, 1]);
        }

        private static Tensor Columns(Tensor x4, long n0, int nb, WindowGeometry g)
        {
            long ci = x4._shape[1], plane = (long)g.H * g.W;
            var xs = View(x4, [nb, ci, g.H, g.W], x4._strides, n0 * ci * plane);
            if (nb == 1 && IsPointwise(g)) return View(xs, [ci, plane], [plane, 1]);
            var cols = Tensor.Empty([ci * g.KH * g.KW, (long)nb * g.OutPlane], x4.dtype);
            cols.Backend.Im2Col(xs, cols, g);
            return cols;
        }

        /// <summary>y = conv(x, w) + b over [N, Ci, (H,) W] inputs.</summary>
        internal static Tensor ComputeForward(Tensor x, Tensor w, Tensor? b, ConvPlan p)
        {
            using var _ = torch.no_grad();
            var dtype = x.dtype; var ct = ComputeType(dtype);
            var x4 = Prep(x, ct); var w4 = Prep(w, ct);
            var g = p.G; int groups = p.Groups;
            long n = x4._shape[0], ci = x4._shape[1], co = w4._shape[0], l = g.OutPlane;
            long cog = co / groups, k = ci / groups * g.KH * g.KW;
            var y = Tensor.Empty([n, co, g.OH, g.OW], ct);
            int chunk = ChunkOf(n, ci * g.KH * g.KW, l);
            var bias = b is null ? null : Elementwise.As(b, ct);
            for (long n0 = 0; n0 < n; n0 += chunk)
            {
                int nb = (int)Math.Min(chunk, n - n0);
                long nl = nb * l;
                var cols = Columns(x4, n0, nb, g);
                var res = nb == 1 ? View(y, [co, l], [l, 1], n0 * co * l) : Tensor.Empty([co, nl], ct);
                if (bias is not null) res.Backend.Copy(res, bias.view(co, 1).expand(co, nl));
                res.Backend.Gemm(View(w4, [groups, cog, k], [cog * k, k, 1]), View(cols, [groups, k, nl], [k * nl, nl, 1]),
                    View(res, [groups, cog, nl], [cog * nl, nl, 1]), 1, bias is null ? 0 : 1);
                if (nb > 1) y.Backend.Copy(View(y, [nb, co, l], [co * l, l, 1], n0 * co * l), View(res, [co, nb, l], [nl, l, 1]).permute(1, 0, 2));
            }
            return Finish(y, p.Dims, dtype);
        }

        /// <summary>x̄ = convᵀ(ȳ, w) (+ b per channel, for conv_transpose): [N, Co, OH, OW] → <paramref name="xShape"/>.</summary>
        internal static Tensor ComputeInputGrad(Tensor gy, Tensor w, Tensor? b, ConvPlan p, long[] xShape)
        {
            using var _ = torch.no_grad();
            var dtype = gy.dtype; var ct = ComputeType(dtype);
            var gy4 = Prep(gy, ct); var w4 = Prep(w, ct);
            var g = p.G; int groups = p.Groups;
            long n = gy4._shape[0], co = w4._shape[0], ci = w4._shape[1] * groups, l = g.OutPlane, plane = (long)g.H * g.W;
            long cog = co / groups, k = ci / groups * g.KH * g.KW;
            var gx = Tensor.Empty([n, ci, g.H, g.W], ct);
            int chunk = ChunkOf(n, ci * g.KH * g.KW, l);
            for (long n0 = 0; n0 < n; n0 += chunk)
            {
                int nb = (int)Math.Min(chunk, n - n0);
                long nl = nb * l;
                var gyp = ChannelsFirst(gy4, n0, nb, co, l);
                bool direct = nb == 1 && IsPointwise(g);
                var gcols = direct ? View(gx, [ci, plane], [plane, 1], n0 * ci * plane) : Tensor.Empty([ci * g.KH * g.KW, nl], ct);
                gcols.Backend.Gemm(View(w4, [groups, k, cog], [cog * k, 1, k]), View(gyp, [groups, cog, nl], [cog * nl, nl, 1]),
                    View(gcols, [groups, k, nl], [k * nl, nl, 1]), 1, 0);
                if (!direct) gx.Backend.Col2Im(gcols, View(gx, [nb, ci, g.H, g.W], gx._strides, n0 * ci * plane), g);
            }
            if (b is not null)
            {
                var bias = Elementwise.As(b, ct).view(1, ci, 1, 1);
                gx.Backend.NumericBinary<Kernels.AddOp>(gx, bias, gx);
            }
            return Finish(gx, p.Dims, dtype);
        }

        /// <summary>w̄ = Σₙ ȳ ⋆ x: the weight gradient of shape <paramref name="wShape"/>.</summary>
        internal static Tensor ComputeWeightGrad(Tensor x, Tensor gy, ConvPlan p, long[] wShape)
        {
            using var _ = torch.no_grad();
            var dtype = x.dtype; var ct = ComputeType(dtype);
            var x4 = Prep(x, ct); var gy4 = Prep(gy, ct);
            var g = p.G; int groups = p.Groups;
            long n = x4._shape[0], ci = x4._shape[1], co = gy4._shape[1], l = g.OutPlane;
            long cog = co / groups, k = ci / groups * g.KH * g.KW;
            var gw = Tensor.Empty([co, ci / groups, g.KH, g.KW], ct);
            int chunk = ChunkOf(n, ci * g.KH * g.KW, l);
            for (long n0 = 0; n0 < n; n0 += chunk)
            {
                int nb = (int)Math.Min(chunk, n - n0);
                long nl = nb * l;
                var cols = Columns(x4, n0, nb, g);
                var gyp = ChannelsFirst(gy4, n0, nb, co, l);
                gw.Backend.Gemm(View(gyp, [groups, cog, nl], [cog * nl, nl, 1]), View(cols, [groups, nl, k], [k * nl, 1, nl]),
                    View(gw, [groups, cog, k], [cog * k, k, 1]), 1, n0 == 0 ? 0 : 1);
            }
            var r = wShape.Length == 3 ? View(gw, wShape, [gw._strides[0], gw._strides[1], 1]) : gw;
            return r.dtype == dtype ? r : r.to(dtype);
        }

        private static long[] BiasDims(int rank) => rank == 3 ? [0, 2] : [0, 2, 3];

        /// <summary>The recorded forward (also the double-backward of the input gradient).</summary>
        internal static Tensor Forward(Tensor x, Tensor w, Tensor? b, ConvPlan p, string name = "ConvolutionBackward0")
        {
            var y = ComputeForward(x, w, b, p);
            Tensor[] inputs = b is null ? [x, w] : [x, w, b];
            var xShape = x.shape.ToArray(); var wShape = w.shape.ToArray();
            return Autograd.Recording.Record(y, name, inputs, gy =>
            {
                var r = new Tensor?[inputs.Length];
                if (x.requires_grad) r[0] = InputGrad(gy, w, null, p, xShape, "ConvolutionBackwardBackward0");
                if (w.requires_grad) r[1] = WeightGrad(x, gy, p, wShape);
                if (b is not null && b.requires_grad) r[2] = gy.sum(BiasDims(gy.ndim));
                return r;
            }, x, w);
        }

        /// <summary>The recorded input gradient x̄ = convᵀ(ȳ, w) (+ b): conv_transpose's forward.</summary>
        internal static Tensor InputGrad(Tensor gy, Tensor w, Tensor? b, ConvPlan p, long[] xShape, string name)
        {
            var gx = ComputeInputGrad(gy, w, b, p, xShape);
            Tensor[] inputs = b is null ? [gy, w] : [gy, w, b];
            var wShape = w.shape.ToArray();
            return Autograd.Recording.Record(gx, name, inputs, gg =>
            {
                var r = new Tensor?[inputs.Length];
                if (gy.requires_grad) r[0] = Forward(gg, w, null, p, "ConvolutionBackwardBackward0");
                if (w.requires_grad) r[1] = WeightGrad(gg, gy, p, wShape);
                if (b is not null && b.requires_grad) r[2] = gg.sum(BiasDims(gg.ndim));
                return r;
            }, gy, w);
        }

        /// <summary>The recorded weight gradient w̄ = corr(x, ȳ).</summary>
        internal static Tensor WeightGrad(Tensor x, Tensor gy, ConvPlan p, long[] wShape)
        {
            var gw = ComputeWeightGrad(x, gy, p, wShape);
            var xShape = x.shape.ToArray();
            return Autograd.Recording.Record(gw, "ConvolutionBackwardBackward0", [x, gy], gg =>
            [
                x.requires_grad ? InputGrad(gy, gg, null, p, xShape, "ConvolutionBackwardBackward0") : null,
                gy.requires_grad ? Forward(x, gg, null, p, "ConvolutionBackwardBackward0") : null,
            ], x, gy);
        }
    }
}
