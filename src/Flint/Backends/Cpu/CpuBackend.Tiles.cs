using System.Runtime.CompilerServices;

namespace Flint.Backends.Cpu;

// Tiled walks for elementwise kernels with a transposed operand: tiles of StridedLoop.Tile x Tile elements over
// the two innermost dims; an operand that runs across memory along a tile row is first gathered into a small
// contiguous buffer (reading it along memory), so the op itself runs as vector code on contiguous rows, and a
// transposed output is computed into a buffer and scattered back the same way.
internal sealed partial class CpuBackend
{
    private const int TileSize = StridedLoop.Tile;

    /// <summary>True when no input reads y's memory through another offset or layout (a tiled walk would then
    /// change which already-written values such an input sees).</summary>
    private static bool TilesSafe(TensorLayout y, params TensorLayout[] inputs)
    {
        foreach (var t in inputs)
            if (ReferenceEquals(t.Storage, y.Storage) &&
                !(t.Offset == y.Offset && t.Shape.AsSpan().SequenceEqual(y.Shape) && t.Strides.AsSpan().SequenceEqual(y.Strides)))
                return false;
        return true;
    }

    /// <summary>buf[r * cols + c] = src[off + r*sr + c*sc], read along whichever dim is closer in memory.</summary>
    private static void GatherTile<T>(T[] src, long off, long sr, long sc, int rows, int cols, T[] buf)
    {
        ref T s = ref At(src, off);
        if (Math.Abs(sr) <= Math.Abs(sc))
            for (int c = 0; c < cols; c++)
            {
                ref T sc0 = ref Unsafe.Add(ref s, (nint)(c * sc));
                for (int r = 0; r < rows; r++) buf[r * cols + c] = Unsafe.Add(ref sc0, (nint)(r * sr));
            }
        else
            for (int r = 0; r < rows; r++)
            {
                ref T sr0 = ref Unsafe.Add(ref s, (nint)(r * sr));
                for (int c = 0; c < cols; c++) buf[r * cols + c] = Unsafe.Add(ref sr0, (nint)(c * sc));
            }
    }

    /// <summary>dst[off + r*sr + c*sc] = buf[r * cols + c], written along whichever dim is closer in memory.</summary>
    private static void ScatterTile<T>(T[] buf, T[] dst, long off, long sr, long sc, int rows, int cols)
    {
        ref T d = ref At(dst, off);
        if (Math.Abs(sr) <= Math.Abs(sc))
            for (int c = 0; c < cols; c++)
            {
                ref T dc0 = ref Unsafe.Add(ref d, (nint)(c * sc));
                for (int r = 0; r < rows; r++) Unsafe.Add(ref dc0, (nint)(r * sr)) = buf[r * cols + c];
            }
        else
            for (int r = 0; r < rows; r++)
            {
                ref T dr0 = ref Unsafe.Add(ref d, (nint)(r * sr));
                for (int c = 0; c < cols; c++) Unsafe.Add(ref dr0, (nint)(c * sc)) = buf[r * cols + c];
            }
    }

    /// <summary>A run of a unary kernel: y[oy + i] = op(x[ox + i]) for i &lt; n.</summary>
    private delegate void UnaryRunFn<T>(T[] xa, long ox, T[] ya, long oy, long n);

    /// <summary>A run of a binary kernel: y[oy + i] = op(a[oa + i*fa], b[ob + i*fb]), fa and fb 0 or 1.</summary>
    private delegate void BinaryRunFn<T>(T[] aa, long oa, int fa, T[] ba, long ob, int fb, T[] ya, long oy, long n);

    /// <summary>Runs a unary kernel tile by tile (see the file comment); false when the layout does not need it.</summary>
    private static bool UnaryTiles<T>(in StridedLoop loop, TensorLayout x, TensorLayout y, T[] xa, T[] ya, UnaryRunFn<T> run)
    {
        if (!loop.WantsTiles() || !TilesSafe(y, x)) return false;
        long syr = loop.RowStride(0), syc = loop.InnerStride(0), sxr = loop.RowStride(1), sxc = loop.InnerStride(1);
        bool gx = sxc != 1, gy = syc != 1;
        loop.ForEachTileParallel(() =>
        {
            var bx = gx ? new T[TileSize * TileSize] : null;
            var by = gy ? new T[TileSize * TileSize] : null;
            return (offs, rows, cols) =>
            {
                if (gx) GatherTile(xa, offs[1], sxr, sxc, rows, cols, bx!);
                for (int r = 0; r < rows; r++)
                    run(gx ? bx! : xa, gx ? r * cols : offs[1] + r * sxr, gy ? by! : ya, gy ? r * cols : offs[0] + r * syr, cols);
                if (gy) ScatterTile(by!, ya, offs[0], syr, syc, rows, cols);
            };
        });
        return true;
    }

