namespace Flint.Ops.Spatial;

/// <summary>one_hot: int64 class indices to int64 rows with a single 1.</summary>
internal static class OneHot
{
    internal static Tensor Encode(Tensor input, long num_classes)
    {
        if (input.dtype != DType.Int64) throw new ArgumentException("one_hot is only applicable to index tensor.");
        long[] shape = [.. input._shape, 0];
        if (input.numel() == 0)
        {
            if (num_classes <= 0) throw new ArgumentException("Can not infer total number of classes from empty tensor.");
            shape[^1] = num_classes;
            return Tensor.Empty(shape, DType.Int64, input.device);
        }
        long min = input.min().item<long>(), max = input.max().item<long>();
        if (min < 0) throw new ArgumentException("Class values must be non-negative.");
        if (num_classes == -1) num_classes = max + 1;
        else if (num_classes <= max) throw new ArgumentException("Class values must be smaller than num_classes.");
        shape[^1] = num_classes;
        return Tensor.Zeros(shape, DType.Int64, input.device).scatter_(-1, input.unsqueeze(-1), 1);
    }
}
