using System.Collections;
using Flint.Ops.Kernels;

namespace Flint.Ops
{
    /// <summary>What every reduction shares: dim lists, keepdim shapes, compute dtypes and out= handling.</summary>
    /// <summary>How a reduction treats an out= tensor of another dtype.</summary>
    internal enum OutRule { Cast, Match, Index }

    internal static class Reduction
    {
        /// <summary>Shared all-ones arrays by length: the keepdim shape (and its strides) of a full reduction.</summary>
        private static readonly long[][] AllOnes = Enumerable.Range(0, 9).Select(n => Enumerable.Repeat(1L, n).ToArray()).ToArray();

        private static long[] ContiguousStridesOf(long[] shape) =>
            shape.Length < AllOnes.Length && ReferenceEquals(shape, AllOnes[shape.Length]) ? shape : Shape.ContiguousStrides(shape);

        /// <summary>Wraps and checks the dims to reduce (sorted); null or empty means every dim.</summary>
        /// <summary>
        /// The dims of a reduction called without a dim argument: one shared array per rank, so a node can tell "no dim
        /// given" (PyTorch's full overload, SumBackward0) from "every dim named" (the dim overload, SumBackward1) by the
        /// instance. Never written to.
        /// </summary>
        private static readonly int[][] AllDimsCache = Enumerable.Range(0, 17).Select(AllDimsArray).ToArray();

        /// <summary>A new array 0..n-1 (never the shared empty array: rank 0's instance must be its own).</summary>
        private static int[] AllDimsArray(int n)
        {
            var a = new int[n];
            for (int i = 0; i < n; i++) a[i] = i;
            return a;
        }

        /// <summary>The dims of a reduction over every element with no dim argument (see <see cref="AllDimsCache"/>).</summary>
        internal static int[] AllDims(int nd) => nd < AllDimsCache.Length ? AllDimsCache[nd] : AllDimsArray(nd);

        /// <summary>Whether <paramref name="dims"/> came from a call without a dim argument.</summary>
        internal static bool NoDimArgument(int[] dims) => dims.Length >= AllDimsCache.Length || ReferenceEquals(dims, AllDimsCache[dims.Length]);

        internal static int[] Dims(Tensor x, long[]? dim)
        {
            int nd = x.ndim;
            if (dim is null) return AllDims(nd);
            if (dim.Length == 0)
            {
                var all = new int[nd];
                for (int i = 0; i < nd; i++) all[i] = i;
                return all;
            }
            var seen = new bool[Math.Max(nd, 1)];
            foreach (var d in dim)
            {
                int w = Shape.WrapDim(d, nd);
                if (seen[w]) throw new ArgumentException($"dim {w} appears multiple times in the list of dims");
                seen[w] = true;
            }
            return nd == 0 ? new int[0] : Enumerable.Range(0, nd).Where(i => seen[i]).ToArray();
        }

        /// <summary>One wrapped dim; a 0-dim tensor has no axes, so its dim maps to 0 and is never used.</summary>
        internal static int Dim(Tensor x, long dim) => Shape.WrapDim(dim, x.ndim);

        internal static long[] KeepShape(Tensor x, int[] dims)
        {
            if (dims.Length == x._shape.Length && dims.Length < AllOnes.Length) return AllOnes[dims.Length];
            var s = (long[])x._shape.Clone();
            foreach (var d in dims) s[d] = 1;
            return s;
        }

        internal static long[] OutShape(Tensor x, int[] dims, bool keepdim)
        {
            if (keepdim) return KeepShape(x, dims);
            int nd = x.ndim, kept = nd;
            foreach (var d in dims) if ((uint)d < (uint)nd) kept--;
            if (kept == 0) return Tensor.NoDims;
            var r = new long[kept];
            int k = 0;
            for (int d = 0; d < nd; d++)
                if (Array.IndexOf(dims, d) < 0) r[k++] = x._shape[d];
            return r;
        }

