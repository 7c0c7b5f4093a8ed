using System.Numerics.Tensors;

namespace Flint;

public static partial class torch
{
    /// <summary>A 1-D tensor over the array's own memory (no copy): writes through either are seen by both.</summary>
    public static Tensor from_numpy<T>(T[] array) where T : unmanaged => from_array(array, [array.LongLength]);

    /// <summary>A tensor over the array's memory viewed with <paramref name="shape"/> (row-major).</summary>
    public static Tensor from_array<T>(T[] array, params long[] shape) where T : unmanaged
    {
        var dt = DType.Of<T>();
        Shape.CheckSizes(shape);
        if (Shape.Numel(shape) != array.LongLength)
            throw new ArgumentException($"shape '{Shape.Str(shape)}' is invalid for input of size {array.LongLength}");
        var st = new CpuStorage(dt, array) { Borrowed = true };
        return new Tensor(st, (long[])shape.Clone(), Shape.ContiguousStrides(shape), 0);
    }

    internal static Tensor from_numpy(Array array)
    {
        var dt = DType.FromClr(array.GetType().GetElementType()!);
        var st = new CpuStorage(dt, array) { Borrowed = true };
        return new Tensor(st, [array.LongLength], [1], 0);
    }

    /// <summary>
    /// A tensor over the memory of a <see cref="System.Numerics.Tensors.Tensor{T}"/> (shared when its data is a
    /// plain array with non-negative strides; copied otherwise).
    /// </summary>
    public static Tensor from_numpy<T>(Tensor<T> array) where T : unmanaged
    {
        var shape = array.Lengths.ToArray().Select(l => (long)l).ToArray();
        var flat = new T[array.FlattenedLength];
        array.FlattenTo(flat);
        return from_array(flat, shape);
    }
}

public partial class Tensor
{
    /// <summary>
    /// A <see cref="System.Numerics.Tensors.Tensor{T}"/> over this tensor's memory (PyTorch's <c>.numpy()</c>):
    /// writes through either are seen by both. T must be the tensor's element type.
    /// </summary>
    public Tensor<T> numpy<T>() where T : unmanaged
    {
        if (requires_grad)
            throw new InvalidOperationException("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
        if (device.type != DeviceType.CPU)
            throw new InvalidOperationException($"can't convert {device.Normalized} device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory first.");
        if (DType.Of<T>() != dtype)
            throw new ArgumentException($"numpy<{typeof(T).Name}>() does not match the tensor's dtype {dtype}; use numpy<{dtype.ClrType.Name}>() or convert with to() first");
        var arr = Cpu.Array<T>();
        var lengths = _shape.Select(d => (nint)d).ToArray();
        var strides = _strides.Select(d => (nint)d).ToArray();
        if (numel() == 0) return System.Numerics.Tensors.Tensor.Create(Array.Empty<T>(), lengths);
        return System.Numerics.Tensors.Tensor.Create(arr, (int)_offset, lengths, strides);
    }

    /// <summary>A copy of the elements in row-major order, as T (converted if the dtype differs).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var dt = DType.Of<T>();
        var t = Empty(_shape, dt);
        t.Backend.Copy(t, device.type == DeviceType.CPU ? this : cpu());
        return t.Cpu.Array<T>();
    }

    /// <summary>The elements as nested arrays (PyTorch's <c>tolist()</c>): T for 0-dim, T[] for 1-D, T[][] for 2-D, ...</summary>
    public object tolist()
    {
        if (dtype.is_floating_point) return Nest(ToArray<double>());
        if (dtype.IsBool) return Nest(ToArray<bool>());
        return Nest(ToArray<long>());
    }

    private object Nest<T>(T[] flat)
    {
        if (ndim == 0) return flat[0]!;
        return NestLevel(flat, 0, 0);
    }

    private object NestLevel<T>(T[] flat, int dim, long start)
    {
        long n = _shape[dim];
        if (dim == ndim - 1) return flat.AsSpan((int)start, (int)n).ToArray();
        long inner = Shape.Numel(_shape.AsSpan(dim + 1));
        var r = new object[n];
        for (long i = 0; i < n; i++) r[i] = NestLevel(flat, dim + 1, start + i * inner);
        return r;
    }
}
