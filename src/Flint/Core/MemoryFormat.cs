namespace Flint;

/// <summary>
/// How the elements of a tensor are laid out in memory, as <c>torch.memory_format</c>: row-major
/// (<see cref="torch.contiguous_format"/>), channels innermost for 4-d (<see cref="torch.channels_last"/>) and 5-d
/// (<see cref="torch.channels_last_3d"/>) tensors, or the source's layout (<see cref="torch.preserve_format"/>).
/// </summary>
public sealed class MemoryFormat
{
    private readonly string _name;
    internal readonly MemoryFormatKind Kind;
    private MemoryFormat(string name, MemoryFormatKind kind) { _name = name; Kind = kind; }

    internal static readonly MemoryFormat Contiguous = new("contiguous_format", MemoryFormatKind.Contiguous);
    internal static readonly MemoryFormat ChannelsLast = new("channels_last", MemoryFormatKind.ChannelsLast);
    internal static readonly MemoryFormat ChannelsLast3d = new("channels_last_3d", MemoryFormatKind.ChannelsLast3d);
    internal static readonly MemoryFormat Preserve = new("preserve_format", MemoryFormatKind.Preserve);

    /// <summary>The name PyTorch prints, <c>torch.channels_last</c>.</summary>
    public override string ToString() => "torch." + _name;
}

internal enum MemoryFormatKind { Contiguous, ChannelsLast, ChannelsLast3d, Preserve }

public static partial class torch
{
    /// <summary>Row-major layout, as <c>torch.contiguous_format</c>.</summary>
    public static readonly MemoryFormat contiguous_format = MemoryFormat.Contiguous;
    /// <summary>Channels innermost for 4-d (N, C, H, W) tensors, as <c>torch.channels_last</c>.</summary>
    public static readonly MemoryFormat channels_last = MemoryFormat.ChannelsLast;
    /// <summary>Channels innermost for 5-d (N, C, D, H, W) tensors, as <c>torch.channels_last_3d</c>.</summary>
    public static readonly MemoryFormat channels_last_3d = MemoryFormat.ChannelsLast3d;
    /// <summary>The layout of the source tensor (its strides when it is dense), as <c>torch.preserve_format</c>.</summary>
    public static readonly MemoryFormat preserve_format = MemoryFormat.Preserve;
}

/// <summary>
/// PyTorch's memory-format rules on (sizes, strides): the strides of each format, whether a layout is contiguous
/// in a format, which format a layout suggests, and the strides TensorIterator gives an elementwise result.
/// </summary>
internal static class MemoryFormats
{
    /// <summary>Strides of <paramref name="format"/> for <paramref name="shape"/> (PyTorch's empty_tensor_restride, with its errors).</summary>
    internal static long[] Strides(long[] shape, MemoryFormat format)
    {
        switch (format.Kind)
        {
            case MemoryFormatKind.ChannelsLast:
                if (shape.Length != 4) throw new InvalidOperationException("required rank 4 tensor to use channels_last format");
                return ChannelsLastStrides(shape, [1, 3, 2, 0]);
            case MemoryFormatKind.ChannelsLast3d:
                if (shape.Length != 5) throw new InvalidOperationException("required rank 5 tensor to use channels_last_3d format");
                return ChannelsLastStrides(shape, [1, 4, 3, 2, 0]);
            case MemoryFormatKind.Contiguous:
                return shape.Length == 0 ? Tensor.NoDims : Shape.ContiguousStrides(shape);
            default:
                throw new InvalidOperationException("unsupported memory format " + format);
        }
    }

    // channels_last strides multiply by the plain sizes (a 0 size gives 0 strides outside it), as PyTorch's
    private static long[] ChannelsLastStrides(long[] shape, int[] order)
    {
        var r = new long[shape.Length];
        long acc = 1;
        foreach (var d in order) { r[d] = acc; acc *= shape[d]; }
        return r;
    }

    private static readonly int[] Order2d = [1, 3, 2, 0];
    private static readonly int[] Order3d = [1, 4, 3, 2, 0];

