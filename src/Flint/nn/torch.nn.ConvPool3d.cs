using Flint.Modules;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>3-d max pooling, as <c>torch.nn.MaxPool3d</c>.</summary>
        public static MaxPool3d MaxPool3d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, SizeArg? dilation = null, bool ceil_mode = false) =>
            new(kernel_size, stride, padding, dilation, ceil_mode);
        /// <summary>1-d average pooling, as <c>torch.nn.AvgPool1d</c>.</summary>
        public static AvgPool1d AvgPool1d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, bool ceil_mode = false, bool count_include_pad = true) =>
            new(kernel_size, stride, padding, ceil_mode, count_include_pad);
        /// <summary>3-d average pooling, as <c>torch.nn.AvgPool3d</c>.</summary>
        public static AvgPool3d AvgPool3d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, bool ceil_mode = false, bool count_include_pad = true,
            long? divisor_override = null) => new(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);

        /// <summary>1-d average pooling to a fixed output size, as <c>torch.nn.AdaptiveAvgPool1d</c>.</summary>
        public static AdaptiveAvgPool1d AdaptiveAvgPool1d(SizeArg output_size) => new(output_size);
        /// <summary>3-d average pooling to a fixed output size, as <c>torch.nn.AdaptiveAvgPool3d</c>.</summary>
        public static AdaptiveAvgPool3d AdaptiveAvgPool3d(SizeArg output_size) => new(output_size);
        /// <summary>1-d max pooling to a fixed output size, as <c>torch.nn.AdaptiveMaxPool1d</c>.</summary>
        public static AdaptiveMaxPool1d AdaptiveMaxPool1d(SizeArg output_size) => new(output_size);
        /// <summary>3-d max pooling to a fixed output size, as <c>torch.nn.AdaptiveMaxPool3d</c>.</summary>
        public static AdaptiveMaxPool3d AdaptiveMaxPool3d(SizeArg output_size) => new(output_size);

        /// <summary>The partial inverse of <c>MaxPool1d</c>, as <c>torch.nn.MaxUnpool1d</c>.</summary>
        public static MaxUnpool1d MaxUnpool1d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default) => new(kernel_size, stride, padding);
        /// <summary>The partial inverse of <c>MaxPool2d</c>, as <c>torch.nn.MaxUnpool2d</c>.</summary>
        public static MaxUnpool2d MaxUnpool2d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default) => new(kernel_size, stride, padding);
        /// <summary>The partial inverse of <c>MaxPool3d</c>, as <c>torch.nn.MaxUnpool3d</c>.</summary>
        public static MaxUnpool3d MaxUnpool3d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default) => new(kernel_size, stride, padding);

        /// <summary>1-d power-average pooling, as <c>torch.nn.LPPool1d</c>.</summary>
        public static LPPool1d LPPool1d(double norm_type, long kernel_size, long? stride = null, bool ceil_mode = false) => new(norm_type, kernel_size, stride, ceil_mode);
        /// <summary>2-d power-average pooling, as <c>torch.nn.LPPool2d</c>.</summary>
        public static LPPool2d LPPool2d(double norm_type, SizeArg kernel_size, SizeArg? stride = null, bool ceil_mode = false) => new(norm_type, kernel_size, stride, ceil_mode);

        /// <summary>A 3-d convolution over (N, C, D, H, W) inputs, as <c>torch.nn.Conv3d</c>.</summary>
        public static Conv3d Conv3d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null, SizeArg? dilation = null,
            long groups = 1, bool bias = true, string padding_mode = "zeros", Device? device = null, DType? dtype = null) =>
            new(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, device, dtype);
        /// <summary>A 1-d transposed convolution, as <c>torch.nn.ConvTranspose1d</c>.</summary>
        public static ConvTranspose1d ConvTranspose1d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
            SizeArg? output_padding = null, long groups = 1, bool bias = true, SizeArg? dilation = null, string padding_mode = "zeros", Device? device = null,
            DType? dtype = null) => new(in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation, padding_mode, device, dtype);
        /// <summary>A 3-d transposed convolution, as <c>torch.nn.ConvTranspose3d</c>.</summary>
        public static ConvTranspose3d ConvTranspose3d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
            SizeArg? output_padding = null, long groups = 1, bool bias = true, SizeArg? dilation = null, string padding_mode = "zeros", Device? device = null,
            DType? dtype = null) => new(in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation, padding_mode, device, dtype);
    }
}
