namespace Flint;

/// <summary>The element types a tensor can hold, in PyTorch's numbering.</summary>
public enum ScalarType
{
    UInt8 = 0,
    Int8 = 1,
    Int16 = 2,
    Int32 = 3,
    Int64 = 4,
    Float16 = 5,
    Float32 = 6,
    Float64 = 7,
    Bool = 11,
    BFloat16 = 15,
}

/// <summary>A tensor's element type: <c>torch.float32</c>, <c>torch.int64</c>, ... (PyTorch's <c>torch.dtype</c>).</summary>
public sealed class DType : IEquatable<DType>
{
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
    public int itemsize { get; }
    public bool is_floating_point { get; }
    public bool is_signed { get; }
    internal Type ClrType { get; }

    private DType(ScalarType st, string name, string legacy, string cpp, string conversion, int size, bool isFloat, bool signed, Type clr,
        double lo = double.NegativeInfinity, double hi = double.PositiveInfinity)
    {
        scalar_type = st; this.name = name; LegacyName = legacy; CppName = cpp; ConversionName = conversion; itemsize = size;
        is_floating_point = isFloat; is_signed = signed; ClrType = clr; Range = (lo, hi);
    }

    public static readonly DType UInt8 = new(ScalarType.UInt8, "uint8", "Byte", "unsigned char", "uint8_t", 1, false, false, typeof(byte), 0, 255);
    public static readonly DType Int8 = new(ScalarType.Int8, "int8", "Char", "signed char", "int8_t", 1, false, true, typeof(sbyte), -128, 127);
    public static readonly DType Int16 = new(ScalarType.Int16, "int16", "Short", "short int", "int16_t", 2, false, true, typeof(short), -32768, 32767);
    public static readonly DType Int32 = new(ScalarType.Int32, "int32", "Int", "int", "int", 4, false, true, typeof(int), int.MinValue, int.MaxValue);
    public static readonly DType Int64 = new(ScalarType.Int64, "int64", "Long", "long int", "int64_t", 8, false, true, typeof(long), long.MinValue, long.MaxValue);
    public static readonly DType Float16 = new(ScalarType.Float16, "float16", "Half", "c10::Half", "at::Half", 2, true, true, typeof(Half), -65504, 65504);
    public static readonly DType Float32 = new(ScalarType.Float32, "float32", "Float", "float", "float", 4, true, true, typeof(float), -float.MaxValue, float.MaxValue);
    public static readonly DType Float64 = new(ScalarType.Float64, "float64", "Double", "double", "double", 8, true, true, typeof(double));
    public static readonly DType Bool = new(ScalarType.Bool, "bool", "Bool", "bool", "bool", 1, false, false, typeof(bool));
    public static readonly DType BFloat16 = new(ScalarType.BFloat16, "bfloat16", "BFloat16", "c10::BFloat16", "at::BFloat16", 2, true, true, typeof(BFloat16),
        -3.3895313892515355e38, 3.3895313892515355e38);

    /// <summary>Every dtype Flint supports, in PyTorch's order.</summary>
    public static IReadOnlyList<DType> All { get; } = [UInt8, Int8, Int16, Int32, Int64, Float16, Float32, Float64, Bool, BFloat16];

    internal bool IsIntegral => !is_floating_point && scalar_type != ScalarType.Bool;
    internal bool IsBool => scalar_type == ScalarType.Bool;
    /// <summary>Promotion category: bool 0, integer 1, floating 2.</summary>
    internal int Category => is_floating_point ? 2 : IsBool ? 0 : 1;

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

    public static implicit operator ScalarType(DType d) => d.scalar_type;
    public static implicit operator DType(ScalarType s) => FromScalarType(s);

    public bool Equals(DType? other) => other is not null && other.scalar_type == scalar_type;
    public override bool Equals(object? obj) => obj is DType d && Equals(d);
    public override int GetHashCode() => (int)scalar_type;
    public static bool operator ==(DType? a, DType? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(DType? a, DType? b) => !(a == b);

    /// <summary>Prints as PyTorch prints a dtype: <c>torch.float32</c>.</summary>
    public override string ToString() => "torch." + name;
}
