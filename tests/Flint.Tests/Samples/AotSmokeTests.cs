using System.Diagnostics;
using System.Globalization;
using Flint;
using Xunit;

namespace Flint.Tests.Samples;

/// <summary>
/// The JIT build of tests/Flint.AotSmoke, whose output tests/Flint.AotSmoke/run.sh compares with the NativeAOT and
/// trimmed builds'. This checks that the output is what run.sh expects from a working build.
/// </summary>
public class AotSmokeTests
{
    internal static string Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Flint.AotSmoke.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "Flint.AotSmoke did not finish");
        Assert.True(p.ExitCode == 0, $"exit code {p.ExitCode}: {stderr.Result}");
        return stdout.Replace("\r", "");
    }

    [Fact]
    public void SmokeAppTrainsTheQuickstartNetwork()
    {
        var lines = Run().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("parameters: 6", lines[0]);
        Assert.Equal("modules: (root), linear_relu_stack, linear_relu_stack.0, linear_relu_stack.1, linear_relu_stack.2, "
            + "linear_relu_stack.3, linear_relu_stack.4, flatten", lines[1]); // base class fields first, as in PyTorch's registration order
        Assert.Equal("state_dict keys: 6 (linear_relu_stack.0.weight, linear_relu_stack.0.bias, linear_relu_stack.2.weight, "
            + "linear_relu_stack.2.bias, linear_relu_stack.4.weight, linear_relu_stack.4.bias)", lines[2]);
        var losses = lines.Where(l => l.StartsWith("loss ")).Select(l => float.Parse(l[(l.IndexOf(':') + 2)..], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(5, losses.Length);
        Assert.InRange(losses[0], 2.2f, 2.4f); // cross-entropy of an untrained 10-class classifier: about ln 10
        for (int i = 1; i < losses.Length; i++) Assert.True(losses[i] < losses[i - 1], $"loss {i} did not fall: {losses[i]} after {losses[i - 1]}");
        Assert.Matches("^weights hash: [0-9a-f]{16}$", lines[^2]);
        Assert.Equal("Kernel vector width: " + CpuInfo.KernelVectorWidth(), lines[^1]);
    }
}
