using Flint.Printing;
using static Flint.torch;
using static Flint.Optimizers.OptimizerOptions;

namespace Flint.Optimizers;

/// <summary>
/// The lazy Adam of sparse gradients (PyTorch's SparseAdam and its functional sparse_adam): each step coalesces
/// a parameter's sparse gradient and updates the moment estimates, and the parameter, only at the gradient's
/// indices, with Adam's bias corrections. Dense gradients are refused (use <see cref="Adam"/>); so are sparse
/// parameters. The step count is a plain integer, as PyTorch keeps it for this optimizer.
/// </summary>
public sealed class SparseAdam : Optimizer
{
    /// <summary>SparseAdam over <paramref name="parameters"/>, as <c>torch.optim.SparseAdam</c>; <paramref name="betas"/> defaults to (0.9, 0.999).</summary>
    /// <exception cref="ArgumentException">An option is out of range, or a parameter is sparse (PyTorch's messages).</exception>
    public SparseAdam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double b1, double b2)? betas = null, double eps = 1e-8, bool maximize = false)
        : base(Checked(parameters.ToList(), lr, betas, eps), Defaults(lr, betas, eps, maximize)) { }

    /// <summary>SparseAdam over parameter groups; options a group lacks come from these arguments.</summary>
    /// <exception cref="ArgumentException">An option is out of range, or a parameter is sparse (PyTorch's messages).</exception>
    public SparseAdam(IEnumerable<ParamGroup> param_groups, double lr = 1e-3, (double b1, double b2)? betas = null, double eps = 1e-8, bool maximize = false)
        : base(Checked(param_groups.ToList(), lr, betas, eps), Defaults(lr, betas, eps, maximize)) { }

    private static Dictionary<string, object> Defaults(double lr, (double, double)? betas, double eps, bool maximize) =>
        Opts(("lr", lr), ("betas", betas ?? (0.9, 0.999)), ("eps", eps), ("maximize", maximize));

    /// <summary>PyTorch's constructor checks, in its order: the options, then that no parameter is sparse.</summary>
    private static void CheckOptions(double lr, (double b1, double b2)? betas, double eps)
    {
        var (b1, b2) = betas ?? (0.9, 0.999);
        if (!(0 < lr)) throw new ArgumentException($"Invalid learning rate: {PyFormat.Repr(lr)}");
        if (!(0 < eps)) throw new ArgumentException($"Invalid epsilon value: {PyFormat.Repr(eps)}");
        if (!(b1 >= 0 && b1 < 1)) throw new ArgumentException($"Invalid beta parameter at index 0: {PyFormat.Repr(b1)}");
        if (!(b2 >= 0 && b2 < 1)) throw new ArgumentException($"Invalid beta parameter at index 1: {PyFormat.Repr(b2)}");
    }

    private static List<Parameter> Checked(List<Parameter> ps, double lr, (double, double)? betas, double eps)
    {
        CheckOptions(lr, betas, eps);
        RefuseSparse(ps.Select((p, i) => (p, i.ToString())));
        return ps;
    }

    private static List<ParamGroup> Checked(List<ParamGroup> groups, double lr, (double, double)? betas, double eps)
    {
        CheckOptions(lr, betas, eps);
        RefuseSparse(groups.SelectMany((g, i) => g.@params.Select((p, j) => (p, $"[{i}, {j}]"))));
        return groups;
    }

    private static void RefuseSparse(IEnumerable<(Parameter p, string at)> ps)
    {
        var sparse = ps.Where(x => x.p.is_sparse).Select(x => x.at).ToList();
        if (sparse.Count > 0)
            throw new ArgumentException($"Sparse params at indices [{string.Join(", ", sparse)}]: SparseAdam requires dense parameter tensors");
    }

    /// <inheritdoc/>
    protected override void Step(ParamGroup g)
    {
        double lr = g.lr, eps = g["eps"];
        var (b1, b2) = g.betas;
        bool maximize = g.Flag("maximize");
        // as PyTorch: every parameter's state is started and its step counted, then the updates run
        var work = new List<(Parameter p, Tensor grad, Dictionary<string, object> s, long step)>();
        foreach (var p in g.@params)
        {
            if (p.grad is not { } grad) continue;
            if (!grad.is_sparse) throw new InvalidOperationException("SparseAdam does not support dense gradients, please consider Adam instead");
            var s = State(p);
            if (s.Count == 0)
            {
                s["step"] = 0L;
                s["exp_avg"] = zeros_like(p);
                s["exp_avg_sq"] = zeros_like(p);
            }
            long step = StepCount(s["step"]) + 1;
            s["step"] = step;
            work.Add((p, grad, s, step));
        }
        foreach (var (p, grad, s, step) in work)
            Update(p, grad, (Tensor)s["exp_avg"], (Tensor)s["exp_avg_sq"], step, lr, b1, b2, eps, maximize);
    }

    /// <summary>A saved step count: Flint's integer, a number from a file, or a 0-dim tensor.</summary>
    private static long StepCount(object v) => v is Tensor t ? (long)t.item<double>() : (long)StateDictValues.Float(v, "step");

    /// <summary>One parameter's update at its coalesced gradient's indices (PyTorch's sparse_adam, step by step).</summary>
    private static void Update(Parameter p, Tensor grad, Tensor expAvg, Tensor expAvgSq, long step, double lr, double b1, double b2, double eps, bool maximize)
    {
        var c = grad.coalesce();
        var values = maximize ? c._values().neg() : c._values();
        if (values.size(0) == 0) return;
        var indices = c._indices();
        var at = new Tensor?[indices.size(0)];
        for (int d = 0; d < at.Length; d++) at[d] = indices.select(0, d);
        var gather = at.Select(i => (TensorIndex)i!).ToArray();
        // old <- b * old + (1 - b) * new, as old += (1 - b) * (new - old) at the gradient's entries
        var oldAvg = expAvg[gather];
        var avgUpdate = values.sub(oldAvg).mul_(1 - b1);
        expAvg.index_put_(at, avgUpdate, accumulate: true);
        var oldSq = expAvgSq[gather];
        var sqUpdate = values.pow(2).sub_(oldSq).mul_(1 - b2);
        expAvgSq.index_put_(at, sqUpdate, accumulate: true);
        var numer = avgUpdate.add_(oldAvg);
        var denom = sqUpdate.add_(oldSq).sqrt_().add_(eps);
        double bc1 = 1 - Math.Pow(b1, step), bc2 = 1 - Math.Pow(b2, step);
        double stepSize = lr * Math.Sqrt(bc2) / bc1;
        p.index_put_(at, numer.div_(denom).mul(-stepSize), accumulate: true);
    }
}
