using Flint.Ops.Kernels;

namespace Flint;

// Views share storage with their base: only shape, strides and offset change.
public partial class Tensor
{
    internal Tensor View(long[] shape, long[] strides, long offset) => AsViewOfThis(new(_storage, shape, strides, offset, _version));

    // The views' derivatives. A view's node has one input, the viewed tensor; what it saves is the geometry its
    // gradient needs (the input's shape, the dims moved).

    /// <summary>The views whose gradient is reshaped back to the input's shape (the node saves that shape).</summary>
    private static readonly NodeDerivative<long[]> ViewDerivative = new("ViewBackward0", null, (g, shape) => g.reshape(shape));
    private static readonly NodeDerivative<long[]> UnsafeViewDerivative = ViewDerivative.Named("UnsafeViewBackward0");
    private static readonly NodeDerivative<long[]> ReshapeAliasDerivative = ViewDerivative.Named("ReshapeAliasBackward0");
    private static readonly NodeDerivative<long[]> SqueezeDerivative = ViewDerivative.Named("SqueezeBackward0");
    private static readonly NodeDerivative<long[]> SqueezeDimDerivative = ViewDerivative.Named("SqueezeBackward1");
    private static readonly NodeDerivative<long[]> SqueezeDimsDerivative = ViewDerivative.Named("SqueezeBackward2");
    private static readonly NodeDerivative<long[]> ExpandDerivative = new("ExpandBackward0", null, (g, shape) => Autograd.Recording.SumToShape(g, shape));
    private static readonly NodeDerivative<(int d0, int d1)> TransposeDerivative = new("TransposeBackward0", null, (g, s) => g.ndim == 0 ? g : g.transpose(s.d0, s.d1));
    private static readonly NodeDerivative<NoState> TDerivative = new("TBackward0", null, (g, _) => g.t());
    /// <summary>The node saves the inverse permutation.</summary>
    private static readonly NodeDerivative<long[]> PermuteDerivative = new("PermuteBackward0", null, (g, inverse) => g.permute(inverse));
    private static readonly NodeDerivative<int> UnsqueezeDerivative = new("UnsqueezeBackward0", null, (g, d) => g.squeeze(d));

    /// <summary>
    /// The backward of a view that picks part of its input (slice, select): zeros with the part filled by the
    /// gradient. The node saves the part (the same view, as a function of the tensor it is taken of); its own
    /// gradient takes that part of gg, so gradients of gradients flow.
    /// </summary>
    internal static readonly NodeDerivative<Func<Tensor, Tensor>> SliceBackwardDerivative = new("SliceBackwardBackward0", null, (gg, part) => part(gg));
    internal static readonly NodeDerivative<Func<Tensor, Tensor>> SelectBackwardDerivative = SliceBackwardDerivative.Named("SelectBackwardBackward0");

    private static readonly NodeDerivative<(Tensor self, int d, long start, long length)> SliceDerivative = new("SliceBackward0", null,
        (g, s) => s.self.Embed(g, SliceBackwardDerivative, z => z.narrow(s.d, s.start, s.length)));
    private static readonly NodeDerivative<(Tensor self, int d, long index)> SelectDerivative = new("SelectBackward0", null,
        (g, s) => s.self.Embed(g, SelectBackwardDerivative, z => z.select(s.d, s.index)));

    /// <summary>The gradient of a view that picks part of this tensor (see <see cref="SliceBackwardDerivative"/>).</summary>
    internal Tensor Embed(Tensor g, NodeDerivative<Func<Tensor, Tensor>> node, Func<Tensor, Tensor> part) =>
        Embed(g, _shape, dtype, device, node, part);

    /// <summary>Zeros of (shape, dtype, device) with <paramref name="part"/> of them set to g, recorded as <paramref name="node"/>.</summary>
    internal static Tensor Embed(Tensor g, long[] shape, DType dtype, Device device, NodeDerivative<Func<Tensor, Tensor>> node, Func<Tensor, Tensor> part) =>
        node.Run([g], part, () =>
        {
            var z = torch.zeros(shape, dtype, device);
            part(z).copy_(g);
            return z;
        });

