using System.Text.Json;
using Flint.Optimizers;
using Flint.Tests.Support;
using Xunit;
using static Flint.torch;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Optim;

/// <summary>
/// Sparse COO tensors as gradients and torch.optim.SparseAdam vs PyTorch (References/sparse_adam.json,
/// tools/refs/gen_sparse_adam.py): construction and printing, the sparse gradients of Embedding and EmbeddingBag
/// (uncoalesced entries in PyTorch's order, accumulated over backward calls), SparseAdam trajectories with their
/// state, and the errors of sparse tensors, SparseAdam and the optimizers without a sparse form.
/// </summary>
public class SparseAdamReferenceTests
{
    private const string File = "sparse_adam";
    private static TheoryData<string> Keys(string kind) => Reference.CaseNames(File, c => c.GetProperty("kind").GetString() == kind);
    public static TheoryData<string> ReprCases() => Keys("repr");
    public static TheoryData<string> GradCases() => Keys("grad");
    public static TheoryData<string> AdamCases() => Keys("adam");
    public static TheoryData<string> ErrorCases() => Keys("error");

    private static Tensor T(JsonElement e) => Reference.Tensor(e);
    private static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();

    /// <summary>A JSON list (or list of lists) of integers as an int64 tensor.</summary>
    private static Tensor LongsOf(JsonElement e)
    {
        if (e.GetArrayLength() > 0 && e[0].ValueKind == JsonValueKind.Array)
        {
            var rows = e.EnumerateArray().Select(Longs).ToArray();
            return from_array(rows.SelectMany(r => r).ToArray(), rows.Length, rows[0].Length);
        }
        var flat = Longs(e);
        return from_array(flat, flat.Length);
    }

    private static void AssertParts(JsonElement expected, Tensor s, string ctx)
    {
        Assert.True(s.is_sparse, ctx);
        Reference.AssertClose(T(expected.GetProperty("indices")), s._indices(), ctx + " indices", rtol: 0, atol: 0);
        Reference.AssertClose(T(expected.GetProperty("values")), s._values(), ctx + " values", rtol: 1e-6, atol: 1e-7);
        var c = s.coalesce();
        Assert.True(c.is_coalesced());
        Reference.AssertClose(T(expected.GetProperty("coalesced_indices")), c.indices(), ctx + " coalesced indices", rtol: 0, atol: 0);
        Reference.AssertClose(T(expected.GetProperty("coalesced_values")), c.values(), ctx + " coalesced values", rtol: 1e-6, atol: 1e-7);
        Reference.AssertClose(T(expected.GetProperty("dense")), s.to_dense(), ctx + " dense", rtol: 1e-6, atol: 1e-7);
        Assert.Equal(expected.GetProperty("is_coalesced").GetBoolean(), s.is_coalesced());
    }

    [Theory]
    [MemberData(nameof(ReprCases))]
    public void SparseTensorsPrintAndCoalesceAsPyTorch(string key)
    {
        var c = Reference.Case(File, key);
        var s = sparse_coo_tensor(T(c.GetProperty("indices")), T(c.GetProperty("values")), Longs(c.GetProperty("size")));
        if (c.GetProperty("coalesce").GetBoolean()) s = s.coalesce();
        Assert.Equal(c.GetProperty("repr").GetString(), s.ToString());
        Assert.Equal(c.GetProperty("nnz").GetInt64(), s._nnz());
        Assert.Equal(c.GetProperty("sparse_dim").GetInt64(), s.sparse_dim());
        Assert.Equal(c.GetProperty("dense_dim").GetInt64(), s.dense_dim());
        Assert.Equal(c.GetProperty("layout").GetString(), s.layout.ToString());
        Assert.Equal(Longs(c.GetProperty("size")), s.shape.ToArray());
        AssertParts(c, s, key);
    }

