// layer_norm and batch_norm: single layers as training uses them, forward and backward, as the peer benchmark
// defines them: LayerNorm(1024) on 4096x1024, BatchNorm2d(64) in train mode on 32x64x56x56, each backward seeded
// with a fixed random gradient (the input's and the parameters' gradients accumulate across calls, as in the peer).
using Flint;

namespace Flint.Bench;

public static partial class Workloads
{
    static void LayerNormStep(Action<string, double, string> report)
    {
        torch.manual_seed(0);
        var ln = torch.nn.LayerNorm(1024);
        var x = torch.randn([4096, 1024], requires_grad: true); var g = torch.randn(4096, 1024);
        void Step() => ln.forward(x).backward(g);
        var s = Time(Step, 10);
        report("layer_norm", s, $"{3 * 4096 * 1024 * 4.0 / s / 1e9:F1} GB/s (fwd+bwd, 4096x1024)");
        MemoryReport("layer_norm", Step, 10);
    }

    static void BatchNormStep(Action<string, double, string> report)
    {
        torch.manual_seed(0);
        var bn = torch.nn.BatchNorm2d(64);
        var x = torch.randn([32, 64, 56, 56], requires_grad: true); var g = torch.randn(32, 64, 56, 56);
        void Step() => bn.forward(x).backward(g);
        var s = Time(Step, 5);
        report("batch_norm", s, $"{32 * 64 * 56 * 56 / s / 1e9:F2} Gelem/s (train fwd+bwd, 32x64x56x56)");
        MemoryReport("batch_norm", Step, 5);
    }
}
