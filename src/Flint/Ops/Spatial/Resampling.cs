using Flint.Backends;
using Flint.Ops.Kernels;

namespace Flint.Ops.Spatial;

/// <summary>
/// An op that resamples a tensor's last dims, one table per dim (padding by reflection or replication, the
/// interpolations): its node and the node of its backward (recorded too, so gradients of gradients work).
/// </summary>
internal sealed class ResampleOp
{
    internal readonly NodeDerivative<ResamplePlan> Forward, Backward;

    internal ResampleOp(string node)
    {
        Forward = new(node, null, Resampling.Adjoint);
        Backward = new(node[..^"Backward0".Length] + "BackwardBackward0", null, Resampling.Apply);
    }
}

/// <summary>The input's shape, the tables of its last Tables.Length dims (null: the dim is left as it is), and the op.</summary>
internal sealed record ResamplePlan(long[] InShape, ResampleTable?[] Tables, ResampleOp Op)
{
    internal long[] OutShape
    {
        get
        {
            var s = (long[])InShape.Clone();
            for (int j = 0; j < Tables.Length; j++)
                if (Tables[j] is { } t) s[s.Length - Tables.Length + j] = t.Length;
            return s;
        }
    }
}

/// <summary>
/// Runs a <see cref="ResamplePlan"/>: each table is one backend pass over the tensor viewed as [outer, n, inner], the
/// last dim first (the order PyTorch's interpolation kernels weight in); the backward applies the transposed tables
/// in the opposite order.
/// </summary>
internal static class Resampling
{
    internal static Tensor Run(Tensor x, ResampleTable?[] tables, ResampleOp op) => Apply(x, new ResamplePlan(x._shape, tables, op));

    internal static Tensor Apply(Tensor x, ResamplePlan p)
    {
        Tensor y;
        using (torch.no_grad())
        {
            y = x.contiguous();
            // bfloat16 is weighted in float32, as PyTorch's kernels do
            if (y.dtype == DType.BFloat16 && p.Tables.Any(t => t?.Weights is not null)) y = y.to(DType.Float32);
            int first = y.ndim - p.Tables.Length;
            for (int j = p.Tables.Length - 1; j >= 0; j--)
                if (p.Tables[j] is { } t && !IsIdentity(t, y._shape[first + j])) y = Pass(y, first + j, t, t.Length, backward: false);
            if (ReferenceEquals(y._storage, x._storage)) y = y.clone();
            if (y.dtype != x.dtype) y = y.to(x.dtype);
        }
        return p.Op.Forward.Record(y, [x], p);
    }

    internal static Tensor Adjoint(Tensor gy, ResamplePlan p)
    {
        Tensor gx;
        using (torch.no_grad())
        {
            gx = gy.contiguous();
            if (gx.dtype == DType.BFloat16) gx = gx.to(DType.Float32);
            int first = gx.ndim - p.Tables.Length;
            for (int j = 0; j < p.Tables.Length; j++)
                if (p.Tables[j] is { } t && !IsIdentity(t, p.InShape[first + j])) gx = Pass(gx, first + j, t, p.InShape[first + j], backward: true);
            if (ReferenceEquals(gx._storage, gy._storage)) gx = gx.clone();
            if (gx.dtype != gy.dtype) gx = gx.to(gy.dtype);
        }
        return p.Op.Backward.Record(gx, [gy], p);
    }

    /// <summary>A weightless table that reads position o for every o (nearest at the same size).</summary>
    private static bool IsIdentity(ResampleTable t, long n)
    {
        if (t.Weights is not null || t.Taps != 1 || t.Index.Length != n) return false;
        for (int i = 0; i < t.Index.Length; i++) if (t.Index[i] != i) return false;
        return true;
    }

    /// <summary>One pass over dim d of contiguous x: to length <paramref name="length"/> (forward: the table's; backward: the input's).</summary>
    private static Tensor Pass(Tensor x, int d, ResampleTable t, long length, bool backward)
    {
        var s = x._shape;
        long outer = Shape.Numel(s[..d]), n = s[d], inner = Shape.Numel(s[(d + 1)..]);
        var shape = (long[])s.Clone();
        shape[d] = length;
        var y = Tensor.Empty(shape, x.dtype, x.device);
        if (outer == 0 || inner == 0) return y;
        if (n == 0) return backward ? y.zero_() : y;
        var xv = new Tensor(x._storage, [outer, n, inner], [n * inner, inner, 1], x._offset);
        var yv = new Tensor(y._storage, [outer, length, inner], [length * inner, inner, 1], y._offset);
        if (backward) y.Backend.ResampleBackward(xv, yv, t);
        else y.Backend.Resample(xv, yv, t);
        return y;
    }
}
