using System.Text.Json;
using Flint.Modules;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;

namespace Flint.Tests.Nn;

/// <summary>
/// Replays the init, parametrization and container records of tools/refs/gen_losses.py: nn.init draws with PyTorch's
/// seeds, weight_norm/spectral_norm modules loaded from PyTorch's state_dicts (outputs, u/v updates), and the names.
/// </summary>
[Collection("GlobalGenerator")]
public class ParametrizationTests
{
    private static TheoryData<string> Keys(string kind) => Reference.CaseNames("losses", c => c.GetProperty("kind").GetString() == kind);

    public static TheoryData<string> InitCases() => Keys("init");
    public static TheoryData<string> ParamCases() => Keys("param");

    private static Tensor Init(string fn, Tensor t, JsonElement kw)
    {
        double D(string k, double d) => kw.TryGetProperty(k, out var v) ? v.GetDouble() : d;
        return fn switch
        {
            "orthogonal_" => nn.init.orthogonal_(t, D("gain", 1)),
            "sparse_" => nn.init.sparse_(t, D("sparsity", 0), D("std", 0.01)),
            "dirac_" => nn.init.dirac_(t, (long)D("groups", 1)),
            "eye_" => nn.init.eye_(t),
            _ => throw new InvalidOperationException(fn),
        };
    }

