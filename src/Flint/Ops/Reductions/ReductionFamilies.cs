namespace Flint.Ops.Kernels;

// The declaration faces of reductions, scans and softmax (the kernel faces, IReduceOp and IScanOp, are what a
// backend sees). Every family whose result can be floating demands a Derivative (a formula, or
// ReduceDerivative.NotImplemented / NotDifferentiable), so a reduction cannot be declared without stating its
// backward. The public forms of an op come from its [ReductionOp] declaration (Flint.Generators).

/// <summary>A reduction over dims (sum, mean, amax, all, var, logsumexp, ...).</summary>
internal interface IReduction : IReduceOp, IReduceDifferentiable { }

/// <summary>A scan along one dim (cumsum, cumprod).</summary>
internal interface IScan : IScanOp, IReduceDifferentiable { }

/// <summary>softmax or log_softmax along one dim: which of the backend's two softmax kernels, and the node.</summary>
internal interface ISoftmax : IReduceDifferentiable
{
    static abstract bool Log { get; }
}

/// <summary>argmax/argmin: int64 positions, never differentiable.</summary>
internal interface IArgReduction : IIndexReduceOp { }
