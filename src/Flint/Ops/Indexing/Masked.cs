using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint
{
    public static partial class torch
    {
        /// <summary>A copy of <paramref name="input"/> with <paramref name="value"/> where <paramref name="mask"/> is true, as <c>torch.masked_fill</c>.</summary>
        public static Tensor masked_fill(Tensor input, Tensor mask, Scalar value) => input.masked_fill(mask, value);
        /// <summary>A copy of <paramref name="input"/> with a 0-dim tensor's value where <paramref name="mask"/> is true, as <c>torch.masked_fill</c>.</summary>
        public static Tensor masked_fill(Tensor input, Tensor mask, Tensor value) => input.masked_fill(mask, value);

        /// <summary>The elements of input (broadcast with mask) where mask is true, as a 1-D tensor.</summary>
        public static Tensor masked_scatter(Tensor input, Tensor mask, Tensor source) => input.masked_scatter(mask, source);

        /// <summary>The elements of <paramref name="input"/> where <paramref name="mask"/> (broadcast) is true, as a 1-dim tensor, as <c>torch.masked_select</c>.</summary>
        public static Tensor masked_select(Tensor input, Tensor mask, Tensor? @out = null)
        {
            if (!AdvancedIndexing.IsMask(mask)) throw new ArgumentException("masked_select: expected BoolTensor or ByteTensor for mask");
            var shape = Shape.Broadcast(mask._shape, input._shape);
            if (shape.Length == 0) shape = [1];
            var m = mask.dtype == @bool ? mask : mask.to(@bool);
            Autograd.Differentiation.CheckOut(@out, input);
            // the output's size is the number of true elements, which meta tensors do not hold
            if (input.is_meta || m.is_meta) throw MetaStorage.NoKernel("aten::masked_select");
            var r = MaskedOps.MaskedSelectDerivative.Run([input], (shape, m, input._shape), () => AdvancedIndexing.Index(input.expand(shape), [m.expand(shape)]));
            return @out is null ? r : AdvancedIndexing.CopyOut(r, @out);
        }

        /// <summary>The indices of the nonzero elements of input, one row per element: int64 [n, input.ndim].</summary>
        public static Tensor nonzero(Tensor input, Tensor? @out = null)
        {
            var m = input.dtype == @bool ? input : input.to(@bool);
            var r = Tensor.FromLayout(input.Backend.Nonzero(m));
            return @out is null ? r : AdvancedIndexing.CopyOut(r, @out, $"nonzero: Expected out tensor to have scalar type Long but got scalar type{@out.dtype.LegacyName}");
        }

        /// <summary>
        /// PyTorch's <c>nonzero(input, as_tuple=...)</c>: with as_tuple the indices per dim (a 0-dim input counts as
        /// 1-D); without, a one-element array holding the [n, ndim] tensor of <see cref="nonzero(Tensor, Tensor?)"/>.
        /// </summary>
        public static Tensor[] nonzero(Tensor input, bool as_tuple)
        {
            if (!as_tuple) return [nonzero(input)];
            var nz = nonzero(input.ndim == 0 ? AdvancedIndexing.OneDim(input) : input);
            var r = new Tensor[nz._shape[1]];
            for (int j = 0; j < r.Length; j++) r[j] = nz.select(1, j).contiguous();
            return r;
        }

        /// <summary>The indices of the non-zero elements, one row each, as <c>torch.argwhere</c>.</summary>
        public static Tensor argwhere(Tensor input) => nonzero(input);

        /// <summary>The one-argument <c>torch.where(condition)</c>: <c>nonzero(condition, as_tuple: true)</c>.</summary>
        public static Tensor[] where(Tensor condition) => nonzero(condition, as_tuple: true);
    }

    public partial class Tensor
    {
        /// <summary>Sets the elements where mask (bool, broadcast to this tensor's shape) is true to value.</summary>
        public Tensor masked_fill_(Tensor mask, Scalar value)
        {
            if (Autograd.Differentiation.NeedsInPlace(this))
                return Autograd.Differentiation.InPlace(this, old => { CheckInPlaceMask(mask); return old.masked_fill(mask, value); });
            CheckInPlaceMask(mask);
            Autograd.AutogradHooks.CheckInPlace(this);
            if (mask.device != device) throw Elementwise.DevicesDiffer(device, mask.device);
            var m = mask.dtype == DType.Bool ? mask : mask.to(DType.Bool);
            if (ReferenceEquals(m._storage, _storage)) m = m.clone();
            var v = Scalars.Full(value, dtype, device);
            Backend.Where(m.expand(_shape), v.expand(_shape), this, this);
            BumpVersion();
            return this;
        }

        /// <summary>
        /// masked_fill_'s checks: a bool (or uint8) mask that broadcasts to this tensor's own shape. The in-place form
        /// names this tensor first when the sizes clash (the out-of-place one names the mask first), as PyTorch.
        /// </summary>
        private void CheckInPlaceMask(Tensor mask)
        {
            if (!AdvancedIndexing.IsMask(mask))
                throw new ArgumentException($"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype.LegacyName}");
            var shape = Shape.Broadcast(_shape, mask._shape);
            if (!shape.AsSpan().SequenceEqual(_shape))
                throw new ArgumentException($"output with shape {Shape.Str(_shape)} doesn't match the broadcast shape {Shape.Str(shape)}");
        }

        /// <summary>masked_fill_ with a 0-dim tensor value.</summary>
        public Tensor masked_fill_(Tensor mask, Tensor value)
        {
            if (value.ndim != 0)
                throw new ArgumentException($"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.ndim} dimension(s).");
            if (Autograd.Differentiation.NeedsInPlace(this, value))
                return Autograd.Differentiation.InPlace(this, old => { CheckInPlaceMask(mask); return old.masked_fill(mask, value); });
            return masked_fill_(mask, value.ValueFor(this));
        }

        /// <summary>A copy with <paramref name="value"/> where <paramref name="mask"/> is true, as <c>tensor.masked_fill</c>.</summary>
        public Tensor masked_fill(Tensor mask, Scalar value)
        {
            if (!AdvancedIndexing.IsMask(mask))
                throw new ArgumentException($"masked_fill_ only supports boolean masks, but got mask with dtype {mask.dtype.LegacyName}");
            var shape = Shape.Broadcast(mask._shape, _shape);
            if (mask.device != device) throw Elementwise.DevicesDiffer(device, mask.device);
            Tensor r;
            using (torch.no_grad())
            {
                // one pass: the input (or the value) written into the clone's memory, not a copy filled afterwards;
                // row-major, as PyTorch's masked_fill clones with the contiguous format
                var self = expand(shape);
                r = Empty(shape, dtype, device);
                var m = mask.dtype == DType.Bool ? mask : mask.to(DType.Bool);
                r.Backend.Where(m.expand(shape), Scalars.Full(value, dtype, device).expand(shape), self, r);
            }
            return MaskedOps.MaskedFillDerivative.Record(r, [this], (mask, _shape, dtype));
        }

        /// <summary>A copy with a 0-dim tensor's value where <paramref name="mask"/> is true, as <c>tensor.masked_fill</c>.</summary>
        public Tensor masked_fill(Tensor mask, Tensor value)
        {
            if (value.ndim != 0)
                throw new ArgumentException($"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with {value.ndim} dimension(s).");
            if (Autograd.Recording.Needs(value))
            {
                var self = this;
                return MaskedOps.MaskedFillTensorDerivative.Run([this, value], (mask, _shape, value.dtype), () => self.masked_fill(mask, value.ValueFor(self)));
            }
            return masked_fill(mask, value.ValueFor(this));
        }

        /// <summary>The elements where <paramref name="mask"/> is true, as a 1-dim tensor, as <c>tensor.masked_select</c>.</summary>
        public Tensor masked_select(Tensor mask) => torch.masked_select(this, mask);

        /// <summary>Copies source's leading elements, in order, into the positions where mask is true.</summary>
        public Tensor masked_scatter_(Tensor mask, Tensor source)
        {
            // the mask is expanded to this tensor's shape (PyTorch's words when it does not fit), also when autograd records it
            if (Autograd.Differentiation.NeedsInPlace(this, source))
                return Autograd.Differentiation.InPlace(this, old => { mask.expand(_shape); return old.masked_scatter(mask, source); });
            if (!AdvancedIndexing.IsMask(mask)) throw new ArgumentException($"masked_scatter_ only supports boolean masks, but got mask with dtype {mask.dtype.LegacyName}");
            if (source.dtype != dtype)
                throw new ArgumentException($"masked_scatter: expected self and source to have same dtypes but got{dtype.LegacyName} and {source.dtype.LegacyName}");
            mask.expand(_shape);
            var m = (mask.dtype == DType.Bool ? mask : mask.to(DType.Bool)).expand(_shape);
            if (is_meta) { Autograd.AutogradHooks.CheckInPlace(this); BumpVersion(); return this; }   // as PyTorch 2's meta kernel: self keeps its layout
            var nz = FromLayout(Backend.Nonzero(m));
            long n = nz._shape[0];
            if (n > source.numel()) throw new ArgumentException("Number of elements of source < number of ones in mask");
            var src = (source.ndim == 0 ? AdvancedIndexing.OneDim(source) : source.reshape(-1)).narrow(0, 0, n);
            if (ReferenceEquals(src._storage, _storage)) src = src.clone();
            AdvancedIndexing.IndexPut(this, [m], src, false);
            return this;
        }

        /// <summary>A copy with the elements of <paramref name="source"/>, in order, where <paramref name="mask"/> is true, as <c>tensor.masked_scatter</c>.</summary>
        public Tensor masked_scatter(Tensor mask, Tensor source)
        {
            var shape = Shape.Broadcast(mask._shape, _shape);
            var self = this;
            return MaskedOps.MaskedScatterDerivative.Run([this, source], (mask, _shape, source), () => self.expand(shape).clone().masked_scatter_(mask, source));
        }

        /// <summary>The indices of the non-zero elements, one row each, as <c>tensor.nonzero()</c>.</summary>
        public Tensor nonzero() => torch.nonzero(this);
        /// <summary>The indices of the non-zero elements; with <paramref name="as_tuple"/>, one 1-dim tensor per dim, as <c>tensor.nonzero(as_tuple=True)</c>.</summary>
        public Tensor[] nonzero(bool as_tuple) => torch.nonzero(this, as_tuple);
        /// <summary>The indices of the non-zero elements, as <c>tensor.argwhere()</c>.</summary>
        public Tensor argwhere() => torch.argwhere(this);
    }
}

