namespace Flint.Backends.Cpu;

// Host memory: storage over managed arrays, the per-thread operands and scratch the op layer asks for, and
// the door (IHostStorage) through which the array bridge and the file formats reach managed arrays.
internal sealed partial class CpuBackend : IHostStorage
{
    public Storage Wrap(DType dtype, Array data, bool borrowed) => new CpuStorage(dtype, data) { Borrowed = borrowed };

    public Storage One(DType dtype, Scalar s) => new CpuStorage(dtype, DTypeDispatch.All(dtype, new OneV(s)).Array!);

    /// <summary>A one-element array holding a scalar converted to the element type.</summary>
    private struct OneV(Scalar s) : IAnyTypeVisitor
    {
        public Array? Array;
        public void Visit<T>() where T : unmanaged => Array = new[] { Convert.FromScalar<T>(s) };
    }

    // per-thread one-element operands: a kernel reads them before it returns and nothing keeps them
    [ThreadStatic] private static CpuStorage? numberF32, numberF64;

    public Storage NumberOperand(Scalar value, DType dtype)
    {
        if (dtype == DType.Float32) return Set(numberF32 ??= CpuStorage.Allocate(DType.Float32, 1), value);
        if (dtype == DType.Float64) return Set(numberF64 ??= CpuStorage.Allocate(DType.Float64, 1), value);
        return One(dtype, value);
    }

    private static CpuStorage Set(CpuStorage st, Scalar value)
    {
        if (st.Data is float[] f) f[0] = Convert.FromScalar<float>(value);
        else ((double[])st.Data)[0] = Convert.FromScalar<double>(value);
        return st;
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
