using Flint.Ops;
using Flint.Ops.Kernels;
using static Flint.torch;

namespace Flint.Ops.Linalg
{
    /// <summary>
    /// The shared machinery of the matrix products: PyTorch's checks and messages, the compute dtype (bfloat16
    /// computes in float32), aliasing between outputs and inputs, and the call into the backend GEMM.
    /// </summary>
    internal static class Products
    {
        internal static Tensor AddmmChecks(Tensor input, Tensor mat1, Tensor mat2, Tensor? @out)
        {
            if (mat1.ndim != 2) throw new ArgumentException($"mat1 must be a matrix, got {mat1.ndim}-D tensor");
            if (mat2.ndim != 2) throw new ArgumentException($"mat2 must be a matrix, got {mat2.ndim}-D tensor");
            if (input.dtype != mat1.dtype || mat1.dtype != mat2.dtype)
                throw new ArgumentException("self and mat2 must have the same dtype");
            Products.CheckMatrices(mat1, mat2);
            long[] shape = [mat1._shape[0], mat2._shape[1]];
            var expanded = input.expand(shape);
            Products.CheckOut(@out, mat1.dtype);
            Products.CheckImplemented(mat1.dtype, "addmm_impl_cpu_");
            Elementwise.CheckSameDevice(mat1, mat2);
            Elementwise.CheckSameDevice(input, mat1);
            return expanded;
        }

        internal static Tensor DotImpl(Tensor input, Tensor other, Tensor? @out, NodeDerivative<(Tensor a, Tensor b)> node)
        {
            if (input.ndim != 1 || other.ndim != 1)
                throw new ArgumentException($"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors");
            if (input.dtype != other.dtype)
                throw new ArgumentException($"dot : expected both vectors to have same dtype, but found {input.dtype.LegacyName} and {other.dtype.LegacyName}");
            if (input._shape[0] != other._shape[0])
                throw new ArgumentException($"inconsistent tensor size, expected tensor [{input._shape[0]}] and src [{other._shape[0]}] to have the same number of elements, but got {input._shape[0]} and {other._shape[0]} elements respectively");
            Products.CheckImplemented(input.dtype, "dot");
            if (@out is not null)
            {
                if (@out.dtype != input.dtype)
                    throw new ArgumentException($"result dtype {@out.dtype.LegacyName} does not match input dtype {input.dtype.LegacyName}");
                Autograd.AutogradHooks.CheckOut(@out);
            }
            Elementwise.CheckSameDevice(input, other);
            Autograd.Differentiation.CheckOut(@out, input, other);
            Tensor r;
            using var noGrad = no_grad();
            if (input.dtype == DType.BFloat16)
            {
                var y = Tensor.Empty([], DType.Float32, input.device);
                y.Backend.Dot(input.to(DType.Float32), other.to(DType.Float32), y);
                r = y.to(DType.BFloat16);
            }
            else
            {
                r = Tensor.Empty([], input.dtype, input.device);
                r.Backend.Dot(input, other, r);
            }
            noGrad.Dispose();
            r = node.Record(r, [input, other], (input, other));
            return Products.Deliver(r, @out);
        }

        internal static Tensor BaddbmmChecks(Tensor input, Tensor batch1, Tensor batch2, Tensor? @out)
        {
            if (batch1.ndim < 2 || batch2.ndim < 3) Products.CheckBatches(batch1, batch2);
            var init = input.expand(batch1._shape[0], batch1._shape[1], batch2._shape[2]);
            Products.CheckBatches(batch1, batch2);
            Products.CheckOut(@out, batch1.dtype);
            Products.CheckImplemented(batch1.dtype, "baddbmm");
            Products.CheckScalarType(batch1.dtype, batch2.dtype);
            Elementwise.CheckSameDevice(batch1, batch2);
            return init;
        }

