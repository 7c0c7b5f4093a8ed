using Flint.Modules;

namespace Flint;

public static partial class torch
{
    public static partial class nn
    {
        public static Conv1d Conv1d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
            SizeArg? dilation = null, long groups = 1, bool bias = true, string padding_mode = "zeros", Device? device = null, DType? dtype = null)
            => new(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, device, dtype);

        public static Conv2d Conv2d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
            SizeArg? dilation = null, long groups = 1, bool bias = true, string padding_mode = "zeros", Device? device = null, DType? dtype = null)
            => new(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, bias, padding_mode, device, dtype);

        public static ConvTranspose2d ConvTranspose2d(long in_channels, long out_channels, SizeArg kernel_size, SizeArg? stride = null, SizeArg? padding = null,
            SizeArg? output_padding = null, long groups = 1, bool bias = true, SizeArg? dilation = null, string padding_mode = "zeros", Device? device = null, DType? dtype = null)
            => new(in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias, dilation, padding_mode, device, dtype);

        public static MaxPool1d MaxPool1d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, SizeArg? dilation = null, bool ceil_mode = false)
            => new(kernel_size, stride, padding, dilation, ceil_mode);

        public static MaxPool2d MaxPool2d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, SizeArg? dilation = null, bool ceil_mode = false)
            => new(kernel_size, stride, padding, dilation, ceil_mode);

        public static AvgPool2d AvgPool2d(SizeArg kernel_size, SizeArg? stride = null, SizeArg padding = default, bool ceil_mode = false,
            bool count_include_pad = true, long? divisor_override = null)
            => new(kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override);

        public static AdaptiveAvgPool2d AdaptiveAvgPool2d(SizeArg output_size) => new(output_size);
        public static AdaptiveMaxPool2d AdaptiveMaxPool2d(SizeArg output_size) => new(output_size);
    }
}
