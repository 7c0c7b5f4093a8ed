using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint.IO;

/// <summary>
/// Moves the bytes of a CPU tensor's array to and from files with 64-bit offsets, in chunks, so a
/// tensor over 2 GiB of bytes (but within one .NET array) is read and written without a byte[] copy of it.
/// </summary>
internal static class TensorBytes
{
    private const int Chunk = 1 << 30;
    /// <summary>Up to this many bytes a reader allocates the tensor before its bytes arrive; past it, from a stream
    /// whose length is unknown, the bytes are gathered first, so a header cannot make it allocate what the stream lacks.</summary>
    internal const long EagerLimit = 1L << 20;
    private const int GatherLimit = 64 << 20;

    /// <summary>The tensor's array as bytes from <paramref name="byteOffset"/> on (a ref, valid for any length).</summary>
    private static ref byte At(Tensor t, long byteOffset) =>
        ref Unsafe.AddByteOffset(ref MemoryMarshal.GetArrayDataReference(Backends.HostMemory.Data(t._storage)), (nint)byteOffset);

    /// <summary>Writes the bytes of a contiguous CPU tensor (from its storage offset) in little-endian order.</summary>
    internal static void Write(Stream s, Tensor t)
    {
        int size = t.dtype.itemsize;
        long n = t.numel() * size, start = t._offset * size;
        for (long pos = 0; pos < n;)
        {
            int len = (int)Math.Min(Chunk, n - pos);
            var span = MemoryMarshal.CreateReadOnlySpan(ref At(t, start + pos), len);
            if (BitConverter.IsLittleEndian) s.Write(span);
            else
            {
                var copy = span.ToArray();
                Swap(copy, size);
                s.Write(copy);
            }
            pos += len;
        }
    }

    /// <summary>
    /// Reads <paramref name="n"/> bytes into a new contiguous tensor from offset 0; returns how many arrived. The
    /// bytes are little-endian unless <paramref name="bigEndian"/> (IDX files).
    /// </summary>
    internal static long Read(Stream s, Tensor t, long n, bool bigEndian = false)
    {
        long pos = 0;
        while (pos < n)
        {
            int len = (int)Math.Min(Chunk, n - pos);
            int got = s.ReadAtLeast(MemoryMarshal.CreateSpan(ref At(t, pos), len), len, throwOnEndOfStream: false);
            pos += got;
            if (got < len) break;
        }
        if (bigEndian == BitConverter.IsLittleEndian) SwapAll(t, pos);
        return pos;
    }

    /// <summary>Copies <paramref name="n"/> bytes from unmanaged memory (a mapped file) into a new contiguous tensor.</summary>
    internal static unsafe void Copy(byte* src, Tensor t, long n)
    {
        for (long pos = 0; pos < n;)
        {
            int len = (int)Math.Min(Chunk, n - pos);
            new ReadOnlySpan<byte>(src + pos, len).CopyTo(MemoryMarshal.CreateSpan(ref At(t, pos), len));
            pos += len;
        }
        if (!BitConverter.IsLittleEndian) SwapAll(t, n);
    }

    /// <summary>
    /// Reads up to <paramref name="n"/> bytes in blocks that grow with what the stream delivers, for streams of
    /// unknown length; returns the blocks and how many bytes arrived.
    /// </summary>
    internal static (List<byte[]> blocks, long got) Gather(Stream s, long n)
    {
        var blocks = new List<byte[]>();
        long got = 0;
        int next = 64 << 10;
        while (got < n)
        {
            int want = (int)Math.Min(next, n - got);
            var b = new byte[want];
            int r = s.ReadAtLeast(b, want, throwOnEndOfStream: false);
            if (r < want) Array.Resize(ref b, r);
            if (r > 0) blocks.Add(b);
            got += r;
            if (r < want) break;
            next = (int)Math.Min((long)next * 2, GatherLimit);
        }
        return (blocks, got);
    }

    /// <summary>Copies gathered blocks into a new contiguous tensor.</summary>
    internal static void Copy(List<byte[]> blocks, Tensor t, bool bigEndian = false)
    {
        long pos = 0;
        foreach (var b in blocks)
        {
            b.CopyTo(MemoryMarshal.CreateSpan(ref At(t, pos), b.Length));
            pos += b.Length;
        }
        if (bigEndian == BitConverter.IsLittleEndian) SwapAll(t, pos);
    }

    private static void SwapAll(Tensor t, long n)
    {
        int size = t.dtype.itemsize;
        for (long pos = 0; pos < n;)
        {
            int len = (int)Math.Min(Chunk, n - pos);
            Swap(MemoryMarshal.CreateSpan(ref At(t, pos), len), size);
            pos += len;
        }
    }

    private static void Swap(Span<byte> bytes, int size)
    {
        if (size == 1) return;
        for (int i = 0; i + size <= bytes.Length; i += size) bytes.Slice(i, size).Reverse();
    }
}
