namespace Flint;

/// <summary>
/// A size argument that PyTorch accepts as one int or a tuple of ints (kernel_size, stride, padding, ...), and for
/// a convolution's padding also a string ("same" or "valid"). Converts implicitly from long, int, long[], int[],
/// tuples of two ints and strings.
/// </summary>
public readonly struct SizeArg
{
    private readonly long[]? values;
    /// <summary>The string form ("same"/"valid"), or null when the argument is numeric.</summary>
    public string? Text { get; }

    private SizeArg(long[]? values, string? text) { this.values = values; Text = text; }

    /// <summary>One size for every spatial dim (<c>kernel_size=3</c>).</summary>
    public static implicit operator SizeArg(long v) => new([v], null);
    /// <summary>One size for every spatial dim.</summary>
    public static implicit operator SizeArg(int v) => new([v], null);
    /// <summary>A size per spatial dim (<c>kernel_size=(3, 5)</c>).</summary>
    public static implicit operator SizeArg(long[] v) => new((long[])v.Clone(), null);
    /// <summary>A size per spatial dim.</summary>
    public static implicit operator SizeArg(int[] v) => new(v.Select(x => (long)x).ToArray(), null);
    /// <summary>A size for each of two spatial dims.</summary>
    public static implicit operator SizeArg((long, long) v) => new([v.Item1, v.Item2], null);
    /// <summary>A padding mode: <c>"same"</c> or <c>"valid"</c>.</summary>
    public static implicit operator SizeArg(string s) => new(null, s);

    /// <summary>True when given as a single int (expanded to every spatial dimension).</summary>
    public bool IsSingle => values is { Length: 1 };
    /// <summary>The sizes given (empty for a padding mode).</summary>
    public long[] Values => values ?? [];

    /// <summary>The values expanded to <paramref name="n"/> dims (a single int repeats).</summary>
    internal long[] Expand(int n) => values is { Length: 1 } ? Enumerable.Repeat(values[0], n).ToArray() : Values;

    /// <inheritdoc/>
    public override string ToString() => Text ?? (values is { Length: 1 } ? values[0].ToString() : "(" + string.Join(", ", Values) + (Values.Length == 1 ? ",)" : ")"));
}
