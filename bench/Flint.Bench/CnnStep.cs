// cnn_step: LeNet-style CNN on 28x28 single-channel images, batch 64, SGD step (as the peer benchmark).
using Flint;

namespace Flint.Bench;

public static partial class Workloads
{
    static partial void CnnStepImpl(Func<Action, int, int, double> time, Action<string, double, string> report, ref bool ran)
    {
        var model = torch.nn.Sequential(
            torch.nn.Conv2d(1, 32, 3, padding: 1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(32, 64, 3, padding: 1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Linear(64 * 7 * 7, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10));
        var opt = torch.optim.SGD(model.parameters(), 1e-3);
        var lossFn = torch.nn.CrossEntropyLoss();
        var X = torch.randn(64, 1, 28, 28); var Y = torch.randint(0, 10, [64]);
        var s = time(() =>
        {
            var pred = model.forward(X); var loss = lossFn.forward(pred, Y);
            opt.zero_grad(); loss.backward(); opt.step();
        }, 10, 7);
        report("cnn_step", s, $"{64 / s:F0} samples/s");
        MemoryReport("cnn_step", () => { var pred = model.forward(X); var loss = lossFn.forward(pred, Y); opt.zero_grad(); loss.backward(); opt.step(); }, 10);
        ran = true;
    }
}
