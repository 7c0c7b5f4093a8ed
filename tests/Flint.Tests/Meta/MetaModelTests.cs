using System.Text.Json;
using Flint;
using Flint.Autograd;
using Flint.Tests.Support;
using Quickstart;
using Xunit;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Meta;

/// <summary>
/// The Quickstart MLP and CNN forward and backward on the meta device: the same shapes, dtypes, node names and
/// gradient shapes as PyTorch recorded (References/meta.json) and as the same run on the CPU, and the same errors.
/// </summary>
/// <remarks>Models built on the CPU draw their initial weights from the global generator.</remarks>
[Collection("GlobalGenerator")]
public class MetaModelTests
{
    private static JsonElement Record(string name) => Reference.Cases("meta").Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>What a run leaves to compare: output and loss (shape, dtype, node), then each parameter's .grad.</summary>
    private sealed record Run(string Out, string Loss, string[] Grads, string[] Graph);

    /// <summary>The backward graph's node names, depth first from the loss (next_functions in order, each node once).</summary>
    private static string[] Graph(Tensor t)
    {
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var names = new List<string>();
        void Walk(Node? n)
        {
            if (n is null || !seen.Add(n)) return;
            names.Add(n.name());
            foreach (var (child, _) in n.next_functions) Walk(child);
        }
        Walk(t.grad_fn);
        return [.. names];
    }

    private static string Dims(Tensor t) => "[" + string.Join(", ", t.shape.ToArray()) + "]";

    private static string Describe(Tensor t) => $"{t.dtype.name}{Dims(t)} {t.grad_fn?.name()}";

    private static Run Train(torch.nn.Module<Tensor, Tensor> model, Device device)
    {
        var x = device.type == DeviceType.Meta ? torch.empty([64, 1, 28, 28], device: device) : torch.rand(64, 1, 28, 28);
        var y = device.type == DeviceType.Meta ? torch.empty([64], torch.int64, device) : torch.randint(0, 10, [64]);
        var out_ = model.call(x);
        var loss = F.cross_entropy(out_, y);
        Assert.Equal(device.type, out_.device.type);
        Assert.Equal(device.type, loss.device.type);
        var graph = Graph(loss);
        loss.backward();
        var grads = model.named_parameters().Select(p =>
        {
            Assert.True(p.parameter.grad is not null, p.name + " has no grad");
            Assert.Equal(device.type, p.parameter.grad!.device.type);
            return $"{p.name} {p.parameter.grad.dtype.name}{Dims(p.parameter.grad)}";
        }).ToArray();
        return new Run(Describe(out_), Describe(loss), grads, graph);
    }

    private static Run Recorded(JsonElement c)
    {
        string D(JsonElement e) => $"{e.GetProperty("dtype").GetString()}[{string.Join(", ", e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()))}] {e.GetProperty("grad_fn").GetString()}";
        var grads = c.GetProperty("grads").EnumerateArray().Select(g =>
        {
            Assert.True(g.GetProperty("meta").GetBoolean());
            return $"{g.GetProperty("name").GetString()} {g.GetProperty("dtype").GetString()}[{string.Join(", ", g.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()))}]";
        }).ToArray();
        return new Run(D(c.GetProperty("out")), D(c.GetProperty("loss")), grads,
            c.GetProperty("graph").EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    private static void Check(Func<torch.nn.Module<Tensor, Tensor>> build, string record)
    {
        var expected = Recorded(Record(record));
        var cpu = Train(build(), Device.CPU);
        var model = build();
        model.to("meta");
        var moved = Train(model, Device.Meta);
        Assert.Equal(expected.Out, moved.Out);
        Assert.Equal(expected.Loss, moved.Loss);
        Assert.Equal(expected.Out, cpu.Out);
        Assert.Equal(expected.Loss, cpu.Loss);
        Assert.Equal(expected.Grads, cpu.Grads);
        Assert.Equal(expected.Grads, moved.Grads);
        Assert.Equal(expected.Graph, cpu.Graph);
        Assert.Equal(expected.Graph, moved.Graph);
    }

    [Fact]
    public void QuickstartMlpTrainsOnMetaAsOnTheCpu() => Check(() => new NeuralNetwork(), "model mlp");

    [Fact]
    public void QuickstartCnnTrainsOnMetaAsOnTheCpu() => Check(Models.ConvNet, "model cnn");

    [Fact]
    public void AModelBuiltOnMetaRunsWithoutMemory()
    {
        var meta = torch.device("meta");
        var model = torch.nn.Sequential(
            torch.nn.Conv2d(1, 32, 3, padding: 1, device: meta), torch.nn.BatchNorm2d(32, device: meta), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Flatten(), torch.nn.Linear(32 * 14 * 14, 100000, device: meta), torch.nn.ReLU(), torch.nn.Linear(100000, 10, device: meta));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var run = Train(model, meta);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20, "a meta run allocated the tensors' memory");
        Assert.Equal("float32[64, 10] AddmmBackward0", run.Out);
        Assert.Contains("1.weight float32[32]", run.Grads);
        Assert.Contains("5.weight float32[100000, 6272]", run.Grads);
        // the running statistics were updated in place (no values, but the version counter moved)
        var bn = (Flint.Modules.BatchNorm2d)model.children().ElementAt(1);
        Assert.True(bn.buffers().All(b => b.is_meta));
    }

    [Fact]
    public void OptimizersStepOnMeta()
    {
        var meta = torch.device("meta");
        foreach (var make in new Func<IEnumerable<Parameter>, Flint.Optimizers.Optimizer>[]
                 {
                     ps => torch.optim.SGD(ps, lr: 0.1, momentum: 0.9, weight_decay: 1e-4), ps => torch.optim.Adam(ps, lr: 1e-3),
                     ps => torch.optim.AdamW(ps, lr: 1e-3), ps => torch.optim.RMSprop(ps, lr: 1e-2),
                 })
        {
            var lin = torch.nn.Linear(3, 2, device: meta);
            var opt = make(lin.parameters());
            for (int step = 0; step < 2; step++)
            {
                opt.zero_grad();
                lin.forward(torch.empty([4, 3], device: meta)).sum().backward();
                opt.step();
            }
            Assert.True(lin.weight.is_meta && lin.bias!.is_meta && lin.weight.requires_grad, opt.GetType().Name);
            Assert.Equal(new long[] { 2, 3 }, lin.weight.shape.ToArray());
        }
    }

    private static readonly Dictionary<string, Action<Device>> ErrorRuns = new()
    {
        ["model_error mlp wrong features"] = d => ((torch.nn.Module<Tensor, Tensor>)new NeuralNetwork().to(d)).call(torch.empty([4, 1, 27, 28], device: d)),
        ["model_error cnn wrong channels"] = d => ((torch.nn.Module<Tensor, Tensor>)Models.ConvNet().to(d)).call(torch.empty([4, 3, 28, 28], device: d)),
        ["model_error cross_entropy batch mismatch"] = d => F.cross_entropy(torch.empty([4, 10], device: d), torch.empty([5], torch.int64, d)),
    };

    [Fact]
    public void ModelErrorsOnMetaAreTheCpuErrors()
    {
        var cases = Reference.Cases("meta").Where(c => c.GetProperty("kind").GetString() == "model_error").ToArray();
        Assert.Equal(ErrorRuns.Count, cases.Length);
        foreach (var c in cases)
        {
            string name = c.GetProperty("name").GetString()!;
            foreach (var device in new[] { Device.CPU, Device.Meta })
            {
                Reference.AssertError(c, () => ErrorRuns[name](device), $"{name} on {device}");
            }
        }
    }
}
