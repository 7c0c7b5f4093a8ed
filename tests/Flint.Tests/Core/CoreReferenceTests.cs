using System.Collections;
using System.Text.Json;
using Flint;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Core;

/// <summary>
/// Replays References/core.json (tools/refs/gen_core.py): creation, views with their strides and storage offsets,
/// dtype conversions, copy_/fill_/clone, item/tolist, sizes and dtypes. Values are compared exactly (bit for bit,
/// -0.0 and NaN included) and error messages must equal PyTorch's.
/// </summary>
public class CoreReferenceTests
{
    private static readonly HashSet<string> CreationOps =
    [
        "tensor_scalar", "tensor_array", "zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
        "full_like", "arange", "linspace", "logspace", "eye",
    ];

    private static readonly HashSet<string> MiscOps =
        ["item", "tolist", "copy_", "fill_", "zero_", "overlap", "size_str", "size_numel", "shape_str", "dtype_info", "size_index"];

    private static bool IsCreation(string op) => CreationOps.Contains(op);
    private static bool IsView(string op) => !CreationOps.Contains(op) && !MiscOps.Contains(op) && op != "convert";
    private static bool IsConversion(string op) => op == "convert";
    private static bool IsMisc(string op) => MiscOps.Contains(op);

    private static TheoryData<string> Of(Func<string, bool> which) => Reference.CaseNames("core", c => which(c.GetProperty("op").GetString()!));
    public static TheoryData<string> CreationCases() => Of(IsCreation);
    public static TheoryData<string> ViewCases() => Of(IsView);
    public static TheoryData<string> ConversionCases() => Of(IsConversion);
    public static TheoryData<string> MiscCases() => Of(IsMisc);

    [Theory, MemberData(nameof(CreationCases))] public void Creation(string name) => Replay(name);
    [Theory, MemberData(nameof(ViewCases))] public void Views(string name) => Replay(name);
    [Theory, MemberData(nameof(ConversionCases))] public void Conversions(string name) => Replay(name);
    [Theory, MemberData(nameof(MiscCases))] public void ItemCopyFillSizes(string name) => Replay(name);

    private static void Replay(string name)
    {
        var c = Reference.Case("core", name);
        CheckCase(c, c.GetProperty("op").GetString()!);
    }

    // ---------------------------------------------------------------- API forms the records do not reach

    [Fact]
    public void ItemConvertsToTheRequestedType()
    {
        var f = torch.tensor(2.75);
        Assert.Equal(2.75, f.item<double>());
        Assert.Equal(2.75f, f.item<float>());
        Assert.Equal(2L, f.item<long>());
        Assert.Equal(2, f.item<int>());
        Assert.True(f.item<bool>());
        Assert.Equal((Half)2.75, f.item<Half>());
        Assert.Equal(255, torch.tensor(255, dtype: torch.uint8).item<byte>());
        Assert.Equal(long.MaxValue, torch.tensor(long.MaxValue).item<long>());
        Assert.Equal(long.MaxValue, (long)torch.tensor(long.MaxValue).item());
        var ex = Assert.Throws<ArgumentException>(() => torch.ones(2).item<float>());
        Assert.Equal("only one element tensors can be converted to Python scalars", ex.Message);
    }

    [Fact]
    public void FunctionFormsMatchTheMethods()
    {
        var x = torch.arange(24).reshape(2, 3, 4);
        Assert.Equal(x.transpose(0, 2).stride(), torch.transpose(x, 0, 2).stride());
        Assert.Equal(new long[] { 4, 2, 3 }, torch.permute(x, 2, 0, 1).shape.ToArray());
        Assert.Equal(new long[] { 2, 12 }, torch.flatten(x, 1).shape.ToArray());
        Assert.Equal(new long[] { 2, 3, 2, 2 }, torch.unflatten(x, -1, 2, 2).shape.ToArray());
        Assert.Equal(new long[] { 3, 4, 2 }, torch.movedim(x, 0, -1).shape.ToArray());
        Assert.Equal(new long[] { 4, 3, 2 }, torch.movedim(x, [0, 2], [2, 0]).shape.ToArray());
        Assert.Equal(3, torch.unbind(x, 1).Length);
        Assert.Equal(2, torch.chunk(x, 2, -1).Length);
        Assert.Equal(new long[] { 1, 3 }, torch.split(x, new long[] { 1, 3 }, 2).Select(t => t.size(2)).ToArray());
        Assert.Equal(new long[] { 2, 1, 3, 4 }, torch.unsqueeze(x, 1).shape.ToArray());
        Assert.Equal(new long[] { 3, 4 }, torch.squeeze(torch.select(x, 0, 1)).shape.ToArray());
        Assert.Equal(new long[] { 2, 3, 4 }, torch.broadcast_to(torch.narrow(x, 0, 0, 1), 2, 3, 4).shape.ToArray());
        Assert.Equal(24, torch.ravel(x.mT).numel());
    }

