using System.Text.Json;
using Flint;
using Flint.Modules;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Conv;

/// <summary>
/// Replays tools/refs/gen_conv_padding_mode.py: Conv1d/2d/3d with padding_mode reflect, replicate and circular (the
/// input padded by F.pad, the convolution itself unpadded), numeric and "same" padding, batched and unbatched. The
/// layers get PyTorch's recorded weights; outputs, grad_fn, repr and the gradients of input, weight and bias are
/// compared.
/// </summary>
public class ConvPaddingModeTests
{
    private const string File = "conv_padding_mode";

    public static TheoryData<string> Names => Reference.CaseNames(File);

    /// <summary>The layer the generator built for a case (same arguments, float64).</summary>
    private static ConvNd Build(string name)
    {
        var mode = name[(name.IndexOf('/') + 1)..];
        var kind = name[..name.IndexOf('/')];
        return kind switch
        {
            "conv1d" => torch.nn.Conv1d(3, 4, 3, stride: 1, padding: 2, padding_mode: mode, dtype: torch.float64),
            "conv2d" => torch.nn.Conv2d(2, 3, 3, stride: 2, padding: new long[] { 1, 2 }, padding_mode: mode, dtype: torch.float64),
            "conv2d_same" => torch.nn.Conv2d(2, 2, 4, padding: "same", dilation: 2, padding_mode: mode, dtype: torch.float64),
            "conv3d" => torch.nn.Conv3d(2, 2, 3, padding: 1, padding_mode: mode, dtype: torch.float64),
            "conv2d_unbatched" => torch.nn.Conv2d(2, 3, 3, padding: 1, padding_mode: mode, dtype: torch.float64),
            _ => throw new ArgumentException(name),
        };
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorch(string name)
    {
        var c = Reference.Case(File, name);
        var layer = Build(name);
        using (torch.no_grad())
        {
            layer.weight.copy_(Reference.Tensor(c.GetProperty("weight")));
            layer.bias!.copy_(Reference.Tensor(c.GetProperty("bias")));
        }
        Assert.Equal(c.GetProperty("repr").GetString(), layer.ToString());
        var x = Reference.Tensor(c.GetProperty("input")).requires_grad_();
        var y = layer.call(x);
        Reference.AssertClose(Reference.Tensor(c.GetProperty("output")), y, name);
        Assert.Equal(c.GetProperty("grad_fn").GetString(), y.grad_fn!.name());
        y.pow(2).sum().backward();
        Reference.AssertClose(Reference.Tensor(c.GetProperty("grad_input")), x.grad!, name + " grad input");
        Reference.AssertClose(Reference.Tensor(c.GetProperty("grad_weight")), layer.weight.grad!, name + " grad weight");
        Reference.AssertClose(Reference.Tensor(c.GetProperty("grad_bias")), layer.bias!.grad!, name + " grad bias");
    }

    [Fact]
    public void AnUnknownModeIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => torch.nn.Conv2d(2, 2, 3, padding_mode: "mirror"));
        Assert.Equal("padding_mode must be one of ['zeros', 'reflect', 'replicate', 'circular'], but got padding_mode='mirror'", e.Message);
    }
}
