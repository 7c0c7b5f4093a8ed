using System.Globalization;

namespace Flint;

// arange, linspace and logspace, computed to give PyTorch's CPU values bit for bit. PyTorch's x86-64 (AVX2)
// kernels fill whole SIMD vectors where they can: each vector starts from a base value computed for its first
// index and adds multiples of the step, while the tail is computed element by element. The build contracts
// multiply-adds into fused ones (FMA) in the scalar code and in arange's vector lanes, but not in linspace's
// vector lanes: the expressions below follow what PyTorch 1.13 gives on x86-64, checked value by value. The emulation below follows that order. (For more than 32768 elements PyTorch also
// splits the range over threads, each starting a fresh run of vectors; the emulation assumes one thread.)
public static partial class torch
{

    // ---------------- arange ----------------

    /// <summary>The values 0, 1, ... below <paramref name="end"/>, as <c>torch.arange(end)</c>; integer arguments give int64, floating ones the default dtype.</summary>
    public static Tensor arange(Scalar end, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        arange(0, end, 1, dtype, device, requires_grad);
    /// <summary>The values from <paramref name="start"/> up to (not including) <paramref name="end"/> in steps of 1, as <c>torch.arange(start, end)</c>.</summary>
    public static Tensor arange(Scalar start, Scalar end, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        arange(start, end, 1, dtype, device, requires_grad);

    /// <summary>
    /// Values from start (inclusive) to end (exclusive) by step; int64 when all three are integers, else the
    /// default dtype. The length is ceil((end - start) / step). For integer dtypes start and step are first
    /// truncated to integers (so arange(0, 1, 0.1, dtype: int64) has step 0 and fails, as in PyTorch).
    /// </summary>
    public static Tensor arange(Scalar start, Scalar end, Scalar step, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        bool anyFloat = start.IsFloating || end.IsFloating || step.IsFloating;
        var dt = dtype ?? (anyFloat ? get_default_dtype() : int64);
        if (requires_grad && !dt.is_floating_point)
            throw new ArgumentException("Only Tensors of floating point and complex dtype can require gradients");
        Array values;
        if (dt.is_floating_point)
        {
            // the accumulation type: double for float32/float64, float for float16/bfloat16
            bool wide = dt == float32 || dt == float64;
            double s, e, st;
            if (wide) { s = start.ToDouble(); e = end.ToDouble(); st = step.ToDouble(); }
            else
            {
                Scalars.CheckConvertible(start, float32); Scalars.CheckConvertible(end, float32); Scalars.CheckConvertible(step, float32);
                s = (float)start.ToDouble(); e = (float)end.ToDouble(); st = (float)step.ToDouble();
            }
            Creation.CheckRange(s, e, st, true);
            long n = Creation.RangeLength(Math.Ceiling((end.ToDouble() - start.ToDouble()) / step.ToDouble()), dt);
            values = Creation.FloatRange(dt, n, s, st);
        }
        else
        {
            Scalars.CheckConvertible(start, int64); Scalars.CheckConvertible(end, int64); Scalars.CheckConvertible(step, int64);
            long s = start.ToInt64(), e = end.ToInt64(), st = step.ToInt64();
            Creation.CheckRange(s, e, st, false);
            double size = dt == int64 ? Math.Ceiling((double)unchecked(e - s) / st)
                : Math.Ceiling((end.ToDouble() - start.ToDouble()) / step.ToDouble());
            long n = Creation.RangeLength(size, dt);
            var v = new long[n];
            for (long i = 0; i < n; i++) v[i] = unchecked(s + st * i);
            values = v;
        }
        var r = Creation.FromFlat(values, values is long[] && dt != int64 ? int64 : dt);
        if (r.dtype != dt) r = r.to(dt);
        if (device is not null && device.type != DeviceType.CPU) r = r.to(device);
        return Creation.Finish(r, requires_grad);
    }

    // ---------------- linspace / logspace ----------------

    /// <summary>
    /// <paramref name="steps"/> evenly spaced values from start to end, both included. Like PyTorch, the first
    /// half counts up from start and the second half down from end, in the dtype's own arithmetic (integers use a
    /// double step from the truncated ends).
    /// </summary>
    public static Tensor linspace(double start, double end, long steps, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var dt = Creation.SpacedDType(steps, dtype, requires_grad);
        Tensor r;
        if (steps <= 1) r = Creation.FewSteps(steps, dt, start);
        else
        {
            Scalars.CheckConvertible(start, dt); Scalars.CheckConvertible(end, dt);
            r = Creation.FromFlat(Creation.LinspaceValues(dt, start, end, steps), dt);
        }
        return Creation.Placed(r, device, requires_grad);
    }

    /// <summary><paramref name="steps"/> values base**x for x evenly spaced from start to end (PyTorch's logspace).</summary>
    public static Tensor logspace(double start, double end, long steps, double @base = 10.0, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var dt = Creation.SpacedDType(steps, dtype, requires_grad);
        Tensor r;
        if (steps <= 1) r = Creation.FewSteps(steps, dt, Math.Pow(@base, start));
        else
        {
            if (dt == float16) throw new NotSupportedException("\"logspace_cpu\" not implemented for 'Half'");
            Scalars.CheckConvertible(start, dt); Scalars.CheckConvertible(end, dt);
            var v = new double[steps];
            long half = steps / 2;
            if (dt.is_floating_point)
            {
                // the ends in the dtype, the exponents in double
                double s = Creation.RoundTo(dt, start), e = Creation.RoundTo(dt, end);
                double step = (e - s) / (steps - 1);
                for (long i = 0; i < steps; i++)
                    v[i] = Math.Pow(@base, i < half ? Math.FusedMultiplyAdd(step, i, s) : Math.FusedMultiplyAdd(-step, steps - i - 1, e));
            }
            else
            {
                // integer dtypes: truncated ends, a float base
                long s = (long)start, e = (long)end;
                double step = (double)(e - s) / (steps - 1);
                double b = (float)@base;
                for (long i = 0; i < steps; i++)
                    v[i] = Math.Pow(b, i < half ? Math.FusedMultiplyAdd(step, i, s) : Math.FusedMultiplyAdd(-step, steps - i - 1, e));
            }
            r = Creation.FromFlat(v, float64).to(dt);
        }
        return Creation.Placed(r, device, requires_grad);
    }

}

/// <summary>The emulation of PyTorch's vectorized range fills, and the range checks.</summary>
internal static partial class Creation
{
    /// <summary>linspace and logspace's checks of their arguments; the dtype they make.</summary>
    internal static DType SpacedDType(long steps, DType? dtype, bool requires_grad)
    {
        if (steps < 0) throw new ArgumentException("number of steps must be non-negative");
        var dt = dtype ?? torch.get_default_dtype();
        Shape.ContiguousStorageCount([steps], dt.itemsize);
        if (requires_grad && !dt.is_floating_point)
            throw new ArgumentException("Only Tensors of floating point and complex dtype can require gradients");
        return dt;
    }

    /// <summary>linspace and logspace with 0 steps (empty) or 1 (its first value).</summary>
    internal static Tensor FewSteps(long steps, DType dt, double first)
    {
        var r = Tensor.Empty([steps], dt, Device.CPU);
        if (steps == 1) r.fill_(first);
        return r;
    }

    /// <summary>Lanes per AVX2 vector for each dtype (256 bits; float16 uses PyTorch's generic 32-byte vector).</summary>
    internal static int VectorLanes(DType d) => 32 / d.itemsize;

    /// <summary>
    /// Fills dst[0..n) the way PyTorch's vectorized serial loop visits a 1-D output: pairs of whole vectors
    /// (element k of the vector starting at i is lane(i, k)), then single elements scalar(i).
    /// </summary>
    internal static void VectorizedFill<T>(T[] dst, int lanes, Func<long, T> scalar, Func<long, int, T> lane)
    {
        long n = dst.Length, i = 0;
        for (; i + 2 * lanes <= n; i += 2 * lanes)
            for (int v = 0; v < 2; v++)
            {
                long start = i + v * lanes;
                for (int k = 0; k < lanes; k++) dst[start + k] = lane(start, k);
            }
        for (; i < n; i++) dst[i] = scalar(i);
    }

    /// <summary>Writes a flat array of a dtype's element type into a new 1-D tensor.</summary>
    internal static Tensor FromFlat(Array values, DType dtype) =>
        new(Backends.HostMemory.Wrap(dtype, values), [values.Length], [1], 0);

    /// <summary>A double as C++'s default stream output prints it (as in PyTorch's messages): 6 significant digits.</summary>
    internal static string CppRepr(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        return v.ToString("G6", CultureInfo.InvariantCulture).Replace("E", "e");
    }

    internal static void CheckRange(double s, double e, double st, bool floating)
    {
        if (!(st > 0 || st < 0)) throw new ArgumentException("step must be nonzero");
        if (floating && !(double.IsFinite(s) && double.IsFinite(e)))
            throw new ArgumentException($"unsupported range: {CppRepr(s)} -> {CppRepr(e)}");
        if (!((st > 0 && e >= s) || (st < 0 && e <= s)))
            throw new ArgumentException("upper bound and larger bound inconsistent with step sign");
    }

    internal static long RangeLength(double size, DType dt)
    {
        if (!(size >= 0 && size <= long.MaxValue)) throw new ArgumentException("invalid size, possible overflow?");
        Shape.ContiguousStorageCount([(long)size], dt.itemsize);
        if (size > Array.MaxLength) throw new OutOfMemoryException($"arange: {size} elements do not fit in one .NET array");
        return (long)size;
    }

    /// <summary>start + i*step for a floating dtype, accumulated as PyTorch does (double, or float for 16-bit types).</summary>
    internal static Array FloatRange(DType dt, long n, double s, double st)
    {
        int lanes = VectorLanes(dt);
        if (dt == torch.float64)
        {
            var v = new double[n];
            VectorizedFill(v, lanes, i => Math.FusedMultiplyAdd(st, i, s), (i0, k) => Math.FusedMultiplyAdd(k, st, Math.FusedMultiplyAdd(st, i0, s)));
            return v;
        }
        if (dt == torch.float32)
        {
            var v = new float[n];
            VectorizedFill(v, lanes, i => (float)Math.FusedMultiplyAdd(st, i, s),
                (i0, k) => (float)Math.FusedMultiplyAdd(k, st, (float)Math.FusedMultiplyAdd(st, i0, s)));
            return v;
        }
        float fs = (float)s, fst = (float)st;
        if (dt == torch.float16)
        {
            var v = new Half[n];
            VectorizedFill(v, lanes, i => (Half)MathF.FusedMultiplyAdd(fst, i, fs),
                (i0, k) => (Half)MathF.FusedMultiplyAdd(k, fst, (float)(Half)MathF.FusedMultiplyAdd(fst, i0, fs)));
            return v;
        }
        var b = new BFloat16[n];
        VectorizedFill(b, lanes, i => (BFloat16)MathF.FusedMultiplyAdd(fst, i, fs),
            (i0, k) => (BFloat16)MathF.FusedMultiplyAdd(k, fst, (float)(BFloat16)MathF.FusedMultiplyAdd(fst, i0, fs)));
        return b;
    }

    internal static Array LinspaceValues(DType dt, double start, double end, long steps)
    {
        long half = steps / 2;
        int lanes = VectorLanes(dt);
        if (dt == torch.float64)
        {
            double step = (end - start) / (steps - 1);
            double At(long i) => i < half ? Math.FusedMultiplyAdd(step, i, start) : Math.FusedMultiplyAdd(-step, steps - i - 1, end);
            var v = new double[steps];
            VectorizedFill(v, lanes, At, (i0, k) => At(i0) + k * step);
            return v;
        }
        if (dt == torch.float32)
        {
            float s = (float)start, e = (float)end, step = (e - s) / (steps - 1);
            float At(long i) => i < half ? MathF.FusedMultiplyAdd(step, i, s) : MathF.FusedMultiplyAdd(-step, steps - i - 1, e);
            var v = new float[steps];
            VectorizedFill(v, lanes, At, (i0, k) => At(i0) + k * step);
            return v;
        }
        if (dt == torch.float16)
        {
            // every operation rounds to half, as c10::Half arithmetic does
            static Half H(float f) => (Half)f;
            Half s = H((float)start), e = H((float)end);
            Half step = H((float)H((float)e - (float)s) / (float)H(steps - 1));
            Half At(long i) => i < half ? H((float)s + (float)H((float)step * (float)H(i)))
                : H((float)e - (float)H((float)step * (float)H(steps - i - 1)));
            var v = new Half[steps];
            VectorizedFill(v, lanes, At, (i0, k) => H((float)At(i0) + (float)H((float)H(k) * (float)step)));
            return v;
        }
        if (dt == torch.bfloat16)
        {
            static BFloat16 B(float f) => (BFloat16)f;
            BFloat16 s = B((float)start), e = B((float)end);
            BFloat16 step = B(B(e - s) / (float)B(steps - 1));
            BFloat16 At(long i) => i < half ? B(s + B(step * B(i))) : B(e - B(step * B(steps - i - 1)));
            var v = new BFloat16[steps];
            VectorizedFill(v, lanes, At, (i0, k) => B(At(i0) + B(B(k) * step)));
            return v;
        }
        {
            // integer dtypes: the ends are truncated first, the step is a double
            long s = (long)start, e = (long)end;
            double step = ((double)e - s) / (steps - 1);
            double At(long i) => i < half ? Math.FusedMultiplyAdd(step, i, s) : Math.FusedMultiplyAdd(-step, steps - i - 1, e);
            var v = new long[steps];
            // a vector's lanes start from its base value already converted to the element type
            VectorizedFill(v, lanes, i => Backends.Convert.DoubleToLong(At(i)),
                (i0, k) => Backends.Convert.DoubleToLong(IntegerValue(dt, At(i0)) + k * step));
            return IntegerArray(dt, v);
        }
    }

    /// <summary>A double converted to an integer dtype and back (truncation, then the dtype's wrap-around).</summary>
    internal static double IntegerValue(DType dt, double d)
    {
        long l = Backends.Convert.DoubleToLong(d);
        return dt.scalar_type switch
        {
            ScalarType.UInt8 => unchecked((byte)l),
            ScalarType.Int8 => unchecked((sbyte)l),
            ScalarType.Int16 => unchecked((short)l),
            ScalarType.Int32 => unchecked((int)l),
            _ => l,
        };
    }

    internal static Array IntegerArray(DType dt, long[] v)
    {
        var t = FromFlat(v, torch.int64).to(dt);
        return Backends.HostMemory.Data(t._storage);
    }

    internal static double RoundTo(DType dt, double v) => dt.scalar_type switch
    {
        ScalarType.Float32 => (float)v,
        ScalarType.BFloat16 => (float)(BFloat16)v,
        _ => v,
    };
}
