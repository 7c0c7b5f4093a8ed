namespace Flint.Ops
{
    /// <summary>What sort, argsort, msort and topk share: the sorting kernel and their (values, indices) out= pairs.</summary>
    internal static class Sorting
    {
        internal static (Tensor values, Tensor indices) Sort(Tensor input, int d, bool descending)
        {
            var c = Elementwise.ComputeType(input.dtype);
            var xc = Elementwise.As(input, c);
            var v = Tensor.Empty(input._shape, c, input.device);
            var i = Tensor.Empty(input._shape, DType.Int64, input.device);
            v.Backend.Sort(xc, d, descending, v, i);
            return (v.dtype == input.dtype ? v : v.to(input.dtype), i);
        }

        /// <summary>A (values, indices) out= pair: values of the input's dtype, int64 indices, and no input that requires grad.</summary>
        internal static void CheckOut((Tensor values, Tensor indices)? @out, Tensor input, string op)
        {
            if (@out is not { } o) return;
            if (o.values.dtype != input.dtype)
                throw new ArgumentException($"Expected out tensor to have dtype {input.dtype.CppName}, but got {o.values.dtype.CppName} instead");
            if (o.indices.dtype != DType.Int64)
                throw new ArgumentException($"Expected out tensor to have dtype long int, but got {o.indices.dtype.CppName} instead");
            Autograd.Differentiation.CheckOut(o.values, op, input);
        }

        internal static ValuesIndices Out(string op, Tensor v, Tensor i, (Tensor values, Tensor indices) o) =>
            new(op, AdvancedIndexing.CopyOut(v, o.values), AdvancedIndexing.CopyOut(i, o.indices));
    }
}

namespace Flint
{
    using Ops;

    public static partial class torch
    {
        /// <summary>
        /// Sorts along dim (NaN counts as the largest value). Flint's sort is always stable, so
        /// <paramref name="stable"/> only documents intent.
        /// </summary>
        public static ValuesIndices sort(Tensor input, long dim = -1, bool descending = false, bool stable = false, (Tensor values, Tensor indices)? @out = null)
        {
            int d = Reduction.Dim(input, dim);
            Sorting.CheckOut(@out, input, "sort");
            var (v, i) = Sorting.Sort(input, d, descending);
            if (@out is { } o) return Sorting.Out("sort", v, i, o);
            return ReductionBackward.Gathered(ReductionBackward.SortValues, input, d, new ValuesIndices("sort", v, i));
        }

        /// <summary>The indices that sort input along dim.</summary>
        public static Tensor argsort(Tensor input, long dim = -1, bool descending = false, bool stable = false) =>
            sort(input, dim, descending, stable).indices;

        /// <summary>Sorts along the first dim.</summary>
        public static Tensor msort(Tensor input) => sort(input, 0).values;

        /// <summary>The k largest (or smallest) elements along dim, in sorted order, with their indices.</summary>
        public static ValuesIndices topk(Tensor input, long k, long dim = -1, bool largest = true, bool sorted = true, (Tensor values, Tensor indices)? @out = null)
        {
            Sorting.CheckOut(@out, input, "topk");
            int d = Reduction.Dim(input, dim);
            long size = input.ndim == 0 ? 1 : input._shape[d];
            if (k < 0 || k > size) throw new ArgumentException("selected index k out of range");
            if (input.dtype.IsBool || input.dtype == DType.Float16) throw Reduction.NotImplemented("topk_cpu", input.dtype);
            var (v, i) = Sorting.Sort(input, d, largest);
            if (input.ndim > 0) { v = v.narrow(d, 0, k).contiguous(); i = i.narrow(d, 0, k).contiguous(); }
            else if (k == 0) { v = Tensor.Empty([0], input.dtype, input.device); i = Tensor.Empty([0], DType.Int64, input.device); }
            if (@out is { } o) return Sorting.Out("topk", v, i, o);
            return ReductionBackward.Gathered(ReductionBackward.TopkValues, input, d, new ValuesIndices("topk", v, i));
        }
    }

    public partial class Tensor
    {
        /// <summary>The elements sorted along <paramref name="dim"/> and their original positions, as <c>tensor.sort</c>.</summary>
        public ValuesIndices sort(long dim = -1, bool descending = false, bool stable = false) => torch.sort(this, dim, descending, stable);
        /// <summary>The positions that sort the elements along <paramref name="dim"/>, as <c>tensor.argsort</c>.</summary>
        public Tensor argsort(long dim = -1, bool descending = false, bool stable = false) => torch.argsort(this, dim, descending, stable);
        /// <summary>The elements sorted along dim 0, as <c>tensor.msort()</c>.</summary>
        public Tensor msort() => torch.msort(this);
        /// <summary>The <paramref name="k"/> largest (or smallest) elements along <paramref name="dim"/> and their positions, as <c>tensor.topk</c>.</summary>
        public ValuesIndices topk(long k, long dim = -1, bool largest = true, bool sorted = true) => torch.topk(this, k, dim, largest, sorted);
    }
}