    [Fact]
    public void CloneKeepsLayoutAndContiguousDoesNot()
    {
        var x = torch.arange(6.0).reshape(2, 3).t();
        var c = x.clone();
        Assert.Equal(new long[] { 1, 3 }, c.stride());
        Assert.False(ReferenceEquals(c.untyped_storage(), x.untyped_storage()));
        var k = x.contiguous();
        Assert.Equal(new long[] { 2, 1 }, k.stride());
        Assert.True(k.is_contiguous());
        var y = torch.arange(6.0).reshape(2, 3);
        Assert.Same(y, y.contiguous());
        // a strided slice is not dense: its copy gets dense strides in the same dim order
        var s = torch.arange(12.0).reshape(3, 4).t().narrow(0, 0, 2);
        Assert.Equal(new long[] { 1, 2 }, s.clone().stride());
        Assert.Equal(new long[] { 1, 2 }, torch.zeros_like(s).stride());
        Assert.Equal(new long[] { 1, 2 }, s.to(torch.float16).stride());
    }

    // ---------------------------------------------------------------- checking

    private sealed class Mismatch(string message) : Xunit.Sdk.XunitException(message);

    private static void Expect(bool ok, string message) { if (!ok) throw new Mismatch(message); }

    private static void CheckCase(JsonElement c, string op)
    {
        if (c.TryGetProperty("error", out _))
        {
            Reference.AssertError(c, () => Run(c, op));
            return;
        }
        object result = Run(c, op);
        var outE = c.GetProperty("out");
        if (outE.ValueKind == JsonValueKind.Object && outE.TryGetProperty("views", out var views))
        {
            var (x, rs) = ((Tensor, IReadOnlyList<Tensor>))result;
            var es = views.EnumerateArray().ToArray();
            Expect(es.Length == rs.Count, $"{rs.Count} results != {es.Length}");
            for (int i = 0; i < es.Length; i++)
            {
                var e = es[i]; var r = rs[i];
                string at = es.Length > 1 ? $"[{i}] " : "";
                Same(e.GetProperty("t"), r, at);
                var st = Longs(e.GetProperty("stride"));
                Expect(st.AsSpan().SequenceEqual(r.stride()), $"{at}stride [{string.Join(", ", r.stride())}] != [{string.Join(", ", st)}]");
                Expect(r.storage_offset() == e.GetProperty("offset").GetInt64(), $"{at}storage_offset {r.storage_offset()} != {e.GetProperty("offset").GetInt64()}");
                Expect(r.is_contiguous() == e.GetProperty("contiguous").GetBoolean(), $"{at}is_contiguous {r.is_contiguous()}");
                bool shares = ReferenceEquals(r.untyped_storage(), x.untyped_storage());
                Expect(shares == e.GetProperty("shares").GetBoolean(), $"{at}shares storage: {shares}");
            }
            return;
        }
        if (outE.ValueKind == JsonValueKind.Object && outE.TryGetProperty("py", out var py))
        {
            SamePy(py, result, "");
            return;
        }
        if (outE.ValueKind == JsonValueKind.Array)
        {
            var rs = (IReadOnlyList<Tensor>)result;
            var es = outE.EnumerateArray().ToArray();
            Expect(es.Length == rs.Count, $"{rs.Count} results != {es.Length}");
            for (int i = 0; i < es.Length; i++) Same(es[i], rs[i], $"[{i}] ");
            return;
        }
        var t = (Tensor)result;
        Same(outE, t, "", compareValues: op != "empty" && op != "empty_like");
        if (c.TryGetProperty("stride", out var stride))
            Expect(Longs(stride).AsSpan().SequenceEqual(t.stride()), $"stride [{string.Join(", ", t.stride())}] != {stride.GetRawText()}");
        if (c.TryGetProperty("requires_grad", out var rg))
            Expect(t.requires_grad == rg.GetBoolean(), $"requires_grad {t.requires_grad}");
    }

