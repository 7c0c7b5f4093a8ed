using System.Runtime.InteropServices;
using System.Text;

namespace Flint.Backends.Cuda;

/// <summary>
/// Finds the NVIDIA driver and the CUDA libraries. Flint ships no native code: a CUDA backend talks to libcuda
/// through P/Invoke. Until that backend lands, this probe explains exactly what was found, so asking for CUDA
/// fails with a reason. Probing never throws: a missing or broken installation is reported, not raised.
/// </summary>
internal static class CudaRuntime
{
    private static readonly string[] DriverNames = OperatingSystem.IsWindows()
        ? ["nvcuda.dll"]
        : ["libcuda.so.1", "libcuda.so"];

    /// <summary>The CUDA libraries a backend would use: display name, file-name prefix on Linux and Windows, pip package folder.</summary>
    private static readonly (string name, string linuxPrefix, string windowsPrefix, string pipFolder)[] Libraries =
    [
        ("CUDA runtime", "libcudart.so", "cudart64_", "cuda_runtime"),
        ("NVRTC", "libnvrtc.so", "nvrtc64_", "cuda_nvrtc"),
        ("cuBLAS", "libcublas.so", "cublas64_", "cublas"),
    ];

    private static readonly Lazy<ProbeResult> Cached = new(() => Probe(System.Environment.GetEnvironmentVariable, loadDriver: true));

    internal sealed record LibraryResult(string Name, string? Path, IReadOnlyList<string> Searched);

    internal sealed record ProbeResult(
        string? DriverName, IReadOnlyList<string> DriverTried, int? InitResult, int? DeviceCount, int? CountResult,
        int? DriverVersion, IReadOnlyList<LibraryResult> Libraries)
    {
        public bool DriverFound => DriverName is not null;
        public bool DeviceUsable => InitResult == 0 && CountResult == 0 && DeviceCount > 0;
    }

    internal static ProbeResult Result => Cached.Value;
    internal static bool DriverFound => Result.DriverFound;

    /// <summary>Looks for the driver (loading it and calling cuInit/cuDeviceGetCount when it loads) and the libraries.</summary>
    internal static ProbeResult Probe(Func<string, string?> getenv, bool loadDriver)
    {
        string? driver = null;
        var tried = new List<string>();
        int? init = null, count = null, countRes = null, version = null;
        if (loadDriver)
        {
            foreach (var name in DriverNames)
            {
                tried.Add(name);
                IntPtr h;
                try { if (!NativeLibrary.TryLoad(name, out h)) continue; }
                catch (Exception e) when (e is BadImageFormatException or DllNotFoundException) { continue; }
                driver = name;
                // The handle stays open: once cuInit has run, unloading the driver is unsafe.
                (init, count, countRes, version) = QueryDriver(h);
                break;
            }
        }
        var libs = Libraries.Select(l => FindLibrary(l, getenv)).ToArray();
        return new ProbeResult(driver, tried, init, count, countRes, version, libs);
    }

    private static unsafe (int?, int?, int?, int?) QueryDriver(IntPtr h)
    {
        try
        {
            int? init = null, count = null, countRes = null, version = null;
            if (NativeLibrary.TryGetExport(h, "cuDriverGetVersion", out var pv))
            {
                int v = 0;
                if (((delegate* unmanaged<int*, int>)pv)(&v) == 0) version = v;
            }
            if (!NativeLibrary.TryGetExport(h, "cuInit", out var pInit)) return (null, null, null, version);
            init = ((delegate* unmanaged<uint, int>)pInit)(0);
            if (init == 0 && NativeLibrary.TryGetExport(h, "cuDeviceGetCount", out var pCount))
            {
                int n = 0;
                countRes = ((delegate* unmanaged<int*, int>)pCount)(&n);
                if (countRes == 0) count = n;
            }
            return (init, count, countRes, version);
        }
        catch (Exception)
        {
            return (null, null, null, null);
        }
    }

