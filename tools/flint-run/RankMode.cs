using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace FlintRun;

/// <summary>
/// One rank: started by the MPI launcher, it reads the launcher's rank variables (Open MPI's OMPI_COMM_WORLD_*,
/// MPICH's PMI_RANK/PMI_SIZE/MPI_LOCALRANKID/MPI_LOCALNRANKS), sets torchrun's, runs the command as its child (which
/// inherits the launcher's connection, so MPI_Init there joins the job) and prefixes each line of its output.
/// </summary>
internal static class RankMode
{
    public const string Flag = "--rank-mode";

    /// <summary>args: master address, master port, command...; returns the command's exit code.</summary>
    public static int Run(string[] args)
    {
        int rank = Env("OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK");
        int size = Env("OMPI_COMM_WORLD_SIZE", "PMI_SIZE");
        int localRank = Env("OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID");
        int localSize = Env("OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS");
        var start = new ProcessStartInfo(args[2])
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in args[3..]) start.ArgumentList.Add(a);
        var env = start.Environment;
        env["RANK"] = $"{rank}"; env["WORLD_SIZE"] = $"{size}";
        env["LOCAL_RANK"] = $"{localRank}"; env["LOCAL_WORLD_SIZE"] = $"{localSize}";
        env["GROUP_RANK"] = "0"; env["MASTER_ADDR"] = args[0]; env["MASTER_PORT"] = args[1];
        env["TORCHELASTIC_RUN_ID"] = "none";

        Process child;
        try { child = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.Error.WriteLine($"[rank{rank}]: flint-run: cannot start {args[2]}: {e.Message}");
            return 127;
        }
        // the launcher ends the other ranks with SIGTERM when one fails: end the command with this process
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Kill(child));
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Kill(child));
        var prefix = Encoding.UTF8.GetBytes($"[rank{rank}]: ");
        var outPump = Pump(child.StandardOutput.BaseStream, Console.OpenStandardOutput(), prefix);
        var errPump = Pump(child.StandardError.BaseStream, Console.OpenStandardError(), prefix);
        child.WaitForExit();
        Task.WaitAll(outPump, errPump);
        return child.ExitCode;
    }

    private static void Kill(Process child)
    {
        try { child.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // already gone
    }

    private static int Env(params string[] names)
    {
        foreach (var n in names)
            if (Environment.GetEnvironmentVariable(n) is { Length: > 0 } s && int.TryParse(s, out int v)) return v;
        throw new InvalidOperationException($"flint-run {Flag} runs under an MPI launcher, and none of {string.Join(", ", names)} is set");
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/>, writing <paramref name="prefix"/> at the start of every line.</summary>
    private static Task Pump(Stream from, Stream to, byte[] prefix) => Task.Run(() =>
    {
        var buf = new byte[8192];
        bool lineStart = true;
        int n;
        while ((n = from.Read(buf, 0, buf.Length)) > 0)
        {
            int at = 0;
            while (at < n)
            {
                if (lineStart) to.Write(prefix);
                int nl = Array.IndexOf(buf, (byte)'\n', at, n - at);
                int end = nl < 0 ? n : nl + 1;
                to.Write(buf, at, end - at);
                lineStart = nl >= 0;
                at = end;
            }
            to.Flush();
        }
    });
}
