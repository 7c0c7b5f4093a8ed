using System.Diagnostics;
using Flint;

namespace Flint.Bench;

/// <summary>
/// quickstart_epoch: one training epoch of the Quickstart's MLP (784-512-512-10, SGD lr 1e-3, batch 64,
/// shuffled) over 60,000 Fashion-MNIST-shaped samples, the figure PyTorch's quickstart.py prints as train_s.
/// Uses the real training set when /usr/share/datasets/fashion-mnist has it, random images otherwise.
/// Not in the peer benchmark: compare with `../shared/peer-bench/pytorch/quickstart.py` (train_s per epoch).
/// </summary>
internal static class QuickstartEpoch
{
    public static void Run(Action<string, double, string> report)
    {
        torch.manual_seed(0);
        Tensor X, Y;
        try
        {
            var ds = Flint.Vision.datasets.FashionMNIST(root: "/usr/share/datasets/fashion-mnist", train: true);
            X = ds.data.to(torch.float32).div_(255).unsqueeze(1);
            Y = ds.targets;
        }
        catch (FileNotFoundException)
        {
            X = torch.rand(60000, 1, 28, 28);
            Y = torch.randint(0, 10, [60000]);
        }
        var model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 512), torch.nn.ReLU(),
            torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10));
        var opt = torch.optim.SGD(model.parameters(), lr: 1e-3);
        var lossFn = torch.nn.CrossEntropyLoss();
        long n = X.size(0);
        var sw = Stopwatch.StartNew();
        var perm = torch.randperm(n);
        for (long i = 0; i < n; i += 64)
        {
            var idx = perm.narrow(0, i, Math.Min(64, n - i));
            var loss = lossFn.forward(model.forward(X.index_select(0, idx)), Y.index_select(0, idx));
            opt.zero_grad(); loss.backward(); opt.step();
        }
        double s = sw.Elapsed.TotalSeconds;
        report("quickstart_epoch", s, $"{n / s:F0} samples/s ({s:F2} s per epoch)");
    }
}
