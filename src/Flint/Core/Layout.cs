namespace Flint;

/// <summary>
/// How a tensor holds its elements, as <c>torch.layout</c>: dense memory viewed through strides
/// (<see cref="torch.strided"/>) or a sparse COO pair of indices and values (<see cref="torch.sparse_coo"/>).
/// </summary>
public sealed class Layout
{
    private readonly string _name;
    private Layout(string name) { _name = name; }

    internal static readonly Layout Strided = new("strided");
    internal static readonly Layout SparseCoo = new("sparse_coo");

    /// <summary>The name PyTorch prints, <c>torch.sparse_coo</c>.</summary>
    public override string ToString() => "torch." + _name;
}

public static partial class torch
{
    /// <summary>Dense tensors viewed through shape, strides and offset, as <c>torch.strided</c>.</summary>
    public static readonly Layout strided = Layout.Strided;
    /// <summary>Sparse tensors in coordinate format (an indices tensor and a values tensor), as <c>torch.sparse_coo</c>.</summary>
    public static readonly Layout sparse_coo = Layout.SparseCoo;
}