        /// <summary>Bool and float16 have no CPU kernel in PyTorch 1.13's matrix products.</summary>
        internal static void CheckImplemented(DType d, string kernel)
        {
            if (d.IsBool || d == DType.Float16)
                throw new NotSupportedException($"\"{kernel}\" not implemented for '{d.LegacyName}'");
        }

        internal static void CheckScalarType(DType expected, DType found)
        {
            if (expected != found)
                throw new ArgumentException($"expected scalar type {expected.LegacyName} but found {found.LegacyName}");
        }

        /// <summary>What every product of two operands checks after their shapes, in PyTorch's order: out='s dtype, the kernel's dtypes, one device, autograd's rule for out=.</summary>
        internal static void CheckOperands(Tensor a, Tensor b, Tensor? @out, string kernel)
        {
            CheckOut(@out, a.dtype);
            CheckImplemented(a.dtype, kernel);
            CheckScalarType(a.dtype, b.dtype);
            Elementwise.CheckSameDevice(a, b);
            Autograd.Differentiation.CheckOut(@out, a, b);
        }

        internal static void CheckOut(Tensor? @out, DType expected)
        {
            if (@out is null) return;
            if (@out.dtype != expected)
                throw new ArgumentException($"Expected out tensor to have dtype {expected.CppName}, but got {@out.dtype.CppName} instead");
            Autograd.AutogradHooks.CheckOut(@out);
        }

        /// <summary>Checks an in-place target (self of addmm_, addmv_, baddbmm_) against the result's shape and dtype.</summary>
        internal static void CheckInPlace(Tensor self, long[] shape, DType dtype)
        {
            if (self.dtype != dtype)
                throw new ArgumentException($"Bad in-place call: input tensor dtype {self.dtype.CppName} and output tensor dtype {dtype.CppName} should match");
            if (!self._shape.AsSpan().SequenceEqual(shape))
                throw new ArgumentException($"Bad in-place call: input tensor size {Shape.Str(self._shape)} and output tensor size {Shape.Str(shape)} should match");
            Autograd.AutogradHooks.CheckInPlace(self);
        }

        /// <summary>Hands a freshly computed result to the caller: itself, or copied into out (resized when its shape differs).</summary>
        internal static Tensor Deliver(Tensor result, Tensor? @out)
        {
            if (@out is null) return result;
            OutArgument.Resize(@out, result._shape).Backend.Copy(@out, result);
            return @out;
        }

        private static DType Compute(DType d) => d == DType.BFloat16 ? DType.Float32 : d;

        private static bool Overlaps(Tensor x, Tensor y) => ReferenceEquals(x._storage, y._storage);

        /// <summary>
        /// A new [batch, m, n] tensor of a's dtype holding alpha * a @ b + beta * init (init broadcast to the result;
        /// null or beta 0: not read).
        /// </summary>
        internal static Tensor Product(Tensor a3, Tensor b3, Tensor? init, Scalar alpha, Scalar beta)
        {
            var dtype = a3.dtype;
            var compute = Compute(dtype);
            long[] shape = [a3._shape[0], a3._shape[1], b3._shape[2]];
            var c = Tensor.Empty(shape, compute, a3.device);
            bool useInit = init is not null && beta.ToDouble() != 0;
            if (useInit) c.Backend.Copy(c, init!);
            c.Backend.Gemm(Elementwise.As(a3, compute), Elementwise.As(b3, compute), c, alpha, useInit ? beta : 0);
            return compute == dtype ? c : c.to(dtype);
        }

        /// <summary>c3 = alpha * a3 @ b3 + beta * c3 in place (through a temporary when c3 shares memory with an operand).</summary>
        internal static void ProductInto(Tensor a3, Tensor b3, Tensor c3, Scalar alpha, Scalar beta)
        {
            if (c3.dtype == Compute(c3.dtype) && !Overlaps(c3, a3) && !Overlaps(c3, b3))
            {
                c3.Backend.Gemm(a3, b3, c3, alpha, beta.ToDouble() == 0 ? 0 : beta);
                return;
            }
            var r = Product(a3, b3, c3, alpha, beta);
            c3.Backend.Copy(c3, r);
        }

