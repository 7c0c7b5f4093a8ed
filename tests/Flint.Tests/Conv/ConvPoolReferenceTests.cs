using System.Text.Json;
using Flint;
using Flint.Modules;
using Flint.Tests.Support;
using Xunit;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Conv;

/// <summary>
/// Replays tools/refs/gen_convpool.py: the 1-d and 3-d convolutions and poolings, max_unpool and lp_pool (outputs,
/// gradients, grad_fn names, error texts), and the layers' init, repr and PyTorch-recorded state_dicts.
/// </summary>
/// <remarks>Seeded layer init draws from the global generator, so no other test may draw at the same time.</remarks>
[Collection("GlobalGenerator")]
public class ConvPoolReferenceTests
{
    private static SizeArg? Size(Dictionary<string, JsonElement> kw, string name)
    {
        if (!kw.TryGetValue(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        return e.ValueKind switch
        {
            JsonValueKind.Number => (SizeArg)e.GetInt64(),
            JsonValueKind.String => (SizeArg)e.GetString()!,
            _ => (SizeArg)e.EnumerateArray().Select(x => x.GetInt64()).ToArray(),
        };
    }

    private static SizeArg Kernel(Dictionary<string, JsonElement> kw) => Size(kw, "kernel_size")!.Value;
    private static long[]? Longs(Dictionary<string, JsonElement> kw, string name) =>
        kw.TryGetValue(name, out var e) ? e.EnumerateArray().Select(x => x.GetInt64()).ToArray() : null;
    private static long Int(Dictionary<string, JsonElement> kw, string name, long dflt) => kw.TryGetValue(name, out var e) ? e.GetInt64() : dflt;
    private static long? OptInt(Dictionary<string, JsonElement> kw, string name) => kw.TryGetValue(name, out var e) ? e.GetInt64() : null;
    private static bool Bool(Dictionary<string, JsonElement> kw, string name, bool dflt) => kw.TryGetValue(name, out var e) ? e.GetBoolean() : dflt;

    private static List<Tensor> Pair((Tensor a, Tensor b) t) => [t.a, t.b];

    /// <summary>Runs one recorded op; a tuple result comes back as a list.</summary>
    internal static object Run(string op, Tensor[] a, Dictionary<string, JsonElement> kw)
    {
        Tensor? bias = a.Length > 2 ? a[2] : null;
        var x = a[0];
        bool ceil = Bool(kw, "ceil_mode", false), cip = Bool(kw, "count_include_pad", true);
        return op switch
        {
            "conv3d" => F.conv3d(x, a[1], bias, Size(kw, "stride"), Size(kw, "padding"), Size(kw, "dilation"), Int(kw, "groups", 1)),
            "conv_transpose1d" => F.conv_transpose1d(x, a[1], bias, Size(kw, "stride"), Size(kw, "padding"), Size(kw, "output_padding"), Int(kw, "groups", 1), Size(kw, "dilation")),
            "conv_transpose3d" => F.conv_transpose3d(x, a[1], bias, Size(kw, "stride"), Size(kw, "padding"), Size(kw, "output_padding"), Int(kw, "groups", 1), Size(kw, "dilation")),
            "max_pool3d" => F.max_pool3d(x, Kernel(kw), Size(kw, "stride"), Size(kw, "padding"), Size(kw, "dilation"), ceil),
            "max_pool3d_with_indices" => Pair(F.max_pool3d_with_indices(x, Kernel(kw), Size(kw, "stride"), Size(kw, "padding"), Size(kw, "dilation"), ceil)),
            "avg_pool1d" => F.avg_pool1d(x, Kernel(kw), Size(kw, "stride"), Size(kw, "padding"), ceil, cip),
            "avg_pool3d" => F.avg_pool3d(x, Kernel(kw), Size(kw, "stride"), Size(kw, "padding"), ceil, cip, OptInt(kw, "divisor_override")),
            "adaptive_avg_pool1d" => F.adaptive_avg_pool1d(x, Size(kw, "output_size")!.Value),
            "adaptive_avg_pool3d" => F.adaptive_avg_pool3d(x, Size(kw, "output_size")!.Value),
            "adaptive_max_pool1d" => F.adaptive_max_pool1d(x, Size(kw, "output_size")!.Value),
            "adaptive_max_pool3d" => F.adaptive_max_pool3d(x, Size(kw, "output_size")!.Value),
            "adaptive_max_pool1d_with_indices" => Pair(F.adaptive_max_pool1d_with_indices(x, Size(kw, "output_size")!.Value)),
            "adaptive_max_pool3d_with_indices" => Pair(F.adaptive_max_pool3d_with_indices(x, Size(kw, "output_size")!.Value)),
            "max_unpool1d" => F.max_unpool1d(x, a[1], Kernel(kw), Size(kw, "stride"), Size(kw, "padding"), Longs(kw, "output_size")),
            "max_unpool2d" => F.max_unpool2d(x, a[1], Kernel(kw), Size(kw, "stride"), Size(kw, "padding"), Longs(kw, "output_size")),
            "max_unpool3d" => F.max_unpool3d(x, a[1], Kernel(kw), Size(kw, "stride"), Size(kw, "padding"), Longs(kw, "output_size")),
            "lp_pool1d" => F.lp_pool1d(x, kw["norm_type"].GetDouble(), Kernel(kw).Values[0], OptInt(kw, "stride"), ceil),
            "lp_pool2d" => F.lp_pool2d(x, kw["norm_type"].GetDouble(), Kernel(kw), Size(kw, "stride"), ceil),
            _ => throw new NotImplementedException(op),
        };
    }

    private static Dictionary<string, JsonElement> Kw(JsonElement c) =>
        c.TryGetProperty("kw", out var kw) ? kw.EnumerateObject().ToDictionary(p => p.Name, p => p.Value) : [];

    private static TheoryData<string> Of(string kind, string? needs = null) =>
        Reference.CaseNames("convpool", c => c.GetProperty("kind").GetString() == kind && (needs is null || c.TryGetProperty(needs, out _)));

    public static TheoryData<string> OpCases() => Of("op");
    public static TheoryData<string> GradCases() => Of("op", "grads");
    public static TheoryData<string> InitCases() => Of("init");
    public static TheoryData<string> ReprCases() => Of("repr");
    public static TheoryData<string> StateCases() => Of("state");
    public static TheoryData<string> StateErrorCases() => Of("state_error");
    public static TheoryData<string> DoubleBackwardCases() => Of("grad_fn2");

    private static void One(string key, Action<JsonElement, string> check)
    {
        var c = Reference.Case("convpool", key);
        check(c, c.GetProperty("name").GetString()!);
    }

    [Theory]
    [MemberData(nameof(OpCases))]
    public void Forward_matches_pytorch(string key) => One(key, (c, name) =>
    {
        var args = c.GetProperty("args").EnumerateArray().Select(Reference.Tensor).ToArray();
        Reference.Check(c, () => Run(c.GetProperty("op").GetString()!, args, Kw(c)), name);
    });

    [Theory]
    [MemberData(nameof(GradCases))]
    public void Gradients_and_grad_fn_match_pytorch(string key) => One(key, (c, name) =>
    {
        var args = c.GetProperty("args").EnumerateArray().Select(Reference.Tensor).ToArray();
        foreach (var t in args.Where(t => t.dtype.is_floating_point)) t.requires_grad_(true);
        var r = Run(c.GetProperty("op").GetString()!, args, Kw(c));
        var y = r is Tensor t0 ? t0 : ((List<Tensor>)r)[0];
        Assert.Equal(c.GetProperty("grad_fn").GetString(), y.grad_fn!.name());
        var gy = Reference.Tensor(c.GetProperty("gy"));
        var wrt = args.Where(t => t.requires_grad).ToArray();
        var gs = torch.autograd.grad([(y * gy).sum()], wrt);
        var exp = c.GetProperty("grads").EnumerateArray().Where(e => e.ValueKind != JsonValueKind.Null).ToArray();
        Assert.Equal(exp.Length, gs.Length);
        for (int i = 0; i < exp.Length; i++)
        {
            // float32 gradients sum many products in a different order than PyTorch's kernels
            bool f32 = wrt[i].dtype == torch.float32;
            Reference.AssertClose(Reference.Tensor(exp[i]), gs[i]!, $"{name} grad[{i}]", rtol: f32 ? 1e-5 : null, atol: f32 ? 1e-5 : null);
        }
    });

    [Theory]
    [MemberData(nameof(DoubleBackwardCases))]
    public void Backward_grad_fn_matches_pytorch(string key) => One(key, (c, name) =>
    {
        var x = torch.randn(1, 2, 4, 4, 4).requires_grad_(true);
        Tensor y = name switch
        {
            "max_pool3d" => F.max_pool3d(x, 2),
            "avg_pool3d" => F.avg_pool3d(x, 2),
            "adaptive_avg_pool3d" => F.adaptive_avg_pool3d(x, 3),
            "adaptive_max_pool3d" => F.adaptive_max_pool3d(x, 3),
            "conv3d" => F.conv3d(x, torch.ones(2, 2, 2, 2, 2).requires_grad_(true)),
            _ => throw new NotImplementedException(name),
        };
        var g = torch.autograd.grad([y.sum()], [x], create_graph: true)[0]!;
        Assert.Equal(c.GetProperty("grad_fn").GetString(), g.grad_fn!.name());
    });

    internal static torch.nn.Module Build(string name) => name switch
    {
        "conv3d_2_4_3" or "conv3d" => torch.nn.Conv3d(2, 4, 3),
        "conv3d_4_6_g2_nobias" => torch.nn.Conv3d(4, 6, new long[] { 2, 3, 1 }, groups: 2, bias: false),
        "convT1d_3_4_3_s2" => torch.nn.ConvTranspose1d(3, 4, 3, stride: 2),
        "convT3d_2_4_2_g2" => torch.nn.ConvTranspose3d(2, 4, 2, groups: 2),
        "conv3d_full" => torch.nn.Conv3d(4, 8, new long[] { 3, 5, 2 }, stride: new long[] { 2, 1, 1 }, padding: new long[] { 1, 2, 0 }, dilation: 2, groups: 2, bias: false),
        "conv3d_same" => torch.nn.Conv3d(3, 3, 3, padding: "same"),
        "convT1d" => torch.nn.ConvTranspose1d(2, 4, 3, stride: 2),
        "convT3d" => torch.nn.ConvTranspose3d(2, 4, 3, output_padding: 1, stride: 2),
        "maxpool3d" => torch.nn.MaxPool3d(2),
        "maxpool3d_full" => torch.nn.MaxPool3d(new long[] { 3, 2, 2 }, stride: new long[] { 2, 1, 1 }, padding: 1, dilation: 2, ceil_mode: true),
        "avgpool1d" => torch.nn.AvgPool1d(3),
        "avgpool1d_full" => torch.nn.AvgPool1d(3, stride: 2, padding: 1),
        "avgpool3d" => torch.nn.AvgPool3d(2, stride: 1),
        "adaptiveavg1d" => torch.nn.AdaptiveAvgPool1d(3),
        "adaptiveavg3d" => torch.nn.AdaptiveAvgPool3d(new long[] { 2, 3, 4 }),
        "adaptivemax1d" => torch.nn.AdaptiveMaxPool1d(2),
        "adaptivemax3d" => torch.nn.AdaptiveMaxPool3d(2),
        "maxunpool1d" => torch.nn.MaxUnpool1d(2),
        "maxunpool2d" => torch.nn.MaxUnpool2d(2),
        "maxunpool3d" => torch.nn.MaxUnpool3d(2, stride: 1),
        "lppool1d" => torch.nn.LPPool1d(2, 3),
        "lppool2d" => torch.nn.LPPool2d(2, 3, stride: 2),
        _ => throw new NotImplementedException(name),
    };

    [Theory]
    [MemberData(nameof(InitCases))]
    public void Seeded_layer_init_matches_pytorch(string key) => One(key, (c, name) =>
    {
        torch.manual_seed(c.GetProperty("seed").GetInt64());
        var ps = Build(name).parameters().ToArray();
        var exp = c.GetProperty("params").EnumerateArray().ToArray();
        Assert.Equal(exp.Length, ps.Length);
        for (int i = 0; i < exp.Length; i++) Reference.AssertClose(Reference.Tensor(exp[i]), ps[i], $"{name} param[{i}]");
    });

    [Theory]
    [MemberData(nameof(ReprCases))]
    public void Layer_repr_matches_pytorch(string key) => One(key, (c, name) =>
        Assert.Equal(c.GetProperty("repr").GetString(), Build(name).ToString()));

    private static ConvNd StateLayer(string name) => name switch
    {
        "conv3d" => torch.nn.Conv3d(2, 3, new long[] { 2, 3, 2 }, stride: new long[] { 1, 2, 1 }, padding: 1),
        "convT1d" or "convT1d_output_size" => torch.nn.ConvTranspose1d(3, 4, 3, stride: 2, padding: 1),
        "convT3d" => torch.nn.ConvTranspose3d(2, 4, 2, stride: 2, groups: 2),
        "convT3d_output_size" => torch.nn.ConvTranspose3d(2, 2, 3, stride: 2, padding: 1),
        _ => throw new NotImplementedException(name),
    };

    [Theory]
    [MemberData(nameof(StateCases))]
    public void PyTorch_state_dict_loads_and_gives_pytorchs_output(string key) => One(key, (c, name) =>
    {
        var m = StateLayer(name);
        var state = c.GetProperty("state").EnumerateObject().ToDictionary(p => p.Name, p => Reference.Tensor(p.Value));
        var (missing, unexpected) = m.load_state_dict(state);
        Assert.Empty(missing);
        Assert.Empty(unexpected);
        var x = Reference.Tensor(c.GetProperty("x"));
        var outputSize = Longs(Kw(c), "output_size");
        Reference.Check(c, () => outputSize is null ? m.forward(x) : ((ConvTransposeNd)m).forward(x, outputSize), name);
    });

    [Theory]
    [MemberData(nameof(StateErrorCases))]
    public void Layer_errors_match_pytorch(string key) => One(key, (c, name) =>
        Reference.AssertError(c, () => _ = name switch
        {
            "convT2d_output_size_bad" => torch.nn.ConvTranspose2d(2, 2, 3, stride: 2).forward(torch.randn(1, 2, 3, 3), [9, 9]),
            "convT1d_reflect" => torch.nn.ConvTranspose1d(2, 2, 3, padding_mode: "reflect").forward(torch.randn(1, 2, 3)),
            _ => throw new NotImplementedException(name),
        }));
}
