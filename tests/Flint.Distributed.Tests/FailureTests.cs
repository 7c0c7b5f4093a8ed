using System.Diagnostics;
using static Flint.torch;

namespace Flint.Distributed.Tests;

/// <summary>A peer that never arrives, or dies: the others must fail with a clear error, not wait forever.</summary>
internal static class FailureTests
{
    /// <summary>The last rank skips the all_reduce (it sleeps); the others' all_reduce times out after the group's 5 s.</summary>
    public static void Timeout(int rank)
    {
        int last = distributed.get_world_size() - 1;
        if (rank == last)
        {
            Thread.Sleep(TimeSpan.FromSeconds(60));
            return;
        }
        var clock = Stopwatch.StartNew();
        try
        {
            distributed.all_reduce(ones(8));
        }
        catch (distributed.DistBackendError e)
        {
            Console.WriteLine($"rank {rank}: DistBackendError after {clock.Elapsed.TotalSeconds:F1} s: {e.Message}");
            System.Environment.Exit(3);
        }
        Console.WriteLine($"rank {rank}: all_reduce completed without the last rank");
        System.Environment.Exit(4);
    }

    /// <summary>The last rank kills itself (SIGKILL) before the all_reduce the others wait in.</summary>
    public static void Killed(int rank)
    {
        distributed.barrier();
        int last = distributed.get_world_size() - 1;
        if (rank == last) Process.GetCurrentProcess().Kill();
        try
        {
            distributed.all_reduce(ones(8));
        }
        catch (distributed.DistBackendError e)
        {
            Console.WriteLine($"rank {rank}: DistBackendError: {e.Message}");
            System.Environment.Exit(3);
        }
        Console.WriteLine($"rank {rank}: all_reduce completed without the last rank");
        System.Environment.Exit(4);
    }
}
