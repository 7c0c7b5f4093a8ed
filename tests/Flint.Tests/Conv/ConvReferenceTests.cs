using System.Text.Json;
using Flint;
using Flint.Tests.Support;
using Xunit;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Conv;

/// <summary>Replays tools/refs/gen_conv.py: outputs, gradients, error texts, layer init and repr.</summary>
/// <remarks>Seeded layer init draws from the global generator, so no other test may draw at the same time.</remarks>
[Collection("GlobalGenerator")]
public class ConvReferenceTests
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

    private static long Int(Dictionary<string, JsonElement> kw, string name, long dflt) => kw.TryGetValue(name, out var e) ? e.GetInt64() : dflt;
    private static bool Bool(Dictionary<string, JsonElement> kw, string name, bool dflt) => kw.TryGetValue(name, out var e) ? e.GetBoolean() : dflt;

    /// <summary>Runs one recorded op; a tuple result comes back as a list.</summary>
    internal static object Run(string op, Tensor[] a, Dictionary<string, JsonElement> kw)
    {
        Tensor? bias = a.Length > 2 ? a[2] : null;
        switch (op)
        {
            case "conv1d": return F.conv1d(a[0], a[1], bias, Size(kw, "stride"), Size(kw, "padding"), Size(kw, "dilation"), Int(kw, "groups", 1));
            case "conv2d": return F.conv2d(a[0], a[1], bias, Size(kw, "stride"), Size(kw, "padding"), Size(kw, "dilation"), Int(kw, "groups", 1));
            case "conv_transpose2d":
                return F.conv_transpose2d(a[0], a[1], bias, Size(kw, "stride"), Size(kw, "padding"), Size(kw, "output_padding"), Int(kw, "groups", 1), Size(kw, "dilation"));
            case "max_pool1d": return F.max_pool1d(a[0], Size(kw, "kernel_size")!.Value, Size(kw, "stride"), Size(kw, "padding"), Size(kw, "dilation"), Bool(kw, "ceil_mode", false));
            case "max_pool2d": return F.max_pool2d(a[0], Size(kw, "kernel_size")!.Value, Size(kw, "stride"), Size(kw, "padding"), Size(kw, "dilation"), Bool(kw, "ceil_mode", false));
            case "max_pool1d_with_indices":
            {
                var (y, i) = F.max_pool1d_with_indices(a[0], Size(kw, "kernel_size")!.Value, Size(kw, "stride"), Size(kw, "padding"), Size(kw, "dilation"), Bool(kw, "ceil_mode", false));
                return new List<Tensor> { y, i };
            }
            case "max_pool2d_with_indices":
            {
                var (y, i) = F.max_pool2d_with_indices(a[0], Size(kw, "kernel_size")!.Value, Size(kw, "stride"), Size(kw, "padding"), Size(kw, "dilation"), Bool(kw, "ceil_mode", false));
                return new List<Tensor> { y, i };
            }
            case "avg_pool2d":
                return F.avg_pool2d(a[0], Size(kw, "kernel_size")!.Value, Size(kw, "stride"), Size(kw, "padding"), Bool(kw, "ceil_mode", false),
                    Bool(kw, "count_include_pad", true), kw.TryGetValue("divisor_override", out var d) ? d.GetInt64() : null);
            case "adaptive_avg_pool2d": return F.adaptive_avg_pool2d(a[0], Size(kw, "output_size")!.Value);
            case "adaptive_max_pool2d": return F.adaptive_max_pool2d(a[0], Size(kw, "output_size")!.Value);
            case "adaptive_max_pool2d_with_indices":
            {
                var (y, i) = F.adaptive_max_pool2d_with_indices(a[0], Size(kw, "output_size")!.Value);
                return new List<Tensor> { y, i };
            }
            default: throw new NotImplementedException(op);
        }
    }

    internal static Dictionary<string, JsonElement> Kw(JsonElement c) =>
        c.TryGetProperty("kw", out var kw) ? kw.EnumerateObject().ToDictionary(p => p.Name, p => p.Value) : [];

    private static TheoryData<string> Of(string kind, string? needs = null) =>
        Reference.CaseNames("conv", c => c.GetProperty("kind").GetString() == kind && (needs is null || c.TryGetProperty(needs, out _)));

    public static TheoryData<string> OpCases() => Of("op");
    public static TheoryData<string> GradCases() => Of("op", "grads");
    public static TheoryData<string> InitCases() => Of("init");
    public static TheoryData<string> ReprCases() => Of("repr");

    /// <summary>Looks the case up by its key and runs the check with the case's recorded name.</summary>
    private static void One(string key, Action<JsonElement, string> check)
    {
        var c = Reference.Case("conv", key);
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
    public void Gradients_match_pytorch(string key) => One(key, (c, name) =>
    {
        var grads = c.GetProperty("grads");
        var args = c.GetProperty("args").EnumerateArray().Select(e => Reference.Tensor(e).requires_grad_(true)).ToArray();
        var r = Run(c.GetProperty("op").GetString()!, args, Kw(c));
        var y = r is Tensor t ? t : ((List<Tensor>)r)[0];
        var gy = Reference.Tensor(c.GetProperty("gy"));
        var gs = torch.autograd.grad([(y * gy).sum()], args);
        var exp = grads.EnumerateArray().ToArray();
        for (int i = 0; i < exp.Length; i++)
        {
            // float32 gradients sum many products in a different order than PyTorch's kernels
            bool f32 = args[i].dtype == torch.float32;
            Reference.AssertClose(Reference.Tensor(exp[i]), gs[i]!, $"{name} grad[{i}]", rtol: f32 ? 1e-5 : null, atol: f32 ? 1e-5 : null);
        }
    });

    internal static torch.nn.Module<Tensor, Tensor> Build(string name) => name switch
    {
        "conv2d_1_32_3_p1" => torch.nn.Conv2d(1, 32, 3, padding: 1),
        "conv2d_8_16_3_p1" => torch.nn.Conv2d(8, 16, 3, padding: 1),
        "conv1d_4_6_3_g2" => torch.nn.Conv1d(4, 6, 3, groups: 2),
        "convT2d_3_4_3_s2" => torch.nn.ConvTranspose2d(3, 4, 3, stride: 2),
        "conv2d_nobias" => torch.nn.Conv2d(2, 3, (2, 3), bias: false),
        "conv2d_full" => torch.nn.Conv2d(4, 8, (3, 5), stride: (2, 1), padding: (1, 2), dilation: 2, groups: 2, bias: false),
        "conv2d_same" => torch.nn.Conv2d(3, 3, 3, padding: "same"),
        "conv1d" => torch.nn.Conv1d(16, 33, 3, stride: 2),
        "convT2d" => torch.nn.ConvTranspose2d(16, 33, 3, stride: 2, padding: 1, output_padding: 1),
        "maxpool2d" => torch.nn.MaxPool2d(2),
        "maxpool2d_full" => torch.nn.MaxPool2d((3, 2), stride: (2, 1), padding: 1, dilation: 2, ceil_mode: true),
        "maxpool1d" => torch.nn.MaxPool1d(3, stride: 2),
        "avgpool2d" => torch.nn.AvgPool2d(3, stride: 2, padding: 1),
        "adaptiveavg" => torch.nn.AdaptiveAvgPool2d((5, 7)),
        "adaptiveavg1" => torch.nn.AdaptiveAvgPool2d(1),
        "adaptivemax" => torch.nn.AdaptiveMaxPool2d(3),
        "cnn" => ConvBehaviourTests.Cnn(),
        _ => throw new NotImplementedException(name),
    };

    [Theory]
    [MemberData(nameof(InitCases))]
    public void Seeded_layer_init_matches_pytorch(string key) => One(key, (c, name) =>
    {
        torch.manual_seed(c.GetProperty("seed").GetInt64());
        var m = Build(name);
        var ps = m.parameters().ToArray();
        var exp = c.GetProperty("params").EnumerateArray().ToArray();
        Assert.Equal(exp.Length, ps.Length);
        for (int i = 0; i < exp.Length; i++) Reference.AssertClose(Reference.Tensor(exp[i]), ps[i], $"{name} param[{i}]");
    });

    [Theory]
    [MemberData(nameof(ReprCases))]
    public void Layer_repr_matches_pytorch(string key) => One(key, (c, name) =>
        Assert.Equal(c.GetProperty("repr").GetString(), Build(name).ToString()));
}
