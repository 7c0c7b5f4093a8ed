using Flint.Backends;
using Flint.Ops.Kernels;

namespace Flint.Ops.Spatial;

/// <summary>
/// F.unfold (im2col) and F.fold (col2im) over batched or unbatched inputs, through the backend's im2col/col2im,
/// each the other's backward.
/// </summary>
internal static class Folding
{
    /// <summary>The window of one call: the image's spatial size (H, W), kernel, dilation, padding, stride.</summary>
    internal readonly record struct Window(long H, long W, long[] Kernel, long[] Dilation, long[] Padding, long[] Stride);

    internal static readonly NodeDerivative<Window> UnfoldDerivative = new("Im2ColBackward0", null, (g, s) => Fold(g, s));
    internal static readonly NodeDerivative<Window> FoldDerivative = new("Col2ImBackward0", null, (g, s) => Unfold(g, s));

    internal static long[] Pair(SizeArg arg, string name)
    {
        var v = arg.Values;
        if (arg.Text is not null || v.Length is not (1 or 2)) throw new ArgumentException($"It is expected {name} equals to 2, but got size {v.Length}");
        return v.Length == 1 ? [v[0], v[0]] : v;
    }

    private static void CheckWindow(long[] k, long[] d, long[] p, long[] s, bool fold)
    {
        if (k[0] <= 0 || k[1] <= 0) throw new ArgumentException($"kernel size should be greater than zero, but got kernel_height: {k[0]} kernel_width: {k[1]}");
        if (fold && (s[0] <= 0 || s[1] <= 0)) throw new ArgumentException($"stride should be greater than zero, but got stride_height: {s[0]} stride_width: {s[1]}");
        if (d[0] <= 0 || d[1] <= 0) throw new ArgumentException($"dilation should be greater than zero, but got dilation_height: {d[0]} dilation_width: {d[1]}");
        if (p[0] < 0 || p[1] < 0) throw new ArgumentException($"padding should be non-negative, but got pad_height: {p[0]} pad_width: {p[1]}");
        if (!fold && (s[0] <= 0 || s[1] <= 0)) throw new ArgumentException($"stride should be greater than zero, but got stride_height: {s[0]} stride_width: {s[1]}");
    }

    /// <summary>The count of window positions along one dim (PyTorch's div_rtn: the quotient rounds toward negative infinity).</summary>
    private static long Blocks(long size, long k, long d, long p, long s)
    {
        long num = size + 2 * p - (d * (k - 1) + 1);
        long q = num / s;
        if (num % s != 0 && (num < 0) != (s < 0)) q--;
        return q + 1;
    }

    private static void CheckFloat(Tensor x, string kernel)
    {
        var d = x.dtype;
        if (!(d == DType.Float32 || d == DType.Float64 || d == DType.BFloat16 || d == DType.Float16))
            throw new NotSupportedException($"\"{kernel}\" not implemented for '{d.LegacyName}'");
    }

    private static DType Compute(DType d) => d == DType.Float32 || d == DType.Float64 ? d : DType.Float32;

    internal static Tensor Unfold(Tensor input, SizeArg kernel_size, SizeArg dilation, SizeArg padding, SizeArg stride)
    {
        long[] k = Pair(kernel_size, "kernel_size"), d = Pair(dilation, "dilation"), p = Pair(padding, "padding"), s = Pair(stride, "stride");
        CheckWindow(k, d, p, s, fold: false);
        int ndim = input.ndim;
        for (int i = 1; i <= 2; i++)
            if (i >= ndim)
                throw new IndexOutOfRangeException($"Dimension out of range (expected to be in range of [{-Math.Max(ndim, 1)}, {Math.Max(ndim, 1) - 1}], but got {i})");
        bool valid = (ndim == 3 || ndim == 4) && input._shape[1] != 0 && input._shape[2] != 0 && (ndim == 3 ? input._shape[0] != 0 : input._shape[3] != 0);
        if (!valid)
            throw new ArgumentException($"Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: {Shape.Str(input._shape)}");
        long h = input._shape[^2], w = input._shape[^1];
        long oh = Blocks(h, k[0], d[0], p[0], s[0]), ow = Blocks(w, k[1], d[1], p[1], s[1]);
        if (oh < 1 || ow < 1)
            throw new ArgumentException($"Given input with spatial size ({h}, {h}), kernel_size=({k[0]}, {k[1]}), dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), calculated shape of the array of sliding blocks as ({oh}, {ow}), but its components must be at least one.");
        CheckFloat(input, "im2col_out_cpu");
        return Unfold(input, new Window(h, w, k, d, p, s));
    }

