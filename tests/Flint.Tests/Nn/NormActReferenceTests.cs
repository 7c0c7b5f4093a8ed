using System.Text.Json;
using Flint.Modules;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Nn;

/// <summary>
/// Replays tools/refs/gen_normact.py: the activations, channel and alpha dropouts (masks from the seeded default
/// generator), instance and local response norms, BatchNorm3d and embedding_bag (values, errors, grad_fn names and
/// the inputs' gradients), and modules loaded from PyTorch's state_dicts.
/// </summary>
[Collection("GlobalGenerator")]
public class NormActReferenceTests
{
    private const string File = "normact";

    private static double D(JsonElement kw, string k, double dflt) => kw.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : dflt;
    private static double? DN(JsonElement kw, string k) => kw.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
    private static long L(JsonElement kw, string k, long dflt) => kw.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : dflt;
    private static long? LN(JsonElement kw, string k) => kw.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
    private static bool B(JsonElement kw, string k, bool dflt) => kw.TryGetProperty(k, out var v) ? v.GetBoolean() : dflt;
    private static string S(JsonElement kw, string k, string dflt) => kw.TryGetProperty(k, out var v) ? v.GetString()! : dflt;
    private static Tensor? Opt(Tensor[] a, int i) => i < a.Length && a[i].numel() > 0 ? a[i] : null;

    private static readonly Dictionary<string, Func<Tensor[], JsonElement, Tensor>> Fns = new()
    {
        ["hardswish"] = (a, kw) => F.hardswish(a[0]),
        ["hardswish_"] = (a, kw) => F.hardswish(a[0], inplace: true),
        ["hardsigmoid"] = (a, kw) => F.hardsigmoid(a[0]),
        ["hardsigmoid_"] = (a, kw) => F.hardsigmoid(a[0], inplace: true),
        ["logsigmoid"] = (a, kw) => F.logsigmoid(a[0]),
        ["hardshrink"] = (a, kw) => F.hardshrink(a[0], D(kw, "lambd", 0.5)),
        ["softshrink"] = (a, kw) => F.softshrink(a[0], D(kw, "lambd", 0.5)),
        ["celu"] = (a, kw) => F.celu(a[0], D(kw, "alpha", 1.0)),
        ["celu_"] = (a, kw) => F.celu(a[0], D(kw, "alpha", 1.0), inplace: true),
        ["threshold"] = (a, kw) => F.threshold(a[0], D(kw, "threshold", 0), D(kw, "value", 0)),
        ["threshold_"] = (a, kw) => F.threshold(a[0], D(kw, "threshold", 0), D(kw, "value", 0), inplace: true),
        ["softsign"] = (a, kw) => F.softsign(a[0]),
        ["tanhshrink"] = (a, kw) => F.tanhshrink(a[0]),
        ["softmin"] = (a, kw) => F.softmin(a[0], LN(kw, "dim")),
        ["glu"] = (a, kw) => F.glu(a[0], L(kw, "dim", -1)),
        ["prelu"] = (a, kw) => F.prelu(a[0], a[1]),
        ["rrelu"] = (a, kw) => F.rrelu(a[0], D(kw, "lower", 1.0 / 8), D(kw, "upper", 1.0 / 3), B(kw, "training", false)),
        ["rrelu_nonleaf"] = (a, kw) => F.rrelu(a[0] * 1.5, D(kw, "lower", 1.0 / 8), D(kw, "upper", 1.0 / 3), B(kw, "training", false), inplace: true),
        ["relu6"] = (a, kw) => F.relu6(a[0]),
        ["selu"] = (a, kw) => F.selu(a[0]),
        ["softmax2d"] = (a, kw) => nn.Softmax2d().call(a[0]),
        ["hardtanh_layer"] = (a, kw) => nn.Hardtanh(D(kw, "min_val", -1), D(kw, "max_val", 1)).call(a[0]),
        ["dropout1d"] = (a, kw) => F.dropout1d(a[0], D(kw, "p", 0.5), B(kw, "training", true)),
        ["dropout2d"] = (a, kw) => F.dropout2d(a[0], D(kw, "p", 0.5), B(kw, "training", true)),
        ["dropout3d"] = (a, kw) => F.dropout3d(a[0], D(kw, "p", 0.5), B(kw, "training", true)),
        ["alpha_dropout"] = (a, kw) => F.alpha_dropout(a[0], D(kw, "p", 0.5), B(kw, "training", false)),
        ["feature_alpha_dropout"] = (a, kw) => F.feature_alpha_dropout(a[0], D(kw, "p", 0.5), B(kw, "training", false)),
        ["instance_norm"] = (a, kw) => F.instance_norm(a[0], Opt(a, 1), Opt(a, 2), Opt(a, 3), Opt(a, 4), B(kw, "use_input_stats", true),
            D(kw, "momentum", 0.1), D(kw, "eps", 1e-5)),
        ["local_response_norm"] = (a, kw) => F.local_response_norm(a[0], L(kw, "size", 2), D(kw, "alpha", 1e-4), D(kw, "beta", 0.75), D(kw, "k", 1.0)),
        ["embedding_bag"] = (a, kw) => Bag(a[0], a[1], Opt(a, 2), a.Length > 3 ? a[3] : null, kw),
        ["embedding_bag_2d"] = (a, kw) => Bag(a[0], a[1], null, a.Length > 2 ? a[2] : null, kw),
    };

