namespace Flint;

/// <summary>The element types a tensor can hold, in PyTorch's numbering.</summary>
public enum ScalarType
{
    /// <summary>8-bit unsigned integers (<c>torch.uint8</c>).</summary>
    UInt8 = 0,
    /// <summary>8-bit signed integers (<c>torch.int8</c>).</summary>
    Int8 = 1,
    /// <summary>16-bit integers (<c>torch.int16</c>).</summary>
    Int16 = 2,
    /// <summary>32-bit integers (<c>torch.int32</c>).</summary>
    Int32 = 3,
    /// <summary>64-bit integers (<c>torch.int64</c>).</summary>
    Int64 = 4,
    /// <summary>IEEE half precision (<c>torch.float16</c>).</summary>
    Float16 = 5,
    /// <summary>Single precision (<c>torch.float32</c>).</summary>
    Float32 = 6,
    /// <summary>Double precision (<c>torch.float64</c>).</summary>
    Float64 = 7,
    /// <summary>Booleans (<c>torch.bool</c>).</summary>
    Bool = 11,
    /// <summary>Brain floating point (<c>torch.bfloat16</c>).</summary>
    BFloat16 = 15,
}

/// <summary>A tensor's element type: <c>torch.float32</c>, <c>torch.int64</c>, ... (PyTorch's <c>torch.dtype</c>).</summary>
public sealed class DType : IEquatable<DType>
{
    /// <summary>The scalar type's number, as PyTorch's <c>c10::ScalarType</c> numbers it.</summary>
    public ScalarType scalar_type { get; }
    /// <summary>PyTorch's name without the <c>torch.</c> prefix: "float32", "int64", ...</summary>
    public string name { get; }
    /// <summary>The legacy name used in messages: "Float", "Long", "Bool", ...</summary>
    internal string LegacyName { get; }
    /// <summary>The C++ type name PyTorch prints in some dtype messages: "float", "long int", "c10::Half", ...</summary>
    internal string CppName { get; }
    /// <summary>The C++ type name of PyTorch's checked scalar conversion messages: "int64_t", "at::Half", ...</summary>
    internal string ConversionName { get; }
    /// <summary>The finite range a scalar converted to this dtype must fall in (infinite for float64 and bool).</summary>
    internal (double Lo, double Hi) Range { get; }
    /// <summary>The size of one element in bytes, as <c>dtype.itemsize</c>.</summary>
    public int itemsize { get; }
    /// <summary>Whether this is a floating-point dtype, as <c>dtype.is_floating_point</c>.</summary>
    public bool is_floating_point { get; }
    /// <summary>Whether the dtype holds negative numbers, as <c>dtype.is_signed</c>.</summary>
    public bool is_signed { get; }
    internal Type ClrType { get; }

    private DType(ScalarType st, string name, string legacy, string cpp, string conversion, int size, bool isFloat, bool signed, Type clr,
        double lo = double.NegativeInfinity, double hi = double.PositiveInfinity)
    {
        scalar_type = st; this.name = name; LegacyName = legacy; CppName = cpp; ConversionName = conversion; itemsize = size;
        is_floating_point = isFloat; is_signed = signed; ClrType = clr; Range = (lo, hi);
    }

