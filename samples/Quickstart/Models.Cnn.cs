using Flint;
using static Flint.torch;

namespace Quickstart;

/// <summary>
/// The <c>--model cnn</c> network, the benchmark's cnn_step model: two padded 3x3 convolutions (32 and 64
/// channels), each followed by ReLU and 2x2 max pooling, then two linear layers.
/// </summary>
public static partial class Models
{
    public static nn.Module<Tensor, Tensor> ConvNet() => nn.Sequential(
        nn.Conv2d(1, 32, 3, padding: 1),    // [N, 1, 28, 28] -> [N, 32, 28, 28]
        nn.ReLU(),
        nn.MaxPool2d(2),                    //                -> [N, 32, 14, 14]
        nn.Conv2d(32, 64, 3, padding: 1),   //                -> [N, 64, 14, 14]
        nn.ReLU(),
        nn.MaxPool2d(2),                    //                -> [N, 64, 7, 7]
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 128),
        nn.ReLU(),
        nn.Linear(128, 10));
}
