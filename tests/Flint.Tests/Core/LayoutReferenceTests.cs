using System.Text.Json;
using Flint;
using Flint.Tests.Support;
using Xunit;
using F = Flint.torch.nn.functional;

namespace Flint.Tests.Core;

/// <summary>
/// Replays tools/refs/gen_layout.py: memory formats (contiguous/is_contiguous/clone/to/*_like with memory_format,
/// their errors), the strides of elementwise results over permuted, sliced, expanded and channels_last inputs,
/// and the formats (and gradient layouts) of conv2d, batch_norm, pooling and relu on channels_last inputs.
/// </summary>
public class LayoutReferenceTests
{
    public static TheoryData<string> Cases() => Reference.CaseNames("layout");

    private static readonly HashSet<string> Layers =
        ["conv2d", "conv2d_bias", "batch_norm", "batch_norm_eval", "max_pool2d", "max_pool2d_pad", "adaptive_avg_pool2d", "adaptive_avg_pool2d_1"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var c = Reference.Case("layout", name);
        string op = c.GetProperty("op").GetString()!;
        bool grad = c.GetProperty("grad").GetBoolean();
        var specs = c.GetProperty("inputs").EnumerateArray().ToArray();
        if (c.TryGetProperty("error", out _))
        {
            Reference.AssertError(c, () => Run(op, specs.Select(Make).ToArray()), name);
            return;
        }
        var xs = specs.Select(Make).ToArray();
        if (grad) xs = xs.Select(x => x.detach().requires_grad_()).ToArray();
        var r = Run(op, xs);
        if (c.TryGetProperty("py", out var py))
        {
            Assert.Equal(py.GetBoolean(), (bool)r);
            return;
        }
        var y = (Tensor)r;
        bool layer = Layers.Contains(op);
        SameStrides(Longs(c.GetProperty("stride")), y, layer, name);
        if (!op.StartsWith("empty_like"))
            Reference.AssertClose(Reference.Tensor(c.GetProperty("out")), y, name, rtol: 1e-5, atol: 1e-5);
        if (!grad) return;
        // the 1×1 adaptive pool of a channels_last input is a mean PyTorch restrides (AsStridedBackward1)
        if (!(op == "adaptive_avg_pool2d_1" && c.GetProperty("grad_fn").GetString() == "AsStridedBackward1"))
            Assert.Equal(c.GetProperty("grad_fn").GetString(), y.grad_fn!.name());
        (y * y).sum().backward();
        var grads = c.GetProperty("grads").EnumerateArray().ToArray();
        for (int i = 0; i < grads.Length; i++)
        {
            var g = xs[i].grad!;
            SameStrides(Longs(grads[i].GetProperty("stride")), g, true, $"{name} grad {i}");
            Reference.AssertClose(Reference.Tensor(grads[i].GetProperty("t")), g, $"{name} grad {i}", rtol: 1e-4, atol: 1e-4);
        }
    }

    /// <summary>
    /// Strides equal PyTorch's; for layers and gradients only along dims of size > 1 (a size-1 dim's stride says
    /// nothing about the layout, and PyTorch's kernels leave different values there).
    /// </summary>
    private static void SameStrides(long[] expected, Tensor t, bool sizedDimsOnly, string at)
    {
        var got = t.stride();
        Assert.True(expected.Length == got.Length, $"{at}: rank {got.Length}, PyTorch {expected.Length}");
        for (int d = 0; d < got.Length; d++)
        {
            if (sizedDimsOnly && t.size(d) <= 1) continue;
            Assert.True(expected[d] == got[d], $"{at}: strides [{string.Join(", ", got)}], PyTorch [{string.Join(", ", expected)}]");
        }
    }

    private static long[] Longs(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt64()).ToArray();

