namespace Flint.Backends;

/// <summary>
/// A pool's claim on a storage's memory, to take it back once the storage is collected.
/// <para>
/// A kernel holds its operands' memory directly (a CPU kernel holds arrays), not their storages, so the GC can
/// collect a storage while a kernel on some thread still reads or writes its memory. Memory taken back then must
/// not be handed to anyone who could run while that kernel runs. The rule that makes this safe: a lease belongs to
/// the thread that allocated the storage, its memory goes back only to that thread's pool, and only if no other
/// thread ever saw the storage (every <see cref="TensorLayout"/> made on another thread marks it shared) and its
/// memory never left the backend (<see cref="HostMemory.Data"/> marks it shared). A thread takes memory from its
/// pool only when it allocates a tensor, which it does between kernels, never inside one; so when it does, none
/// of its kernels is running, and no other thread ever had the memory.
/// </para>
/// </summary>
internal sealed class StorageLease
{
    /// <summary>The thread that allocated the storage.</summary>
    private readonly int thread = Environment.CurrentManagedThreadId;

    /// <summary>Set once the storage was seen off its thread or its memory left the backend.</summary>
    private volatile bool shared;

    /// <summary>Marks the storage shared when the calling thread is not the allocating one.</summary>
    internal void NoteUse()
    {
        if (!shared && Environment.CurrentManagedThreadId != thread) shared = true;
    }

    /// <summary>The memory leaves the backend (the array bridge, the file formats, the communication layer): it is never taken back.</summary>
    internal void Escape() => shared = true;

    /// <summary>Whether the memory may go back to the pool once the storage is collected.</summary>
    internal bool Returnable => !shared;
}
