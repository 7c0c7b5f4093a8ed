using Flint.Modules;
using Xunit;
using static Flint.torch;

namespace Flint.Tests.Nn;

/// <summary>The module system: field discovery, names, modes, conversion, hooks, containers.</summary>
[Collection("GlobalGenerator")]
public class ModuleTests
{
    private class Base : nn.Module<Tensor, Tensor>
    {
        protected Linear first = nn.Linear(2, 3);
        public Parameter scale { get; } = nn.Parameter(ones(1));
        public override Tensor forward(Tensor x) => first.call(x) * scale;
    }

    private sealed class Derived : Base
    {
        private readonly ModuleList blocks = nn.ModuleList(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 3));
        public ModuleDict heads { get; } = nn.ModuleDict(("a", nn.Linear(3, 1)), ("b", nn.Sequential(nn.Linear(3, 2), nn.Tanh())));
        private Parameter? unused = null;
        private readonly Tensor notAParameter = zeros(2);
        internal Parameter shift = nn.Parameter(zeros(1));

        public Derived() { register_buffer("steps", tensor(0L)); register_buffer("cache", zeros(1), persistent: false); }

        public override Tensor forward(Tensor x)
        {
            x = base.forward(x);
            foreach (var b in blocks) x = ((nn.Module<Tensor, Tensor>)b).call(x);
            _ = unused; _ = notAParameter;
            return ((Linear)heads["a"]).call(x) + shift;
        }
    }

    [Fact]
    public void DiscoversFieldsPropertiesBaseClassesAndContainers()
    {
        var m = new Derived();
        string[] expected =
        [
            "scale", "shift", "first.weight", "first.bias",
            "blocks.0.weight", "blocks.0.bias", "blocks.2.weight", "blocks.2.bias",
            "heads.a.weight", "heads.a.bias", "heads.b.0.weight", "heads.b.0.bias",
        ];
        Assert.Equal(expected, m.named_parameters().Select(p => p.name).ToArray());
        Assert.Equal(expected.Length, m.parameters().Count());
        Assert.Equal(["steps", "cache"], m.named_buffers().Select(b => b.name).ToArray());
        Assert.Equal(["first", "blocks", "heads"], m.named_children().Select(c => c.name).ToArray());
        Assert.Equal(["", "first", "blocks", "blocks.0", "blocks.1", "blocks.2", "heads", "heads.a", "heads.b", "heads.b.0", "heads.b.1"],
            m.named_modules().Select(c => c.name).ToArray());
        Assert.Equal(11, m.modules().Count());
        Assert.Equal(3, m.children().Count());
        // state_dict: parameters then persistent buffers of each module, then its children
        Assert.Equal(["scale", "shift", "steps", "first.weight", "first.bias", "blocks.0.weight", "blocks.0.bias", "blocks.2.weight", "blocks.2.bias",
            "heads.a.weight", "heads.a.bias", "heads.b.0.weight", "heads.b.0.bias"], m.state_dict().Keys.ToArray());
        Assert.Equal(["scale", "shift"], m.named_parameters(recurse: false).Select(p => p.name).ToArray());
        Assert.Equal([4L, 1], m.call(ones(4, 2)).shape.ToArray());
    }

    [Fact]
    public void SharedParametersAreListedOnce()
    {
        var lin = nn.Linear(2, 2);
        var seq = nn.Sequential(lin, nn.ReLU(), lin);
        Assert.Equal(["0.weight", "0.bias"], seq.named_parameters().Select(p => p.name).ToArray());
        Assert.Equal(["", "0", "1"], seq.named_modules().Select(p => p.name).ToArray());
        // PyTorch's state_dict keeps both names of a shared module
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], seq.state_dict().Keys.ToArray());
    }

    [Fact]
    public void TrainEvalRequiresGradZeroGradApply()
    {
        var m = new Derived();
        Assert.True(m.training);
        Assert.Same(m, m.eval());
        Assert.All(m.modules(), x => Assert.False(x.training));
        m.train();
        Assert.All(m.modules(), x => Assert.True(x.training));
        m.call(ones(4, 2)).sum().backward();
        Assert.All(m.parameters().Take(4), p => Assert.NotNull(p.grad));
        m.zero_grad(set_to_none: false);
        Assert.True(m.parameters().First().grad!.eq(0).all().item<bool>());
        m.zero_grad();
        Assert.All(m.parameters(), p => Assert.Null(p.grad));
        m.requires_grad_(false);
        Assert.All(m.parameters(), p => Assert.False(p.requires_grad));
        var order = new List<string>();
        var seq = nn.Sequential(nn.Linear(1, 1), nn.Sequential(nn.ReLU()));
        seq.apply(x => order.Add(x.GetName()));
        Assert.Equal(["Linear", "ReLU", "Sequential", "Sequential"], order);
    }

    [Fact]
    public void ToDtypeConvertsFloatingTensorsInPlace()
    {
        var m = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2));
        var w = m[0] is Linear l ? l.weight : throw new InvalidOperationException();
        var before = w.detach().clone();
        Assert.Same(m, m.to(float64));
        Assert.Equal(float64, w.dtype);
        Assert.True(w.requires_grad);
        Assert.True(allclose(before.to(float64), w.detach()));
        var sd = m.state_dict();
        Assert.Equal(float64, sd["1.running_mean"].dtype);
        Assert.Equal(int64, sd["1.num_batches_tracked"].dtype);
        Assert.Equal(float64, m.call(ones(3, 2, dtype: float64)).dtype);
        m.@float();
        Assert.Equal(float32, w.dtype);
    }

    [Fact]
    public void ForwardHooksAndPreHooks()
    {
        var lin = nn.Linear(2, 2);
        var seen = new List<string>();
        var h1 = lin.register_forward_pre_hook((mod, args) => { seen.Add("pre"); return [((Tensor)args[0]!) * 0]; });
        var h2 = lin.register_forward_hook((mod, args, output) => { seen.Add("post"); Assert.True(((Tensor)args[0]!).eq(0).all().item<bool>()); });
        var y = nn.Sequential(lin).call(ones(1, 2));
        Assert.Equal(["pre", "post"], seen);
        Assert.True(allclose(y, lin.bias!.detach().unsqueeze(0)));
        h1.remove(); h2.remove();
        lin.call(ones(1, 2));
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public void RegistrationErrorsAndStateDictCopies()
    {
        var m = nn.Linear(2, 2);
        Assert.Equal("module name can't contain \".\", got: a.b", Assert.Throws<ArgumentException>(() => m.register_buffer("a.b", zeros(1))).Message);
        var sd = m.state_dict();
        sd["weight"].fill_(5); // state_dict holds the live data (PyTorch detaches, shares storage)
        Assert.True(m.weight.detach().eq(5).all().item<bool>());
        var other = nn.Linear(2, 2);
        other.load_state_dict(m.state_dict());
        Assert.True(equal(other.weight.detach(), m.weight.detach()));
        Assert.True(other.weight.requires_grad);
        Assert.True(other.weight.is_leaf);
    }

    [Fact]
    public void EmbeddingPaddingRowGetsNoGradient()
    {
        manual_seed(0);
        var e = nn.Embedding(5, 2, padding_idx: 1);
        Assert.True(e.weight.detach()[1].eq(0).all().item<bool>());
        e.call(tensor(new long[] { 1, 1, 3 })).sum().backward();
        Assert.True(e.weight.grad![1].eq(0).all().item<bool>());
        Assert.True(e.weight.grad![3].eq(1).all().item<bool>());
    }

    [Fact]
    public void DropoutModuleIsIdentityInEval()
    {
        var d = nn.Dropout(0.9);
        d.eval();
        var x = ones(10);
        Assert.Same(x, d.call(x));
        Assert.Equal("dropout probability has to be between 0 and 1, but got 1.5", Assert.Throws<ArgumentException>(() => nn.functional.dropout(x, 1.5)).Message);
    }

    [Fact]
    public void BatchNormErrorsAsPyTorch()
    {
        var bn = nn.BatchNorm1d(3);
        Assert.Equal("expected 2D or 3D input (got 4D input)", Assert.Throws<ArgumentException>(() => bn.call(zeros(1, 3, 2, 2))).Message);
        Assert.Equal("Expected more than 1 value per channel when training, got input size torch.Size([1, 3])",
            Assert.Throws<ArgumentException>(() => bn.call(zeros(1, 3))).Message);
        Assert.Equal("expected 4D input (got 2D input)", Assert.Throws<ArgumentException>(() => nn.BatchNorm2d(3).call(zeros(2, 3))).Message);
    }

    [Fact]
    public void LossModulesCallFunctionalForms()
    {
        var x = tensor(new float[,] { { 1, 2, 3 }, { 0, 0, 1 } }).requires_grad_();
        var t = tensor(new long[] { 2, 0 });
        var l = nn.CrossEntropyLoss().call(x, t);
        Assert.True(allclose(l, nn.functional.cross_entropy(x, t)));
        var bl = nn.Bilinear(2, 3, 4);
        Assert.Equal([5L, 4], bl.call(ones(5, 2), ones(5, 3)).shape.ToArray());
    }
}

