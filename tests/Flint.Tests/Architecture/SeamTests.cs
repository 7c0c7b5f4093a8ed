using System.Reflection;
using System.Reflection.Emit;
using Flint.Backends;
using Flint.Ops.Kernels;
using Xunit;

namespace Flint.Tests.Architecture;

/// <summary>
/// The device seam, checked on the compiled library: only the CPU backend's own namespace uses the CPU backend's
/// types (its storage, worker pool, kernel options, loops), and the backend interface sees storage plus layout,
/// never a tensor. Reads every type's signatures and every method body's IL, so a new shortcut past the seam
/// fails here (with the member that took it) whichever file it is written in.
/// </summary>
public class SeamTests
{
    private const string CpuNamespace = "Flint.Backends.Cpu";
    private static readonly Assembly Flint = typeof(Tensor).Assembly;

    private static bool InCpuBackend(Type? t)
    {
        for (; t is not null; t = t.DeclaringType)
            if (t.Namespace is { } ns && (ns == CpuNamespace || ns.StartsWith(CpuNamespace + ".", StringComparison.Ordinal))) return true;
        return false;
    }

    /// <summary>The CPU-backend types a type, or any type it is built from (arrays, generic arguments), names.</summary>
    private static IEnumerable<Type> CpuTypesIn(Type? t)
    {
        if (t is null || t.IsGenericParameter) yield break;
        if (t.HasElementType) { foreach (var e in CpuTypesIn(t.GetElementType())) yield return e; yield break; }
        if (InCpuBackend(t)) yield return t;
        if (t.IsGenericType)
            foreach (var a in t.GetGenericArguments())
                foreach (var e in CpuTypesIn(a)) yield return e;
    }

    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The members (types, methods, fields) a method body's IL refers to by token.</summary>
    private static IEnumerable<MemberInfo> ReferencedMembers(MethodBase m)
    {
        var il = m.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArgs = m.DeclaringType is { IsGenericType: true } dt ? dt.GetGenericArguments() : null;
        var methodArgs = m is MethodInfo { IsGenericMethod: true } ? m.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: i += 1; break;
                case OperandType.InlineVar: i += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: i += 8; break;
                case OperandType.InlineSwitch: i += 4 + 4 * BitConverter.ToInt32(il, i); break;
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    {
                        int token = BitConverter.ToInt32(il, i);
                        i += 4;
                        MemberInfo? member = null;
                        try { member = m.Module.ResolveMember(token, typeArgs, methodArgs); }
                        catch (ArgumentException) { }
                        if (member is not null) yield return member;
                        break;
                    }
                default: i += 4; break;   // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
            }
        }
    }

    private static IEnumerable<Type> CpuTypesOf(MemberInfo member) => member switch
    {
        Type t => CpuTypesIn(t),
        FieldInfo f => CpuTypesIn(f.DeclaringType).Concat(CpuTypesIn(f.FieldType)),
        MethodBase mb => CpuTypesIn(mb.DeclaringType)
            .Concat(mb is MethodInfo { IsGenericMethod: true } g ? g.GetGenericArguments().SelectMany(CpuTypesIn) : []),
        _ => [],
    };

    /// <summary>Every place outside the CPU backend that names one of its types: "member: type".</summary>
    private static List<string> Violations()
    {
        var found = new List<string>();
        foreach (var type in Flint.GetTypes())
        {
            if (InCpuBackend(type)) continue;
            void Report(string where, IEnumerable<Type> types)
            {
                foreach (var t in types.Distinct()) found.Add($"{type.FullName}.{where} uses {t.FullName}");
            }
            Report("(base)", CpuTypesIn(type.BaseType).Concat(type.GetInterfaces().SelectMany(CpuTypesIn)));
            foreach (var f in type.GetFields(All)) Report(f.Name, CpuTypesIn(f.FieldType));
            foreach (var p in type.GetProperties(All)) Report(p.Name, CpuTypesIn(p.PropertyType));
            foreach (var m in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
            {
                var sig = m.GetParameters().Select(p => p.ParameterType);
                if (m is MethodInfo mi) sig = sig.Append(mi.ReturnType);
                var locals = m.GetMethodBody()?.LocalVariables.Select(l => l.LocalType) ?? [];
                Report(m.Name, sig.Concat(locals).SelectMany(CpuTypesIn).Concat(ReferencedMembers(m).SelectMany(CpuTypesOf)));
            }
        }
        return found;
    }

    [Fact]
    public void NothingOutsideTheCpuBackendUsesItsTypes()
    {
        var found = Violations();
        Assert.True(found.Count == 0, "the CPU backend's types are used past the seam:\n" + string.Join("\n", found.Distinct().Take(40)));
    }

    [Fact]
    public void TheCheckSeesAShortcutPastTheSeam()
    {
        // the walk itself must find what it looks for: the CPU backend's own members do reach its storage
        var cpuBackend = Flint.GetType("Flint.Backends.Cpu.CpuBackend", throwOnError: true)!;
        var samples = cpuBackend.GetMethod("ForSamples", BindingFlags.NonPublic | BindingFlags.Static)!;
        Assert.Contains(ReferencedMembers(samples).SelectMany(CpuTypesOf), t => t.Name == "WorkerPool");
        var alloc = cpuBackend.GetMethod("Allocate")!;
        Assert.Contains(ReferencedMembers(alloc).SelectMany(CpuTypesOf), t => t.Name == "CpuStorage");
    }

    private static IEnumerable<Type> Parts(Type t)
    {
        yield return t;
        if (t.HasElementType) foreach (var e in Parts(t.GetElementType()!)) yield return e;
        if (t.IsGenericType) foreach (var a in t.GetGenericArguments()) foreach (var e in Parts(a)) yield return e;
    }

    private static IEnumerable<MethodInfo> BackendMethods() =>
        typeof(IBackend).GetMethods().Concat(typeof(IBackend).GetInterfaces().SelectMany(i => i.GetMethods()));

    [Fact]
    public void NoBackendMethodTakesOrReturnsATensor()
    {
        var bad = BackendMethods()
            .Where(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType).SelectMany(Parts).Any(t => t == typeof(Tensor)))
            .Select(m => m.Name).ToList();
        Assert.True(bad.Count == 0, "IBackend methods that see a Tensor: " + string.Join(", ", bad));
        Assert.Contains(BackendMethods(), m => m.GetParameters().Any(p => p.ParameterType == typeof(TensorLayout)));
    }

    [Fact]
    public void TheBackendInterfaceAndEverythingItsSignaturesNameArePublic()
    {
        // a backend in another assembly must be able to implement every member
        Assert.True(typeof(IBackend).IsPublic);
        var hidden = BackendMethods()
            .SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)
                .Concat(m.IsGenericMethod ? m.GetGenericArguments().SelectMany(g => g.GetGenericParameterConstraints()) : []))
            .SelectMany(Parts)
            .Where(t => !t.IsGenericParameter && !t.IsVisible)
            .Select(t => t.FullName).Distinct().ToList();
        Assert.True(hidden.Count == 0, "types in IBackend signatures that another assembly cannot see: " + string.Join(", ", hidden));
        Assert.True(typeof(BackendRegistry).IsPublic && typeof(TensorLayout).IsPublic && typeof(Storage).IsPublic);
    }

    [Fact]
    public void TheLayoutAKernelGetsCarriesNoAutogradState()
    {
        // storage and layout only: nothing that reaches a tensor, its gradient, version counter or history
        var members = typeof(TensorLayout).GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance);
        Assert.Equal(["Storage", "Shape", "Strides", "Offset"],
            typeof(TensorLayout).GetProperties().Where(p => p.GetMethod!.IsPublic && p.DeclaringType == typeof(TensorLayout))
                .Select(p => p.Name).Take(4));
        Assert.All(members, f => Assert.Contains(f.FieldType, new[] { typeof(Storage), typeof(long[]), typeof(long) }));
    }

    [Fact]
    public void TheBuiltInCpuBackendIsRegisteredByDeviceType()
    {
        Assert.True(BackendRegistry.IsRegistered(DeviceType.CPU));
        var cpu = BackendRegistry.For(DeviceType.CPU);
        Assert.Equal(Device.CPU, cpu.Device);
        Assert.Same(cpu, torch.zeros(2).Backend);
    }

    [Fact]
    public void AMissingBackendIsAClearError()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => BackendRegistry.For((DeviceType)57));
        Assert.Equal("no backend is registered for device type 57", ex.Message);
        Assert.False(BackendRegistry.IsRegistered((DeviceType)57));
    }

    [Fact]
    public void ABackendMustBeRegisteredForItsOwnDeviceType()
    {
        var ex = Assert.Throws<ArgumentException>(() => BackendRegistry.Register((DeviceType)58, BackendRegistry.For(DeviceType.CPU)));
        Assert.StartsWith("a backend for CPU devices cannot be registered for 58", ex.Message);
        Assert.False(BackendRegistry.IsRegistered((DeviceType)58));
    }
}

