using System.Text.Json;
using Flint;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Indexing;

/// <summary>Replays every record of References/indexing.json (tools/refs/gen_indexing.py) against Flint.</summary>
public class IndexingReferenceTests
{
    private static TensorIndex Idx(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => TensorIndex.Single(e.GetInt64()),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when e.GetString() == "None" => TensorIndex.None,
        JsonValueKind.String when e.GetString() == "..." => TensorIndex.Ellipsis,
        JsonValueKind.Object when e.TryGetProperty("s", out var s) => TensorIndex.Slice(N(s[0]), N(s[1]), N(s[2]) ?? 1),
        JsonValueKind.Object when e.TryGetProperty("t", out var t) => Reference.Tensor(t),
        _ => throw new FormatException(e.GetRawText()),
    };

    private static Scalar Sc(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => Reference.Scalar(e),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ when e.TryGetInt64(out var l) => l,
        _ => e.GetDouble(),
    };

    private static long? N(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : e.GetInt64();

    private static Tensor[] List(JsonElement e) => e.EnumerateArray().Select(Reference.Tensor).ToArray();

    internal static object Run(JsonElement c)
    {
        var a = c.GetProperty("args");
        Tensor X() => Reference.Tensor(a.GetProperty("x"));
        Tensor Tn(string n) => Reference.Tensor(a.GetProperty(n));
        long L(string n) => a.GetProperty(n).GetInt64();
        long[] Ls(string n) => a.GetProperty(n).EnumerateArray().Select(x => x.GetInt64()).ToArray();
        bool Has(string n) => a.TryGetProperty(n, out _);
        string? Reduce() => a.TryGetProperty("reduce", out var r) ? r.GetString() : null;
        TensorIndex[] Index() => a.GetProperty("idx").EnumerateArray().Select(Idx).ToArray();
        switch (c.GetProperty("op").GetString())
        {
            case "get": return X()[Index()];
            case "set": { var x = X(); x[Index()] = Tn("value"); return x; }
            case "index_put":
                return X().index_put_(a.GetProperty("indices").EnumerateArray().Select(e => (Tensor?)Reference.Tensor(e)).ToArray(),
                    Tn("values"), a.GetProperty("accumulate").GetBoolean());
            case "index_fill":
                {
                    var v = a.GetProperty("value");
                    return v.ValueKind == JsonValueKind.Object && v.TryGetProperty("dtype", out _) ? X().index_fill_(L("dim"), Tn("index"), Reference.Tensor(v))
                        : X().index_fill_(L("dim"), Tn("index"), Sc(v));
                }
            case "index_copy": return X().index_copy_(L("dim"), Tn("index"), Tn("source"));
            case "index_add":
                return Has("alpha") ? X().index_add_(L("dim"), Tn("index"), Tn("source"), Sc(a.GetProperty("alpha")))
                    : X().index_add_(L("dim"), Tn("index"), Tn("source"));
            case "scatter":
                return Has("src") ? X().scatter(L("dim"), Tn("index"), Tn("src"), Reduce())
                    : X().scatter(L("dim"), Tn("index"), Sc(a.GetProperty("value")), Reduce());
            case "scatter_add": return X().scatter_add(L("dim"), Tn("index"), Tn("src"));
            case "scatter_reduce": return X().scatter_reduce(L("dim"), Tn("index"), Tn("src"), Reduce()!, a.GetProperty("include_self").GetBoolean());
            case "masked_fill":
            case "masked_fill_":
                {
                    var v = a.GetProperty("value");
                    bool inPlace = c.GetProperty("op").GetString() == "masked_fill_";
                    var x = X();
                    if (v.ValueKind == JsonValueKind.Object && v.TryGetProperty("dtype", out _))
                        return inPlace ? x.masked_fill_(Tn("mask"), Reference.Tensor(v)) : x.masked_fill(Tn("mask"), Reference.Tensor(v));
                    return inPlace ? x.masked_fill_(Tn("mask"), Sc(v)) : x.masked_fill(Tn("mask"), Sc(v));
                }
            case "masked_scatter": return X().masked_scatter_(Tn("mask"), Tn("source"));
            case "nonzero_tuple": return torch.nonzero(X(), as_tuple: true);
            case "where1": return torch.where(X());
            case "put": return X().put_(Tn("index"), Tn("source"), a.GetProperty("accumulate").GetBoolean());
            case "cat": return torch.cat(List(a.GetProperty("tensors")), L("dim"));
            case "cat_out": return torch.cat(List(a.GetProperty("tensors")), L("dim"), @out: Tn("out"));
            case "stack": return torch.stack(List(a.GetProperty("tensors")), L("dim"));
            case "hstack": return torch.hstack(List(a.GetProperty("tensors")));
            case "vstack": return torch.vstack(List(a.GetProperty("tensors")));
            case "dstack": return torch.dstack(List(a.GetProperty("tensors")));
            case "repeat": return X().repeat(Ls("repeats"));
            case "tile": return X().tile(Ls("dims"));
            case "tril_": return X().tril_(L("diagonal"));
            case "triu_": return X().triu_(L("diagonal"));
            default:
            {
                // every other op by name: torch.op(x, **args), else x.op(**args) (OpInvoker)
                string op = c.GetProperty("op").GetString()!;
                var kw = OpInvoker.Keywords(a, "x");
                return OpInvoker.Has(op) ? OpInvoker.Function(op, [X()], kw)! : OpInvoker.Method(X(), op, [], kw)!;
            }
        }
    }

    public static TheoryData<string> CaseNames() => Reference.CaseNames("indexing");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorch(string name)
    {
        var c = Reference.Case("indexing", name);
        Reference.Check(c, () => Run(c), name);
        if (c.TryGetProperty("view", out var v) && c.GetProperty("op").GetString() == "get")
        {
            var x = Reference.Tensor(c.GetProperty("args").GetProperty("x"));
            var r = x[c.GetProperty("args").GetProperty("idx").EnumerateArray().Select(Idx).ToArray()];
            bool shares = ReferenceEquals(r.untyped_storage(), x.untyped_storage());
            Assert.True(shares == v.GetBoolean(), $"{name}: shares storage {shares}, PyTorch {v.GetBoolean()}");
        }
    }
}
