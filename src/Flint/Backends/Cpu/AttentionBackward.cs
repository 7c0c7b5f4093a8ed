using System.Numerics;
using System.Numerics.Tensors;
using Flint.Backends.Cpu.Gemm;

namespace Flint.Backends.Cpu;

// Fused attention, backward (FlashAttention-2's order): each work item owns a range of key tiles of one key/value
// head; for every query tile of the query heads that read it, it recomputes the tile's weights from the saved
// logsumexp, P = exp(scale · q kᵀ + mask - lse), and accumulates
//   dV += (P∘Z)ᵀ dO,  dS = P ∘ ((dO Vᵀ)∘Z - D)  (D = rowsum(dO ∘ O), Z the dropout factors),
//   dK += scale · dSᵀ Q,  dQ += scale · dS K.
// dK and dV of a key tile belong to one item. dQ rows are shared by every key tile: when there are fewer heads than
// threads, the key tiles of a head are dealt to groups, each adding into a dQ of its own, summed at the end.
internal static partial class AttentionKernels<T>
{
    internal static void Backward(TensorLayout grad, TensorLayout q, TensorLayout k, TensorLayout v, TensorLayout? mask, TensorLayout output, TensorLayout lse,
        AttentionOptions o, TensorLayout gq, TensorLayout gk, TensorLayout gv)
    {
        switch (GemmOptions.Resolve())
        {
            case VectorPath.Vector512: Backward<Kernel512<T>>(grad, q, k, v, mask, output, lse, o, gq, gk, gv); break;
            case VectorPath.Vector256: Backward<Kernel256<T>>(grad, q, k, v, mask, output, lse, o, gq, gk, gv); break;
            default: Backward<ScalarKernel<T>>(grad, q, k, v, mask, output, lse, o, gq, gk, gv); break;
        }
    }

    /// <summary>The operands' arrays; the output's gradient has any strides (the gradient of a sum is an expanded scalar).</summary>
    private readonly struct BackwardArrays(T[] q, T[] k, T[] v, T[]? mask, T[] dout, long[] dStrides, long dOff, T[] lse, long lOff, T[] delta)
    {
        internal readonly T[] Q = q, K = k, V = v, DOut = dout, Lse = lse, Delta = delta;
        internal readonly T[]? Mask = mask;
        internal readonly long DOff = dOff, DB = dStrides[0], DH = dStrides[1], DR = dStrides[2], DC = dStrides[3], LOff = lOff;
        internal long DRow(int b, int h, int i) => DOff + b * DB + h * DH + i * DR;
    }

