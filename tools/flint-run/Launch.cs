using System.Diagnostics;
using System.Globalization;

namespace FlintRun;

/// <summary>A command line that does not parse.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The launcher's side: parses the command line and runs the MPI launcher over N copies of the rank mode.</summary>
internal sealed class Launch
{
    public const string Usage = """
        Usage: flint-run --nproc-per-node N [--master-addr ADDR] [--master-port PORT] [--mpirun PATH] -- <command...>

        Starts N ranks of <command> on this machine (torchrun's single-node launch) under the system's MPI launcher,
        with RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR and MASTER_PORT set in each, and
        each rank's output prefixed with "[rankR]: ". When a rank fails the others are ended and flint-run exits with
        the first failure's exit code.

        Options:
          --nproc-per-node N   ranks to start (required)
          --master-addr ADDR   MASTER_ADDR (default 127.0.0.1)
          --master-port PORT   MASTER_PORT (default 29500)
          --mpirun PATH        the MPI launcher (default: $FLINT_MPIRUN, else mpirun or mpiexec on the PATH)
          -h, --help           this text
        """;

    public required int Ranks { get; init; }
    public string MasterAddr { get; init; } = "127.0.0.1";
    public int MasterPort { get; init; } = 29500;
    public string? MpiRun { get; init; }
    public required string[] Command { get; init; }

    /// <summary>The parsed command line; null for --help.</summary>
    public static Launch? Parse(string[] args)
    {
        int? ranks = null;
        string addr = "127.0.0.1";
        int port = 29500;
        string? mpirun = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i], value;
            if (arg == "--") return new Launch
            {
                Ranks = ranks ?? throw new UsageException("--nproc-per-node is required"),
                MasterAddr = addr, MasterPort = port, MpiRun = mpirun,
                Command = args.Length > i + 1 ? args[(i + 1)..] : throw new UsageException("no command after --"),
            };
            if (arg is "-h" or "--help") return null;
            int eq = arg.IndexOf('=');
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0) { value = arg[(eq + 1)..]; arg = arg[..eq]; }
            else if (i + 1 < args.Length && args[i + 1] != "--") value = args[++i];
            else throw new UsageException(arg.StartsWith('-') ? $"{arg} expects a value" : $"unexpected '{arg}' (the command goes after --)");
            switch (arg)
            {
                case "--nproc-per-node" or "--nproc_per_node": ranks = Int(arg, value, 1, 4096); break;
                case "--master-addr" or "--master_addr": addr = value.Length > 0 ? value : throw new UsageException($"{arg} expects an address"); break;
                case "--master-port" or "--master_port": port = Int(arg, value, 1, 65535); break;
                case "--mpirun": mpirun = value; break;
                default: throw new UsageException($"unknown option '{arg}'");
            }
        }
        throw new UsageException("no command: give it after --");
    }

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
            ? v : throw new UsageException($"{name} expects an integer in [{min}, {max}], got '{value}'");

    /// <summary>Runs the job; returns the MPI launcher's exit code (the first failing rank's).</summary>
    public int Run()
    {
        var launcher = FindLauncher();
        var start = new ProcessStartInfo(launcher) { UseShellExecute = false };
        bool openMpi = IsOpenMpi(launcher);
        start.ArgumentList.Add("-np");
        start.ArgumentList.Add(Ranks.ToString(CultureInfo.InvariantCulture));
        if (openMpi)
            // as many ranks as asked, whatever the cores, and no pinning of every rank to one core
            foreach (var a in new[] { "--oversubscribe", "--bind-to", "none" }) start.ArgumentList.Add(a);
        foreach (var a in Self()) start.ArgumentList.Add(a);
        start.ArgumentList.Add(RankMode.Flag);
        start.ArgumentList.Add(MasterAddr);
        start.ArgumentList.Add(MasterPort.ToString(CultureInfo.InvariantCulture));
        foreach (var a in Command) start.ArgumentList.Add(a);
        using var job = Process.Start(start) ?? throw new UsageException($"could not start {launcher}");
        job.WaitForExit();
        return job.ExitCode;
    }

    /// <summary>How to start this program again: the apphost, or dotnet and the assembly.</summary>
    private static string[] Self()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this process is unknown");
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? [host, typeof(Launch).Assembly.Location] : [host];
    }

    private string FindLauncher()
    {
        if ((MpiRun ?? Environment.GetEnvironmentVariable("FLINT_MPIRUN")) is { Length: > 0 } given) return given;
        foreach (var name in new[] { "mpirun", "mpiexec" })
            foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        throw new UsageException("flint-run starts the ranks with an MPI launcher, and neither mpirun nor mpiexec is on the PATH. " +
            "Install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin libopenmpi-dev; Fedora: dnf install openmpi; macOS: brew install open-mpi) " +
            "or give --mpirun PATH.");
    }

    /// <summary>Whether the launcher is Open MPI's (it takes --oversubscribe; MPICH's mpiexec oversubscribes by itself).</summary>
    private static bool IsOpenMpi(string launcher)
    {
        try
        {
            var info = new ProcessStartInfo(launcher, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(info)!;
            var text = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return text.Contains("Open MPI", StringComparison.Ordinal) || text.Contains("OpenRTE", StringComparison.Ordinal);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new UsageException($"could not run the MPI launcher {launcher}: {e.Message}");
        }
    }
}
