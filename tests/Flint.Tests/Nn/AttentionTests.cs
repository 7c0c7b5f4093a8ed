using System.Text.Json;
using Flint.Backends.Cpu;
using Flint.Backends.Cpu.Gemm;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Nn;

/// <summary>
/// scaled_dot_product_attention: the records of tools/refs/gen_attention.py (values, gradients and error texts of
/// PyTorch 2's formula), float64 gradcheck and gradgradcheck of the fused route, its node name, the dropout mask
/// (the same in forward and backward, right statistics), the fused kernel's vector paths and threaded splits, and
/// its memory: no L x S buffer.
/// </summary>
[Collection("GlobalGenerator")] // the dropout tests reseed the global generator and compare two draws
public class AttentionTests
{
    private static readonly IReadOnlyDictionary<string, JsonElement> Records = Reference.CasesByName("attention");

    public static TheoryData<string> ValueCases() => Reference.CaseNames("attention", c => c.GetProperty("kind").GetString() == "value");
    public static TheoryData<string> ErrorCases() => Reference.CaseNames("attention", c => c.GetProperty("kind").GetString() == "error");

    private const string FlashNode = "ScaledDotProductFlashAttentionForCpuBackward0";

    private static (Tensor q, Tensor k, Tensor v, Tensor? mask) Inputs(JsonElement c)
    {
        var ins = c.GetProperty("inputs");
        var mask = ins.TryGetProperty("attn_mask", out var m) ? Reference.Tensor(m) : null;
        return (Reference.Tensor(ins.GetProperty("query")), Reference.Tensor(ins.GetProperty("key")), Reference.Tensor(ins.GetProperty("value")), mask);
    }

    private static Tensor Call(JsonElement kw, Tensor q, Tensor k, Tensor v, Tensor? mask) =>
        F.scaled_dot_product_attention(q, k, v, mask,
            dropout_p: kw.TryGetProperty("dropout_p", out var d) ? d.GetDouble() : 0.0,
            is_causal: kw.TryGetProperty("is_causal", out var ic) && ic.GetBoolean(),
            scale: kw.TryGetProperty("scale", out var s) ? s.GetDouble() : null,
            enable_gqa: kw.TryGetProperty("enable_gqa", out var g) && g.GetBoolean());

    /// <summary>The fused kernel sums in another order than the explicit formula: float32 and half types get a few ulps.</summary>
    private static (double rtol, double atol) Tol(DType dt) => dt.name switch
    {
        "float32" => (1e-5, 2e-5),
        "float16" => (2e-3, 2e-3),
        "bfloat16" => (1.6e-2, 2e-2),
        _ => (1e-9, 1e-10),
    };

