namespace Flint.Backends;

/// <summary>
/// What host memory offers the code that must see elements as managed arrays (the array bridge, the file
/// formats, wrapped numbers): wrap an array as CPU storage without copying, make a one-element CPU storage, and
/// see the array (or the bytes) of a CPU storage. This is the one door from outside the CPU backend to its
/// memory; device memory goes through <see cref="IBackend.Copy"/> to the CPU first.
/// </summary>
internal static class HostMemory
{
    /// <summary>Set by the host backend when the library loads.</summary>
    internal static IHostStorage Host = null!;

    /// <summary>CPU storage over <paramref name="data"/> (a T[] of the dtype's element type), no copy.</summary>
    internal static Storage Wrap(DType dtype, Array data, bool borrowed = false) => Host.Wrap(dtype, data, borrowed);

    /// <summary>A one-element CPU storage holding <paramref name="value"/> converted as the fill and cast kernels convert.</summary>
    internal static Storage One(DType dtype, Scalar value) => Host.One(dtype, value);

    /// <summary>New CPU storage (contents undefined unless <paramref name="zeroed"/>).</summary>
    internal static Storage Allocate(DType dtype, long count, bool zeroed) => Host.Allocate(dtype, count, zeroed);

    /// <summary>The managed array of a CPU storage.</summary>
    internal static Array Data(Storage s)
    {
        var a = s.HostArray ?? throw new InvalidOperationException($"expected a CPU tensor, got one on {s.device}");
        s.Lease?.Escape(); // the array may outlive the storage in the caller's hands: never reuse it
        return a;
    }

    internal static T[] Array<T>(Storage s) => (T[])Data(s);

    internal static Span<T> Span<T>(Storage s) where T : struct => (T[])Data(s);

    /// <summary>True when the storage lives in host memory.</summary>
    internal static bool IsHost(Storage s) => s.HostArray is not null;
}

/// <summary>The host backend's side of <see cref="HostMemory"/>.</summary>
internal interface IHostStorage
{
    Storage Wrap(DType dtype, Array data, bool borrowed);
    Storage One(DType dtype, Scalar value);
    Storage Allocate(DType dtype, long count, bool zeroed);
}
