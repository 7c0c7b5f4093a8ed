using System.Text.Json;
using Flint;
using Flint.Tests.Support;
using Xunit;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Spatial;

/// <summary>
/// Replays tools/refs/gen_spatial.py: F.pad, F.interpolate, pixel_shuffle/unshuffle, one_hot, unfold/fold (values,
/// gradients, grad_fn names, error texts), float64 gradcheck of each backward, and the layers' repr and forward.
/// </summary>
public class SpatialReferenceTests
{
    private const string File = "spatial";

    private static Dictionary<string, JsonElement> Kw(JsonElement c) =>
        c.TryGetProperty("kw", out var kw) ? kw.EnumerateObject().ToDictionary(p => p.Name, p => p.Value) : [];

    private static bool Has(Dictionary<string, JsonElement> kw, string name) => kw.TryGetValue(name, out var e) && e.ValueKind != JsonValueKind.Null;

    private static SizeArg? Size(Dictionary<string, JsonElement> kw, string name) => !Has(kw, name) ? null
        : kw[name].ValueKind == JsonValueKind.Number ? (SizeArg?)kw[name].GetInt64() : (SizeArg?)kw[name].EnumerateArray().Select(x => x.GetInt64()).ToArray();

    private static ScaleArg? Scale(Dictionary<string, JsonElement> kw, string name) => !Has(kw, name) ? null
        : kw[name].ValueKind == JsonValueKind.Number ? (ScaleArg?)kw[name].GetDouble() : (ScaleArg?)kw[name].EnumerateArray().Select(x => x.GetDouble()).ToArray();

    private static bool? Bool(Dictionary<string, JsonElement> kw, string name) => Has(kw, name) ? kw[name].GetBoolean() : null;
    private static long Int(Dictionary<string, JsonElement> kw, string name, long dflt) => Has(kw, name) ? kw[name].GetInt64() : dflt;
    private static string Str(Dictionary<string, JsonElement> kw, string name, string dflt) => Has(kw, name) ? kw[name].GetString()! : dflt;

    internal static Tensor Run(string op, Tensor x, Dictionary<string, JsonElement> kw) => op switch
    {
        "pad" => F.pad(x, kw["pad"].EnumerateArray().Select(e => e.GetInt64()).ToArray(), Str(kw, "mode", "constant"), Has(kw, "value") ? kw["value"].GetDouble() : null),
        "interpolate" => F.interpolate(x, Size(kw, "size"), Scale(kw, "scale_factor"), Str(kw, "mode", "nearest"), Bool(kw, "align_corners"),
            Bool(kw, "recompute_scale_factor"), Bool(kw, "antialias") ?? false),
        "pixel_shuffle" => F.pixel_shuffle(x, Int(kw, "upscale_factor", 0)),
        "pixel_unshuffle" => F.pixel_unshuffle(x, Int(kw, "downscale_factor", 0)),
        "one_hot" => F.one_hot(x, Int(kw, "num_classes", -1)),
        "unfold" => F.unfold(x, Size(kw, "kernel_size")!.Value, Size(kw, "dilation"), Size(kw, "padding"), Size(kw, "stride")),
        "fold" => F.fold(x, Size(kw, "output_size")!.Value, Size(kw, "kernel_size")!.Value, Size(kw, "dilation"), Size(kw, "padding"), Size(kw, "stride")),
        _ => throw new NotImplementedException(op),
    };

    private static TheoryData<string> Of(string kind, string? needs = null, Func<JsonElement, bool>? where = null) =>
        Reference.CaseNames(File, c => c.GetProperty("kind").GetString() == kind && (needs is null || c.TryGetProperty(needs, out _)) && (where is null || where(c)));

    public static TheoryData<string> OpCases() => Of("op");
    public static TheoryData<string> GradCases() => Of("op", "grad");
    public static TheoryData<string> Float64GradCases() => Of("op", "grad", c => c.GetProperty("x").GetProperty("dtype").GetString() == "float64");
    public static TheoryData<string> LayerCases() => Of("layer");

    private static void One(string key, Action<JsonElement, string> check)
    {
        var c = Reference.Case(File, key);
        check(c, c.GetProperty("name").GetString()!);
    }

    private static Func<Tensor, Tensor> Op(JsonElement c)
    {
        var op = c.GetProperty("op").GetString()!;
        var kw = Kw(c);
        return x => Run(op, x, kw);
    }

    [Theory]
    [MemberData(nameof(OpCases))]
    public void Forward_matches_pytorch(string key) => One(key, (c, name) =>
    {
        var x = Reference.Tensor(c.GetProperty("x"));
        Reference.Check(c, () => Op(c)(x), name);
    });