        /// <summary>A matrix stored column by column (a transposed contiguous matrix, like Linear's weight.t()).</summary>
        private static bool ColumnMajor(Tensor t) => t.ndim == 2 && t._shape[0] > 1 && t._strides[0] == 1 && t._strides[1] == t._shape[0];

        /// <summary>
        /// The gradient of mat1 in mat1 @ mat2: g @ mat2ᵀ, produced in mat1's layout (a column-major mat1 gets the
        /// transposed product, so the gradient is contiguous in the same order as the operand and no copy follows).
        /// </summary>
        internal static Tensor Mat1Grad(Tensor g, Tensor mat1, Tensor mat2) => ColumnMajor(mat1) ? mat2.mm(g.t()).t() : g.mm(mat2.t());

        /// <summary>The gradient of mat2 in mat1 @ mat2: mat1ᵀ @ g, produced in mat2's layout (see <see cref="Mat1Grad"/>).</summary>
        internal static Tensor Mat2Grad(Tensor g, Tensor mat1, Tensor mat2) => ColumnMajor(mat2) ? g.t().mm(mat1).t() : mat1.t().mm(g);

        internal static void CheckMatrices(Tensor mat1, Tensor mat2)
        {
            if (mat1._shape[1] != mat2._shape[0])
                throw new ArgumentException($"mat1 and mat2 shapes cannot be multiplied ({mat1._shape[0]}x{mat1._shape[1]} and {mat2._shape[0]}x{mat2._shape[1]})");
        }

        internal static void CheckBatches(Tensor batch1, Tensor batch2)
        {
            if (batch1.ndim != 3) throw new ArgumentException("batch1 must be a 3D tensor");
            if (batch2.ndim != 3) throw new ArgumentException("batch2 must be a 3D tensor");
            if (batch2._shape[0] != batch1._shape[0] || batch2._shape[1] != batch1._shape[2])
                throw new ArgumentException($"Expected size for first two dimensions of batch2 tensor to be: [{batch1._shape[0]}, {batch1._shape[2]}] but got: [{batch2._shape[0]}, {batch2._shape[1]}].");
        }

        /// <summary>The checks of mv/addmv: a matrix, a vector and (for addmv) a vector or 0-dim input of matching length.</summary>
        internal static void CheckMv(Tensor? self, Tensor mat, Tensor vec)
        {
            int selfDim = self?.ndim ?? 1;
            if (mat.ndim != 2 || vec.ndim != 1 || selfDim > 1)
                throw new ArgumentException($"vector + matrix @ vector expected, got {selfDim}, {mat.ndim}, {vec.ndim}");
            long selfSize = self is null || self.numel() == 1 ? mat._shape[0] : self._shape[0];
            if (mat._shape[1] != vec._shape[0] || mat._shape[0] != selfSize)
                throw new ArgumentException($"size mismatch, got {selfSize}, {mat._shape[0]}x{mat._shape[1]},{vec._shape[0]}");
        }

        /// <summary>1.13's rule for folding the batch dims of a 3-D+ operand into the rows of a single mm/mv.</summary>
        internal static bool ShouldFold(Tensor t1, int dim2)
        {
            int d1 = t1.ndim;
            if (d1 < 3 || (dim2 != 1 && dim2 != 2)) return false;
            if (d1 == 3 && dim2 == 2 && t1._strides[2] != 1 && t1._strides[0] == t1._shape[1] * t1._shape[2])
                return false;
            return true;
        }

        // ---------------- the products' derivatives ----------------

        private static Tensor Scaled(Tensor t, double k) => k == 1 ? t : t * k;

        internal static readonly NodeDerivative<(Tensor a, Tensor b)> Mm = new("MmBackward0", s => [s.a, s.b],
            (g, s) => Mat1Grad(g, s.a, s.b),
            (g, s) => Mat2Grad(g, s.a, s.b));