    private static void Backward<TK>(TensorLayout grad, TensorLayout q, TensorLayout k, TensorLayout v, TensorLayout? mask, TensorLayout output, TensorLayout lse,
        AttentionOptions o, TensorLayout gq, TensorLayout gk, TensorLayout gv) where TK : IMicroKernel<T>
    {
        var g = new AttentionGeometry(q, k, v, mask);
        var gqa = CpuBackend.Arr<T>(gq); var gka = CpuBackend.Arr<T>(gk); var gva = CpuBackend.Arr<T>(gv);
        long gqOff = gq.Offset, gkOff = gk.Offset, gvOff = gv.Offset;
        long nq = gq.Numel;
        gqa.AsSpan((int)gqOff, (int)nq).Clear();
        gka.AsSpan((int)gkOff, (int)gk.Numel).Clear();
        gva.AsSpan((int)gvOff, (int)gv.Numel).Clear();
        if (g.L == 0 || g.S == 0 || g.B * g.Hq == 0) return;

        // D = rowsum(dO ∘ O), one per query row
        long rows = (long)g.B * g.Hq * g.L;
        var delta = new T[rows];
        var da = CpuBackend.Arr<T>(grad); var oa = CpuBackend.Arr<T>(output);
        long oOff = output.Offset;
        var arrays = new BackwardArrays(CpuBackend.Arr<T>(q), CpuBackend.Arr<T>(k), CpuBackend.Arr<T>(v), mask is { } m ? CpuBackend.Arr<T>(m) : null,
            da, grad.Strides, grad.Offset, CpuBackend.Arr<T>(lse), lse.Offset, delta);
        int ev = g.Ev;
        WorkerPool.For(rows, KernelOptions.Grain(Math.Max(1, 4096 / Math.Max(1, ev))), (begin, end) =>
        {
            for (long r = begin; r < end; r++)
            {
                int i = (int)(r % g.L), h = (int)(r / g.L % g.Hq), b = (int)(r / g.L / g.Hq);
                var o = oa.AsSpan((int)(oOff + r * ev), ev);
                long at = arrays.DRow(b, h, i), dc = arrays.DC;
                if (dc == 1) delta[r] = TensorPrimitives.Dot<T>(da.AsSpan((int)at, ev), o);
                else
                {
                    T d = T.Zero;
                    for (int c = 0; c < ev; c++) d += da[at + c * dc] * o[c];
                    delta[r] = d;
                }
            }
        });

        long heads = (long)g.B * g.Hk;
        int keyTiles = g.KeyTiles;
        // enough items for about four per thread (causal heads' key tiles differ in work, so items are taken as
        // threads finish); forced threading (tests) always splits the key tiles, exercising the partial sums anywhere
        long want = 4L * WorkerPool.MaxThreads;
        int groups = TileGrain == long.MaxValue ? 1
            : KernelOptions.Threads == true ? Math.Min(keyTiles, 3)
            : heads >= want ? 1 : (int)Math.Min(keyTiles, (want + heads - 1) / heads);
        // group 0 adds into gradQuery itself, the others into partial sums of their own
        var partial = groups > 1 ? new T[(groups - 1) * nq] : null;
        WorkerPool.For(heads * groups, TileGrain, (begin, end) =>
        {
            for (long w = begin; w < end; w++)
            {
                int grp = (int)(w % groups);
                long head = w / groups;
                var (dq, dqOff) = grp == 0 ? (gqa, gqOff) : (partial!, (grp - 1) * nq);
                // group g takes key tiles g, g + groups, ...: under a causal mask early key tiles see more queries
                for (int t = grp; t < keyTiles; t += groups)
                    BackwardKeyTile<TK>(in g, in arrays, o, (int)(head / g.Hk), (int)(head % g.Hk), t, dq, dqOff, gka, gkOff, gva, gvOff);
            }
        }, chunksPerThread: 4);
        if (partial is not null)
            WorkerPool.For(nq, KernelOptions.Grain(), (begin, end) =>
            {
                var dst = gqa.AsSpan((int)(gqOff + begin), (int)(end - begin));
                for (int p = 0; p < groups - 1; p++) TensorPrimitives.Add(dst, partial.AsSpan((int)(p * nq + begin), (int)(end - begin)), dst);
            });
    }

