namespace Flint.Autograd;

/// <summary>
/// A tensor an operation keeps for its backward, with the version it had when saved: backward refuses to use
/// it if it was modified in place since (PyTorch's SavedVariable). A struct kept inline in its node's array.
/// </summary>
internal struct SavedTensor
{
    private Tensor? tensor;
    private readonly long savedVersion;
    private readonly bool isOutput;
    private readonly long[] shape;
    private readonly DType dtype;

    internal SavedTensor(Tensor t, bool isOutput = false)
    {
        if (t._storage.IsInference && !GradMode.IsInference)
            throw new InvalidOperationException("Inference tensors cannot be saved for backward. To work around you can make a clone to get a normal tensor and use it in autograd.");
        tensor = t; savedVersion = t.VersionValue; this.isOutput = isOutput;
        shape = t._shape; dtype = t.dtype;
    }

    internal readonly string Describe => $"{dtype.name}{Shape.Str(shape)}";

    internal readonly void Check(Node owner)
    {
        var t = tensor ?? throw new InvalidOperationException(Errors.BackwardTwice);
        if (t.VersionValue != savedVersion)
        {
            // an output names the node that saved it; an input names the op that (now) produces it, as PyTorch does
            string? which = isOutput ? $"output 0 of {owner.name()}" : t.grad_fn is { } gf ? $"output {t.OutputNr} of {gf.name()}" : null;
            throw new InvalidOperationException(
                $"one of the variables needed for gradient computation has been modified by an inplace operation: [torch.{t.TypeName()} {Shape.Str(t._shape)}]{(which is null ? "" : ", which is " + which)}, is at version {t.VersionValue}; expected version {savedVersion} instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True).");
        }
    }

    internal readonly Tensor Value => tensor ?? throw new InvalidOperationException(Errors.BackwardTwice);
    internal void Release() => tensor = null;
}
