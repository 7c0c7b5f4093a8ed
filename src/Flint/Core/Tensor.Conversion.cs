using Flint.Ops.Kernels;

namespace Flint;

public partial class Tensor
{
    /// <summary>
    /// This tensor with another dtype (and, when given, laid out in <paramref name="memory_format"/>); returns this
    /// tensor itself when nothing changes (as PyTorch).
    /// </summary>
    public Tensor to(DType dtype, bool non_blocking = false, bool copy = false, MemoryFormat? memory_format = null)
    {
        if (dtype == this.dtype && !copy && KeepsFormat(memory_format)) return this;
        var r = EmptyLike(this, dtype, device, memory_format);
        r.Backend.Copy(r, this);
        if (!dtype.is_floating_point) return r;
        return ToDtypeDerivative.Record(r, [this], (device, this.dtype));
    }

    /// <summary>The tensor on <paramref name="device"/> and, when given, cast to <paramref name="dtype"/> and laid out in <paramref name="memory_format"/>, as <c>tensor.to(device, dtype)</c>; returns this tensor itself when nothing changes, unless <paramref name="copy"/>.</summary>
    public Tensor to(Device device, DType? dtype = null, bool non_blocking = false, bool copy = false, MemoryFormat? memory_format = null)
    {
        var dt = dtype ?? this.dtype;
        var dev = device.Normalized;
        if (dev == this.device.Normalized && dt == this.dtype && !copy && KeepsFormat(memory_format)) return this;
        if (dev.type == this.device.type) return to(dt, non_blocking, true, memory_format);
        // between the CPU and meta: into meta keeps only the layout; out of meta has nothing to copy
        if (is_meta) throw MetaStorage.NoData();
        var r = EmptyLike(this, dt, dev, memory_format);
        CopyBackend(r, this).Copy(r, this);
        if (!dt.is_floating_point) return r;
        return ToDeviceDerivative.Record(r, [this], (this.device, this.dtype));
    }

    /// <summary>
    /// The backend that copies between two devices: a device backend (CUDA) knows host memory, the CPU backend
    /// knows no device memory, so a copy between the CPU and a device goes to the device's backend.
    /// </summary>
    internal static Backends.IBackend CopyBackend(Tensor dst, Tensor src) =>
        dst.device.type == DeviceType.CPU && src.device.type != DeviceType.CPU && src.device.type != DeviceType.Meta ? src.Backend : dst.Backend;

    /// <summary>The gradient goes back to the source's dtype (and device).</summary>
    private static readonly NodeDerivative<(Device device, DType dtype)> ToDtypeDerivative = new("ToCopyBackward0", null, (g, s) => g.to(s.dtype));
    private static readonly NodeDerivative<(Device device, DType dtype)> ToDeviceDerivative = new("ToCopyBackward0", null, (g, s) => g.to(s.device, s.dtype));

    /// <summary>The tensor on the device named by <paramref name="device"/> (<c>"cpu"</c>, <c>"cuda:0"</c>), as <c>tensor.to("cuda")</c>.</summary>
    public Tensor to(string device, DType? dtype = null, bool non_blocking = false, bool copy = false) => to(new Device(device), dtype, non_blocking, copy);

    /// <summary>Converts to the dtype and device of <paramref name="other"/>.</summary>
    public Tensor to(Tensor other, bool non_blocking = false, bool copy = false) => to(other.device, other.dtype, non_blocking, copy);

    /// <summary>The tensor on the CPU, as <c>tensor.cpu()</c> (the tensor itself when it is there).</summary>
    public Tensor cpu() => to(Device.CPU);
    /// <summary>The tensor on a CUDA device, as <c>tensor.cuda()</c>.</summary>
    public Tensor cuda(int? device = null) => to(new Device(DeviceType.CUDA, device ?? -1));

    /// <summary>The tensor cast to float32, as <c>tensor.float()</c>.</summary>
    public Tensor @float() => to(DType.Float32);
    /// <summary>The tensor cast to float64, as <c>tensor.double()</c>.</summary>
    public Tensor @double() => to(DType.Float64);
    /// <summary>The tensor cast to float16, as <c>tensor.half()</c>.</summary>
    public Tensor half() => to(DType.Float16);
    /// <summary>The tensor cast to bfloat16, as <c>tensor.bfloat16()</c>.</summary>
    public Tensor bfloat16() => to(DType.BFloat16);
    /// <summary>The tensor cast to int64, as <c>tensor.long()</c>.</summary>
    public Tensor @long() => to(DType.Int64);
    /// <summary>The tensor cast to int32, as <c>tensor.int()</c>.</summary>
    public Tensor @int() => to(DType.Int32);
    /// <summary>The tensor cast to int16, as <c>tensor.short()</c>.</summary>
    public Tensor @short() => to(DType.Int16);
    /// <summary>The tensor cast to int8, as <c>tensor.char()</c>.</summary>
    public Tensor @char() => to(DType.Int8);
    /// <summary>The tensor cast to uint8, as <c>tensor.byte()</c>.</summary>
    public Tensor @byte() => to(DType.UInt8);
    /// <summary>The tensor cast to bool, as <c>tensor.bool()</c>.</summary>
    public Tensor @bool() => to(DType.Bool);
    /// <summary>The tensor cast to <paramref name="dtype"/>, as <c>tensor.type(dtype)</c>.</summary>
    public Tensor type(DType dtype) => to(dtype);

