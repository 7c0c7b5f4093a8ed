using Flint.Ops.Spatial;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public static partial class functional
        {
            /// <summary>
            /// Pads the last dims: pad holds (left, right) pairs from the last dim backwards. mode "constant" (any dtype;
            /// negative pads crop), "reflect", "replicate" or "circular" (the last 1, 2 or 3 dims of a 2-4, 3-5 or 4-5-D input).
            /// </summary>
            public static Tensor pad(Tensor input, long[] pad, string mode = "constant", double? value = null) => Padding.Pad(input, pad, mode, value);

            /// <summary>
            /// Resizes the spatial dims (all but the first two) to size, or by scale_factor: modes nearest, nearest-exact,
            /// linear (3-D), bilinear and bicubic (4-D), trilinear (5-D), area (adaptive average pooling).
            /// </summary>
            public static Tensor interpolate(Tensor input, SizeArg? size = null, ScaleArg? scale_factor = null, string mode = "nearest",
                bool? align_corners = null, bool? recompute_scale_factor = null, bool antialias = false)
                => Interpolation.Interpolate(input, size, scale_factor, mode, align_corners, recompute_scale_factor, antialias);

            /// <summary>The deprecated form of <see cref="interpolate"/>.</summary>
            public static Tensor upsample(Tensor input, SizeArg? size = null, ScaleArg? scale_factor = null, string mode = "nearest", bool? align_corners = null)
                => Interpolation.Interpolate(input, size, scale_factor, mode, align_corners, null, false);

            /// <summary>Nearest upsampling (the deprecated F.upsample_nearest).</summary>
            public static Tensor upsample_nearest(Tensor input, SizeArg? size = null, ScaleArg? scale_factor = null)
                => Interpolation.Interpolate(input, size, scale_factor, "nearest", null, null, false);

            /// <summary>Bilinear upsampling with align_corners=True (the deprecated F.upsample_bilinear).</summary>
            public static Tensor upsample_bilinear(Tensor input, SizeArg? size = null, ScaleArg? scale_factor = null)
                => Interpolation.Interpolate(input, size, scale_factor, "bilinear", true, null, false);

            /// <summary>[*, C·r², H, W] → [*, C, H·r, W·r].</summary>
            public static Tensor pixel_shuffle(Tensor input, long upscale_factor) => PixelShuffling.Shuffle(input, upscale_factor);

            /// <summary>[*, C, H·r, W·r] → [*, C·r², H, W].</summary>
            public static Tensor pixel_unshuffle(Tensor input, long downscale_factor) => PixelShuffling.Unshuffle(input, downscale_factor);

            /// <summary>int64 class indices to one-hot int64 rows (num_classes -1: the largest index plus one).</summary>
            public static Tensor one_hot(Tensor tensor, long num_classes = -1) => OneHot.Encode(tensor, num_classes);

            /// <summary>Sliding local blocks of a [N, C, H, W] (or [C, H, W]) input as columns [N, C·kh·kw, L] (im2col).</summary>
            public static Tensor unfold(Tensor input, SizeArg kernel_size, SizeArg? dilation = null, SizeArg? padding = null, SizeArg? stride = null)
                => Folding.Unfold(input, kernel_size, dilation ?? 1, padding ?? 0, stride ?? 1);

            /// <summary>Sums columns [N, C·kh·kw, L] (or [C·kh·kw, L]) back into an image of output_size (col2im).</summary>
            public static Tensor fold(Tensor input, SizeArg output_size, SizeArg kernel_size, SizeArg? dilation = null, SizeArg? padding = null, SizeArg? stride = null)
                => Folding.Fold(input, output_size, kernel_size, dilation ?? 1, padding ?? 0, stride ?? 1);
        }
    }

    /// <summary>[*, C·r², H, W] → [*, C, H·r, W·r].</summary>
    public static Tensor pixel_shuffle(Tensor input, long upscale_factor) => PixelShuffling.Shuffle(input, upscale_factor);

    /// <summary>[*, C, H·r, W·r] → [*, C·r², H, W].</summary>
    public static Tensor pixel_unshuffle(Tensor input, long downscale_factor) => PixelShuffling.Unshuffle(input, downscale_factor);

    /// <summary>constant_pad_nd: pads with value (negative pads crop).</summary>
    public static Tensor constant_pad_nd(Tensor input, long[] pad, double value = 0) => Padding.Constant(input, pad, value);
}
