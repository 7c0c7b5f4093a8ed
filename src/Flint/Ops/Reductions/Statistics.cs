using System.Numerics;
using Flint.Autograd;
using static Flint.Ops.ReductionBackward;

namespace Flint.Ops.Kernels
{
    /// <summary>Variance with <c>arg</c> as the correction (Bessel's for 1): two passes in double.</summary>
    [ReductionOp("var", ReductionRule.Variance, ReductionForms.DimsDefault | ReductionForms.Dim | ReductionForms.Correction | ReductionForms.Out
        | ReductionForms.Method, Error = "std and var",
        Summary = "The variance over dim (null: every element) with Bessel's correction unless unbiased is false or correction says otherwise.")]
    internal struct VarOp : IReduction
    {
        public static string Name => "var";
        public static Backends.KernelId Kernel => Backends.KernelId.Var;
        public static ReduceDerivative Derivative { get; } =
            Formula("VarBackward0", (g, x, dims, keepdim, y, arg) => Gradient(false, g, x, dims, keepdim, y, arg), Saves.InputAndOutput);
        internal static double Var<T>(ReadOnlySpan<T> v, double correction) where T : INumber<T>
        {
            int n = v.Length;
            double mean = Reduction.PairwiseSum(v) / n;
            double m2 = 0;
            foreach (var e in v) { double d = double.CreateTruncating(e) - mean; m2 += d * d; }
            return m2 / Math.Max(0, n - correction);
        }
        public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T> => T.CreateTruncating(Var<T>(v, arg));

        /// <summary>The gradient of var (or std) over dims with correction <paramref name="correction"/>.</summary>
        internal static Tensor Gradient(bool std, Tensor g, Tensor x, int[] dims, bool keepdim, Tensor y, double correction)
        {
            double denom = Math.Max(Count(x, dims) - correction, 0);
            var gk = Unreduce(g, x, dims, keepdim);
            var d = (x - x.mean(L(dims), keepdim: true)) * (2.0 / denom);
            return std ? gk * d / (Unreduce(y, x, dims, keepdim) * 2) : gk * d;
        }

        /// <summary>std_mean/var_mean as one node with two outputs (either gradient may be absent).</summary>
        internal static Tensor[] RecordWithMean(bool std, Tensor x, int[] dims, bool keepdim, double correction, Tensor s, Tensor m) =>
            (std ? StdMean : VarMean).RecordMulti([s, m], [x], new(std, x, dims, keepdim, correction, s, Count(x, dims), x._shape));

        /// <summary>What std_mean/var_mean's node keeps: the forward's arguments, its std (or var) output, the count and shape of x then.</summary>
        internal readonly record struct WithMean(bool Std, Tensor X, int[] Dims, bool Keepdim, double Correction, Tensor S, long N, long[] XShape);

        /// <summary>The spread's gradient plus the mean's (the mean's gradient spread evenly over the reduced elements).</summary>
        internal static readonly NodeDerivative<WithMean> StdMean = NodeDerivative<WithMean>.Multi("StdMeanBackward0", static (gs, w) =>
        {
            Tensor? r = null;
            if (gs[0] is { } gsd) r = Gradient(w.Std, gsd, w.X, w.Dims, w.Keepdim, w.S, w.Correction);
            if (gs[1] is { } gm)
            {
                var gmean = (Unreduce(gm, w.X, w.Dims, w.Keepdim) / w.N).expand(w.XShape);
                r = r is null ? gmean : r + gmean;
            }
            return [r];
        }, static w => [w.X, w.S]);
        internal static readonly NodeDerivative<WithMean> VarMean = StdMean.Named("VarMeanBackward0");
    }

    [ReductionOp("std", ReductionRule.Variance, ReductionForms.DimsDefault | ReductionForms.Dim | ReductionForms.Correction | ReductionForms.Out
        | ReductionForms.Method, Error = "std and var",
        Summary = "The standard deviation over dim (null: every element), with the correction of var.")]
    internal struct StdOp : IReduction
    {
        public static string Name => "std";
        public static Backends.KernelId Kernel => Backends.KernelId.Std;
        public static ReduceDerivative Derivative { get; } =
            Formula("StdBackward0", (g, x, dims, keepdim, y, arg) => VarOp.Gradient(true, g, x, dims, keepdim, y, arg), Saves.InputAndOutput);
        public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T> => T.CreateTruncating(Math.Sqrt(VarOp.Var<T>(v, arg)));
    }

