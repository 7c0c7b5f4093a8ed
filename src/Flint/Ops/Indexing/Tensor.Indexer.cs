using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint
{
    public partial class Tensor
    {
        /// <summary>
        /// PyTorch's <c>x[...]</c>: <c>x[0, .., 1..3]</c>, <c>x[TensorIndex.Ellipsis, 0]</c>, <c>x[TensorIndex.None]</c>,
        /// <c>x[TensorIndex.Slice(0, null, 2)]</c>, <c>x[mask]</c>, <c>x[idx0, idx1]</c>. Integers, slices, None and
        /// Ellipsis give a view sharing this tensor's memory; tensor (and bool) indices give a copy. Assigning writes
        /// into this tensor: the value is converted to this tensor's dtype and broadcast, e.g. <c>x[mask] = torch.tensor(0)</c>.
        /// To assign a number use <see cref="masked_fill_(Tensor, Scalar)"/>, <see cref="index_put_(Tensor?[], Scalar, bool)"/>
        /// or <c>x[...] = torch.tensor(v)</c>.
        /// </summary>
        public Tensor this[params TensorIndex[] indices]
        {
            get
            {
                var (view, adv) = IndexerOps.ApplySlicing(this, indices);
                if (adv is null)
                    return ReferenceEquals(view, this) ? IndexerOps.AliasDerivative.Record(View(_shape, _strides, _offset), [this], default) : view;
                return AdvancedIndexing.Index(view, adv);
            }
            set => IndexerOps.Assign(this, indices, value);
        }

        /// <summary>The same as the indexer's getter: <c>x.index(0, mask)</c>.</summary>
        public Tensor index(params TensorIndex[] indices) => this[indices];

        /// <summary>
        /// self[indices] = values (accumulate: +=), with one index tensor (or null) per leading dim, as PyTorch's
        /// <c>index_put_</c>. values must have this tensor's dtype and broadcast to the indexing result.
        /// </summary>
        public Tensor index_put_(Tensor?[] indices, Tensor values, bool accumulate = false)
        {
            if (Autograd.Differentiation.NeedsInPlace(this, values))
                return Autograd.Differentiation.InPlace(this, old => old.index_put(indices, values, accumulate));
            if (values.dtype != dtype)
                throw new ArgumentException($"Index put requires the source and destination dtypes match, got {dtype.LegacyName} for the destination and {values.dtype.LegacyName} for the source.");
            AdvancedIndexing.IndexPut(this, indices, values, accumulate);
            return this;
        }

        /// <summary>self[indices] = value (or += value), the number converted to this tensor's dtype.</summary>
        public Tensor index_put_(Tensor?[] indices, Scalar value, bool accumulate = false) =>
            index_put_(indices, Scalars.Full(value, dtype, device), accumulate);

        /// <summary>A copy with <paramref name="values"/> written at the positions the index tensors select (added when <paramref name="accumulate"/>), as <c>tensor.index_put</c>.</summary>
        public Tensor index_put(Tensor?[] indices, Tensor values, bool accumulate = false)
        {
            Tensor r;
            using (torch.no_grad()) r = clone().index_put_(indices, values, accumulate);
            return IndexerOps.IndexPutDerivative.Record(r, [this, values], (indices, accumulate, values._shape));
        }
        /// <summary>A copy with <paramref name="value"/> written at the positions the index tensors select, as <c>tensor.index_put</c>.</summary>
        public Tensor index_put(Tensor?[] indices, Scalar value, bool accumulate = false) => clone().index_put_(indices, value, accumulate);
    }

    public static partial class torch
    {
        /// <summary>A copy of <paramref name="input"/> with <paramref name="values"/> at the positions the index tensors select, as <c>torch.index_put</c>.</summary>
        public static Tensor index_put(Tensor input, Tensor?[] indices, Tensor values, bool accumulate = false) => input.index_put(indices, values, accumulate);
        /// <summary>Writes <paramref name="values"/> into <paramref name="input"/> at the positions the index tensors select, as <c>torch.index_put_</c>.</summary>
        public static Tensor index_put_(Tensor input, Tensor?[] indices, Tensor values, bool accumulate = false) => input.index_put_(indices, values, accumulate);
    }
}

