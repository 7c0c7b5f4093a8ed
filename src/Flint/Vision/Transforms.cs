namespace Flint.Vision;

/// <summary>PyTorch's <c>torchvision.transforms</c>: functions from an image tensor to a tensor.</summary>
public static class transforms
{
    /// <summary>Flips the image (last dim) with probability p, drawing from torch's generator.</summary>
    public static Func<Tensor, Tensor> RandomHorizontalFlip(double p = 0.5) => img =>
        torch.rand(1).item<float>() < p ? img.flip(-1) : img;

    /// <summary>Flips the image (second-to-last dim) with probability p.</summary>
    public static Func<Tensor, Tensor> RandomVerticalFlip(double p = 0.5) => img =>
        torch.rand(1).item<float>() < p ? img.flip(-2) : img;

    /// <summary>
    /// A random size×size crop of a [..., H, W] image, after zero padding of <paramref name="padding"/> on every side
    /// (torchvision's RandomCrop with a constant fill).
    /// </summary>
    public static Func<Tensor, Tensor> RandomCrop(long size, long padding = 0, bool pad_if_needed = false) => img =>
    {
        var x = img;
        if (padding > 0 || (pad_if_needed && (x.size(-1) < size || x.size(-2) < size)))
        {
            long ph = padding + (pad_if_needed ? Math.Max(0, size - x.size(-2)) : 0), pw = padding + (pad_if_needed ? Math.Max(0, size - x.size(-1)) : 0);
            var shape = x.shape.ToArray();
            shape[^2] += 2 * ph; shape[^1] += 2 * pw;
            var padded = torch.zeros(shape, dtype: x.dtype);
            padded.narrow(-2, ph, x.size(-2)).narrow(-1, pw, x.size(-1)).copy_(x);
            x = padded;
        }
        long h = x.size(-2), w = x.size(-1);
        if (h < size || w < size)
            throw new ArgumentException($"Required crop size ({size}, {size}) is larger than input image size ({h}, {w})");
        long top = torch.randint(0, h - size + 1, [1]).item<long>();
        long left = torch.randint(0, w - size + 1, [1]).item<long>();
        return x.narrow(-2, top, size).narrow(-1, left, size);
    };

    /// <summary>uint8 [H, W] or [H, W, C] pixels to float32 [C, H, W] in [0, 1] (torchvision's ToTensor).</summary>
    public static Func<Tensor, Tensor> ToTensor() => img =>
    {
        var x = img.dtype == torch.uint8 ? img.to(torch.float32).div_(255) : img.to(torch.float32);
        return img.dim() == 2 ? x.unsqueeze(0) : img.dim() == 3 ? x.permute(2, 0, 1).contiguous() : x;
    };

    /// <summary>(x - mean) / std per channel of a [C, H, W] (or [N, C, H, W]) tensor.</summary>
    public static Func<Tensor, Tensor> Normalize(double[] mean, double[] std) => x =>
    {
        var shape = new long[] { mean.Length, 1, 1 };
        var m = torch.tensor(mean, x.dtype).view(shape);
        var s = torch.tensor(std, x.dtype).view(shape);
        return (x - m) / s;
    };

    /// <summary>A transform that applies <paramref name="steps"/> in order, as <c>torchvision.transforms.Compose</c>.</summary>
    public static Func<Tensor, Tensor> Compose(params Func<Tensor, Tensor>[] steps) => x =>
    {
        foreach (var f in steps) x = f(x);
        return x;
    };

    /// <summary>Wraps a class label as an int64 0-dim tensor (the default target transform).</summary>
    public static Func<long, Tensor> LabelToTensor() => y => torch.tensor(y);
}
