using Flint.Autograd;

namespace Flint;

public partial class Tensor
{
    private bool _requiresGrad;
    private Node? _gradFn;
    internal int OutputNr;

    /// <summary>
    /// The autograd state few tensors have (leaves that require grad, tensors with hooks or retained grads), kept
    /// apart so the many intermediate tensors stay small.
    /// </summary>
    private sealed class AutogradExtras
    {
        public AccumulateGrad? Accumulator;
        public List<Func<Tensor, Tensor?>>? Hooks;
        public List<Action<Tensor>>? PostAccumulateHooks;
        public Tensor? Grad;
        public bool RetainsGrad;
    }

    private AutogradExtras? _extras;
    private AutogradExtras Extras => _extras ??= new AutogradExtras();

    /// <summary>Whether gradients are computed for this tensor. Only floating point tensors can require them.</summary>
    public bool requires_grad
    {
        get => _requiresGrad || grad_fn is not null;
        set
        {
            if (!is_leaf)
            {
                if (!value)
                    throw new InvalidOperationException("you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
                return;
            }
            if (value && !dtype.is_floating_point)
                throw new InvalidOperationException("only Tensors of floating point and complex dtype can require gradients");
            if (value && _storage.IsInference && !GradMode.IsInference)
                throw new InvalidOperationException("Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.");
            _requiresGrad = value;
        }
    }

    /// <summary>Sets <see cref="requires_grad"/> in place and returns this tensor.</summary>
    public Tensor requires_grad_(bool requires_grad = true)
    {
        if (requires_grad && is_leaf && !dtype.is_floating_point)
            throw new InvalidOperationException("only Tensors of floating point dtype can require gradients");
        this.requires_grad = requires_grad;
        return this;
    }

    /// <summary>The factories' requires_grad argument (PyTorch words this check differently there).</summary>
    internal void RequireGradFromFactory()
    {
        if (!dtype.is_floating_point)
            throw new InvalidOperationException("Only Tensors of floating point and complex dtype can require gradients");
        _requiresGrad = true;
    }

    /// <summary>Whether this tensor was made under torch.inference_mode() (it, and its views, are then inference tensors).</summary>
    public bool is_inference() => _storage.IsInference;

    /// <summary>The gradient accumulated by backward (null until then).</summary>
    public Tensor? grad
    {
        get => _extras?.Grad;
        set { if (value is not null || _extras is not null) Extras.Grad = value; }
    }

    /// <summary>The node that computes this tensor's gradient in backward (null for leaves).</summary>
    public Node? grad_fn
    {
        get
        {
            // a view whose data was written in place (through it, its base or another view) takes its history
            // from its base's current history, as PyTorch regenerates it
            if (_viewBase is not null && _viewVersion != VersionValue) RefreshViewHistory();
            return _gradFn;
        }
    }

    /// <summary>True for tensors created by the user rather than recorded by an operation.</summary>
    public bool is_leaf => grad_fn is null;

    /// <summary>The name of the operation that made this tensor, as printed in <c>grad_fn=&lt;...&gt;</c> (null for leaves).</summary>
    internal string? GradFnName => grad_fn?.name();

    internal List<Func<Tensor, Tensor?>>? HookList => _extras?.Hooks;
    internal List<Action<Tensor>>? PostAccumulateHookList => _extras?.PostAccumulateHooks;

    internal void SetHistory(Node node, int outputNr)
    {
        _gradFn = node; OutputNr = outputNr; _requiresGrad = true;
        if (_viewBase is not null) _viewVersion = VersionValue;
    }

    internal AccumulateGrad GradAccumulator() => Extras.Accumulator ??= new AccumulateGrad(this);

    /// <summary>A tensor sharing this one's data (and version counter) that does not require grad.</summary>
    public Tensor detach() => _sparse is { } sp ? SparseOf(sp.Indices, sp.Values, _shape, sp.Coalesced) : new(_storage, _shape, _strides, _offset, _version);

    /// <summary>Detaches this tensor from the graph in place: it becomes a leaf that does not require grad.</summary>
    public Tensor detach_()
    {
        _gradFn = null; _requiresGrad = false; OutputNr = 0; retains_grad = false;
        return this;
    }

    /// <summary>Keeps the gradient of this non-leaf tensor in <c>.grad</c> during backward.</summary>
    public void retain_grad()
    {
        if (!requires_grad) throw new InvalidOperationException("can't retain_grad on Tensor that has requires_grad=False");
        if (is_leaf || retains_grad) return;
        // kept among the tensor's hooks in registration order: hooks registered later do not change what is retained
        var self = new WeakReference<Tensor>(this);
        (_gradFn!.TensorPreHooks ??= []).Add((OutputNr, g =>
        {
            if (self.TryGetTarget(out var t))
                t.grad = t.grad is null ? g.detach().clone() : t.grad + g.detach();
            return null;
        }));
        retains_grad = true;
    }

    /// <summary>Whether this non-leaf tensor keeps its <c>.grad</c> after backward (set by <c>retain_grad()</c>), as <c>tensor.retains_grad</c>.</summary>
    public bool retains_grad
    {
        get => _extras?.RetainsGrad ?? false;
        private set { if (value || _extras is not null) Extras.RetainsGrad = value; }
    }

    /// <summary>Registers a hook called with this tensor's gradient; a non-null return value replaces the gradient.</summary>
    public RemovableHandle register_hook(Func<Tensor, Tensor?> hook)
    {
        if (!requires_grad) throw new InvalidOperationException("cannot register a hook on a tensor that doesn't require gradient");
        if (is_leaf)
        {
            var hooks = Extras.Hooks ??= [];
            hooks.Add(hook);
            return new RemovableHandle(() => hooks.Remove(hook));
        }
        var entry = (OutputNr, hook);
        (_gradFn!.TensorPreHooks ??= []).Add(entry);
        var fn = _gradFn;
        return new RemovableHandle(() => fn.TensorPreHooks!.Remove(entry));
    }

    /// <summary>Registers a hook called with the gradient of this tensor each time it is computed, as <c>tensor.register_hook</c>; this overload observes the gradient without replacing it. Dispose (or <c>remove()</c>) the handle to unregister.</summary>
    public RemovableHandle register_hook(Action<Tensor> hook) => register_hook(g => { hook(g); return null; });

    /// <summary>Registers a hook called with this leaf tensor after its .grad was updated.</summary>
    public RemovableHandle register_post_accumulate_grad_hook(Action<Tensor> hook)
    {
        if (!is_leaf) throw new InvalidOperationException("post accumulate grad hooks cannot be registered on non-leaf tensors");
        if (!requires_grad) throw new InvalidOperationException("cannot register a hook on a tensor that doesn't require gradient");
        var hooks = Extras.PostAccumulateHooks ??= [];
        hooks.Add(hook);
        return new RemovableHandle(() => hooks.Remove(hook));
    }

    /// <summary>Computes the gradient of this tensor with respect to the graph's leaves, accumulating into their .grad.</summary>
    public void backward(Tensor? gradient = null, bool? retain_graph = null, bool create_graph = false, Tensor[]? inputs = null)
    {
        torch.autograd.backward([this], gradient is null ? null : [gradient], retain_graph, create_graph, inputs);
    }

    /// <summary>grad += g without recording history (used when accumulating under no_grad).</summary>
    internal void AccumulateInPlace(Tensor g)
    {
        if (_sparse is not null || g._sparse is not null) { Ops.AddSubtract.Run(this, g, null, null, inPlace: true, isSub: false); return; }
        Ops.Elementwise.NumericBinary<Ops.Kernels.AddOp>(this, g, null, inPlace: true);
    }
}

/// <summary>Removes a registered hook when disposed or when <see cref="remove"/> is called.</summary>
public sealed class RemovableHandle : IDisposable
{
    private Action? onRemove;
    internal RemovableHandle(Action onRemove) { this.onRemove = onRemove; }
    /// <summary>Unregisters the hook, as <c>handle.remove()</c>.</summary>
    public void remove() { onRemove?.Invoke(); onRemove = null; }
    /// <inheritdoc/>
    public void Dispose() => remove();
}

public partial class Tensor
{
    /// <summary>Replaces this tensor's data with another's (PyTorch's <c>t.data = other</c>), keeping autograd state.</summary>
    internal void SetData(Tensor other)
    {
        _storage = other._storage; _shape = other._shape; _strides = other._strides; _offset = other._offset;
        _sparse = other._sparse;
    }

