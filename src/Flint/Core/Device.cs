namespace Flint;

/// <summary>The device types Flint knows: the CPU, CUDA GPUs, and meta (shape, dtype and strides without data).</summary>
public enum DeviceType
{
    /// <summary>The CPU (<c>"cpu"</c>).</summary>
    CPU = 0,
    /// <summary>An NVIDIA GPU (<c>"cuda"</c>), served by a CUDA backend when one is installed.</summary>
    CUDA = 1,
    /// <summary>The meta device (<c>"meta"</c>): tensors with shapes and dtypes but no data.</summary>
    Meta = 2,
}

/// <summary>Where a tensor lives: <c>torch.device("cpu")</c>, <c>torch.device("cuda:1")</c>, <c>torch.device("meta")</c>.</summary>
public sealed class Device : IEquatable<Device>
{
    /// <summary>The kind of device (CPU, CUDA, meta), as <c>device.type</c>.</summary>
    public DeviceType type { get; }
    /// <summary>The device index, or -1 when none was given ("cuda" means the current device).</summary>
    public int index { get; }

    /// <summary>A device of the given type; <paramref name="index"/> -1 means no index (the current device of that type).</summary>
    public Device(DeviceType type, int index = -1)
    {
        if (index < -1) throw new ArgumentException($"Device index must be -1 or non-negative, got {index}");
        if (type == DeviceType.CPU && index > 0) throw new ArgumentException($"CPU device index must be -1 or zero, got {index}");
        this.type = type; this.index = index;
    }

    /// <summary>Parses a device string as <c>torch.device("cuda:1")</c> does: <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>, <c>meta</c>.</summary>
    public Device(string spec) : this(Parse(spec, out int idx), idx) { }

    /// <summary>
    /// Parses "type" or "type:index" as PyTorch does: the type is letters and underscores, the index a decimal
    /// without sign or leading zeros, and nothing else (no spaces).
    /// </summary>
    private static DeviceType Parse(string spec, out int index)
    {
        ArgumentNullException.ThrowIfNull(spec);
        index = -1;
        if (spec.Length == 0) throw new ArgumentException("Device string must not be empty");
        int colon = spec.IndexOf(':');
        string typePart = colon >= 0 ? spec[..colon] : spec;
        if (typePart.Length == 0 || !typePart.All(c => char.IsAsciiLetter(c) || c == '_'))
            throw new ArgumentException($"Invalid device string: '{spec}'");
        if (colon >= 0)
        {
            string idx = spec[(colon + 1)..];
            if (idx.Length == 0 || idx.Length > 9 || !idx.All(char.IsAsciiDigit) || (idx.Length > 1 && idx[0] == '0'))
                throw new ArgumentException($"Invalid device string: '{spec}'");
            index = int.Parse(idx, System.Globalization.CultureInfo.InvariantCulture);
        }
        return typePart switch
        {
            "cpu" => DeviceType.CPU,
            "cuda" => DeviceType.CUDA,
            "meta" => DeviceType.Meta,
            _ => throw new ArgumentException(
                $"Expected one of cpu, cuda, meta device type at start of device string: {typePart}"),
        };
    }

    /// <summary>The CPU device, <c>torch.device("cpu")</c>.</summary>
    public static readonly Device CPU = new(DeviceType.CPU);
    /// <summary>The meta device: tensors there have shape, dtype and strides but no data.</summary>
    public static readonly Device Meta = new(DeviceType.Meta);

    /// <summary>Parses a device string (<c>"cpu"</c>, <c>"cuda:0"</c>, <c>"meta"</c>), so strings can be passed where a device is asked for.</summary>
    public static implicit operator Device(string spec) => new(spec);

    internal string TypeName => type switch { DeviceType.CPU => "cpu", DeviceType.CUDA => "cuda", _ => "meta" };

    /// <summary>The device with the index filled in, as tensors report it ("cuda" becomes "cuda:0").</summary>
    internal Device Normalized => type switch
    {
        DeviceType.CUDA => index < 0 ? new Device(DeviceType.CUDA, 0) : this,
        DeviceType.CPU => CPU,
        _ => Meta,
    };

    /// <inheritdoc/>
    public bool Equals(Device? other) => other is not null && other.type == type && other.index == index;
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Device d && Equals(d);
    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(type, index);
    /// <summary>Whether two devices are the same type and index (null equals only null).</summary>
    public static bool operator ==(Device? a, Device? b) => a is null ? b is null : a.Equals(b);
    /// <summary>Whether two devices differ.</summary>
    public static bool operator !=(Device? a, Device? b) => !(a == b);

    /// <summary>"cpu", "cuda:0": the form used in <c>device='cuda:0'</c>.</summary>
    public override string ToString() => index >= 0 ? $"{TypeName}:{index}" : TypeName;
}
