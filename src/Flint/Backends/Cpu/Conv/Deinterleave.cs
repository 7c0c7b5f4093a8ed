using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Flint.Backends.Cpu.Conv;

/// <summary>
/// Splits a run of elements into its even and odd positions: the column phases a stride-2 window reads (the direct
/// convolution's phase lines) and Winograd F(2x2, 3x3)'s staged rows. Float32 and float64 go two 256-bit vectors at a
/// time (a lane permute puts each vector's evens in its low half, then the halves are paired); other types, and the
/// ragged end, one pair at a time.
/// </summary>
internal static class Deinterleave
{
    /// <summary>even[j] = src[2j], odd[j] = src[2j + 1] for j &lt; count.</summary>
    internal static void Split<T>(ref T src, int count, ref T even, ref T odd) where T : unmanaged
    {
        int j = 0;
        if (Vector256.IsHardwareAccelerated && (typeof(T) == typeof(float) || typeof(T) == typeof(double)))
        {
            int vc = Vector256<T>.Count;
            for (; j + vc <= count; j += vc)
            {
                var a = Vector256.LoadUnsafe(ref src, (nuint)(2 * j));
                var b = Vector256.LoadUnsafe(ref src, (nuint)(2 * j + vc));
                Vector256<T> pa, pb;
                if (typeof(T) == typeof(float))
                {
                    var order = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
                    pa = Vector256.Shuffle(a.AsSingle(), order).As<float, T>();
                    pb = Vector256.Shuffle(b.AsSingle(), order).As<float, T>();
                }
                else
                {
                    var order = Vector256.Create(0L, 2, 1, 3);
                    pa = Vector256.Shuffle(a.AsDouble(), order).As<double, T>();
                    pb = Vector256.Shuffle(b.AsDouble(), order).As<double, T>();
                }
                Vector256.Create(pa.GetLower(), pb.GetLower()).StoreUnsafe(ref even, (nuint)j);
                Vector256.Create(pa.GetUpper(), pb.GetUpper()).StoreUnsafe(ref odd, (nuint)j);
            }
        }
        for (; j < count; j++)
        {
            Unsafe.Add(ref even, j) = Unsafe.Add(ref src, 2 * j);
            Unsafe.Add(ref odd, j) = Unsafe.Add(ref src, 2 * j + 1);
        }
    }
}
