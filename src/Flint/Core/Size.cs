using System.Collections;

namespace Flint;

/// <summary>A tensor's shape (PyTorch's <c>torch.Size</c>): a read-only list of dimension sizes.</summary>
public sealed class Size : IReadOnlyList<long>, IEquatable<Size>
{
    private readonly long[] dims;

    /// <summary>A size with the given dims (copied).</summary>
    public Size(params long[] dims) { this.dims = (long[])dims.Clone(); }
    internal Size(long[] dims, bool noCopy) { this.dims = noCopy ? dims : (long[])dims.Clone(); }

    /// <summary>The size of dim <paramref name="index"/>; negative indices count from the end, as in Python.</summary>
    public long this[int index]
    {
        get
        {
            int i = index < 0 ? index + dims.Length : index;
            if ((uint)i >= (uint)dims.Length) throw new IndexOutOfRangeException("tuple index out of range");
            return dims[i];
        }
    }

    /// <summary>The number of dims.</summary>
    public int Count => dims.Length;
    /// <summary>The number of dims, as <c>len(size)</c>.</summary>
    public int Length => dims.Length;
    /// <summary>The number of elements: the product of the sizes.</summary>
    public long numel() => Shape.Numel(dims);

    /// <summary>A copy of the dims.</summary>
    public long[] ToArray() => (long[])dims.Clone();
    /// <summary>A copy of the dims as an array.</summary>
    public static implicit operator long[](Size s) => s.ToArray();
    /// <summary>The size of the dims in the array.</summary>
    public static implicit operator Size(long[] s) => new(s);

    /// <inheritdoc/>
    public IEnumerator<long> GetEnumerator() => ((IEnumerable<long>)dims).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => dims.GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(Size? other) => other is not null && dims.AsSpan().SequenceEqual(other.dims);
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Size s && Equals(s);
    /// <inheritdoc/>
    public override int GetHashCode() { var h = new HashCode(); foreach (var d in dims) h.Add(d); return h.ToHashCode(); }
    /// <summary>Whether two sizes have the same dims (null equals only null).</summary>
    public static bool operator ==(Size? a, Size? b) => a is null ? b is null : a.Equals(b);
    /// <summary>Whether two sizes differ.</summary>
    public static bool operator !=(Size? a, Size? b) => !(a == b);

    /// <inheritdoc/>
    public override string ToString() => $"torch.Size([{string.Join(", ", dims)}])";
}
