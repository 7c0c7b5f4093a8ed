using Flint.Ops.Kernels;

namespace Flint;

// Random sampling with PyTorch's generator and transforms: the same seed gives the same values.
// Samples are drawn into a contiguous buffer in PyTorch's element order, then copied into the target.
public static partial class torch
{
    /// <summary>Seeds the default generator (PyTorch's <c>torch.manual_seed</c>).</summary>
    public static Generator manual_seed(long seed) => Generator.Default.manual_seed(seed);
    /// <summary>Seeds the default generator from a nondeterministic source and returns the seed, as <c>torch.seed()</c>.</summary>
    public static long seed() => Generator.Default.seed();
    /// <summary>The seed the default generator started from, as <c>torch.initial_seed()</c>.</summary>
    public static long initial_seed() => Generator.Default.initial_seed();
    /// <summary>The default generator's state, as <c>torch.get_rng_state()</c>.</summary>
    public static byte[] get_rng_state() => Generator.Default.get_state();
    /// <summary>Restores the default generator's state, as <c>torch.set_rng_state</c>.</summary>
    public static void set_rng_state(byte[] state) => Generator.Default.set_state(state);

    /// <summary>The default generator, as <c>torch.default_generator</c>.</summary>
    public static Generator default_generator => Generator.Default;

    /// <summary>Uniform samples in [0, 1) of the default dtype, as <c>torch.rand(*size)</c>.</summary>
    public static Tensor rand(params long[] size) => rand(size, null);
    /// <summary>Uniform samples in [0, 1), as <c>torch.rand(size, generator=..., dtype=...)</c>; the same seed gives PyTorch's numbers.</summary>
    public static Tensor rand(long[] size, Generator? generator = null, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var t = empty(size, Sampling.FloatDType(dtype, "check_uniform_bounds"), Sampling.MetaOrNull(device));
        t.UniformInto(0, 1, generator);
        return Sampling.Placed(t, device, requires_grad);
    }

    /// <summary>Standard normal samples of the default dtype, as <c>torch.randn(*size)</c>.</summary>
    public static Tensor randn(params long[] size) => randn(size, null);
    /// <summary>Standard normal samples, as <c>torch.randn(size, generator=..., dtype=...)</c>; the same seed gives PyTorch's numbers.</summary>
    public static Tensor randn(long[] size, Generator? generator = null, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var t = empty(size, Sampling.FloatDType(dtype, "normal_kernel_cpu"), Sampling.MetaOrNull(device));
        t.NormalInto(0, 1, generator);
        return Sampling.Placed(t, device, requires_grad);
    }

