using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint.Autograd;

/// <summary>
/// Records ops for autograd. The family entries (Ops/Elementwise.cs, Ops/UnaryCommon.cs, Ops/Reductions) call these
/// around their kernels with the op struct as TOp, whose declared <c>Derivative</c> gives the node.
/// </summary>
internal static class Differentiation
{
    /// <summary>Refuses out= when an input requires grad (PyTorch's rule).</summary>
    internal static void CheckOut(Tensor? @out, params Tensor[] inputs) => CheckOut(@out, null, inputs);

    internal static void CheckOut(Tensor? @out, string? op, Tensor a)
    {
        if (@out is not null) CheckOut(@out, op, [a]);
    }

    internal static void CheckOut(Tensor? @out, string? op, Tensor a, Tensor b)
    {
        if (@out is not null) CheckOut(@out, op, [a, b]);
    }

    /// <summary>Refuses out= when an input requires grad, naming the op as PyTorch does ("add(): ...").</summary>
    internal static void CheckOut(Tensor? @out, string? op, params Tensor[] inputs)
    {
        if (@out is not null && GradMode.IsEnabled && Array.Exists(inputs, t => t.requires_grad))
            throw new InvalidOperationException((op is null ? "" : op + "(): ") + "functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.");
    }

    /// <summary>
    /// An in-place op on a tensor taking part in autograd: computes the result out of place from a snapshot
    /// (which the backward formula may save), writes it into self and rebases self's history onto it.
    /// </summary>
    internal static Tensor InPlace(Tensor self, Func<Tensor, Tensor> outOfPlace)
    {
        AutogradHooks.CheckInPlace(self);
        var op = outOfPlace;
        outOfPlace = old => AsInPlaceNode(op(old), old);
        if (self._viewBase is { } viewBase && !ReferenceEquals(viewBase, self)) return CopySlices.InPlaceOnView(self, viewBase, outOfPlace);
        // the out-of-place form works on a snapshot that carries self's history (so the new node's first input is
        // self's previous grad_fn, as PyTorch records it) but has its own memory and version counter (so the
        // formula may save it while self is overwritten)
        Tensor old;
        if (self.requires_grad && self.grad_fn is { } previous)
        {
            // a snapshot of self's value that stands for self's previous history (no extra clone node in the graph)
            using (new GradModeScope(false)) old = self.clone();
            old.SetHistory(previous, self.OutputNr);
        }
        else if (self.requires_grad)
            using (new GradModeScope(true)) old = self.clone();
        else
            // self is outside the graph (only another input requires grad): still a copy of its value, not a detached
            // alias, since the formula may save it (fmod_'s other gradient, clamp_'s bounds) while self is overwritten
            using (new GradModeScope(false)) old = self.clone();
        var r = outOfPlace(old);
        using (new GradModeScope(false)) self.Backend.Copy(self, r);
        self.BumpVersion();
        if (r.grad_fn is { } fn) self.SetHistory(fn, r.OutputNr);
        return self;
    }

    /// <summary>
    /// The out-of-place nodes whose in-place form PyTorch records under a derivatives.yaml entry of its own: the name it
    /// shows, and where that entry has no derivative, the text its backward fails with.
    /// </summary>
    private static readonly Dictionary<string, (string Name, string? NotImplemented)> InPlaceNodes = new()
    {
        ["EluBackward0"] = ("EluBackward1", null),
        ["LeakyReluBackward0"] = ("LeakyReluBackward1", null),
        ["CeluBackward0"] = ("CeluBackward1", null),
        ["ThresholdBackward0"] = ("ThresholdBackward1", null),
        ["RreluWithNoiseBackward0"] = ("RreluWithNoiseBackward1", null),
        ["AsinhBackward0"] = ("AsinhBackward1", "inplace version of asinh"),
        ["AcoshBackward0"] = ("AcoshBackward1", "inplace version of acosh"),
        ["AtanhBackward0"] = ("AtanhBackward1", "inplace version of atanh"),
    };

    private static Tensor AsInPlaceNode(Tensor r, Tensor old)
    {
        if (r.grad_fn is not FunctionNode fn || !InPlaceNodes.TryGetValue(fn.name(), out var entry)) return r;
        if (entry.NotImplemented is not { } what)
        {
            fn.RenameForInPlace(entry.Name);
            return r;
        }
        return Recording.Record(r, entry.Name, [old], _ => throw NotImplemented(what));
    }

