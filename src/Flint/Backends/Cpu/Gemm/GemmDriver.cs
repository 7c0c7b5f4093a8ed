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
    internal static void Run<T>(int batch, int m, int n, int k, MatView<T> a, MatView<T> b, MatView<T> c, T alpha, T beta)
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
            case GemmPath.Vector512: Blocked<T, Kernel512<T>>(batch, m, n, k, a, b, c, alpha, beta); break;
            case GemmPath.Vector256: Blocked<T, Kernel256<T>>(batch, m, n, k, a, b, c, alpha, beta); break;
            default: Blocked<T, ScalarKernel<T>>(batch, m, n, k, a, b, c, alpha, beta); break;
        }
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    private static void Blocked<T, TK>(int batch, int m, int n, int k, MatView<T> a, MatView<T> b, MatView<T> c, T alpha, T beta)
        where T : unmanaged, INumber<T> where TK : IMicroKernel<T>
    {
        int mr = TK.MR, nr = TK.NR;
        var (kc, mc, nc) = GemmOptions.Blocking ?? (GemmOptions.DefaultKc, GemmOptions.DefaultMc, GemmOptions.DefaultNc);
        kc = Math.Max(1, Math.Min(kc, k));
        mc = RoundUp(Math.Max(1, Math.Min(mc, m)), mr);
        nc = RoundUp(Math.Max(1, Math.Min(nc, n)), nr);

        long work = (long)batch * m * n * k;
        bool parallel = GemmOptions.Threads ?? (work >= GemmOptions.ParallelThreshold && WorkerPool.MaxThreads > 1);
        int mBlocks = (m + mc - 1) / mc;
        if (parallel && GemmOptions.Blocking is null)
        {
            // enough blocks to keep every core busy: split the columns finer when rows and batches are few
            long want = 4L * WorkerPool.MaxThreads;
            while ((long)batch * mBlocks * ((n + nc - 1) / nc) < want && nc > 4 * nr)
                nc = RoundUp(nc / 2, nr);
        }
        int nBlocks = (n + nc - 1) / nc;
        long tasks = (long)batch * mBlocks * nBlocks;
        int packASize = mc * kc, packBSize = kc * nc;

        void RunTask(long t, T[] packA, T[] packB)
        {
            int bi = (int)(t / ((long)mBlocks * nBlocks));
            int rest = (int)(t % ((long)mBlocks * nBlocks));
            int i0 = rest / nBlocks * mc, j0 = rest % nBlocks * nc;
            int mb = Math.Min(mc, m - i0), nb = Math.Min(nc, n - j0);
            Block<T, TK>(bi, i0, j0, mb, nb, k, kc, a, b, c, alpha, beta, packA, packB);
        }

        if (!parallel || tasks == 1 && GemmOptions.Threads != true)
        {
            var packA = ArrayPool<T>.Shared.Rent(packASize);
            var packB = ArrayPool<T>.Shared.Rent(packBSize);
            try { for (long t = 0; t < tasks; t++) RunTask(t, packA, packB); }
            finally { ArrayPool<T>.Shared.Return(packA); ArrayPool<T>.Shared.Return(packB); }
            return;
        }
        WorkerPool.For(tasks, 1, (t0, t1) =>
        {
            var packA = ArrayPool<T>.Shared.Rent(packASize);
            var packB = ArrayPool<T>.Shared.Rent(packBSize);
            try { for (long t = t0; t < t1; t++) RunTask(t, packA, packB); }
            finally { ArrayPool<T>.Shared.Return(packA); ArrayPool<T>.Shared.Return(packB); }
        }, chunksPerThread: 4);
    }

    /// <summary>C[bi, i0:i0+mb, j0:j0+nb] = alpha * A-rows × B-columns + beta * C, k walked in kc slices.</summary>
    private static void Block<T, TK>(int bi, int i0, int j0, int mb, int nb, int k, int kc,
        MatView<T> a, MatView<T> b, MatView<T> c, T alpha, T beta, T[] packA, T[] packB)
        where T : unmanaged, INumber<T> where TK : IMicroKernel<T>
    {
        int mr = TK.MR, nr = TK.NR;
        long aOff = a.Offset + bi * a.Bs + i0 * a.Rs;
        long bOff = b.Offset + bi * b.Bs + j0 * b.Cs;
        long cOff = c.Offset + bi * c.Bs + i0 * c.Rs + j0 * c.Cs;
        ref T pa0 = ref MemoryMarshal.GetArrayDataReference(packA);
        ref T pb0 = ref MemoryMarshal.GetArrayDataReference(packB);
        ref T c0 = ref MemoryMarshal.GetArrayDataReference(c.Data);
        nint rsc = (nint)c.Rs, csc = (nint)c.Cs;
        for (int pc = 0; pc < k; pc += kc)
        {
            int kb = Math.Min(kc, k - pc);
            Packing.PackB(b.Data, bOff + pc * b.Rs, b.Rs, b.Cs, kb, nb, packB, nr);
            Packing.PackA(a.Data, aOff + pc * a.Cs, a.Rs, a.Cs, mb, kb, packA, mr);
            T betaK = pc == 0 ? beta : T.One;
            for (int jr = 0; jr < nb; jr += nr)
            {
                int nrr = Math.Min(nr, nb - jr);
                ref T pb = ref Unsafe.Add(ref pb0, (nint)(jr / nr) * kb * nr);
                for (int ir = 0; ir < mb; ir += mr)
                {
                    int mrr = Math.Min(mr, mb - ir);
                    ref T pa = ref Unsafe.Add(ref pa0, (nint)(ir / mr) * kb * mr);
                    ref T cc = ref Unsafe.Add(ref c0, (nint)(cOff + ir * c.Rs + jr * c.Cs));
                    TK.Run(kb, ref pa, ref pb, ref cc, rsc, csc, mrr, nrr, alpha, betaK);
                }
            }
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
