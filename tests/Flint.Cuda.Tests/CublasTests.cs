using Xunit;

namespace Flint.Cuda.Tests;

public class CublasTests
{
    [Fact]
    public void TheLoaderLooksForTheSonamesThenTheCudaFolders()
    {
        var env = new Dictionary<string, string?> { ["CUDA_HOME"] = "/opt/cuda-x", ["LD_LIBRARY_PATH"] = "/ld/one" };
        var c = Cublas.Candidates(k => env.GetValueOrDefault(k));
        if (OperatingSystem.IsWindows()) return;
        Assert.Equal("libcublas.so.13", c[0]);
        Assert.Equal("libcublas.so.12", c[1]);
        Assert.Equal("/opt/cuda-x/lib64/libcublas.so.13", c[2]);
        Assert.Contains("/ld/one/libcublas.so.12", c);
        Assert.Contains(c, p => p.Contains("nvidia/cublas/lib/libcublas.so.13"));
    }
}