    private static Tensor Unfold(Tensor input, Window win)
    {
        bool batched = input.ndim == 4;
        Tensor y;
        using (torch.no_grad())
        {
            var x = Elementwise.As(input, Compute(input.dtype)).contiguous();
            long n = batched ? x._shape[0] : 1, c = x._shape[^3];
            var g = Geometry(win);
            long rows = c * win.Kernel[0] * win.Kernel[1], l = g.OutPlane;
            var cols = Tensor.Empty([rows, n, l], x.dtype, x.device);
            if (cols.numel() > 0)
                cols.Backend.Im2Col(new Tensor(x._storage, [n, c, win.H, win.W], Shape.ContiguousStrides([n, c, win.H, win.W]), x._offset), cols, g);
            y = n == 1 ? cols.view(batched ? [1, rows, l] : [rows, l]) : cols.permute(1, 0, 2).contiguous();
            if (y.dtype != input.dtype) y = y.to(input.dtype);
        }
        return UnfoldDerivative.Record(y, [input], win);
    }

    internal static Tensor Fold(Tensor input, SizeArg output_size, SizeArg kernel_size, SizeArg dilation, SizeArg padding, SizeArg stride)
    {
        long[] o = Pair(output_size, "output_size"), k = Pair(kernel_size, "kernel_size"), d = Pair(dilation, "dilation"),
            p = Pair(padding, "padding"), s = Pair(stride, "stride");
        CheckWindow(k, d, p, s, fold: true);
        int ndim = input.ndim;
        bool valid = (ndim == 2 && input._shape[0] != 0 && input._shape[1] != 0) || (ndim == 3 && input._shape[1] != 0 && input._shape[2] != 0);
        if (!valid)
            throw new ArgumentException($"Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: {Shape.Str(input._shape)}");
        long planes = input._shape[^2], length = input._shape[^1];
        if (planes % (k[0] * k[1]) != 0)
            throw new ArgumentException($"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)={planes} and kernel_size=({k[0]}, {k[1]}).");
        long bh = Blocks(o[0], k[0], d[0], p[0], s[0]), bw = Blocks(o[1], k[1], d[1], p[1], s[1]);
        string args = $"output_size=({o[0]}, {o[1]}), kernel_size=({k[0]}, {k[1]}), dilation=({d[0]}, {d[1]}), padding=({p[0]}, {p[1]}), stride=({s[0]}, {s[1]})";
        if (length != bh * bw)
            throw new ArgumentException($"Given {args}, expected size of input's dimension 2 to match the calculated number of sliding blocks {bh} * {bw} = {bh * bw}, but got input.size(2)={length}.");
        if (bh < 1 || bw < 1)
            throw new ArgumentException($"Given {args}, calculated shape of the array of sliding blocks as ({bh}, {bw}), which is too small (non-positive)");
        if (o[0] < 1 || o[1] < 1) throw new ArgumentException($"Expected output spatial size to be positive, but got: output_size=({o[0]}, {o[1]}).");
        CheckFloat(input, "col2im_out_cpu");
        return Fold(input, new Window(o[0], o[1], k, d, p, s));
    }

    private static Tensor Fold(Tensor input, Window win)
    {
        bool batched = input.ndim == 3;
        Tensor y;
        using (torch.no_grad())
        {
            var x = Elementwise.As(input, Compute(input.dtype));
            long n = batched ? x._shape[0] : 1, rows = x._shape[^2], l = x._shape[^1], c = rows / (win.Kernel[0] * win.Kernel[1]);
            // columns [rows, n·L]
            var cols = (batched ? x.permute(1, 0, 2) : x).contiguous();
            var img = Tensor.Empty([n, c, win.H, win.W], x.dtype, x.device);
            if (img.numel() > 0)
            {
                if (cols.numel() == 0) img.zero_();
                else img.Backend.Col2Im(cols, img, Geometry(win));
            }
            y = batched ? img : img.view([c, win.H, win.W]);
            if (y.dtype != input.dtype) y = y.to(input.dtype);
        }
        return FoldDerivative.Record(y, [input], win);
    }

    private static WindowGeometry Geometry(Window w)
    {
        long oh = Blocks(w.H, w.Kernel[0], w.Dilation[0], w.Padding[0], w.Stride[0]), ow = Blocks(w.W, w.Kernel[1], w.Dilation[1], w.Padding[1], w.Stride[1]);
        return new WindowGeometry(checked((int)w.H), checked((int)w.W), checked((int)w.Kernel[0]), checked((int)w.Kernel[1]),
            checked((int)w.Stride[0]), checked((int)w.Stride[1]), checked((int)w.Padding[0]), checked((int)w.Padding[1]),
            checked((int)w.Dilation[0]), checked((int)w.Dilation[1]), checked((int)oh), checked((int)ow));
    }
}
