using Flint.Backends;
using Flint.Ops;
using Flint.Ops.Kernels;
using static Flint.torch;

namespace Flint
{
    public static partial class torch
    {
        /// <summary>out[i][j][k] = input[i][index[i][j][k]][k] for dim 1 (and likewise for other dims); shaped like index.</summary>
        public static Tensor gather(Tensor input, long dim, Tensor index, bool sparse_grad = false, Tensor? @out = null)
        {
            if (index.dtype != int64) throw new ArgumentException("gather(): Expected dtype int64 for index");
            int d = Shape.WrapDim(dim, input.ndim);
            GatherScatter.CheckShapes(input, index, null, d, "gather");
            var r = Tensor.Empty(index._shape, input.dtype, input.device);
            if (r.numel() > 0)
            {
                var self = input.ndim == 0 ? AdvancedIndexing.OneDim(input) : input;
                var idx = GatherScatter.NormalizeAlong(index, self, d);
                var shape = idx.ndim == 0 ? [1] : idx._shape;
                var dst = r.ndim == 0 ? AdvancedIndexing.OneDim(r) : r;
                self.Backend.IndexGather(dst, IndexOps.AlongDim(self, shape, d), [idx.ndim == 0 ? AdvancedIndexing.OneDim(idx) : idx], [self._strides[d]]);
            }
            if (@out is not null) { Autograd.Differentiation.CheckOut(@out, input); return AdvancedIndexing.CopyOut(r, @out); }
            return GatherScatter.GatherDerivative.Record(r, [input], (input._shape, d, index));
        }

        /// <summary>A copy of <paramref name="input"/> with <paramref name="src"/> written at <paramref name="index"/> along <paramref name="dim"/>, as <c>torch.scatter</c>; <paramref name="reduce"/> <c>"add"</c> or <c>"multiply"</c> combines instead.</summary>
        public static Tensor scatter(Tensor input, long dim, Tensor index, Tensor src, string? reduce = null, Tensor? @out = null) =>
            GatherScatter.ScatterOut(@out, "scatter", [input, src], () => input.scatter(dim, index, src, reduce));
        /// <summary>A copy of <paramref name="input"/> with <paramref name="value"/> written at <paramref name="index"/> along <paramref name="dim"/>, as <c>torch.scatter</c>.</summary>
        public static Tensor scatter(Tensor input, long dim, Tensor index, Scalar value, string? reduce = null, Tensor? @out = null) =>
            GatherScatter.ScatterOut(@out, "scatter", [input], () => input.scatter(dim, index, value, reduce));
        /// <summary>A copy of <paramref name="input"/> with <paramref name="src"/> added at <paramref name="index"/> along <paramref name="dim"/>, as <c>torch.scatter_add</c>.</summary>
        public static Tensor scatter_add(Tensor input, long dim, Tensor index, Tensor src, Tensor? @out = null) =>
            GatherScatter.ScatterOut(@out, "scatter_add", [input, src], () => input.scatter_add(dim, index, src));
        /// <summary>A copy of <paramref name="input"/> with <paramref name="src"/> reduced into it at <paramref name="index"/> along <paramref name="dim"/>, as <c>torch.scatter_reduce</c>; <paramref name="reduce"/> is <c>"sum"</c>, <c>"prod"</c>, <c>"mean"</c>, <c>"amax"</c> or <c>"amin"</c>.</summary>
        public static Tensor scatter_reduce(Tensor input, long dim, Tensor index, Tensor src, string reduce, bool include_self = true, Tensor? @out = null) =>
            GatherScatter.ScatterOut(@out, "scatter_reduce", [input, src], () => input.scatter_reduce(dim, index, src, reduce, include_self));

