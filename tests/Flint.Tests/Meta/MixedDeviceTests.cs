using System.Text.Json;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Meta;

/// <summary>
/// Meta and CPU operands in one elementwise op, replayed from References/mixed_device.json
/// (tools/refs/gen_mixed_device.py). The rule is PyTorch 2.x's TensorIteratorBase::compute_types
/// (aten/src/ATen/TensorIterator.cpp): "Acquires the first non-CPU device (if any) as the common device" over the
/// operands, outputs first; then every operand must be on it ("Expected all tensors to be on the same device, but
/// found at least two devices, {common} and {device}!") except CPU 0-dim inputs on a non-CPU device, of which
/// <c>max_cpu_scalars_on_non_cpu = config.allow_cpu_scalars_ ? 1 : 0</c> pass ("Trying to pass too many CPU
/// scalars to non-CPU kernel!"); binary and comparison ops build their iterator with <c>allow_cpu_scalars(true)</c>.
/// PyTorch 1.13, which recorded the cases, gives the same outcome on each.
/// </summary>
public class MixedDeviceTests
{
    private const string File = "mixed_device";

    public static TheoryData<string> Cases() => Reference.CaseNames(File);

    private static object Make(string token) => token switch
    {
        "m" => torch.empty([2, 3], device: "meta"),
        "c" => torch.ones(2, 3),
        "ms" => torch.empty([], device: "meta"),
        "s" => torch.tensor(2.0),
        "mi" => torch.empty([2, 3], dtype: torch.int64, device: "meta"),
        "si" => torch.tensor(3),
        "2" => 2L,
        _ => throw new ArgumentException($"unknown operand token {token}"),
    };

    private static Tensor Run(JsonElement c)
    {
        string op = c.GetProperty("op").GetString()!;
        var args = c.GetProperty("args").EnumerateArray().Select(a => Make(a.GetString()!)).ToList();
        if (c.GetProperty("inplace").GetBoolean())
            return (Tensor)OpInvoker.Method((Tensor)args[0]!, op + "_", args.Skip(1).ToList())!;
        var kw = new Dictionary<string, object?>();
        if (c.GetProperty("out").GetString() is { } @out) kw["out"] = Make(@out);
        return (Tensor)OpInvoker.Function(op, args, kw)!;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var c = Reference.Case(File, name);
        if (c.TryGetProperty("error", out _))
        {
            Reference.AssertError(c, () => Run(c), name);
            return;
        }
        var r = Run(c);
        Assert.Equal(c.GetProperty("device").GetString(), r.device.ToString());
        Assert.Equal(c.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(), r._shape);
        Assert.Equal("torch." + c.GetProperty("dtype").GetString(), r.dtype.ToString());
    }
}