    /// <summary>A view with another shape over the same elements, as <c>tensor.view(*shape)</c>; one size may be -1 (inferred). Fails when the strides do not allow a view (use <c>reshape</c>).</summary>
    public Tensor view(params long[] shape)
    {
        var s = Shape.InferSize(shape, numel());
        var st = Shape.ComputeViewStrides(_shape, _strides, s)
            ?? throw new InvalidOperationException("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
        return ViewDerivative.Record(View(s, st, _offset), [this], _shape);
    }

    /// <summary>A view with the shape of <paramref name="other"/>, as <c>tensor.view_as(other)</c>.</summary>
    public Tensor view_as(Tensor other) => view(other._shape);

    /// <summary>A view of a contiguous tensor recorded as UnsafeViewBackward0 (how PyTorch's composite ops reshape results).</summary>
    internal Tensor UnsafeView(long[] shape)
    {
        if (!is_contiguous()) return reshape(shape);
        var s = Shape.InferSize(shape, numel());
        return UnsafeViewDerivative.Record(View(s, Shape.ContiguousStrides(s), _offset), [this], _shape);
    }

    /// <summary>The tensor with another shape, as <c>tensor.reshape(*shape)</c>: a view when the strides allow one, else a copy; one size may be -1.</summary>
    public Tensor reshape(params long[] shape)
    {
        var s = Shape.InferSize(shape, numel());
        var st = Shape.ComputeViewStrides(_shape, _strides, s);
        if (st is not null) return ReshapeAliasDerivative.Record(View(s, st, _offset), [this], _shape);
        // as PyTorch: a contiguous clone (CloneBackward0), then an unsafe view of it (UnsafeViewBackward0)
        var copy = contiguous();
        return UnsafeViewDerivative.Record(copy.View(s, Shape.ContiguousStrides(s), 0), [copy], _shape);
    }

    /// <summary>The tensor with the shape of <paramref name="other"/>, as <c>tensor.reshape_as(other)</c>.</summary>
    public Tensor reshape_as(Tensor other) => reshape(other._shape);

    /// <summary>A view with dims <paramref name="dim0"/> and <paramref name="dim1"/> swapped, as <c>tensor.transpose(dim0, dim1)</c>.</summary>
    public Tensor transpose(long dim0, long dim1)
    {
        int d0 = Shape.WrapDim(dim0, ndim), d1 = Shape.WrapDim(dim1, ndim);
        if (ndim == 0) return TransposeDerivative.Record(View(_shape, _strides, _offset), [this], (d0, d1));
        var sh = (long[])_shape.Clone(); var st = (long[])_strides.Clone();
        (sh[d0], sh[d1]) = (sh[d1], sh[d0]);
        (st[d0], st[d1]) = (st[d1], st[d0]);
        return TransposeDerivative.Record(View(sh, st, _offset), [this], (d0, d1));
    }

    /// <summary>Swaps dims <paramref name="dim0"/> and <paramref name="dim1"/> of this tensor in place (its strides), as <c>tensor.transpose_</c>.</summary>
    public Tensor transpose_(long dim0, long dim1) => Restride(t => t.transpose(dim0, dim1), "TransposeBackward1");

    /// <summary>Alias of <c>transpose</c>, as <c>tensor.swapaxes</c>.</summary>
    public Tensor swapaxes(long axis0, long axis1) => transpose(axis0, axis1);
    /// <summary>Alias of <c>transpose_</c>, as <c>tensor.swapaxes_</c>.</summary>
    public Tensor swapaxes_(long axis0, long axis1) => transpose_(axis0, axis1);
    /// <summary>Alias of <c>transpose</c>, as <c>tensor.swapdims</c>.</summary>
    public Tensor swapdims(long dim0, long dim1) => transpose(dim0, dim1);
    /// <summary>Alias of <c>transpose_</c>, as <c>tensor.swapdims_</c>.</summary>
    public Tensor swapdims_(long dim0, long dim1) => transpose_(dim0, dim1);

    /// <summary>
    /// The in-place view ops (t_, transpose_, squeeze_, unsqueeze_, as_strided_): self takes the shape, strides and
    /// offset of the out-of-place view, keeps its storage and bumps its version as PyTorch; in a graph self's history
    /// moves onto the view's node (whose input stands for self's previous history). A view stays a view of its base
    /// with the new geometry.
    /// </summary>
    private Tensor Restride(Func<Tensor, Tensor> view, string inPlaceName)
    {
        Autograd.AutogradHooks.CheckInPlace(this);
        Tensor v;
        var before = grad_fn;
        if (Autograd.GradMode.IsEnabled && requires_grad && before is { } previous)
        {
            var old = new Tensor(_storage, _shape, _strides, _offset, _version);
            old.SetHistory(previous, OutputNr);
            v = view(old);
        }
        else v = view(this);
        // read the view's node before the version moves (a view of a changed tensor would regenerate its history)
        var fn = v.grad_fn; int outputNr = v.OutputNr;
        if (fn is Autograd.FunctionNode f && !ReferenceEquals(fn, before)) f.RenameForInPlace(inPlaceName);
        _shape = (long[])v._shape.Clone();
        _strides = (long[])v._strides.Clone();
        _offset = v._offset;
        BumpVersion();
        if (fn is not null) SetHistory(fn, outputNr);
        return this;
    }

    /// <summary>Transposes a tensor of at most 2 dims.</summary>
    public Tensor t()
    {
        if (ndim > 2) throw new ArgumentException($"t() expects a tensor with <= 2 dimensions, but self is {ndim}D");
        var v = ndim < 2 ? View(_shape, _strides, _offset) : View([_shape[1], _shape[0]], [_strides[1], _strides[0]], _offset);
        return TDerivative.Record(v, [this], default);
    }

    /// <summary>Transposes a tensor of at most 2 dims in place, as <c>tensor.t_()</c>.</summary>
    public Tensor t_() => Restride(t => t.t(), "TBackward1");

    /// <summary>Reverses all dims (deprecated in PyTorch for ndim != 2, kept for 2-D code).</summary>
    public Tensor T => permute(Enumerable.Range(0, ndim).Reverse().Select(i => (long)i).ToArray());

    /// <summary>Transposes the last two dims (a 0-dim tensor comes back as a view of itself, as in PyTorch).</summary>
    public Tensor mT => MatrixTranspose("mT");

    /// <summary>The conjugate transpose of the last two dims (the same as <see cref="mT"/> for real dtypes).</summary>
    public Tensor mH => MatrixTranspose("mH");

    /// <summary>The conjugate transpose of the last two dims (the same as <see cref="mT"/> for real dtypes).</summary>
    public Tensor adjoint() => MatrixTranspose("adjoint()");

    private Tensor MatrixTranspose(string name)
    {
        if (ndim == 1) throw new ArgumentException($"tensor.{name} is only supported on matrices or batches of matrices. Got 1-D tensor.");
        return ndim == 0 ? transpose(0, 0) : transpose(-2, -1);
    }

    /// <summary>A flattened 1-D view when possible, else a copy (as <see cref="reshape"/>).</summary>
    public Tensor ravel() => reshape(-1);

    /// <summary>A view with the dims reordered, as <c>tensor.permute(*dims)</c>.</summary>
    public Tensor permute(params long[] dims)
    {
        if (dims.Length != ndim)
            throw new ArgumentException($"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {ndim} is not equal to len(dims) = {dims.Length}");
        var seen = new bool[ndim];
        var sh = new long[ndim]; var st = new long[ndim];
        for (int i = 0; i < ndim; i++)
        {
            int d = Shape.WrapDim(dims[i], ndim);
            if (seen[d]) throw new ArgumentException("permute(): duplicate dims are not allowed.");
            seen[d] = true;
            sh[i] = _shape[d]; st[i] = _strides[d];
        }
        var inv = new long[ndim];
        for (int i = 0; i < ndim; i++) inv[Shape.WrapDim(dims[i], ndim)] = i;
        return PermuteDerivative.Record(View(sh, st, _offset), [this], inv);
    }

    /// <summary>A view that repeats size-1 dims to <paramref name="sizes"/> without copying (stride 0), as <c>tensor.expand(*sizes)</c>; -1 keeps a size.</summary>
    public Tensor expand(params long[] sizes)
    {
        if (sizes.Length < ndim)
            throw new ArgumentException($"expand(torch.{TypeName()}{{{Shape.Str(_shape)}}}, size={Shape.Str(sizes)}): the number of sizes provided ({sizes.Length}) must be greater or equal to the number of dimensions in the tensor ({ndim})");
        var sh = new long[sizes.Length]; var st = new long[sizes.Length];
        if (ndim == 0)
        {
            // a 0-dim tensor takes the sizes as given, every stride 0
            Array.Copy(sizes, sh, sizes.Length);
        }
        else
        {
            int off = sizes.Length - ndim;
            for (int i = sizes.Length - 1; i >= 0; i--)
            {
                int j = i - off;
                long size = j >= 0 ? _shape[j] : 1;
                // a new leading dim of size 1 gets the stride a contiguous layout would give it
                long stride = j >= 0 ? _strides[j] : sh[i + 1] * st[i + 1];
                long target = sizes[i];
                if (target == -1)
                {
                    if (j < 0) throw new ArgumentException($"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}");
                    target = size;
                }
                if (size != target)
                {
                    if (size != 1)
                        throw new ArgumentException($"The expanded size of the tensor ({target}) must match the existing size ({size}) at non-singleton dimension {i}.  Target sizes: {Shape.Str(sizes)}.  Tensor sizes: {Shape.Str(_shape)}");
                    size = target; stride = 0;
                }
                sh[i] = size; st[i] = stride;
            }
        }
        Shape.Numel(sh);
        return ExpandDerivative.Record(View(sh, st, _offset), [this], _shape);
    }

    /// <summary>The tensor expanded to the shape of <paramref name="other"/>, as <c>tensor.expand_as(other)</c>.</summary>
    public Tensor expand_as(Tensor other) => expand(other._shape);
    /// <summary>The tensor expanded to <paramref name="shape"/>, as <c>tensor.broadcast_to(shape)</c>.</summary>
    public Tensor broadcast_to(params long[] shape) => expand(shape);

    internal string TypeName() => dtype.LegacyName + "Tensor";

    /// <summary>A view without the size-1 dims, as <c>tensor.squeeze()</c>.</summary>
    public Tensor squeeze()
    {
        var keep = Enumerable.Range(0, ndim).Where(i => _shape[i] != 1).ToArray();
        return SqueezeDerivative.Record(View(keep.Select(i => _shape[i]).ToArray(), keep.Select(i => _strides[i]).ToArray(), _offset), [this], _shape);
    }

    /// <summary>Removes the listed dims that have size 1 (others stay); a dim listed twice is an error.</summary>
    public Tensor squeeze(params long[] dims)
    {
        var listed = new bool[Math.Max(ndim, 1)];
        foreach (var d in dims)
        {
            int w = Shape.WrapDim(d, ndim);
            if (listed[w]) throw new ArgumentException($"dim {w} appears multiple times in the list of dims");
            listed[w] = true;
        }
        var node = dims.Length == 1 ? SqueezeDimDerivative : SqueezeDimsDerivative;
        if (ndim == 0) return node.Record(View(_shape, _strides, _offset), [this], _shape);
        var keep = Enumerable.Range(0, ndim).Where(i => !(listed[i] && _shape[i] == 1)).ToArray();
        return node.Record(View(keep.Select(i => _shape[i]).ToArray(), keep.Select(i => _strides[i]).ToArray(), _offset), [this], _shape);
    }

    /// <summary>Removes the size-1 dims of this tensor in place, as <c>tensor.squeeze_()</c>.</summary>
    public Tensor squeeze_() => Restride(t => t.squeeze(), "SqueezeBackward2");
    /// <summary>Removes the given size-1 dims of this tensor in place, as <c>tensor.squeeze_(dim)</c>.</summary>
    public Tensor squeeze_(params long[] dims) => Restride(t => t.squeeze(dims), "SqueezeBackward3");

    /// <summary>Inserts a size-1 dim at <paramref name="dim"/> in place, as <c>tensor.unsqueeze_(dim)</c>.</summary>
    public Tensor unsqueeze_(long dim) => Restride(t => t.unsqueeze(dim), "UnsqueezeBackward1");

    /// <summary>A view with a size-1 dim inserted at <paramref name="dim"/>, as <c>tensor.unsqueeze(dim)</c>.</summary>
    public Tensor unsqueeze(long dim)
    {
        int d = Shape.WrapDim(dim, ndim + 1);
        var sh = _shape.ToList(); var st = _strides.ToList();
        long s = d < ndim ? _shape[d] * _strides[d] : 1;
        sh.Insert(d, 1); st.Insert(d, s);
        return UnsqueezeDerivative.Record(View(sh.ToArray(), st.ToArray(), _offset), [this], d);
    }

    /// <summary>The dims from <paramref name="start_dim"/> to <paramref name="end_dim"/> merged into one, as <c>tensor.flatten</c> (a view where the strides allow).</summary>
    public Tensor flatten(long start_dim = 0, long end_dim = -1)
    {
        int s = Shape.WrapDim(start_dim, ndim), e = Shape.WrapDim(end_dim, ndim);
        if (ndim == 0) return reshape(1);
        if (s > e) throw new ArgumentException("flatten() has invalid args: start_dim cannot come after end_dim");
        if (s == e) return this;
        var sh = new List<long>();
        for (int i = 0; i < s; i++) sh.Add(_shape[i]);
        long p = 1; for (int i = s; i <= e; i++) p *= _shape[i];
        sh.Add(p);
        for (int i = e + 1; i < ndim; i++) sh.Add(_shape[i]);
        return reshape(sh.ToArray());
    }

    /// <summary>Dim <paramref name="dim"/> split into <paramref name="sizes"/>, as <c>tensor.unflatten(dim, sizes)</c>.</summary>
    public Tensor unflatten(long dim, params long[] sizes)
    {
        int d = Shape.WrapDim(dim, ndim);
        if (sizes.Length == 0) throw new ArgumentException("unflatten: sizes must be non-empty");
        if (ndim == 0) throw new IndexOutOfRangeException($"Dimension specified as {d} but tensor has no dimensions");
        long[] inferred;
        try { inferred = Shape.InferSize(sizes, _shape[d]); }
        catch (ArgumentException e) when (e.Message.Contains("is invalid for input of size", StringComparison.Ordinal)
                                          || e.Message == "only one dimension can be inferred")
        {
            // PyTorch rewords the two errors its infer_size raises as std::runtime_error; the others (a negative size,
            // a 0-element ambiguity, an element count past 2^63) pass unchanged
            if (e.Message.Contains("is invalid for input of size", StringComparison.Ordinal))
                throw new ArgumentException($"unflatten: Provided sizes {Shape.Str(sizes)} don't multiply up to the size of dim {d} ({_shape[d]}) in the input tensor");
            throw new ArgumentException("unflatten got an unexpected error:\n" + e.Message);
        }
        var sh = _shape.Take(d).Concat(inferred).Concat(_shape.Skip(d + 1)).ToArray();
        return view(sh);
    }

    /// <summary>narrow with the start given as a 0-dim integer tensor.</summary>
    public Tensor narrow(long dim, Tensor start, long length)
    {
        if (start.ndim != 0 || start.dtype.is_floating_point || start.dtype.IsBool)
            throw new ArgumentException("start must be an 0-dim integral Tensor.");
        return narrow(dim, start.item<long>(), length);
    }

    /// <summary>A view of <paramref name="length"/> elements of dim <paramref name="dim"/> from <paramref name="start"/>, as <c>tensor.narrow</c>.</summary>
    public Tensor narrow(long dim, long start, long length)
    {
        if (ndim == 0) throw new ArgumentException("narrow() cannot be applied to a 0-dim tensor.");
        int d = Shape.WrapDim(dim, ndim);
        long size = _shape[d];
        // start == size is a valid empty slice; otherwise start is wrapped like a dim of a size-long list
        if (start != size) start = Shape.WrapDim(start, (int)Math.Min(size, int.MaxValue));
        if (length < 0 || start > size - length)
            throw new ArgumentException($"start ({start}) + length ({length}) exceeds dimension size ({size}).");
        var sh = (long[])_shape.Clone(); sh[d] = length;
        return SliceDerivative.Record(View(sh, (long[])_strides.Clone(), _offset + start * _strides[d]), [this], (this, d, start, length));
    }

    /// <summary>A view of index <paramref name="index"/> of dim <paramref name="dim"/>, that dim removed, as <c>tensor.select(dim, index)</c>.</summary>
    public Tensor select(long dim, long index)
    {
        if (ndim == 0) throw new IndexOutOfRangeException("select() cannot be applied to a 0-dim tensor.");
        int d = Shape.WrapDim(dim, ndim);
        long size = _shape[d];
        if (index < -size || index >= size)
            throw new IndexOutOfRangeException($"select(): index {index} out of range for tensor of size {Shape.Str(_shape)} at dimension {d}");
        if (index < 0) index += size;
        var sh = _shape.Where((_, i) => i != d).ToArray();
        var st = _strides.Where((_, i) => i != d).ToArray();
        return SelectDerivative.Record(View(sh, st, _offset + index * _strides[d]), [this], (this, d, index));
    }

    /// <summary>The slices along <paramref name="dim"/>, each with that dim removed, as <c>tensor.unbind(dim)</c>.</summary>
    public Tensor[] unbind(long dim = 0)
    {
        int d = Shape.WrapDim(dim, ndim);
        if (ndim == 0) throw new IndexOutOfRangeException($"Dimension specified as {d} but tensor has no dimensions");
        var r = new Tensor[_shape[d]];
        using (new Autograd.GradModeScope(false))
            for (int i = 0; i < r.Length; i++) r[i] = select(d, i);
        return RecordPieces(r, UnbindDerivative, (z, i) => z.select(d, i));
    }

    /// <summary>
    /// Records pieces of this tensor (unbind/split/chunk) as the outputs of one node, as PyTorch: its backward
    /// places each piece's gradient (zeros where a piece got none) back at the piece's position.
    /// </summary>
    private Tensor[] RecordPieces(Tensor[] pieces, NodeDerivative<(Tensor self, Func<Tensor, int, Tensor> pieceOf)> node, Func<Tensor, int, Tensor> pieceOf) =>
        node.RecordMulti(pieces, [this], (this, pieceOf));

    private static Tensor?[] PiecesBackward(Tensor?[] gs, Tensor self, Func<Tensor, int, Tensor> pieceOf, NodeDerivative<Func<Tensor, Tensor>> pieceNode)
    {
        if (!Autograd.GradMode.IsEnabled || !gs.Any(g => g is { requires_grad: true }))
        {
            // no graph of the gradient: each piece's gradient is copied into its place in one tensor (the pieces
            // tile the input, so when every piece has a gradient nothing needs zeroing first)
            var whole = gs.All(g => g is not null) ? Empty(self._shape, self.dtype, self.device) : torch.zeros(self._shape, self.dtype, self.device);
            using (new Autograd.GradModeScope(false))
                for (int i = 0; i < gs.Length; i++)
                    if (gs[i] is { } gi) pieceOf(whole, i).copy_(gi);
            return [whole];
        }
        Tensor? result = null;
        for (int i = 0; i < gs.Length; i++)
            if (gs[i] is { } gi)
            {
                int k = i;
                var e = self.Embed(gi, pieceNode, z => pieceOf(z, k));
                result = result is null ? e : result + e;
            }
        return [result ?? torch.zeros(self._shape, self.dtype, self.device)];
    }

    /// <summary>
    /// unbind, split and chunk: the pieces are the outputs of one node, as PyTorch; its backward places each piece's
    /// gradient (zeros where a piece got none) back at the piece's position. The node saves how a piece is taken.
    /// </summary>
    private static readonly NodeDerivative<(Tensor self, Func<Tensor, int, Tensor> pieceOf)> UnbindDerivative =
        NodeDerivative<(Tensor self, Func<Tensor, int, Tensor> pieceOf)>.Multi("UnbindBackward0", (gs, s) => PiecesBackward(gs, s.self, s.pieceOf, SelectBackwardDerivative));
    private static readonly NodeDerivative<(Tensor self, Func<Tensor, int, Tensor> pieceOf)> SplitDerivative =
        NodeDerivative<(Tensor self, Func<Tensor, int, Tensor> pieceOf)>.Multi("SplitBackward0", (gs, s) => PiecesBackward(gs, s.self, s.pieceOf, SliceBackwardDerivative));
    private static readonly NodeDerivative<(Tensor self, Func<Tensor, int, Tensor> pieceOf)> SplitWithSizesDerivative = SplitDerivative.Named("SplitWithSizesBackward0");

    /// <summary>Views of <paramref name="split_size"/> elements each along <paramref name="dim"/> (the last may be smaller), as <c>tensor.split(split_size, dim)</c>.</summary>
    public Tensor[] split(long split_size, long dim = 0)
    {
        if (ndim == 0) throw new ArgumentException("split expects at least a 1-dimensional tensor");
        if (split_size < 0) throw new ArgumentException($"split expects split_size be non-negative, but got split_size={split_size}");
        int d = Shape.WrapDim(dim, ndim);
        long size = _shape[d];
        if (split_size == 0 && size != 0) throw new ArgumentException($"split_size can only be 0 if dimension size is 0, but got dimension size of {size}");
        int n = split_size == 0 ? 1 : (int)Math.Max(1, (size + split_size - 1) / split_size);
        var r = new Tensor[n];
        var starts = new long[n]; var lengths = new long[n];
        using (new Autograd.GradModeScope(false))
            for (int i = 0; i < n; i++)
            {
                starts[i] = i * split_size; lengths[i] = Math.Min(split_size, size - starts[i]);
                r[i] = narrow(d, starts[i], lengths[i]);
            }
        return RecordPieces(r, SplitDerivative, (z, i) => z.narrow(d, starts[i], lengths[i]));
    }

    /// <summary>Views of the given sizes along <paramref name="dim"/>, as <c>tensor.split([sizes], dim)</c>.</summary>
    public Tensor[] split(long[] split_sizes, long dim = 0)
    {
        if (ndim == 0) throw new ArgumentException("split expects at least a 1-dimensional tensor");
        int d = Shape.WrapDim(dim, ndim);
        foreach (var len in split_sizes)
            if (len < 0) throw new ArgumentException($"split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={Shape.Str(split_sizes)}");
        long sum = split_sizes.Sum();
        if (sum != _shape[d])
            throw new ArgumentException($"split_with_sizes expects split_sizes to sum exactly to {_shape[d]} (input tensor's size at dimension {dim}), but got split_sizes={Shape.Str(split_sizes)}");
        var r = new Tensor[split_sizes.Length];
        var starts = new long[r.Length];
        long start = 0;
        using (new Autograd.GradModeScope(false))
            for (int i = 0; i < r.Length; i++) { starts[i] = start; r[i] = narrow(d, start, split_sizes[i]); start += split_sizes[i]; }
        return RecordPieces(r, SplitWithSizesDerivative, (z, i) => z.narrow(d, starts[i], split_sizes[i]));
    }

    /// <summary>At most <paramref name="chunks"/> views of equal size along <paramref name="dim"/>, as <c>tensor.chunk(chunks, dim)</c>.</summary>
    public Tensor[] chunk(long chunks, long dim = 0)
    {
        if (ndim == 0) throw new ArgumentException("chunk expects at least a 1-dimensional tensor");
        if (chunks <= 0) throw new ArgumentException($"chunk expects `chunks` to be greater than 0, got: {chunks}");
        int d = Shape.WrapDim(dim, ndim);
        long size = _shape[d];
        long splitSize = (size + chunks - 1) / chunks;
        if (splitSize == 0 && size == 0)
        {
            var r = new Tensor[chunks];
            using (new Autograd.GradModeScope(false))
                for (int i = 0; i < chunks; i++) r[i] = narrow(d, 0, 0);
            return RecordPieces(r, SplitDerivative, (z, i) => z.narrow(d, 0, 0));
        }
        return split(splitSize, d);
    }

    /// <summary>A view with the given sizes, strides and storage offset over this tensor's storage, as <c>tensor.as_strided</c>.</summary>
    public Tensor as_strided(long[] size, long[] stride, long? storage_offset = null)
    {
        ArgumentNullException.ThrowIfNull(size);
        ArgumentNullException.ThrowIfNull(stride);
        if (size.Length != stride.Length)
            throw new ArgumentException($"mismatch in length of strides and shape");
        foreach (var s in stride) if (s < 0) throw new ArgumentException("as_strided: Negative strides are not supported at the moment, got strides: " + Shape.Str(stride));
        long off = storage_offset ?? _offset;
        Shape.CheckInBounds(size, stride, off, _storage.Count, dtype.itemsize);
        var v = View((long[])size.Clone(), (long[])stride.Clone(), off);
        return AsStridedDerivative.Record(v, [this], (_shape, _strides, _offset, _storage.Count, v._shape, v._strides, off));
    }

    /// <summary>
    /// The node saves both geometries and the storage's size: each gradient element is added at the storage
    /// position it was read from, then this tensor's positions are read.
    /// </summary>
    private static readonly NodeDerivative<(long[] inSize, long[] inStride, long inOff, long storageCount, long[] outSize, long[] outStride, long outOff)> AsStridedDerivative =
        new("AsStridedBackward0", null, (g, s) =>
            torch.zeros([s.storageCount], g.dtype, g.device)
                .index_add(0, StoragePositions(s.outSize, s.outStride, s.outOff).reshape(-1), g.reshape(-1))
                .take(StoragePositions(s.inSize, s.inStride, s.inOff)));

    /// <summary>Gives this tensor the given sizes, strides and storage offset in place, as <c>tensor.as_strided_</c>.</summary>
    public Tensor as_strided_(long[] size, long[] stride, long? storage_offset = null) => Restride(t => t.as_strided(size, stride, storage_offset), "AsStridedBackward1");

    /// <summary>The storage position of every element of a (size, stride, offset) view, shaped like the view.</summary>
    private static Tensor StoragePositions(long[] size, long[] stride, long offset)
    {
        var pos = new long[Shape.Numel(size)];
        var idx = new long[size.Length];
        for (long k = 0; k < pos.Length; k++)
        {
            long p = offset;
            for (int i = 0; i < size.Length; i++) p += idx[i] * stride[i];
            pos[k] = p;
            for (int i = size.Length - 1; i >= 0; i--) { if (++idx[i] < size[i]) break; idx[i] = 0; }
        }
        return torch.from_array(pos, size);
    }

    /// <summary>A view with dim <paramref name="source"/> moved to position <paramref name="destination"/>, as <c>tensor.movedim</c>.</summary>
    public Tensor movedim(long source, long destination)
    {
        int s = Shape.WrapDim(source, ndim), d = Shape.WrapDim(destination, ndim);
        if (ndim == 0) return permute();
        var order = Enumerable.Range(0, ndim).Where(i => i != s).Select(i => (long)i).ToList();
        order.Insert(d, s);
        return permute(order.ToArray());
    }
}

public partial class Tensor
{
    /// <summary>Moves several dims at once: source[i] goes to destination[i], the others keep their order.</summary>
    public Tensor movedim(long[] source, long[] destination)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"movedim: Invalid source or destination dims: source ({Shape.Str(source)} dims) should contain the same number of dims as destination ({Shape.Str(destination)} dims)");
        int n = ndim;
        var src = source.Select(d => Shape.WrapDim(d, n)).ToArray();
        var dst = destination.Select(d => Shape.WrapDim(d, n)).ToArray();
        if (src.Distinct().Count() != src.Length) throw new ArgumentException($"movedim: repeated dim in `source` ({Shape.Str(source)})");
        if (dst.Distinct().Count() != dst.Length) throw new ArgumentException($"movedim: repeated dim in `destination` ({Shape.Str(destination)})");
        if (n == 0) return permute();
        var order = new long[n];
        var placed = new bool[n];
        var used = new bool[n];
        for (int i = 0; i < src.Length; i++) { order[dst[i]] = src[i]; placed[dst[i]] = true; used[src[i]] = true; }
        var rest = Enumerable.Range(0, n).Where(i => !used[i]).GetEnumerator();
        for (int i = 0; i < n; i++)
            if (!placed[i]) { rest.MoveNext(); order[i] = rest.Current; }
        return permute(order);
    }

    /// <summary>Alias of <c>movedim</c>, as <c>tensor.moveaxis</c>.</summary>
    public Tensor moveaxis(long source, long destination) => movedim(source, destination);
    /// <summary>Alias of <c>movedim</c>, as <c>tensor.moveaxis</c>.</summary>
    public Tensor moveaxis(long[] source, long[] destination) => movedim(source, destination);
}

