using Flint;
using static Flint.torch;

namespace Quickstart;

/// <summary>The <c>--model cnn</c> network: two 5x5 convolutions with 2x2 max pooling, then two linear layers.</summary>
public static partial class Models
{
    public static nn.Module<Tensor, Tensor> ConvNet() => nn.Sequential(
        Conv2d(1, 16, 5),       // [N, 1, 28, 28] -> [N, 16, 24, 24]
        nn.ReLU(),
        MaxPool2d(2),           //                -> [N, 16, 12, 12]
        Conv2d(16, 32, 5),      //                -> [N, 32, 8, 8]
        nn.ReLU(),
        MaxPool2d(2),           //                -> [N, 32, 4, 4]
        nn.Flatten(),
        nn.Linear(32 * 4 * 4, 128),
        nn.ReLU(),
        nn.Linear(128, 10));

    // ============================================================================================================
    // SWITCH AFTER MERGING CONV: with torch.nn.Conv2d and torch.nn.MaxPool2d in Flint, set <FlintConv>true</FlintConv>
    // in Quickstart.csproj (or delete the #else branch below with its stand-in modules). The stand-ins exist
    // only so that the sample compiles and runs before those layers land; they have the same parameters
    // (weight [out, in, k, k], bias [out]), initialization, printed form and state_dict keys.
    // ============================================================================================================
#if FLINT_CONV
    private static nn.Module<Tensor, Tensor> Conv2d(long in_channels, long out_channels, long kernel_size) =>
        nn.Conv2d(in_channels, out_channels, kernel_size);

    private static nn.Module<Tensor, Tensor> MaxPool2d(long kernel_size) => nn.MaxPool2d(kernel_size);
#else
    private static nn.Module<Tensor, Tensor> Conv2d(long in_channels, long out_channels, long kernel_size) =>
        new StandInConv2d(in_channels, out_channels, kernel_size);

    private static nn.Module<Tensor, Tensor> MaxPool2d(long kernel_size) => new StandInMaxPool2d(kernel_size);

    /// <summary>Stride-1, unpadded 2-D convolution built from differentiable ops (im2col by slicing, then a matmul).</summary>
    private sealed class StandInConv2d : nn.Module<Tensor, Tensor>
    {
        public Parameter weight;
        public Parameter bias;
        private readonly long inChannels, outChannels, k;

        public StandInConv2d(long in_channels, long out_channels, long kernel_size)
        {
            inChannels = in_channels; outChannels = out_channels; k = kernel_size;
            weight = new Parameter(empty(out_channels, in_channels, kernel_size, kernel_size));
            bias = new Parameter(empty(out_channels));
            nn.init.kaiming_uniform_(weight, a: Math.Sqrt(5));
            double bound = 1 / Math.Sqrt(in_channels * kernel_size * kernel_size);
            nn.init.uniform_(bias, -bound, bound);
        }

        public override string GetName() => "Conv2d";
        public override string extra_repr() => $"{inChannels}, {outChannels}, kernel_size=({k}, {k}), stride=(1, 1)";

        public override Tensor forward(Tensor x)
        {
            long n = x.size(0), h = x.size(2) - k + 1, w = x.size(3) - k + 1;
            var patches = new Tensor[k * k];
            for (long i = 0; i < k; i++)
                for (long j = 0; j < k; j++)
                    patches[i * k + j] = x.narrow(2, i, h).narrow(3, j, w);
            // [N, C, k*k, H', W'] -> [N, C*k*k, H'*W'] -> [N, H'*W', C*k*k]: rows match weight.view(out, C*k*k)
            var cols = stack(patches, 2).reshape(n, inChannels * k * k, h * w).transpose(1, 2);
            var y = nn.functional.linear(cols, weight.view(outChannels, -1), bias);   // [N, H'*W', out]
            return y.transpose(1, 2).reshape(n, outChannels, h, w);
        }
    }

    /// <summary>Non-overlapping max pooling (stride = kernel size) as a reshape and an amax.</summary>
    private sealed class StandInMaxPool2d(long kernel_size) : nn.Module<Tensor, Tensor>
    {
        public override string GetName() => "MaxPool2d";
        public override string extra_repr() => $"kernel_size={kernel_size}, stride={kernel_size}, padding=0, dilation=1, ceil_mode=False";

        public override Tensor forward(Tensor x)
        {
            long n = x.size(0), c = x.size(1), h = x.size(2) / kernel_size, w = x.size(3) / kernel_size;
            var cropped = x.narrow(2, 0, h * kernel_size).narrow(3, 0, w * kernel_size);
            return cropped.reshape(n, c, h, kernel_size, w, kernel_size).amax([3, 5]);
        }
    }
#endif
}
