namespace Flint.IO;

/// <summary>What is wrong with a safetensors file: the reference implementation's error cases, plus Flint's own limits.
/// The name is in <c>Data["SafetensorError"]</c> of the <see cref="InvalidDataException"/> thrown.</summary>
public enum SafetensorErrorKind
{
    /// <summary>The file is shorter than the 8-byte header length.</summary>
    HeaderTooSmall,
    /// <summary>The header length is over 100,000,000 bytes (the reference implementation's limit).</summary>
    HeaderTooLarge,
    /// <summary>The header length points past the end of the file.</summary>
    InvalidHeaderLength,
    /// <summary>The header is not valid UTF-8.</summary>
    InvalidHeader,
    /// <summary>The header is not a JSON object of tensor entries (and an optional "__metadata__" string map), or a key is repeated.</summary>
    InvalidHeaderDeserialization,
    /// <summary>A tensor's data_offsets do not start where the previous tensor ends, or end before they start.</summary>
    InvalidOffset,
    /// <summary>The element count or byte count of a shape overflows 64 bits.</summary>
    ValidationOverflow,
    /// <summary>A tensor's byte count (data_offsets) differs from its element count times its element size.</summary>
    TensorInvalidInfo,
    /// <summary>A tensor of sub-byte elements does not end on a byte boundary.</summary>
    MisalignedSlice,
    /// <summary>The tensors do not cover the data exactly: the file is truncated or has trailing bytes.</summary>
    MetadataIncompleteBuffer,
    /// <summary>No tensor of the asked name is in the file.</summary>
    TensorNotFound,
    /// <summary>The dtype is a safetensors dtype that Flint has no tensors of (U16, U32, U64, F8_*, C64, ...).</summary>
    UnsupportedDtype,
    /// <summary>The tensor has more elements than a Flint CPU tensor (one .NET array) can hold.</summary>
    TensorTooLarge,
}

/// <summary>
/// Builds the errors of a safetensors file that cannot be read. Every problem with a file's content is an
/// <see cref="InvalidDataException"/> (the exception Flint's readers throw for malformed files; Python raises
/// <c>safetensors_rust.SafetensorError</c>) whose message says which tensor and which values are at fault, and
/// whose <c>Data["SafetensorError"]</c> holds the case's name (a <see cref="SafetensorErrorKind"/> name, as the
/// reference implementation names it). I/O failures of the file system itself stay other <see cref="IOException"/>s.
/// </summary>
internal static class SafetensorError
{
    internal const string DataKey = "SafetensorError";

    internal static InvalidDataException Make(SafetensorErrorKind kind, string message, Exception? inner = null)
    {
        var e = new InvalidDataException(message, inner);
        e.Data[DataKey] = kind.ToString();
        return e;
    }

    /// <summary>A header error, worded as Python's safetensors words it.</summary>
    internal static InvalidDataException Header(SafetensorErrorKind kind, string detail, Exception? inner = null) =>
        Make(kind, "Error while deserializing header: " + detail, inner);

    /// <summary>The case of an error made here (null for any other exception).</summary>
    internal static SafetensorErrorKind? KindOf(Exception e) =>
        e.Data[DataKey] is string s && Enum.TryParse<SafetensorErrorKind>(s, out var k) ? k : null;
}
