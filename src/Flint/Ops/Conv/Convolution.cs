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

        private static bool IsPointwise(WindowGeometry g) =>
            g.KH == 1 && g.KW == 1 && g.SH == 1 && g.SW == 1 && g.PH == 0 && g.PW == 0 && g.OH == g.H && g.OW == g.W;

        /// <summary>
        /// Runs <paramref name="body"/> over sample ranges of [0, n), in parallel across the CPU worker pool (the
        /// products inside then run on one thread each; with a single sample they split themselves).
        /// </summary>
        private static void ForSamples(long n, Action<long, long> body) =>
            Flint.Backends.Cpu.WorkerPool.For(n, 1, (b0, b1) => body(b0, b1), chunksPerThread: 4);

        [ThreadStatic] private static float[]? scratchColumns;

        /// <summary>
        /// A [rows, cols] float32 work buffer (contents undefined) kept per thread, for the products of one sample chunk
        /// (nothing keeps a reference to it past the chunk); other dtypes get a new tensor.
        /// </summary>
        private static Tensor Work(long rows, long cols, DType ct, Device device)
        {
            long count = rows * cols;
            if (ct != DType.Float32 || count > 1 << 22 || device.type != DeviceType.CPU) return Tensor.Empty([rows, cols], ct, device);
            var slot = scratchColumns;
            if (slot is null || slot.Length < count) scratchColumns = slot = new float[Math.Max(count, 1024)];
            return new Tensor(new CpuStorage(ct, slot), [rows, cols], [cols, 1], 0);
        }

        /// <summary>Sample b's columns [Ci·KH·KW, L]: a view of x for a pointwise window, else unfolded into <paramref name="cols"/>.</summary>
        private static Tensor Columns(Tensor x4, long b, WindowGeometry g, Tensor? cols)
        {
            long ci = x4._shape[1], plane = (long)g.H * g.W;
            if (cols is null) return View(x4, [ci, plane], [plane, 1], b * ci * plane);
            cols.Backend.Im2Col(View(x4, [1, ci, g.H, g.W], x4._strides, b * ci * plane), cols, g);
            return cols;
        }

        /// <summary>y = conv(x, w) + b over [N, Ci, (H,) W] inputs: per sample, unfold into a reused buffer and one product.</summary>
        internal static Tensor ComputeForward(Tensor x, Tensor w, Tensor? b, ConvPlan p)
        {
            using var _ = torch.no_grad();
            var dtype = x.dtype; var ct = ComputeType(dtype);
            var x4 = Prep(x, ct); var w4 = Prep(w, ct);
            var g = p.G; int groups = p.Groups;
            long n = x4._shape[0], ci = x4._shape[1], co = w4._shape[0], l = g.OutPlane;
            long cog = co / groups, k = ci / groups * g.KH * g.KW;
            var y = Tensor.Empty([n, co, g.OH, g.OW], ct, x.device);
            var biasCols = b is null ? null : Elementwise.As(b, ct).contiguous();
            if (biasCols is not null) biasCols = View(biasCols, [co, l], [biasCols._strides[0], 0]);
            var wv = View(w4, [groups, cog, k], [cog * k, k, 1]);
            bool pointwise = IsPointwise(g);
            ForSamples(n, (b0, b1) =>
            {
                var cols = pointwise ? null : Work(ci * g.KH * g.KW, l, ct, x.device);
                for (long bi = b0; bi < b1; bi++)
                {
                    var src = Columns(x4, bi, g, cols);
                    var res = View(y, [co, l], [l, 1], bi * co * l);
                    if (biasCols is not null) res.Backend.Copy(res, biasCols);
                    res.Backend.Gemm(wv, View(src, [groups, k, l], [k * l, l, 1]),
                        View(res, [groups, cog, l], [cog * l, l, 1]), 1, biasCols is null ? 0 : 1);
                }
            });
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
            var gx = Tensor.Empty([n, ci, g.H, g.W], ct, gy.device);
            var wt = View(w4, [groups, k, cog], [cog * k, 1, k]);
            bool direct = IsPointwise(g);
            ForSamples(n, (b0, b1) =>
            {
                var gcols = direct ? null : Work(ci * g.KH * g.KW, l, ct, gy.device);
                for (long bi = b0; bi < b1; bi++)
                {
                    var dst = gcols ?? View(gx, [ci, plane], [plane, 1], bi * ci * plane);
                    dst.Backend.Gemm(wt, View(gy4, [groups, cog, l], [cog * l, l, 1], bi * co * l),
                        View(dst, [groups, k, l], [k * l, l, 1]), 1, 0);
                    if (gcols is not null) gx.Backend.Col2Im(gcols, View(gx, [1, ci, g.H, g.W], gx._strides, bi * ci * plane), g);
                }
            });
            if (b is not null)
            {
                var bias = Elementwise.As(b, ct).view(1, ci, 1, 1);
                gx.Backend.NumericBinary<Kernels.AddOp>(gx, bias, gx);
            }
            return Finish(gx, p.Dims, dtype);
        }

        /// <summary>Weight-gradient partial sums (a fixed split of the batch, so the result does not depend on the thread count).</summary>
        private const int WeightGradParts = 8;

        /// <summary>w̄ = Σₙ ȳ ⋆ x: the weight gradient of shape <paramref name="wShape"/>.</summary>
        internal static Tensor ComputeWeightGrad(Tensor x, Tensor gy, ConvPlan p, long[] wShape)
        {
            using var _ = torch.no_grad();
            var dtype = x.dtype; var ct = ComputeType(dtype);
            var x4 = Prep(x, ct); var gy4 = Prep(gy, ct);
            var g = p.G; int groups = p.Groups;
            long n = x4._shape[0], ci = x4._shape[1], co = gy4._shape[1], l = g.OutPlane;
            long cog = co / groups, k = ci / groups * g.KH * g.KW;
            var gw = Tensor.Empty([co, ci / groups, g.KH, g.KW], ct, x.device);
            int parts = (int)Math.Clamp(n, 1, WeightGradParts);
            var partial = parts == 1 ? gw : Tensor.Empty([parts, co * k], ct, x.device);
            bool pointwise = IsPointwise(g);
            if (n == 0) gw.Backend.Fill(gw, 0);
            ForSamples(n == 0 ? 0 : parts, (p0, p1) =>
            {
                var cols = pointwise ? null : Work(ci * g.KH * g.KW, l, ct, x.device);
                for (long part = p0; part < p1; part++)
                {
                    long s0 = part * n / parts, s1 = (part + 1) * n / parts;
                    var dst = View(partial, [groups, cog, k], [cog * k, k, 1], part * co * k);
                    for (long bi = s0; bi < s1; bi++)
                    {
                        var src = Columns(x4, bi, g, cols);
                        dst.Backend.Gemm(View(gy4, [groups, cog, l], [cog * l, l, 1], bi * co * l), View(src, [groups, l, k], [k * l, 1, l]),
                            dst, 1, bi == s0 ? 0 : 1);
                    }
                }
            });
            if (parts > 1)
            {
                var flat = View(gw, [co * k], [1]);
                flat.Backend.Copy(flat, View(partial, [co * k], [1]));
                for (int part = 1; part < parts; part++)
                    flat.Backend.NumericBinary<Kernels.AddOp>(flat, View(partial, [co * k], [1], part * co * k), flat);
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
