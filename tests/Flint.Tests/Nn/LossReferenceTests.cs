using System.Text.Json;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Nn;

/// <summary>Replays the loss and CTC records of tools/refs/gen_losses.py: values, gradients, node names, errors, gradcheck.</summary>
public class LossReferenceTests
{
    private static TheoryData<string> Keys(string kind) => Reference.CaseNames("losses", c => c.GetProperty("kind").GetString() == kind);

    public static TheoryData<string> LossCases() => Keys("loss");
    public static TheoryData<string> CtcCases() => Keys("ctc");

    private static double D(JsonElement kw, string k, double d) => kw.TryGetProperty(k, out var v) ? v.GetDouble() : d;
    private static bool B(JsonElement kw, string k, bool d) => kw.TryGetProperty(k, out var v) ? v.GetBoolean() : d;
    private static string R(JsonElement kw) => kw.TryGetProperty("reduction", out var v) ? v.GetString()! : "mean";
    private static Tensor? T(JsonElement kw, string k, DType dt) => kw.TryGetProperty(k, out var v) ? Reference.Tensor(v).to(dt) : null;

    /// <summary>1 - cosine similarity, as the generator's distance function computes it.</summary>
    private static Tensor CosineDistance(Tensor u, Tensor v) => 1 - (u * v).sum(-1) / ((u * u).sum(-1) * (v * v).sum(-1)).sqrt();

    internal static Tensor Call(string fn, Tensor[] a, JsonElement kw)
    {
        var dt = a[0].dtype;
        return fn switch
        {
            "margin_ranking_loss" => F.margin_ranking_loss(a[0], a[1], a[2], D(kw, "margin", 0), R(kw)),
            "hinge_embedding_loss" => F.hinge_embedding_loss(a[0], a[1], D(kw, "margin", 1), R(kw)),
            "soft_margin_loss" => F.soft_margin_loss(a[0], a[1], R(kw)),
            "cosine_embedding_loss" => F.cosine_embedding_loss(a[0], a[1], a[2], D(kw, "margin", 0), R(kw)),
            "multilabel_soft_margin_loss" => F.multilabel_soft_margin_loss(a[0], a[1], T(kw, "weight", dt), R(kw)),
            "multi_margin_loss" => F.multi_margin_loss(a[0], a[1], (long)D(kw, "p", 1), D(kw, "margin", 1), T(kw, "weight", dt), R(kw)),
            "multilabel_margin_loss" => F.multilabel_margin_loss(a[0], a[1], R(kw)),
            "triplet_margin_loss" => F.triplet_margin_loss(a[0], a[1], a[2], D(kw, "margin", 1), D(kw, "p", 2), D(kw, "eps", 1e-6), B(kw, "swap", false), R(kw)),
            "triplet_margin_with_distance_loss" => F.triplet_margin_with_distance_loss(a[0], a[1], a[2],
                kw.TryGetProperty("distance_function", out _) ? CosineDistance : null, D(kw, "margin", 1), B(kw, "swap", false), R(kw)),
            "poisson_nll_loss" => F.poisson_nll_loss(a[0], a[1], B(kw, "log_input", true), B(kw, "full", false), D(kw, "eps", 1e-8), R(kw)),
            "gaussian_nll_loss" => F.gaussian_nll_loss(a[0], a[1], a[2], B(kw, "full", false), D(kw, "eps", 1e-6), R(kw)),
            _ => throw new InvalidOperationException($"no mapping for {fn}"),
        };
    }