/// <summary>
/// A backend from another assembly (this one) plugs in by device type: allocations on its device go to it, and
/// its kernels receive storage plus layout of its own storage. The backend records the calls and computes nothing.
/// </summary>
public class PluggedBackendTests
{
    public sealed class DeviceMemory(DType dtype, long count, Device device) : Storage(dtype, count)
    {
        public override Device device { get; } = device;
    }

    public class RecordingBackend : DispatchProxy
    {
        public readonly List<string> Calls = [];
        public readonly List<TensorLayout> Layouts = [];
        public Device Device = null!;

        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            var m = method!;
            lock (Calls) Calls.Add(m.IsGenericMethod ? $"{m.Name}<{m.GetGenericArguments()[0].Name}>" : m.Name);
            foreach (var a in args ?? []) if (a is TensorLayout l) lock (Layouts) Layouts.Add(l);
            return m.Name switch
            {
                "get_Device" => Device,
                "Allocate" => new DeviceMemory((DType)args![0]!, (long)args[1]!, Device),
                _ => null,
            };
        }
    }

    [Fact]
    public void ABackendInAnotherAssemblyReceivesItsDevicesAllocationsAndKernels()
    {
        const DeviceType type = (DeviceType)41;
        var device = new Device(type, 0);
        var backend = DispatchProxy.Create<IBackend, RecordingBackend>();
        var recorder = (RecordingBackend)(object)backend;
        recorder.Device = device;
        BackendRegistry.Register(type, backend);
        Assert.Same(backend, BackendRegistry.For(type));

        var x = torch.empty([2, 3], device: device);
        Assert.Equal(device, x.device);
        Assert.IsType<DeviceMemory>(x.untyped_storage());
        var y = x.add(x);
        Assert.Equal(device, y.device);
        Assert.Equal([2L, 3L], y.shape.ToArray());
        Assert.Contains("NumericBinary<AddOp>", recorder.Calls);
        Assert.Equal(2, recorder.Calls.Count(c => c == "Allocate"));
        Assert.All(recorder.Layouts, l => Assert.IsType<DeviceMemory>(l.Storage));
    }
}

