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

    private static nn.Module<Tensor, Tensor> Conv2d(long in_channels, long out_channels, long kernel_size) =>
        nn.Conv2d(in_channels, out_channels, kernel_size);

    private static nn.Module<Tensor, Tensor> MaxPool2d(long kernel_size) => nn.MaxPool2d(kernel_size);
}
