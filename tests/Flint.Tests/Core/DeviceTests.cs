using Flint;
using Flint.Backends.Cuda;
using Flint.Tests.Support;
using Xunit;

namespace Flint.Tests.Core;

/// <summary>torch.device parsing and printing (replays References/device.json), and CUDA's absence.</summary>
public class DeviceTests
{
    private const string PyTorchTypes = "cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, ort, xla, lazy, vulkan, mps, meta, hpu, privateuseone";

    public static TheoryData<string> CaseNames() => Reference.CaseNames("device");

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorchDeviceParsing(string name)
    {
        var c = Reference.Case("device", name);
        if (c.TryGetProperty("a", out var a))
        {
            bool eq = new Device(a.GetString()!) == new Device(c.GetProperty("b").GetString()!);
            Assert.True(eq == c.GetProperty("equal").GetBoolean(), $"{name}: equality {eq}");
            return;
        }
        Func<Device> make = c.TryGetProperty("spec", out var spec)
            ? () => torch.device(spec.GetString()!)
            : () => torch.device(c.GetProperty("type_arg").GetString()!, c.GetProperty("index_arg").GetInt32());
        if (c.TryGetProperty("error", out var err))
        {
            // Flint knows three device types where PyTorch lists nineteen; the message keeps PyTorch's shape and order.
            string expected = err.GetString()!.Replace(PyTorchTypes, "cpu, cuda, meta");
            var ex = Record.Exception(make);
            Assert.True(ex?.GetType() == typeof(ArgumentException) && ex.Message == expected,
                $"{name}: expected ArgumentException '{expected}', got {ex?.GetType().Name} '{ex?.Message}'");
            return;
        }
        string str = c.GetProperty("str").GetString()!;
        if (str == "mps")
        {
            // a PyTorch device type Flint does not know
            var ex = Assert.Throws<ArgumentException>(make);
            Assert.Equal("Expected one of cpu, cuda, meta device type at start of device string: mps", ex.Message);
            return;
        }
        var d = make();
        Assert.True(d.ToString() == str, $"{name}: ToString '{d}', expected '{str}'");
        if (c.TryGetProperty("index", out var idx)) Assert.True(d.index == idx.GetInt32(), $"{name}: index {d.index}");
        if (c.TryGetProperty("type", out var ty)) Assert.True((d.type == DeviceType.CPU ? "cpu" : "cuda") == ty.GetString(), $"{name}: type {d.type}");
    }

    [Fact]
    public void DeviceBasics()
    {
        Assert.Equal(DeviceType.CPU, torch.device("cpu").type);
        Assert.Equal(-1, torch.device("cuda").index);
        Assert.Equal(1, torch.device("cuda:1").index);
        Assert.Equal(torch.device("cuda:1"), new Device(DeviceType.CUDA, 1));
        Assert.True(torch.device("cuda:1") == "cuda:1");
        Assert.True(torch.device("cuda") != torch.device("cuda:0"));
        Assert.Equal(torch.device("cuda:2").GetHashCode(), new Device("cuda:2").GetHashCode());
        Assert.Equal("cuda:0", torch.device("cuda").Normalized.ToString());
        Assert.Equal(Device.CPU, torch.zeros(1).device);
        Assert.Equal("cpu", torch.zeros(1).device.ToString());
        Assert.Throws<ArgumentException>(() => new Device(DeviceType.CPU, 1));
        Assert.Throws<ArgumentException>(() => new Device(DeviceType.CUDA, -2));
    }

    [Fact]
    public void CudaIsUnavailableWithAReason()
    {
        if (CudaRuntime.Result.DeviceUsable) return;   // only meaningful on machines without a usable GPU
        Assert.False(torch.cuda.is_available());
        Assert.Equal(0, torch.cuda.device_count());
        var x = torch.ones(2);
        foreach (var act in new Func<Tensor>[] { () => x.to("cuda"), () => x.cuda(), () => x.to(torch.device("cuda:1")),
                     () => torch.zeros([2], device: torch.device("cuda")) })
        {
            var ex = Assert.Throws<InvalidOperationException>(act);
            Assert.StartsWith("Torch not compiled with CUDA enabled: ", ex.Message);
            Assert.Contains("torch.cuda.explain()", ex.Message);
            if (!CudaRuntime.DriverFound) Assert.Contains("no NVIDIA driver found", ex.Message);
        }
        // moving to the CPU is fine and returns the same tensor
        Assert.True(ReferenceEquals(x, x.to("cpu")));
    }