/// <summary>The two training-step kernels on layouts the ops do not send them yet (float64, strided).</summary>
public class TrainingKernelTests
{
    private static IBackend Cpu => BackendRegistry.For(DeviceType.CPU);

    [Fact]
    public void ThresholdBackwardOnTransposedFloat64()
    {
        var g = torch.tensor(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }).t();
        var y = torch.tensor(new double[,] { { -1, 0, 0.5 }, { double.NaN, 2, -3 } }).t();
        var r = torch.empty([3, 2], dtype: torch.float64);
        Cpu.ThresholdBackward(g, y, r, 0);
        // y <= 0 gives 0; NaN passes its gradient, as PyTorch's threshold_backward
        Assert.Equal(new double[] { 0, 4, 0, 5, 3, 0 }, r.contiguous().ToArray<double>());
    }

    [Fact]
    public void ThresholdBackwardRefusesOperandsOfDifferentShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Cpu.ThresholdBackward(torch.ones(3), torch.ones(2), torch.ones(3), 0));
        Assert.StartsWith("threshold_backward: operands differ", ex.Message);
    }

    [Fact]
    public void AxpyOnAStridedFloat64Target()
    {
        var p = torch.tensor(new double[,] { { 1, 2 }, { 3, 4 } });
        var pt = p.t();
        var gr = torch.tensor(new double[,] { { 10, 20 }, { 30, 40 } });
        Cpu.Axpy(pt, gr, -0.5);
        // pt[i, j] += -0.5 × gr[i, j], so p[j, i] changes
        Assert.Equal(new double[] { -4, -13, -7, -16 }, p.ToArray<double>());
    }
}

/// <summary>Op structs state their kernel identity (what the CPU backend's vector loops, or another backend's own code, key on).</summary>
public class KernelIdentityTests
{
    private static KernelId Binary<TOp>() where TOp : INumericBinary => TOp.Kernel;
    private static KernelId FloatBinary<TOp>() where TOp : IFloatBinary => TOp.Kernel;
    private static KernelId Unary<TOp>() where TOp : IFloatUnary => TOp.Kernel;
    private static KernelId Reduce<TOp>() where TOp : IReduceOp => TOp.Kernel;

    [Fact]
    public void TheWellKnownOpsNameTheirKernelAndOthersNone()
    {
        Assert.Equal(KernelId.Add, Binary<Ops.Kernels.AddOp>());
        Assert.Equal(KernelId.Sub, Binary<Ops.Kernels.SubOp>());
        Assert.Equal(KernelId.Mul, Binary<Ops.Kernels.MulOp>());
        Assert.Equal(KernelId.Div, FloatBinary<Ops.Kernels.DivOp>());
        Assert.Equal(KernelId.Gelu, Unary<Ops.Kernels.GeluOp>());
        Assert.Equal(KernelId.Erfc, Unary<Ops.Kernels.ErfcOp>());
        Assert.Equal(KernelId.Sum, Reduce<Ops.Kernels.SumOp>());
        Assert.Equal(KernelId.Mean, Reduce<Ops.Kernels.MeanOp>());
        Assert.Equal(KernelId.None, Binary<Ops.Kernels.DivTruncOp>());
    }
}
