using Flint.Modules;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>A 1-d convolution over (N, C, L) inputs, as <c>torch.nn.Conv1d</c>.</summary>
        public static Conv1d Conv1d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
            SizeArg? dilation = null, long groups = 1, bool bias = true, string padding_mode = "zeros", Device? device = null, DType? dtype = null)
            => new(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, device, dtype);

        /// <summary>A 2-d convolution over (N, C, H, W) inputs, as <c>torch.nn.Conv2d</c>.</summary>
        public static Conv2d Conv2d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
            SizeArg? dilation = null, long groups = 1, bool bias = true, string padding_mode = "zeros", Device? device = null, DType? dtype = null)
            => new(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, device, dtype);

        /// <summary>A 2-d transposed convolution (the gradient of a convolution), as <c>torch.nn.ConvTranspose2d</c>.</summary>
        public static ConvTranspose2d ConvTranspose2d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
            SizeArg? output_padding = null, long groups = 1, bool bias = true, SizeArg? dilation = null, string padding_mode = "zeros", Device? device = null, DType? dtype = null)
            => new(in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation, padding_mode, device, dtype);

        /// <summary>1-d max pooling, as <c>torch.nn.MaxPool1d</c>; <paramref name="stride"/> defaults to <paramref name="kernel_size"/>.</summary>
        public static MaxPool1d MaxPool1d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, SizeArg? dilation = null, bool ceil_mode = false)
            => new(kernel_size, stride, padding, dilation, ceil_mode);

        /// <summary>2-d max pooling, as <c>torch.nn.MaxPool2d</c>; <paramref name="stride"/> defaults to <paramref name="kernel_size"/>.</summary>
        public static MaxPool2d MaxPool2d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, SizeArg? dilation = null, bool ceil_mode = false)
            => new(kernel_size, stride, padding, dilation, ceil_mode);

        /// <summary>2-d average pooling, as <c>torch.nn.AvgPool2d</c>.</summary>
        public static AvgPool2d AvgPool2d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, bool ceil_mode = false,
            bool count_include_pad = true, long? divisor_override = null)
            => new(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);

        /// <summary>2-d average pooling to a fixed output size, as <c>torch.nn.AdaptiveAvgPool2d</c>.</summary>
        public static AdaptiveAvgPool2d AdaptiveAvgPool2d(SizeArg output_size) => new(output_size);
        /// <summary>2-d max pooling to a fixed output size, as <c>torch.nn.AdaptiveMaxPool2d</c>.</summary>
        public static AdaptiveMaxPool2d AdaptiveMaxPool2d(SizeArg output_size) => new(output_size);
    }
}
