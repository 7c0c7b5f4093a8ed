using System.Runtime.InteropServices;

namespace Flint;

public static partial class torch
{
    private static Tensor Finish(Tensor t, bool requires_grad)
    {
        if (requires_grad) t.RequireGradFromFactory();
        return t;
    }

    private static Tensor Filled(long[] size, Scalar v, DType? dtype, Device? device, bool requires_grad)
    {
        var t = Tensor.Empty(size, dtype ?? get_default_dtype(), device);
        bool zero = v.IsFloating ? BitConverter.DoubleToInt64Bits(v.Double) == 0 : v.Long == 0;
        if (!zero) t.Backend.Fill(t, v);   // storage starts zero-filled
        return Finish(t, requires_grad);
    }

    // ---------------- from data ----------------

    /// <summary>A tensor holding a copy of a C# array (any rank, or jagged). The dtype is the array's element type.</summary>
    public static Tensor tensor(Array data, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var (shape, elemType, flat) = ArrayData.Flatten(data);
        var natural = DType.FromClr(elemType);
        var t = Tensor.Empty(shape, natural);
        Array.Copy(flat, ((CpuStorage)t._storage).Data, flat.Length);
        if (dtype is not null && dtype != natural) t = t.to(dtype);
        if (device is not null && device.type != DeviceType.CPU) t = t.to(device);
        return Finish(t, requires_grad);
    }

