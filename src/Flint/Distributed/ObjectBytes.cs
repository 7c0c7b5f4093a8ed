using static Flint.torch;

namespace Flint.Distributed;

/// <summary>Objects as bytes for the object collectives: torch.save's format (as PyTorch pickles them).</summary>
internal static class ObjectBytes
{
    internal static byte[] Serialize(object? obj)
    {
        using var ms = new MemoryStream();
        save(obj, ms);
        return ms.ToArray();
    }

    internal static object? Deserialize(byte[] bytes, long at, long length)
    {
        using var ms = new MemoryStream(bytes, checked((int)at), checked((int)length), writable: false);
        return load(ms);
    }
}
