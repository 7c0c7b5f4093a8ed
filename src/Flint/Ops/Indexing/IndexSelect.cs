using Flint.Backends;
using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint
{
    public static partial class torch
    {
        /// <summary>The entries of <paramref name="input"/> at <paramref name="index"/> (int32/int64, 1-D) along dim: a copy.</summary>
        public static Tensor index_select(Tensor input, long dim, Tensor index, Tensor? @out = null)
        {
            if (index.dtype != int64 && index.dtype != int32)
                throw new ArgumentException("index_select(): Expected dtype int32 or int64 for index");
            if (index.ndim > 1) throw new IndexOutOfRangeException("index_select(): Index is supposed to be a vector");
            if (input.ndim == 0)
            {
                Shape.WrapDim(dim, 0);
                var r0 = index_select(AdvancedIndexing.OneDim(input), 0, index);
                var v = r0.numel() == 1 ? r0.View([], [], r0._offset) : r0;
                return @out is null ? v : AdvancedIndexing.CopyOut(v, @out, "index_select(): self and result must have the same scalar type");
            }
            int d = Shape.WrapDim(dim, input.ndim);
            long size = input._shape[d];
            // PyTorch's kernel along dim 1 of a tensor with more dims reports the bad index; every other case does not
            bool dim1 = d == 1 && input.ndim > 1;
            var idx = AdvancedIndexing.Normalize(AdvancedIndexing.OneDim(index).reshape(-1), size, d,
                dim1 ? x => $"INDICES element is out of DATA bounds, id={x} axis_dim={size}" : _ => "index out of range in self", runtimeError: dim1, wrap: false);
            var shape = (long[])input._shape.Clone(); shape[d] = idx.numel();
            var dst = Tensor.Empty(shape, input.dtype, input.device);
            if (dst.numel() > 0)
                input.Backend.IndexGather(dst, IndexOps.AlongDim(input, shape, d), [IndexOps.IndexAlong(idx, shape, d)], [input._strides[d]]);
            if (@out is not null) { Autograd.Differentiation.CheckOut(@out, input); return AdvancedIndexing.CopyOut(dst, @out, "index_select(): self and result must have the same scalar type"); }
            return IndexOps.IndexSelectDerivative.Record(dst, [input], (input._shape, d, idx));
        }

        /// <summary>A copy of <paramref name="input"/> with <c>alpha * source</c> added at the positions <paramref name="index"/> of dim <paramref name="dim"/>, as <c>torch.index_add</c>.</summary>
        public static Tensor index_add(Tensor input, long dim, Tensor index, Tensor source, Scalar? alpha = null, Tensor? @out = null) =>
            GatherScatter.ScatterOut(@out, "index_add", [input, source], () => input.index_add(dim, index, source, alpha));
        /// <summary>A copy of <paramref name="input"/> with the slices of <paramref name="source"/> copied to the positions <paramref name="index"/> of dim <paramref name="dim"/>, as <c>torch.index_copy</c>.</summary>
        public static Tensor index_copy(Tensor input, long dim, Tensor index, Tensor source, Tensor? @out = null) =>
            GatherScatter.ScatterOut(@out, "index_copy", [input, source], () => input.index_copy(dim, index, source));
        /// <summary>A copy of <paramref name="input"/> with <paramref name="source"/> put at the flat positions <paramref name="index"/> (added when <paramref name="accumulate"/>), as <c>torch.put</c>.</summary>
        public static Tensor put(Tensor input, Tensor index, Tensor source, bool accumulate = false) => input.put(index, source, accumulate);
        /// <summary>A copy of <paramref name="input"/> with <paramref name="value"/> at the positions <paramref name="index"/> of dim <paramref name="dim"/>, as <c>torch.index_fill</c>.</summary>
        public static Tensor index_fill(Tensor input, long dim, Tensor index, Scalar value) => input.index_fill(dim, index, value);
        /// <summary>A copy of <paramref name="input"/> with a 0-dim tensor's value at the positions <paramref name="index"/> of dim <paramref name="dim"/>, as <c>torch.index_fill</c>.</summary>
        public static Tensor index_fill(Tensor input, long dim, Tensor index, Tensor value) => input.index_fill(dim, index, value);

        /// <summary>The elements of input, seen as 1-D, at index (int64, negatives count from the end); shaped like index.</summary>
        public static Tensor take(Tensor input, Tensor index)
        {
            if (index.dtype != int64) throw new ArgumentException($"take(): Expected a long tensor for index, but got {index.dtype.LegacyName}");
            long n = input.numel();
            var idx = AdvancedIndexing.Normalize(index, n, 0, x => $"out of range: tried to access index {x} on a tensor of {n} elements.");
            return IndexOps.TakeDerivative.Run([input], (input, idx), () =>
            {
                var flat = input.ndim == 0 ? AdvancedIndexing.OneDim(input) : input.reshape(-1);
                var dst = Tensor.Empty(index._shape, input.dtype, input.device);
                if (dst.numel() > 0)
                    input.Backend.IndexGather(dst, flat.View(index._shape, new long[index.ndim], flat._offset), [idx], [flat._strides[0]]);
                return dst;
            });
        }
    }

    public partial class Tensor
    {
        /// <summary>The slices at <paramref name="index"/> along <paramref name="dim"/>, as <c>tensor.index_select</c>.</summary>
        public Tensor index_select(long dim, Tensor index) => torch.index_select(this, dim, index);

        /// <summary>self[..., index[i], ...] += alpha × source[..., i, ...] along dim (duplicates accumulate).</summary>
        public Tensor index_add_(long dim, Tensor index, Tensor source, Scalar? alpha = null)
        {
            if (Autograd.Differentiation.NeedsInPlace(this, source))
                return Autograd.Differentiation.InPlace(this, old => old.index_add(dim, index, source, alpha));
            if (index.ndim > 1)
                throw new IndexOutOfRangeException($"index_add_(): Index is supposed to be a vector, but got dim: {index.ndim} with type: {index.dtype.LegacyName} and size: {Shape.Str(index._shape)}");
            if (index.dtype != DType.Int64 && index.dtype != DType.Int32)
                throw new ArgumentException($"index_add_(): Expected dtype int32/int64 for index but got: {index.dtype.LegacyName}");
            if (source.dtype != dtype)
                throw new ArgumentException($"index_add_(): self ({dtype.LegacyName}) and source ({source.dtype.LegacyName}) must have the same scalar type");
            int d = Shape.WrapDim(dim, ndim);
            long count = index.numel();
            long srcSize = source.ndim == 0 ? 1 : source._shape[Shape.WrapDim(d, source.ndim)];
            if (count != srcSize)
                throw new ArgumentException($"index_add_(): Number of indices ({count}) should be equal to source.size(dim): ({srcSize}), for dim: {d}");
            if (alpha is { } al)
            {
                if (!(al.ToDouble() == 1 && !al.IsBool)) source = torch.mul(source, Scalars.Full(al, dtype, source.device));
            }
            return IndexOps.IndexPutAlong(this, d, index, source, ScatterReduce.Add,
                size => x => "index out of range in self", wrap: false, runtimeError: false, op: "index_add_");
        }

        /// <summary>A copy with <c>alpha * source</c> added at the positions <paramref name="index"/> of dim <paramref name="dim"/>, as <c>tensor.index_add</c>.</summary>
        public Tensor index_add(long dim, Tensor index, Tensor source, Scalar? alpha = null)
        {
            var self = this;
            return IndexOps.IndexAddDerivative.Run([this, source], (dim, index, source._shape, alpha), () => self.clone().index_add_(dim, index, source, alpha));
        }

        /// <summary>self[..., index[i], ...] = source[..., i, ...] along dim.</summary>
        public Tensor index_copy_(long dim, Tensor index, Tensor source)
        {
            if (Autograd.Differentiation.NeedsInPlace(this, source))
                return Autograd.Differentiation.InPlace(this, old => old.index_copy(dim, index, source));
            if (index.ndim > 1)
                throw new IndexOutOfRangeException("index_copy_(): Index should have dimension 1 or 0 (got " + index.ndim + ")");
            if (index.dtype != DType.Int64)
                throw new ArgumentException($"index_copy_(): Expected a long tensor for index, but got {index.dtype.LegacyName}");
            if (source.dtype != dtype)
                throw new ArgumentException($"index_copy_(): self and source expected to have the same dtype, but got (self) {dtype.LegacyName} and (source) {source.dtype.LegacyName}");
            int d = Shape.WrapDim(dim, ndim);
            long count = index.numel();
            long srcSize = source.ndim == 0 ? 1 : source._shape[Shape.WrapDim(d, source.ndim)];
            if (count != srcSize)
                throw new IndexOutOfRangeException($"index_copy_(): Number of indices ({count}) should be equal to source.size(dim) ({srcSize})");
            return IndexOps.IndexPutAlong(this, d, index, source, ScatterReduce.None,
                size => x => $"index_copy_(): index {x} is out of bounds for dimension {d} with size {size}", wrap: false, runtimeError: false, op: "index_copy_");
        }

        /// <summary>A copy with the slices of <paramref name="source"/> at the positions <paramref name="index"/> of dim <paramref name="dim"/>, as <c>tensor.index_copy</c>.</summary>
        public Tensor index_copy(long dim, Tensor index, Tensor source)
        {
            var self = this;
            return IndexOps.IndexCopyDerivative.Run([this, source], (dim, index, source._shape), () => self.clone().index_copy_(dim, index, source));
        }

        /// <summary>Fills the entries at index along dim with value.</summary>
        public Tensor index_fill_(long dim, Tensor index, Scalar value)
        {
            if (Autograd.Differentiation.NeedsInPlace(this))
                return Autograd.Differentiation.InPlace(this, old => old.index_fill(dim, index, value));
            if (index.dtype != DType.Int64) throw new IndexOutOfRangeException("index_fill_(): Expected dtype int64 for index.");
            if (index.ndim > 1) throw new IndexOutOfRangeException("index_fill_(): Index is supposed to be a vector");
            if (ndim == 0) { AdvancedIndexing.OneDim(this).index_fill_(0, index, value); return this; }
            int d = Shape.WrapDim(dim, ndim);
            var shape = (long[])_shape.Clone(); shape[d] = index.numel();
            var src = Scalars.Full(value, dtype, device).expand(shape);
            return IndexOps.IndexPutAlong(this, d, index, src, ScatterReduce.None,
                size => x => $"index {x} is out of bounds for dimension {d} with size {size}", wrap: true, runtimeError: false, op: "index_fill_");
        }

        /// <summary>Fills the positions <paramref name="index"/> of dim <paramref name="dim"/> with a 0-dim tensor's value in place, as <c>tensor.index_fill_</c>.</summary>
        public Tensor index_fill_(long dim, Tensor index, Tensor value)
        {
            if (Autograd.Differentiation.NeedsInPlace(this, value))
                return Autograd.Differentiation.InPlace(this, old => old.index_fill(dim, index, value));
            if (value.ndim != 0)
                throw new ArgumentException($"index_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.ndim} dimension(s).");
            return index_fill_(dim, index, value.ValueFor(this));
        }

        /// <summary>A copy with <paramref name="value"/> at the positions <paramref name="index"/> of dim <paramref name="dim"/>, as <c>tensor.index_fill</c>.</summary>
        public Tensor index_fill(long dim, Tensor index, Scalar value)
        {
            var self = this;
            return IndexOps.IndexFillDerivative.Run([this], (dim, index), () => self.clone().index_fill_(dim, index, value));
        }

        /// <summary>A copy with a 0-dim tensor's value at the positions <paramref name="index"/> of dim <paramref name="dim"/>, as <c>tensor.index_fill</c>.</summary>
        public Tensor index_fill(long dim, Tensor index, Tensor value)
        {
            var self = this;
            return IndexOps.IndexFillTensorDerivative.Run([this, value], (dim, index), () => self.clone().index_fill_(dim, index, value));
        }

        /// <summary>The elements at the flat positions <paramref name="index"/>, as <c>tensor.take</c>.</summary>
        public Tensor take(Tensor index) => torch.take(this, index);

        /// <summary>Writes source into self seen as 1-D at index (accumulate: adds).</summary>
        public Tensor put_(Tensor index, Tensor source, bool accumulate = false)
        {
            if (Autograd.Differentiation.NeedsInPlace(this, source))
                return Autograd.Differentiation.InPlace(this, old => old.put(index, source, accumulate));
            if (index.dtype != DType.Int64) throw new ArgumentException($"put_(): Expected a long tensor for index, but got {index.dtype.LegacyName}");
            if (source.dtype != dtype)
                throw new ArgumentException($"put_(): self and source expected to have the same dtype, but got self.dtype = {dtype.LegacyName} and source.dtype = {source.dtype.LegacyName}");
            if (index.numel() != source.numel())
                throw new IndexOutOfRangeException($"put_(): Expected source and index to have the same number of elements, but got source.numel() = {source.numel()}, index.numel() = {index.numel()}");
            long n = numel();
            var idx = AdvancedIndexing.Normalize(AdvancedIndexing.OneDim(index).reshape(-1), n, 0, x => $"out of range: tried to access index {x} on a tensor of {n} elements.");
            Autograd.AutogradHooks.CheckInPlace(this);
            var target = contiguous();
            var flat = target.View([idx.numel()], [0], target._offset);
            var src = source.ndim == 0 ? AdvancedIndexing.OneDim(source) : source.reshape(-1);
            if (ReferenceEquals(src._storage, _storage)) src = src.clone();
            if (idx.numel() > 0) Backend.IndexScatter(flat, src, [idx], [1], accumulate ? ScatterReduce.Add : ScatterReduce.None);
            if (!ReferenceEquals(target, this)) Backend.Copy(this, target);
            BumpVersion();
            return this;
        }

        /// <summary>A copy with <paramref name="source"/> put at the flat positions <paramref name="index"/>, as <c>tensor.put</c>.</summary>
        public Tensor put(Tensor index, Tensor source, bool accumulate = false)
        {
            var self = this;
            return IndexOps.PutDerivative.Run([this, source], (index, source, accumulate), () => self.clone().put_(index, source, accumulate));
        }
    }
}