        /// <summary>
        /// Picks values along dim at indices, broadcasting input and indices over the other dims; with no dim,
        /// input is flattened and indices index it as 1-D.
        /// </summary>
        public static Tensor take_along_dim(Tensor input, Tensor indices, long? dim = null)
        {
            if (indices.dtype != int64)
                throw new ArgumentException($"torch.take_along_dim(): dtype of indices should be Long but got {indices.dtype.LegacyName}");
            if (dim is null)
            {
                var flat = input.ndim == 0 ? AdvancedIndexing.OneDim(input) : input.reshape(-1);
                return gather(flat, 0, indices.ndim == 0 ? AdvancedIndexing.OneDim(indices) : indices.reshape(-1));
            }
            if (input.ndim != indices.ndim)
                throw new ArgumentException($"torch.take_along_dim(): input and indices should have the same number of dimensions, but got {input.ndim} dimensions for input, and {indices.ndim} dimensions for indices");
            if (input.ndim == 0) return gather(input, dim.Value, indices);
            int d = Shape.WrapDim(dim.Value, input.ndim);
            var si = (long[])input._shape.Clone(); var sx = (long[])indices._shape.Clone();
            si[d] = 1; sx[d] = 1;
            var b = Shape.Broadcast(si, sx);
            var bi = (long[])b.Clone(); bi[d] = input.ndim == 0 ? 1 : input._shape[d];
            var bx = (long[])b.Clone(); bx[d] = indices.ndim == 0 ? 1 : indices._shape[d];
            return gather(input.ndim == 0 ? input : input.expand(bi), d, indices.ndim == 0 ? indices : indices.expand(bx));
        }
    }

    public partial class Tensor
    {
        /// <summary>The elements at <paramref name="index"/> along <paramref name="dim"/>, as <c>tensor.gather</c>.</summary>
        public Tensor gather(long dim, Tensor index, bool sparse_grad = false) => torch.gather(this, dim, index, sparse_grad);

        /// <summary>self[i][index[i][j][k]][k] = src[i][j][k] for dim 1; reduce "add"/"multiply" combines instead of replacing.</summary>
        public Tensor scatter_(long dim, Tensor index, Tensor src, string? reduce = null)
        {
            if (Autograd.Differentiation.NeedsInPlace(this, src))
                return Autograd.Differentiation.InPlace(this, old => old.ScatterRecorded(dim, index, src, reduce, "aten::scatter_"));
            if (index.dtype != DType.Int64) throw new ArgumentException("scatter(): Expected dtype int64 for index");
            if (src.dtype != dtype) throw new ArgumentException("scatter(): Expected self.dtype to be equal to src.dtype");
            return GatherScatter.Scatter(this, dim, index, src, GatherScatter.ParseReduce(reduce));
        }

        /// <summary>Writes value at every position index points to along dim.</summary>
        public Tensor scatter_(long dim, Tensor index, Scalar value, string? reduce = null)
        {
            if (Autograd.Differentiation.NeedsInPlace(this))
                return Autograd.Differentiation.InPlace(this, old => old.ScatterRecorded(dim, index, value, reduce, "aten::scatter_"));
            if (index.dtype != DType.Int64) throw new ArgumentException("scatter(): Expected dtype int64 for index");
            var r = GatherScatter.ParseReduce(reduce);
            return GatherScatter.Scatter(this, dim, index, Scalars.Full(value, dtype, device), r, valueForm: true);
        }

        /// <summary>A copy with <paramref name="src"/> written at <paramref name="index"/> along <paramref name="dim"/>, as <c>tensor.scatter</c>.</summary>
        public Tensor scatter(long dim, Tensor index, Tensor src, string? reduce = null) => ScatterRecorded(dim, index, src, reduce, "aten::scatter");

        /// <summary>A copy with <paramref name="value"/> written at <paramref name="index"/> along <paramref name="dim"/>, as <c>tensor.scatter</c>.</summary>
        public Tensor scatter(long dim, Tensor index, Scalar value, string? reduce = null) => ScatterRecorded(dim, index, value, reduce, "aten::scatter");

