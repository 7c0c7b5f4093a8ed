using System.Numerics;
using Flint.Backends;
using Flint.Cuda.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace Flint.Cuda;

// Matrix products: cuBLAS on a GPU when the library loads and the layouts suit it (float32/float64, a unit stride
// in one of the two matrix dims), else the ILGPU kernel, which takes every stride and dtype.
internal sealed partial class CudaBackend
{
    public void Gemm(TensorLayout a, TensorLayout b, TensorLayout c, Scalar alpha, Scalar beta)
    {
        Mem(a); Mem(b); Mem(c);
        if (a.Rank != 3 || b.Rank != 3 || c.Rank != 3) throw new ArgumentException("gemm takes [batch, m, k] @ [batch, k, n] into [batch, m, n]");
        var g = new GemmGeometry
        {
            M = c.Shape[1], N = c.Shape[2], K = a.Shape[2],
            AOff = a.Offset, ABatch = a.Shape[0] == 1 ? 0 : a.Strides[0], ARow = a.Strides[1], ACol = a.Strides[2],
            BOff = b.Offset, BBatch = b.Shape[0] == 1 ? 0 : b.Strides[0], BRow = b.Strides[1], BCol = b.Strides[2],
            COff = c.Offset, CBatch = c.Strides[0], CRow = c.Strides[1], CCol = c.Strides[2],
        };
        if (a.Shape[1] != g.M || b.Shape[2] != g.N || b.Shape[1] != g.K)
            throw new ArgumentException($"gemm shapes do not agree: {Flint.Shape.Str(a.Shape)} @ {Flint.Shape.Str(b.Shape)} into {Flint.Shape.Str(c.Shape)}");
        long batch = c.Shape[0];
        if (batch * g.M * g.N == 0) return;
        if (!Dev.IsCpuAccelerator && Cublas.TryGemm(this, a, b, c, g, batch, alpha, beta)) return;
        DTypeDispatch.Numeric(c.DType, "mm", new GemmV(this, a, b, c, g, batch, alpha, beta));
    }

    private readonly struct GemmV(CudaBackend be, TensorLayout a, TensorLayout b, TensorLayout c, GemmGeometry g, long batch, Scalar alpha, Scalar beta) : INumericVisitor
    {
        public void Visit<T>() where T : unmanaged, INumber<T>
        {
            var k = be.Kernel<GemmV, Action<AcceleratorStream, Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmGeometry, T, T, int, int, long>>(
                acc => acc.LoadAutoGroupedKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmGeometry, T, T, int, int, long>(Kernels.Gemm.Product<T>));
            T al = Flint.Backends.Convert.FromScalar<T>(alpha), bt = Flint.Backends.Convert.FromScalar<T>(beta);
            int readC = beta.ToDouble() != 0 ? 1 : 0, multiply = alpha.ToDouble() != 0 ? 1 : 0;
            var (av, bv, cv) = (View<T>(a), View<T>(b), View<T>(c));
            foreach (var (start, cnt) in Geometry.Chunks(batch * g.M * g.N)) k(be.Stream, cnt, av, bv, cv, g, al, bt, readC, multiply, start);
        }
    }

    public void Dot(TensorLayout a, TensorLayout b, TensorLayout y)
    {
        long n = a.Shape[0];
        Gemm(new TensorLayout(a.Storage, [1, 1, n], [0, 0, a.Strides[0]], a.Offset),
             new TensorLayout(b.Storage, [1, n, 1], [0, b.Strides[0], 0], b.Offset),
             new TensorLayout(y.Storage, [1, 1, 1], [0, 0, 0], y.Offset), 1, 0);
    }
}
