using Google.Protobuf;

namespace Flint.Tensorboard;

/// <summary>
/// Builds one protobuf message field by field (numbers from TensorBoard's .proto files), in field-number order as
/// the reference serializer writes them. Plain proto3 fields at their default value are left out, as proto3 does;
/// the <c>Oneof</c> writers always write, since a set oneof member is present even at zero.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream buffer = new();
    private readonly CodedOutputStream output;

    public ProtoWriter() => output = new CodedOutputStream(buffer, leaveOpen: true);

    public ProtoWriter Double(int field, double value) =>
        BitConverter.DoubleToInt64Bits(value) == 0 ? this : OneofDouble(field, value);

    public ProtoWriter OneofDouble(int field, double value)
    {
        output.WriteTag(field, WireFormat.WireType.Fixed64);
        output.WriteDouble(value);
        return this;
    }

    public ProtoWriter OneofFloat(int field, float value)
    {
        output.WriteTag(field, WireFormat.WireType.Fixed32);
        output.WriteFloat(value);
        return this;
    }

    public ProtoWriter Int64(int field, long value)
    {
        if (value == 0) return this;
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
        return this;
    }

    public ProtoWriter Int32(int field, int value) => Int64(field, value);

    public ProtoWriter OneofBool(int field, bool value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteBool(value);
        return this;
    }

    public ProtoWriter String(int field, string value) =>
        value.Length == 0 ? this : OneofBytes(field, System.Text.Encoding.UTF8.GetBytes(value));

    public ProtoWriter OneofString(int field, string value) => OneofBytes(field, System.Text.Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value) => value.Length == 0 ? this : OneofBytes(field, value);

    /// <summary>A length-delimited field written even when empty (a set oneof member, an element of a repeated field).</summary>
    public ProtoWriter OneofBytes(int field, ReadOnlySpan<byte> value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(value));
        return this;
    }

    /// <summary>A sub-message; written even when its encoding is empty (message fields have presence).</summary>
    public ProtoWriter Message(int field, ProtoWriter message) => OneofBytes(field, message.ToArray());

    /// <summary>A packed repeated double field (proto3's default encoding); nothing when empty.</summary>
    public ProtoWriter PackedDoubles(int field, IReadOnlyList<double> values)
    {
        if (PackedHeader(field, values.Count, sizeof(double)))
            foreach (double v in values) output.WriteDouble(v);
        return this;
    }

    /// <summary>A packed repeated float field; nothing when empty.</summary>
    public ProtoWriter PackedFloats(int field, IReadOnlyList<float> values)
    {
        if (PackedHeader(field, values.Count, sizeof(float)))
            foreach (float v in values) output.WriteFloat(v);
        return this;
    }

    /// <summary>A packed field's tag and byte length for <paramref name="count"/> fixed-width values; false (nothing written) when there are none.</summary>
    private bool PackedHeader(int field, int count, int width)
    {
        if (count == 0) return false;
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteLength(count * width);
        return true;
    }

    public byte[] ToArray()
    {
        output.Flush();
        return buffer.ToArray();
    }
}
