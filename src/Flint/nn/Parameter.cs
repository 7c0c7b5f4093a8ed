namespace Flint;

/// <summary>
/// A tensor that is a module's learnable weight (PyTorch's <c>nn.Parameter</c>): it shares the data of the
/// tensor it wraps, is a leaf, and requires grad by default. Modules find Parameter fields by themselves.
/// </summary>
public sealed class Parameter : Tensor
{
    public Parameter(Tensor data, bool requires_grad = true)
        : base(data._storage, data._shape, data._strides, data._offset, data._version)
    {
        if (requires_grad) this.requires_grad = true;
    }

    public override string ToString() => "Parameter containing:\n" + base.ToString();
}