    /// <summary>Uniform samples in [0, 1) shaped like <paramref name="input"/>, as <c>torch.rand_like</c>.</summary>
    public static Tensor rand_like(Tensor input, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        rand(input._shape, null, dtype ?? input.dtype, device ?? input.device, requires_grad);
    /// <summary>Standard normal samples shaped like <paramref name="input"/>, as <c>torch.randn_like</c>.</summary>
    public static Tensor randn_like(Tensor input, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        randn(input._shape, null, dtype ?? input.dtype, device ?? input.device, requires_grad);

    /// <summary>Integers drawn uniformly from [low, high) (int64 unless dtype says otherwise).</summary>
    public static Tensor randint(long low, long high, long[] size, Generator? generator = null, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        if (low >= high)
            throw new ArgumentException($"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}");
        var t = empty(size, dtype ?? int64, Sampling.MetaOrNull(device));
        t.RandomInto(low, high, generator);
        return Sampling.Placed(t, device, requires_grad);
    }

    /// <summary>Random integers in [0, <paramref name="high"/>) (int64 unless <paramref name="dtype"/>), as <c>torch.randint(high, size)</c>.</summary>
    public static Tensor randint(long high, long[] size, Generator? generator = null, DType? dtype = null, Device? device = null, bool requires_grad = false) =>
        randint(0, high, size, generator, dtype, device, requires_grad);

    /// <summary>Random integers in [<paramref name="low"/>, <paramref name="high"/>) shaped like <paramref name="input"/>, as <c>torch.randint_like</c>.</summary>
    public static Tensor randint_like(Tensor input, long low, long high, DType? dtype = null, Device? device = null) =>
        randint(low, high, input._shape, null, dtype ?? input.dtype, device ?? input.device);
    /// <summary>Random integers in [0, <paramref name="high"/>) shaped like <paramref name="input"/>, as <c>torch.randint_like</c>.</summary>
    public static Tensor randint_like(Tensor input, long high, DType? dtype = null, Device? device = null) =>
        randint_like(input, 0, high, dtype, device);

    /// <summary>A random permutation of 0..n-1.</summary>
    public static Tensor randperm(long n, Generator? generator = null, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        if (n < 0) throw new ArgumentException($"n must be non-negative, got{n}");
        Shape.ContiguousStorageCount([n], DType.Int64.itemsize);
        if (n > Array.MaxLength) throw new OutOfMemoryException($"randperm: {n} elements do not fit in one .NET array");
        var idx = new long[n];
        RandomKernels.Randperm(generator ?? Generator.Default, idx);
        var t = from_array(idx, n).clone();
        if (dtype is not null && dtype != int64) t = t.to(dtype);
        return Sampling.Placed(t, device, requires_grad);
    }

    /// <summary>Samples from N(mean, std²) with a tensor mean and/or std (broadcast), as <c>torch.normal</c>.</summary>
    public static Tensor normal(Tensor mean, Tensor std, Generator? generator = null) =>
        // the sample's gradient goes to the mean only (std gets zeros), as PyTorch's NormalBackward3
        Sampling.NormalTensors.Run([mean, std], (mean, std), () => Sampling.NormalImpl(mean, std, generator));

    /// <summary>Normal samples with per-element means <paramref name="mean"/> and one standard deviation, as <c>torch.normal(mean, std)</c>.</summary>
    public static Tensor normal(Tensor mean, double std = 1.0, Generator? generator = null)
    {
        if (std < 0) throw new ArgumentException($"normal expects std >= 0.0, but found std {std}");
        return Sampling.NormalMean.Run([mean], default, () =>
        {
            var t = empty(mean._shape, mean.dtype.is_floating_point ? mean.dtype : get_default_dtype(), null);
            t.NormalInto(0, std, generator);
            return t.add_(mean);
        });
    }

    /// <summary>Normal samples with one mean and per-element standard deviations <paramref name="std"/>, as <c>torch.normal(mean, std)</c>.</summary>
    public static Tensor normal(double mean, Tensor std, Generator? generator = null) =>
        Sampling.NormalStd.Run([std], std, () =>
        {
            var t = empty(std._shape, std.dtype.is_floating_point ? std.dtype : get_default_dtype(), null);
            t.NormalInto(0, 1, generator);
            return t.mul_(std).add_(mean);
        });

    /// <summary>Normal samples of the given size with one mean and standard deviation, as <c>torch.normal(mean, std, size)</c>.</summary>
    public static Tensor normal(double mean, double std, long[] size, Generator? generator = null, DType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        var t = empty(size, Sampling.FloatDType(dtype, "normal_kernel_cpu"), null);
        t.normal_(mean, std, generator);
        return Sampling.Placed(t, device, requires_grad);
    }

    /// <summary>Draws 1 with the probability held in each element of <paramref name="input"/>.</summary>
    public static Tensor bernoulli(Tensor input, Generator? generator = null) =>
        // a sample carries no gradient to the probabilities (zeros, as PyTorch's BernoulliBackward0)
        Sampling.Bernoulli.Run([input], input, () => Sampling.BernoulliImpl(input, generator));

    /// <summary>Bernoulli samples (0 or 1) with probability <paramref name="p"/>, shaped like <paramref name="input"/>, as <c>torch.bernoulli(input, p)</c>.</summary>
    public static Tensor bernoulli(Tensor input, double p, Generator? generator = null) =>
        empty_like(input).bernoulli_(p, generator);

    /// <summary>Samples category indices from each row of (unnormalized) probabilities.</summary>
    public static Tensor multinomial(Tensor input, long num_samples, bool replacement = false, Generator? generator = null)
    {
        if (input.dim() != 1 && input.dim() != 2)
            throw new ArgumentException("prob_dist must be 1 or 2 dim");
        if (!input.dtype.is_floating_point)
            throw new ArgumentException($"multinomial only supports floating-point dtypes for input, got: {input.dtype.LegacyName}");
        if (num_samples <= 0) throw new ArgumentException("cannot sample n_sample <= 0 samples");
        long cats = input.size(-1);
        if (!replacement && num_samples > cats)
            throw new ArgumentException("cannot sample n_sample > prob_dist.size(-1) samples without replacement");
        int rows = input.dim() == 1 ? 1 : (int)input.size(0);
        // the result's size is checked before anything is allocated: rows * num_samples may wrap, or pass an array's limit
        long count = Shape.ContiguousStorageCount(input.dim() == 1 ? [num_samples] : [rows, num_samples], sizeof(long));
        if (count > Array.MaxLength)
            throw new OutOfMemoryException($"Flint cannot allocate {count} elements of {int64}: a CPU tensor holds at most {Array.MaxLength} elements.");
        var dst = new long[count];
        var g = generator ?? Generator.Default;
        if (input.dtype == float64) RandomKernels.Multinomial(g, input.ToArray<double>(), rows, (int)cats, (int)num_samples, replacement, dst);
        else RandomKernels.Multinomial(g, input.ToArray<float>(), rows, (int)cats, (int)num_samples, replacement, dst);
        var r = from_array(dst, rows, num_samples).clone();
        return input.dim() == 1 ? r.view(num_samples) : r;
    }

}

/// <summary>What the random functions share: the float dtype they sample, where samples are drawn and placed, normal and bernoulli's draws.</summary>
internal static class Sampling
{
    /// <summary>normal(mean, std) with tensors: the sample's gradient goes to the mean only (std gets zeros).</summary>
    // PyTorch's derivatives.yaml gives a sample no gradient to its mean or std (zeros of their sizes, in the grad's
    // dtype): torch.normal is not reparameterised
    internal static readonly NodeDerivative<(Tensor mean, Tensor std)> NormalTensors = new("NormalBackward3", null,
        static (g, s) => torch.zeros(s.mean._shape, dtype: g.dtype, device: g.device), static (g, s) => torch.zeros(s.std._shape, dtype: g.dtype, device: g.device));
    /// <summary>normal(mean tensor, std number): zeros for the mean.</summary>
    internal static readonly NodeDerivative<NoState> NormalMean = new("NormalBackward1", null, static (g, _) => torch.zeros_like(g));
    /// <summary>normal(mean number, std tensor): zeros for std.</summary>
    internal static readonly NodeDerivative<Tensor> NormalStd = new("NormalBackward2", null, static (g, std) => torch.zeros(std._shape, dtype: g.dtype, device: g.device));
    /// <summary>bernoulli(p): a sample carries no gradient to the probabilities (zeros).</summary>
    internal static readonly NodeDerivative<Tensor> Bernoulli = new("BernoulliBackward0", null, static (g, input) => torch.zeros_like(input));
    /// <summary>bernoulli_(p tensor) on a tensor in the graph: zeros for self's history and for p.</summary>
    internal static readonly NodeDerivative<Tensor> BernoulliTensor = new("BernoulliBackward1", null,
        static (g, _) => torch.zeros_like(g), static (g, p) => torch.zeros_like(p));

    internal static DType FloatDType(DType? dtype, string op)
    {
        var dt = dtype ?? torch.get_default_dtype();
        if (!dt.is_floating_point) throw new NotSupportedException($"\"{op}\" not implemented for '{dt.LegacyName}'");
        return dt;
    }

    internal static Tensor NormalImpl(Tensor mean, Tensor std, Generator? generator)
    {
        var shape = Shape.Broadcast(mean._shape, std._shape);
        var dt = Ops.TypePromotion.ResultType(mean, std);
        var t = torch.empty(shape, dt.is_floating_point ? dt : torch.get_default_dtype(), null);
        t.NormalInto(0, 1, generator);
        return t.mul_(std).add_(mean);
    }

    internal static Tensor BernoulliImpl(Tensor input, Generator? generator)
    {
        if (!input.dtype.is_floating_point)
            throw new NotSupportedException($"\"bernoulli_tensor_cpu_p_\" not implemented for '{input.dtype.LegacyName}'");
        var g = generator ?? Generator.Default;
        var r = torch.empty(input._shape, input.dtype, input.device);
        if (input.dtype == torch.float64)
        {
            var p = input.ToArray<double>(); var o = new double[p.Length];
            RandomKernels.Bernoulli(g, p, o);
            r.copy_(torch.from_array(o, input._shape));
        }
        else
        {
            var p = input.ToArray<float>(); var o = new float[p.Length];
            RandomKernels.Bernoulli(g, p, o);
            r.copy_(torch.from_array(o, input._shape));
        }
        return r;
    }

    /// <summary>The meta device when asked for (samples are then neither drawn nor stored), else null (drawn on the CPU).</summary>
    internal static Device? MetaOrNull(Device? device) => device is { type: DeviceType.Meta } ? device : null;

    internal static Tensor Placed(Tensor t, Device? device, bool requires_grad)
    {
        if (device is not null && device.type != DeviceType.CPU) t = t.to(device);
        if (requires_grad) t.requires_grad = true;
        return t;
    }
}

public partial class Tensor
{
    /// <summary>Runs a sampler over a contiguous float32/float64 buffer and copies it into this tensor.</summary>
    private void SampleFloat(Action<Span<float>> f32, Action<Span<double>> f64)
    {
        if (is_meta) return;   // no values to draw: the generator is left as it is
        long n = numel();
        if (dtype == DType.Float64)
        {
            if (Backends.HostMemory.IsHost(_storage) && is_contiguous()) { f64(Backends.HostMemory.Span<double>(_storage).Slice((int)_offset, (int)n)); return; }
            var buf = new double[n]; f64(buf); Backend.Copy(this, torch.from_array(buf, _shape));
        }
        else
        {
            if (dtype == DType.Float32 && Backends.HostMemory.IsHost(_storage) && is_contiguous()) { f32(Backends.HostMemory.Span<float>(_storage).Slice((int)_offset, (int)n)); return; }
            var buf = new float[n]; f32(buf); Backend.Copy(this, torch.from_array(buf, _shape));
        }
    }

    internal void UniformInto(double from, double to, Generator? g)
    {
        var gen = g ?? Generator.Default;
        SampleFloat(s => RandomKernels.Uniform(gen, s, from, to), s => RandomKernels.Uniform(gen, s, from, to));
    }

    internal void NormalInto(double mean, double std, Generator? g)
    {
        var gen = g ?? Generator.Default;
        SampleFloat(s => RandomKernels.Normal(gen, s, mean, std), s => RandomKernels.Normal(gen, s, mean, std));
    }

    internal void RandomInto(long low, long high, Generator? g)
    {
        if (is_meta) return;
        var gen = g ?? Generator.Default;
        long n = numel();
        switch (dtype.scalar_type)
        {
            case ScalarType.Float32: { var b = new float[n]; RandomKernels.RandomFrom(gen, b, low, high); Backend.Copy(this, torch.from_array(b, _shape)); break; }
            case ScalarType.Float64: { var b = new double[n]; RandomKernels.RandomFrom(gen, b, low, high); Backend.Copy(this, torch.from_array(b, _shape)); break; }
            case ScalarType.Int32: { var b = new int[n]; RandomKernels.RandomFrom(gen, b, low, high); Backend.Copy(this, torch.from_array(b, _shape)); break; }
            case ScalarType.Int16: { var b = new short[n]; RandomKernels.RandomFrom(gen, b, low, high); Backend.Copy(this, torch.from_array(b, _shape)); break; }
            case ScalarType.Int8: { var b = new sbyte[n]; RandomKernels.RandomFrom(gen, b, low, high); Backend.Copy(this, torch.from_array(b, _shape)); break; }
            case ScalarType.UInt8: { var b = new byte[n]; RandomKernels.RandomFrom(gen, b, low, high); Backend.Copy(this, torch.from_array(b, _shape)); break; }
            default: { var b = new long[n]; RandomKernels.RandomFrom(gen, b, low, high); Backend.Copy(this, torch.from_array(b, _shape)); break; }
        }
    }

    private void CheckFloatSampling(string op)
    {
        if (!dtype.is_floating_point) throw new NotSupportedException($"\"{op}\" not implemented for '{dtype.LegacyName}'");
        Autograd.AutogradHooks.CheckInPlace(this);
    }

    /// <summary>Fills with samples from U(from, to).</summary>
    public Tensor uniform_(double from = 0, double to = 1, Generator? generator = null)
    {
        CheckFloatSampling("check_uniform_bounds");
        if (from > to)
            throw new ArgumentException($"uniform_ expects to return a [from, to) range, but found from={from} > to={to}");
        if (Autograd.Differentiation.NeedsInPlace(this))
            return Autograd.Differentiation.InPlaceFill(this, "UniformBackward0", y => y.uniform_(from, to, generator));
        UniformInto(from, to, generator);
        BumpVersion();
        return this;
    }

    /// <summary>Fills with samples from N(mean, std²).</summary>
    public Tensor normal_(double mean = 0, double std = 1, Generator? generator = null)
    {
        CheckFloatSampling("normal_kernel_cpu");
        if (std < 0) throw new ArgumentException($"normal expects std >= 0.0, but found std {std}");
        if (Autograd.Differentiation.NeedsInPlace(this))
            return Autograd.Differentiation.InPlaceFill(this, "NormalBackward0", y => y.normal_(mean, std, generator));
        NormalInto(mean, std, generator);
        BumpVersion();
        return this;
    }

    /// <summary>Fills with integers drawn uniformly from [from, to).</summary>
    public Tensor random_(long from, long to, Generator? generator = null) => RandomImpl(from, to, generator, "RandomBackward0");

    /// <summary>Fills this tensor in place with random integers in [0, <paramref name="to"/>), as <c>tensor.random_(to)</c>.</summary>
    public Tensor random_(long to, Generator? generator = null) => RandomImpl(0, to, generator, "RandomBackward1");

    /// <summary>Fills with integers drawn uniformly from [0, 2^mantissa] for floating dtypes, [0, max] for integers.</summary>
    public Tensor random_(Generator? generator = null)
    {
        long to = dtype.scalar_type switch
        {
            ScalarType.Float32 => (1L << 24) + 1,
            ScalarType.Float64 => (1L << 53) + 1,
            ScalarType.Float16 => (1L << 11) + 1,
            ScalarType.BFloat16 => (1L << 8) + 1,
            ScalarType.Bool => 2,
            ScalarType.UInt8 => 256,
            ScalarType.Int8 => 128,
            ScalarType.Int16 => 1L << 15,
            ScalarType.Int32 => 1L << 31,
            _ => long.MaxValue,
        };
        return RandomImpl(0, to, generator, "RandomBackward2");
    }

    private Tensor RandomImpl(long from, long to, Generator? generator, string node)
    {
        if (from >= to) throw new ArgumentException($"random_ expects 'from' to be less than 'to', but got from={from} >= to={to}");
        if (Autograd.Differentiation.NeedsInPlace(this))
            return Autograd.Differentiation.InPlaceFill(this, node, y => y.RandomImpl(from, to, generator, node));
        Autograd.AutogradHooks.CheckInPlace(this);
        RandomInto(from, to, generator);
        BumpVersion();
        return this;
    }

    /// <summary>Fills with 1 with probability p, else 0.</summary>
    public Tensor bernoulli_(double p = 0.5, Generator? generator = null)
    {
        Autograd.AutogradHooks.CheckInPlace(this);
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"bernoulli_ expects p to be in [0, 1], but got p={p}");
        if (Autograd.Differentiation.NeedsInPlace(this))
            return Autograd.Differentiation.InPlaceFill(this, "BernoulliBackward2", y => y.bernoulli_(p, generator));
        if (is_meta) { BumpVersion(); return this; }
        var gen = generator ?? Generator.Default;
        long n = numel();
        if (dtype == DType.Float64) { var b = new double[n]; RandomKernels.Bernoulli(gen, b, p); Backend.Copy(this, torch.from_array(b, _shape)); }
        else { var b = new float[n]; RandomKernels.Bernoulli(gen, b, p); Backend.Copy(this, torch.from_array(b, _shape)); }
        BumpVersion();
        return this;
    }

    /// <summary>Fills with 1 with probability p (broadcast to self's shape), else 0.</summary>
    public Tensor bernoulli_(Tensor p, Generator? generator = null)
    {
        Autograd.AutogradHooks.CheckInPlace(this);
        if (Autograd.Differentiation.NeedsInPlace(this, p))
            return Autograd.Differentiation.InPlace(this, old =>
            {
                Tensor y;
                using (new Autograd.GradModeScope(false)) y = torch.empty_like(old).bernoulli_(p, generator);
                return Sampling.BernoulliTensor.Record(y, [old, p], p);
            });
        Tensor drawn;
        using (new Autograd.GradModeScope(false)) drawn = torch.bernoulli(p.expand(_shape).to(DType.Float64), generator);
        Backend.Copy(this, drawn.to(dtype));
        BumpVersion();
        return this;
    }

    /// <summary>Fills this tensor in place with exponential samples of rate <paramref name="lambd"/>, as <c>tensor.exponential_</c>.</summary>
    public Tensor exponential_(double lambd = 1, Generator? generator = null)
    {
        CheckFloatSampling("exponential_cpu");
        if (Autograd.Differentiation.NeedsInPlace(this))
            return Autograd.Differentiation.InPlaceFill(this, "ExponentialBackward0", y => y.exponential_(lambd, generator));
        var gen = generator ?? Generator.Default;
        SampleFloat(s => RandomKernels.Exponential(gen, s, lambd), s => RandomKernels.Exponential(gen, s, lambd));
        BumpVersion();
        return this;
    }
}