        // scatter with a reduce has no derivative in PyTorch: its node fails on backward, naming the form that was called
        private Tensor ScatterRecorded(long dim, Tensor index, Tensor src, string? reduce, string atenOp)
        {
            Tensor r;
            using (torch.no_grad()) r = clone().scatter_(dim, index, src, reduce);
            if (reduce is not null) return Autograd.Differentiation.NotDifferentiable(r, atenOp, this, src);
            return GatherScatter.ScatterDerivative.Record(r, [this, src], (dim, index));
        }

        private Tensor ScatterRecorded(long dim, Tensor index, Scalar value, string? reduce, string atenOp)
        {
            Tensor r;
            using (torch.no_grad()) r = clone().scatter_(dim, index, value, reduce);
            if (reduce is not null) return Autograd.Differentiation.NotDifferentiable(r, atenOp, this);
            return GatherScatter.ScatterValueDerivative.Record(r, [this], (dim, index));
        }

        /// <summary>self[i][index[i][j][k]][k] += src[i][j][k] for dim 1 (duplicates accumulate).</summary>
        public Tensor scatter_add_(long dim, Tensor index, Tensor src)
        {
            if (Autograd.Differentiation.NeedsInPlace(this, src))
                return Autograd.Differentiation.InPlace(this, old => old.scatter_add(dim, index, src));
            if (index.dtype != DType.Int64) throw new ArgumentException("scatter(): Expected dtype int64 for index");
            if (src.dtype != dtype) throw new ArgumentException("scatter(): Expected self.dtype to be equal to src.dtype");
            return GatherScatter.Scatter(this, dim, index, src, ScatterReduce.Add);
        }

        /// <summary>A copy with <paramref name="src"/> added at <paramref name="index"/> along <paramref name="dim"/>, as <c>tensor.scatter_add</c>.</summary>
        public Tensor scatter_add(long dim, Tensor index, Tensor src)
        {
            Tensor r;
            using (torch.no_grad()) r = clone().scatter_add_(dim, index, src);
            return GatherScatter.ScatterAddDerivative.Record(r, [this, src], (dim, index));
        }

        /// <summary>
        /// Reduces src into self at index along dim with "sum", "prod", "mean", "amax" or "amin"; without
        /// include_self the targeted elements of self take no part.
        /// </summary>
        public Tensor scatter_reduce_(long dim, Tensor index, Tensor src, string reduce, bool include_self = true)
        {
            if (Autograd.Differentiation.NeedsInPlace(this, src))
                return Autograd.Differentiation.InPlace(this, old => old.scatter_reduce(dim, index, src, reduce, include_self));
            if (index.dtype != DType.Int64) throw new ArgumentException("scatter_reduce(): Expected dtype int64 for index");
            if (src.dtype != dtype) throw new ArgumentException("scatter_reduce(): Expected self.dtype to be equal to src.dtype");
            var mode = reduce switch
            {
                "sum" or "mean" => ScatterReduce.Add,
                "prod" => ScatterReduce.Multiply,
                "amax" => ScatterReduce.Max,
                "amin" => ScatterReduce.Min,
                _ => throw new ArgumentException("reduce argument must be either sum, prod, mean, amax or amin."),
            };
            if (reduce == "mean" && dtype.IsBool)
                throw new NotSupportedException("\"scatter_gather_tensor_cpu_reduce_mean\" not implemented for 'Bool'");
            int d = Shape.WrapDim(dim, ndim);
            GatherScatter.CheckShapes(this, index, src, d, "scatter");
            // one in-place op: the version goes up once (PyTorch's), whatever steps it takes
            if (!include_self)
                GatherScatter.Scatter(this, d, index, GatherScatter.Identity(mode, dtype, device), ScatterReduce.None, valueForm: true, bump: false);
            GatherScatter.Scatter(this, d, index, src, mode, bump: reduce != "mean");
            if (reduce == "mean")
            {
                var counts = torch.full(_shape, include_self ? 1 : 0, DType.Int64, device);
                counts.scatter_add_(d, index, torch.ones(index._shape, DType.Int64, device));
                counts.masked_fill_(counts == 0, 1);
                var q = dtype.is_floating_point ? torch.div(this, counts) : torch.div(this, counts, rounding_mode: "floor");
                Backend.Copy(this, q);
                BumpVersion();
            }
            return this;
        }

