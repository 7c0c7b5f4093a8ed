using System.Numerics;
using Flint.Backends.Cpu.Conv;

namespace Flint.Backends.Cpu;

// Convolution by the algorithm ConvOptions.Choose picks per shape: a pointwise window as plain GEMMs on the
// input, one input channel per group as a direct depthwise convolution, a 3x3 stride-1 window as Winograd F(2x2, 3x3)
// (Conv/Winograd.cs), a forward with few input channels × taps (the RGB stem) straight from phase lines of the input
// (Conv/DirectConv.cs), small planes of a batch as one implicit GEMM over several samples (Conv/FoldedConv.cs), any other
// window as the blocked implicit GEMM (Conv/BlockedConv.cs).
// The reference algorithm (whole im2col plus the GEMM, sample by sample: samples run in
// parallel across the worker pool, each thread unfolding into its own reused buffer) also serves the pointwise
// windows and the dtypes other than float32 and float64.
internal sealed partial class CpuBackend
{
    public void ConvForward(TensorLayout x, TensorLayout w, TensorLayout? bias, TensorLayout y, WindowGeometry g, int groups)
    {
        var algo = ConvOptions.Choose(g, x.Shape[1], groups, y.DType, x.Shape[0]);
        if (algo is ConvAlgorithm.Blocked or ConvAlgorithm.Depthwise or ConvAlgorithm.Winograd or ConvAlgorithm.BatchFolded or ConvAlgorithm.Direct)
            DTypeDispatch.Floating(y.DType, "convolution", new ConvV(ConvKernel.Forward, algo, x, w, y, bias, g, groups));
        else ReferenceForward(x, w, bias, y, g, groups);
    }

    public void ConvInputGrad(TensorLayout gy, TensorLayout w, TensorLayout gx, WindowGeometry g, int groups)
    {
        var algo = ConvOptions.Choose(g, gx.Shape[1], groups, gx.DType, gx.Shape[0]);
        if (algo == ConvAlgorithm.Winograd && !Winograd.AppliesToInputGrad(g) || algo == ConvAlgorithm.Direct) algo = ConvOptions.ImplicitGemm(g, gx.Shape[0]);
        if (algo is ConvAlgorithm.Blocked or ConvAlgorithm.Depthwise or ConvAlgorithm.Winograd or ConvAlgorithm.BatchFolded)
            DTypeDispatch.Floating(gx.DType, "convolution_backward", new ConvV(ConvKernel.InputGrad, algo, gx, w, gy, null, g, groups));
        else ReferenceInputGrad(gy, w, gx, g, groups);
    }

    public void ConvWeightGrad(TensorLayout x, TensorLayout gy, TensorLayout gw, WindowGeometry g, int groups)
    {
        var algo = ConvOptions.Choose(g, x.Shape[1], groups, gw.DType, x.Shape[0]);
        if (algo == ConvAlgorithm.Direct) algo = ConvOptions.ImplicitGemm(g, x.Shape[0]);
        if (algo is ConvAlgorithm.Blocked or ConvAlgorithm.Depthwise or ConvAlgorithm.Winograd or ConvAlgorithm.BatchFolded)
            DTypeDispatch.Floating(gw.DType, "convolution_backward", new ConvV(ConvKernel.WeightGrad, algo, x, gw, gy, null, g, groups));
        else ReferenceWeightGrad(x, gy, gw, g, groups);
    }

    private enum ConvKernel { Forward, InputGrad, WeightGrad }