namespace Flint.Ops
{
    /// <summary>The indexer's basic part (PyTorch's applySlicing) and assignment.</summary>
    internal static class IndexerOps
    {
        private static bool IsIntegral(DType d) => !d.is_floating_point;

        private static int Specified(TensorIndex[] indices, out int ellipses)
        {
            int n = 0; ellipses = 0;
            foreach (var i in indices)
            {
                switch (i.kind)
                {
                    case TensorIndex.Kind.Integer: case TensorIndex.Kind.Slice: n++; break;
                    case TensorIndex.Kind.Ellipsis: ellipses++; break;
                    case TensorIndex.Kind.Tensor:
                        var t = i.tensor!;
                        if (AdvancedIndexing.IsMask(t)) n += t.ndim;
                        else n++;
                        break;
                }
            }
            return n;
        }

        /// <summary>Applies ints, slices, None, Ellipsis and bools as views; returns the tensor indices left for advanced indexing (null if none).</summary>
        internal static (Tensor view, List<Tensor?>? adv) ApplySlicing(Tensor self, TensorIndex[] indices)
        {
            int specified = Specified(indices, out _);
            if (specified > self.ndim)
            {
                if (self.ndim == 0)
                    throw new IndexOutOfRangeException("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert a 0-dim tensor to a number");
                throw new IndexOutOfRangeException($"too many indices for tensor of dimension {self.ndim}");
            }
            var result = self;
            int dim = 0, realDim = 0;
            List<Tensor?>? adv = null;
            void Record(Tensor t)
            {
                adv ??= new List<Tensor?>();
                while (adv.Count < dim) adv.Add(null);
                adv.Add(t);
                dim++;
            }
            Tensor BoolIndex(bool v) => v ? Tensor.Zeros([1], DType.Int64, self.device) : Tensor.Empty([0], DType.Int64, self.device);

            foreach (var ix in indices)
            {
                switch (ix.kind)
                {
                    case TensorIndex.Kind.Integer:
                        {
                            long size = result._shape[dim];
                            // ^k is Python's -k; ^0 is one past the end
                            long i = !ix.fromEnd ? ix.value : ix.value == 0 ? size : -ix.value;
                            result = Select(result, dim, i, i, realDim);
                            realDim++;
                            break;
                        }
                    case TensorIndex.Kind.Slice:
                        result = SliceDim(result, dim, ix.start, ix.stop, ix.step);
                        dim++; realDim++;
                        break;
                    case TensorIndex.Kind.None:
                        result = result.unsqueeze(dim);
                        dim++;
                        break;
                    case TensorIndex.Kind.Ellipsis:
                        dim += self.ndim - specified; realDim += self.ndim - specified;
                        break;
                    case TensorIndex.Kind.Boolean:
                        result = result.unsqueeze(dim);
                        Record(BoolIndex(ix.value != 0));
                        break;
                    case TensorIndex.Kind.Tensor:
                        {
                            var t = ix.tensor!;
                            if (t.ndim == 0 && IsIntegral(t.dtype))
                            {
                                if (!AdvancedIndexing.IsMask(t))
                                {
                                    long v = t.item<long>();
                                    result = Select(result, dim, v, v, realDim);
                                    realDim++;
                                }
                                else
                                {
                                    result = result.unsqueeze(dim);
                                    Record(BoolIndex(t.ToScalar().AsBool));
                                }
                            }
                            else
                            {
                                Record(t);
                                realDim += AdvancedIndexing.IsMask(t) ? t.ndim : 1;
                            }
                            break;
                        }
                }
            }
            return (result, adv);
        }

        private static Tensor Select(Tensor t, int dim, long i, long shown, int realDim)
        {
            long size = t._shape[dim];
            if (i < -size || i >= size)
                throw new IndexOutOfRangeException($"index {shown} is out of bounds for dimension {realDim} with size {size}");
            return t.select(dim, i < 0 ? i + size : i);
        }