    /// <summary>
    /// An in-place fill (a constant or random values) on a tensor in the graph: the new values do not depend on the old
    /// ones, so the node (PyTorch's <paramref name="node"/>: ZeroBackward0, NormalBackward0, ...) passes zeros back.
    /// </summary>
    internal static Tensor InPlaceFill(Tensor self, string node, Action<Tensor> fill) =>
        InPlace(self, old =>
        {
            Tensor y;
            using (new GradModeScope(false)) { y = Tensor.Empty(old._shape, old.dtype, old.device); fill(y); }
            return Recording.Record(y, node, [old], g => [torch.zeros_like(g)]);
        });

    internal static bool NeedsInPlace(Tensor self) => GradMode.IsEnabled && self.requires_grad;

    internal static bool NeedsInPlace(Tensor self, Tensor other) => GradMode.IsEnabled && (self.requires_grad || other.requires_grad);

    internal static bool NeedsInPlace(Tensor self, params Tensor[] others)
    {
        if (!GradMode.IsEnabled) return false;
        if (self.requires_grad) return true;
        foreach (var t in others) if (t.requires_grad) return true;
        return false;
    }

    /// <summary>Records <c>y = TOp(x)</c> with the op's declared derivative (nothing when no grad is needed).</summary>
    internal static Tensor Unary<TOp>(Tensor x, Tensor y, double a = 0, double b = 0, double c = 0) where TOp : IUnaryDifferentiable
    {
        if (!Recording.Needs(x) || !y.dtype.is_floating_point) return y;
        return RecordUnary(TOp.Derivative, x, y, a, b, c);
    }

    private static Tensor RecordUnary(UnaryDerivative d, Tensor x, Tensor y, double a, double b, double c)
    {
        if (d.Kind == DerivativeKind.NotDifferentiable) return y;
        if (d.Kind == DerivativeKind.NotImplemented) return Recording.Record(y, d.Name, [x], g => [d.Backward(g, x, y, a, b, c)]);
        var node = new UnaryNode(d, x, y, a, b, c);
        node.NextEdges = [Recording.EdgeOf(x)];
        if (d.SavesInput || d.SavesOutput)
            node.Saved = d.SavesInput && d.SavesOutput ? [new SavedTensor(x), new SavedTensor(y, true)]
                : d.SavesInput ? [new SavedTensor(x)] : [new SavedTensor(y, true)];
        if (AnomalyMode.Enabled) node.AnomalyTrace = AnomalyMode.Trace();
        Recording.Attach(y, node, 0);
        return y;
    }

    /// <summary>Records <c>y = TOp(a, b)</c> with the op's declared derivative (nothing when no grad is needed).</summary>
    internal static Tensor Binary<TOp>(Tensor a, Tensor b, Tensor y) where TOp : IBinaryDifferentiable
    {
        if (!Recording.Needs(a, b) || !y.dtype.is_floating_point) return y;
        return RecordBinary(TOp.Derivative, a, b, y);
    }

    private static Tensor RecordBinary(BinaryDerivative d, Tensor a, Tensor b, Tensor y)
    {
        string name = d.Name(a, b);
        if (d.Kind == DerivativeKind.NotImplemented) return Recording.Record(y, name, [a, b], g => { d.Backward(g, a, b, y, true, true); return []; });
        if (d.ScalarOverload && (b.IsWrappedNumber || a.IsWrappedNumber))
        {
            // the node of a Scalar overload has the tensor operand as its only input
            var saved = new List<Tensor>();
            if (d.SavesInputs) { saved.Add(a); saved.Add(b); }
            if (d.SavesOutput) saved.Add(y);
            bool selfIsTensor = b.IsWrappedNumber;
            return Recording.Record(y, name, [selfIsTensor ? a : b], g =>
            {
                var (ga, gb) = d.Backward(g, a, b, y, selfIsTensor, !selfIsTensor);
                return [selfIsTensor ? Fit(ga, a, true) : Fit(gb, b, true)];
            }, saved.ToArray());
        }
        var node = new BinaryNode(name, d, a, b, y);
        node.NextEdges = [Recording.EdgeOf(a), Recording.EdgeOf(b)];
        if (d.SavesInputs)
            node.Saved = d.SavesOutput ? [new SavedTensor(a), new SavedTensor(b), new SavedTensor(y, true)] : [new SavedTensor(a), new SavedTensor(b)];
        else if (d.SavesOutput) node.Saved = [new SavedTensor(y, true)];
        if (AnomalyMode.Enabled) node.AnomalyTrace = AnomalyMode.Trace();
        Recording.Attach(y, node, 0);
        return y;
    }

