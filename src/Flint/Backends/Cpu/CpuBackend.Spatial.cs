using System.Numerics;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void Resample(TensorLayout x, TensorLayout y, ResampleTable table)
    {
        if (table.Weights is null) DTypeDispatch.All(x.DType, new GatherV(x, y, table));
        else DTypeDispatch.Floating(x.DType, "resample", new ResampleV(x, y, table));
    }

    public void ResampleBackward(TensorLayout gy, TensorLayout gx, ResampleTable table) =>
        DTypeDispatch.Floating(gx.DType, "resample_backward", new ResampleBackwardV(gy, gx, table));

    private readonly struct GatherV(TensorLayout x, TensorLayout y, ResampleTable table) : IAnyTypeVisitor
    {
        public void Visit<T>() where T : unmanaged =>
            SpatialResample.Gather(Arr<T>(x), x.Offset, Arr<T>(y), y.Offset, SpatialResample.Dims(x, y), table);
    }

    private readonly struct ResampleV(TensorLayout x, TensorLayout y, ResampleTable table) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            SpatialResample.Weighted(Arr<T>(x), x.Offset, Arr<T>(y), y.Offset, SpatialResample.Dims(x, y), table);
    }

    private readonly struct ResampleBackwardV(TensorLayout gy, TensorLayout gx, ResampleTable table) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            SpatialResample.Adjoint(Arr<T>(gy), gy.Offset, Arr<T>(gx), gx.Offset, SpatialResample.Dims(gx, gy), table);
    }
}