        /// <summary>addmm: beta × input + alpha × (mat1 @ mat2); input keeps its shape before broadcasting.</summary>
        internal static readonly NodeDerivative<(long[] inShape, Tensor mat1, Tensor mat2, double alpha, double beta)> Addmm = new("AddmmBackward0", s => [s.mat1, s.mat2],
            (g, s) => Autograd.Recording.SumToShape(Scaled(g, s.beta), s.inShape),
            (g, s) => Scaled(Mat1Grad(g, s.mat1, s.mat2), s.alpha),
            (g, s) => Scaled(Mat2Grad(g, s.mat1, s.mat2), s.alpha));

        internal static readonly NodeDerivative<(Tensor mat, Tensor vec)> Mv = new("MvBackward0", s => [s.mat, s.vec],
            (g, s) => torch.outer(g, s.vec),
            (g, s) => s.mat.t().mv(g));

        internal static readonly NodeDerivative<(long[] inShape, Tensor mat, Tensor vec, double alpha, double beta)> Addmv = new("AddmvBackward0", s => [s.mat, s.vec],
            (g, s) => Autograd.Recording.SumToShape(g * s.beta, s.inShape),
            (g, s) => torch.outer(g, s.vec) * s.alpha,
            (g, s) => s.mat.t().mv(g) * s.alpha);

        internal static readonly NodeDerivative<(Tensor a, Tensor b)> Dot = new("DotBackward0", s => [s.a, s.b],
            (g, s) => g * s.b,
            (g, s) => g * s.a);

        internal static readonly NodeDerivative<(Tensor a, Tensor b)> Vdot = Dot.Named("VdotBackward0");

        internal static readonly NodeDerivative<(Tensor a, Tensor b)> Bmm = new("BmmBackward0", s => [s.a, s.b],
            (g, s) => g.bmm(s.b.transpose(1, 2)),
            (g, s) => s.a.transpose(1, 2).bmm(g));

        internal static readonly NodeDerivative<(long[] inShape, Tensor batch1, Tensor batch2, double alpha, double beta)> Baddbmm = new("BaddbmmBackward0", s => [s.batch1, s.batch2],
            (g, s) => Autograd.Recording.SumToShape(g * s.beta, s.inShape),
            (g, s) => g.bmm(s.batch2.transpose(1, 2)) * s.alpha,
            (g, s) => s.batch1.transpose(1, 2).bmm(g) * s.alpha);

        /// <summary>1-D @ 2-D: PyTorch squeezes the [1, m] product in place, so the node is SqueezeBackward3.</summary>
        internal static readonly NodeDerivative<NoState> SqueezeFirst = new("SqueezeBackward3", null, (g, _) => g.unsqueeze(0));
    }
}

namespace Flint
{
    using Flint.Ops.Linalg;

    public static partial class torch
    {
        /// <summary>Matrix product of two 2-D tensors.</summary>
        public static Tensor mm(Tensor input, Tensor mat2, Tensor? @out = null)
        {
            using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin("aten::mm", input, mat2) : default;
            if (input.ndim != 2) throw new ArgumentException("self must be a matrix");
            if (mat2.ndim != 2) throw new ArgumentException("mat2 must be a matrix");
            Products.CheckMatrices(input, mat2);
            Products.CheckOperands(input, mat2, @out, "addmm_impl_cpu_");
            // the result's size is checked as the matrix it is, before the batched product adds its leading 1
            Shape.ContiguousStorageCount([input._shape[0], mat2._shape[1]], input.dtype.itemsize);
            Tensor r;
            using (no_grad()) r = Products.Product(input.unsqueeze(0), mat2.unsqueeze(0), null, 1, 0).squeeze(0);
            r = Products.Mm.Record(r, [input, mat2], (input, mat2));
            return Products.Deliver(r, @out);
        }

