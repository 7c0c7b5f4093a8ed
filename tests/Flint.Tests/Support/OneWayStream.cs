namespace Flint.Tests.Support;

/// <summary>A stream that cannot seek and returns at most 7 bytes per read, as network streams may.</summary>
internal sealed class OneWayStream(byte[] data) : ForwardReadStream
{
    private int pos;
    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, 7), data.Length - pos);
        data.AsSpan(pos, n).CopyTo(buffer);
        pos += n;
        return n;
    }
}
