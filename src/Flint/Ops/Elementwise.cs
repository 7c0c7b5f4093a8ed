using Flint.Backends;
using System.Runtime.CompilerServices;
using Flint.Ops.Kernels;

namespace Flint.Ops;

/// <summary>
/// The machinery every elementwise op shares: promotion to a result dtype, the compute dtype the kernels
/// see (float16/bfloat16 compute in float32, bool in uint8), broadcasting, and out=/in-place targets.
/// </summary>
internal static class Elementwise
{
    /// <summary>The dtype kernels run in for a given result dtype.</summary>
    internal static DType ComputeType(DType result) =>
        result.itemsize == 2 && result.is_floating_point ? DType.Float32 : result.IsBool ? DType.UInt8 : result;

    internal static DType FloatResult(DType input) => input.is_floating_point ? input : torch.get_default_dtype();

    /// <summary>Checks that two inputs may meet in one op, as <see cref="CommonDevice(Tensor?, Tensor, Tensor)"/> does.</summary>
    internal static void CheckSameDevice(Tensor a, Tensor b) => CommonDevice(null, a, b);

    /// <summary>
    /// The device an elementwise op runs on, by PyTorch's TensorIterator rule (TensorIteratorBase::compute_types in
    /// aten/src/ATen/TensorIterator.cpp): the first operand not on the CPU, looking at the output (an out= tensor, or
    /// self of an in-place form) before the inputs, is the common device, and every operand must be on it, except
    /// that one CPU 0-dim input (a number, or a CPU scalar tensor) may join a non-CPU device. So a CPU scalar tensor
    /// mixes with a meta tensor (the result is meta), a CPU tensor with dimensions does not, nor does a CPU output
    /// with a meta input.
    /// </summary>
    internal static Device CommonDevice(Tensor? output, Tensor a, Tensor b)
    {
        var d = a.device;
        if ((ReferenceEquals(d, b.device) || d == b.device) && (output is null || ReferenceEquals(d, output.device) || d == output.device)) return d;
        return CommonDevice(output, [a, b]);
    }

    /// <inheritdoc cref="CommonDevice(Tensor?, Tensor, Tensor)"/>
    internal static Device CommonDevice(Tensor? output, params ReadOnlySpan<Tensor> inputs)
    {
        Device? common = output is { is_cpu: false } ? output.device : null;
        foreach (var t in inputs)
        {
            if (common is not null) break;
            if (!t.is_cpu) common = t.device;
        }
        if (common is null) return output?.device ?? inputs[0].device;   // all on the CPU
        if (output is not null && output.device != common) throw DevicesDiffer(common, output.device);
        int cpuScalars = 0;
        foreach (var t in inputs)
        {
            if (t.is_cpu && t.dim() == 0)
            {
                if (++cpuScalars > 1) throw new InvalidOperationException("Trying to pass too many CPU scalars to non-CPU kernel!");
            }
            else if (t.device != common) throw DevicesDiffer(common, t.device);
        }
        return common;
    }

    internal static InvalidOperationException DevicesDiffer(Device common, Device other) =>
        new($"Expected all tensors to be on the same device, but found at least two devices, {common.Normalized} and {other.Normalized}!");

    /// <summary>Converts to the compute dtype when needed (cheap for the 0-dim tensors that wrap scalars).</summary>
    internal static Tensor As(Tensor t, DType dt) => t.dtype == dt ? t : t.to(dt);

    /// <summary>
    /// An operand as kernels see it: cast to the op's common dtype first (as PyTorch does, so int32 → float16
    /// overflows to inf exactly as there), then widened to the compute dtype.
    /// </summary>
    internal static Tensor Prep(Tensor t, DType result, DType compute) => As(As(t, result), compute);

    /// <summary>
    /// Resolves where the result goes. With no <paramref name="out"/> a fresh tensor of <paramref name="result"/>
    /// dtype is made; otherwise out is checked (cast rule) and resized when its shape differs.
    /// </summary>
    internal static Tensor Target(long[] shape, DType result, Tensor? @out, Device device) => Target(shape, result, @out, device, []);

    /// <summary>
    /// <see cref="Target(long[], DType, Tensor?, Device)"/> for an op over <paramref name="operands"/>: a fresh result
    /// is laid out as PyTorch's TensorIterator lays it out (see <see cref="Result"/>).
    /// </summary>
    internal static Tensor Target(long[] shape, DType result, Tensor? @out, Device device, params ReadOnlySpan<Tensor> operands)
    {
        if (@out is null) return Result(shape, result, device, operands);
        TypePromotion.CheckCast(result, @out.dtype);
        return OutArgument.Prepare(@out, shape);
    }

