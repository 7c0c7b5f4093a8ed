using Flint.Ops.Kernels;

namespace Flint.Backends;

/// <summary>
/// The seam between ops and devices: storage plus kernels, nothing about autograd. A kernel receives storage
/// and layout (<see cref="TensorLayout"/>), never a tensor: operands already have the compute dtype and a common
/// device, and shapes are already broadcast-checked. Kernels are generic over an op struct
/// (<see cref="IFloatUnaryKernel"/>, <see cref="INumericBinaryKernel"/>, ...) whose members state what to compute: the scalar
/// function, and for well-known ops a <see cref="KernelId"/> a backend can map to its own code. A backend
/// registers for its device type with <see cref="BackendRegistry.Register"/>.
/// </summary>
public partial interface IBackend
{
    /// <summary>The device whose storage and kernels this backend provides.</summary>
    Device Device { get; }
    /// <summary>New storage of <paramref name="count"/> elements; contents undefined unless <paramref name="zeroed"/>.</summary>
    Storage Allocate(DType dtype, long count, bool zeroed);

    /// <summary>
    /// A one-element storage holding <paramref name="value"/> as <paramref name="dtype"/>, to be read by one kernel
    /// call on this thread: the backend may hand the same storage out again after that call (nothing may keep it).
    /// </summary>
    Storage NumberOperand(Scalar value, DType dtype);

    /// <summary>
    /// Storage of at least <paramref name="count"/> elements (contents undefined) to be written and read by one
    /// kernel call on this thread, which keeps no reference to it: the backend may hand the same memory out again
    /// after that call.
    /// </summary>
    Storage Scratch(DType dtype, long count);

    /// <summary>dst[i] = (dst.dtype)src[i] for every index of dst; src is broadcast to dst's shape.</summary>
    void Copy(TensorLayout dst, TensorLayout src);
    /// <summary>Writes <paramref name="value"/> into every element of <paramref name="dst"/>.</summary>
    void Fill(TensorLayout dst, Scalar value);

    /// <summary>Elementwise y = op(x) where x and y share the float dtype (float32 or float64).</summary>
    void FloatUnary<TOp>(in TensorLayout x, in TensorLayout y) where TOp : IFloatUnaryKernel;
    /// <summary>Elementwise y = op(x) over any numeric dtype except half types (computed as float32).</summary>
    void NumericUnary<TOp>(in TensorLayout x, in TensorLayout y) where TOp : INumericUnaryKernel;
    /// <summary>Elementwise y = op(a, b): a, b broadcast to y's shape, all of one numeric dtype.</summary>
    void NumericBinary<TOp>(in TensorLayout a, in TensorLayout b, in TensorLayout y) where TOp : INumericBinaryKernel;
    /// <summary>Elementwise y = op(a, b) over float32/float64.</summary>
    void FloatBinary<TOp>(in TensorLayout a, in TensorLayout b, in TensorLayout y) where TOp : IFloatBinaryKernel;
    /// <summary>Elementwise y = op(a, b) over integer dtypes (bitwise ops, shifts).</summary>
    void IntegerBinary<TOp>(TensorLayout a, TensorLayout b, TensorLayout y) where TOp : IIntegerBinaryKernel;
    /// <summary>Elementwise bool y = op(a, b), a and b of one numeric dtype.</summary>
    void Compare<TOp>(TensorLayout a, TensorLayout b, TensorLayout y) where TOp : ICompareKernel;
    /// <summary>Elementwise bool y = op(x) over a float dtype (isnan, isinf, ...).</summary>
    void FloatPredicate<TOp>(TensorLayout x, TensorLayout y) where TOp : IFloatPredicateKernel;
    /// <summary>Elementwise y = op(a, b, c), all of one float dtype (lerp, addcmul, ...).</summary>
    void FloatTernary<TOp>(TensorLayout a, TensorLayout b, TensorLayout c, TensorLayout y) where TOp : IFloatTernaryKernel;
    /// <summary>y = cond ? a : b with cond bool and a, b, y of one dtype.</summary>
    void Where(TensorLayout cond, TensorLayout a, TensorLayout b, TensorLayout y);
}
