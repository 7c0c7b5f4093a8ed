using System.Numerics;
using Flint.Ops;
using Flint.Ops.Kernels;
using Flint.Autograd;
using static Flint.Ops.ReductionBackward;

namespace Flint.Ops.Kernels
{
    /// <summary>Running sum: floats accumulate in double, integers wrap in their own type.</summary>
    internal struct CumSumOp : IScanOp, IReduceDifferentiable
    {
        /// <summary>The sums from each position to the end along d.</summary>
        internal static Tensor ReverseCumsum(Tensor t, int d) => t.sum(d, keepdim: true) - t.cumsum(d) + t;
        public static string Name => "cumsum";
        public static ReduceDerivative Derivative { get; } = new((x, dims, keepdim, y, arg) =>
        {
            int dim = dims[0];
            return Recording.Record(y, "CumsumBackward0", [x], g => [ReverseCumsum(g, dim).to(x.dtype)]);
        });
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

    internal struct CumProdOp : IScanOp, IReduceDifferentiable
    {
        public static string Name => "cumprod";
        public static ReduceDerivative Derivative { get; } = new((x, dims, keepdim, y, arg) =>
        {
            int dim = dims[0];
            return Recording.Record(y, "CumprodBackward0", [x], g => [CumprodGradient.Of(g, x, dim, y).to(x.dtype)], x, y);
        });
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

namespace Flint
{
    public static partial class torch
    {
        private static Tensor ScanImpl<TOp>(Tensor input, long dim, DType? dtype, Tensor? @out, string kernel) where TOp : IScanOp, IReduceDifferentiable
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

        /// <summary>Running sums along dim (integers and bools give int64 unless dtype says otherwise).</summary>
        public static Tensor cumsum(Tensor input, long dim, DType? dtype = null, Tensor? @out = null) => ScanImpl<CumSumOp>(input, dim, dtype, @out, "cumsum_out_cpu");
        /// <summary>Running products along dim.</summary>
        public static Tensor cumprod(Tensor input, long dim, DType? dtype = null, Tensor? @out = null) => ScanImpl<CumProdOp>(input, dim, dtype, @out, "cumprod_out_cpu");
    }

    public partial class Tensor
    {
        public Tensor cumsum(long dim, DType? dtype = null) => torch.cumsum(this, dim, dtype);
        public Tensor cumprod(long dim, DType? dtype = null) => torch.cumprod(this, dim, dtype);

        /// <summary>In-place running sums; the result is written back in this tensor's dtype.</summary>
        public Tensor cumsum_(long dim, DType? dtype = null) => ScanInPlace(dtype, x => torch.cumsum(x, dim, dtype));
        public Tensor cumprod_(long dim, DType? dtype = null) => ScanInPlace(dtype, x => torch.cumprod(x, dim, dtype));

        /// <remarks>On a tensor in the graph the scan runs out of place on a snapshot and self's history is rebased on its node.</remarks>
        private Tensor ScanInPlace(DType? dtype, Func<Tensor, Tensor> run)
        {
            if (dtype is not null && dtype != this.dtype)
                throw new ArgumentException($"Bad in-place call: input tensor dtype {this.dtype.CppName} and output tensor dtype {dtype.CppName} should match");
            if (Autograd.Differentiation.NeedsInPlace(this)) return Autograd.Differentiation.InPlace(this, run);
            var r = run(this);
            Autograd.AutogradHooks.CheckInPlace(this);
            Backend.Copy(this, r);
            BumpVersion();
            return this;
        }
    }
}
