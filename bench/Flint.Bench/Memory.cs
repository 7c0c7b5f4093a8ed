using System.Diagnostics;

namespace Flint.Bench;

public static partial class Workloads
{
    /// <summary>
    /// Prints a training step's memory figures on a '#' line (ignored by the comparison): managed bytes allocated
    /// per step, garbage collections per 100 steps, and the process's peak working set so far.
    /// </summary>
    static void MemoryReport(string name, Action step, int steps)
    {
        step();
        GC.Collect();
        int g0 = GC.CollectionCount(0), g1 = GC.CollectionCount(1), g2 = GC.CollectionCount(2);
        long before = GC.GetTotalAllocatedBytes(true);
        for (int i = 0; i < steps; i++) step();
        double perStep = (GC.GetTotalAllocatedBytes(true) - before) / (double)steps;
        double gc0 = (GC.CollectionCount(0) - g0) * 100.0 / steps, gc1 = (GC.CollectionCount(1) - g1) * 100.0 / steps, gc2 = (GC.CollectionCount(2) - g2) * 100.0 / steps;
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        Console.WriteLine($"# {name} memory: {perStep / 1024:F0} KiB allocated/step, {gc0:F0} gen0 / {gc1:F0} gen1 / {gc2:F0} gen2 GCs per 100 steps, " +
                          $"peak working set {p.PeakWorkingSet64 / 1048576.0:F0} MiB");
    }
}
