using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu.Conv;

/// <summary>
/// Max pooling of float planes (or volumes) with stride 1 or 2 along the width, eight output columns at a time
/// (AVX2). Each lane makes the scalar loop's choice: taps in row-major order, a tap wins when strictly greater or
/// NaN, so ties keep the first maximum and NaN the last NaN. Columns whose window leaves the row (padding, ceil
/// mode) and rows too narrow for a vector run the scalar loop.
/// </summary>
internal static class MaxPoolVector
{
    /// <summary>Output columns per vector.</summary>
    internal const int Lanes = 8;

    internal static bool Supports(WindowGeometry g, VectorPath path) => Avx2.IsSupported && g.SW is 1 or 2 && path != VectorPath.Scalar;

    /// <summary>The output columns [lo, hi) whose windows lie inside the row.</summary>
    internal static (int lo, int hi) Interior(WindowGeometry g)
    {
        int lo = (g.PW + g.SW - 1) / g.SW;
        int last = g.W - 1 + g.PW - (g.KW - 1) * g.DW;   // the largest ow·SW whose window ends inside the row
        int hi = last < 0 ? 0 : Math.Min(g.OW, last / g.SW + 1);
        return (lo, Math.Max(lo, hi));
    }

    /// <summary>
    /// Output columns [lo, hi) (at least eight, inside the row: see <see cref="Interior"/>) of the output row that
    /// starts at <paramref name="o"/>, over input rows [h0, h1) step DH of slices [d0, d1) step DD, already clipped.
    /// </summary>
    internal static void Row(ReadOnlySpan<float> src, Span<float> dst, Span<long> ind, WindowGeometry g, int o, int d0, int d1, int h0, int h1, int lo, int hi)
    {
        ref float s = ref MemoryMarshal.GetReference(src);
        ref float d = ref MemoryMarshal.GetReference(dst);
        ref long ix = ref MemoryMarshal.GetReference(ind);
        int slice = g.H * g.W;
        var cols = g.SW == 1 ? Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) : Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        for (int next = lo; ; next += Lanes)
        {
            // the last group overlaps the one before rather than leaving a scalar tail
            int ow = Math.Min(next, hi - Lanes);
            int c0 = ow * g.SW - g.PW;
            var best = Vector256.Create(float.NegativeInfinity);
            var at = Vector256.Create(d0 * slice + h0 * g.W + c0) + cols;
            for (int id = d0; id < d1; id += g.DD)
                for (int ih = h0; ih < h1; ih += g.DH)
                {
                    int row = id * slice + ih * g.W + c0;
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        int c = row + kw * g.DW;
                        var v = g.SW == 1 ? Vector256.LoadUnsafe(ref s, (nuint)c) : Even(ref s, c);
                        var u = Vector256.GreaterThan(v, best) | ~Vector256.Equals(v, v);
                        best = Vector256.ConditionalSelect(u, v, best);
                        at = Vector256.ConditionalSelect(u.AsInt32(), Vector256.Create(c) + cols, at);
                    }
                }
            best.StoreUnsafe(ref d, (nuint)(o + ow));
            Avx2.ConvertToVector256Int64(at.GetLower()).StoreUnsafe(ref ix, (nuint)(o + ow));
            Avx2.ConvertToVector256Int64(at.GetUpper()).StoreUnsafe(ref ix, (nuint)(o + ow + 4));
            if (ow == hi - Lanes) break;
        }
    }

    /// <summary>s[c], s[c + 2], ..., s[c + 14], in order, reading nothing past s[c + 14].</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Even(ref float s, int c)
    {
        var a = Vector256.LoadUnsafe(ref s, (nuint)c);
        var b = Vector256.LoadUnsafe(ref s, (nuint)(c + 7));
        if (Avx512F.VL.IsSupported) return Avx512F.VL.PermuteVar8x32x2(a, Vector256.Create(0, 2, 4, 6, 9, 11, 13, 15), b);
        var lowHalf = Avx2.PermuteVar8x32(a, Vector256.Create(0, 2, 4, 6, 0, 0, 0, 0));
        var highHalf = Avx2.PermuteVar8x32(b, Vector256.Create(0, 0, 0, 0, 1, 3, 5, 7));
        return Avx.Blend(lowHalf, highHalf, 0xF0);
    }
}