    /// <summary>The folders searched for a CUDA library, in order, without duplicates.</summary>
    internal static List<string> SearchDirs(string pipFolder, Func<string, string?> getenv)
    {
        var dirs = new List<string>();
        void Add(string? d) { if (!string.IsNullOrEmpty(d) && !dirs.Contains(d)) dirs.Add(d); }
        bool win = OperatingSystem.IsWindows();
        foreach (var v in new[] { "CUDA_HOME", "CUDA_PATH" })
        {
            var root = getenv(v);
            if (string.IsNullOrEmpty(root)) continue;
            if (win) { Add(Path.Combine(root, "bin")); Add(Path.Combine(root, "bin", "x64")); }
            else
            {
                Add(Path.Combine(root, "lib64"));
                Add(Path.Combine(root, "lib"));
                Add(Path.Combine(root, "targets", "x86_64-linux", "lib"));
                Add(Path.Combine(root, "targets", "sbsa-linux", "lib"));
            }
        }
        foreach (var d in (getenv(win ? "PATH" : "LD_LIBRARY_PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            Add(d);
        foreach (var sp in SitePackages(getenv))
            Add(Path.Combine(sp, "nvidia", pipFolder, win ? "bin" : "lib"));
        if (!win)
        {
            Add("/usr/local/cuda/lib64");
            Add("/usr/local/cuda/targets/x86_64-linux/lib");
            Add("/usr/lib/x86_64-linux-gnu");
            Add("/usr/lib/aarch64-linux-gnu");
            Add("/usr/lib64");
            Add("/usr/lib");
        }
        return dirs;
    }

    /// <summary>Python site-packages folders where pip's nvidia-* wheels put their libraries.</summary>
    private static IEnumerable<string> SitePackages(Func<string, string?> getenv)
    {
        var roots = new List<string>();
        foreach (var v in new[] { "VIRTUAL_ENV", "CONDA_PREFIX" })
            if (getenv(v) is { Length: > 0 } r) roots.Add(r);
        if (OperatingSystem.IsWindows())
        {
            foreach (var r in roots) yield return Path.Combine(r, "Lib", "site-packages");
            yield break;
        }
        if (getenv("HOME") is { Length: > 0 } home) roots.Add(Path.Combine(home, ".local"));
        roots.Add("/usr/local");
        roots.Add("/usr");
        foreach (var r in roots)
        {
            string lib = Path.Combine(r, "lib");
            string[] pys;
            try { pys = Directory.Exists(lib) ? Directory.GetDirectories(lib, "python3*") : []; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { pys = []; }
            foreach (var py in pys.Order(StringComparer.Ordinal))
            {
                yield return Path.Combine(py, "site-packages");
                yield return Path.Combine(py, "dist-packages");
            }
        }
    }

    private static LibraryResult FindLibrary((string name, string linuxPrefix, string windowsPrefix, string pipFolder) lib, Func<string, string?> getenv)
    {
        bool win = OperatingSystem.IsWindows();
        string prefix = win ? lib.windowsPrefix : lib.linuxPrefix;
        var dirs = SearchDirs(lib.pipFolder, getenv);
        foreach (var d in dirs)
        {
            try
            {
                if (!Directory.Exists(d)) continue;
                var hit = Directory.EnumerateFiles(d, prefix + "*")
                    .Where(f => win ? f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) : true)
                    .Order(StringComparer.Ordinal).FirstOrDefault();
                if (hit is not null) return new LibraryResult(lib.name + " (" + prefix + "*)", hit, dirs);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { }
        }
        return new LibraryResult(lib.name + " (" + prefix + "*)", null, dirs);
    }

    /// <summary>The name of a CUresult code, for messages.</summary>
    internal static string CuResultName(int code) => code switch
    {
        0 => "CUDA_SUCCESS",
        1 => "CUDA_ERROR_INVALID_VALUE",
        2 => "CUDA_ERROR_OUT_OF_MEMORY",
        3 => "CUDA_ERROR_NOT_INITIALIZED",
        4 => "CUDA_ERROR_DEINITIALIZED",
        34 => "CUDA_ERROR_STUB_LIBRARY",
        35 => "CUDA_ERROR_INSUFFICIENT_DRIVER",
        46 => "CUDA_ERROR_DEVICES_UNAVAILABLE",
        100 => "CUDA_ERROR_NO_DEVICE",
        101 => "CUDA_ERROR_INVALID_DEVICE",
        304 => "CUDA_ERROR_OPERATING_SYSTEM",
        804 => "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE",
        999 => "CUDA_ERROR_UNKNOWN",
        _ => "CUresult",
    } + $" ({code})";

    /// <summary>One line saying why CUDA cannot be used.</summary>
    internal static string Why(ProbeResult r)
    {
        if (!r.DriverFound)
            return $"no NVIDIA driver found (the driver library {string.Join(" / ", r.DriverTried)} could not be loaded), so this machine has no usable NVIDIA GPU";
        if (r.InitResult is null)
            return $"the NVIDIA driver library {r.DriverName} loaded, but it has no usable cuInit entry point";
        if (r.InitResult != 0)
            return $"the NVIDIA driver library {r.DriverName} loaded, but cuInit failed with {CuResultName(r.InitResult.Value)}";
        if (r.CountResult is int c && c != 0)
            return $"the NVIDIA driver initialized, but cuDeviceGetCount failed with {CuResultName(c)}";
        if (r.DeviceCount == 0)
            return "the NVIDIA driver initialized, but it reports no CUDA device";
        return "the NVIDIA driver and a GPU were found, but this build of Flint has no CUDA backend yet";
    }

    /// <summary>A multi-line report of what was looked for and what was found.</summary>
    internal static string Report() => Report(Result);

    internal static string Report(ProbeResult r)
    {
        var sb = new StringBuilder();
        sb.AppendLine("CUDA driver library search:");
        foreach (var name in r.DriverTried)
            sb.AppendLine($"  {name}: {(name == r.DriverName ? "found" : "not found")}");
        if (r.DriverFound)
        {
            if (r.DriverVersion is int v) sb.AppendLine($"  driver API version: {v / 1000}.{v % 1000 / 10}");
            sb.AppendLine(r.InitResult is int i ? $"  cuInit(0): {CuResultName(i)}" : "  cuInit: entry point not found");
            if (r.CountResult is int cr)
                sb.AppendLine(cr == 0 ? $"  cuDeviceGetCount: {r.DeviceCount} device(s)" : $"  cuDeviceGetCount: {CuResultName(cr)}");
        }
        sb.AppendLine("CUDA libraries (searched CUDA_HOME, CUDA_PATH, " + (OperatingSystem.IsWindows() ? "PATH" : "LD_LIBRARY_PATH") + ", pip nvidia-* packages, system folders):");
        foreach (var lib in r.Libraries)
            sb.AppendLine(lib.Path is null ? $"  {lib.Name}: not found" : $"  {lib.Name}: found at {lib.Path}");
        if (r.Libraries.Count > 0)
        {
            sb.AppendLine("  folders searched:");
            foreach (var d in r.Libraries.SelectMany(l => l.Searched).Distinct()) sb.AppendLine("    " + d);
        }
        sb.AppendLine("CUDA is unavailable: " + Why(r) + ".");
        return sb.ToString();
    }

    internal static Exception Unavailable() => Unavailable(Result);

    internal static Exception Unavailable(ProbeResult r) => new InvalidOperationException(
        $"Torch not compiled with CUDA enabled: {Why(r)}. Call torch.cuda.is_available() before using a CUDA device, and print torch.cuda.explain() to see what was searched and found.");
}
