using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

/// <summary>
/// Vector loops of <c>where</c> over one row: y[i] = c[i·sc] ? a[i·sa] : b[i·sb], with y contiguous and each of sc,
/// sa, sb 1 (a contiguous run) or 0 (one value along the row). The element type only matters through its size,
/// so every dtype (bool and the half types included) selects as unsigned integers of its width; a bool condition
/// widens to lane masks (AVX2).
/// </summary>
internal static class SelectKernels
{
    /// <summary>Runs the row and returns true, or returns false where no vector loop applies (the caller runs scalar).</summary>
    internal static bool Where<T>(VectorPath path, ref bool c, long sc, ref T a, long sa, ref T b, long sb, ref T y, long n) where T : unmanaged
    {
        if (path == VectorPath.Scalar || !Avx2.IsSupported || n > int.MaxValue || sc is not (0 or 1) || sa is not (0 or 1) || sb is not (0 or 1))
            return false;
        if (sc == 0)
        {
            // one condition for the whole row: a copy (or fill) of the chosen operand
            if (c) Take(ref a, sa, ref y, (int)n); else Take(ref b, sb, ref y, (int)n);
            return true;
        }
        switch (Unsafe.SizeOf<T>())
        {
            case 1: Run(ref c, ref Unsafe.As<T, byte>(ref a), (int)sa, ref Unsafe.As<T, byte>(ref b), (int)sb, ref Unsafe.As<T, byte>(ref y), (nint)n); return true;
            case 2: Run(ref c, ref Unsafe.As<T, ushort>(ref a), (int)sa, ref Unsafe.As<T, ushort>(ref b), (int)sb, ref Unsafe.As<T, ushort>(ref y), (nint)n); return true;
            case 4: Run(ref c, ref Unsafe.As<T, uint>(ref a), (int)sa, ref Unsafe.As<T, uint>(ref b), (int)sb, ref Unsafe.As<T, uint>(ref y), (nint)n); return true;
            case 8: Run(ref c, ref Unsafe.As<T, ulong>(ref a), (int)sa, ref Unsafe.As<T, ulong>(ref b), (int)sb, ref Unsafe.As<T, ulong>(ref y), (nint)n); return true;
            default: return false;
        }
    }

    /// <summary>y[i] = x[i·s] for i &lt; n (s is 0 or 1); nothing to do when x is y.</summary>
    private static void Take<T>(ref T x, long s, ref T y, int n) where T : unmanaged
    {
        var dst = MemoryMarshal.CreateSpan(ref y, n);
        if (s == 0) dst.Fill(x);
        else if (!Unsafe.AreSame(ref x, ref y)) MemoryMarshal.CreateReadOnlySpan(ref x, n).CopyTo(dst);
    }

    private static void Run<U>(ref bool c, ref U a, int sa, ref U b, int sb, ref U y, nint n) where U : unmanaged
    {
        int lanes = Vector256<U>.Count;
        var va = Vector256.Create(a);
        var vb = Vector256.Create(b);
        nint i = 0;
        for (; i + lanes <= n; i += lanes)
        {
            var m = Mask<U>(ref Unsafe.As<bool, byte>(ref Unsafe.Add(ref c, i)));
            var x = sa == 0 ? va : Vector256.LoadUnsafe(ref a, (nuint)i);
            var z = sb == 0 ? vb : Vector256.LoadUnsafe(ref b, (nuint)i);
            Vector256.ConditionalSelect(m, x, z).StoreUnsafe(ref y, (nuint)i);
        }
        for (; i < n; i++)
            Unsafe.Add(ref y, i) = Unsafe.Add(ref c, i) ? Unsafe.Add(ref a, i * sa) : Unsafe.Add(ref b, i * sb);
    }

    /// <summary>All-ones lanes where the condition byte is nonzero, for as many conditions as U has lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<U> Mask<U>(ref byte c) where U : unmanaged
    {
        if (typeof(U) == typeof(byte))
            return (~Vector256.Equals(Vector256.LoadUnsafe(ref c), Vector256<byte>.Zero)).As<byte, U>();
        if (typeof(U) == typeof(ushort))
            return (~Vector256.Equals(Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref c)), Vector256<short>.Zero)).As<short, U>();
        if (typeof(U) == typeof(uint))
        {
            var bytes = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref c)).AsByte();
            return (~Vector256.Equals(Avx2.ConvertToVector256Int32(bytes), Vector256<int>.Zero)).As<int, U>();
        }
        var four = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref c)).AsByte();
        return (~Vector256.Equals(Avx2.ConvertToVector256Int64(four), Vector256<long>.Zero)).As<long, U>();
    }
}
