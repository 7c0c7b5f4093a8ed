using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu.Gemm;

/// <summary>How far ahead (in k steps) a micro-kernel prefetches its packed B panel into L1; 0 issues no prefetch.</summary>
internal interface IPrefetchDistance
{
    static abstract int Steps { get; }
}

/// <summary>No software prefetch (the hardware prefetchers follow the packed stream on their own).</summary>
internal struct NoPrefetch : IPrefetchDistance { public static int Steps => 0; }

/// <summary>Prefetch the packed B panel 8 k steps ahead.</summary>
internal struct Prefetch8 : IPrefetchDistance { public static int Steps => 8; }

/// <summary>Prefetch the packed B panel 16 k steps ahead.</summary>
internal struct Prefetch16 : IPrefetchDistance { public static int Steps => 16; }

/// <summary>Software prefetch of one cache line (a hint: an address past the buffer does not fault).</summary>
internal static class Prefetch
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void L1<T>(ref T at) where T : unmanaged
    {
        if (Sse.IsSupported) Sse.Prefetch0(Unsafe.AsPointer(ref at));
    }
}

/// <summary>
/// 12 rows × 2 vectors of 512 bits (12×32 float, 12×16 double): 24 accumulators, 2 B loads and 12 broadcasts per
/// 24 FMAs, for cores with two 512-bit FMA pipes (the loads per FMA are half the 6×2 tile's).
/// </summary>
internal struct TallKernel512<T, TPf> : IMicroKernel<T> where T : unmanaged, INumber<T> where TPf : IPrefetchDistance
{
    public static int MR => 12;
    public static int NR => 2 * Vector512<T>.Count;

