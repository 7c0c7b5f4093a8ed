namespace Flint.Backends.Meta;

// Padding and interpolation on meta: the op layer has shaped every output; nothing to compute.
internal sealed partial class MetaBackend
{
    public void Resample(TensorLayout x, TensorLayout y, ResampleTable table) { }
    public void ResampleBackward(TensorLayout gy, TensorLayout gx, ResampleTable table) { }
}