    /// <summary>Whether the layout is contiguous in <paramref name="format"/> (PyTorch's is_contiguous(memory_format)).</summary>
    internal static bool IsContiguous(long[] shape, long[] strides, MemoryFormat format) => format.Kind switch
    {
        MemoryFormatKind.ChannelsLast => shape.Length == 4 && DenseInOrder(shape, strides, Order2d),
        MemoryFormatKind.ChannelsLast3d => shape.Length == 5 && DenseInOrder(shape, strides, Order3d),
        // the preserve format asks for row-major, as PyTorch's is_contiguous(preserve_format)
        _ => Shape.IsContiguous(shape, strides),
    };

    // dims of size 1 are skipped; unlike the row-major check, a 0 size does not make every layout contiguous
    private static bool DenseInOrder(long[] shape, long[] strides, int[] order)
    {
        long expected = 1;
        foreach (var d in order)
        {
            if (shape[d] == 1) continue;
            if (strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /// <summary>Whether the strides rank the dims as channels_last does (PyTorch's is_channels_last_strides_2d/3d).</summary>
    private static bool StridesLike(long[] shape, long[] strides, int[] order)
    {
        long min = 0;
        if (strides[1] == 0) return false;
        foreach (var d in order)
        {
            if (shape[d] == 0) return false;
            if (strides[d] < min) return false;
            // N111 and sliced N11W tensors are ambiguous: row-major wins
            if (d == 0 && min == strides[1]) return false;
            min = strides[d];
            if (shape[d] > 1) min *= shape[d];
        }
        return true;
    }

    /// <summary>
    /// The format a layout suggests (PyTorch's suggest_memory_format): channels_last(_3d) when the strides rank the
    /// dims that way, else contiguous; <paramref name="exactMatch"/> also asks for exactly that format's strides.
    /// </summary>
    internal static MemoryFormat Suggest(long[] shape, long[] strides, bool exactMatch = false)
    {
        if (shape.Length == 4 && StridesLike(shape, strides, Order2d))
        {
            if (!exactMatch || strides.AsSpan().SequenceEqual(ChannelsLastStrides(shape, Order2d))) return MemoryFormat.ChannelsLast;
        }
        else if (shape.Length == 5 && StridesLike(shape, strides, Order3d))
        {
            if (!exactMatch || strides.AsSpan().SequenceEqual(ChannelsLastStrides(shape, Order3d))) return MemoryFormat.ChannelsLast3d;
        }
        return MemoryFormat.Contiguous;
    }

    /// <summary>
    /// Whether an NCHW layer (convolution, batch norm, pooling) runs on this input in channels_last and returns that
    /// format, as PyTorch 1.13's CPU kernels do: the input is channels_last-contiguous and not also row-major.
    /// </summary>
    internal static bool WantsChannelsLast(Tensor t) =>
        t.ndim == 4 && !t.is_contiguous() && IsContiguous(t._shape, t._strides, MemoryFormat.ChannelsLast);

    /// <summary>
    /// <paramref name="t"/> with exactly the strides of channels_last (a copy without history when it has others):
    /// the result layout of a layer whose kernel computed in row-major order.
    /// </summary>
    internal static Tensor RestrideChannelsLast(Tensor t)
    {
        var strides = Strides(t._shape, MemoryFormat.ChannelsLast);
        if (t._strides.AsSpan().SequenceEqual(strides)) return t;
        var r = Tensor.EmptyStrided(t._shape, strides, t.dtype, t.device);
        r.Backend.Copy(r, t);
        return r;
    }

    /// <summary>
    /// The strides TensorIterator gives a result of <paramref name="shape"/> over <paramref name="operands"/>
    /// (broadcast to it): contiguous, channels_last or the operands' common strides when all have that shape and
    /// layout; else dense strides in the dim order the operands' strides give (its reorder_dimensions, ties broken
    /// towards the smaller size, broadcast dims skipped). Null means contiguous. <paramref name="withNumber"/>: the
    /// op also has a wrapped number (a 0-dim operand) the caller left out.
    /// </summary>
    internal static long[]? ResultStrides(long[] shape, ReadOnlySpan<Tensor> operands, bool withNumber = false)
    {
        int nd = shape.Length;
        if (nd < 2) return null;
        // a wrapped number is a 0-dim operand: the operands' shapes differ, so only the dim ranking decides
        bool sameShape = !withNumber, allContig = true, allRowMajor = true;
        foreach (var op in operands)
        {
            if (!op._shape.AsSpan().SequenceEqual(shape)) sameShape = false;
            if (!Tensor.HasContiguousStrides(op._shape, op._strides))
            {
                allRowMajor = false;
                if (!Shape.IsContiguous(op._shape, op._strides)) allContig = false;
            }
        }
        // operands with row-major strides rank their dims row-major, broadcast or not; contiguous ones of the
        // result's shape give a row-major result whatever their strides (TensorIterator's fast setup)
        if (allRowMajor || allContig && sameShape) return null;
        if (sameShape)
        {
            bool cl = nd == 4, dense = true;
            foreach (var op in operands)
            {
                cl &= IsContiguous(op._shape, op._strides, MemoryFormat.ChannelsLast);
                dense &= Dense(op);
            }
            if (cl) return Strides(shape, MemoryFormat.ChannelsLast);
            if (dense)
            {
                var first = operands[0]._strides;
                bool equal = true;
                foreach (var op in operands) if (!op._strides.AsSpan().SequenceEqual(first)) { equal = false; break; }
                if (equal) return (long[])first.Clone();
            }
        }
        // the operands' strides at the broadcast shape (0 along broadcast dims)
        var strides = new long[operands.Length][];
        for (int k = 0; k < operands.Length; k++)
        {
            var op = operands[k];
            var s = new long[nd];
            int off = nd - op._shape.Length;
            for (int i = 0; i < op._shape.Length; i++)
                s[off + i] = op._shape[i] == 1 && shape[off + i] != 1 ? 0 : op._strides[i];
            strides[k] = s;
        }
        // perm[0] is the innermost dim; start from row-major order and insertion-sort with ambiguous comparisons
        var perm = new int[nd];
        for (int i = 0; i < nd; i++) perm[i] = nd - 1 - i;
        int ShouldSwap(int d0, int d1)
        {
            foreach (var s in strides)
            {
                long s0 = s[d0], s1 = s[d1];
                if (s0 == 0 || s1 == 0) continue;
                if (s0 < s1) return -1;
                if (s0 > s1) return 1;
                if (shape[d0] > shape[d1]) return 1;
            }
            return 0;
        }
        for (int i = 1; i < nd; i++)
        {
            int dim1 = i;
            for (int dim0 = i - 1; dim0 >= 0; dim0--)
            {
                int c = ShouldSwap(perm[dim0], perm[dim1]);
                if (c > 0) { (perm[dim0], perm[dim1]) = (perm[dim1], perm[dim0]); dim1 = dim0; }
                else if (c < 0) break;
            }
        }
        bool inverted = true;
        for (int j = 0; j < nd; j++) if (perm[j] != nd - 1 - j) { inverted = false; break; }
        if (inverted) return null;
        var r = new long[nd];
        long acc = 1;
        foreach (var d in perm) { r[d] = acc; acc *= shape[d]; }
        return r;
    }

    /// <summary>
    /// A copy of <paramref name="g"/> without history laid out by PyTorch's gradient layout contract for
    /// <paramref name="variable"/>: the variable's strides when it is dense, else row-major.
    /// </summary>
    internal static Tensor LikeVariable(Tensor g, Tensor variable)
    {
        var r = Dense(variable) ? Tensor.EmptyStrided(variable._shape, (long[])variable._strides.Clone(), g.dtype, g.device)
            : Tensor.Empty(g._shape, g.dtype, g.device);
        r.Backend.Copy(r, g);
        return r;
    }

    private static bool Dense(Tensor t) => Shape.IsContiguous(t._shape, t._strides) || Shape.IsNonOverlappingAndDense(t._shape, t._strides);
}
