using Flint.Ops;
using Flint.Ops.Kernels;

namespace Flint
{
    public static partial class torch
    {
        /// <summary>A copy with the order of elements reversed along each of dims.</summary>
        public static Tensor flip(Tensor input, params long[] dims)
        {
            int n = input.ndim;
            var rev = new bool[Math.Max(n, 1)];
            foreach (var dim in dims)
            {
                int d = Shape.WrapDim(dim, n);
                if (rev[d]) throw new ArgumentException($"dim {d} appears multiple times in the list of dims");
                rev[d] = true;
            }
            var st = (long[])input._strides.Clone();
            long off = input._offset;
            for (int d = 0; d < n; d++)
                if (rev[d] && input._shape[d] > 1) { off += (input._shape[d] - 1) * st[d]; st[d] = -st[d]; }
            return RearrangeOps.FlipDerivative.Run([input], dims, () =>
            {
                var r = Tensor.Empty(input._shape, input.dtype, input.device);
                if (r.numel() > 0) r.Backend.Copy(r, input.View(input._shape, st, off));
                return r;
            });
        }

        /// <summary>The tensor with its columns (dim 1) in reverse order, as <c>torch.fliplr</c>.</summary>
        public static Tensor fliplr(Tensor input)
        {
            if (input.ndim < 2) throw new ArgumentException("Input must be >= 2-d.");
            return flip(input, 1);
        }

        /// <summary>The tensor with its rows (dim 0) in reverse order, as <c>torch.flipud</c>.</summary>
        public static Tensor flipud(Tensor input)
        {
            if (input.ndim < 1) throw new ArgumentException("Input must be >= 1-d.");
            return flip(input, 0);
        }

        /// <summary>Rolls elements along dims by shifts (wrapping around); with no dims the tensor is rolled as 1-D.</summary>
        public static Tensor roll(Tensor input, long[] shifts, long[]? dims = null)
        {
            return RearrangeOps.RollDerivative.Run([input], (shifts, dims), () => RearrangeOps.RollImpl(input, shifts, dims));
        }

        /// <summary>The elements shifted by <paramref name="shifts"/> along <paramref name="dims"/> with wrap-around (of the flattened tensor when null), as <c>torch.roll</c>.</summary>
        public static Tensor roll(Tensor input, long shifts, long? dims = null) =>
            roll(input, [shifts], dims is { } d ? [d] : null);

        /// <summary>Lower triangle of the last two dims: elements with column - row &lt;= diagonal are kept, others zeroed.</summary>
        public static Tensor tril(Tensor input, long diagonal = 0, Tensor? @out = null) => RearrangeOps.TriangleRecorded(input, diagonal, lower: true, @out);

        /// <summary>Upper triangle of the last two dims: elements with column - row &gt;= diagonal are kept, others zeroed.</summary>
        public static Tensor triu(Tensor input, long diagonal = 0, Tensor? @out = null) => RearrangeOps.TriangleRecorded(input, diagonal, lower: false, @out);

        /// <summary>1-D input: a square matrix with input on the given diagonal. 2-D input: that diagonal, copied.</summary>
        public static Tensor diag(Tensor input, long diagonal = 0, Tensor? @out = null)
        {
            Autograd.Differentiation.CheckOut(@out, input);
            if (@out is null && Autograd.Recording.Needs(input))
            {
                return RearrangeOps.DiagDerivative.Run([input], (input._shape, diagonal), () => diag(input, diagonal));
            }
            Tensor r;
            if (input.dtype == float16) throw new NotSupportedException("\"diag\" not implemented for 'Half'");
            if (input.ndim == 1)
            {
                // size + |diagonal| and its square in exact arithmetic: |long.MinValue| and the square wrap
                var n128 = (Int128)input._shape[0] + Int128.Abs(diagonal);
                if (n128 * n128 > long.MaxValue) throw new ArgumentException("numel: integer multiplication overflow");
                long n = (long)n128;
                r = Tensor.Zeros([n, n], input.dtype, input.device);
                if (input.numel() > 0) r.Backend.Copy(r.diagonal(diagonal), input);
            }
            else if (input.ndim == 2) r = input.diagonal(diagonal).clone();
            else throw new ArgumentException("matrix or a vector expected");
            return @out is null ? r : AdvancedIndexing.CopyOut(r, @out);
        }

        /// <summary>A view of the diagonal of dims <paramref name="dim1"/> and <paramref name="dim2"/>, <paramref name="offset"/> above (or below) the main one, as <c>torch.diagonal</c>.</summary>
        public static Tensor diagonal(Tensor input, long offset = 0, long dim1 = 0, long dim2 = 1) => input.diagonal(offset, dim1, dim2);
    }

