using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Flint.Backends.Cpu.Gemm;

/// <summary>
/// Copies blocks of A and B into the panel layouts the micro-kernels read: A as MR-row panels (MR values per k
/// step), B as NR-column panels (NR values per k step), the ragged edge zero-padded. Any strides are accepted;
/// row-major and column-major sources take a direct path, so a transposed operand is never materialized.
/// </summary>
internal static class Packing
{
    /// <summary>Packs rows [0, mb) × k steps [0, kb) of A (element (i, p) at src[off + i*rs + p*cs]) into panels at dst.</summary>
    internal static void PackA<T>(T[] src, long off, long rs, long cs, int mb, int kb, ref T dst, int mr) where T : unmanaged
    {
        ref T s0 = ref MemoryMarshal.GetArrayDataReference(src);
        for (int ip = 0, panel = 0; ip < mb; ip += mr, panel++)
        {
            int rows = Math.Min(mr, mb - ip);
            ref T d = ref Unsafe.Add(ref dst, (nint)panel * kb * mr);
            long baseOff = off + ip * rs;
            if (cs == 1 && rows == 6 && mr == 6)
            {
                // the common row-major case: six source rows read side by side, one packed step written per p
                ref T r0 = ref Unsafe.Add(ref s0, (nint)baseOff);
                ref T r1 = ref Unsafe.Add(ref r0, (nint)rs);
                ref T r2 = ref Unsafe.Add(ref r1, (nint)rs);
                ref T r3 = ref Unsafe.Add(ref r2, (nint)rs);
                ref T r4 = ref Unsafe.Add(ref r3, (nint)rs);
                ref T r5 = ref Unsafe.Add(ref r4, (nint)rs);
                int p = 0;
                if (typeof(T) == typeof(float) && Sse.IsSupported)
                    p = PackA6Float(ref Unsafe.As<T, float>(ref r0), (nint)rs, kb, ref Unsafe.As<T, float>(ref d));
                for (; p < kb; p++)
                {
                    ref T dp = ref Unsafe.Add(ref d, p * 6);
                    dp = Unsafe.Add(ref r0, p);
                    Unsafe.Add(ref dp, 1) = Unsafe.Add(ref r1, p);
                    Unsafe.Add(ref dp, 2) = Unsafe.Add(ref r2, p);
                    Unsafe.Add(ref dp, 3) = Unsafe.Add(ref r3, p);
                    Unsafe.Add(ref dp, 4) = Unsafe.Add(ref r4, p);
                    Unsafe.Add(ref dp, 5) = Unsafe.Add(ref r5, p);
                }
                continue;
            }
            if (cs == 1)
            {
                for (int r = 0; r < rows; r++)
                {
                    ref T s = ref Unsafe.Add(ref s0, (nint)(baseOff + r * rs));
                    for (int p = 0; p < kb; p++) Unsafe.Add(ref d, p * mr + r) = Unsafe.Add(ref s, p);
                }
            }
            else if (rs == 1 && rows == 6 && mr == 6)
            {
                for (int p = 0; p < kb; p++)
                {
                    ref T sp = ref Unsafe.Add(ref s0, (nint)(baseOff + p * cs));
                    ref T dp = ref Unsafe.Add(ref d, p * 6);
                    dp = sp;
                    Unsafe.Add(ref dp, 1) = Unsafe.Add(ref sp, 1);
                    Unsafe.Add(ref dp, 2) = Unsafe.Add(ref sp, 2);
                    Unsafe.Add(ref dp, 3) = Unsafe.Add(ref sp, 3);
                    Unsafe.Add(ref dp, 4) = Unsafe.Add(ref sp, 4);
                    Unsafe.Add(ref dp, 5) = Unsafe.Add(ref sp, 5);
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

    /// <summary>
    /// Six float rows (row i at r0 + i*rs) into the packed order [p][row], four k steps at a time: a 4×4 transpose of
    /// rows 0-3 and an interleave of rows 4-5. Returns the k steps done.
    /// </summary>
    private static int PackA6Float(ref float r0, nint rs, int kb, ref float d)
    {
        ref float r1 = ref Unsafe.Add(ref r0, rs);
        ref float r2 = ref Unsafe.Add(ref r1, rs);
        ref float r3 = ref Unsafe.Add(ref r2, rs);
        ref float r4 = ref Unsafe.Add(ref r3, rs);
        ref float r5 = ref Unsafe.Add(ref r4, rs);
        int p = 0;
        for (; p + 4 <= kb; p += 4)
        {
            var a0 = Vector128.LoadUnsafe(ref r0, (nuint)p);
            var a1 = Vector128.LoadUnsafe(ref r1, (nuint)p);
            var a2 = Vector128.LoadUnsafe(ref r2, (nuint)p);
            var a3 = Vector128.LoadUnsafe(ref r3, (nuint)p);
            var a4 = Vector128.LoadUnsafe(ref r4, (nuint)p);
            var a5 = Vector128.LoadUnsafe(ref r5, (nuint)p);
            var t0 = Sse.UnpackLow(a0, a1);   // r0p0 r1p0 r0p1 r1p1
            var t1 = Sse.UnpackLow(a2, a3);   // r2p0 r3p0 r2p1 r3p1
            var t2 = Sse.UnpackHigh(a0, a1);  // r0p2 r1p2 r0p3 r1p3
            var t3 = Sse.UnpackHigh(a2, a3);
            var u0 = Sse.UnpackLow(a4, a5).AsDouble();   // (r4p0 r5p0) (r4p1 r5p1)
            var u1 = Sse.UnpackHigh(a4, a5).AsDouble();  // (r4p2 r5p2) (r4p3 r5p3)
            ref float o = ref Unsafe.Add(ref d, p * 6);
            Sse.MoveLowToHigh(t0, t1).StoreUnsafe(ref o);
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref o, 4)), u0.GetElement(0));
            Sse.MoveHighToLow(t1, t0).StoreUnsafe(ref o, 6);
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref o, 10)), u0.GetElement(1));
            Sse.MoveLowToHigh(t2, t3).StoreUnsafe(ref o, 12);
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref o, 16)), u1.GetElement(0));
            Sse.MoveHighToLow(t3, t2).StoreUnsafe(ref o, 18);
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref o, 22)), u1.GetElement(1));
        }
        return p;
    }

    /// <summary>
    /// Eight float columns (column i at s + i*cs, contiguous along k) into packed rows d[p*ld + i], for k steps
    /// [0, kb) with kb a multiple of 8.
    /// </summary>
    private static void Transpose8Columns(ref float s, nint cs, int kb, ref float d, int ld)
    {
        for (int p = 0; p < kb; p += 8)
        {
            ref float sp = ref Unsafe.Add(ref s, p);
            var r0 = Vector256.LoadUnsafe(ref sp);
            var r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref sp, cs));
            var r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref sp, 2 * cs));
            var r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref sp, 3 * cs));
            var r4 = Vector256.LoadUnsafe(ref Unsafe.Add(ref sp, 4 * cs));
            var r5 = Vector256.LoadUnsafe(ref Unsafe.Add(ref sp, 5 * cs));
            var r6 = Vector256.LoadUnsafe(ref Unsafe.Add(ref sp, 6 * cs));
            var r7 = Vector256.LoadUnsafe(ref Unsafe.Add(ref sp, 7 * cs));
            var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
            var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
            var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
            var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
            var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
            var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
            var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
            var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
            ref float dp = ref Unsafe.Add(ref d, p * ld);
            Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref dp);
            Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref Unsafe.Add(ref dp, ld));
            Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref Unsafe.Add(ref dp, 2 * ld));
            Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref Unsafe.Add(ref dp, 3 * ld));
            Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref Unsafe.Add(ref dp, 4 * ld));
            Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref Unsafe.Add(ref dp, 5 * ld));
            Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref Unsafe.Add(ref dp, 6 * ld));
            Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref Unsafe.Add(ref dp, 7 * ld));
        }
    }

    /// <summary>Packs k steps [0, kb) × columns [0, nb) of B (element (p, j) at src[off + p*rs + j*cs]) into panels at dst.</summary>
    internal static void PackB<T>(T[] src, long off, long rs, long cs, int kb, int nb, ref T dst, int nr) where T : unmanaged
    {
        ref T s0 = ref MemoryMarshal.GetArrayDataReference(src);
        for (int jp = 0, panel = 0; jp < nb; jp += nr, panel++)
        {
            int cols = Math.Min(nr, nb - jp);
            ref T d = ref Unsafe.Add(ref dst, (nint)panel * kb * nr);
            long baseOff = off + jp * cs;
            if (cs == 1 && cols == nr && Vector512.IsHardwareAccelerated && nr % Vector512<T>.Count == 0)
            {
                // whole 512-bit vectors per k step (one, two or three, as the micro-tile is wide)
                nuint w = (nuint)Vector512<T>.Count;
                ref T s = ref Unsafe.Add(ref s0, (nint)baseOff);
                for (int p = 0; p < kb; p++)
                {
                    ref T sp = ref Unsafe.Add(ref s, (nint)(p * rs));
                    ref T dp = ref Unsafe.Add(ref d, p * nr);
                    for (nuint v = 0; v < (nuint)nr; v += w) Vector512.LoadUnsafe(ref sp, v).StoreUnsafe(ref dp, v);
                }
            }
            else if (cs == 1)
            {
                for (int p = 0; p < kb; p++)
                    MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref s0, (nint)(baseOff + p * rs)), cols)
                        .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref d, p * nr), cols));
            }
            else if (rs == 1)
            {
                // column-major B (a transposed operand): 8×8 float blocks transposed in registers, then four
                // columns at a time (four read streams) for what is left
                int j = 0, pDone = 0;
                if (typeof(T) == typeof(float) && Avx.IsSupported && kb >= 8)
                {
                    pDone = kb & ~7;
                    for (; j + 8 <= cols; j += 8)
                        Transpose8Columns(ref Unsafe.As<T, float>(ref Unsafe.Add(ref s0, (nint)(baseOff + j * cs))), (nint)cs, pDone,
                            ref Unsafe.As<T, float>(ref Unsafe.Add(ref d, j)), nr);
                    // the remaining k steps of those columns
                    for (int jj = 0; jj < j; jj++)
                    {
                        ref T sc = ref Unsafe.Add(ref s0, (nint)(baseOff + jj * cs));
                        for (int p = pDone; p < kb; p++) Unsafe.Add(ref d, p * nr + jj) = Unsafe.Add(ref sc, p);
                    }
                }
                for (; j + 4 <= cols; j += 4)
                {
                    ref T c0 = ref Unsafe.Add(ref s0, (nint)(baseOff + j * cs));
                    ref T c1 = ref Unsafe.Add(ref c0, (nint)cs);
                    ref T c2 = ref Unsafe.Add(ref c1, (nint)cs);
                    ref T c3 = ref Unsafe.Add(ref c2, (nint)cs);
                    ref T dj = ref Unsafe.Add(ref d, j);
                    for (int p = 0; p < kb; p++)
                    {
                        ref T dp = ref Unsafe.Add(ref dj, p * nr);
                        dp = Unsafe.Add(ref c0, p);
                        Unsafe.Add(ref dp, 1) = Unsafe.Add(ref c1, p);
                        Unsafe.Add(ref dp, 2) = Unsafe.Add(ref c2, p);
                        Unsafe.Add(ref dp, 3) = Unsafe.Add(ref c3, p);
                    }
                }
                for (; j < cols; j++)
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
