using System.Diagnostics;
using Flint;

namespace Flint.Bench;

/// <summary>The benchmark workloads, defined exactly as the peer benchmark defines them.</summary>
public static partial class Workloads
{
    public static readonly string[] All =
    [
        "add_small", "add_inplace_small", "add_10m", "exp_10m", "sum_10m",
        "matmul_128", "matmul_512", "matmul_1024", "matmul_2048", "matmul_1024_f64",
        "autograd_seed", "mlp_step", "cnn_step", "quickstart_epoch", "gpt_step",
        "attention_step", "conv3x3", "conv7x7s2_fwd", "resnet18_infer", "resnet18_step", "maxpool", "layer_norm", "batch_norm", "softmax",
        "fma_peak", "lstm_step",
    ];

    static double Median(List<double> xs) { xs.Sort(); return xs[xs.Count / 2]; }

    /// <summary>
    /// Warm-up, then the median over <paramref name="reps"/> timings of <paramref name="inner"/> calls. The peer
    /// makes one warm-up call; .NET also needs its tiered JIT to finish (methods start as quickly compiled code,
    /// then run instrumented for profile-guided optimization, and are recompiled optimized in the background, which
    /// takes seconds on a busy machine), so the warm-up repeats the body in rounds of about 0.2 s until a round is
    /// no faster than the best before it (at least 3 s, at most 8 s: a training step calls hundreds of methods, and
    /// the last of them reach optimized code after about two seconds). Without it, workloads time unoptimized code.
    /// </summary>
    public static double Time(Action body, int inner, int reps = 7)
    {
        var warm = Stopwatch.StartNew();
        body();
        double best = double.MaxValue;
        int round = 1;
        while (warm.Elapsed.TotalSeconds < 8)
        {
            var sw = Stopwatch.StartNew();
            int calls = 0;
            do { for (int i = 0; i < round; i++) body(); calls += round; } while (sw.Elapsed.TotalSeconds < 0.2);
            round = Math.Max(round, calls / 4);
            double perCall = sw.Elapsed.TotalSeconds / calls;
            bool improved = perCall < 0.97 * best;
            best = Math.Min(best, perCall);
            if (!improved && warm.Elapsed.TotalSeconds >= 3) break;
        }
        var ts = new List<double>();
        for (int r = 0; r < reps; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < inner; i++) body();
            ts.Add(sw.Elapsed.TotalSeconds / inner);
        }
        return Median(ts);
    }

    /// <summary>Runs the wanted workloads (all when null); returns name → (seconds, figure) in run order.</summary>
    public static Dictionary<string, (double s, string fig)> Run(HashSet<string>? only)
    {
        var results = new Dictionary<string, (double, string)>();
        bool Want(string n) => only == null || only.Contains(n);
        void Report(string name, double s, string extra)
        {
            Console.WriteLine($"{name}\t{s:E4}\t{extra}");
            results[name] = (s, extra);
        }
        torch.set_num_threads(System.Environment.ProcessorCount);
        torch.manual_seed(0);

        if (Want("add_small"))
        {
            var a = torch.randn(5, 3); var b = torch.randn(5, 3);
            var s = Time(() => { var c = a + b; }, 20000);
            Report("add_small", s, $"{s * 1e6:F3} us/op");
        }
        if (Want("add_inplace_small"))
        {
            var a = torch.randn(5, 3); var b = torch.randn(5, 3);
            var s = Time(() => { a.add_(b); }, 20000);
            Report("add_inplace_small", s, $"{s * 1e6:F3} us/op");
        }
        if (Want("add_10m"))
        {
            var a = torch.randn(10_000_000); var b = torch.randn(10_000_000); var c = torch.empty(10_000_000);
            var s = Time(() => { a.add_(b); }, 20);
            Report("add_10m", s, $"{3 * 4e7 / s / 1e9:F2} GB/s (in place)");
        }
        if (Want("exp_10m"))
        {
            var a = torch.randn(10_000_000); var c = torch.empty(10_000_000);
            var s = Time(() => { var r = a.exp(); }, 20);
            Report("exp_10m", s, $"{1e7 / s / 1e9:F3} Gelem/s");
        }
        if (Want("sum_10m"))
        {
            var a = torch.randn(10_000_000);
            var s = Time(() => { var r = a.sum(); }, 20);
            Report("sum_10m", s, $"{4e7 / s / 1e9:F2} GB/s");
        }
        foreach (var n in new[] { 128, 512, 1024, 2048 })
        {
            if (!Want($"matmul_{n}")) continue;
            var a = torch.randn(n, n); var b = torch.randn(n, n); var c = torch.empty(n, n);
            int inner = Math.Max(1, (int)(2e8 / (2.0 * n * n * n)));
            var s = Time(() => { var r = torch.matmul(a, b); }, inner);
            double gf = 2.0 * n * n * n / s / 1e9;
            Report($"matmul_{n}", s, $"{gf:F1} GFLOP/s ({gf / FmaPeak.Gflops(Time):P0} of fma_peak)");
        }
        if (Want("fma_peak")) FmaPeak.Run(Time, Report);
        if (Want("matmul_1024_f64"))
        {
            int n = 1024;
            var a = torch.randn(n, n, dtype: torch.float64); var b = torch.randn(n, n, dtype: torch.float64); var c = torch.empty(n, n, dtype: torch.float64);
            var s = Time(() => { var r = torch.matmul(a, b); }, 1);
            double gf = 2.0 * n * n * n / s / 1e9;
            Report("matmul_1024_f64", s, $"{gf:F1} GFLOP/s ({2 * gf / FmaPeak.Gflops(Time):P0} of fma_peak/2, the float64 peak)");
        }
        if (Want("autograd_seed"))
        {
            // The seed tutorial's graph: y = x + 1; z = y*y*2; out = z.mean(); out.backward()
            var s = Time(() =>
            {
                var x = torch.ones(2, 2, requires_grad: true);
                var y = x + 1; var z = y * y * 2; var o = z.mean();
                o.backward();
            }, 5000);
            Report("autograd_seed", s, $"{s * 1e6:F2} us/iter");
        }
        if (Want("mlp_step"))
        {
            // PyTorch Quickstart model on Fashion-MNIST shapes: 784-512-512-10, batch 64, SGD step.
            var model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 512), torch.nn.ReLU(), torch.nn.Linear(512, 10));
            var opt = torch.optim.SGD(model.parameters(), 1e-3);
            var lossFn = torch.nn.CrossEntropyLoss();
            var X = torch.randn(64, 784); var Y = torch.randint(0, 10, [64]);
            var s = Time(() =>
            {
                var pred = model.forward(X); var loss = lossFn.forward(pred, Y);
                opt.zero_grad(); loss.backward(); opt.step();
            }, 50);
            Report("mlp_step", s, $"{64 / s:F0} samples/s");
            MemoryReport("mlp_step", () => { var pred = model.forward(X); var loss = lossFn.forward(pred, Y); opt.zero_grad(); loss.backward(); opt.step(); }, 50);
        }
        if (Want("cnn_step"))
        {
            if (!CnnStep(Time, Report))
                Console.Error.WriteLine("cnn_step: skipped (torch.nn.Conv2d is not in this build yet; enable bench/Flint.Bench/CnnStep.cs)");
        }
        if (Want("quickstart_epoch")) QuickstartEpoch.Run(Report);
        if (Want("gpt_step")) GptStep(Time, Report);
        if (Want("attention_step")) AttentionStep(Report);
        ConvWorkloads(Want, Report);
        if (Want("maxpool")) MaxPool(Report);
        if (Want("layer_norm")) LayerNormStep(Report);
        if (Want("batch_norm")) BatchNormStep(Report);
        if (Want("softmax")) Softmax(Report);
        if (Want("lstm_step")) LstmStep(Report);
        return results;
    }

    /// <summary>Runs cnn_step when CnnStep.cs is compiled in; false otherwise.</summary>
    static partial void CnnStepImpl(Func<Action, int, int, double> time, Action<string, double, string> report, ref bool ran);

    static bool CnnStep(Func<Action, int, int, double> time, Action<string, double, string> report)
    {
        bool ran = false;
        CnnStepImpl(time, report, ref ran);
        return ran;
    }
}
