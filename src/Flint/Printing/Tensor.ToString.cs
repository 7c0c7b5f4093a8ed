namespace Flint;

public partial class Tensor
{
    /// <summary>PyTorch's <c>repr</c> of the tensor.</summary>
    public override string ToString() => Printing.TensorFormatter.Repr(this);
}
