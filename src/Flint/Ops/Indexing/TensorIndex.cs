namespace Flint;

/// <summary>
/// One entry of an index expression, as in PyTorch's <c>x[0, 1:3, None, ..., mask]</c>. C# values convert
/// implicitly: <c>long</c>/<c>int</c> select (negative counts from the end), <see cref="System.Index"/> selects
/// (<c>^1</c> is the last), <see cref="System.Range"/> is a step-1 slice (<c>..</c> is the full slice),
/// <c>bool</c> adds a dim of size 1 (true) or 0 (false), a <see cref="Tensor"/> is a mask (bool/uint8) or an
/// integer index (int64). <see cref="None"/> adds a new axis, <see cref="Ellipsis"/> stands for every
/// remaining dim, and <see cref="Slice"/> gives slices with a step.
/// </summary>
public readonly struct TensorIndex
{
    internal enum Kind { Integer, Slice, None, Ellipsis, Boolean, Tensor }

    internal readonly Kind kind;
    internal readonly long value;       // Integer: the index; Boolean: 1 or 0
    internal readonly bool fromEnd;     // Integer given as ^k: value is k
    internal readonly long? start, stop;
    internal readonly long step;
    internal readonly Tensor? tensor;

    private TensorIndex(Kind kind, long value = 0, bool fromEnd = false, long? start = null, long? stop = null, long step = 1, Tensor? tensor = null)
    {
        this.kind = kind; this.value = value; this.fromEnd = fromEnd;
        this.start = start; this.stop = stop; this.step = step; this.tensor = tensor;
    }

    /// <summary>PyTorch's <c>None</c>: inserts a new dim of size 1.</summary>
    public static readonly TensorIndex None = new(Kind.None);
    /// <summary>PyTorch's <c>...</c>: as many full slices as the other entries leave dims.</summary>
    public static readonly TensorIndex Ellipsis = new(Kind.Ellipsis);
    /// <summary>PyTorch's <c>:</c>, the full slice (same as C#'s <c>..</c>).</summary>
    public static readonly TensorIndex Colon = new(Kind.Slice);

    /// <summary>The slice <c>start:stop:step</c>; null bounds mean the ends, negative ones count from the end.</summary>
    public static TensorIndex Slice(long? start = null, long? stop = null, long step = 1) => new(Kind.Slice, start: start, stop: stop, step: step);
    /// <summary>Selects one position (negative counts from the end).</summary>
    public static TensorIndex Single(long index) => new(Kind.Integer, index);

    /// <summary>An integer index (<c>t[2]</c>): selects and removes the dim.</summary>
    public static implicit operator TensorIndex(long index) => new(Kind.Integer, index);
    /// <summary>An integer index (<c>t[2]</c>): selects and removes the dim.</summary>
    public static implicit operator TensorIndex(int index) => new(Kind.Integer, index);
    /// <summary>An index from the end (<c>t[^1]</c>, Python's <c>t[-1]</c>).</summary>
    public static implicit operator TensorIndex(Index index) => new(Kind.Integer, index.Value, index.IsFromEnd);
    /// <summary>A bool index: <c>true</c> adds a size-1 dim, <c>false</c> a size-0 one, as in PyTorch.</summary>
    public static implicit operator TensorIndex(bool value) => new(Kind.Boolean, value ? 1 : 0);
    /// <summary>A tensor index: an integer tensor gathers (advanced indexing), a bool tensor masks.</summary>
    public static implicit operator TensorIndex(Tensor tensor) => new(Kind.Tensor, tensor: tensor ?? throw new ArgumentNullException(nameof(tensor)));

    /// <summary>A slice (<c>t[1..3]</c>, Python's <c>t[1:3]</c>).</summary>
    public static implicit operator TensorIndex(Range range)
    {
        // ^k becomes -k (Python's from-the-end bound); ^0 is the far end: no bound for the stop, the size for the start
        long? s = range.Start.IsFromEnd ? (range.Start.Value == 0 ? long.MaxValue : -(long)range.Start.Value) : range.Start.Value;
        long? e = range.End.IsFromEnd ? (range.End.Value == 0 ? null : -(long)range.End.Value) : range.End.Value;
        if (s == 0) s = null;
        return new(Kind.Slice, start: s, stop: e, step: 1);
    }

    /// <inheritdoc/>
    public override string ToString() => kind switch
    {
        Kind.Integer => fromEnd ? $"^{value}" : value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Kind.Slice => $"{start}:{stop}" + (step != 1 ? $":{step}" : ""),
        Kind.None => "None",
        Kind.Ellipsis => "...",
        Kind.Boolean => value != 0 ? "True" : "False",
        _ => "Tensor",
    };
}
