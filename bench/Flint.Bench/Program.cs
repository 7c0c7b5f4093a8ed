// Flint's benchmark: the same named workloads, shapes and dtypes as the peer benchmark
// (shared/peer-bench), one line per workload: name<TAB>median seconds per iteration<TAB>figure.
//   dotnet run -c Release --project bench/Flint.Bench -- [WORKLOAD ...]
//   ... -- --compare [--peer torchsharp|pytorch] [--rounds N] [WORKLOAD ...]
//        also runs the peer and prints Flint/peer; with N rounds, Flint and the peer run alternately N times and
//        each side keeps its best time (a shared, noisy machine slows whichever runs during a burst)
//   ... -- --aot ...   also publishes the workloads with NativeAOT (bench/Flint.Bench.Aot) and runs that build in each
//        round: the table gains a row "name[aot]" per workload, against the same peer figure
//   ... -- --micro [BenchmarkDotNet args]                          kernel micro-benchmarks (BenchmarkDotNet)
using System.Diagnostics;
using System.Globalization;
using Flint;
using Flint.Bench;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Length > 0 && args[0] == "--micro")
{
    BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Workloads).Assembly).Run(args[1..]);
    return 0;
}

bool compare = false, aot = false;
string peer = "torchsharp";
int rounds = 1;
var names = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--compare") compare = true;
    else if (args[i] == "--aot") aot = true;
    else if (args[i] == "--peer" && i + 1 < args.Length) peer = args[++i];
    else if (args[i] == "--rounds" && i + 1 < args.Length && int.TryParse(args[i + 1], out var r) && r >= 1) { rounds = r; i++; }
    else if (args[i] is "-h" or "--help")
    {
        Console.WriteLine("usage: Flint.Bench [--compare] [--aot] [--peer torchsharp|pytorch] [--rounds N] [WORKLOAD ...] | --micro [BenchmarkDotNet args]");
        Console.WriteLine("workloads: " + string.Join(' ', Workloads.All));
        return 0;
    }
    else names.Add(args[i]);
}
foreach (var n in names)
    if (!Workloads.All.Contains(n)) { Console.Error.WriteLine($"unknown workload '{n}'; known: {string.Join(' ', Workloads.All)}"); return 2; }

var only = names.Count > 0 ? new HashSet<string>(names) : null;
string? aotBinary = aot ? AotBuild.Publish() : null;
if (aot && aotBinary is null) return 2;
var ours = Workloads.Run(only);
var ahead = new Dictionary<string, (double s, string fig)>();
if (aotBinary is not null) AotBuild.Run(aotBinary, ours.Keys, ahead);
if (!compare) { AotBuild.Print(ours, ahead); return 0; }

var script = FindPeerScript();
if (script is null) { Console.Error.WriteLine("peer benchmark not found (expected ../shared/peer-bench/run from the repository root)"); return 2; }
var theirs = new Dictionary<string, (double s, string fig)>();
int peerExit = 0;
long peerPeak = 0;
for (int round = 1; round <= rounds; round++)
{
    if (round > 1)
    {
        Console.Error.WriteLine($"round {round} of {rounds}");
        foreach (var (name, value) in Workloads.Run(only))
            if (value.s < ours[name].s) ours[name] = value;
        if (aotBinary is not null) AotBuild.Run(aotBinary, ours.Keys, ahead);
    }
    peerExit |= RunPeer(script, peer, ours.Keys, theirs, out long peak);
    peerPeak = Math.Max(peerPeak, peak);
}
Console.WriteLine();
Console.WriteLine($"workload\tflint_s\t{peer}_s\tflint/{peer}\tflint\t{peer}");
foreach (var (name, (s, fig)) in ours)
{
    if (theirs.TryGetValue(name, out var t))
        Console.WriteLine($"{name}\t{s:E4}\t{t.s:E4}\t{s / t.s:F3}\t{fig}\t{t.fig}");
    else
        Console.WriteLine($"{name}\t{s:E4}\t-\t-\t{fig}\t(peer did not run it)");
    if (ahead.TryGetValue(name, out var a))
        Console.WriteLine(theirs.TryGetValue(name, out var t2)
            ? $"{name}[aot]\t{a.s:E4}\t{t2.s:E4}\t{a.s / t2.s:F3}\t{a.fig}\t{t2.fig}"
            : $"{name}[aot]\t{a.s:E4}\t-\t-\t{a.fig}\t(peer did not run it)");
}
using (var self = Process.GetCurrentProcess())
{
    self.Refresh();
    Console.WriteLine($"# peak working set over the whole run: Flint {self.PeakWorkingSet64 / 1048576.0:F0} MiB, {peer} {peerPeak / 1048576.0:F0} MiB (largest process of its run)");
}
return peerExit == 0 ? 0 : 1;

/// <summary>Runs the peer benchmark once over <paramref name="workloads"/>, keeping each workload's best time in <paramref name="best"/>.</summary>
static int RunPeer(string script, string peer, IEnumerable<string> workloads, Dictionary<string, (double s, string fig)> best, out long peakBytes)
{
    var psi = new ProcessStartInfo(script) { RedirectStandardOutput = true, UseShellExecute = false };
    psi.ArgumentList.Add(peer);
    foreach (var n in workloads) psi.ArgumentList.Add(n);
    Console.Error.WriteLine($"running peer: {script} {peer} {string.Join(' ', workloads)}");
    using var p = Process.Start(psi)!;
    // the peer runs under a script: watch the peak resident set (VmHWM) of every process below it
    long peak = 0;
    var watcher = new Thread(() =>
    {
        while (!p.HasExited)
        {
            peak = Math.Max(peak, TreePeak(p.Id));
            Thread.Sleep(50);
        }
    }) { IsBackground = true };
    watcher.Start();
    BenchOutput.KeepBest(p.StandardOutput, best);
    p.WaitForExit();
    watcher.Join();
    peakBytes = peak;
    return p.ExitCode;
}

/// <summary>The largest VmHWM (peak resident set) of a process and its descendants, from /proc (0 where unreadable).</summary>
static long TreePeak(int pid)
{
    long best = 0;
    try
    {
        foreach (var l in File.ReadLines($"/proc/{pid}/status"))
            if (l.StartsWith("VmHWM:") && long.TryParse(l[6..].Trim().Split(' ')[0], out var kb)) best = kb * 1024;
        foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            var children = Path.Combine(task, "children");
            if (!File.Exists(children)) continue;
            foreach (var c in File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                if (int.TryParse(c, out var child)) best = Math.Max(best, TreePeak(child));
        }
    }
    catch (IOException) { }
    catch (UnauthorizedAccessException) { }
    return best;
}

static string? FindPeerScript()
{
    var env = System.Environment.GetEnvironmentVariable("FLINT_PEER_BENCH");
    if (env != null && File.Exists(env)) return env;
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir != null; dir = dir.Parent)
    {
        var cand = Path.Combine(dir.FullName, "..", "shared", "peer-bench", "run");
        if (File.Exists(Path.Combine(dir.FullName, "Flint.sln")) && File.Exists(cand)) return Path.GetFullPath(cand);
        cand = Path.Combine(dir.FullName, "shared", "peer-bench", "run");
        if (File.Exists(cand)) return cand;
    }
    return null;
}