    /// <summary>One convolution kernel on contiguous operands: x (or x̄), w (or w̄), y (or ȳ), as <see cref="ConvArrays{T}"/> names them.</summary>
    private readonly struct ConvV(ConvKernel kernel, ConvAlgorithm algo, TensorLayout x, TensorLayout w, TensorLayout y, TensorLayout? bias,
        WindowGeometry g, int groups) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            var a = new ConvArrays<T>(Arr<T>(x), x.Offset, Arr<T>(w), w.Offset, Arr<T>(y), y.Offset,
                checked((int)x.Shape[0]), checked((int)x.Shape[1]), checked((int)w.Shape[0]), groups);
            T[]? b = bias is { } bv ? Arr<T>(bv) : null;
            long bOff = bias?.Offset ?? 0, bStride = bias?.Strides[0] ?? 0;
            var kind = algo;
            if (kind == ConvAlgorithm.Winograd && !WinogradOperandsFinite(kernel, a, x, w, y)) kind = ConvAlgorithm.Blocked;
            switch (kernel, kind)
            {
                case (ConvKernel.Forward, ConvAlgorithm.Blocked): BlockedConv.Forward(a, b, bOff, bStride, g); break;
                case (ConvKernel.Forward, ConvAlgorithm.BatchFolded): FoldedConv.Forward(a, b, bOff, bStride, g); break;
                case (ConvKernel.Forward, ConvAlgorithm.Depthwise): Depthwise.Forward(a, b, bOff, bStride, g); break;
                case (ConvKernel.Forward, ConvAlgorithm.Direct): DirectConv.Forward(a, b, bOff, bStride, g); break;
                case (ConvKernel.Forward, _): Winograd.Forward(a, b, bOff, bStride, g); break;
                case (ConvKernel.InputGrad, ConvAlgorithm.Blocked): BlockedConv.InputGrad(a, g); break;
                case (ConvKernel.InputGrad, ConvAlgorithm.BatchFolded): FoldedConv.InputGrad(a, g); break;
                case (ConvKernel.InputGrad, ConvAlgorithm.Depthwise): Depthwise.InputGrad(a, g); break;
                case (ConvKernel.InputGrad, _): Winograd.InputGrad(a, g); break;
                case (ConvKernel.WeightGrad, ConvAlgorithm.Blocked): BlockedConv.WeightGrad(a, g); break;
                case (ConvKernel.WeightGrad, ConvAlgorithm.BatchFolded): FoldedConv.WeightGrad(a, g); break;
                case (ConvKernel.WeightGrad, ConvAlgorithm.Winograd): Winograd.WeightGrad(a, g); break;
                default: Depthwise.WeightGrad(a, g); break;
            }
        }
    }

    /// <summary>
    /// Whether the operands a Winograd kernel reads are all finite (x for the forward, ȳ for the input gradient, both
    /// for the weight gradient, and the weights for the first two); see <see cref="Winograd.AllFinite"/>.
    /// </summary>
    private static bool WinogradOperandsFinite<T>(ConvKernel kernel, ConvArrays<T> a, TensorLayout x, TensorLayout w, TensorLayout y) where T : unmanaged, INumber<T>
    {
        bool readsX = kernel != ConvKernel.InputGrad, readsY = kernel != ConvKernel.Forward, readsW = kernel != ConvKernel.WeightGrad;
        return (!readsX || Winograd.AllFinite(a.X, a.XOff, x.Numel))
            && (!readsY || Winograd.AllFinite(a.Y, a.YOff, y.Numel))
            && (!readsW || Winograd.AllFinite(a.W, a.WOff, w.Numel));
    }

    private static TensorLayout View(TensorLayout t, long[] shape, long[] strides, long offsetDelta = 0) =>
        t.View(shape, strides, t.Offset + offsetDelta);

    private static bool IsPointwise(WindowGeometry g) => ConvOptions.IsPointwise(g);

    /// <summary>Runs <paramref name="body"/> over sample ranges of [0, n) on the worker pool.</summary>
    private static void ForSamples(long n, Action<long, long> body) =>
        WorkerPool.For(n, 1, (b0, b1) => body(b0, b1), chunksPerThread: 4);

    [ThreadStatic] private static float[]? convColumns;

    /// <summary>
    /// A [rows, cols] work buffer (contents undefined): float32 ones are kept per thread, for the products of one
    /// sample chunk (nothing keeps a reference to it past the chunk); other dtypes and large ones are new.
    /// </summary>
    private static TensorLayout Work(long rows, long cols, DType ct)
    {
        long count = rows * cols;
        if (ct != DType.Float32 || count > 1 << 22) return Contig([rows, cols], ct);
        var slot = convColumns;
        if (slot is null || slot.Length < count) convColumns = slot = new float[Math.Max(count, 1024)];
        return new TensorLayout(new CpuStorage(ct, slot), [rows, cols], [cols, 1], 0);
    }

    /// <summary>Sample b's columns [Ci·KH·KW, L]: a view of x for a pointwise window, else unfolded into <paramref name="cols"/>.</summary>
    private TensorLayout Columns(TensorLayout x4, long b, WindowGeometry g, TensorLayout? cols)
    {
        long ci = x4.Shape[1], plane = g.Plane;
        if (cols is not { } c) return View(x4, [ci, plane], [plane, 1], b * ci * plane);
        Im2Col(View(x4, [1, ci, plane], [ci * plane, plane, 1], b * ci * plane), c, g);
        return c;
    }

    private void ReferenceForward(TensorLayout x, TensorLayout w, TensorLayout? bias, TensorLayout y, WindowGeometry g, int groups)
    {
        long n = x.Shape[0], ci = x.Shape[1], co = w.Shape[0], l = g.OutPlane;
        long cog = co / groups, k = ci / groups * g.Taps;
        TensorLayout? biasCols = bias is { } bv ? View(bv, [co, l], [bv.Strides[0], 0]) : default(TensorLayout?);
        var wv = View(w, [groups, cog, k], [cog * k, k, 1]);
        bool pointwise = IsPointwise(g);
        var ct = y.DType;
        ForSamples(n, (b0, b1) =>
        {
            TensorLayout? cols = pointwise ? default(TensorLayout?) : Work(ci * g.Taps, l, ct);
            for (long bi = b0; bi < b1; bi++)
            {
                var src = Columns(x, bi, g, cols);
                var res = View(y, [co, l], [l, 1], bi * co * l);
                if (biasCols is { } bc) Copy(res, bc);
                Gemm(wv, View(src, [groups, k, l], [k * l, l, 1]),
                    View(res, [groups, cog, l], [cog * l, l, 1]), 1, biasCols is null ? 0 : 1);
            }
        });
    }

    private void ReferenceInputGrad(TensorLayout gy, TensorLayout w, TensorLayout gx, WindowGeometry g, int groups)
    {
        long n = gy.Shape[0], co = w.Shape[0], ci = w.Shape[1] * groups, l = g.OutPlane, plane = g.Plane;
        long cog = co / groups, k = ci / groups * g.Taps;
        var wt = View(w, [groups, k, cog], [cog * k, 1, k]);
        bool direct = IsPointwise(g);
        var ct = gx.DType;
        ForSamples(n, (b0, b1) =>
        {
            TensorLayout? gcols = direct ? default(TensorLayout?) : Work(ci * g.Taps, l, ct);
            for (long bi = b0; bi < b1; bi++)
            {
                var dst = gcols ?? View(gx, [ci, plane], [plane, 1], bi * ci * plane);
                Gemm(wt, View(gy, [groups, cog, l], [cog * l, l, 1], bi * co * l),
                    View(dst, [groups, k, l], [k * l, l, 1]), 1, 0);
                if (gcols is { } gc) Col2Im(gc, View(gx, [1, ci, plane], [ci * plane, plane, 1], bi * ci * plane), g);
            }
        });
    }

    /// <summary>Weight-gradient partial sums (a fixed split of the batch, so the result does not depend on the thread count).</summary>
    private const int WeightGradParts = 8;

    private void ReferenceWeightGrad(TensorLayout x, TensorLayout gy, TensorLayout gw, WindowGeometry g, int groups)
    {
        long n = x.Shape[0], ci = x.Shape[1], co = gy.Shape[1], l = g.OutPlane;
        long cog = co / groups, k = ci / groups * g.Taps;
        var ct = gw.DType;
        int parts = (int)Math.Clamp(n, 1, WeightGradParts);
        var partial = parts == 1 ? gw : Contig([parts, co * k], ct);
        bool pointwise = IsPointwise(g);
        if (n == 0) { Fill(gw, 0); return; }
        ForSamples(parts, (p0, p1) =>
        {
            TensorLayout? cols = pointwise ? default(TensorLayout?) : Work(ci * g.Taps, l, ct);
            for (long part = p0; part < p1; part++)
            {
                long s0 = part * n / parts, s1 = (part + 1) * n / parts;
                var dst = View(partial, [groups, cog, k], [cog * k, k, 1], part * co * k);
                for (long bi = s0; bi < s1; bi++)
                {
                    var src = Columns(x, bi, g, cols);
                    Gemm(View(gy, [groups, cog, l], [cog * l, l, 1], bi * co * l), View(src, [groups, l, k], [k * l, 1, l]),
                        dst, 1, bi == s0 ? 0 : 1);
                }
            }
        });
        if (parts > 1)
        {
            var flat = View(gw, [co * k], [1]);
            Copy(flat, View(partial, [co * k], [1]));
            for (int part = 1; part < parts; part++)
                NumericBinary<Ops.Kernels.AddOp>(flat, View(partial, [co * k], [1], part * co * k), flat);
        }
    }
}
