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

    /// <summary>The check of a unary kernel (no span of layouts built per call).</summary>
    internal static void Check(in Backends.TensorLayout output, in Backends.TensorLayout input)
    {
        CheckInternal(output);
        CheckPartial(output, input);
    }

    /// <summary>The check of a binary kernel (no span of layouts built per call).</summary>
    internal static void Check(in Backends.TensorLayout output, in Backends.TensorLayout a, in Backends.TensorLayout b)
    {
        CheckInternal(output);
        CheckPartial(output, a);
        CheckPartial(output, b);
    }

    /// <summary><see cref="Check(Tensor, ReadOnlySpan{Tensor})"/> for the layouts a kernel receives.</summary>
    internal static void Check(Backends.TensorLayout output, params ReadOnlySpan<Backends.TensorLayout> inputs)
    {
        CheckInternal(output);
        foreach (var input in inputs) CheckPartial(output, input);
    }

    /// <summary>
    /// Refuses an output with a stride-0 dimension of size above one (PyTorch's has_internal_overlap answering yes;
    /// a dense layout never has one, and other layouts it cannot decide are let through, as PyTorch does).
    /// </summary>
    internal static void CheckInternal(in Backends.TensorLayout output)
    {
        var shape = output.Shape; var strides = output.Strides;
        // no elements: dense (PyTorch's is_non_overlapping_and_dense), whatever the strides (channels_last gives 0s)
        foreach (var size in shape) if (size == 0) return;
        for (int d = 0; d < shape.Length; d++)
            if (strides[d] == 0 && shape[d] > 1) throw new ArgumentException(Internal);
    }

    // (the same layout twice is a full overlap, or one too hard to decide: neither throws)
    private static void CheckPartial(in Backends.TensorLayout output, in Backends.TensorLayout input)
    {
        if (!ReferenceEquals(output.Storage, input.Storage)) return;
        // one tensor read and written (an in-place op): a full overlap, without the walk
        if (output.Offset == input.Offset && ReferenceEquals(output.Shape, input.Shape) && ReferenceEquals(output.Strides, input.Strides)) return;
        if (StatusOf(output, input) == Status.Partial) throw new ArgumentException(Partial);
    }

    private static Status StatusOf(in Backends.TensorLayout a, in Backends.TensorLayout b)
    {
        long na = a.Numel, nb = b.Numel;
        if (na == 0 || nb == 0) return Status.None;
        if (!Dense(a) || !Dense(b)) return Status.TooHard;
        long aBegin = a.Offset, aEnd = aBegin + na, bBegin = b.Offset, bEnd = bBegin + nb;
        if (aBegin == bBegin && aEnd == bEnd)
            return a.Strides.AsSpan().SequenceEqual(b.Strides) ? Status.Full : Status.Partial;
        return aBegin < bEnd && bBegin < aEnd ? Status.Partial : Status.None;
    }

    private static bool Dense(in Backends.TensorLayout t) => t.IsContiguous || Shape.IsNonOverlappingAndDense(t.Shape, t.Strides);
}