    /// <summary>8-bit unsigned integers, <c>torch.uint8</c>.</summary>
    public static readonly DType UInt8 = new(ScalarType.UInt8, "uint8", "Byte", "unsigned char", "uint8_t", 1, false, false, typeof(byte), 0, 255);
    /// <summary>8-bit signed integers, <c>torch.int8</c>.</summary>
    public static readonly DType Int8 = new(ScalarType.Int8, "int8", "Char", "signed char", "int8_t", 1, false, true, typeof(sbyte), -128, 127);
    /// <summary>16-bit integers, <c>torch.int16</c> (<c>torch.short</c>).</summary>
    public static readonly DType Int16 = new(ScalarType.Int16, "int16", "Short", "short int", "int16_t", 2, false, true, typeof(short), -32768, 32767);
    /// <summary>32-bit integers, <c>torch.int32</c> (<c>torch.int</c>).</summary>
    public static readonly DType Int32 = new(ScalarType.Int32, "int32", "Int", "int", "int", 4, false, true, typeof(int), int.MinValue, int.MaxValue);
    /// <summary>64-bit integers, <c>torch.int64</c> (<c>torch.long</c>), the dtype of indices.</summary>
    public static readonly DType Int64 = new(ScalarType.Int64, "int64", "Long", "long int", "int64_t", 8, false, true, typeof(long), long.MinValue, long.MaxValue);
    /// <summary>IEEE half precision, <c>torch.float16</c> (<c>torch.half</c>).</summary>
    public static readonly DType Float16 = new(ScalarType.Float16, "float16", "Half", "c10::Half", "at::Half", 2, true, true, typeof(Half), -65504, 65504);
    /// <summary>Single precision, <c>torch.float32</c> (<c>torch.float</c>), the default floating dtype.</summary>
    public static readonly DType Float32 = new(ScalarType.Float32, "float32", "Float", "float", "float", 4, true, true, typeof(float), -float.MaxValue, float.MaxValue);
    /// <summary>Double precision, <c>torch.float64</c> (<c>torch.double</c>).</summary>
    public static readonly DType Float64 = new(ScalarType.Float64, "float64", "Double", "double", "double", 8, true, true, typeof(double));
    /// <summary>Booleans, <c>torch.bool</c>.</summary>
    public static readonly DType Bool = new(ScalarType.Bool, "bool", "Bool", "bool", "bool", 1, false, false, typeof(bool));
    /// <summary>Brain floating point (8 exponent bits, 7 mantissa bits), <c>torch.bfloat16</c>.</summary>
    public static readonly DType BFloat16 = new(ScalarType.BFloat16, "bfloat16", "BFloat16", "c10::BFloat16", "at::BFloat16", 2, true, true, typeof(BFloat16),
        -3.3895313892515355e38, 3.3895313892515355e38);

    /// <summary>Every dtype Flint supports, in PyTorch's order.</summary>
    public static IReadOnlyList<DType> All { get; } = [UInt8, Int8, Int16, Int32, Int64, Float16, Float32, Float64, Bool, BFloat16];

    internal bool IsIntegral => !is_floating_point && scalar_type != ScalarType.Bool;
    internal bool IsBool => scalar_type == ScalarType.Bool;
    /// <summary>Promotion category: bool 0, integer 1, floating 2.</summary>
    internal int Category => is_floating_point ? 2 : IsBool ? 0 : 1;

    /// <summary>The dtype of a scalar type number.</summary>
    public static DType FromScalarType(ScalarType st) =>
        (uint)st < (uint)ByScalarType.Length && ByScalarType[(int)st] is { } d ? d : throw new ArgumentException($"unsupported scalar type {st}");

    private static readonly DType?[] ByScalarType = MakeIndex();

    private static DType?[] MakeIndex()
    {
        var r = new DType?[(int)ScalarType.BFloat16 + 1];
        foreach (var d in All) r[(int)d.scalar_type] = d;
        return r;
    }

    internal static DType FromClr(Type t)
    {
        foreach (var d in All) if (d.ClrType == t) return d;
        throw new NotSupportedException($"Flint has no dtype for the .NET type {t.Name}; use float, double, long, int, short, sbyte, byte, bool, Half or BFloat16.");
    }

    internal static DType Of<T>() => FromClr(typeof(T));

    /// <summary>The scalar type number of the dtype.</summary>
    public static implicit operator ScalarType(DType d) => d.scalar_type;
    /// <summary>The dtype of a scalar type number.</summary>
    public static implicit operator DType(ScalarType s) => FromScalarType(s);

    /// <inheritdoc/>
    public bool Equals(DType? other) => other is not null && other.scalar_type == scalar_type;
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DType d && Equals(d);
    /// <inheritdoc/>
    public override int GetHashCode() => (int)scalar_type;
    /// <summary>Whether two dtypes are the same (null equals only null).</summary>
    public static bool operator ==(DType? a, DType? b) => a is null ? b is null : a.Equals(b);
    /// <summary>Whether two dtypes differ.</summary>
    public static bool operator !=(DType? a, DType? b) => !(a == b);

    /// <summary>Prints as PyTorch prints a dtype: <c>torch.float32</c>.</summary>
    public override string ToString() => "torch." + name;
}