    [Theory]
    [MemberData(nameof(GradCases))]
    public void EmbeddingSparseGradientsMatchPyTorch(string key)
    {
        var c = Reference.Case(File, key);
        var kw = c.GetProperty("kw");
        long? pad = kw.TryGetProperty("padding_idx", out var p) ? p.GetInt64() : null;
        bool bag = c.GetProperty("module").GetString() == "EmbeddingBag";
        var gout = linspace(-1.0, 1.3, 24);
        nn.Module<Tensor, Tensor> m;
        Parameter weight;
        Flint.Modules.EmbeddingBag? eb = null;
        if (bag)
        {
            eb = nn.EmbeddingBag(6, 3, mode: kw.GetProperty("mode").GetString()!, sparse: true, padding_idx: pad,
                include_last_offset: kw.TryGetProperty("include_last_offset", out var ilo) && ilo.GetBoolean());
            (m, weight) = (eb, eb.weight);
        }
        else { var e = nn.Embedding(6, 3, padding_idx: pad, sparse: true); (m, weight) = (e, e.weight); }
        using (no_grad()) weight.copy_(T(c.GetProperty("weight")));
        Assert.Equal(c.GetProperty("repr").GetString(), m.ToString());
        int k = 0;
        foreach (var (input, grads) in c.GetProperty("inputs").EnumerateArray().Zip(c.GetProperty("grads").EnumerateArray()))
        {
            var x = LongsOf(input[0]);
            Tensor output;
            if (bag)
            {
                Tensor? off = input[1].ValueKind == JsonValueKind.Null ? null : LongsOf(input[1]);
                var psw = kw.TryGetProperty("per_sample_weights", out _) ? linspace(0.5, 2.0, x.numel()).reshape(x.shape.ToArray()) : null;
                output = eb!.forward(x, off, psw);
            }
            else output = m.forward(x);
            Assert.Equal(c.GetProperty("grad_fn").GetString(), output.grad_fn!.name());
            (output * gout[..(int)output.numel()].reshape(output.shape.ToArray())).sum().backward();
            AssertParts(grads, weight.grad!, $"{key} backward {k++}");
        }
    }

    [Fact]
    public void DenseGradientOntoSparseGradIsDense()
    {
        var c = Reference.Case(File, "sparse then dense");
        var e = nn.Embedding(6, 3, sparse: true);
        using (no_grad()) e.weight.copy_(T(Reference.Case(File, ReprFree()).GetProperty("weight")));
        e.forward(tensor(new long[] { 2, 2, 5 })).sum().backward();
        Assert.True(e.weight.grad!.is_sparse);
        (e.weight * linspace(-1.0, 1.3, 24)[..18].reshape(6, 3)).sum().backward();
        Assert.False(e.weight.grad!.is_sparse);
        Reference.AssertClose(T(c.GetProperty("grad")), e.weight.grad, "dense + sparse", rtol: 1e-6, atol: 1e-7);
    }

    /// <summary>The key of the first gradient case, whose record holds the table every scenario starts from.</summary>
    private static string ReprFree() => Reference.CaseNames(File, c => c.GetProperty("kind").GetString() == "grad").Cast<object[]>().Select(r => (string)r[0]).First();

    private static SparseAdam MakeAdam(JsonElement kw, IEnumerable<Parameter> ps) => optim.SparseAdam(ps,
        OptimRecords.D(kw, "lr", 1e-3), kw.TryGetProperty("betas", out var b) ? (b[0].GetDouble(), b[1].GetDouble()) : null,
        OptimRecords.D(kw, "eps", 1e-8), OptimRecords.B(kw, "maximize"));

    private static (Flint.Modules.Embedding e, Tensor target) AdamModel(JsonElement c)
    {
        var dtype = Reference.DTypeOf(c.GetProperty("dtype").GetString()!);
        long? pad = c.GetProperty("padding_idx").ValueKind == JsonValueKind.Null ? null : c.GetProperty("padding_idx").GetInt64();
        var e = nn.Embedding(6, 3, padding_idx: pad, dtype: dtype, sparse: true);
        using (no_grad()) e.weight.copy_(T(c.GetProperty("weight")));
        return (e, T(c.GetProperty("target")).to(dtype));
    }

    private static void StepOnce(Optimizer o, Flint.Modules.Embedding e, Tensor target, JsonElement input)
    {
        o.zero_grad();
        (e.forward(LongsOf(input)) - target).pow(2).sum().backward();
        o.step();
    }

    private static (double rtol, double atol) Tol(JsonElement c) => c.GetProperty("dtype").GetString() == "float64" ? (1e-12, 1e-14) : (1e-5, 1e-6);

