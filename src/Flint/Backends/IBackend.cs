using Flint.Ops.Kernels;

namespace Flint.Backends;

/// <summary>
/// The seam between ops and devices: storage plus kernels, nothing about autograd. Every kernel receives
/// tensors that already have the compute dtype and a common device; shapes are already broadcast-checked.
/// Kernels are generic over an op struct (<see cref="IFloatUnary"/>, <see cref="INumericBinary"/>, ...) so a
/// backend reads the op's identity from its type (a CUDA backend maps <c>TOp.Name</c> to generated code).
/// </summary>
internal partial interface IBackend
{
    Device Device { get; }
    /// <summary>New storage, zero-filled.</summary>
    /// <summary>New storage of <paramref name="count"/> elements; contents undefined unless <paramref name="zeroed"/>.</summary>
    Storage Allocate(DType dtype, long count, bool zeroed);

    /// <summary>dst[i] = (dst.dtype)src[i] for every index of dst; src is broadcast to dst's shape.</summary>
    void Copy(Tensor dst, Tensor src);
    void Fill(Tensor dst, Scalar value);

    /// <summary>Elementwise y = op(x) where x and y share the float dtype (float32 or float64).</summary>
    void FloatUnary<TOp>(Tensor x, Tensor y) where TOp : IFloatUnary;
    /// <summary>Elementwise y = op(x) over any numeric dtype except half types (computed as float32).</summary>
    void NumericUnary<TOp>(Tensor x, Tensor y) where TOp : INumericUnary;
    /// <summary>Elementwise y = op(a, b): a, b broadcast to y's shape, all of one numeric dtype.</summary>
    void NumericBinary<TOp>(Tensor a, Tensor b, Tensor y) where TOp : INumericBinary;
    /// <summary>Elementwise y = op(a, b) over float32/float64.</summary>
    void FloatBinary<TOp>(Tensor a, Tensor b, Tensor y) where TOp : IFloatBinary;
    /// <summary>Elementwise y = op(a, b) over integer dtypes (bitwise ops, shifts).</summary>
    void IntegerBinary<TOp>(Tensor a, Tensor b, Tensor y) where TOp : IIntegerBinary;
    /// <summary>Elementwise bool y = op(a, b), a and b of one numeric dtype.</summary>
    void Compare<TOp>(Tensor a, Tensor b, Tensor y) where TOp : ICompareOp;
    /// <summary>Elementwise bool y = op(x) over a float dtype (isnan, isinf, ...).</summary>
    void FloatPredicate<TOp>(Tensor x, Tensor y) where TOp : IFloatPredicate;
    /// <summary>Elementwise y = op(a, b, c), all of one float dtype (lerp, addcmul, ...).</summary>
    void FloatTernary<TOp>(Tensor a, Tensor b, Tensor c, Tensor y) where TOp : IFloatTernary;
    /// <summary>y = cond ? a : b with cond bool and a, b, y of one dtype.</summary>
    void Where(Tensor cond, Tensor a, Tensor b, Tensor y);

    static IBackend For(Device device) => device.type switch
    {
        DeviceType.CPU => Cpu.CpuBackend.Instance,
        DeviceType.Meta => Meta.MetaBackend.Instance,
        _ => throw Cuda.CudaRuntime.Unavailable(),
    };
}
