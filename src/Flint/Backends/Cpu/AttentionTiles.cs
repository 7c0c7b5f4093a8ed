using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using Flint.Backends.Cpu.Gemm;

namespace Flint.Backends.Cpu;

/// <summary>
/// The geometry of one fused attention call: sizes, the element strides of each operand's (batch, head, row)
/// dims (the last dim has unit stride), the mask's four strides, and the tile sizes.
/// </summary>
internal readonly struct AttentionGeometry
{
    internal readonly int B, Hq, Hk, Group, L, S, E, Ev;
    internal readonly long QOff, QB, QH, QR, KOff, KB, KH, KR, VOff, VB, VH, VR;
    internal readonly bool HasMask;
    internal readonly long MOff, MB, MH, MR, MC;

    /// <summary>Query rows per tile (a multiple of the micro-kernels' six rows) and keys per tile (of their column panels).</summary>
    internal const int BQ = 48, BK = 128;

    internal AttentionGeometry(TensorLayout q, TensorLayout k, TensorLayout v, TensorLayout? mask)
    {
        B = (int)q.Shape[0]; Hq = (int)q.Shape[1]; L = (int)q.Shape[2]; E = (int)q.Shape[3];
        Hk = (int)k.Shape[1]; S = (int)k.Shape[2]; Ev = (int)v.Shape[3];
        Group = Hk == 0 ? 1 : Hq / Hk;
        (QOff, QB, QH, QR) = (q.Offset, q.Strides[0], q.Strides[1], q.Strides[2]);
        (KOff, KB, KH, KR) = (k.Offset, k.Strides[0], k.Strides[1], k.Strides[2]);
        (VOff, VB, VH, VR) = (v.Offset, v.Strides[0], v.Strides[1], v.Strides[2]);
        HasMask = mask is not null;
        if (mask is { } m) (MOff, MB, MH, MR, MC) = (m.Offset, m.Strides[0], m.Strides[1], m.Strides[2], m.Strides[3]);
    }

    internal long QRow(int b, int h, int i) => QOff + b * QB + h * QH + i * QR;
    internal long KRow(int b, int hk, int j) => KOff + b * KB + hk * KH + j * KR;
    internal long VRow(int b, int hk, int j) => VOff + b * VB + hk * VH + j * VR;
    internal long MaskRow(int b, int h, int i) => MOff + b * MB + h * MH + i * MR;
    /// <summary>The flat index of row i of head (b, h) in a contiguous (B, Hq, L, ...) tensor.</summary>
    internal long Row(int b, int h, int i) => ((long)b * Hq + h) * L + i;
    internal int QueryTiles => (L + BQ - 1) / BQ;
    internal int KeyTiles => (S + BK - 1) / BK;
}

/// <summary>
/// The tile arithmetic of the fused attention kernels, generic over the GEMM micro-kernel: products of a tile
/// (read in place with any strides) by an operand packed into the micro-kernel's column panels, the row softmax
/// steps, and the dropout keep mask.
/// </summary>
internal static class AttentionTiles<T, TK> where T : unmanaged, IFloatingPointIeee754<T> where TK : IMicroKernel<T>
{
    /// <summary>Elements of a packed k x n operand (n rounded up to whole panels).</summary>
    internal static int Packed(int k, int n) => k * ((n + TK.NR - 1) / TK.NR * TK.NR);

    /// <summary>Packs B(p, j) = x[j·ldx + p] (p &lt; k, j &lt; n: the transpose of n rows of length k) into column panels.</summary>
    internal static void PackTransposed(ref T x, nint ldx, int n, int k, Span<T> dst)
    {
        int nrw = TK.NR;
        for (int jp = 0; jp < n; jp += nrw)
        {
            var panel = dst.Slice(jp * k, k * nrw);
            int nr = Math.Min(nrw, n - jp);
            if (nr < nrw) panel.Clear();
            for (int jj = 0; jj < nr; jj++)
            {
                ref T row = ref Unsafe.Add(ref x, (jp + jj) * ldx);
                for (int p = 0; p < k; p++) panel[p * nrw + jj] = Unsafe.Add(ref row, p);
            }
        }
    }

    /// <summary>Packs B(p, j) = x[p·ldx + j·csx] (k rows of length n) into column panels.</summary>
    internal static void PackRows(ref T x, nint ldx, nint csx, int k, int n, Span<T> dst)
    {
        int nrw = TK.NR;
        for (int jp = 0; jp < n; jp += nrw)
        {
            var panel = dst.Slice(jp * k, k * nrw);
            int nr = Math.Min(nrw, n - jp);
            for (int p = 0; p < k; p++)
            {
                var d = panel.Slice(p * nrw, nrw);
                ref T src = ref Unsafe.Add(ref x, p * ldx + jp * csx);
                if (csx == 1) MemoryMarshal.CreateReadOnlySpan(ref src, nr).CopyTo(d);
                else for (int j = 0; j < nr; j++) d[j] = Unsafe.Add(ref src, j * csx);
                if (nr < nrw) d[nr..].Clear();
            }
        }
    }

