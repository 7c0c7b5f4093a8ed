using Flint.Modules;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public static ConstantPad1d ConstantPad1d(SizeArg padding, double value) => new(padding, value);
        public static ConstantPad2d ConstantPad2d(SizeArg padding, double value) => new(padding, value);
        public static ConstantPad3d ConstantPad3d(SizeArg padding, double value) => new(padding, value);
        public static ZeroPad1d ZeroPad1d(SizeArg padding) => new(padding);
        public static ZeroPad2d ZeroPad2d(SizeArg padding) => new(padding);
        public static ZeroPad3d ZeroPad3d(SizeArg padding) => new(padding);
        public static ReflectionPad1d ReflectionPad1d(SizeArg padding) => new(padding);
        public static ReflectionPad2d ReflectionPad2d(SizeArg padding) => new(padding);
        public static ReflectionPad3d ReflectionPad3d(SizeArg padding) => new(padding);
        public static ReplicationPad1d ReplicationPad1d(SizeArg padding) => new(padding);
        public static ReplicationPad2d ReplicationPad2d(SizeArg padding) => new(padding);
        public static ReplicationPad3d ReplicationPad3d(SizeArg padding) => new(padding);
        public static CircularPad1d CircularPad1d(SizeArg padding) => new(padding);
        public static CircularPad2d CircularPad2d(SizeArg padding) => new(padding);
        public static CircularPad3d CircularPad3d(SizeArg padding) => new(padding);

        public static Upsample Upsample(SizeArg? size = null, ScaleArg? scale_factor = null, string mode = "nearest", bool? align_corners = null,
            bool? recompute_scale_factor = null) => new(size, scale_factor, mode, align_corners, recompute_scale_factor);
        public static UpsamplingNearest2d UpsamplingNearest2d(SizeArg? size = null, ScaleArg? scale_factor = null) => new(size, scale_factor);
        public static UpsamplingBilinear2d UpsamplingBilinear2d(SizeArg? size = null, ScaleArg? scale_factor = null) => new(size, scale_factor);

        public static PixelShuffle PixelShuffle(long upscale_factor) => new(upscale_factor);
        public static PixelUnshuffle PixelUnshuffle(long downscale_factor) => new(downscale_factor);
        public static Unfold Unfold(SizeArg kernel_size, SizeArg? dilation = null, SizeArg? padding = null, SizeArg? stride = null) => new(kernel_size, dilation, padding, stride);
        public static Fold Fold(SizeArg output_size, SizeArg kernel_size, SizeArg? dilation = null, SizeArg? padding = null, SizeArg? stride = null)
            => new(output_size, kernel_size, dilation, padding, stride);
    }
}