    /// <summary>dtype, shape and every value bit for bit (any NaN matches any NaN; -0.0 differs from 0.0).</summary>
    private static void Same(JsonElement expectedE, Tensor actual, string at, bool compareValues = true)
    {
        var expected = Reference.Tensor(expectedE);
        Expect(expected.dtype == actual.dtype, $"{at}dtype {actual.dtype} != {expected.dtype}");
        Expect(expected.shape == actual.shape, $"{at}shape {actual.shape} != {expected.shape}");
        if (!compareValues) return;
        if (expected.dtype.is_floating_point)
        {
            var e = expected.ToArray<double>(); var a = actual.ToArray<double>();
            for (int i = 0; i < e.Length; i++)
            {
                bool ok = double.IsNaN(e[i]) ? double.IsNaN(a[i]) : BitConverter.DoubleToInt64Bits(e[i]) == BitConverter.DoubleToInt64Bits(a[i]);
                Expect(ok, $"{at}element {i}: {a[i]:R} != {e[i]:R}{Around(e, a, i)}");
            }
        }
        else
        {
            var e = expected.ToArray<long>(); var a = actual.ToArray<long>();
            for (int i = 0; i < e.Length; i++)
                Expect(e[i] == a[i], $"{at}element {i}: {a[i]} != {e[i]}");
        }
    }

    private static string Around(double[] e, double[] a, int i) =>
        e.Length <= 1 ? "" : $" (expected [{string.Join(", ", e.Skip(Math.Max(0, i - 2)).Take(5).Select(v => v.ToString("R")))}...], got [{string.Join(", ", a.Skip(Math.Max(0, i - 2)).Take(5).Select(v => v.ToString("R")))}...])";