// The function forms of the view ops: torch.reshape(x, ...), torch.transpose(x, 0, 1), ...
public static partial class torch
{
    /// <summary>The tensor with another shape, as <c>torch.reshape(input, shape)</c>.</summary>
    public static Tensor reshape(Tensor input, params long[] shape) => input.reshape(shape);
    /// <summary>A view with two dims swapped, as <c>torch.transpose(input, dim0, dim1)</c>.</summary>
    public static Tensor transpose(Tensor input, long dim0, long dim1) => input.transpose(dim0, dim1);
    /// <summary>Alias of <c>transpose</c>, as <c>torch.swapaxes</c>.</summary>
    public static Tensor swapaxes(Tensor input, long axis0, long axis1) => input.swapaxes(axis0, axis1);
    /// <summary>Alias of <c>transpose</c>, as <c>torch.swapdims</c>.</summary>
    public static Tensor swapdims(Tensor input, long dim0, long dim1) => input.swapdims(dim0, dim1);
    /// <summary>The transpose of a tensor of at most 2 dims, as <c>torch.t(input)</c>.</summary>
    public static Tensor t(Tensor input) => input.t();
    /// <summary>The conjugate transpose of the last two dims (the transpose for real tensors), as <c>torch.adjoint</c>.</summary>
    public static Tensor adjoint(Tensor input) => input.adjoint();
    /// <summary>A view with the dims reordered, as <c>torch.permute(input, dims)</c>.</summary>
    public static Tensor permute(Tensor input, params long[] dims) => input.permute(dims);
    /// <summary>A view without the size-1 dims, as <c>torch.squeeze(input)</c>.</summary>
    public static Tensor squeeze(Tensor input) => input.squeeze();
    /// <summary>A view without the given size-1 dims, as <c>torch.squeeze(input, dim)</c>.</summary>
    public static Tensor squeeze(Tensor input, params long[] dim) => input.squeeze(dim);
    /// <summary>A view with a size-1 dim inserted at <paramref name="dim"/>, as <c>torch.unsqueeze</c>.</summary>
    public static Tensor unsqueeze(Tensor input, long dim) => input.unsqueeze(dim);
    /// <summary>The dims from <paramref name="start_dim"/> to <paramref name="end_dim"/> merged into one, as <c>torch.flatten</c>.</summary>
    public static Tensor flatten(Tensor input, long start_dim = 0, long end_dim = -1) => input.flatten(start_dim, end_dim);
    /// <summary>Dim <paramref name="dim"/> split into <paramref name="sizes"/>, as <c>torch.unflatten</c>.</summary>
    public static Tensor unflatten(Tensor input, long dim, params long[] sizes) => input.unflatten(dim, sizes);
    /// <summary>The elements as one dim (a view when contiguous), as <c>torch.ravel</c>.</summary>
    public static Tensor ravel(Tensor input) => input.ravel();
    /// <summary>A view of <paramref name="length"/> elements of dim <paramref name="dim"/> from <paramref name="start"/>, as <c>torch.narrow</c>.</summary>
    public static Tensor narrow(Tensor input, long dim, long start, long length) => input.narrow(dim, start, length);
    /// <summary>As <c>torch.narrow</c> with the start given as a 0-dim integer tensor.</summary>
    public static Tensor narrow(Tensor input, long dim, Tensor start, long length) => input.narrow(dim, start, length);
    /// <summary>A view of index <paramref name="index"/> of dim <paramref name="dim"/>, as <c>torch.select</c>.</summary>
    public static Tensor select(Tensor input, long dim, long index) => input.select(dim, index);
    /// <summary>The slices along <paramref name="dim"/>, as <c>torch.unbind</c>.</summary>
    public static Tensor[] unbind(Tensor input, long dim = 0) => input.unbind(dim);
    /// <summary>Views of <paramref name="split_size_or_sections"/> elements each along <paramref name="dim"/>, as <c>torch.split</c>.</summary>
    public static Tensor[] split(Tensor tensor, long split_size_or_sections, long dim = 0) => tensor.split(split_size_or_sections, dim);
    /// <summary>Views of the given sizes along <paramref name="dim"/>, as <c>torch.split</c>.</summary>
    public static Tensor[] split(Tensor tensor, long[] split_size_or_sections, long dim = 0) => tensor.split(split_size_or_sections, dim);
    /// <summary>At most <paramref name="chunks"/> views of equal size along <paramref name="dim"/>, as <c>torch.chunk</c>.</summary>
    public static Tensor[] chunk(Tensor input, long chunks, long dim = 0) => input.chunk(chunks, dim);
    /// <summary>A view with dim <paramref name="source"/> moved to <paramref name="destination"/>, as <c>torch.movedim</c>.</summary>
    public static Tensor movedim(Tensor input, long source, long destination) => input.movedim(source, destination);
    /// <summary>A view with the dims <paramref name="source"/> moved to <paramref name="destination"/>, as <c>torch.movedim</c>.</summary>
    public static Tensor movedim(Tensor input, long[] source, long[] destination) => input.movedim(source, destination);
    /// <summary>Alias of <c>movedim</c>, as <c>torch.moveaxis</c>.</summary>
    public static Tensor moveaxis(Tensor input, long source, long destination) => input.movedim(source, destination);
    /// <summary>A view with the given sizes, strides and storage offset, as <c>torch.as_strided</c>.</summary>
    public static Tensor as_strided(Tensor input, long[] size, long[] stride, long? storage_offset = null) => input.as_strided(size, stride, storage_offset);
    /// <summary>The tensor expanded to <paramref name="size"/>, as <c>torch.broadcast_to</c>.</summary>
    public static Tensor broadcast_to(Tensor input, params long[] size) => input.broadcast_to(size);
    /// <summary>A copy with its own storage (recorded for autograd), as <c>torch.clone</c>.</summary>
    public static Tensor clone(Tensor input) => input.clone();
}
