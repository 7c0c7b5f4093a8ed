using System.Runtime.CompilerServices;

namespace Flint.Backends.Cpu;

/// <summary>Registers the CPU backend (and the host memory it owns) when the library loads.</summary>
internal static class CpuRegistration
{
#pragma warning disable CA2255 // the library registers its own backend, before any tensor exists
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        BackendRegistry.Register(DeviceType.CPU, CpuBackend.Instance);
        HostMemory.Host = CpuBackend.Instance;
    }
}