    public static void Run(int kc, ref T a, nint rsa, nint csa, ref T b, ref T c, nint rsc, nint csc, int mr, int nr, T alpha, T beta)
    {
        nuint w = (nuint)Vector512<T>.Count;
        nint pf = TPf.Steps * 2 * (nint)w;
        nint o1 = RowOffsets.Of(1, mr, rsa), o2 = RowOffsets.Of(2, mr, rsa), o3 = RowOffsets.Of(3, mr, rsa);
        nint o4 = RowOffsets.Of(4, mr, rsa), o5 = RowOffsets.Of(5, mr, rsa), o6 = RowOffsets.Of(6, mr, rsa);
        nint o7 = RowOffsets.Of(7, mr, rsa), o8 = RowOffsets.Of(8, mr, rsa), o9 = RowOffsets.Of(9, mr, rsa);
        nint o10 = RowOffsets.Of(10, mr, rsa), o11 = RowOffsets.Of(11, mr, rsa);
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<T> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<T> c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        for (int p = 0; p < kc; p++)
        {
            if (TPf.Steps > 0) Prefetch.L1(ref Unsafe.Add(ref b, pf));
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
            av = Vector512.Create(Unsafe.Add(ref a, o6));
            c60 = VFma.Fma(av, b0, c60); c61 = VFma.Fma(av, b1, c61);
            av = Vector512.Create(Unsafe.Add(ref a, o7));
            c70 = VFma.Fma(av, b0, c70); c71 = VFma.Fma(av, b1, c71);
            av = Vector512.Create(Unsafe.Add(ref a, o8));
            c80 = VFma.Fma(av, b0, c80); c81 = VFma.Fma(av, b1, c81);
            av = Vector512.Create(Unsafe.Add(ref a, o9));
            c90 = VFma.Fma(av, b0, c90); c91 = VFma.Fma(av, b1, c91);
            av = Vector512.Create(Unsafe.Add(ref a, o10));
            ca0 = VFma.Fma(av, b0, ca0); ca1 = VFma.Fma(av, b1, ca1);
            av = Vector512.Create(Unsafe.Add(ref a, o11));
            cb0 = VFma.Fma(av, b0, cb0); cb1 = VFma.Fma(av, b1, cb1);
            a = ref Unsafe.Add(ref a, csa);
            b = ref Unsafe.Add(ref b, 2 * w);
        }
        if (mr == 12 && nr == (int)(2 * w) && csc == 1)
        {
            var va = Vector512.Create(alpha);
            var vb = Vector512.Create(beta);
            bool bz = beta == T.Zero;
            Rows512.Store2(ref c, c00, c01, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store2(ref c, c10, c11, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store2(ref c, c20, c21, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store2(ref c, c30, c31, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store2(ref c, c40, c41, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store2(ref c, c50, c51, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store2(ref c, c60, c61, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store2(ref c, c70, c71, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store2(ref c, c80, c81, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store2(ref c, c90, c91, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store2(ref c, ca0, ca1, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store2(ref c, cb0, cb1, va, vb, bz);
            return;
        }
        int ld = (int)(2 * w);
        Span<T> acc = stackalloc T[12 * ld];
        ref T t = ref acc[0];
        c00.StoreUnsafe(ref t, 0 * w); c01.StoreUnsafe(ref t, 1 * w);
        c10.StoreUnsafe(ref t, 2 * w); c11.StoreUnsafe(ref t, 3 * w);
        c20.StoreUnsafe(ref t, 4 * w); c21.StoreUnsafe(ref t, 5 * w);
        c30.StoreUnsafe(ref t, 6 * w); c31.StoreUnsafe(ref t, 7 * w);
        c40.StoreUnsafe(ref t, 8 * w); c41.StoreUnsafe(ref t, 9 * w);
        c50.StoreUnsafe(ref t, 10 * w); c51.StoreUnsafe(ref t, 11 * w);
        c60.StoreUnsafe(ref t, 12 * w); c61.StoreUnsafe(ref t, 13 * w);
        c70.StoreUnsafe(ref t, 14 * w); c71.StoreUnsafe(ref t, 15 * w);
        c80.StoreUnsafe(ref t, 16 * w); c81.StoreUnsafe(ref t, 17 * w);
        c90.StoreUnsafe(ref t, 18 * w); c91.StoreUnsafe(ref t, 19 * w);
        ca0.StoreUnsafe(ref t, 20 * w); ca1.StoreUnsafe(ref t, 21 * w);
        cb0.StoreUnsafe(ref t, 22 * w); cb1.StoreUnsafe(ref t, 23 * w);
        Tile.Store<T>(acc, ld, ref c, rsc, csc, mr, nr, alpha, beta);
    }
}

/// <summary>
/// 8 rows × 3 vectors of 512 bits (8×48 float, 8×24 double): 24 accumulators, 3 B loads and 8 broadcasts per 24
/// FMAs; fewer broadcasts than the tall tile, for cores whose broadcast shares a port with the FMAs.
/// </summary>
internal struct WideKernel512<T, TPf> : IMicroKernel<T> where T : unmanaged, INumber<T> where TPf : IPrefetchDistance
{
    public static int MR => 8;
    public static int NR => 3 * Vector512<T>.Count;

    public static void Run(int kc, ref T a, nint rsa, nint csa, ref T b, ref T c, nint rsc, nint csc, int mr, int nr, T alpha, T beta)
    {
        nuint w = (nuint)Vector512<T>.Count;
        nint pf = TPf.Steps * 3 * (nint)w;
        nint o1 = RowOffsets.Of(1, mr, rsa), o2 = RowOffsets.Of(2, mr, rsa), o3 = RowOffsets.Of(3, mr, rsa);
        nint o4 = RowOffsets.Of(4, mr, rsa), o5 = RowOffsets.Of(5, mr, rsa), o6 = RowOffsets.Of(6, mr, rsa);
        nint o7 = RowOffsets.Of(7, mr, rsa);
        Vector512<T> c00 = default, c01 = default, c02 = default, c10 = default, c11 = default, c12 = default;
        Vector512<T> c20 = default, c21 = default, c22 = default, c30 = default, c31 = default, c32 = default;
        Vector512<T> c40 = default, c41 = default, c42 = default, c50 = default, c51 = default, c52 = default;
        Vector512<T> c60 = default, c61 = default, c62 = default, c70 = default, c71 = default, c72 = default;
        for (int p = 0; p < kc; p++)
        {
            if (TPf.Steps > 0) Prefetch.L1(ref Unsafe.Add(ref b, pf));
            var b0 = Vector512.LoadUnsafe(ref b);
            var b1 = Vector512.LoadUnsafe(ref b, w);
            var b2 = Vector512.LoadUnsafe(ref b, 2 * w);
            var av = Vector512.Create(a);
            c00 = VFma.Fma(av, b0, c00); c01 = VFma.Fma(av, b1, c01); c02 = VFma.Fma(av, b2, c02);
            av = Vector512.Create(Unsafe.Add(ref a, o1));
            c10 = VFma.Fma(av, b0, c10); c11 = VFma.Fma(av, b1, c11); c12 = VFma.Fma(av, b2, c12);
            av = Vector512.Create(Unsafe.Add(ref a, o2));
            c20 = VFma.Fma(av, b0, c20); c21 = VFma.Fma(av, b1, c21); c22 = VFma.Fma(av, b2, c22);
            av = Vector512.Create(Unsafe.Add(ref a, o3));
            c30 = VFma.Fma(av, b0, c30); c31 = VFma.Fma(av, b1, c31); c32 = VFma.Fma(av, b2, c32);
            av = Vector512.Create(Unsafe.Add(ref a, o4));
            c40 = VFma.Fma(av, b0, c40); c41 = VFma.Fma(av, b1, c41); c42 = VFma.Fma(av, b2, c42);
            av = Vector512.Create(Unsafe.Add(ref a, o5));
            c50 = VFma.Fma(av, b0, c50); c51 = VFma.Fma(av, b1, c51); c52 = VFma.Fma(av, b2, c52);
            av = Vector512.Create(Unsafe.Add(ref a, o6));
            c60 = VFma.Fma(av, b0, c60); c61 = VFma.Fma(av, b1, c61); c62 = VFma.Fma(av, b2, c62);
            av = Vector512.Create(Unsafe.Add(ref a, o7));
            c70 = VFma.Fma(av, b0, c70); c71 = VFma.Fma(av, b1, c71); c72 = VFma.Fma(av, b2, c72);
            a = ref Unsafe.Add(ref a, csa);
            b = ref Unsafe.Add(ref b, 3 * w);
        }
        if (mr == 8 && nr == (int)(3 * w) && csc == 1)
        {
            var va = Vector512.Create(alpha);
            var vb = Vector512.Create(beta);
            bool bz = beta == T.Zero;
            Rows512.Store3(ref c, c00, c01, c02, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store3(ref c, c10, c11, c12, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store3(ref c, c20, c21, c22, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store3(ref c, c30, c31, c32, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store3(ref c, c40, c41, c42, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store3(ref c, c50, c51, c52, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store3(ref c, c60, c61, c62, va, vb, bz); c = ref Unsafe.Add(ref c, rsc);
            Rows512.Store3(ref c, c70, c71, c72, va, vb, bz);
            return;
        }
        int ld = (int)(3 * w);
        Span<T> acc = stackalloc T[8 * ld];
        ref T t = ref acc[0];
        c00.StoreUnsafe(ref t, 0 * w); c01.StoreUnsafe(ref t, 1 * w); c02.StoreUnsafe(ref t, 2 * w);
        c10.StoreUnsafe(ref t, 3 * w); c11.StoreUnsafe(ref t, 4 * w); c12.StoreUnsafe(ref t, 5 * w);
        c20.StoreUnsafe(ref t, 6 * w); c21.StoreUnsafe(ref t, 7 * w); c22.StoreUnsafe(ref t, 8 * w);
        c30.StoreUnsafe(ref t, 9 * w); c31.StoreUnsafe(ref t, 10 * w); c32.StoreUnsafe(ref t, 11 * w);
        c40.StoreUnsafe(ref t, 12 * w); c41.StoreUnsafe(ref t, 13 * w); c42.StoreUnsafe(ref t, 14 * w);
        c50.StoreUnsafe(ref t, 15 * w); c51.StoreUnsafe(ref t, 16 * w); c52.StoreUnsafe(ref t, 17 * w);
        c60.StoreUnsafe(ref t, 18 * w); c61.StoreUnsafe(ref t, 19 * w); c62.StoreUnsafe(ref t, 20 * w);
        c70.StoreUnsafe(ref t, 21 * w); c71.StoreUnsafe(ref t, 22 * w); c72.StoreUnsafe(ref t, 23 * w);
        Tile.Store<T>(acc, ld, ref c, rsc, csc, mr, nr, alpha, beta);
    }
}

/// <summary>Writes one full row of a 512-bit tile into a unit-stride C: alpha * acc (+ beta * C unless beta is 0).</summary>
internal static class Rows512
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store2<T>(ref T c, Vector512<T> v0, Vector512<T> v1, Vector512<T> va, Vector512<T> vb, bool betaZero)
        where T : unmanaged
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store3<T>(ref T c, Vector512<T> v0, Vector512<T> v1, Vector512<T> v2, Vector512<T> va, Vector512<T> vb, bool betaZero)
        where T : unmanaged
    {
        nuint w = (nuint)Vector512<T>.Count;
        v0 *= va; v1 *= va; v2 *= va;
        if (!betaZero)
        {
            v0 = VFma.Fma(vb, Vector512.LoadUnsafe(ref c), v0);
            v1 = VFma.Fma(vb, Vector512.LoadUnsafe(ref c, w), v1);
            v2 = VFma.Fma(vb, Vector512.LoadUnsafe(ref c, 2 * w), v2);
        }
        v0.StoreUnsafe(ref c);
        v1.StoreUnsafe(ref c, w);
        v2.StoreUnsafe(ref c, 2 * w);
    }
}
