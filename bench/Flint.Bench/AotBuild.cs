using System.Diagnostics;

namespace Flint.Bench;

/// <summary>
/// The NativeAOT build of the workloads (bench/Flint.Bench.Aot): published once per run into a temporary folder, then
/// run as a child process whose lines (name, seconds, figure) are read like the peer's.
/// </summary>
internal static class AotBuild
{
    /// <summary>Publishes the AOT build; its executable's path, or null (with the reason on stderr) when it fails.</summary>
    public static string? Publish()
    {
        var project = FindProject();
        if (project is null) { Console.Error.WriteLine("bench/Flint.Bench.Aot not found (run from the repository)"); return null; }
        var dir = Path.Combine(Path.GetTempPath(), "flint-bench-aot");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "publish", project, "-c", "Release", "-r", "linux-x64", "-p:PublishAot=true", "-o", dir, "-nologo", "-v", "q" })
            psi.ArgumentList.Add(a);
        Console.Error.WriteLine($"publishing the AOT build: dotnet {string.Join(' ', psi.ArgumentList)}");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            Console.Error.WriteLine($"the AOT publish failed (NativeAOT needs clang and zlib1g-dev):\n{stdout.Result}{stderr.Result}");
            return null;
        }
        var exe = Path.Combine(dir, "Flint.Bench.Aot");
        return File.Exists(exe) ? exe : null;
    }

    /// <summary>Runs the AOT build over <paramref name="workloads"/>, keeping each workload's best time in <paramref name="best"/>.</summary>
    public static void Run(string exe, IEnumerable<string> workloads, Dictionary<string, (double s, string fig)> best)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var n in workloads) psi.ArgumentList.Add(n);
        Console.Error.WriteLine($"running the AOT build: {exe} {string.Join(' ', psi.ArgumentList)}");
        using var p = Process.Start(psi)!;
        BenchOutput.KeepBest(p.StandardOutput, best);
        p.WaitForExit();
    }

    /// <summary>Without a peer: the JIT and AOT figures side by side.</summary>
    public static void Print(Dictionary<string, (double s, string fig)> jit, Dictionary<string, (double s, string fig)> aot)
    {
        if (aot.Count == 0) return;
        Console.WriteLine();
        Console.WriteLine("workload\tjit_s\taot_s\taot/jit\tjit\taot");
        foreach (var (name, (s, fig)) in jit)
            if (aot.TryGetValue(name, out var a)) Console.WriteLine($"{name}\t{s:E4}\t{a.s:E4}\t{a.s / s:F3}\t{fig}\t{a.fig}");
    }

    private static string? FindProject()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir != null; dir = dir.Parent)
        {
            var cand = Path.Combine(dir.FullName, "bench", "Flint.Bench.Aot", "Flint.Bench.Aot.csproj");
            if (File.Exists(cand)) return cand;
        }
        return null;
    }
}
