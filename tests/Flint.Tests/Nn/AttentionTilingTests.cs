using Flint.Backends.Cpu;
using Flint.Backends.Cpu.Gemm;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Nn;

/// <summary>
/// The fused attention kernel's tiling against the math route (the composite PyTorch's math backend runs, itself
/// checked against PyTorch's records in AttentionTests), on shapes the records are too small for: several key tiles
/// of 128 whose starts are not multiples of the 48-row query tiles, causal key tiles past the last query (S &gt; L)
/// and queries past the last key (L &gt; S), grouped heads sharing one packed key/value head across query heads and
/// query tiles, partial tiles and panels everywhere; each on one thread and on forced threads, on each micro-kernel family.
/// </summary>
public class AttentionTilingTests
{
    public static TheoryData<string, bool, string> Cases()
    {
        var data = new TheoryData<string, bool, string>();
        foreach (var shape in new[] { "1,2,2,300,300,8,8,causal", "1,1,1,200,330,4,6,causal", "1,1,1,330,200,4,4,causal",
                                      "1,4,2,150,260,8,8,gqa", "1,4,2,150,260,8,8,gqa_causal", "2,2,2,97,257,5,3,mask", "1,1,1,49,129,16,16,causal" })
            foreach (var threads in new[] { false, true })
                foreach (var path in new[] { "Scalar", "Vector256", "Vector512" })
                    data.Add(shape, threads, path);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedMatchesTheMathRoute(string shape, bool threads, string path)
    {
        var p = shape.Split(',');
        long b = long.Parse(p[0]), hq = long.Parse(p[1]), hk = long.Parse(p[2]), l = long.Parse(p[3]), s = long.Parse(p[4]);
        long e = long.Parse(p[5]), ev = long.Parse(p[6]);
        bool causal = p[7].Contains("causal"), gqa = p[7].StartsWith("gqa");
        manual_seed(7);
        foreach (var dt in new[] { float64, float32 })
        {
            var q = randn([b, hq, l, e], dtype: dt).requires_grad_();
            var k = randn([b, hk, s, e], dtype: dt).requires_grad_();
            var v = randn([b, hk, s, ev], dtype: dt).requires_grad_();
            Tensor? mask = p[7] == "mask" ? randn([b, 1, l, s], dtype: dt) : null;
            var gout = randn([b, hq, l, ev], dtype: dt);
            var oldThreads = KernelOptions.Threads;
            var oldPath = GemmOptions.Path;
            Tensor y;
            Tensor?[] gs;
            KernelOptions.Threads = threads ? true : false;
            GemmOptions.Path = Enum.Parse<VectorPath>(path);
            try
            {
                y = F.scaled_dot_product_attention(q, k, v, mask, is_causal: causal, enable_gqa: gqa);
                Assert.Equal("ScaledDotProductFlashAttentionForCpuBackward0", y.grad_fn!.name());
                gs = torch.autograd.grad([y], [q, k, v], [gout]);
            }
            finally { KernelOptions.Threads = oldThreads; GemmOptions.Path = oldPath; }
            // the reference in float64 whatever the inputs
            var q64 = q.detach().to(float64).requires_grad_();
            var k64 = k.detach().to(float64).requires_grad_();
            var v64 = v.detach().to(float64).requires_grad_();
            var want = Flint.Ops.Attention.Attention.Math(q64, k64, v64, mask?.to(float64), 0, causal, null, gqa);
            var ws = torch.autograd.grad([want], [q64, k64, v64], [gout.to(float64)]);
            var (rt, at) = dt == float64 ? (1e-10, 1e-11) : (1e-4, 1e-4);
            Reference.AssertClose(want.detach(), y.detach().to(float64), $"{shape} {dt.name} out", rt, at);
            string[] names = ["query", "key", "value"];
            for (int i = 0; i < 3; i++)
                Reference.AssertClose(ws[i]!, gs[i]!.to(float64), $"{shape} {dt.name} grad {names[i]}", rt, at);
        }
    }
}
