using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint
{
    public static partial class torch
    {
        /// <summary>
        /// Concatenates along dim. The result dtype is the promoted dtype of all inputs; 1-D empty tensors
        /// (PyTorch's legacy placeholders) are skipped whatever their neighbours' shapes.
        /// </summary>
        public static Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0, Tensor? @out = null)
        {
            if (tensors.Count == 0) throw new ArgumentException("torch.cat(): expected a non-empty list of Tensors");
            for (int i = 0; i < tensors.Count; i++)
                if (tensors[i].ndim == 0) throw new ArgumentException($"zero-dimensional tensor (at position {i}) cannot be concatenated");
            var dtype = TypePromotion.ResultType(tensors.ToArray());
            if (@out is not null && !TypePromotion.CanCast(dtype, @out.dtype))
                throw new ArgumentException($"torch.cat(): input types can't be cast to the desired output type {@out.dtype.LegacyName}");
            var device = tensors[0].device;
            foreach (var t in tensors)
                if (t.device != device)
                    throw new InvalidOperationException($"Expected all tensors to be on the same device, but found at least two devices, {device.Normalized} and {t.device.Normalized}!");
            bool Skipped(Tensor t) => t.ndim == 1 && t._shape[0] == 0;
            int first = -1;
            for (int i = 0; i < tensors.Count; i++) if (!Skipped(tensors[i])) { first = i; break; }
            if (first < 0)
            {
                var e = Elementwise.Target([0], dtype, @out, device);
                return e;
            }
            var refT = tensors[first];
            int d = Shape.WrapDim(dim, refT.ndim);
            long total = 0;
            for (int i = 0; i < tensors.Count; i++)
            {
                var t = tensors[i];
                if (Skipped(t)) continue;
                if (t.ndim != refT.ndim) throw new ArgumentException($"Tensors must have same number of dimensions: got {refT.ndim} and {t.ndim}");
                for (int k = 0; k < t.ndim; k++)
                    if (k != d && t._shape[k] != refT._shape[k])
                        throw new ArgumentException($"Sizes of tensors must match except in dimension {d}. Expected size {refT._shape[k]} but got size {t._shape[k]} for tensor number {i} in the list.");
                total += t._shape[d];
            }
            var shape = (long[])refT._shape.Clone(); shape[d] = total;
            foreach (var t in tensors)
                if (@out is not null && ReferenceEquals(t._storage, @out._storage))
                    throw new ArgumentException("unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.");
            if (@out is not null) Autograd.Differentiation.CheckOut(@out, tensors.ToArray());
            var r = Elementwise.Target(shape, dtype, @out, device);
            long offset = 0;
            var starts = new long[tensors.Count];
            using (no_grad())
                for (int i = 0; i < tensors.Count; i++)
                {
                    var t = tensors[i];
                    starts[i] = offset;
                    if (Skipped(t)) continue;
                    long n = t._shape[d];
                    if (n > 0 && t.numel() > 0) r.Backend.Copy(r.narrow(d, offset, n), t);
                    offset += n;
                }
            if (@out is not null) return r;
            var inputs = tensors.ToArray();
            return JoinOps.CatDerivative.Record(r, inputs, (inputs, d, starts));
        }

        /// <summary>Alias of <c>cat</c>, as <c>torch.concat</c>.</summary>
        public static Tensor concat(IReadOnlyList<Tensor> tensors, long dim = 0, Tensor? @out = null) => cat(tensors, dim, @out);
        /// <summary>Alias of <c>cat</c>, as <c>torch.concatenate</c>.</summary>
        public static Tensor concatenate(IReadOnlyList<Tensor> tensors, long dim = 0, Tensor? @out = null) => cat(tensors, dim, @out);

        /// <summary>Joins equally shaped tensors along a new dim.</summary>
        public static Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0, Tensor? @out = null)
        {
            if (tensors.Count == 0) throw new ArgumentException("stack expects a non-empty TensorList");
            var s0 = tensors[0]._shape;
            for (int i = 1; i < tensors.Count; i++)
                if (!tensors[i]._shape.AsSpan().SequenceEqual(s0))
                    throw new ArgumentException($"stack expects each tensor to be equal size, but got {Shape.Str(s0)} at entry 0 and {Shape.Str(tensors[i]._shape)} at entry {i}");
            int d = Shape.WrapDim(dim, s0.Length + 1);
            Autograd.Differentiation.CheckOut(@out, tensors.ToArray());
            if (@out is not null) return cat(tensors.Select(t => t.unsqueeze(d)).ToArray(), d, @out);
            var inputs = tensors.ToArray();
            return JoinOps.StackDerivative.Run(inputs, (inputs, d), () => cat(inputs.Select(t => t.unsqueeze(d)).ToArray(), d));
        }

        /// <summary>The tensors joined column-wise (along dim 1; dim 0 for 1-dim tensors), as <c>torch.hstack</c>.</summary>
        public static Tensor hstack(IReadOnlyList<Tensor> tensors, Tensor? @out = null)
        {
            if (tensors.Count == 0) throw new ArgumentException("hstack expects a non-empty TensorList");
            var ts = tensors.Select(JoinOps.AtLeast1d).ToArray();
            return cat(ts, ts[0].ndim == 1 ? 0 : 1, @out);
        }

        /// <summary>The tensors joined row-wise (1-dim tensors become rows), as <c>torch.vstack</c>.</summary>
        public static Tensor vstack(IReadOnlyList<Tensor> tensors, Tensor? @out = null)
        {
            if (tensors.Count == 0) throw new ArgumentException("vstack expects a non-empty TensorList");
            return cat(tensors.Select(JoinOps.AtLeast2d).ToArray(), 0, @out);
        }

        /// <summary>Alias of <c>vstack</c>, as <c>torch.row_stack</c>.</summary>
        public static Tensor row_stack(IReadOnlyList<Tensor> tensors, Tensor? @out = null) => vstack(tensors, @out);

        /// <summary>The tensors joined along a third dim (made 3-dim first), as <c>torch.dstack</c>.</summary>
        public static Tensor dstack(IReadOnlyList<Tensor> tensors, Tensor? @out = null)
        {
            if (tensors.Count == 0) throw new ArgumentException("dstack expects a non-empty TensorList");
            return cat(tensors.Select(JoinOps.AtLeast3d).ToArray(), 2, @out);
        }

        /// <summary>Stacks 1-D tensors as columns (higher-dim tensors are concatenated along dim 1).</summary>
        public static Tensor column_stack(IReadOnlyList<Tensor> tensors, Tensor? @out = null)
        {
            if (tensors.Count == 0) throw new ArgumentException("column_stack expects a non-empty TensorList");
            return cat(tensors.Select(t => t.ndim == 0 ? t.View([1, 1], [1, 1], t._offset) : t.ndim == 1 ? t.unsqueeze(1) : t).ToArray(), 1, @out);
        }
    }
}

