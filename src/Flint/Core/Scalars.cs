namespace Flint;

/// <summary>Wraps C# numbers as 0-dim tensors that rank lowest in type promotion (PyTorch's wrapped numbers).</summary>
internal static class Scalars
{
    internal static Tensor Wrap(Scalar s)
    {
        // small integers are shared: nothing writes to a wrapped number (it is never an op's target)
        if (s.Kind == 1 && (ulong)(s.Long - SmallMin) < (ulong)SmallInts.Length) return SmallInts[s.Long - SmallMin];
        return MakeWrapped(s);
    }

    private const long SmallMin = -2;
    private static readonly Tensor[] SmallInts = MakeSmallInts();

    private static Tensor[] MakeSmallInts()
    {
        var r = new Tensor[35];
        for (int i = 0; i < r.Length; i++) r[i] = MakeWrapped(i + SmallMin);
        return r;
    }

    private static Tensor MakeWrapped(Scalar s)
    {
        var st = s.Kind switch
        {
            2 => Backends.HostMemory.Wrap(DType.Float64, new[] { s.Double }),
            1 => Backends.HostMemory.Wrap(DType.Int64, new[] { s.Long }),
            _ => Backends.HostMemory.Wrap(DType.Bool, new[] { s.Long != 0 }),
        };
        return new Tensor(st, Tensor.NoDims, Tensor.NoDims, 0) { IsWrappedNumber = true };
    }

    /// <summary>A scalar as a 0-dim tensor of exactly <paramref name="dtype"/> (not a wrapped number).</summary>
    internal static Tensor Full(Scalar s, DType dtype, Device device)
    {
        if (device.type == DeviceType.CPU)
            return new Tensor(Backends.HostMemory.One(dtype, s), Tensor.NoDims, Tensor.NoDims, 0);
        var t = Tensor.Empty([], dtype, device);
        t.Backend.Fill(t, s);
        return t;
    }

    /// <summary>The number a wrapped number holds.</summary>
    internal static Scalar ValueOf(Tensor wrapped)
    {
        var data = Backends.HostMemory.Data(wrapped._storage);
        int i = (int)wrapped._offset;
        return wrapped.dtype.scalar_type switch
        {
            ScalarType.Float64 => ((double[])data)[i],
            ScalarType.Int64 => ((long[])data)[i],
            _ => ((bool[])data)[i],
        };
    }

    /// <summary>Fills a freshly made tensor through its backend.</summary>
    internal static void FillNew(Tensor t, Scalar s) => t.Backend.Fill(t, s);

    /// <summary>
    /// Refuses a scalar that overflows <paramref name="dtype"/>, as PyTorch's checked scalar conversion does in
    /// fill_ and full: integers must fit (unsigned types also take negatives down to -max, two's-complement style),
    /// floats must be in range or infinite (NaN only for floating dtypes); bool targets take anything.
    /// </summary>
    internal static void CheckConvertible(Scalar s, DType dtype)
    {
        if (Overflows(s, dtype))
            throw new ArgumentException($"value cannot be converted to type {dtype.ConversionName} without overflow");
    }

    /// <summary>The check torch.tensor(number, dtype=...) makes: integer dtypes only, with Python's dtype names.</summary>
    internal static void CheckPythonConvertible(Scalar s, DType dtype)
    {
        if (dtype.IsIntegral && Overflows(s, dtype))
            throw new ArgumentException($"value cannot be converted to type {dtype.name} without overflow");
    }

    private static bool Overflows(Scalar s, DType dtype)
    {
        if (s.IsBool || dtype.IsBool || dtype == DType.Float64) return false;
        var (lo, hi) = dtype.Range;
        if (s.IsIntegral)
        {
            long l = s.Long;
            if (dtype == DType.UInt8) return l > 255 || (l < 0 && unchecked(0UL - (ulong)l) > 255);
            if (dtype == DType.Int64) return false;
            return l < lo || l > hi;
        }
        double d = s.Double;
        if (dtype.is_floating_point && (double.IsInfinity(d) || double.IsNaN(d))) return false;
        if (double.IsNaN(d)) return true;
        return d < lo || d > hi;
    }
}
