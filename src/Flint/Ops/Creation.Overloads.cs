namespace Flint;

// Size-as-arguments overloads, so `torch.randn(5, 3, dtype: torch.@float)` reads as in Python.
public static partial class torch
{
    /// <summary>A 1-dim tensor of zeros, as <c>torch.zeros(size0)</c>.</summary>
    public static Tensor zeros(long size0, DType? dtype = null, Device? device = null, bool requires_grad = false) => zeros([size0], dtype, device, requires_grad);
    /// <summary>A 2-dim tensor of zeros, as <c>torch.zeros(size0, size1)</c>.</summary>
    public static Tensor zeros(long size0, long size1, DType? dtype = null, Device? device = null, bool requires_grad = false) => zeros([size0, size1], dtype, device, requires_grad);
    /// <summary>A 3-dim tensor of zeros.</summary>
    public static Tensor zeros(long size0, long size1, long size2, DType? dtype = null, Device? device = null, bool requires_grad = false) => zeros([size0, size1, size2], dtype, device, requires_grad);
    /// <summary>A 4-dim tensor of zeros.</summary>
    public static Tensor zeros(long size0, long size1, long size2, long size3, DType? dtype = null, Device? device = null, bool requires_grad = false) => zeros([size0, size1, size2, size3], dtype, device, requires_grad);

    /// <summary>A 1-dim tensor of ones, as <c>torch.ones(size0)</c>.</summary>
    public static Tensor ones(long size0, DType? dtype = null, Device? device = null, bool requires_grad = false) => ones([size0], dtype, device, requires_grad);
    /// <summary>A 2-dim tensor of ones.</summary>
    public static Tensor ones(long size0, long size1, DType? dtype = null, Device? device = null, bool requires_grad = false) => ones([size0, size1], dtype, device, requires_grad);
    /// <summary>A 3-dim tensor of ones.</summary>
    public static Tensor ones(long size0, long size1, long size2, DType? dtype = null, Device? device = null, bool requires_grad = false) => ones([size0, size1, size2], dtype, device, requires_grad);
    /// <summary>A 4-dim tensor of ones.</summary>
    public static Tensor ones(long size0, long size1, long size2, long size3, DType? dtype = null, Device? device = null, bool requires_grad = false) => ones([size0, size1, size2, size3], dtype, device, requires_grad);

    /// <summary>An uninitialized 1-dim tensor, as <c>torch.empty(size0)</c>.</summary>
    public static Tensor empty(long size0, DType? dtype = null, Device? device = null, bool requires_grad = false) => empty([size0], dtype, device, requires_grad);
    /// <summary>An uninitialized 2-dim tensor.</summary>
    public static Tensor empty(long size0, long size1, DType? dtype = null, Device? device = null, bool requires_grad = false) => empty([size0, size1], dtype, device, requires_grad);
    /// <summary>An uninitialized 3-dim tensor.</summary>
    public static Tensor empty(long size0, long size1, long size2, DType? dtype = null, Device? device = null, bool requires_grad = false) => empty([size0, size1, size2], dtype, device, requires_grad);
    /// <summary>An uninitialized 4-dim tensor.</summary>
    public static Tensor empty(long size0, long size1, long size2, long size3, DType? dtype = null, Device? device = null, bool requires_grad = false) => empty([size0, size1, size2, size3], dtype, device, requires_grad);

    /// <summary>A 1-dim tensor of uniform samples in [0, 1), as <c>torch.rand(size0)</c>.</summary>
    public static Tensor rand(long size0, Generator? generator = null, DType? dtype = null, Device? device = null, bool requires_grad = false) => rand([size0], generator, dtype, device, requires_grad);
    /// <summary>A 2-dim tensor of uniform samples in [0, 1).</summary>
    public static Tensor rand(long size0, long size1, Generator? generator = null, DType? dtype = null, Device? device = null, bool requires_grad = false) => rand([size0, size1], generator, dtype, device, requires_grad);
    /// <summary>A 3-dim tensor of uniform samples in [0, 1).</summary>
    public static Tensor rand(long size0, long size1, long size2, Generator? generator = null, DType? dtype = null, Device? device = null, bool requires_grad = false) => rand([size0, size1, size2], generator, dtype, device, requires_grad);
    /// <summary>A 4-dim tensor of uniform samples in [0, 1).</summary>
    public static Tensor rand(long size0, long size1, long size2, long size3, Generator? generator = null, DType? dtype = null, Device? device = null, bool requires_grad = false) => rand([size0, size1, size2, size3], generator, dtype, device, requires_grad);

    /// <summary>A 1-dim tensor of standard normal samples, as <c>torch.randn(size0)</c>.</summary>
    public static Tensor randn(long size0, Generator? generator = null, DType? dtype = null, Device? device = null, bool requires_grad = false) => randn([size0], generator, dtype, device, requires_grad);
    /// <summary>A 2-dim tensor of standard normal samples.</summary>
    public static Tensor randn(long size0, long size1, Generator? generator = null, DType? dtype = null, Device? device = null, bool requires_grad = false) => randn([size0, size1], generator, dtype, device, requires_grad);
    /// <summary>A 3-dim tensor of standard normal samples.</summary>
    public static Tensor randn(long size0, long size1, long size2, Generator? generator = null, DType? dtype = null, Device? device = null, bool requires_grad = false) => randn([size0, size1, size2], generator, dtype, device, requires_grad);
    /// <summary>A 4-dim tensor of standard normal samples.</summary>
    public static Tensor randn(long size0, long size1, long size2, long size3, Generator? generator = null, DType? dtype = null, Device? device = null, bool requires_grad = false) => randn([size0, size1, size2, size3], generator, dtype, device, requires_grad);
}
