// flint-run: torchrun's single-node launch for Flint programs.
//   flint-run --nproc-per-node N [--master-addr A] [--master-port P] [--mpirun PATH] -- <command...>
// Starts N ranks of <command> on this machine. Processes of an MPI job can only join each other when an MPI launcher
// started them (Open MPI singletons cannot connect), so the ranks run under mpirun (or MPICH's mpiexec): mpirun
// starts this program once per rank in its rank mode, which sets torchrun's variables from the MPI launcher's own
// (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR, MASTER_PORT), runs the command and forwards
// its output line by line behind a "[rankR]: " prefix. When a rank fails the launcher ends the others and flint-run
// exits with the first failure's exit code.
using FlintRun;

try
{
    if (args.Length > 0 && args[0] == RankMode.Flag) return RankMode.Run(args[1..]);
    var launch = Launch.Parse(args);
    if (launch is null)
    {
        Console.WriteLine(Launch.Usage);
        return 0;
    }
    return launch.Run();
}
catch (UsageException e)
{
    Console.Error.WriteLine($"flint-run: error: {e.Message}\n\n{Launch.Usage}");
    return 2;
}
