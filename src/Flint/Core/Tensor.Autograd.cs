namespace Flint;

public sealed partial class Tensor
{
    private bool _requiresGrad;

    /// <summary>Whether gradients are computed for this tensor. Only floating point tensors can require them.</summary>
    public bool requires_grad
    {
        get => _requiresGrad;
        set
        {
            if (value && !dtype.is_floating_point)
                throw new InvalidOperationException("Only Tensors of floating point and complex dtype can require gradients");
            _requiresGrad = value;
        }
    }

    public Tensor requires_grad_(bool requires_grad = true) { this.requires_grad = requires_grad; return this; }

    /// <summary>The gradient accumulated by backward (null until then).</summary>
    public Tensor? grad { get; set; }

    /// <summary>True for tensors created by the user rather than recorded by an operation.</summary>
    public bool is_leaf => true;

    /// <summary>The name of the operation that made this tensor, as printed in <c>grad_fn=&lt;...&gt;</c> (null for leaves).</summary>
    internal string? GradFnName => null;

    /// <summary>A tensor sharing this one's data that does not require grad.</summary>
    public Tensor detach() => new(_storage, _shape, _strides, _offset, _version);
}
