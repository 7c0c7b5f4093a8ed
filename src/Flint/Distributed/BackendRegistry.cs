namespace Flint.Distributed;

/// <summary>The engines by backend name (lower-cased), as init_process_group and new_group look them up.</summary>
internal static class BackendRegistry
{
    private static readonly Dictionary<string, ICollectiveBackendFactory> s_factories = new() { [torch.distributed.Backend.MPI] = new MpiBackendFactory() };

    /// <summary>Registers an engine under a backend name; a name taken already is refused with PyTorch's message.</summary>
    internal static void Register(string name, ICollectiveBackendFactory factory)
    {
        lock (s_factories)
        {
            var key = name.ToLowerInvariant();
            if (s_factories.ContainsKey(key)) throw new ArgumentException($"{name.ToUpperInvariant()} c10d backend already exist");
            s_factories[key] = factory;
        }
    }

    /// <summary>The engine registered under a backend name, with PyTorch's errors for the known ones not built in and for others.</summary>
    internal static ICollectiveBackendFactory Find(string name)
    {
        lock (s_factories)
        {
            if (s_factories.TryGetValue(name.ToLowerInvariant(), out var f)) return f;
        }
        return name.ToLowerInvariant() switch
        {
            torch.distributed.Backend.GLOO or torch.distributed.Backend.NCCL or torch.distributed.Backend.UCC =>
                throw new InvalidOperationException($"Distributed package doesn't have {name.ToUpperInvariant()} built in"),
            _ => throw new ArgumentException($"Invalid backend: '{name}'"),
        };
    }
}
