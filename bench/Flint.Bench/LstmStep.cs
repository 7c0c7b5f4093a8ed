// lstm_step: a 2-layer LSTM language-model step as the peer benchmark defines it: batch 32, 64 steps, input 128,
// hidden 256, batch_first, a Linear(256, 10) head on the last step's output, cross entropy, SGD(lr 1e-2).
using Flint;

namespace Flint.Bench;

public static partial class Workloads
{
    static void LstmStep(Action<string, double, string> report)
    {
        torch.manual_seed(0);
        var lstm = torch.nn.LSTM(128, 256, num_layers: 2, batch_first: true);
        var head = torch.nn.Linear(256, 10);
        var ps = lstm.parameters().Concat(head.parameters()).ToList();
        var opt = torch.optim.SGD(ps, 1e-2);
        var X = torch.randn(32, 64, 128); var Y = torch.randint(0, 10, [32]);
        void Step()
        {
            var (o, _) = lstm.call(X);
            var loss = torch.nn.functional.cross_entropy(head.call(o.select(1, -1)), Y);
            opt.zero_grad(); loss.backward(); opt.step();
        }
        var s = Time(Step, 5);
        report("lstm_step", s, $"{32 / s:F0} sequences/s");
        MemoryReport("lstm_step", Step, 5);
    }
}