    /// <summary>
    /// c (m x n, row stride ldc) = alpha · A · B + beta · c, A(i, p) at a[i·rsa + p·csa], B the first k rows and n
    /// columns of an operand packed with <paramref name="panelRows"/> rows (k when not given).
    /// </summary>
    internal static void Mul(int m, int n, int k, ref T a, nint rsa, nint csa, Span<T> b, ref T c, nint ldc, T alpha, T beta, int panelRows = -1)
    {
        if (panelRows < 0) panelRows = k;
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            for (int i = 0; i < m; i++)
            {
                var row = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref c, i * ldc), n);
                if (beta == T.Zero) row.Clear(); else TensorPrimitives.Multiply(row, beta, row);
            }
            return;
        }
        int mrw = TK.MR, nrw = TK.NR;
        ref T b0 = ref MemoryMarshal.GetReference(b);
        for (int jp = 0; jp < n; jp += nrw)
        {
            int nr = Math.Min(nrw, n - jp);
            ref T panel = ref Unsafe.Add(ref b0, jp * panelRows);
            for (int i = 0; i < m; i += mrw)
                TK.Run(k, ref Unsafe.Add(ref a, i * rsa), rsa, csa, ref panel, ref Unsafe.Add(ref c, i * ldc + jp), ldc, 1, Math.Min(mrw, m - i), nr, alpha, beta);
        }
    }
}

/// <summary>The row operations shared by the forward and backward tiles.</summary>
internal static class AttentionRows
{
    /// <summary>Adds the additive mask's row (elements j0.. at stride mc) to the logits.</summary>
    internal static void AddMask<T>(Span<T> row, T[] mask, long at, long mc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (mc == 1) TensorPrimitives.Add(row, mask.AsSpan((int)at, row.Length), row);
        else if (mc == 0) TensorPrimitives.Add(row, mask[at], row);
        else for (int j = 0; j < row.Length; j++) row[j] += mask[at + j * mc];
    }

    /// <summary>Masks the keys after query i (causal): logits of columns j0 + c &gt; i become -inf.</summary>
    internal static void Causal<T>(Span<T> row, int i, int j0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int first = Math.Max(0, i + 1 - j0);
        if (first < row.Length) row[first..].Fill(T.NegativeInfinity);
    }

    /// <summary>
    /// The dropout factor of weight (row, j): 0 when dropped (probability p), 1 / (1 - p) when kept, from a hash of
    /// the seed and the weight's flat index (splitmix64's finalizer), so any tile regenerates the same mask.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Keep(ulong seed, long index, double p)
    {
        ulong z = seed + (ulong)(index + 1) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53)) >= p;
    }

    /// <summary>Multiplies a row of weights by their dropout factors (the row's flat index of column j0 is <paramref name="index"/>).</summary>
    internal static void Dropout<T>(Span<T> row, ulong seed, long index, double p, T invKeep) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < row.Length; j++)
            row[j] = Keep(seed, index + j, p) ? row[j] * invKeep : T.Zero;
    }
}

/// <summary>Per-thread scratch of the attention kernels (reused across calls, grown as needed).</summary>
internal static class AttentionScratch<T> where T : unmanaged
{
    [ThreadStatic] private static T[]? buffer;

    internal static T[] Get(int size)
    {
        var b = buffer;
        if (b is null || b.Length < size) buffer = b = new T[size];
        return b;
    }
}

/// <summary>
/// A thread's packed key and value tiles of one key/value head within one forward call: the query tiles that follow
/// on this thread and read the same head reuse them. <see cref="Ready"/> counts the tiles packed (they are packed in
/// order, as each query tile sweeps its keys from the first).
/// </summary>
internal sealed class AttentionHeadPack<T> where T : unmanaged
{
    [ThreadStatic] private static AttentionHeadPack<T>? current;

    private object? call;
    private long head = -1;
    internal T[] Keys = [], Values = [];
    internal int Ready;

    /// <summary>This thread's packs, emptied unless they already hold <paramref name="headIndex"/> of this call.</summary>
    internal static AttentionHeadPack<T> For(object call, long headIndex, int keys, int values)
    {
        var p = current ??= new AttentionHeadPack<T>();
        if (ReferenceEquals(p.call, call) && p.head == headIndex) return p;
        p.call = call; p.head = headIndex; p.Ready = 0;
        if (p.Keys.Length < keys) p.Keys = new T[keys];
        if (p.Values.Length < values) p.Values = new T[values];
        return p;
    }
}
