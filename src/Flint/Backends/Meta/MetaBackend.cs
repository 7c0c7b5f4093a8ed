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

    public void Copy(Tensor dst, Tensor src)
    {
        // into meta from anywhere is fine (nothing to write); out of meta has no data to read
        if (dst._storage is not MetaStorage) throw MetaStorage.NoData();
    }

    public void Fill(Tensor dst, Scalar value) { }
    public void FloatUnary<TOp>(Tensor x, Tensor y) where TOp : IFloatUnary { }
    public void NumericUnary<TOp>(Tensor x, Tensor y) where TOp : INumericUnary { }
    public void NumericBinary<TOp>(Tensor a, Tensor b, Tensor y) where TOp : INumericBinary { }
    public void FloatBinary<TOp>(Tensor a, Tensor b, Tensor y) where TOp : IFloatBinary { }
    public void IntegerBinary<TOp>(Tensor a, Tensor b, Tensor y) where TOp : IIntegerBinary { }
    public void Compare<TOp>(Tensor a, Tensor b, Tensor y) where TOp : ICompareOp { }
    public void FloatPredicate<TOp>(Tensor x, Tensor y) where TOp : IFloatPredicate { }
    public void FloatTernary<TOp>(Tensor a, Tensor b, Tensor c, Tensor y) where TOp : IFloatTernary { }
    public void Where(Tensor cond, Tensor a, Tensor b, Tensor y) { }
    public void FloatUnaryArgs<TOp>(Tensor x, Tensor y, double a, double b, double c) where TOp : IFloatUnaryArgs { }
    public void NumericUnaryArgs<TOp>(Tensor x, Tensor y, double a, double b, double c) where TOp : INumericUnaryArgs { }
}