        /// <summary>A copy with <paramref name="src"/> reduced into it at <paramref name="index"/>, as <c>tensor.scatter_reduce</c>.</summary>
        public Tensor scatter_reduce(long dim, Tensor index, Tensor src, string reduce, bool include_self = true)
        {
            if (!Autograd.Recording.Needs(this, src)) return clone().scatter_reduce_(dim, index, src, reduce, include_self);
            Tensor y;
            using (torch.no_grad()) y = clone().scatter_reduce_(dim, index, src, reduce, include_self);
            // the formula reads the result: it is part of what the node keeps
            return y.dtype.is_floating_point ? GatherScatter.ScatterReduceDerivative.Record(y, [this, src], (this, dim, index, src, reduce, include_self, y)) : y;
        }

        /// <summary>The elements at <paramref name="indices"/> along <paramref name="dim"/> (of the flattened tensor when null), as <c>tensor.take_along_dim</c>.</summary>
        public Tensor take_along_dim(Tensor indices, long? dim = null) => torch.take_along_dim(this, indices, dim);
    }
}

namespace Flint.Ops
{
    internal static class GatherScatter
    {
        /// <summary>The scatter family's out=: of the input's dtype exactly, and refused when an input requires grad.</summary>
        internal static Tensor ScatterOut(Tensor? @out, string op, Tensor[] inputs, Func<Tensor> run)
        {
            if (@out is null) return run();
            if (@out.dtype != inputs[0].dtype)
                throw new ArgumentException($"Expected out tensor to have dtype {inputs[0].dtype.CppName}, but got {@out.dtype.CppName} instead");
            Autograd.Differentiation.CheckOut(@out, op, inputs);
            return AdvancedIndexing.CopyOut(run(), @out);
        }

        /// <summary>The gradient goes back to the gathered positions of a zero input (duplicates add).</summary>
        internal static readonly NodeDerivative<(long[] inShape, int dim, Tensor index)> GatherDerivative = new("GatherBackward0", null,
            (g, s) => torch.zeros(s.inShape, dtype: g.dtype, device: g.device).scatter_add(s.dim, s.index, g));

        /// <summary>self's gradient is zero where src was written; src's is the gradient gathered there.</summary>
        internal static readonly NodeDerivative<(long dim, Tensor index)> ScatterDerivative = new("ScatterBackward0", null,
            (g, s) => g.scatter(s.dim, s.index, 0),
            (g, s) => g.gather(s.dim, s.index));

        internal static readonly NodeDerivative<(long dim, Tensor index)> ScatterValueDerivative = new("ScatterBackward1", null,
            (g, s) => g.scatter(s.dim, s.index, 0));

        internal static readonly NodeDerivative<(long dim, Tensor index)> ScatterAddDerivative = new("ScatterAddBackward0", null,
            (g, _) => g,
            (g, s) => g.gather(s.dim, s.index));

        internal static readonly NodeDerivative<(Tensor self, long dim, Tensor index, Tensor src, string reduce, bool includeSelf, Tensor result)> ScatterReduceDerivative =
            NodeDerivative<(Tensor self, long dim, Tensor index, Tensor src, string reduce, bool includeSelf, Tensor result)>.Joint("ScatterReduceBackward0",
                (g, s) => ScatterReduceBackward(g, s.self, s.dim, s.index, s.src, s.reduce, s.includeSelf, s.result));