    /// <summary>The vector p-norm with <c>arg</c> as p (0, ±inf and any real).</summary>
    internal struct NormOp : IReduction
    {
        public static string Name => "norm";
        public static ReduceDerivative Derivative { get; } = Formula("NormBackward1", (g, x, dims, keepdim, y, p) =>
        {
            var gk = Unreduce(g, x, dims, keepdim); var yk = Unreduce(y, x, dims, keepdim);
            if (p == 0) return torch.zeros_like(x);
            if (p == 1) return gk * x.sign();
            if (p == 2) return torch.where(yk.eq(0), torch.zeros_like(x), gk * x / yk);
            if (double.IsInfinity(p))
            {
                var mask = x.abs().eq(yk).to(x.dtype);
                return gk * x.sign() * mask / mask.sum(L(dims), keepdim: true);
            }
            return torch.where(yk.eq(0), torch.zeros_like(x), gk * x * x.abs().pow(p - 2) / yk.pow(p - 1));
        }, Saves.InputAndOutput);
        public static T Reduce<T>(Span<T> v, double p) where T : unmanaged, INumber<T>
        {
            double r;
            if (p == 0) { r = 0; foreach (var e in v) if (e != T.Zero) r++; }
            else if (double.IsPositiveInfinity(p) || double.IsNegativeInfinity(p))
            {
                bool max = p > 0;
                r = max ? 0 : double.PositiveInfinity;
                foreach (var e in v)
                {
                    double a = Math.Abs(double.CreateTruncating(e));
                    if (double.IsNaN(a)) { r = a; break; }
                    if (max ? a > r : a < r) r = a;
                }
            }
            else if (p == 1) { r = 0; foreach (var e in v) r += Math.Abs(double.CreateTruncating(e)); }
            else if (p == 2) { r = 0; foreach (var e in v) { double a = double.CreateTruncating(e); r += a * a; } r = Math.Sqrt(r); }
            else { r = 0; foreach (var e in v) r += Math.Pow(Math.Abs(double.CreateTruncating(e)), p); r = Math.Pow(r, 1 / p); }
            return T.CreateTruncating(r);
        }
    }

    /// <summary>log(sum(exp(x))) computed stably around the (finite) maximum.</summary>
    [ReductionOp("logsumexp", ReductionRule.LogSumExp, ReductionForms.Dims | ReductionForms.Dim | ReductionForms.Out | ReductionForms.Method, StrictDims = true,
        Summary = "log(sum(exp(input))) over dim, computed stably; integer inputs give the default float dtype.")]
    internal struct LogSumExpOp : IReduction
    {
        public static string Name => "logsumexp";
        public static Backends.KernelId Kernel => Backends.KernelId.LogSumExp;
        public static ReduceDerivative Derivative { get; } = Formula("LogsumexpBackward0",
            (g, x, dims, keepdim, y, arg) => Unreduce(g, x, dims, keepdim) * (x - Unreduce(y, x, dims, keepdim)).exp(), Saves.InputAndOutput);
        public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T>
        {
            double m = double.NegativeInfinity;
            foreach (var e in v)
            {
                double d = double.CreateTruncating(e);
                if (double.IsNaN(d)) return T.CreateTruncating(d);
                if (d > m) m = d;
            }
            if (double.IsInfinity(m)) m = 0;
            double s = 0;
            foreach (var e in v) s += Math.Exp(double.CreateTruncating(e) - m);
            return T.CreateTruncating(Math.Log(s) + m);
        }
    }

    /// <summary>The k-th smallest (k = arg, 1-based; NaN counts as largest) of a span: its position.</summary>
    internal struct KthOp : IIndexReduceOp, IIndexDifferentiable
    {
        public static string Name => "kthvalue";
        public static string NodeName => "KthvalueBackward0";
        internal static int[] Order<T>(ReadOnlySpan<T> v) where T : unmanaged, INumber<T>
        {
            var copy = v.ToArray();
            var order = Enumerable.Range(0, v.Length).ToArray();
            order.AsSpan().Sort((a, b) => { int c = Backends.NanOrder.Compare(copy[a], copy[b]); return c != 0 ? c : a.CompareTo(b); });
            return order;
        }
        public static int Select<T>(ReadOnlySpan<T> v, long k) where T : unmanaged, INumber<T> => Order(v)[(int)k - 1];
    }