        /// <summary>The errors PyTorch raises for max-like reductions over nothing.</summary>
        internal static void CheckNonEmpty(Tensor x, int[] dims, bool dimGiven, string op, bool indexError = false)
        {
            if (x.numel() != 0) return;
            if (!dimGiven)
            {
                var msg = $"{op}(): Expected reduction dim to be specified for input.numel() == 0." + (indexError ? "" : " Specify the reduction dim with the 'dim' argument.");
                if (indexError) throw new IndexOutOfRangeException(msg);
                throw new ArgumentException(msg);
            }
            foreach (var d in dims)
                if (x._shape[d] == 0) throw new IndexOutOfRangeException($"{op}(): Expected reduction dim {d} to have non-zero size.");
        }

        /// <summary>A contiguous tensor seen with another shape of the same numel (0-dim included).</summary>
        internal static Tensor Reshaped(Tensor t, long[] shape) =>
            t.is_contiguous() ? t.View((long[])shape.Clone(), Shape.ContiguousStrides(shape), t._offset) : Reshaped(t.contiguous(), shape);

        /// <summary>
        /// <see cref="Reshaped"/> for a kernel's fresh result that nothing else sees and a shape array the caller
        /// gives away: no copies, and the result starts its own version count.
        /// </summary>
        private static Tensor ReshapedOwned(Tensor t, long[] shape) =>
            !t.is_contiguous() ? Reshaped(t, shape)
            : shape.Length == 0 ? new Tensor(t._storage, Tensor.NoDims, Tensor.NoDims, t._offset)
            : new Tensor(t._storage, shape, ContiguousStridesOf(shape), t._offset);

        /// <summary>The elements as a 1-D tensor (a 0-dim tensor becomes one element).</summary>
        internal static Tensor Flat(Tensor t) => Reshaped(t, [t.numel()]);

        internal static NotSupportedException NotImplemented(string kernel, DType dt) => new($"\"{kernel}\" not implemented for '{dt.LegacyName}'");

        /// <summary>Ops whose kernels only write floating results refuse other out= dtypes with this error.</summary>
        internal static void CheckFloatOut(Tensor? @out, string kernel)
        {
            if (@out is not null && !@out.dtype.is_floating_point) throw NotImplemented(kernel, @out.dtype);
        }

        /// <summary>Checks an out= tensor's dtype the way the op does in PyTorch.</summary>
        internal static void CheckOutDType(Tensor @out, DType result, OutRule rule)
        {
            switch (rule)
            {
                case OutRule.Match when @out.dtype != result:
                    throw new ArgumentException($"Expected the dtype for input and out to match, but got {result.LegacyName} for input's dtype and {@out.dtype.LegacyName} for out's dtype.");
                case OutRule.Index when @out.dtype != DType.Int64:
                    throw new ArgumentException($"Expected out tensor to have dtype long int, but got {@out.dtype.CppName} instead");
            }
        }

        /// <summary>
        /// Shapes a keepdim-form result (in its compute dtype) into the final shape and dtype, into out= when given
        /// (cast into out's dtype when the rule allows it).
        /// </summary>
        internal static Tensor Finish(Tensor r, long[] shape, DType result, Tensor? @out, OutRule rule = OutRule.Cast, bool fresh = false)
        {
            r = fresh ? ReshapedOwned(r, shape) : Reshaped(r, shape);
            if (@out is null) return r.dtype == result ? r : r.to(result);
            CheckOutDType(@out, result, rule);
            return OutArgument.Deliver(r.dtype != result ? r.to(result) : r, @out);
        }

        /// <summary>Runs a reduce op: x is cast to the compute dtype of <paramref name="result"/> and reduced over dims.</summary>
        internal static Tensor Run<TOp>(Tensor x, int[] dims, bool keepdim, DType result, Tensor? @out, double arg = 0, DType? compute = null, OutRule rule = OutRule.Cast)
            where TOp : IReduction
        {
            using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin(Profiler.Recorder.OpName(TOp.Name, false), x) : default;
            if (@out is not null) CheckOutDType(@out, result, rule);
            if (@out is not null) Autograd.Differentiation.CheckOut(@out, x);
            var c = compute ?? Elementwise.ComputeType(result);
            var xc = Elementwise.As(x, c);
            var ks = KeepShape(x, dims);
            var y = Tensor.Owned(x.device, c, Shape.Numel(ks), ks, ContiguousStridesOf(ks));
            y.Backend.Reduce<TOp>(xc, dims, y, arg);
            var r = Finish(y, OutShape(x, dims, keepdim), result, @out, rule, fresh: true);
            return @out is null ? Autograd.Differentiation.Reduce<TOp>(x, dims, keepdim, r, arg) : r;
        }