    [Fact]
    public void ExplainListsWhatWasSearched()
    {
        string report = torch.cuda.explain();
        Assert.Contains("CUDA driver library search:", report);
        Assert.Contains(OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1", report);
        foreach (var lib in new[] { "CUDA runtime", "NVRTC", "cuBLAS" }) Assert.Contains(lib, report);
        Assert.Contains("folders searched:", report);
        Assert.Contains("CUDA is unavailable: ", report);
    }

    [Fact]
    public void ProbeSearchesCudaHomeAndPipLayouts()
    {
        if (OperatingSystem.IsWindows()) return;
        string root = Path.Combine(Path.GetTempPath(), "flint-cuda-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "cuda", "lib64"));
            File.WriteAllBytes(Path.Combine(root, "cuda", "lib64", "libcudart.so.12"), []);
            string site = Path.Combine(root, "venv", "lib", "python3.11", "site-packages", "nvidia");
            Directory.CreateDirectory(Path.Combine(site, "cuda_nvrtc", "lib"));
            File.WriteAllBytes(Path.Combine(site, "cuda_nvrtc", "lib", "libnvrtc.so.12"), []);
            var env = new Dictionary<string, string> { ["CUDA_HOME"] = Path.Combine(root, "cuda"), ["VIRTUAL_ENV"] = Path.Combine(root, "venv") };
            var r = CudaRuntime.Probe(k => env.GetValueOrDefault(k), loadDriver: false);
            Assert.False(r.DriverFound);
            Assert.Equal(Path.Combine(root, "cuda", "lib64", "libcudart.so.12"), r.Libraries[0].Path);
            Assert.Equal(Path.Combine(site, "cuda_nvrtc", "lib", "libnvrtc.so.12"), r.Libraries[1].Path);
            string report = CudaRuntime.Report(r);
            Assert.Contains("found at " + Path.Combine(root, "cuda", "lib64", "libcudart.so.12"), report);
            Assert.Contains(Path.Combine(root, "cuda", "lib64"), report);
            Assert.Contains(Path.Combine(site, "cublas", "lib"), report);
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void ReportsDriverFailuresByCuResult()
    {
        var libs = Array.Empty<CudaRuntime.LibraryResult>();
        var noDevice = new CudaRuntime.ProbeResult("libcuda.so.1", ["libcuda.so.1"], 100, null, null, 12040, libs);
        Assert.Contains("cuInit failed with CUDA_ERROR_NO_DEVICE (100)", CudaRuntime.Why(noDevice));
        Assert.Contains("cuInit(0): CUDA_ERROR_NO_DEVICE (100)", CudaRuntime.Report(noDevice));
        Assert.Contains("driver API version: 12.4", CudaRuntime.Report(noDevice));
        Assert.Contains("CUDA_ERROR_NO_DEVICE (100)", CudaRuntime.Unavailable(noDevice).Message);
        var zero = new CudaRuntime.ProbeResult("libcuda.so.1", ["libcuda.so.1"], 0, 0, 0, null, libs);
        Assert.Contains("reports no CUDA device", CudaRuntime.Why(zero));
        var gpu = new CudaRuntime.ProbeResult("libcuda.so.1", ["libcuda.so.1"], 0, 2, 0, null, libs);
        Assert.True(gpu.DeviceUsable);
        Assert.Contains("no CUDA backend yet", CudaRuntime.Why(gpu));
        var none = new CudaRuntime.ProbeResult(null, ["libcuda.so.1", "libcuda.so"], null, null, null, null, libs);
        Assert.Contains("no NVIDIA driver found", CudaRuntime.Unavailable(none).Message);
        Assert.Equal("CUresult (12345)", CudaRuntime.CuResultName(12345));
    }
}
