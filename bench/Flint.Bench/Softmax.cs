// softmax: softmax over the last dim of a [4096, 1024] float32 input, forward and backward with a given output
// gradient (x.softmax(-1).backward(g)), as the peer benchmark defines it.
using Flint;

namespace Flint.Bench;

public static partial class Workloads
{
    static void Softmax(Action<string, double, string> report)
    {
        var x = torch.randn([4096, 1024], requires_grad: true); var g = torch.randn(4096, 1024);
        void Step() => x.softmax(-1).backward(g);
        var s = Time(Step, 10);
        report("softmax", s, $"{3 * 4096 * 1024 * 4.0 / s / 1e9:F1} GB/s (fwd+bwd, 4096x1024, dim -1)");
        MemoryReport("softmax", Step, 10);
    }
}
