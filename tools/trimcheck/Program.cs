using Flint;
using Flint.Modules;
using static Flint.torch;

// Field discovery after trimming: every expected name must be found, in PyTorch's order.
var model = new Net();
string[] expected =
[
    "scale", "flatten", "stack.0.weight", "stack.0.bias", "stack.2.weight", "stack.2.bias",
    "blocks.0.weight", "blocks.0.bias", "head.weight", "head.bias",
];
var names = model.state_dict().Keys.ToArray();
Console.WriteLine(string.Join("\n", names));
Console.WriteLine(model);
var y = model.call(ones(2, 3, 4));
Console.WriteLine($"output {y.shape}, parameters {model.parameters().Count()}");
bool ok = names.SequenceEqual(expected.Where(n => n != "flatten"));
Console.WriteLine(ok ? "OK: parameters found after trimming" : "FAIL: discovery differs after trimming");
return ok ? 0 : 1;

internal class Base : nn.Module<Tensor, Tensor>
{
    public Parameter scale { get; } = nn.Parameter(ones(1));
    public override Tensor forward(Tensor x) => x * scale;
}

internal sealed class Net : Base
{
    private readonly Flatten flatten = nn.Flatten();
    private readonly Sequential stack = nn.Sequential(nn.Linear(12, 8), nn.ReLU(), nn.Linear(8, 8));
    private ModuleList blocks { get; } = nn.ModuleList(nn.Linear(8, 8));
    internal Linear head = nn.Linear(8, 2);

    public override Tensor forward(Tensor x)
    {
        x = base.forward(stack.call(flatten.call(x)));
        return head.call(((Linear)blocks[0]).call(x));
    }
}