    /// <summary>Runs a binary kernel tile by tile (see the file comment); false when the layout does not need it.</summary>
    private static bool BinaryTiles<T>(in StridedLoop loop, TensorLayout a, TensorLayout b, TensorLayout y, T[] aa, T[] ba, T[] ya, BinaryRunFn<T> run)
    {
        if (!loop.WantsTiles() || !TilesSafe(y, a, b)) return false;
        long syr = loop.RowStride(0), syc = loop.InnerStride(0);
        long sar = loop.RowStride(1), sac = loop.InnerStride(1), sbr = loop.RowStride(2), sbc = loop.InnerStride(2);
        bool ga = sac is not (0 or 1), gb = sbc is not (0 or 1), gy = syc != 1;
        loop.ForEachTileParallel(() =>
        {
            var bufA = ga ? new T[TileSize * TileSize] : null;
            var bufB = gb ? new T[TileSize * TileSize] : null;
            var bufY = gy ? new T[TileSize * TileSize] : null;
            return (offs, rows, cols) =>
            {
                if (ga) GatherTile(aa, offs[1], sar, sac, rows, cols, bufA!);
                if (gb) GatherTile(ba, offs[2], sbr, sbc, rows, cols, bufB!);
                for (int r = 0; r < rows; r++)
                    run(ga ? bufA! : aa, ga ? r * cols : offs[1] + r * sar, ga ? 1 : (int)sac,
                        gb ? bufB! : ba, gb ? r * cols : offs[2] + r * sbr, gb ? 1 : (int)sbc,
                        gy ? bufY! : ya, gy ? r * cols : offs[0] + r * syr, cols);
                if (gy) ScatterTile(bufY!, ya, offs[0], syr, syc, rows, cols);
            };
        });
        return true;
    }

    /// <summary>A same-type or converting copy tile by tile; false when the layout does not need it.</summary>
    private static bool CopyTiles<TSrc, TDst>(in StridedLoop loop, TSrc[] sa, TDst[] da) where TSrc : struct where TDst : struct
    {
        if (!loop.WantsTiles()) return false;
        long sdr = loop.RowStride(0), sdc = loop.InnerStride(0), ssr = loop.RowStride(1), ssc = loop.InnerStride(1);
        // walk each tile along the source's memory when it is the transposed one, else along the destination's
        bool colMajor = Math.Abs(ssr) < Math.Abs(ssc);
        loop.ForEachTileParallel(() => (offs, rows, cols) =>
        {
            ref TDst d = ref At(da, offs[0]);
            ref TSrc s = ref At(sa, offs[1]);
            if (colMajor)
                for (int c = 0; c < cols; c++)
                {
                    ref TDst dc = ref Unsafe.Add(ref d, (nint)(c * sdc));
                    ref TSrc scc = ref Unsafe.Add(ref s, (nint)(c * ssc));
                    for (int r = 0; r < rows; r++)
                        Unsafe.Add(ref dc, (nint)(r * sdr)) = Convert.To<TSrc, TDst>(Unsafe.Add(ref scc, (nint)(r * ssr)));
                }
            else
                for (int r = 0; r < rows; r++)
                {
                    ref TDst dr = ref Unsafe.Add(ref d, (nint)(r * sdr));
                    ref TSrc sr = ref Unsafe.Add(ref s, (nint)(r * ssr));
                    for (int c = 0; c < cols; c++)
                        Unsafe.Add(ref dr, (nint)(c * sdc)) = Convert.To<TSrc, TDst>(Unsafe.Add(ref sr, (nint)(c * ssc)));
                }
        });
        return true;
    }
}
