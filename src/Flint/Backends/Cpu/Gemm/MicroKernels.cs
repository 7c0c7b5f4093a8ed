using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu.Gemm;

/// <summary>
/// A register-blocked micro-kernel: multiplies an MR×kc block of A by a kc×NR packed panel of B (NR values per
/// step) and writes <c>alpha * acc + beta * C</c> into an mr×nr corner of C (mr ≤ MR, nr ≤ NR; beta 0 means C is
/// not read). Element (i, p) of A is read at <c>a[i*rsa + p*csa]</c>: a packed panel is (rsa 1, csa MR), and an
/// operand that is not worth packing is read where it lies. Rows at or past mr are never read.
/// </summary>
internal interface IMicroKernel<T> where T : unmanaged, INumber<T>
{
    static abstract int MR { get; }
    static abstract int NR { get; }
    static abstract void Run(int kc, ref T a, nint rsa, nint csa, ref T b, ref T c, nint rsc, nint csc, int mr, int nr, T alpha, T beta);
}

/// <summary>Row offsets of a micro-tile's A rows; rows at or past mr read row 0 (their results are not stored).</summary>
internal static class RowOffsets
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static nint Of(int i, int mr, nint rsa) => i < mr ? i * rsa : 0;
}

/// <summary>Writing an accumulated tile back to C, for partial tiles and strided C.</summary>
internal static class Tile
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store<T>(ReadOnlySpan<T> acc, int ld, ref T c, nint rsc, nint csc, int mr, int nr, T alpha, T beta)
        where T : unmanaged, INumber<T>
    {
        bool betaZero = beta == T.Zero;
        for (int i = 0; i < mr; i++)
        {
            ref T row = ref Unsafe.Add(ref c, i * rsc);
            for (int j = 0; j < nr; j++)
            {
                ref T dst = ref Unsafe.Add(ref row, j * csc);
                T v = alpha * acc[i * ld + j];
                dst = betaZero ? v : v + beta * dst;
            }
        }
    }
}

/// <summary>The portable kernel: plain loops over a 4×4 tile, for hardware without vector units (and as a reference).</summary>
internal struct ScalarKernel<T> : IMicroKernel<T> where T : unmanaged, INumber<T>
{
    public static int MR => 4;
    public static int NR => 4;

    public static void Run(int kc, ref T a, nint rsa, nint csa, ref T b, ref T c, nint rsc, nint csc, int mr, int nr, T alpha, T beta)
    {
        nint o1 = RowOffsets.Of(1, mr, rsa), o2 = RowOffsets.Of(2, mr, rsa), o3 = RowOffsets.Of(3, mr, rsa);
        T c00 = T.Zero, c01 = T.Zero, c02 = T.Zero, c03 = T.Zero;
        T c10 = T.Zero, c11 = T.Zero, c12 = T.Zero, c13 = T.Zero;
        T c20 = T.Zero, c21 = T.Zero, c22 = T.Zero, c23 = T.Zero;
        T c30 = T.Zero, c31 = T.Zero, c32 = T.Zero, c33 = T.Zero;
        for (int p = 0; p < kc; p++)
        {
            T b0 = Unsafe.Add(ref b, 0), b1 = Unsafe.Add(ref b, 1), b2 = Unsafe.Add(ref b, 2), b3 = Unsafe.Add(ref b, 3);
            T a0 = a;
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            T a1 = Unsafe.Add(ref a, o1);
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            T a2 = Unsafe.Add(ref a, o2);
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            T a3 = Unsafe.Add(ref a, o3);
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
            a = ref Unsafe.Add(ref a, csa);
            b = ref Unsafe.Add(ref b, 4);
        }
        Span<T> acc = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
        Tile.Store<T>(acc, 4, ref c, rsc, csc, mr, nr, alpha, beta);
    }
}

/// <summary>Fused multiply-add on vectors of float or double, through the hardware instruction when there is one.</summary>
internal static class VFma
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c) where T : unmanaged
    {
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            if (typeof(T) == typeof(float))
                return System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double))
                return System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c) where T : unmanaged
    {
        if (Avx512F.IsSupported)
        {
            if (typeof(T) == typeof(float))
                return Avx512F.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double))
                return Avx512F.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }
        return a * b + c;
    }
}

/// <summary>6 rows × 2 vectors of 256 bits (6×16 float, 6×8 double), twelve accumulators held in registers.</summary>
internal struct Kernel256<T> : IMicroKernel<T> where T : unmanaged, INumber<T>
{
    public static int MR => 6;
    public static int NR => 2 * Vector256<T>.Count;

