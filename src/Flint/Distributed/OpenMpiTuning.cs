using System.Runtime.InteropServices;

namespace Flint.Distributed;

/// <summary>
/// Open MPI settings Flint changes before MPI_Init, each through its OMPI_MCA_* environment variable and only when that
/// variable is not set already (a user's choice wins; MPICH reads none of them).
/// <para>coll_libnbc_iallreduce_algorithm = 1 (ring) for jobs of 2 or 3 ranks: there libnbc's default MPI_Iallreduce is a
/// binomial tree whatever the size (the whole message reduced into rank 0, then broadcast back: it crosses twice, one
/// direction at a time), while the ring (reduce-scatter, then all-gather) moves 1/p of it each way at once in the same
/// number of steps (2 for 2 ranks, 4 for 3). From 4 ranks on libnbc already picks a bandwidth-optimal algorithm for
/// large messages and the tree's fewer steps for small ones, so nothing is changed.</para>
/// </summary>
internal static unsafe class OpenMpiTuning
{
    internal const string IallreduceAlgorithm = "OMPI_MCA_coll_libnbc_iallreduce_algorithm";

    /// <summary>The settings for a job of <paramref name="worldSize"/> ranks (null: unknown, e.g. a singleton) given the
    /// current environment: the variables to set, with their values.</summary>
    internal static List<(string name, string value)> For(int? worldSize, Func<string, string?> getenv)
    {
        var set = new List<(string, string)>();
        if (worldSize is >= 2 and < 4 && string.IsNullOrEmpty(getenv(IallreduceAlgorithm))) set.Add((IallreduceAlgorithm, "1"));
        return set;
    }

    /// <summary>Sets them in the process's native environment (where Open MPI reads them at MPI_Init).</summary>
    internal static void Apply()
    {
        int? size = int.TryParse(System.Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE"), out var s) ? s : null;
        var settings = For(size, System.Environment.GetEnvironmentVariable);
        if (settings.Count == 0 || !NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "setenv", out var p)) return;
        var setenv = (delegate* unmanaged<byte*, byte*, int, int>)p;
        foreach (var (name, value) in settings)
        {
            var n = (byte*)Marshal.StringToCoTaskMemUTF8(name);
            var v = (byte*)Marshal.StringToCoTaskMemUTF8(value);
            try { setenv(n, v, 0); }
            finally { Marshal.FreeCoTaskMem((nint)n); Marshal.FreeCoTaskMem((nint)v); }
            System.Environment.SetEnvironmentVariable(name, value);
        }
    }
}
