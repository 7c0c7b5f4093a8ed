using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Flint.Backends.Cpu.Gemm;

/// <summary>
/// Integer products: a plain i-p-j loop accumulating a row of C in the dtype itself, so overflow wraps exactly as
/// PyTorch's integer matmul does.
/// </summary>
internal static class IntegerGemm
{
    internal static void Run<T>(int batch, int m, int n, int k, MatView<T> a, MatView<T> b, MatView<T> c, T alpha, T beta)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (batch == 0 || m == 0 || n == 0) return;
        if (k == 0 || alpha == T.Zero) { GemmDriver.ScaleC(batch, m, n, c, beta); return; }
        ref T a0 = ref MemoryMarshal.GetArrayDataReference(a.Data);
        ref T b0 = ref MemoryMarshal.GetArrayDataReference(b.Data);
        ref T c0 = ref MemoryMarshal.GetArrayDataReference(c.Data);
        bool betaZero = beta == T.Zero;
        var row = ArrayPool<T>.Shared.Rent(n);
        try
        {
            var acc = row.AsSpan(0, n);
            for (int bi = 0; bi < batch; bi++)
                for (int i = 0; i < m; i++)
                {
                    acc.Clear();
                    long ao = a.Offset + bi * a.Bs + i * a.Rs;
                    for (int p = 0; p < k; p++)
                    {
                        T av = Unsafe.Add(ref a0, (nint)(ao + p * a.Cs));
                        if (av == T.Zero) continue;
                        long bo = b.Offset + bi * b.Bs + p * b.Rs;
                        for (int j = 0; j < n; j++) acc[j] += av * Unsafe.Add(ref b0, (nint)(bo + j * b.Cs));
                    }
                    long co = c.Offset + bi * c.Bs + i * c.Rs;
                    for (int j = 0; j < n; j++)
                    {
                        ref T d = ref Unsafe.Add(ref c0, (nint)(co + j * c.Cs));
                        d = betaZero ? alpha * acc[j] : alpha * acc[j] + beta * d;
                    }
                }
        }
        finally { ArrayPool<T>.Shared.Return(row); }
    }
}