    /// <summary>The lower median of every element (torch.median(input)); NaN when any element is NaN.</summary>
    internal struct MedianAllOp : IReduction
    {
        public static string Name => "median";
        /// <summary>The gradient is shared evenly by the elements equal to the median.</summary>
        public static ReduceDerivative Derivative { get; } = Formula("MedianBackward0", (g, x, dims, keepdim, y, arg) =>
        {
            var mask = x.eq(y).to(g.dtype);
            return mask * (g / mask.sum());
        });
        public static T Reduce<T>(Span<T> v, double arg) where T : unmanaged, INumber<T> => v[MedianOp.Select<T>(v, 0)];
    }

    /// <summary>The lower median along a dim: its position; NaN when any element is NaN.</summary>
    internal struct MedianOp : IIndexReduceOp, IIndexDifferentiable
    {
        public static string Name => "median";
        public static string NodeName => "MedianBackward1";
        public static int Select<T>(ReadOnlySpan<T> v, long arg) where T : unmanaged, INumber<T>
        {
            for (int i = 0; i < v.Length; i++) if (T.IsNaN(v[i])) return i;
            return KthOp.Order(v)[(v.Length - 1) / 2];
        }
    }

    /// <summary>The most frequent value (the smallest of equally frequent ones), at its last position.</summary>
    internal struct ModeOp : IIndexReduceOp, IIndexDifferentiable
    {
        public static string Name => "mode";
        public static string NodeName => "ModeBackward0";
        public static int Select<T>(ReadOnlySpan<T> v, long arg) where T : unmanaged, INumber<T>
        {
            var order = KthOp.Order(v);
            int best = order[^1], bestCount = 0;
            for (int i = 0; i < order.Length;)
            {
                int j = i;
                while (j + 1 < order.Length && v[order[j + 1]] == v[order[i]]) j++;
                if (j - i + 1 > bestCount) { bestCount = j - i + 1; best = order[j]; }
                i = j + 1;
            }
            return best;
        }
    }
}

namespace Flint.Ops
{
    using Kernels;

    internal static partial class Reductions
    {
        /// <summary>The correction that unbiased or correction (at most one of them) asks for; Bessel's by default.</summary>
        internal static double Correction(bool? unbiased, double? correction)
        {
            if (unbiased is not null && correction is not null)
                throw new ArgumentException("Cannot specify both unbiased and correction");
            return correction ?? (unbiased == false ? 0 : 1);
        }

        /// <summary>var and std: floating inputs only; <paramref name="name"/> is the op as the dtype error names it.</summary>
        internal static Tensor Variance<TOp>(Tensor input, long[]? dim, bool? unbiased, bool keepdim, double? correction, Tensor? @out, string name) where TOp : IReduction
        {
            if (!input.dtype.is_floating_point)
                throw new ArgumentException($"{name} only support floating point and complex dtypes");
            var c = Correction(unbiased, correction);
            Reduction.CheckFloatOut(@out, "std_cpu");
            var dims = Reduction.Dims(input, dim);
            return Reduction.Run<TOp>(input, dims, keepdim, input.dtype, @out, c);
        }

        /// <summary>std_mean/var_mean: both results come from one node (StdMeanBackward0/VarMeanBackward0), as in PyTorch.</summary>
        internal static (Tensor, Tensor) StatMean<TOp>(Tensor input, long[]? dim, bool? unbiased, bool keepdim, double? correction, string name) where TOp : IReduction
        {
            Tensor s, m;
            using (new Autograd.GradModeScope(false))
            {
                s = Variance<TOp>(input, dim, unbiased, keepdim, correction, null, name);
                m = torch.mean(input, dim ?? [], keepdim);
            }
            if (!Autograd.Recording.Needs(input)) return (s, m);
            var dims = Reduction.Dims(input, dim);
            var r = VarOp.RecordWithMean(name == "std_mean", input, dims, keepdim, Correction(unbiased, correction), s, m);
            return (r[0], r[1]);
        }

