namespace Flint;

/// <summary>Wraps C# numbers as 0-dim tensors that rank lowest in type promotion (PyTorch's wrapped numbers).</summary>
internal static class Scalars
{
    internal static Tensor Wrap(Scalar s)
    {
        DType dt = s.Kind switch { 2 => DType.Float64, 1 => DType.Int64, _ => DType.Bool };
        var t = Tensor.Empty([], dt);
        t.Backend.Fill(t, s);
        t.IsWrappedNumber = true;
        return t;
    }

    /// <summary>A scalar as a 0-dim tensor of exactly <paramref name="dtype"/> (not a wrapped number).</summary>
    internal static Tensor Full(Scalar s, DType dtype, Device? device = null)
    {
        var t = Tensor.Empty([], dtype, device);
        t.Backend.Fill(t, s);
        return t;
    }

    /// <summary>
    /// Refuses a scalar that overflows <paramref name="dtype"/>, as PyTorch's checked scalar conversion does in
    /// fill_ and full: integers must fit (unsigned types also take negatives down to -max, two's-complement style),
    /// floats must be in range or infinite (NaN only for floating dtypes); bool targets take anything.
    /// </summary>
    internal static void CheckConvertible(Scalar s, DType dtype)
    {
        if (Overflows(s, dtype))
            throw new ArgumentException($"value cannot be converted to type {CppName(dtype)} without overflow");
    }

    /// <summary>The check torch.tensor(number, dtype=...) makes: integer dtypes only, with Python's dtype names.</summary>
    internal static void CheckPythonConvertible(Scalar s, DType dtype)
    {
        if (dtype.IsIntegral && Overflows(s, dtype))
            throw new ArgumentException($"value cannot be converted to type {dtype.name} without overflow");
    }

    private static string CppName(DType d) => d.scalar_type switch
    {
        ScalarType.UInt8 => "uint8_t", ScalarType.Int8 => "int8_t", ScalarType.Int16 => "int16_t", ScalarType.Int32 => "int",
        ScalarType.Int64 => "int64_t", ScalarType.Float16 => "at::Half", ScalarType.Float32 => "float",
        ScalarType.Float64 => "double", ScalarType.BFloat16 => "at::BFloat16", _ => "bool",
    };

    private static (double lo, double hi) Limits(DType d) => d.scalar_type switch
    {
        ScalarType.UInt8 => (0, 255), ScalarType.Int8 => (-128, 127), ScalarType.Int16 => (-32768, 32767),
        ScalarType.Int32 => (int.MinValue, int.MaxValue), ScalarType.Int64 => (long.MinValue, long.MaxValue),
        ScalarType.Float16 => (-65504, 65504), ScalarType.Float32 => (-float.MaxValue, float.MaxValue),
        ScalarType.BFloat16 => (-3.3895313892515355e38, 3.3895313892515355e38),
        _ => (double.NegativeInfinity, double.PositiveInfinity),
    };

    private static bool Overflows(Scalar s, DType dtype)
    {
        if (s.IsBool || dtype.IsBool || dtype == DType.Float64) return false;
        var (lo, hi) = Limits(dtype);
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