namespace Flint.Ops
{
    internal static class IndexOps
    {
        // ---------------- the derivatives of the index ops ----------------

        /// <summary>The gradient added back at the selected positions of a zero input.</summary>
        internal static readonly NodeDerivative<(long[] inShape, int dim, Tensor index)> IndexSelectDerivative = new("IndexSelectBackward0", null,
            (g, s) => torch.zeros(s.inShape, dtype: g.dtype, device: g.device).index_add(s.dim, s.index, g));

        /// <summary>The gradient put (accumulating) at the taken positions of a zero input; saves the normalized index.</summary>
        internal static readonly NodeDerivative<(Tensor input, Tensor index)> TakeDerivative = new("TakeBackward0", null,
            (g, s) => torch.zeros_like(s.input).put(s.index, g, accumulate: true));

        /// <summary>The gradient at index along dim, shaped as the source (a 0-dim gradient is itself).</summary>
        private static Tensor AtIndex(Tensor g, long dim, Tensor index, long[] sourceShape) =>
            (g.ndim == 0 ? g : g.index_select(Shape.WrapDim(dim, g.ndim), index)).reshape(sourceShape);

        /// <summary>The gradient with the overwritten entries zeroed (a 0-dim gradient: zero).</summary>
        private static Tensor ZeroAtIndex(Tensor g, long dim, Tensor index) =>
            g.ndim == 0 ? torch.zeros_like(g) : g.index_fill(dim, index, 0);