    private static Tensor Bag(Tensor input, Tensor weight, Tensor? offsets, Tensor? psw, JsonElement kw) =>
        F.embedding_bag(input, weight, offsets, DN(kw, "max_norm"), D(kw, "norm_type", 2), B(kw, "scale_grad_by_freq", false), S(kw, "mode", "mean"),
            B(kw, "sparse", false), psw, B(kw, "include_last_offset", false), LN(kw, "padding_idx"));

    public static TheoryData<string> Calls => Reference.CaseNames(File, c => c.GetProperty("kind").GetString() == "call");
    public static TheoryData<string> Modules => Reference.CaseNames(File, c => c.GetProperty("kind").GetString() == "module");

    private static Tensor Upstream(Tensor y) => arange(y.numel(), dtype: float64).cos().to(y.dtype).reshape(y.shape.ToArray());

    [Theory]
    [MemberData(nameof(Calls))]
    public void MatchesPyTorch(string name)
    {
        var c = Reference.Case(File, name);
        var fn = Fns[c.GetProperty("fn").GetString()!];
        var kw = c.GetProperty("kw");
        bool hasGrads = c.TryGetProperty("grads", out var grads);
        var args = c.GetProperty("args").EnumerateArray().Select(Reference.Tensor).ToArray();
        if (hasGrads)
            for (int i = 0; i < args.Length; i++)
                if (grads[i].ValueKind != JsonValueKind.Null) args[i] = args[i].clone().requires_grad_();
        Tensor? y = null;
        Reference.Check(c.GetProperty("res"), () =>
        {
            if (c.GetProperty("seed").ValueKind == JsonValueKind.Number) manual_seed(c.GetProperty("seed").GetInt64());
            y = fn(args, kw);
            return y;
        }, name);
        if (!hasGrads) return;
        // a result that is the input itself (dropout in evaluation) has no node: PyTorch's NoneType
        Assert.Equal(c.GetProperty("grad_fn").GetString(), y!.grad_fn?.name() ?? "NoneType");
        y.backward(Upstream(y));
        for (int i = 0; i < args.Length; i++)
        {
            if (grads[i].ValueKind == JsonValueKind.Null) continue;
            Assert.NotNull(args[i].grad);
            Reference.AssertClose(Reference.Tensor(grads[i]), args[i].grad!, $"{name}: grad of input {i}");
        }
    }

