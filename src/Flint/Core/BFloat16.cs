using System.Runtime.CompilerServices;

namespace Flint;

/// <summary>Brain floating point: the upper 16 bits of a float32 (PyTorch's <c>torch.bfloat16</c>).</summary>
public readonly struct BFloat16 : IEquatable<BFloat16>, IComparable<BFloat16>
{
    internal readonly ushort Bits;

    private BFloat16(ushort bits, bool _) { Bits = bits; }

    internal static BFloat16 FromBits(ushort bits) => new(bits, true);

    /// <summary>Rounds a float to the nearest bfloat16, ties to even, as PyTorch does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator BFloat16(float f)
    {
        if (float.IsNaN(f)) return new(0x7FC0, true);
        uint u = BitConverter.SingleToUInt32Bits(f);
        uint rounding = 0x7FFFu + ((u >> 16) & 1u);
        return new((ushort)((u + rounding) >> 16), true);
    }

    /// <summary>Rounds a double to the nearest bfloat16 (through float, as PyTorch converts).</summary>
    public static explicit operator BFloat16(double d) => (BFloat16)(float)d;

    /// <summary>The exact float value of the bfloat16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static implicit operator float(BFloat16 b) => BitConverter.UInt32BitsToSingle((uint)b.Bits << 16);

    /// <summary>The exact double value of the bfloat16.</summary>
    public static explicit operator double(BFloat16 b) => (float)b;

    /// <inheritdoc/>
    public bool Equals(BFloat16 other) => (float)this == (float)other;
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BFloat16 b && Equals(b);
    /// <inheritdoc/>
    public override int GetHashCode() => ((float)this).GetHashCode();
    /// <inheritdoc/>
    public int CompareTo(BFloat16 other) => ((float)this).CompareTo((float)other);
    /// <inheritdoc/>
    public override string ToString() => ((float)this).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