        /// <summary>start:stop:step along one dim with Python's clamping, as a view.</summary>
        internal static Tensor SliceDim(Tensor t, int dim, long? start, long? stop, long step)
        {
            if (step == 0) throw new ArgumentException("slice step cannot be zero");
            if (step < 0) throw new ArgumentException("step must be greater than zero");
            long size = t._shape[dim];
            long s = start ?? 0, e = stop ?? size;
            if (s < 0) s = Math.Max(s + size, 0); else if (s > size) s = size;
            if (e < 0) e = Math.Max(e + size, 0); else if (e > size) e = size;
            // ceil((e - s) / step) without forming e - s + step, which wraps for a step near long.MaxValue
            long len = e > s ? (e - s - 1) / step + 1 : 0;
            var sh = (long[])t._shape.Clone(); var st = (long[])t._strides.Clone();
            // with two or more elements, step < size and stride * step stays inside the storage; with one or none the
            // stride is never used and the product may wrap
            sh[dim] = len; st[dim] = len > 1 ? t._strides[dim] * step : t._strides[dim];
            var v = t.View(sh, st, t._offset + (len > 0 ? s * t._strides[dim] : 0));
            return SliceDerivative.Record(v, [t], (t, dim, start, stop, step));
        }

        /// <summary>A slice with a step: its gradient is zeros with the same slice set (saved: the slice).</summary>
        private static readonly NodeDerivative<(Tensor self, int dim, long? start, long? stop, long step)> SliceDerivative = new("SliceBackward0", null,
            (g, s) => s.self.Embed(g, Tensor.SliceBackwardDerivative, z => SliceDim(z, s.dim, s.start, s.stop, s.step)));

        /// <summary>x[...] that selects all of x: a new view of it.</summary>
        internal static readonly NodeDerivative<NoState> AliasDerivative = new("AliasBackward0", null, (g, _) => g);

        /// <summary>self's gradient: g (accumulate) or g with the written positions zeroed; values': g at them, summed to values' shape.</summary>
        internal static readonly NodeDerivative<(Tensor?[] indices, bool accumulate, long[] valuesShape)> IndexPutDerivative = new("IndexPutBackward0", null,
            (g, s) => s.accumulate ? g : g.index_put(s.indices, torch.zeros([], dtype: g.dtype, device: g.device)),
            (g, s) => Autograd.Recording.SumToShape(g.index(s.indices.Select(i => i is null ? TensorIndex.Colon : (TensorIndex)i).ToArray()), s.valuesShape));

        internal static void Assign(Tensor self, TensorIndex[] indices, Tensor value)
        {
            ArgumentNullException.ThrowIfNull(value);
            var (view, adv) = ApplySlicing(self, indices);
            if (value.device != self.device && !(value.ndim == 0 && value.is_cpu)) throw Ops.Elementwise.DevicesDiffer(self.device, value.device);
            if (adv is null)
            {
                // PyTorch's copy_to: equal sizes copy, a CPU number fills, anything else drops the value's
                // leading 1s and broadcasts (each step recorded only when it changes something)
                if (view._shape.AsSpan().SequenceEqual(value._shape)) { view.copy_(value); return; }
                if (value.ndim == 0 && value.is_cpu) { view.fill_(value); return; }
                var src = StripLeadingOnes(value);
                if (!src._shape.AsSpan().SequenceEqual(view._shape)) src = src.expand(view._shape);
                view.copy_(src);
                return;
            }
            var v = StripLeadingOnes(value.dtype == self.dtype ? value : value.to(self.dtype));
            AdvancedIndexing.IndexPut(view, adv, v, false);
        }

        /// <summary>The value without its leading size-1 dims (x[0] = ones(1, 3) works for a row of 3), recorded as a view.</summary>
        private static Tensor StripLeadingOnes(Tensor v)
        {
            int lead = 0;
            while (lead < v.ndim && v._shape[lead] == 1) lead++;
            return lead > 0 ? v.view(v._shape[lead..]) : v;
        }
    }
}