    [Theory]
    [MemberData(nameof(GradCases))]
    public void Gradient_and_node_match_pytorch(string key) => One(key, (c, name) =>
    {
        var x = Reference.Tensor(c.GetProperty("x")).requires_grad_(true);
        var y = Op(c)(x);
        Assert.Equal(c.GetProperty("grad_fn").GetString(), y.grad_fn?.name());
        var gy = Reference.Tensor(c.GetProperty("gy"));
        var g = torch.autograd.grad([(y * gy).sum()], [x])[0]!;
        bool f32 = x.dtype == torch.float32;
        Reference.AssertClose(Reference.Tensor(c.GetProperty("grad")), g, $"{name} grad", rtol: f32 ? 1e-5 : null, atol: f32 ? 1e-5 : null);
    });

    [Theory]
    [MemberData(nameof(Float64GradCases))]
    public void Float64_gradcheck(string key) => One(key, (c, name) =>
    {
        var x = Reference.Tensor(c.GetProperty("x")).requires_grad_(true);
        var f = Op(c);
        Assert.True(torch.autograd.gradcheck(xs => f(xs[0]), [x]), name);
    });

    /// <summary>The backward nodes are themselves differentiable (PyTorch's XBackwardBackward0), so second derivatives check too.</summary>
    [Theory]
    [InlineData("reflect_2d/f64")]
    [InlineData("replicate_3d/f64")]
    [InlineData("const_crop/f64")]
    [InlineData("circular_2d/f64")]
    [InlineData("nearest_2d_size/f64")]
    [InlineData("linear_up/ac/f64")]
    [InlineData("bicubic_down/noac/f64")]
    [InlineData("trilinear_scale/noac/f64")]
    [InlineData("area_2d/f64")]
    [InlineData("shuffle/f64")]
    [InlineData("unshuffle/f64")]
    [InlineData("unfold_full/f64")]
    [InlineData("fold_unbatched/f64")]
    public void Float64_gradgradcheck(string key) => One(key, (c, name) =>
    {
        var x = Reference.Tensor(c.GetProperty("x")).requires_grad_(true);
        var f = Op(c);
        Assert.True(torch.autograd.gradgradcheck(xs => f(xs[0]), [x]), name);
    });

    internal static torch.nn.Module<Tensor, Tensor> Build(string name) => name switch
    {
        "ConstantPad1d" => torch.nn.ConstantPad1d(2, 3.5),
        "ConstantPad2d" => torch.nn.ConstantPad2d(new long[] { 1, 0, 2, 1 }, -1.0),
        "ConstantPad3d" => torch.nn.ConstantPad3d(1, 0.5),
        "ZeroPad1d" => torch.nn.ZeroPad1d((1, 2)),
        "ZeroPad2d" => torch.nn.ZeroPad2d(new long[] { 1, 1, 2, 0 }),
        "ZeroPad3d" => torch.nn.ZeroPad3d(1),
        "ReflectionPad1d" => torch.nn.ReflectionPad1d((2, 1)),
        "ReflectionPad2d" => torch.nn.ReflectionPad2d(1),
        "ReflectionPad3d" => torch.nn.ReflectionPad3d(new long[] { 1, 0, 1, 1, 0, 1 }),
        "ReplicationPad1d" => torch.nn.ReplicationPad1d(3),
        "ReplicationPad2d" => torch.nn.ReplicationPad2d(new long[] { 0, 2, 1, 3 }),
        "ReplicationPad3d" => torch.nn.ReplicationPad3d(1),
        "CircularPad1d" => torch.nn.CircularPad1d((1, 2)),
        "CircularPad2d" => torch.nn.CircularPad2d(new long[] { 1, 1, 2, 0 }),
        "CircularPad3d" => torch.nn.CircularPad3d(1),
        "Upsample_scale" => torch.nn.Upsample(scale_factor: 2, mode: "bilinear"),
        "Upsample_size" => torch.nn.Upsample(size: (5, 3), mode: "nearest"),
        "Upsample_tuple" => torch.nn.Upsample(scale_factor: (1.5, 2), mode: "bicubic", align_corners: true),
        "UpsamplingNearest2d" => torch.nn.UpsamplingNearest2d(scale_factor: 3),
        "UpsamplingBilinear2d" => torch.nn.UpsamplingBilinear2d(size: (6, 7)),
        "PixelShuffle" => torch.nn.PixelShuffle(2),
        "PixelUnshuffle" => torch.nn.PixelUnshuffle(2),
        "Unfold" => torch.nn.Unfold(kernel_size: (2, 3), dilation: 1, padding: 1, stride: 2),
        "Fold" => torch.nn.Fold(output_size: (4, 5), kernel_size: 2),
        _ => throw new NotImplementedException(name),
    };

    [Theory]
    [MemberData(nameof(LayerCases))]
    public void Layer_repr_and_forward_match_pytorch(string key) => One(key, (c, name) =>
    {
        var m = Build(name);
        Assert.Equal(c.GetProperty("repr").GetString(), m.ToString());
        Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), m.forward(Reference.Tensor(c.GetProperty("x"))), name);
    });
}