    /// <summary>The data as a tensor that does not require grad (PyTorch's <c>.data</c>).</summary>
    public Tensor data
    {
        get => _sparse is { } sp ? SparseOf(sp.Indices, sp.Values, _shape, sp.Coalesced) : new(_storage, _shape, _strides, _offset);
        set => SetData(value);
    }
}

public partial class Tensor
{
    /// <summary>The tensor that owns the memory this view reads (null for tensors that are not views).</summary>
    internal Tensor? _viewBase;
    /// <summary>The data's version when this view's history was last set from (or checked against) its base.</summary>
    internal long _viewVersion;

    /// <summary>Marks <paramref name="view"/> as a view of this tensor's data (its base is this tensor's base, or this tensor).</summary>
    internal Tensor AsViewOfThis(Tensor view)
    {
        view._viewBase = _viewBase ?? this;
        view._viewVersion = view.VersionValue;
        return view;
    }

    /// <summary>
    /// After an in-place write, a view that takes part in autograd reads its history from its base's current
    /// history (an AsStridedBackward0 node over the base, as PyTorch 1.13 names it).
    /// </summary>
    private void RefreshViewHistory()
    {
        _viewVersion = VersionValue;
        var b = _viewBase!;
        if (!b.requires_grad || ReferenceEquals(b, this)) return;
        if (Autograd.Recording.EdgeOf(b) is not { } edge) return;
        var node = Autograd.CopySlices.ViewNode(b, this, edge);
        _gradFn = node; OutputNr = 0;
    }
}

public static partial class torch
{
    /// <summary>A view of input's data outside the graph (Tensor.detach as a function).</summary>
    public static Tensor detach(Tensor input) => input.detach();
}