        /// <summary>Runs an index-picking op along one dim: (values, indices).</summary>
        internal static ValuesIndices RunIndex<TOp>(string name, Tensor x, int dim, bool keepdim, long arg = 0, (Tensor values, Tensor indices)? @out = null)
            where TOp : IIndexReduceOp, IIndexDifferentiable
        {
            if (@out is { } o)
            {
                CheckOutDType(o.indices, DType.Int64, OutRule.Index);
                if (o.values.dtype != x.dtype)
                    throw new ArgumentException($"Expected out tensor to have dtype {x.dtype.CppName}, but got {o.values.dtype.CppName} instead");
            }
            var c = Elementwise.ComputeType(x.dtype);
            var xc = Elementwise.As(x, c);
            int[] dims = x.ndim == 0 ? [] : [dim];
            var ks = KeepShape(x, dims);
            var v = Tensor.Empty(ks, c, x.device);
            var i = Tensor.Empty(ks, DType.Int64, x.device);
            v.Backend.IndexReduce<TOp>(xc, dim, v, i, arg);
            var shape = OutShape(x, dims, keepdim);
            var r = new ValuesIndices(name, Finish(v, shape, x.dtype, @out?.values), Finish(i, shape, DType.Int64, @out?.indices));
            return @out is null ? ReductionBackward.Index<TOp>(x, dim, keepdim, r) : r;
        }

        internal static Tensor RunArg<TOp>(Tensor x, int dim, bool keepdim, Tensor? @out) where TOp : IIndexReduceOp
        {
            if (@out is not null) CheckOutDType(@out, DType.Int64, OutRule.Index);
            var c = Elementwise.ComputeType(x.dtype);
            var xc = Elementwise.As(x, c);
            int[] dims = x.ndim == 0 ? [] : [dim];
            var i = Tensor.Empty(KeepShape(x, dims), DType.Int64, x.device);
            i.Backend.IndexReduce<TOp>(xc, dim, null, i, 0);
            return Finish(i, OutShape(x, dims, keepdim), DType.Int64, @out, OutRule.Index);
        }

        /// <summary>Accumulates a span in double by pairwise (cascade) summation.</summary>
        internal static double PairwiseSum<T>(ReadOnlySpan<T> v) where T : System.Numerics.INumber<T>
        {
            if (v.Length <= 32)
            {
                double s = 0;
                foreach (var e in v) s += double.CreateTruncating(e);
                return s;
            }
            int h = v.Length / 2;
            return PairwiseSum(v[..h]) + PairwiseSum(v[h..]);
        }
    }
}

namespace Flint
{
    /// <summary>
    /// A (values, indices) pair as returned by max/min/sort/topk/median/... with a dim
    /// (PyTorch's <c>torch.return_types.*</c>): <c>var (values, indices) = x.max(1);</c>
    /// </summary>
    public sealed class ValuesIndices : IReadOnlyList<Tensor>
    {
        private readonly string name;
        /// <summary>The reduced values.</summary>
        public Tensor values { get; }
        /// <summary>The positions of the values along the reduced dim (int64).</summary>
        public Tensor indices { get; }

        internal ValuesIndices(string name, Tensor values, Tensor indices) { this.name = name; this.values = values; this.indices = indices; }

        /// <summary>Unpacks the pair: <c>var (values, indices) = t.max(0);</c>.</summary>
        public void Deconstruct(out Tensor values, out Tensor indices) { values = this.values; indices = this.indices; }

        /// <summary><c>values</c> at 0, <c>indices</c> at 1, as the Python named tuple indexes.</summary>
        public Tensor this[int index] => index switch
        {
            0 or -2 => values,
            1 or -1 => indices,
            _ => throw new IndexOutOfRangeException("tuple index out of range"),
        };
        /// <summary>The number of fields, 2.</summary>
        public int Count => 2;
        /// <inheritdoc/>
        public IEnumerator<Tensor> GetEnumerator() { yield return values; yield return indices; }
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>Prints as PyTorch: <c>torch.return_types.max(values=..., indices=...)</c> on separate lines.</summary>
        public override string ToString() => $"torch.return_types.{name}(\nvalues={values},\nindices={indices})";
    }
}
