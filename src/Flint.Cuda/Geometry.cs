using ILGPU;

namespace Flint.Cuda;

/// <summary>The sizes of an iteration shape of up to <see cref="MaxRank"/> dims (after merging), passed to kernels by value.</summary>
internal struct Shape8
{
    public const int MaxRank = 8;
    public int Rank;
    public long S0, S1, S2, S3, S4, S5, S6, S7;

    public readonly long Size(int d) => d switch { 0 => S0, 1 => S1, 2 => S2, 3 => S3, 4 => S4, 5 => S5, 6 => S6, _ => S7 };

    public void Set(int d, long v)
    {
        switch (d) { case 0: S0 = v; break; case 1: S1 = v; break; case 2: S2 = v; break; case 3: S3 = v; break; case 4: S4 = v; break; case 5: S5 = v; break; case 6: S6 = v; break; default: S7 = v; break; }
    }
}

/// <summary>Where an operand's elements are: offset and strides over a <see cref="Shape8"/>; dense operands skip the index arithmetic.</summary>
internal struct Strides8
{
    public long Offset;
    /// <summary>1 when element i of the iteration is at Offset + i.</summary>
    public int Dense;
    public long X0, X1, X2, X3, X4, X5, X6, X7;

    public readonly long Stride(int d) => d switch { 0 => X0, 1 => X1, 2 => X2, 3 => X3, 4 => X4, 5 => X5, 6 => X6, _ => X7 };

    public void Set(int d, long v)
    {
        switch (d) { case 0: X0 = v; break; case 1: X1 = v; break; case 2: X2 = v; break; case 3: X3 = v; break; case 4: X4 = v; break; case 5: X5 = v; break; case 6: X6 = v; break; default: X7 = v; break; }
    }

    /// <summary>The storage position of element <paramref name="i"/> (row-major) of the iteration shape.</summary>
    public readonly long At(Shape8 s, long i)
    {
        if (Dense != 0) return Offset + i;
        long o = Offset;
        for (int d = s.Rank - 1; d >= 0; d--)
        {
            long n = s.Size(d);
            long q = i / n;
            o += (i - q * n) * Stride(d);
            i = q;
        }
        return o;
    }
}

/// <summary>Turns layouts into kernel geometry: size-1 dims dropped, dims that are contiguous in every operand merged.</summary>
internal static class Geometry
{
    /// <summary>The iteration shape and each operand's strides over it; operands are seen at <paramref name="shape"/> (broadcast strides 0).</summary>
    public static (Shape8 shape, Strides8[] strides) Plan(long[] shape, params (long[] strides, long offset)[] ops)
    {
        var dims = new List<int>();
        for (int d = 0; d < shape.Length; d++) if (shape[d] != 1) dims.Add(d);
        // merge d into the dim before it when every operand steps over d exactly as one step of the previous dim
        var sizes = new List<long>();
        var st = ops.Select(_ => new List<long>()).ToArray();
        foreach (int d in dims)
        {
            int k = sizes.Count - 1;
            bool merge = k >= 0;
            for (int o = 0; merge && o < ops.Length; o++)
                merge = st[o][k] == ops[o].strides[d] * shape[d];
            if (merge)
            {
                sizes[k] *= shape[d];
                for (int o = 0; o < ops.Length; o++) st[o][k] = ops[o].strides[d];
            }
            else
            {
                sizes.Add(shape[d]);
                for (int o = 0; o < ops.Length; o++) st[o].Add(ops[o].strides[d]);
            }
        }
        if (sizes.Count > Shape8.MaxRank)
            throw new NotSupportedException($"CUDA kernels in Flint take tensors of at most {Shape8.MaxRank} dims after merging contiguous dims; this one has {sizes.Count}");
        var s = new Shape8 { Rank = sizes.Count };
        for (int d = 0; d < sizes.Count; d++) s.Set(d, sizes[d]);
        var r = new Strides8[ops.Length];
        for (int o = 0; o < ops.Length; o++)
        {
            var x = new Strides8 { Offset = ops[o].offset };
            for (int d = 0; d < sizes.Count; d++) x.Set(d, st[o][d]);
            x.Dense = sizes.Count == 0 || (sizes.Count == 1 && st[o][0] == 1) ? 1 : 0;
            r[o] = x;
        }
        return (s, r);
    }

    /// <summary>Strides of an operand broadcast to <paramref name="shape"/> (aligned at the last dim; 0 where it broadcasts).</summary>
    public static long[] BroadcastStrides(long[] shape, long[] srcShape, long[] srcStrides)
    {
        var r = new long[shape.Length];
        int lead = shape.Length - srcShape.Length;
        if (lead < 0) throw new ArgumentException($"cannot broadcast a tensor of {srcShape.Length} dims to {shape.Length}");
        for (int d = 0; d < srcShape.Length; d++)
        {
            long n = srcShape[d];
            if (n != shape[lead + d] && n != 1)
                throw new ArgumentException($"The size of tensor a ({n}) must match the size of tensor b ({shape[lead + d]}) at non-singleton dimension {d}");
            r[lead + d] = n == 1 ? 0 : srcStrides[d];
        }
        return r;
    }

    /// <summary>Launch chunks of at most 2^30 threads over <paramref name="n"/> elements: (start, count).</summary>
    public static IEnumerable<(long start, int count)> Chunks(long n)
    {
        const long Max = 1L << 30;
        for (long s = 0; s < n; s += Max) yield return (s, (int)Math.Min(Max, n - s));
    }
}