    public partial class Tensor
    {
        /// <summary>The tensor reversed along <paramref name="dims"/>, as <c>tensor.flip</c>.</summary>
        public Tensor flip(params long[] dims) => torch.flip(this, dims);
        /// <summary>The tensor with its columns reversed, as <c>tensor.fliplr()</c>.</summary>
        public Tensor fliplr() => torch.fliplr(this);
        /// <summary>The tensor with its rows reversed, as <c>tensor.flipud()</c>.</summary>
        public Tensor flipud() => torch.flipud(this);
        /// <summary>The elements shifted along <paramref name="dims"/> with wrap-around, as <c>tensor.roll</c>.</summary>
        public Tensor roll(long[] shifts, long[]? dims = null) => torch.roll(this, shifts, dims);
        /// <summary>The elements shifted along one dim (the flattened tensor when null) with wrap-around, as <c>tensor.roll</c>.</summary>
        public Tensor roll(long shifts, long? dims = null) => torch.roll(this, shifts, dims);

        /// <summary>Repeats the tensor along each dim (more repeats than dims add leading dims); always a copy.</summary>
        public Tensor repeat(params long[] repeats)
        {
            if (repeats.Length < ndim)
                throw new ArgumentException("Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor");
            int n = repeats.Length, pad = n - ndim;
            var target = new long[n];
            for (int i = 0; i < n; i++)
            {
                long size = i < pad ? 1 : _shape[i - pad];
                // a wrapped product would give a small, wrong shape
                long high = Math.BigMul(repeats[i], size, out long low);
                if (high != (low >> 63)) throw new ArgumentException("numel: integer multiplication overflow");
                target[i] = low;
            }
            Shape.CheckSizes(target);
            var r = Empty(target, dtype, device);
            if (r.numel() == 0) return r;
            var sh = new long[2 * n]; var st = new long[2 * n];
            for (int i = 0; i < n; i++)
            {
                sh[2 * i] = repeats[i]; st[2 * i] = 0;
                sh[2 * i + 1] = i < pad ? 1 : _shape[i - pad];
                st[2 * i + 1] = i < pad ? 0 : _strides[i - pad];
            }
            using (new Autograd.GradModeScope(false)) r.Backend.Copy(r.view(sh), View(sh, st, _offset));
            return RearrangeOps.RepeatDerivative.Record(r, [this], (sh, _shape));
        }

        /// <summary>repeat, with dims padded by leading 1s when fewer than the tensor's dims.</summary>
        public Tensor tile(params long[] dims)
        {
            if (dims.Length < ndim) dims = Enumerable.Repeat(1L, ndim - dims.Length).Concat(dims).ToArray();
            return repeat(dims);
        }

        /// <summary>The lower triangle (elements on and below the <paramref name="diagonal"/>-th diagonal; zeros above), as <c>tensor.tril</c>.</summary>
        public Tensor tril(long diagonal = 0) => torch.tril(this, diagonal);
        /// <summary>The upper triangle (elements on and above the <paramref name="diagonal"/>-th diagonal), as <c>tensor.triu</c>.</summary>
        public Tensor triu(long diagonal = 0) => torch.triu(this, diagonal);
        /// <summary>Zeros the elements above the <paramref name="diagonal"/>-th diagonal in place, as <c>tensor.tril_</c>.</summary>
        public Tensor tril_(long diagonal = 0) => RearrangeOps.Triangle(this, diagonal, lower: true, null, inPlace: true);
        /// <summary>Zeros the elements below the <paramref name="diagonal"/>-th diagonal in place, as <c>tensor.triu_</c>.</summary>
        public Tensor triu_(long diagonal = 0) => RearrangeOps.Triangle(this, diagonal, lower: false, null, inPlace: true);
        /// <summary>A diagonal matrix from a 1-dim tensor, or the diagonal of a 2-dim one, as <c>tensor.diag</c>.</summary>
        public Tensor diag(long diagonal = 0) => torch.diag(this, diagonal);

        /// <summary>A view of the diagonal of dims dim1 and dim2 (offset above (&gt;0) or below (&lt;0) the main one), appended as the last dim.</summary>
        public Tensor diagonal(long offset = 0, long dim1 = 0, long dim2 = 1)
        {
            int d1 = Shape.WrapDim(dim1, ndim), d2 = Shape.WrapDim(dim2, ndim);
            if (d1 == d2) throw new ArgumentException($"diagonal dimensions cannot be identical {dim1}, {dim2}");
            long len, off = _offset;
            if (offset >= 0) { len = Math.Max(0, Math.Min(_shape[d1], _shape[d2] - offset)); if (len > 0) off += offset * _strides[d2]; }
            else { len = Math.Max(0, Math.Min(_shape[d1] + offset, _shape[d2])); if (len > 0) off -= offset * _strides[d1]; }
            var sh = new List<long>(); var st = new List<long>();
            for (int i = 0; i < ndim; i++) if (i != d1 && i != d2) { sh.Add(_shape[i]); st.Add(_strides[i]); }
            sh.Add(len); st.Add(_strides[d1] + _strides[d2]);
            return RearrangeOps.DiagonalDerivative.Record(View(sh.ToArray(), st.ToArray(), off), [this], (_shape, offset, d1, d2));
        }
    }
}

