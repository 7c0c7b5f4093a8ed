namespace Flint.Backends.Cpu;

// Convolution as im2col plus the GEMM, sample by sample: samples run in parallel across the worker pool (the
// products inside then run on one thread each; with a single sample they split themselves), each thread
// unfolding into its own reused buffer.
internal sealed partial class CpuBackend
{
    private static TensorLayout View(TensorLayout t, long[] shape, long[] strides, long offsetDelta = 0) =>
        t.View(shape, strides, t.Offset + offsetDelta);

    private static bool IsPointwise(WindowGeometry g) =>
        g.Taps == 1 && g.SD == 1 && g.SH == 1 && g.SW == 1 && g.PD == 0 && g.PH == 0 && g.PW == 0 && g.OD == g.D && g.OH == g.H && g.OW == g.W;

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

    public void ConvForward(TensorLayout x, TensorLayout w, TensorLayout? bias, TensorLayout y, WindowGeometry g, int groups)
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

    public void ConvInputGrad(TensorLayout gy, TensorLayout w, TensorLayout gx, WindowGeometry g, int groups)
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

    public void ConvWeightGrad(TensorLayout x, TensorLayout gy, TensorLayout gw, WindowGeometry g, int groups)
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
