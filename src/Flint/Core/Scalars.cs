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
}
