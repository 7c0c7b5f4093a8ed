using System.Numerics;
using Flint.Backends.Cpu.Gemm;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void Gemm(TensorLayout a, TensorLayout b, TensorLayout c, Scalar alpha, Scalar beta)
    {
        // integer products run their own exact kernel; the floating types share the blocked one
        if (c.DType.IsIntegral) DTypeDispatch.Integral(c.DType, "gemm", new IntegerGemmV(a, b, c, alpha, beta));
        else DTypeDispatch.Floating(c.DType, "gemm", new FloatGemmV(a, b, c, alpha, beta));
    }

    private readonly struct FloatGemmV(TensorLayout a, TensorLayout b, TensorLayout c, Scalar alpha, Scalar beta) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            GemmF(a, b, c, Convert.FromDouble<T>(alpha.ToDouble()), Convert.FromDouble<T>(beta.ToDouble()));
    }

    private readonly struct IntegerGemmV(TensorLayout a, TensorLayout b, TensorLayout c, Scalar alpha, Scalar beta) : IIntegerVisitor
    {
        public void Visit<T>() where T : unmanaged, IBinaryInteger<T> =>
            GemmI(a, b, c, Convert.FromLong<T>(alpha.ToInt64()), Convert.FromLong<T>(beta.ToInt64()));
    }

    private static (int batch, int m, int n, int k) GemmDims(TensorLayout a, TensorLayout b, TensorLayout c)
    {
        if (a.Rank != 3 || b.Rank != 3 || c.Rank != 3 || a.Shape[0] != c.Shape[0] || b.Shape[0] != c.Shape[0]
            || a.Shape[1] != c.Shape[1] || b.Shape[2] != c.Shape[2] || a.Shape[2] != b.Shape[1]
            || a.DType != c.DType || b.DType != c.DType)
            throw new ArgumentException($"gemm: incompatible operands {Shape.Str(a.Shape)} {a.DType}, {Shape.Str(b.Shape)} {b.DType} -> {Shape.Str(c.Shape)} {c.DType}");
        return ((int)c.Shape[0], (int)c.Shape[1], (int)c.Shape[2], checked((int)a.Shape[2]));
    }

    private static MatView<T> View<T>(TensorLayout t) => new(Arr<T>(t), t.Offset, t.Strides[0], t.Strides[1], t.Strides[2]);

    private static void GemmF<T>(TensorLayout a, TensorLayout b, TensorLayout c, T alpha, T beta) where T : unmanaged, INumber<T>
    {
        var (batch, m, n, k) = GemmDims(a, b, c);
        GemmDriver.Run(batch, m, n, k, View<T>(a), View<T>(b), View<T>(c), alpha, beta);
    }

    private static void GemmI<T>(TensorLayout a, TensorLayout b, TensorLayout c, T alpha, T beta) where T : unmanaged, IBinaryInteger<T>
    {
        var (batch, m, n, k) = GemmDims(a, b, c);
        IntegerGemm.Run(batch, m, n, k, View<T>(a), View<T>(b), View<T>(c), alpha, beta);
    }

    public void Dot(TensorLayout a, TensorLayout b, TensorLayout y) => DTypeDispatch.Numeric(y.DType, "dot", new DotV(a, b, y));

    private readonly struct DotV(TensorLayout a, TensorLayout b, TensorLayout y) : INumericVisitor
    {
        public void Visit<T>() where T : unmanaged, INumber<T> => DotT<T>(a, b, y);
    }

    private static void DotT<T>(TensorLayout a, TensorLayout b, TensorLayout y) where T : unmanaged, INumber<T>
    {
        int k = checked((int)a.Shape[0]);
        var aa = Arr<T>(a); var ba = Arr<T>(b);
        T s = k == 0 ? T.Zero : GemmDriver.Dot(ref At(aa, a.Offset), a.Strides[0], ref At(ba, b.Offset), b.Strides[0], k);
        Arr<T>(y)[y.Offset] = s;
    }
}
