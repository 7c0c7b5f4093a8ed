// attention_step: causal scaled_dot_product_attention alone, forward and backward (o.sum().backward()): batch 4,
// 8 heads, 512 positions, head size 64, as the peer benchmark defines it.
using Flint;

namespace Flint.Bench;

public static partial class Workloads
{
    static void AttentionStep(Action<string, double, string> report)
    {
        torch.manual_seed(0);
        var q = torch.randn([4, 8, 512, 64], requires_grad: true);
        var k = torch.randn([4, 8, 512, 64], requires_grad: true);
        var v = torch.randn([4, 8, 512, 64], requires_grad: true);
        void Step() => torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal: true).sum().backward();
        var s = Time(Step, 5);
        // forward 2 products of L*L/2*D per head (causal), backward about 2.5x that
        report("attention_step", s, $"{3.5 * 2 * 4 * 8 * 512.0 * 512 * 64 / s / 1e9:F1} GFLOP/s (causal, fwd+bwd)");
        MemoryReport("attention_step", Step, 5);
    }
}
