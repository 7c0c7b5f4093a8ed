using Flint.Ops.Kernels;

namespace Flint.Backends.Meta;

/// <summary>
/// The meta device's backend: storage without memory and kernels that compute nothing. The op layer has already
/// checked shapes, dtypes and devices and made the outputs, so a meta tensor comes out with the shape, strides and
/// dtype the same op gives on the CPU. Kernels whose output size depends on the values (nonzero, unique) refuse,
/// as PyTorch's meta device has no kernel for them.
/// </summary>
internal sealed partial class MetaBackend : IBackend
{
    public static readonly MetaBackend Instance = new();
    public Device Device => Flint.Device.Meta;
    public Storage Allocate(DType dtype, long count, bool zeroed) => new MetaStorage(dtype, count);

    public void Copy(TensorLayout dst, TensorLayout src)
    {
        // into meta from anywhere is fine (nothing to write); out of meta has no data to read
        if (dst.Storage is not MetaStorage) throw MetaStorage.NoData();
    }

    public void Fill(TensorLayout dst, Scalar value) { }
    public void FloatUnary<TOp>(in TensorLayout x, in TensorLayout y) where TOp : IFloatUnaryKernel { }
    public void NumericUnary<TOp>(in TensorLayout x, in TensorLayout y) where TOp : INumericUnaryKernel { }
    public void NumericBinary<TOp>(in TensorLayout a, in TensorLayout b, in TensorLayout y) where TOp : INumericBinaryKernel { }
    public void FloatBinary<TOp>(in TensorLayout a, in TensorLayout b, in TensorLayout y) where TOp : IFloatBinaryKernel { }
    public void IntegerBinary<TOp>(TensorLayout a, TensorLayout b, TensorLayout y) where TOp : IIntegerBinaryKernel { }
    public void Compare<TOp>(TensorLayout a, TensorLayout b, TensorLayout y) where TOp : ICompareKernel { }
    public void FloatPredicate<TOp>(TensorLayout x, TensorLayout y) where TOp : IFloatPredicateKernel { }
    public void FloatTernary<TOp>(TensorLayout a, TensorLayout b, TensorLayout c, TensorLayout y) where TOp : IFloatTernaryKernel { }
    public void Where(TensorLayout cond, TensorLayout a, TensorLayout b, TensorLayout y) { }
    public void FloatUnaryArgs<TOp>(TensorLayout x, TensorLayout y, double a, double b, double c) where TOp : IFloatUnaryArgsKernel { }
    public void NumericUnaryArgs<TOp>(TensorLayout x, TensorLayout y, double a, double b, double c) where TOp : INumericUnaryArgsKernel { }
}
