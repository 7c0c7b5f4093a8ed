using System.Runtime.CompilerServices;

namespace Flint.Backends.Meta;

/// <summary>Registers the meta device's backend when the library loads, as any backend registers itself.</summary>
internal static class MetaRegistration
{
#pragma warning disable CA2255 // the library registers its own backend, before any tensor exists
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => BackendRegistry.Register(DeviceType.Meta, MetaBackend.Instance);
}