    /// <summary>
    /// A new tensor of <paramref name="shape"/> for the result of an elementwise op over <paramref name="operands"/>,
    /// with the strides PyTorch's TensorIterator gives it: row-major for row-major operands, the operands' format
    /// (channels_last, or their common dense strides) when they share shape and layout, else dense strides in the
    /// dim order of the operands' strides (a transposed input gives a transposed result).
    /// </summary>
    internal static Tensor Result(long[] shape, DType dtype, Device device, ReadOnlySpan<Tensor> operands)
    {
        var strides = MemoryFormats.ResultStrides(shape, operands);
        return strides is null ? Tensor.Empty(shape, dtype, device) : Tensor.EmptyStrided(shape, strides, dtype, device);
    }

    /// <summary>Checks an in-place op's target against the broadcast shape and result dtype.</summary>
    internal static void CheckInPlace(Tensor self, long[] shape, DType result)
    {
        if (!self._shape.AsSpan().SequenceEqual(shape))
            throw new ArgumentException($"output with shape {Shape.Str(self._shape)} doesn't match the broadcast shape {Shape.Str(shape)}");
        TypePromotion.CheckCast(result, self.dtype);
        Autograd.AutogradHooks.CheckInPlace(self);
    }

    /// <summary>Runs <paramref name="kernel"/> into target, through a temporary when the target's dtype is not the compute dtype.</summary>
    /// <remarks>
    /// <paramref name="inputs"/> are the op's operands as the user passed them (before any cast), checked against
    /// the target by PyTorch's memory-overlap rules before anything is written.
    /// </remarks>
    internal static Tensor RunInto(Tensor target, long[] shape, DType compute, Action<Tensor> kernel, bool inPlace,
        params ReadOnlySpan<Tensor> inputs)
    {
        MemoryOverlap.Check(target, inputs);
        if (target.dtype == compute) kernel(target);
        else
        {
            // laid out as the target, so the copy into it runs flat
            var tmp = Shape.IsNonOverlappingAndDense(target._shape, target._strides) && !target.is_contiguous()
                ? Tensor.EmptyStrided(shape, (long[])target._strides.Clone(), compute, target.device) : Tensor.Empty(shape, compute, target.device);
            kernel(tmp);
            target.Backend.Copy(target, tmp);
        }
        if (inPlace) target.BumpVersion();
        return target;
    }

    /// <summary>Dtypes that are their own compute dtype (no float16/bfloat16 widening, no bool).</summary>
    private static bool DirectType(DType dt) => dt.scalar_type is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Int64
        or ScalarType.Int32 or ScalarType.Int16 or ScalarType.Int8 or ScalarType.UInt8;

    /// <summary>How a binary op over these operands may skip the general machinery.</summary>
    private enum Route
    {
        /// <summary>Promotion, broadcasting, compute-dtype conversion and the strided loop as needed.</summary>
        General,
        /// <summary>Tensors of one shape, one direct dtype and one device: the kernel runs on them as they are.</summary>
        Same,
        /// <summary>A tensor of a direct dtype with a wrapped number that does not change its dtype.</summary>
        WithNumber,
    }

    /// <summary>
    /// Picks the route of a binary op. Both fast routes give the same result as the general one (same kernel,
    /// same operands after promotion); history, when an input requires grad, is recorded the same way too.
    /// </summary>
    private static Route RouteOf(Tensor a, Tensor b, DType? resultOverride)
    {
        var dt = a.dtype;
        bool wa = a.IsWrappedNumber, wb = b.IsWrappedNumber;
        if (!wa && !wb)
        {
            if (!ReferenceEquals(dt, b.dtype) || resultOverride is { } r && !ReferenceEquals(r, dt) || !DirectType(dt)) return Route.General;
            if (!ReferenceEquals(a.device, b.device) && a.device != b.device) return Route.General;
            if (!ReferenceEquals(a._shape, b._shape) && !a._shape.AsSpan().SequenceEqual(b._shape)) return Route.General;
            return Route.Same;
        }
        if (wa == wb) return Route.General;
        var t = wa ? b : a; var n = wa ? a : b;
        var tdt = t.dtype;
        if (!DirectType(tdt)) return Route.General;
        // the result keeps the tensor's dtype: floating tensors with any number, integer tensors with integers and bools
        if (!tdt.is_floating_point && n.dtype.is_floating_point) return Route.General;
        if (resultOverride is { } ro && !ReferenceEquals(ro, tdt)) return Route.General;
        return Route.WithNumber;
    }