    /// <summary>Copies <paramref name="src"/> into this tensor, broadcasting it and converting its dtype.</summary>
    public Tensor copy_(Tensor src, bool non_blocking = false)
    {
        if (src.is_meta && !is_meta) throw MetaStorage.NoData();
        if (!ReferenceEquals(_shape, src._shape) && !_shape.AsSpan().SequenceEqual(src._shape))
        {
            var b = Shape.Broadcast(_shape, src._shape);
            if (!b.AsSpan().SequenceEqual(_shape))
                throw new ArgumentException($"output with shape {Shape.Str(_shape)} doesn't match the broadcast shape {Shape.Str(b)}");
        }
        if (Autograd.Differentiation.NeedsInPlace(this, src)) return CopyRecorded(src);
        Autograd.AutogradHooks.CheckInPlace(this);
        // nothing to move for zero elements (a zero-size view's offset may lie past its storage's end)
        if (numel() != 0) CopyBackend(this, src).Copy(this, src);
        BumpVersion();
        return this;
    }

    // The recorded forms are methods of their own: a lambda's captures allocate at the entry of the method holding
    // it, on every call, and the plain path must allocate nothing.

    /// <summary>copy_ in the graph: CopyBackwards (self's previous value gets no gradient, src gets the gradient).</summary>
    private Tensor CopyRecorded(Tensor src)
    {
        var own = _shape; var dt = dtype;
        return Autograd.Differentiation.InPlace(this, old =>
        {
            Tensor y;
            using (new Autograd.GradModeScope(false)) { y = Empty(own, dt, device); y.Backend.Copy(y, src); }
            return CopyDerivative.Record(y, [old, src], src);
        });
    }

    private Tensor FillRecorded(Scalar value) =>
        Autograd.Differentiation.InPlace(this, old =>
        {
            Tensor y;
            using (new Autograd.GradModeScope(false)) y = torch.full_like(old, value);
            return FillDerivative.Record(y, [old], default);
        });

    /// <summary>Fills the tensor with <paramref name="value"/> in place, as <c>tensor.fill_(value)</c>.</summary>
    public Tensor fill_(Scalar value)
    {
        Scalars.CheckConvertible(value, dtype);
        if (Autograd.Differentiation.NeedsInPlace(this)) return FillRecorded(value);
        Autograd.AutogradHooks.CheckInPlace(this);
        Backend.Fill(this, value);
        BumpVersion();
        return this;
    }

    /// <summary>Fills the tensor in place with the value of a 0-dim tensor, as <c>tensor.fill_(value)</c>.</summary>
    public Tensor fill_(Tensor value)
    {
        if (value.dim() != 0)
            throw new ArgumentException($"fill_ only supports 0-dimension value tensor but got tensor with {value.dim()} dimensions.");
        if (Autograd.Differentiation.NeedsInPlace(this, value))
            return Autograd.Differentiation.InPlace(this, old =>
            {
                Tensor y;
                using (new Autograd.GradModeScope(false)) y = torch.full_like(old, value.ValueFor(old));
                return FillTensorDerivative.Record(y, [old, value], value.dtype);
            });
        return fill_(value.ValueFor(this));
    }

    /// <summary>Fills the tensor with zeros in place, as <c>tensor.zero_()</c>.</summary>
    public Tensor zero_() => _sparse is { } sp ? SparseZero(sp) :
        Autograd.Differentiation.NeedsInPlace(this) ? Autograd.Differentiation.InPlaceFill(this, "ZeroBackward0", y => y.zero_()) : fill_(0);

    /// <summary>copy_: self's previous value gets no gradient, src gets the gradient summed to its shape, in its dtype.</summary>
    private static readonly NodeDerivative<Tensor> CopyDerivative = new("torch::autograd::CopyBackwards", null,
        (g, _) => torch.zeros_like(g),
        (g, src) => Autograd.Recording.SumToShape(g, src._shape).to(src.dtype));

    private static readonly NodeDerivative<NoState> FillDerivative = new("FillBackward2", null, (g, _) => torch.zeros_like(g));

    /// <summary>fill_ with a 0-dim tensor: the value gets the gradient's sum, in its dtype.</summary>
    private static readonly NodeDerivative<DType> FillTensorDerivative = new("FillBackward3", null,
        (g, _) => torch.zeros_like(g),
        (g, valueType) => g.sum().to(valueType));
}

