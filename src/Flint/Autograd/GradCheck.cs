using System.Text;
using Flint.Autograd;

namespace Flint;

/// <summary>A gradcheck or gradgradcheck failure (PyTorch's GradcheckError, a RuntimeError).</summary>
public sealed class GradcheckError : InvalidOperationException
{
    /// <summary>Creates the error with the text that names the input, the output and the mismatching Jacobian entries.</summary>
    public GradcheckError(string message) : base(message) { }
}

public static partial class torch
{
    public static partial class autograd
    {
        /// <summary>
        /// Checks analytical gradients against central finite differences (PyTorch's gradcheck defaults:
        /// eps 1e-6, atol 1e-5, rtol 1e-3; use float64 inputs). Throws with both Jacobians on a mismatch.
        /// </summary>
        public static bool gradcheck(Func<Tensor[], Tensor[]> func, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raise_exception = true)
        {
            var diff = Enumerable.Range(0, inputs.Length).Where(i => inputs[i].requires_grad).ToArray();
            if (diff.Length == 0)
                throw new ArgumentException("gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.");
            foreach (var i in diff)
                if (inputs[i].dtype != float64 && raise_exception)
                    Console.Error.WriteLine($"Input #{i} requires gradient and is not a double precision floating point. This check will likely fail if all the inputs are not of double precision floating point.");

            var outputs = func(inputs);
            for (int o = 0; o < outputs.Length; o++)
            {
                var output = outputs[o];
                if (!output.dtype.is_floating_point) continue;
                int nOut = (int)output.numel();
                foreach (var i in diff)
                {
                    int nIn = (int)inputs[i].numel();
                    var numerical = GradCheck.Numerical(func, inputs, i, o, eps, nIn, nOut);
                    var analytical = new double[nIn, nOut];
                    for (int k = 0; k < nOut; k++)
                    {
                        if (!output.requires_grad) break;
                        var go = zeros(output._shape, output.dtype);
                        go.view(-1).narrow(0, k, 1).fill_(1);
                        var g = grad([output], [inputs[i]], [go], retain_graph: true, allow_unused: true)[0];
                        if (g is null) continue;
                        var ga = g.ToArray<double>();
                        for (int j = 0; j < nIn; j++) analytical[j, k] = ga[j];
                    }
                    for (int j = 0; j < nIn; j++)
                        for (int k = 0; k < nOut; k++)
                        {
                            double a = analytical[j, k], n = numerical[j, k];
                            if (!(Math.Abs(a - n) <= atol + rtol * Math.Abs(n)))
                            {
                                if (!raise_exception) return false;
                                throw new GradcheckError(
                                    $"Jacobian mismatch for output {o} with respect to input {i},\nnumerical:{GradCheck.Format(numerical)}\nanalytical:{GradCheck.Format(analytical)}\n");
                            }
                        }
                }
            }
            return true;
        }

        /// <summary>Checks analytical gradients against finite differences of <paramref name="func"/> at <paramref name="inputs"/> (float64 inputs with requires_grad), as <c>torch.autograd.gradcheck</c>: <paramref name="eps"/> is the perturbation; a mismatch beyond <paramref name="atol"/> + <paramref name="rtol"/> * |numerical| raises <see cref="GradcheckError"/>, or returns false when <paramref name="raise_exception"/> is false.</summary>
        public static bool gradcheck(Func<Tensor[], Tensor> func, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raise_exception = true) =>
            gradcheck(xs => [func(xs)], inputs, eps, atol, rtol, raise_exception);

        /// <summary>
        /// Checks second derivatives: gradcheck of the function (inputs, grad_outputs) -> gradients of the outputs
        /// with respect to the inputs, computed with create_graph.
        /// </summary>
        public static bool gradgradcheck(Func<Tensor[], Tensor[]> func, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raise_exception = true)
        {
            var outs = func(inputs);
            var gos = outs.Select(o => randn(o._shape, dtype: o.dtype).requires_grad_()).ToArray();
            int nIn = inputs.Length;
            Tensor[] GradFn(Tensor[] xs)
            {
                // gradcheck evaluates this under no_grad on fresh copies: differentiate anyway, w.r.t. the
                // inputs that required grad originally
                using var _ = enable_grad();
                var ins = xs.Take(nIn).Select((t, k) => inputs[k].requires_grad && !t.requires_grad ? t.detach().requires_grad_() : t).ToArray();
                var gouts = xs.Skip(nIn).ToArray();
                var o = func(ins);
                var diffIns = ins.Where(t => t.requires_grad).ToArray();
                var gs = grad(o, diffIns, gouts, create_graph: true, allow_unused: true);
                return gs.Select((g, k) => g ?? zeros_like(diffIns[k])).ToArray();
            }
            return gradcheck(GradFn, inputs.Concat(gos).ToArray(), eps, atol, rtol, raise_exception);
        }

        /// <summary>Checks second-order gradients (the backward of the backward) against finite differences, as <c>torch.autograd.gradgradcheck</c>; arguments as for <c>gradcheck</c>.</summary>
        public static bool gradgradcheck(Func<Tensor[], Tensor> func, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raise_exception = true) =>
            gradgradcheck(xs => [func(xs)], inputs, eps, atol, rtol, raise_exception);

    }
}

/// <summary>gradcheck's numerical Jacobian (central differences) and its printing in the failure message.</summary>
internal static class GradCheck
{
    internal static double[,] Numerical(Func<Tensor[], Tensor[]> func, Tensor[] inputs, int i, int o, double eps, int nIn, int nOut)
    {
        var result = new double[nIn, nOut];
        var x = inputs[i];
        var baseData = x.detach().contiguous().ToArray<double>();
        // grad mode stays on: the function may itself take gradients (gradgradcheck)
        for (int j = 0; j < nIn; j++)
        {
            double[] Eval(double delta)
            {
                var data = (double[])baseData.Clone();
                data[j] += delta;
                var xi = torch.from_array(data, x._shape).to(x.dtype);
                if (x.requires_grad) xi.requires_grad_();
                var args = (Tensor[])inputs.Clone();
                args[i] = xi;
                return func(args)[o].detach().ToArray<double>();
            }
            var plus = Eval(eps); var minus = Eval(-eps);
            for (int k = 0; k < nOut; k++) result[j, k] = (plus[k] - minus[k]) / (2 * eps);
        }
        return result;
    }

    /// <summary>A Jacobian printed as PyTorch prints it in the error: a float64 tensor, one row per input element.</summary>
    internal static string Format(double[,] m)
    {
        var flat = new double[m.Length];
        int k = 0;
        foreach (var v in m) flat[k++] = v;
        return torch.from_array(flat, m.GetLength(0), m.GetLength(1)).ToString();
    }
}
