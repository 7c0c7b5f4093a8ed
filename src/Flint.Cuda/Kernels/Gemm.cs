using System.Numerics;
using ILGPU;

namespace Flint.Cuda.Kernels;

/// <summary>The sizes and strides of a batched product c[b] = alpha a[b] @ b[b] + beta c[b], in elements.</summary>
internal struct GemmGeometry
{
    public long M, N, K;
    public long AOff, ABatch, ARow, ACol;
    public long BOff, BBatch, BRow, BCol;
    public long COff, CBatch, CRow, CCol;
}

// The ILGPU matrix product (used when cuBLAS is absent, and always on the CPU accelerator): one thread per element of
// c, its dot product over k in order. Correct for every stride, broadcast batch (stride 0) and integer dtype.
internal static class Gemm
{
    public static void Product<T>(Index1D i, ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, GemmGeometry g, T alpha, T beta, int readC, int multiply, long start)
        where T : unmanaged, INumber<T>
    {
        long e = start + i;
        long mn = g.M * g.N;
        long batch = e / mn, r = e - batch * mn;
        long row = r / g.N, col = r - row * g.N;
        T acc = T.Zero;
        if (multiply != 0)
        {
            long pa = g.AOff + batch * g.ABatch + row * g.ARow, pb = g.BOff + batch * g.BBatch + col * g.BCol;
            for (long k = 0; k < g.K; k++) acc += a[pa + k * g.ACol] * b[pb + k * g.BRow];
            acc *= alpha;
        }
        long pc = g.COff + batch * g.CBatch + row * g.CRow + col * g.CCol;
        if (readC != 0) acc += beta * c[pc];
        c[pc] = acc;
    }
}