public static partial class torch
{
    /// <summary>A copy of input with every element set to value (input's dtype and shape).</summary>
    public static Tensor fill(Tensor input, Scalar value) => input.clone().fill_(value);
    /// <summary>A copy of input with every element set to a 0-dim tensor's value.</summary>
    public static Tensor fill(Tensor input, Tensor value) => input.clone().fill_(value);
}

public partial class Tensor
{

    /// <summary>
    /// A copy with its own memory, laid out as PyTorch's default (preserve) memory format: a dense input keeps
    /// its strides (a transposed tensor clones to a transposed layout), others get dense strides in their order.
    /// </summary>
    public Tensor clone()
    {
        if (_sparse is { } sp) return SparseClone(sp);
        var r = EmptyLike(this, dtype, device);
        r.Backend.Copy(r, this);
        return CloneDerivative.Record(r, [this], default);
    }

    /// <summary>This tensor if it is contiguous, else a contiguous (row-major) copy.</summary>
    public Tensor contiguous()
    {
        if (is_contiguous()) return this;
        var r = Empty(_shape, dtype, device);
        r.Backend.Copy(r, this);
        return CloneDerivative.Record(r, [this], default);
    }

    private static readonly NodeDerivative<NoState> CloneDerivative = new("CloneBackward0", null, (g, _) => g);

    /// <summary>The value of a one-element tensor as a <see cref="Scalar"/>.</summary>
    internal Scalar ToScalar()
    {
        if (numel() != 1)
            throw new ArgumentException($"a Tensor with {numel()} elements cannot be converted to Scalar");
        if (is_meta) throw new InvalidOperationException("Tensor.item() cannot be called on meta tensors");
        var c = device.type == DeviceType.CPU ? this : cpu();
        var one = new Tensor(c._storage, [], [], c._offset);
        if (dtype.is_floating_point) { var d = Empty([], DType.Float64, Device.CPU); d.Backend.Copy(d, one); return Backends.HostMemory.Array<double>(d._storage)[0]; }
        if (dtype.IsBool) return Backends.HostMemory.Array<bool>(c._storage)[c._offset];
        var l = Empty([], DType.Int64, Device.CPU); l.Backend.Copy(l, one); return Backends.HostMemory.Array<long>(l._storage)[0];
    }

    /// <summary>
    /// The value of this 0-dim value tensor, for filling <paramref name="target"/>. On the meta device, where
    /// neither holds values, a placeholder of the value's kind (the fill writes nothing there).
    /// </summary>
    internal Scalar ValueFor(Tensor target) =>
        is_meta && target.is_meta ? (dtype.is_floating_point ? 0.0 : dtype.IsBool ? false : 0L) : ToScalar();

    /// <summary>The value of a one-element tensor.</summary>
    public T item<T>() where T : unmanaged
    {
        var s = ItemScalar();
        object v = typeof(T) == typeof(bool) ? s.AsBool
            : typeof(T) == typeof(double) ? s.ToDouble()
            : typeof(T) == typeof(float) ? (float)s.ToDouble()
            : typeof(T) == typeof(Half) ? (Half)s.ToDouble()
            : typeof(T) == typeof(BFloat16) ? (BFloat16)s.ToDouble()
            : typeof(T) == typeof(long) ? s.ToInt64()
            : typeof(T) == typeof(int) ? (object)(int)s.ToInt64()
            : typeof(T) == typeof(short) ? (object)(short)s.ToInt64()
            : typeof(T) == typeof(sbyte) ? (object)(sbyte)s.ToInt64()
            : typeof(T) == typeof(byte) ? (object)(byte)s.ToInt64()
            : throw new NotSupportedException($"item<{typeof(T).Name}>() is not supported");
        return (T)v;
    }

    /// <summary>The value of a one-element tensor, as PyTorch's <c>.item()</c>: a double, long or bool, boxed.</summary>
    public object item()
    {
        var s = ItemScalar();
        return dtype.is_floating_point ? s.ToDouble() : dtype.IsBool ? s.AsBool : s.ToInt64();
    }

    private Scalar ItemScalar() => numel() == 1 ? ToScalar()
        : throw new ArgumentException("only one element tensors can be converted to Python scalars");

    /// <summary>Replaces this out= tensor's memory with a fresh contiguous block of the given shape.</summary>
    internal void ResizeForOut(long[] shape)
    {
        if (_storage.Borrowed)
            throw new InvalidOperationException("Trying to resize storage that is not resizable");
        var st = Backend.Allocate(dtype, Shape.Numel(shape), zeroed: true);
        _storage = st; _shape = (long[])shape.Clone(); _strides = Shape.ContiguousStrides(shape); _offset = 0;
    }
}