        /// <summary>
        /// scatter_reduce's gradients. sum: self passes g (where it took part), src gathers g. mean: both share g
        /// divided by the number of contributions. amax/amin: g goes evenly to the contributions equal to the result.
        /// prod: each contribution gets g times the product of the others at its target.
        /// </summary>
        internal static Tensor?[] ScatterReduceBackward(Tensor g, Tensor self, long dim, Tensor index, Tensor src, string reduce, bool includeSelf, Tensor result)
        {
            int d = Shape.WrapDim(dim, self.ndim);
            // positions of self that received at least one src element
            var hit = torch.zeros(self._shape, DType.Bool, self.device).scatter(d, index, true);
            var selfIn = includeSelf ? torch.ones(self._shape, DType.Bool, self.device) : hit.logical_not();
            Tensor gs, gsrc;
            switch (reduce)
            {
                case "sum":
                    gs = g * selfIn.to(g.dtype);
                    gsrc = g.gather(d, index);
                    break;
                case "mean":
                    {
                        var n = selfIn.to(g.dtype).scatter_add(d, index, torch.ones(index._shape, g.dtype, g.device)).clamp(min: 1);
                        var share = g / n;
                        gs = share * selfIn.to(g.dtype);
                        gsrc = share.gather(d, index);
                        break;
                    }
                case "amax":
                case "amin":
                    {
                        var selfIs = torch.logical_and(self.eq(result), selfIn).to(g.dtype);
                        var srcIs = src.eq(result.gather(d, index)).to(g.dtype);
                        var n = selfIs.scatter_add(d, index, srcIs);
                        var share = g / n.clamp(min: 1);
                        gs = share * selfIs;
                        gsrc = share.gather(d, index) * srcIs;
                        break;
                    }
                case "prod":
                    {
                        // self: the product of the others at its target (a zero self is taken as one, so the product
                        // of the others survives); untouched positions pass g
                        if (includeSelf)
                        {
                            var ones = self.masked_fill(self.eq(0), 1);
                            gs = g * ones.scatter_reduce(d, index, src, "prod", true) / ones;
                        }
                        else gs = g * selfIn.to(g.dtype);
                        // src: result / src where src is not zero; the lone zero of a target gets the product of the
                        // others; a target with several zeros gives zero to all of them
                        var zero = src.eq(0);
                        var zeros = torch.zeros(self._shape, g.dtype, g.device).scatter_add(d, index, zero.to(g.dtype)).gather(d, index);
                        var lone = torch.logical_and(zero, zeros.eq(1));
                        var others = self.scatter_reduce(d, index, src.masked_fill(lone, 1), "prod", includeSelf);
                        gsrc = torch.where(lone, (g * others).gather(d, index), (g * result).gather(d, index) / src.masked_fill(zero, 1));
                        break;
                    }
                default:
                    throw Autograd.Differentiation.NotImplemented("scatter_reduce with reduce='" + reduce + "'");
            }
            return [self.requires_grad ? gs : null, src.requires_grad ? gsrc : null];
        }

        internal static ScatterReduce ParseReduce(string? reduce) => reduce switch
        {
            null => ScatterReduce.None,
            "add" => ScatterReduce.Add,
            "multiply" => ScatterReduce.Multiply,
            _ => throw new ArgumentException("reduce argument must be either add or multiply."),
        };

        /// <summary>The value a reduction starts from: 0, 1, the dtype's lowest (amax) or highest (amin) value.</summary>
        internal static Tensor Identity(ScatterReduce mode, DType dtype, Device device)
        {
            if (mode == ScatterReduce.Add) return Scalars.Full(0, dtype, device);
            if (mode == ScatterReduce.Multiply) return Scalars.Full(1, dtype, device);
            bool max = mode == ScatterReduce.Max;
            Scalar v = dtype.scalar_type switch
            {
                ScalarType.Bool => !max,
                ScalarType.UInt8 => max ? 0 : 255,
                ScalarType.Int8 => max ? -128 : 127,
                ScalarType.Int16 => max ? -32768 : 32767,
                ScalarType.Int32 => max ? int.MinValue : int.MaxValue,
                ScalarType.Int64 => max ? long.MinValue : long.MaxValue,
                _ => max ? double.NegativeInfinity : double.PositiveInfinity,
            };
            return Scalars.Full(v, dtype, device);
        }