namespace Flint.Ops
{
    internal static class JoinOps
    {
        /// <summary>Each input gets its part of the gradient, in its dtype (an empty 1-D input, left out of the join, none).</summary>
        internal static readonly NodeDerivative<(Tensor[] inputs, int dim, long[] starts)> CatDerivative = NodeDerivative<(Tensor[] inputs, int dim, long[] starts)>.Joint("CatBackward0",
            (g, s) => s.inputs.Select((t, i) => t.requires_grad && !(t.ndim == 1 && t._shape[0] == 0) ? g.narrow(s.dim, s.starts[i], t._shape[s.dim]).to(t.dtype) : null).ToArray());

        internal static readonly NodeDerivative<(Tensor[] inputs, int dim)> StackDerivative = NodeDerivative<(Tensor[] inputs, int dim)>.Joint("StackBackward0",
            (g, s) => g.unbind(s.dim).Select((gi, i) => s.inputs[i].requires_grad ? gi : null).ToArray());

        internal static Tensor AtLeast1d(Tensor t) => t.ndim == 0 ? AdvancedIndexing.OneDim(t) : t;
        internal static Tensor AtLeast2d(Tensor t) => t.ndim switch { 0 => t.View([1, 1], [1, 1], t._offset), 1 => t.unsqueeze(0), _ => t };
        internal static Tensor AtLeast3d(Tensor t) => t.ndim switch
        {
            0 => t.View([1, 1, 1], [1, 1, 1], t._offset),
            1 => t.unsqueeze(0).unsqueeze(-1),
            2 => t.unsqueeze(-1),
            _ => t,
        };
    }
}
