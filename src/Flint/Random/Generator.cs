using System;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Threading;

namespace Flint;

/// <summary>
/// Pseudo-random number generator state, mirroring <c>torch.Generator</c> on the CPU.
/// The raw stream (an MT19937 engine seeded exactly like PyTorch's <c>CPUGeneratorImpl</c>)
/// and the cached Box-Muller samples reproduce PyTorch bit for bit, and <see cref="get_state"/>
/// produces the same bytes as <c>torch.Generator.get_state()</c>.
/// </summary>
public sealed class Generator
{
    /// <summary>The seed of a freshly constructed generator (PyTorch's <c>default_rng_seed_val</c>).</summary>
    public const long DefaultSeed = 67280421310721;

    // Byte layout of the serialized state (identical to PyTorch's CPUGeneratorImplState on 64-bit little-endian).
    private const int OffsetSeed = 0;
    private const int OffsetLeft = 8;
    private const int OffsetSeeded = 12;
    private const int OffsetNext = 16;
    private const int OffsetWords = 24;
    private const int OffsetNormalX = OffsetWords + (8 * MT19937.StateSize);
    private const int OffsetNormalY = OffsetNormalX + 8;
    private const int OffsetNormalRho = OffsetNormalY + 8;
    private const int OffsetNormalValid = OffsetNormalRho + 8;
    private const int OffsetFloatNormal = OffsetNormalValid + 8;
    private const int OffsetFloatNormalValid = OffsetFloatNormal + 4;

    /// <summary>Size in bytes of the array returned by <see cref="get_state"/>.</summary>
    public const int StateSizeInBytes = OffsetFloatNormalValid + 4;

    private static readonly Generator s_default = new();

    private readonly MT19937 _engine;

    /// <summary>Creates a CPU generator seeded with <see cref="DefaultSeed"/>.</summary>
    public Generator(string device = "cpu")
    {
        ArgumentNullException.ThrowIfNull(device);
        if (!string.Equals(device, "cpu", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"Only 'cpu' generators are supported, got '{device}'.");
        }
        _engine = new MT19937(unchecked((ulong)DefaultSeed));
    }

    /// <summary>The global generator used when no generator is passed explicitly.</summary>
    internal static Generator Default => s_default;

    /// <summary>The device of this generator (always <c>"cpu"</c>).</summary>
    public string device => "cpu";

    /// <summary>Lock that kernels hold while drawing a batch of numbers.</summary>
    internal Lock SyncRoot { get; } = new();

    /// <summary>Cached second Box-Muller output in single precision (PyTorch's <c>next_float_normal_sample</c>).</summary>
    internal float? NextFloatNormalSample { get; set; }

    /// <summary>Cached second Box-Muller output in double precision (PyTorch's <c>next_double_normal_sample</c>).</summary>
    internal double? NextDoubleNormalSample { get; set; }

    /// <summary>Seeds the generator (negative values are reinterpreted as unsigned 64-bit) and returns it.</summary>
    public Generator manual_seed(long seed)
    {
        lock (SyncRoot)
        {
            SetSeedLocked(unchecked((ulong)seed));
        }
        return this;
    }

    /// <summary>Seeds the generator from a non-deterministic source and returns the seed used.</summary>
    public long seed()
    {
        long value = BinaryPrimitives.ReadInt64LittleEndian(RandomNumberGenerator.GetBytes(8));
        lock (SyncRoot)
        {
            SetSeedLocked(unchecked((ulong)value));
        }
        return value;
    }

    /// <summary>The seed last set (as a signed reinterpretation of PyTorch's unsigned 64-bit seed).</summary>
    public long initial_seed()
    {
        lock (SyncRoot)
        {
            return unchecked((long)_engine.Seed);
        }
    }

