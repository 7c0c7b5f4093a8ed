using System.Text.Json;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Nn;

/// <summary>Replays tools/refs/gen_distance.py: cosine_similarity, pairwise_distance, pdist, cdist, channel_shuffle and the layers' reprs.</summary>
public class DistanceReferenceTests
{
    public static TheoryData<string> FnCases() => Reference.CaseNames("distance", c => c.GetProperty("kind").GetString() == "fn");
    public static TheoryData<string> ReprCases() => Reference.CaseNames("distance", c => c.GetProperty("kind").GetString() == "repr");

    private static double D(JsonElement kw, string k, double d) =>
        !kw.TryGetProperty(k, out var v) ? d : v.ValueKind == JsonValueKind.String ? double.PositiveInfinity : v.GetDouble();

    private static Tensor Call(string fn, Tensor[] a, JsonElement kw) => fn switch
    {
        "cosine_similarity" => F.cosine_similarity(a[0], a[1], (long)D(kw, "dim", 1), D(kw, "eps", 1e-8)),
        "pairwise_distance" => F.pairwise_distance(a[0], a[1], D(kw, "p", 2), D(kw, "eps", 1e-6), kw.TryGetProperty("keepdim", out var k) && k.GetBoolean()),
        "pdist" => torch.pdist(a[0], D(kw, "p", 2)),
        "cdist" => torch.cdist(a[0], a[1], D(kw, "p", 2), kw.TryGetProperty("compute_mode", out var m) ? m.GetString() : null),
        "channel_shuffle" => F.channel_shuffle(a[0], (long)D(kw, "groups", 1)),
        _ => throw new InvalidOperationException($"no mapping for {fn}"),
    };

    [Theory]
    [MemberData(nameof(FnCases))]
    public void DistancesMatchPyTorch(string key)
    {
        var c = Reference.Case("distance", key);
        string fn = c.GetProperty("fn").GetString()!;
        var kw = c.GetProperty("kw");
        var (ins, grad) = NnRecords.Inputs(c);
        if (c.TryGetProperty("error", out _))
        {
            Reference.AssertError(c, () => Call(fn, ins, kw));
            return;
        }
        var outT = Call(fn, ins, kw);
        Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), outT, "out");
        var gradFn = c.GetProperty("grad_fn");
        Assert.Equal(gradFn.ValueKind == JsonValueKind.Null ? null : gradFn.GetString(), outT.grad_fn?.name());
        NnRecords.AssertGradients(c, outT, ins, grad);
    }

    /// <summary>
    /// float64 gradcheck through every differentiable case, away from the points where the distance is not
    /// differentiable (tied rows, a zero row) or where PyTorch's gradient is not the derivative (cosine_similarity below eps,
    /// whose clamp happens outside autograd).
    /// </summary>
    [Theory]
    [MemberData(nameof(FnCases))]
    public void DistancesPassGradcheck(string key)
    {
        var c = Reference.Case("distance", key);
        if (!key.EndsWith("/float64") || c.TryGetProperty("error", out _) || key.Contains("tied") || key.Contains("zero_row") || key.Contains("_eps/")) return;
        var (ins, grad) = NnRecords.Inputs(c);
        if (!grad.Any(g => g)) return;
        string fn = c.GetProperty("fn").GetString()!;
        var kw = c.GetProperty("kw");
        var diff = Enumerable.Range(0, ins.Length).Where(k => grad[k]).ToArray();
        autograd.gradcheck(xs =>
        {
            var all = (Tensor[])ins.Clone();
            for (int k = 0; k < diff.Length; k++) all[diff[k]] = xs[k];
            return Call(fn, all, kw);
        }, diff.Select(k => ins[k].detach().requires_grad_()).ToArray());
    }

    [Theory]
    [MemberData(nameof(ReprCases))]
    public void LayerReprsMatchPyTorch(string key)
    {
        var c = Reference.Case("distance", key);
        var kw = c.GetProperty("kw");
        nn.Module m = c.GetProperty("module").GetString() switch
        {
            "CosineSimilarity" => nn.CosineSimilarity((long)D(kw, "dim", 1), D(kw, "eps", 1e-8)),
            "PairwiseDistance" => nn.PairwiseDistance(D(kw, "p", 2), D(kw, "eps", 1e-6), kw.TryGetProperty("keepdim", out var k) && k.GetBoolean()),
            "ChannelShuffle" => nn.ChannelShuffle((long)D(kw, "groups", 1)),
            var other => throw new InvalidOperationException(other),
        };
        Assert.Equal(c.GetProperty("text").GetString(), m.ToString());
    }

    [Fact]
    public void LayersComputeTheirFunctions()
    {
        manual_seed(0);
        var a = randn(4, 5); var b = randn(4, 5);
        Assert.True(nn.CosineSimilarity().call(a, b).equal(F.cosine_similarity(a, b)));
        Assert.True(nn.PairwiseDistance(p: 1).call(a, b).equal(F.pairwise_distance(a, b, 1)));
        var x = arange(24).reshape(1, 6, 4);
        Assert.True(nn.ChannelShuffle(3).call(x).equal(F.channel_shuffle(x, 3)));
    }

    [Fact]
    public void LargeCdistRunsInBlocksAndMatchesTheProductRoute()
    {
        manual_seed(1);
        // 700 x 650 x 16 differences exceed one block, so the direct route runs in row blocks
        var a = randn(700, 16, dtype: float64); var b = randn(650, 16, dtype: float64);
        var direct = cdist(a, b, compute_mode: "donot_use_mm_for_euclid_dist");
        var product = cdist(a, b);
        Reference.AssertClose(product, direct, "blocks", rtol: 1e-9, atol: 1e-9);
        var one = cdist(a, b, 1.0);
        Reference.AssertClose((a.unsqueeze(1) - b.unsqueeze(0)).abs().sum(-1), one, "p1", rtol: 1e-12, atol: 1e-12);
    }
}
