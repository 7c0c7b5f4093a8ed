using Flint.Backends;
using Flint.Ops;

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
            return @out is null ? r : CopyOut(r, @out);
        }

        public static Tensor scatter(Tensor input, long dim, Tensor index, Tensor src, string? reduce = null) => input.scatter(dim, index, src, reduce);
        public static Tensor scatter(Tensor input, long dim, Tensor index, Scalar value, string? reduce = null) => input.scatter(dim, index, value, reduce);
        public static Tensor scatter_add(Tensor input, long dim, Tensor index, Tensor src) => input.scatter_add(dim, index, src);
    }

    public sealed partial class Tensor
    {
        public Tensor gather(long dim, Tensor index, bool sparse_grad = false) => torch.gather(this, dim, index, sparse_grad);

        /// <summary>self[i][index[i][j][k]][k] = src[i][j][k] for dim 1; reduce "add"/"multiply" combines instead of replacing.</summary>
        public Tensor scatter_(long dim, Tensor index, Tensor src, string? reduce = null)
        {
            if (index.dtype != DType.Int64) throw new ArgumentException("scatter(): Expected dtype int64 for index");
            if (src.dtype != dtype) throw new ArgumentException("scatter(): Expected self.dtype to be equal to src.dtype");
            return GatherScatter.Scatter(this, dim, index, src, GatherScatter.ParseReduce(reduce));
        }

        /// <summary>Writes value at every position index points to along dim.</summary>
        public Tensor scatter_(long dim, Tensor index, Scalar value, string? reduce = null)
        {
            if (index.dtype != DType.Int64) throw new ArgumentException("scatter(): Expected dtype int64 for index");
            var r = GatherScatter.ParseReduce(reduce);
            return GatherScatter.Scatter(this, dim, index, Scalars.Full(value, dtype, device), r, valueForm: true);
        }

        public Tensor scatter(long dim, Tensor index, Tensor src, string? reduce = null) => clone().scatter_(dim, index, src, reduce);
        public Tensor scatter(long dim, Tensor index, Scalar value, string? reduce = null) => clone().scatter_(dim, index, value, reduce);

        /// <summary>self[i][index[i][j][k]][k] += src[i][j][k] for dim 1 (duplicates accumulate).</summary>
        public Tensor scatter_add_(long dim, Tensor index, Tensor src)
        {
            if (index.dtype != DType.Int64) throw new ArgumentException("scatter(): Expected dtype int64 for index");
            if (src.dtype != dtype) throw new ArgumentException("scatter(): Expected self.dtype to be equal to src.dtype");
            return GatherScatter.Scatter(this, dim, index, src, IndexReduce.Add);
        }

        public Tensor scatter_add(long dim, Tensor index, Tensor src) => clone().scatter_add_(dim, index, src);
    }
}

namespace Flint.Ops
{
    internal static class GatherScatter
    {
        internal static IndexReduce ParseReduce(string? reduce) => reduce switch
        {
            null => IndexReduce.None,
            "add" => IndexReduce.Add,
            "multiply" => IndexReduce.Multiply,
            _ => throw new ArgumentException("reduce argument must be either add or multiply."),
        };

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

        internal static Tensor Scatter(Tensor self, long dim, Tensor index, Tensor src, IndexReduce reduce, bool valueForm = false)
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
            self.BumpVersion();
            return self;
        }
    }
}
