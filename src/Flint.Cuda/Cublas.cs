using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Flint.Backends;
using Flint.Cuda.Kernels;
using ILGPU.Runtime.Cuda;

namespace Flint.Cuda;

/// <summary>
/// cuBLAS, found at run time: by soname (libcublas.so.13, then .12) on the loader's path, then in the CUDA folders
/// (CUDA_HOME, CUDA_PATH, LD_LIBRARY_PATH, pip's nvidia-cublas wheels, the system folders). The search and its result
/// are kept for torch.cuda.explain(). Without cuBLAS the ILGPU GEMM kernel runs.
/// </summary>
internal static partial class Cublas
{
    private const string Lib = "flint_cublas";
    private static readonly string[] Sonames = OperatingSystem.IsWindows() ? ["cublas64_13.dll", "cublas64_12.dll"] : ["libcublas.so.13", "libcublas.so.12"];

    private static readonly object Gate = new();
    private static bool tried;
    private static IntPtr library;
    private static IntPtr handle;
    private static readonly List<string> searched = new();
    private static string? found;
    private static string? failure;

    /// <summary>What was looked for and what was found (or why cuBLAS is not used).</summary>
    internal static string Report(bool cpuAccelerator)
    {
        var sb = new StringBuilder();
        if (cpuAccelerator) sb.AppendLine("cuBLAS: not used on ILGPU's CPU accelerator (the ILGPU GEMM kernel runs)");
        lock (Gate)
        {
            if (!tried && !cpuAccelerator) sb.AppendLine("cuBLAS: not looked for yet (the first matrix product loads it)");
            if (found is not null) sb.AppendLine($"cuBLAS: loaded {found}");
            else if (tried) sb.AppendLine($"cuBLAS: not found ({failure}); the ILGPU GEMM kernel runs");
            if (searched.Count > 0)
            {
                sb.AppendLine("  tried:");
                foreach (var s in searched) sb.AppendLine("    " + s);
            }
        }
        return sb.ToString();
    }

    /// <summary>The candidates in search order: the sonames, then each folder of the CUDA search joined with each soname.</summary>
    internal static List<string> Candidates(Func<string, string?> getenv)
    {
        var r = new List<string>(Sonames);
        foreach (var d in Flint.Backends.Cuda.CudaRuntime.SearchDirs("cublas", getenv))
            foreach (var n in Sonames) r.Add(Path.Combine(d, n));
        return r;
    }

    private static bool Load()
    {
        lock (Gate)
        {
            if (tried) return handle != IntPtr.Zero;
            tried = true;
            foreach (var c in Candidates(Environment.GetEnvironmentVariable))
            {
                searched.Add(c);
                if (Path.IsPathRooted(c) && !File.Exists(c)) continue;
                if (NativeLibrary.TryLoad(c, out library)) { found = c; break; }
            }
            if (found is null) { failure = "no candidate loaded"; return false; }
            NativeLibrary.SetDllImportResolver(typeof(Cublas).Assembly, Resolve);
            try
            {
                int st = Create(out handle);
                if (st != 0) { failure = $"cublasCreate_v2 returned {st}"; handle = IntPtr.Zero; found = null; }
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                failure = e.Message; handle = IntPtr.Zero; found = null;
            }
            return handle != IntPtr.Zero;
        }
    }

    private static IntPtr Resolve(string name, Assembly asm, DllImportSearchPath? path) => name == Lib ? library : IntPtr.Zero;

    [LibraryImport(Lib, EntryPoint = "cublasCreate_v2")]
    private static partial int Create(out IntPtr handle);
    [LibraryImport(Lib, EntryPoint = "cublasSetStream_v2")]
    private static partial int SetStream(IntPtr handle, IntPtr stream);
    [LibraryImport(Lib, EntryPoint = "cublasSgemmStridedBatched")]
    private static partial int SgemmStridedBatched(IntPtr h, int transa, int transb, int m, int n, int k, in float alpha, IntPtr a, int lda, long strideA,
        IntPtr b, int ldb, long strideB, in float beta, IntPtr c, int ldc, long strideC, int batch);
    [LibraryImport(Lib, EntryPoint = "cublasDgemmStridedBatched")]
    private static partial int DgemmStridedBatched(IntPtr h, int transa, int transb, int m, int n, int k, in double alpha, IntPtr a, int lda, long strideA,
        IntPtr b, int ldb, long strideB, in double beta, IntPtr c, int ldc, long strideC, int batch);

    // one row-major matrix as cuBLAS's column-major operand: (transpose flag, leading dimension), or null when neither dim is unit-stride
    private static (int op, long ld)? Operand(long rows, long cols, long rowStride, long colStride)
    {
        if (colStride == 1 && rowStride >= Math.Max(1, cols)) return (0, rowStride);   // its transpose is column-major
        if (rowStride == 1 && colStride >= Math.Max(1, rows)) return (1, colStride);   // column-major already: op T
        return null;
    }

    /// <summary>
    /// c = alpha a @ b + beta c through cuBLAS, as cᵀ = bᵀ aᵀ in column-major terms; false when cuBLAS is absent or the
    /// layouts or dtype do not suit it (the caller then runs the ILGPU kernel).
    /// </summary>
    internal static bool TryGemm(CudaBackend be, TensorLayout a, TensorLayout b, TensorLayout c, GemmGeometry g, long batch, Scalar alpha, Scalar beta)
    {
        if (c.DType != DType.Float32 && c.DType != DType.Float64) return false;
        if (g.CCol != 1 || g.CRow < Math.Max(1, g.N)) return false;
        if (Math.Max(Math.Max(g.M, g.N), g.K) > int.MaxValue || batch > int.MaxValue) return false;
        var oa = Operand(g.M, g.K, g.ARow, g.ACol);
        var ob = Operand(g.K, g.N, g.BRow, g.BCol);
        if (oa is null || ob is null) return false;
        if (be.Dev.Accelerator is not CudaAccelerator cuda || !Load()) return false;
        int size = c.DType.itemsize;
        IntPtr P(in TensorLayout t, long off) => CudaBackend.Mem(t).Block.Buffer.NativePtr + (nint)(off * size);
        lock (Gate)
        {
            cuda.Bind();
            if (SetStream(handle, ((CudaStream)be.Dev.CurrentStream).StreamPtr) != 0) return false;
            // column-major: C' (n x m) = B' (n x k) A' (k x m); B' is b read with its own flag
            int st = c.DType == DType.Float32
                ? SgemmStridedBatched(handle, ob.Value.op, oa.Value.op, (int)g.N, (int)g.M, (int)g.K, (float)alpha.ToDouble(),
                    P(b, g.BOff), (int)ob.Value.ld, g.BBatch, P(a, g.AOff), (int)oa.Value.ld, g.ABatch, (float)beta.ToDouble(), P(c, g.COff), (int)g.CRow, g.CBatch, (int)batch)
                : DgemmStridedBatched(handle, ob.Value.op, oa.Value.op, (int)g.N, (int)g.M, (int)g.K, alpha.ToDouble(),
                    P(b, g.BOff), (int)ob.Value.ld, g.BBatch, P(a, g.AOff), (int)oa.Value.ld, g.ABatch, beta.ToDouble(), P(c, g.COff), (int)g.CRow, g.CBatch, (int)batch);
            return st == 0;
        }
    }
}
