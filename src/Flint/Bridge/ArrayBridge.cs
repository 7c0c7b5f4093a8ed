using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Flint;

public static partial class torch
{
    /// <summary>A 1-D tensor over the array's own memory (no copy): writes through either are seen by both.</summary>
    public static Tensor from_numpy<T>(T[] array) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(array);
        return from_array(array, [array.LongLength]);
    }

    /// <summary>A tensor over the array's memory viewed with <paramref name="shape"/> (row-major), no copy.</summary>
    public static Tensor from_array<T>(T[] array, params long[] shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(array);
        ArgumentNullException.ThrowIfNull(shape);
        var dt = DType.Of<T>();
        Shape.CheckSizes(shape);
        if (Shape.Numel(shape) != array.LongLength)
            throw new ArgumentException($"shape '{Shape.Str(shape)}' is invalid for input of size {array.LongLength}");
        var st = Backends.HostMemory.Wrap(dt, array, borrowed: true);
        return new Tensor(st, (long[])shape.Clone(), Shape.ContiguousStrides(shape), 0);
    }

    /// <summary>
    /// A tensor over the memory of a <see cref="System.Numerics.Tensors.Tensor{T}"/>, with its lengths, strides and
    /// start: writes through either are seen by both. System.Numerics.Tensors 10 exposes no public way to reach
    /// a tensor's backing array, so Flint reads its two private fields (the array and the start index) through
    /// <see cref="UnsafeAccessorAttribute"/>; should a later version of that package rename them, this falls back
    /// to copying the elements (contiguous, row-major).
    /// </summary>
    public static Tensor from_numpy<T>(Tensor<T> array) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(array);
        var dt = DType.Of<T>();
        var shape = new long[array.Rank];
        var strides = new long[array.Rank];
        for (int i = 0; i < shape.Length; i++) { shape[i] = array.Lengths[i]; strides[i] = array.Strides[i]; }
        if (array.FlattenedLength == 0) return Tensor.Empty(shape, dt, Device.CPU);
        if (SnTensorAccess<T>.TryGetBacking(array) is var (values, start)
            && strides.All(s => s >= 0) && Shape.LiesInside(shape, strides, start, values.LongLength))
        {
            var st = Backends.HostMemory.Wrap(dt, values, borrowed: true);
            return new Tensor(st, shape, strides, start);
        }
        var flat = new T[array.FlattenedLength];
        array.FlattenTo(flat);
        return from_array(flat, shape);
    }
}

/// <summary>Wrapping a managed array of any storable element type as a 1-D tensor, without copying.</summary>
internal static class ArrayBridge
{
    internal static Tensor Wrap(Array array)
    {
        var dt = DType.FromClr(array.GetType().GetElementType()!);
        var st = Backends.HostMemory.Wrap(dt, array, borrowed: true);
        return new Tensor(st, [array.LongLength], [1], 0);
    }
}

/// <summary>Reads the backing array of a System.Numerics.Tensors tensor; null when the package's layout changed.</summary>
internal static class SnTensorAccess<T>
{
    private static bool unavailable;

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_values")]
    private static extern ref T[] Values(Tensor<T> t);

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_start")]
    private static extern ref int Start(Tensor<T> t);

    internal static (T[] values, int start)? TryGetBacking(Tensor<T> t)
    {
        if (unavailable) return null;
        try
        {
            var v = Values(t);
            int s = Start(t);
            if (v is null || s < 0) return null;
            return (v, s);
        }
        catch (Exception e) when (e is MissingFieldException or MissingMemberException or TypeLoadException or BadImageFormatException)
        {
            unavailable = true;
            return null;
        }
    }
}

public partial class Tensor
{
    /// <summary>
    /// A <see cref="System.Numerics.Tensors.Tensor{T}"/> over this tensor's memory (PyTorch's <c>.numpy()</c>), with
    /// the same strides and offset, so writes through either are seen by both; this works for non-contiguous views
    /// too. T must be the tensor's element type. System.Numerics.Tensors has no 0-dim tensors: a 0-dim tensor
    /// comes back as a 1-element 1-D view. A tensor with no elements comes back as a new empty tensor.
    /// </summary>
    public Tensor<T> numpy<T>() where T : unmanaged
    {
        if (device.type != DeviceType.CPU)
            throw new ArgumentException($"can't convert {device.Normalized} device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host memory first.");
        if (requires_grad && Autograd.GradMode.IsEnabled)
            throw new InvalidOperationException("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
        if (typeof(T) != dtype.ClrType)
            throw new ArgumentException($"numpy<{typeof(T).Name}>() does not match the tensor's dtype {dtype}; use numpy<{dtype.ClrType.Name}>() or convert with to() first");
        var arr = Backends.HostMemory.Array<T>(_storage);
        var lengths = _shape.Select(d => (nint)d).ToArray();
        if (numel() == 0) return System.Numerics.Tensors.Tensor.Create(Array.Empty<T>(), lengths);
        if (ndim == 0) return System.Numerics.Tensors.Tensor.Create(arr, checked((int)_offset), [1], [0]);
        // size-1 dims get stride 0: their stride never moves, and System.Numerics.Tensors 10 rejects some views
        // with a non-zero stride on a length-1 dim (start 1, length 1, stride 1 over 3 elements, say)
        var strides = _strides.Select((s, i) => _shape[i] == 1 ? 0 : (nint)s).ToArray();
        return System.Numerics.Tensors.Tensor.Create(arr, checked((int)_offset), lengths, strides);
    }

    /// <summary>A copy of the elements in row-major order, as T (converted if the dtype differs).</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        var dt = DType.Of<T>();
        var t = Empty(_shape, dt, Device.CPU);
        t.Backend.Copy(t, device.type == DeviceType.CPU ? this : cpu());
        return Backends.HostMemory.Array<T>(t._storage);
    }

    /// <summary>
    /// The elements as nested arrays (PyTorch's <c>tolist()</c>), in PyTorch's Python types: double for floating
    /// dtypes, long for integer dtypes, bool for bool. A 0-dim tensor gives the boxed value, 1-D gives T[], and
    /// each further dim wraps the level below in an object[] (like Python's untyped lists): 2-D gives object[]
    /// of T[], 3-D object[] of object[] of T[].
    /// </summary>
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
