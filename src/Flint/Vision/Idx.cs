using System.Buffers.Binary;
using Flint.IO;

namespace Flint.Vision;

/// <summary>
/// The IDX format of MNIST-style datasets (torchvision's <c>read_sn3_pascalvincent_tensor</c>): two zero bytes,
/// a type byte (8 uint8, 9 int8, 11 int16, 12 int32, 13 float32, 14 float64), the number of dims (1 to 3), each
/// dim as a big-endian unsigned 32-bit size, then exactly the elements those sizes hold, big-endian. The header
/// is read first and the payload streamed: only the bytes it declares are read, and a short payload, trailing
/// bytes or a shape larger than a Flint tensor are refused before anything of that size is allocated.
/// </summary>
internal static class Idx
{
    private static DType? TypeOf(int code) => code switch
    {
        0x08 => DType.UInt8, 0x09 => DType.Int8, 0x0B => DType.Int16, 0x0C => DType.Int32,
        0x0D => DType.Float32, 0x0E => DType.Float64, _ => null,
    };

    /// <exception cref="InvalidDataException">The stream is not a well-formed IDX file.</exception>
    internal static Tensor Read(Stream stream)
    {
        long? remaining = stream.CanSeek ? stream.Length - stream.Position : null;
        Span<byte> magic = stackalloc byte[4];
        if (stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4)
            throw new InvalidDataException("IDX header is truncated: the file is shorter than its 4-byte magic number");
        var dtype = magic[0] == 0 && magic[1] == 0 ? TypeOf(magic[2]) : null;
        if (dtype is null)
            throw new InvalidDataException(
                $"not an IDX file: magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8} has no known type code (expected 0x0000TTDD with TT 08, 09, 0B, 0C, 0D or 0E)");
        int ndim = magic[3];
        if (ndim < 1 || ndim > 3)
            throw new InvalidDataException($"IDX file declares {ndim} dimensions; MNIST-format files have 1 to 3");

        Span<byte> dims = stackalloc byte[4 * 3];
        dims = dims[..(4 * ndim)];
        if (stream.ReadAtLeast(dims, dims.Length, throwOnEndOfStream: false) < dims.Length)
            throw new InvalidDataException($"IDX header is truncated: {ndim} dimensions need {dims.Length} bytes of sizes");
        var shape = new long[ndim];
        UInt128 numel = 1;
        for (int i = 0; i < ndim; i++)
        {
            shape[i] = BinaryPrimitives.ReadUInt32BigEndian(dims.Slice(4 * i, 4));
            numel *= (ulong)shape[i];   // at most three 32-bit factors: no overflow in 128 bits
        }
        if (numel > (ulong)Array.MaxLength)
            throw new InvalidDataException(
                $"IDX header declares shape {Shape.Str(shape)} ({numel} elements of {dtype}); a Flint CPU tensor holds at most {Array.MaxLength} elements");
        long nbytes = (long)numel * dtype.itemsize;
        string what = $"its header's shape {Shape.Str(shape)} of {dtype} declares";

        if (remaining is long left)
        {
            left -= 4 + dims.Length;
            if (left < nbytes) throw Truncated(nbytes, left, what);
            if (left > nbytes) throw new InvalidDataException($"IDX file has {left - nbytes} trailing bytes after the {nbytes} bytes of data {what}");
        }
        Tensor t;
        if (remaining is not null || nbytes <= TensorBytes.EagerLimit)
        {
            t = Tensor.Empty(shape, dtype, Device.CPU);
            long got = TensorBytes.Read(stream, t, nbytes, bigEndian: true);
            if (got < nbytes) throw Truncated(nbytes, got, what);
        }
        else
        {
            // a compressed stream of unknown length: what arrives is gathered before the tensor is allocated
            var (blocks, got) = TensorBytes.Gather(stream, nbytes);
            if (got < nbytes) throw Truncated(nbytes, got, what);
            t = Tensor.Empty(shape, dtype, Device.CPU);
            TensorBytes.Copy(blocks, t, bigEndian: true);
        }
        if (remaining is null && stream.ReadByte() >= 0)
            throw new InvalidDataException($"IDX file has trailing bytes after the {nbytes} bytes of data {what}");
        return t;
    }

    private static InvalidDataException Truncated(long need, long got, string what) =>
        new($"IDX data is truncated: expected {need} bytes ({what}), found {got}");
}
