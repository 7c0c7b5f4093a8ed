using Flint.Backends;
using Flint.Ops.Kernels;

namespace Flint.Ops.Spatial;

/// <summary>F.pad: PyTorch's checks, constant padding (any dtype, negative pads crop), reflection and replication
/// (index tables run by the backend) and circular padding (PyTorch's composite of slice copies).</summary>
internal static class Padding
{
    private static readonly ResampleOp[] Reflection = [new("ReflectionPad1DBackward0"), new("ReflectionPad2DBackward0"), new("ReflectionPad3DBackward0")];
    private static readonly ResampleOp[] Replication = [new("ReplicationPad1DBackward0"), new("ReplicationPad2DBackward0"), new("ReplicationPad3DBackward0")];

    /// <summary>The gradient of constant padding crops by the same pads (and records the same node again).</summary>
    internal static readonly NodeDerivative<long[]> ConstantPadDerivative =
        new("ConstantPadNdBackward0", null, (g, pad) => Constant(g, pad.Select(p => -p).ToArray(), 0));

    internal static Tensor Pad(Tensor input, long[] pad, string mode, double? value)
    {
        int ndim = input.ndim;
        if (pad.Length % 2 != 0) throw new ArgumentException("Padding length must be divisible by 2");
        if (pad.Length > ndim * 2)
            throw new ArgumentException($"Padding length should be less than or equal to two times the input dimension but got padding length {pad.Length} and input of dimension {ndim}");
        if (mode is not ("constant" or "reflect" or "replicate" or "circular")) throw new NotSupportedException($"Unrecognised padding mode {mode}");
        if (mode == "constant") return Constant(input, pad, value ?? 0);
        if (value is { } v && v != 0) throw new ArgumentException($"Padding mode \"{mode}\" doesn't take in value argument");
        int k = pad.Length / 2;
        if (k is < 1 or > 3 || ndim != k + 1 && ndim != k + 2)
            throw new NotSupportedException("Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now");
        return mode == "circular" ? Circular(input, pad) : Indexed(input, pad, k, reflect: mode == "reflect");
    }

    /// <summary>constant_pad_nd: pad (left, right) pairs from the last dim backwards; negative pads crop.</summary>
    internal static Tensor Constant(Tensor input, long[] pad, double value)
    {
        int ndim = input.ndim, k = pad.Length / 2;
        if (pad.Length % 2 != 0) throw new ArgumentException($"Length of pad must be even but instead it equals {pad.Length}");
        if (k > ndim)
            throw new ArgumentException($"Length of pad should be no more than twice the number of dimensions of the input. Pad length is {pad.Length} while the input has {ndim} dimensions.");
        var shape = (long[])input._shape.Clone();
        for (int i = 0; i < k; i++)
        {
            int d = ndim - 1 - i;
            long l = pad[2 * i], r = pad[2 * i + 1], size = shape[d] + l + r;
            if (size < 0)
                throw new ArgumentException($"The input size {shape[d]}, plus negative padding {l} and {r} resulted in a negative output size, which is invalid. Check dimension {d} of your input.");
            shape[d] = size;
        }
        Tensor y;
        using (torch.no_grad())
        {
            y = torch.full(shape, value, input.dtype, input.device);
            Tensor dst = y, src = input;
            bool empty = false;
            for (int i = 0; i < k; i++)
            {
                int d = ndim - 1 - i;
                long l = pad[2 * i], r = pad[2 * i + 1];
                long len = input._shape[d] - Math.Max(-l, 0) - Math.Max(-r, 0);
                if (len <= 0) { empty = true; break; }
                dst = dst.narrow(d, Math.Max(l, 0), len);
                src = src.narrow(d, Math.Max(-l, 0), len);
            }
            if (!empty) dst.copy_(src);
        }
        return ConstantPadDerivative.Record(y, [input], pad);
    }

    private static void CheckFloat(Tensor x, string kernel)
    {
        if (x.dtype != DType.Float32 && x.dtype != DType.Float64)
            throw new NotSupportedException($"\"{kernel}\" not implemented for '{x.dtype.LegacyName}'");
    }