        /// <summary>beta × input + alpha × (mat1 @ mat2), input broadcast to the product's shape.</summary>
        public static Tensor addmm(Tensor input, Tensor mat1, Tensor mat2, Scalar? beta = null, Scalar? alpha = null, Tensor? @out = null)
        {
            using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin("aten::addmm", input, mat1, mat2) : default;
            var expanded = Products.AddmmChecks(input, mat1, mat2, @out);
            Autograd.Differentiation.CheckOut(@out, input, mat1, mat2);
            Tensor r;
            using (no_grad()) r = Products.Product(mat1.unsqueeze(0), mat2.unsqueeze(0), expanded.unsqueeze(0), alpha ?? 1, beta ?? 1).squeeze(0);
            double a = (alpha ?? 1).ToDouble(), b = (beta ?? 1).ToDouble();
            r = Products.Addmm.Record(r, [input, mat1, mat2], (input._shape, mat1, mat2, a, b));
            return Products.Deliver(r, @out);
        }

        /// <summary>Matrix × vector.</summary>
        public static Tensor mv(Tensor input, Tensor vec, Tensor? @out = null)
        {
            Products.CheckMv(null, input, vec);
            Products.CheckOperands(input, vec, @out, "addmv_impl_cpu");
            Tensor r;
            using (no_grad()) r = Products.Product(input.unsqueeze(0), vec.unsqueeze(0).unsqueeze(2), null, 1, 0).view(input._shape[0]);
            r = Products.Mv.Record(r, [input, vec], (input, vec));
            return Products.Deliver(r, @out);
        }

        /// <summary>beta × input + alpha × (mat @ vec).</summary>
        public static Tensor addmv(Tensor input, Tensor mat, Tensor vec, Scalar? beta = null, Scalar? alpha = null, Tensor? @out = null)
        {
            Products.CheckMv(input, mat, vec);
            Products.CheckOut(@out, mat.dtype);
            Products.CheckImplemented(mat.dtype, "addmv_impl_cpu");
            Products.CheckScalarType(mat.dtype, vec.dtype);
            Elementwise.CheckSameDevice(mat, vec);
            Autograd.Differentiation.CheckOut(@out, input, mat, vec);
            Tensor r;
            using (no_grad())
            {
                var init = input.expand(mat._shape[0]).view(1, mat._shape[0], 1);
                r = Products.Product(mat.unsqueeze(0), vec.unsqueeze(0).unsqueeze(2), init, alpha ?? 1, beta ?? 1).view(mat._shape[0]);
            }
            double a = (alpha ?? 1).ToDouble(), b = (beta ?? 1).ToDouble();
            r = Products.Addmv.Record(r, [input, mat, vec], (input._shape, mat, vec, a, b));
            return Products.Deliver(r, @out);
        }

        /// <summary>Inner product of two 1-D tensors (a 0-dim result).</summary>
        public static Tensor dot(Tensor input, Tensor other, Tensor? @out = null) => Products.DotImpl(input, other, @out, Products.Dot);

        /// <summary>dot with the first argument conjugated: the same as dot for real dtypes.</summary>
        public static Tensor vdot(Tensor input, Tensor other, Tensor? @out = null) => Products.DotImpl(input, other, @out, Products.Vdot);

        /// <summary>Batched matrix product of two 3-D tensors with equal batch sizes.</summary>
        public static Tensor bmm(Tensor input, Tensor mat2, Tensor? @out = null)
        {
            using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin("aten::bmm", input, mat2) : default;
            Products.CheckBatches(input, mat2);
            Products.CheckOperands(input, mat2, @out, "bmm");
            Tensor r;
            using (no_grad()) r = Products.Product(input, mat2, null, 1, 0);
            r = Products.Bmm.Record(r, [input, mat2], (input, mat2));
            return Products.Deliver(r, @out);
        }