namespace Flint.Ops
{
    /// <summary>The derivatives of the masked ops.</summary>
    internal static class MaskedOps
    {
        /// <summary>The gradient with the filled positions zeroed, summed to self's shape (self broadcasts with the mask).</summary>
        private static Tensor Unfilled(Tensor g, Tensor mask, long[] selfShape) => Autograd.Recording.SumToShape(g.masked_fill(mask, 0), selfShape);

        /// <summary>The gradient scattered back to the selected positions of a zero tensor of the broadcast shape.</summary>
        internal static readonly NodeDerivative<(long[] shape, Tensor mask, long[] inShape)> MaskedSelectDerivative = new("MaskedSelectBackward0", null,
            (g, s) => Autograd.Recording.SumToShape(torch.zeros(s.shape, g.dtype, g.device).masked_scatter(s.mask.expand(s.shape), g), s.inShape));

        internal static readonly NodeDerivative<(Tensor mask, long[] selfShape, DType valueType)> MaskedFillDerivative = new("MaskedFillBackward0", null,
            (g, s) => Unfilled(g, s.mask, s.selfShape));

        /// <summary>masked_fill with a 0-dim tensor: the value gets the sum of the gradient at the filled positions.</summary>
        internal static readonly NodeDerivative<(Tensor mask, long[] selfShape, DType valueType)> MaskedFillTensorDerivative = new("MaskedFillBackward1", null,
            (g, s) => Unfilled(g, s.mask, s.selfShape),
            (g, s) => (g * s.mask.to(g.dtype)).sum().to(s.valueType));

        /// <summary>source's leading elements went to the true positions, in order: they get the gradient there, the rest none.</summary>
        internal static readonly NodeDerivative<(Tensor mask, long[] selfShape, Tensor source)> MaskedScatterDerivative = new("MaskedScatterBackward0", null,
            (g, s) => Unfilled(g, s.mask, s.selfShape),
            (g, s) =>
            {
                var picked = g.masked_select(s.mask);
                long rest = s.source.numel() - picked.numel();
                return (rest > 0 ? torch.cat([picked, torch.zeros([rest], g.dtype, g.device)]) : picked).reshape(s.source._shape);
            });
    }
}
