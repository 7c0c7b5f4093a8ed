using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu.Gemm;

/// <summary>One operand of a batched product: element (b, i, j) lives at Data[Offset + b*Bs + i*Rs + j*Cs].</summary>
internal readonly record struct MatView<T>(T[] Data, long Offset, long Bs, long Rs, long Cs);

/// <summary>
/// The blocked GEMM for float and double: C is cut into (batch, mc-row, nc-column) blocks that run independently
/// (on the thread pool when the product is large); each block walks k in kc slices, packs its slice of B and A
/// into panels and sweeps the micro-kernel over them.
/// </summary>
internal static class GemmDriver
{
    /// <summary>
    /// C = alpha·A·B + beta·C for each of <paramref name="batch"/> products. <paramref name="asLaidOut"/> keeps the
    /// product the way round it is given (no Cᵀ = Bᵀ·Aᵀ rewrite): for a caller whose C rows are contiguous and whose
    /// k is small, the rewrite's strided C stores cost more than it saves (Winograd's 64×64·64×256 planes ran at
    /// 15 instead of 25 GFLOP/s on one Zen 1 core).
    /// </summary>
    internal static void Run<T>(int batch, int m, int n, int k, MatView<T> a, MatView<T> b, MatView<T> c, T alpha, T beta, bool asLaidOut = false)
        where T : unmanaged, INumber<T>
    {
        if (batch == 0 || m == 0 || n == 0) return;
        if (k == 0 || alpha == T.Zero)
        {
            ScaleC(batch, m, n, c, beta);
            return;
        }
        if (!GemmOptions.NoGemv && (n == 1 || m == 1) && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
        {
            Gemv(batch, m, n, k, a, b, c, alpha, beta);
            return;
        }
        switch (GemmOptions.Resolve())
        {
            case VectorPath.Vector512: Run512(GemmOptions.Current, batch, m, n, k, a, b, c, alpha, beta, asLaidOut); break;
            case VectorPath.Vector256: Blocked<T, Kernel256<T>>(batch, m, n, k, a, b, c, alpha, beta, asLaidOut); break;
            default: Blocked<T, ScalarKernel<T>>(batch, m, n, k, a, b, c, alpha, beta, asLaidOut); break;
        }
    }

    /// <summary>The 512-bit product with the tuning's register tile and prefetch distance (rounded to 0, 8 or 16 steps).</summary>
    private static void Run512<T>(GemmTuning tuning, int batch, int m, int n, int k, MatView<T> a, MatView<T> b, MatView<T> c, T alpha, T beta, bool asLaidOut)
        where T : unmanaged, INumber<T>
    {
        int pf = tuning.PrefetchSteps <= 0 ? 0 : tuning.PrefetchSteps < 12 ? 8 : 16;
        switch (tuning.Tile512, pf)
        {
            case (GemmTile.Rows12x2, 0): Blocked<T, TallKernel512<T, NoPrefetch>>(batch, m, n, k, a, b, c, alpha, beta, asLaidOut); break;
            case (GemmTile.Rows12x2, 8): Blocked<T, TallKernel512<T, Prefetch8>>(batch, m, n, k, a, b, c, alpha, beta, asLaidOut); break;
            case (GemmTile.Rows12x2, _): Blocked<T, TallKernel512<T, Prefetch16>>(batch, m, n, k, a, b, c, alpha, beta, asLaidOut); break;
            case (GemmTile.Rows8x3, 0): Blocked<T, WideKernel512<T, NoPrefetch>>(batch, m, n, k, a, b, c, alpha, beta, asLaidOut); break;
            case (GemmTile.Rows8x3, 8): Blocked<T, WideKernel512<T, Prefetch8>>(batch, m, n, k, a, b, c, alpha, beta, asLaidOut); break;
            case (GemmTile.Rows8x3, _): Blocked<T, WideKernel512<T, Prefetch16>>(batch, m, n, k, a, b, c, alpha, beta, asLaidOut); break;
            default: Blocked<T, Kernel512<T>>(batch, m, n, k, a, b, c, alpha, beta, asLaidOut); break;
        }
    }

    /// <summary>The transposed view of an operand (rows and columns swap strides).</summary>
    private static MatView<T> Tr<T>(MatView<T> v) => v with { Rs = v.Cs, Cs = v.Rs };

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;
    private static int CeilDiv(int x, int y) => (x + y - 1) / y;

    private static void Blocked<T, TK>(int batch, int m, int n, int k, MatView<T> a, MatView<T> b, MatView<T> c, T alpha, T beta, bool asLaidOut)
        where T : unmanaged, INumber<T> where TK : IMicroKernel<T>
    {
        int mr = TK.MR, nr = TK.NR;
        if (!asLaidOut && 2 * n <= nr && m > 2 * n)
        {
            // few columns and many rows: Cᵀ = Bᵀ·Aᵀ fills the wide micro-tile with C's rows instead of padding
            Blocked<T, TK>(batch, n, m, k, Tr(b), Tr(a), Tr(c), alpha, beta, false);
            return;
        }
        if (!asLaidOut && 2 * m > nr && 4L * m <= n && k >= 64 && GemmOptions.Blocking is null)
        {
            // few rows and many more columns (a recurrent step's 32 rows by 1024, a weight gradient's 128 by 512):
            // Cᵀ = Bᵀ·Aᵀ packs the narrow side as the B panel instead of the k×n one, and reads B where it lies
            // (measured on Zen 1: 32×256×1024 in 309 instead of 383 µs, 32×1024×256 in 311 instead of 343)
            Blocked<T, TK>(batch, n, m, k, Tr(b), Tr(a), Tr(c), alpha, beta, false);
            return;
        }
        var (kc, mc, nc) = GemmOptions.Blocking ?? GemmOptions.Current.Blocking(GemmOptions.CurrentCpu, Unsafe.SizeOf<T>(), mr, nr);
        kc = Math.Max(1, Math.Min(kc, k));
        mc = RoundUp(Math.Max(1, Math.Min(mc, m)), mr);
        nc = RoundUp(Math.Max(1, Math.Min(nc, n)), nr);
        var shape = new Shape3(m, n, k, kc, mc, nc);

        long perItem = (long)m * n * k;
        bool parallel = GemmOptions.Threads ?? ((long)batch * perItem >= GemmOptions.ParallelThreshold && WorkerPool.MaxThreads > 1);

        // packed operands stay below a cap: larger products run as sub-products over row and column ranges
        long cap = GemmOptions.PackCapBytes / Unsafe.SizeOf<T>();
        int mChunk = (long)m * k <= cap ? m : Math.Max(mc, (int)(cap / k) / mc * mc);
        int nChunk = (long)k * n <= cap ? n : Math.Max(nc, (int)(cap / k) / nc * nc);

        if (parallel && batch > 1 && (perItem < GemmOptions.ParallelThreshold * 4L || GemmOptions.Threads == true))
        {
            // many small products: one product per task, each on one thread
            WorkerPool.For(batch, 1, (b0, b1) =>
            {
                for (long bi = b0; bi < b1; bi++)
                    for (int i0 = 0; i0 < m; i0 += mChunk)
                        for (int j0 = 0; j0 < n; j0 += nChunk)
                            Item<T, TK>((int)bi, i0, Math.Min(mChunk, m - i0), j0, Math.Min(nChunk, n - j0), shape, a, b, c, alpha, beta, false);
            }, chunksPerThread: 4);
            return;
        }
        for (int bi = 0; bi < batch; bi++)
            for (int i0 = 0; i0 < m; i0 += mChunk)
                for (int j0 = 0; j0 < n; j0 += nChunk)
                    Item<T, TK>(bi, i0, Math.Min(mChunk, m - i0), j0, Math.Min(nChunk, n - j0), shape, a, b, c, alpha, beta, parallel);
    }

    /// <summary>The blocking of one product: its k and the kc/mc/nc cache blocks (mc, nc multiples of the micro-tile).</summary>
    private readonly record struct Shape3(int M, int N, int K, int Kc, int Mc, int Nc);

    /// <summary>
    /// C[bi, i0:i0+mb, j0:j0+nb] = alpha * A-rows × B-columns + beta * C: packs the whole A row range and B column
    /// range once (k-block by k-block, in parallel), then runs the mc×nc blocks of C as independent tasks that only
    /// read the packed panels.
    /// </summary>
    private static void Item<T, TK>(int bi, int i0, int mb, int j0, int nb, Shape3 s, MatView<T> a, MatView<T> b, MatView<T> c,
        T alpha, T beta, bool parallel)
        where T : unmanaged, INumber<T> where TK : IMicroKernel<T>
    {
        int mr = TK.MR, nr = TK.NR, k = s.K, kc = s.Kc;
        int mc = Math.Min(s.Mc, RoundUp(mb, mr)), nc = Math.Min(s.Nc, RoundUp(nb, nr));
        // blocks of even size: 1024 rows in blocks of 906 would leave a 118-row block (a thread's share cut unevenly)
        mc = RoundUp(CeilDiv(mb, CeilDiv(mb, mc)), mr);
        nc = RoundUp(CeilDiv(nb, CeilDiv(nb, nc)), nr);
        int mPad = RoundUp(mb, mr), nPad = RoundUp(nb, nr);
        int kBlocks = CeilDiv(k, kc);
        long aOff = a.Offset + bi * a.Bs + (long)i0 * a.Rs;
        long bOff = b.Offset + bi * b.Bs + (long)j0 * b.Cs;
        long cOff = c.Offset + bi * c.Bs + (long)i0 * c.Rs + (long)j0 * c.Cs;
        // A is read in place when it has a unit stride (rows or columns side by side), packed otherwise
        bool inPlaceA = (a.Cs == 1 || a.Rs == 1) && GemmOptions.PackA != true;
        var packA = inPlaceA ? [] : PackBuffers<T>.Take(checked(k * mPad));
        var packB = PackBuffers<T>.Take(checked(k * nPad));
        try
        {
            // C[r0:rEnd, c0:cEnd] from the packed panels (and A in place or packed), every k block in turn
            void Block(int r0, int rEnd, int c0, int cEnd)
            {
                ref T pa0 = ref MemoryMarshal.GetArrayDataReference(packA);
                ref T aIn = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(a.Data), (nint)aOff);
                // A's element (i, p) of a k block: in place at aIn[i*Rs + p*Cs]; packed in MR-row panels at pa[i*kb + p*MR]
                nint rsa = inPlaceA ? (nint)a.Rs : 1, csa = inPlaceA ? (nint)a.Cs : mr;
                ref T pb0 = ref MemoryMarshal.GetArrayDataReference(packB);
                ref T cBase = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(c.Data), (nint)cOff);
                nint rsc = (nint)c.Rs, csc = (nint)c.Cs;
                for (int q = 0, p0 = 0; p0 < k; q++, p0 += kc)
                {
                    int kb = Math.Min(kc, k - p0);
                    T betaK = q == 0 ? beta : T.One;
                    ref T aK = ref inPlaceA ? ref Unsafe.Add(ref aIn, p0 * csa) : ref Unsafe.Add(ref pa0, (nint)p0 * mPad);
                    nint rowStep = inPlaceA ? rsa : kb;
                    ref T pbK = ref Unsafe.Add(ref pb0, (nint)p0 * nPad);
                    for (int jr = c0; jr < cEnd; jr += nr)
                    {
                        int nrr = Math.Min(nr, cEnd - jr);
                        ref T pb = ref Unsafe.Add(ref pbK, (nint)jr * kb);
                        ref T cCol = ref Unsafe.Add(ref cBase, jr * csc);
                        for (int ir = r0; ir < rEnd; ir += mr)
                        {
                            int mrr = Math.Min(mr, rEnd - ir);
                            TK.Run(kb, ref Unsafe.Add(ref aK, ir * rowStep), rsa, csa, ref pb, ref Unsafe.Add(ref cCol, ir * rsc),
                                rsc, csc, mrr, nrr, alpha, betaK);
                        }
                    }
                }
            }

            if (parallel && inPlaceA && GemmOptions.Blocking is null && (long)mb * nb * k <= GemmOptions.ColumnSplitMaxWork && nb > nr)
            {
                // a small product with A read in place: each task takes a range of column panels, packs just those
                // panels of B and computes them, so no thread waits on a separate packing phase
                WorkerPool.For(CeilDiv(nb, nr), 1, (q0, q1) =>
                {
                    int c0 = (int)q0 * nr, cEnd = Math.Min(nb, (int)q1 * nr);
                    for (int p0 = 0; p0 < k; p0 += kc)
                    {
                        int kb = Math.Min(kc, k - p0);
                        Packing.PackB(b.Data, bOff + p0 * b.Rs + c0 * b.Cs, b.Rs, b.Cs, kb, cEnd - c0,
                            ref packB[(long)p0 * nPad + (long)c0 * kb], nr);
                    }
                    Block(0, mb, c0, cEnd);
                }, chunksPerThread: 2);
                return;
            }

            // phase 1: pack, one unit per (k block, mc rows) of A and (k block, nc columns) of B
            int aGroups = inPlaceA ? 0 : CeilDiv(mb, mc), bGroups = CeilDiv(nb, nc);
            long units = (long)kBlocks * (aGroups + bGroups);
            WorkerPool.RangeBody pack = (u0, u1) =>
            {
                for (long u = u0; u < u1; u++)
                {
                    bool isA = u < (long)kBlocks * aGroups;
                    long v = isA ? u : u - (long)kBlocks * aGroups;
                    int groups = isA ? aGroups : bGroups;
                    int q = (int)(v / groups), g = (int)(v % groups);
                    int p0 = q * kc, kb = Math.Min(kc, k - p0);
                    if (isA)
                    {
                        int r0 = g * mc, rows = Math.Min(mc, mb - r0);
                        Packing.PackA(a.Data, aOff + r0 * a.Rs + p0 * a.Cs, a.Rs, a.Cs, rows, kb,
                            ref packA[(long)p0 * mPad + (long)r0 * kb], mr);
                    }
                    else
                    {
                        int c0 = g * nc, cols = Math.Min(nc, nb - c0);
                        Packing.PackB(b.Data, bOff + p0 * b.Rs + c0 * b.Cs, b.Rs, b.Cs, kb, cols,
                            ref packB[(long)p0 * nPad + (long)c0 * kb], nr);
                    }
                }
            };
            long packed = (long)k * ((inPlaceA ? 0 : mPad) + nPad);
            if (parallel && (packed >= GemmOptions.PackParallelThreshold || GemmOptions.Threads == true)) WorkerPool.For(units, 1, pack, chunksPerThread: 2);
            else pack(0, units);

            // phase 2: the mc×nc blocks of C; finer column blocks when there are too few blocks for every thread
            if (parallel && GemmOptions.Blocking is null)
            {
                long want = 4L * WorkerPool.MaxThreads;
                while ((long)CeilDiv(mb, mc) * CeilDiv(nb, nc) < want && nc > 4 * nr) nc = RoundUp(nc / 2, nr);
                while ((long)CeilDiv(mb, mc) * CeilDiv(nb, nc) < want && mc > 4 * mr) mc = RoundUp(mc / 2, mr);
            }
            int mBlocks = CeilDiv(mb, mc), nBlocks = CeilDiv(nb, nc);
            long tasks = (long)mBlocks * nBlocks;
            WorkerPool.RangeBody compute = (t0, t1) =>
            {
                for (long t = t0; t < t1; t++)
                {
                    int ib = (int)(t / nBlocks), jb = (int)(t % nBlocks);
                    Block(ib * mc, Math.Min(mb, ib * mc + mc), jb * nc, Math.Min(nb, jb * nc + nc));
                }
            };
            if (parallel && (tasks > 1 || GemmOptions.Threads == true)) WorkerPool.For(tasks, 1, compute, chunksPerThread: 4);
            else compute(0, tasks);
        }
        finally
        {
            if (!inPlaceA) PackBuffers<T>.Give(packA);
            PackBuffers<T>.Give(packB);
        }
    }

    /// <summary>C = beta * C (zeros when beta is 0, whatever C held).</summary>
    internal static void ScaleC<T>(int batch, int m, int n, MatView<T> c, T beta) where T : unmanaged, INumber<T>
    {
        if (beta == T.One) return;
        ref T c0 = ref MemoryMarshal.GetArrayDataReference(c.Data);
        for (int bi = 0; bi < batch; bi++)
            for (int i = 0; i < m; i++)
            {
                long off = c.Offset + bi * c.Bs + i * c.Rs;
                for (int j = 0; j < n; j++)
                {
                    ref T d = ref Unsafe.Add(ref c0, (nint)(off + j * c.Cs));
                    d = beta == T.Zero ? T.Zero : beta * d;
                }
            }
    }

    /// <summary>Products with one row or one column: dot products or scaled row sums, no packing.</summary>
    private static void Gemv<T>(int batch, int m, int n, int k, MatView<T> a, MatView<T> b, MatView<T> c, T alpha, T beta)
        where T : unmanaged, INumber<T>
    {
        ref T a0 = ref MemoryMarshal.GetArrayDataReference(a.Data);
        ref T b0 = ref MemoryMarshal.GetArrayDataReference(b.Data);
        ref T c0 = ref MemoryMarshal.GetArrayDataReference(c.Data);
        bool betaZero = beta == T.Zero;
        T[]? accBuf = null;
        try
        {
            for (int bi = 0; bi < batch; bi++)
            {
                long ao = a.Offset + bi * a.Bs, bo = b.Offset + bi * b.Bs, co = c.Offset + bi * c.Bs;
                if (n == 1)
                {
                    // c[i] = sum_p A[i, p] * B[p]
                    if (a.Cs == 1 && b.Rs == 1 || a.Rs != 1 || m == 1)
                    {
                        for (int i = 0; i < m; i++)
                        {
                            T s = Dot(ref Unsafe.Add(ref a0, (nint)(ao + i * a.Rs)), a.Cs, ref Unsafe.Add(ref b0, (nint)bo), b.Rs, k);
                            ref T d = ref Unsafe.Add(ref c0, (nint)(co + i * c.Rs));
                            d = betaZero ? alpha * s : alpha * s + beta * d;
                        }
                    }
                    else
                    {
                        // A is column-major: accumulate whole columns scaled by B[p]
                        accBuf ??= ArrayPool<T>.Shared.Rent(m);
                        var acc = accBuf.AsSpan(0, m);
                        acc.Clear();
                        for (int p = 0; p < k; p++)
                            Axpy(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref a0, (nint)(ao + p * a.Cs)), m),
                                Unsafe.Add(ref b0, (nint)(bo + p * b.Rs)), acc);
                        Write(acc, ref Unsafe.Add(ref c0, (nint)co), c.Rs, alpha, beta);
                    }
                }
                else
                {
                    // m == 1: c[j] = sum_p A[p] * B[p, j]
                    if (b.Cs == 1)
                    {
                        accBuf ??= ArrayPool<T>.Shared.Rent(n);
                        var acc = accBuf.AsSpan(0, n);
                        acc.Clear();
                        for (int p = 0; p < k; p++)
                            Axpy(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref b0, (nint)(bo + p * b.Rs)), n),
                                Unsafe.Add(ref a0, (nint)(ao + p * a.Cs)), acc);
                        Write(acc, ref Unsafe.Add(ref c0, (nint)co), c.Cs, alpha, beta);
                    }
                    else
                    {
                        for (int j = 0; j < n; j++)
                        {
                            T s = Dot(ref Unsafe.Add(ref a0, (nint)ao), a.Cs, ref Unsafe.Add(ref b0, (nint)(bo + j * b.Cs)), b.Rs, k);
                            ref T d = ref Unsafe.Add(ref c0, (nint)(co + j * c.Cs));
                            d = betaZero ? alpha * s : alpha * s + beta * d;
                        }
                    }
                }
            }
        }
        finally { if (accBuf is not null) ArrayPool<T>.Shared.Return(accBuf); }
    }

    private static void Write<T>(ReadOnlySpan<T> acc, ref T c, long stride, T alpha, T beta) where T : unmanaged, INumber<T>
    {
        bool betaZero = beta == T.Zero;
        for (int i = 0; i < acc.Length; i++)
        {
            ref T d = ref Unsafe.Add(ref c, (nint)(i * stride));
            d = betaZero ? alpha * acc[i] : alpha * acc[i] + beta * d;
        }
    }

    /// <summary>acc += x * s.</summary>
    private static void Axpy<T>(ReadOnlySpan<T> x, T s, Span<T> acc) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
            TensorPrimitives.FusedMultiplyAdd(MemoryMarshal.Cast<T, float>(x), (float)(object)s, MemoryMarshal.Cast<T, float>(acc), MemoryMarshal.Cast<T, float>(acc));
        else if (typeof(T) == typeof(double))
            TensorPrimitives.FusedMultiplyAdd(MemoryMarshal.Cast<T, double>(x), (double)(object)s, MemoryMarshal.Cast<T, double>(acc), MemoryMarshal.Cast<T, double>(acc));
        else
            for (int i = 0; i < x.Length; i++) acc[i] += x[i] * s;
    }

    /// <summary>sum over p of x[p*sx] * y[p*sy].</summary>
    internal static T Dot<T>(ref T x, long sx, ref T y, long sy, int k) where T : unmanaged, INumber<T>
    {
        if (sx == 1 && sy == 1)
        {
            if (typeof(T) == typeof(float))
                return (T)(object)TensorPrimitives.Dot(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, float>(ref x), k), MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, float>(ref y), k));
            if (typeof(T) == typeof(double))
                return (T)(object)TensorPrimitives.Dot(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, double>(ref x), k), MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, double>(ref y), k));
        }
        T s0 = T.Zero, s1 = T.Zero, s2 = T.Zero, s3 = T.Zero;
        int p = 0;
        for (; p + 4 <= k; p += 4)
        {
            s0 += Unsafe.Add(ref x, (nint)(p * sx)) * Unsafe.Add(ref y, (nint)(p * sy));
            s1 += Unsafe.Add(ref x, (nint)((p + 1) * sx)) * Unsafe.Add(ref y, (nint)((p + 1) * sy));
            s2 += Unsafe.Add(ref x, (nint)((p + 2) * sx)) * Unsafe.Add(ref y, (nint)((p + 2) * sy));
            s3 += Unsafe.Add(ref x, (nint)((p + 3) * sx)) * Unsafe.Add(ref y, (nint)((p + 3) * sy));
        }
        for (; p < k; p++) s0 += Unsafe.Add(ref x, (nint)(p * sx)) * Unsafe.Add(ref y, (nint)(p * sy));
        return s0 + s1 + s2 + s3;
    }
}

