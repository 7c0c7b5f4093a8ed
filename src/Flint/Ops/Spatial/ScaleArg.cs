using System.Globalization;

namespace Flint;

/// <summary>
/// A scale factor that PyTorch accepts as one float or a tuple of floats (interpolate's scale_factor). Converts
/// implicitly from double, int, long, double[] and tuples of two or three doubles.
/// </summary>
public readonly struct ScaleArg
{
    private readonly double[]? values;

    private ScaleArg(double[] values) { this.values = values; }

    /// <summary>One scale factor for every spatial dim.</summary>
    public static implicit operator ScaleArg(double v) => new([v]);
    /// <summary>One scale factor for every spatial dim.</summary>
    public static implicit operator ScaleArg(long v) => new([v]);
    /// <summary>One scale factor for every spatial dim.</summary>
    public static implicit operator ScaleArg(int v) => new([v]);
    /// <summary>A scale factor per spatial dim.</summary>
    public static implicit operator ScaleArg(double[] v) => new((double[])v.Clone());
    /// <summary>A scale factor for each of two spatial dims.</summary>
    public static implicit operator ScaleArg((double, double) v) => new([v.Item1, v.Item2]);
    /// <summary>A scale factor for each of three spatial dims.</summary>
    public static implicit operator ScaleArg((double, double, double) v) => new([v.Item1, v.Item2, v.Item3]);

    /// <summary>True when given as a single number (repeated over every spatial dimension).</summary>
    public bool IsSingle => values is { Length: 1 };
    /// <summary>The scale factors given.</summary>
    public double[] Values => values ?? [];

    /// <summary>As Python prints the float or the tuple of floats (<c>2.0</c>, <c>(1.5, 2.0)</c>).</summary>
    public override string ToString() =>
        IsSingle ? Repr(Values[0]) : "(" + string.Join(", ", Values.Select(Repr)) + (Values.Length == 1 ? ",)" : ")");

    internal static string Repr(double v) =>
        double.IsFinite(v) && v == Math.Floor(v) && Math.Abs(v) < 1e16 ? v.ToString("0.0", CultureInfo.InvariantCulture) : v.ToString("R", CultureInfo.InvariantCulture);
}
