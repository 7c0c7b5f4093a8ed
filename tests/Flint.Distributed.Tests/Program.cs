using System.Text.Json;
using Flint.Distributed.Tests;
using static Flint.torch;

// Usage (under mpirun): Flint.Distributed.Tests collectives | ddp | timeout | killed [references/distributed.json]
//        (under tools/flint-run): Flint.Distributed.Tests launched | launched-fail
var mode = args.Length > 0 ? args[0] : "collectives";
var timeout = mode is "timeout" or "killed" ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(120);
distributed.init_process_group("mpi", init_method: "env://", timeout: timeout);
int rank = distributed.get_rank(), size = distributed.get_world_size();
var checks = new Checks(rank);
switch (mode)
{
    case "collectives": CollectiveTests.Run(checks, rank, size, Recorded(args[1], "collective_error")); break;
    case "ddp": DdpTests.Run(checks, rank, size, Recorded(args[1], "ddp_error")); break;
    case "timeout": FailureTests.Timeout(rank); break;
    case "killed": FailureTests.Killed(rank); break;
    case "launched": LaunchTests.Run(checks, rank, size); break;
    case "launched-fail": LaunchTests.Fail(rank); break;
    default: Console.Error.WriteLine($"unknown mode {mode}"); return 2;
}
// every rank's result, so rank 0 reports the whole job
var results = new object?[size];
distributed.all_gather_object(results, checks.Failed.Count == 0 ? $"{checks.Passed}" : $"FAILED {string.Join("; ", checks.Failed)}");
if (rank == 0)
{
    Console.WriteLine($"{mode} with {size} ranks: " + string.Join(", ", results.Select((r, i) => $"rank {i}: {r}")));
    Console.WriteLine($"MPI library: {LoadedMpi()}");
}
distributed.destroy_process_group();
return checks.Failed.Count == 0 ? 0 : 1;

// the MPI library this process loaded, from its memory map
static string LoadedMpi() =>
    File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "")
        .FirstOrDefault(p => Path.GetFileName(p).StartsWith("libmpi", StringComparison.Ordinal)) ?? "unknown";

// PyTorch's error texts recorded by tools/refs/gen_distributed.py
static Func<string, string> Recorded(string path, string kind)
{
    using var doc = JsonDocument.Parse(File.ReadAllText(path));
    var errors = doc.RootElement.GetProperty("cases").EnumerateArray()
        .Where(c => c.GetProperty("kind").GetString() == kind)
        .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("error").GetString()!);
    return name => errors[name];
}
