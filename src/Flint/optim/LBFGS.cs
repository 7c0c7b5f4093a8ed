using static Flint.torch;
using static Flint.Optimizers.OptimizerOptions;

namespace Flint.Optimizers;

/// <summary>
/// L-BFGS (PyTorch's algorithm): up to max_iter quasi-Newton iterations per <c>step(closure)</c> over the flattened
/// parameters, with history_size curvature pairs, a fixed step of lr or, with line_search_fn "strong_wolfe", a
/// line search satisfying the strong Wolfe conditions. One parameter group only. The closure recomputes the loss
/// (clearing and backpropagating the gradients) and returns it.
/// </summary>
public sealed class LBFGS : Optimizer
{
    private readonly List<Parameter> ps;

    /// <summary>The L-BFGS optimizer, as <c>torch.optim.LBFGS</c>; <c>step</c> takes a closure that recomputes the loss.</summary>
    public LBFGS(IEnumerable<Parameter> parameters, double lr = 1, long max_iter = 20, long? max_eval = null, double tolerance_grad = 1e-7,
        double tolerance_change = 1e-9, long history_size = 100, string? line_search_fn = null)
        : base(parameters, Opts(("lr", lr), ("max_iter", max_iter), ("max_eval", max_eval ?? max_iter * 5 / 4), ("tolerance_grad", tolerance_grad),
            ("tolerance_change", tolerance_change), ("history_size", history_size), ("line_search_fn", line_search_fn!)))
    {
        ps = param_groups[0].@params;
    }

    /// <inheritdoc/>
    private protected override bool StateTensorsHaveParameterShape => false;

    /// <summary>A saved history of vectors: Flint's list of tensors, or the list a loaded state dict holds.</summary>
    private static List<Tensor> Vectors(object? v) => v switch
    {
        null => [],
        IEnumerable<Tensor> ts => ts.ToList(),
        IEnumerable<object?> os => os.Select(o => o as Tensor ?? throw new ArgumentException($"LBFGS state: expected a list of tensors, got an entry {o}")).ToList(),
        _ => throw new ArgumentException($"LBFGS state: expected a list of tensors, got {v.GetType().Name}"),
    };

