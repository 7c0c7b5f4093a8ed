using System.Collections;

namespace Flint;

/// <summary>A tensor's shape (PyTorch's <c>torch.Size</c>): a read-only list of dimension sizes.</summary>
public sealed class Size : IReadOnlyList<long>, IEquatable<Size>
{
    private readonly long[] dims;

    public Size(params long[] dims) { this.dims = (long[])dims.Clone(); }
    internal Size(long[] dims, bool noCopy) { this.dims = noCopy ? dims : (long[])dims.Clone(); }

    public long this[int index]
    {
        get
        {
            int i = index < 0 ? index + dims.Length : index;
            if ((uint)i >= (uint)dims.Length) throw new IndexOutOfRangeException("tuple index out of range");
            return dims[i];
        }
    }

    public int Count => dims.Length;
    public int Length => dims.Length;
    /// <summary>The number of elements: the product of the sizes.</summary>
    public long numel() => Shape.Numel(dims);

    public long[] ToArray() => (long[])dims.Clone();
    public static implicit operator long[](Size s) => s.ToArray();
    public static implicit operator Size(long[] s) => new(s);

    public IEnumerator<long> GetEnumerator() => ((IEnumerable<long>)dims).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => dims.GetEnumerator();

    public bool Equals(Size? other) => other is not null && dims.AsSpan().SequenceEqual(other.dims);
    public override bool Equals(object? obj) => obj is Size s && Equals(s);
    public override int GetHashCode() { var h = new HashCode(); foreach (var d in dims) h.Add(d); return h.ToHashCode(); }
    public static bool operator ==(Size? a, Size? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(Size? a, Size? b) => !(a == b);

    public override string ToString() => $"torch.Size([{string.Join(", ", dims)}])";
}