    public static void Run(int kc, ref T a, nint rsa, nint csa, ref T b, ref T c, nint rsc, nint csc, int mr, int nr, T alpha, T beta)
    {
        nuint w = (nuint)Vector256<T>.Count;
        // alpha and beta wait in memory: with sixteen vector registers, holding them across the loop would push
        // an accumulator out to the stack on every k step
        Span<T> scale = stackalloc T[2];
        scale[0] = alpha;
        scale[1] = beta;
        nint o1 = RowOffsets.Of(1, mr, rsa), o2 = RowOffsets.Of(2, mr, rsa), o3 = RowOffsets.Of(3, mr, rsa);
        nint o4 = RowOffsets.Of(4, mr, rsa), o5 = RowOffsets.Of(5, mr, rsa);
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        int p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            var b0 = Vector256.LoadUnsafe(ref b);
            var b1 = Vector256.LoadUnsafe(ref b, w);
            var av = Vector256.Create(a);
            c00 = VFma.Fma(av, b0, c00); c01 = VFma.Fma(av, b1, c01);
            av = Vector256.Create(Unsafe.Add(ref a, o1));
            c10 = VFma.Fma(av, b0, c10); c11 = VFma.Fma(av, b1, c11);
            av = Vector256.Create(Unsafe.Add(ref a, o2));
            c20 = VFma.Fma(av, b0, c20); c21 = VFma.Fma(av, b1, c21);
            av = Vector256.Create(Unsafe.Add(ref a, o3));
            c30 = VFma.Fma(av, b0, c30); c31 = VFma.Fma(av, b1, c31);
            av = Vector256.Create(Unsafe.Add(ref a, o4));
            c40 = VFma.Fma(av, b0, c40); c41 = VFma.Fma(av, b1, c41);
            av = Vector256.Create(Unsafe.Add(ref a, o5));
            c50 = VFma.Fma(av, b0, c50); c51 = VFma.Fma(av, b1, c51);
            b0 = Vector256.LoadUnsafe(ref b, 2 * w);
            b1 = Vector256.LoadUnsafe(ref b, 3 * w);
            av = Vector256.Create(Unsafe.Add(ref a, csa));
            c00 = VFma.Fma(av, b0, c00); c01 = VFma.Fma(av, b1, c01);
            av = Vector256.Create(Unsafe.Add(ref a, o1 + csa));
            c10 = VFma.Fma(av, b0, c10); c11 = VFma.Fma(av, b1, c11);
            av = Vector256.Create(Unsafe.Add(ref a, o2 + csa));
            c20 = VFma.Fma(av, b0, c20); c21 = VFma.Fma(av, b1, c21);
            av = Vector256.Create(Unsafe.Add(ref a, o3 + csa));
            c30 = VFma.Fma(av, b0, c30); c31 = VFma.Fma(av, b1, c31);
            av = Vector256.Create(Unsafe.Add(ref a, o4 + csa));
            c40 = VFma.Fma(av, b0, c40); c41 = VFma.Fma(av, b1, c41);
            av = Vector256.Create(Unsafe.Add(ref a, o5 + csa));
            c50 = VFma.Fma(av, b0, c50); c51 = VFma.Fma(av, b1, c51);
            a = ref Unsafe.Add(ref a, 2 * csa);
            b = ref Unsafe.Add(ref b, 4 * w);
        }
        if (p < kc)
        {
            var b0 = Vector256.LoadUnsafe(ref b);
            var b1 = Vector256.LoadUnsafe(ref b, w);
            var av = Vector256.Create(a);
            c00 = VFma.Fma(av, b0, c00); c01 = VFma.Fma(av, b1, c01);
            av = Vector256.Create(Unsafe.Add(ref a, o1));
            c10 = VFma.Fma(av, b0, c10); c11 = VFma.Fma(av, b1, c11);
            av = Vector256.Create(Unsafe.Add(ref a, o2));
            c20 = VFma.Fma(av, b0, c20); c21 = VFma.Fma(av, b1, c21);
            av = Vector256.Create(Unsafe.Add(ref a, o3));
            c30 = VFma.Fma(av, b0, c30); c31 = VFma.Fma(av, b1, c31);
            av = Vector256.Create(Unsafe.Add(ref a, o4));
            c40 = VFma.Fma(av, b0, c40); c41 = VFma.Fma(av, b1, c41);
            av = Vector256.Create(Unsafe.Add(ref a, o5));
            c50 = VFma.Fma(av, b0, c50); c51 = VFma.Fma(av, b1, c51);
        }
        alpha = scale[0];
        beta = scale[1];
        if (mr == 6 && nr == (int)(2 * w) && csc == 1)
        {
            var va = Vector256.Create(alpha);
            var vb = Vector256.Create(beta);
            bool bz = beta == T.Zero;
            Row(ref c, c00, c01, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Row(ref c, c10, c11, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Row(ref c, c20, c21, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Row(ref c, c30, c31, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Row(ref c, c40, c41, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Row(ref c, c50, c51, va, vb, bz);
            return;
        }
        int ld = (int)(2 * w);
        Span<T> acc = stackalloc T[6 * ld];
        ref T t = ref acc[0];
        c00.StoreUnsafe(ref t, 0 * w); c01.StoreUnsafe(ref t, 1 * w);
        c10.StoreUnsafe(ref t, 2 * w); c11.StoreUnsafe(ref t, 3 * w);
        c20.StoreUnsafe(ref t, 4 * w); c21.StoreUnsafe(ref t, 5 * w);
        c30.StoreUnsafe(ref t, 6 * w); c31.StoreUnsafe(ref t, 7 * w);
        c40.StoreUnsafe(ref t, 8 * w); c41.StoreUnsafe(ref t, 9 * w);
        c50.StoreUnsafe(ref t, 10 * w); c51.StoreUnsafe(ref t, 11 * w);
        Tile.Store<T>(acc, ld, ref c, rsc, csc, mr, nr, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(ref T c, Vector256<T> v0, Vector256<T> v1, Vector256<T> va, Vector256<T> vb, bool betaZero)
    {
        nuint w = (nuint)Vector256<T>.Count;
        v0 *= va; v1 *= va;
        if (!betaZero)
        {
            v0 = VFma.Fma(vb, Vector256.LoadUnsafe(ref c), v0);
            v1 = VFma.Fma(vb, Vector256.LoadUnsafe(ref c, w), v1);
        }
        v0.StoreUnsafe(ref c);
        v1.StoreUnsafe(ref c, w);
    }
}

/// <summary>6 rows × 2 vectors of 512 bits (6×32 float, 6×16 double).</summary>
internal struct Kernel512<T> : IMicroKernel<T> where T : unmanaged, INumber<T>
{
    public static int MR => 6;
    public static int NR => 2 * Vector512<T>.Count;

    public static void Run(int kc, ref T a, nint rsa, nint csa, ref T b, ref T c, nint rsc, nint csc, int mr, int nr, T alpha, T beta)
    {
        nuint w = (nuint)Vector512<T>.Count;
        nint o1 = RowOffsets.Of(1, mr, rsa), o2 = RowOffsets.Of(2, mr, rsa), o3 = RowOffsets.Of(3, mr, rsa);
        nint o4 = RowOffsets.Of(4, mr, rsa), o5 = RowOffsets.Of(5, mr, rsa);
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.LoadUnsafe(ref b);
            var b1 = Vector512.LoadUnsafe(ref b, w);
            var av = Vector512.Create(a);
            c00 = VFma.Fma(av, b0, c00); c01 = VFma.Fma(av, b1, c01);
            av = Vector512.Create(Unsafe.Add(ref a, o1));
            c10 = VFma.Fma(av, b0, c10); c11 = VFma.Fma(av, b1, c11);
            av = Vector512.Create(Unsafe.Add(ref a, o2));
            c20 = VFma.Fma(av, b0, c20); c21 = VFma.Fma(av, b1, c21);
            av = Vector512.Create(Unsafe.Add(ref a, o3));
            c30 = VFma.Fma(av, b0, c30); c31 = VFma.Fma(av, b1, c31);
            av = Vector512.Create(Unsafe.Add(ref a, o4));
            c40 = VFma.Fma(av, b0, c40); c41 = VFma.Fma(av, b1, c41);
            av = Vector512.Create(Unsafe.Add(ref a, o5));
            c50 = VFma.Fma(av, b0, c50); c51 = VFma.Fma(av, b1, c51);
            a = ref Unsafe.Add(ref a, csa);
            b = ref Unsafe.Add(ref b, 2 * w);
        }
        if (mr == 6 && nr == (int)(2 * w) && csc == 1)
        {
            var va = Vector512.Create(alpha);
            var vb = Vector512.Create(beta);
            bool bz = beta == T.Zero;
            Row(ref c, c00, c01, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Row(ref c, c10, c11, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Row(ref c, c20, c21, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Row(ref c, c30, c31, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Row(ref c, c40, c41, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Row(ref c, c50, c51, va, vb, bz);
            return;
        }
        int ld = (int)(2 * w);
        Span<T> acc = stackalloc T[6 * ld];
        ref T t = ref acc[0];
        c00.StoreUnsafe(ref t, 0 * w); c01.StoreUnsafe(ref t, 1 * w);
        c10.StoreUnsafe(ref t, 2 * w); c11.StoreUnsafe(ref t, 3 * w);
        c20.StoreUnsafe(ref t, 4 * w); c21.StoreUnsafe(ref t, 5 * w);
        c30.StoreUnsafe(ref t, 6 * w); c31.StoreUnsafe(ref t, 7 * w);
        c40.StoreUnsafe(ref t, 8 * w); c41.StoreUnsafe(ref t, 9 * w);
        c50.StoreUnsafe(ref t, 10 * w); c51.StoreUnsafe(ref t, 11 * w);
        Tile.Store<T>(acc, ld, ref c, rsc, csc, mr, nr, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(ref T c, Vector512<T> v0, Vector512<T> v1, Vector512<T> va, Vector512<T> vb, bool betaZero)
    {
        nuint w = (nuint)Vector512<T>.Count;
        v0 *= va; v1 *= va;
        if (!betaZero)
        {
            v0 = VFma.Fma(vb, Vector512.LoadUnsafe(ref c), v0);
            v1 = VFma.Fma(vb, Vector512.LoadUnsafe(ref c, w), v1);
        }
        v0.StoreUnsafe(ref c);
        v1.StoreUnsafe(ref c, w);
    }
}
