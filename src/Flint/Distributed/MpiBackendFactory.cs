namespace Flint.Distributed;

/// <summary>
/// Backend "mpi" of init_process_group. MPI's launcher (mpirun, mpiexec, or tools/flint-run, which runs mpirun) starts
/// the processes and assigns their ranks; processes started any other way are MPI singletons of one rank each, which
/// cannot join each other. So with env:// torchrun's variables are not used to connect, only checked: WORLD_SIZE and
/// RANK, when set, and the world_size and rank arguments, when given, must be what the launcher assigned.
/// </summary>
internal sealed class MpiBackendFactory : ICollectiveBackendFactory
{
    public ICollectiveBackend Create(string initMethod, int worldSize, int rank, TimeSpan timeout)
    {
        var world = MpiLibrary.Get().World();
        CheckAgrees("world_size", worldSize, world.Size);
        CheckAgrees("rank", rank, world.Rank);
        if (initMethod == "env://")
        {
            if (EnvInt("WORLD_SIZE") is { } ws) CheckAgrees("WORLD_SIZE", ws, world.Size);
            if (EnvInt("RANK") is { } r) CheckAgrees("RANK", r, world.Rank);
        }
        return world;
    }

    private static void CheckAgrees(string what, int given, int mpi)
    {
        if (given < 0 || given == mpi) return;
        if (mpi == 1 && what is "world_size" or "WORLD_SIZE")
            throw new ArgumentException(
                $"For MPI backend, {what} is assigned by the MPI launcher: {what} {given} was given, but this process was not started by one " +
                "(MPI says it is alone). Start the ranks with mpirun -np N, mpiexec -n N or tools/flint-run --nproc-per-node N: " +
                "MPI processes started separately cannot join each other.");
        throw new ArgumentException($"For MPI backend, {what} is assigned by the MPI launcher: {what} {given} was given, MPI says {mpi}");
    }

    private static int? EnvInt(string name) =>
        System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } s && int.TryParse(s, out var v) ? v : null;
}