    private static nn.Module<Tensor, Tensor> Build(string module, JsonElement kw) => module switch
    {
        "InstanceNorm1d" => nn.InstanceNorm1d(L(kw, "num_features", 0), momentum: DN(kw, "momentum") ?? 0.1, affine: B(kw, "affine", false), track_running_stats: B(kw, "track_running_stats", false)),
        "InstanceNorm2d" => nn.InstanceNorm2d(L(kw, "num_features", 0), momentum: DN(kw, "momentum") ?? 0.1, affine: B(kw, "affine", false), track_running_stats: B(kw, "track_running_stats", false)),
        "InstanceNorm3d" => nn.InstanceNorm3d(L(kw, "num_features", 0), momentum: DN(kw, "momentum") ?? 0.1, affine: B(kw, "affine", false), track_running_stats: B(kw, "track_running_stats", false)),
        "BatchNorm3d" => nn.BatchNorm3d(L(kw, "num_features", 0)),
        "PReLU" => nn.PReLU(L(kw, "num_parameters", 1), D(kw, "init", 0.25)),
        "EmbeddingBag" => nn.EmbeddingBag(L(kw, "num_embeddings", 0), L(kw, "embedding_dim", 0), mode: S(kw, "mode", "mean"),
            include_last_offset: B(kw, "include_last_offset", false), padding_idx: LN(kw, "padding_idx")),
        "Dropout1d" => nn.Dropout1d(D(kw, "p", 0.5)),
        "Dropout2d" => nn.Dropout2d(D(kw, "p", 0.5)),
        "Dropout3d" => nn.Dropout3d(D(kw, "p", 0.5)),
        "AlphaDropout" => nn.AlphaDropout(D(kw, "p", 0.5)),
        "FeatureAlphaDropout" => nn.FeatureAlphaDropout(D(kw, "p", 0.5)),
        "RReLU" => nn.RReLU(D(kw, "lower", 1.0 / 8), D(kw, "upper", 1.0 / 3)),
        "LocalResponseNorm" => nn.LocalResponseNorm(L(kw, "size", 2), D(kw, "alpha", 1e-4), D(kw, "beta", 0.75), D(kw, "k", 1.0)),
        "ReLU6" => nn.ReLU6(),
        "SELU" => nn.SELU(),
        "CELU" => nn.CELU(D(kw, "alpha", 1.0)),
        "GLU" => nn.GLU(L(kw, "dim", -1)),
        "Hardswish" => nn.Hardswish(),
        "Hardsigmoid" => nn.Hardsigmoid(),
        "Hardtanh" => nn.Hardtanh(D(kw, "min_val", -1), D(kw, "max_val", 1)),
        "LogSigmoid" => nn.LogSigmoid(),
        "Softsign" => nn.Softsign(),
        "Softmin" => nn.Softmin(LN(kw, "dim")),
        "Tanhshrink" => nn.Tanhshrink(),
        "Threshold" => nn.Threshold(D(kw, "threshold", 0), D(kw, "value", 0)),
        "Hardshrink" => nn.Hardshrink(D(kw, "lambd", 0.5)),
        "Softshrink" => nn.Softshrink(D(kw, "lambd", 0.5)),
        "Softmax2d" => nn.Softmax2d(),
        _ => throw new ArgumentException(module),
    };

    private static Dictionary<string, Tensor> State(JsonElement e) =>
        e.EnumerateObject().ToDictionary(p => p.Name, p => Reference.Tensor(p.Value));

    [Theory]
    [MemberData(nameof(Modules))]
    public void ModuleMatchesPyTorch(string name)
    {
        var c = Reference.Case(File, name);
        var m = Build(c.GetProperty("module").GetString()!, c.GetProperty("kw"));
        Assert.Equal(c.GetProperty("repr").GetString(), m.ToString());
        var state = State(c.GetProperty("state"));
        Assert.Equal(state.Keys.Order(), m.state_dict().Keys.Order());
        m.load_state_dict(state);
        m.train(c.GetProperty("train").GetBoolean());
        int k = 0;
        foreach (var step in c.GetProperty("steps").EnumerateArray())
        {
            var args = step.GetProperty("args").EnumerateArray().Select(Reference.Tensor).ToArray();
            Reference.Check(step.GetProperty("res"), () =>
            {
                if (c.GetProperty("seed").ValueKind == JsonValueKind.Number) manual_seed(c.GetProperty("seed").GetInt64());
                return m is EmbeddingBag bag ? bag.forward(args[0], args.Length > 1 ? args[1] : null, args.Length > 2 ? args[2] : null) : m.call(args[0]);
            }, $"{name} step {k++}");
        }
        foreach (var (key, v) in State(c.GetProperty("after"))) Reference.AssertClose(v, m.state_dict()[key], $"{name}: {key} afterwards");
    }

    public static TheoryData<string> GradcheckOps => new(GradcheckFns.Keys);