    [Theory]
    [MemberData(nameof(AdamCases))]
    public void SparseAdamTrajectoriesMatchPyTorch(string key)
    {
        var c = Reference.Case(File, key);
        var (e, target) = AdamModel(c);
        var o = MakeAdam(c.GetProperty("kw"), e.parameters());
        var (rtol, atol) = Tol(c);
        int k = 0;
        foreach (var (input, step) in c.GetProperty("inputs").EnumerateArray().Zip(c.GetProperty("steps").EnumerateArray()))
        {
            StepOnce(o, e, target, input);
            Reference.AssertClose(T(step), e.weight.detach(), $"{key} step {k++}", rtol: rtol, atol: atol);
        }
        var sd = o.state_dict();
        var st = ((Dictionary<int, Dictionary<string, object>>)sd["state"]!)[0];
        var es = c.GetProperty("state");
        Assert.Equal(es.GetProperty("step").GetInt64(), Assert.IsType<long>(st["step"]));
        Reference.AssertClose(T(es.GetProperty("exp_avg")), (Tensor)st["exp_avg"], "exp_avg", rtol: rtol, atol: atol);
        Reference.AssertClose(T(es.GetProperty("exp_avg_sq")), (Tensor)st["exp_avg_sq"], "exp_avg_sq", rtol: rtol, atol: atol);
        var gk = ((List<Dictionary<string, object>>)sd["param_groups"]!)[0].Keys.Where(x => x != "params").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(c.GetProperty("group_keys").EnumerateArray().Select(x => x.GetString()!).Where(x => x is not ("capturable" or "differentiable" or "foreach" or "fused")).ToArray(), gk);
    }

    [Theory]
    [MemberData(nameof(AdamCases))]
    public void SparseAdamStateDictRestoredHalfWayContinuesAsPyTorch(string key)
    {
        var c = Reference.Case(File, key);
        var inputs = c.GetProperty("inputs").EnumerateArray().ToArray();
        var steps = c.GetProperty("steps").EnumerateArray().ToArray();
        var (e, target) = AdamModel(c);
        var o = MakeAdam(c.GetProperty("kw"), e.parameters());
        int half = inputs.Length / 2;
        for (int k = 0; k < half; k++) StepOnce(o, e, target, inputs[k]);
        var sd = o.state_dict();
        StepOnce(o, e, target, inputs[half]); // must not leak into the saved state
        var (e2, _) = AdamModel(c);
        using (no_grad()) e2.weight.copy_(T(steps[half - 1]));
        var o2 = optim.SparseAdam(e2.parameters(), lr: 0.5);
        o2.load_state_dict(sd);
        var (rtol, atol) = Tol(c);
        for (int k = half; k < inputs.Length; k++)
        {
            StepOnce(o2, e2, target, inputs[k]);
            Reference.AssertClose(T(steps[k]), e2.weight.detach(), $"resumed step {k}", rtol: rtol, atol: atol);
        }
    }

    private static Parameter EmbGrad(bool sparse)
    {
        var p = nn.Parameter(T(Reference.Case(File, ReprFree()).GetProperty("weight")));
        F.embedding(tensor(new long[] { 1, 3 }), p, sparse: sparse).sum().backward();
        return p;
    }