    /// <summary>Reflection (the edge is not repeated) or replication (the edge is) of the last k dims.</summary>
    private static Tensor Indexed(Tensor x, long[] pad, int k, bool reflect)
    {
        int ndim = x.ndim;
        for (int i = ndim == k + 2 ? 1 : 0; i < ndim; i++)
            if (x._shape[i] == 0)
                throw new ArgumentException($"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: {Shape.Str(x._shape)}");
        var tables = new ResampleTable?[k];
        for (int j = 0; j < k; j++)
        {
            // dims from the first padded one; pad pairs run from the last dim
            int d = ndim - k + j, i = k - 1 - j;
            long n = x._shape[d], l = pad[2 * i], r = pad[2 * i + 1], m = n + l + r;
            if (reflect && (l >= n || r >= n))
                throw new ArgumentException($"Argument #{4 + 2 * i}: Padding size should be less than the corresponding input dimension, but got: padding ({l}, {r}) at dimension {d} of input {Shape.Str(x._shape)}");
            if (m < 0)
            {
                if (k == 1) throw new ArgumentException($"input (W: {n}) is too small. Calculated output W: {m}");
                var bad = (long[])x._shape.Clone();
                bad[d] = m;
                throw new ArgumentException($"Trying to create tensor with negative dimension {m}: {Shape.Str(bad)}");
            }
            var index = new int[checked((int)m)];
            for (long o = 0; o < m; o++)
            {
                long s = o - l;
                if (reflect) s = s < 0 ? -s : s >= n ? 2 * (n - 1) - s : s;
                else s = Math.Clamp(s, 0, n - 1);
                index[o] = (int)s;
            }
            tables[j] = new ResampleTable(1, index, null);
        }
        CheckFloat(x, reflect ? "reflection_pad" + k + "d" : "replication_pad" + k + "d_cpu");
        return Resampling.Run(x, tables, (reflect ? Reflection : Replication)[k - 1]);
    }

    /// <summary>
    /// Circular padding as PyTorch composes it: the (cropped) input copied into the middle of a new tensor, then
    /// each dim's left and right bands copied from the opposite side of the result (so its node is CopySlices).
    /// </summary>
    private static Tensor Circular(Tensor x, long[] pad)
    {
        int ndim = x.ndim, k = pad.Length / 2;
        var shape = (long[])x._shape.Clone();
        for (int i = 0; i < k; i++)
        {
            int d = ndim - 1 - i;
            long l = pad[2 * i], r = pad[2 * i + 1], n = x._shape[d];
            if (l > n || r > n) throw new ArgumentException("Padding value causes wrapping around more than once.");
            shape[d] = n + l + r;
            if (shape[d] < 0) throw new ArgumentException("Negative padding value is resulting in an empty dimension");
        }
        var y = Tensor.Empty(shape, x.dtype, x.device);
        Tensor dst = y, src = x;
        for (int i = 0; i < k; i++)
        {
            int d = ndim - 1 - i;
            long l = pad[2 * i], r = pad[2 * i + 1];
            dst = Slice(dst, d, Math.Max(l, 0), shape[d] - Math.Max(r, 0));
            src = Slice(src, d, Math.Max(-l, 0), x._shape[d] - Math.Max(-r, 0));
        }
        dst.copy_(src);
        for (int i = 0; i < k; i++)
        {
            int d = ndim - 1 - i;
            long l = pad[2 * i], r = pad[2 * i + 1], m = shape[d];
            if (l > 0) Slice(y, d, 0, l).copy_(Slice(y, d, m - l - Math.Max(r, 0), m - Math.Max(r, 0)));
            if (r > 0) Slice(y, d, m - r, m).copy_(Slice(y, d, Math.Max(l, 0), Math.Max(l, 0) + r));
        }
        return y;
    }

    private static Tensor Slice(Tensor t, int d, long start, long end) => t.narrow(d, start, Math.Max(0, end - start));
}