    /// <summary>The node of an elementwise unary op: its declared formula, the input and output.</summary>
    private sealed class UnaryNode(UnaryDerivative d, Tensor x, Tensor y, double a, double b, double c) : FunctionNode(d.Name)
    {
        private Tensor? x = x, y = y;

        protected override Tensor?[] Backward(Tensor?[] gradOutputs)
        {
            if (gradOutputs[0] is not { } g) return new Tensor?[1];
            var xi = x!;
            return [d.Backward(g, xi, y!, a, b, c).to(xi.dtype)];
        }

        protected override void OnRelease() { x = null; y = null; }
    }

    /// <summary>The node of an elementwise binary op: its declared formula, the operands and output.</summary>
    private sealed class BinaryNode(string name, BinaryDerivative d, Tensor a, Tensor b, Tensor y) : FunctionNode(name)
    {
        private Tensor? a = a, b = b, y = y;
        private readonly bool needA = a.requires_grad, needB = b.requires_grad;

        protected override Tensor?[] Backward(Tensor?[] gradOutputs)
        {
            if (gradOutputs[0] is not { } g) return new Tensor?[2];
            Tensor ai = a!, bi = b!;
            var (ga, gb) = d.Backward(g, ai, bi, y!, needA, needB);
            return [Fit(ga, ai, needA), Fit(gb, bi, needB)];
        }

        protected override void OnRelease() { a = null; b = null; y = null; }
    }

    /// <summary>Records <c>y = TOp(a, b, c)</c> with the op's declared derivative.</summary>
    internal static Tensor Ternary<TOp>(Tensor a, Tensor b, Tensor c, Tensor y, double v) where TOp : ITernaryDifferentiable =>
        Ternary(TOp.Derivative, a, b, c, y, v);

    /// <summary>Records a ternary op computed by other means (addcmul, addcdiv) with its derivative.</summary>
    internal static Tensor Ternary(TernaryDerivative d, Tensor a, Tensor b, Tensor c, Tensor y, double v)
    {
        if (!Recording.Needs(a, b, c) || !y.dtype.is_floating_point) return y;
        return Recording.Record(y, d.Name, [a, b, c], g =>
        {
            var (ga, gb, gc) = d.Backward(g, a, b, c, y, v);
            return [Fit(ga, a, a.requires_grad), Fit(gb, b, b.requires_grad), Fit(gc, c, c.requires_grad)];
        }, a, b, c);
    }

    /// <summary>Records <c>y = TOp(x)</c> reduced over dims (a scan: its one dim) with the op's declared derivative.</summary>
    internal static Tensor Reduce<TOp>(Tensor x, int[] dims, bool keepdim, Tensor y, double arg) where TOp : IReduceDifferentiable =>
        !Recording.Needs(x) || !y.dtype.is_floating_point ? y : TOp.Derivative.Record(x, dims, keepdim, y, arg);

    /// <summary>
    /// Records a binary op computed by other means under PyTorch's node <paramref name="name"/>: <paramref name="backward"/>
    /// gives the gradients before broadcasting is undone.
    /// </summary>
    internal static Tensor RecordBinary(string name, Tensor a, Tensor b, Tensor y, Func<Tensor, (Tensor?, Tensor?)> backward)
    {
        if (!Recording.Needs(a, b) || !y.dtype.is_floating_point) return y;
        return Recording.Record(y, name, [a, b], g =>
        {
            var (ga, gb) = backward(g);
            return [Fit(ga, a, a.requires_grad), Fit(gb, b, b.requires_grad)];
        });
    }

    /// <summary>Sums a broadcast gradient back to the input's shape and gives it the input's dtype.</summary>
    private static Tensor? Fit(Tensor? g, Tensor input, bool needed)
    {
        if (!needed || g is null) return null;
        g = Recording.SumToShape(g, input._shape);
        return g.dtype == input.dtype ? g : g.to(input.dtype);
    }

    /// <summary>
    /// Records an op PyTorch defines no derivative for: its node (PyTorch's NotImplemented) takes the history and
    /// fails on backward with "derivative for <paramref name="atenOp"/> is not implemented".
    /// </summary>
    internal static Tensor NotDifferentiable(Tensor y, string atenOp, params Tensor[] inputs) =>
        Recording.Record(y, "torch::autograd::NotImplemented", inputs,
            _ => throw new NotSupportedException($"derivative for {atenOp} is not implemented"));

    internal static NotSupportedException NotImplemented(string op) => Derivatives.NotImplemented(op);
}
