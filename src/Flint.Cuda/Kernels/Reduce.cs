using System.Numerics;
using ILGPU;

namespace Flint.Cuda.Kernels;

/// <summary>The reductions the kernels compute.</summary>
internal enum ReduceKind { Sum, Mean, Max, Min }

/// <summary>The dims a reduction keeps (outer: one thread per output) and the dims it folds (inner), each with x's strides.</summary>
internal struct ReduceGeometry
{
    public Shape8 Outer;
    public Strides8 XOuter, YOuter;
    public Shape8 Inner;
    public Strides8 XInner;
    public long InnerCount;
}

// Reductions, arg-reductions and softmax: one thread per output element (per row for softmax), folding its inputs in
// index order. Max and min propagate NaN; the first NaN, or the first extremum, is the one an arg-reduction reports.
internal static class Reduce
{
    public static void Fold<T>(Index1D i, ArrayView<T> x, ArrayView<T> y, ReduceGeometry g, int kind, T divisor, long start)
        where T : unmanaged, INumber<T>
    {
        long o = start + i;
        long bx = g.XOuter.At(g.Outer, o);
        T acc = T.Zero;
        if (kind == (int)ReduceKind.Sum || kind == (int)ReduceKind.Mean)
        {
            for (long j = 0; j < g.InnerCount; j++) acc += x[bx + g.XInner.At(g.Inner, j)];
            if (kind == (int)ReduceKind.Mean) acc /= divisor;
        }
        else
        {
            bool max = kind == (int)ReduceKind.Max;
            acc = x[bx + g.XInner.At(g.Inner, 0)];
            for (long j = 1; j < g.InnerCount && !T.IsNaN(acc); j++)
            {
                T v = x[bx + g.XInner.At(g.Inner, j)];
                if (T.IsNaN(v) || (max ? v > acc : v < acc)) acc = v;
            }
        }
        y[g.YOuter.At(g.Outer, o)] = acc;
    }

    /// <summary>The index along the folded dim of the first largest (or smallest) value, or of the first NaN; its value into values when <paramref name="writeValues"/>.</summary>
    public static void ArgFold<T>(Index1D i, ArrayView<T> x, ArrayView<T> values, ArrayView<long> indices, ReduceGeometry g, Strides8 vOuter, int largest, int writeValues, long start)
        where T : unmanaged, INumber<T>
    {
        long o = start + i;
        long bx = g.XOuter.At(g.Outer, o);
        long best = 0;
        T acc = x[bx];
        for (long j = 1; j < g.InnerCount && !T.IsNaN(acc); j++)
        {
            T v = x[bx + g.XInner.At(g.Inner, j)];
            if (T.IsNaN(v) || (largest != 0 ? v > acc : v < acc)) { acc = v; best = j; }
        }
        indices[g.YOuter.At(g.Outer, o)] = best;
        if (writeValues != 0) values[vOuter.At(g.Outer, o)] = acc;
    }

    /// <summary>softmax (or log_softmax) of one row: the row's max, then the sum of exp(x - max).</summary>
    public static void Softmax<T>(Index1D i, ArrayView<T> x, ArrayView<T> y, Shape8 outer, Strides8 xo, Strides8 yo, long n, long xs, long ys, int log, long start)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long o = start + i;
        long bx = xo.At(outer, o), by = yo.At(outer, o);
        T m = T.NegativeInfinity;
        for (long j = 0; j < n; j++)
        {
            T v = x[bx + j * xs];
            if (T.IsNaN(v) || v > m) m = v;
        }
        if (T.IsInfinity(m)) m = T.IsNegative(m) ? T.Zero : m;
        T sum = T.Zero;
        for (long j = 0; j < n; j++) sum += T.Exp(x[bx + j * xs] - m);
        if (log != 0)
        {
            T ls = T.Log(sum);
            for (long j = 0; j < n; j++) y[by + j * ys] = x[bx + j * xs] - m - ls;
        }
        else
            for (long j = 0; j < n; j++) y[by + j * ys] = T.Exp(x[bx + j * xs] - m) / sum;
    }

    /// <summary>The input gradient of softmax (y (g - Σ g y)) or log_softmax (g - exp(y) Σ g) for one row, added into gx when accumulate.</summary>
    public static void SoftmaxBackward<T>(Index1D i, ArrayView<T> g, ArrayView<T> y, ArrayView<T> gx, Shape8 outer, Strides8 go, Strides8 yo, Strides8 xo, long n, long gs, long ys, long xs, int log, int accumulate, long start)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long o = start + i;
        long bg = go.At(outer, o), by = yo.At(outer, o), bx = xo.At(outer, o);
        T sum = T.Zero;
        for (long j = 0; j < n; j++) sum += log != 0 ? g[bg + j * gs] : g[bg + j * gs] * y[by + j * ys];
        for (long j = 0; j < n; j++)
        {
            T gv = g[bg + j * gs], yv = y[by + j * ys];
            T v = log != 0 ? gv - T.Exp(yv) * sum : yv * (gv - sum);
            gx[bx + j * xs] = accumulate != 0 ? gx[bx + j * xs] + v : v;
        }
    }
}
