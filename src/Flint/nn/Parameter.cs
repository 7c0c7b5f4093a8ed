namespace Flint;

/// <summary>
/// A tensor that is a module's learnable weight (PyTorch's <c>nn.Parameter</c>): it shares the data of the
/// tensor it wraps, is a leaf, and requires grad by default. Modules find Parameter fields by themselves.
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps <paramref name="data"/> as a module parameter (sharing its storage), as <c>torch.nn.Parameter</c>.</summary>
    public Parameter(Tensor data, bool requires_grad = true)
        : base(data)
    {
        if (requires_grad) this.requires_grad = true;
    }

    /// <summary>
    /// A Parameter over <paramref name="value"/>'s data that carries its history (not a leaf): how a module field
    /// typed Parameter holds a tensor a parametrization computes, so gradients flow to the originals.
    /// </summary>
    internal static Parameter Carrying(Tensor value)
    {
        var p = new Parameter(value, requires_grad: false);
        if (value.grad_fn is { } fn) p.SetHistory(fn, value.OutputNr);
        else if (value.requires_grad) p.requires_grad = true;
        return p;
    }

    /// <inheritdoc/>
    public override string ToString() => "Parameter containing:\n" + base.ToString();
}
