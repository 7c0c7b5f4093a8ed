// maxpool: MaxPool2d(3, stride 2, padding 1) forward and backward (with a given output gradient) on
// [16, 64, 112, 112], as the peer benchmark defines it.
using Flint;

namespace Flint.Bench;

public static partial class Workloads
{
    static void MaxPool(Action<string, double, string> report)
    {
        var pool = torch.nn.MaxPool2d(3, stride: 2, padding: 1);
        var x = torch.randn([16, 64, 112, 112], requires_grad: true);
        var g = torch.randn(16, 64, 56, 56);
        void Step() => pool.forward(x).backward(g);
        var s = Time(Step, 5);
        report("maxpool", s, $"{16 * 64 * 112 * 112 / s / 1e9:F2} Gelem/s (fwd+bwd, 3x3 s2, 16x64x112x112)");
        MemoryReport("maxpool", Step, 5);
    }
}