        /// <summary>logsumexp: float16 refused, integers promote to the default float dtype, out= floating.</summary>
        internal static Tensor LogSumExp<TOp>(Tensor input, long[]? dim, bool keepdim, Tensor? @out, string name) where TOp : IReduction
        {
            if (input.dtype == DType.Float16) throw Reduction.NotImplemented("exp_vml_cpu", input.dtype);
            var result = Elementwise.FloatResult(input.dtype);
            var dims = Reduction.Dims(input, dim);
            if (@out is not null && !@out.dtype.is_floating_point)
                throw new ArgumentException($"{name}(): Expected floating point type for result tensor, but got: {@out.dtype.LegacyName}");
            return Reduction.Run<TOp>(input.to(result), dims, keepdim, result, @out);
        }

        /// <summary>The p-norm (no declaration: p comes before dim, and a string p has its own overload).</summary>
        internal static Tensor Norm(Tensor input, double p, long[]? dim, bool keepdim, DType? dtype, Tensor? @out)
        {
            var x = dtype is null ? input : input.to(dtype);
            if (!x.dtype.is_floating_point)
                throw new ArgumentException($"norm(): input dtype should be either floating point or complex. Got {x.dtype.LegacyName} instead.");
            var dims = Reduction.Dims(x, dim);
            // PyTorch 1.13 routes the 2-norm through frobenius_norm, which casts into any out=; the p-norm kernel does not
            if (p != 2) Reduction.CheckFloatOut(@out, "norm_cpu");
            return Reduction.Run<NormOp>(x, dims, keepdim, x.dtype, @out, p);
        }

        internal static void CheckMedianType(Tensor input, string kernel)
        {
            if (input.dtype.IsBool || input.dtype == DType.Float16) throw Reduction.NotImplemented(kernel, input.dtype);
        }
    }
}

namespace Flint
{
    using Ops;
    using Ops.Kernels;