    /// <summary>
    /// The operand as a kernel best reads it: a tensor whose strides are all 0 (one value broadcast, as expand
    /// makes) is read as that one value, which keeps the kernel on its flat route.
    /// </summary>
    private static TensorLayout KernelOperand(Tensor t)
    {
        var st = t._strides;
        if (st.Length == 0) return t;
        foreach (var s in st) if (s != 0) return t;
        return TensorLayout.Number(t._storage, t._offset);
    }

    /// <summary>
    /// <c>t op s</c> (or <c>s op t</c> when <paramref name="numberFirst"/>) for a C# number that leaves the
    /// tensor's dtype unchanged, when nothing is recorded: the number goes to the kernel as a 0-dim tensor of the
    /// tensor's dtype (what the general route casts the wrapped number to). False when the general route is needed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryNumber<TOp>(Tensor t, Scalar s, bool numberFirst, out Tensor result) where TOp : INumericBinary =>
        TryNumberOf<NumericFamily<TOp>>(t, s, numberFirst, out result);

    /// <summary><see cref="TryNumber{TOp}"/> for floating-only ops (true division): the tensor must be floating.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryNumberFloat<TOp>(Tensor t, Scalar s, bool numberFirst, out Tensor result) where TOp : IFloatBinary =>
        TryNumberOf<FloatFamily<TOp>>(t, s, numberFirst, out result);

    private static bool TryNumberOf<TF>(Tensor t, Scalar s, bool numberFirst, out Tensor result) where TF : IBinaryFamily
    {
        result = null!;
        var dt = t.dtype;
        // a floating number keeps an integer tensor's dtype in no family; a float family takes floating tensors only
        if (s.IsBool || (TF.FloatResult || s.IsFloating) && !dt.is_floating_point || !DirectType(dt) || t.IsWrappedNumber) return false;
        // with history, or in a profile (which records the general route's op), the general route
        if (Autograd.GradMode.IsEnabled && t.requires_grad || Profiler.Recorder.Active) return false;
        var n = NumberOperand(s, dt, t);
        var y = EmptyLikeWithNumber(t);
        var k = KernelOperand(t);
        if (numberFirst) TF.Run(n, k, y);
        else TF.Run(k, n, y);
        result = y;
        return true;
    }

    /// <summary>
    /// <c>t.op_(s)</c> for a C# number that leaves t's dtype unchanged, when nothing is recorded: the number goes to the
    /// kernel as a 0-dim operand over the backend's per-thread number storage, so the call allocates nothing (the
    /// general route wraps the number in a tensor of its own). Same checks and result as the general route; false
    /// when that route is needed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryNumberInPlace<TOp>(Tensor t, Scalar s) where TOp : INumericBinary =>
        TryNumberInPlaceOf<NumericFamily<TOp>>(t, s);

    /// <summary><see cref="TryNumberInPlace{TOp}"/> for floating-only ops (true division).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryNumberInPlaceFloat<TOp>(Tensor t, Scalar s) where TOp : IFloatBinary =>
        TryNumberInPlaceOf<FloatFamily<TOp>>(t, s);

    private static bool TryNumberInPlaceOf<TF>(Tensor t, Scalar s) where TF : IBinaryFamily
    {
        var dt = t.dtype;
        if (s.IsBool || (TF.FloatResult || s.IsFloating) && !dt.is_floating_point || !DirectType(dt) || t.IsWrappedNumber) return false;
        if (Autograd.GradMode.IsEnabled && t.requires_grad || Profiler.Recorder.Active) return false;
        Autograd.AutogradHooks.CheckInPlace(t);
        TF.Run(t, NumberOperand(s, dt, t), t);
        t.BumpVersion();
        return true;
    }

    /// <summary>The most elements the scratch route takes (larger temporaries are allocated per call).</summary>
    private const long ScratchLimit = 1 << 20;