namespace Flint.Ops
{
    internal static class RearrangeOps
    {
        internal static Tensor TriangleRecorded(Tensor input, long k, bool lower, Tensor? @out)
        {
            Autograd.Differentiation.CheckOut(@out, input);
            return (lower ? TrilDerivative : TriuDerivative).Run([input], k, () => Triangle(input, k, lower, @out));
        }

        internal static readonly NodeDerivative<long> TrilDerivative = new("TrilBackward0", null, (g, k) => g.tril(k));
        internal static readonly NodeDerivative<long> TriuDerivative = new("TriuBackward0", null, (g, k) => g.triu(k));

        internal static readonly NodeDerivative<long[]> FlipDerivative = new("FlipBackward0", null, (g, dims) => g.flip(dims));

        internal static readonly NodeDerivative<(long[] shifts, long[]? dims)> RollDerivative = new("RollBackward0", null,
            (g, s) => g.roll(s.shifts.Select(x => -x).ToArray(), s.dims));

        /// <summary>diag of a vector: the gradient's diagonal; of a matrix: the gradient on a zero matrix's diagonal.</summary>
        internal static readonly NodeDerivative<(long[] shape, long diagonal)> DiagDerivative = new("DiagBackward0", null,
            (g, s) => s.shape.Length == 1 ? g.diagonal(s.diagonal) : DiagonalEmbed(g, s.shape, s.diagonal, 0, 1));

        /// <summary>The copies' gradients summed: the gradient split into (repeats, size) per dim, the repeat dims summed.</summary>
        internal static readonly NodeDerivative<(long[] split, long[] shape)> RepeatDerivative = new("RepeatBackward0", null,
            (g, s) => g.reshape(s.split).sum(Enumerable.Range(0, s.split.Length / 2).Select(i => (long)(2 * i)).ToArray()).reshape(s.shape));

        internal static readonly NodeDerivative<(long[] shape, long offset, int dim1, int dim2)> DiagonalDerivative = new("DiagonalBackward0", null,
            (g, s) => DiagonalEmbed(g, s.shape, s.offset, s.dim1, s.dim2));

        private static readonly NodeDerivative<Func<Tensor, Tensor>> DiagonalBackwardDerivative = Tensor.SliceBackwardDerivative.Named("DiagonalBackwardBackward0");

        /// <summary>Zeros of <paramref name="shape"/> with g on the given diagonal (diagonal's backward, itself recorded).</summary>
        internal static Tensor DiagonalEmbed(Tensor g, long[] shape, long offset, long dim1, long dim2) =>
            Tensor.Embed(g, shape, g.dtype, g.device, DiagonalBackwardDerivative, z => z.diagonal(offset, dim1, dim2));

        /// <summary>roll as a copy: each dim's two parts joined in swapped order.</summary>
        internal static Tensor RollImpl(Tensor input, long[] shifts, long[]? dims)
        {
            dims ??= [];
            if (dims.Length == 0 && shifts.Length == 1)
                return RollImpl(input.ndim == 0 ? AdvancedIndexing.OneDim(input) : input.reshape(-1), shifts, [0]).reshape(input._shape);
            if (shifts.Length != dims.Length)
                throw new ArgumentException($"shifts and dimensions must align. shifts: {shifts.Length}, dims:{dims.Length}");
            var r = input;
            for (int i = 0; i < dims.Length; i++)
            {
                int d = Shape.WrapDim(dims[i], input.ndim);
                long size = r._shape[d];
                if (size == 0) continue;
                long s = ((shifts[i] % size) + size) % size;
                if (s == 0) continue;
                r = torch.cat([r.narrow(d, size - s, s), r.narrow(d, 0, size - s)], d);
            }
            return ReferenceEquals(r, input) ? input.clone() : r;
        }


        internal static Tensor Triangle(Tensor input, long k, bool lower, Tensor? @out, bool inPlace = false)
        {
            string name = lower ? "tril" : "triu";
            if (input.ndim < 2) Shape.WrapDim(-2, input.ndim);
            _ = name;
            long rows = input._shape[^2], cols = input._shape[^1];
            var keep = new bool[rows * cols];
            for (long i = 0; i < rows; i++)
                for (long j = 0; j < cols; j++)
                    keep[i * cols + j] = lower ? j - i <= k : j - i >= k;
            var drop = torch.from_array(keep, rows, cols).logical_not().to(input.device);
            if (inPlace)
            {
                if (Autograd.Differentiation.NeedsInPlace(input))
                    return Autograd.Differentiation.InPlace(input, old => TriangleRecorded(old, k, lower, null));
                return input.masked_fill_(drop, 0);
            }
            var r = input.masked_fill(drop, 0);
            return @out is null ? r : AdvancedIndexing.CopyOut(r, @out);
        }
    }
}
