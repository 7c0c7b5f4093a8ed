using System.Reflection;
using Flint.Cuda.Kernels;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Xunit;

namespace Flint.Cuda.Tests;

/// <summary>
/// The kernels compile to PTX without a GPU: ILGPU's PTX backend lowers each kernel instantiation (with the op's
/// scalar function inlined) for sm_70, so a kernel a GPU could not run fails here rather than on the GPU machine.
/// </summary>
public class PtxTests
{
    private static readonly Lazy<(Context ctx, PTXBackend be)> Ptx = new(() =>
    {
        var ctx = Context.Create(b => b.Cuda().EnableAlgorithms());
        return (ctx, new PTXBackend(ctx, new CudaCapabilityContext(CudaArchitecture.SM_70), CudaArchitecture.SM_70, CudaInstructionSet.ISA_70, null));
    });

    private static Type Op(string name) => typeof(torch).Assembly.GetType("Flint.Ops.Kernels." + name, throwOnError: true)!;

    private static void Compiles(Type host, string method, params Type[] typeArgs)
    {
        var m = host.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!.MakeGenericMethod(typeArgs);
        var (_, be) = Ptx.Value;
        var k = be.Compile(EntryPointDescription.FromImplicitlyGroupedKernel(m), default);
        Assert.Contains(".entry", ((PTXCompiledKernel)k).PTXAssembly);
    }

    [Fact]
    public void ElementwiseKernelsCompile()
    {
        Compiles(typeof(Elementwise), "NumericBinary", typeof(float), Op("AddOp"));
        Compiles(typeof(Elementwise), "NumericBinary", typeof(long), Op("MulOp"));
        Compiles(typeof(Elementwise), "FloatUnary", typeof(float), Op("ExpOp"));
        Compiles(typeof(Elementwise), "FloatUnary", typeof(double), Op("TanhOp"));
        Compiles(typeof(Elementwise), "Fill", typeof(double));
        Compiles(typeof(Copies), "Same", typeof(byte));
        Compiles(typeof(Elementwise), "Cast", typeof(double), typeof(sbyte), typeof(ReadF64), typeof(WriteI8));
        Compiles(typeof(Elementwise), "Cast", typeof(long), typeof(byte), typeof(ReadI64), typeof(WriteBool));
    }

    [Fact]
    public void ReductionAndProductKernelsCompile()
    {
        Compiles(typeof(Kernels.Reduce), "Fold", typeof(float));
        Compiles(typeof(Kernels.Reduce), "ArgFold", typeof(int));
        Compiles(typeof(Kernels.Reduce), "Softmax", typeof(float));
        Compiles(typeof(Kernels.Reduce), "SoftmaxBackward", typeof(double));
        Compiles(typeof(Kernels.Gemm), "Product", typeof(float));
        Compiles(typeof(Kernels.Gemm), "Product", typeof(long));
    }
}

/// <summary>A test that needs an NVIDIA GPU: skipped, with the reason, on machines without one.</summary>
public sealed class GpuFactAttribute : FactAttribute
{
    /// <summary>Why there is no GPU, or null when ILGPU finds one.</summary>
    public static readonly string? NoGpu = Probe();

    private static string? Probe()
    {
        try
        {
            using var ctx = Context.Create(b => b.Cuda());
            return ctx.GetCudaDevices().Count > 0 ? null : "no NVIDIA GPU: ILGPU finds no CUDA device on this machine (run tests/Flint.Cuda.Check on a GPU machine)";
        }
        catch (Exception e) { return "no NVIDIA GPU: " + e.Message; }
    }

    /// <summary>Skips the test when the machine has no GPU.</summary>
    public GpuFactAttribute() { if (NoGpu is not null) Skip = NoGpu; }
}

public class RealGpuTests
{
    [GpuFact]
    public void KernelsRunOnTheGpuAsOnTheCpuAccelerator()
    {
        var dev = CudaDevice.Create(allowCpu: false, preferCpu: false, out var why) ?? throw new InvalidOperationException(why);
        Assert.False(dev.IsCpuAccelerator);
        var be = new CudaBackend(dev);
        var x = torch.randn([64, 33]);
        var s = be.Allocate(DType.Float32, x.numel(), zeroed: false);
        var l = Backends.TensorLayout.Contiguous(s, [64, 33]);
        be.Copy(l, x);
        var y = be.Allocate(DType.Float32, x.numel(), zeroed: true);
        var ly = Backends.TensorLayout.Contiguous(y, [64, 33]);
        var back = torch.empty([64, 33]);
        be.Copy(back, l);
        Assert.True(torch.equal(x, back));
        GC.KeepAlive(ly);
    }
}
