namespace Flint.Backends;

/// <summary>
/// The backends by device type. The CPU backend registers itself when the library loads; another backend (in
/// its own assembly, e.g. a CUDA package) registers for its device type before tensors of that type are made.
/// A storage finds its backend here by its device's type.
/// </summary>
public static class BackendRegistry
{
    private static readonly object Gate = new();
    // indexed by the device type's value: a read is one array load, so kernels pay nothing for the lookup
    private static volatile IBackend?[] backends = new IBackend?[4];

    /// <summary>
    /// Makes <paramref name="backend"/> the backend of <paramref name="type"/>, replacing one registered before.
    /// The backend's <see cref="IBackend.Device"/> must be of that type.
    /// </summary>
    public static void Register(DeviceType type, IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        int i = (int)type;
        if (i < 0) throw new ArgumentOutOfRangeException(nameof(type), type, "device type must be non-negative");
        if (backend.Device.type != type)
            throw new ArgumentException($"a backend for {backend.Device.type} devices cannot be registered for {type}", nameof(backend));
        lock (Gate)
        {
            var table = backends;
            var next = new IBackend?[Math.Max(table.Length, i + 1)];
            table.CopyTo(next, 0);
            next[i] = backend;
            backends = next;
        }
    }

    /// <summary>True when a backend is registered for <paramref name="type"/>.</summary>
    public static bool IsRegistered(DeviceType type)
    {
        var table = backends;
        int i = (int)type;
        return i >= 0 && i < table.Length && table[i] is not null;
    }

    /// <summary>The backend of <paramref name="type"/>; throws when none is registered.</summary>
    public static IBackend For(DeviceType type)
    {
        var table = backends;
        int i = (int)type;
        if (i >= 0 && i < table.Length && table[i] is { } b) return b;
        return Late(type);
    }

    /// <summary>The backend of <paramref name="device"/>'s type.</summary>
    public static IBackend For(Device device) => For(device.type);

    // the CUDA backend lives in its own assembly, loaded the first time a CUDA device is asked for
    private static IBackend Late(DeviceType type)
    {
        if (type == DeviceType.CUDA && Cuda.CudaHooks.EnsureLoaded() is not null)
        {
            var table = backends;
            if ((int)type < table.Length && table[(int)type] is { } b) return b;
        }
        throw Missing(type);
    }

    private static Exception Missing(DeviceType type) => type == DeviceType.CUDA
        ? Cuda.CudaRuntime.Unavailable()
        : new InvalidOperationException($"no backend is registered for device type {type}");
}
