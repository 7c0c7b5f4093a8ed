using System.Numerics;

namespace Flint.Backends.Cpu;

// One Adam/AdamW step over a parameter in one pass (what the optimizer's chain of in-place ops computes).
internal sealed partial class CpuBackend
{
    public void AdamStep(TensorLayout param, TensorLayout grad, TensorLayout expAvg, TensorLayout expAvgSq,
        double decay, double beta1, double beta2, double biasCorrection2Sqrt, double eps, double stepSize, bool maximize)
    {
        CheckSameShape("adam_step", param, grad, expAvg);
        CheckSameShape("adam_step", param, expAvgSq, expAvg);
        if (!param.IsContiguous || !grad.IsContiguous || !expAvg.IsContiguous || !expAvgSq.IsContiguous)
            throw new ArgumentException($"adam_step: operands must be contiguous: {param}, {grad}, {expAvg}, {expAvgSq}");
        var s = new AdamScalars(decay, beta1, beta2, biasCorrection2Sqrt, eps, stepSize, maximize);
        if (param.DType == DType.Float32) AdamStepT<float>(param, grad, expAvg, expAvgSq, s);
        else if (param.DType == DType.Float64) AdamStepT<double>(param, grad, expAvg, expAvgSq, s);
        else throw new NotSupportedException($"adam_step: {param.DType} is not float32 or float64");
    }

    private readonly record struct AdamScalars(double Decay, double Beta1, double Beta2, double Bc2Sqrt, double Eps, double StepSize, bool Maximize);

    private static void AdamStepT<T>(TensorLayout pl, TensorLayout gl, TensorLayout ml, TensorLayout vl, AdamScalars s)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T[] p = Arr<T>(pl), g = Arr<T>(gl), m = Arr<T>(ml), v = Arr<T>(vl);
        long op = pl.Offset, og = gl.Offset, om = ml.Offset, ov = vl.Offset;
        var path = KernelOptions.Resolve();
        WorkerPool.For(pl.Numel, KernelOptions.Grain(), (b, e) =>
        {
            int n = (int)(e - b);
            AdamRun(p.AsSpan((int)(op + b), n), g.AsSpan((int)(og + b), n), m.AsSpan((int)(om + b), n), v.AsSpan((int)(ov + b), n), s, path);
        });
    }

    // Each operation rounds in T in the order of the in-place chain: p *= decay; m = lerp(m, g, 1 - beta1) (from
    // the nearer end); v = v*beta2 + ((1 - beta2)*g)*g; p += ((-stepSize)*m) / (sqrt(v)/bc2Sqrt + eps).
    private static void AdamRun<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, AdamScalars s, VectorPath path)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T decay = T.CreateTruncating(s.Decay), w = T.CreateTruncating(1 - s.Beta1), oneMinusW = T.One - w;
        T b2 = T.CreateTruncating(s.Beta2), c2 = T.CreateTruncating(1 - s.Beta2), bc2 = T.CreateTruncating(s.Bc2Sqrt);
        T eps = T.CreateTruncating(s.Eps), step = T.CreateTruncating(-s.StepSize);
        bool near = T.Abs(w) < T.CreateTruncating(0.5), scale = decay != T.One;
        int n = p.Length, i = 0;
        if (path != VectorPath.Scalar && Vector.IsHardwareAccelerated)
        {
            int lanes = Vector<T>.Count;
            Vector<T> vDecay = new(decay), vW = new(w), vOneMinusW = new(oneMinusW), vB2 = new(b2), vC2 = new(c2), vBc2 = new(bc2), vEps = new(eps), vStep = new(step);
            for (; i <= n - lanes; i += lanes)
            {
                var gi = new Vector<T>(g.Slice(i));
                if (s.Maximize) gi = -gi;
                var pi = new Vector<T>(p.Slice(i));
                if (scale) pi *= vDecay;
                var mi = new Vector<T>(m.Slice(i));
                var diff = gi - mi;
                mi = near ? mi + vW * diff : gi - diff * vOneMinusW;
                var vi = new Vector<T>(v.Slice(i)) * vB2 + vC2 * gi * gi;
                var denom = Vector.SquareRoot(vi) / vBc2 + vEps;
                pi += vStep * mi / denom;
                mi.CopyTo(m.Slice(i)); vi.CopyTo(v.Slice(i)); pi.CopyTo(p.Slice(i));
            }
        }
        for (; i < n; i++)
        {
            T gi = s.Maximize ? -g[i] : g[i];
            T pi = scale ? p[i] * decay : p[i];
            T mi = m[i], diff = gi - mi;
            mi = near ? mi + w * diff : gi - diff * oneMinusW;
            T vi = v[i] * b2 + c2 * gi * gi;
            pi += step * mi / (T.Sqrt(vi) / bc2 + eps);
            m[i] = mi; v[i] = vi; p[i] = pi;
        }
    }
}