        /// <summary>beta × input + alpha × (batch1 @ batch2), batched.</summary>
        public static Tensor baddbmm(Tensor input, Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null, Tensor? @out = null)
        {
            var init = Products.BaddbmmChecks(input, batch1, batch2, @out);
            Autograd.Differentiation.CheckOut(@out, input, batch1, batch2);
            Tensor r;
            using (no_grad()) r = Products.Product(batch1, batch2, init, alpha ?? 1, beta ?? 1);
            double a = (alpha ?? 1).ToDouble(), b = (beta ?? 1).ToDouble();
            r = Products.Baddbmm.Record(r, [input, batch1, batch2], (input._shape, batch1, batch2, a, b));
            return Products.Deliver(r, @out);
        }

        /// <summary>Outer product of two 1-D tensors (promoting their dtypes, as PyTorch's mul).</summary>
        public static Tensor outer(Tensor input, Tensor vec2, Tensor? @out = null)
        {
            if (input.ndim != 1) throw new ArgumentException($"outer: Expected 1-D argument self, but got {input.ndim}-D");
            if (vec2.ndim != 1) throw new ArgumentException($"outer: Expected 1-D argument vec2, but got {vec2.ndim}-D");
            return mul(input.reshape(input._shape[0], 1), vec2, @out);
        }

        /// <summary>Alias of <see cref="outer"/>.</summary>
        public static Tensor ger(Tensor input, Tensor vec2, Tensor? @out = null) => outer(input, vec2, @out);

        /// <summary>Sums of products over the last dimension of both inputs; a 0-dim input multiplies.</summary>
        public static Tensor inner(Tensor input, Tensor other, Tensor? @out = null)
        {
            if (input.ndim == 0 || other.ndim == 0) return mul(input, other, @out);
            long k1 = input._shape[^1], k2 = other._shape[^1];
            if (k1 != k2)
                throw new ArgumentException($"inner() the last dimension must match on both input tensors but got shapes {Shape.Str(input._shape)} and {Shape.Str(other._shape)}");
            var shape = input._shape[..^1].Concat(other._shape[..^1]).ToArray();
            var a = input.reshape(Shape.Numel(input._shape[..^1]), k1);
            var b = other.reshape(Shape.Numel(other._shape[..^1]), k2);
            if (@out is not null) Products.CheckOut(@out, input.dtype);
            var r = mm(a, b.t()).reshape(shape);
            return Products.Deliver(r, @out);
        }

