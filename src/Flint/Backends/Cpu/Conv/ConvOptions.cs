namespace Flint.Backends.Cpu.Conv;

/// <summary>The ways the CPU backend computes a convolution (forward, input gradient and weight gradient alike).</summary>
internal enum ConvAlgorithm
{
    /// <summary>Chosen per shape (see <see cref="ConvOptions.Choose"/>).</summary>
    Auto,
    /// <summary>The whole im2col of a sample, then one GEMM: the reference every other algorithm is tested against.</summary>
    Reference,
    /// <summary>A 1x1 window with stride 1 and no padding: the input is already the GEMM operand.</summary>
    Pointwise,
    /// <summary>Implicit GEMM: im2col of blocks of output positions that fit the L2 cache, one GEMM per block.</summary>
    Blocked,
    /// <summary>One input channel per group (depthwise): a direct convolution of each plane.</summary>
    Depthwise,
    /// <summary>A 3x3 stride-1 undilated 2-D window: Winograd F(2x2, 3x3) for the forward and both gradients (Conv/Winograd.cs).</summary>
    Winograd,
}

/// <summary>
/// Knobs for the CPU convolution kernels, read on the calling thread when a kernel starts (a test forces an
/// algorithm or a block size on its own thread without disturbing kernels running elsewhere).
/// </summary>
internal static class ConvOptions
{
    [ThreadStatic] private static ConvAlgorithm algorithm;
    [ThreadStatic] private static int blockBytes;

    // Set once any thread has set a knob: until then the per-call reads skip the thread-local storage.
    private static volatile bool overridden;

    /// <summary>Bytes of one column block of the implicit GEMM: it and its packed copy stay in a core's L2.</summary>
    internal const int DefaultBlockBytes = 256 << 10;

    /// <summary>Forces an algorithm; one that does not apply to a shape (Pointwise, Depthwise) falls back to Auto.</summary>
    internal static ConvAlgorithm Algorithm
    {
        get => overridden ? algorithm : ConvAlgorithm.Auto;
        set { overridden = true; algorithm = value; }
    }

    /// <summary>Forces the bytes of a column block (0: the default); a forced size may cut blocks down to one column.</summary>
    internal static int BlockBytes
    {
        get => overridden ? blockBytes : 0;
        set { overridden = true; blockBytes = value; }
    }

    internal static bool IsPointwise(WindowGeometry g) =>
        g.Taps == 1 && g.SD == 1 && g.SH == 1 && g.SW == 1 && g.PD == 0 && g.PH == 0 && g.PW == 0 && g.OD == g.D && g.OH == g.H && g.OW == g.W;

    /// <summary>
    /// The algorithm for a convolution of <paramref name="ci"/> input channels in <paramref name="groups"/> groups:
    /// a pointwise window is a plain GEMM, one input channel per group a direct depthwise convolution, a 3x3 stride-1
    /// window over enough channels and a large enough plane Winograd, any other window the blocked implicit GEMM; the reference when forced, or for dtypes other than float32 and float64.
    /// </summary>
    internal static ConvAlgorithm Choose(WindowGeometry g, long ci, int groups, DType dtype)
    {
        var forced = Algorithm;
        if (forced == ConvAlgorithm.Reference || dtype != DType.Float32 && dtype != DType.Float64) return ConvAlgorithm.Reference;
        bool pointwise = IsPointwise(g), depthwise = groups > 1 && ci == groups;
        if (forced == ConvAlgorithm.Blocked) return ConvAlgorithm.Blocked;
        if (forced == ConvAlgorithm.Depthwise && depthwise) return ConvAlgorithm.Depthwise;
        if (forced == ConvAlgorithm.Pointwise && pointwise) return ConvAlgorithm.Pointwise;
        bool winograd = Winograd.Applies(g);
        if (forced == ConvAlgorithm.Winograd && winograd) return ConvAlgorithm.Winograd;
        if (pointwise) return ConvAlgorithm.Pointwise;
        if (depthwise) return ConvAlgorithm.Depthwise;
        // Winograd's 16 GEMMs need enough channels per group to run near the GEMM's rate, and a plane large enough that
        // the weight transform and the partial tiles do not eat the saving (measured under load: a win at 56x56, a loss at 7x7)
        return winograd && ci / groups >= WinogradMinChannels && (long)g.OH * g.OW >= WinogradMinPlane ? ConvAlgorithm.Winograd : ConvAlgorithm.Blocked;
    }

    /// <summary>Input channels per group from which the selector prefers Winograd for a window it applies to.</summary>
    internal const int WinogradMinChannels = 16;

    /// <summary>Output positions of a plane from which the selector prefers Winograd (ResNet's first stage, 56x56, is above it; 28x28 and below are not).</summary>
    internal const int WinogradMinPlane = 1024;

    /// <summary>
    /// Output positions per column block when a block has <paramref name="rows"/> rows: as many as the block bytes
    /// hold, at least 64 (or all <paramref name="l"/>) unless a test forced the size.
    /// </summary>
    internal static int BlockColumns(long rows, int l, int elementSize)
    {
        int forced = BlockBytes;
        long bytes = forced > 0 ? forced : DefaultBlockBytes;
        long lb = Math.Max(1, bytes / Math.Max(1, rows * elementSize));
        if (forced <= 0) lb = Math.Max(lb, Math.Min(l, 64));
        return (int)Math.Clamp(lb, 1, Math.Max(1, l));
    }
}
