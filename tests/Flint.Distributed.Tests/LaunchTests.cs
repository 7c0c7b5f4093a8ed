using static Flint.torch;

namespace Flint.Distributed.Tests;

/// <summary>Under tools/flint-run: torchrun's variables agree with the ranks MPI assigned, and the ranks talk.</summary>
internal static class LaunchTests
{
    public static void Run(Checks checks, int rank, int size)
    {
        checks.Run("torchrun variables", () =>
        {
            string? Var(string n) => System.Environment.GetEnvironmentVariable(n);
            var got = (Var("RANK"), Var("WORLD_SIZE"), Var("LOCAL_RANK"), Var("LOCAL_WORLD_SIZE"), Var("GROUP_RANK"), Var("MASTER_ADDR"), Var("MASTER_PORT"));
            var want = ($"{rank}", $"{size}", $"{rank}", $"{size}", "0", "127.0.0.1", "29611");
            if (got != want) throw new Exception($"{got} != {want}");
        });
        checks.Run("all_reduce between launched ranks", () =>
        {
            var t = full([3], (float)(rank + 1));
            distributed.all_reduce(t);
            Checks.Equal(full([3], size * (size + 1) / 2f), t);
        });
    }

    /// <summary>The last rank fails (exit code 5) while the others wait in an all_reduce: the launcher must end them.</summary>
    public static void Fail(int rank)
    {
        distributed.barrier();
        if (rank == distributed.get_world_size() - 1)
        {
            Console.Error.WriteLine($"rank {rank}: failing on purpose");
            System.Environment.Exit(5);
        }
        distributed.all_reduce(ones(8));
        Console.WriteLine($"rank {rank}: all_reduce completed without the last rank");
        System.Environment.Exit(4);
    }
}
