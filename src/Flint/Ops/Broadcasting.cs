namespace Flint;

public static partial class torch
{
    /// <summary>The shape the given shapes broadcast to, as <c>torch.broadcast_shapes</c>.</summary>
    public static long[] broadcast_shapes(params long[][] shapes)
    {
        long[] r = [];
        foreach (var s in shapes)
        {
            foreach (var d in s)
                if (d < 0) throw new ArgumentException($"Trying to create tensor with negative dimension {d}: [{string.Join(", ", s)}]");
            try { r = Shape.Broadcast(r, s); }
            catch (ArgumentException) { throw new ArgumentException("Shape mismatch: objects cannot be broadcast to a single shape"); }
        }
        return r;
    }

    /// <summary>The tensors expanded to their common broadcast shape (views, recorded for autograd), as <c>torch.broadcast_tensors</c>.</summary>
    public static Tensor[] broadcast_tensors(params Tensor[] tensors)
    {
        if (tensors.Length == 0) return [];
        var shape = Shape.Broadcast(tensors);
        return tensors.Select(t => t._shape.AsSpan().SequenceEqual(shape) ? t : t.expand(shape)).ToArray();
    }
}
