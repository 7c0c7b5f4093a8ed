using Flint.Autograd;

namespace Flint.Ops.Kernels;

/// <summary>
/// The backward of an op that is neither elementwise nor a reduction (several inputs, saved indices, shapes or the
/// op's arguments), declared once as a static member next to the op's forward: PyTorch's node name, a formula per
/// input (null: that input is not differentiable) or one formula giving every input's gradient, and which tensors
/// the node saves (checked against in-place changes when backward runs). <typeparamref name="TSaved"/> is all a
/// node keeps besides its edges: the formulas are static lambdas of (grad, saved), so what an op's backward reads
/// is stated by its declaration, not by what a closure happens to capture.
/// </summary>
internal sealed class NodeDerivative<TSaved>
{
    /// <summary>One input's gradient from the output's gradient.</summary>
    internal delegate Tensor InputFormula(Tensor grad, TSaved saved);
    /// <summary>Every input's gradient (null where none is needed) from the output's gradient.</summary>
    internal delegate Tensor?[] Formula(Tensor grad, TSaved saved);
    /// <summary>Every input's gradient from the gradients of an op's several outputs (null where an output got none).</summary>
    internal delegate Tensor?[] MultiFormula(Tensor?[] grads, TSaved saved);

    internal readonly string Name;
    internal readonly DerivativeKind Kind;
    private readonly InputFormula?[]? perInput;
    private readonly Formula? joint;
    private readonly MultiFormula? multi;
    private readonly Func<TSaved, Tensor[]>? saves;

    private NodeDerivative(string name, DerivativeKind kind, InputFormula?[]? perInput, Formula? joint, MultiFormula? multi, Func<TSaved, Tensor[]>? saves)
    {
        Name = name; Kind = kind; this.perInput = perInput; this.joint = joint; this.multi = multi; this.saves = saves;
    }

    /// <summary>
    /// A formula per input, in the order of the node's inputs; a null formula marks an input that gets no gradient.
    /// An input's formula runs when it requires grad (a node of one input was recorded because it does).
    /// </summary>
    internal NodeDerivative(string name, Func<TSaved, Tensor[]>? saves, params InputFormula?[] perInput)
        : this(name, DerivativeKind.Formula, perInput, null, null, saves) { }

    /// <summary>One formula giving every input's gradient (it tests which are needed itself).</summary>
    internal static NodeDerivative<TSaved> Joint(string name, Formula formula, Func<TSaved, Tensor[]>? saves = null) =>
        new(name, DerivativeKind.Formula, null, formula, null, saves);

    /// <summary>The backward of an op with several outputs.</summary>
    internal static NodeDerivative<TSaved> Multi(string name, MultiFormula formula, Func<TSaved, Tensor[]>? saves = null) =>
        new(name, DerivativeKind.Formula, null, null, formula, saves);

    /// <summary>A node that refuses backward ("the derivative for 'op' is not implemented.").</summary>
    internal static NodeDerivative<TSaved> NotImplemented(string op) =>
        new(Derivatives.NotImplementedName(op), DerivativeKind.NotImplemented, null, (_, _) => throw Derivatives.NotImplemented(op), null, null);

    /// <summary>The same backward under another node name (the op's forms that PyTorch names apart: dot and vdot, say).</summary>
    internal NodeDerivative<TSaved> Named(string name) => new(name, Kind, perInput, joint, multi, saves);

    /// <summary>Records <paramref name="result"/> as this op's output, when grad mode is on and an input requires grad.</summary>
    internal Tensor Record(Tensor result, Tensor[] inputs, TSaved saved)
    {
        if (!Recording.Needs(inputs)) return result;
        var node = new FunctionNode(Name, g => Backward(g, inputs, saved));
        Recording.Connect(node, inputs, saves is null ? [] : saves(saved), result);
        Recording.Attach(result, node, 0);
        return result;
    }

    /// <summary>
    /// Runs an op built of other ops as one node: computes it with history off (its steps are not part of the
    /// graph) and records a floating result.
    /// </summary>
    internal Tensor Run(Tensor[] inputs, TSaved saved, Func<Tensor> compute)
    {
        if (!Recording.Needs(inputs)) return compute();
        Tensor r;
        using (new GradModeScope(false)) r = compute();
        return r.dtype.is_floating_point ? Record(r, inputs, saved) : r;
    }

    /// <summary>Records an op's several outputs (the floating ones) on one node.</summary>
    internal Tensor[] RecordMulti(Tensor[] results, Tensor[] inputs, TSaved saved)
    {
        if (!Recording.Needs(inputs)) return results;
        var f = multi ?? throw new InvalidOperationException(Name + " is not declared with several outputs");
        var node = new FunctionNode(Name, gs => f(gs, saved));
        Recording.Connect(node, inputs, saves is null ? [] : saves(saved), null);
        node.NumOutputs = results.Length;
        for (int i = 0; i < results.Length; i++)
            if (results[i].dtype.is_floating_point) Recording.Attach(results[i], node, i);
        return results;
    }

    /// <summary>
    /// Records an in-place change of <paramref name="self"/> as this op's node: its one input is self's history
    /// before the change (<paramref name="previous"/>), and self's history moves onto the node.
    /// </summary>
    internal Tensor RecordInPlace(Tensor self, Edge? previous, TSaved saved)
    {
        Tensor[] inputs = [self];
        return Recording.RecordInPlace(self, inputs, Name, g => Backward(g, inputs, saved), previous, saves is null ? [] : saves(saved));
    }

    private Tensor?[] Backward(Tensor grad, Tensor[] inputs, TSaved saved)
    {
        if (joint is { } f) return f(grad, saved);
        var formulas = perInput!;
        var r = new Tensor?[inputs.Length];
        for (int i = 0; i < r.Length; i++)
            if (i < formulas.Length && formulas[i] is { } fi && (inputs.Length == 1 || inputs[i].requires_grad)) r[i] = fi(grad, saved);
        return r;
    }
}

/// <summary>What a node that keeps nothing besides its edges saves.</summary>
internal readonly struct NoState;