        /// <summary>
        /// The matrix product with PyTorch's rank rules: 1-D·1-D is dot, 2-D·1-D is mv, 1-D·2-D and 2-D·2-D are mm,
        /// and higher ranks broadcast the batch dims (1-D operands gain and then lose a dim).
        /// </summary>
        public static Tensor matmul(Tensor input, Tensor other, Tensor? @out = null)
        {
            using var range = Profiler.Recorder.Active ? Profiler.Recorder.Begin("aten::matmul", input, other) : default;
            int d1 = input.ndim, d2 = other.ndim;
            if (d1 == 0 || d2 == 0)
                throw new ArgumentException($"both arguments to matmul need to be at least 1D, but they are {d1}D and {d2}D");
            if (d1 == 1 && d2 == 1) return dot(input, other, @out);
            if (d1 == 2 && d2 == 1) return mv(input, other, @out);
            if (d1 == 1 && d2 == 2)
            {
                Products.CheckMatrices(input.unsqueeze(0), other);
                Products.CheckOut(@out, input.dtype);
                var prod = mm(input.unsqueeze(0), other);
                var sq = Products.SqueezeFirst.Record(prod.View([prod._shape[1]], [prod._strides[1]], prod._offset), [prod], default);
                return Products.Deliver(sq, @out);
            }
            if (d1 == 2 && d2 == 2) return mm(input, other, @out);
            if (Products.ShouldFold(input, d2) || Products.ShouldFold(other, d1))
            {
                bool transpose = d2 > d1;
                var t1 = transpose ? other.mT : input;
                var t2 = !transpose ? other : d1 == 2 ? input.t() : input;
                var sizes1 = t1._shape;
                var outShape = sizes1[..^1].ToList();
                long folded = Shape.Numel(sizes1[..^1]);
                bool t2Matrix = t2.ndim == 2;
                if (t2Matrix) outShape.Add(t2._shape[1]);
                var t1f = t1.reshape(folded, sizes1[^1]);
                Tensor r;
                if (t2Matrix)
                {
                    Products.CheckMatrices(t1f, t2);
                    Products.CheckOut(@out, t1f.dtype);
                    r = mm(t1f, t2).UnsafeView(outShape.ToArray());
                    if (transpose) r = r.mT.contiguous();
                }
                else
                {
                    Products.CheckMv(null, t1f, t2);
                    Products.CheckOut(@out, t1f.dtype);
                    r = mv(t1f, t2).UnsafeView(outShape.ToArray());
                }
                return Products.Deliver(r, @out);
            }
            {
                long n = d1 > 1 ? input._shape[^2] : 1, m1 = input._shape[^1];
                long m2 = d2 > 1 ? other._shape[^2] : other._shape[0], p = d2 > 1 ? other._shape[^1] : 1;
                var batch1 = input._shape[..Math.Max(d1 - 2, 0)];
                var batch2 = other._shape[..Math.Max(d2 - 2, 0)];
                var batch = Shape.Broadcast(batch1, batch2);
                long nb = Shape.Numel(batch);
                var t1 = input.expand([.. batch, n, m1]).reshape(nb, n, m1);
                var t2 = other.expand([.. batch, m2, p]).reshape(nb, m2, p);
                var outShape = batch.ToList();
                if (d1 > 1) outShape.Add(n);
                if (d2 > 1) outShape.Add(p);
                Products.CheckBatches(t1, t2);
                Products.CheckOut(@out, t1.dtype);
                var r = bmm(t1, t2).UnsafeView(outShape.ToArray());
                return Products.Deliver(r, @out);
            }
        }
    }
}

namespace Flint
{
    using Flint.Ops.Linalg;

    public partial class Tensor
    {
        /// <summary>The matrix product with PyTorch's broadcasting rules (vectors, matrices, batches), as <c>tensor.matmul</c> (<c>@</c>).</summary>
        public Tensor matmul(Tensor other) => torch.matmul(this, other);
        /// <summary>The product of two matrices, as <c>tensor.mm</c>.</summary>
        public Tensor mm(Tensor mat2) => torch.mm(this, mat2);
        /// <summary>The product of two batches of matrices, as <c>tensor.bmm</c>.</summary>
        public Tensor bmm(Tensor mat2) => torch.bmm(this, mat2);
        /// <summary>The product of a matrix and a vector, as <c>tensor.mv</c>.</summary>
        public Tensor mv(Tensor vec) => torch.mv(this, vec);
        /// <summary>The dot product of two 1-dim tensors, as <c>tensor.dot</c>.</summary>
        public Tensor dot(Tensor other) => torch.dot(this, other);
        /// <summary>The dot product of two 1-dim tensors (conjugating the first for complex), as <c>tensor.vdot</c>.</summary>
        public Tensor vdot(Tensor other) => torch.vdot(this, other);
        /// <summary>The outer product of two 1-dim tensors, as <c>tensor.outer</c>.</summary>
        public Tensor outer(Tensor vec2) => torch.outer(this, vec2);
        /// <summary>Alias of <c>outer</c>, as <c>tensor.ger</c>.</summary>
        public Tensor ger(Tensor vec2) => torch.ger(this, vec2);
        /// <summary>The inner product over the last dims, as <c>tensor.inner</c>.</summary>
        public Tensor inner(Tensor other) => torch.inner(this, other);