    /// <summary>The input a spec describes: value(i) = ((37 i) mod 23 − 11) / 8 over the base shape, then the view ops.</summary>
    private static Tensor Make(JsonElement spec)
    {
        var shape = Longs(spec.GetProperty("base"));
        string dt = spec.TryGetProperty("dtype", out var d) ? d.GetString()! : "float32";
        long n = shape.Aggregate(1L, (a, b) => a * b);
        Tensor x;
        if (dt == "int64")
            x = torch.from_array(Enumerable.Range(0, (int)n).Select(i => (long)(i * 37 % 23 - 11)).ToArray(), shape);
        else
            x = torch.from_array(Enumerable.Range(0, (int)n).Select(i => (i * 37 % 23 - 11) / 8.0).ToArray(), shape).to(Reference.DTypeOf(dt));
        foreach (var o in spec.GetProperty("ops").EnumerateArray())
        {
            var a = o.EnumerateArray().ToArray();
            switch (a[0].GetString())
            {
                case "permute": x = x.permute(Longs(a[1])); break;
                case "expand": x = x.expand(Longs(a[1])); break;
                case "cl": x = x.contiguous(torch.channels_last); break;
                case "cl3d": x = x.contiguous(torch.channels_last_3d); break;
                case "narrow": x = x.narrow(a[1].GetInt32(), a[2].GetInt64(), a[3].GetInt64()); break;
                case "step":
                {
                    int dim = a[1].GetInt32(); long k = a[2].GetInt64();
                    var size = x.shape.ToArray(); var stride = x.stride();
                    size[dim] = (size[dim] + k - 1) / k; stride[dim] *= k;
                    x = x.as_strided(size, stride, x.storage_offset());
                    break;
                }
                default: throw new InvalidOperationException("unknown view op " + a[0]);
            }
        }
        return x;
    }

    private static object Run(string op, Tensor[] x) => op switch
    {
        "neg" => torch.neg(x[0]),
        "exp" => torch.exp(x[0]),
        "abs" => torch.abs(x[0]),
        "sigmoid" => torch.sigmoid(x[0]),
        "relu" => torch.relu(x[0]),
        "add" => x[0] + x[1],
        "mul" => x[0] * x[1],
        "sub" => x[0] - x[1],
        "add_number" => x[0] + 1.5,
        "rsub_number" => 2 - x[0],
        "gt" => torch.gt(x[0], x[1]),
        "eq_number" => torch.eq(x[0], 0.375),
        "where" => torch.where(torch.gt(x[0], 0), x[0], x[1]),
        "masked_fill" => x[0].masked_fill(torch.gt(x[1], 0), 2.0),
        "clone" => x[0].clone(),
        "clone_cf" => x[0].clone(torch.contiguous_format),
        "clone_cl" => x[0].clone(torch.channels_last),
        "clone_cl3d" => x[0].clone(torch.channels_last_3d),
        "empty_like" => torch.empty_like(x[0]),
        "empty_like_cl" => torch.empty_like(x[0], memory_format: torch.channels_last),
        "zeros_like" => torch.zeros_like(x[0]),
        "zeros_like_cf" => torch.zeros_like(x[0], memory_format: torch.contiguous_format),
        "ones_like" => torch.ones_like(x[0]),
        "ones_like_cl" => torch.ones_like(x[0], memory_format: torch.channels_last),
        "ones_like_cl3d" => torch.ones_like(x[0], memory_format: torch.channels_last_3d),
        "contiguous" => x[0].contiguous(),
        "contiguous_cl" => x[0].contiguous(torch.channels_last),
        "contiguous_cl3d" => x[0].contiguous(torch.channels_last_3d),
        "contiguous_preserve" => x[0].contiguous(torch.preserve_format),
        "to_cl" => x[0].to(torch.channels_last),
        "to_cf" => x[0].to(torch.contiguous_format),
        "to_cl3d" => x[0].to(torch.channels_last_3d),
        "to_double" => x[0].to(DType.Float64),
        "to_double_cl" => x[0].to(DType.Float64, memory_format: torch.channels_last),
        "is_contiguous" => x[0].is_contiguous(),
        "is_contiguous_cl" => x[0].is_contiguous(torch.channels_last),
        "is_contiguous_cl3d" => x[0].is_contiguous(torch.channels_last_3d),
        "is_contiguous_pf" => x[0].is_contiguous(torch.preserve_format),
        "conv2d" => F.conv2d(x[0], x[1], padding: 1),
        "conv2d_bias" => F.conv2d(x[0], x[1], x[2], stride: 2),
        "batch_norm" => F.batch_norm(x[0], null, null, x[1], x[2], training: true),
        "batch_norm_eval" => F.batch_norm(x[0], x[1], torch.abs(x[2]) + 1, null, null, training: false),
        "max_pool2d" => F.max_pool2d(x[0], 2, 2),
        "max_pool2d_pad" => F.max_pool2d(x[0], 3, 2, 1),
        "adaptive_avg_pool2d" => F.adaptive_avg_pool2d(x[0], (2, 3)),
        "adaptive_avg_pool2d_1" => F.adaptive_avg_pool2d(x[0], 1),
        _ => throw new InvalidOperationException("unknown op " + op),
    };