    /// <summary>A 0-dim tensor. A C# double is a Python float: it gets the default dtype (float32).</summary>
    public static Tensor tensor(double value, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Filled([], value, dtype ?? get_default_dtype(), device, requires_grad);
    public static Tensor tensor(float value, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Filled([], value, dtype ?? float32, device, requires_grad);
    public static Tensor tensor(long value, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Filled([], value, dtype ?? int64, device, requires_grad);
    public static Tensor tensor(int value, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Filled([], value, dtype ?? int64, device, requires_grad);
    public static Tensor tensor(bool value, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Filled([], value, dtype ?? @bool, device, requires_grad);

    /// <summary>Like <see cref="tensor(Array, DType?, Device?, bool)"/>, but shares memory when nothing needs converting.</summary>
    public static Tensor as_tensor(Array data, DType? dtype = null, Device? device = null)
    {
        if (data.Rank == 1 && data.GetType().GetElementType() is { IsPrimitive: true } or { } && IsStorable(data.GetType().GetElementType()!))
        {
            var t = from_numpy(data);
            t = dtype is null || dtype == t.dtype ? t : t.to(dtype);
            return device is null ? t : t.to(device);
        }
        return tensor(data, dtype, device);
    }

    private static bool IsStorable(Type t) => DType.All.Any(d => d.ClrType == t);

    // ---------------- constant fills ----------------

    public static Tensor empty(params long[] size) => Tensor.Empty(size, get_default_dtype());
    public static Tensor empty(long[] size, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Finish(Tensor.Empty(size, dtype ?? get_default_dtype(), device), requires_grad);
    public static Tensor zeros(params long[] size) => Filled(size, 0, null, null, false);
    public static Tensor zeros(long[] size, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Filled(size, 0, dtype, device, requires_grad);
    public static Tensor ones(params long[] size) => Filled(size, 1, null, null, false);
    public static Tensor ones(long[] size, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Filled(size, 1, dtype, device, requires_grad);

    /// <summary>A tensor filled with <paramref name="fill_value"/>; the dtype follows the value (float32 for doubles, int64 for integers, bool).</summary>
    public static Tensor full(long[] size, Scalar fill_value, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Filled(size, fill_value, dtype ?? fill_value.DefaultDType, device, requires_grad);

    public static Tensor empty_like(Tensor t, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        empty(t._shape, dtype ?? t.dtype, device ?? t.device, requires_grad);
    public static Tensor zeros_like(Tensor t, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        zeros(t._shape, dtype ?? t.dtype, device ?? t.device, requires_grad);
    public static Tensor ones_like(Tensor t, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        ones(t._shape, dtype ?? t.dtype, device ?? t.device, requires_grad);
    public static Tensor full_like(Tensor t, Scalar fill_value, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Filled(t._shape, fill_value, dtype ?? t.dtype, device ?? t.device, requires_grad);

    // ---------------- ranges ----------------

    public static Tensor arange(Scalar end, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        arange(0, end, 1, dtype, device, requires_grad);
    public static Tensor arange(Scalar start, Scalar end, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        arange(start, end, 1, dtype, device, requires_grad);

    /// <summary>Values from start (inclusive) to end (exclusive) by step; int64 when all three are integers.</summary>
    public static Tensor arange(Scalar start, Scalar end, Scalar step, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        bool anyFloat = start.IsFloating || end.IsFloating || step.IsFloating;
        var dt = dtype ?? (anyFloat ? get_default_dtype() : int64);
        double s = start.ToDouble(), e = end.ToDouble(), st = step.ToDouble();
        if (st == 0) throw new ArgumentException("step must be nonzero");
        if (double.IsNaN(s) || double.IsNaN(e) || double.IsInfinity(s) || double.IsInfinity(e))
            throw new ArgumentException($"unsupported range: {start} -> {end}");
        if ((st > 0 && e < s) || (st < 0 && e > s))
            throw new ArgumentException("upper bound and larger bound inconsistent with step sign");
        long n;
        if (anyFloat || dt.is_floating_point) n = (long)Math.Ceiling((e - s) / st);
        else { long ls = start.Long, le = end.Long, lst = step.Long; n = (le - ls + lst + (lst > 0 ? -1 : 1)) / lst; }
        if (n < 0) n = 0;
        var r = Tensor.Empty([n], dt, null);
        if (dt.is_floating_point)
        {
            var tmp = new double[n];
            for (long i = 0; i < n; i++) tmp[i] = s + i * st;
            CopyIn(r, tmp);
        }
        else
        {
            var tmp = new long[n];
            long ls = start.ToInt64(), lst = step.ToInt64();
            if (anyFloat) for (long i = 0; i < n; i++) tmp[i] = (long)(s + i * st);
            else for (long i = 0; i < n; i++) tmp[i] = ls + i * lst;
            CopyIn(r, tmp);
        }
        if (device is not null && device.type != DeviceType.CPU) r = r.to(device);
        return Finish(r, requires_grad);
    }

    /// <summary>Writes a double[] or long[] into a fresh contiguous tensor, converting to its dtype.</summary>
    internal static void CopyIn(Tensor dst, Array values)
    {
        var src = new Tensor(new CpuStorage(DType.FromClr(values.GetType().GetElementType()!), values), dst._shape.ToArray(), Shape.ContiguousStrides(dst._shape), 0);
        dst.Backend.Copy(dst, src);
    }

    /// <summary><paramref name="steps"/> evenly spaced values from start to end, both included.</summary>
    public static Tensor linspace(double start, double end, long steps, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        if (steps < 0) throw new ArgumentException("number of steps must be non-negative");
        var dt = dtype ?? get_default_dtype();
        var vals = new double[steps];
        if (steps == 1) vals[0] = start;
        else if (steps > 1)
        {
            double step = (end - start) / (steps - 1);
            long half = steps / 2;
            for (long i = 0; i < steps; i++)
                vals[i] = i < half ? start + step * i : end - step * (steps - i - 1);
        }
        var r = Tensor.Empty([steps], dt, null);
        if (dt.is_floating_point && dt != float64)
        {
            // PyTorch computes the float32 grid in float32 arithmetic
            float fs = (float)start, fe = (float)end, fst = steps > 1 ? (fe - fs) / (steps - 1) : 0f;
            long half = steps / 2;
            var fv = new float[steps];
            for (long i = 0; i < steps; i++) fv[i] = steps == 1 ? fs : i < half ? fs + fst * i : fe - fst * (steps - i - 1);
            CopyIn(r, fv);
        }
        else if (!dt.is_floating_point)
        {
            var lv = new long[steps];
            for (long i = 0; i < steps; i++) lv[i] = (long)vals[i];
            CopyIn(r, lv);
        }
        else CopyIn(r, vals);
        return Finish(device is not null && device.type != DeviceType.CPU ? r.to(device) : r, requires_grad);
    }

    public static Tensor logspace(double start, double end, long steps, double @base = 10.0, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var dt = dtype ?? get_default_dtype();
        var lin = linspace(start, end, steps, dt.is_floating_point ? dt : float64);
        var r = pow(Scalars.Full(@base, lin.dtype), lin);
        return Finish(r.to(dt), requires_grad);
    }

    /// <summary>An n×m matrix with ones on the diagonal.</summary>
    public static Tensor eye(long n, long? m = null, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        long mm = m ?? n;
        if (n < 0) throw new ArgumentException($"n must be greater or equal to 0, got {n}");
        if (mm < 0) throw new ArgumentException($"m must be greater or equal to 0, got {mm}");
        var r = zeros([n, mm], dtype, null);
        long k = Math.Min(n, mm);
        if (k > 0) r.as_strided([k], [mm + 1], 0).fill_(1);
        return Finish(device is not null && device.type != DeviceType.CPU ? r.to(device) : r, requires_grad);
    }
}

/// <summary>Reads C# arrays (rectangular or jagged) into a flat array and a shape.</summary>
internal static class ArrayData
{
    internal static (long[] shape, Type elem, Array flat) Flatten(Array data)
    {
        var type = data.GetType();
        var elem = type.GetElementType()!;
        if (!elem.IsArray)
        {
            var shape = new long[data.Rank];
            for (int i = 0; i < data.Rank; i++) shape[i] = data.GetLength(i);
            if (data.Rank == 1) return (shape, elem, (Array)data.Clone());
            var flat = CpuStorage.Allocate(DType.FromClr(elem), data.Length).Data;
            if (elem.IsPrimitive) Buffer.BlockCopy(data, 0, flat, 0, Buffer.ByteLength(data));
            else { int i = 0; foreach (var v in data) flat.SetValue(v, i++); }
            return (shape, elem, flat);
        }
        // jagged: every sub-array must have the same shape
        if (data.Rank != 1) throw new ArgumentException("tensor(): arrays of arrays must be one-dimensional at the outer level");
        var subs = new List<(long[] shape, Type elem, Array flat)>();
        foreach (Array? sub in data)
        {
            if (sub is null) throw new ArgumentException("tensor(): a sub-array is null");
            subs.Add(Flatten(sub));
        }
        Type leaf = subs.Count > 0 ? subs[0].elem : LeafType(elem);
        long[] inner = subs.Count > 0 ? subs[0].shape : [0];
        for (int i = 1; i < subs.Count; i++)
            if (!subs[i].shape.AsSpan().SequenceEqual(inner))
                throw new ArgumentException($"expected sequence of length {inner[0]} at dim 1 (got {subs[i].shape[0]})");
        var all = CpuStorage.Allocate(DType.FromClr(leaf), subs.Sum(s => s.flat.Length)).Data;
        int pos = 0;
        foreach (var s in subs) { Array.Copy(s.flat, 0, all, pos, s.flat.Length); pos += s.flat.Length; }
        return ([data.Length, .. inner], leaf, all);
    }

    private static Type LeafType(Type t) { while (t.IsArray) t = t.GetElementType()!; return t; }
}
