using Flint.Ops.Kernels;

namespace Flint.Ops.Spatial;

/// <summary>pixel_shuffle and pixel_unshuffle: a reshape, a permute and a copy, each recorded as PyTorch's one node.</summary>
internal static class PixelShuffling
{
    internal static readonly NodeDerivative<long> ShuffleDerivative = new("PixelShuffleBackward0", null, (g, r) => Unshuffle(g, r));
    internal static readonly NodeDerivative<long> UnshuffleDerivative = new("PixelUnshuffleBackward0", null, (g, r) => Shuffle(g, r));

    private static void CheckRank(Tensor x, string op)
    {
        if (x.ndim < 3) throw new ArgumentException($"{op} expects input to have at least 3 dimensions, but got input with {x.ndim} dimension(s)");
    }

    internal static Tensor Shuffle(Tensor input, long upscale_factor)
    {
        CheckRank(input, "pixel_shuffle");
        long r = upscale_factor;
        if (r <= 0) throw new ArgumentException($"pixel_shuffle expects a positive upscale_factor, but got {r}");
        long c = input._shape[^3], h = input._shape[^2], w = input._shape[^1];
        if (c % (r * r) != 0)
            throw new ArgumentException($"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of upscale_factor, but input.size(-3)={c} is not divisible by {r * r}");
        var batch = input._shape[..^3];
        int b = batch.Length;
        return ShuffleDerivative.Run([input], r, () => input.reshape([.. batch, c / (r * r), r, r, h, w])
            .permute([.. Enumerable.Range(0, b).Select(i => (long)i), b, b + 3, b + 1, b + 4, b + 2])
            .reshape([.. batch, c / (r * r), h * r, w * r]).contiguous());
    }

    internal static Tensor Unshuffle(Tensor input, long downscale_factor)
    {
        CheckRank(input, "pixel_unshuffle");
        long r = downscale_factor;
        if (r <= 0) throw new ArgumentException($"pixel_unshuffle expects a positive downscale_factor, but got {r}");
        long c = input._shape[^3], h = input._shape[^2], w = input._shape[^1];
        if (h % r != 0) throw new ArgumentException($"pixel_unshuffle expects height to be divisible by downscale_factor, but input.size(-2)={h} is not divisible by {r}");
        if (w % r != 0) throw new ArgumentException($"pixel_unshuffle expects width to be divisible by downscale_factor, but input.size(-1)={w} is not divisible by {r}");
        var batch = input._shape[..^3];
        int b = batch.Length;
        return UnshuffleDerivative.Run([input], r, () => input.reshape([.. batch, c, h / r, r, w / r, r])
            .permute([.. Enumerable.Range(0, b).Select(i => (long)i), b, b + 2, b + 4, b + 1, b + 3])
            .reshape([.. batch, c * r * r, h / r, w / r]).contiguous());
    }
}
