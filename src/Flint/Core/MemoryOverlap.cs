namespace Flint;

/// <summary>
/// PyTorch's memory-overlap rules for ops that write elementwise: an output whose elements share memory
/// (an expanded view) cannot be written, and an input that shares part, but not all, of an output's memory
/// (a shifted slice, a transpose of it) cannot be read while that output is written, because the result would
/// depend on the order of the walk. Every backend applies these before it writes.
/// </summary>
internal static class MemoryOverlap
{
    private const string Internal = "unsupported operation: more than one element of the written-to tensor refers to a single memory location. Please clone() the tensor before performing the operation.";
    private const string Partial = "unsupported operation: some elements of the input tensor and the written-to tensor refer to a single memory location. Please clone() the tensor before performing the operation.";

    private enum Status { None, Full, Partial, TooHard }

    /// <summary>Throws when <paramref name="output"/> overlaps itself or partly overlaps one of <paramref name="inputs"/>.</summary>
    internal static void Check(Tensor output, params ReadOnlySpan<Tensor> inputs)
    {
        CheckInternal(output);
        foreach (var input in inputs) CheckPartial(output, input);
    }

    /// <summary>
    /// Refuses an output with a stride-0 dimension of size above one (PyTorch's has_internal_overlap answering yes;
    /// a dense layout never has one, and other layouts it cannot decide are let through, as PyTorch does).
    /// </summary>
    internal static void CheckInternal(Tensor output)
    {
        var shape = output._shape; var strides = output._strides;
        for (int d = 0; d < shape.Length; d++)
            if (strides[d] == 0 && shape[d] > 1) throw new ArgumentException(Internal);
    }

    private static void CheckPartial(Tensor output, Tensor input)
    {
        if (!ReferenceEquals(output._storage, input._storage) || ReferenceEquals(output, input)) return;
        if (StatusOf(output, input) == Status.Partial) throw new ArgumentException(Partial);
    }

    private static Status StatusOf(Tensor a, Tensor b)
    {
        long na = a.numel(), nb = b.numel();
        if (na == 0 || nb == 0) return Status.None;
        if (!Dense(a) || !Dense(b)) return Status.TooHard;
        long aBegin = a._offset, aEnd = aBegin + na, bBegin = b._offset, bEnd = bBegin + nb;
        if (aBegin == bBegin && aEnd == bEnd)
            return a._strides.AsSpan().SequenceEqual(b._strides) ? Status.Full : Status.Partial;
        return aBegin < bEnd && bBegin < aEnd ? Status.Partial : Status.None;
    }

    private static bool Dense(Tensor t) => t.is_contiguous() || Shape.IsNonOverlappingAndDense(t._shape, t._strides);
}
