using System.Numerics;
using Flint.Backends.Cpu.Gemm;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void Gemm(TensorLayout a, TensorLayout b, TensorLayout c, Scalar alpha, Scalar beta)
    {
        switch (c.DType.scalar_type)
        {
            case ScalarType.Float32: GemmF<float>(a, b, c, (float)alpha.ToDouble(), (float)beta.ToDouble()); break;
            case ScalarType.Float64: GemmF<double>(a, b, c, alpha.ToDouble(), beta.ToDouble()); break;
            case ScalarType.Int64: GemmI<long>(a, b, c, alpha.ToInt64(), beta.ToInt64()); break;
            case ScalarType.Int32: GemmI<int>(a, b, c, (int)alpha.ToInt64(), (int)beta.ToInt64()); break;
            case ScalarType.Int16: GemmI<short>(a, b, c, (short)alpha.ToInt64(), (short)beta.ToInt64()); break;
            case ScalarType.Int8: GemmI<sbyte>(a, b, c, (sbyte)alpha.ToInt64(), (sbyte)beta.ToInt64()); break;
            case ScalarType.UInt8: GemmI<byte>(a, b, c, (byte)alpha.ToInt64(), (byte)beta.ToInt64()); break;
            default: throw Unsupported("gemm", c.DType);
        }
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

    public void Dot(TensorLayout a, TensorLayout b, TensorLayout y)
    {
        switch (y.DType.scalar_type)
        {
            case ScalarType.Float32: DotT<float>(a, b, y); break;
            case ScalarType.Float64: DotT<double>(a, b, y); break;
            case ScalarType.Int64: DotT<long>(a, b, y); break;
            case ScalarType.Int32: DotT<int>(a, b, y); break;
            case ScalarType.Int16: DotT<short>(a, b, y); break;
            case ScalarType.Int8: DotT<sbyte>(a, b, y); break;
            case ScalarType.UInt8: DotT<byte>(a, b, y); break;
            default: throw Unsupported("dot", y.DType);
        }
    }

    private static void DotT<T>(TensorLayout a, TensorLayout b, TensorLayout y) where T : unmanaged, INumber<T>
    {
        int k = checked((int)a.Shape[0]);
        var aa = Arr<T>(a); var ba = Arr<T>(b);
        T s = k == 0 ? T.Zero : GemmDriver.Dot(ref At(aa, a.Offset), a.Strides[0], ref At(ba, b.Offset), b.Strides[0], k);
        Arr<T>(y)[y.Offset] = s;
    }
}
