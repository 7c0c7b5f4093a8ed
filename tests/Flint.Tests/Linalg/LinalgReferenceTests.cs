using System.Text.Json;
using Flint;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Linalg;

/// <summary>Replays every PyTorch-recorded case of tools/refs/gen_linalg.py (matrix products and einsum).</summary>
public class LinalgReferenceTests
{
    /// <summary>Builds an argument: a recorded tensor, a scalar, or a deterministic formula tensor.</summary>
    internal static Tensor Arg(JsonElement e)
    {
        if (e.TryGetProperty("formula", out var f))
        {
            var shape = f.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
            long a = f.GetProperty("a").GetInt64(), b = f.GetProperty("b").GetInt64();
            long mod = f.GetProperty("mod").GetInt64(), shift = f.GetProperty("shift").GetInt64();
            double scale = f.GetProperty("scale").GetDouble();
            long n = shape.Aggregate(1L, (x, y) => x * y);
            var v = new double[n];
            for (long i = 0; i < n; i++) v[i] = ((i * a + b) % mod - shift) * scale;
            var t = torch.from_array(v, shape).to(Reference.DTypeOf(f.GetProperty("dtype").GetString()!));
            if (f.TryGetProperty("transpose", out var tr))
            {
                var d = tr.EnumerateArray().Select(x => x.GetInt64()).ToArray();
                t = t.transpose(d[0], d[1]);
            }
            return t;
        }
        return Reference.Tensor(e);
    }

    private static Scalar? Kw(JsonElement c, string name)
    {
        if (!c.TryGetProperty("kw", out var kw) || !kw.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt64(out var l) && !v.GetRawText().Contains('.') => l,
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => Reference.Scalar(v),
        };
    }

    /// <summary>
    /// bfloat16 products: Flint accumulates in float32 and rounds once; PyTorch 1.13's CPU kernel rounds every
    /// product and partial sum to bfloat16, which drifts several bfloat16 ulps from the exact result. The
    /// comparison allows for that drift (a few percent of the result's magnitude).
    /// </summary>
    private static void CheckBFloat16(JsonElement c, Tensor actual, string name)
    {
        var expected = Reference.Tensor(c.GetProperty("out"));
        Reference.AssertClose(expected, actual, name, rtol: 0.03, atol: 0.03);
    }

    internal static Tensor Run(JsonElement c, Tensor[] a, Tensor? @out)
    {
        string op = c.GetProperty("op").GetString()!;
        bool inplace = c.TryGetProperty("inplace", out var ip) && ip.GetBoolean();
        var beta = Kw(c, "beta"); var alpha = Kw(c, "alpha");
        if (inplace)
        {
            var self = a[0].clone();
            var r = op switch
            {
                "addmm" => self.addmm_(a[1], a[2], beta, alpha),
                "addmv" => self.addmv_(a[1], a[2], beta, alpha),
                "baddbmm" => self.baddbmm_(a[1], a[2], beta, alpha),
                _ => throw new NotSupportedException(op),
            };
            Assert.True(ReferenceEquals(r, self), "in-place op must return self");
            return r;
        }
        return op switch
        {
            "matmul" => torch.matmul(a[0], a[1], @out),
            "mm" => torch.mm(a[0], a[1], @out),
            "bmm" => torch.bmm(a[0], a[1], @out),
            "mv" => torch.mv(a[0], a[1], @out),
            "dot" => torch.dot(a[0], a[1], @out),
            "vdot" => torch.vdot(a[0], a[1], @out),
            "outer" => torch.outer(a[0], a[1], @out),
            "ger" => torch.ger(a[0], a[1], @out),
            "inner" => torch.inner(a[0], a[1], @out),
            "addmm" => torch.addmm(a[0], a[1], a[2], beta, alpha, @out),
            "addmv" => torch.addmv(a[0], a[1], a[2], beta, alpha, @out),
            "baddbmm" => torch.baddbmm(a[0], a[1], a[2], beta, alpha, @out),
            "einsum" => torch.einsum(c.GetProperty("kw").GetProperty("equation").GetString()!, a),
            _ => throw new NotSupportedException(op),
        };
    }

    /// <summary>Compares a big result with its recorded checksum and sampled elements.</summary>
    private static void CheckSample(JsonElement s, Tensor actual, string name)
    {
        var dt = Reference.DTypeOf(s.GetProperty("dtype").GetString()!);
        Assert.True(actual.dtype == dt, $"{name}: dtype {actual.dtype} != {dt}");
        var shape = s.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        Assert.True(actual.shape.ToArray().SequenceEqual(shape), $"{name}: shape {actual.shape} != {Shape(shape)}");
        var v = actual.ToArray<double>();
        var (rtol, atol) = Reference.Tolerance(dt);
        var idx = s.GetProperty("idx").EnumerateArray().Select(x => x.GetInt64()).ToArray();
        var vals = s.GetProperty("vals").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        for (int i = 0; i < idx.Length; i++)
        {
            double e = vals[i], g = v[idx[i]];
            Assert.True(Math.Abs(e - g) <= atol + rtol * Math.Abs(e), $"{name}: element {idx[i]}: {g:R} != expected {e:R}");
        }
        double sum = v.Sum(), expSum = s.GetProperty("sum").GetDouble(), absSum = s.GetProperty("abs_sum").GetDouble();
        double tol = dt.is_floating_point ? Math.Max(rtol, 1e-6) * absSum + atol * v.Length : 0;
        Assert.True(Math.Abs(sum - expSum) <= tol, $"{name}: sum {sum:R} != expected {expSum:R}");
    }

    private static string Shape(long[] s) => "[" + string.Join(", ", s) + "]";

    public static TheoryData<string> CaseNames() => Reference.CaseNames("linalg");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorch(string name)
    {
        var c = Reference.Case("linalg", name);
        var args = c.GetProperty("args").EnumerateArray().Select(Arg).ToArray();
        Tensor? @out = c.TryGetProperty("out_arg", out var oa) ? Reference.Tensor(oa) : null;
        if (c.TryGetProperty("out", out var o) && o.ValueKind == JsonValueKind.Object && o.TryGetProperty("dtype", out var odt)
            && odt.GetString() == "bfloat16" && c.GetProperty("op").GetString() is not ("outer" or "ger"))
        {
            CheckBFloat16(c, Run(c, args, @out), name);
            return;
        }
        if (c.TryGetProperty("sample", out var s))
        {
            CheckSample(s, Run(c, args, @out), name);
            return;
        }
        Reference.Check(c, () =>
        {
            var r = Run(c, args, @out);
            if (@out is not null) Assert.True(ReferenceEquals(r, @out), $"{name}: out= must return out");
            return r;
        }, name);
    }
}
