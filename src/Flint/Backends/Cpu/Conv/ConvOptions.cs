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
    /// <summary>Implicit GEMM over several samples' columns side by side, for small planes (Conv/FoldedConv.cs).</summary>
    BatchFolded,
    /// <summary>The forward straight from the input, for few input channels × taps (the RGB stem; Conv/DirectConv.cs); the gradients use the implicit GEMM.</summary>
    Direct,
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
    /// window over enough channels and a large enough plane Winograd, a 2-D window with at most
    /// <see cref="DirectConv.MaxRows"/> input channels × taps the direct forward (its gradients the implicit GEMM),
    /// any other window of a batch whose planes are small the batch-folded implicit GEMM and the rest the blocked one;
    /// the reference when forced, or for dtypes other than float32 and float64.
    /// </summary>
    internal static ConvAlgorithm Choose(WindowGeometry g, long ci, int groups, DType dtype, long batch = 1)
    {
        var forced = Algorithm;
        if (forced == ConvAlgorithm.Reference || dtype != DType.Float32 && dtype != DType.Float64) return ConvAlgorithm.Reference;
        bool pointwise = IsPointwise(g), depthwise = groups > 1 && ci == groups;
        if (forced is ConvAlgorithm.Blocked or ConvAlgorithm.BatchFolded) return forced;
        if (forced == ConvAlgorithm.Depthwise && depthwise) return ConvAlgorithm.Depthwise;
        if (forced == ConvAlgorithm.Pointwise && pointwise) return ConvAlgorithm.Pointwise;
        bool winograd = Winograd.Applies(g);
        if (forced == ConvAlgorithm.Winograd && winograd) return ConvAlgorithm.Winograd;
        bool direct = DirectConv.Applies(g, ci / groups);
        if (forced == ConvAlgorithm.Direct && direct) return ConvAlgorithm.Direct;
        if (pointwise) return ConvAlgorithm.Pointwise;
        if (depthwise) return ConvAlgorithm.Depthwise;
        // Winograd's 16 GEMMs need enough channels per group to run near the GEMM's rate, and a plane large enough that
        // the weight transform and the partial tiles do not eat the saving (measured on a quiet Zen 4 with ResNet-18's
        // shapes at batch 8, forward and backward: 1.3-2.5x faster than the implicit GEMM at 28x28 and 14x14, slower at 7x7)
        if (winograd && ci / groups >= WinogradMinChannels && (long)g.OH * g.OW >= WinogradMinPlane) return ConvAlgorithm.Winograd;
        // few rows per output (the RGB stem's 3 x 7x7 = 147): unfolding and packing them costs more than their arithmetic
        // (measured on a quiet-ish Zen 1, interleaved: the stem at batch 16 in 67-79 ms against 88-118 for the blocked
        // implicit GEMM; MNIST's and CIFAR's first layers 1.3-4x faster)
        if (direct) return ConvAlgorithm.Direct;
        return ImplicitGemm(g, batch);
    }

    /// <summary>
    /// The implicit GEMM for a window no other algorithm takes: batch-folded when the batch's planes are small (one
    /// sample's few output positions make a product too narrow for the GEMM), blocked otherwise.
    /// </summary>
    internal static ConvAlgorithm ImplicitGemm(WindowGeometry g, long batch) =>
        batch > 1 && g.OutPlane <= FoldedConv.MaxPlane ? ConvAlgorithm.BatchFolded : ConvAlgorithm.Blocked;

    /// <summary>Input channels per group from which the selector prefers Winograd for a window it applies to.</summary>
    internal const int WinogradMinChannels = 16;

    /// <summary>Output positions of a plane from which the selector prefers Winograd (ResNet's 56x56, 28x28 and 14x14 stages are at or above it; 7x7 is not).</summary>
    internal const int WinogradMinPlane = 196;

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
