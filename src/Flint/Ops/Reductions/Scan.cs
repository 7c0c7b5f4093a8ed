using System.Numerics;
using Flint.Autograd;
using static Flint.Ops.ReductionBackward;

namespace Flint.Ops.Kernels
{
    /// <summary>Running sum: floats accumulate in double, integers wrap in their own type.</summary>
    [ReductionOp("cumsum", ReductionRule.Scan, ReductionForms.Along | ReductionForms.DType | ReductionForms.Out | ReductionForms.Method | ReductionForms.InPlace, Error = "cumsum_out_cpu",
        Summary = "Running sums along dim (integers and bools give int64 unless dtype says otherwise).")]
    internal struct CumSumOp : IScan
    {
        /// <summary>The sums from each position to the end along d.</summary>
        internal static Tensor ReverseCumsum(Tensor t, int d) => t.sum(d, keepdim: true) - t.cumsum(d) + t;
        public static string Name => "cumsum";
        public static ReduceDerivative Derivative { get; } =
            Formula("CumsumBackward0", (g, x, dims, keepdim, y, arg) => ReverseCumsum(g, dims[0]).to(x.dtype), Saves.None);
        public static void Scan<T>(Span<T> v) where T : unmanaged, INumber<T>
        {
            if (Num.IsFloat<T>())
            {
                double s = 0;
                for (int i = 0; i < v.Length; i++) { s += double.CreateTruncating(v[i]); v[i] = T.CreateTruncating(s); }
                return;
            }
            T acc = T.Zero;
            for (int i = 0; i < v.Length; i++) { acc += v[i]; v[i] = acc; }
        }
    }

    [ReductionOp("cumprod", ReductionRule.Scan, ReductionForms.Along | ReductionForms.DType | ReductionForms.Out | ReductionForms.Method | ReductionForms.InPlace, Error = "cumprod_out_cpu",
        Summary = "Running products along dim.")]
    internal struct CumProdOp : IScan
    {
        public static string Name => "cumprod";
        public static ReduceDerivative Derivative { get; } =
            Formula("CumprodBackward0", (g, x, dims, keepdim, y, arg) => CumprodGradient.Of(g, x, dims[0], y).to(x.dtype), Saves.InputAndOutput);
        public static void Scan<T>(Span<T> v) where T : unmanaged, INumber<T>
        {
            if (Num.IsFloat<T>())
            {
                double p = 1;
                for (int i = 0; i < v.Length; i++) { p *= double.CreateTruncating(v[i]); v[i] = T.CreateTruncating(p); }
                return;
            }
            T acc = T.One;
            for (int i = 0; i < v.Length; i++) { acc *= v[i]; v[i] = acc; }
        }
    }
}

namespace Flint.Ops
{
    using Kernels;

    internal static partial class Reductions
    {
        /// <summary>cumsum and cumprod: the sum rule's dtypes; <paramref name="kernel"/> names the kernel in dtype errors.</summary>
        internal static Tensor Scan<TOp>(Tensor input, long dim, DType? dtype, Tensor? @out, string kernel) where TOp : IScan
        {
            int d = Reduction.Dim(input, dim);
            if (@out is not null && dtype is null && !@out.dtype.IsBool) dtype = @out.dtype;
            var result = SumResult(input, dtype);
            if (@out is { dtype.IsBool: true }) throw Reduction.NotImplemented(kernel, DType.Bool);
            if (result == DType.Float16) throw Reduction.NotImplemented(kernel, result);
            var c = Elementwise.ComputeType(result);
            var xc = input.to(c);
            var y = Tensor.Empty(input._shape, c, input.device);
            y.Backend.Scan<TOp>(xc, d, y);
            var r = Reduction.Finish(y, y._shape, result, @out);
            return @out is null ? Differentiation.Reduce<TOp>(input, [d], true, r, 0) : r;
        }

        /// <summary>
        /// A scan in place: the result is written back in self's dtype. On a tensor in the graph the scan runs out of
        /// place on a snapshot and self's history is rebased on its node.
        /// </summary>
        internal static Tensor ScanInPlace<TOp>(Tensor self, long dim, DType? dtype, string kernel) where TOp : IScan
        {
            if (dtype is not null && dtype != self.dtype)
                throw new ArgumentException($"Bad in-place call: input tensor dtype {self.dtype.CppName} and output tensor dtype {dtype.CppName} should match");
            if (Differentiation.NeedsInPlace(self)) return Differentiation.InPlace(self, x => Scan<TOp>(x, dim, dtype, null, kernel));
            var r = Scan<TOp>(self, dim, dtype, null, kernel);
            AutogradHooks.CheckInPlace(self);
            self.Backend.Copy(self, r);
            self.BumpVersion();
            return self;
        }
    }
}
