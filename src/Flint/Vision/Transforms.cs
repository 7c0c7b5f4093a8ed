namespace Flint.Vision;

/// <summary>PyTorch's <c>torchvision.transforms</c>: functions from an image tensor to a tensor.</summary>
public static class transforms
{
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

    public static Func<Tensor, Tensor> Compose(params Func<Tensor, Tensor>[] steps) => x =>
    {
        foreach (var f in steps) x = f(x);
        return x;
    };

    /// <summary>Wraps a class label as an int64 0-dim tensor (the default target transform).</summary>
    public static Func<long, Tensor> LabelToTensor() => y => torch.tensor(y);
}
