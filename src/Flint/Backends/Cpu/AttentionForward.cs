using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Flint.Backends.Cpu.Gemm;

namespace Flint.Backends.Cpu;

// Fused attention, forward: each work item is one tile of query rows of one head, swept across the key tiles with
// an online softmax (running row max and sum, the partial output rescaled when the max grows), so the L x S
// weights never exist beyond one tile. Causal key tiles wholly after the tile's last query are skipped. Work items
// run on the worker pool, finer than the threads (causal tiles are uneven); a thread's consecutive items mostly
// belong to one head, so it packs each key and value tile of that head once (AttentionHeadPack) rather than per item.
internal sealed partial class CpuBackend
{
    public void ScaledDotProductAttention(TensorLayout query, TensorLayout key, TensorLayout value, TensorLayout? mask, AttentionOptions options,
        TensorLayout output, TensorLayout logsumexp) =>
        FloatKernel(query.DType, "scaled_dot_product_attention",
            () => AttentionKernels<float>.Forward(query, key, value, mask, options, output, logsumexp),
            () => AttentionKernels<double>.Forward(query, key, value, mask, options, output, logsumexp));

    public void ScaledDotProductAttentionBackward(TensorLayout grad, TensorLayout query, TensorLayout key, TensorLayout value, TensorLayout? mask,
        TensorLayout output, TensorLayout logsumexp, AttentionOptions options, TensorLayout gradQuery, TensorLayout gradKey, TensorLayout gradValue) =>
        FloatKernel(query.DType, "scaled_dot_product_attention_backward",
            () => AttentionKernels<float>.Backward(grad, query, key, value, mask, output, logsumexp, options, gradQuery, gradKey, gradValue),
            () => AttentionKernels<double>.Backward(grad, query, key, value, mask, output, logsumexp, options, gradQuery, gradKey, gradValue));

    public void AttentionDropoutMask(AttentionOptions options, TensorLayout result) =>
        FloatKernel(result.DType, "attention_dropout_mask",
            () => AttentionKernels<float>.DropoutMask(options, result),
            () => AttentionKernels<double>.DropoutMask(options, result));
}