    /// <summary>A saved number: a C# number, or the 0-dim tensor PyTorch keeps (H_diag, the entries of ro).</summary>
    private static double Number(object? v, double fallback) => v switch
    {
        null => fallback,
        Tensor t => t.item<double>(),
        _ => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static List<double> Numbers(object? v) => v switch
    {
        null => [],
        IEnumerable<double> ds => ds.ToList(),
        System.Collections.IEnumerable os => os.Cast<object?>().Select(o => Number(o, double.NaN)).ToList(),
        _ => throw new ArgumentException($"LBFGS state: expected a list of numbers, got {v.GetType().Name}"),
    };

    /// <inheritdoc/>
    protected override void Step(ParamGroup group) => throw new InvalidOperationException("LBFGS steps through step(closure)");

    private Tensor FlatGrad() => cat(ps.Select(p => p.grad is null ? zeros(p.numel(), dtype: p.dtype) : (p.grad.is_sparse ? p.grad.to_dense() : p.grad).reshape(-1)).ToArray(), 0);

    private void AddGrad(double stepSize, Tensor update)
    {
        long offset = 0;
        foreach (var p in ps)
        {
            long n = p.numel();
            p.add_(update.narrow(0, offset, n).view_as(p), alpha: stepSize);
            offset += n;
        }
    }

    private (double loss, Tensor grad) DirectionalEvaluate(Func<Tensor> closure, Tensor[] x, double t, Tensor d)
    {
        AddGrad(t, d);
        double loss;
        using (enable_grad()) loss = closure().item<double>();
        var g = FlatGrad();
        for (int i = 0; i < ps.Count; i++) ps[i].copy_(x[i]);
        return (loss, g);
    }

    private static double Dot(Tensor a, Tensor b) => dot(a, b).item<double>();
    private static double AbsMax(Tensor a) => a.abs().max().item<double>();

    /// <summary>Runs up to max_iter iterations, evaluating <paramref name="closure"/> as often as they need; returns the first loss.</summary>
    /// <exception cref="ArgumentNullException">No closure.</exception>
    public override Tensor? step(Func<Tensor>? closure = null)
    {
        if (closure is null) throw new ArgumentNullException(nameof(closure), "step() missing 1 required positional argument: 'closure'");
        var g = param_groups[0];
        double lr = g.lr, tolGrad = g["tolerance_grad"], tolChange = g["tolerance_change"];
        long maxIter = (long)g["max_iter"], maxEval = (long)g["max_eval"], historySize = (long)g["history_size"];
        string? lineSearch = g.options["line_search_fn"] as string;
        if (lineSearch is not null && lineSearch != "strong_wolfe") throw new InvalidOperationException("only 'strong_wolfe' is supported");
        var state = State(ps[0]);
        long Counter(string k) => state.TryGetValue(k, out var v) ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : 0;
        state["func_evals"] = Counter("func_evals");
        state["n_iter"] = Counter("n_iter");

        Tensor origLoss;
        using (enable_grad()) origLoss = closure();
        double loss = origLoss.item<double>();
        long currentEvals = 1;
        state["func_evals"] = (long)state["func_evals"] + 1;
        using var _ = no_grad();
        var flatGrad = FlatGrad();
        if (AbsMax(flatGrad) <= tolGrad) return origLoss;

        var d = state.GetValueOrDefault("d") as Tensor;
        double t = Number(state.GetValueOrDefault("t"), 0);
        var oldDirs = Vectors(state.GetValueOrDefault("old_dirs"));
        var oldStps = Vectors(state.GetValueOrDefault("old_stps"));
        var ro = Numbers(state.GetValueOrDefault("ro"));
        double hDiag = Number(state.GetValueOrDefault("H_diag"), 1);
        var prevFlatGrad = state.GetValueOrDefault("prev_flat_grad") as Tensor;
        double prevLoss = Number(state.GetValueOrDefault("prev_loss"), 0);

        long nIter = 0;
        while (nIter < maxIter)
        {
            nIter++;
            long total = (long)state["n_iter"] + 1;
            state["n_iter"] = total;
            if (total == 1)
            {
                d = flatGrad.neg();
                oldDirs.Clear(); oldStps.Clear(); ro.Clear();
                hDiag = 1;
            }
            else
            {
                var y = flatGrad.sub(prevFlatGrad!);
                var s = d!.mul(t);
                double ys = Dot(y, s);
                if (ys > 1e-10)
                {
                    if (oldDirs.Count == historySize) { oldDirs.RemoveAt(0); oldStps.RemoveAt(0); ro.RemoveAt(0); }
                    oldDirs.Add(y); oldStps.Add(s); ro.Add(1.0 / ys);
                    hDiag = ys / Dot(y, y);
                }
                if (state.GetValueOrDefault("al") is not List<object?> alState || alState.Count != historySize)
                    state["al"] = alState = Enumerable.Repeat((object?)null, (int)historySize).ToList();
                var al = new double[oldDirs.Count];
                var q = flatGrad.neg();
                for (int i = oldDirs.Count - 1; i >= 0; i--)
                {
                    al[i] = Dot(oldStps[i], q) * ro[i];
                    q.add_(oldDirs[i], alpha: -al[i]);
                }
                d = q.mul(hDiag);
                for (int i = 0; i < al.Length; i++) alState[i] = al[i];
                for (int i = 0; i < oldDirs.Count; i++)
                {
                    double be = Dot(oldDirs[i], d) * ro[i];
                    d.add_(oldStps[i], alpha: al[i] - be);
                }
            }
            if (prevFlatGrad is null) prevFlatGrad = flatGrad.clone();
            else prevFlatGrad.copy_(flatGrad);
            prevLoss = loss;
            t = total == 1 ? Math.Min(1.0, 1.0 / flatGrad.abs().sum().item<double>()) * lr : lr;
            double gtd = Dot(flatGrad, d);
            if (gtd > -tolChange) break;

            long lsEvals = 0;
            bool optCond = false;
            if (lineSearch is not null)
            {
                var xInit = ps.Select(p => (Tensor)p.clone()).ToArray();
                (loss, flatGrad, t, lsEvals) = StrongWolfe.Search((tt, dd) => DirectionalEvaluate(closure, xInit, tt, dd), t, d, loss, flatGrad, gtd, tolChange);
                AddGrad(t, d);
                optCond = AbsMax(flatGrad) <= tolGrad;
            }
            else
            {
                AddGrad(t, d);
                if (nIter != maxIter)
                {
                    using (enable_grad()) loss = closure().item<double>();
                    flatGrad = FlatGrad();
                    optCond = AbsMax(flatGrad) <= tolGrad;
                    lsEvals = 1;
                }
            }
            currentEvals += lsEvals;
            state["func_evals"] = (long)state["func_evals"] + lsEvals;
            if (nIter == maxIter || currentEvals >= maxEval || optCond) break;
            if (AbsMax(d.mul(t)) <= tolChange) break;
            if (Math.Abs(loss - prevLoss) < tolChange) break;
        }
        if (d is not null) state["d"] = d;
        state["t"] = t;
        state["old_dirs"] = oldDirs;
        state["old_stps"] = oldStps;
        state["ro"] = ro;
        state["H_diag"] = hDiag;
        if (prevFlatGrad is not null) state["prev_flat_grad"] = prevFlatGrad;
        state["prev_loss"] = prevLoss;
        return origLoss;
    }
}
