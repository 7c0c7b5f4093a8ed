using Flint.Modules;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>Pads the last dim with a constant, as <c>torch.nn.ConstantPad1d</c>.</summary>
        public static ConstantPad1d ConstantPad1d(SizeArg padding, double value) => new(padding, value);
        /// <summary>Pads the last two dims with a constant, as <c>torch.nn.ConstantPad2d</c>.</summary>
        public static ConstantPad2d ConstantPad2d(SizeArg padding, double value) => new(padding, value);
        /// <summary>Pads the last three dims with a constant, as <c>torch.nn.ConstantPad3d</c>.</summary>
        public static ConstantPad3d ConstantPad3d(SizeArg padding, double value) => new(padding, value);
        /// <summary>Pads the last dim with zeros, as <c>torch.nn.ZeroPad1d</c>.</summary>
        public static ZeroPad1d ZeroPad1d(SizeArg padding) => new(padding);
        /// <summary>Pads the last two dims with zeros, as <c>torch.nn.ZeroPad2d</c>.</summary>
        public static ZeroPad2d ZeroPad2d(SizeArg padding) => new(padding);
        /// <summary>Pads the last three dims with zeros, as <c>torch.nn.ZeroPad3d</c>.</summary>
        public static ZeroPad3d ZeroPad3d(SizeArg padding) => new(padding);
        /// <summary>Pads the last dim with its reflection, as <c>torch.nn.ReflectionPad1d</c>.</summary>
        public static ReflectionPad1d ReflectionPad1d(SizeArg padding) => new(padding);
        /// <summary>Pads the last two dims with their reflection, as <c>torch.nn.ReflectionPad2d</c>.</summary>
        public static ReflectionPad2d ReflectionPad2d(SizeArg padding) => new(padding);
        /// <summary>Pads the last three dims with their reflection, as <c>torch.nn.ReflectionPad3d</c>.</summary>
        public static ReflectionPad3d ReflectionPad3d(SizeArg padding) => new(padding);
        /// <summary>Pads the last dim by repeating its edge, as <c>torch.nn.ReplicationPad1d</c>.</summary>
        public static ReplicationPad1d ReplicationPad1d(SizeArg padding) => new(padding);
        /// <summary>Pads the last two dims by repeating their edges, as <c>torch.nn.ReplicationPad2d</c>.</summary>
        public static ReplicationPad2d ReplicationPad2d(SizeArg padding) => new(padding);
        /// <summary>Pads the last three dims by repeating their edges, as <c>torch.nn.ReplicationPad3d</c>.</summary>
        public static ReplicationPad3d ReplicationPad3d(SizeArg padding) => new(padding);
        /// <summary>Pads the last dim with wrap-around, as <c>torch.nn.CircularPad1d</c>.</summary>
        public static CircularPad1d CircularPad1d(SizeArg padding) => new(padding);
        /// <summary>Pads the last two dims with wrap-around, as <c>torch.nn.CircularPad2d</c>.</summary>
        public static CircularPad2d CircularPad2d(SizeArg padding) => new(padding);
        /// <summary>Pads the last three dims with wrap-around, as <c>torch.nn.CircularPad3d</c>.</summary>
        public static CircularPad3d CircularPad3d(SizeArg padding) => new(padding);

        /// <summary>Resizes the spatial dims to <paramref name="size"/> or by <paramref name="scale_factor"/>, as <c>torch.nn.Upsample</c>.</summary>
        public static Upsample Upsample(SizeArg? size = null, ScaleArg? scale_factor = null, string mode = "nearest", bool? align_corners = null,
            bool? recompute_scale_factor = null) => new(size, scale_factor, mode, align_corners, recompute_scale_factor);
        /// <summary>Nearest-neighbour upsampling of (N, C, H, W) inputs, as <c>torch.nn.UpsamplingNearest2d</c>.</summary>
        public static UpsamplingNearest2d UpsamplingNearest2d(SizeArg? size = null, ScaleArg? scale_factor = null) => new(size, scale_factor);
        /// <summary>Bilinear upsampling with aligned corners, as <c>torch.nn.UpsamplingBilinear2d</c>.</summary>
        public static UpsamplingBilinear2d UpsamplingBilinear2d(SizeArg? size = null, ScaleArg? scale_factor = null) => new(size, scale_factor);

        /// <summary>Rearranges (N, C*r², H, W) into (N, C, H*r, W*r), as <c>torch.nn.PixelShuffle</c>.</summary>
        public static PixelShuffle PixelShuffle(long upscale_factor) => new(upscale_factor);
        /// <summary>Rearranges (N, C, H*r, W*r) into (N, C*r², H, W), as <c>torch.nn.PixelUnshuffle</c>.</summary>
        public static PixelUnshuffle PixelUnshuffle(long downscale_factor) => new(downscale_factor);
        /// <summary>Extracts sliding blocks into columns (im2col), as <c>torch.nn.Unfold</c>.</summary>
        public static Unfold Unfold(SizeArg kernel_size, SizeArg? dilation = null, SizeArg? padding = null, SizeArg? stride = null) => new(kernel_size, dilation, padding, stride);
        /// <summary>Sums columns of sliding blocks back into an image (col2im), as <c>torch.nn.Fold</c>.</summary>
        public static Fold Fold(SizeArg output_size, SizeArg kernel_size, SizeArg? dilation = null, SizeArg? padding = null, SizeArg? stride = null)
            => new(output_size, kernel_size, dilation, padding, stride);
    }
}
