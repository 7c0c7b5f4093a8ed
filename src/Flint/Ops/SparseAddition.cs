using Flint.Autograd;

namespace Flint.Ops;

/// <summary>
/// add and sub when an operand is a sparse COO tensor, as PyTorch's CPU kernels add them: dense ± sparse is dense
/// (each entry added at its index, in entry order); sparse ± sparse walks both entry lists in index order, an
/// index both hold once giving one summed entry, and is coalesced only when both operands are; sparse ± dense
/// is refused, as PyTorch. Sizes must agree exactly (no broadcasting) and nothing is recorded for autograd.
/// </summary>
internal static class SparseAddition
{
    internal static Tensor Run(Tensor input, Tensor other, Scalar? alpha, Tensor? @out, bool inPlace, bool isSub)
    {
        string op = isSub ? "sub" : "add";
        var device = input.is_sparse ? input.device : other.device;
        if (@out is not null) throw SparseStorage.Unsupported($"aten::{op}.out", device);
        if (GradMode.IsEnabled && (input.requires_grad || other.requires_grad))
            throw new NotSupportedException($"{op} with a sparse operand does not record autograd history (sparse tensors take part in autograd only as gradients): detach the operands, or call to_dense() first");
        double scale = (alpha?.ToDouble() ?? 1) * (isSub ? -1 : 1);
        if (input._sparse is null) return DenseSparse(input, other, other._sparse!, scale, inPlace);
        if (other._sparse is null) throw new InvalidOperationException("add(sparse, dense) is not supported. Use add(dense, sparse) instead.");
        return SparseSparse(input, input._sparse, other, other._sparse, scale, inPlace);
    }

    /// <summary>dense + scale × sparse: a copy of the dense operand (in place: itself) with each entry added at its index.</summary>
    private static Tensor DenseSparse(Tensor dense, Tensor other, SparseParts sp, double scale, bool inPlace)
    {
        if (!dense._shape.AsSpan().SequenceEqual(other._shape))
            throw new ArgumentException($"add: expected 'self' and 'other' to have same size, but self has size {Shape.Str(dense._shape)} while other has size {Shape.Str(other._shape)} (FYI: dense-sparse addition does not currently support broadcasting)");
        var common = TypePromotion.ResultType(dense, sp.Values);
        if (inPlace && !TypePromotion.CanCast(common, dense.dtype))
            throw new ArgumentException($"result type {common.LegacyName} can't be cast to the desired output type {dense.dtype.LegacyName}");
        using var _ = new GradModeScope(false);
        var r = inPlace ? dense : dense.to(common, copy: true);
        if (sp.Values.size(0) == 0) return r;
        var values = (scale == 1 ? sp.Values.to(common) : sp.Values.to(common) * scale).to(r.dtype);
        var index = new Tensor?[sp.Indices.size(0)];
        for (int d = 0; d < index.Length; d++) index[d] = sp.Indices.select(0, d);
        return r.index_put_(index, values, accumulate: true);
    }

    /// <summary>a + scale × b for two sparse tensors: the two entry lists merged in index order (in place: into a).</summary>
    private static Tensor SparseSparse(Tensor input, SparseParts a, Tensor other, SparseParts b, double scale, bool inPlace)
    {
        if (!input._shape.AsSpan().SequenceEqual(other._shape))
            throw new ArgumentException($"add: expected sizes of 'self' and 'other' to match, but {Shape.Str(input._shape)} != {Shape.Str(other._shape)}");
        long sparseDim = a.Indices.size(0);
        if (sparseDim != b.Indices.size(0))
            throw new ArgumentException($"add: expected 'self' and 'other' to have same density, but 'self' has {sparseDim} sparse dimensions while 'other' has {b.Indices.size(0)} sparse dimensions");
        var common = TypePromotion.ResultType(a.Values, b.Values);
        if (inPlace && !TypePromotion.CanCast(common, input.dtype))
            throw new ArgumentException($"Can't convert result type {common.LegacyName} to output {input.dtype.LegacyName}");
        var dtype = inPlace ? input.dtype : common;
        Tensor indices, values;
        bool coalesced;
        using (new GradModeScope(false))
        {
            var bv = scale == 1 ? b.Values.to(common) : b.Values.to(common) * scale;
            long an = a.Values.size(0), bn = b.Values.size(0);
            if (bn == 0) (indices, values, coalesced) = (a.Indices.clone(), a.Values.to(dtype, copy: true), a.Coalesced);
            else if (an == 0) (indices, values, coalesced) = (b.Indices.clone(), bv.to(dtype, copy: true), b.Coalesced);
            else
            {
                var (merged, fromA, fromB) = Merge(a.Indices, b.Indices, (int)sparseDim);
                long[] valueShape = [merged.size(1), .. a.Values._shape[1..]];
                var sum = torch.zeros(valueShape, common, a.Values.device);
                sum.index_add_(0, fromA, a.Values.to(common));
                sum.index_add_(0, fromB, bv);
                (indices, values, coalesced) = (merged, sum.to(dtype), a.Coalesced && b.Coalesced);
            }
        }
        if (!inPlace) return Tensor.SparseOf(indices, values, input._shape, coalesced);
        input.SetSparse(indices, values, coalesced);
        return input;
    }

    /// <summary>
    /// Walks two index lists (sparse_dim, n) side by side, each step taking the smaller index column (both when
    /// equal, once), as PyTorch's CPU merge: the merged indices and the merged position of each entry of each list.
    /// </summary>
    private static (Tensor indices, Tensor fromA, Tensor fromB) Merge(Tensor ia, Tensor ib, int sparseDim)
    {
        var a = ia.contiguous().ToArray<long>(); var b = ib.contiguous().ToArray<long>();
        int an = (int)ia.size(1), bn = (int)ib.size(1);
        var outCols = new List<(bool fromA, int at)>(an + bn);
        var posA = new long[an]; var posB = new long[bn];
        int i = 0, j = 0;
        while (i < an || j < bn)
        {
            int cmp = i >= an ? 1 : j >= bn ? -1 : 0;
            for (int d = 0; cmp == 0 && d < sparseDim && i < an && j < bn; d++)
                cmp = a[d * an + i].CompareTo(b[d * bn + j]);
            int k = outCols.Count;
            if (cmp <= 0) { outCols.Add((true, i)); posA[i++] = k; }
            if (cmp >= 0) { if (cmp > 0) outCols.Add((false, j)); posB[j++] = k; }
        }
        var merged = new long[sparseDim * outCols.Count];
        for (int k = 0; k < outCols.Count; k++)
        {
            var (fromA, at) = outCols[k];
            for (int d = 0; d < sparseDim; d++) merged[d * outCols.Count + k] = fromA ? a[d * an + at] : b[d * bn + at];
        }
        var device = ia.device;
        return (torch.from_array(merged, sparseDim, outCols.Count).to(device), torch.from_array(posA, an).to(device), torch.from_array(posB, bn).to(device));
    }
}