        /// <summary><c>beta * this + alpha * (mat1 @ mat2)</c>, as <c>tensor.addmm</c>.</summary>
        public Tensor addmm(Tensor mat1, Tensor mat2, Scalar? beta = null, Scalar? alpha = null) => torch.addmm(this, mat1, mat2, beta, alpha);
        /// <summary><c>beta * this + alpha * (mat @ vec)</c>, as <c>tensor.addmv</c>.</summary>
        public Tensor addmv(Tensor mat, Tensor vec, Scalar? beta = null, Scalar? alpha = null) => torch.addmv(this, mat, vec, beta, alpha);
        /// <summary><c>beta * this + alpha * (batch1 @ batch2)</c>, as <c>tensor.baddbmm</c>.</summary>
        public Tensor baddbmm(Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null) => torch.baddbmm(this, batch1, batch2, beta, alpha);

        /// <summary>In place: this = beta × this + alpha × (mat1 @ mat2).</summary>
        public Tensor addmm_(Tensor mat1, Tensor mat2, Scalar? beta = null, Scalar? alpha = null)
        {
            var shape = AddmmShape(mat1, mat2);
            Products.CheckInPlace(this, shape, mat1.dtype);
            if (Autograd.Differentiation.NeedsInPlace(this, mat1, mat2))
                return Autograd.Differentiation.InPlace(this, old => torch.addmm(old, mat1, mat2, beta, alpha));
            Products.ProductInto(mat1.unsqueeze(0), mat2.unsqueeze(0), unsqueeze(0), alpha ?? 1, beta ?? 1);
            BumpVersion();
            return this;
        }

        private long[] AddmmShape(Tensor mat1, Tensor mat2)
        {
            if (mat1.ndim != 2) throw new ArgumentException($"mat1 must be a matrix, got {mat1.ndim}-D tensor");
            if (mat2.ndim != 2) throw new ArgumentException($"mat2 must be a matrix, got {mat2.ndim}-D tensor");
            if (dtype != mat1.dtype || mat1.dtype != mat2.dtype)
                throw new ArgumentException("self and mat2 must have the same dtype");
            Products.CheckMatrices(mat1, mat2);
            long[] shape = [mat1._shape[0], mat2._shape[1]];
            expand(shape);
            Products.CheckImplemented(mat1.dtype, "addmm_impl_cpu_");
            return shape;
        }

        /// <summary>In place: this = beta × this + alpha × (mat @ vec).</summary>
        public Tensor addmv_(Tensor mat, Tensor vec, Scalar? beta = null, Scalar? alpha = null)
        {
            Products.CheckMv(this, mat, vec);
            Products.CheckInPlace(this, [mat._shape[0]], mat.dtype);
            Products.CheckImplemented(mat.dtype, "addmv_impl_cpu");
            Products.CheckScalarType(mat.dtype, vec.dtype);
            if (Autograd.Differentiation.NeedsInPlace(this, mat, vec))
                return Autograd.Differentiation.InPlace(this, old => torch.addmv(old, mat, vec, beta, alpha));
            Products.ProductInto(mat.unsqueeze(0), vec.unsqueeze(0).unsqueeze(2), view(1, mat._shape[0], 1), alpha ?? 1, beta ?? 1);
            BumpVersion();
            return this;
        }

        /// <summary>In place: this = beta × this + alpha × (batch1 @ batch2).</summary>
        public Tensor baddbmm_(Tensor batch1, Tensor batch2, Scalar? beta = null, Scalar? alpha = null)
        {
            if (batch1.ndim < 2 || batch2.ndim < 3) Products.CheckBatches(batch1, batch2);
            long[] shape = [batch1._shape[0], batch1._shape[1], batch2._shape[2]];
            expand(shape);
            Products.CheckBatches(batch1, batch2);
            Products.CheckInPlace(this, shape, batch1.dtype);
            Products.CheckImplemented(batch1.dtype, "baddbmm");
            Products.CheckScalarType(batch1.dtype, batch2.dtype);
            if (Autograd.Differentiation.NeedsInPlace(this, batch1, batch2))
                return Autograd.Differentiation.InPlace(this, old => torch.baddbmm(old, batch1, batch2, beta, alpha));
            Products.ProductInto(batch1, batch2, this, alpha ?? 1, beta ?? 1);
            BumpVersion();
            return this;
        }
    }
}