    /// <summary>Compares a recorded Python value (number, bool, string, nested lists) with a C# one.</summary>
    private static void SamePy(JsonElement e, object? a, string at)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Array:
                {
                    var list = (a as IEnumerable)?.Cast<object?>().ToArray() ?? throw new Mismatch($"{at}expected a list, got {a}");
                    var es = e.EnumerateArray().ToArray();
                    Expect(es.Length == list.Length, $"{at}length {list.Length} != {es.Length}");
                    if (a is string) throw new Mismatch($"{at}expected a list, got \"{a}\"");
                    for (int i = 0; i < es.Length; i++) SamePy(es[i], list[i], $"{at}[{i}]");
                    return;
                }
            case JsonValueKind.Object:
                {
                    var s = Reference.Scalar(e).ToDouble();
                    Expect(a is double, $"{at}expected a double, got {a?.GetType().Name ?? "null"} {a}");
                    var d = (double)a!;
                    Expect(double.IsNaN(s) ? double.IsNaN(d) : BitConverter.DoubleToInt64Bits(s) == BitConverter.DoubleToInt64Bits(d), $"{at}{d:R} != {s:R}");
                    return;
                }
            case JsonValueKind.True:
            case JsonValueKind.False:
                Expect(a is bool b && b == e.GetBoolean(), $"{at}{a} != {e.GetBoolean()}");
                return;
            case JsonValueKind.Number:
                Expect(a is long l && l == e.GetInt64(), $"{at}{a} ({a?.GetType().Name}) != {e.GetInt64()}");
                return;
            case JsonValueKind.String:
                Expect(a is string str && str == e.GetString(), $"{at}\"{a}\" != \"{e.GetString()}\"");
                return;
            default:
                throw new Mismatch($"{at}unexpected record {e.GetRawText()}");
        }
    }

    // ---------------------------------------------------------------- running

    private static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();

    private static Tensor Input(JsonElement spec)
    {
        var b = Reference.Tensor(spec.GetProperty("base"));
        return b.as_strided(Longs(spec.GetProperty("size")), Longs(spec.GetProperty("stride")), spec.GetProperty("offset").GetInt64());
    }

    /// <summary>The scenarios of gen_core.py's overlap_scenarios, built the same way; each returns the written tensor.</summary>
    private static Tensor Overlap(string scenario)
    {
        var x = torch.arange(36.0).reshape(6, 6);
        var y = torch.arange(6.0);
        return scenario switch
        {
            "add_ transpose of self" => x.add_(x.t()),
            "add out= self with its transpose" => torch.add(x, x.t(), @out: x),
            "copy_ transpose of self" => x.copy_(x.t()),
            "copy_ shifted slice" => y[..4].copy_(y[2..]),
            "copy_ disjoint slice" => Then(y[..3].copy_(y[3..]), y),
            "copy_ flipped self" => y.copy_(y.flip(0)),
            "add_ self" => y.add_(y),
            "mul_ shifted slice" => y[..4].mul_(y[2..]),
            "add_ 0-dim view of first element" => y.add_(y[0]),
            "add_ 0-dim view outside the output" => Then(y[1..].add_(y[0]), y),
            "exp out= shifted slice" => torch.exp(y[..4], @out: y[2..]),
            "add out= shifted slice" => torch.add(y[..4], 1, @out: y[2..]),
            "clamp out= shifted slice" => torch.clamp(y[..4], 0, 3, @out: y[2..]),
            "where out= shifted slice" => torch.where(y[..4] > 1, y[..4], torch.zeros(4), @out: y[2..]),
            "addcmul_ shifted slice" => y[..4].addcmul_(y[2..], torch.ones(4)),
            "lerp_ shifted slice" => y[..4].lerp_(y[2..], 0.5),
            "eq out= shifted slice" => torch.eq(y[..4], 2, @out: y[2..]),
            "exp_ expanded" => torch.zeros(3).expand(2, 3).exp_(),
            "add_ expanded" => torch.zeros(3).expand(2, 3).add_(1),
            "copy_ into expanded" => torch.zeros(3).expand(2, 3).copy_(torch.ones(2, 3)),
            "fill_ expanded" => torch.zeros(3).expand(2, 3).fill_(1),
            "zero_ expanded" => torch.ones(3).expand(2, 3).zero_(),
            "sigmoid out= disjoint slice" => Then(torch.sigmoid(y[..3], @out: y[3..]), y),
            _ => throw new NotImplementedException(scenario),
        };
        static Tensor Then(Tensor _, Tensor w) => w;
    }

    private static object Run(JsonElement c, string op)
    {
        var a = c.GetProperty("args");
        bool Has(string n) => a.TryGetProperty(n, out var v) && v.ValueKind != JsonValueKind.Null;
        long L(string n) => a.GetProperty(n).GetInt64();
        long[] Ls(string n) => Longs(a.GetProperty(n));
        DType? Dt() => Has("dtype") ? Reference.DTypeOf(a.GetProperty("dtype").GetString()!) : null;
        Scalar Sc(string n) => Reference.Scalar(a.GetProperty(n));
        double D(string n) => Reference.Scalar(a.GetProperty(n)).ToDouble();
        bool Rg() => Has("requires_grad") && a.GetProperty("requires_grad").GetBoolean();
        Tensor X(string n = "x") => Reference.Tensor(a.GetProperty(n));

        if (op != "tolist" && a.TryGetProperty("x", out var xs) && xs.TryGetProperty("base", out _))
        {
            var x = Input(xs);
            object r = RunView(op, x, a, Has, L, Ls, Dt);
            return (x, r is Tensor t ? new[] { t } : (IReadOnlyList<Tensor>)r);
        }

        switch (op)
        {
            case "tensor_scalar":
                {
                    var v = a.GetProperty("value");
                    return v.ValueKind switch
                    {
                        JsonValueKind.True or JsonValueKind.False => torch.tensor(v.GetBoolean(), Dt(), requires_grad: Rg()),
                        JsonValueKind.Number => torch.tensor(v.GetInt64(), Dt(), requires_grad: Rg()),
                        _ => torch.tensor(Reference.Scalar(v).ToDouble(), Dt(), requires_grad: Rg()),
                    };
                }
            case "tensor_array":
                {
                    var elem = Reference.DTypeOf(a.GetProperty("elem").GetString()!).ClrType;
                    string kind = Has("kind") ? a.GetProperty("kind").GetString()! : "flat";
                    Array arr = kind switch
                    {
                        "flat" => Flat(elem, a.GetProperty("data")),
                        "rect" => Rect(elem, a.GetProperty("data")),
                        "rect_empty" => Array.CreateInstance(elem, Ls("data").Select(d => (int)d).ToArray()),
                        _ => Jagged(elem, a.GetProperty("data")),
                    };
                    return torch.tensor(arr, Dt());
                }
            case "zeros": return torch.zeros(Ls("size"), Dt(), requires_grad: Rg());
            case "ones": return torch.ones(Ls("size"), Dt(), requires_grad: Rg());
            case "empty": return torch.empty(Ls("size"), Dt(), requires_grad: Rg());
            case "full": return torch.full(Ls("size"), Sc("value"), Dt(), requires_grad: Rg());
            case "zeros_like": return torch.zeros_like(X(), Dt());
            case "ones_like": return torch.ones_like(X(), Dt());
            case "empty_like": return torch.empty_like(X(), Dt());
            case "full_like": return torch.full_like(X(), Sc("value"), Dt());
            case "arange":
                {
                    var s = a.GetProperty("args").EnumerateArray().Select(Reference.Scalar).ToArray();
                    return s.Length switch
                    {
                        1 => torch.arange(s[0], Dt(), requires_grad: Rg()),
                        2 => torch.arange(s[0], s[1], Dt(), requires_grad: Rg()),
                        _ => torch.arange(s[0], s[1], s[2], Dt(), requires_grad: Rg()),
                    };
                }
            case "linspace": return torch.linspace(D("start"), D("end"), L("steps"), Dt());
            case "logspace": return torch.logspace(D("start"), D("end"), L("steps"), D("base"), Dt());
            case "eye": return Has("m") ? torch.eye(L("n"), L("m"), Dt()) : torch.eye(L("n"), dtype: Dt());
            case "convert": return X().to(Dt()!);
            case "item": return X().item();
            case "tolist": return a.GetProperty("x").TryGetProperty("base", out _) ? Input(a.GetProperty("x")).tolist() : X().tolist();
            case "copy_":
                {
                    var dst = torch.zeros(Ls("size"), Dt());
                    if (Has("transpose")) dst = dst.t();
                    return dst.copy_(X("src"));
                }
            case "fill_":
                {
                    var dst = Has("transpose") ? torch.zeros([2, 3], Dt()).t() : torch.zeros([2], Dt());
                    var v = a.GetProperty("value");
                    return v.TryGetProperty("dtype", out _) ? dst.fill_(Reference.Tensor(v)) : dst.fill_(Reference.Scalar(v));
                }
            case "zero_": return torch.ones([2, 2], Dt()).zero_();
            case "overlap": return Overlap(a.GetProperty("scenario").GetString()!);
            case "size_str": return new Size(Ls("size")).ToString();
            case "size_numel": return new Size(Ls("size")).numel();
            case "shape_str": return torch.zeros(Ls("size")).shape.ToString();
            case "size_index": return new Size(Ls("size"))[(int)L("index")];
            case "dtype_info":
                {
                    var d = Dt()!;
                    return new object[] { d.ToString(), d.is_floating_point, d.is_signed, (long)torch.empty([0], d).element_size() };
                }
            default: throw new Mismatch($"unknown op {op}");
        }
    }

    private static object RunView(string op, Tensor x, JsonElement a, Func<string, bool> Has, Func<string, long> L,
        Func<string, long[]> Ls, Func<DType?> Dt)
    {
        return op switch
        {
            "identity" => x,
            "contiguous" => x.contiguous(),
            "clone" => x.clone(),
            "to" => x.to(Dt()!),
            "view" => x.view(Ls("shape")),
            "reshape" => x.reshape(Ls("shape")),
            "view_as" => x.view_as(torch.zeros(Ls("other"))),
            "reshape_as" => x.reshape_as(torch.zeros(Ls("other"))),
            "t" => x.t(),
            "T" => x.T,
            "mT" => x.mT,
            "mH" => x.mH,
            "squeeze" => x.squeeze(),
            "flatten" => Has("start_dim") ? x.flatten(L("start_dim"), L("end_dim")) : x.flatten(),
            "ravel" => x.ravel(),
            "unbind" => Has("dim") ? x.unbind(L("dim")) : x.unbind(),
            "squeeze_dim" => x.squeeze(L("dim")),
            "squeeze_dims" => x.squeeze(Ls("dims")),
            "unsqueeze" => x.unsqueeze(L("dim")),
            "size" => torch.tensor(x.size((int)L("dim"))),
            "stride" => torch.tensor(x.stride((int)L("dim"))),
            "transpose" => x.transpose(L("dim0"), L("dim1")),
            "swapaxes" => x.swapaxes(L("dim0"), L("dim1")),
            "movedim" => x.movedim(L("source"), L("destination")),
            "movedim_multi" => x.movedim(Ls("source"), Ls("destination")),
            "permute" => x.permute(Ls("dims")),
            "expand" => x.expand(Ls("size")),
            "broadcast_to" => x.broadcast_to(Ls("size")),
            "expand_as" => x.expand_as(torch.zeros(Ls("size"))),
            "narrow" => x.narrow(L("dim"), L("start"), L("length")),
            "select" => x.select(L("dim"), L("index")),
            "split" => x.split(L("split_size"), L("dim")),
            "split_sizes" => x.split(Ls("split_sizes"), L("dim")),
            "chunk" => x.chunk(L("chunks"), L("dim")),
            "unflatten" => x.unflatten(L("dim"), Ls("sizes")),
            "as_strided" => Has("storage_offset") ? x.as_strided(Ls("size"), Ls("stride"), L("storage_offset")) : x.as_strided(Ls("size"), Ls("stride")),
            "meta" => torch.tensor(new long[] { x.dim(), x.numel(), x.ndim, x.is_contiguous() ? 1 : 0, x.storage_offset() }),
            _ => throw new Mismatch($"unknown view op {op}"),
        };
    }

    // ---------------------------------------------------------------- building C# arrays from records

    private static object Elem(Type t, JsonElement e)
    {
        if (t == typeof(bool)) return e.ValueKind == JsonValueKind.True || (e.ValueKind == JsonValueKind.Number && e.GetDouble() != 0);
        double d = e.ValueKind switch
        {
            JsonValueKind.Object => Reference.Scalar(e).ToDouble(),
            JsonValueKind.True => 1,
            JsonValueKind.False => 0,
            _ => e.GetDouble(),
        };
        if (t == typeof(long)) return e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var l) ? l : (long)d;
        if (t == typeof(int)) return (int)e.GetInt64();
        if (t == typeof(short)) return (short)e.GetInt64();
        if (t == typeof(sbyte)) return (sbyte)e.GetInt64();
        if (t == typeof(byte)) return (byte)e.GetInt64();
        if (t == typeof(double)) return d;
        if (t == typeof(float)) return (float)d;
        if (t == typeof(Half)) return (Half)(float)d;
        if (t == typeof(BFloat16)) return (BFloat16)(float)d;
        throw new Mismatch($"no element type {t}");
    }

    private static Array Flat(Type t, JsonElement data)
    {
        var es = data.EnumerateArray().ToArray();
        var arr = Array.CreateInstance(t, es.Length);
        for (int i = 0; i < es.Length; i++) arr.SetValue(Elem(t, es[i]), i);
        return arr;
    }

    private static Array Rect(Type t, JsonElement data)
    {
        var shape = new List<int>();
        for (var e = data; e.ValueKind == JsonValueKind.Array; e = e.GetArrayLength() > 0 ? e[0] : default) shape.Add(e.GetArrayLength());
        var arr = Array.CreateInstance(t, shape.ToArray());
        var idx = new int[shape.Count];
        void Fill(JsonElement e, int d)
        {
            if (d == shape.Count) { arr.SetValue(Elem(t, e), idx); return; }
            int i = 0;
            foreach (var s in e.EnumerateArray()) { idx[d] = i++; Fill(s, d + 1); }
        }
        Fill(data, 0);
        return arr;
    }

    private static Array Jagged(Type t, JsonElement data)
    {
        int depth = 0;
        for (var e = data; e.ValueKind == JsonValueKind.Array && e.GetArrayLength() > 0; e = e[0]) depth++;
        if (depth == 0) depth = 1;
        // an empty innermost list still has a depth: [[]] is a T[][] with one empty T[]
        int MaxDepth(JsonElement e) => e.ValueKind != JsonValueKind.Array ? 0 : 1 + (e.GetArrayLength() == 0 ? 0 : e.EnumerateArray().Max(MaxDepth));
        depth = MaxDepth(data);
        return Build(t, data, depth);
    }

    private static Array Build(Type t, JsonElement e, int depth)
    {
        if (depth == 1) return Flat(t, e);
        var inner = t;
        for (int i = 1; i < depth; i++) inner = inner.MakeArrayType();
        var es = e.EnumerateArray().ToArray();
        var arr = Array.CreateInstance(inner, es.Length);
        for (int i = 0; i < es.Length; i++) arr.SetValue(Build(t, es[i], depth - 1), i);
        return arr;
    }
}
