using Flint.Ops;

namespace Flint.Autograd;

/// <summary>
/// Records elementwise ops for autograd. The engine in Ops/Elementwise.cs calls these around its kernels,
/// looking up each op's backward formula by its kernel name in <see cref="Derivatives"/>.
/// </summary>
internal static class Differentiation
{
    /// <summary>Refuses out= when an input requires grad (PyTorch's rule).</summary>
    internal static void CheckOut(Tensor? @out, params Tensor[] inputs) => CheckOut(@out, null, inputs);

    /// <summary>Refuses out= when an input requires grad, naming the op as PyTorch does ("add(): ...").</summary>
    internal static void CheckOut(Tensor? @out, string? op, params Tensor[] inputs)
    {
        if (@out is not null && GradMode.IsEnabled && inputs.Any(t => t.requires_grad))
            throw new InvalidOperationException((op is null ? "" : op + "(): ") + "functions with out=... arguments don't support automatic differentiation, but one of the arguments requires grad.");
    }

    /// <summary>
    /// An in-place op on a tensor taking part in autograd: computes the result out of place from a snapshot
    /// (which the backward formula may save), writes it into self and rebases self's history onto it.
    /// </summary>
    internal static Tensor InPlace(Tensor self, Func<Tensor, Tensor> outOfPlace)
    {
        AutogradHooks.CheckInPlace(self);
        if (self.IsViewOfGraph)
            throw new NotSupportedException("Flint does not yet support in-place operations on a view of a tensor that requires grad; use the out-of-place form (e.g. y = y.mul(2) instead of y[0].mul_(2)).");
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
        else
            using (new GradModeScope(true)) old = self.requires_grad ? self.clone() : self.detach();
        var r = outOfPlace(old);
        using (new GradModeScope(false)) self.Backend.Copy(self, r);
        self.BumpVersion();
        if (r.grad_fn is { } fn) self.SetHistory(fn, r.OutputNr);
        return self;
    }

    internal static bool NeedsInPlace(Tensor self, params Tensor[] others) =>
        GradMode.IsEnabled && (self.requires_grad || others.Any(t => t.requires_grad));

    internal static Tensor Unary(string op, Tensor x, Tensor y, double a = 0, double b = 0, double c = 0)
    {
        if (!Recording.Needs(x) || !y.dtype.is_floating_point) return y;
        if (!Derivatives.Unary.TryGetValue(op, out var d))
            return Recording.Record(y, NotImplementedName(op), [x], _ => throw NotImplemented(op));
        var saved = new List<Tensor>();
        if (d.SavesInput) saved.Add(x);
        if (d.SavesOutput) saved.Add(y);
        return Recording.Record(y, d.Name, [x], g => [d.Backward(g, x, y, a, b, c).to(x.dtype)], saved.ToArray());
    }

    internal static Tensor Binary(string op, Tensor a, Tensor b, Tensor y)
    {
        if (!Recording.Needs(a, b) || !y.dtype.is_floating_point) return y;
        if (!Derivatives.Binary.TryGetValue(op, out var d))
            return Recording.Record(y, NotImplementedName(op), [a, b], _ => throw NotImplemented(op));
        string name = d.Name(a, b);
        var saved = new List<Tensor>();
        if (d.SavesInputs) { saved.Add(a); saved.Add(b); }
        if (d.SavesOutput) saved.Add(y);
        bool needA = a.requires_grad, needB = b.requires_grad;
        if (d.ScalarOverload && (b.IsWrappedNumber || a.IsWrappedNumber))
        {
            // the node of a Scalar overload has the tensor operand as its only input
            bool selfIsTensor = b.IsWrappedNumber;
            return Recording.Record(y, name, [selfIsTensor ? a : b], g =>
            {
                var (ga, gb) = d.Backward(g, a, b, y, selfIsTensor, !selfIsTensor);
                return [selfIsTensor ? Fit(ga, a, true) : Fit(gb, b, true)];
            }, saved.ToArray());
        }
        return Recording.Record(y, name, [a, b], g =>
        {
            var (ga, gb) = d.Backward(g, a, b, y, needA, needB);
            return [Fit(ga, a, needA), Fit(gb, b, needB)];
        }, saved.ToArray());
    }

    internal static Tensor Ternary(string op, Tensor a, Tensor b, Tensor c, Tensor y, double v)
    {
        if (!Recording.Needs(a, b, c) || !y.dtype.is_floating_point) return y;
        if (!Derivatives.Ternary.TryGetValue(op, out var d))
            return Recording.Record(y, NotImplementedName(op), [a, b, c], _ => throw NotImplemented(op));
        return Recording.Record(y, d.Name, [a, b, c], g =>
        {
            var (ga, gb, gc) = d.Backward(g, a, b, c, y, v);
            return [Fit(ga, a, a.requires_grad), Fit(gb, b, b.requires_grad), Fit(gc, c, c.requires_grad)];
        }, a, b, c);
    }

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

    private static string NotImplementedName(string op) => "NotImplemented(" + op + ")";

    internal static NotSupportedException NotImplemented(string op) =>
        new($"the derivative for '{op}' is not implemented.");
}