    /// <summary>
    /// <paramref name="b"/> × <paramref name="alpha"/> (in b's dtype, float32 or float64) into the backend's scratch
    /// memory, as a contiguous tensor shaped like b: for one kernel call that keeps no reference to it.
    /// </summary>
    internal static bool TryScaledScratch(Tensor b, Scalar alpha, out Tensor scaled)
    {
        scaled = null!;
        var dt = b.dtype;
        if (b.IsWrappedNumber) return false;
        long n = Shape.Numel(b._shape);
        if (n > ScratchLimit || dt != DType.Float32 && dt != DType.Float64) return false;
        var y = new Tensor(b.Backend.Scratch(dt, n), b._shape,
            Tensor.HasContiguousStrides(b._shape, b._strides) ? b._strides : Shape.ContiguousStrides(b._shape), 0);
        y.Backend.NumericBinary<MulOp>(KernelOperand(b), NumberOperand(alpha, dt, b), y);
        scaled = y;
        return true;
    }

    /// <summary>A wrapped number as a kernel operand of <paramref name="dt"/> on <paramref name="like"/>'s device, for one kernel call that keeps no reference to it.</summary>
    private static TensorLayout NumberOperand(Tensor wrapped, DType dt, Tensor like) =>
        ReferenceEquals(wrapped.dtype, dt) && wrapped.device == like.device ? wrapped : NumberOperand(Scalars.ValueOf(wrapped), dt, like);

    /// <summary>
    /// A number as a kernel operand of <paramref name="dt"/> on <paramref name="like"/>'s device, for one kernel call
    /// that keeps no reference to it: a 0-dim layout over the backend's number storage (no tensor is made).
    /// </summary>
    private static TensorLayout NumberOperand(Scalar s, DType dt, Tensor like) => TensorLayout.Number(like.Backend.NumberOperand(s, dt));

    private static bool Records(Tensor a, Tensor b) => Autograd.GradMode.IsEnabled && (a.requires_grad || b.requires_grad);

    private static bool Plain(Tensor x, bool floatOnly) => Direct(x, floatOnly) && !(Autograd.GradMode.IsEnabled && x.requires_grad);

    /// <summary>A tensor of a direct dtype: a unary kernel can run on it as it is.</summary>
    private static bool Direct(Tensor x, bool floatOnly)
    {
        var dt = x.dtype;
        return !x.IsWrappedNumber && DirectType(dt) && !(floatOnly && !dt.is_floating_point);
    }

    /// <summary>A new tensor on <paramref name="like"/>'s device shaped like it, laid out as the result of a unary op on it.</summary>
    private static Tensor EmptyLike(Tensor like) =>
        Tensor.HasContiguousStrides(like._shape, like._strides) ? Tensor.ContiguousLike(like, like.dtype) : Result(like._shape, like.dtype, like.device, [like]);

    /// <summary>A new tensor for the result of <paramref name="like"/> with a wrapped number, laid out as PyTorch's.</summary>
    private static Tensor EmptyLikeWithNumber(Tensor like)
    {
        if (Tensor.HasContiguousStrides(like._shape, like._strides)) return Tensor.ContiguousLike(like, like.dtype);
        var strides = MemoryFormats.ResultStrides(like._shape, [like], withNumber: true);
        return strides is null ? Tensor.Empty(like._shape, like.dtype, like.device) : Tensor.EmptyStrided(like._shape, strides, like.dtype, like.device);
    }

    /// <summary>A new tensor for the result of a binary op over two tensors of one shape and dtype, laid out as PyTorch's.</summary>
    private static Tensor EmptyLike(Tensor a, Tensor b) =>
        Tensor.HasContiguousStrides(a._shape, a._strides) && Tensor.HasContiguousStrides(b._shape, b._strides)
            ? Tensor.ContiguousLike(a, a.dtype) : Result(a._shape, a.dtype, a.device, [a, b]);

    /// <summary>
    /// The arithmetic binary families (INumericBinary: the result keeps the promoted dtype; IFloatBinary: integers
    /// promote to the default float dtype) behind one engine, <see cref="Binary{TF}"/>: what differs is the kernel
    /// called and the result dtype, both static members of the family struct, so each op's engine is specialised
    /// at JIT time and the fast routes reach the kernel as directly as a per-family copy would.
    /// </summary>
    private interface IBinaryFamily : IBinaryDifferentiable
    {
        static abstract string Name { get; }
        /// <summary>Whether the result is floating (integers and bool promote to the default float dtype).</summary>
        static abstract bool FloatResult { get; }
        static abstract void Run(in TensorLayout a, in TensorLayout b, in TensorLayout y);
    }