        internal static readonly NodeDerivative<(long dim, Tensor index, long[] sourceShape, Scalar? alpha)> IndexAddDerivative = new("IndexAddBackward0", null,
            (g, _) => g,
            (g, s) => s.alpha is { } a && a.ToDouble() != 1 ? AtIndex(g, s.dim, s.index, s.sourceShape) * a : AtIndex(g, s.dim, s.index, s.sourceShape));

        internal static readonly NodeDerivative<(long dim, Tensor index, long[] sourceShape)> IndexCopyDerivative = new("IndexCopyBackward0", null,
            (g, s) => ZeroAtIndex(g, Shape.WrapDim(s.dim, g.ndim), s.index),
            (g, s) => AtIndex(g, s.dim, s.index, s.sourceShape));

        internal static readonly NodeDerivative<(long dim, Tensor index)> IndexFillDerivative = new("IndexFillBackward0", null,
            (g, s) => ZeroAtIndex(g, s.dim, s.index));

        /// <summary>index_fill with a 0-dim tensor: the value gets the sum of the gradient at the filled entries.</summary>
        internal static readonly NodeDerivative<(long dim, Tensor index)> IndexFillTensorDerivative = new("IndexFillBackward1", null,
            (g, s) => ZeroAtIndex(g, s.dim, s.index),
            (g, s) => (g.ndim == 0 ? g : g.index_select(s.dim, s.index)).sum());

