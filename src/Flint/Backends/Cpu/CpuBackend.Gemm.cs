using System.Numerics;
using Flint.Backends.Cpu.Gemm;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void Gemm(Tensor a, Tensor b, Tensor c, Scalar alpha, Scalar beta)
    {
        switch (c.dtype.scalar_type)
        {
            case ScalarType.Float32: GemmF<float>(a, b, c, (float)alpha.ToDouble(), (float)beta.ToDouble()); break;
            case ScalarType.Float64: GemmF<double>(a, b, c, alpha.ToDouble(), beta.ToDouble()); break;
            case ScalarType.Int64: GemmI<long>(a, b, c, alpha.ToInt64(), beta.ToInt64()); break;
            case ScalarType.Int32: GemmI<int>(a, b, c, (int)alpha.ToInt64(), (int)beta.ToInt64()); break;
            case ScalarType.Int16: GemmI<short>(a, b, c, (short)alpha.ToInt64(), (short)beta.ToInt64()); break;
            case ScalarType.Int8: GemmI<sbyte>(a, b, c, (sbyte)alpha.ToInt64(), (sbyte)beta.ToInt64()); break;
            case ScalarType.UInt8: GemmI<byte>(a, b, c, (byte)alpha.ToInt64(), (byte)beta.ToInt64()); break;
            default: throw Unsupported("gemm", c.dtype);
        }
    }

    private static (int batch, int m, int n, int k) GemmDims(Tensor a, Tensor b, Tensor c)
    {
        if (a.ndim != 3 || b.ndim != 3 || c.ndim != 3 || a._shape[0] != c._shape[0] || b._shape[0] != c._shape[0]
            || a._shape[1] != c._shape[1] || b._shape[2] != c._shape[2] || a._shape[2] != b._shape[1]
            || a.dtype != c.dtype || b.dtype != c.dtype)
            throw new ArgumentException($"gemm: incompatible operands {Shape.Str(a._shape)} {a.dtype}, {Shape.Str(b._shape)} {b.dtype} -> {Shape.Str(c._shape)} {c.dtype}");
        return ((int)c._shape[0], (int)c._shape[1], (int)c._shape[2], checked((int)a._shape[2]));
    }

    private static MatView<T> View<T>(Tensor t) => new(Arr<T>(t), t._offset, t._strides[0], t._strides[1], t._strides[2]);

    private static void GemmF<T>(Tensor a, Tensor b, Tensor c, T alpha, T beta) where T : unmanaged, INumber<T>
    {
        var (batch, m, n, k) = GemmDims(a, b, c);
        GemmDriver.Run(batch, m, n, k, View<T>(a), View<T>(b), View<T>(c), alpha, beta);
    }

    private static void GemmI<T>(Tensor a, Tensor b, Tensor c, T alpha, T beta) where T : unmanaged, IBinaryInteger<T>
    {
        var (batch, m, n, k) = GemmDims(a, b, c);
        IntegerGemm.Run(batch, m, n, k, View<T>(a), View<T>(b), View<T>(c), alpha, beta);
    }

    public void Dot(Tensor a, Tensor b, Tensor y)
    {
        switch (y.dtype.scalar_type)
        {
            case ScalarType.Float32: DotT<float>(a, b, y); break;
            case ScalarType.Float64: DotT<double>(a, b, y); break;
            case ScalarType.Int64: DotT<long>(a, b, y); break;
            case ScalarType.Int32: DotT<int>(a, b, y); break;
            case ScalarType.Int16: DotT<short>(a, b, y); break;
            case ScalarType.Int8: DotT<sbyte>(a, b, y); break;
            case ScalarType.UInt8: DotT<byte>(a, b, y); break;
            default: throw Unsupported("dot", y.dtype);
        }
    }

    private static void DotT<T>(Tensor a, Tensor b, Tensor y) where T : unmanaged, INumber<T>
    {
        int k = checked((int)a._shape[0]);
        var aa = Arr<T>(a); var ba = Arr<T>(b);
        T s = k == 0 ? T.Zero : GemmDriver.Dot(ref At(aa, a._offset), a._strides[0], ref At(ba, b._offset), b._strides[0], k);
        Arr<T>(y)[y._offset] = s;
    }
}
