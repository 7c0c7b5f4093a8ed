namespace Flint;

// Views share storage with their base: only shape, strides and offset change.
public partial class Tensor
{
    internal Tensor View(long[] shape, long[] strides, long offset) => new(_storage, shape, strides, offset, _version);

    /// <summary>Records a view's backward: <paramref name="back"/> maps the view's gradient to this tensor's.</summary>
    private Tensor Rec(Tensor view, string name, Func<Tensor, Tensor> back) =>
        Autograd.Recording.Record(view, name, [this], g => [back(g)]);

    /// <summary>
    /// The gradient of a view that picks part of this tensor: zeros with the view's part filled. It is itself
    /// recorded (as <paramref name="name"/>, whose backward takes the same view), so gradients of gradients flow.
    /// </summary>
    internal Tensor Embed(Tensor g, string name, Func<Tensor, Tensor> sameView)
    {
        var shape = _shape; var dt = dtype; var dev = device;
        return Autograd.Recording.Op(name, [g], () =>
        {
            var z = torch.zeros(shape, dt, dev);
            sameView(z).copy_(g);
            return z;
        }, (gg, _) => [sameView(gg)]);
    }

    public Tensor view(params long[] shape)
    {
        var s = Shape.InferSize(shape, numel());
        var st = Shape.ComputeViewStrides(_shape, _strides, s)
            ?? throw new InvalidOperationException("view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
        var shp = _shape;
        return Rec(View(s, st, _offset), "ViewBackward0", g => g.reshape(shp));
    }

    public Tensor view_as(Tensor other) => view(other._shape);

    /// <summary>A view of a contiguous tensor recorded as UnsafeViewBackward0 (how PyTorch's composite ops reshape results).</summary>
    internal Tensor UnsafeView(long[] shape)
    {
        if (!is_contiguous()) return reshape(shape);
        var s = Shape.InferSize(shape, numel());
        var shp = _shape;
        return Rec(View(s, Shape.ContiguousStrides(s), _offset), "UnsafeViewBackward0", g => g.reshape(shp));
    }

    public Tensor reshape(params long[] shape)
    {
        var s = Shape.InferSize(shape, numel());
        var st = Shape.ComputeViewStrides(_shape, _strides, s);
        var shp = _shape;
        if (st is not null) return Rec(View(s, st, _offset), "ReshapeAliasBackward0", g => g.reshape(shp));
        // as PyTorch: a contiguous clone (CloneBackward0), then an unsafe view of it (UnsafeViewBackward0)
        var copy = clone();
        return copy.Rec(copy.View(s, Shape.ContiguousStrides(s), 0), "UnsafeViewBackward0", g => g.reshape(shp));
    }

    public Tensor reshape_as(Tensor other) => reshape(other._shape);

    public Tensor transpose(long dim0, long dim1)
    {
        int n = Math.Max(ndim, 1);
        int d0 = Shape.WrapDim(dim0, ndim), d1 = Shape.WrapDim(dim1, ndim);
        if (ndim == 0) return View(_shape, _strides, _offset);
        _ = n;
        var sh = (long[])_shape.Clone(); var st = (long[])_strides.Clone();
        (sh[d0], sh[d1]) = (sh[d1], sh[d0]);
        (st[d0], st[d1]) = (st[d1], st[d0]);
        return Rec(View(sh, st, _offset), "TransposeBackward0", g => g.transpose(d0, d1));
    }

    public Tensor swapaxes(long axis0, long axis1) => transpose(axis0, axis1);
    public Tensor swapdims(long dim0, long dim1) => transpose(dim0, dim1);

    /// <summary>Transposes a tensor of at most 2 dims.</summary>
    public Tensor t()
    {
        if (ndim > 2) throw new ArgumentException($"t() expects a tensor with <= 2 dimensions, but self is {ndim}D");
        var v = ndim < 2 ? View(_shape, _strides, _offset) : View([_shape[1], _shape[0]], [_strides[1], _strides[0]], _offset);
        return Rec(v, "TBackward0", g => g.t());
    }

    /// <summary>Reverses all dims (deprecated in PyTorch for ndim != 2, kept for 2-D code).</summary>
    public Tensor T => ndim < 2 ? this : permute(Enumerable.Range(0, ndim).Reverse().Select(i => (long)i).ToArray());

    /// <summary>Transposes the last two dims.</summary>
    public Tensor mT
    {
        get
        {
            if (ndim < 2) throw new ArgumentException("tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.".Replace("1-D", $"{ndim}-D"));
            return transpose(-2, -1);
        }
    }

    public Tensor permute(params long[] dims)
    {
        if (dims.Length != ndim)
            throw new ArgumentException($"permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = {ndim} is not equal to len(dims) = {dims.Length}".Replace("permute(sparse_coo)", "permute"));
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
        return Rec(View(sh, st, _offset), "PermuteBackward0", g => g.permute(inv));
    }

    public Tensor expand(params long[] sizes)
    {
        if (sizes.Length < ndim)
            throw new ArgumentException($"expand(torch.FloatTensor{{{Shape.Str(_shape)}}}, size={Shape.Str(sizes)}): the number of sizes provided ({sizes.Length}) must be greater or equal to the number of dimensions in the tensor ({ndim})".Replace("FloatTensor", TypeName()));
        var sh = new long[sizes.Length]; var st = new long[sizes.Length];
        int off = sizes.Length - ndim;
        for (int i = sizes.Length - 1; i >= 0; i--)
        {
            int j = i - off;
            long size = sizes[i];
            if (j >= 0)
            {
                if (size == -1) size = _shape[j];
                if (_shape[j] == size) { sh[i] = size; st[i] = _strides[j]; }
                else if (_shape[j] == 1) { sh[i] = size; st[i] = 0; }
                else throw new ArgumentException($"The expanded size of the tensor ({size}) must match the existing size ({_shape[j]}) at non-singleton dimension {i}.  Target sizes: {Shape.Str(sizes)}.  Tensor sizes: {Shape.Str(_shape)}");
            }
            else
            {
                if (size < 0) throw new ArgumentException($"The expanded size of the tensor ({size}) isn't allowed in a leading, non-existing dimension {i}");
                sh[i] = size; st[i] = 0;
            }
        }
        var shp = _shape;
        return Rec(View(sh, st, _offset), "ExpandBackward0", g => Autograd.Recording.SumToShape(g, shp));
    }

    public Tensor expand_as(Tensor other) => expand(other._shape);
    public Tensor broadcast_to(params long[] shape) => expand(shape);

    internal string TypeName() => dtype.LegacyName + "Tensor";

    public Tensor squeeze()
    {
        var keep = Enumerable.Range(0, ndim).Where(i => _shape[i] != 1).ToArray();
        var shp = _shape;
        return Rec(View(keep.Select(i => _shape[i]).ToArray(), keep.Select(i => _strides[i]).ToArray(), _offset), "SqueezeBackward0", g => g.reshape(shp));
    }

    public Tensor squeeze(params long[] dims)
    {
        var shp = _shape;
        if (ndim == 0) { foreach (var d in dims) Shape.WrapDim(d, 0); return Rec(View(_shape, _strides, _offset), "SqueezeBackward1", g => g.reshape(shp)); }
        var drop = new bool[ndim];
        foreach (var d in dims) { int w = Shape.WrapDim(d, ndim); if (_shape[w] == 1) drop[w] = true; }
        var keep = Enumerable.Range(0, ndim).Where(i => !drop[i]).ToArray();
        return Rec(View(keep.Select(i => _shape[i]).ToArray(), keep.Select(i => _strides[i]).ToArray(), _offset), dims.Length == 1 ? "SqueezeBackward1" : "SqueezeBackward2", g => g.reshape(shp));
    }

    public Tensor unsqueeze(long dim)
    {
        int d = Shape.WrapDim(dim, ndim + 1);
        var sh = _shape.ToList(); var st = _strides.ToList();
        long s = d < ndim ? _shape[d] * _strides[d] : 1;
        sh.Insert(d, 1); st.Insert(d, s);
        return Rec(View(sh.ToArray(), st.ToArray(), _offset), "UnsqueezeBackward0", g => g.squeeze(d));
    }

    public Tensor flatten(long start_dim = 0, long end_dim = -1)
    {
        if (ndim == 0) return reshape(1);
        int s = Shape.WrapDim(start_dim, ndim), e = Shape.WrapDim(end_dim, ndim);
        if (s > e) throw new ArgumentException("flatten() has invalid args: start_dim cannot come after end_dim");
        if (s == e) return this;
        var sh = new List<long>();
        for (int i = 0; i < s; i++) sh.Add(_shape[i]);
        long p = 1; for (int i = s; i <= e; i++) p *= _shape[i];
        sh.Add(p);
        for (int i = e + 1; i < ndim; i++) sh.Add(_shape[i]);
        return reshape(sh.ToArray());
    }

    public Tensor unflatten(long dim, params long[] sizes)
    {
        int d = Shape.WrapDim(dim, ndim);
        if (sizes.Length == 0) throw new ArgumentException("unflatten: sizes must be non-empty");
        var inferred = Shape.InferSize(sizes, _shape[d]);
        if (Shape.Numel(inferred) != _shape[d])
            throw new ArgumentException($"unflatten: Provided sizes {Shape.Str(sizes)} don't multiply up to the size of dim {dim} ({_shape[d]}) in the input tensor");
        var sh = _shape.Take(d).Concat(inferred).Concat(_shape.Skip(d + 1)).ToArray();
        return view(sh);
    }

    public Tensor narrow(long dim, long start, long length)
    {
        if (ndim == 0) throw new ArgumentException("narrow() cannot be applied to a 0-dim tensor.");
        int d = Shape.WrapDim(dim, ndim);
        long size = _shape[d];
        if (start < -size || start > size)
            throw new IndexOutOfRangeException($"start out of range (expected to be in range of [{-size}, {size}], but got {start})");
        if (start < 0) start += size;
        if (length < 0 || start > size - length)
            throw new ArgumentException($"start ({start}) + length ({length}) exceeds dimension size ({size}).");
        var sh = (long[])_shape.Clone(); sh[d] = length;
        long st0 = start;
        return Rec(View(sh, (long[])_strides.Clone(), _offset + start * _strides[d]), "SliceBackward0",
            g => Embed(g, "SliceBackwardBackward0", z => z.narrow(d, st0, length)));
    }

    public Tensor select(long dim, long index)
    {
        if (ndim == 0) throw new IndexOutOfRangeException("select() cannot be applied to a 0-dim tensor.");
        int d = Shape.WrapDim(dim, ndim);
        long size = _shape[d];
        if (index < -size || index >= size)
            throw new IndexOutOfRangeException($"index {index} is out of bounds for dimension {d} with size {size}");
        if (index < 0) index += size;
        var sh = _shape.Where((_, i) => i != d).ToArray();
        var st = _strides.Where((_, i) => i != d).ToArray();
        long ix = index;
        return Rec(View(sh, st, _offset + index * _strides[d]), "SelectBackward0",
            g => Embed(g, "SelectBackwardBackward0", z => z.select(d, ix)));
    }

    public Tensor[] unbind(long dim = 0)
    {
        int d = Shape.WrapDim(dim, ndim);
        var r = new Tensor[_shape[d]];
        using (new Autograd.GradModeScope(false))
            for (int i = 0; i < r.Length; i++) r[i] = select(d, i);
        return RecordPieces(r, "UnbindBackward0", d, (z, i) => z.select(d, i));
    }

    /// <summary>
    /// Records pieces of this tensor (unbind/split/chunk) as the outputs of one node, as PyTorch: its backward
    /// places each piece's gradient (zeros where a piece got none) back at the piece's position.
    /// </summary>
    private Tensor[] RecordPieces(Tensor[] pieces, string name, int d, Func<Tensor, int, Tensor> pieceOf)
    {
        if (!Autograd.Recording.Needs(this)) return pieces;
        var shape = _shape; var dt = dtype; var dev = device;
        return Autograd.Recording.RecordMulti(pieces, name, [this], gs =>
        {
            Tensor? result = null;
            for (int i = 0; i < gs.Length; i++)
                if (gs[i] is { } gi)
                {
                    int k = i;
                    var e = Embed(gi, name == "UnbindBackward0" ? "SelectBackwardBackward0" : "SliceBackwardBackward0", z => pieceOf(z, k));
                    result = result is null ? e : result + e;
                }
            return [result ?? torch.zeros(shape, dt, dev)];
        });
    }

    public Tensor[] split(long split_size, long dim = 0)
    {
        int d = Shape.WrapDim(dim, ndim);
        long size = _shape[d];
        if (split_size < 0) throw new ArgumentException($"split expects split_size be non-negative, but got split_size={split_size}");
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
        return RecordPieces(r, "SplitBackward0", d, (z, i) => z.narrow(d, starts[i], lengths[i]));
    }

    public Tensor[] split(long[] split_sizes, long dim = 0)
    {
        int d = Shape.WrapDim(dim, ndim);
        long sum = split_sizes.Sum();
        if (sum != _shape[d])
            throw new ArgumentException($"split_with_sizes expects split_sizes to sum exactly to {_shape[d]} (input tensor's size at dimension {d}), but got split_sizes={Shape.Str(split_sizes)}");
        var r = new Tensor[split_sizes.Length];
        var starts = new long[r.Length];
        long start = 0;
        using (new Autograd.GradModeScope(false))
            for (int i = 0; i < r.Length; i++) { starts[i] = start; r[i] = narrow(d, start, split_sizes[i]); start += split_sizes[i]; }
        return RecordPieces(r, "SplitWithSizesBackward0", d, (z, i) => z.narrow(d, starts[i], split_sizes[i]));
    }

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
            return RecordPieces(r, "SplitBackward0", d, (z, i) => z.narrow(d, 0, 0));
        }
        return split(splitSize, d);
    }

    public Tensor as_strided(long[] size, long[] stride, long? storage_offset = null)
    {
        if (size.Length != stride.Length)
            throw new ArgumentException($"mismatch in length of strides and shape");
        foreach (var s in stride) if (s < 0) throw new ArgumentException("as_strided: Negative strides are not supported at the moment, got strides: " + Shape.Str(stride));
        long off = storage_offset ?? _offset;
        if (off < 0) throw new ArgumentException($"Tensor: invalid storage offset {off}");
        long max = off;
        for (int i = 0; i < size.Length; i++) { if (size[i] == 0) { max = -1; break; } max += (size[i] - 1) * stride[i]; }
        if (max >= _storage.Count)
            throw new ArgumentException($"setStorage: sizes {Shape.Str(size)}, strides {Shape.Str(stride)}, storage offset {off}, and itemsize {dtype.itemsize} requiring a storage size of {(max + 1) * dtype.itemsize} are out of bounds for storage of size {_storage.Count * dtype.itemsize}");
        var v = View((long[])size.Clone(), (long[])stride.Clone(), off);
        var inSize = _shape; var inStride = _strides; long inOff = _offset; long storageCount = _storage.Count;
        var outSize = (long[])size.Clone(); var outStride = (long[])stride.Clone();
        return Rec(v, "AsStridedBackward0", g =>
        {
            // add each gradient element at the storage position it was read from, then read this tensor's positions
            var buffer = torch.zeros([storageCount], g.dtype, g.device)
                .index_add(0, StoragePositions(outSize, outStride, off).reshape(-1), g.reshape(-1));
            return buffer.take(StoragePositions(inSize, inStride, inOff));
        });
    }

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

    public Tensor movedim(long source, long destination)
    {
        int s = Shape.WrapDim(source, ndim), d = Shape.WrapDim(destination, ndim);
        var order = Enumerable.Range(0, ndim).Where(i => i != s).Select(i => (long)i).ToList();
        order.Insert(d, s);
        return permute(order.ToArray());
    }
}