        /// <summary>PyTorch's gather/scatter shape rules: same ndim, index no larger than self (except along dim) and than src.</summary>
        internal static void CheckShapes(Tensor self, Tensor index, Tensor? src, int dim, string op)
        {
            int n = Math.Max(self.ndim, 1), ni = Math.Max(index.ndim, 1);
            if (index.numel() == 0) return;
            if (ni != n)
                throw new ArgumentException($"Index tensor must have the same number of dimensions as {(op == "gather" ? "input" : "self")} tensor");
            if (src is not null && Math.Max(src.ndim, 1) != n)
                throw new ArgumentException("Index tensor must have the same number of dimensions as src tensor");
            long Sz(Tensor t, int d) => t.ndim == 0 ? 1 : t._shape[d];
            bool bad = false, badSrc = false;
            for (int d = 0; d < n; d++)
            {
                if (d != dim && Sz(index, d) > Sz(self, d)) bad = true;
                if (src is not null && Sz(index, d) > Sz(src, d)) badSrc = true;
            }
            if (op == "gather" && bad)
            {
                int d = Enumerable.Range(0, n).First(i => i != dim && Sz(index, i) > Sz(self, i));
                throw new ArgumentException($"Size does not match at dimension {d} expected index {Shape.Str(index._shape)} to be smaller than self {Shape.Str(self._shape)} apart from dimension {dim}");
            }
            if (bad || badSrc)
                throw new ArgumentException($"Expected index {Shape.Str(index._shape)} to be smaller than self {Shape.Str(self._shape)} apart from dimension {dim}" +
                    (src is not null ? $" and to be smaller size than src {Shape.Str(src._shape)}" : ""));
        }

        /// <summary>Checks the values of a gather/scatter index against self's size along dim (no negative indices).</summary>
        internal static Tensor NormalizeAlong(Tensor index, Tensor self, int dim)
        {
            long size = self.ndim == 0 ? 1 : self._shape[dim];
            return AdvancedIndexing.Normalize(index, size, dim, runtimeError: true, wrap: false);
        }

        /// <remarks><paramref name="bump"/> false: a step of a larger in-place op that bumps the version once itself.</remarks>
        internal static Tensor Scatter(Tensor self, long dim, Tensor index, Tensor src, ScatterReduce reduce, bool valueForm = false, bool bump = true)
        {
            int d = Shape.WrapDim(dim, self.ndim);
            CheckShapes(self, index, valueForm ? null : src, d, "scatter");
            Autograd.AutogradHooks.CheckInPlace(self);
            if (index.numel() == 0) return self;
            var s = self.ndim == 0 ? AdvancedIndexing.OneDim(self) : self;
            var idx = NormalizeAlong(index, s, d);
            if (idx.ndim == 0) idx = AdvancedIndexing.OneDim(idx);
            var shape = idx._shape;
            var srcT = src.ndim == 0 && !valueForm ? AdvancedIndexing.OneDim(src) : src;
            if (ReferenceEquals(srcT._storage, self._storage)) srcT = srcT.clone();
            // src seen at index's shape (its leading part), or the expanded value
            var srcR = valueForm ? srcT.expand(shape) : srcT.View(shape, srcT._strides, srcT._offset);
            self.Backend.IndexScatter(IndexOps.AlongDim(s, shape, d), srcR, [idx], [s._strides[d]], reduce);
            if (bump) self.BumpVersion();
            return self;
        }
    }
}