    /// <summary>
    /// Serializes the full generator state, byte-compatible with <c>torch.Generator.get_state()</c>
    /// (5056 bytes: legacy MT19937 POD with 64-bit state words, cached double normal, cached float normal).
    /// </summary>
    public byte[] get_state()
    {
        byte[] bytes = new byte[StateSizeInBytes];
        Span<byte> b = bytes;
        lock (SyncRoot)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(b[OffsetSeed..], _engine.Seed);
            BinaryPrimitives.WriteInt32LittleEndian(b[OffsetLeft..], _engine.Left);
            BinaryPrimitives.WriteInt32LittleEndian(b[OffsetSeeded..], _engine.Seeded ? 1 : 0);
            BinaryPrimitives.WriteUInt64LittleEndian(b[OffsetNext..], _engine.Next);
            ReadOnlySpan<uint> words = _engine.State;
            for (int i = 0; i < words.Length; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(b[(OffsetWords + (8 * i))..], words[i]);
            }
            if (NextDoubleNormalSample is double d)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(b[OffsetNormalY..], d);
                BinaryPrimitives.WriteInt32LittleEndian(b[OffsetNormalValid..], 1);
            }
            if (NextFloatNormalSample is float f)
            {
                BinaryPrimitives.WriteSingleLittleEndian(b[OffsetFloatNormal..], f);
                b[OffsetFloatNormalValid] = 1;
            }
        }
        return bytes;
    }

    /// <summary>Restores a state produced by <see cref="get_state"/> (or by PyTorch's <c>get_state()</c>) and returns this generator.</summary>
    public Generator set_state(byte[] new_state)
    {
        ArgumentNullException.ThrowIfNull(new_state);
        if (new_state.Length != StateSizeInBytes)
        {
            throw new ArgumentException(
                $"Expected a generator state of {StateSizeInBytes} bytes but got {new_state.Length}.", nameof(new_state));
        }
        ReadOnlySpan<byte> b = new_state;
        ulong seedValue = BinaryPrimitives.ReadUInt64LittleEndian(b[OffsetSeed..]);
        int left = BinaryPrimitives.ReadInt32LittleEndian(b[OffsetLeft..]);
        bool seeded = BinaryPrimitives.ReadInt32LittleEndian(b[OffsetSeeded..]) != 0;
        uint next = unchecked((uint)BinaryPrimitives.ReadUInt64LittleEndian(b[OffsetNext..]));
        if (!MT19937.IsValid(seeded, left, next))
        {
            throw new ArgumentException("Invalid mt19937 state.", nameof(new_state));
        }
        Span<uint> words = stackalloc uint[MT19937.StateSize];
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = unchecked((uint)BinaryPrimitives.ReadUInt64LittleEndian(b[(OffsetWords + (8 * i))..]));
        }
        bool doubleValid = BinaryPrimitives.ReadInt32LittleEndian(b[OffsetNormalValid..]) != 0;
        double doubleNormal = BinaryPrimitives.ReadDoubleLittleEndian(b[OffsetNormalY..]);
        bool floatValid = b[OffsetFloatNormalValid] != 0;
        float floatNormal = BinaryPrimitives.ReadSingleLittleEndian(b[OffsetFloatNormal..]);
        lock (SyncRoot)
        {
            _engine.Restore(seedValue, left, seeded, next, words);
            NextDoubleNormalSample = doubleValid ? doubleNormal : null;
            NextFloatNormalSample = floatValid ? floatNormal : null;
        }
        return this;
    }

    /// <summary>Next raw 32-bit output (PyTorch's <c>CPUGeneratorImpl::random()</c>). Callers drawing many values should hold <see cref="SyncRoot"/>.</summary>
    internal uint NextUInt32() => _engine.NextUInt32();

    /// <summary>Two 32-bit outputs, the first one in the high half (PyTorch's <c>CPUGeneratorImpl::random64()</c>).</summary>
    internal ulong NextUInt64()
    {
        ulong hi = _engine.NextUInt32();
        ulong lo = _engine.NextUInt32();
        return (hi << 32) | lo;
    }

    private void SetSeedLocked(ulong value)
    {
        NextFloatNormalSample = null;
        NextDoubleNormalSample = null;
        _engine.Reseed(value);
    }
}
