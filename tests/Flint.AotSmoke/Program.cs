// The Quickstart's 784-512-512-10 network trained for a few SGD steps on seeded random data. The output (the
// modules and state_dict keys found, the losses with full precision, a hash of the trained weights' bits, the
// kernel vector width) is the same for the JIT, NativeAOT and trimmed builds of this app; run.sh publishes the
// latter two and compares.
using System.Globalization;
using Flint;
using static Flint.torch;

torch.manual_seed(0);
var model = new SmokeNetwork();
var loss_fn = nn.CrossEntropyLoss();
var parameters = model.parameters().ToList();
var optimizer = torch.optim.SGD(parameters, lr: 0.1);

Console.WriteLine($"parameters: {parameters.Count}");
Console.WriteLine($"modules: {string.Join(", ", model.named_modules().Select(m => m.name == "" ? "(root)" : m.name))}");
var keys = model.state_dict().Keys.ToList();
Console.WriteLine($"state_dict keys: {keys.Count} ({string.Join(", ", keys)})");

var x = torch.randn(64, 1, 28, 28);
var y = torch.randint(0, 10, [64]);
for (int step = 0; step < 5; step++)
{
    var loss = loss_fn.call(model.call(x), y);
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
    Console.WriteLine($"loss {step}: {loss.item<float>().ToString("R", CultureInfo.InvariantCulture)}");
}
// every bit of every trained weight, folded into one FNV-1a hash: the builds must agree on all of them
ulong hash = 14695981039346656037;
foreach (var p in parameters)
    foreach (var v in p.detach().contiguous().ToArray<float>())
        hash = (hash ^ BitConverter.SingleToUInt32Bits(v)) * 1099511628211;
Console.WriteLine($"weights hash: {hash:x16}");
if (args.Contains("--env")) { Console.Write(torch.utils.collect_env()); return; }
foreach (var line in torch.utils.collect_env().Split('\n'))
    if (line.StartsWith("Kernel vector width", StringComparison.Ordinal)) Console.WriteLine(line.TrimEnd());

/// <summary>
/// The Quickstart's network, as a user writes it: submodules in private fields, here split over a base class and a
/// derived one (the base class's private fields are found too: state_dict lists them first).
/// </summary>
internal abstract class MlpBase : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> linear_relu_stack = nn.Sequential(
        nn.Linear(28 * 28, 512),
        nn.ReLU(),
        nn.Linear(512, 512),
        nn.ReLU(),
        nn.Linear(512, 10));

    protected Tensor Stack(Tensor x) => linear_relu_stack.call(x);
}

internal sealed class SmokeNetwork : MlpBase
{
    private readonly nn.Module<Tensor, Tensor> flatten = nn.Flatten();

    public override Tensor forward(Tensor x) => Stack(flatten.call(x));
}