    private static void Replay(string name)
    {
        var c = Records[name];
        var (q, k, v, mask) = Inputs(c);
        bool grads = c.TryGetProperty("grads", out var gr);
        bool maskGrad = c.TryGetProperty("mask_grad", out _);
        if (grads) { q.requires_grad_(); k.requires_grad_(); v.requires_grad_(); }
        if (maskGrad) mask!.requires_grad_();
        var outT = Call(c.GetProperty("kw"), q, k, v, mask);
        var (rt, at) = Tol(q.dtype);
        Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), outT, name + " out", rt, at);
        if (!grads) return;
        Tensor[] wanted = maskGrad ? [q, k, v, mask!] : [q, k, v];
        string[] names = maskGrad ? ["query", "key", "value", "attn_mask"] : ["query", "key", "value"];
        var gs = torch.autograd.grad([outT], wanted, [Reference.Tensor(c.GetProperty("gout"))]);
        for (int i = 0; i < wanted.Length; i++)
            Reference.AssertClose(Reference.Tensor(gr.GetProperty(names[i])), gs[i]!, $"{name} grad {names[i]}", rt, at);
    }

    [Theory]
    [MemberData(nameof(ValueCases))]
    public void MatchesPyTorch(string name) => Replay(name);

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void ErrorsMatchPyTorch(string name)
    {
        var c = Records[name];
        var (q, k, v, mask) = Inputs(c);
        Reference.AssertError(c, () => Call(c.GetProperty("kw"), q, k, v, mask), name);
    }

    /// <summary>Cases whose tiles split across the worker pool, with the backward's key tiles in groups adding into partial dQ sums.</summary>
    [Theory]
    [InlineData("causal/50x130x4")]
    [InlineData("mask/across_tiles")]
    [InlineData("gqa/6of2")]
    [InlineData("causal/130x130x2")]
    public void ForcedThreadsMatchPyTorch(string name)
    {
        var old = KernelOptions.Threads;
        KernelOptions.Threads = true;
        try { Replay(name); }
        finally { KernelOptions.Threads = old; }
    }

    /// <summary>The fused kernel on each micro-kernel family (the scalar loops, 256- and 512-bit vectors where present).</summary>
    [Theory]
    [InlineData("Scalar", "causal/50x130x4")]
    [InlineData("Scalar", "float32/gqa")]
    [InlineData("Vector256", "causal/50x130x4")]
    [InlineData("Vector256", "mask/across_tiles_float")]
    [InlineData("Vector256", "float32/causal")]
    [InlineData("Vector512", "ev/8to5")]
    public void VectorPathsMatchPyTorch(string path, string name)
    {
        var old = GemmOptions.Path;
        GemmOptions.Path = Enum.Parse<VectorPath>(path);
        try { Replay(name); }
        finally { GemmOptions.Path = old; }
    }

    private static Tensor R(params long[] shape) => (rand(shape, dtype: float64) * 2 - 1).requires_grad_();

    [Fact]
    public void FusedRouteHasPyTorchsCpuFlashNode()
    {
        var q = R(2, 3, 5, 4);
        Assert.Equal(FlashNode, F.scaled_dot_product_attention(q, R(2, 3, 6, 4), R(2, 3, 6, 4)).grad_fn!.name());
        Assert.Equal(FlashNode, F.scaled_dot_product_attention(q, R(2, 3, 6, 4), R(2, 3, 6, 4), is_causal: true).grad_fn!.name());
        Assert.Equal(FlashNode, F.scaled_dot_product_attention(q, R(2, 3, 6, 4), R(2, 3, 6, 4), rand(5, 6) > 0.5).grad_fn!.name());
        Assert.Equal(FlashNode, F.scaled_dot_product_attention(q, R(2, 1, 6, 4), R(2, 1, 6, 4), enable_gqa: true).grad_fn!.name());
        // with dropout PyTorch's CPU dispatch takes the math route (and its bernoulli mask): its last node is the matmul's view
        Assert.Equal("UnsafeViewBackward0", F.scaled_dot_product_attention(q, R(2, 3, 6, 4), R(2, 3, 6, 4), dropout_p: 0.5).grad_fn!.name());
        Assert.Equal(FlashNode, F.scaled_dot_product_attention(R(3, 5, 4), R(3, 6, 4), R(3, 6, 2)).grad_fn!.name());
        // one node: its inputs are the three leaves
        var y = F.scaled_dot_product_attention(q, R(2, 3, 6, 4), R(2, 3, 6, 4));
        Assert.Equal(3, y.grad_fn!.next_functions.Count(e => e.Item1?.name().EndsWith("AccumulateGrad") == true));
    }

    public static TheoryData<string> GradcheckCases() => new() { "plain", "causal", "causal_wide", "bool_mask", "float_mask", "gqa", "rank3", "scale", "fully_masked" };

    private static (Func<Tensor[], Tensor> f, Tensor[] inputs) Gradcheck(string name)
    {
        manual_seed(7);
        var m = rand(5, 6) > 0.4;
        m[0] = zeros(6, dtype: @bool);
        var fm = rand([2, 1, 5, 6], dtype: float64);
        return name switch
        {
            "plain" => (a => F.scaled_dot_product_attention(a[0], a[1], a[2]), [R(2, 2, 5, 4), R(2, 2, 6, 4), R(2, 2, 6, 3)]),
            "causal" => (a => F.scaled_dot_product_attention(a[0], a[1], a[2], is_causal: true), [R(1, 2, 6, 4), R(1, 2, 6, 4), R(1, 2, 6, 3)]),
            "causal_wide" => (a => F.scaled_dot_product_attention(a[0], a[1], a[2], is_causal: true), [R(1, 1, 4, 4), R(1, 1, 7, 4), R(1, 1, 7, 3)]),
            "bool_mask" => (a => F.scaled_dot_product_attention(a[0], a[1], a[2], m), [R(1, 2, 5, 3), R(1, 2, 6, 3), R(1, 2, 6, 2)]),
            "float_mask" => (a => F.scaled_dot_product_attention(a[0], a[1], a[2], fm), [R(2, 2, 5, 3), R(2, 2, 6, 3), R(2, 2, 6, 2)]),
            "gqa" => (a => F.scaled_dot_product_attention(a[0], a[1], a[2], enable_gqa: true), [R(1, 4, 5, 3), R(1, 2, 6, 3), R(1, 2, 6, 2)]),
            "rank3" => (a => F.scaled_dot_product_attention(a[0], a[1], a[2]), [R(2, 5, 3), R(2, 6, 3), R(2, 6, 2)]),
            "scale" => (a => F.scaled_dot_product_attention(a[0], a[1], a[2], scale: -1.5), [R(1, 1, 5, 3), R(1, 1, 6, 3), R(1, 1, 6, 2)]),
            "fully_masked" => (a => F.scaled_dot_product_attention(a[0], a[1], a[2], m), [R(1, 1, 5, 3), R(1, 1, 6, 3), R(1, 1, 6, 2)]),
            _ => throw new ArgumentException(name),
        };
    }

    [Theory]
    [MemberData(nameof(GradcheckCases))]
    public void FusedRoutePassesGradcheck(string name)
    {
        var (f, inputs) = Gradcheck(name);
        Assert.Equal(FlashNode, f(inputs).grad_fn!.name());
        Assert.True(torch.autograd.gradcheck(f, inputs));
    }

    [Theory]
    [MemberData(nameof(GradcheckCases))]
    public void FusedRoutePassesGradgradcheck(string name)
    {
        var (f, inputs) = Gradcheck(name);
        Assert.True(torch.autograd.gradgradcheck(a => [f(a)], inputs));
    }

    /// <summary>
    /// With q = k = 0 every weight is 1/S, so with v = I the output is the dropped-out weights themselves: each is 0 or
    /// 1/(S(1-p)), zeros at about rate p; the same seed gives the same mask.
    /// </summary>
    [Fact]
    public void DropoutDropsAtRatePAndFollowsTheSeed()
    {
        long s = 64, l = 96;
        double p = 0.3;
        var q = zeros([2, 2, l, 8], dtype: float64);
        var k = zeros([2, 2, s, 8], dtype: float64);
        var v = eye(s, dtype: float64).expand(2, 2, s, s);
        manual_seed(11);
        var a = F.scaled_dot_product_attention(q, k, v, dropout_p: p);
        var w = a.ToArray<double>();
        double kept = 1 / (s * (1 - p));
        Assert.All(w, x => Assert.True(x == 0 || Math.Abs(x - kept) < 1e-12, $"{x}"));
        double dropped = w.Count(x => x == 0) / (double)w.Length;
        Assert.InRange(dropped, p - 0.02, p + 0.02);
        manual_seed(11);
        Assert.True(F.scaled_dot_product_attention(q, k, v, dropout_p: p).equal(a));
        Assert.False(F.scaled_dot_product_attention(q, k, v, dropout_p: p).equal(a));
        Assert.True(F.scaled_dot_product_attention(q, k, v, dropout_p: 1.0).eq(0).all().item<bool>());
    }

    /// <summary>
    /// The backward regenerates the forward's mask: with v = I the forward's output exposes the mask Z, and the
    /// gradients equal those of softmax(q kᵀ · scale) ∘ Z @ v computed by differentiable ops with that Z; where a
    /// weight was dropped, no gradient flows through it.
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void DropoutMaskIsTheSameInBackward(bool causal, bool threads)
    {
        long s = 40, l = 56;
        double p = 0.4;
        var q = R(1, 2, l, 5); var k = R(1, 2, s, 5);
        var v = eye(s, dtype: float64).expand(1, 2, s, s).clone().requires_grad_();
        var old = KernelOptions.Threads;
        if (threads) KernelOptions.Threads = true;
        try
        {
            manual_seed(5);
            var y = F.scaled_dot_product_attention(q, k, v, dropout_p: p, is_causal: causal);
            var g = rand([1, 2, l, s], dtype: float64);
            var gs = torch.autograd.grad([y], [q, k, v], [g]);
            Tensor z;
            using (no_grad()) z = y.ne(0).to(float64) / (1 - p);
            var logits = matmul(q, k.transpose(-2, -1)) / Math.Sqrt(5);
            if (causal) logits = logits.masked_fill(ones([l, s], dtype: @bool).tril().logical_not(), double.NegativeInfinity);
            var expected = matmul(softmax(logits, -1) * z, v);
            Reference.AssertClose(expected.detach(), y.detach(), "forward", 1e-12, 1e-12);
            var es = torch.autograd.grad([expected], [q, k, v], [g]);
            for (int i = 0; i < 3; i++) Reference.AssertClose(es[i]!, gs[i]!, $"grad {i}", 1e-9, 1e-10);
        }
        finally { KernelOptions.Threads = old; }
    }

    /// <summary>
    /// Forward and backward of L = S = 2048 on one thread allocate the outputs, gradients and O(L) row statistics,
    /// far below one L x S matrix of float32 (16 MiB); the composite holds several.
    /// </summary>
    [Fact]
    public void FusedRouteAllocatesNoLxSBuffer()
    {
        long n = 2048, e = 16;
        var q = randn([1, 1, n, e], requires_grad: true);
        var k = randn([1, 1, n, e], requires_grad: true);
        var v = randn([1, 1, n, e], requires_grad: true);
        var old = KernelOptions.Threads;
        KernelOptions.Threads = false;
        try
        {
            void Step()
            {
                var y = F.scaled_dot_product_attention(q, k, v, is_causal: true);
                y.backward(ones_like(y));
            }
            Step();   // the first run grows the thread's scratch tiles
            long before = GC.GetAllocatedBytesForCurrentThread();
            Step();
            long used = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(used < 4 * n * n / 8, $"allocated {used} bytes, an L x S float32 matrix is {4 * n * n}");
        }
        finally { KernelOptions.Threads = old; }
    }

    [Fact]
    public void HalfTypesComputeInFloat32AndReturnTheirDtype()
    {
        var q = randn(1, 2, 7, 8); var k = randn(1, 2, 9, 8); var v = randn(1, 2, 9, 8);
        var expected = F.scaled_dot_product_attention(q, k, v);
        foreach (var dt in new[] { float16, bfloat16 })
        {
            var y = F.scaled_dot_product_attention(q.to(dt), k.to(dt), v.to(dt));
            Assert.Equal(dt, y.dtype);
            var (rt, at) = Tol(dt);
            Reference.AssertClose(F.scaled_dot_product_attention(q.to(dt).to(float32), k.to(dt).to(float32), v.to(dt).to(float32)).to(dt), y, dt.name, rt, at);
        }
        Assert.Equal(float32, expected.dtype);
    }

    /// <summary>
    /// The output's gradient is read with its own strides: an expanded scalar (the gradient of a sum) and a transposed
    /// view give the gradients a contiguous copy of the same values gives.
    /// </summary>
    [Fact]
    public void OutputGradientOfAnyStridesGivesTheSameGradients()
    {
        var q = R(2, 2, 50, 6); var k = R(2, 2, 130, 6); var v = R(2, 2, 130, 5);
        var y = F.scaled_dot_product_attention(q, k, v, is_causal: true);
        var gT = rand([2, 2, 5, 50], dtype: float64).transpose(-2, -1);
        var ones1 = ones([], dtype: float64).expand(2, 2, 50, 5);
        foreach (var g in new[] { gT, ones1 })
        {
            Assert.False(g.is_contiguous());
            var strided = torch.autograd.grad([y], [q, k, v], [g], retain_graph: true);
            var copied = torch.autograd.grad([y], [q, k, v], [g.contiguous()], retain_graph: true);
            for (int i = 0; i < 3; i++) Reference.AssertClose(copied[i]!, strided[i]!, $"grad {i}", 1e-12, 1e-12);
        }
    }

    /// <summary>Saved inputs changed in place after the forward are caught when backward runs, as for any node.</summary>
    [Fact]
    public void InPlaceChangeOfASavedInputIsCaught()
    {
        var q = R(1, 1, 4, 3); var k = R(1, 1, 4, 3); var v = R(1, 1, 4, 3);
        var q2 = q * 1;
        var y = F.scaled_dot_product_attention(q2, k, v);
        q2.add_(1);
        Assert.Throws<InvalidOperationException>(() => y.sum().backward());
    }
}