    private static void BackwardKeyTile<TK>(in AttentionGeometry g, in BackwardArrays a, AttentionOptions o, int b, int hk, int kt,
        T[] dq, long dqOff, T[] dk, long dkOff, T[] dv, long dvOff) where TK : IMicroKernel<T>
    {
        const int BQ = AttentionGeometry.BQ, BK = AttentionGeometry.BK;
        int e = g.E, ev = g.Ev, j0 = kt * BK, nk = Math.Min(BK, g.S - j0);
        int ktSize = AttentionTiles<T, TK>.Packed(e, BK), vtSize = AttentionTiles<T, TK>.Packed(ev, BK), knSize = AttentionTiles<T, TK>.Packed(BK, e);
        int dopSize = AttentionTiles<T, TK>.Packed(BQ, ev), qpSize = AttentionTiles<T, TK>.Packed(BQ, e);
        int tile = BQ * BK;
        var scratch = AttentionScratch<T>.Get(ktSize + vtSize + knSize + dopSize + qpSize + 3 * tile + BK * e + BK * ev);
        int at = 0;
        Span<T> Take(int n) { var sp = scratch.AsSpan(at, n); at += n; return sp; }
        var ktp = Take(ktSize); var vtp = Take(vtSize); var knp = Take(knSize); var dop = Take(dopSize); var qp = Take(qpSize);
        var p = Take(tile); var pz = Take(tile); var ds = Take(tile);
        var dkAcc = Take(BK * e); var dvAcc = Take(BK * ev);
        dkAcc.Clear(); dvAcc.Clear();

        AttentionTiles<T, TK>.PackTransposed(ref a.K[g.KRow(b, hk, j0)], (nint)g.KR, nk, e, ktp);
        AttentionTiles<T, TK>.PackTransposed(ref a.V[g.VRow(b, hk, j0)], (nint)g.VR, nk, ev, vtp);
        AttentionTiles<T, TK>.PackRows(ref a.K[g.KRow(b, hk, j0)], (nint)g.KR, 1, nk, e, knp);
        T scale = T.CreateTruncating(o.Scale);
        bool dropout = o.DropoutP > 0;
        T invKeep = dropout ? T.One / T.CreateTruncating(1 - o.DropoutP) : T.One;
        // causal: query rows before j0 see none of these keys, so the row blocks start at j0; and a block's rows see
        // only the keys up to its last row, so the products stop there (the later keys' weights are all zero)
        int firstRow = o.IsCausal ? Math.Min(j0, g.L) : 0;
        int keysSeen = nk;
        for (int h = hk * g.Group; h < (hk + 1) * g.Group; h++)
        {
            for (int i0 = firstRow; i0 < g.L; i0 += BQ)
            {
                int ni = Math.Min(BQ, g.L - i0);
                nk = o.IsCausal ? Math.Min(keysSeen, i0 + ni - j0) : keysSeen;
                ref T qRow = ref a.Q[g.QRow(b, h, i0)];
                ref T dRow = ref a.DOut[a.DRow(b, h, i0)];
                AttentionTiles<T, TK>.Mul(ni, nk, e, ref qRow, (nint)g.QR, 1, ktp, ref p[0], BK, scale, T.Zero);
                for (int r = 0; r < ni; r++)
                {
                    var row = p.Slice(r * BK, nk);
                    int i = i0 + r;
                    long flat = g.Row(b, h, i);
                    T l = a.Lse[a.LOff + flat];
                    if (T.IsNegativeInfinity(l)) { row.Clear(); }
                    else
                    {
                        if (a.Mask is not null) AttentionRows.AddMask(row, a.Mask, g.MaskRow(b, h, i) + j0 * g.MC, g.MC);
                        if (o.IsCausal) AttentionRows.Causal(row, i, j0);
                        TensorPrimitives.Subtract(row, l, row);
                        TensorPrimitives.Exp<T>(row, row);
                    }
                    if (dropout)
                    {
                        var zr = pz.Slice(r * BK, nk);
                        row.CopyTo(zr);
                        AttentionRows.Dropout(zr, o.Seed, flat * g.S + j0, o.DropoutP, invKeep);
                    }
                }
                var weights = dropout ? pz : p;
                // dV += (P∘Z)ᵀ dO
                AttentionTiles<T, TK>.PackRows(ref dRow, (nint)a.DR, (nint)a.DC, ni, ev, dop);
                AttentionTiles<T, TK>.Mul(nk, ev, ni, ref weights[0], 1, BK, dop, ref dvAcc[0], ev, T.One, T.One);
                // dP = dO Vᵀ, then dS = P ∘ (dP∘Z - D)
                AttentionTiles<T, TK>.Mul(ni, nk, ev, ref dRow, (nint)a.DR, (nint)a.DC, vtp, ref ds[0], BK, T.One, T.Zero);
                for (int r = 0; r < ni; r++)
                {
                    var dsr = ds.Slice(r * BK, nk);
                    T d = a.Delta[g.Row(b, h, i0 + r)];
                    if (dropout)
                    {
                        var pr = p.Slice(r * BK, nk);
                        long flat = g.Row(b, h, i0 + r) * g.S + j0;
                        for (int j = 0; j < nk; j++)
                            dsr[j] = pr[j] * ((AttentionRows.Keep(o.Seed, flat + j, o.DropoutP) ? dsr[j] * invKeep : T.Zero) - d);
                    }
                    else
                    {
                        TensorPrimitives.Subtract(dsr, d, dsr);
                        TensorPrimitives.Multiply(dsr, p.Slice(r * BK, nk), dsr);
                    }
                }
                // dQ += scale · dS K ; dK += scale · dSᵀ Q
                AttentionTiles<T, TK>.Mul(ni, e, nk, ref ds[0], BK, 1, knp, ref dq[dqOff + g.Row(b, h, i0) * e], e, scale, T.One, panelRows: keysSeen);
                AttentionTiles<T, TK>.PackRows(ref qRow, (nint)g.QR, 1, ni, e, qp);
                AttentionTiles<T, TK>.Mul(nk, e, ni, ref ds[0], 1, BK, qp, ref dkAcc[0], e, scale, T.One);
            }
        }
        for (int j = 0; j < keysSeen; j++)
        {
            long row = ((long)b * g.Hk + hk) * g.S + j0 + j;
            dkAcc.Slice(j * e, e).CopyTo(dk.AsSpan((int)(dkOff + row * e), e));
            dvAcc.Slice(j * ev, ev).CopyTo(dv.AsSpan((int)(dvOff + row * ev), ev));
        }
    }
}