    [Theory]
    [MemberData(nameof(InitCases))]
    public void InitFunctionsMatchPyTorchDraws(string key)
    {
        var c = Reference.Case("losses", key);
        string fn = c.GetProperty("fn").GetString()!;
        manual_seed(c.GetProperty("seed").GetInt64());
        var t = empty(NnRecords.Longs(c.GetProperty("shape")));
        if (c.TryGetProperty("error", out _))
        {
            Reference.AssertError(c, () => Init(fn, t, c.GetProperty("kw")));
            return;
        }
        Assert.Same(t, Init(fn, t, c.GetProperty("kw")));
        // the QR runs in double here and in float32 LAPACK in PyTorch: equal to rounding
        Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), t, key, rtol: fn == "orthogonal_" ? 1e-5 : 0, atol: fn == "orthogonal_" ? 1e-6 : 0);
    }

    private static nn.Module Build(string name) => name switch
    {
        "weight_norm_linear" => nn.utils.parametrizations.weight_norm(new Linear(5, 4)),
        "weight_norm_linear_dim1" => nn.utils.parametrizations.weight_norm(new Linear(5, 4), dim: 1),
        "weight_norm_linear_dimnone" => nn.utils.parametrizations.weight_norm(new Linear(5, 4), dim: null),
        "weight_norm_conv" => nn.utils.parametrizations.weight_norm(new Conv2d(2, 3, 3)),
        "spectral_norm_linear" or "spectral_norm_linear_eval" or "spectral_norm_linear_train" => nn.utils.parametrizations.spectral_norm(new Linear(5, 4)),
        "spectral_norm_linear_iters" => nn.utils.parametrizations.spectral_norm(new Linear(5, 4), n_power_iterations: 3),
        "spectral_norm_conv" => nn.utils.parametrizations.spectral_norm(new Conv2d(2, 3, 3)),
        "spectral_norm_conv_dim1" => nn.utils.parametrizations.spectral_norm(new Conv2d(2, 3, 3), dim: 1),
        "hook_weight_norm_linear" => nn.utils.weight_norm(new Linear(5, 4)),
        "hook_weight_norm_conv_dim1" => nn.utils.weight_norm(new Conv2d(2, 3, 3), dim: 1),
        "hook_spectral_norm_linear_train" or "hook_spectral_norm_linear_eval" => nn.utils.spectral_norm(new Linear(5, 4)),
        "hook_spectral_norm_conv_iters" => nn.utils.spectral_norm(new Conv2d(2, 3, 3), n_power_iterations: 2),
        _ => throw new InvalidOperationException(name),
    };

    private static Tensor Call(nn.Module m, Tensor x) => m is Linear l ? l.call(x) : ((Conv2d)m).call(x);

    private static Dictionary<string, Tensor> State(JsonElement e) =>
        e.EnumerateObject().ToDictionary(p => p.Name, p => Reference.Tensor(p.Value));

    private static void AssertState(JsonElement expected, nn.Module m, string context)
    {
        var sd = m.state_dict();
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name).ToArray(), sd.Keys.ToArray());
        foreach (var p in expected.EnumerateObject())
            Reference.AssertClose(Reference.Tensor(p.Value), sd[p.Name], $"{context} {p.Name}", rtol: 1e-5, atol: 1e-6);
    }

    [Theory]
    [MemberData(nameof(ParamCases))]
    public void ParametrizedModulesLoadPyTorchStateAndMatchItsOutputs(string key)
    {
        var c = Reference.Case("losses", key);
        var m = Build(key);
        m.load_state_dict(State(c.GetProperty("state")));
        m.train(c.GetProperty("train").GetBoolean());
        var x = Reference.Tensor(c.GetProperty("x"));
        foreach (var expected in c.GetProperty("outs").EnumerateArray())
            Reference.AssertClose(Reference.Tensor(expected), Call(m, x), "out", rtol: 1e-5, atol: 1e-6);
        AssertState(c.GetProperty("after"), m, "after");
    }

    /// <summary>Built after the same seed, a parametrized module has PyTorch's state (its layer's init, then spectral_norm's u and v draws).</summary>
    [Theory]
    [MemberData(nameof(ParamCases))]
    public void ParametrizedModulesBuiltWithPyTorchsSeedHaveItsState(string key)
    {
        var c = Reference.Case("losses", key);
        manual_seed(c.GetProperty("seed").GetInt64());
        AssertState(c.GetProperty("state"), Build(key), "state");
    }

    [Fact]
    public void WeightNormGradientsReachTheOriginals()
    {
        var c = Reference.Case("losses", "weight_norm_grads");
        var m = (Linear)Build("weight_norm_linear");
        m.load_state_dict(State(c.GetProperty("state")));
        m.call(Reference.Tensor(c.GetProperty("x"))).pow(2).sum().backward();
        var grads = c.GetProperty("grads");
        var named = m.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(grads.EnumerateObject().Select(p => p.Name).ToArray(), named.Keys.ToArray());
        foreach (var p in grads.EnumerateObject())
            Reference.AssertClose(Reference.Tensor(p.Value), named[p.Name].grad!, p.Name, rtol: 1e-5, atol: 1e-6);
    }

    [Fact]
    public void NamesMatchPyTorch()
    {
        var containers = Reference.Case("losses", "keys/containers");
        var holder = new Holder();
        Assert.Equal(NnRecords.Strings(containers.GetProperty("keys")), holder.state_dict().Keys.ToArray());
        Assert.Equal(NnRecords.Strings(containers.GetProperty("params")), holder.named_parameters().Select(p => p.name).ToArray());
        foreach (var name in new[] { "weight_norm_linear", "spectral_norm_linear" })
        {
            var c = Reference.Case("losses", "keys/" + name);
            var m = Build(name);
            Assert.Equal(NnRecords.Strings(c.GetProperty("keys")), m.state_dict().Keys.ToArray());
            Assert.Equal(NnRecords.Strings(c.GetProperty("params")), m.named_parameters().Select(p => p.name).ToArray());
        }
    }

    private sealed class Holder : nn.Module
    {
        public ParameterList plist = new([zeros(2), ones(3)]);
        public ParameterDict pdict = new([("alpha", zeros(1)), ("beta", ones(2))]);
    }

    [Fact]
    public void RemoveParametrizationsLeavesTheValueAsAParameter()
    {
        var m = nn.utils.parametrizations.weight_norm(new Linear(5, 4));
        var x = randn(2, 5);
        var y = m.call(x);
        nn.utils.parametrize.remove_parametrizations(m, "weight");
        Assert.False(nn.utils.parametrize.is_parametrized(m));
        Assert.Null(m.parametrizations);
        // PyTorch lists the restored weight after the bias (it registers it anew); the keys are PyTorch's
        Assert.Equal(["bias", "weight"], m.state_dict().Keys.Order().ToArray());
        Assert.True(m.weight.is_leaf);
        Reference.AssertClose(y, m.call(x), "after removal");
        Assert.Equal("Linear(in_features=5, out_features=4, bias=True)", m.ToString());
    }

    [Fact]
    public void RemovingTheHookNormsLeavesTheWeight()
    {
        var x = randn(2, 5);
        var m = nn.utils.spectral_norm(nn.utils.weight_norm(new Linear(5, 4), "bias", dim: null));
        Assert.Equal(["bias_g", "bias_v", "weight_orig", "weight_u", "weight_v"], m.state_dict().Keys.ToArray());
        var y = m.call(x);
        m.eval();
        nn.utils.remove_spectral_norm(m);
        nn.utils.remove_weight_norm(m, "bias");
        Assert.Equal(["bias", "weight"], m.state_dict().Keys.Order().ToArray());
        Reference.AssertClose(y, m.call(x), "after removal", rtol: 1e-5, atol: 1e-6);
        Assert.Equal("weight_norm of 'bias' not found in Linear(in_features=5, out_features=4, bias=True)",
            Assert.Throws<ArgumentException>(() => nn.utils.remove_weight_norm(m, "bias")).Message);
    }

    [Fact]
    public void ParametrizedReprNamesTheParametrizations()
    {
        var m = nn.utils.parametrizations.weight_norm(new Linear(5, 4));
        Assert.Equal("ParametrizedLinear(\n  in_features=5, out_features=4, bias=True\n  (parametrizations): ModuleDict(\n    (weight): ParametrizationList(\n      (0): _WeightNorm()\n    )\n  )\n)", m.ToString());
    }

    [Fact]
    public void SpectralNormRefusesBadArguments()
    {
        Assert.Equal("Expected n_power_iterations to be positive, but got n_power_iterations=0",
            Assert.Throws<ArgumentException>(() => nn.utils.parametrizations.spectral_norm(new Linear(3, 2), n_power_iterations: 0)).Message);
        Assert.Equal("Dimension out of range (expected to be in range of [-2, 1] but got 2)",
            Assert.Throws<IndexOutOfRangeException>(() => nn.utils.parametrizations.spectral_norm(new Linear(3, 2), dim: 2)).Message);
    }

    [Fact]
    public void ParametersToVectorAndBack()
    {
        var m = new Linear(3, 2);
        var v = nn.utils.parameters_to_vector(m.parameters());
        Assert.Equal([8L], v.shape.ToArray());
        Reference.AssertClose(cat([m.weight.detach().reshape(-1), m.bias!.detach()]), v, "vector");
        var w = arange(8, dtype: float32);
        nn.utils.vector_to_parameters(w, m.parameters());
        Reference.AssertClose(arange(6, dtype: float32).reshape(2, 3), m.weight.detach(), "weight");
        Reference.AssertClose(tensor(new float[] { 6, 7 }), m.bias.detach(), "bias");
        w[0].fill_(100);   // the parameters are views of the vector, as PyTorch assigns param.data
        Assert.Equal(100f, m.weight[0, 0].item<float>());
    }

    [Fact]
    public void ParameterContainersPrintAsPyTorch()
    {
        var l = new ParameterList([zeros(2, 3), ones(3, dtype: float64)]);
        Assert.Equal("ParameterList(\n    (0): Parameter containing: [torch.float32 of size 2x3]\n    (1): Parameter containing: [torch.float64 of size 3]\n)", l.ToString());
        var d = new ParameterDict([("a", zeros(2))]);
        Assert.Equal("ParameterDict(  (a): Parameter containing: [torch.FloatTensor of size 2])", d.ToString());
        l[0] = new Parameter(zeros(4));   // replaced where it stands, as PyTorch keeps a key's place
        Assert.Equal(["0", "1"], l.named_parameters().Select(p => p.name).ToArray());
    }
}
