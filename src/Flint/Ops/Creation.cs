using System.Runtime.InteropServices;

namespace Flint;

public static partial class torch
{

    // ---------------- from data ----------------

    /// <summary>A tensor holding a copy of a C# array (any rank, or jagged). The dtype is the array's element type.</summary>
    public static Tensor tensor(Array data, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (shape, elemType, flat) = ArrayData.Flatten(data);
        var natural = DType.FromClr(elemType);
        var t = Tensor.Empty(shape, natural, Device.CPU);
        Array.Copy(flat, Backends.HostMemory.Data(t._storage), flat.Length);
        if (dtype is not null && dtype != natural) t = t.to(dtype);
        if (device is not null && device.type != DeviceType.CPU) t = t.to(device);
        return Creation.Finish(t, requires_grad);
    }

    /// <summary>A 0-dim tensor. A C# double is a Python float: it gets the default dtype (float32).</summary>
    public static Tensor tensor(double value, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Creation.ScalarTensor(value, dtype ?? get_default_dtype(), device, requires_grad);
    /// <summary>A 0-dim tensor of a float (the default floating dtype unless <paramref name="dtype"/>), as <c>torch.tensor(3.5)</c>.</summary>
    public static Tensor tensor(float value, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Creation.ScalarTensor(value, dtype ?? float32, device, requires_grad);
    /// <summary>A 0-dim tensor. A C# integer is a Python int: it gets int64.</summary>
    public static Tensor tensor(long value, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Creation.ScalarTensor(value, dtype ?? int64, device, requires_grad);
    /// <summary>A 0-dim int64 tensor of an integer, as <c>torch.tensor(3)</c>.</summary>
    public static Tensor tensor(int value, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Creation.ScalarTensor(value, dtype ?? int64, device, requires_grad);
    /// <summary>A 0-dim bool tensor, as <c>torch.tensor(True)</c>.</summary>
    public static Tensor tensor(bool value, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Creation.ScalarTensor(value, dtype ?? @bool, device, requires_grad);

    /// <summary>Like <see cref="tensor(Array, DType?, Device?, bool)"/>, but shares memory when nothing needs converting.</summary>
    public static Tensor as_tensor(Array data, DType? dtype = null, Device? device = null)
    {
        if (data.Rank == 1 && data.GetType().GetElementType() is { IsPrimitive: true } or { } && Creation.IsStorable(data.GetType().GetElementType()!))
        {
            var t = ArrayBridge.Wrap(data);
            t = dtype is null || dtype == t.dtype ? t : t.to(dtype);
            return device is null ? t : t.to(device);
        }
        return tensor(data, dtype, device);
    }

    // ---------------- constant fills ----------------

    /// <summary>An uninitialized tensor of the default dtype on the CPU, as <c>torch.empty(*size)</c>.</summary>
    public static Tensor empty(params long[] size) => Tensor.Empty(size, get_default_dtype(), Device.CPU);
    /// <summary>An uninitialized tensor, as <c>torch.empty(size, dtype=..., device=...)</c>.</summary>
    public static Tensor empty(long[] size, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var dt = dtype ?? get_default_dtype();
        if (requires_grad && !dt.is_floating_point)
            throw new ArgumentException("Only Tensors of floating point and complex dtype can require gradients");
        return Creation.Finish(Tensor.Empty(size, dt, device ?? Device.CPU), requires_grad);
    }
    /// <summary>
    /// An uninitialized tensor with the given sizes and strides over a storage just large enough for them
    /// (torch.empty_strided); sizes and strides are checked, with PyTorch's messages.
    /// </summary>
    public static Tensor empty_strided(long[] size, long[] stride, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        ArgumentNullException.ThrowIfNull(size);
        ArgumentNullException.ThrowIfNull(stride);
        var dt = dtype ?? get_default_dtype();
        if (requires_grad && !dt.is_floating_point)
            throw new ArgumentException("Only Tensors of floating point and complex dtype can require gradients");
        if (size.Length != stride.Length)
            throw new ArgumentException($"dimensionality of sizes ({size.Length}) must match dimensionality of strides ({stride.Length})");
        Shape.CheckSizes(size);
        long count = Shape.StridedStorageCount(size, stride, 0, dt.itemsize);
        Shape.Numel(size);
        var st = Backends.BackendRegistry.For((device ?? Device.CPU).type).Allocate(dt, count, zeroed: false);
        return Creation.Finish(new Tensor(st, (long[])size.Clone(), (long[])stride.Clone(), 0), requires_grad);
    }
    /// <summary>A tensor of zeros of the default dtype, as <c>torch.zeros(*size)</c>.</summary>
    public static Tensor zeros(params long[] size) => Creation.Filled(size, 0, null, null, false);
    /// <summary>A tensor of zeros, as <c>torch.zeros(size, dtype=..., device=...)</c>.</summary>
    public static Tensor zeros(long[] size, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Creation.Filled(size, 0, dtype, device, requires_grad);
    /// <summary>A tensor of ones of the default dtype, as <c>torch.ones(*size)</c>.</summary>
    public static Tensor ones(params long[] size) => Creation.Filled(size, 1, null, null, false);
    /// <summary>A tensor of ones, as <c>torch.ones(size, dtype=..., device=...)</c>.</summary>
    public static Tensor ones(long[] size, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Creation.Filled(size, 1, dtype, device, requires_grad);

    /// <summary>A tensor filled with <paramref name="fill_value"/>; the dtype follows the value (float32 for doubles, int64 for integers, bool).</summary>
    public static Tensor full(long[] size, Scalar fill_value, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Creation.Filled(size, fill_value, dtype ?? fill_value.DefaultDType, device, requires_grad);

    // *_like: the input's dtype and device unless given, laid out as the input (PyTorch's preserve memory format)
    // unless memory_format names another
    /// <summary>An uninitialized tensor with the shape (and, unless given, dtype and device) of <paramref name="t"/>, as <c>torch.empty_like</c>.</summary>
    public static Tensor empty_like(Tensor t, DType? dtype = null, Device? device = null, bool requires_grad = false, MemoryFormat? memory_format = null) =>
        Creation.FilledLike(t, null, dtype, device, requires_grad, memory_format);
    /// <summary>Zeros with the shape (and, unless given, dtype and device) of <paramref name="t"/>, as <c>torch.zeros_like</c>.</summary>
    public static Tensor zeros_like(Tensor t, DType? dtype = null, Device? device = null, bool requires_grad = false, MemoryFormat? memory_format = null) =>
        Creation.FilledLike(t, 0, dtype, device, requires_grad, memory_format);
    /// <summary>Ones with the shape (and, unless given, dtype and device) of <paramref name="t"/>, as <c>torch.ones_like</c>.</summary>
    public static Tensor ones_like(Tensor t, DType? dtype = null, Device? device = null, bool requires_grad = false, MemoryFormat? memory_format = null) =>
        Creation.FilledLike(t, 1, dtype, device, requires_grad, memory_format);
    /// <summary><paramref name="fill_value"/> with the shape (and, unless given, dtype and device) of <paramref name="t"/>, as <c>torch.full_like</c>.</summary>
    public static Tensor full_like(Tensor t, Scalar fill_value, DType? dtype = null, Device? device = null, bool requires_grad = false, MemoryFormat? memory_format = null) =>
        Creation.FilledLike(t, fill_value, dtype, device, requires_grad, memory_format);

    /// <summary>An n×m matrix with ones on the diagonal.</summary>
    public static Tensor eye(long n, long? m = null, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        long mm = m ?? n;
        if (n < 0) throw new ArgumentException($"n must be greater or equal to 0, got {n}");
        if (mm < 0) throw new ArgumentException($"m must be greater or equal to 0, got {mm}");
        var r = zeros([n, mm], dtype, null);
        long k = Math.Min(n, mm);
        if (k > 0) r.as_strided([k], [mm + 1], 0).fill_(1);
        return Creation.Placed(r, device, requires_grad);
    }
}

/// <summary>What the creation functions share: fills, the 0-dim tensor of a number, requires_grad on the result.</summary>
internal static partial class Creation
{
    internal static Tensor Finish(Tensor t, bool requires_grad)
    {
        if (requires_grad) t.RequireGradFromFactory();
        return t;
    }

    /// <summary>A result made on the CPU, moved to the device asked for, then finished.</summary>
    internal static Tensor Placed(Tensor r, Device? device, bool requires_grad) =>
        Finish(device is not null && device.type != DeviceType.CPU ? r.to(device) : r, requires_grad);

    internal static Tensor Filled(long[] size, Scalar v, DType? dtype, Device? device, bool requires_grad)
    {
        var dt = dtype ?? torch.get_default_dtype();
        Scalars.CheckConvertible(v, dt);
        if (requires_grad && !dt.is_floating_point)
            throw new ArgumentException("Only Tensors of floating point and complex dtype can require gradients");
        bool zero = v.IsFloating ? BitConverter.DoubleToInt64Bits(v.Double) == 0 : v.Long == 0;
        var dev = device ?? Device.CPU;
        var t = zero ? Tensor.Zeros(size, dt, dev) : Tensor.Empty(size, dt, dev);
        if (!zero) Scalars.FillNew(t, v);
        return Finish(t, requires_grad);
    }

    /// <summary>torch.tensor(number): integer dtypes refuse values out of their range, as Python's conversion does.</summary>
    internal static Tensor ScalarTensor(Scalar v, DType dtype, Device? device, bool requires_grad)
    {
        Scalars.CheckPythonConvertible(v, dtype);
        if (requires_grad && !dtype.is_floating_point)
            throw new ArgumentException("Only Tensors of floating point and complex dtype can require gradients");
        var t = Tensor.Empty([], dtype, device ?? Device.CPU);
        t.Backend.Fill(t, v);
        return Finish(t, requires_grad);
    }

    internal static bool IsStorable(Type t) => DType.All.Any(d => d.ClrType == t);

    internal static Tensor FilledLike(Tensor like, Scalar? v, DType? dtype, Device? device, bool requires_grad, MemoryFormat? format = null)
    {
        var dt = dtype ?? like.dtype;
        if (v is { } value) Scalars.CheckConvertible(value, dt);
        if (requires_grad && !dt.is_floating_point)
            throw new ArgumentException("Only Tensors of floating point and complex dtype can require gradients");
        var t = Tensor.EmptyLike(like, dt, device ?? like.device, format);
        if (v is { } fill) Scalars.FillNew(t, fill);   // EmptyLike's memory is undefined
        return Finish(t, requires_grad);
    }
}

/// <summary>Reads C# arrays (rectangular or jagged) into a flat array and a shape.</summary>
internal static class ArrayData
{
    internal static (long[] shape, Type elem, Array flat) Flatten(Array data)
    {
        var elem = data.GetType().GetElementType()!;
        if (!elem.IsArray) return Rectangular(data, elem);
        if (data.Rank != 1) throw new ArgumentException("tensor(): arrays of arrays must be one-dimensional at the outer level");
        // the shape follows the first element at each level (as PyTorch reads nested lists); every other
        // array must then have the length expected at its depth
        var shape = new List<long>();
        Array? a = data;
        Type leaf = elem;
        while (a is not null)
        {
            if (a.GetType().GetElementType()!.IsArray)
            {
                shape.Add(a.Length);
                a = a.Length > 0 ? (Array?)a.GetValue(0) ?? throw new ArgumentException("tensor(): a sub-array is null") : null;
            }
            else
            {
                var (inner, e, _) = Rectangular(a, a.GetType().GetElementType()!);
                shape.AddRange(inner);
                a = null;
            }
        }
        while (leaf.IsArray) leaf = leaf.GetElementType()!;
        var dims = shape.ToArray();
        var all = HostArray(DType.FromClr(leaf), Shape.Numel(dims));
        int pos = 0;
        Gather(data, 0, dims, all, ref pos);
        return (dims, leaf, all);
    }

    private static void Gather(Array a, int depth, long[] dims, Array all, ref int pos)
    {
        if (a.Length != dims[depth])
            throw new ArgumentException($"expected sequence of length {dims[depth]} at dim {depth} (got {a.Length})");
        if (!a.GetType().GetElementType()!.IsArray)
        {
            var (inner, _, flat) = Rectangular(a, a.GetType().GetElementType()!);
            for (int j = 0; j < inner.Length; j++)
                if (inner[j] != dims[depth + j])
                    throw new ArgumentException($"expected sequence of length {dims[depth + j]} at dim {depth + j} (got {inner[j]})");
            Array.Copy(flat, 0, all, pos, flat.Length);
            pos += flat.Length;
            return;
        }
        if (depth + 1 >= dims.Length)
        {
            // the first element was empty, so the shape stops here: every other array must be empty too
            foreach (Array? sub in a)
                if (sub is null) throw new ArgumentException("tensor(): a sub-array is null");
            return;
        }
        foreach (Array? sub in a)
        {
            if (sub is null) throw new ArgumentException("tensor(): a sub-array is null");
            Gather(sub, depth + 1, dims, all, ref pos);
        }
    }

    /// <summary>A new zeroed managed array of the dtype's element type (the size checked as a CPU storage's).</summary>
    private static Array HostArray(DType dtype, long count) => Backends.HostMemory.Data(Backends.HostMemory.Allocate(dtype, count, zeroed: true));

    private static (long[] shape, Type elem, Array flat) Rectangular(Array data, Type elem)
    {
        var shape = new long[data.Rank];
        for (int i = 0; i < data.Rank; i++) shape[i] = data.GetLength(i);
        if (data.Rank == 1) return (shape, elem, (Array)data.Clone());
        var flat = HostArray(DType.FromClr(elem), data.Length);
        if (elem.IsPrimitive) Buffer.BlockCopy(data, 0, flat, 0, Buffer.ByteLength(data));
        else { int i = 0; foreach (var v in data) flat.SetValue(v, i++); }
        return (shape, elem, flat);
    }
}
