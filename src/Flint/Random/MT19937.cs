using System;
using System.Runtime.CompilerServices;

namespace Flint;

/// <summary>
/// Mersenne Twister (MT19937, 32-bit output) with the seeding, state layout and bookkeeping
/// (<c>left</c>/<c>next</c> counters) used by PyTorch's CPU generator, so that the raw 32-bit
/// stream and serialized state are interchangeable with <c>torch.Generator</c>.
/// </summary>
internal sealed class MT19937
{
    internal const int StateSize = 624;
    private const int ShiftSize = 397;
    private const uint MatrixA = 0x9908b0dfu;
    private const uint UpperMask = 0x80000000u;
    private const uint LowerMask = 0x7fffffffu;

    private readonly uint[] _state = new uint[StateSize];
    private ulong _seed;
    private int _left;
    private uint _next;
    private bool _seeded;

    internal MT19937(ulong seed) => Reseed(seed);

    /// <summary>The full 64-bit seed as given (only its low 32 bits feed the state).</summary>
    internal ulong Seed => _seed;

    internal int Left => _left;

    internal uint Next => _next;

    internal bool Seeded => _seeded;

    internal ReadOnlySpan<uint> State => _state;

    internal void Reseed(ulong seed)
    {
        _seed = seed;
        _seeded = true;
        uint prev = (uint)seed;
        _state[0] = prev;
        for (int i = 1; i < StateSize; i++)
        {
            prev = unchecked(1812433253u * (prev ^ (prev >> 30)) + (uint)i);
            _state[i] = prev;
        }
        _left = 1;
        _next = 0;
    }

    /// <summary>Validity rules applied when restoring a serialized state.</summary>
    internal static bool IsValid(bool seeded, int left, uint next)
        => seeded && left > 0 && left <= StateSize && next <= StateSize;

    internal void Restore(ulong seed, int left, bool seeded, uint next, ReadOnlySpan<uint> state)
    {
        if (state.Length != StateSize)
        {
            throw new ArgumentException($"MT19937 state must have {StateSize} words.", nameof(state));
        }
        if (!IsValid(seeded, left, next))
        {
            throw new ArgumentException("Invalid mt19937 state.");
        }
        state.CopyTo(_state);
        _seed = seed;
        _left = left;
        _seeded = seeded;
        _next = next;
    }

    internal void CopyFrom(MT19937 other)
    {
        other._state.CopyTo(_state, 0);
        _seed = other._seed;
        _left = other._left;
        _next = other._next;
        _seeded = other._seeded;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal uint NextUInt32()
    {
        if (--_left == 0)
        {
            Twist();
        }
        uint y = _state[_next++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(uint upper, uint lower)
    {
        uint v = (upper & UpperMask) | (lower & LowerMask);
        return (v >> 1) ^ ((lower & 1u) != 0 ? MatrixA : 0u);
    }

    private void Twist()
    {
        uint[] s = _state;
        _left = StateSize;
        _next = 0;
        int k = 0;
        for (; k < StateSize - ShiftSize; k++)
        {
            s[k] = s[k + ShiftSize] ^ Mix(s[k], s[k + 1]);
        }
        for (; k < StateSize - 1; k++)
        {
            s[k] = s[k + ShiftSize - StateSize] ^ Mix(s[k], s[k + 1]);
        }
        s[StateSize - 1] = s[ShiftSize - 1] ^ Mix(s[StateSize - 1], s[0]);
    }
}
