using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu.Gemm;

/// <summary>
/// Copies blocks of A and B into the panel layouts the micro-kernels read: A as MR-row panels (MR values per k
/// step), B as NR-column panels (NR values per k step), the ragged edge zero-padded. Any strides are accepted;
/// row-major and column-major sources take a direct path, so a transposed operand is never materialized.
/// </summary>
internal static class Packing
{
    /// <summary>Packs rows [0, mb) × k steps [0, kb) of A (element (i, p) at src[off + i*rs + p*cs]).</summary>
    internal static void PackA<T>(T[] src, long off, long rs, long cs, int mb, int kb, T[] dst, int mr) where T : unmanaged
    {
        ref T s0 = ref MemoryMarshal.GetArrayDataReference(src);
        ref T d0 = ref MemoryMarshal.GetArrayDataReference(dst);
        for (int ip = 0, panel = 0; ip < mb; ip += mr, panel++)
        {
            int rows = Math.Min(mr, mb - ip);
            ref T d = ref Unsafe.Add(ref d0, (nint)panel * kb * mr);
            long baseOff = off + ip * rs;
            if (cs == 1)
            {
                for (int r = 0; r < rows; r++)
                {
                    ref T s = ref Unsafe.Add(ref s0, (nint)(baseOff + r * rs));
                    for (int p = 0; p < kb; p++) Unsafe.Add(ref d, p * mr + r) = Unsafe.Add(ref s, p);
                }
            }
            else if (rs == 1 && rows == mr)
            {
                for (int p = 0; p < kb; p++)
                    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref s0, (nint)(baseOff + p * cs)), mr)
                        .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref d, p * mr), mr));
            }
            else
            {
                for (int p = 0; p < kb; p++)
                {
                    ref T s = ref Unsafe.Add(ref s0, (nint)(baseOff + p * cs));
                    for (int r = 0; r < rows; r++) Unsafe.Add(ref d, p * mr + r) = Unsafe.Add(ref s, (nint)(r * rs));
                }
            }
            if (rows < mr)
                for (int p = 0; p < kb; p++)
                    for (int r = rows; r < mr; r++) Unsafe.Add(ref d, p * mr + r) = default;
        }
    }

    /// <summary>Packs k steps [0, kb) × columns [0, nb) of B (element (p, j) at src[off + p*rs + j*cs]).</summary>
    internal static void PackB<T>(T[] src, long off, long rs, long cs, int kb, int nb, T[] dst, int nr) where T : unmanaged
    {
        ref T s0 = ref MemoryMarshal.GetArrayDataReference(src);
        ref T d0 = ref MemoryMarshal.GetArrayDataReference(dst);
        for (int jp = 0, panel = 0; jp < nb; jp += nr, panel++)
        {
            int cols = Math.Min(nr, nb - jp);
            ref T d = ref Unsafe.Add(ref d0, (nint)panel * kb * nr);
            long baseOff = off + jp * cs;
            if (cs == 1)
            {
                for (int p = 0; p < kb; p++)
                    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref s0, (nint)(baseOff + p * rs)), cols)
                        .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref d, p * nr), cols));
            }
            else if (rs == 1)
            {
                for (int j = 0; j < cols; j++)
                {
                    ref T s = ref Unsafe.Add(ref s0, (nint)(baseOff + j * cs));
                    for (int p = 0; p < kb; p++) Unsafe.Add(ref d, p * nr + j) = Unsafe.Add(ref s, p);
                }
            }
            else
            {
                for (int p = 0; p < kb; p++)
                {
                    ref T s = ref Unsafe.Add(ref s0, (nint)(baseOff + p * rs));
                    for (int j = 0; j < cols; j++) Unsafe.Add(ref d, p * nr + j) = Unsafe.Add(ref s, (nint)(j * cs));
                }
            }
            if (cols < nr)
                for (int p = 0; p < kb; p++)
                    for (int j = cols; j < nr; j++) Unsafe.Add(ref d, p * nr + j) = default;
        }
    }
}