/// <summary>
/// Reused packing buffers (a few per element type): taken for the length of one product, handed back after, so
/// steady-state products allocate nothing. A request takes the smallest buffer that fits; a returned buffer
/// replaces the smallest one held when every slot is full.
/// </summary>
internal static class PackBuffers<T> where T : unmanaged
{
    private static readonly T[]?[] Slots = new T[]?[4];

    internal static T[] Take(int length)
    {
        int best = -1, bestLength = int.MaxValue;
        for (int i = 0; i < Slots.Length; i++)
            if (Volatile.Read(ref Slots[i]) is { } s && s.Length >= length && s.Length < bestLength) (best, bestLength) = (i, s.Length);
        if (best >= 0 && Interlocked.Exchange(ref Slots[best], null) is { } buf)
        {
            if (buf.Length >= length) return buf;
            Give(buf);   // another thread swapped in a smaller one meanwhile
        }
        return GC.AllocateUninitializedArray<T>(Math.Max(length, 4096));
    }

    internal static void Give(T[] buf)
    {
        for (int i = 0; i < Slots.Length; i++)
            if (Interlocked.CompareExchange(ref Slots[i], buf, null) is null) return;
        int smallest = 0;
        for (int i = 1; i < Slots.Length; i++)
            if ((Volatile.Read(ref Slots[i])?.Length ?? 0) < (Volatile.Read(ref Slots[smallest])?.Length ?? 0)) smallest = i;
        var old = Volatile.Read(ref Slots[smallest]);
        if ((old?.Length ?? 0) < buf.Length) Interlocked.CompareExchange(ref Slots[smallest], buf, old);
    }
}
