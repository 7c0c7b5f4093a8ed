using System.Runtime.CompilerServices;

namespace Flint.Tests.Support;

/// <summary>
/// The whole suite runs with uninitialized tensor memory filled with a pattern (NaN for floats, -1 for integers,
/// true for bools): a kernel that reads a new output before writing it, or an op that expects torch.empty to
/// give zeros, produces wrong values and fails its tests. Every tensor made also checks that its layout stays
/// inside its storage, so an op that computes a wrong view fails instead of reading past the storage.
/// </summary>
internal static class PoisonedMemory
{
    [ModuleInitializer]
    internal static void Enable()
    {
        Flint.Backends.Cpu.CpuStorage.PoisonUninitialized = true;
        Tensor.CheckLayouts = true;
    }
}