    public static partial class torch
    {
        /// <summary>The standard deviation and the mean over <paramref name="dim"/> (all when null) in one pass, as <c>torch.std_mean</c>; <paramref name="correction"/> (default 1) is subtracted from the count.</summary>
        public static (Tensor std, Tensor mean) std_mean(Tensor input, long[]? dim = null, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
            Reductions.StatMean<StdOp>(input, dim, unbiased, keepdim, correction, "std_mean");

        /// <summary>The standard deviation and the mean over one dim, as <c>torch.std_mean</c>.</summary>
        public static (Tensor std, Tensor mean) std_mean(Tensor input, long dim, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
            std_mean(input, [dim], unbiased, keepdim, correction);
        /// <summary>The variance and the mean over <paramref name="dim"/> (all when null), as <c>torch.var_mean</c>.</summary>
        public static (Tensor var, Tensor mean) var_mean(Tensor input, long[]? dim = null, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
            Reductions.StatMean<VarOp>(input, dim, unbiased, keepdim, correction, "var_mean");
        /// <summary>The variance and the mean over one dim, as <c>torch.var_mean</c>.</summary>
        public static (Tensor var, Tensor mean) var_mean(Tensor input, long dim, bool? unbiased = null, bool keepdim = false, double? correction = null) =>
            var_mean(input, [dim], unbiased, keepdim, correction);

        /// <summary>The vector p-norm over dim (null: every element): p = 2 by default; 0, 1, ±inf and any real work.</summary>
        public static Tensor norm(Tensor input, double p = 2, long[]? dim = null, bool keepdim = false, DType? dtype = null, Tensor? @out = null) =>
            Reductions.Norm(input, p, dim, keepdim, dtype, @out);
        /// <summary>The <paramref name="p"/>-norm over one dim, as <c>torch.norm(input, p, dim)</c>.</summary>
        public static Tensor norm(Tensor input, double p, long dim, bool keepdim = false, DType? dtype = null, Tensor? @out = null) =>
            Reductions.Norm(input, p, [dim], keepdim, dtype, @out);
        /// <summary>The named norms: "fro" (the 2-norm of the elements). "nuc" needs a matrix decomposition and is not supported.</summary>
        public static Tensor norm(Tensor input, string p, long[]? dim = null, bool keepdim = false, DType? dtype = null, Tensor? @out = null) => p switch
        {
            "fro" => Reductions.Norm(input, 2, dim, keepdim, dtype, @out),
            "nuc" => throw new NotSupportedException("Flint does not support the nuclear norm (p='nuc')"),
            _ => throw new ArgumentException($"norm(): unsupported norm type '{p}'"),
        };

        /// <summary>The lower median of all elements (NaN when any is NaN).</summary>
        public static Tensor median(Tensor input)
        {
            Reductions.CheckMedianType(input, "median_cpu");
            if (input.numel() == 0)
            {
                if (!input.dtype.is_floating_point) throw new ArgumentException("median() input tensor cannot be empty");
                return Scalars.Full(double.NaN, input.dtype, input.device);
            }
            return Reduction.Run<MedianAllOp>(input, Reduction.Dims(input, null), false, input.dtype, null);
        }

        /// <summary>The median along <paramref name="dim"/> (the lower of the two middle values) and its position, as <c>torch.median(input, dim)</c>.</summary>
        public static ValuesIndices median(Tensor input, long dim, bool keepdim = false)
        {
            Reductions.CheckMedianType(input, "median_out");
            return Reductions.Picked<MedianOp>("median", input, dim, keepdim);
        }

        /// <summary>The k-th smallest element along dim (k counts from 1).</summary>
        public static ValuesIndices kthvalue(Tensor input, long k, long dim = -1, bool keepdim = false)
        {
            if (input.dtype.IsBool || input.dtype == DType.Float16) throw Reduction.NotImplemented("kthvalue_cpu", input.dtype);
            int d = Reduction.Dim(input, dim);
            long size = input.ndim == 0 ? 1 : input._shape[d];
            if (size == 0) throw new IndexOutOfRangeException($"kthvalue(): Expected reduction dim {d} to have non-zero size.");
            if (k < 1 || k > size) throw new ArgumentException($"kthvalue(): selected number k out of range for dimension {d}");
            return Reduction.RunIndex<KthOp>("kthvalue", input, d, keepdim, k);
        }

        /// <summary>The most frequent value along dim and a position where it occurs.</summary>
        public static ValuesIndices mode(Tensor input, long dim = -1, bool keepdim = false)
        {
            int d = Reduction.Dim(input, dim);
            if (input.numel() == 0 && Shape.Numel(Reduction.OutShape(input, input.ndim == 0 ? [] : [d], false)) > 0)
                throw new IndexOutOfRangeException($"mode(): Expected reduction dim {d} to have non-zero size.");
            return Reduction.RunIndex<ModeOp>("mode", input, d, keepdim);
        }
    }

    public partial class Tensor
    {
        /// <summary>The <paramref name="p"/>-norm over <paramref name="dim"/> (all elements when null), as <c>tensor.norm</c>.</summary>
        public Tensor norm(double p = 2, long[]? dim = null, bool keepdim = false, DType? dtype = null) => torch.norm(this, p, dim, keepdim, dtype);
        /// <summary>The <paramref name="p"/>-norm over one dim, as <c>tensor.norm</c>.</summary>
        public Tensor norm(double p, long dim, bool keepdim = false, DType? dtype = null) => torch.norm(this, p, dim, keepdim, dtype);
        /// <summary>A named norm (<c>"fro"</c>, <c>"nuc"</c>) over <paramref name="dim"/>, as <c>tensor.norm("fro")</c>.</summary>
        public Tensor norm(string p, long[]? dim = null, bool keepdim = false, DType? dtype = null) => torch.norm(this, p, dim, keepdim, dtype);
        /// <summary>The median of all elements (the lower middle value), as <c>tensor.median()</c>.</summary>
        public Tensor median() => torch.median(this);
        /// <summary>The median along <paramref name="dim"/> and its position, as <c>tensor.median(dim)</c>.</summary>
        public ValuesIndices median(long dim, bool keepdim = false) => torch.median(this, dim, keepdim);
        /// <summary>The <paramref name="k"/>-th smallest element along <paramref name="dim"/> and its position, as <c>tensor.kthvalue</c>.</summary>
        public ValuesIndices kthvalue(long k, long dim = -1, bool keepdim = false) => torch.kthvalue(this, k, dim, keepdim);
        /// <summary>The most frequent value along <paramref name="dim"/> and a position of it, as <c>tensor.mode</c>.</summary>
        public ValuesIndices mode(long dim = -1, bool keepdim = false) => torch.mode(this, dim, keepdim);
    }
}
