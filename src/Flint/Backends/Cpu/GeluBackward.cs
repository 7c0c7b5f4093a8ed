using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Flint.Ops.Kernels;

namespace Flint.Backends.Cpu;

// GELU's gradient in one pass over gradOutput and self (GeluBackward0), instead of the chain of elementwise
// temporaries its formula takes as tensor ops.
internal sealed partial class CpuBackend
{
    public void GeluBackward(TensorLayout gradOutput, TensorLayout self, TensorLayout gradInput, bool tanh)
    {
        CheckSameShape("gelu_backward", gradOutput, self, gradInput);
        if (!gradOutput.IsContiguous || !self.IsContiguous || !gradInput.IsContiguous)
            throw new ArgumentException($"gelu_backward: operands must be contiguous: {gradOutput}, {self}, {gradInput}");
        var path = KernelOptions.Resolve();
        long n = gradInput.Numel;
        long og = gradOutput.Offset, ox = self.Offset, or = gradInput.Offset;
        if (gradInput.DType == DType.Float32)
        {
            float[] g = Arr<float>(gradOutput), x = Arr<float>(self), r = Arr<float>(gradInput);
            WorkerPool.For(n, KernelOptions.Grain(), (s, e) => GeluGrad.Run(path, tanh, g.AsSpan((int)(og + s), (int)(e - s)),
                x.AsSpan((int)(ox + s), (int)(e - s)), r.AsSpan((int)(or + s), (int)(e - s))));
        }
        else if (gradInput.DType == DType.Float64)
        {
            double[] g = Arr<double>(gradOutput), x = Arr<double>(self), r = Arr<double>(gradInput);
            WorkerPool.For(n, KernelOptions.Grain(), (s, e) =>
            {
                for (long i = s; i < e; i++) r[or + i] = g[og + i] * GeluGrad.Scalar(x[ox + i], tanh);
            });
        }
        else throw new NotSupportedException($"gelu_backward: {gradInput.DType} is not float32 or float64");
    }
}

/// <summary>
/// gelu'(x) in float lanes: the exact form Φ(x) + x φ(x), with Φ from erfc(|x|/√2) = t·exp(P(t) − z²) (the
/// Chebyshev-fitted P of <see cref="VectorMath"/>'s erf, so negative x never subtract nearly equal numbers), and the
/// tanh form 0.5(1 + th) + 0.5x(1 − th²)·k(1 + 3κx²), th = tanh(k(x + κx³)) from exp(−2|u|). One pass in
/// registers, the exponentials FloatExp's (as the softmax rows take them); a ragged end goes through one
/// zero-padded vector, so every element gets the same formula.
/// </summary>
internal static class GeluGrad
{
    private const double InvSqrt2 = 0.70710678118654752440, InvSqrt2Pi = 0.39894228040143267794;
    private const double K = 0.79788456080286535588, Kappa = 0.044715;

    /// <summary>The reference: gelu'(x) in double precision, as PyTorch's formula.</summary>
    internal static double Scalar(double x, bool tanh)
    {
        if (tanh)
        {
            double inner = K * (x + Kappa * x * x * x), th = Math.Tanh(inner);
            return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * K * (1 + 3 * Kappa * x * x);
        }
        double cdf = 0.5 * (1 + SpecialMath.Erf(x * InvSqrt2));
        double pdf = Math.Exp(-0.5 * x * x) * InvSqrt2Pi;
        return cdf + x * pdf;
    }

    internal static void Run(VectorPath path, bool tanh, ReadOnlySpan<float> g, ReadOnlySpan<float> x, Span<float> r)
    {
        int n = r.Length, w = Vector<float>.Count;
        if (path == VectorPath.Scalar || !Vector.IsHardwareAccelerated)
        {
            for (int i = 0; i < n; i++) r[i] = (float)(g[i] * Scalar(x[i], tanh));
            return;
        }
        if (w != 8 && w != 16)
        {
            for (int i = 0; i < n; i++) r[i] = (float)(g[i] * Scalar(x[i], tanh));
            return;
        }
        int full = n / w * w, k = 0;
        for (; k < full; k += w)
            (new Vector<float>(g.Slice(k)) * One(tanh, new Vector<float>(x.Slice(k)))).CopyTo(r.Slice(k));
        if (k == n) return;
        Span<float> pad = stackalloc float[16];
        pad.Clear();
        x[k..].CopyTo(pad);
        var d = One(tanh, new Vector<float>(pad));
        for (int j = k; j < n; j++) r[j] = g[j] * d[j - k];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> One(bool tanh, Vector<float> v)
    {
        var a1 = Args(tanh, v, out var t, out var a2);
        return Finish(tanh, v, t, Exp(a1), tanh ? default : Exp(a2));
    }

    /// <summary>FloatExp's exponential at the width of Vector&lt;float&gt; (8 or 16 lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Exp(Vector<float> v) =>
        Vector<float>.Count == 16 ? FloatLanes512.Exp(v.AsVector512()).AsVector() : FloatLanes256.Exp(v.AsVector256()).AsVector();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Args(bool tanh, Vector<float> v, out Vector<float> t, out Vector<float> a2)
    {
        if (tanh)
        {
            var u = v * (float)K * (Vector<float>.One + v * v * (float)Kappa);
            t = default; a2 = default;
            return Vector.Abs(u) * -2f;
        }
        var z = Vector.Abs(v) * (float)InvSqrt2;
        t = Vector<float>.One / (Vector<float>.One + z * 0.5f);
        var p = new Vector<float>(0.17087277f);
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(-0.82215223f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(1.48851587f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(-1.13520398f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(0.27886807f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(-0.18628806f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(0.09678418f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(0.37409196f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(1.00002368f));
        p = Vector.FusedMultiplyAdd(p, t, new Vector<float>(-1.26551223f));
        a2 = -(z * z);
        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Finish(bool tanh, Vector<float> v, Vector<float> t, Vector<float> e, Vector<float> gauss)
    {
        if (tanh)
        {
            var th = (Vector<float>.One - e) / (Vector<float>.One + e);
            var u = v * (Vector<float>.One + v * v * (float)Kappa);
            th = Vector.ConditionalSelect(Vector.LessThan(u, Vector<float>.Zero), -th, th);
            var dinner = (Vector<float>.One + v * v * (float)(3 * Kappa)) * (float)K;
            return (Vector<float>.One + th) * 0.5f + v * 0.5f * (Vector<float>.One - th * th) * dinner;
        }
        // gauss = exp(-z²) = exp(-x²/2)
        var half = t * e * gauss * 0.5f;                                // erfc(|x|/√2) / 2
        var cdf = Vector.ConditionalSelect(Vector.LessThan(v, Vector<float>.Zero), half, Vector<float>.One - half);
        return cdf + v * gauss * (float)InvSqrt2Pi;
    }
}