    [Fact]
    public void FormatsPrintAsPyTorch()
    {
        Assert.Equal("torch.channels_last", torch.channels_last.ToString());
        Assert.Equal("torch.contiguous_format", torch.contiguous_format.ToString());
        Assert.Equal("torch.channels_last_3d", torch.channels_last_3d.ToString());
        Assert.Equal("torch.preserve_format", torch.preserve_format.ToString());
    }

    [Fact]
    public void SuggestMemoryFormatFollowsStrides()
    {
        var x = torch.zeros(2, 3, 4, 5);
        Assert.Same(torch.contiguous_format, x.suggest_memory_format());
        var cl = x.contiguous(torch.channels_last);
        Assert.Same(torch.channels_last, cl.suggest_memory_format());
        Assert.Same(torch.channels_last, cl.suggest_memory_format(channels_last_strides_exact_match: true));
        // strides ranked as channels_last but with gaps: suggested, not an exact match
        var sliced = torch.zeros(2, 3, 4, 10).contiguous(torch.channels_last).as_strided([2, 3, 4, 5], [120, 1, 30, 6], 0);
        Assert.Same(torch.channels_last, sliced.suggest_memory_format());
        Assert.Same(torch.contiguous_format, sliced.suggest_memory_format(channels_last_strides_exact_match: true));
        // N111 is ambiguous and stays row-major
        Assert.Same(torch.contiguous_format, torch.zeros(4, 1, 1, 1).suggest_memory_format());
        Assert.Same(torch.channels_last_3d, torch.zeros(2, 3, 2, 4, 5).contiguous(torch.channels_last_3d).suggest_memory_format());
        Assert.Same(torch.contiguous_format, torch.zeros(3, 4, 5).suggest_memory_format());
        // to(memory_format) returns the tensor itself when its strides already suggest the format
        Assert.Same(cl, cl.to(torch.channels_last));
        Assert.Same(sliced, sliced.to(torch.channels_last));
        Assert.Same(x, x.to(torch.contiguous_format));
    }

    [Fact]
    public void ChannelsLastKeptThroughANetwork()
    {
        torch.manual_seed(0);
        var conv = new Flint.Modules.Conv2d(3, 8, 3, padding: 1);
        var bn = new Flint.Modules.BatchNorm2d(8);
        var x = torch.randn(2, 3, 8, 8).contiguous(torch.channels_last).requires_grad_();
        var h = F.relu(bn.forward(conv.forward(x)));
        Assert.True(h.is_contiguous(torch.channels_last));
        var p = F.max_pool2d(h, 2);
        Assert.True(p.is_contiguous(torch.channels_last) && !p.is_contiguous());
        var a = F.adaptive_avg_pool2d(p, 2);
        Assert.True(a.is_contiguous(torch.channels_last) && !a.is_contiguous());
        a.sum().backward();
        Assert.True(x.grad!.is_contiguous(torch.channels_last) && !x.grad.is_contiguous());
        // the same network on the row-major input gives the same numbers
        var x2 = x.detach().contiguous().requires_grad_();
        var a2 = F.adaptive_avg_pool2d(F.max_pool2d(F.relu(bn.forward(conv.forward(x2))), 2), 2);
        Reference.AssertClose(a2, a, "channels_last network", rtol: 1e-5, atol: 1e-5);
    }
}