/// <summary>The fused attention kernels for one element type; each entry picks the GEMM micro-kernel once.</summary>
internal static partial class AttentionKernels<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Work items per chunk: one (the items are tiles), or all of them when threading is switched off.</summary>
    private static long TileGrain => KernelOptions.Threads == false ? long.MaxValue : 1;

    internal static void Forward(TensorLayout q, TensorLayout k, TensorLayout v, TensorLayout? mask, AttentionOptions o, TensorLayout output, TensorLayout lse)
    {
        switch (GemmOptions.Resolve())
        {
            case VectorPath.Vector512: Forward<Kernel512<T>>(q, k, v, mask, o, output, lse); break;
            case VectorPath.Vector256: Forward<Kernel256<T>>(q, k, v, mask, o, output, lse); break;
            default: Forward<ScalarKernel<T>>(q, k, v, mask, o, output, lse); break;
        }
    }

    private static void Forward<TK>(TensorLayout q, TensorLayout k, TensorLayout v, TensorLayout? mask, AttentionOptions o, TensorLayout output, TensorLayout lse)
        where TK : IMicroKernel<T>
    {
        var g = new AttentionGeometry(q, k, v, mask);
        if (g.L == 0 || g.B * g.Hq == 0) return;
        var qa = CpuBackend.Arr<T>(q); var ka = CpuBackend.Arr<T>(k); var va = CpuBackend.Arr<T>(v);
        var ma = mask is { } m ? CpuBackend.Arr<T>(m) : null;
        var oa = CpuBackend.Arr<T>(output); var la = CpuBackend.Arr<T>(lse);
        long oOff = output.Offset, lOff = lse.Offset;
        long items = (long)g.B * g.Hq * g.QueryTiles;
        var call = new object();
        WorkerPool.For(items, TileGrain, (begin, end) =>
        {
            for (long w = begin; w < end; w++) ForwardTile<TK>(in g, o, call, w, qa, ka, va, ma, oa, oOff, la, lOff);
        }, chunksPerThread: 4);
    }

    private static void ForwardTile<TK>(in AttentionGeometry g, AttentionOptions o, object call, long item, T[] qa, T[] ka, T[] va, T[]? ma,
        T[] oa, long oOff, T[] la, long lOff) where TK : IMicroKernel<T>
    {
        const int BQ = AttentionGeometry.BQ, BK = AttentionGeometry.BK;
        int qt = (int)(item % g.QueryTiles);
        long bh = item / g.QueryTiles;
        int b = (int)(bh / g.Hq), h = (int)(bh % g.Hq), hk = h / g.Group;
        int i0 = qt * BQ, ni = Math.Min(BQ, g.L - i0), e = g.E, ev = g.Ev;
        int ktSize = AttentionTiles<T, TK>.Packed(e, BK), vpSize = AttentionTiles<T, TK>.Packed(BK, ev);
        var scratch = AttentionScratch<T>.Get(BQ * BK + BQ * ev + 2 * BQ);
        var s = scratch.AsSpan(0, BQ * BK);
        var acc = scratch.AsSpan(BQ * BK, BQ * ev);
        var mx = scratch.AsSpan(BQ * BK + BQ * ev, BQ);
        var sum = scratch.AsSpan(BQ * BK + BQ * ev + BQ, BQ);
        var pack = AttentionHeadPack<T>.For(call, (long)b * g.Hk + hk, g.KeyTiles * ktSize, g.KeyTiles * vpSize);
        acc[..(ni * ev)].Clear();
        mx.Fill(T.NegativeInfinity);
        sum.Clear();
        T scale = T.CreateTruncating(o.Scale);
        bool dropout = o.DropoutP > 0;
        T invKeep = dropout ? T.One / T.CreateTruncating(1 - o.DropoutP) : T.One;
        ref T qRow = ref qa[g.QRow(b, h, i0)];
        int keyEnd = o.IsCausal ? Math.Min(g.S, i0 + ni) : g.S;
        for (int j0 = 0; j0 < keyEnd; j0 += BK)
        {
            int nk = Math.Min(BK, keyEnd - j0), t = j0 / BK, full = Math.Min(BK, g.S - j0);
            // the whole key tile is packed (later query tiles may need more of it than this one); the products read
            // its first nk columns (K) or rows (V, whose panels hold full rows each)
            var kt = pack.Keys.AsSpan(t * ktSize, ktSize);
            var vp = pack.Values.AsSpan(t * vpSize, vpSize);
            if (t == pack.Ready)
            {
                AttentionTiles<T, TK>.PackTransposed(ref ka[g.KRow(b, hk, j0)], (nint)g.KR, full, e, kt);
                AttentionTiles<T, TK>.PackRows(ref va[g.VRow(b, hk, j0)], (nint)g.VR, 1, full, ev, vp);
                pack.Ready = t + 1;
            }
            AttentionTiles<T, TK>.Mul(ni, nk, e, ref qRow, (nint)g.QR, 1, kt, ref s[0], BK, scale, T.Zero);
            for (int r = 0; r < ni; r++)
            {
                var row = s.Slice(r * BK, nk);
                int i = i0 + r;
                if (ma is not null) AttentionRows.AddMask(row, ma, g.MaskRow(b, h, i) + j0 * g.MC, g.MC);
                if (o.IsCausal) AttentionRows.Causal(row, i, j0);
                T mNew = T.Max(mx[r], TensorPrimitives.Max<T>(row));
                if (T.IsNegativeInfinity(mNew)) { row.Clear(); continue; }
                T alpha = T.Exp(mx[r] - mNew);
                TensorPrimitives.Subtract(row, mNew, row);
                TensorPrimitives.Exp<T>(row, row);
                sum[r] = sum[r] * alpha + TensorPrimitives.Sum<T>(row);
                if (alpha != T.One) TensorPrimitives.Multiply(acc.Slice(r * ev, ev), alpha, acc.Slice(r * ev, ev));
                mx[r] = mNew;
                if (dropout) AttentionRows.Dropout(row, o.Seed, g.Row(b, h, i) * g.S + j0, o.DropoutP, invKeep);
            }
            AttentionTiles<T, TK>.Mul(ni, ev, nk, ref s[0], BK, 1, vp, ref acc[0], ev, T.One, T.One, panelRows: full);
        }
        for (int r = 0; r < ni; r++)
        {
            long row = g.Row(b, h, i0 + r);
            bool empty = sum[r] == T.Zero;
            var dst = oa.AsSpan((int)(oOff + row * ev), ev);
            if (empty) dst.Clear();
            else TensorPrimitives.Multiply(acc.Slice(r * ev, ev), T.One / sum[r], dst);
            la[lOff + row] = empty ? T.NegativeInfinity : mx[r] + T.Log(sum[r]);
        }
    }

    internal static void DropoutMask(AttentionOptions o, TensorLayout result)
    {
        var ra = CpuBackend.Arr<T>(result);
        long off = result.Offset, n = result.Numel;
        T invKeep = T.One / T.CreateTruncating(1 - o.DropoutP);
        WorkerPool.For(n, KernelOptions.Grain(), (begin, end) =>
        {
            for (long i = begin; i < end; i++) ra[off + i] = AttentionRows.Keep(o.Seed, i, o.DropoutP) ? invKeep : T.Zero;
        });
    }
}
