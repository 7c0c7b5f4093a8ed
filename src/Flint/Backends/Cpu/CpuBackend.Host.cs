namespace Flint.Backends.Cpu;

// Host memory: storage over managed arrays, the per-thread operands and scratch the op layer asks for, and
// the door (IHostStorage) through which the array bridge and the file formats reach managed arrays.
internal sealed partial class CpuBackend : IHostStorage
{
    public Storage Wrap(DType dtype, Array data, bool borrowed) => new CpuStorage(dtype, data) { Borrowed = borrowed };

    public Storage One(DType dtype, Scalar s) => new CpuStorage(dtype, dtype.scalar_type switch
    {
        ScalarType.Float32 => new[] { Convert.FromScalar<float>(s) },
        ScalarType.Float64 => new[] { Convert.FromScalar<double>(s) },
        ScalarType.Int64 => new[] { Convert.FromScalar<long>(s) },
        ScalarType.Int32 => new[] { Convert.FromScalar<int>(s) },
        ScalarType.Int16 => new[] { Convert.FromScalar<short>(s) },
        ScalarType.Int8 => new[] { Convert.FromScalar<sbyte>(s) },
        ScalarType.UInt8 => new[] { Convert.FromScalar<byte>(s) },
        ScalarType.Float16 => new[] { Convert.FromScalar<Half>(s) },
        ScalarType.BFloat16 => new[] { Convert.FromScalar<BFloat16>(s) },
        ScalarType.Bool => (Array)new[] { s.AsBool },
        _ => throw new NotSupportedException(dtype.ToString()),
    });

    // per-thread one-element operands: a kernel reads them before it returns and nothing keeps them
    [ThreadStatic] private static CpuStorage? numberF32, numberF64;

    public Storage NumberOperand(Scalar value, DType dtype)
    {
        switch (dtype.scalar_type)
        {
            case ScalarType.Float32:
                {
                    var st = numberF32 ??= CpuStorage.Allocate(DType.Float32, 1);
                    ((float[])st.Data)[0] = Convert.FromScalar<float>(value);
                    return st;
                }
            case ScalarType.Float64:
                {
                    var st = numberF64 ??= CpuStorage.Allocate(DType.Float64, 1);
                    ((double[])st.Data)[0] = Convert.FromScalar<double>(value);
                    return st;
                }
            default: return One(dtype, value);
        }
    }

    [ThreadStatic] private static CpuStorage? scratchF32, scratchF64;

    /// <summary>The most elements the per-thread scratch keeps (larger requests get new storage).</summary>
    private const long ScratchLimit = 1 << 20;

    public Storage Scratch(DType dtype, long count)
    {
        if (count <= ScratchLimit)
        {
            if (dtype == DType.Float32) return Keep(ref scratchF32, dtype, count);
            if (dtype == DType.Float64) return Keep(ref scratchF64, dtype, count);
        }
        return CpuStorage.Allocate(dtype, count, zeroed: false);
    }

    private static CpuStorage Keep(ref CpuStorage? slot, DType dtype, long count)
    {
        if (slot is null || slot.Count < count) slot = CpuStorage.Allocate(dtype, Math.Max(count, 256), zeroed: false);
        return slot;
    }
}