/// <summary>Modules built with primary constructors and two-input forward.</summary>
[Collection("GlobalGenerator")]
public class ModuleShapesTests
{
    private sealed class Residual(nn.Module<Tensor, Tensor> inner) : nn.Module<Tensor, Tensor>
    {
        public override Tensor forward(Tensor x) => x + inner.call(x);
    }

    private sealed class Pair : nn.Module<Tensor, Tensor, Tensor>
    {
        private readonly Linear a = nn.Linear(2, 1), b = nn.Linear(3, 1);
        public override Tensor forward(Tensor x, Tensor y) => a.call(x) + b.call(y);
    }

    [Fact]
    public void CapturedPrimaryConstructorModulesAreChildren()
    {
        var r = new Residual(nn.Linear(2, 2));
        Assert.Equal(["inner.weight", "inner.bias"], r.state_dict().Keys.ToArray());
        Assert.Equal("Residual(\n  (inner): Linear(in_features=2, out_features=2, bias=True)\n)", r.ToString());
    }

    [Fact]
    public void TwoInputModulesRunHooks()
    {
        var m = new Pair();
        int calls = 0;
        m.register_forward_hook((_, args, _) => { calls++; Assert.Equal(2, args.Length); });
        Assert.Equal([4L, 1], m.call(ones(4, 2), ones(4, 3)).shape.ToArray());
        Assert.Equal(1, calls);
        Assert.Equal(["a.weight", "a.bias", "b.weight", "b.bias"], m.named_parameters().Select(p => p.name).ToArray());
    }
}
