using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Flint.Backends.Cpu.Conv;

namespace Flint.Backends.Cpu;

/// <summary>
/// The loops of <see cref="IBackend.Resample"/> and its adjoint over contiguous [outer, n, inner] inputs and
/// [outer, m, inner] outputs. A resampled inner dim (inner = 1) is a gather per element; an outer one moves whole
/// rows of inner elements with vector kernels. Output rows are independent, so they run in parallel.
/// </summary>
internal static class SpatialResample
{
    /// <summary>outer, n (the input's length of the dim), inner; m is the table's length.</summary>
    internal readonly record struct Extent(int Outer, int N, int Inner);

    internal static Extent Dims(TensorLayout input, TensorLayout output) =>
        new(checked((int)input.Shape[0]), checked((int)input.Shape[1]), checked((int)input.Shape[2]));

    /// <summary>Refuses a table that reads outside the input's dim (the loops below index without bounds checks).</summary>
    private static void CheckIndex(ResampleTable t, int n)
    {
        foreach (int i in t.Index)
            if ((uint)i >= (uint)n) throw new ArgumentException($"resample: the table reads position {i} of a dim of {n}");
    }

    private static T[] Weights<T>(ResampleTable t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var w = t.Weights!;
        var r = new T[w.Length];
        for (int i = 0; i < w.Length; i++) r[i] = T.CreateTruncating(w[i]);
        return r;
    }

    internal static void Gather<T>(T[] x, long xOff, T[] y, long yOff, Extent e, ResampleTable t) where T : unmanaged
    {
        int m = t.Length, n = e.N, inner = e.Inner;
        var idx = t.Index;
        CheckIndex(t, n);
        if (inner == 1)
        {
            Par.For(e.Outer, m, a =>
            {
                ref T src = ref MemoryMarshal.GetReference(x.AsSpan((int)(xOff + (long)a * n), n));
                var dst = y.AsSpan((int)(yOff + (long)a * m), m);
                for (int o = 0; o < dst.Length; o++) dst[o] = Unsafe.Add(ref src, idx[o]);
            });
            return;
        }
        Par.For(e.Outer * m, inner, r =>
        {
            int a = r / m, o = r % m;
            x.AsSpan((int)(xOff + ((long)a * n + idx[o]) * inner), inner).CopyTo(y.AsSpan((int)(yOff + (long)r * inner), inner));
        });
    }

    internal static void Weighted<T>(T[] x, long xOff, T[] y, long yOff, Extent e, ResampleTable t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = t.Length, n = e.N, inner = e.Inner, taps = t.Taps;
        var idx = t.Index;
        var w = Weights<T>(t);
        CheckIndex(t, n);
        if (inner == 1)
        {
            Par.For(e.Outer, (long)m * taps, a =>
            {
                ref T src = ref MemoryMarshal.GetReference(x.AsSpan((int)(xOff + (long)a * n), n));
                ref int ix = ref MemoryMarshal.GetArrayDataReference(idx);
                ref T wt = ref MemoryMarshal.GetArrayDataReference(w);
                var dst = y.AsSpan((int)(yOff + (long)a * m), m);
                for (int o = 0, j = 0; o < dst.Length; o++)
                {
                    // PyTorch's order: the first tap's product, then each further one added
                    T acc = Unsafe.Add(ref src, Unsafe.Add(ref ix, j)) * Unsafe.Add(ref wt, j);
                    j++;
                    for (int k = 1; k < taps; k++, j++) acc += Unsafe.Add(ref src, Unsafe.Add(ref ix, j)) * Unsafe.Add(ref wt, j);
                    dst[o] = acc;
                }
            });
            return;
        }
        Par.For(e.Outer * m, (long)inner * taps, r =>
        {
            int a = r / m, o = r % m, j = o * taps;
            var dst = y.AsSpan((int)(yOff + (long)r * inner), inner);
            long rowBase = xOff + (long)a * n * inner;
            TensorPrimitives.Multiply<T>(x.AsSpan((int)(rowBase + (long)idx[j] * inner), inner), w[j], dst);
            for (int k = 1; k < taps; k++)
                TensorPrimitives.MultiplyAdd<T>(x.AsSpan((int)(rowBase + (long)idx[j + k] * inner), inner), w[j + k], dst, dst);
        });
    }

    /// <summary>gx [outer, n, inner] = the table's transpose applied to gy [outer, m, inner] (weight 1 without weights).</summary>
    internal static void Adjoint<T>(T[] gy, long gyOff, T[] gx, long gxOff, Extent e, ResampleTable t) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int m = t.Length, n = e.N, inner = e.Inner, taps = t.Taps;
        var idx = t.Index;
        var w = t.Weights is null ? null : Weights<T>(t);
        CheckIndex(t, n);
        // the rows of one outer index accumulate into the same input rows, so work splits by outer index and, for
        // wide rows, by column blocks
        int blocks = inner == 1 ? 1 : Math.Clamp(inner / 512, 1, Math.Max(1, 64 / Math.Max(1, e.Outer)));
        int width = (inner + blocks - 1) / blocks;
        Par.For(e.Outer * blocks, (long)m * taps * width, r =>
        {
            int a = r / blocks, b0 = r % blocks * width, len = Math.Min(width, inner - b0);
            if (len <= 0) return;
            long inBase = gxOff + (long)a * n * inner + b0, outBase = gyOff + (long)a * m * inner + b0;
            for (int i = 0; i < n; i++) gx.AsSpan((int)(inBase + (long)i * inner), len).Clear();
            if (inner == 1)
            {
                var src = gy.AsSpan((int)outBase, m);
                ref T dst = ref MemoryMarshal.GetReference(gx.AsSpan((int)inBase, n));
                ref int ix = ref MemoryMarshal.GetArrayDataReference(idx);
                if (w is null)
                    for (int o = 0; o < src.Length; o++) Unsafe.Add(ref dst, Unsafe.Add(ref ix, o)) += src[o];
                else
                    for (int o = 0, j = 0; o < src.Length; o++)
                        for (int k = 0; k < taps; k++, j++) Unsafe.Add(ref dst, Unsafe.Add(ref ix, j)) += src[o] * w[j];
                return;
            }
            for (int o = 0, j = 0; o < m; o++)
            {
                var src = gy.AsSpan((int)(outBase + (long)o * inner), len);
                for (int k = 0; k < taps; k++, j++)
                {
                    var dst = gx.AsSpan((int)(inBase + (long)idx[j] * inner), len);
                    if (w is null) TensorPrimitives.Add<T>(dst, src, dst);
                    else TensorPrimitives.MultiplyAdd<T>(src, w[j], dst, dst);
                }
            }
        });
    }
}