    [Theory]
    [MemberData(nameof(LossCases))]
    public void LossesMatchPyTorch(string key)
    {
        var c = Reference.Case("losses", key);
        string fn = c.GetProperty("fn").GetString()!;
        var kw = c.GetProperty("kw");
        var (ins, grad) = NnRecords.Inputs(c);
        if (c.TryGetProperty("error", out var err))
        {
            if (err.ValueKind == JsonValueKind.Null) { Call(fn, ins, kw); return; }
            Reference.AssertError(c, () => Call(fn, ins, kw));
            return;
        }
        var outT = Call(fn, ins, kw);
        Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), outT, "out");
        Assert.Equal(c.GetProperty("grad_fn").GetString(), outT.grad_fn?.name());
        NnRecords.AssertGradients(c, outT, ins, grad);
    }

    /// <summary>
    /// Cases recorded at a kink, where PyTorch's gradient is a one-sided one and finite differences straddle it: the
    /// Poisson Stirling term switches on above target 1 (the integer targets sit on it), and the Gaussian variance
    /// is clamped at eps with the gradient passed through the clamp.
    /// </summary>
    private static readonly string[] AtAKink = ["poisson_nll_loss_full/", "poisson_nll_loss_prob_full_eps/", "gaussian_nll_loss_eps/"];

    /// <summary>float64 gradcheck of every loss case through the inputs PyTorch differentiates.</summary>
    [Theory]
    [MemberData(nameof(LossCases))]
    public void LossesPassGradcheck(string key)
    {
        var c = Reference.Case("losses", key);
        if (!key.EndsWith("/float64") || c.TryGetProperty("error", out _) || AtAKink.Any(key.StartsWith)) return;
        string fn = c.GetProperty("fn").GetString()!;
        var kw = c.GetProperty("kw");
        var (ins, grad) = NnRecords.Inputs(c);
        var diff = Enumerable.Range(0, ins.Length).Where(k => grad[k]).ToArray();
        autograd.gradcheck(xs =>
        {
            var all = (Tensor[])ins.Clone();
            for (int k = 0; k < diff.Length; k++) all[diff[k]] = xs[k];
            return Call(fn, all, kw);
        }, diff.Select(k => ins[k].detach().requires_grad_()).ToArray());
    }

    private static Tensor Ctc(JsonElement c, Tensor logProbs, string? reduction = null)
    {
        var kw = c.GetProperty("kw");
        var targets = Reference.Tensor(c.GetProperty("targets"));
        var il = NnRecords.Longs(c.GetProperty("input_lengths"));
        var tl = NnRecords.Longs(c.GetProperty("target_lengths"));
        long blank = (long)D(kw, "blank", 0);
        bool zi = B(kw, "zero_infinity", false);
        reduction ??= R(kw);
        return c.GetProperty("lengths").GetString() == "tensor"
            ? F.ctc_loss(logProbs, targets, torch.tensor(il), torch.tensor(tl), blank, reduction, zi)
            : F.ctc_loss(logProbs, targets, il, tl, blank, reduction, zi);
    }

    [Theory]
    [MemberData(nameof(CtcCases))]
    public void CtcLossMatchesPyTorch(string key)
    {
        var c = Reference.Case("losses", key);
        var lp = Reference.Tensor(c.GetProperty("log_probs")).requires_grad_();
        if (c.TryGetProperty("error", out _))
        {
            Reference.AssertError(c, () => Ctc(c, lp));
            return;
        }
        var outT = Ctc(c, lp);
        Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), outT, "out");
        Assert.Equal(c.GetProperty("grad_fn").GetString(), outT.grad_fn?.name());
        var g = autograd.grad([outT], [lp], [Reference.Tensor(c.GetProperty("gout"))])[0];
        Reference.AssertClose(Reference.Tensor(c.GetProperty("grad")), g!, "grad");
    }

    /// <summary>
    /// PyTorch's CTC gradient is the one through a log_softmax of the logits (its kernel folds the softmax's
    /// Jacobian in), so gradcheck runs on logits, as PyTorch's own test does. Infinite losses have no gradient to check.
    /// </summary>
    [Theory]
    [MemberData(nameof(CtcCases))]
    public void CtcLossPassesGradcheck(string key)
    {
        var c = Reference.Case("losses", key);
        if (!key.EndsWith("/float64") || c.TryGetProperty("error", out _) || key.Contains("infinit")) return;
        var logits = Reference.Tensor(c.GetProperty("log_probs")).detach().requires_grad_();
        autograd.gradcheck(xs => Ctc(c, xs[0].log_softmax(-1), "sum"), [logits]);
    }

    [Fact]
    public void CtcLossModuleAndMetaShapes()
    {
        var lp = randn(6, 2, 4).log_softmax(-1);
        var targets = tensor(new long[,] { { 1, 2 }, { 3, 3 } });
        var il = tensor(new long[] { 6, 5 });
        var tl = tensor(new long[] { 2, 2 });
        var viaModule = nn.CTCLoss(reduction: "sum").call(lp, targets, il, tl);
        Reference.AssertClose(F.ctc_loss(lp, targets, il, tl, reduction: "sum"), viaModule, "module");
        var meta = F.ctc_loss(empty([6, 2, 4], device: "meta").requires_grad_(), targets, new long[] { 6, 5 }, new long[] { 2, 2 }, reduction: "none");
        Assert.Equal([2L], meta.shape.ToArray());
        Assert.True(meta.is_meta);
    }

    [Fact]
    public void CtcLossBackwardIsNotDifferentiableAgain()
    {
        var lp = randn(5, 1, 3, dtype: float64).log_softmax(-1).detach().requires_grad_();
        var loss = F.ctc_loss(lp, tensor(new long[] { 1, 2 }), new long[] { 5 }, new long[] { 2 }, reduction: "sum");
        var g = autograd.grad([loss], [lp], create_graph: true)[0]!;
        var ex = Assert.Throws<NotSupportedException>(() => g.sum().backward());
        Assert.Contains("_ctc_loss_backward", ex.Message);
    }
}
