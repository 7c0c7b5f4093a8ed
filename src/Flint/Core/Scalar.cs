namespace Flint;

/// <summary>A C# number passed where PyTorch accepts a Python scalar (<c>x + 1</c>, <c>torch.full(.., 2.5)</c>).</summary>
public readonly struct Scalar
{
    internal readonly double Double;
    internal readonly long Long;
    /// <summary>0 bool, 1 integer, 2 floating: the scalar's promotion category.</summary>
    internal readonly int Kind;

    private Scalar(double d, long l, int kind) { Double = d; Long = l; Kind = kind; }

    /// <summary>A floating number.</summary>
    public static implicit operator Scalar(double v) => new(v, 0, 2);
    /// <summary>A floating number.</summary>
    public static implicit operator Scalar(float v) => new(v, 0, 2);
    /// <summary>A floating number.</summary>
    public static implicit operator Scalar(Half v) => new((double)v, 0, 2);
    /// <summary>An integer.</summary>
    public static implicit operator Scalar(long v) => new(v, v, 1);
    /// <summary>An integer.</summary>
    public static implicit operator Scalar(int v) => new(v, v, 1);
    /// <summary>An integer.</summary>
    public static implicit operator Scalar(short v) => new(v, v, 1);
    /// <summary>An integer.</summary>
    public static implicit operator Scalar(sbyte v) => new(v, v, 1);
    /// <summary>An integer.</summary>
    public static implicit operator Scalar(byte v) => new(v, v, 1);
    /// <summary>A boolean (it promotes as PyTorch's Python bool does).</summary>
    public static implicit operator Scalar(bool v) => new(v ? 1 : 0, v ? 1 : 0, 0);

    internal bool IsFloating => Kind == 2;
    internal bool IsBool => Kind == 0;
    internal bool IsIntegral => Kind == 1;
    internal bool AsBool => Kind == 2 ? Double != 0 : Long != 0;

    /// <summary>The dtype PyTorch gives a wrapped Python number: float32 default for floats, int64, bool.</summary>
    internal DType DefaultDType => Kind switch { 2 => torch.get_default_dtype(), 1 => DType.Int64, _ => DType.Bool };

    /// <summary>The value as a double.</summary>
    public double ToDouble() => Kind == 2 ? Double : Long;
    /// <summary>The value as a long (a floating value is truncated).</summary>
    public long ToInt64() => Kind == 2 ? (long)Double : Long;

    /// <inheritdoc/>
    public override string ToString() => Kind switch
    {
        2 => Printing.PyFormat.Repr(Double),
        1 => Long.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Long != 0 ? "True" : "False",
    };
}
