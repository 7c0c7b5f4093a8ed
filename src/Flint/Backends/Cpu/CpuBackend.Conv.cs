using System.Numerics;
using Flint.Backends.Cpu.Conv;

namespace Flint.Backends.Cpu;

internal sealed partial class CpuBackend
{
    public void Im2Col(TensorLayout input, TensorLayout columns, WindowGeometry g) =>
        DTypeDispatch.Numeric(input.DType, "im2col", new Im2ColV(input, columns, g));

    private readonly struct Im2ColV(TensorLayout input, TensorLayout columns, WindowGeometry g) : INumericVisitor
    {
        public void Visit<T>() where T : unmanaged, INumber<T> =>
            Unfold.Im2Col(Arr<T>(input), input.Offset, input.Shape, Arr<T>(columns), columns.Offset, g);
    }

    public void Col2Im(TensorLayout columns, TensorLayout input, WindowGeometry g) =>
        DTypeDispatch.Numeric(input.DType, "col2im", new Col2ImV(columns, input, g));

    private readonly struct Col2ImV(TensorLayout columns, TensorLayout input, WindowGeometry g) : INumericVisitor
    {
        public void Visit<T>() where T : unmanaged, INumber<T> =>
            Unfold.Col2Im(Arr<T>(columns), columns.Offset, Arr<T>(input), input.Offset, input.Shape, g);
    }

    public void MaxPool(TensorLayout input, TensorLayout output, TensorLayout indices, WindowGeometry g) =>
        DTypeDispatch.Floating(input.DType, "max_pool2d", new MaxPoolV(input, output, indices, g, adaptive: false));

    public void AdaptiveMaxPool(TensorLayout input, TensorLayout output, TensorLayout indices, WindowGeometry g) =>
        DTypeDispatch.Floating(input.DType, "adaptive_max_pool2d", new MaxPoolV(input, output, indices, g, adaptive: true));

    private readonly struct MaxPoolV(TensorLayout input, TensorLayout output, TensorLayout indices, WindowGeometry g, bool adaptive) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            int p = checked((int)output.Shape[0]);
            if (adaptive) Pool.AdaptiveMax(Arr<T>(input), input.Offset, Arr<T>(output), output.Offset, Arr<long>(indices), indices.Offset, p, g);
            else Pool.Max(Arr<T>(input), input.Offset, Arr<T>(output), output.Offset, Arr<long>(indices), indices.Offset, p, g);
        }
    }

    public void MaxPoolBackward(TensorLayout gradOutput, TensorLayout indices, TensorLayout gradInput) =>
        DTypeDispatch.Floating(gradInput.DType, "max_pool2d_with_indices_backward", new MaxPoolBackwardV(gradOutput, indices, gradInput));

    private readonly struct MaxPoolBackwardV(TensorLayout gradOutput, TensorLayout indices, TensorLayout gradInput) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            int p = checked((int)gradInput.Shape[0]), plane = checked((int)gradInput.Shape[1]), l = checked((int)gradOutput.Shape[1]);
            Pool.Scatter(Arr<T>(gradOutput), gradOutput.Offset, Arr<long>(indices), indices.Offset, Arr<T>(gradInput), gradInput.Offset, p, l, plane);
        }
    }

    public void AvgPool(TensorLayout input, TensorLayout output, WindowGeometry g, bool countIncludePad, long divisorOverride)
    {
        // PyTorch's CPU kernel takes the floating types and int64
        if (input.DType.IsIntegral && input.DType != DType.Int64) throw Unsupported("avg_pool2d", input.DType);
        DTypeDispatch.Numeric(input.DType, "avg_pool2d", new AvgPoolV(input, output, g, countIncludePad, divisorOverride));
    }

    private readonly struct AvgPoolV(TensorLayout input, TensorLayout output, WindowGeometry g, bool countIncludePad, long divisorOverride) : INumericVisitor
    {
        public void Visit<T>() where T : unmanaged, INumber<T> =>
            Pool.Mean(Arr<T>(input), input.Offset, Arr<T>(output), output.Offset, checked((int)output.Shape[0]), g, adaptive: false, backward: false, countIncludePad, divisorOverride);
    }

    public void AvgPoolBackward(TensorLayout gradOutput, TensorLayout gradInput, WindowGeometry g, bool countIncludePad, long divisorOverride) =>
        DTypeDispatch.Floating(gradInput.DType, "avg_pool2d_backward_out_frame", new AvgPoolBackwardV(gradOutput, gradInput, g, countIncludePad, divisorOverride));

    private readonly struct AvgPoolBackwardV(TensorLayout gradOutput, TensorLayout gradInput, WindowGeometry g, bool countIncludePad, long divisorOverride) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
            Pool.Mean(Arr<T>(gradOutput), gradOutput.Offset, Arr<T>(gradInput), gradInput.Offset, checked((int)gradInput.Shape[0]), g, adaptive: false, backward: true, countIncludePad, divisorOverride);
    }

    public void AdaptiveAvgPool(TensorLayout input, TensorLayout output, WindowGeometry g) =>
        DTypeDispatch.Floating(input.DType, "adaptive_avg_pool2d", new AdaptiveAvgPoolV(input, output, g, backward: false));

    public void AdaptiveAvgPoolBackward(TensorLayout gradOutput, TensorLayout gradInput, WindowGeometry g) =>
        DTypeDispatch.Floating(gradInput.DType, "adaptive_avg_pool2d_backward_cpu", new AdaptiveAvgPoolV(gradOutput, gradInput, g, backward: true));

    /// <summary>Adaptive average pooling of <paramref name="src"/> into <paramref name="dst"/>, or its backward
    /// (the gradient of the pooled output into the input's).</summary>
    private readonly struct AdaptiveAvgPoolV(TensorLayout src, TensorLayout dst, WindowGeometry g, bool backward) : IFloatVisitor
    {
        public void Visit<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            Pool.Mean(Arr<T>(src), src.Offset, Arr<T>(dst), dst.Offset, checked((int)dst.Shape[0]), g, adaptive: true, backward, false, 0);
        }
    }
}
