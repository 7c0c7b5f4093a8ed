namespace Flint;

public partial class Tensor
{
    /// <summary>Every element in row-major order, converted to double (int64 beyond 2^53 loses precision).</summary>
    internal double[] ToDoubleArray()
    {
        if (is_meta) throw MetaStorage.NoData();
        var t = Empty(_shape, DType.Float64, Device.CPU);
        CopyBackend(t, this).Copy(t, this);
        return Backends.HostMemory.Array<double>(t._storage);
    }

    /// <summary>Every element in row-major order, converted to long (floats truncated).</summary>
    internal long[] ToLongArray()
    {
        if (is_meta) throw MetaStorage.NoData();
        var t = Empty(_shape, DType.Int64, Device.CPU);
        CopyBackend(t, this).Copy(t, this);
        return Backends.HostMemory.Array<long>(t._storage);
    }
}