    private static readonly Dictionary<string, (Func<Tensor[], Tensor> f, Func<Tensor[]> inputs)> GradcheckFns = new()
    {
        ["hardswish"] = (a => F.hardswish(a[0]), () => [Smooth(7, 2)]),
        ["hardsigmoid"] = (a => F.hardsigmoid(a[0]), () => [Smooth(7, 2)]),
        ["logsigmoid"] = (a => F.logsigmoid(a[0]), () => [Smooth(3, 5)]),
        ["hardshrink"] = (a => F.hardshrink(a[0], 0.3), () => [Smooth(3, 5)]),
        ["softshrink"] = (a => F.softshrink(a[0], 0.3), () => [Smooth(3, 5)]),
        ["celu"] = (a => F.celu(a[0], 0.7), () => [Smooth(3, 5)]),
        ["threshold"] = (a => F.threshold(a[0], 0.2, -1), () => [Smooth(3, 5)]),
        ["softsign"] = (a => F.softsign(a[0]), () => [Smooth(3, 5)]),
        ["tanhshrink"] = (a => F.tanhshrink(a[0]), () => [Smooth(3, 5)]),
        ["softmin"] = (a => F.softmin(a[0], 1), () => [Smooth(3, 5)]),
        ["glu"] = (a => F.glu(a[0], 1), () => [Smooth(3, 4)]),
        ["prelu"] = (a => F.prelu(a[0], a[1]), () => [Smooth(2, 3, 4), Smooth(3)]),
        ["rrelu-eval"] = (a => F.rrelu(a[0]), () => [Smooth(3, 5)]),
        ["instance_norm"] = (a => F.instance_norm(a[0], weight: a[1], bias: a[2]), () => [Smooth(2, 3, 4), Smooth(3), Smooth(3)]),
        ["local_response_norm"] = (a => F.local_response_norm(a[0], 3, 0.1, 0.75, 1.0), () => [Smooth(2, 5, 3)]),
        ["embedding_bag-sum-psw"] = (a => F.embedding_bag(tensor(new long[] { 0, 2, 1, 2, 3 }), a[0], tensor(new long[] { 0, 2 }), mode: "sum", per_sample_weights: a[1]),
            () => [Smooth(4, 3), Smooth(5)]),
        ["embedding_bag-mean"] = (a => F.embedding_bag(tensor(new long[] { 0, 2, 1, 2, 3 }), a[0], tensor(new long[] { 0, 2 }), mode: "mean", padding_idx: 1),
            () => [Smooth(4, 3)]),
        ["embedding_bag-max"] = (a => F.embedding_bag(tensor(new long[] { 0, 2, 1, 2, 3 }), a[0], tensor(new long[] { 0, 2 }), mode: "max"),
            () => [Smooth(4, 3)]),
    };

    /// <summary>float64 values away from the activations' kinks (|x| not near 0, 0.2, 0.3, 3).</summary>
    private static Tensor Smooth(params long[] shape)
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        var v = arange(n, dtype: float64).mul(2.399).sin().mul(2.6).add(0.05);
        return v.reshape(shape).requires_grad_();
    }

    [Theory]
    [MemberData(nameof(GradcheckOps))]
    public void GradcheckFloat64(string op)
    {
        var (f, inputs) = GradcheckFns[op];
        Assert.True(torch.autograd.gradcheck(f, inputs()));
    }

    [Fact]
    public void EmbeddingBagSparseBackwardGivesASparseGrad()
    {
        // the values against PyTorch: Optim/SparseAdamReferenceTests
        var w = randn(5, 3).requires_grad_();
        var y = F.embedding_bag(tensor(new long[] { 1, 2 }), w, tensor(new long[] { 0 }), sparse: true);
        y.sum().backward();
        Assert.True(w.grad!.is_sparse);
        Assert.Equal(new long[] { 1, 2 }, w.grad._indices().reshape(-1).ToArray<long>());
    }

    [Fact]
    public void EmbeddingBagFromPretrainedFreezes()
    {
        var e = arange(6.0).reshape(3, 2);
        var bag = EmbeddingBag.from_pretrained(e, mode: "sum");
        Assert.False(bag.weight.requires_grad);
        Reference.AssertClose(tensor(new[,] { { 2.0, 4.0 } }), bag.forward(tensor(new long[] { 0, 1, 2 }), tensor(new long[] { 0 }) ) - tensor(new[,] { { 4.0, 5.0 } }));
        Assert.True(EmbeddingBag.from_pretrained(e, freeze: false).weight.requires_grad);
    }
}