    private static Action Scenario(string name)
    {
        var s = sparse_coo_tensor(tensor(new long[,] { { 0, 1, 1 } }), tensor(new float[] { 1, 2, 3 }), [3]);
        Parameter W() => nn.Parameter(T(Reference.Case(File, ReprFree()).GetProperty("weight")));
        switch (name)
        {
            case "indices of uncoalesced": return () => s.indices();
            case "values of uncoalesced": return () => s.values();
            case "add sparse dense": return () => _ = s + ones(3);
            case "add sizes differ": return () => _ = s + sparse_coo_tensor(tensor(new long[,] { { 0 } }), tensor(new float[] { 1 }), [4]);
            case "add dense sparse sizes differ": return () => _ = ones(4) + s;
            case "SparseAdam {'lr': 0.0}": return () => optim.SparseAdam([W()], lr: 0.0);
            case "SparseAdam {'lr': -0.5}": return () => optim.SparseAdam([W()], lr: -0.5);
            case "SparseAdam {'eps': 0.0}": return () => optim.SparseAdam([W()], eps: 0.0);
            case "SparseAdam {'betas': (1.0, 0.9)}": return () => optim.SparseAdam([W()], betas: (1.0, 0.9));
            case "SparseAdam {'betas': (0.9, -0.1)}": return () => optim.SparseAdam([W()], betas: (0.9, -0.1));
            case "SparseAdam sparse params": return () => optim.SparseAdam([W(), nn.Parameter(s), W(), nn.Parameter(s)]);
            case "SparseAdam sparse params in groups": return () => optim.SparseAdam([new ParamGroup([W()]), new ParamGroup([W(), nn.Parameter(s)])]);
            case "SparseAdam dense grad": return () => optim.SparseAdam([EmbGrad(false)]).step();
            case "EmbeddingBag max sparse": return () => nn.EmbeddingBag(6, 3, mode: "max", sparse: true).forward(tensor(new long[] { 1, 2 }), tensor(new long[] { 0 }));
            case "EmbeddingBag scale_grad_by_freq sparse":
                return () => nn.EmbeddingBag(6, 3, mode: "sum", sparse: true, scale_grad_by_freq: true).forward(tensor(new long[] { 1, 2, 1 }), tensor(new long[] { 0 })).sum().backward();
        }
        var opt = name[..name.IndexOf(' ')];
        return () =>
        {
            var ps = new[] { EmbGrad(true) };
            Optimizer o = opt switch
            {
                "Adam" => optim.Adam(ps), "AdamW" => optim.AdamW(ps), "Adamax" => optim.Adamax(ps), "NAdam" => optim.NAdam(ps),
                "RAdam" => optim.RAdam(ps), "Adadelta" => optim.Adadelta(ps), "ASGD" => optim.ASGD(ps), "Rprop" => optim.Rprop(ps),
                "RMSprop" => optim.RMSprop(ps), _ => throw new InvalidOperationException(name),
            };
            o.step();
        };
    }

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void ErrorsMatchPyTorch(string key) => Reference.AssertError(Reference.Case(File, key), Scenario(key), key);

    [Fact]
    public void ClipGradNormAndSgdTakeSparseGradients()
    {
        var c = Reference.Case(File, "clip_grad_norm_ then SGD");
        Parameter TwoGrads()
        {
            var p = EmbGrad(true);
            p.grad = p.grad! + sparse_coo_tensor(tensor(new long[,] { { 3, 0 } }), full([2, 3], 2.0f), [6, 3]);
            return p;
        }
        var q = TwoGrads();
        AssertParts(c.GetProperty("grad"), q.grad!, "summed grad");
        optim.SGD([q], lr: 0.1).step();
        Reference.AssertClose(T(c.GetProperty("weight")), q.detach(), "SGD step", rtol: 1e-6, atol: 1e-7);

        // the grad's own values are scaled, as PyTorch 2 (_foreach_mul_ on the grads)
        var p = TwoGrads();
        double maxNorm = c.GetProperty("max_norm").GetDouble(), norm = c.GetProperty("norm").GetDouble();
        Assert.Equal(norm, nn.utils.clip_grad_norm_([p], maxNorm).item<double>(), 5);
        var coef = Math.Min(1.0, maxNorm / (norm + 1e-6));
        Reference.AssertClose(T(c.GetProperty("grad").GetProperty("values")) * coef, p.grad!._values(), "clipped values", rtol: 1e-5, atol: 1e-6);
    }

    [Fact]
    public void ZeroGradOfASparseGrad()
    {
        var p = EmbGrad(true);
        var o = optim.SparseAdam([p]);
        o.zero_grad(set_to_none: false);
        Assert.True(p.grad!.is_sparse);
        Assert.Equal(0, p.grad._nnz());
        o.zero_grad();
        Assert.Null(p.grad);
    }

    [Fact]
    public void OpsWithoutASparseFormRefuseSparseTensors()
    {
        var s = sparse_coo_tensor(tensor(new long[,] { { 0, 1 } }), tensor(new float[] { 1, 2 }), [3]);
        Assert.Throws<NotSupportedException>(() => s.exp());
        Assert.Throws<NotSupportedException>(() => s.view(3));
        Assert.Throws<NotSupportedException>(() => s.sum());
        Assert.Throws<NotSupportedException>(() => sparse_coo_tensor(tensor(new long[,] { { 0 } }), tensor(new float[] { 1 }), [1]).item<float>());
        Assert.Throws<NotSupportedException>(() => s.untyped_storage());
        Assert.Equal(torch.sparse_coo, s.layout);
        Assert.Equal(torch.strided, ones(2).layout);
        Assert.False(ones(2).is_sparse);
    }
}
