namespace Flint.Backends.Cpu.Conv;

/// <summary>
/// The convolution kernels' per-thread work buffers: each kernel keeps its buffers in [ThreadStatic] slots of its own
/// and takes them through here, so the same convolution called every step reuses them instead of allocating afresh.
/// </summary>
internal static class ScratchBuffer
{
    /// <summary>The array in <paramref name="slot"/>, replaced by a larger one when it holds fewer than <paramref name="length"/> elements (contents undefined).</summary>
    internal static T[] Take<T>(ref T[]? slot, long length)
    {
        var b = slot;
        if (b is null || b.Length < length) slot = b = GC.AllocateUninitializedArray<T>(checked((int)Math.Max(length, 1024)));
        return b;
    }
}