    private struct NumericFamily<TOp> : IBinaryFamily where TOp : INumericBinary
    {
        public static string Name => TOp.Name;
        public static bool FloatResult => false;
        public static BinaryDerivative Derivative => TOp.Derivative;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Run(in TensorLayout a, in TensorLayout b, in TensorLayout y) => KernelHandle.NumericBinary<TOp>(y.Storage.Backend).Run(a, b, y);
    }

    private struct FloatFamily<TOp> : IBinaryFamily where TOp : IFloatBinary
    {
        public static string Name => TOp.Name;
        public static bool FloatResult => true;
        public static BinaryDerivative Derivative => TOp.Derivative;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Run(in TensorLayout a, in TensorLayout b, in TensorLayout y) => KernelHandle.FloatBinary<TOp>(y.Storage.Backend).Run(a, b, y);
    }

    /// <summary>An op of the INumericBinary family, after the op's own operand checks (<see cref="INumericBinary.CheckOperands"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor NumericBinary<TOp>(Tensor a, Tensor b, Tensor? @out, bool inPlace = false, DType? resultOverride = null,
        Tensor? bPrepared = null)
        where TOp : INumericBinary
    {
        TOp.CheckOperands(a, b, @out, inPlace);
        if (Profiler.Recorder.Active) return ProfiledBinary<NumericFamily<TOp>>(a, b, @out, inPlace, resultOverride, bPrepared);
        return Binary<NumericFamily<TOp>>(a, b, @out, inPlace, resultOverride, bPrepared);
    }

    /// <summary>An op of the IFloatBinary family, after the op's own operand checks (<see cref="IFloatBinary.CheckOperands"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor FloatBinary<TOp>(Tensor a, Tensor b, Tensor? @out, bool inPlace = false) where TOp : IFloatBinary
    {
        TOp.CheckOperands(a, b, @out, inPlace);
        if (Profiler.Recorder.Active) return ProfiledBinary<FloatFamily<TOp>>(a, b, @out, inPlace, null, null);
        return Binary<FloatFamily<TOp>>(a, b, @out, inPlace, null, null);
    }

    /// <summary><see cref="Binary{TF}"/> as one range of the running profile ("aten::add", "aten::add_").</summary>
    private static Tensor ProfiledBinary<TF>(Tensor a, Tensor b, Tensor? @out, bool inPlace, DType? resultOverride, Tensor? bPrepared)
        where TF : IBinaryFamily
    {
        using (Profiler.Recorder.Begin(Profiler.Recorder.OpName(TF.Name, inPlace), a, b))
            return Binary<TF>(a, b, @out, inPlace, resultOverride, bPrepared);
    }

    private static DType ResultOf<TF>(Tensor a, Tensor b, DType? resultOverride) where TF : IBinaryFamily =>
        TF.FloatResult ? FloatResult(TypePromotion.ResultType(a, b)) : resultOverride ?? TypePromotion.ResultType(a, b);

    private static Tensor Binary<TF>(Tensor a, Tensor b, Tensor? @out, bool inPlace, DType? resultOverride, Tensor? bPrepared)
        where TF : IBinaryFamily
    {
        if (@out is null && bPrepared is null)
        {
            var route = RouteOf(a, b, resultOverride);
            if (route != Route.General)
            {
                Tensor t = a;
                // the operands as the kernel reads them: a wrapped number as a 0-dim layout of the tensor's dtype,
                // a broadcast value (all strides 0) as its one element; an in-place target stays as it is
                TensorLayout ac, bc;
                if (route == Route.WithNumber && a.IsWrappedNumber) { t = b; ac = NumberOperand(a, b.dtype, b); bc = KernelOperand(b); }
                else
                {
                    ac = inPlace ? a : KernelOperand(a);
                    bc = route == Route.WithNumber ? NumberOperand(b, a.dtype, a) : KernelOperand(b);
                }
                // a float family takes the fast route only when the tensor's dtype is already the result's
                if (!TF.FloatResult || t.dtype.is_floating_point)
                {
                    bool record = Records(a, b);
                    if (!inPlace)
                    {
                        var y = route == Route.Same ? EmptyLike(a, b) : EmptyLikeWithNumber(t);
                        TF.Run(ac, bc, y);
                        return record ? Autograd.Differentiation.Binary<TF>(a, b, y) : y;
                    }
                    // in-place on a tensor in the graph (or into a wrapped number) takes the general route
                    if (!record && !a.IsWrappedNumber)
                    {
                        Autograd.AutogradHooks.CheckInPlace(a);
                        TF.Run(ac, bc, a);
                        a.BumpVersion();
                        return a;
                    }
                }
            }
        }
        if (Autograd.Differentiation.NeedsInPlace(a, b))
        {
            Autograd.Differentiation.CheckOut(@out, TF.Name, a, b);
            if (inPlace)
            {
                CheckInPlace(a, Shape.Broadcast(a._shape, b._shape), ResultOf<TF>(a, b, resultOverride));
                return InPlaceBinary<TF>(a, b, resultOverride);
            }
            return Autograd.Differentiation.Binary<TF>(a, b, BinaryRaw<TF>(a, b, null, false, resultOverride, bPrepared));
        }
        return BinaryRaw<TF>(a, b, @out, inPlace, resultOverride, bPrepared);
    }

    private static Tensor BinaryRaw<TF>(Tensor a, Tensor b, Tensor? @out, bool inPlace, DType? resultOverride, Tensor? bPrepared)
        where TF : IBinaryFamily
    {
        var device = CommonDevice(inPlace ? a : @out, a, b);
        var result = ResultOf<TF>(a, b, resultOverride);
        var shape = Shape.Broadcast(a._shape, b._shape);
        var compute = ComputeType(result);
        if (inPlace) CheckInPlace(a, shape, result);
        var target = inPlace ? a : Target(shape, result, @out, device, a, b);
        var ac = Prep(a, result, compute); var bc = bPrepared ?? Prep(b, result, compute);
        // the numeric family writes an in-place result of the compute dtype straight into self
        if (!TF.FloatResult && inPlace && ReferenceEquals(ac, a) && target.dtype == compute) { TF.Run(ac, bc, a); a.BumpVersion(); return a; }
        return RunInto(target, shape, compute, y => TF.Run(ac, bc, y), inPlace, a, b);
    }

    /// <summary>A bitwise op; <paramref name="opName"/> is the kernel its dtype error names (the op's own when null).</summary>
    internal static Tensor IntegerBinary<TOp>(Tensor a, Tensor b, Tensor? @out, bool inPlace = false, string? opName = null) where TOp : IIntegerBinary
    {
        TOp.CheckOperands(a, b);
        var device = CommonDevice(inPlace ? a : @out, a, b);
        var result = TypePromotion.ResultType(a, b);
        var shape = Shape.Broadcast(a._shape, b._shape);
        var compute = ComputeType(result);
        if (inPlace) CheckInPlace(a, shape, result);
        // PyTorch builds (and resizes) the output before its kernel refuses the dtype
        var target = inPlace ? a : Target(shape, result, @out, device, a, b);
        if (result.is_floating_point)
            throw new NotSupportedException($"\"{opName ?? TOp.Name}\" not implemented for '{result.LegacyName}'");
        var ac = Prep(a, result, compute); var bc = Prep(b, result, compute);
        return RunInto(target, shape, compute, y => y.Backend.IntegerBinary<TOp>(ac, bc, y), inPlace, a, b);
    }

    /// <remarks>
    /// <c>TOp.InPlaceNode</c> names the comparison's node (Eq, Ne, ...) for an in-place comparison on a tensor in the
    /// graph: as PyTorch, self keeps its floating dtype and its history goes through "EqBackward0" (a number) or
    /// "EqBackward1" (a tensor), whose gradients are zeros. Without it (the logical ops) the in-place form records
    /// nothing, as PyTorch's.
    /// </remarks>
    internal static Tensor Compare<TOp>(Tensor a, Tensor b, Tensor? @out, bool inPlace = false) where TOp : ICompareOp
    {
        var device = CommonDevice(inPlace ? a : @out, a, b);
        var common = TypePromotion.ResultType(a, b);
        var compute = ComputeType(common);
        var shape = Shape.Broadcast(a._shape, b._shape);
        if (inPlace) CheckInPlace(a, shape, DType.Bool);
        if (inPlace && TOp.InPlaceNode is not null && Autograd.Differentiation.NeedsInPlace(a, b) && a.dtype.is_floating_point)
            return InPlaceCompare<TOp>(a, b);
        var target = inPlace ? a : Target(shape, DType.Bool, @out, device, a, b);
        var ac = Prep(a, common, compute); var bc = Prep(b, common, compute);
        return RunInto(target, shape, DType.Bool, y => y.Backend.Compare<TOp>(ac, bc, y), inPlace, a, b);
    }

    /// <summary>
    /// The unary families (IFloatUnary: floating results; INumericUnary: the input dtype is kept) behind one engine,
    /// <see cref="UnaryOp{TF}"/>, specialised per op as <see cref="IBinaryFamily"/> is.
    /// </summary>
    private interface IUnaryFamily : IUnaryDifferentiable
    {
        static abstract string Name { get; }
        /// <summary>Whether the result is floating (integers and bool promote to the default float dtype).</summary>
        static abstract bool FloatResult { get; }
        static abstract void Run(in TensorLayout x, in TensorLayout y);
    }

    private struct FloatUnaryFamily<TOp> : IUnaryFamily where TOp : IFloatUnary
    {
        public static string Name => TOp.Name;
        public static bool FloatResult => true;
        public static UnaryDerivative Derivative => TOp.Derivative;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Run(in TensorLayout x, in TensorLayout y) => KernelHandle.FloatUnary<TOp>(y.Storage.Backend).Run(x, y);
    }

    private struct NumericUnaryFamily<TOp> : IUnaryFamily where TOp : INumericUnary
    {
        public static string Name => TOp.Name;
        public static bool FloatResult => false;
        public static UnaryDerivative Derivative => TOp.Derivative;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Run(in TensorLayout x, in TensorLayout y) => KernelHandle.NumericUnary<TOp>(y.Storage.Backend).Run(x, y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor FloatUnary<TOp>(Tensor x, Tensor? @out, bool inPlace = false) where TOp : IFloatUnary =>
        Profiler.Recorder.Active ? ProfiledUnary<FloatUnaryFamily<TOp>>(x, @out, inPlace, false) : UnaryOp<FloatUnaryFamily<TOp>>(x, @out, inPlace, false);

    /// <summary>A unary op that keeps the input dtype (integers included); bool only where <paramref name="boolOk"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor NumericUnary<TOp>(Tensor x, Tensor? @out, bool inPlace = false, bool boolOk = false) where TOp : INumericUnary =>
        Profiler.Recorder.Active ? ProfiledUnary<NumericUnaryFamily<TOp>>(x, @out, inPlace, boolOk) : UnaryOp<NumericUnaryFamily<TOp>>(x, @out, inPlace, boolOk);

    /// <summary><see cref="UnaryOp{TF}"/> as one range of the running profile ("aten::relu", "aten::relu_").</summary>
    private static Tensor ProfiledUnary<TF>(Tensor x, Tensor? @out, bool inPlace, bool boolOk) where TF : IUnaryFamily
    {
        using (Profiler.Recorder.Begin(Profiler.Recorder.OpName(TF.Name, inPlace), x))
            return UnaryOp<TF>(x, @out, inPlace, boolOk);
    }

    private static Tensor UnaryOp<TF>(Tensor x, Tensor? @out, bool inPlace, bool boolOk) where TF : IUnaryFamily
    {
        if (@out is null && Plain(x, floatOnly: TF.FloatResult))
        {
            if (inPlace)
            {
                Autograd.AutogradHooks.CheckInPlace(x);
                TF.Run(x, x);
                x.BumpVersion();
                return x;
            }
            var y = EmptyLike(x);
            TF.Run(x, y);
            return y;
        }
        if (@out is null && !inPlace && Direct(x, floatOnly: TF.FloatResult) && Autograd.GradMode.IsEnabled)
        {
            // x requires grad: the same kernel call, then the history
            var y = EmptyLike(x);
            TF.Run(x, y);
            return Autograd.Differentiation.Unary<TF>(x, y);
        }
        if (Autograd.Differentiation.NeedsInPlace(x))
        {
            Autograd.Differentiation.CheckOut(@out, TF.Name, x);
            if (inPlace)
            {
                CheckInPlace(x, x._shape, TF.FloatResult ? FloatResult(x.dtype) : x.dtype);
                return InPlaceUnary<TF>(x, boolOk);
            }
            return Autograd.Differentiation.Unary<TF>(x, UnaryRaw<TF>(x, null, false, boolOk));
        }
        return UnaryRaw<TF>(x, @out, inPlace, boolOk);
    }

    private static Tensor UnaryRaw<TF>(Tensor x, Tensor? @out, bool inPlace, bool boolOk) where TF : IUnaryFamily
    {
        if (!TF.FloatResult && x.dtype.IsBool && !boolOk)
            throw new NotSupportedException($"\"{TF.Name}\" not implemented for 'Bool'");
        var result = TF.FloatResult ? FloatResult(x.dtype) : x.dtype;
        var compute = ComputeType(result);
        if (inPlace) CheckInPlace(x, x._shape, result);
        var target = inPlace ? x : Target(x._shape, result, @out, x.device, x);
        var xc = As(x, compute);
        return RunInto(target, x._shape, compute, y => TF.Run(xc, y), inPlace, x);
    }

    internal static Tensor FloatPredicate<TOp>(Tensor x, Tensor? @out) where TOp : IFloatPredicate
    {
        var target = Target(x._shape, DType.Bool, @out, x.device, x);
        var xc = As(x, ComputeType(x.dtype));
        target.Backend.FloatPredicate<TOp>(xc, target);
        return target;
    }

    internal static Tensor FloatTernary<TOp>(Tensor a, Tensor b, Tensor c, Tensor? @out, bool inPlace = false) where TOp : IFloatTernary
    {
        if (Autograd.Differentiation.NeedsInPlace(a, b, c))
        {
            Autograd.Differentiation.CheckOut(@out, TOp.Name, a, b, c);
            if (inPlace) return InPlaceFloatTernary<TOp>(a, b, c);
            return Autograd.Differentiation.Ternary<TOp>(a, b, c, FloatTernaryRaw<TOp>(a, b, c, null, false), 0);
        }
        return FloatTernaryRaw<TOp>(a, b, c, @out, inPlace);
    }

    private static Tensor FloatTernaryRaw<TOp>(Tensor a, Tensor b, Tensor c, Tensor? @out, bool inPlace) where TOp : IFloatTernary
    {
        var device = CommonDevice(inPlace ? a : @out, a, b, c);
        var result = TypePromotion.ResultType(a, b, c);
        if (!result.is_floating_point) result = torch.get_default_dtype();
        var shape = Shape.Broadcast(Shape.Broadcast(a._shape, b._shape), c._shape);
        var compute = ComputeType(result);
        if (inPlace) CheckInPlace(a, shape, result);
        var target = inPlace ? a : Target(shape, result, @out, device, a, b, c);
        var ac = As(a, compute); var bc = As(b, compute); var cc = As(c, compute);
        return RunInto(target, shape, compute, y => y.Backend.FloatTernary<TOp>(ac, bc, cc, y), inPlace, a, b, c);
    }

    // The in-place forms on tensors in the graph, apart so that their closures are only made when used.
    private static Tensor InPlaceBinary<TF>(Tensor a, Tensor b, DType? resultOverride) where TF : IBinaryFamily =>
        Autograd.Differentiation.InPlace(a, old => Binary<TF>(old, b, null, false, resultOverride, null));

    private static Tensor InPlaceUnary<TF>(Tensor x, bool boolOk) where TF : IUnaryFamily =>
        Autograd.Differentiation.InPlace(x, old => UnaryOp<TF>(old, null, false, boolOk));

    private static Tensor InPlaceCompare<TOp>(Tensor a, Tensor b) where TOp : ICompareOp =>
        Autograd.Differentiation.InPlace(a, old =>
        {
            Tensor y;
            using (new Autograd.GradModeScope(false)) y = Compare<TOp>(old, b, null).to(old.dtype);
            return b.IsWrappedNumber ? InPlaceCompareDerivative<TOp>.WithNumber.Record(y, [old], default)
                : InPlaceCompareDerivative<TOp>.WithTensor.Record(y, [old, b], b);
        });

    /// <summary>
    /// The nodes of an in-place comparison on a floating tensor in the graph (self keeps its dtype): zero
    /// gradients, named from the op's stem ("Eq": EqBackward0 with a number, EqBackward1 with a tensor).
    /// </summary>
    private static class InPlaceCompareDerivative<TOp> where TOp : ICompareOp
    {
        internal static readonly NodeDerivative<NoState> WithNumber = new(TOp.InPlaceNode + "Backward0", null, static (g, _) => torch.zeros_like(g));
        internal static readonly NodeDerivative<Tensor> WithTensor = NodeDerivative<Tensor>.Joint(TOp.InPlaceNode + "Backward1",
            static (g, b) => [torch.zeros_like(g), torch.zeros_like(b)]);
    }

    private static Tensor InPlaceFloatTernary<TOp>(Tensor a, Tensor b, Tensor c) where TOp : IFloatTernary =>
        Autograd.Differentiation.InPlace(a, old => FloatTernary<TOp>(old, b, c, null, false));
}
