namespace Flint.Ops
{
    /// <summary>torch.unique's kernel call and its node.</summary>
    internal static class Uniques
    {
        internal static (Tensor output, Tensor inverse, Tensor counts) Run(Tensor input, long? dim)
        {
            if (input.dtype == DType.Float16) throw Reduction.NotImplemented(dim is null ? "unique" : "unique_dim", input.dtype);
            var c = Elementwise.ComputeType(input.dtype);
            var x = Elementwise.As(input, c);
            if (dim is null)
            {
                var rows = Reduction.Reshaped(x, [x.numel(), 1]);
                var (v, inv, cnt) = Rows(x.Backend.UniqueRows(rows));
                v = Reduction.Flat(v);
                return (v.dtype == input.dtype ? v : v.to(input.dtype), Reduction.Reshaped(inv, input._shape), cnt);
            }
            int d = Reduction.Dim(input, dim.Value);
            if (input.ndim == 0) throw new IndexOutOfRangeException("Dimension specified as 0 but tensor has no dimensions");
            long n = input._shape[d];
            var moved = x.movedim(d, 0).contiguous();
            var rest = moved._shape[1..];
            if (rest.Any(s => s == 0))
                throw new ArgumentException("There are 0 sized dimensions, and they aren't selected, so unique cannot be applied");
            if (n == 0)
            {
                var e = Tensor.Empty(input._shape, input.dtype, input.device);
                return (e, Tensor.Empty([0], DType.Int64, input.device), Tensor.Empty([0], DType.Int64, input.device));
            }
            var (uv, uinv, ucnt) = Rows(x.Backend.UniqueRows(moved.reshape(n, -1)));
            var shaped = uv.reshape([uv._shape[0], .. rest]).movedim(0, d).contiguous();
            return (shaped.dtype == input.dtype ? shaped : shaped.to(input.dtype), uinv, ucnt);
        }

        /// <summary>The distinct elements in ascending order (or distinct slices along dim, in lexicographic order).</summary>
        private static (Tensor, Tensor, Tensor) Rows((Backends.TensorLayout v, Backends.TensorLayout inv, Backends.TensorLayout cnt) r) =>
            (Tensor.FromLayout(r.v), Tensor.FromLayout(r.inv), Tensor.FromLayout(r.cnt));

        /// <summary>unique's values take part in the graph, but (as in PyTorch) have no derivative: backward names the op.</summary>
        internal static Tensor Recorded(Tensor input, long? dim, Tensor output) =>
            (dim is null ? Unique2 : UniqueDim).Record(output, [input], default);

        private static readonly Kernels.NodeDerivative<Kernels.NoState> Unique2 =
            Kernels.NodeDerivative<Kernels.NoState>.NotImplemented("_unique2").Named("Unique2Backward0");
        private static readonly Kernels.NodeDerivative<Kernels.NoState> UniqueDim =
            Kernels.NodeDerivative<Kernels.NoState>.NotImplemented("unique_dim").Named("UniqueDimBackward0");
    }
}

namespace Flint
{
    using Ops;

    public static partial class torch
    {
        /// <summary>The distinct elements, sorted, as <c>torch.unique(input)</c>.</summary>
        public static Tensor unique(Tensor input) => unique(input, true, null);
        /// <summary>The distinct elements, as <c>torch.unique(input, sorted)</c>.</summary>
        public static Tensor unique(Tensor input, bool sorted) => unique(input, sorted, null);
        /// <summary>The distinct slices along <paramref name="dim"/> (elements when null), as <c>torch.unique(input, dim=dim)</c>.</summary>
        public static Tensor unique(Tensor input, long? dim) => unique(input, true, dim);
        /// <summary>The distinct elements or slices, as <c>torch.unique(input, sorted, dim=dim)</c>.</summary>
        public static Tensor unique(Tensor input, bool sorted, long? dim) => Uniques.Recorded(input, dim, Uniques.Run(input, dim).output);

        /// <summary>
        /// unique with its optional outputs: inverse_indices (where each element went) and counts. Outputs not
        /// asked for are null. C# picks this overload whenever return_inverse or return_counts is named, as
        /// <c>torch.unique(x, return_counts: true)</c> (a call without them gets the plain tensor).
        /// </summary>
        public static (Tensor output, Tensor? inverse_indices, Tensor? counts) unique(Tensor input, bool sorted = true, bool return_inverse = false, bool return_counts = false, long? dim = null)
        {
            var (o, i, c) = Uniques.Run(input, dim);
            return (Uniques.Recorded(input, dim, o), return_inverse ? i : null, return_counts ? c : null);
        }
    }

    public partial class Tensor
    {
        /// <summary>The distinct elements, sorted, as <c>tensor.unique()</c>.</summary>
        public Tensor unique() => torch.unique(this);
        /// <summary>The distinct elements, as <c>tensor.unique(sorted)</c>.</summary>
        public Tensor unique(bool sorted) => torch.unique(this, sorted);
        /// <summary>The distinct slices along <paramref name="dim"/>, as <c>tensor.unique(dim=dim)</c>.</summary>
        public Tensor unique(long? dim) => torch.unique(this, dim);
        /// <summary>The distinct elements or slices, as <c>tensor.unique(sorted, dim=dim)</c>.</summary>
        public Tensor unique(bool sorted, long? dim) => torch.unique(this, sorted, dim);
        /// <summary>The distinct elements with, when asked, the inverse indices (where each element went) and the counts, as <c>tensor.unique(return_inverse=True, return_counts=True)</c>.</summary>
        public (Tensor output, Tensor? inverse_indices, Tensor? counts) unique(bool sorted = true, bool return_inverse = false, bool return_counts = false, long? dim = null) =>
            torch.unique(this, sorted, return_inverse, return_counts, dim);
    }
}
