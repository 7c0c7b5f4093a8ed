using Flint.Ops.Kernels;

namespace Flint.Backends;

// The per-call elementwise kernels as objects. A call of a generic interface method (IBackend.NumericBinary<TOp>)
// makes the runtime look the instantiation up on every call; the op layer instead asks a backend once per op for
// an object whose Run is an ordinary virtual call (KernelHandles caches it), and the backend answers with a class
// that calls its own generic kernel directly. A backend that does not override the factories gets handles that
// forward to its generic methods (as does a null handle, which a proxy backend may give).

/// <summary>One binary elementwise kernel of one op on one backend: y = op(a, b).</summary>
public abstract class BinaryKernel
{
    /// <summary>Runs the kernel on the layouts of the two operands and the result.</summary>
    public abstract void Run(in TensorLayout a, in TensorLayout b, in TensorLayout y);
}

/// <summary>One unary elementwise kernel of one op on one backend: y = op(x).</summary>
public abstract class UnaryKernel
{
    /// <summary>Runs the kernel on the layouts of the operand and the result.</summary>
    public abstract void Run(in TensorLayout x, in TensorLayout y);
}

public partial interface IBackend
{
    /// <summary>The kernel of <see cref="NumericBinary{TOp}"/> for one op, as an object the op layer keeps.</summary>
    BinaryKernel NumericBinaryKernel<TOp>() where TOp : INumericBinaryKernel => new NumericBinaryThrough<TOp>(this);
    /// <summary>The kernel of <see cref="FloatBinary{TOp}"/> for one op, as an object the op layer keeps.</summary>
    BinaryKernel FloatBinaryKernel<TOp>() where TOp : IFloatBinaryKernel => new FloatBinaryThrough<TOp>(this);
    /// <summary>The kernel of <see cref="FloatUnary{TOp}"/> for one op, as an object the op layer keeps.</summary>
    UnaryKernel FloatUnaryKernel<TOp>() where TOp : IFloatUnaryKernel => new FloatUnaryThrough<TOp>(this);
    /// <summary>The kernel of <see cref="NumericUnary{TOp}"/> for one op, as an object the op layer keeps.</summary>
    UnaryKernel NumericUnaryKernel<TOp>() where TOp : INumericUnaryKernel => new NumericUnaryThrough<TOp>(this);
}

// the handles of a backend without its own: each Run calls the backend's generic method
internal sealed class NumericBinaryThrough<TOp>(IBackend backend) : BinaryKernel where TOp : INumericBinaryKernel
{
    public override void Run(in TensorLayout a, in TensorLayout b, in TensorLayout y) => backend.NumericBinary<TOp>(a, b, y);
}

internal sealed class FloatBinaryThrough<TOp>(IBackend backend) : BinaryKernel where TOp : IFloatBinaryKernel
{
    public override void Run(in TensorLayout a, in TensorLayout b, in TensorLayout y) => backend.FloatBinary<TOp>(a, b, y);
}

internal sealed class FloatUnaryThrough<TOp>(IBackend backend) : UnaryKernel where TOp : IFloatUnaryKernel
{
    public override void Run(in TensorLayout x, in TensorLayout y) => backend.FloatUnary<TOp>(x, y);
}

internal sealed class NumericUnaryThrough<TOp>(IBackend backend) : UnaryKernel where TOp : INumericUnaryKernel
{
    public override void Run(in TensorLayout x, in TensorLayout y) => backend.NumericUnary<TOp>(x, y);
}

/// <summary>
/// The kernel handles the op layer asked for, by op and backend: the last backend's handle is one reference read
/// away; the others (a second device in the same program, a backend registered again) wait in a small table.
/// </summary>
internal static class KernelHandles<TKey, THandle> where THandle : class
{
    private sealed class Entry(IBackend backend, THandle handle)
    {
        public readonly IBackend Backend = backend;
        public readonly THandle Handle = handle;
    }

    private static Entry? last;
    private static readonly Dictionary<IBackend, Entry> All = new(ReferenceEqualityComparer.Instance);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static THandle For(IBackend backend, Func<IBackend, THandle> make)
    {
        var e = last;
        return e is not null && ReferenceEquals(e.Backend, backend) ? e.Handle : Slow(backend, make);
    }

    private static THandle Slow(IBackend backend, Func<IBackend, THandle> make)
    {
        Entry? e;
        lock (All)
        {
            if (!All.TryGetValue(backend, out e)) All[backend] = e = new Entry(backend, make(backend));
        }
        last = e;
        return e.Handle;
    }
}

/// <summary>The handles of the four per-call elementwise kernels (the key type tells the kernel kind apart).</summary>
internal static class KernelHandle
{
    private struct NumericBinaryKey<TOp>;
    private struct FloatBinaryKey<TOp>;
    private struct FloatUnaryKey<TOp>;
    private struct NumericUnaryKey<TOp>;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static BinaryKernel NumericBinary<TOp>(IBackend b) where TOp : INumericBinaryKernel =>
        KernelHandles<NumericBinaryKey<TOp>, BinaryKernel>.For(b, static x => x.NumericBinaryKernel<TOp>() ?? new NumericBinaryThrough<TOp>(x));

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static BinaryKernel FloatBinary<TOp>(IBackend b) where TOp : IFloatBinaryKernel =>
        KernelHandles<FloatBinaryKey<TOp>, BinaryKernel>.For(b, static x => x.FloatBinaryKernel<TOp>() ?? new FloatBinaryThrough<TOp>(x));

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static UnaryKernel FloatUnary<TOp>(IBackend b) where TOp : IFloatUnaryKernel =>
        KernelHandles<FloatUnaryKey<TOp>, UnaryKernel>.For(b, static x => x.FloatUnaryKernel<TOp>() ?? new FloatUnaryThrough<TOp>(x));

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    internal static UnaryKernel NumericUnary<TOp>(IBackend b) where TOp : INumericUnaryKernel =>
        KernelHandles<NumericUnaryKey<TOp>, UnaryKernel>.For(b, static x => x.NumericUnaryKernel<TOp>() ?? new NumericUnaryThrough<TOp>(x));
}
