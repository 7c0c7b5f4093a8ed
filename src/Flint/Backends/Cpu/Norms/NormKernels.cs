using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu.Norms;

/// <summary>
/// The vectorized, threaded layer, rms, group and batch normalizations over contiguous operands, forward and backward.
/// Statistics take two passes over each block while it is in cache (see <see cref="NormRuns{T, TV, L}"/>); the work
/// is split across the pool by rows (layer norm), (sample, group) pairs (group norm) or channels (batch norm). The
/// gradients follow the same formulas as the reference kernels in CpuBackend.Norms.cs.
/// </summary>
internal static class NormKernels<T, TV, L> where T : unmanaged, IFloatingPointIeee754<T> where TV : struct where L : struct, ILanes<T, TV>
{
    private static ref T Ref(T[] a, long offset) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a), (nint)offset);

    /// <summary>Items per chunk so that a chunk holds at least a grain of elements (every item, under forced threading).</summary>
    private static long ItemGrain(long elementsPerItem)
    {
        long g = KernelOptions.Grain();
        return g == long.MaxValue ? g : Math.Max(1, g / Math.Max(1, elementsPerItem));
    }

    private static T[] Filled(long n, T value)
    {
        var a = new T[n];
        Array.Fill(a, value);
        return a;
    }

    // ---------------- layer norm: (rows, cols), statistics per row, affine per column ----------------

    internal static void LayerNorm(TensorLayout input, TensorLayout? weight, TensorLayout? bias, double eps, TensorLayout output, TensorLayout mean, TensorLayout rstd)
    {
        long rows = input.Shape[0], cols = input.Shape[1];
        T[] xa = CpuBackend.Arr<T>(input), ya = CpuBackend.Arr<T>(output), ma = CpuBackend.Arr<T>(mean), ra = CpuBackend.Arr<T>(rstd);
        long xo = input.Offset, yo = output.Offset, mo = mean.Offset, ro = rstd.Offset;
        T[] wa = weight is { } w ? CpuBackend.Arr<T>(w) : Filled(cols, T.One), ba = bias is { } b ? CpuBackend.Arr<T>(b) : new T[cols];
        long wo = weight?.Offset ?? 0, bo = bias?.Offset ?? 0;
        WorkerPool.For(rows, ItemGrain(cols), (r0, r1) =>
        {
            for (long r = r0; r < r1; r++)
            {
                ref T x = ref Ref(xa, xo + r * cols);
                var m = NormRuns<T, TV, L>.Stats(ref x, (nint)cols);
                double mu = m.Average, rs = 1 / Math.Sqrt(m.Variance + eps);
                var (hi, lo) = NormRuns<T, TV, L>.Split(mu);
                T rst = T.CreateTruncating(rs);
                NormRuns<T, TV, L>.NormalizeColumns(ref x, ref Ref(ya, yo + r * cols), ref Ref(wa, wo), ref Ref(ba, bo), (nint)cols, hi, lo, rst);
                ma[mo + r] = T.CreateTruncating(mu); ra[ro + r] = rst;
            }
        });
    }

    /// <summary>Rows a chunk adds into its float partial column sums before they go to double.</summary>
    private const int FlushRows = 32;

    internal static void LayerNormBackward(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout mean, TensorLayout rstd,
        TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias, bool accumulateInput)
    {
        long rows = input.Shape[0], cols = input.Shape[1];
        T[] xa = CpuBackend.Arr<T>(input), ga = CpuBackend.Arr<T>(grad), ma = CpuBackend.Arr<T>(mean), ra = CpuBackend.Arr<T>(rstd);
        long xo = input.Offset, go = grad.Offset, mo = mean.Offset, ro = rstd.Offset;
        T[] wa = weight is { } w ? CpuBackend.Arr<T>(w) : Filled(cols, T.One);
        long wo = weight?.Offset ?? 0;
        T[]? gxa = gradInput is { } gi ? CpuBackend.Arr<T>(gi) : null;
        long gxo = gradInput?.Offset ?? 0;
        bool columns = gradWeight is not null || gradBias is not null;
        // chunks fixed here (not by the pool) so each has its own column sums, added up in a fixed order
        long grain = ItemGrain(cols);
        int chunks = (int)Math.Max(1, Math.Min(WorkerPool.MaxThreads, grain == long.MaxValue ? 1 : (rows + grain - 1) / grain));
        var gwAcc = new double[columns ? chunks : 0][];
        var gbAcc = new double[columns ? chunks : 0][];
        WorkerPool.For(chunks, 1, (c0, c1) =>
        {
            for (long c = c0; c < c1; c++)
            {
                long r0 = rows * c / chunks, r1 = rows * (c + 1) / chunks;
                var pgw = new T[cols]; var pgb = new T[cols];
                double[]? dgw = columns ? new double[cols] : null, dgb = columns ? new double[cols] : null;
                for (long r = r0; r < r1; r++)
                {
                    ref T x = ref Ref(xa, xo + r * cols);
                    ref T g = ref Ref(ga, go + r * cols);
                    T hi = ma[mo + r], rs = ra[ro + r];
                    var (sgw, sgwd) = NormRuns<T, TV, L>.RowGradSums(ref g, ref x, ref Ref(wa, wo), ref pgw[0], ref pgb[0], (nint)cols, hi, T.Zero, rs);
                    if (columns && ((r - r0 + 1) % FlushRows == 0 || r == r1 - 1))
                    {
                        NormRuns<T, TV, L>.Flush(ref pgw[0], dgw!, (nint)cols);
                        NormRuns<T, TV, L>.Flush(ref pgb[0], dgb!, (nint)cols);
                    }
                    if (gxa is null) continue;
                    double rsd = double.CreateTruncating(rs);
                    T b = T.CreateTruncating(-rsd * rsd * rsd * sgwd / cols), mg = T.CreateTruncating(sgw / cols);
                    NormRuns<T, TV, L>.RowGradApply(ref g, ref x, ref Ref(wa, wo), ref Ref(gxa, gxo + r * cols), (nint)cols, hi, T.Zero, mg, rs, b, accumulateInput);
                }
                if (columns) { gwAcc[c] = dgw!; gbAcc[c] = dgb!; }
            }
        });
        if (gradWeight is { } gwl) StoreColumnSums(gwAcc, CpuBackend.Arr<T>(gwl), gwl.Offset, cols);
        if (gradBias is { } gbl) StoreColumnSums(gbAcc, CpuBackend.Arr<T>(gbl), gbl.Offset, cols);
    }

    private static void StoreColumnSums(double[][] parts, T[] dst, long offset, long cols)
    {
        for (long j = 0; j < cols; j++)
        {
            double s = 0;
            foreach (var p in parts) s += p[j];
            dst[offset + j] = T.CreateTruncating(s);
        }
    }

    // ---------------- rms norm: (rows, cols), the root mean square per row, scale per column ----------------

    internal static void RmsNorm(TensorLayout input, TensorLayout? weight, double eps, TensorLayout output, TensorLayout rstd)
    {
        long rows = input.Shape[0], cols = input.Shape[1];
        T[] xa = CpuBackend.Arr<T>(input), ya = CpuBackend.Arr<T>(output), ra = CpuBackend.Arr<T>(rstd);
        long xo = input.Offset, yo = output.Offset, ro = rstd.Offset;
        T[]? wa = weight is { } w ? CpuBackend.Arr<T>(w) : null;
        long wo = weight?.Offset ?? 0;
        WorkerPool.For(rows, ItemGrain(cols), (r0, r1) =>
        {
            for (long r = r0; r < r1; r++)
            {
                ref T x = ref Ref(xa, xo + r * cols);
                T rs = T.CreateTruncating(1 / Math.Sqrt(NormRuns<T, TV, L>.SumSquares(ref x, (nint)cols) / cols + eps));
                if (wa is null) NormRuns<T, TV, L>.Scale(ref x, ref Ref(ya, yo + r * cols), (nint)cols, rs);
                else NormRuns<T, TV, L>.ScaleColumns(ref x, ref Ref(ya, yo + r * cols), ref Ref(wa, wo), (nint)cols, rs);
                ra[ro + r] = rs;
            }
        });
    }

    internal static void RmsNormBackward(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout rstd, TensorLayout? gradInput, TensorLayout? gradWeight)
    {
        long rows = input.Shape[0], cols = input.Shape[1];
        T[] xa = CpuBackend.Arr<T>(input), ga = CpuBackend.Arr<T>(grad), ra = CpuBackend.Arr<T>(rstd);
        long xo = input.Offset, go = grad.Offset, ro = rstd.Offset;
        T[] wa = weight is { } w ? CpuBackend.Arr<T>(w) : Filled(cols, T.One);
        long wo = weight?.Offset ?? 0;
        T[]? gxa = gradInput is { } gi ? CpuBackend.Arr<T>(gi) : null;
        long gxo = gradInput?.Offset ?? 0;
        bool columns = gradWeight is not null;
        // chunks fixed here (not by the pool) so each has its own column sums, added up in a fixed order
        long grain = ItemGrain(cols);
        int chunks = (int)Math.Max(1, Math.Min(WorkerPool.MaxThreads, grain == long.MaxValue ? 1 : (rows + grain - 1) / grain));
        var gwAcc = new double[columns ? chunks : 0][];
        WorkerPool.For(chunks, 1, (c0, c1) =>
        {
            for (long c = c0; c < c1; c++)
            {
                long r0 = rows * c / chunks, r1 = rows * (c + 1) / chunks;
                var pgw = new T[Math.Max(1, cols)];
                double[]? dgw = columns ? new double[cols] : null;
                for (long r = r0; r < r1; r++)
                {
                    ref T x = ref Ref(xa, xo + r * cols);
                    ref T g = ref Ref(ga, go + r * cols);
                    T rs = ra[ro + r];
                    double s = NormRuns<T, TV, L>.RmsRowGradSums(ref g, ref x, ref Ref(wa, wo), ref pgw[0], (nint)cols, rs);
                    if (columns && ((r - r0 + 1) % FlushRows == 0 || r == r1 - 1)) NormRuns<T, TV, L>.Flush(ref pgw[0], dgw!, (nint)cols);
                    if (gxa is null) continue;
                    double rsd = double.CreateTruncating(rs);
                    T k = T.CreateTruncating(rsd * rsd * rsd * s / cols);
                    NormRuns<T, TV, L>.RmsRowGradApply(ref g, ref x, ref Ref(wa, wo), ref Ref(gxa, gxo + r * cols), (nint)cols, rs, k);
                }
                if (columns) gwAcc[c] = dgw!;
            }
        });
        if (gradWeight is { } gwl) StoreColumnSums(gwAcc, CpuBackend.Arr<T>(gwl), gwl.Offset, cols);
    }

    // ---------------- group norm: (N, C, S), statistics per (sample, group) over a contiguous run ----------------

    internal static void GroupNorm(TensorLayout input, long groups, TensorLayout? weight, TensorLayout? bias, double eps, TensorLayout output, TensorLayout mean, TensorLayout rstd)
    {
        long n = input.Shape[0], c = input.Shape[1], cpg = c / groups, s = input.Numel / (n * c), run = cpg * s;
        T[] xa = CpuBackend.Arr<T>(input), ya = CpuBackend.Arr<T>(output), ma = CpuBackend.Arr<T>(mean), ra = CpuBackend.Arr<T>(rstd);
        long xo = input.Offset, yo = output.Offset, mo = mean.Offset, ro = rstd.Offset;
        T[]? wa = weight is { } w ? CpuBackend.Arr<T>(w) : null, ba = bias is { } b ? CpuBackend.Arr<T>(b) : null;
        long wo = weight?.Offset ?? 0, bo = bias?.Offset ?? 0;
        WorkerPool.For(n * groups, ItemGrain(run), (r0, r1) =>
        {
            for (long r = r0; r < r1; r++)
            {
                var m = NormRuns<T, TV, L>.Stats(ref Ref(xa, xo + r * run), (nint)run);
                double mu = m.Average, rs = 1 / Math.Sqrt(m.Variance + eps);
                var (hi, lo) = NormRuns<T, TV, L>.Split(mu);
                long ch0 = r % groups * cpg;
                for (long k = 0; k < cpg; k++)
                {
                    long ch = ch0 + k, at = r * run + k * s;
                    double wc = wa is null ? 1 : double.CreateTruncating(wa[wo + ch]);
                    T a = T.CreateTruncating(rs * wc), sh = ba is null ? T.Zero : ba[bo + ch];
                    NormRuns<T, TV, L>.Normalize(ref Ref(xa, xo + at), ref Ref(ya, yo + at), (nint)s, hi, lo, a, sh);
                }
                ma[mo + r] = T.CreateTruncating(mu); ra[ro + r] = T.CreateTruncating(rs);
            }
        });
    }

    internal static void GroupNormBackward(TensorLayout grad, TensorLayout input, long groups, TensorLayout? weight, TensorLayout mean, TensorLayout rstd,
        TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias)
    {
        long n = input.Shape[0], c = input.Shape[1], cpg = c / groups, s = input.Numel / (n * c), run = cpg * s;
        T[] xa = CpuBackend.Arr<T>(input), ga = CpuBackend.Arr<T>(grad), ma = CpuBackend.Arr<T>(mean), ra = CpuBackend.Arr<T>(rstd);
        long xo = input.Offset, go = grad.Offset, mo = mean.Offset, ro = rstd.Offset;
        T[]? wa = weight is { } w ? CpuBackend.Arr<T>(w) : null;
        long wo = weight?.Offset ?? 0;
        T[]? gxa = gradInput is { } gi ? CpuBackend.Arr<T>(gi) : null;
        long gxo = gradInput?.Offset ?? 0;
        // per (sample, channel): Σ g and Σ g·(x - mean)
        var db = new double[n * c]; var ds = new double[n * c];
        WorkerPool.For(n * groups, ItemGrain(run), (r0, r1) =>
        {
            for (long r = r0; r < r1; r++)
            {
                T hi = ma[mo + r], rs = ra[ro + r];
                long ch0 = r % groups * cpg;
                double sgw = 0, sgwd = 0;
                for (long k = 0; k < cpg; k++)
                {
                    long at = r * run + k * s;
                    var (sg, sgd) = NormRuns<T, TV, L>.GradSums(ref Ref(ga, go + at), ref Ref(xa, xo + at), (nint)s, hi, T.Zero);
                    long nc = r / groups * c + ch0 + k;
                    db[nc] = sg; ds[nc] = sgd;
                    double wc = wa is null ? 1 : double.CreateTruncating(wa[wo + ch0 + k]);
                    sgw += wc * sg; sgwd += wc * sgd;
                }
                if (gxa is null) continue;
                double rsd = double.CreateTruncating(rs);
                T b = T.CreateTruncating(-rsd * rsd * rsd * sgwd / run), mg = T.CreateTruncating(sgw / run);
                for (long k = 0; k < cpg; k++)
                {
                    long at = r * run + k * s;
                    T wc = wa is null ? T.One : wa[wo + ch0 + k];
                    NormRuns<T, TV, L>.GradApply(ref Ref(ga, go + at), ref Ref(xa, xo + at), ref Ref(gxa, gxo + at), (nint)s, hi, T.Zero, wc, mg, rs, b);
                }
            }
        });
        if (gradWeight is null && gradBias is null) return;
        T[]? gwa = gradWeight is { } gwl ? CpuBackend.Arr<T>(gwl) : null, gba = gradBias is { } gbl ? CpuBackend.Arr<T>(gbl) : null;
        long gwo = gradWeight?.Offset ?? 0, gbo = gradBias?.Offset ?? 0;
        for (long ch = 0; ch < c; ch++)
        {
            double sw = 0, sb = 0;
            for (long i = 0; i < n; i++)
            {
                long r = i * groups + ch / cpg;
                sw += double.CreateTruncating(ra[ro + r]) * ds[i * c + ch]; sb += db[i * c + ch];
            }
            if (gwa is not null) gwa[gwo + ch] = T.CreateTruncating(sw);
            if (gba is not null) gba[gbo + ch] = T.CreateTruncating(sb);
        }
    }

    // ---------------- batch norm: (N, C, S), statistics per channel over N runs of S ----------------

    internal static void BatchNorm(TensorLayout input, TensorLayout? weight, TensorLayout? bias, TensorLayout? runningMean, TensorLayout? runningVar, bool training,
        double momentum, double eps, TensorLayout output, TensorLayout saveMean, TensorLayout saveInvstd)
    {
        long n = input.Shape[0], c = input.Shape[1], s = input.Numel / (n * c);
        T[] xa = CpuBackend.Arr<T>(input), ya = CpuBackend.Arr<T>(output), ma = CpuBackend.Arr<T>(saveMean), ia = CpuBackend.Arr<T>(saveInvstd);
        long xo = input.Offset, yo = output.Offset, mo = saveMean.Offset, io = saveInvstd.Offset;
        T[]? wa = weight is { } w ? CpuBackend.Arr<T>(w) : null, ba = bias is { } b ? CpuBackend.Arr<T>(b) : null;
        long wo = weight?.Offset ?? 0, bo = bias?.Offset ?? 0;
        T[]? rma = runningMean is { } rml ? CpuBackend.Arr<T>(rml) : null, rva = runningVar is { } rvl ? CpuBackend.Arr<T>(rvl) : null;
        long rmo = runningMean?.Offset ?? 0, rvo = runningVar?.Offset ?? 0;
        WorkerPool.For(c, ItemGrain(n * s), (c0, c1) =>
        {
            for (long ch = c0; ch < c1; ch++)
            {
                double mu, invstd;
                if (training)
                {
                    var m = default(Moments);
                    for (long i = 0; i < n; i++) m.Add(NormRuns<T, TV, L>.Stats(ref Ref(xa, xo + (i * c + ch) * s), (nint)s));
                    mu = m.Average;
                    double v = m.Variance, count = n * s;
                    invstd = 1 / Math.Sqrt(v + eps);
                    if (rma is not null) rma[rmo + ch] = T.CreateTruncating(momentum * mu + (1 - momentum) * double.CreateTruncating(rma[rmo + ch]));
                    if (rva is not null) rva[rvo + ch] = T.CreateTruncating(momentum * v * count / (count - 1) + (1 - momentum) * double.CreateTruncating(rva[rvo + ch]));
                }
                else
                {
                    mu = double.CreateTruncating(rma![rmo + ch]);
                    invstd = 1 / Math.Sqrt(double.CreateTruncating(rva![rvo + ch]) + eps);
                }
                var (hi, lo) = NormRuns<T, TV, L>.Split(mu);
                double wc = wa is null ? 1 : double.CreateTruncating(wa[wo + ch]);
                T a = T.CreateTruncating(invstd * wc), sh = ba is null ? T.Zero : ba[bo + ch];
                for (long i = 0; i < n; i++)
                {
                    long at = (i * c + ch) * s;
                    NormRuns<T, TV, L>.Normalize(ref Ref(xa, xo + at), ref Ref(ya, yo + at), (nint)s, hi, lo, a, sh);
                }
                ma[mo + ch] = T.CreateTruncating(mu); ia[io + ch] = T.CreateTruncating(invstd);
            }
        });
    }

    internal static void BatchNormBackward(TensorLayout grad, TensorLayout input, TensorLayout? weight, TensorLayout saveMean, TensorLayout saveInvstd, bool training,
        TensorLayout? gradInput, TensorLayout? gradWeight, TensorLayout? gradBias)
    {
        long n = input.Shape[0], c = input.Shape[1], s = input.Numel / (n * c);
        T[] xa = CpuBackend.Arr<T>(input), ga = CpuBackend.Arr<T>(grad), ma = CpuBackend.Arr<T>(saveMean), ia = CpuBackend.Arr<T>(saveInvstd);
        long xo = input.Offset, go = grad.Offset, mo = saveMean.Offset, io = saveInvstd.Offset;
        T[]? wa = weight is { } w ? CpuBackend.Arr<T>(w) : null;
        long wo = weight?.Offset ?? 0;
        T[]? gxa = gradInput is { } gi ? CpuBackend.Arr<T>(gi) : null, gwa = gradWeight is { } gwl ? CpuBackend.Arr<T>(gwl) : null, gba = gradBias is { } gbl ? CpuBackend.Arr<T>(gbl) : null;
        long gxo = gradInput?.Offset ?? 0, gwo = gradWeight?.Offset ?? 0, gbo = gradBias?.Offset ?? 0;
        double count = n * s;
        WorkerPool.For(c, ItemGrain(n * s), (c0, c1) =>
        {
            for (long ch = c0; ch < c1; ch++)
            {
                T hi = ma[mo + ch];
                double invstd = double.CreateTruncating(ia[io + ch]), sg = 0, sgd = 0;
                for (long i = 0; i < n; i++)
                {
                    long at = (i * c + ch) * s;
                    var (a0, a1) = NormRuns<T, TV, L>.GradSums(ref Ref(ga, go + at), ref Ref(xa, xo + at), (nint)s, hi, T.Zero);
                    sg += a0; sgd += a1;
                }
                if (gwa is not null) gwa[gwo + ch] = T.CreateTruncating(sgd * invstd);
                if (gba is not null) gba[gbo + ch] = T.CreateTruncating(sg);
                if (gxa is null) continue;
                double wc = wa is null ? 1 : double.CreateTruncating(wa[wo + ch]), k = wc * invstd;
                T tw = T.CreateTruncating(wc), ti = ia[io + ch], tk = T.CreateTruncating(k);
                T mg = T.CreateTruncating(wc * sg / count), tb = T.CreateTruncating(-k * invstd * invstd * sgd / count);
                for (long i = 0; i < n; i++)
                {
                    long at = (i * c + ch) * s;
                    // eval: the statistics are constants, gx = g · w · invstd
                    if (training) NormRuns<T, TV, L>.GradApply(ref Ref(ga, go + at), ref Ref(xa, xo + at), ref Ref(gxa, gxo + at), (nint)s, hi, T.Zero, tw, mg, ti, tb);
                    else NormRuns<T, TV, L>.Normalize(ref Ref(ga, go + at), ref Ref(gxa, gxo + at), (nint)s, T.Zero, T.Zero, tk, T.Zero);
                }
            }
        });
    }
}
