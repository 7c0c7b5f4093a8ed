using System.Numerics;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void ThresholdBackward(TensorLayout gradOutput, TensorLayout self, TensorLayout gradInput, double threshold)
    {
        CheckSameShape("threshold_backward", gradOutput, self, gradInput);
        DTypeDispatch.Floating(gradInput.DType, "threshold_backward", new ThresholdBackwardV(gradOutput, self, gradInput, threshold));
    }

    private readonly struct ThresholdBackwardV(TensorLayout g, TensorLayout y, TensorLayout r, double threshold) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T> => ThresholdBackwardT(g, y, r, T.CreateTruncating(threshold));
    }

    private static void ThresholdBackwardT<T>(TensorLayout g, TensorLayout y, TensorLayout r, T threshold) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] ga = Arr<T>(g), ya = Arr<T>(y), ra = Arr<T>(r);
        if (g.IsContiguous && y.IsContiguous && r.IsContiguous)
        {
            int n = checked((int)r.Numel);
            ThresholdRun(ga.AsSpan((int)g.Offset, n), ya.AsSpan((int)y.Offset, n), ra.AsSpan((int)r.Offset, n), threshold);
            return;
        }
        var loop = StridedLoop.For(r.Shape, r, g, y);
        long sr = loop.InnerStride(0), sg = loop.InnerStride(1), sy = loop.InnerStride(2);
        loop.ForEachRow((offs, n) =>
        {
            long or = offs[0], og = offs[1], oy = offs[2];
            for (long i = 0; i < n; i++) At(ra, or + i * sr) = At(ya, oy + i * sy) <= threshold ? T.Zero : At(ga, og + i * sg);
        });
    }

    private static void ThresholdRun<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> r, T threshold) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = r.Length, i = 0, w = Vector<T>.Count;
        var t = new Vector<T>(threshold);
        for (; i <= n - w; i += w)
        {
            var yy = new Vector<T>(y.Slice(i));
            var gg = new Vector<T>(g.Slice(i));
            Vector.ConditionalSelect(Vector.LessThanOrEqual(yy, t), Vector<T>.Zero, gg).CopyTo(r.Slice(i));
        }
        for (; i < n; i++) r[i] = y[i] <= threshold ? T.Zero : g[i];
    }

    public void Axpy(TensorLayout y, TensorLayout x, double alpha)
    {
        CheckSameShape("axpy", y, x, y);
        DTypeDispatch.Floating(y.DType, "axpy", new AxpyV(y, x, alpha));
    }

    private readonly struct AxpyV(TensorLayout y, TensorLayout x, double alpha) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T> => AxpyT(y, x, T.CreateTruncating(alpha));
    }

    private static void AxpyT<T>(TensorLayout y, TensorLayout x, T a) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] ya = Arr<T>(y), xa = Arr<T>(x);
        if (y.IsContiguous && x.IsContiguous)
        {
            int n = checked((int)y.Numel);
            var yv = ya.AsSpan((int)y.Offset, n);
            var xv = xa.AsSpan((int)x.Offset, n);
            int i = 0, w = Vector<T>.Count;
            var va = new Vector<T>(a);
            for (; i <= n - w; i += w)
                (new Vector<T>(yv.Slice(i)) + va * new Vector<T>(xv.Slice(i))).CopyTo(yv.Slice(i));
            for (; i < n; i++) yv[i] += a * xv[i];
            return;
        }
        var loop = StridedLoop.For(y.Shape, y, x);
        long sy = loop.InnerStride(0), sx = loop.InnerStride(1);
        loop.ForEachRow((offs, n) =>
        {
            long oy = offs[0], ox = offs[1];
            for (long i = 0; i < n; i++) At(ya, oy + i * sy) += a * At(xa, ox + i * sx);
        });
    }

    private static void CheckSameShape(string op, TensorLayout a, TensorLayout b, TensorLayout c)
    {
        if (!a.Shape.AsSpan().SequenceEqual(b.Shape) || !a.Shape.AsSpan().SequenceEqual(c.Shape) || a.DType != b.DType || a.DType != c.DType)
            throw new ArgumentException($"{op}: operands differ: {a}, {b}, {c}");
    }
}
