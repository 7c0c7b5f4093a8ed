using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu;

/// <summary>A comparison with an explicit vector form (all-ones lanes where it holds).</summary>
internal interface IVecCompare
{
    static abstract Vector256<T> Test<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T>;
}

internal struct VEq : IVecCompare { public static Vector256<T> Test<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => Vector256.Equals(a, b); }
internal struct VNe : IVecCompare { public static Vector256<T> Test<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => ~Vector256.Equals(a, b); }
internal struct VLt : IVecCompare { public static Vector256<T> Test<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => Vector256.LessThan(a, b); }
internal struct VLe : IVecCompare { public static Vector256<T> Test<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => Vector256.LessThanOrEqual(a, b); }
internal struct VGt : IVecCompare { public static Vector256<T> Test<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => Vector256.GreaterThan(a, b); }
internal struct VGe : IVecCompare { public static Vector256<T> Test<T>(Vector256<T> a, Vector256<T> b) where T : unmanaged, INumber<T> => Vector256.GreaterThanOrEqual(a, b); }

/// <summary>
/// Vector loops of the six comparisons over one row: y[i] = a[i·sa] op b[i·sb] (bool y contiguous, sa and sb 0
/// or 1). The lane masks' sign bits are spread into one byte per lane (BMI2), so a row of floats writes eight
/// bools per compare. NaN compares as the scalar operators do (unequal, unordered).
/// </summary>
internal static class CompareKernels
{
    /// <summary>The vector comparison for a kernel identity, or 0 where there is none.</summary>
    internal static int Kind(KernelId id) => id switch
    {
        KernelId.Eq => 1,
        KernelId.Ne => 2,
        KernelId.Lt => 3,
        KernelId.Le => 4,
        KernelId.Gt => 5,
        KernelId.Ge => 6,
        _ => 0,
    };

    /// <summary>Runs the row and returns true, or returns false where no vector loop applies (the caller runs scalar).</summary>
    internal static bool Run<T>(int kind, VectorPath path, ref T a, long sa, ref T b, long sb, ref bool y, long n) where T : unmanaged, INumber<T>
    {
        if (kind == 0 || path == VectorPath.Scalar || !Vector256.IsHardwareAccelerated || !Bmi2.X64.IsSupported || !Vector256<T>.IsSupported
            || sa is not (0 or 1) || sb is not (0 or 1))
            return false;
        ref byte yb = ref Unsafe.As<bool, byte>(ref y);
        switch (kind)
        {
            case 1: Run<T, VEq>(ref a, (int)sa, ref b, (int)sb, ref yb, (nint)n); break;
            case 2: Run<T, VNe>(ref a, (int)sa, ref b, (int)sb, ref yb, (nint)n); break;
            case 3: Run<T, VLt>(ref a, (int)sa, ref b, (int)sb, ref yb, (nint)n); break;
            case 4: Run<T, VLe>(ref a, (int)sa, ref b, (int)sb, ref yb, (nint)n); break;
            case 5: Run<T, VGt>(ref a, (int)sa, ref b, (int)sb, ref yb, (nint)n); break;
            default: Run<T, VGe>(ref a, (int)sa, ref b, (int)sb, ref yb, (nint)n); break;
        }
        return true;
    }

    private static void Run<T, C>(ref T a, int sa, ref T b, int sb, ref byte y, nint n) where T : unmanaged, INumber<T> where C : IVecCompare
    {
        int lanes = Vector256<T>.Count;
        var va = Vector256.Create(a);
        var vb = Vector256.Create(b);
        nint i = 0;
        for (; i + lanes <= n; i += lanes)
        {
            var x = sa == 0 ? va : Vector256.LoadUnsafe(ref a, (nuint)i);
            var z = sb == 0 ? vb : Vector256.LoadUnsafe(ref b, (nuint)i);
            Spread(C.Test(x, z).ExtractMostSignificantBits(), lanes, ref Unsafe.Add(ref y, i));
        }
        if (i == n) return;
        // the tail: one more vector over the last lanes (they overlap the ones written) when the row has one
        if (n >= lanes)
        {
            i = n - lanes;
            var x = sa == 0 ? va : Vector256.LoadUnsafe(ref a, (nuint)i);
            var z = sb == 0 ? vb : Vector256.LoadUnsafe(ref b, (nuint)i);
            Spread(C.Test(x, z).ExtractMostSignificantBits(), lanes, ref Unsafe.Add(ref y, i));
            return;
        }
        for (; i < n; i++)
        {
            var x = Vector256.CreateScalar(Unsafe.Add(ref a, i * sa));
            var z = Vector256.CreateScalar(Unsafe.Add(ref b, i * sb));
            Unsafe.Add(ref y, i) = (byte)(C.Test(x, z).ExtractMostSignificantBits() & 1);
        }
    }

    /// <summary>Writes bit k of <paramref name="bits"/> as byte k (0 or 1), for <paramref name="lanes"/> bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Spread(uint bits, int lanes, ref byte y)
    {
        const ulong ones = 0x0101010101010101;
        if (lanes == 4) { Unsafe.WriteUnaligned(ref y, (uint)Bmi2.X64.ParallelBitDeposit(bits, ones)); return; }
        for (int k = 0; k < lanes; k += 8, bits >>= 8)
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref y, k), Bmi2.X64.ParallelBitDeposit(bits & 0xFF, ones));
    }
}