        internal static readonly NodeDerivative<(Tensor index, Tensor source, bool accumulate)> PutDerivative = new("PutBackward0", null,
            (g, s) => s.accumulate ? g : g.put(s.index, torch.zeros_like(s.source), accumulate: false),
            (g, s) => g.take(s.index).reshape(s.source._shape));

        /// <summary>t seen at shape with stride 0 along dim (its own strides elsewhere).</summary>
        internal static Tensor AlongDim(Tensor t, long[] shape, int dim)
        {
            var st = new long[shape.Length];
            for (int i = 0; i < shape.Length; i++) st[i] = i == dim ? 0 : t._strides[i];
            return t.View(shape, st, t._offset);
        }

        /// <summary>A 1-D index seen at shape, stepping along dim only.</summary>
        internal static Tensor IndexAlong(Tensor idx, long[] shape, int dim)
        {
            var st = new long[shape.Length];
            st[dim] = idx.ndim == 0 ? 0 : idx._strides[0];
            return idx.View(shape, st, idx._offset);
        }

        /// <summary>self[.., index[i], ..] (op)= source[.., i, ..] along dim; source's other dims must match self's.</summary>
        internal static Tensor IndexPutAlong(Tensor self, int dim, Tensor index, Tensor source, ScatterReduce reduce,
            Func<long, Func<long, string>> message, bool wrap, bool runtimeError, string op)
        {
            var src = source.ndim == 0 ? AdvancedIndexing.OneDim(source) : source;
            if (self.ndim == 0)
            {
                IndexPutAlong(AdvancedIndexing.OneDim(self), 0, index, src, reduce, message, wrap, runtimeError, op);
                return self;
            }
            if (src.ndim != self.ndim)
                throw new IndexOutOfRangeException($"{op}(): When source and destination are not scalars, their dimensionality must match. Source dimensionality ({src.ndim}), destination dimensionality ({self.ndim})");
            for (int i = 0; i < self.ndim; i++)
                if (i != dim && src._shape[i] != self._shape[i])
                {
                    if (op == "index_copy_")
                        throw new ArgumentException($"index_copy_(): Source/destination tensor must have same slice shapes. Destination slice shape: {self._shape[i]} at dimension {i} and source slice shape: {src._shape[i]} at dimension {i}.");
                    throw new ArgumentException($"The size of tensor a ({self._shape[i]}) must match the size of tensor b ({src._shape[i]}) at non-singleton dimension {i}");
                }
            long size = self._shape[dim];
            var idx = AdvancedIndexing.Normalize(AdvancedIndexing.OneDim(index).reshape(-1), size, dim, message(size), runtimeError, wrap);
            Autograd.AutogradHooks.CheckInPlace(self);
            if (ReferenceEquals(src._storage, self._storage)) src = src.clone();
            var shape = src._shape;
            if (src.numel() > 0)
                self.Backend.IndexScatter(AlongDim(self, shape, dim), src, [IndexAlong(idx, shape, dim)], [self._strides[dim]], reduce);
            self.BumpVersion();
            return self;
        }
    }
}
