namespace Flint.Tensorboard;

/// <summary>
/// Turns an image tensor into height × width × channels bytes the way PyTorch's <c>add_image</c> does: the layout
/// named by <c>dataformats</c> (CHW, HWC, HW, ...; four letters tile a batch into a grid of 8 columns) becomes HWC,
/// one channel is repeated to RGB, and values are scaled by 255 unless the tensor is uint8, then truncated to bytes
/// (values past [0, 255] and NaN are clamped).
/// </summary>
internal static class ImageConversion
{
    public static (byte[] Pixels, int Height, int Width, int Channels) ToHwc(Tensor image, string dataformats)
    {
        if (dataformats.Distinct().Count() != dataformats.Length)
            throw new ArgumentException($"You can not use the same dimension shordhand twice.         input_format: {dataformats}");
        if (image.ndim != dataformats.Length)
            throw new ArgumentException($"size of input tensor and input format are different.         tensor shape: {PyShape(image)}, input_format: {dataformats}");
        string fmt = dataformats.ToUpperInvariant();
        string target = fmt.Length switch
        {
            4 => "NCHW", 3 => "HWC", 2 => "HW",
            _ => throw new ArgumentException($"dataformats should have 2, 3 or 4 letters (HW, CHW, NCHW, ...), got {dataformats}"),
        };
        var perm = target.Select(c => (long)fmt.IndexOf(c)).ToArray();
        if (perm.Any(p => p < 0)) throw new ArgumentException($"dataformats {dataformats} should be a permutation of {target}");

        var t = image.detach().permute(perm);
        float scale = image.dtype == DType.UInt8 ? 1f : 255f;
        var values = t.ToArray<float>();
        var shape = t.shape.ToArray();
        int height, width, channels;
        float[] hwc;
        switch (fmt.Length)
        {
            case 2:
                (height, width, channels) = (checked((int)shape[0]), checked((int)shape[1]), 1);
                hwc = values;
                break;
            case 3:
                (height, width, channels) = (checked((int)shape[0]), checked((int)shape[1]), checked((int)shape[2]));
                hwc = values;
                break;
            default:
                (hwc, height, width, channels) = Grid(values, shape);
                break;
        }
        int outChannels = channels == 1 ? 3 : channels;
        var pixels = new byte[checked(height * width * outChannels)];
        for (int p = 0, o = 0; p < height * width; p++)
            for (int c = 0; c < outChannels; c++)
                pixels[o++] = ToByte(hwc[p * channels + (channels == 1 ? 0 : c)] * scale);
        return (pixels, height, width, outChannels);
    }

    private static byte ToByte(float v) => v >= 255f ? (byte)255 : v > 0f ? (byte)v : (byte)0;

    /// <summary>A batch in NCHW tiled row by row into a grid of min(N, 8) columns, as HWC (PyTorch's make_grid).</summary>
    private static (float[] Hwc, int Height, int Width, int Channels) Grid(float[] nchw, long[] shape)
    {
        int n = checked((int)shape[0]), c = checked((int)shape[1]), h = checked((int)shape[2]), w = checked((int)shape[3]);
        if (c != 1 && c != 3) throw new ArgumentException($"a batch of images needs 1 or 3 channels, got {c}");
        if (n == 0) throw new ArgumentException("a batch of images needs at least one image");
        int cols = Math.Min(n, 8), rows = (n + cols - 1) / cols;
        int gh = checked(h * rows), gw = checked(w * cols);
        var grid = new float[checked(gh * gw * 3)];
        for (int i = 0; i < n; i++)
        {
            int y0 = i / cols * h, x0 = i % cols * w;
            for (int ch = 0; ch < 3; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        grid[((y0 + y) * gw + x0 + x) * 3 + ch] = nchw[((i * c + (c == 1 ? 0 : ch)) * h + y) * w + x];
        }
        return (grid, gh, gw, 3);
    }

    private static string PyShape(Tensor t) =>
        t.ndim == 1 ? $"({t.size(0)},)" : "(" + string.Join(", ", t.shape.ToArray()) + ")";
}
