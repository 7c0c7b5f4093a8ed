namespace Flint.Ops.Kernels;

// An op's backward as it declares it (the Derivative member its family interface demands): PyTorch's node name,
// the formula (written with differentiable tensor ops, so gradients of gradients work) and what the node saves;
// or NotImplemented (a node that refuses backward, as PyTorch's "not_implemented") or NotDifferentiable (nothing
// is recorded: the result never requires grad). Instances are made once per op (static properties), so recording
// allocates only the node.

/// <summary>What a node saves for its formula (checked against in-place changes when backward runs).</summary>
[Flags]
internal enum Saves
{
    None = 0,
    /// <summary>The input (of a binary op: both operands).</summary>
    Input = 1,
    Output = 2,
    InputAndOutput = Input | Output,
}

/// <summary>How an op's backward is given.</summary>
internal enum DerivativeKind { Formula, NotImplemented, NotDifferentiable }

/// <summary>A unary op's backward: grad_input from (grad_output, input, output, op arguments).</summary>
internal sealed class UnaryDerivative
{
    internal readonly string Name;
    internal readonly DerivativeKind Kind;
    internal readonly Func<Tensor, Tensor, Tensor, double, double, double, Tensor> Backward;
    internal readonly bool SavesInput, SavesOutput;

    private UnaryDerivative(string name, DerivativeKind kind, Func<Tensor, Tensor, Tensor, double, double, double, Tensor> backward, Saves saves)
    {
        Name = name; Kind = kind; Backward = backward;
        SavesInput = (saves & Saves.Input) != 0; SavesOutput = (saves & Saves.Output) != 0;
    }

    /// <summary>A formula of (grad, input, output, a, b, c), where a, b, c are the op's scalar arguments.</summary>
    internal UnaryDerivative(string name, Func<Tensor, Tensor, Tensor, double, double, double, Tensor> backward, Saves saves = Saves.Input)
        : this(name, DerivativeKind.Formula, backward, saves) { }

    /// <summary>A formula of (grad, input, output).</summary>
    internal UnaryDerivative(string name, Func<Tensor, Tensor, Tensor, Tensor> backward, Saves saves = Saves.Input)
        : this(name, DerivativeKind.Formula, (g, x, y, _, _, _) => backward(g, x, y), saves) { }

    /// <summary>Records a node that refuses backward ("the derivative for 'op' is not implemented.").</summary>
    internal static UnaryDerivative NotImplemented(string op) =>
        new(Derivatives.NotImplementedName(op), DerivativeKind.NotImplemented, (_, _, _, _, _, _) => throw Derivatives.NotImplemented(op), Saves.None);

    /// <summary>Records nothing: the result does not require grad.</summary>
    internal static readonly UnaryDerivative NotDifferentiable =
        new("", DerivativeKind.NotDifferentiable, (_, _, _, _, _, _) => throw new InvalidOperationException(), Saves.None);
}

/// <summary>A binary op's backward: (grad_a, grad_b) before broadcasting is undone; each only when needed.</summary>
internal sealed class BinaryDerivative
{
    /// <summary>PyTorch's node name, which for some ops depends on the operands (Scalar overloads, pow's forms).</summary>
    internal readonly Func<Tensor, Tensor, string> Name;
    internal readonly DerivativeKind Kind;
    /// <summary>(grad, a, b, output, a needs grad, b needs grad) → (grad_a, grad_b).</summary>
    internal readonly Func<Tensor, Tensor, Tensor, Tensor, bool, bool, (Tensor?, Tensor?)> Backward;
    internal readonly bool SavesInputs, SavesOutput;
    /// <summary>With a Python-number operand PyTorch calls a Scalar overload whose node has only the tensor input.</summary>
    internal readonly bool ScalarOverload;

    internal BinaryDerivative(Func<Tensor, Tensor, string> name, Func<Tensor, Tensor, Tensor, Tensor, bool, bool, (Tensor?, Tensor?)> backward,
        Saves saves = Saves.Input, bool scalarOverload = false, DerivativeKind kind = DerivativeKind.Formula)
    {
        Name = name; Backward = backward; Kind = kind; ScalarOverload = scalarOverload;
        SavesInputs = (saves & Saves.Input) != 0; SavesOutput = (saves & Saves.Output) != 0;
    }

    internal BinaryDerivative(string name, Func<Tensor, Tensor, Tensor, Tensor, bool, bool, (Tensor?, Tensor?)> backward, Saves saves = Saves.Input)
        : this((_, _) => name, backward, saves) { }

    /// <summary>A formula of (grad, a, b, output) giving both gradients.</summary>
    internal BinaryDerivative(string name, Func<Tensor, Tensor, Tensor, Tensor, (Tensor?, Tensor?)> backward, Saves saves = Saves.Input)
        : this((_, _) => name, (g, a, b, y, _, _) => backward(g, a, b, y), saves) { }

    internal static BinaryDerivative NotImplemented(string op) =>
        new((_, _) => Derivatives.NotImplementedName(op), (_, _, _, _, _, _) => throw Derivatives.NotImplemented(op), Saves.None, false, DerivativeKind.NotImplemented);
}

/// <summary>A ternary op's backward: (grad_a, grad_b, grad_c) from (grad, a, b, c, output, the op's scalar value).</summary>
internal sealed class TernaryDerivative(string name, Func<Tensor, Tensor, Tensor, Tensor, Tensor, double, (Tensor?, Tensor?, Tensor?)> backward)
{
    internal readonly string Name = name;
    internal readonly Func<Tensor, Tensor, Tensor, Tensor, Tensor, double, (Tensor?, Tensor?, Tensor?)> Backward = backward;
}

/// <summary>
/// A reduction's (or scan's) backward: records the node of <c>y = op(x)</c> over <c>dims</c> (a scan: its one dim)
/// with the op's scalar argument, and returns y. Called only when x requires grad and y is floating.
/// </summary>
internal sealed class ReduceDerivative
{
    internal delegate Tensor Recorder(Tensor x, int[] dims, bool keepdim, Tensor y, double arg);

    internal readonly DerivativeKind Kind;
    internal readonly Recorder Record;

    internal ReduceDerivative(Recorder record, DerivativeKind kind = DerivativeKind.Formula) { Record = record; Kind = kind; }

    internal static ReduceDerivative NotImplemented(string op) =>
        new((x, _, _, y, _) => Autograd.Recording.Record(y, Derivatives.NotImplementedName(op), [x], _ => throw Derivatives.NotImplemented(op)), DerivativeKind.NotImplemented);

    internal static readonly ReduceDerivative NotDifferentiable = new((_, _, _, y, _) => y, DerivativeKind.NotDifferentiable);
}

/// <summary>Shared texts of the not-implemented marker.</summary>
internal static class Derivatives
{
    internal static string NotImplementedName(string op) => "NotImplemented(" + op + ")";

    internal static NotSupportedException NotImplemented(string op) => new($"the derivative for '{op}' is not implemented.");
}
